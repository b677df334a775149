//go:build !amd64 || purego

package group

// useAVX2 is false where the assembly is not built.
const useAVX2 = false

func selectRow16(w *[12]uint64, row *nielsRow16, abs uint64) { selectRow16Generic(w, row, abs) }

func selectRow8(w *[12]uint64, row *nielsRow, abs uint64) { selectRow8Generic(w, row, abs) }

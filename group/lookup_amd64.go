//go:build amd64 && !purego

package group

// On amd64 the row selections of the fixed-base and multi-scalar tables
// run in AVX-512 or AVX2 when the processor and the operating system
// support them: the same masked scan of every entry, eight or four words at
// a time, every entry read whole by an unmasked load (lookup_amd64.s). The
// choice depends only on the machine, never on the data.
var useAVX2, useAVX512 = vectorSupport()

// selectRow16 sets w to the coordinates of entry abs−1 of row, or to zero
// if abs is not in [1, 16] (abs below 2^63), in constant time (see
// selectRow16Generic).
func selectRow16(w *[12]uint64, row *nielsRow16, abs uint64) {
	if useAVX512 {
		selectRow16AVX512(w, row, abs)
		return
	}
	if useAVX2 {
		selectRow16AVX2(w, row, abs)
		return
	}
	selectRow16Generic(w, row, abs)
}

// selectRow8 sets w to the coordinates of entry abs−1 of row, or to zero
// if abs is not in [1, 8] (abs below 2^63), in constant time (see
// selectRow8Generic).
func selectRow8(w *[12]uint64, row *nielsRow, abs uint64) {
	if useAVX512 {
		selectRow8AVX512(w, row, abs)
		return
	}
	if useAVX2 {
		selectRow8AVX2(w, row, abs)
		return
	}
	selectRow8Generic(w, row, abs)
}

//go:noescape
func selectRow16AVX2(w *[12]uint64, row *nielsRow16, abs uint64)

//go:noescape
func selectRow8AVX2(w *[12]uint64, row *nielsRow, abs uint64)

//go:noescape
func selectRow16AVX512(w *[12]uint64, row *nielsRow16, abs uint64)

//go:noescape
func selectRow8AVX512(w *[12]uint64, row *nielsRow, abs uint64)

// cpuid returns the registers that the CPUID instruction sets for leaf
// eaxArg and subleaf ecxArg.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv returns the low word of extended control register 0, which says
// which register states the operating system saves.
func xgetbv() (eax uint32)

// vectorSupport reports whether AVX2 and whether AVX-512 Foundation
// instructions may be used: the processor has them (CPUID leaf 7) and the
// operating system saves their registers (XCR0: SSE and AVX state for
// AVX2; also the opmask and ZMM state for AVX-512).
func vectorSupport() (avx2, avx512 bool) {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false, false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false, false // no XGETBV, or no AVX
	}
	xcr0 := xgetbv()
	_, ebx7, _, _ := cpuid(7, 0)
	const ymmState = 1<<1 | 1<<2
	const zmmState = ymmState | 1<<5 | 1<<6 | 1<<7
	const avx2Bit, avx512fBit = 1 << 5, 1 << 16
	avx2 = xcr0&ymmState == ymmState && ebx7&avx2Bit != 0
	avx512 = avx2 && xcr0&zmmState == zmmState && ebx7&avx512fBit != 0
	return avx2, avx512
}

package election

import (
	"crypto/sha256"
	"io"

	"github.com/sandogh/sandogh/internal/sums"
)

// An index is the content of SHA256SUMS: the SHA-256 of every other file
// of the record, by path, in the text form of package internal/sums
// (docs/spec.md §The election record, "Index").
type index = sums.Index

// maxIndexSize bounds the index a reader accepts: 64 + 2 + 255 + 1 bytes per
// line for the fixed files and up to 1024 share lists.
const maxIndexSize = 1 << 20

// parseIndex decodes the text form of an index strictly (sums.Parse).
func parseIndex(data []byte) (index, error) { return sums.Parse(data, maxIndexSize) }

// hashingWriter passes writes through to w and hashes them.
type hashingWriter struct {
	w io.Writer
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func newHashingWriter(w io.Writer) *hashingWriter {
	return &hashingWriter{w: w, h: sha256.New()}
}

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	return n, err
}

func (hw *hashingWriter) sum() [sha256.Size]byte {
	var s [sha256.Size]byte
	hw.h.Sum(s[:0])
	return s
}

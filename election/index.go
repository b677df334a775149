package election

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
)

// An index is the content of SHA256SUMS: the SHA-256 of every other file
// of the record, by path. Its text form is that of GNU coreutils' sha256sum
// (docs/spec.md §The election record, "Index"), so that
//
//	cd record && sha256sum --check SHA256SUMS
//
// checks a downloaded record without sandogh:
//
//	<64 lowercase hexadecimal characters> ␠ ␠ <path> LF
//
// one line per file, sorted by path in byte order, each path once.
type index map[string][sha256.Size]byte

// maxIndexSize bounds the index a reader accepts: 64 + 2 + 255 + 1 bytes per
// line for the fixed files and up to 1024 share lists.
const maxIndexSize = 1 << 20

// bytes returns the text form of the index.
func (x index) bytes() []byte {
	names := make([]string, 0, len(x))
	for n := range x {
		names = append(names, n)
	}
	slices.Sort(names)
	var b bytes.Buffer
	for _, n := range names {
		h := x[n]
		b.WriteString(hex.EncodeToString(h[:]))
		b.WriteString("  ")
		b.WriteString(n)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// parseIndex decodes the text form of an index strictly: every line as
// above, sorted, no path twice, lowercase digits, a final newline.
func parseIndex(data []byte) (index, error) {
	if len(data) > maxIndexSize {
		return nil, fmt.Errorf("%d bytes, more than the maximum %d", len(data), maxIndexSize)
	}
	x := make(index)
	if len(data) == 0 {
		return x, nil
	}
	if data[len(data)-1] != '\n' {
		return nil, fmt.Errorf("the last line does not end with a newline")
	}
	prev := ""
	for i, line := range strings.Split(string(data[:len(data)-1]), "\n") {
		hexHash, name, ok := strings.Cut(line, "  ")
		if !ok || len(hexHash) != 2*sha256.Size {
			return nil, fmt.Errorf("line %d: not \"<64 hexadecimal digits>  <path>\"", i+1)
		}
		var h [sha256.Size]byte
		for k := 0; k < len(hexHash); k++ {
			if c := hexHash[k]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return nil, fmt.Errorf("line %d: character %d of the hash is not a lowercase hexadecimal digit", i+1, k+1)
			}
		}
		if _, err := hex.Decode(h[:], []byte(hexHash)); err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		if err := checkRelPath(name); err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		if name == fileIndex {
			return nil, fmt.Errorf("line %d: the index lists itself", i+1)
		}
		if i > 0 && name <= prev {
			if name == prev {
				return nil, fmt.Errorf("line %d: %s is listed twice", i+1, name)
			}
			return nil, fmt.Errorf("line %d: %s is not in sorted order after %s", i+1, name, prev)
		}
		x[name] = h
		prev = name
	}
	return x, nil
}

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

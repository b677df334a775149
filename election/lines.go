package election

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
)

// maxLine is the longest line of a JSON-lines file that a reader accepts,
// the ballot box's own limit. A longer line is reported and skipped.
const maxLine = 64 << 20

// A rawLine is one line of a JSON-lines file, without its newline.
type rawLine struct {
	num    int   // 1-based line number
	offset int64 // byte offset of the line in the file
	data   []byte
	err    error // a line that is too long or not terminated
}

// lineReader splits a JSON-lines file into lines, hashing every byte it
// reads, so that the index check needs no second pass over the file.
type lineReader struct {
	r      *bufio.Reader
	h      hash.Hash
	num    int
	offset int64
	done   bool
}

func newLineReader(r io.Reader) *lineReader {
	h := sha256.New()
	return &lineReader{r: bufio.NewReaderSize(io.TeeReader(r, h), 1<<20), h: h}
}

// next returns the next line, or io.EOF, or an I/O error. A line longer
// than maxLine, without a final newline, or empty is returned with err set
// and its data nil; reading goes on after it.
func (lr *lineReader) next() (rawLine, error) {
	if lr.done {
		return rawLine{}, io.EOF
	}
	lr.num++
	l := rawLine{num: lr.num, offset: lr.offset}
	var long []byte
	tooLong := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		lr.offset += int64(len(chunk))
		if errors.Is(err, bufio.ErrBufferFull) {
			if !tooLong && len(long)+len(chunk) <= maxLine {
				long = append(long, chunk...)
			} else {
				tooLong, long = true, nil
			}
			continue
		}
		if err == io.EOF {
			lr.done = true
			if len(chunk) == 0 && len(long) == 0 && !tooLong {
				return rawLine{}, io.EOF
			}
			l.err = fmt.Errorf("the last line does not end with a newline (a torn write)")
			return l, nil
		}
		if err != nil {
			return rawLine{}, err
		}
		if tooLong || len(long)+len(chunk) > maxLine+1 {
			l.err = fmt.Errorf("longer than %d bytes", maxLine)
			return l, nil
		}
		if long != nil {
			long = append(long, chunk...)
			chunk = long
		} else {
			chunk = bytes.Clone(chunk)
		}
		l.data = chunk[:len(chunk)-1]
		if len(l.data) == 0 {
			l.data, l.err = nil, errors.New("the line is empty (a JSON-lines file has no blank lines)")
		}
		return l, nil
	}
}

// sum returns the SHA-256 of everything read so far; after io.EOF, of the
// whole file.
func (lr *lineReader) sum() [sha256.Size]byte {
	var s [sha256.Size]byte
	lr.h.Sum(s[:0])
	return s
}

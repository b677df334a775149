package ballot

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/sandogh/sandogh/internal/par"
)

// The box reads its file back in batches of at most loadBatchLines lines
// and about loadBatchBytes bytes, so that its memory while reading does not
// grow with the file; the ballots of a batch are checked on all cores, in
// runs of loadProofBatch ballots whose proofs go into one batch
// verification (VerifyBallots: about 64 take most of the gain).
// loadBatchLines is a variable so that tests can make batches small.
var loadBatchLines = 2048

const (
	loadBatchBytes = 16 << 20
	loadProofBatch = 64
)

// A loadedLine is one line of the box's file read back and checked on its
// own: decoded (or why not), and for a ballot what CheckBallots found,
// proofs included.
type loadedLine struct {
	data []byte // the line, its newline included
	l    *BoxLine
	err  error
	c    *Checked
}

// readBack reads the file of size total from its start, batch by batch: it
// decodes the lines of a batch and checks their ballots (CheckBallots, all
// cores), then replays them in order. It returns the offset after the last
// good line: a torn last line (unterminated, or the last and not decoding)
// is left after it. A decoded line that the rule contradicts is an error
// wherever it is: a torn write leaves no such line. x.mu is held.
func (x *Box) readBack(total int64, progress func(lines, bytes, totalBytes int64)) (int64, error) {
	r := bufio.NewReaderSize(x.f, 1<<16)
	var good int64
	var batch []loadedLine
	for {
		batch = batch[:0]
		size := 0
		// The header alone first, so that a file of another election
		// is refused before its ballots are checked.
		limit := loadBatchLines
		if x.lines == 0 {
			limit = 1
		}
		var rerr error
		var tail []byte // an unterminated last line
		for len(batch) < limit && size < loadBatchBytes {
			var line []byte
			line, rerr = readBoxLine(r)
			if rerr != nil {
				tail = line
				break
			}
			batch = append(batch, loadedLine{data: line})
			size += len(line)
		}
		if rerr != nil && rerr != io.EOF {
			if errors.Is(rerr, errLongLine) {
				return 0, fmt.Errorf("ballot: box %s: line %d is longer than %d bytes", x.path, x.lines+int64(len(batch))+1, maxBoxLine)
			}
			return 0, fmt.Errorf("ballot: box %s: %v", x.path, rerr)
		}
		x.checkLines(batch)
		// Whether the batch's last line is the file's last.
		atEnd := rerr == io.EOF && len(tail) == 0
		if rerr == nil {
			_, perr := r.Peek(1)
			atEnd = perr == io.EOF
		}
		for i := range batch {
			ll := &batch[i]
			if ll.err != nil && atEnd && i == len(batch)-1 {
				return good, nil // a last line that does not decode: a torn write, never acknowledged
			}
			err := ll.err
			if err == nil {
				err = x.replay(ll.l, ll.c)
			}
			if err != nil {
				return 0, fmt.Errorf("ballot: box %s: line %d: %v", x.path, x.lines+1, err)
			}
			good += int64(len(ll.data))
			x.lines++
			ll.data, ll.l, ll.c = nil, nil, nil
		}
		if progress != nil && len(batch) > 0 {
			progress(x.lines, good, total)
		}
		if rerr == io.EOF {
			// The end, or an unterminated last line: a torn write,
			// never acknowledged.
			return good, nil
		}
	}
}

// checkLines decodes the lines of batch and runs CheckBallots, proofs
// included, on their ballots, on all cores.
func (x *Box) checkLines(batch []loadedLine) {
	par.For(len(batch), loadProofBatch, func(lo, hi int) {
		for ; lo < hi; lo += loadProofBatch {
			run := batch[lo:min(lo+loadProofBatch, hi)]
			var bs []*Ballot
			var at []int
			for i := range run {
				ll := &run[i]
				ll.l, ll.err = ParseBoxLine(bytes.TrimSuffix(ll.data, []byte("\n")))
				if ll.err == nil && ll.l.Ballot != nil {
					bs = append(bs, ll.l.Ballot)
					at = append(at, i)
				}
			}
			for k, c := range CheckBallots(x.e, bs, true) {
				run[at[k]].c = c
			}
		}
	})
}

var errLongLine = errors.New("line too long")

// readBoxLine returns the next line of r with its newline; at the end of
// the file, an unterminated last line (or nothing) and io.EOF; errLongLine
// for a line longer than maxBoxLine; or another reading error.
func readBoxLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err == nil {
		return bytes.Clone(line), nil
	}
	long := bytes.Clone(line)
	for errors.Is(err, bufio.ErrBufferFull) && len(long) <= maxBoxLine {
		line, err = r.ReadSlice('\n')
		long = append(long, line...)
	}
	switch {
	case err == nil:
		if len(long) > maxBoxLine {
			return nil, errLongLine
		}
		return long, nil
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, errLongLine
	case err == io.EOF:
		return long, err
	}
	return nil, err
}

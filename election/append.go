package election

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
)

// An AppendReport is what VerifyAppendOnly found when it compared a later
// snapshot of an election record with an earlier one.
type AppendReport struct {
	// Earlier is the earlier snapshot's folder.
	Earlier string `json:"earlier"`
	// Files is the number of files of the earlier snapshot compared: those
	// its index lists, and ballots.jsonl.
	Files int `json:"files"`
	// BallotLines and EarlierBallotLines are the numbers of complete
	// lines of ballots.jsonl in the later and the earlier snapshot.
	BallotLines        int64 `json:"ballotLines"`
	EarlierBallotLines int64 `json:"earlierBallotLines"`
	// Findings are the changes that appending does not explain, in the
	// order of the earlier index's files; empty if the later snapshot
	// only appends to the earlier one.
	Findings []AppendFinding `json:"findings"`
}

// An AppendFinding is one change between two snapshots that appending does
// not explain: the file (and, for ballots.jsonl, the line) and what
// changed.
type AppendFinding struct {
	File   string `json:"file"`
	Line   int64  `json:"line,omitempty"`
	Reason string `json:"reason"`
}

// String formats the finding on one line: "ballots.jsonl line 7: …".
func (f AppendFinding) String() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", f.File, f.Line, f.Reason)
	}
	return f.File + ": " + f.Reason
}

// AppendOnly reports whether the later snapshot only appends to the
// earlier one: no finding.
func (r *AppendReport) AppendOnly() bool { return len(r.Findings) == 0 }

// VerifyAppendOnly checks that the election record in folder later only
// appends to the one in folder earlier, a snapshot of the same record taken
// before it (docs/spec.md, "Verification", "Snapshots"), as belenios-tool
// verify-diff does for Belenios: every file that the earlier snapshot's
// index lists is in the later one with the same bytes, and listed there
// with the same SHA-256 (so the ceremony, the election's parameters and
// manifest, and every published share list, stage and result never
// change), and the earlier ballots.jsonl, listed or not, is a prefix of the
// later one, byte for byte (so published ballots never change or vanish).
// Only SHA256SUMS and, until the ballot box is finished, ballots.jsonl
// change, and only by growing. Files of the earlier folder that its index
// does not list, except ballots.jsonl, are not part of the record and are
// not compared.
//
// It does not verify either snapshot (Verify with Options.Snapshot does).
// It returns an error, and no report, if a snapshot cannot be read: a
// folder that is not a record, an earlier index that does not decode (the
// earlier snapshot's own verification reports it), or an I/O error.
func VerifyAppendOnly(earlier, later string) (*AppendReport, error) {
	if _, err := Open(earlier); err != nil {
		return nil, fmt.Errorf("election: the earlier snapshot: %s", strings.TrimPrefix(err.Error(), "election: "))
	}
	if _, err := Open(later); err != nil {
		return nil, err
	}
	old, err := readIndexFile(earlier)
	if err != nil {
		return nil, fmt.Errorf("election: the earlier snapshot: %s: %v", fileIndex, err)
	}
	cur, curErr := readIndexFile(later)
	rep := &AppendReport{Earlier: earlier, Findings: []AppendFinding{}}
	fail := func(file string, line int64, format string, args ...any) {
		rep.Findings = append(rep.Findings, AppendFinding{File: file, Line: line, Reason: fmt.Sprintf(format, args...)})
	}
	if curErr != nil {
		fail(fileIndex, 0, "does not decode in the later snapshot (%v), so it cannot list the earlier files", curErr)
	}
	names := make([]string, 0, len(old)+1)
	for name := range old {
		names = append(names, name)
	}
	if _, ok := old[fileBallots]; !ok {
		names = append(names, fileBallots) // the open box's file, not listed yet
	}
	slices.Sort(names)
	for _, name := range names {
		if name == fileBallots {
			if err := compareBallots(earlier, later, rep, fail); err != nil {
				return nil, err
			}
		}
		want, listed := old[name]
		if !listed {
			continue
		}
		rep.Files++
		if cur != nil {
			if h, ok := cur[name]; !ok {
				fail(name, 0, "listed in the earlier %s, no longer listed in the later one", fileIndex)
			} else if h != want {
				fail(name, 0, "listed in the later %s with SHA-256 %x, the earlier one says %x", fileIndex, h, want)
			}
		}
		if name == fileBallots {
			continue // compared line by line above
		}
		if err := compareFile(earlier, later, name, want, fail); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// readIndexFile reads and decodes the index of the record in dir.
func readIndexFile(dir string) (index, error) {
	f, err := regular.Open(joinRecord(dir, fileIndex))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxIndexSize+1))
	if err != nil {
		return nil, err
	}
	return parseIndex(data)
}

func joinRecord(dir, name string) string { return (&Reader{dir: dir}).path(name) }

// compareFile compares file name of the two snapshots: the later file must
// have the bytes of the earlier one, whose SHA-256 its index lists as
// listed.
func compareFile(earlier, later, name string, listed [sha256.Size]byte, fail func(string, int64, string, ...any)) error {
	then, err := hashFile(joinRecord(earlier, name))
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, regular.ErrNotRegular):
		then = listed // the earlier copy lacks it: compare with its index
	case err != nil:
		return fmt.Errorf("election: the earlier snapshot: %s: %v", name, err)
	}
	now, err := hashFile(joinRecord(later, name))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fail(name, 0, "in the earlier snapshot, absent from the later one")
	case errors.Is(err, regular.ErrNotRegular):
		fail(name, 0, "in the earlier snapshot, not a regular file in the later one: %v", err)
	case err != nil:
		return fmt.Errorf("election: %s: %v", name, err)
	case now != then:
		fail(name, 0, "changed since the earlier snapshot: SHA-256 %x, it was %x", now, then)
	}
	return nil
}

// compareBallots checks that the earlier ballots.jsonl is a prefix of the
// later one, byte for byte, reading both once, and names the first line
// that differs.
func compareBallots(earlier, later string, rep *AppendReport, fail func(string, int64, string, ...any)) error {
	of, err := regular.Open(joinRecord(earlier, fileBallots))
	if errors.Is(err, fs.ErrNotExist) {
		return nil // the box was not open yet
	}
	if err != nil && !errors.Is(err, regular.ErrNotRegular) {
		return fmt.Errorf("election: the earlier snapshot: %s: %v", fileBallots, err)
	}
	if err != nil {
		return nil // not a file of the record: the earlier verification reports it
	}
	defer of.Close()
	rep.Files++
	nf, err := regular.Open(joinRecord(later, fileBallots))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fail(fileBallots, 0, "in the earlier snapshot, absent from the later one: every published ballot vanished")
		return nil
	case errors.Is(err, regular.ErrNotRegular):
		fail(fileBallots, 0, "in the earlier snapshot, not a regular file in the later one: %v", err)
		return nil
	case err != nil:
		return fmt.Errorf("election: %s: %v", fileBallots, err)
	}
	defer nf.Close()
	or, nr := bufio.NewReaderSize(of, 1<<16), bufio.NewReaderSize(nf, 1<<16)
	line := int64(1)
	var buf []byte
	for {
		a, errA := or.ReadSlice('\n')
		if errors.Is(errA, bufio.ErrBufferFull) {
			errA = nil
		}
		if len(a) == 0 && errA == io.EOF {
			break
		}
		if errA != nil && errA != io.EOF {
			return fmt.Errorf("election: the earlier snapshot: %s: %v", fileBallots, errA)
		}
		if cap(buf) < len(a) {
			buf = make([]byte, len(a))
		}
		n, errB := io.ReadFull(nr, buf[:len(a)])
		if errB != nil && errB != io.ErrUnexpectedEOF && errB != io.EOF {
			return fmt.Errorf("election: %s: %v", fileBallots, errB)
		}
		got := buf[:n]
		if !bytes.Equal(got, a) {
			if bytes.HasPrefix(a, got) && len(got) < len(a) {
				fail(fileBallots, line, "the later file ends here, in the middle of or before line %d of the earlier one: published ballots vanished (%s)", line, prose.Count(rep.EarlierBallotLines, "complete line"))
			} else {
				fail(fileBallots, line, "differs from line %d of the earlier snapshot: a published line changed", line)
			}
			return nil
		}
		if a[len(a)-1] == '\n' {
			rep.EarlierBallotLines++
			line++
		}
		if errA == io.EOF {
			break
		}
	}
	// The rest of the later file: count its complete lines.
	rep.BallotLines = rep.EarlierBallotLines
	for {
		chunk, err := nr.ReadSlice('\n')
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			rep.BallotLines++
		}
		if err == io.EOF {
			return nil
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("election: %s: %v", fileBallots, err)
		}
	}
}

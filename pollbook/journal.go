package pollbook

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/filelock"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/wire"
)

const (
	journalVersion = 1
	// maxJournalLine is far above the longest mark (a decision with 64
	// signatures is about 10 kB).
	maxJournalLine = 1 << 16
)

// A journal is a marks file (docs/spec.md §The poll book, "Marks files"): a header
// line and then one mark per line, appended durably, locked to one open
// at a time. The station's Book and the central book each keep one.
type journal struct {
	path   string
	f      *os.File
	broken error // a failed write: everything is refused until reopened
}

type journalHeader struct {
	Version    int    `json:"version"`
	ElectionID string `json:"electionId"`
	BaseHash   string `json:"baseHash"`
	// Station is the station of a station's file, absent in the central
	// book's file.
	Station string `json:"station,omitempty"`
}

type journalLine struct {
	Pollbook *journalHeader `json:"pollbook,omitempty"`
	Mark     *Mark          `json:"mark,omitempty"`
}

// openJournal opens (creating) the marks file at path, checks its header
// against want, and hands every mark to replay in file order. A last line
// that is unterminated, does not decode or that replay refuses was torn by
// a crash during a write that was never acknowledged: it is truncated
// away. Any other bad line is an error.
func openJournal(path string, want journalHeader, replay func(*Mark) error) (*journal, error) {
	f, err := filelock.OpenLocked(path, 0o600)
	if errors.Is(err, filelock.ErrLocked) {
		return nil, fmt.Errorf("pollbook: marks file %s is already open, in this process or another: one poll book per file", path)
	}
	if err != nil {
		return nil, fmt.Errorf("pollbook: marks file: %v", err)
	}
	j := &journal{path: path, f: f}
	if err := j.load(want, replay); err != nil {
		filelock.Unlock(f)
		f.Close()
		return nil, err
	}
	return j, nil
}

func (j *journal) load(want journalHeader, replay func(*Mark) error) error {
	r := bufio.NewReaderSize(j.f, maxJournalLine)
	var good, lines int64
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("pollbook: marks file %s: line %d is longer than %d bytes", j.path, lines+1, maxJournalLine)
		}
		if err == io.EOF {
			break // nothing, or an unterminated last line: a torn write
		}
		if err != nil {
			return fmt.Errorf("pollbook: marks file %s: %v", j.path, err)
		}
		l, perr := parseJournalLine(line)
		if perr != nil {
			if _, err := r.Peek(1); err == io.EOF && lines > 0 {
				break // a damaged last line: a torn write, never acknowledged
			}
		} else {
			perr = j.replayLine(lines, l, want, replay)
		}
		if perr != nil {
			return fmt.Errorf("pollbook: marks file %s: line %d: %v", j.path, lines+1, perr)
		}
		good += int64(len(line))
		lines++
	}
	info, err := j.f.Stat()
	if err != nil {
		return fmt.Errorf("pollbook: marks file: %v", err)
	}
	if info.Size() != good {
		if err := j.f.Truncate(good); err != nil {
			return fmt.Errorf("pollbook: marks file %s: truncating a torn last line: %v", j.path, err)
		}
	}
	if _, err := j.f.Seek(good, io.SeekStart); err != nil {
		return fmt.Errorf("pollbook: marks file: %v", err)
	}
	if lines == 0 {
		h := want
		if err := j.write([]journalLine{{Pollbook: &h}}); err != nil {
			return err
		}
		return syncDir(filepath.Dir(j.path))
	}
	if info.Size() != good {
		return j.f.Sync()
	}
	return nil
}

// parseJournalLine decodes one line of a marks file.
func parseJournalLine(line []byte) (*journalLine, error) {
	var l journalLine
	if err := wire.StrictJSON(bytes.TrimSuffix(line, []byte("\n")), &l); err != nil {
		return nil, fmt.Errorf("pollbook: marks file line: %v", err)
	}
	if (l.Pollbook == nil) == (l.Mark == nil) {
		return nil, errors.New("pollbook: marks file line: want exactly one of the members \"pollbook\" and \"mark\"")
	}
	return &l, nil
}

// replayLine checks line number n (from 0) of the file. A line that
// decodes but that the poll book refuses is an error even at the end of
// the file: a torn write does not decode, and an acknowledged mark is
// never dropped.
func (j *journal) replayLine(n int64, l *journalLine, want journalHeader, replay func(*Mark) error) error {
	switch {
	case n == 0 && l.Pollbook == nil:
		return errors.New("pollbook: the first line is not the marks file header")
	case n == 0:
		if *l.Pollbook != want {
			return fmt.Errorf("pollbook: the header %+v is not this poll book's %+v", *l.Pollbook, want)
		}
		return nil
	case l.Pollbook != nil:
		return errors.New("pollbook: a second header")
	}
	return replay(l.Mark)
}

// appendMarks writes marks with one write and one fsync. On failure the
// journal is broken: the file may end with a partial line, which the next
// open removes.
func (j *journal) appendMarks(marks []*Mark) error {
	ls := make([]journalLine, len(marks))
	for i, m := range marks {
		ls[i].Mark = m
	}
	return j.write(ls)
}

func (j *journal) write(ls []journalLine) error {
	if j.broken != nil {
		return j.broken
	}
	if j.f == nil {
		return fmt.Errorf("pollbook: marks file %s is closed", j.path)
	}
	var buf []byte
	for _, l := range ls {
		data, err := json.Marshal(l)
		if err != nil {
			return fmt.Errorf("pollbook: marks file: %v", err)
		}
		buf = append(append(buf, data...), '\n')
	}
	if err := j.writeSynced(buf); err != nil {
		j.broken = err
		return err
	}
	return nil
}

// writeSynced writes buf with one write and syncs the file. It does not
// touch j.broken (its caller sets it, under its lock).
func (j *journal) writeSynced(buf []byte) error {
	if _, err := j.f.Write(buf); err != nil {
		return fmt.Errorf("pollbook: marks file %s: write failed, reopen the poll book: %v", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("pollbook: marks file %s: sync failed, reopen the poll book: %v", j.path, err)
	}
	return nil
}

func (j *journal) close() error {
	if j.f == nil {
		return nil
	}
	filelock.Unlock(j.f)
	err := j.f.Close()
	j.f = nil
	if j.broken == nil {
		j.broken = fmt.Errorf("pollbook: marks file %s is closed", j.path)
	}
	return err
}

func syncDir(dir string) error {
	if err := regular.SyncDir(dir); err != nil {
		return fmt.Errorf("pollbook: marks file: %v", err)
	}
	return nil
}

// headerFor returns the header of a marks file of election e, for station
// (empty for the central book).
func headerFor(e *ballot.Election, station string) journalHeader {
	bh := e.BaseHash()
	return journalHeader{Version: journalVersion, ElectionID: e.Manifest().ElectionID, BaseHash: fmt.Sprintf("%x", bh[:]), Station: station}
}

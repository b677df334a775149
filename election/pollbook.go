package election

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/pollbook"
)

// The poll book's summary in the record (docs/spec.md, "The election
// record", "pollbook.json", and check 23): the central book's counts of
// marks and double votes, never a pseudonym or a mark.

// WritePollBookSummary writes the central poll book's summary
// (pollbook.Central.Summary) to pollbook.json, an optional file of the
// record, so that the number of double votes, and each station's counts,
// are published with the election. It needs FinishBallots, and must come
// before WriteResults, after which nothing is added.
//
// It refuses a summary that check 23 would reject: counts that do not
// agree (pollbook.Summary.Check), another election's identifier or base
// hash, or a station that is not a registered device of the election.
func (w *Writer) WritePollBookSummary(s *pollbook.Summary) error {
	if err := w.needLocked("WritePollBookSummary", stepBallots); err != nil {
		return err
	}
	if s == nil {
		return errors.New("election: WritePollBookSummary: no summary")
	}
	e, _, err := w.recorded()
	if err != nil {
		return err
	}
	if errs := summaryProblems(e, s); len(errs) > 0 {
		return fmt.Errorf("election: WritePollBookSummary: %v", errs[0].err)
	}
	data, err := indentJSON(s)
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	return w.addBytes(filePollBook, data)
}

// PollBookSummary decodes the poll book's summary (pollbook.json) by
// pollbook.ParseSummary, which checks that its counts agree. A record
// without the file gives an error wrapping fs.ErrNotExist.
func (r *Reader) PollBookSummary() (*pollbook.Summary, error) {
	data, err := r.readFile(filePollBook)
	if err != nil {
		return nil, fileErr(filePollBook, err)
	}
	s, err := pollbook.ParseSummary(data)
	if err != nil {
		return nil, fileErr(filePollBook, err)
	}
	return s, nil
}

// A summaryProblem is one reason why a summary is not the election's:
// device names the station concerned, if any.
type summaryProblem struct {
	device string
	err    error
}

// summaryProblems returns what is wrong with summary s in election e: its
// counts (s.Check), its election identifier and base hash, and each
// station that is not a registered device of e.
func summaryProblems(e *ballot.Election, s *pollbook.Summary) []summaryProblem {
	var out []summaryProblem
	if err := s.Check(); err != nil {
		out = append(out, summaryProblem{err: err})
	}
	if id := e.Manifest().ElectionID; s.ElectionID != id {
		out = append(out, summaryProblem{err: fmt.Errorf("field electionId: %q, but the election is %q", s.ElectionID, id)})
	}
	if bh := e.BaseHash(); s.BaseHash != bh {
		out = append(out, summaryProblem{err: fmt.Errorf("field baseHash: %x, but the election's base hash is %x", s.BaseHash, bh)})
	}
	devices := e.Devices()
	for i, st := range s.Stations {
		_, ok := slices.BinarySearchFunc(devices, st.Station, func(d ballot.RegisteredDevice, id string) int { return strings.Compare(d.ID, id) })
		if !ok {
			out = append(out, summaryProblem{device: st.Station,
				err: fmt.Errorf("stations[%d]: station %q is not a registered device of the election (a station of the poll book is the device that signs its marks)", i, st.Station)})
		}
	}
	return out
}

// Check 23: the poll book's summary, if the record has one.
func (v *verifier) checkPollBook() {
	data, err := v.r.readFile(filePollBook)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist) && v.complete():
			// An optional file: the check is not applicable.
		case errors.Is(err, fs.ErrNotExist) && v.snap != nil && !v.expected(filePollBook):
			v.skip(CheckPollBook, filePollBook+" is not in the record yet (it is optional, and may be written until "+fileResults+" is)")
		default:
			v.readErr(CheckPollBook, filePollBook, err)
		}
		return
	}
	v.items(CheckPollBook, 1)
	s, err := pollbook.ParseSummary(data)
	if err != nil {
		v.failf(CheckPollBook, filePollBook, "%v", err)
		return
	}
	v.pollBook = s
	v.items(CheckPollBook, int64(len(s.Stations)))
	if v.e == nil {
		v.skip(CheckPollBook, "whether the summary is of this election, and its stations registered devices: the election is unavailable (check 1)")
		return
	}
	for _, p := range summaryProblems(v.e, s) {
		v.fail(Finding{Check: CheckPollBook, File: filePollBook, Device: p.device, Reason: p.err.Error()})
	}
}

package ballot

import (
	"encoding/json"
	"fmt"
)

// AcceptBallots runs the acceptance rule on each ballot of bs, in order,
// as one batch, and returns one answer per ballot, each the answer
// AcceptBallot would give it: nil for an accepted ballot, a *Refusal for
// a refused (Recorded) or rejected one, or the error that stopped the box
// from writing. A ballot later in bs sees the earlier ones, so a device's
// chain can arrive as one batch.
//
// The proofs of all the ballots are verified in one proof.BatchVerifier,
// on the calling goroutine and outside the box's lock, and the lines of
// the batch are written with one write and made durable with one sync: a
// ballot box server that gathers the submissions of many stations into
// batches verifies faster and syncs once per batch (group commit). No
// answer is returned before every line of the batch is on stable storage;
// if the write or the sync fails, every ballot of the batch that was to
// be written gets the error, and the box refuses everything until it is
// reopened (which drops a torn last line).
func (x *Box) AcceptBallots(bs []*Ballot) []error {
	errs := make([]error, len(bs))
	x.mu.Lock()
	err := x.usable()
	x.mu.Unlock()
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	cs := CheckBallots(x.e, bs, false)

	// The proofs of a repeat or of a ballot not attributable to a signer
	// are not verified.
	var todo []int
	x.mu.Lock()
	if err := x.usable(); err != nil {
		x.mu.Unlock()
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	for i, b := range bs {
		c := cs[i]
		if c.attribution != nil {
			errs[i] = c.attribution
			continue
		}
		if done, err := x.repeat(b, c); done {
			errs[i] = err
			continue
		}
		todo = append(todo, i)
	}
	x.mu.Unlock()
	sub := make([]*Ballot, len(todo))
	subc := make([]*Checked, len(todo))
	for k, i := range todo {
		sub[k], subc[k] = bs[i], cs[i]
	}
	x.e.finishChecks(sub, subc)

	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.usable(); err != nil {
		for _, i := range todo {
			errs[i] = err
		}
		return errs
	}
	var buf []byte
	var written []int
	for _, i := range todo {
		b, c := bs[i], cs[i]
		if done, err := x.repeat(b, c); done { // twice in bs, or sent meanwhile
			errs[i] = err
			continue
		}
		v := x.rule.Peek(x.lines+1, b, c)
		if v.Outcome == Rejected {
			errs[i] = v.Refusal
			continue
		}
		data, err := lineBytes(b, v)
		if err != nil {
			errs[i] = err
			continue
		}
		buf = append(buf, data...)
		x.lines++
		x.apply(x.lines, b, c, v)
		written = append(written, i)
		if v.Outcome == Refused {
			r := *v.Refusal
			r.Recorded = true
			errs[i] = &r
		}
	}
	if len(buf) == 0 {
		return errs
	}
	if err := x.writeSync(buf); err != nil {
		for _, i := range written {
			errs[i] = err
		}
	}
	return errs
}

// usable returns an error if the box is closed, or broken by a failed
// write. x.mu is held.
func (x *Box) usable() error {
	if err := x.closed(); err != nil {
		return err
	}
	return x.broken
}

// Err returns nil while the box accepts submissions, and otherwise why
// not: it is closed, or a write or sync failed. After a failed write the
// box's state in memory may be ahead of its file (a batch is decided
// before it is written): the box then answers nothing from that state
// (Tip reports no chain, Lookup finds nothing), and must be reopened.
func (x *Box) Err() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.usable()
}

// lineBytes returns the line (with its newline) that records ballot b
// with verdict v, accepted or refused.
func lineBytes(b *Ballot, v Verdict) ([]byte, error) {
	raw, err := b.MarshalJSON()
	if err != nil {
		return nil, err
	}
	l := boxLineJSON{Ballot: raw}
	if v.Outcome == Refused {
		l = boxLineJSON{Refused: &refusedLineJSON{Step: v.Refusal.Step, Contest: v.Refusal.Contest, Selection: v.Refusal.Selection, Ballot: raw}}
	}
	data, err := json.Marshal(l)
	if err != nil {
		return nil, fmt.Errorf("ballot: box: %v", err)
	}
	return append(data, '\n'), nil
}

// writeSync writes data (whole lines) at the end of the file and syncs it.
// On failure the box is marked broken: its state in memory is ahead of
// the file, and the file may end with a partial line, which the next
// OpenBox removes. x.mu is held.
func (x *Box) writeSync(data []byte) error {
	if _, err := x.f.Write(data); err != nil {
		x.broken = fmt.Errorf("ballot: box %s: write failed, reopen the box: %v", x.path, err)
		return x.broken
	}
	if err := x.f.Sync(); err != nil {
		x.broken = fmt.Errorf("ballot: box %s: sync failed, reopen the box: %v", x.path, err)
		return x.broken
	}
	return nil
}

// A BoxEntry is what a ballot box holds about one ballot line, for a
// voter who looks up her confirmation code while the box is open.
type BoxEntry struct {
	// Line is the ballot's line number in the box's file (the header is
	// line 1).
	Line int64
	// Code is the ballot's confirmation code.
	Code ConfirmationCode
	// State is Cast or Challenged.
	State State
	// Refusal is the step that refused the ballot (Recorded, with an
	// empty Reason), or nil if the box accepted it.
	Refusal *Refusal
	// Superseded is true for an accepted cast ballot that a later ballot
	// of the same credential superseded (LastBallotCounts).
	Superseded bool
}

// Lookup returns what the box holds about the ballot lines whose
// confirmation code has the short form code, in file order: usually one,
// none if the box has not written such a ballot. It answers from memory.
// Whether a ballot counts in the end is for the verifier of the record to
// say; during the day, Lookup says what the box wrote.
func (x *Box) Lookup(code ShortCode) []BoxEntry {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.broken != nil && x.f != nil {
		return nil
	}
	var out []BoxEntry
	for _, e := range x.codes[code] {
		e.Superseded = x.superseded[e.Line]
		if e.Refusal != nil {
			r := *e.Refusal
			e.Refusal = &r
		}
		out = append(out, e)
	}
	return out
}

// index records the ballot written on line with verdict v for Lookup.
// x.mu is held, or the box is being loaded.
func (x *Box) index(line int64, b *Ballot, v Verdict) {
	e := BoxEntry{Line: line, Code: b.code, State: b.state}
	if v.Outcome == Refused {
		e.Refusal = &Refusal{Step: v.Refusal.Step, Contest: v.Refusal.Contest, Selection: v.Refusal.Selection, Recorded: true}
	}
	s := ShortCode(b.code[:shortBytes])
	x.codes[s] = append(x.codes[s], e)
}

package ballot

import (
	"errors"
	"sync"

	"github.com/sandogh/sandogh/internal/par"
)

// AcceptBallots runs the acceptance rule on each ballot of bs, in order,
// as one batch, and returns one answer per ballot, each the answer
// AcceptBallot would give it: nil for an accepted ballot, a *Refusal for
// a refused (Recorded) or rejected one, or the error that stopped the box
// from writing. A ballot later in bs sees the earlier ones, so a device's
// chain can arrive as one batch.
//
// The signatures of the ballots are checked on all cores, and the proofs
// of all of them are verified in one proof.BatchVerifier, also on all
// cores, outside the box's lock; the lines of the batch join the box's
// group commit (Box) together: they are written with one write and made
// durable with one sync, shared with the lines of the other submissions
// waiting at the time. No answer is returned before every line of the
// batch, and every line decided before it, is on stable storage; if the
// write or the sync fails, every ballot of the batch (except those not
// attributable to a signer, whose answer rests on no line) gets the error,
// and the box refuses everything until it is reopened (which drops a torn
// last line).
//
// AcceptBallots is AcceptBallotsAsync followed by its wait.
func (x *Box) AcceptBallots(bs []*Ballot) []error {
	return x.AcceptBallotsAsync(bs)()
}

// AcceptBallotsAsync is AcceptBallots in two halves. It checks the batch
// and decides its lines, as AcceptBallots does, and returns as soon as
// they are queued for the group commit, without waiting for them to reach
// stable storage. wait then blocks until they have (writing and syncing
// them itself if no other caller is), and returns the answers that
// AcceptBallots would have returned.
//
// It lets a server check the next batch while the last one is being
// synced. The answers must not be shown to anyone before wait returns:
// until then, an accepted ballot may still be lost with the machine. A
// batch's lines are only written when some caller of the box waits, so
// every wait returned must be called (once; calling it again returns
// the same answers).
func (x *Box) AcceptBallotsAsync(bs []*Ballot) (wait func() []error) {
	errs := make([]error, len(bs))
	fail := func(err error, at []int) []error {
		for _, i := range at {
			errs[i] = err
		}
		return errs
	}
	answered := func(errs []error) func() []error { return func() []error { return errs } }
	all := make([]int, len(bs))
	for i := range all {
		all[i] = i
	}
	x.mu.Lock()
	err := x.usable()
	x.mu.Unlock()
	if err != nil {
		return answered(fail(err, all))
	}
	cs := x.e.checkBallots(bs, false, true)

	// The proofs of a repeat or of a ballot not attributable to a signer
	// are not verified.
	var todo, decided []int // to check and write; answered from the box's state
	x.mu.Lock()
	if err := x.usable(); err != nil {
		x.mu.Unlock()
		return answered(fail(err, all))
	}
	for i, b := range bs {
		c := cs[i]
		if c.attribution != nil {
			errs[i] = c.attribution
			continue
		}
		if done, err := x.repeat(b, c); done {
			errs[i] = err
			decided = append(decided, i)
			continue
		}
		todo = append(todo, i)
	}
	x.mu.Unlock()
	sub := make([]*Ballot, len(todo))
	subc := make([]*Checked, len(todo))
	raws := make([][]byte, len(todo))
	accepted := make([][]byte, len(todo)) // each line if accepted, marshaled before the lock
	merrs := make([]error, len(todo))
	par.For(len(todo), 8, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			i := todo[k]
			sub[k], subc[k] = bs[i], cs[i]
			if raws[k], merrs[k] = bs[i].MarshalJSON(); merrs[k] == nil {
				accepted[k], merrs[k] = marshalLine(boxLineJSON{Ballot: raws[k]})
			}
		}
	})
	if err := errors.Join(merrs...); err != nil {
		return answered(fail(err, todo))
	}
	x.e.finishChecks(sub, subc, true)

	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.usable(); err != nil {
		fail(err, decided)
		return answered(fail(err, todo))
	}
	for k, i := range todo {
		b, c := bs[i], cs[i]
		decided = append(decided, i)
		if done, err := x.repeat(b, c); done { // twice in bs, or sent meanwhile
			errs[i] = err
			continue
		}
		v := x.rule.Peek(x.lines+1, b, c)
		if v.Outcome == Rejected {
			errs[i] = v.Refusal
			continue
		}
		_, answer, err := x.record(b, c, v, raws[k], accepted[k])
		if err != nil {
			errs[i] = err
			continue
		}
		errs[i] = answer
	}
	// Every line this batch's answers rest on: its own, and those of the
	// repeats it was answered from, which were decided before.
	end := x.lines
	var once sync.Once
	return func() []error {
		once.Do(func() {
			x.mu.Lock()
			defer x.mu.Unlock()
			if err := x.synced(end); err != nil {
				fail(err, decided)
			}
		})
		return errs
	}
}

// Err returns nil while the box accepts submissions, and otherwise why
// not: it is closed, or a write or sync failed. After a failed write the
// box's state in memory may be ahead of its file (lines are decided
// before they are written): the box then answers nothing from that state
// (Tip reports no chain, Counted and Lookup find nothing), and must be
// reopened.
func (x *Box) Err() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.usable()
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
// none if the box has not written such a ballot. It answers from memory,
// once the lines it reports are on stable storage, and finds nothing in a
// box broken by a failed write.
// Whether a ballot counts in the end is for the verifier of the record to
// say; during the day, Lookup says what the box wrote.
func (x *Box) Lookup(code ShortCode) []BoxEntry {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []BoxEntry
	for _, e := range x.codes[code] {
		e.Superseded = x.superseded[e.Line]
		if e.Refusal != nil {
			r := *e.Refusal
			e.Refusal = &r
		}
		out = append(out, e)
	}
	if x.answer(nil) != nil {
		return nil
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

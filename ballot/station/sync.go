package station

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
)

// batchSize is the most ballots Sync sends in one submission.
const batchSize = 64

// A SyncReport says what one Sync did.
type SyncReport struct {
	// Sent is the number of ballots sent; Accepted and Refused how many of
	// them the box wrote as such (a repeat of a ballot the box had counts
	// as it was answered).
	Sent, Accepted, Refused int
	// Tip is the device's tip in the box after the Sync.
	Tip boxserver.Tip
}

// A ChainError is a Sync that found the box's copy of the device's chain
// at odds with the station's: the box holds another ballot at a sequence
// number, or rejected a ballot for a reason that sending again cannot
// fix. It is an incident: the station stops sending until an official
// looks into it.
type ChainError struct {
	Sequence uint64
	Reason   string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("station: the box's chain of this device differs at ballot %d: %s", e.Sequence, e.Reason)
}

// Sync sends the box what it lacks of the station's chain: it asks the box
// for the device's tip, sends the opening if the box has none, then the
// ballots after the tip, in order, up to 64 per submission, until the
// outbox is empty or an error stops it. It is safe to call at any time;
// calls do not overlap.
func (s *Station) Sync(ctx context.Context, c *boxserver.Client) (rep SyncReport, err error) {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	tip, err := c.Tip(ctx)
	if err != nil {
		return rep, err
	}
	rep.Tip = *tip
	if !tip.Opened {
		s.mu.Lock()
		o := s.opening
		s.mu.Unlock()
		a, err := c.Open(ctx, o)
		if err != nil {
			return rep, err
		}
		if a.Results[0].Outcome != boxserver.Accepted {
			return rep, &ChainError{0, "the box rejects the opening: " + a.Results[0].Reason}
		}
		rep.Tip = a.Tip
	}
	// Ballots the box holds beyond what the station knows it
	// acknowledged (an answer lost to a crash or a dropped link) have
	// verdicts the station has not seen: it asks the box's lookup for
	// them once its outbox is empty (the closing's counts need them).
	s.mu.Lock()
	for _, b := range s.outbox {
		if h := b.Header(); h.Sequence > s.acked && h.Sequence <= rep.Tip.Sequence {
			s.unverified = append(s.unverified, b)
		}
	}
	s.mu.Unlock()
	if err := s.noteTip(rep.Tip, 0, 0); err != nil {
		return rep, err
	}
	defer func() {
		if err == nil {
			err = s.learnVerdicts(ctx, c)
		}
		// After the ballots: the station's incidents, then its closing.
		if err == nil {
			err = s.syncIncidents(ctx, c)
		}
		if err == nil {
			err = s.syncClosing(ctx, c)
		}
	}()
	for {
		s.mu.Lock()
		batch := s.outbox[:min(len(s.outbox), batchSize):min(len(s.outbox), batchSize)]
		s.mu.Unlock()
		if len(batch) == 0 {
			return rep, nil
		}
		a, err := c.Submit(ctx, batch)
		if err != nil {
			return rep, err
		}
		rep.Sent += len(batch)
		var refCast, refChal uint64
		for i, r := range a.Results {
			switch r.Outcome {
			case boxserver.Accepted:
				rep.Accepted++
			case boxserver.Refused:
				rep.Refused++
				if batch[i].State() == ballot.Cast {
					refCast++
				} else {
					refChal++
				}
			default:
				if r.Step == ballot.StepChainGap {
					// The box lost ballots it had acknowledged, or another
					// Sync raced: the next Sync starts again from its tip.
					return rep, fmt.Errorf("station: the box is missing ballots before %s (its tip is %d): sync again", batch[i].ID(), a.Tip.Sequence)
				}
				return rep, &ChainError{r.Sequence, fmt.Sprintf("the box rejects ballot %s (%s): %s", batch[i].ID(), r.Step, r.Reason)}
			}
		}
		rep.Tip = a.Tip
		if err := s.noteTip(a.Tip, refCast, refChal); err != nil {
			return rep, err
		}
	}
}

// learnVerdicts asks the box's lookup for the verdicts of the ballots
// the box acknowledged without the station seeing its answer, and counts
// the refused ones; it does so once the outbox is empty. Each verdict
// learned is kept, so a lookup that fails costs only itself.
func (s *Station) learnVerdicts(ctx context.Context, c *boxserver.Client) error {
	for {
		s.mu.Lock()
		if len(s.unverified) == 0 || len(s.outbox) > 0 {
			s.mu.Unlock()
			return nil
		}
		b := s.unverified[0]
		s.mu.Unlock()
		f, err := boxserver.Lookup(ctx, c.HTTP, c.URL, b.ConfirmationCode().Short())
		if err != nil {
			return err
		}
		found, refused := false, false
		for _, e := range f.Ballots {
			if e.Code == b.ConfirmationCode() {
				found = true
				refused = e.Outcome == boxserver.Refused && e.Step != ballot.StepChainFork
			}
		}
		if !found {
			return &ChainError{b.Header().Sequence, fmt.Sprintf("the box acknowledged ballot %s, but its lookup does not find it", b.ID())}
		}
		s.mu.Lock()
		if refused && b.State() == ballot.Cast {
			s.refusedCast++
		} else if refused {
			s.refusedChallenged++
		}
		s.unverified = s.unverified[1:]
		var err2 error
		if len(s.unverified) == 0 {
			err2 = s.append(logLine{Ack: &ackJSON{Sequence: s.acked, Code: s.ackedCode, RefusedCast: s.refusedCast, RefusedChallenged: s.refusedChallenged}})
		}
		s.mu.Unlock()
		if err2 != nil {
			return err2
		}
	}
}

// noteTip records that the box holds the device's chain up to tip, after
// checking that it is the station's chain there. refCast and refChal are
// the refusals in the answer, of cast and of challenged ballots.
func (s *Station) noteTip(tip boxserver.Tip, refCast, refChal uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if tip.Sequence > s.decided {
		return &ChainError{tip.Sequence, fmt.Sprintf("the box holds %d ballots of this device, the station decided %d", tip.Sequence, s.decided)}
	}
	want, ok := s.codeAt(tip.Sequence)
	if ok && want != tip.Code {
		return &ChainError{tip.Sequence, fmt.Sprintf("the box holds ballot code %s there, the station %s", tip.Code, want)}
	}
	if s.openAcked && tip.Sequence == s.acked && refCast+refChal == 0 {
		return nil
	}
	s.openAcked = true
	s.refusedCast += refCast
	s.refusedChallenged += refChal
	s.ack(tip.Sequence, tip.Code)
	// The acknowledgement is a note for the next start: it is not synced,
	// since the box is asked for its tip again before anything is sent,
	// and the verdicts of the ballots between are asked of its lookup;
	// one that counts refusals is synced, to spare those questions.
	// While verdicts are unknown (learnVerdicts), nothing is noted: the
	// next start asks again.
	if len(s.unverified) > 0 {
		return nil
	}
	l := logLine{Ack: &ackJSON{Sequence: tip.Sequence, Code: tip.Code, RefusedCast: s.refusedCast, RefusedChallenged: s.refusedChallenged}}
	if refCast+refChal > 0 {
		return s.append(l)
	}
	return s.appendNoSync(l)
}

// codeAt returns the confirmation code of the station's ballot at
// sequence (0: the opening), if the station still holds it.
func (s *Station) codeAt(sequence uint64) (ballot.ConfirmationCode, bool) {
	switch {
	case sequence == 0:
		return s.opening.ConfirmationCode(), true
	case sequence == s.acked && s.acked > 0:
		return s.ackedCode, true
	}
	for _, b := range s.outbox {
		if b.Header().Sequence == sequence {
			return b.ConfirmationCode(), true
		}
	}
	return ballot.ConfirmationCode{}, false
}

// appendNoSync writes one line of the log without syncing it. s.mu is
// held.
func (s *Station) appendNoSync(l logLine) error {
	if s.broken != nil {
		return s.broken
	}
	data, err := jsonLine(l)
	if err != nil {
		return err
	}
	if _, err := s.f.Write(data); err != nil {
		s.broken = fmt.Errorf("station: writing %s: %v (reopen the station)", fileLog, err)
		return s.broken
	}
	return nil
}

// Backoff is how Run waits after a failed Sync: the n-th consecutive
// failure waits a random time between 0 and min(Max, Base·2ⁿ) ("full
// jitter"), so that stations that lost the same link do not come back all
// at once.
type Backoff struct {
	Base, Max time.Duration
	// Idle is how long Run waits for a new ballot before it syncs anyway
	// (to learn of a box that lost its state, and to send its opening).
	Idle time.Duration
}

// DefaultBackoff starts at a quarter second and waits at most 30 seconds.
var DefaultBackoff = Backoff{Base: 250 * time.Millisecond, Max: 30 * time.Second, Idle: 10 * time.Second}

func (b Backoff) wait(failures int) time.Duration {
	d := b.Max
	if failures < 32 && b.Base<<failures < b.Max && b.Base<<failures > 0 {
		d = b.Base << failures
	}
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

// Run syncs the station with the box until ctx is done: at once, after
// each ballot a voter decides, every b.Idle, and after a failure with
// exponential backoff and jitter. It returns ctx's error, or a
// *ChainError (an incident: the box and the station disagree), after
// which it does not send until the station is looked into. report, if
// not nil, is called after each Sync with its report and error. With a
// poll book attached (AttachPollBook), each Sync is followed by
// SyncMarks.
func (s *Station) Run(ctx context.Context, c *boxserver.Client, b Backoff, report func(SyncReport, error)) error {
	failures := 0
	for {
		rep, err := s.Sync(ctx, c)
		s.mu.Lock()
		book := s.book
		s.mu.Unlock()
		if err == nil && book != nil {
			_, _, err = SyncMarks(ctx, book, c)
		}
		if report != nil {
			report(rep, err)
		}
		var ce *ChainError
		if errors.As(err, &ce) {
			return err
		}
		wait := b.Idle
		if err != nil {
			wait = b.wait(failures)
			failures++
		} else {
			failures = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-s.wake:
			if err != nil {
				// After a failure, a new ballot does not cut the backoff
				// short: wait it out.
				select {
				case <-ctx.Done():
					t.Stop()
					return ctx.Err()
				case <-t.C:
				}
			}
			t.Stop()
		case <-t.C:
		}
	}
}

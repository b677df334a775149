package ballot

import (
	"crypto/ed25519"
	"fmt"

	"github.com/sandogh/sandogh/internal/par"
)

// The acceptance rule (docs/spec.md §Ballots, "The acceptance rule") decides,
// for each line of a ballot box in order, whether it is accepted, refused
// (written to the box with the reason) or rejected (not written at all), and
// which accepted cast ballots count. It is written once, here, as the state
// machine Rule: the Box runs it online, one submission at a time, and the
// verifier of an election record (package election) runs it over the
// record's lines. Both feed it the same lines in the same order and get the
// same verdicts; no other code decides uniqueness, chains, eligibility,
// revoting or challenges.
//
// The rule has two parts. CheckBallots runs the steps that depend on one
// ballot alone (decoding aside: 2–5, 8, the first half of 9, and 11), which
// are expensive and run on many cores. Rule.Ballot then takes the ballots in
// order and runs the steps against the earlier lines (6, 7, the second half
// of 9, 10), combining both in the order of the steps. Its memory is one tip
// per device and one entry per credential that cast a ballot; the
// fingerprints of earlier lines live in a FingerprintSet that the caller
// provides (a map for the box; for the verifier, a sort on disk).

// An Outcome is what the acceptance rule does with a line.
type Outcome uint8

const (
	// Accepted: the line is written to the box as accepted. An accepted
	// cast ballot counts until a later ballot of its credential supersedes
	// it (under LastBallotCounts).
	Accepted Outcome = iota + 1
	// Refused: the ballot is written to the box as refused, with the step
	// and the place that refused it. It is attributable (signed by a
	// registered device or a listed credential), the refusal is final, and
	// it never counts. A device ballot refused after the chain step still
	// takes its place in the device's chain.
	Refused
	// Rejected: nothing is written. The submission is not attributable to
	// an eligible signer, repeats the identifier of a line already written,
	// or arrives before its predecessor in its device's chain (which a
	// later upload may fix).
	Rejected
	// pending: the rule needs the proofs' verdict (step 11), which
	// CheckBallots was told not to compute. Only Rule.Peek returns it.
	pending
)

// String returns "accepted", "refused" or "rejected".
func (o Outcome) String() string {
	switch o {
	case Accepted:
		return "accepted"
	case Refused:
		return "refused"
	case Rejected:
		return "rejected"
	case pending:
		return "pending"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// A Verdict is the acceptance rule's decision about one line.
type Verdict struct {
	Outcome Outcome
	// Refusal says why a line is refused or rejected (nil when accepted).
	Refusal *Refusal
	// Counted is true for an accepted cast ballot.
	Counted bool
	// Supersedes is, under LastBallotCounts, the line of the credential's
	// earlier counted ballot that this accepted cast ballot replaces, and
	// 0 if there is none.
	Supersedes int64
}

// A FingerprintSet holds fingerprints of earlier lines for the acceptance
// rule: the identifiers (FingerprintIdentifier) of every line written to
// the box, accepted or refused, and the first components
// (FingerprintNonce) of the ciphertexts of every accepted ballot. The Box
// keeps them in memory; a verifier may answer from a sort on disk.
type FingerprintSet interface {
	// Find returns the index in fps of the first fingerprint that the set
	// holds, or −1 if it holds none. fps are all of one kind.
	Find(fps []Fingerprint) int
	// Add adds fps to the set.
	Add(fps []Fingerprint)
}

// A Checked holds what CheckBallots found about one ballot: the verdicts of
// the steps of the acceptance rule that depend on the ballot alone, for
// Rule.Ballot to combine with the steps that depend on earlier lines.
type Checked struct {
	fps         []Fingerprint
	attribution *Refusal // steps 2–5
	shape       *Refusal // step 8
	inner       *Refusal // step 9, a first component repeated within the ballot
	proofs      *Refusal // step 11
	proofsDone  bool
	vote        Vote
}

// Vote returns the vote that a challenged ballot's released seed opens
// (step 11), or nil if the ballot is cast, the opening failed, or it was
// not reached.
func (c *Checked) Vote() Vote { return c.vote }

// Attributable reports whether the ballot passed steps 2–5: it is for this
// election, cast or challenged, and validly signed by a registered device
// or a listed credential.
func (c *Checked) Attributable() bool { return c.attribution == nil }

// TrustProofs sets the verdict of step 11 instead of computing it: nil if
// the proofs (or the challenged ballot's opening) are taken to be valid, or
// the refusal of a line that a box refused at that step. A box that reads
// its own file back, and the writer of an election record, which trust
// the box's verdict on the proofs, use it; an independent verifier never
// does.
func (c *Checked) TrustProofs(r *Refusal) {
	c.proofs, c.proofsDone = r, true
}

// CheckBallots runs the steps of the acceptance rule that depend on one
// ballot alone on each of bs: the election (step 2), the state (3), the
// signer's registration (4), the signature (5), the manifest (8), no first
// component repeated within the ballot (9) and, if proofs is true, the
// proofs of a cast ballot or the opening of a challenged one (11). The
// proofs of all the cast ballots are checked in one proof.BatchVerifier;
// if the batch fails, each ballot is refused for its own first failing
// proof. A ballot that fails a step is not checked further.
//
// It runs on the calling goroutine. Execution time depends on the inputs
// (all public).
func CheckBallots(e *Election, bs []*Ballot, proofs bool) []*Checked {
	return e.checkBallots(bs, proofs, false)
}

// checkBallots is CheckBallots on all cores if parallel (for a box, which
// checks one batch at a time), and on the calling goroutine otherwise.
func (e *Election) checkBallots(bs []*Ballot, proofs, parallel bool) []*Checked {
	out := make([]*Checked, len(bs))
	steps := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			b := bs[i]
			c := &Checked{fps: b.Fingerprints()}
			out[i] = c
			if c.attribution = e.checkAttribution(b); c.attribution != nil {
				continue
			}
			if c.shape = e.checkShape(b); c.shape != nil {
				continue
			}
			c.inner = repeatedNonce(b, c.fps[1:])
		}
	}
	if parallel {
		par.For(len(bs), 4, steps)
	} else {
		steps(0, len(bs))
	}
	if proofs {
		e.finishChecks(bs, out, parallel)
	}
	return out
}

// finishChecks runs step 11 for the ballots of bs that passed the earlier
// steps of CheckBallots (cs): the proofs of the cast ones in one batch
// (on all cores if parallel), the opening of the challenged ones.
func (e *Election) finishChecks(bs []*Ballot, cs []*Checked, parallel bool) {
	var batch []*Ballot
	var at []int
	for i, b := range bs {
		c := cs[i]
		if c.attribution != nil || c.shape != nil || c.inner != nil {
			continue
		}
		c.proofsDone = true
		if b.state == Challenged {
			v, err := OpenChallenged(e, b)
			if err != nil {
				c.proofs = refuse(StepChallenge, "%v", err)
			}
			c.vote = v
			continue
		}
		batch = append(batch, b)
		at = append(at, i)
	}
	for k, r := range e.verifyProofsBatch(batch, parallel) {
		cs[at[k]].proofs = r
	}
}

// repeatedNonce returns the refusal of a ballot two of whose ciphertexts
// have the same first component (fps are the ballot's FingerprintNonce
// fingerprints, in encoding order), naming the later of the first such
// pair, or nil.
func repeatedNonce(b *Ballot, fps []Fingerprint) *Refusal {
	first := -1
	if len(fps) <= 32 {
		for j := 1; j < len(fps) && first < 0; j++ {
			for i := 0; i < j; i++ {
				if fps[i].Sum == fps[j].Sum {
					first = j
					break
				}
			}
		}
	} else {
		seen := make(map[[16]byte]struct{}, len(fps))
		for j, f := range fps {
			if _, ok := seen[f.Sum]; ok {
				first = j
				break
			}
			seen[f.Sum] = struct{}{}
		}
	}
	if first < 0 {
		return nil
	}
	f := fps[first]
	return refuseAt(StepDuplicate, f.Contest, f.Selection, "the first component of the %s repeats one of the same ballot (a reused nonce)", ciphertextName(b, f.Contest))
}

// ciphertextName names a ciphertext of contest i of b as refusals say it.
func ciphertextName(b *Ballot, i int) string {
	if i >= 0 && i < len(b.contests) && b.contests[i].layout == layoutRow {
		return "ciphertext of the row"
	}
	return "ciphertext"
}

// A Rule is the acceptance rule's state: the tip of every device's chain
// and, for every credential that cast an accepted ballot, the line of its
// counted ballot; with the FingerprintSet of the earlier lines. Lines are
// given to it in order, each with its line number in the box (the header
// is line 1). A Rule is not safe for concurrent use.
//
// The zero value is NOT valid; use NewRule.
type Rule struct {
	e      *Election
	set    FingerprintSet
	chains map[string]*chainTip
	creds  map[[ed25519.PublicKeySize]byte]int64
	logs   map[string]*logTip
}

// A chainTip is where a device's chain stands: the sequence number and
// confirmation code of its last ballot, or 0 and the opening's.
type chainTip struct {
	seq    uint64
	code   ConfirmationCode
	counts ClosingCounts // of the ballots of places 1 … seq
	closed bool          // a closing was accepted
	// replacedBy is the device whose opening replaced this one, or "".
	replacedBy string
}

// ended says why a device has no more ballots, or "".
func (t *chainTip) ended() string {
	switch {
	case t.closed:
		return "has closed its chain"
	case t.replacedBy != "":
		return "was replaced by device " + fmt.Sprintf("%q", t.replacedBy)
	}
	return ""
}

// A logTip is where a station's incident log stands.
type logTip struct {
	seq  uint64
	code ConfirmationCode
}

// NewRule returns the acceptance rule of election e at the start of a box,
// with set holding the fingerprints of the earlier lines (empty).
func NewRule(e *Election, set FingerprintSet) *Rule {
	return &Rule{e: e, set: set, chains: make(map[string]*chainTip), creds: make(map[[ed25519.PublicKeySize]byte]int64), logs: make(map[string]*logTip)}
}

// Opening decides the device-opening line o, and applies the verdict:
// the opening is accepted if it is this election's, names a registered
// device, carries its valid signature, and the device has not opened
// before; otherwise it is rejected (an opening is never refused).
func (r *Rule) Opening(o *DeviceOpening) Verdict {
	v := r.PeekOpening(o)
	if v.Outcome == Accepted {
		r.chains[o.Device] = &chainTip{code: o.ConfirmationCode()}
		if o.Replaces != nil {
			r.chains[o.Replaces.Device].replacedBy = o.Device
		}
	}
	return v
}

// PeekOpening returns the verdict Opening would return, without applying
// it.
func (r *Rule) PeekOpening(o *DeviceOpening) Verdict {
	if err := o.Verify(r.e); err != nil {
		return Verdict{Outcome: Rejected, Refusal: asRefusal(err)}
	}
	if _, ok := r.chains[o.Device]; ok {
		return Verdict{Outcome: Rejected, Refusal: refuse(StepDuplicate, "device %q has already opened its chain", o.Device)}
	}
	if p := o.Replaces; p != nil {
		old := r.chains[p.Device]
		var why *Refusal
		switch {
		case old == nil:
			why = refuse(StepChainGap, "device opening: replaced device %q has not opened its chain", p.Device)
		case old.ended() != "":
			why = refuse(StepDuplicate, "device opening: replaced device %q %s", p.Device, old.ended())
		case p.Sequence > old.seq:
			why = refuse(StepChainGap, "device opening: replaced device %q ends at sequence %d, but its chain is at %d: ballots %d..%d are still to come", p.Device, p.Sequence, old.seq, old.seq+1, p.Sequence)
		case p.Sequence < old.seq || p.Tip != old.code:
			why = refuse(StepChainFork, "device opening: replaced device %q ends at sequence %d, code %s, but its chain is at sequence %d, code %s", p.Device, p.Sequence, p.Tip, old.seq, old.code)
		default:
			return Verdict{Outcome: Accepted}
		}
		return Verdict{Outcome: Rejected, Refusal: why}
	}
	return Verdict{Outcome: Accepted}
}

// Closing decides the closing-certificate line c and applies the verdict:
// the closing is accepted if it is valid (DeviceClosing.Verify), its
// device has opened and not closed, and it names the device's tip and the
// counts of its chain; otherwise it is rejected (a closing is never
// refused). After an accepted closing, every ballot of the device is
// rejected (StepClosed).
func (r *Rule) Closing(c *DeviceClosing) Verdict {
	v := r.PeekClosing(c)
	if v.Outcome == Accepted {
		r.chains[c.Device].closed = true
	}
	return v
}

// PeekClosing returns the verdict Closing would return, without applying
// it.
func (r *Rule) PeekClosing(c *DeviceClosing) Verdict {
	if err := c.Verify(r.e); err != nil {
		return Verdict{Outcome: Rejected, Refusal: asRefusal(err)}
	}
	tip := r.chains[c.Device]
	var why *Refusal
	switch {
	case tip == nil:
		why = refuse(StepChainGap, "device closing: device %q has not opened its chain", c.Device)
	case tip.ended() != "":
		why = refuse(StepDuplicate, "device closing: device %q %s", c.Device, tip.ended())
	case c.Sequence > tip.seq:
		why = refuse(StepChainGap, "device closing: device %q closes at sequence %d, but the chain is at %d: ballots %d..%d are still to come", c.Device, c.Sequence, tip.seq, tip.seq+1, c.Sequence)
	case c.Sequence < tip.seq:
		why = refuse(StepChainFork, "device closing: device %q closes at sequence %d, but the chain is already at %d", c.Device, c.Sequence, tip.seq)
	case c.Tip != tip.code:
		why = refuse(StepChainFork, "device closing: device %q: tip %s is not the confirmation code %s of the chain's ballot %d", c.Device, c.Tip, tip.code, tip.seq)
	case c.Counts != tip.counts:
		why = refuse(StepClosingCounts, "device closing: device %q: counts cast %d, challenged %d, refused %d, but the chain has cast %d, challenged %d, refused %d", c.Device, c.Counts.Cast, c.Counts.Challenged, c.Counts.Refused, tip.counts.Cast, tip.counts.Challenged, tip.counts.Refused)
	default:
		return Verdict{Outcome: Accepted}
	}
	return Verdict{Outcome: Rejected, Refusal: why}
}

// Closed reports whether device has closed its chain.
func (r *Rule) Closed(device string) bool {
	t := r.chains[device]
	return t != nil && t.closed
}

// Counts returns the counts of device's chain so far, as its closing must
// state them; ok is false if the device has not opened.
func (r *Rule) Counts(device string) (c ClosingCounts, ok bool) {
	if t := r.chains[device]; t != nil {
		return t.counts, true
	}
	return ClosingCounts{}, false
}

// ReplacedBy returns the device whose opening replaced device, or "".
func (r *Rule) ReplacedBy(device string) string {
	if t := r.chains[device]; t != nil {
		return t.replacedBy
	}
	return ""
}

// Incident decides the incident-log line i and applies the verdict: the
// entry is accepted if it is valid (Incident.Verify) and is the next entry
// of its station's log (its sequence follows the log's last and it names
// that entry's code); otherwise it is rejected.
func (r *Rule) Incident(i *Incident) Verdict {
	v := r.PeekIncident(i)
	if v.Outcome == Accepted {
		r.logs[i.Station] = &logTip{seq: i.Sequence, code: i.Code()}
	}
	return v
}

// PeekIncident returns the verdict Incident would return, without applying
// it.
func (r *Rule) PeekIncident(i *Incident) Verdict {
	if err := i.Verify(r.e); err != nil {
		return Verdict{Outcome: Rejected, Refusal: asRefusal(err)}
	}
	t := r.logs[i.Station]
	if t == nil {
		t = &logTip{code: IncidentLogStart(r.e, i.Station)}
	}
	var why *Refusal
	switch {
	case i.Sequence > t.seq+1:
		why = refuse(StepChainGap, "incident: station %q: entry %d, but the log is at %d: entries %d..%d are missing", i.Station, i.Sequence, t.seq, t.seq+1, i.Sequence-1)
	case i.Sequence <= t.seq:
		why = refuse(StepChainFork, "incident: station %q: entry %d, but the log is already at %d", i.Station, i.Sequence, t.seq)
	case i.Previous != t.code:
		why = refuse(StepChainFork, "incident: station %q: entry %d names previous code %s, not the code %s of entry %d", i.Station, i.Sequence, i.Previous, t.code, t.seq)
	default:
		return Verdict{Outcome: Accepted}
	}
	return Verdict{Outcome: Rejected, Refusal: why}
}

// IncidentTip returns the sequence number and code of the last entry of
// station's incident log (0 and IncidentLogStart if it has none).
func (r *Rule) IncidentTip(station string) (uint64, ConfirmationCode) {
	if t := r.logs[station]; t != nil {
		return t.seq, t.code
	}
	return 0, IncidentLogStart(r.e, station)
}

// Ballot decides line number line, ballot b, with c what CheckBallots
// found about it, and applies the verdict to the rule's state and set. c
// must have the proofs' verdict (CheckBallots with proofs, or
// TrustProofs).
func (r *Rule) Ballot(line int64, b *Ballot, c *Checked) Verdict {
	v := r.decide(line, b, c, true)
	if v.Outcome == pending {
		panic("ballot: Rule.Ballot without the proofs' verdict")
	}
	return v
}

// Peek returns the verdict Ballot would return, without applying it; its
// outcome is pending (unexported) if every step before the proofs passes
// and c does not have the proofs' verdict. The Box peeks before it
// verifies the proofs.
func (r *Rule) Peek(line int64, b *Ballot, c *Checked) Verdict {
	return r.decide(line, b, c, false)
}

// Tip returns the sequence number and confirmation code of the last ballot of
// device's chain (0 and the opening's confirmation code right after the
// opening); ok is false if the device has not opened.
func (r *Rule) Tip(device string) (sequence uint64, code ConfirmationCode, ok bool) {
	t, ok := r.chains[device]
	if !ok {
		return 0, ConfirmationCode{}, false
	}
	return t.seq, t.code, true
}

func (r *Rule) decide(line int64, b *Ballot, c *Checked, apply bool) Verdict {
	h := &b.header
	// Steps 2–5: attribution.
	if c.attribution != nil {
		return Verdict{Outcome: Rejected, Refusal: c.attribution}
	}
	// Step 6: the identifier is new for its signer among the lines written.
	id := c.fps[:1]
	if r.set.Find(id) >= 0 {
		return Verdict{Outcome: Rejected, Refusal: refuse(StepDuplicate, "ballot identifier %q of this signer is on a line already written (a repeat)", h.BallotID)}
	}
	// Step 7: the device's chain.
	var tip *chainTip
	if h.Credential == nil {
		tip = r.chains[h.Device]
		switch {
		case tip == nil:
			return Verdict{Outcome: Rejected, Refusal: refuse(StepChainGap, "device %q has not opened its chain", h.Device)}
		case tip.ended() != "":
			return Verdict{Outcome: Rejected, Refusal: refuse(StepClosed, "device %q %s at sequence %d: it has no more ballots", h.Device, tip.ended(), tip.seq)}
		case h.Sequence > tip.seq+1:
			return Verdict{Outcome: Rejected, Refusal: refuse(StepChainGap, "device %q: sequence %d, but the chain is at %d: ballots %d..%d are missing", h.Device, h.Sequence, tip.seq, tip.seq+1, h.Sequence-1)}
		case h.Sequence == tip.seq:
			return r.refused(b, c, tip, false, apply, refuse(StepChainFork, "device %q: sequence %d is taken by ballot %s (a fork)", h.Device, h.Sequence, tip.code))
		case h.Sequence < tip.seq:
			return r.refused(b, c, tip, false, apply, refuse(StepChainFork, "device %q: sequence %d is taken, the chain is already at %d (a fork)", h.Device, h.Sequence, tip.seq))
		case h.Previous != tip.code:
			return r.refused(b, c, tip, false, apply, refuse(StepChainFork, "device %q: previous confirmation code %s is not the confirmation code %s of the chain's ballot %d (a fork)", h.Device, h.Previous, tip.code, tip.seq))
		}
	}
	// Steps 8–11: from here the line is written, and takes its place in the
	// chain.
	if c.shape != nil {
		return r.refused(b, c, tip, true, apply, c.shape)
	}
	if c.inner != nil {
		return r.refused(b, c, tip, true, apply, c.inner)
	}
	nonces := c.fps[1:]
	if k := r.set.Find(nonces); k >= 0 {
		f := nonces[k]
		return r.refused(b, c, tip, true, apply, refuseAt(StepDuplicate, f.Contest, f.Selection, "the first component of the %s is in an earlier accepted ballot (a replay or a reused nonce)", ciphertextName(b, f.Contest)))
	}
	var cred [ed25519.PublicKeySize]byte
	prev, voted := int64(0), false
	if h.Credential != nil {
		cred = [ed25519.PublicKeySize]byte(h.Credential)
		prev, voted = r.creds[cred]
		if b.state == Cast && voted && r.e.manifest.Policy == OneBallotPerCredential {
			return r.refused(b, c, tip, true, apply, refuse(StepPolicy, "credential %x has already cast a ballot, and the election allows one per credential", []byte(h.Credential)))
		}
	}
	if !c.proofsDone {
		return Verdict{Outcome: pending}
	}
	if c.proofs != nil {
		return r.refused(b, c, tip, true, apply, c.proofs)
	}
	v := Verdict{Outcome: Accepted, Counted: b.state == Cast}
	if b.state == Cast && voted {
		v.Supersedes = prev
	}
	if apply {
		r.set.Add(id)
		r.set.Add(nonces)
		if tip != nil {
			tip.seq, tip.code = h.Sequence, b.code
			if b.state == Cast {
				tip.counts.Cast++
			} else {
				tip.counts.Challenged++
			}
		}
		if h.Credential != nil && b.state == Cast {
			r.creds[cred] = line
		}
	}
	return v
}

// refused returns the verdict that refuses b for why and, if apply is
// set, writes its identifier into the set and, if inChain, advances its
// device's chain (tip) to it.
func (r *Rule) refused(b *Ballot, c *Checked, tip *chainTip, inChain, apply bool, why *Refusal) Verdict {
	if apply {
		r.set.Add(c.fps[:1])
		if inChain && tip != nil {
			tip.seq, tip.code = b.header.Sequence, b.code
			tip.counts.Refused++
		}
	}
	return Verdict{Outcome: Refused, Refusal: why}
}

// asRefusal returns err as a *Refusal (Verify's errors are), or a
// decoding refusal.
func asRefusal(err error) *Refusal {
	if r, ok := err.(*Refusal); ok {
		return r
	}
	return refuse(StepDecoding, "%v", err)
}

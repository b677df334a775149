package election_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/forge"
)

// The acceptance rule is written once (ballot.Rule) and run by the box,
// by the record's writer and by the verifier. These tests drive random
// adversarial but well-formed streams of submissions, built with the public
// API, through a ballot box, write the record from the box's file, and
// require that the record verifies and that the verifier counts exactly
// what the box said it accepted (docs/spec.md §Ballots, "The acceptance
// rule").

// A submission is one line sent to the box, and what the box answered the
// first time.
type submission struct {
	what    string // the action that made it, for messages
	opening *ballot.DeviceOpening
	b       *ballot.Ballot
	vote    ballot.Vote // the plaintext of an honest ballot; nil if forged
	answer  error
}

// A stream drives one election: a box, the devices' chains, and every
// submission.
type stream struct {
	t    testing.TB
	w    *ruleWorld
	r    *mrand.Rand
	dir  string
	wr   *election.Writer
	box  *ballot.Box
	subs []*submission
	dev  map[string]*devState
	n    int // ballots made, for identifiers and seeds
}

type devState struct {
	opening *ballot.DeviceOpening
	seq     uint64
	tip     ballot.ConfirmationCode
	held    []*submission             // encrypted while offline, not sent yet
	chain   []ballot.ConfirmationCode // the codes of its ballots, by sequence − 1
}

// newStream starts an election of w in the record folder dir (a new
// temporary one if dir is ""), with random choices from seed.
func newStream(t testing.TB, w *ruleWorld, seed uint64, dir string) *stream {
	t.Helper()
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "record")
	}
	s := &stream{t: t, w: w, r: mrand.New(mrand.NewPCG(seed, 0x5eed)), dir: dir, dev: map[string]*devState{}}
	var err error
	if s.wr, err = election.Create(s.dir); err != nil {
		t.Fatal(err)
	}
	if _, err := s.wr.WriteCeremony(w.ceremony); err != nil {
		t.Fatal(err)
	}
	if err := s.wr.WriteElection(w.e, w.keys); err != nil {
		t.Fatal(err)
	}
	if s.box, err = s.wr.OpenBox(w.e); err != nil {
		t.Fatal(err)
	}
	for _, id := range w.devices {
		s.dev[id] = &devState{}
	}
	return s
}

// send submits sub and records the box's answer; a submission sent again
// must get the same answer.
func (s *stream) send(sub *submission) error {
	s.t.Helper()
	var err error
	if sub.opening != nil {
		err = s.box.AcceptOpening(sub.opening)
	} else {
		_, err = s.box.Accept(sub.b.Bytes())
	}
	if err != nil && !errors.As(err, new(*ballot.Refusal)) {
		s.t.Fatalf("%s: the box failed: %v", sub.what, err)
	}
	s.subs = append(s.subs, sub)
	sub.answer = err
	return err
}

func (s *stream) randomVote() ballot.Vote {
	v := ballot.Vote{}
	marks := map[uint32]uint64{}
	for c := uint32(1); c <= 3 && len(marks) < 2; c++ {
		if s.r.IntN(2) == 0 {
			marks[c] = 1
		}
	}
	if len(marks) > 0 {
		v["board"] = marks
	}
	if x := s.r.IntN(3); x > 0 {
		v["budget"] = map[uint32]uint64{uint32(x): 1}
	}
	return v
}

func (s *stream) seed() []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(s.r.Uint32())
	}
	return b
}

// encrypt makes an honest ballot with header h, cast or challenged.
func (s *stream) encrypt(what string, h ballot.Header, key ed25519.PrivateKey, challenge bool) *submission {
	s.t.Helper()
	v := s.randomVote()
	p, err := ballot.EncryptBallot(s.w.e, h, v, s.seed())
	if err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
	var b *ballot.Ballot
	if challenge {
		b, err = p.Challenge(key)
	} else {
		b, err = p.Cast(key)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return &submission{what: what, b: b, vote: v}
}

func (s *stream) credBallot(k int, challenge bool) *submission {
	s.n++
	c := s.w.creds[k]
	return s.encrypt(fmt.Sprintf("credential %d ballot %d", k, s.n), ballot.Header{BallotID: fmt.Sprintf("c%d/%d", k, s.n), Credential: c.PublicKey()}, c.PrivateKey(), challenge)
}

// deviceBallot encrypts device id's next ballot in its chain.
func (s *stream) deviceBallot(id string, challenge bool) *submission {
	d := s.dev[id]
	if d.opening == nil {
		_, o, err := ballot.OpenDevice(s.w.e, id, s.w.devKeys[id], time.Unix(1_700_000_000, 0))
		if err != nil {
			s.t.Fatal(err)
		}
		d.opening, d.tip = o, o.ConfirmationCode()
	}
	h := ballot.Header{BallotID: fmt.Sprintf("%s/%d", id, d.seq+1), Device: id, Sequence: d.seq + 1, Previous: d.tip}
	sub := s.encrypt(fmt.Sprintf("device %s ballot %d", id, d.seq+1), h, s.w.devKeys[id], challenge)
	d.seq, d.tip = h.Sequence, sub.b.ConfirmationCode()
	d.chain = append(d.chain, d.tip)
	return sub
}

// step takes one random action.
func (s *stream) step() {
	w := s.w
	k := s.r.IntN(len(w.creds))
	other := (k + 1 + s.r.IntN(len(w.creds)-1)) % len(w.creds)
	id := w.devices[s.r.IntN(len(w.devices))]
	d := s.dev[id]
	switch a := s.r.IntN(15); a {
	case 0, 1: // a device opens (or sends its opening again)
		if d.opening == nil {
			_, o, _ := ballot.OpenDevice(w.e, id, w.devKeys[id], time.Unix(1_700_000_000, 0))
			d.opening, d.tip = o, o.ConfirmationCode()
		}
		s.send(&submission{what: "opening of " + id, opening: d.opening})
	case 2, 3: // a device encrypts a ballot; online it sends it, offline it keeps it
		sub := s.deviceBallot(id, s.r.IntN(4) == 0)
		if s.r.IntN(3) == 0 {
			d.held = append(d.held, sub)
		} else {
			s.send(sub)
		}
	case 4: // a device comes back online: sometimes its last ballot first (a gap), then all in order
		if len(d.held) > 1 && s.r.IntN(2) == 0 {
			s.send(d.held[len(d.held)-1])
		}
		for _, sub := range d.held {
			s.send(sub)
		}
		d.held = nil
	case 5, 6: // a voter casts, challenges, or votes again
		s.send(s.credBallot(k, s.r.IntN(4) == 0))
	case 7: // an upload repeated (after a lost acknowledgement, or a rejection)
		if len(s.subs) > 0 {
			prev := s.subs[s.r.IntN(len(s.subs))]
			again := *prev
			again.what = "again: " + prev.what
			err := s.send(&again)
			// A line written is final: the same submission gets the same
			// answer. A rejection may be a gap that later uploads fixed.
			var r *ballot.Refusal
			if written := prev.answer == nil || errors.As(prev.answer, &r) && r.Recorded; written && fmt.Sprint(err) != fmt.Sprint(prev.answer) {
				s.t.Errorf("%s: answered %v, the first time %v", again.what, err, prev.answer)
			}
		}
	case 8: // a replay: another ballot's contests under another credential
		if src := s.someBallot(); src != nil {
			s.n++
			c := w.creds[other]
			b := reheader(s.t, w.e, src, ballot.Header{BallotID: fmt.Sprintf("replay/%d", s.n), Credential: c.PublicKey()}, c.PrivateKey())
			wantRefused(s.t, s.send(&submission{what: "replay of " + src.ID(), b: b}))
		}
	case 9: // one ciphertext in two selections, each proven (attack 1)
		s.n++
		c := w.creds[k]
		b := sameCiphertextTwice(s.t, w.e, ballot.Header{BallotID: fmt.Sprintf("twice/%d", s.n), Credential: c.PublicKey()}, c.PrivateKey())
		err := s.send(&submission{what: "one ciphertext twice", b: b})
		var r *ballot.Refusal
		if !errors.As(err, &r) || !r.Recorded || (r.Step != ballot.StepDuplicate || r.Contest != 0 || r.Selection != 1) && r.Step != ballot.StepPolicy {
			s.t.Errorf("one ciphertext in two selections: %v, want refused (duplicate) at contest 0, selection 1", err)
		}
	case 10: // a copy refused first (proofs, or an outsider), then the honest ballot
		honest := s.credBallot(k, false)
		s.n++
		var copyB *ballot.Ballot
		if s.r.IntN(2) == 0 {
			copyB = reheader(s.t, w.e, honest.b, ballot.Header{BallotID: fmt.Sprintf("first/%d", s.n), Credential: w.creds[other].PublicKey()}, w.creds[other].PrivateKey())
		} else {
			copyB = reheader(s.t, w.e, honest.b, ballot.Header{BallotID: fmt.Sprintf("first/%d", s.n), Credential: w.outsider.PublicKey()}, w.outsider.PrivateKey())
		}
		wantRefused(s.t, s.send(&submission{what: "copy sent before its original", b: copyB}))
		err := s.send(honest)
		var r *ballot.Refusal
		if errors.As(err, &r) && r.Step == ballot.StepDuplicate {
			s.t.Errorf("a refused copy knocked out the honest ballot: %v", err)
		}
	case 11: // a fork: a ballot at a place already taken, under a new identifier
		if d.seq >= 1 {
			prev := d.opening.ConfirmationCode()
			if d.seq >= 2 {
				prev = d.chain[d.seq-2]
			}
			s.n++
			h := ballot.Header{BallotID: fmt.Sprintf("%s/fork-%d", id, s.n), Device: id, Sequence: d.seq, Previous: prev}
			s.send(s.encrypt("fork of "+id, h, w.devKeys[id], false))
		}
	case 12: // a signed ballot whose proof fails, or a challenged one whose seed does not open it
		if d.opening != nil && s.r.IntN(2) == 0 {
			// A device's: it takes its place in the chain, refused, and
			// the device's closing counts it as refused.
			sub := s.deviceBallot(id, false)
			b := must(forge.CorruptProof(w.e, sub.b, w.devKeys[id]))
			d.tip = b.ConfirmationCode()
			d.chain[len(d.chain)-1] = d.tip
			s.send(&submission{what: "bad proof of " + id, b: b})
			break
		}
		sub := s.credBallot(k, s.r.IntN(2) == 0)
		var b *ballot.Ballot
		if sub.b.State() == ballot.Cast {
			b = must(forge.CorruptProof(w.e, sub.b, w.creds[k].PrivateKey()))
		} else {
			b = must(forge.Rechallenge(w.e, sub.b, w.creds[k].PrivateKey()))
		}
		wantRefused(s.t, s.send(&submission{what: "bad proof or seed", b: b}))
	case 13: // the box restarts
		counted := s.box.Counted()
		if err := s.box.Close(); err != nil {
			s.t.Fatal(err)
		}
		var err error
		if s.box, err = s.wr.OpenBox(w.e); err != nil {
			s.t.Fatalf("reopening the box: %v", err)
		}
		if fmt.Sprint(s.box.Counted()) != fmt.Sprint(counted) {
			s.t.Error("the counted ballots changed across a restart")
		}
	case 14: // a device's ballot out of order, or from a device that has not opened
		sub := s.deviceBallot(id, false)
		if s.r.IntN(2) == 0 {
			d.held = append(d.held, sub)
		} else {
			s.send(sub)
		}
	default:
		panic(a)
	}
}

// someBallot returns a ballot submitted earlier, or nil.
func (s *stream) someBallot() *ballot.Ballot {
	var bs []*ballot.Ballot
	for _, sub := range s.subs {
		if sub.b != nil {
			bs = append(bs, sub.b)
		}
	}
	if len(bs) == 0 {
		return nil
	}
	return bs[s.r.IntN(len(bs))]
}

func wantRefused(t testing.TB, err error) {
	t.Helper()
	if !errors.As(err, new(*ballot.Refusal)) {
		t.Errorf("accepted: want a refusal")
	}
}

// finish closes the box, writes the rest of the record, verifies it and
// checks the properties. It returns the report.
func (s *stream) finish() *election.Report {
	t, w := s.t, s.w
	t.Helper()
	counted := s.box.Counted()
	if err := s.box.Close(); err != nil {
		t.Fatal(err)
	}
	// Every answer is what the file says: one line per submission that was
	// accepted or refused the first time, none for a rejected one.
	s.checkLines()
	totals, rep := w.finishRecord(t, s.wr, s.dir)
	if !rep.Valid() {
		for _, f := range rep.Findings {
			t.Error(f)
		}
		t.Fatal("a record written from the box's file does not verify")
	}
	// The verifier counts what the box counted, and the decrypted totals
	// are the sum of those ballots' votes.
	if rep.Ballots.Counted != int64(len(counted)) {
		t.Errorf("the verifier counted %d ballots, the box %d", rep.Ballots.Counted, len(counted))
	}
	votes := map[ballot.ConfirmationCode]ballot.Vote{}
	for _, sub := range s.subs {
		if sub.b != nil {
			votes[sub.b.ConfirmationCode()] = sub.vote
		}
	}
	want := map[string]map[uint32]uint64{}
	for _, c := range counted {
		v, ok := votes[c]
		if !ok || v == nil {
			t.Fatalf("the box counted ballot %s, which no honest voter made", c)
		}
		for contest, marks := range v {
			if want[contest] == nil {
				want[contest] = map[uint32]uint64{}
			}
			for code, x := range marks {
				want[contest][code] += x
			}
		}
	}
	for i, c := range w.m.Contests {
		for j, cand := range c.Candidates {
			if got := totals.Contests[i].Selections[j].Count; got != want[c.ID][cand.Code] {
				t.Errorf("contest %q, candidate %d: %d votes counted, the box's counted ballots hold %d", c.ID, cand.Code, got, want[c.ID][cand.Code])
			}
		}
	}
	return rep
}

// checkLines compares the box's file with the answers it gave.
func (s *stream) checkLines() {
	t := s.t
	t.Helper()
	data, err := os.ReadFile(s.wr.BallotsPath())
	if err != nil {
		t.Fatal(err)
	}
	type written struct {
		refusal *ballot.Refusal
		state   ballot.State
	}
	lines := map[ballot.ConfirmationCode]written{}
	openings := map[string]bool{}
	nonces := map[[32]byte]string{}
	for n, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
		bl, err := ballot.ParseBoxLine([]byte(l))
		if err != nil {
			t.Fatalf("line %d: %v", n+2, err)
		}
		if bl.Opening != nil {
			if openings[bl.Opening.Device] {
				t.Errorf("line %d: a second opening of %q", n+2, bl.Opening.Device)
			}
			openings[bl.Opening.Device] = true
			continue
		}
		if bl.Closing != nil {
			continue // checked by closeDevices and the verifier
		}
		if _, dup := lines[bl.Ballot.ConfirmationCode()]; dup {
			t.Errorf("line %d: ballot %s written twice", n+2, bl.Ballot.ConfirmationCode())
		}
		lines[bl.Ballot.ConfirmationCode()] = written{bl.Refusal, bl.Ballot.State()}
		if bl.Refusal != nil {
			continue
		}
		for i := range bl.Ballot.NumContests() {
			for _, ct := range bl.Ballot.Ciphertexts(i) {
				a := [32]byte(ct.Bytes()[:32])
				if prev, dup := nonces[a]; dup {
					t.Errorf("line %d: ballot %s shares a first component with accepted ballot %s", n+2, bl.Ballot.ID(), prev)
				}
				nonces[a] = bl.Ballot.ID()
			}
		}
	}
	writtenOnce := map[ballot.ConfirmationCode]bool{} // codes some submission got written
	for _, sub := range s.subs {
		var r *ballot.Refusal
		if sub.b != nil && (sub.answer == nil || errors.As(sub.answer, &r) && r.Recorded) {
			writtenOnce[sub.b.ConfirmationCode()] = true
		}
	}
	for _, sub := range s.subs {
		if sub.b == nil {
			continue
		}
		c := sub.b.ConfirmationCode()
		l, ok := lines[c]
		var r *ballot.Refusal
		refused := errors.As(sub.answer, &r)
		switch {
		case sub.answer == nil && (!ok || l.refusal != nil || l.state != sub.b.State()):
			t.Errorf("%s: accepted, but the file does not hold it as accepted", sub.what)
		case refused && r.Recorded && (!ok || l.refusal == nil || l.refusal.Step != r.Step || l.refusal.Contest != r.Contest || l.refusal.Selection != r.Selection):
			t.Errorf("%s: refused (%v), but the file does not hold that refusal", sub.what, r)
		case refused && !r.Recorded && ok && !writtenOnce[c]:
			t.Errorf("%s: rejected (%v), but the file holds it", sub.what, r)
		}
	}
	if len(lines) != len(writtenOnce) {
		t.Errorf("%d ballot lines for %d ballots written", len(lines), len(writtenOnce))
	}
}

// run takes steps random actions, then every device uploads what it kept,
// in order, at the end of the day; it finishes the record and returns the
// verifier's report.
func (s *stream) run(steps int) *election.Report {
	for range steps {
		s.step()
	}
	for _, id := range s.w.devices {
		for _, sub := range s.dev[id].held {
			s.send(sub)
		}
		s.dev[id].held = nil
	}
	s.closeDevices()
	return s.finish()
}

// closeDevices closes every device whose chain the box holds as the device
// made it, with the counts the device derives from the box's answers
// (ballot.Device.RecordRefusal's rule: a ballot the box wrote as refused
// counts as refused), and requires the box to accept each closing: the
// device's counts, the box's and (in finish) the verifier's agree.
func (s *stream) closeDevices() {
	s.t.Helper()
	fate := map[ballot.ConfirmationCode]string{} // accepted, refused or rejected
	for _, sub := range s.subs {
		if sub.b == nil {
			continue
		}
		c := sub.b.ConfirmationCode()
		var r *ballot.Refusal
		switch {
		case sub.answer == nil:
			fate[c] = "accepted"
		case errors.As(sub.answer, &r) && r.Recorded && fate[c] != "accepted":
			fate[c] = "refused"
		}
	}
	for _, id := range s.w.devices {
		d := s.dev[id]
		seq, tip, ok := s.box.Tip(id)
		if !ok || seq > uint64(len(d.chain)) || (seq > 0 && d.chain[seq-1] != tip) {
			continue // not opened, or the box's chain is not the device's
		}
		var counts ballot.ClosingCounts
		for q := range seq {
			b := s.byCode(d.chain[q])
			switch {
			case fate[d.chain[q]] == "refused":
				counts.Refused++
			case b.State() == ballot.Cast:
				counts.Cast++
			default:
				counts.Challenged++
			}
		}
		dev, err := ballot.ResumeDevice(s.w.e, id, s.w.devKeys[id], seq, tip)
		if err != nil {
			s.t.Fatal(err)
		}
		if err := dev.SetCounts(counts); err != nil {
			s.t.Fatal(err)
		}
		c, err := dev.Close(time.Unix(1_700_040_000, 0))
		if err != nil {
			s.t.Fatal(err)
		}
		if err := s.box.AcceptClosing(c); err != nil {
			s.t.Fatalf("device %s closes at %d with %+v: %v", id, seq, counts, err)
		}
		closedWithRefused.Add(int64(counts.Refused))
	}
}

// closedWithRefused counts the refused ballots in the closings of the
// streams, so that the property test knows it tested them.
var closedWithRefused atomic.Int64

// byCode returns the submitted ballot with confirmation code c.
func (s *stream) byCode(c ballot.ConfirmationCode) *ballot.Ballot {
	for _, sub := range s.subs {
		if sub.b != nil && sub.b.ConfirmationCode() == c {
			return sub.b
		}
	}
	s.t.Fatalf("no submitted ballot has code %s", c)
	return nil
}

// runRuleStream runs one random stream of steps submissions.
func runRuleStream(t testing.TB, policy ballot.CredentialPolicy, seed uint64, steps int) *election.Report {
	s := newStream(t, getRuleWorld(t, policy), seed, "")
	rep := s.run(steps)
	rejected := 0
	for _, sub := range s.subs {
		var r *ballot.Refusal
		if errors.As(sub.answer, &r) && !r.Recorded {
			rejected++
		}
	}
	t.Logf("%d submissions: %d openings, %d cast, %d challenged and %d refused lines, %d rejected, %d counted",
		len(s.subs), rep.Ballots.Openings, rep.Ballots.Cast, rep.Ballots.Challenged, rep.Ballots.Refused, rejected, rep.Ballots.Counted)
	return rep
}

// TestAcceptanceRuleProperty: for random streams of submissions (repeats
// inside one ballot and across ballots, devices and credentials, refused
// lines followed by honest copies, forks, gaps, restarts of the box,
// challenged-then-cast, revotes), under both credential policies, the box's
// answers are its file, the record written from it verifies, and the
// verifier counts exactly the ballots the box counted.
func TestAcceptanceRuleProperty(t *testing.T) {
	n := 6
	if testing.Short() {
		n = 2
	}
	refused := int64(0)
	for _, policy := range []ballot.CredentialPolicy{ballot.OneBallotPerCredential, ballot.LastBallotCounts} {
		for i := range n {
			t.Run(fmt.Sprintf("%s/%d", policy, i), func(t *testing.T) {
				rep := runRuleStream(t, policy, uint64(i), 30)
				refused += rep.Ballots.Refused
			})
		}
	}
	if refused == 0 {
		t.Error("no stream wrote a refused ballot: the streams test too little")
	}
	if closedWithRefused.Load() == 0 {
		t.Error("no closing counted a refused ballot: the streams test too little")
	}
}

// FuzzAcceptanceRule runs the property test on streams drawn from the
// fuzzer's input.
func FuzzAcceptanceRule(f *testing.F) {
	f.Add([]byte("a"), uint8(20))
	f.Add([]byte("revotes and forks"), uint8(40))
	f.Fuzz(func(t *testing.T, data []byte, steps uint8) {
		h := sha256.Sum256(data)
		policy := ballot.OneBallotPerCredential
		if h[0]&1 == 1 {
			policy = ballot.LastBallotCounts
		}
		runRuleStream(t, policy, binary.BigEndian.Uint64(h[1:]), int(steps%48))
	})
}

// TestRuleSampleRecord: testdata/rule-sample is the record of one stream
// of the property test (one-ballot-per-credential, seed 36, 36 steps), a
// known-good record for independent verifiers with refused ballots of
// every step the streams reach (a fork, repeated first components, a
// second ballot of a credential, proofs that fail, a seed that does not
// open its ballot) among accepted ones; internal/speccheck checks it.
// -update rewrites it.
func TestRuleSampleRecord(t *testing.T) {
	rep := checkSampleRecord(t, "rule-sample", func(out string) error {
		newStream(t, getRuleWorld(t, ballot.OneBallotPerCredential), 36, out).run(36)
		return nil
	})
	if rep.Ballots.Refused < 10 || rep.Ballots.Counted == 0 {
		t.Errorf("ballots %+v: too few refused or counted ballots to test verifiers", rep.Ballots)
	}
}

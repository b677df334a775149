package ballot

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// wantRecorded checks whether the box wrote the refused ballot.
func wantRecorded(t *testing.T, err error, recorded bool) {
	t.Helper()
	r, ok := err.(*Refusal)
	if !ok || r.Recorded != recorded {
		t.Fatalf("refusal %v: recorded %v, want %v", err, ok && r.Recorded, recorded)
	}
}

// opening returns the opening record of device id at testTime.
func (f *fixture) opening(t *testing.T, id string) *DeviceOpening {
	t.Helper()
	_, o, err := OpenDevice(f.e, id, f.deviceKeys[id], testTime)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func openTestBox(t *testing.T, f *fixture) (*Box, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "box.jsonl")
	x, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x, path
}

func (f *fixture) openDevice(t *testing.T, x *Box, id string) *Device {
	t.Helper()
	d, o, err := OpenDevice(f.e, id, f.deviceKeys[id], testTime)
	if err != nil {
		t.Fatal(err)
	}
	if x != nil {
		if err := x.AcceptOpening(o); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func castOn(t *testing.T, d *Device, v Vote) *Ballot {
	t.Helper()
	pb, err := d.EncryptBallot(v)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Cast(pb)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func accept(t *testing.T, x *Box, b *Ballot) {
	t.Helper()
	got, err := x.Accept(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.ConfirmationCode() != b.ConfirmationCode() {
		t.Fatal("Accept decoded another ballot")
	}
}

func TestBoxDeviceChain(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	var codes []ConfirmationCode
	for i := range 3 {
		b := castOn(t, d, Vote{"board": {uint32(101 + i): 1}})
		if b.ID() != fmt.Sprintf("station-1/%d", i+1) {
			t.Fatalf("ballot id %q", b.ID())
		}
		accept(t, x, b)
		codes = append(codes, b.ConfirmationCode())
	}
	seq, tip, ok := x.Tip("station-1")
	if !ok || seq != 3 || tip != codes[2] {
		t.Fatalf("Tip = %d %s %v", seq, tip, ok)
	}
	if dseq, dtip := d.Tip(); dseq != 3 || dtip != tip {
		t.Fatal("the device and the box disagree on the tip")
	}
	if got := x.Counted(); len(got) != 3 || got[0] != codes[0] {
		t.Fatalf("Counted = %v", got)
	}
	if _, _, ok := x.Tip("station-2"); ok {
		t.Fatal("Tip of a device that has not opened")
	}
}

// TestBoxGapAndOfflineUpload: a device that worked offline uploads its
// chain; a ballot whose predecessor has not arrived is refused as a gap,
// and the chain is accepted once it arrives in order.
func TestBoxGapAndOfflineUpload(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	d, o, _ := OpenDevice(f.e, "station-2", f.deviceKeys["station-2"], testTime)
	var offline []*Ballot
	for i := range 4 {
		offline = append(offline, castOn(t, d, Vote{"budget": {uint32(1 + i%2): 1}}))
	}
	_, err := x.Accept(offline[0].Bytes())
	wantRefusal(t, err, StepChainGap, -1, -1) // not opened yet
	wantRecorded(t, err, false)
	if err := x.AcceptOpening(o); err != nil {
		t.Fatal(err)
	}
	_, err = x.Accept(offline[2].Bytes())
	wantRefusal(t, err, StepChainGap, -1, -1)
	wantRecorded(t, err, false) // a gap is rejected: the upload may fix it
	if !strings.Contains(err.Error(), "ballots 1..2 are missing") {
		t.Fatalf("gap message %q", err)
	}
	for _, b := range offline {
		accept(t, x, b)
	}
	// A sequence number that does not follow its predecessor.
	h := offline[3].Header()
	h.BallotID, h.Sequence, h.Previous = "late", 7, offline[3].ConfirmationCode()
	pb, err := EncryptBallot(f.e, h, Vote{}, seedOf("late"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pb.Cast(f.deviceKeys["station-2"])
	_, err = x.Accept(b.Bytes())
	wantRefusal(t, err, StepChainGap, -1, -1)
}

// TestBoxFork: two ballots that name the same predecessor. The second one
// under the same identifier is rejected as a repeated identifier (nothing
// is written); under another identifier it is written as refused, a fork,
// and does not move the chain.
func TestBoxFork(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	accept(t, x, castOn(t, d, Vote{}))
	seq, tip := d.Tip()
	clone, err := ResumeDevice(f.e, "station-1", f.deviceKeys["station-1"], seq, tip)
	if err != nil {
		t.Fatal(err)
	}
	b1 := castOn(t, d, Vote{"budget": {1: 1}})
	b2 := castOn(t, clone, Vote{"budget": {2: 1}})
	accept(t, x, b1)
	_, err = x.Accept(b2.Bytes())
	wantRefusal(t, err, StepDuplicate, -1, -1)
	wantRecorded(t, err, false)
	// The same fork under another identifier is written as refused.
	h := b2.Header()
	h.BallotID = "station-1/2-clone"
	pb3, err := EncryptBallot(f.e, h, Vote{"budget": {2: 1}}, seedOf("clone"))
	if err != nil {
		t.Fatal(err)
	}
	b3, _ := pb3.Cast(f.deviceKeys["station-1"])
	_, err = x.Accept(b3.Bytes())
	wantRefusal(t, err, StepChainFork, -1, -1)
	wantRecorded(t, err, true)
	if !strings.Contains(err.Error(), b1.ConfirmationCode().String()) {
		t.Fatalf("the fork message does not name the ballot in that place: %v", err)
	}
	if s, c, _ := x.Tip("station-1"); s != 2 || c != b1.ConfirmationCode() {
		t.Fatalf("a fork moved the chain to %d %s", s, c)
	}
	// A fork back to the opening, under a new identifier.
	h = b1.Header()
	h.BallotID, h.Sequence, h.Previous = "station-1/1-again", 1, x.rule.chains["station-1"].code
	_, _, opened := x.Tip("station-1")
	if !opened {
		t.Fatal("not opened")
	}
	o := f.opening(t, "station-1")
	h.Previous = o.ConfirmationCode()
	pb4, _ := EncryptBallot(f.e, h, Vote{}, seedOf("again"))
	b4, _ := pb4.Cast(f.deviceKeys["station-1"])
	_, err = x.Accept(b4.Bytes())
	wantRefusal(t, err, StepChainFork, -1, -1)
	// The same refused ballot again: the same answer, nothing written.
	before, _ := os.ReadFile(path)
	_, err = x.Accept(b4.Bytes())
	wantRefusal(t, err, StepChainFork, -1, -1)
	wantRecorded(t, err, true)
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("a repeated refused ballot was written again")
	}
	if n := bytes.Count(before, []byte(`{"refused":`)); n != 2 {
		t.Fatalf("%d refused lines, want 2", n)
	}
	// A refused line names the step that refused the ballot in its member
	// "step" (docs/spec.md §Ballots, "Ballot-box file") and reads back
	// with that step; a line that calls it "check" is not a line of the
	// box.
	lines := bytes.Split(bytes.TrimSuffix(before, []byte("\n")), []byte("\n"))
	last := lines[len(lines)-1]
	if want := `{"refused":{"step":"chain-fork","contest":-1,"selection":-1,"ballot":{`; !bytes.HasPrefix(last, []byte(want)) {
		t.Fatalf("refused line %.80s…, want it to start with %s", last, want)
	}
	l, err := ParseBoxLine(last)
	if err != nil || l.Refusal == nil || l.Refusal.Step != StepChainFork || l.Ballot.ConfirmationCode() != b4.ConfirmationCode() {
		t.Fatalf("ParseBoxLine of the refused line: %+v, %v", l, err)
	}
	old := bytes.Replace(last, []byte(`{"step":`), []byte(`{"check":`), 1)
	if _, err := ParseBoxLine(old); err == nil || !strings.Contains(err.Error(), `unknown member "check"`) {
		t.Fatalf("a refused line with the member \"check\": %v", err)
	}
}

func TestBoxOpenings(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	_, o, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	bad := *o
	bad.OpenedAt++
	wantRefusal(t, x.AcceptOpening(&bad), StepSignature, -1, -1)
	bad = *o
	bad.Device = "station-9"
	wantRefusal(t, x.AcceptOpening(&bad), StepEligibility, -1, -1)
	bad = *o
	bad.BaseHash[0] ^= 1
	wantRefusal(t, x.AcceptOpening(&bad), StepElection, -1, -1)
	if err := x.AcceptOpening(o); err != nil {
		t.Fatal(err)
	}
	// The same opening again is acknowledged (an upload repeated); another
	// opening of the same device is rejected.
	if err := x.AcceptOpening(o); err != nil {
		t.Fatalf("repeated opening: %v", err)
	}
	_, o2, _ := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime.Add(time.Hour))
	wantRefusal(t, x.AcceptOpening(o2), StepDuplicate, -1, -1)
	if _, _, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-2"], testTime); err == nil {
		t.Fatal("a device opened with another device's key")
	}
	if _, _, err := OpenDevice(f.e, "station-9", f.deviceKeys["station-1"], testTime); err == nil {
		t.Fatal("an unregistered device opened")
	}
}

func TestBoxReplays(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	b := f.credentialBallot(t, "r1", 0, testVote())
	accept(t, x, b)
	// The same ballot again is acknowledged and not counted twice.
	accept(t, x, b)
	if n := len(x.Counted()); n != 1 {
		t.Fatalf("%d counted after a repeated upload", n)
	}
	// The ciphertexts and proofs copied under another credential and
	// ballot identifier: refused for the first repeated first component.
	c := resign(t, f.e, b, Header{BallotID: "r2", Credential: f.credentials[1].PublicKey()}, f.credentials[1].PrivateKey())
	_, err := x.Accept(c.Bytes())
	wantRefusal(t, err, StepDuplicate, 0, 0)
	wantRecorded(t, err, true)
	// One ciphertext copied into an otherwise fresh ballot.
	c = f.credentialBallot(t, "r3", 1, testVote())
	c.contests[2].selections[1] = b.contests[2].selections[1]
	_, err = x.Accept(resign(t, f.e, c, c.header, f.credentials[1].PrivateKey()).Bytes())
	wantRefusal(t, err, StepDuplicate, 2, 1)
	// A proof copied with a fresh ciphertext does not verify.
	c = f.credentialBallot(t, "r4", 1, testVote())
	c.contests[3].selections[0].proof = b.contests[3].selections[0].proof
	c.contests[3].selections[0].proofBytes = nil
	_, err = x.Accept(resign(t, f.e, c, c.header, f.credentials[1].PrivateKey()).Bytes())
	wantRefusal(t, err, StepProof, 3, 0)
	// Nor does a contest proof copied.
	c = f.credentialBallot(t, "r5", 1, testVote())
	c.contests[1].sum, c.contests[1].sumBytes = b.contests[1].sum, nil
	_, err = x.Accept(resign(t, f.e, c, c.header, f.credentials[1].PrivateKey()).Bytes())
	wantRefusal(t, err, StepProof, 1, -1)
	// Another credential may use the same identifier: identifiers are
	// unique per signer, so a remote voter cannot take a device's.
	accept(t, x, f.credentialBallot(t, "r1", 2, Vote{}))
	// The fresh ballot itself is fine.
	accept(t, x, f.credentialBallot(t, "r6", 1, testVote()))
	// Garbage.
	_, err = x.Accept([]byte("not a ballot"))
	wantRefusal(t, err, StepDecoding, -1, -1)
}

func TestBoxCredentialPolicy(t *testing.T) {
	f := newFixture(t, testManifest()) // one ballot per credential
	x, _ := openTestBox(t, f)
	accept(t, x, f.credentialBallot(t, "p1", 0, testVote()))
	_, err := x.Accept(f.credentialBallot(t, "p2", 0, Vote{}).Bytes())
	wantRefusal(t, err, StepPolicy, -1, -1)
	// Challenging is not casting.
	pch, _ := EncryptBallot(f.e, Header{BallotID: "p3", Credential: f.credentials[0].PublicKey()}, Vote{}, seedOf("p3"))
	ch, _ := pch.Challenge(f.credentials[0].PrivateKey())
	accept(t, x, ch)
	if n := len(x.Counted()); n != 1 {
		t.Fatalf("%d counted", n)
	}

	m := testManifest()
	m.Policy = LastBallotCounts
	g := newFixture(t, m)
	y, _ := openTestBox(t, g)
	var last ConfirmationCode
	for i := range 3 {
		b := g.credentialBallot(t, fmt.Sprintf("rv%d", i), 0, Vote{"budget": {uint32(1 + i%2): 1}})
		accept(t, y, b)
		last = b.ConfirmationCode()
	}
	other := g.credentialBallot(t, "rv-other", 1, Vote{})
	accept(t, y, other)
	if got := y.Counted(); len(got) != 2 || got[0] != last || got[1] != other.ConfirmationCode() {
		t.Fatalf("Counted = %v, want the last ballot of each credential", got)
	}
}

func TestBoxChallenged(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	pb, _ := d.EncryptBallot(testVote())
	b, _ := d.Challenge(pb)
	accept(t, x, b)
	cast := castOn(t, d, testVote())
	accept(t, x, cast)
	if got := x.Counted(); len(got) != 1 || got[0] != cast.ConfirmationCode() {
		t.Fatalf("Counted = %v", got)
	}
	// A challenged ballot whose seed does not open it.
	pbad, _ := d.EncryptBallot(testVote())
	pbad.nonces, _ = NewNoncesForTest(seedOf("wrong"))
	bad, _ := d.Challenge(pbad)
	_, err := x.Accept(bad.Bytes())
	wantRefusal(t, err, StepChallenge, -1, -1)
}

// TestBoxReopen: the state survives a restart.
func TestBoxReopen(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	b1 := castOn(t, d, testVote())
	accept(t, x, b1)
	r1 := f.credentialBallot(t, "reopen", 0, Vote{})
	accept(t, x, r1)
	counted := x.Counted()
	x.Close()
	// A closed box refuses at once, whatever the submission.
	if _, err := x.Accept(f.credentialBallot(t, "closed", 1, Vote{}).Bytes()); err == nil || !strings.Contains(err.Error(), "is closed") {
		t.Fatalf("a closed box: %v", err)
	}
	if _, err := x.Accept([]byte("junk")); err == nil || !strings.Contains(err.Error(), "is closed") {
		t.Fatalf("a closed box: %v", err)
	}
	if err := x.AcceptBallot(b1); err == nil || !strings.Contains(err.Error(), "is closed") {
		t.Fatalf("a closed box: %v", err)
	}
	if err := x.AcceptOpening(f.opening(t, "station-2")); err == nil || !strings.Contains(err.Error(), "is closed") {
		t.Fatalf("a closed box: %v", err)
	}

	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(y.Counted()) != fmt.Sprint(counted) {
		t.Fatal("Counted changed across a reopen")
	}
	accept(t, y, b1) // a repeat, acknowledged
	again := f.credentialBallot(t, "again", 0, Vote{})
	_, err = y.Accept(again.Bytes())
	wantRefusal(t, err, StepPolicy, -1, -1)
	y.Close()
	// The refused line is read back with its verdict, and answered again.
	if y, err = OpenBox(path, f.e); err != nil {
		t.Fatal(err)
	}
	_, err = y.Accept(again.Bytes())
	wantRefusal(t, err, StepPolicy, -1, -1)
	wantRecorded(t, err, true)
	accept(t, y, castOn(t, d, Vote{}))
	if seq, _, _ := y.Tip("station-1"); seq != 2 {
		t.Fatalf("tip %d after reopen", seq)
	}
	y.Close()

	// Another election cannot open the file.
	m := testManifest()
	m.Title = "other"
	g := newFixture(t, m)
	if _, err := OpenBox(path, g.e); err == nil || !strings.Contains(err.Error(), "not to this election") {
		t.Fatalf("OpenBox of another election's file: %v", err)
	}
}

// TestBoxOneOpenPerFile: while a Box has its file open, a second OpenBox
// of the same file fails at once (another process: TestBoxLockedByAnother
// Process); Close releases the file.
func TestBoxOneOpenPerFile(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	if y, err := OpenBox(path, f.e); err == nil || !strings.Contains(err.Error(), "is already open, in this process or another: one ballot box per file") {
		if y != nil {
			y.Close()
		}
		t.Fatalf("a second OpenBox of an open box's file: %v", err)
	}
	accept(t, x, f.credentialBallot(t, "one", 0, Vote{}))
	x.Close()
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatalf("OpenBox after Close: %v", err)
	}
	y.Close()
}

// TestBoxFinished: the file of a finished box (read-only, as
// election.Writer.FinishBallots leaves it) never opens again, even for
// root, who could write it; its content is untouched.
func TestBoxFinished(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	accept(t, x, f.credentialBallot(t, "before", 0, Vote{}))
	x.Close()
	before, _ := os.ReadFile(path)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	y, err := OpenBox(path, f.e)
	if err == nil {
		y.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "was finished") || !strings.HasPrefix(err.Error(), "ballot: box ") {
		t.Fatalf("OpenBox of a finished box's file: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("OpenBox changed a finished box's file")
	}
}

// TestBoxTornLine simulates crashes during a write: the partial last line
// is dropped on reopen, never read as accepted; damage elsewhere is an
// error.
func TestBoxTornLine(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	accept(t, x, f.credentialBallot(t, "t1", 0, testVote()))
	x.Close()
	good, _ := os.ReadFile(path)
	torn := f.credentialBallot(t, "t2", 1, testVote())
	line, _ := torn.MarshalJSON()
	line = append([]byte(`{"ballot":`), append(line, []byte("}\n")...)...)

	for name, tail := range map[string][]byte{
		"half a line":          line[:len(line)/2],
		"all but the newline":  line[:len(line)-1],
		"zeros":                make([]byte, 300),
		"garbage with newline": []byte("{\"ballot\":{\"x\n"),
	} {
		if err := os.WriteFile(path, append(bytes.Clone(good), tail...), 0o644); err != nil {
			t.Fatal(err)
		}
		y, err := OpenBox(path, f.e)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(after, good) {
			t.Fatalf("%s: the torn line was not truncated", name)
		}
		// The torn ballot was never accepted: submitting it works.
		accept(t, y, torn)
		if n := len(y.Counted()); n != 2 {
			t.Fatalf("%s: %d counted", name, n)
		}
		y.Close()
	}
	// Damage before the last line is not a torn write.
	lines := bytes.SplitAfter(good, []byte("\n"))
	damaged := append(bytes.Clone(lines[0]), []byte("{\"ballot\":{}}\n")...)
	damaged = append(damaged, lines[1]...)
	os.WriteFile(path, damaged, 0o644)
	if _, err := OpenBox(path, f.e); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("damaged middle line: %v", err)
	}
	// A file that does not start with the header.
	os.WriteFile(path, append(bytes.Clone(lines[1]), lines[1]...), 0o644)
	if _, err := OpenBox(path, f.e); err == nil {
		t.Fatal("a file without header opened")
	}
	// A torn header: the box starts afresh.
	os.WriteFile(path, lines[0][:10], 0o644)
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	y.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(after, lines[0]) {
		t.Fatalf("header not rewritten: %q", after)
	}
}

// TestBoxConcurrent submits ballots from many goroutines, some of them the
// same ballot: each distinct ballot is written once, and every submission
// of the shared one is acknowledged.
func TestBoxConcurrent(t *testing.T) {
	m := testManifest()
	m.Policy = LastBallotCounts
	f := newFixture(t, m)
	x, path := openTestBox(t, f)
	n := 24
	if testing.Short() {
		n = 8
	}
	ballots := make([]*Ballot, n)
	for i := range ballots {
		ballots[i] = f.credentialBallot(t, fmt.Sprintf("c%d", i), i%3, Vote{"budget": {1: 1}})
	}
	shared := f.credentialBallot(t, "shared", 0, testVote())
	var wg sync.WaitGroup
	var mu sync.Mutex
	sharedOK := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := x.Accept(ballots[i].Bytes()); err != nil {
				t.Error(err)
			}
			if _, err := x.Accept(shared.Bytes()); err == nil {
				mu.Lock()
				sharedOK++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if sharedOK != n {
		t.Fatalf("the same ballot was acknowledged %d times of %d", sharedOK, n)
	}
	if got := len(x.Counted()); got != 3 {
		t.Fatalf("%d counted, want the last of each of 3 credentials", got)
	}
	x.Close()
	data, _ := os.ReadFile(path)
	if lines := bytes.Count(data, []byte("\n")); lines != n+2 {
		t.Fatalf("%d lines, want %d", lines, n+2)
	}
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	y.Close()
}

// TestBoxResumeDevice checks that a restarted device continues its chain.
func TestBoxResumeDevice(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	accept(t, x, castOn(t, d, Vote{}))
	seq, tip := d.Tip()
	d2, err := ResumeDevice(f.e, "station-1", f.deviceKeys["station-1"], seq, tip)
	if err != nil {
		t.Fatal(err)
	}
	accept(t, x, castOn(t, d2, Vote{}))
	if _, err := ResumeDevice(f.e, "station-1", f.deviceKeys["station-2"], seq, tip); err == nil {
		t.Fatal("resumed with another key")
	}
	if _, err := ResumeDevice(f.e, "station-1", ed25519.PrivateKey{1}, seq, tip); err == nil {
		t.Fatal("resumed with a short key")
	}
}

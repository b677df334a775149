package ballot

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// batchBallots returns n valid cast ballots of the test election, signed
// by the fixture's credentials in turn, with distinct identifiers.
func batchBallots(t *testing.T, f *fixture, n int) []*Ballot {
	t.Helper()
	bs := make([]*Ballot, n)
	for i := range bs {
		bs[i] = f.credentialBallot(t, fmt.Sprintf("batch-%d", i), i%len(f.credentials), testVote())
	}
	return bs
}

// refusalsOf returns the refusal in err, as a list of none or one.
func refusalsOf(t *testing.T, err error) []*Refusal {
	t.Helper()
	var r *Refusal
	if errors.As(err, &r) {
		return []*Refusal{r}
	}
	if err != nil {
		t.Fatalf("error %v is not a refusal", err)
	}
	return nil
}

// TestVerifyBallotsAllValid: a batch of valid ballots (cast and
// challenged, remote and from a device) passes.
func TestVerifyBallotsAllValid(t *testing.T) {
	f := newFixture(t, testManifest())
	bs := batchBallots(t, f, 12)
	d, _, err := OpenDevice(f.e, "station-2", f.deviceKeys["station-2"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		p, err := d.EncryptBallot(testVote())
		if err != nil {
			t.Fatal(err)
		}
		var b *Ballot
		if i == 1 {
			b, err = d.Challenge(p)
		} else {
			b, err = d.Cast(p)
		}
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	errs := VerifyBallots(f.e, bs)
	if len(errs) != len(bs) {
		t.Fatalf("%d results for %d ballots", len(errs), len(bs))
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("ballot %d (%s): %v", i, bs[i].ID(), err)
		}
	}
	if errs := VerifyBallots(f.e, nil); len(errs) != 0 {
		t.Errorf("no ballots: %v", errs)
	}
}

// TestVerifyBallotsNamesTheBadOne puts one bad ballot, of several kinds,
// at several places among valid ones: exactly it is refused, for the
// right proof, and every result is the one VerifyBallot gives alone.
func TestVerifyBallotsNamesTheBadOne(t *testing.T) {
	f := newFixture(t, testManifest())
	good := batchBallots(t, f, 20)
	other := f.credentialBallot(t, "other", 0, testVote())
	key := f.credentials[0].PrivateKey()
	type badCase struct {
		b                  *Ballot
		check              Step
		contest, selection int
	}
	bad := map[string]badCase{}
	{ // Two range proofs swapped.
		b := f.credentialBallot(t, "bad-swap", 0, testVote())
		c := &b.contests[0]
		c.selections[3].proof, c.selections[5].proof = c.selections[5].proof, c.selections[3].proof
		c.selections[3].proofBytes, c.selections[5].proofBytes = nil, nil
		bad["swapped range proofs"] = badCase{resign(t, f.e, b, b.header, key), StepProof, 0, 3}
	}
	{ // Another ballot's contest proof.
		b := f.credentialBallot(t, "bad-sum", 0, testVote())
		b.contests[1].sum, b.contests[1].sumBytes = other.contests[1].sum, nil
		bad["foreign contest proof"] = badCase{resign(t, f.e, b, b.header, key), StepProof, 1, -1}
	}
	{ // A copy of a valid ballot under another identifier.
		b := good[0]
		h := b.Header()
		h.BallotID = "bad-copy"
		bad["copied ballot"] = badCase{resign(t, f.e, b, h, key), StepProof, 0, 0}
	}
	{ // A bad signature only.
		b := resign(t, f.e, good[1], good[1].header, f.credentials[2].PrivateKey())
		bad["bad signature"] = badCase{b, StepSignature, -1, -1}
	}
	for name, x := range bad {
		for _, at := range []int{0, 7, len(good)} {
			bs := append(append(append([]*Ballot(nil), good[:at]...), x.b), good[at:]...)
			errs := VerifyBallots(f.e, bs)
			for i, err := range errs {
				if i != at {
					if err != nil {
						t.Errorf("%s at %d: good ballot %d refused: %v", name, at, i, err)
					}
					continue
				}
				rs := refusalsOf(t, err)
				if len(rs) != 1 || rs[0].Step != x.check || rs[0].Contest != x.contest || rs[0].Selection != x.selection {
					t.Errorf("%s at %d: got %v, want one %s refusal at contest %d, selection %d", name, at, err, x.check, x.contest, x.selection)
				}
				if alone := VerifyBallot(f.e, x.b); alone == nil || alone.Error() != err.Error() {
					t.Errorf("%s: VerifyBallots says %v, VerifyBallot says %v", name, err, alone)
				}
			}
		}
	}
}

// TestVerifyBallotsSeveralBad: many bad ballots in one batch, including
// every ballot bad, are each refused for their own fault.
func TestVerifyBallotsSeveralBad(t *testing.T) {
	f := newFixture(t, testManifest())
	bs := batchBallots(t, f, 10)
	for _, badSet := range [][]int{{1, 2, 3}, {0, 2, 4, 6, 8}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		batch := append([]*Ballot(nil), bs...)
		isBad := map[int]bool{}
		for _, i := range badSet {
			isBad[i] = true
			// Swap two range proofs of contest 3, at a place that depends on i.
			b := f.credentialBallot(t, fmt.Sprintf("batch-%d", i), i%len(f.credentials), testVote())
			j := i % 3
			c := &b.contests[3]
			c.selections[j].proof, c.selections[(j+1)%3].proof = c.selections[(j+1)%3].proof, c.selections[j].proof
			c.selections[j].proofBytes, c.selections[(j+1)%3].proofBytes = nil, nil
			batch[i] = resign(t, f.e, b, b.header, f.credentials[i%len(f.credentials)].PrivateKey())
		}
		for i, err := range VerifyBallots(f.e, batch) {
			if !isBad[i] {
				if err != nil {
					t.Errorf("bad set %v: good ballot %d refused: %v", badSet, i, err)
				}
				continue
			}
			rs := refusalsOf(t, err)
			j := i % 3
			if len(rs) != 1 || rs[0].Step != StepProof || rs[0].Contest != 3 || rs[0].Selection != min(j, (j+1)%3) {
				t.Errorf("bad set %v: ballot %d: %v", badSet, i, err)
			}
		}
	}
}

// TestVerifyBallotsFirstStep: a ballot that fails several steps of the
// acceptance rule is refused for the first, in the rule's order: a forged
// signature before a bad proof, an unlisted credential before a bad proof,
// a bad signature before a seed that does not open the ballot, the wrong
// shape before anything the shape decides.
func TestVerifyBallotsFirstStep(t *testing.T) {
	f := newFixture(t, testManifest())
	good := f.credentialBallot(t, "good", 0, testVote())
	// A proof swap, signed by another credential.
	b := f.credentialBallot(t, "forged", 0, testVote())
	c := &b.contests[0]
	c.selections[3].proof, c.selections[5].proof = c.selections[5].proof, c.selections[3].proof
	c.selections[3].proofBytes, c.selections[5].proofBytes = nil, nil
	forged := resign(t, f.e, b, b.header, f.credentials[1].PrivateKey())
	proofOnly := resign(t, f.e, b, b.header, f.credentials[0].PrivateKey())
	// Another ballot's proofs under an unlisted credential.
	outsider := f.credentialBallot(t, "outsider", 1, testVote())
	h := outsider.Header()
	h.Credential = []byte("an unlisted credential of 32 b..")
	unlisted := resign(t, f.e, outsider, h, f.credentials[1].PrivateKey())
	// A challenged ballot whose seed and signature are wrong.
	ch := f.credentialBallot(t, "challenged", 2, testVote())
	chal := *ch
	chal.state, chal.seed = Challenged, make([]byte, 32)
	// The wrong shape: a contest missing.
	short := resign(t, f.e, good, good.header, f.credentials[0].PrivateKey())
	short.contests = short.contests[:3]
	short.encodeBody()
	short = resign(t, f.e, short, short.header, f.credentials[0].PrivateKey())

	bs := []*Ballot{good, forged, unlisted, &chal, short, proofOnly}
	want := []Step{"", StepSignature, StepEligibility, StepSignature, StepManifest, StepProof}
	errs := VerifyBallots(f.e, bs)
	for i, err := range errs {
		var got Step
		if rs := refusalsOf(t, err); len(rs) == 1 {
			got = rs[0].Step
		}
		if got != want[i] {
			t.Errorf("ballot %d (%s): check %q, want %q (%v)", i, bs[i].ID(), got, want[i], err)
		}
		if alone := VerifyBallot(f.e, bs[i]); fmt.Sprint(alone) != fmt.Sprint(err) {
			t.Errorf("ballot %d: VerifyBallots says %v, VerifyBallot says %v", i, err, alone)
		}
	}
	// The proof refusal names the place of the first bad proof.
	rs := refusalsOf(t, errs[5])
	if rs[0].Contest != 0 || rs[0].Selection != 3 || rs[0].Reason != "range proof does not verify (and 1 other proofs)" {
		t.Errorf("proof refusal %+v", rs[0])
	}
	if msg := errs[5].Error(); msg != "ballot: refused (proof): contest 0: selection 3: range proof does not verify (and 1 other proofs)" {
		t.Errorf("message %q", msg)
	}
}

// TestFingerprints checks Ballot.Fingerprints against an independent walk
// of the ballot's canonical encoding (docs/spec.md §Ballots,
// "Ballot encoding") and the formula of the spec, and that the fingerprint
// of a replayed part is the one of the original.
func TestFingerprints(t *testing.T) {
	f := newFixture(t, testManifest())
	b := f.credentialBallot(t, "fp", 0, testVote())
	d, _, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	pdb, err := d.EncryptBallot(testVote())
	if err != nil {
		t.Fatal(err)
	}
	db, err := d.Cast(pdb)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []*Ballot{b, db} {
		parsed, err := ParseBallot(x.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		want := walkFingerprints(t, x.Bytes(), x.Header())
		for _, y := range []*Ballot{x, parsed} {
			got := y.Fingerprints()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: fingerprints\n%v\nwant\n%v", y.ID(), got, want)
			}
		}
	}
	// All distinct within and across the two ballots.
	seen := map[[16]byte]bool{}
	for _, fp := range append(b.Fingerprints(), db.Fingerprints()...) {
		if seen[fp.Sum] {
			t.Fatalf("fingerprint %x twice", fp.Sum)
		}
		seen[fp.Sum] = true
	}
	// A copy of b's contests under another header shares every part but
	// the identifier.
	h := b.Header()
	h.BallotID = "fp-copy"
	cp := resign(t, f.e, b, h, f.credentials[0].PrivateKey())
	bf, cf := b.Fingerprints(), cp.Fingerprints()
	if bf[0].Sum == cf[0].Sum {
		t.Error("two identifiers share a fingerprint")
	}
	for i := 1; i < len(bf); i++ {
		if bf[i] != cf[i] {
			t.Errorf("part %d of a copy: %v, want %v", i, cf[i], bf[i])
		}
	}
}

// walkFingerprints computes the fingerprints of a ballot from its
// canonical encoding, reading the layout of the spec, for layout-1
// contests only.
func walkFingerprints(t *testing.T, enc []byte, h Header) []Fingerprint {
	t.Helper()
	off := 0
	take := func(n int) []byte {
		if n < 0 || len(enc)-off < n {
			t.Fatalf("encoding too short at offset %d", off)
		}
		off += n
		return enc[off-n : off]
	}
	u32 := func() int { return int(binary.BigEndian.Uint32(take(4))) }
	sum := func(kind byte, data []byte) [16]byte {
		d := sha512.Sum512_256(append([]byte{kind}, data...))
		return [16]byte(d[:16])
	}
	take(u32()) // label
	take(32)    // base hash
	id := take(u32())
	var idEnc []byte
	switch kind := take(1)[0]; kind {
	case 1:
		dev := take(u32())
		take(8 + 32)
		idEnc = binary.BigEndian.AppendUint32([]byte{1}, uint32(len(dev)))
		idEnc = append(idEnc, dev...)
	case 2:
		idEnc = append([]byte{2}, take(32)...)
	}
	idEnc = binary.BigEndian.AppendUint32(idEnc, uint32(len(id)))
	idEnc = append(idEnc, id...)
	if string(id) != h.BallotID {
		t.Fatalf("identifier %q, header %q", id, h.BallotID)
	}
	out := []Fingerprint{{Kind: 'i', Contest: -1, Selection: -1, Sum: sum('i', idEnc)}}
	contests := u32()
	for i := range contests {
		if take(1)[0] != 1 {
			t.Fatal("layout")
		}
		sels := u32()
		for j := range sels {
			out = append(out, Fingerprint{Kind: 'a', Contest: i, Selection: j, Sum: sum('a', take(64)[:32])})
			take(u32()) // the range proof
		}
		if take(1)[0] == 1 {
			take(u32()) // the contest proof
		}
	}
	return out
}

// TestCheckBallotsVotes checks that the votes CheckBallots returns with the
// verdicts are OpenChallenged's for challenged ballots and nil for cast
// ones.
func TestCheckBallotsVotes(t *testing.T) {
	f := newFixture(t, testManifest())
	d, _, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	var bs []*Ballot
	for i := range 4 {
		p, err := d.EncryptBallot(testVote())
		if err != nil {
			t.Fatal(err)
		}
		var b *Ballot
		if i%2 == 0 {
			b, err = d.Challenge(p)
		} else {
			b, err = d.Cast(p)
		}
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	cs := CheckBallots(f.e, bs, true)
	for i, b := range bs {
		if r := cs[i].first(); r != nil {
			t.Fatalf("ballot %d: %v", i, r)
		}
		votes := []Vote{cs[i].Vote()}
		i := 0
		if b.State() != Challenged {
			if votes[i] != nil {
				t.Fatalf("cast ballot %d has a vote", i)
			}
			continue
		}
		want, err := OpenChallenged(f.e, b)
		if err != nil {
			t.Fatal(err)
		}
		if votes[i] == nil || !reflect.DeepEqual(votes[i], want) {
			t.Fatalf("ballot %s: vote %v, OpenChallenged gives %v", b.ID(), votes[i], want)
		}
	}
}

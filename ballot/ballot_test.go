package ballot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// wantRefusal checks that err is a *Refusal for check at (contest,
// selection).
func wantRefusal(t *testing.T, err error, check Step, contest, selection int) {
	t.Helper()
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("got %v, want a refusal (%s)", err, check)
	}
	if r.Step != check || r.Contest != contest || r.Selection != selection {
		t.Fatalf("got refusal %q (check %s, contest %d, selection %d), want check %s, contest %d, selection %d", r, r.Step, r.Contest, r.Selection, check, contest, selection)
	}
	if !strings.HasPrefix(r.Error(), "ballot: refused ("+string(check)+")") {
		t.Fatalf("message %q", r.Error())
	}
}

// resign builds a ballot with the given header and the contests of src (a
// copy or replay), and signs it with key, as an attacker holding a valid
// credential or device key could.
func resign(t *testing.T, e *Election, src *Ballot, h Header, key ed25519.PrivateKey) *Ballot {
	t.Helper()
	b := &Ballot{baseHash: e.baseHash, header: h}
	for _, c := range src.contests {
		nc := encryptedContest{layout: c.layout, sum: c.sum, sumBytes: c.sumBytes, listProofs: c.listProofs, listProofBytes: c.listProofBytes}
		for _, col := range c.row {
			nc.row = append(nc.row, encryptedColumn{ct: col.ct, ctBytes: col.ctBytes, pok: col.pok, pokBytes: col.pokBytes})
		}
		for _, s := range c.selections {
			nc.selections = append(nc.selections, encryptedSelection{ct: s.ct, ctBytes: s.ctBytes, proof: s.proof, proofBytes: s.proofBytes})
		}
		b.contests = append(b.contests, nc)
	}
	b.encodeBody()
	b.state = Cast
	b.signature = ed25519.Sign(key, signatureMessage(b.code, Cast, nil))
	return b
}

func TestEncryptVerifyRoundTrip(t *testing.T) {
	f := newFixture(t, testManifest())
	for name, v := range map[string]Vote{
		"full":       testVote(),
		"blank":      {},
		"undervote":  {"board": {102: 1}, "projects": {11: 1}},
		"no":         {"budget": {2: 1}},
		"zero marks": {"board": {101: 0}, "inspectors": {}},
		"all scores": {"projects": {10: 1, 11: 2, 12: 2}},
		"exactly":    {"inspectors": {1: 1, 3: 1}},
	} {
		b := f.credentialBallot(t, "rt-"+name, 0, v)
		if err := VerifyBallot(f.e, b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b2, err := ParseBallot(b.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(b2.Bytes(), b.Bytes()) || b2.ConfirmationCode() != b.ConfirmationCode() {
			t.Fatalf("%s: binary round trip changed the ballot", name)
		}
		if err := VerifyBallot(f.e, b2); err != nil {
			t.Fatalf("%s: decoded: %v", name, err)
		}
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		var b3 Ballot
		if err := json.Unmarshal(j, &b3); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(b3.Bytes(), b.Bytes()) {
			t.Fatalf("%s: JSON round trip changed the ballot", name)
		}
		// The ciphertexts decrypt to the vote.
		vals, _ := f.e.manifest.plaintext(v)
		G := group.NewGeneratorElement()
		for i := range b.NumContests() {
			for j, ct := range b.Ciphertexts(i) {
				want := group.NewElement().ScalarMult(new(group.Scalar).SetUint64(vals[i][j]), G)
				if f.sk.Decrypt(ct).Equal(want) != 1 {
					t.Fatalf("%s: contest %d selection %d does not decrypt to %d", name, i, j, vals[i][j])
				}
			}
		}
	}
}

// TestVoteRefusals has one case per rule of a vote; each is refused before
// anything is encrypted.
func TestVoteRefusals(t *testing.T) {
	f := newFixture(t, testManifest())
	cases := map[string]struct {
		v    Vote
		want string
	}{
		"unknown contest":     {Vote{"mayor": {1: 1}}, `no contest "mayor"`},
		"unknown code":        {Vote{"board": {999: 1}}, "contest 0 (\"board\"): no candidate with code 999"},
		"value above 1":       {Vote{"board": {101: 2}}, "candidate 101: value 2 exceeds the maximum 1"},
		"score above max":     {Vote{"projects": {10: 4}}, "candidate 10: value 4 exceeds the maximum 3"},
		"overvote up-to":      {Vote{"board": {101: 1, 102: 1, 103: 1, 104: 1, 105: 1, 106: 1, 107: 1, 108: 1}}, "8 candidates marked, more than the limit 7 (overvote)"},
		"overvote yes-no":     {Vote{"budget": {1: 1, 2: 1}}, "2 candidates marked, more than the limit 1 (overvote)"},
		"overvote score":      {Vote{"projects": {10: 3, 11: 3}}, "total score 6 exceeds the limit 5 (overvote)"},
		"overvote exactly":    {Vote{"inspectors": {1: 1, 2: 1, 3: 1}}, "3 candidates marked, more than the required 2 (overvote)"},
		"undervote exactly":   {Vote{"inspectors": {1: 1}}, "1 candidate marked; an \"exactly\" contest takes exactly 2, or none"},
		"overvote elsewhere":  {Vote{"board": {101: 1}, "budget": {1: 1, 2: 1}}, "overvote"},
		"unknown with others": {Vote{"board": {101: 1}, "x": {}}, `no contest "x"`},
	}
	for name, c := range cases {
		b, err := EncryptBallot(f.e, Header{BallotID: "v", Credential: f.credentials[0].PublicKey()}, c.v, seedOf("v"))
		if err == nil || b != nil || !strings.HasPrefix(err.Error(), "ballot: vote: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, c.want)
		}
	}
}

func TestHeaderRefusals(t *testing.T) {
	f := newFixture(t, testManifest())
	outsider := ed25519.NewKeyFromSeed(seedOf("outsider")).Public().(ed25519.PublicKey)
	cred := f.credentials[0].PublicKey()
	for name, h := range map[string]Header{
		"no id":            {Credential: cred},
		"long id":          {BallotID: strings.Repeat("x", 256), Credential: cred},
		"no signer":        {BallotID: "x"},
		"both signers":     {BallotID: "x", Credential: cred, Device: "station-1", Sequence: 1},
		"unlisted":         {BallotID: "x", Credential: outsider},
		"short key":        {BallotID: "x", Credential: cred[:31]},
		"unknown device":   {BallotID: "x", Device: "station-9", Sequence: 1},
		"sequence 0":       {BallotID: "x", Device: "station-1"},
		"invalid UTF-8 id": {BallotID: "\xff", Credential: cred},
	} {
		if _, err := EncryptBallot(f.e, h, testVote(), seedOf("h")); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := EncryptBallot(f.e, Header{BallotID: "x", Credential: cred}, testVote(), make([]byte, 31)); err == nil {
		t.Error("short nonce seed accepted")
	}
}

// TestOvervoteCannotBeProven encrypts overvotes with a prover that skips
// the conformance check: the proofs do not verify.
func TestOvervoteCannotBeProven(t *testing.T) {
	f := newFixture(t, testManifest())
	cases := []struct {
		name    string
		contest int
		vals    []uint64
	}{
		{"up-to 8 of 7", 0, []uint64{1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}},
		{"up-to all 15", 0, []uint64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{"yes and no", 2, []uint64{1, 1}},
		{"score over limit", 3, []uint64{3, 3, 0}},
		{"exactly 3 of 2", 1, []uint64{1, 1, 1, 0}},
		{"exactly 1 of 2", 1, []uint64{0, 1, 0, 0}},
		{"exactly 4 of 2", 1, []uint64{1, 1, 1, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vals, _ := f.e.manifest.plaintext(Vote{})
			vals[c.contest] = c.vals
			h := Header{BallotID: "over", Credential: f.credentials[0].PublicKey()}
			n, _ := proof.NewNonces(seedOf("over"))
			enc := &Ballot{baseHash: f.e.baseHash, header: h}
			if err := enc.encrypt(f.e, vals, n); err != nil {
				t.Fatal(err)
			}
			enc.encodeBody()
			b, err := (&Pending{b: enc, nonces: n, signerPub: h.Credential}).Cast(f.credentials[0].PrivateKey())
			if err != nil {
				t.Fatal(err)
			}
			wantRefusal(t, VerifyBallot(f.e, b), StepProof, c.contest, -1)
		})
	}
}

// TestSelectionOutOfRangeCannotBeProven gives one selection the value 2
// (or a score above the maximum) with a proof that claims a valid value.
func TestSelectionOutOfRangeCannotBeProven(t *testing.T) {
	f := newFixture(t, testManifest())
	for _, c := range []struct{ contest, selection, value, claim int }{{0, 4, 2, 1}, {3, 1, 4, 3}, {2, 0, 1 << 20, 1}} {
		b := f.credentialBallot(t, "oor", 0, Vote{})
		mc := &f.e.manifest.Contests[c.contest]
		r := group.HashToScalar([]byte("r"), []byte("test"))
		ct := f.e.pk.Encrypt(new(group.Scalar).SetUint64(uint64(c.value)), r)
		tc := f.e.transcript(&b.header)
		tc.AppendUint64("contest", uint64(c.contest))
		tc.AppendUint64("selection", uint64(c.selection))
		n, _ := proof.NewNonces(seedOf("oor"))
		p, err := proof.ProveRange(tc, f.e.pk, ct, uint64(c.claim), r, mc.maxValue(), n)
		if err != nil {
			t.Fatal(err)
		}
		s := &b.contests[c.contest].selections[c.selection]
		s.ct.Set(ct)
		s.ctBytes, s.proof, s.proofBytes = nil, p, nil
		forged := resign(t, f.e, b, b.header, f.credentials[0].PrivateKey())
		err = VerifyBallot(f.e, forged)
		var r2 *Refusal
		if !errors.As(err, &r2) || r2.Step != StepProof || r2.Contest != c.contest {
			t.Fatalf("got %v", err)
		}
	}
}

// TestReplayRefusedByProofs copies a ballot's ciphertexts and proofs under
// another credential, another ballot identifier, another device position:
// the proofs bind the ballot's context, so every copy is refused even by
// the stateless verifier (the ballot box also refuses it as a duplicate).
func TestReplayRefusedByProofs(t *testing.T) {
	f := newFixture(t, testManifest())
	orig := f.credentialBallot(t, "replay-1", 0, testVote())
	cred1 := f.credentials[1]
	for name, h := range map[string]Header{
		"other credential": {BallotID: "replay-1", Credential: cred1.PublicKey()},
		"other ballot id":  {BallotID: "replay-2", Credential: f.credentials[0].PublicKey()},
		"both":             {BallotID: "replay-2", Credential: cred1.PublicKey()},
	} {
		key := cred1.PrivateKey()
		if bytes.Equal(h.Credential, f.credentials[0].PublicKey()) {
			key = f.credentials[0].PrivateKey()
		}
		copyB := resign(t, f.e, orig, h, key)
		if err := checkStaticOK(f.e, copyB); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wantRefusal(t, VerifyBallot(f.e, copyB), StepProof, 0, 0)
	}
	// A device ballot copied to another sequence position.
	d, _, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.EncryptBallot(testVote())
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Cast(p)
	if err != nil {
		t.Fatal(err)
	}
	h := b.Header()
	h.Sequence, h.Previous = 2, b.ConfirmationCode()
	wantRefusal(t, VerifyBallot(f.e, resign(t, f.e, b, h, f.deviceKeys["station-1"])), StepProof, 0, 0)
}

func checkStaticOK(e *Election, b *Ballot) error {
	c := CheckBallots(e, []*Ballot{b}, false)[0]
	if r := c.first(); r != nil {
		return r
	}
	return nil
}

// TestTamperedBallotRefused flips bytes of a valid ballot's encoding: the
// result never verifies.
func TestTamperedBallotRefused(t *testing.T) {
	f := newFixture(t, testManifest())
	b := f.credentialBallot(t, "tamper", 0, testVote())
	data := b.Bytes()
	rng := rand.New(rand.NewPCG(1, 2))
	n := 400
	if testing.Short() {
		n = 60
	}
	for range n {
		mod := bytes.Clone(data)
		i := rng.IntN(len(mod))
		mod[i] ^= byte(1 << rng.IntN(8))
		b2, err := ParseBallot(mod)
		if err != nil {
			continue
		}
		if err := VerifyBallot(f.e, b2); err == nil {
			t.Fatalf("flipping a bit at offset %d gave a valid ballot", i)
		}
	}
}

// TestProofTamperDetected changes a proof inside a ballot while keeping a
// valid signature (an attacker who holds the key): the proof check names
// the place.
func TestProofTamperDetected(t *testing.T) {
	f := newFixture(t, testManifest())
	b := f.credentialBallot(t, "tp", 0, testVote())
	other := f.credentialBallot(t, "tp-other", 0, testVote())
	// Swap the range proofs of selections 3 and 5 of the board contest.
	c := &b.contests[0]
	c.selections[3].proof, c.selections[5].proof = c.selections[5].proof, c.selections[3].proof
	c.selections[3].proofBytes, c.selections[5].proofBytes = nil, nil
	wantRefusal(t, VerifyBallot(f.e, resign(t, f.e, b, b.header, f.credentials[0].PrivateKey())), StepProof, 0, 3)
	// The contest proof of another ballot.
	b = f.credentialBallot(t, "tp", 0, testVote())
	b.contests[1].sum, b.contests[1].sumBytes = other.contests[1].sum, nil
	wantRefusal(t, VerifyBallot(f.e, resign(t, f.e, b, b.header, f.credentials[0].PrivateKey())), StepProof, 1, -1)
	// A ciphertext re-randomized (same plaintext): its proof fails.
	b = f.credentialBallot(t, "tp", 0, testVote())
	s := &b.contests[3].selections[2]
	s.ct.Set(f.e.pk.ReEncrypt(&s.ct, group.HashToScalar([]byte("x"), []byte("test"))))
	s.ctBytes = nil
	wantRefusal(t, VerifyBallot(f.e, resign(t, f.e, b, b.header, f.credentials[0].PrivateKey())), StepProof, 3, 2)
}

func TestShapeRefusals(t *testing.T) {
	f := newFixture(t, testManifest())
	key := f.credentials[0].PrivateKey()
	fresh := func() *Ballot { return f.credentialBallot(t, "shape", 0, testVote()) }
	b := fresh()
	b.contests = b.contests[:3]
	wantRefusal(t, VerifyBallot(f.e, resign(t, f.e, b, b.header, key)), StepManifest, -1, -1)
	b = fresh()
	b.contests[0].selections = b.contests[0].selections[:14]
	wantRefusal(t, VerifyBallot(f.e, resign(t, f.e, b, b.header, key)), StepManifest, 0, -1)
	b = fresh()
	b.contests[2].sum = nil
	wantRefusal(t, VerifyBallot(f.e, resign(t, f.e, b, b.header, key)), StepManifest, 2, -1)
	b = fresh()
	b.contests[0].sum, b.contests[0].sumBytes = b.contests[2].sum, nil // a 0..1 proof where 0..7 is due
	wantRefusal(t, VerifyBallot(f.e, resign(t, f.e, b, b.header, key)), StepManifest, 0, -1)
	b = fresh()
	b.contests[3].selections[1] = b.contests[0].selections[1] // a 0..1 proof where 0..3 is due
	wantRefusal(t, VerifyBallot(f.e, resign(t, f.e, b, b.header, key)), StepManifest, 3, 1)
	// A score contest without a limit has no contest proof.
	m := testManifest()
	m.Contests[3].Limit = 0
	g := newFixture(t, m)
	b = g.credentialBallot(t, "shape", 0, testVote())
	if b.contests[3].sum != nil {
		t.Fatal("a score contest without a limit has a contest proof")
	}
	if err := VerifyBallot(g.e, b); err != nil {
		t.Fatal(err)
	}
	b.contests[3].sum = f.credentialBallot(t, "shape", 0, testVote()).contests[3].sum
	wantRefusal(t, VerifyBallot(g.e, resign(t, g.e, b, b.header, key)), StepManifest, 3, -1)
}

func TestSignatureAndEligibility(t *testing.T) {
	f := newFixture(t, testManifest())
	b := f.credentialBallot(t, "sig", 0, testVote())
	// A signature by another credential.
	forged := resign(t, f.e, b, b.header, f.credentials[1].PrivateKey())
	wantRefusal(t, VerifyBallot(f.e, forged), StepSignature, -1, -1)
	// A signature over another state.
	c := *b
	c.state = Challenged
	c.seed = make([]byte, 32)
	wantRefusal(t, VerifyBallot(f.e, &c), StepSignature, -1, -1)
	// A credential that is not on the list.
	outsider := ed25519.NewKeyFromSeed(seedOf("outsider"))
	forged = resign(t, f.e, b, Header{BallotID: "sig", Credential: outsider.Public().(ed25519.PublicKey)}, outsider)
	wantRefusal(t, VerifyBallot(f.e, forged), StepEligibility, -1, -1)
	// An unregistered device.
	forged = resign(t, f.e, b, Header{BallotID: "sig", Device: "station-9", Sequence: 1}, outsider)
	wantRefusal(t, VerifyBallot(f.e, forged), StepEligibility, -1, -1)
	// Another election.
	m := testManifest()
	m.ElectionID = "other"
	g := newFixture(t, m)
	wantRefusal(t, VerifyBallot(g.e, b), StepElection, -1, -1)
	// Signing: once, with the right key.
	p, _ := EncryptBallot(f.e, Header{BallotID: "p", Credential: f.credentials[0].PublicKey()}, testVote(), seedOf("p"))
	if _, err := p.Cast(f.credentials[1].PrivateKey()); err == nil {
		t.Fatal("Cast with another credential's key")
	}
	if _, err := p.Cast(f.credentials[0].PrivateKey()[:10]); err == nil {
		t.Fatal("Cast with a short key")
	}
	cast, err := p.Cast(f.credentials[0].PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	if cast.ConfirmationCode() != p.ConfirmationCode() || cast.ID() != p.ID() {
		t.Fatal("the cast ballot is not the pending one")
	}
	if _, err := p.Cast(f.credentials[0].PrivateKey()); err == nil || !strings.Contains(err.Error(), "already cast") {
		t.Fatalf("a ballot cast twice: %v", err)
	}
	if _, err := p.Challenge(f.credentials[0].PrivateKey()); err == nil {
		t.Fatal("a cast ballot challenged")
	}
	if cast.NonceSeed() != nil || p.nonces != nil {
		t.Fatal("a cast ballot keeps or reveals its seed")
	}
}

func TestChallengeOpens(t *testing.T) {
	f := newFixture(t, testManifest())
	for name, v := range map[string]Vote{"full": testVote(), "blank": {}, "scores": {"projects": {11: 3, 12: 1}}} {
		p, err := EncryptBallot(f.e, Header{BallotID: "ch-" + name, Credential: f.credentials[2].PublicKey()}, v, seedOf("ch"+name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.Challenge(f.credentials[2].PrivateKey())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.NonceSeed(), seedOf("ch"+name)) || b.State() != Challenged {
			t.Fatal("the challenged ballot does not carry its seed")
		}
		b2, err := ParseBallot(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		got, err := OpenChallenged(f.e, b2)
		if err != nil {
			t.Fatal(err)
		}
		want := Vote{}
		for id, marks := range v {
			for code, val := range marks {
				if val != 0 {
					if want[id] == nil {
						want[id] = map[uint32]uint64{}
					}
					want[id][code] = val
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: opened %v, want %v", name, got, want)
		}
		if err := VerifyBallot(f.e, b2); err != nil {
			t.Fatal(err)
		}
	}
	// A wrong seed, signed by the credential holder, does not open it.
	p, _ := EncryptBallot(f.e, Header{BallotID: "ch-bad", Credential: f.credentials[2].PublicKey()}, testVote(), seedOf("right"))
	p.nonces, _ = proof.NewNonces(seedOf("wrong"))
	b, err := p.Challenge(f.credentials[2].PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenChallenged(f.e, b); err == nil {
		t.Fatal("a wrong seed opened the ballot")
	}
	wantRefusal(t, VerifyBallot(f.e, b), StepChallenge, -1, -1)
	// A cast ballot cannot be opened.
	if _, err := OpenChallenged(f.e, f.credentialBallot(t, "c", 0, testVote())); err == nil {
		t.Fatal("a cast ballot opened")
	}
}

// TestChallengeDetectsCheating: a device that encrypts something else than
// the voter's choice is caught when the voter challenges: the opening shows
// the encrypted choices, not the voter's.
func TestChallengeDetectsCheating(t *testing.T) {
	f := newFixture(t, testManifest())
	d, _, _ := OpenDevice(f.e, "station-2", f.deviceKeys["station-2"], testTime)
	voter := Vote{"board": {101: 1}}
	p, err := d.EncryptBallot(Vote{"board": {102: 1}}) // the device cheats
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Challenge(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenChallenged(f.e, b)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(got, voter) {
		t.Fatal("the opening matches the voter's choice")
	}
}

func TestDecoderRefusals(t *testing.T) {
	f := newFixture(t, testManifest())
	data := f.credentialBallot(t, "dec", 0, testVote()).Bytes()
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty":     {nil, "field label"},
		"truncated": {data[:len(data)-1], "field signature: truncated"},
		"trailing":  {append(bytes.Clone(data), 0), "1 trailing bytes"},
		"label":     {append([]byte{0, 0, 0, 17, 'x'}, data[5:]...), "field label"},
	}
	// The state byte.
	bad := bytes.Clone(data)
	bad[len(bad)-65] = 7
	cases["state"] = struct {
		data []byte
		want string
	}{bad, "field state: 7 is neither cast (1) nor challenged (2)"}
	// An identity A in the first ciphertext.
	b, _ := ParseBallot(data)
	off := bytes.Index(data, b.contests[0].selections[0].ctBytes)
	bad = bytes.Clone(data)
	copy(bad[off:off+32], make([]byte, 32))
	cases["identity A"] = struct {
		data []byte
		want string
	}{bad, "contest 0: selection 0: ciphertext: component A is the identity"}
	bad = bytes.Clone(data)
	bad[off+40] = 0xff
	bad[off+63] = 0xff
	cases["non-canonical B"] = struct {
		data []byte
		want string
	}{bad, "contest 0: selection 0: ciphertext"}
	for name, c := range cases {
		_, err := ParseBallot(c.data)
		if err == nil || !strings.HasPrefix(err.Error(), "ballot: ballot encoding: offset ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, c.want)
		}
	}
}

func TestBallotJSONRefusals(t *testing.T) {
	f := newFixture(t, testManifest())
	j, _ := json.Marshal(f.credentialBallot(t, "js", 0, testVote()))
	var obj map[string]any
	json.Unmarshal(j, &obj)
	for name, mutate := range map[string]func(m map[string]any){
		"code":          func(m map[string]any) { m["code"] = strings.Repeat("00", 32) },
		"unknown":       func(m map[string]any) { m["extra"] = 1 },
		"state":         func(m map[string]any) { m["state"] = "spoiled" },
		"seed in cast":  func(m map[string]any) { m["nonceSeed"] = strings.Repeat("00", 32) },
		"uppercase":     func(m map[string]any) { m["signature"] = strings.ToUpper(m["signature"].(string)) },
		"both signers":  func(m map[string]any) { m["device"] = "station-1" },
		"no signer":     func(m map[string]any) { delete(m, "credential") },
		"ciphertext":    func(m map[string]any) { sel(m)["ciphertext"] = "00" },
		"proof":         func(m map[string]any) { sel(m)["proof"] = sel(m)["proof"].(string)[2:] },
		"proof odd hex": func(m map[string]any) { sel(m)["proof"] = sel(m)["proof"].(string)[1:] },
	} {
		var m map[string]any
		json.Unmarshal(j, &m)
		mutate(m)
		data, _ := json.Marshal(m)
		var b Ballot
		if err := json.Unmarshal(data, &b); err == nil || !strings.Contains(err.Error(), "ballot: ") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func sel(m map[string]any) map[string]any {
	return m["contests"].([]any)[0].(map[string]any)["selections"].([]any)[0].(map[string]any)
}

// TestCiphertextsAreCopies checks the accessor does not expose the ballot.
func TestCiphertextsAreCopies(t *testing.T) {
	f := newFixture(t, testManifest())
	b := f.credentialBallot(t, "cp", 0, testVote())
	cts := b.Ciphertexts(0)
	cts[0].Set(elgamal.NewCiphertext())
	if err := VerifyBallot(f.e, b); err != nil {
		t.Fatal(err)
	}
	h := b.Header()
	h.Credential[0] ^= 1
	if err := VerifyBallot(f.e, b); err != nil {
		t.Fatal(err)
	}
}

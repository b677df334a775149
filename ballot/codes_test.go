package ballot

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// councilContest is a CodeList contest of 30 candidates with codes 1..30
// (5 bits each), up to 5 codes per ballot: a row of one ciphertext.
func councilContest() Contest {
	c := Contest{ID: "council", Title: "City council: write up to 5 codes", Kind: CodeList, Limit: 5, Seats: 5, Alternates: 2, MixStages: 2}
	for i := range 30 {
		c.Candidates = append(c.Candidates, Candidate{Code: uint32(1 + i), Name: fmt.Sprintf("Candidate %d", 1+i)})
	}
	return c
}

// codeListManifest has a board contest and a council contest, so that a
// ballot mixes the homomorphic and the mixnet paths.
func codeListManifest() *Manifest {
	m := testManifest()
	m.ElectionID = "city-2025"
	m.Contests = []Contest{m.Contests[0], councilContest()}
	return m
}

func codeListVote(codes ...uint32) Vote {
	v := Vote{"board": {101: 1, 104: 1}}
	if err := v.SetCodes("council", codes); err != nil {
		panic(err)
	}
	return v
}

func TestCodeListManifestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Contest)
		want string
	}{
		{"limit 0", func(c *Contest) { c.Limit = 0 }, "limit is 0"},
		{"limit above n", func(c *Contest) { c.Limit = 31 }, "limit 31 exceeds the 30 candidates"},
		{"no mix stages", func(c *Contest) { c.MixStages = 0 }, "mixStages is 0"},
		{"max score", func(c *Contest) { c.MaxScore = 2 }, "maxScore is 2, but codes contests do not use it"},
		{"code 0", func(c *Contest) { c.Candidates[3].Code = 0 }, "candidate 3: code 0 is outside 1..1048575"},
		{"code too large", func(c *Contest) { c.Candidates[3].Code = MaxCandidateCode + 1 }, "code 1048576 is outside"},
		{"too many seats", func(c *Contest) { c.Seats, c.Alternates = 25, 6 }, "25 seats and 6 alternates exceed the 30 candidates"},
		{"too many candidates", func(c *Contest) {
			c.Candidates = nil
			for i := range MaxCodeListCandidates + 1 {
				c.Candidates = append(c.Candidates, Candidate{Code: uint32(i + 1), Name: "x"})
			}
		}, "10001 candidates exceed the maximum 10000"},
	} {
		m := codeListManifest()
		tc.edit(&m.Contests[1])
		err := m.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	m := testManifest()
	m.Contests[0].MixStages = 1
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "mixStages is 1, but up-to contests do not use it") {
		t.Errorf("mixStages on an up-to contest: %v", err)
	}
	// 10,000 candidates with five-digit codes are fine.
	m = codeListManifest()
	c := &m.Contests[1]
	c.Candidates = nil
	for i := range MaxCodeListCandidates {
		c.Candidates = append(c.Candidates, Candidate{Code: uint32(10000 + i), Name: fmt.Sprint("x", i)})
	}
	c.Limit = 50
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if w := c.RowWidth(); w != 4 { // 15 bits, 16 codes per element
		t.Errorf("row width %d, want 4", w)
	}
	// The election refuses more mix stages than trustees.
	m = codeListManifest()
	m.Contests[1].MixStages = 4
	f := newFixture(t, codeListManifest())
	_, err := NewElection(Parameters{Manifest: m, PublicKey: f.e.pk, VerificationKeys: f.e.VerificationKeys(), Threshold: 2, Devices: f.e.Devices(), Credentials: f.e.Credentials()})
	if err == nil || !strings.Contains(err.Error(), "mixStages 4 exceeds the 3 trustees") {
		t.Errorf("4 mix stages for 3 trustees: %v", err)
	}
}

// TestCodeListManifestEncoding: the parameter block of a CodeList contest is
// u32(limit) ‖ u32(seats) ‖ u32(alternates) ‖ u32(mixStages), after the
// kind string, and every parameter changes the hash.
func TestCodeListManifestEncoding(t *testing.T) {
	m := codeListManifest()
	enc := m.Encode()
	want := []byte{0, 0, 0, 5, 'c', 'o', 'd', 'e', 's', 0, 0, 0, 16, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 30}
	if !bytes.Contains(enc, want) {
		t.Fatalf("the encoding does not hold the codes contest's kind and parameter block %x", want)
	}
	h := m.Hash()
	for _, edit := range []func(c *Contest){
		func(c *Contest) { c.Limit = 4 }, func(c *Contest) { c.Seats = 4 },
		func(c *Contest) { c.Alternates = 3 }, func(c *Contest) { c.MixStages = 1 },
	} {
		m2 := codeListManifest()
		edit(&m2.Contests[1])
		if m2.Hash() == h {
			t.Error("a changed parameter leaves the manifest hash unchanged")
		}
	}
	// The JSON form round-trips with the new member.
	j, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(j, []byte(`"kind":"codes","limit":5,"seats":5,"alternates":2,"mixStages":2`)) {
		t.Errorf("JSON form %s", j)
	}
	m2, err := ParseManifest(j)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Hash() != h {
		t.Error("the JSON form decodes to another manifest")
	}
}

func TestEncryptCodeListBallot(t *testing.T) {
	f := newFixture(t, codeListManifest())
	b := f.credentialBallot(t, "remote-1", 0, codeListVote(17, 3, 29))
	if err := VerifyBallot(f.e, b); err != nil {
		t.Fatal(err)
	}
	if got := len(b.Ciphertexts(1)); got != 1 {
		t.Fatalf("row of %d ciphertexts, want 1", got)
	}
	// The row decrypts to the codes packed in ascending order.
	var elems []*group.Element
	for _, ct := range b.Ciphertexts(1) {
		elems = append(elems, f.sk.Decrypt(ct))
	}
	codes, err := elgamal.UnpackCodes(elems, 5, 30)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes, []uint32{3, 17, 29}) {
		t.Errorf("the row holds %v, want [3 17 29]", codes)
	}
	if cb := b.CiphertextBytes(1); !bytes.Equal(cb, b.Ciphertexts(1)[0].Bytes()) {
		t.Error("CiphertextBytes is not the row's encoding")
	}
	// Binary and JSON forms round-trip; the general JSON decoder agrees.
	b2, err := ParseBallot(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b2.Bytes(), b.Bytes()) || VerifyBallot(f.e, b2) != nil {
		t.Fatal("the decoded ballot differs or does not verify")
	}
	j, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(j, []byte(`{"row":[{"ciphertext":"`)) {
		t.Errorf("JSON form %s", j)
	}
	for _, form := range [][]byte{j, bytes.Replace(j, []byte(`"row":`), []byte(`"row" : `), 1)} {
		var b3 Ballot
		if err := b3.UnmarshalJSON(form); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b3.Bytes(), b.Bytes()) {
			t.Fatal("the JSON form decodes to another ballot")
		}
	}
	if !sameAsGeneral(t, j) {
		t.Error("the direct scan does not take a codes ballot")
	}
	// A blank council contest is a row of empty slots.
	blank := f.credentialBallot(t, "remote-2", 1, Vote{})
	if err := VerifyBallot(f.e, blank); err != nil {
		t.Fatal(err)
	}
}

// TestCodeListVoteRefused: unknown codes, repeated codes, values other than 1
// and more codes than the limit are refused before anything is encrypted.
func TestCodeListVoteRefused(t *testing.T) {
	f := newFixture(t, codeListManifest())
	h := Header{BallotID: "x", Credential: f.credentials[0].PublicKey()}
	for _, tc := range []struct {
		name string
		v    Vote
		want string
	}{
		{"unknown code", Vote{"council": {31: 1}}, `contest 1 ("council"): no candidate with code 31`},
		{"value 2", Vote{"council": {3: 2}}, "candidate 3: value 2 exceeds the maximum 1"},
		{"overlong", Vote{"council": {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1}}, "6 candidate codes written, more than the limit 5 (overvote)"},
	} {
		b, err := EncryptBallot(f.e, h, tc.v, seedOf("refused"))
		if b != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	v := Vote{}
	if err := v.SetCodes("council", []uint32{4, 9, 4}); err == nil || !strings.Contains(err.Error(), "candidate code 4 is written twice (position 2)") {
		t.Errorf("repeated code: %v", err)
	}
	if err := v.SetCodes("council", []uint32{0}); err == nil {
		t.Error("code 0 accepted")
	}
	if len(v) != 0 {
		t.Error("a refused list changed the vote")
	}
}

// forgeRow returns a ballot of credential i whose council row is the row of
// src, signed by credential i: a row copied into another ballot.
func (f *fixture) forgeRow(t *testing.T, src *Ballot, i int) *Ballot {
	t.Helper()
	pb, err := EncryptBallot(f.e, Header{BallotID: "copy", Credential: f.credentials[i].PublicKey()}, codeListVote(), seedOf("copy"))
	if err != nil {
		t.Fatal(err)
	}
	pb.b.contests[1].row = slices.Clone(src.contests[1].row)
	pb.b.encodeBody()
	b, err := pb.Cast(f.credentials[i].PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCodeListRowCopied: a row copied into a ballot of another credential is
// refused, by the proof of knowledge (bound to the ballot and credential)
// and, in the box that saw the original, as a replay.
func TestCodeListRowCopied(t *testing.T) {
	f := newFixture(t, codeListManifest())
	orig := f.credentialBallot(t, "remote-1", 0, codeListVote(7, 8))
	forged := f.forgeRow(t, orig, 1)
	var r *Refusal
	err := VerifyBallot(f.e, forged)
	if !errors.As(err, &r) || r.Step != StepProof || r.Contest != 1 || r.Selection != 0 || !strings.Contains(r.Reason, "proof of knowledge") {
		t.Fatalf("copied row: %v, want a proof refusal at contest 1, column 0", err)
	}
	// In a box that accepted the original, the copy is a replay.
	x, err := OpenBox(filepath.Join(t.TempDir(), "box.jsonl"), f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.AcceptBallot(orig); err != nil {
		t.Fatal(err)
	}
	err = x.AcceptBallot(forged)
	if !errors.As(err, &r) || r.Step != StepDuplicate || r.Contest != 1 {
		t.Fatalf("copied row in the box: %v, want a duplicate refusal", err)
	}
	// The same ballot with a fresh row is accepted.
	if err := x.AcceptBallot(f.credentialBallot(t, "remote-2", 1, codeListVote(7, 8))); err != nil {
		t.Fatal(err)
	}
	// A box reopened from its file rebuilds the fingerprints of rows.
	x.Close()
	x2, err := OpenBox(x.path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer x2.Close()
	if err := x2.AcceptBallot(forged); !errors.As(err, &r) || r.Step != StepDuplicate {
		t.Fatalf("after reopening: %v", err)
	}
}

// TestCodeListBallotShape: rows of the wrong width, selections instead of a
// row and a row instead of selections are refused against the manifest,
// and a changed proof of knowledge fails.
func TestCodeListBallotShape(t *testing.T) {
	f := newFixture(t, codeListManifest())
	b := f.credentialBallot(t, "remote-1", 0, codeListVote(1))
	var r *Refusal
	wide := f.credentialBallot(t, "remote-2", 1, codeListVote(2))
	wide.contests[1].row = append(wide.contests[1].row, b.contests[1].row[0])
	wide.encodeBody()
	wide = resign(t, f.e, wide, wide.header, f.credentials[1].PrivateKey())
	if err := VerifyBallot(f.e, wide); !errors.As(err, &r) || r.Step != StepManifest || !strings.Contains(r.Reason, "a row of 2 ciphertexts, the contest's rows have 1") {
		t.Errorf("wide row: %v", err)
	}
	swapped := f.credentialBallot(t, "remote-3", 2, codeListVote(2))
	swapped.contests[0], swapped.contests[1] = swapped.contests[1], swapped.contests[0]
	swapped.encodeBody()
	swapped = resign(t, f.e, swapped, swapped.header, f.credentials[2].PrivateKey())
	if err := VerifyBallot(f.e, swapped); !errors.As(err, &r) || r.Step != StepManifest || r.Contest != 0 {
		t.Errorf("row in a selections contest: %v", err)
	}
	// Every byte of the proof of knowledge matters.
	enc := b.Bytes()
	pok := b.contests[1].row[0].pokBytes
	at := bytes.Index(enc, pok)
	for _, k := range []int{0, 31, 32, 63} {
		bad := bytes.Clone(enc)
		bad[at+k] ^= 1
		nb, err := ParseBallot(bad)
		if err != nil {
			continue // a non-canonical encoding: refused at decoding
		}
		if err := VerifyBallot(f.e, nb); err == nil {
			t.Errorf("byte %d of the proof of knowledge changed: accepted", k)
		}
	}
}

// TestCodeListChallenged: a challenged codes ballot opens to exactly the codes
// written, and a seed that does not reproduce the row is refused.
func TestCodeListChallenged(t *testing.T) {
	f := newFixture(t, codeListManifest())
	d, _, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	want := codeListVote(30, 1, 12, 5, 6)
	pb, err := d.EncryptBallot(want)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Challenge(pb)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenChallenged(f.e, b)
	if err != nil {
		t.Fatal(err)
	}
	if !equalVotes(got, want) {
		t.Fatalf("opened %v, want %v", got, want)
	}
	if err := VerifyBallot(f.e, b); err != nil {
		t.Fatal(err)
	}
	// A device that encrypted other codes than it shows: the opening
	// reveals what the row holds, and a row from another seed fails.
	other, err := EncryptBallot(f.e, b.Header(), codeListVote(30, 1, 12, 5, 7), seedOf("other"))
	if err != nil {
		t.Fatal(err)
	}
	forged := *b
	forged.contests = slices.Clone(b.contests)
	forged.contests[1].row = other.b.contests[1].row
	forged.body = nil
	forged.encodeBody()
	if _, err := OpenChallenged(f.e, &forged); err == nil {
		t.Fatal("a row from another seed opened")
	}
}

func equalVotes(a, b Vote) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// TestCodeListFingerprints: a row's ciphertexts and proofs of knowledge are
// fingerprinted with their column.
func TestCodeListFingerprints(t *testing.T) {
	f := newFixture(t, codeListManifest())
	b := f.credentialBallot(t, "remote-1", 0, codeListVote(4))
	var kinds []FingerprintKind
	for _, fp := range b.Fingerprints() {
		if fp.Contest == 1 {
			kinds = append(kinds, fp.Kind)
			if fp.Selection != 0 {
				t.Errorf("column %d, want 0", fp.Selection)
			}
		}
	}
	if !slices.Equal(kinds, []FingerprintKind{FingerprintNonce}) {
		t.Errorf("kinds %q", kinds)
	}
}

const codesVectorsFile = "testdata/codes-vectors.json"

type codesVectorBallot struct {
	vectorBallot
	// Plaintexts are the packed codes of the council row, M_k, and Nonces
	// the r_k that encrypt them.
	Plaintexts []string `json:"plaintexts"`
	Nonces     []string `json:"nonces"`
}

type codesVectors struct {
	Comment          string            `json:"comment"`
	Manifest         *Manifest         `json:"manifest"`
	ManifestEncoding string            `json:"manifestEncoding"`
	ManifestHash     string            `json:"manifestHash"`
	SecretKey        string            `json:"secretKey"`
	BaseHash         string            `json:"baseHash"`
	CredentialBallot codesVectorBallot `json:"credentialBallot"`
	DeviceBallot     codesVectorBallot `json:"deviceBallot"`
}

func makeCodesVectors(t *testing.T) *codesVectors {
	f := newFixture(t, codeListManifest())
	e := f.e
	mh, bh := e.ManifestHash(), e.BaseHash()
	sk, _ := f.sk.MarshalText()
	v := &codesVectors{
		Comment:          "sandogh-v1 known-answer vectors of ballots with a codes contest: docs/spec.md §Ballots. The election is that of ballot-vectors.json with the contests board and council (ballot/codes_test.go); secretKey is the election's secret key, for checking the plaintexts.",
		Manifest:         e.Manifest(),
		ManifestEncoding: hex.EncodeToString(e.manifest.Encode()),
		ManifestHash:     hex.EncodeToString(mh[:]),
		SecretKey:        string(sk),
		BaseHash:         hex.EncodeToString(bh[:]),
	}
	vb := func(b *Ballot, vote Vote, seed []byte) codesVectorBallot {
		j, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out := codesVectorBallot{vectorBallot: vectorBallot{Vote: vote, NonceSeed: hex.EncodeToString(seed), Encoding: hex.EncodeToString(b.Bytes()), Code: b.ConfirmationCode(), ShortCode: b.ConfirmationCode().Short(), JSON: j}}
		n, _ := proof.NewNonces(seed)
		nc := ballotNonces(f.e, &b.header, n).Child("contest", 1)
		for k, ct := range b.Ciphertexts(1) {
			r := nc.Child("column", uint64(k)).Scalar("encryption", 0)
			if group.NewElement().ScalarBaseMult(r).Equal(&ct.A) != 1 {
				t.Fatalf("%s: column %d: A ≠ r·G for the published nonce", b.ID(), k)
			}
			out.Plaintexts = append(out.Plaintexts, hex.EncodeToString(f.sk.Decrypt(ct).Bytes()))
			out.Nonces = append(out.Nonces, hex.EncodeToString(r.Bytes()))
		}
		return out
	}
	seed := seedOf("kat codes credential ballot")
	vote := codeListVote(2, 11, 19, 23, 30)
	pb, err := EncryptBallot(e, Header{BallotID: "remote-0001", Credential: f.credentials[0].PublicKey()}, vote, seed)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pb.Cast(f.credentials[0].PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	v.CredentialBallot = vb(b, vote, seed)
	_, o, err := OpenDevice(e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	seed = seedOf("kat codes device ballot")
	vote = codeListVote(7)
	pb, err = EncryptBallot(e, Header{BallotID: "station-1/1", Device: "station-1", Sequence: 1, Previous: o.ConfirmationCode()}, vote, seed)
	if err != nil {
		t.Fatal(err)
	}
	b, err = pb.Challenge(f.deviceKeys["station-1"])
	if err != nil {
		t.Fatal(err)
	}
	v.DeviceBallot = vb(b, vote, seed)
	return v
}

// TestCodesVectors regenerates testdata/codes-vectors.json and compares it
// (-update rewrites it), then checks the stored ballots from their bytes
// alone: they verify, the credential ballot's plaintexts unpack to its
// codes and the challenged one opens to its vote.
func TestCodesVectors(t *testing.T) {
	got, err := json.MarshalIndent(makeCodesVectors(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(codesVectorsFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(codesVectorsFile)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCodesVectors -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("regenerated vectors differ from %s (run with -update if the change is intended)", codesVectorsFile)
	}
	var v codesVectors
	if err := json.Unmarshal(want, &v); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, codeListManifest())
	for _, vb := range []codesVectorBallot{v.CredentialBallot, v.DeviceBallot} {
		enc, _ := hex.DecodeString(vb.Encoding)
		b, err := ParseBallot(enc)
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyBallot(f.e, b); err != nil {
			t.Fatal(err)
		}
		var elems []*group.Element
		for _, p := range vb.Plaintexts {
			raw, _ := hex.DecodeString(p)
			el, err := group.NewElement().SetCanonicalBytes(raw)
			if err != nil {
				t.Fatal(err)
			}
			elems = append(elems, el)
		}
		codes, err := elgamal.UnpackCodes(elems, 5, 30)
		if err != nil {
			t.Fatal(err)
		}
		var wantCodes []uint32
		for c := range vb.Vote["council"] {
			wantCodes = append(wantCodes, c)
		}
		slices.Sort(wantCodes)
		if !slices.Equal(codes, wantCodes) {
			t.Errorf("plaintexts unpack to %v, want %v", codes, wantCodes)
		}
	}
}

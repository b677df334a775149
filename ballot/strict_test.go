package ballot

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// strictManifest is the test manifest with the inspectors contest (exactly
// 2 of 4) strict.
func strictManifest() *Manifest {
	m := testManifest()
	m.Contests[1].Strict = true
	return m
}

// TestStrictExactly: in a strict "exactly k" contest a voter marks exactly
// k candidates: a blank contest or fewer marks are refused before anything
// is encrypted, a ballot of k marks verifies with a 0..0 contest proof,
// and a ballot whose contest proof is the 0..1 of a contest that allows a
// blank is refused at the manifest step.
func TestStrictExactly(t *testing.T) {
	f := newFixture(t, strictManifest())
	v := testVote()
	b := f.credentialBallot(t, "strict", 0, v)
	if err := VerifyBallot(f.e, b); err != nil {
		t.Fatal(err)
	}
	if got := b.contests[1].sum.Range(); got != 0 {
		t.Fatalf("contest proof for 0..%d", got)
	}
	for _, marks := range []map[uint32]uint64{{}, {1: 1}, {1: 1, 2: 1, 3: 1}} {
		w := testVote()
		w["inspectors"] = marks
		c := f.credentials[0]
		_, err := EncryptBallot(f.e, Header{BallotID: "blank", Credential: c.PublicKey()}, w, seedOf("blank"))
		if err == nil || !strings.Contains(err.Error(), "takes exactly 2") && !strings.Contains(err.Error(), "overvote") {
			t.Fatalf("%d marks in a strict contest: %v", len(marks), err)
		}
	}
	// The same vote in the election where the contest allows a blank: its
	// contest proof is 0..1 on k⁻¹·S, which the strict election refuses.
	loose := newFixture(t, testManifest())
	lb := loose.credentialBallot(t, "strict", 0, v)
	mixed := *b
	mixed.contests = append([]encryptedContest(nil), b.contests...)
	mixed.contests[1].sum = lb.contests[1].sum
	r := f.e.checkShape(&mixed)
	if r == nil || r.Step != StepManifest || r.Contest != 1 || !strings.Contains(r.Reason, "0..0") {
		t.Fatalf("a 0..1 contest proof in a strict contest: %v", r)
	}
	var ref *Refusal
	if !errors.As(error(r), &ref) {
		t.Fatal("not a refusal")
	}
}

// TestStrictManifest: strict only for exactly contests; it appends one
// byte to the contest's parameter block, so a manifest without it keeps
// its bytes and its base hash.
func TestStrictManifest(t *testing.T) {
	m := testManifest()
	m.Contests[0].Strict = true // up-to
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "strict") {
		t.Fatalf("a strict up-to contest: %v", err)
	}
	plain, strict := testManifest().Encode(), strictManifest().Encode()
	if len(strict) != len(plain)+1 {
		t.Fatalf("strict adds %d bytes", len(strict)-len(plain))
	}
	if bytes.Equal(plain, strict) {
		t.Fatal("strict does not change the manifest's encoding")
	}
	j, err := json.Marshal(strictManifest())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(j, []byte(`"strict":true`)) {
		t.Fatalf("JSON %s", j)
	}
	back, err := ParseManifest(j)
	if err != nil || !back.Contests[1].Strict || back.Contests[0].Strict {
		t.Fatalf("JSON round trip: %v", err)
	}
}

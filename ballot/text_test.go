package ballot

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"
)

// TestNamesMayBeRightToLeft: titles and names may carry right-to-left text
// with the bidirectional marks and balanced isolates that mixed text needs
// (docs/spec.md, "Encoding primitives"); identifiers may hold Persian
// letters, which need no control.
func TestNamesMayBeRightToLeft(t *testing.T) {
	m := testManifest()
	m.Title = "انتخابات اتحادیه \u2066Guild 2025\u2069"
	m.Contests[1].ID = "بازرسان"
	m.Contests[1].Title = "بازرسان (\u2067دو نفر\u2069)"
	m.Contests[1].Candidates[0].Name = "علی\u200f Smith"
	m.Contests[1].Candidates[1].Name = "\u2067بابک\u2069 \u061c۱۲"
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestIdentifierRefusals: device and ballot identifiers with a control or
// bidirectional character are refused where they are made (NewElection,
// EncryptBallot) and where they are read (ParseBallot), so that a
// registered device cannot publish a ballot whose identifier reorders a
// verifier's output.
func TestIdentifierRefusals(t *testing.T) {
	f := newFixture(t, testManifest())
	for _, id := range []string{"station\n1", "station-1\u202e", "\u2066station\u2069", "station\x1b[2J"} {
		p := f.params()
		p.Devices = append(p.Devices, RegisteredDevice{ID: id, PublicKey: ed25519.NewKeyFromSeed(seedOf(id)).Public().(ed25519.PublicKey)})
		if _, err := NewElection(p); err == nil || !strings.Contains(err.Error(), "identifier") {
			t.Errorf("device %q: NewElection: %v", id, err)
		}
	}
	cred := f.credentials[0]
	for _, id := range []string{"ballot\n7", "ballot-7\u202e", "a\u200fb"} {
		if _, err := EncryptBallot(f.e, Header{BallotID: id, Credential: cred.PublicKey()}, testVote(), seedOf("x")); err == nil || !strings.Contains(err.Error(), "ballot identifier") {
			t.Errorf("ballot %q: EncryptBallot: %v", id, err)
		}
	}

	// A forger (or a registered device) writes the bytes itself: the
	// decoder refuses them, naming the field.
	// forge replaces the last occurrence of from (a device's identifier
	// is also the start of its ballots' identifiers).
	forge := func(t *testing.T, enc []byte, from, to string, field string) {
		t.Helper()
		if len(from) != len(to) {
			t.Fatal("the forgery must keep the length")
		}
		i := bytes.LastIndex(enc, []byte(from))
		if i < 0 {
			t.Fatalf("%q not in the encoding", from)
		}
		forged := bytes.Clone(enc)
		copy(forged[i:], to)
		_, err := ParseBallot(forged)
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("ParseBallot with %s %q: %v, want a refusal naming the field", field, to, err)
		} else {
			t.Log(err)
		}
	}
	b := f.credentialBallot(t, "abcdef", 0, testVote())
	forge(t, b.Bytes(), "abcdef", "ab\ncde", "ballot identifier")
	forge(t, b.Bytes(), "abcdef", "a\u202ede", "ballot identifier")
	d, _, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	pdb, err := d.EncryptBallot(testVote())
	if err != nil {
		t.Fatal(err)
	}
	db, _ := d.Cast(pdb)
	forge(t, db.Bytes(), "station-1", "station\n1", "device")
	forge(t, db.Bytes(), "station-1", "stati\u2067n", "device")
}

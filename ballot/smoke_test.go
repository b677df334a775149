package ballot

import "testing"

func TestSmoke(t *testing.T) {
	f := newFixture(t, testManifest())
	b := f.credentialBallot(t, "r-1", 0, testVote())
	if err := VerifyBallot(f.e, b); err != nil {
		t.Fatal(err)
	}
	b2, err := ParseBallot(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyBallot(f.e, b2); err != nil {
		t.Fatal(err)
	}
	t.Log(b.Code().Short(), len(b.Bytes()))
}

package election_test

import (
	"crypto/ed25519"
	"path/filepath"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/trustee"
)

// TestStrictExactlyRecord: an election whose "exactly 2" contest is strict
// (no blank contest) runs from the key ceremony to the results; its record
// verifies, and the totals are the ballots' marks.
func TestStrictExactlyRecord(t *testing.T) {
	w := &ruleWorld{seeds: testSeeds{tag: "sandogh strict test", seed: "strict"}, devKeys: map[string]ed25519.PrivateKey{}}
	w.m = &ballot.Manifest{ElectionID: "strict-exactly", Title: "Strict exactly", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{
		{ID: "inspectors", Kind: ballot.Exactly, Limit: 2, Seats: 2, Strict: true,
			Candidates: []ballot.Candidate{{Code: 1, Name: "Ana"}, {Code: 2, Name: "Babak"}, {Code: 3, Name: "Chen"}, {Code: 4, Name: "Dara"}}},
	}}
	w.ceremony, w.shares = runCeremony(t, w.seeds, w.m.ElectionID, 2, 2)
	var err error
	if w.keys, err = trustee.VerifyCeremony(w.ceremony); err != nil {
		t.Fatal(err)
	}
	pk, err := w.keys.ElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	key := w.seeds.stationKey("d1")
	w.e, err = ballot.NewElection(ballot.Parameters{Manifest: w.m, PublicKey: pk, VerificationKeys: w.keys.VerificationKeys, Threshold: w.keys.Threshold,
		Devices: []ballot.RegisteredDevice{{ID: "d1", PublicKey: key.Public().(ed25519.PublicKey)}}})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "record")
	wr, err := election.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wr.WriteCeremony(w.ceremony); err != nil {
		t.Fatal(err)
	}
	if err := wr.WriteElection(w.e, w.keys); err != nil {
		t.Fatal(err)
	}
	box, err := wr.OpenBox(w.e)
	if err != nil {
		t.Fatal(err)
	}
	d, o, err := ballot.OpenDevice(w.e, "d1", key, time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := box.AcceptOpening(o); err != nil {
		t.Fatal(err)
	}
	votes := []map[uint32]uint64{{1: 1, 2: 1}, {1: 1, 3: 1}, {2: 1, 4: 1}, {1: 1, 4: 1}}
	for i, marks := range votes {
		p, err := d.EncryptBallot(ballot.Vote{"inspectors": marks})
		if err != nil {
			t.Fatal(err)
		}
		var b *ballot.Ballot
		if i == 1 {
			b, err = d.Challenge(p)
		} else {
			b, err = d.Cast(p)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := box.AcceptBallot(b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.EncryptBallot(ballot.Vote{}); err == nil {
		t.Fatal("a blank ballot encrypted in a strict contest")
	}
	if err := box.Close(); err != nil {
		t.Fatal(err)
	}
	totals, rep := w.finishRecord(t, wr, dir)
	if !rep.Valid() {
		t.Fatalf("the record does not verify: %+v", rep.Findings)
	}
	got := totals.Contests[0].Selections
	want := []uint64{2, 2, 0, 2} // Ana, Babak, Chen, Dara (the challenged ballot {Ana, Chen} does not count)
	for j := range want {
		if got[j].Count != want[j] {
			t.Fatalf("totals %+v, want %v", got, want)
		}
	}
}

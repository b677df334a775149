package election_test

import (
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
)

// TestSampleRecord verifies the complete sample record in testdata/sample,
// a known-good record for independent verifiers. With -update it is made
// again (with new trustee keys: it is not reproducible byte for byte).
func TestSampleRecord(t *testing.T) {
	dir := filepath.Join("testdata", "sample")
	if *election.Update {
		cfg := guild.Config{Voters: 10, Challenged: 1, RemoteVoters: 2, Revotes: 1, Trustees: 3, Threshold: 2, Seed: "sample record", Out: dir}
		if _, err := guild.Run(cfg); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the sample record is invalid: %v", rep.Findings)
	}
	if rep.Ballots.Challenged != 1 || rep.Ballots.Counted != 12 || rep.Ballots.Cast != 13 {
		t.Errorf("ballots %+v, want 1 challenged, 13 cast, 12 counted", rep.Ballots)
	}
}

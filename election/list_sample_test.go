package election_test

import (
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/council/council"
)

// listSampleConfig is the election of the list sample record in
// testdata/list-sample: 12 voters choosing among 3 lists of 3 candidates
// under panachage (P = 3, ballots of candidates only allowed), 4 seats by
// D'Hondt with a 5% threshold, one challenged ballot, 3 trustees with
// threshold 2 (one absent at decryption).
func listSampleConfig(out string) council.Config {
	return council.Config{Voters: 12, Candidates: 9, Seats: 4, Lists: 3, Method: ballot.DHondt, ListRule: ballot.Panachage,
		Trustees: 3, Threshold: 2, Challenged: 1, Seed: "list sample record", Out: out}
}

// TestListSampleRecord verifies the list sample record in
// testdata/list-sample, a known-good record of a list contest for
// independent verifiers (its counts/0.json is the allocation), and checks
// that the seeded example makes it again byte for byte (-update rewrites
// it).
func TestListSampleRecord(t *testing.T) {
	rep := checkSampleRecord(t, "list-sample", func(out string) error {
		_, err := council.Run(listSampleConfig(out))
		return err
	})
	if rep.Ballots.Challenged != 1 || rep.Ballots.Counted != 12 {
		t.Errorf("ballots %+v", rep.Ballots)
	}
	if r := rep.Checks[election.CheckListAllocation-1]; r.Verdict != election.Passed || r.Items != 1 {
		t.Errorf("check 25: %+v", r)
	}
	r, _ := election.Open(filepath.Join("testdata", "list-sample"))
	a, err := r.ListAllocation(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Allocation) != 4 {
		t.Errorf("%d seats allocated, want 4", len(a.Allocation))
	}
}

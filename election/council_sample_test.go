package election_test

import (
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/council/council"
)

// councilSampleConfig is the election of the council sample record in
// testdata/council-sample: 12 voters, 20 candidates, up to 4 codes, 2 mix
// stages, 3 trustees with threshold 2 (one absent at decryption), no
// tie-break seed (so that its tie for a seat stays unbroken), and the
// stations of voters 3, 5, 7, 9 and 11 forging rows that are not valid ballots (forgedRows: a repeated
// code, codes out of order, too many codes, a non-canonical embedding
// counter, not a packing).
func councilSampleConfig(out string) council.Config {
	return council.Config{Voters: 12, Candidates: 20, Seats: 4, Mixers: 2, Trustees: 3, Threshold: 2, Challenged: 1,
		Seed: "council sample record", Out: out, Forge: forgeRow}
}

// TestCouncilSampleRecord verifies the council sample record in
// testdata/council-sample, a known-good record of the mixnet path for
// independent verifiers (stages, shares of the final rows, decoded rows,
// five invalid rows), and checks that the seeded example makes it again
// byte for byte (-update rewrites it).
func TestCouncilSampleRecord(t *testing.T) {
	rep := checkSampleRecord(t, "council-sample", func(out string) error {
		_, err := council.Run(councilSampleConfig(out))
		return err
	})
	if rep.Ballots.Challenged != 1 || rep.Ballots.Counted != 12 || len(rep.Cascades) != 1 || len(rep.Cascades[0].Stages) != 2 {
		t.Errorf("ballots %+v, cascades %+v", rep.Ballots, rep.Cascades)
	}
	r, _ := election.Open(filepath.Join("testdata", "council-sample"))
	res, err := r.Results()
	if err != nil {
		t.Fatal(err)
	}
	if res.Contests[0].Invalid != uint64(len(forgedRows)) {
		t.Errorf("%d invalid rows, want the %d forged ones", res.Contests[0].Invalid, len(forgedRows))
	}
}

package ballot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// TestTooFewMixers is the "too few mixers" attack of issue 10: a council
// election whose CodeList contest needs fewer accepted mix stages than the
// decryption threshold t lets fewer than t corrupt trustees, too few to
// decrypt anything, make every stage and link every decrypted row to its
// ballot. NewElection refuses it (and more stages than trustees), and the
// threshold is bound into the base hash.
func TestTooFewMixers(t *testing.T) {
	council := ballot.Contest{ID: "council", Kind: ballot.CodeList, Limit: 3, Seats: 3}
	for code := uint32(1); code <= 40; code++ {
		council.Candidates = append(council.Candidates, ballot.Candidate{Code: code, Name: fmt.Sprint("Candidate ", code)})
	}
	_, pk := elgamal.GenerateKey()
	var trustees []*group.Element
	for range 5 {
		k, _ := elgamal.GenerateKey()
		trustees = append(trustees, k.PublicKey().Element())
	}
	election := func(stages uint32, threshold int) (*ballot.Election, error) {
		c := council
		c.MixStages = stages
		m := &ballot.Manifest{ElectionID: "city", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{c}}
		return ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: trustees, Threshold: threshold})
	}
	for _, tc := range []struct {
		stages    uint32
		threshold int
		want      string
	}{
		{2, 3, `contest 0 ("council"): mixStages 2 is less than the threshold 3`},
		{1, 5, "mixStages 1 is less than the threshold 5"},
		{6, 3, "mixStages 6 exceeds the 5 trustees"},
		{3, 0, "threshold 0 is outside 1..5"},
		{3, 6, "threshold 6 is outside 1..5"},
	} {
		if _, err := election(tc.stages, tc.threshold); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d stages, threshold %d: got %v, want an error containing %q", tc.stages, tc.threshold, err, tc.want)
		}
	}
	seen := map[[ballot.HashSize]byte]int{}
	for threshold := 1; threshold <= 3; threshold++ {
		e, err := election(3, threshold)
		if err != nil {
			t.Fatalf("3 stages, threshold %d: %v", threshold, err)
		}
		if e.Threshold() != threshold {
			t.Errorf("Threshold() = %d, want %d", e.Threshold(), threshold)
		}
		if other, ok := seen[e.BaseHash()]; ok {
			t.Errorf("thresholds %d and %d give the same base hash", other, threshold)
		}
		seen[e.BaseHash()] = threshold
	}
}

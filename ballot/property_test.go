package ballot

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// randomVote returns a random valid vote for m: for each contest, blank or
// a random number of marks within the contest's rule.
func randomVote(rng *rand.Rand, m *Manifest) Vote {
	v := Vote{}
	for _, c := range m.Contests {
		if rng.IntN(4) == 0 {
			continue // blank contest
		}
		marks := map[uint32]uint64{}
		perm := rng.Perm(len(c.Candidates))
		switch c.Kind {
		case UpTo, YesNo:
			limit := int(c.Limit)
			if c.Kind == YesNo {
				limit = 1
			}
			for _, j := range perm[:rng.IntN(limit+1)] {
				marks[c.Candidates[j].Code] = 1
			}
		case Exactly:
			for _, j := range perm[:c.Limit] {
				marks[c.Candidates[j].Code] = 1
			}
		case Score:
			total := uint64(0)
			for _, j := range perm {
				s := uint64(rng.IntN(int(c.MaxScore) + 1))
				if c.Limit != 0 && total+s > uint64(c.Limit) {
					s = uint64(c.Limit) - total
				}
				total += s
				if s != 0 {
					marks[c.Candidates[j].Code] = s
				}
			}
		}
		if len(marks) > 0 {
			v[c.ID] = marks
		}
	}
	return v
}

// TestPropertyEncryptVerifyOpen: for random valid votes, the ballot
// verifies, its encodings round-trip, and challenging it opens the vote.
func TestPropertyEncryptVerifyOpen(t *testing.T) {
	f := newFixture(t, testManifest())
	rng := rand.New(rand.NewPCG(7, 11))
	n := 25
	if testing.Short() {
		n = 5
	}
	for i := range n {
		v := randomVote(rng, f.e.manifest)
		seed := make([]byte, 32)
		for k := range seed {
			seed[k] = byte(rng.Uint32())
		}
		h := Header{BallotID: fmt.Sprintf("prop-%d", i), Credential: f.credentials[i%3].PublicKey()}
		b, err := EncryptBallot(f.e, h, v, seed)
		if err != nil {
			t.Fatalf("vote %v: %v", v, err)
		}
		again, _ := EncryptBallot(f.e, h, v, seed)
		if again.Code() != b.Code() {
			t.Fatal("encryption is not a function of the election, header, vote and seed")
		}
		if err := b.Challenge(f.credentials[i%3].PrivateKey()); err != nil {
			t.Fatal(err)
		}
		parsed, err := ParseBallot(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		got, err := OpenChallenged(f.e, parsed)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 && len(v) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, v) {
			t.Fatalf("opened %v, want %v", got, v)
		}
		// The cast form of the same encryption verifies.
		if err := again.Cast(f.credentials[i%3].PrivateKey()); err != nil {
			t.Fatal(err)
		}
		if err := VerifyBallot(f.e, again); err != nil {
			t.Fatalf("vote %v: %v", v, err)
		}
	}
}

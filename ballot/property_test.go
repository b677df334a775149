package ballot

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
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
		case CodeList:
			for _, j := range perm[:rng.IntN(int(c.Limit)+1)] {
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
		pb, err := EncryptBallot(f.e, h, v, seed)
		if err != nil {
			t.Fatalf("vote %v: %v", v, err)
		}
		again, _ := EncryptBallot(f.e, h, v, seed)
		if again.ConfirmationCode() != pb.ConfirmationCode() {
			t.Fatal("encryption is not a function of the election, header, vote and seed")
		}
		b, err := pb.Challenge(f.credentials[i%3].PrivateKey())
		if err != nil {
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
		cast, err := again.Cast(f.credentials[i%3].PrivateKey())
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyBallot(f.e, cast); err != nil {
			t.Fatalf("vote %v: %v", v, err)
		}
	}
}

// TestPropertyCodeListRows: for random valid votes of an election with a
// board contest and two CodeList contests (one of width 1, one of width 3),
// the ballot verifies, challenging it opens the vote, and each row
// decrypts to the codes written, in ascending order.
func TestPropertyCodeListRows(t *testing.T) {
	m := codeListManifest()
	wide := Contest{ID: "wide", Kind: CodeList, Limit: 40, Seats: 40, MixStages: 2}
	for i := range 2000 {
		wide.Candidates = append(wide.Candidates, Candidate{Code: uint32(5000 + 3*i), Name: fmt.Sprint("x", i)})
	}
	m.Contests = append(m.Contests, wide)
	f := newFixture(t, m)
	if w := f.e.manifest.Contests[2].RowWidth(); w != 3 {
		t.Fatalf("width %d, want 3", w)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	n := 12
	if testing.Short() {
		n = 3
	}
	for i := range n {
		v := randomVote(rng, f.e.manifest)
		seed := make([]byte, 32)
		for k := range seed {
			seed[k] = byte(rng.Uint32())
		}
		h := Header{BallotID: fmt.Sprintf("prop-%d", i), Credential: f.credentials[i%3].PublicKey()}
		pb, err := EncryptBallot(f.e, h, v, seed)
		if err != nil {
			t.Fatalf("vote %v: %v", v, err)
		}
		for ci := 1; ci <= 2; ci++ {
			c := &f.e.manifest.Contests[ci]
			var elems []*group.Element
			for _, ct := range pb.b.Ciphertexts(ci) {
				elems = append(elems, f.sk.Decrypt(ct))
			}
			got, err := elgamal.UnpackCodes(elems, int(c.Limit), c.MaxCode())
			if err != nil {
				t.Fatal(err)
			}
			var want []uint32
			for code := range v[c.ID] {
				want = append(want, code)
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("contest %s: the row holds %v, want %v", c.ID, got, want)
			}
		}
		b, err := pb.Challenge(f.credentials[i%3].PrivateKey())
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyBallot(f.e, b); err != nil {
			t.Fatal(err)
		}
		got, err := OpenChallenged(f.e, b)
		if err != nil {
			t.Fatal(err)
		}
		if !equalVotes(got, normal(v)) {
			t.Fatalf("opened %v, want %v", got, v)
		}
	}
}

// normal drops empty contests from v, as an opening does.
func normal(v Vote) Vote {
	out := Vote{}
	for c, marks := range v {
		if len(marks) > 0 {
			out[c] = marks
		}
	}
	return out
}

package ranked

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type meekRef struct {
	name         string
	rounds       []meekRefRound
	seats, cands int
}

type meekRefRound struct {
	elected         []int
	excluded        int
	quota, residual Meek
	votes, kf       []Meek
}

func parseMeek(t *testing.T, s string) Meek {
	var m Meek
	if err := m.UnmarshalText([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return m
}

func readMeekReference(t *testing.T) []meekRef {
	b, err := os.ReadFile("testdata/meek/droop-reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	var refs []meekRef
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		switch f[0] {
		case "election":
			n, _ := strconv.Atoi(f[3])
			s, _ := strconv.Atoi(f[5])
			refs = append(refs, meekRef{name: f[1], cands: n, seats: s})
		case "round":
			r := meekRefRound{}
			if f[3] != "-" {
				for _, x := range strings.Split(f[3], ",") {
					i, _ := strconv.Atoi(x)
					r.elected = append(r.elected, i)
				}
			}
			r.excluded, _ = strconv.Atoi(f[5])
			ref := &refs[len(refs)-1]
			ref.rounds = append(ref.rounds, r)
		case "quota":
			r := &refs[len(refs)-1].rounds[len(refs[len(refs)-1].rounds)-1]
			r.quota, r.residual = parseMeek(t, f[1]), parseMeek(t, f[3])
		case "votes", "kf":
			r := &refs[len(refs)-1].rounds[len(refs[len(refs)-1].rounds)-1]
			for _, x := range f[1:] {
				if f[0] == "votes" {
					r.votes = append(r.votes, parseMeek(t, x))
				} else {
					r.kf = append(r.kf, parseMeek(t, x))
				}
			}
		default:
			t.Fatalf("reference line %q", line)
		}
	}
	return refs
}

// TestMeekDroop counts Droop's test elections (testdata/meek: a small tie
// case, the GPUS steering committee election of 2005, a 25-candidate
// election, and the example of Voting matters issue 12, "The
// computational accuracy using the Meek algorithm") and compares every
// round with Droop's reference counts under its rule "meek-prf" (PR
// Foundation Meek Reference STV, fixed point, nine decimals, omega
// 10^-6): the quota, the residual, each candidate's votes and keep
// factor, who was elected and who excluded. Droop breaks ties by
// candidate order; the test gives the count that order as its lot.
func TestMeekDroop(t *testing.T) {
	refs := readMeekReference(t)
	if len(refs) != 5 {
		t.Fatalf("%d reference elections", len(refs))
	}
	byIndex := func(c []int) { slices.Sort(c) }
	for _, ref := range refs {
		t.Run(ref.name, func(t *testing.T) {
			c, rows := readBLT(t, filepath.Join("testdata/meek", ref.name+".blt"))
			if c.Candidates != ref.cands || c.Seats != ref.seats {
				t.Fatalf("contest %+v", c)
			}
			p, err := groupRows(c, rows)
			if err != nil {
				t.Fatal(err)
			}
			// M135 holds two blank ballots ("1 0"), which Droop leaves
			// out of its rounds and this package counts as invalid rows
			// ("empty ranking"); no other row is invalid.
			for _, r := range rows {
				if err := ValidateRanking(c, r); err != nil && err.(*InvalidRankingError).Reason != ReasonEmpty {
					t.Fatalf("row %v: %v", r, err)
				}
			}
			got := countMeek(c, p, byIndex)
			compareMeek(t, got, ref, len(ref.rounds))
			if len(got.Rounds) != len(ref.rounds) || len(got.Elected) != c.Seats || got.Unresolved != nil {
				t.Fatalf("%d rounds (reference %d), elected %v, unresolved %v", len(got.Rounds), len(ref.rounds), got.Elected, got.Unresolved)
			}
			// Without a lot the count stops at the first tie, and the
			// rounds before it are the same.
			k, err := CountMeek(c, rows, nil)
			if err != nil {
				t.Fatal(err)
			}
			if k.Unresolved != nil {
				compareMeek(t, k, ref, len(k.Rounds)-1)
			} else {
				compareMeek(t, k, ref, len(ref.rounds))
			}
			// JSON form round trip.
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			var back MeekCount
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if b2, _ := json.Marshal(&back); !bytes.Equal(b, b2) {
				t.Fatal("JSON not stable")
			}
		})
	}
}

func compareMeek(t *testing.T, got *MeekCount, ref meekRef, rounds int) {
	t.Helper()
	if len(got.Rounds) < rounds {
		t.Fatalf("%d rounds, want at least %d", len(got.Rounds), rounds)
	}
	for i := range rounds {
		g, r := got.Rounds[i], ref.rounds[i]
		el := slices.Sorted(slices.Values(append(slices.Clone(g.Elected), g.LastVacancies...)))
		if !slices.Equal(el, r.elected) || g.Excluded != r.excluded {
			t.Fatalf("round %d: elected %v excluded %d, reference %v %d", i+1, el, g.Excluded, r.elected, r.excluded)
		}
		if g.Quota != r.quota || g.Residual != r.residual {
			t.Fatalf("round %d: quota %v residual %v, reference %v %v", i+1, g.Quota, g.Residual, r.quota, r.residual)
		}
		if !slices.Equal(g.Votes, r.votes) || !slices.Equal(g.KeepFactors, r.kf) {
			t.Fatalf("round %d:\nvotes %v\n  ref %v\nkf %v\n ref %v", i+1, g.Votes, r.votes, g.KeepFactors, r.kf)
		}
	}
}

// TestMeekProperties: random elections count with a lot, elect the
// seats, keep every quota above a seats+1 share of the votes, pass
// CheckMeek in any row order, and a tampered keep factor is named.
func TestMeekProperties(t *testing.T) {
	rng := newTestRand()
	lot := &Lot{Seed: []byte("meek"), Contest: 2}
	for trial := range 30 {
		n := 2 + rng.IntN(7)
		c := Contest{Candidates: n, MaxRanks: 1 + rng.IntN(n), Seats: 1 + rng.IntN(n-1)}
		rows := randomRows(rng, n, c.MaxRanks, 1+rng.IntN(200))
		k, err := CountMeek(c, rows, lot)
		if err != nil {
			t.Fatal(err)
		}
		if k.Unresolved != nil || len(k.Elected) != c.Seats {
			t.Fatalf("trial %d: elected %v, unresolved %v", trial, k.Elected, k.Unresolved)
		}
		for _, r := range k.Rounds {
			var sum Meek
			for _, v := range r.Votes {
				sum += v
			}
			if sum+r.Residual != Meek(k.Valid)*MeekUnit || r.Residual < 0 {
				t.Fatalf("trial %d round %d: votes %v + residual %v != %d", trial, r.Number, sum, r.Residual, k.Valid)
			}
			if r.Quota != sum/Meek(c.Seats+1)+1 {
				t.Fatalf("trial %d round %d: quota %v for votes %v", trial, r.Number, r.Quota, sum)
			}
			for _, kf := range r.KeepFactors {
				if kf < 0 || kf > MeekUnit {
					t.Fatalf("trial %d round %d: keep factor %v", trial, r.Number, kf)
				}
			}
		}
		shuffled := slices.Clone(rows)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if err := CheckMeek(c, shuffled, lot, k); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		b, _ := json.Marshal(k)
		var back MeekCount
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		back.Rounds[0].KeepFactors[n-1]--
		if err := CheckMeek(c, rows, lot, &back); err == nil || !strings.Contains(err.Error(), "round 1: field keepFactors["+strconv.Itoa(n-1)+"]") {
			t.Fatalf("trial %d: tampered: %v", trial, err)
		}
	}
}

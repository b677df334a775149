package tally

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
)

// testTotals returns totals for m with the given counts per contest
// (missing contests are all zero).
func testTotals(m *ballot.Manifest, counts map[string][]uint64) *Totals {
	t := &Totals{Ballots: 1000, Contests: make([]ContestTotals, len(m.Contests))}
	copy(t.BaseHash[:], seedOf("base hash"))
	copy(t.TallyHash[:], seedOf("tally hash"))
	for i, c := range m.Contests {
		ct := ContestTotals{ID: c.ID, Selections: make([]SelectionTotal, len(c.Candidates))}
		for j, cand := range c.Candidates {
			ct.Selections[j].Code = cand.Code
			if cs := counts[c.ID]; cs != nil {
				ct.Selections[j].Count = cs[j]
			}
		}
		t.Contests[i] = ct
	}
	return t
}

// board returns the board counts: candidate 101+j gets counts[j].
func board(counts ...uint64) map[string][]uint64 {
	if len(counts) != 15 {
		panic("15 counts")
	}
	return map[string][]uint64{"board": counts}
}

type seat struct {
	code    uint32
	outcome Outcome
}

// standingsOf returns the codes and outcomes of a contest's standings.
func standingsOf(c *ContestResult) []seat {
	var out []seat
	for _, s := range c.Standings {
		out = append(out, seat{s.Code, s.Outcome})
	}
	return out
}

func TestSeats(t *testing.T) {
	m := testManifest()
	M, A, N, T := Main, Alternate, NotElected, Tied
	cases := []struct {
		name   string
		counts []uint64
		want   []seat
		ties   []Tie
	}{{
		name:   "no ties",
		counts: []uint64{50, 90, 10, 80, 70, 60, 40, 30, 20, 100, 5, 4, 3, 2, 1},
		want: []seat{{110, M}, {102, M}, {104, M}, {105, M}, {106, M}, {101, M}, {107, M},
			{108, A}, {109, A}, {103, A}, {111, N}, {112, N}, {113, N}, {114, N}, {115, N}},
	}, {
		name:   "tie among main members decides nothing",
		counts: []uint64{90, 90, 80, 70, 60, 50, 40, 30, 20, 10, 5, 4, 3, 2, 1},
		want: []seat{{101, M}, {102, M}, {103, M}, {104, M}, {105, M}, {106, M}, {107, M},
			{108, A}, {109, A}, {110, A}, {111, N}, {112, N}, {113, N}, {114, N}, {115, N}},
	}, {
		name:   "tie among alternates and among those not elected decides nothing",
		counts: []uint64{90, 85, 80, 70, 60, 50, 40, 20, 20, 10, 5, 5, 5, 2, 1},
		want: []seat{{101, M}, {102, M}, {103, M}, {104, M}, {105, M}, {106, M}, {107, M},
			{108, A}, {109, A}, {110, A}, {111, N}, {112, N}, {113, N}, {114, N}, {115, N}},
	}, {
		name:   "tie at the main/alternate boundary",
		counts: []uint64{90, 85, 80, 70, 60, 40, 30, 40, 20, 10, 5, 4, 40, 2, 1},
		want: []seat{{101, M}, {102, M}, {103, M}, {104, M}, {105, M}, {106, T}, {108, T}, {113, T},
			{107, A}, {109, A}, {110, N}, {111, N}, {112, N}, {114, N}, {115, N}},
		ties: []Tie{{Count: 40, First: 6, Last: 8, Candidates: []uint32{106, 108, 113}, MainSeats: 2, AlternateSeats: 1}},
	}, {
		name:   "tie at the alternate/not-elected boundary",
		counts: []uint64{90, 85, 80, 70, 60, 50, 45, 30, 20, 12, 5, 12, 3, 2, 1},
		want: []seat{{101, M}, {102, M}, {103, M}, {104, M}, {105, M}, {106, M}, {107, M},
			{108, A}, {109, A}, {110, T}, {112, T}, {111, N}, {113, N}, {114, N}, {115, N}},
		ties: []Tie{{Count: 12, First: 10, Last: 11, Candidates: []uint32{110, 112}, MainSeats: 0, AlternateSeats: 1}},
	}, {
		name:   "one tie across both boundaries",
		counts: []uint64{90, 85, 80, 70, 60, 50, 7, 7, 7, 7, 7, 4, 3, 2, 1},
		want: []seat{{101, M}, {102, M}, {103, M}, {104, M}, {105, M}, {106, M}, {107, T},
			{108, T}, {109, T}, {110, T}, {111, T}, {112, N}, {113, N}, {114, N}, {115, N}},
		ties: []Tie{{Count: 7, First: 7, Last: 11, Candidates: []uint32{107, 108, 109, 110, 111}, MainSeats: 1, AlternateSeats: 3}},
	}, {
		name:   "two ties",
		counts: []uint64{90, 85, 80, 70, 60, 50, 30, 30, 20, 10, 10, 5, 4, 2, 1},
		want: []seat{{101, M}, {102, M}, {103, M}, {104, M}, {105, M}, {106, M}, {107, T},
			{108, T}, {109, A}, {110, T}, {111, T}, {112, N}, {113, N}, {114, N}, {115, N}},
		ties: []Tie{
			{Count: 30, First: 7, Last: 8, Candidates: []uint32{107, 108}, MainSeats: 1, AlternateSeats: 1},
			{Count: 10, First: 10, Last: 11, Candidates: []uint32{110, 111}, MainSeats: 0, AlternateSeats: 1},
		},
	}, {
		name:   "nobody voted",
		counts: make([]uint64, 15),
		want: []seat{{101, T}, {102, T}, {103, T}, {104, T}, {105, T}, {106, T}, {107, T},
			{108, T}, {109, T}, {110, T}, {111, T}, {112, T}, {113, T}, {114, T}, {115, T}},
		ties: []Tie{{Count: 0, First: 1, Last: 15, Candidates: []uint32{101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115}, MainSeats: 7, AlternateSeats: 3}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			totals := testTotals(m, board(tc.counts...))
			r, err := NewResults(m, totals)
			if err != nil {
				t.Fatal(err)
			}
			c := &r.Contests[0]
			if got := standingsOf(c); !slices.Equal(got, tc.want) {
				t.Errorf("standings\n got %v\nwant %v", got, tc.want)
			}
			if tc.ties == nil {
				tc.ties = []Tie{}
			}
			if !reflect.DeepEqual(c.Ties, tc.ties) {
				t.Errorf("ties\n got %+v\nwant %+v", c.Ties, tc.ties)
			}
			for p, s := range c.Standings {
				if s.Position != p+1 || s.Count != tc.counts[s.Code-101] || s.Name != fmt.Sprintf("Candidate %d", s.Code) {
					t.Errorf("standing %d: %+v", p, s)
				}
			}
			if err := CheckResults(m, totals, r); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestSeatsWithoutAlternates(t *testing.T) {
	m := testManifest()
	m.Contests[0].Alternates = 0
	r, err := NewResults(m, testTotals(m, board(90, 85, 80, 70, 60, 50, 9, 9, 5, 3, 3, 4, 3, 2, 1)))
	if err != nil {
		t.Fatal(err)
	}
	want := []Tie{{Count: 9, First: 7, Last: 8, Candidates: []uint32{107, 108}, MainSeats: 1, AlternateSeats: 0}}
	if c := &r.Contests[0]; !reflect.DeepEqual(c.Ties, want) || c.Standings[8].Outcome != NotElected || c.Standings[6].Outcome != Tied {
		t.Errorf("got %+v, ties %+v", standingsOf(c), c.Ties)
	}
	// When every candidate is elected, a tie at the end decides nothing.
	m.Contests[0].Seats, m.Contests[0].Alternates = 10, 5
	r, err = NewResults(m, testTotals(m, board(90, 85, 80, 70, 60, 50, 9, 9, 20, 3, 3, 4, 3, 1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if c := &r.Contests[0]; len(c.Ties) != 0 || c.Standings[14].Outcome != Alternate {
		t.Errorf("got %+v, ties %+v", standingsOf(c), c.Ties)
	}
}

// TestOtherContests checks that contests without seats are ordered by
// count, without outcomes or ties.
func TestOtherContests(t *testing.T) {
	m := testManifest()
	totals := testTotals(m, map[string][]uint64{
		"inspectors": {30, 50, 50, 10},
		"budget":     {40, 60},
		"projects":   {200, 350, 200},
	})
	r, err := NewResults(m, totals)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]uint32{"inspectors": {2, 3, 1, 4}, "budget": {2, 1}, "projects": {11, 10, 12}}
	for _, c := range r.Contests[1:] {
		var codes []uint32
		for _, s := range c.Standings {
			codes = append(codes, s.Code)
			if s.Outcome != "" {
				t.Errorf("%s: candidate %d has outcome %q", c.ID, s.Code, s.Outcome)
			}
		}
		if !slices.Equal(codes, want[c.ID]) || len(c.Ties) != 0 {
			t.Errorf("%s: order %v, ties %v; want %v", c.ID, codes, c.Ties, want[c.ID])
		}
	}
	if s := r.Contests[3].Standings[0]; s.Count != 350 || s.Name != "Garden" {
		t.Errorf("score contest: %+v", s)
	}
}

// seeded returns a copy of m with the tie-break seed seed.
func seeded(m *ballot.Manifest, seed []byte) *ballot.Manifest {
	c := *m
	c.TieBreakSeed = seed
	return &c
}

// TestTieBreakSeed checks that the manifest's seed breaks ties
// reproducibly, by the tie-break keys, that it changes the order when it
// changes, and that the results do not repeat it.
func TestTieBreakSeed(t *testing.T) {
	m := testManifest()
	totals := testTotals(m, board(90, 85, 80, 70, 60, 40, 30, 40, 20, 10, 5, 4, 40, 2, 1))
	orders := map[string]bool{}
	for k := range 24 {
		seed := []byte(fmt.Sprintf("lottery draw %d", k))
		r1, err := NewResults(seeded(m, seed), totals)
		if err != nil {
			t.Fatal(err)
		}
		r2, _ := NewResults(seeded(m, slices.Clone(seed)), totals)
		if !reflect.DeepEqual(r1, r2) {
			t.Fatal("the same seed gave different results")
		}
		if j, _ := json.Marshal(r1); bytes.Contains(j, []byte("tieBreakSeed")) {
			t.Fatal("the results repeat the manifest's seed")
		}
		c := &r1.Contests[0]
		if len(c.Ties) != 1 || !c.Ties[0].Broken || c.Ties[0].First != 6 || c.Ties[0].Last != 8 {
			t.Fatalf("ties %+v", c.Ties)
		}
		tied := c.Ties[0].Candidates
		// The tied candidates are ordered by their keys.
		keys := make([][64]byte, 3)
		for i, code := range tied {
			keys[i] = tieBreakKey(totals.BaseHash, seed, 0, code)
		}
		if bytes.Compare(keys[0][:], keys[1][:]) >= 0 || bytes.Compare(keys[1][:], keys[2][:]) >= 0 {
			t.Fatalf("seed %q: tied candidates %v not in key order", seed, tied)
		}
		// Outcomes follow positions.
		got := standingsOf(c)[5:8]
		want := []seat{{tied[0], Main}, {tied[1], Main}, {tied[2], Alternate}}
		if !slices.Equal(got, want) {
			t.Fatalf("seed %q: %v, want %v", seed, got, want)
		}
		if err := CheckResults(seeded(m, seed), totals, r1); err != nil {
			t.Fatal(err)
		}
		orders[fmt.Sprint(tied)] = true
	}
	// 3 candidates have 6 orders; 24 seeds should show most of them.
	if len(orders) < 4 {
		t.Errorf("24 seeds gave only %d orders of 3 tied candidates: %v", len(orders), orders)
	}
	// The key depends on every input.
	base := tieBreakKey(totals.BaseHash, []byte("s"), 0, 101)
	other := totals.BaseHash
	other[31] ^= 1
	for name, k := range map[string][64]byte{
		"seed":      tieBreakKey(totals.BaseHash, []byte("t"), 0, 101),
		"contest":   tieBreakKey(totals.BaseHash, []byte("s"), 1, 101),
		"code":      tieBreakKey(totals.BaseHash, []byte("s"), 0, 102),
		"base hash": tieBreakKey(other, []byte("s"), 0, 101),
	} {
		if k == base {
			t.Errorf("the tie-break key does not depend on the %s", name)
		}
	}
	if _, err := NewResults(seeded(m, make([]byte, ballot.MaxTieBreakSeedSize+1)), totals); err == nil {
		t.Error("a seed of 65 bytes accepted")
	}
	// An empty seed is no seed.
	none, _ := NewResults(m, totals)
	if empty, err := NewResults(seeded(m, []byte{}), totals); err != nil || !reflect.DeepEqual(empty, none) || none.Contests[0].Ties[0].Broken {
		t.Errorf("an empty seed is not the absence of a seed: %v", err)
	}
}

// TestTieBreakGrinding is the grinding attack of issue 10 at the level of
// this package: whoever computes the results tries seeds until the
// preferred order of a tie comes out. The seed is the manifest's, so
// results made with any other seed are refused by CheckResults.
func TestTieBreakGrinding(t *testing.T) {
	m := seeded(testManifest(), []byte("drawn before the polls opened"))
	totals := testTotals(m, board(90, 85, 80, 70, 60, 40, 30, 40, 20, 10, 5, 4, 40, 2, 1))
	honest, err := NewResults(m, totals)
	if err != nil {
		t.Fatal(err)
	}
	tries := 0
	for k := 0; tries < 5; k++ {
		ground, err := NewResults(seeded(m, []byte(fmt.Sprint("ground ", k))), totals)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(ground.Contests[0].Ties[0].Candidates, honest.Contests[0].Ties[0].Candidates) {
			continue // the same order: nothing to catch
		}
		tries++
		err = CheckResults(m, totals, ground)
		var re *ResultsError
		if !errors.As(err, &re) || re.Contest != 0 || !strings.Contains(err.Error(), "contest 0 (board): position ") {
			t.Errorf("results ground with seed %d: got %v, want a disagreement about a position of contest 0", k, err)
		}
	}
}

func TestNewResultsShape(t *testing.T) {
	m := testManifest()
	for name, mod := range map[string]func(*Totals){
		"contest missing":   func(t *Totals) { t.Contests = t.Contests[:3] },
		"contest id":        func(t *Totals) { t.Contests[1].ID = "auditors" },
		"candidate missing": func(t *Totals) { t.Contests[0].Selections = t.Contests[0].Selections[1:] },
		"candidate code":    func(t *Totals) { t.Contests[2].Selections[1].Code = 3 },
	} {
		totals := testTotals(m, nil)
		mod(totals)
		if _, err := NewResults(m, totals); err == nil || !strings.HasPrefix(err.Error(), "tally: totals: ") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// TestCheckResultsRejects checks that every single change to correct
// results is rejected with an error that names the contest and the
// candidate or field concerned.
func TestCheckResultsRejects(t *testing.T) {
	m := testManifest()
	totals := testTotals(m, map[string][]uint64{
		"board":    {90, 85, 80, 70, 60, 40, 30, 40, 20, 10, 5, 4, 40, 2, 1},
		"budget":   {40, 60},
		"projects": {200, 350, 100},
	})
	for _, seed := range [][]byte{nil, []byte("public lottery 2025-03-02")} {
		m := seeded(m, seed)
		good, err := NewResults(m, totals)
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			mod  func(r *Results)
			want string
		}{
			{"election id", func(r *Results) { r.ElectionID = "guild-2024" }, "election identifier"},
			{"base hash", func(r *Results) { r.BaseHash[0] ^= 1 }, "base hash"},
			{"tally hash", func(r *Results) { r.TallyHash[5] ^= 1 }, "tally hash"},
			{"ballots", func(r *Results) { r.Ballots++ }, "1001 ballots, but 1000"},
			{"contest dropped", func(r *Results) { r.Contests = r.Contests[:3] }, "3 contests"},
			{"contest id", func(r *Results) { r.Contests[1].ID = "x" }, "contest 1: identifier"},
			{"kind", func(r *Results) { r.Contests[0].Kind = ballot.Exactly }, "contest 0 (board): kind"},
			{"seats", func(r *Results) { r.Contests[0].Seats = 8 }, "contest 0 (board): 8 seats"},
			{"alternates", func(r *Results) { r.Contests[0].Alternates = 2 }, "contest 0 (board): 2 alternates"},
			{"count", func(r *Results) { r.Contests[0].Standings[2].Count++ }, "contest 0 (board): candidate 103: published count 81, but the decrypted total is 80"},
			{"score count", func(r *Results) { r.Contests[3].Standings[0].Count = 351 }, "contest 3 (projects): candidate 11: published count 351"},
			{"unknown candidate", func(r *Results) { r.Contests[2].Standings[1].Code = 7 }, "contest 2 (budget): candidate 7 is not a candidate"},
			{"candidate twice", func(r *Results) { r.Contests[2].Standings[1] = r.Contests[2].Standings[0] }, "contest 2 (budget): candidate 2 is listed twice"},
			{"candidate dropped", func(r *Results) { r.Contests[1].Standings = r.Contests[1].Standings[:3] }, "contest 1 (inspectors): candidate"},
			{"order", func(r *Results) {
				s := r.Contests[0].Standings
				s[0], s[1] = s[1], s[0]
			}, "contest 0 (board): position 1: candidate 102, but by the totals it is candidate 101"},
			{"position", func(r *Results) { r.Contests[0].Standings[3].Position = 3 }, "contest 0 (board): candidate 104: position 3"},
			{"name", func(r *Results) { r.Contests[0].Standings[0].Name = "Someone" }, "contest 0 (board): candidate 101: name"},
			{"outcome", func(r *Results) { r.Contests[0].Standings[9].Outcome = Main }, "contest 0 (board): candidate 109: outcome"},
			{"outcome in a contest without seats", func(r *Results) { r.Contests[2].Standings[0].Outcome = Main }, "contest 2 (budget): candidate 2: outcome"},
			{"tie dropped", func(r *Results) { r.Contests[0].Ties = nil }, "contest 0 (board): 0 ties reported, but the totals give 1"},
			{"tie seats", func(r *Results) { r.Contests[0].Ties[0].MainSeats = 3 }, "contest 0 (board): tie 0"},
			{"tie broken", func(r *Results) { r.Contests[0].Ties[0].Broken = !r.Contests[0].Ties[0].Broken }, "contest 0 (board): tie 0"},
			{"tie candidates", func(r *Results) {
				c := r.Contests[0].Ties[0].Candidates
				c[0], c[1] = c[1], c[0]
			}, "contest 0 (board): tie 0"},
		}
		for _, tc := range cases {
			r := cloneResults(t, good)
			tc.mod(r)
			err := CheckResults(m, totals, r)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "tally: ") {
				t.Errorf("seed %q: %s: got %v, want an error containing %q", seed, tc.name, err, tc.want)
			}
		}
		if err := CheckResults(m, totals, cloneResults(t, good)); err != nil {
			t.Fatalf("seed %q: a copy of good results: %v", seed, err)
		}
	}
}

// cloneResults returns a deep copy of r through its JSON form.
func cloneResults(t testing.TB, r *Results) *Results {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	out := new(Results)
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestResultsProperties checks the ordering and seat rules on random
// contests with many ties, with and without a seed, against a direct
// statement of the rules.
func TestResultsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 43))
	for iter := range 300 {
		n := 1 + rng.IntN(20)
		c := ballot.Contest{ID: "c", Title: "C", Kind: ballot.UpTo, Limit: uint32(1 + rng.IntN(n))}
		if rng.IntN(4) > 0 {
			c.Seats = uint32(1 + rng.IntN(n))
			c.Alternates = uint32(rng.IntN(n - int(c.Seats) + 1))
		} else {
			c.Kind = ballot.Exactly // an up-to contest has seats; an exactly one may have none
		}
		for j := range n {
			c.Candidates = append(c.Candidates, ballot.Candidate{Code: uint32(1000 - 7*j), Name: fmt.Sprint("N", j)})
		}
		m := &ballot.Manifest{ElectionID: "e", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{c}}
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		counts := make([]uint64, n)
		for j := range counts {
			counts[j] = uint64(rng.IntN(4))
		}
		totals := testTotals(m, map[string][]uint64{"c": counts})
		var seed []byte
		if iter%2 == 1 {
			seed = []byte{byte(iter), byte(iter >> 8)}
		}
		r, err := NewResults(seeded(m, seed), totals)
		if err != nil {
			t.Fatal(err)
		}
		cr := &r.Contests[0]
		index := map[uint32]int{}
		for j, cand := range c.Candidates {
			index[cand.Code] = j
		}
		seen := map[uint32]bool{}
		k, a := int(c.Seats), int(c.Alternates)
		for p, s := range cr.Standings {
			j := index[s.Code]
			if seen[s.Code] || s.Count != counts[j] || s.Position != p+1 {
				t.Fatalf("iter %d: standing %d: %+v", iter, p, s)
			}
			seen[s.Code] = true
			if p == 0 {
				continue
			}
			prev := cr.Standings[p-1]
			switch {
			case prev.Count < s.Count:
				t.Fatalf("iter %d: counts not descending at %d", iter, p)
			case prev.Count == s.Count && seed == nil && index[prev.Code] > j:
				t.Fatalf("iter %d: equal counts not in ballot order at %d", iter, p)
			case prev.Count == s.Count && seed != nil:
				k1, k2 := tieBreakKey(totals.BaseHash, seed, 0, prev.Code), tieBreakKey(totals.BaseHash, seed, 0, s.Code)
				if bytes.Compare(k1[:], k2[:]) > 0 {
					t.Fatalf("iter %d: equal counts not in key order at %d", iter, p)
				}
			}
		}
		// Ties: exactly the groups of equal counts with members on both
		// sides of position k or k+a.
		var wantTies []Tie
		inTie := map[int]bool{}
		for f := 0; f < n; {
			l := f
			for l+1 < n && cr.Standings[l+1].Count == cr.Standings[f].Count {
				l++
			}
			if k > 0 && ((f < k && l >= k) || (f < k+a && l >= k+a)) {
				tie := Tie{Count: cr.Standings[f].Count, First: f + 1, Last: l + 1, Broken: seed != nil}
				for p := f; p <= l; p++ {
					tie.Candidates = append(tie.Candidates, cr.Standings[p].Code)
					inTie[p] = true
					if p < k {
						tie.MainSeats++
					} else if p < k+a {
						tie.AlternateSeats++
					}
				}
				wantTies = append(wantTies, tie)
			}
			f = l + 1
		}
		if wantTies == nil {
			wantTies = []Tie{}
		}
		if !reflect.DeepEqual(cr.Ties, wantTies) {
			t.Fatalf("iter %d: ties %+v, want %+v", iter, cr.Ties, wantTies)
		}
		for p, s := range cr.Standings {
			var want Outcome
			switch {
			case k == 0:
			case inTie[p] && seed == nil:
				want = Tied
			case p < k:
				want = Main
			case p < k+a:
				want = Alternate
			default:
				want = NotElected
			}
			if s.Outcome != want {
				t.Fatalf("iter %d: position %d: outcome %q, want %q", iter, p+1, s.Outcome, want)
			}
		}
		if err := CheckResults(seeded(m, seed), totals, r); err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		if back := cloneResults(t, r); !reflect.DeepEqual(back, r) {
			t.Fatalf("iter %d: JSON round trip changed the results:\n%+v\n%+v", iter, back, r)
		}
	}
}

func TestResultsJSON(t *testing.T) {
	m := testManifest()
	totals := testTotals(m, board(90, 85, 80, 70, 60, 40, 30, 40, 20, 10, 5, 4, 40, 2, 1))
	r, err := NewResults(seeded(m, []byte("drawn in public")), totals)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "tieBreakSeed") {
		t.Error("the results repeat the manifest's seed")
	}
	if !strings.Contains(string(data), `"ties":[]`) || !strings.Contains(string(data), `{"position":1,"code":101,"name":"Candidate 101","count":90,"outcome":"main"}`) {
		t.Errorf("unexpected JSON form: %s", data)
	}
	bh := fmt.Sprintf("%x", sha256.Sum256(nil))
	for name, bad := range map[string]string{
		"unknown member":  strings.Replace(string(data), `"ballots"`, `"voters":1,"ballots"`, 1),
		"trailing data":   string(data) + "{}",
		"uppercase hash":  strings.Replace(string(data), fmt.Sprintf("%x", r.BaseHash), strings.ToUpper(fmt.Sprintf("%x", r.BaseHash)), 1),
		"short hash":      strings.Replace(string(data), fmt.Sprintf("%x", r.TallyHash), bh[:62], 1),
		"a seed":          strings.Replace(string(data), `"ballots"`, `"tieBreakSeed":"00","ballots"`, 1),
		"unknown outcome": strings.Replace(string(data), `"outcome":"main"`, `"outcome":"president"`, 1),
		"unknown kind":    strings.Replace(string(data), `"kind":"up-to"`, `"kind":"ranked"`, 1),
		"negative count":  strings.Replace(string(data), `"count":90`, `"count":-90`, 1),
	} {
		var out Results
		if err := out.UnmarshalJSON([]byte(bad)); err == nil || !strings.HasPrefix(err.Error(), "tally: results") {
			t.Errorf("%s: got %v", name, err)
		} else if out.Contests != nil {
			t.Errorf("%s: receiver changed on error", name)
		}
	}
}

package tally

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/tally/apportion"
)

// listManifest is a council of 4 seats from three lists of three
// candidates (list codes 1..3, candidates 11..13, 21..23, 31..33), two
// preferences, D'Hondt, under rule.
func listManifest(rule ballot.ListRule) *ballot.Manifest {
	c := ballot.Contest{ID: "council", Title: "City council", Kind: ballot.ProportionalList, Seats: 4, Alternates: 1,
		ListRule: rule, Preferences: 2, CandidatesOnly: true, Method: ballot.DHondt}
	for l := uint32(1); l <= 3; l++ {
		pl := ballot.PartyList{Code: l, Name: fmt.Sprintf("List %d", l)}
		for k := uint32(1); k <= 3; k++ {
			code := 10*l + k
			c.Candidates = append(c.Candidates, ballot.Candidate{Code: code, Name: fmt.Sprintf("Candidate %d", code)})
			pl.Candidates = append(pl.Candidates, code)
		}
		c.Lists = append(c.Lists, pl)
	}
	return &ballot.Manifest{ElectionID: "city-" + string(rule), Title: "City elections", Policy: ballot.OneBallotPerCredential,
		TieBreakSeed: ballot.TieBreakSeed("city tie-break draw"), Contests: []ballot.Contest{c}}
}

// TestListCount casts list ballots, tallies and decrypts them, and checks
// the list votes and preference votes against the rule applied by hand to
// the marks, and the allocation against apportion.Allocate of those votes.
func TestListCount(t *testing.T) {
	for _, tc := range []struct {
		rule  ballot.ListRule
		votes []map[uint32]uint64
		lists []uint64 // list votes by hand
		pref  map[uint32]uint64
		seats []int
	}{
		// Open: a ballot is one vote for its list.
		{ballot.OpenList, []map[uint32]uint64{
			{1: 1, 11: 1, 12: 1}, {1: 1, 12: 1}, {1: 1}, {13: 1}, {2: 1, 21: 1}, {2: 1, 23: 1}, {3: 1}, {},
		}, []uint64{4, 2, 1}, map[uint32]uint64{11: 1, 12: 2, 13: 1, 21: 1, 23: 1}, []int{3, 1, 0}},
		// Panachage: each mark is a vote for its list, and the unused
		// lines of a ballot that designates a list are votes for it.
		{ballot.Panachage, []map[uint32]uint64{
			{1: 1, 11: 1, 21: 1}, // list 1: 1 (no line unused); list 2: 1
			{1: 1},               // list 1: 2 unused lines
			{2: 1, 31: 1},        // list 2: 1 unused line; list 3: 1
			{22: 1, 32: 1},       // no list: list 2: 1, list 3: 1; unused lines count for nobody
			{3: 1, 31: 1, 33: 1}, // list 3: 2
			{},                   // blank
		}, []uint64{3, 3, 4}, map[uint32]uint64{11: 1, 21: 1, 31: 2, 22: 1, 32: 1, 33: 1}, []int{1, 1, 2}},
	} {
		t.Run(string(tc.rule), func(t *testing.T) {
			m := listManifest(tc.rule)
			f := newFixture(t, m, 3, 2)
			var bs []*ballot.Ballot
			for _, v := range tc.votes {
				bs = append(bs, f.ballot(t, ballot.Vote{"council": v}, false))
			}
			enc, err := Aggregate(f.e, func() (*ballot.Ballot, error) {
				if len(bs) == 0 {
					return nil, io.EOF
				}
				b := bs[0]
				bs = bs[1:]
				return b, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			totals, _, err := Decrypt(f.e, f.keys.result, enc, f.shareLists(t, enc, 1, 3))
			if err != nil {
				t.Fatal(err)
			}
			in, err := ListInput(m, 0, totals)
			if err != nil {
				t.Fatal(err)
			}
			for l, al := range in.Lists {
				if al.Votes != tc.lists[l] {
					t.Errorf("list %d: %d votes, want %d", al.Code, al.Votes, tc.lists[l])
				}
				for _, cd := range al.Candidates {
					if cd.Votes != tc.pref[cd.Code] {
						t.Errorf("candidate %d: %d preference votes, want %d", cd.Code, cd.Votes, tc.pref[cd.Code])
					}
				}
			}
			a, err := AllocateList(m, 0, totals)
			if err != nil {
				t.Fatal(err)
			}
			var seats []int
			for _, l := range a.Lists {
				seats = append(seats, l.Seats)
			}
			if !slices.Equal(seats, tc.seats) {
				t.Fatalf("seats %v, want %v", seats, tc.seats)
			}
			if err := apportion.Check(in, a); err != nil {
				t.Fatal(err)
			}
			r, err := NewResults(m, totals)
			if err != nil {
				t.Fatal(err)
			}
			main := 0
			for _, s := range r.Contests[0].Standings {
				if s.Outcome == Main {
					main++
				}
				if s.Count != tc.pref[s.Code] {
					t.Errorf("standing of %d: count %d, want %d", s.Code, s.Count, tc.pref[s.Code])
				}
			}
			if main != int(m.Contests[0].Seats) {
				t.Fatalf("%d main members, want %d", main, m.Contests[0].Seats)
			}
			j, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var back Results
			if err := json.Unmarshal(j, &back); err != nil {
				t.Fatal(err)
			}
			if err := CheckResults(m, totals, &back); err != nil {
				t.Fatal(err)
			}
			// A seat moved to another candidate of the list is found.
			st := back.Contests[0].Standings
			for k := range st {
				if st[k].Outcome == Main && k+1 < len(st) && st[k+1].Outcome != Main {
					st[k].Outcome, st[k+1].Outcome = st[k+1].Outcome, st[k].Outcome
					break
				}
			}
			if err := CheckResults(m, totals, &back); err == nil {
				t.Fatal("a moved seat passes CheckResults")
			}
		})
	}
}

// TestListMethodsAreApportion: the method names a manifest may use are
// apportion's.
func TestListMethodsAreApportion(t *testing.T) {
	var names []ballot.CountingMethod
	for _, m := range apportion.Methods {
		names = append(names, ballot.CountingMethod(m))
	}
	if !slices.Equal(names, ballot.ListMethods) {
		t.Fatalf("ballot.ListMethods %v, apportion.Methods %v", ballot.ListMethods, names)
	}
}

// TestWeightedListCount: in a weighted election a list contest's list
// votes and preference votes are weighted (each ballot counts its
// credential's weight), and the standings carry the unweighted preference
// votes too.
func TestWeightedListCount(t *testing.T) {
	m := listManifest(ballot.OpenList)
	m.ElectionID, m.MaxWeight = "coop-lists", 100
	cer := runCeremony(t, m.ElectionID, 3, 2)
	pk, err := cer.result.ElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	weights := []uint32{1, 2, 5, 10}
	var creds []*ballot.Credential
	var keys []ed25519.PublicKey
	for k := range weights {
		c, err := ballot.NewCredential(seedOf(fmt.Sprintf("list voter %d", k)))
		if err != nil {
			t.Fatal(err)
		}
		creds, keys = append(creds, c), append(keys, c.PublicKey())
	}
	list, err := ballot.NewWeightedCredentialList(keys, weights)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: cer.result.VerificationKeys, Threshold: cer.result.Threshold, Credentials: list})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{e: e, keys: cer}
	votes := []map[uint32]uint64{{1: 1, 11: 1}, {2: 1, 21: 1, 22: 1}, {1: 1, 12: 1}, {2: 1, 21: 1}}
	a := NewAggregator(e)
	for k, v := range votes {
		p, err := ballot.EncryptBallot(e, ballot.Header{BallotID: fmt.Sprintf("w%d", k), Credential: creds[k].PublicKey()}, ballot.Vote{"council": v}, seedOf(fmt.Sprintf("w%d", k)))
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.Cast(creds[k].PrivateKey())
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Add(b); err != nil {
			t.Fatal(err)
		}
	}
	et := a.Tally()
	totals, _, err := Decrypt(e, cer.result, et, f.shareLists(t, et, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	in, err := ListInput(m, 0, totals)
	if err != nil {
		t.Fatal(err)
	}
	// List 1: weights 1 + 5; list 2: 2 + 10; candidate 21: 2 + 10 (2 ballots).
	if in.Lists[0].Votes != 6 || in.Lists[1].Votes != 12 || in.Lists[1].Candidates[0].Votes != 12 {
		t.Fatalf("weighted list votes %d, %d, candidate 21 %d", in.Lists[0].Votes, in.Lists[1].Votes, in.Lists[1].Candidates[0].Votes)
	}
	r, err := NewResults(m, totals)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Contests[0].Standings {
		if s.Code == 21 && (s.Count != 12 || s.Unweighted != 2) {
			t.Fatalf("candidate 21: count %d, unweighted %d", s.Count, s.Unweighted)
		}
	}
	j, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Results
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if err := CheckResults(m, totals, &back); err != nil {
		t.Fatal(err)
	}
}

// TestListResultsTie: three lists tied for the last two seats without a tie-break
// seed: the seat stays undecided, and the first candidate not elected of
// each tied list is tied in the results; with the manifest's seed the
// seat goes to one of them and nobody is tied.
func TestListResultsTie(t *testing.T) {
	for _, seeded := range []bool{false, true} {
		m := listManifest(ballot.OpenList)
		m.Contests[0].Seats = 3
		if !seeded {
			m.TieBreakSeed = nil
		}
		// Lists 1, 2, 3 with 20, 10 and 10 list votes: D'Hondt gives list 1
		// the first seat (20); list 1's second quotient and the first of
		// lists 2 and 3 are all 10, a three-way tie for the two other seats.
		totals := &Totals{Ballots: 40, Contests: []ContestTotals{{ID: "council"}}}
		for _, code := range m.Contests[0].SelectionCodes() {
			totals.Contests[0].Selections = append(totals.Contests[0].Selections, SelectionTotal{Code: code})
		}
		for l, v := range []uint64{20, 10, 10} {
			totals.Contests[0].Selections[l].Count = v
		}
		r, err := NewResults(m, totals)
		if err != nil {
			t.Fatal(err)
		}
		a, err := AllocateList(m, 0, totals)
		if err != nil {
			t.Fatal(err)
		}
		var tied, main int
		for _, s := range r.Contests[0].Standings {
			switch s.Outcome {
			case Tied:
				tied++
			case Main:
				main++
			}
		}
		if seeded {
			if a.Undecided != 0 || tied != 0 || main != 3 {
				t.Fatalf("seeded: %d undecided, %d tied, %d main", a.Undecided, tied, main)
			}
			continue
		}
		if a.Undecided == 0 || len(a.Ties) != 1 || tied != len(a.Ties[0].Lists) || main != 3-a.Undecided {
			t.Fatalf("unseeded: %d undecided, ties %+v, %d tied, %d main", a.Undecided, a.Ties, tied, main)
		}
	}
}

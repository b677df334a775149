package ranked

import (
	"slices"
	"testing"
)

// TestIRVTennessee is the "Tennessee example" of instant-runoff voting
// (Wikipedia, "Instant-runoff voting", and electowiki, "Effects of
// different voting systems under similar circumstances"): 100 voters
// choose a capital among Memphis (M), Nashville (N), Chattanooga (C) and
// Knoxville (K): 42 M>N>C>K, 26 N>C>K>M, 15 C>K>N>M, 17 K>C>N>M.
// Chattanooga is excluded first (15), its votes go to Knoxville (32);
// then Nashville (26), whose votes go past Chattanooga to Knoxville (58),
// a majority: Knoxville wins.
func TestIRVTennessee(t *testing.T) {
	names := "MNCK"
	rows := exampleRows(t, names, []string{"42 MNCK", "26 NCKM", "15 CKNM", "17 KCNM"})
	got, err := CountIRV(Contest{Candidates: 4, MaxRanks: 4}, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind  string
		cand  int
		votes []Value
	}{
		{StageFirst, -1, []Value{42 * Unit, 26 * Unit, 15 * Unit, 17 * Unit}},
		{StageExclusion, 2, []Value{42 * Unit, 26 * Unit, 0, 32 * Unit}},
		{StageExclusion, 1, []Value{42 * Unit, 0, 0, 58 * Unit}},
	}
	if len(got.Stages) != len(want) {
		t.Fatalf("%d stages, want %d", len(got.Stages), len(want))
	}
	for i, w := range want {
		st := got.Stages[i]
		if st.Kind != w.kind || st.Candidate != w.cand || !slices.Equal(st.Votes, w.votes) {
			t.Errorf("stage %d: %s %d %v, want %s %d %v", i+1, st.Kind, st.Candidate, st.Votes, w.kind, w.cand, w.votes)
		}
	}
	if !slices.Equal(got.Elected, []int{3}) || !slices.Equal(got.Stages[2].Elected, []int{3}) {
		t.Errorf("elected %v, want Knoxville", got.Elected)
	}
	checkInvariants(t, got)
}

// TestIRVExclusionTie: a tie for fewest votes is decided by the most
// recent earlier stage at which the tied candidates differed, then by lot.
func TestIRVExclusionTie(t *testing.T) {
	// A 4, B 3, C 2, D 1 (D>B): D out, B 4 = A 4 > C 2; C out (C>A): A 6.
	rows := exampleRows(t, "ABCD", []string{"4 A", "3 B", "2 CA", "1 DB"})
	got, err := CountIRV(Contest{Candidates: 4, MaxRanks: 4}, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Elected, []int{0}) {
		t.Fatalf("elected %v", got.Elected)
	}
	// Two candidates equal at every stage: unresolved without a lot.
	rows = exampleRows(t, "AB", []string{"2 A", "2 B"})
	got, err = CountIRV(Contest{Candidates: 2, MaxRanks: 2}, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Unresolved == nil || got.Unresolved.By != Unresolved || !slices.Equal(got.Unresolved.Candidates, []int{0, 1}) || len(got.Elected) != 0 {
		t.Fatalf("unresolved %+v, elected %v", got.Unresolved, got.Elected)
	}
	lot := &Lot{Seed: []byte{1}}
	got, err = CountIRV(Contest{Candidates: 2, MaxRanks: 2}, rows, lot)
	if err != nil {
		t.Fatal(err)
	}
	cands := []int{0, 1}
	lot.order(cands)
	if got.Unresolved != nil || len(got.Stages) != 2 || got.Stages[1].Candidate != cands[0] ||
		got.Stages[1].Ties[0].By != ByLot || !slices.Equal(got.Elected, []int{cands[1]}) {
		t.Fatalf("with a lot: %+v", got)
	}
}

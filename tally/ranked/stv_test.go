package ranked

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestScottishGlasgow2007 counts the 21 wards of the 2007 Glasgow City
// Council election, whose full preference data Glasgow City Council
// published, and compares every stage with the reference counts of Droop
// (Jonathan Lundell, github.com/jklundell/droop, test/ref/dump/scotland,
// rule "scotland", fixed-point arithmetic with five decimals), which
// implements the same rules. testdata/scotland/README.md says how the
// reference was extracted and the two places where the rule texts, which
// this package follows, and Droop's output differ in form but not in
// outcome: Droop makes a stage for the "surplus" of a candidate with
// exactly the quota (rule 48(1) transfers only a surplus that exceeds
// it), and it transfers the papers of the last excluded candidate where
// rule 52(2) says that no further transfer shall be made.
func TestScottishGlasgow2007(t *testing.T) {
	wards := readDroopReference(t, "testdata/scotland/droop-reference.txt")
	n := 0
	for _, w := range wards {
		if w.name == "weak-defeat" || w.name == "weak-surplus" {
			continue
		}
		n++
		t.Run(w.name, func(t *testing.T) {
			c, rows := readBLT(t, filepath.Join("testdata/scotland", w.name+".blt"))
			if c.Candidates != w.candidates || c.Seats != w.seats {
				t.Fatalf("contest %+v, reference %d candidates %d seats", c, w.candidates, w.seats)
			}
			got, err := CountSTV(c, rows, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.Invalid != 0 {
				t.Fatalf("%d invalid rows", got.Invalid)
			}
			compareDroop(t, got, w)
			checkInvariants(t, got)
		})
	}
	if n != 21 {
		t.Fatalf("%d wards, want 21", n)
	}
}

// compareDroop compares a count with Droop's, stage by stage.
func compareDroop(t *testing.T, got *Count, w droopWard) {
	t.Helper()
	quota := got.Quota
	// Drop Droop's stages that transfer a zero surplus.
	var ref []droopStage
	for i, st := range w.stages {
		if st.kind == StageSurplus && w.stages[i-1].votes[st.cand] == quota {
			if !slices.Equal(st.votes, w.stages[i-1].votes) {
				t.Fatalf("reference stage %d: a zero surplus changed the votes", i+1)
			}
			continue
		}
		ref = append(ref, st)
	}
	if len(got.Stages) != len(ref) {
		t.Fatalf("%d stages, reference %d", len(got.Stages), len(ref))
	}
	var nt Value
	for i, st := range got.Stages {
		r := ref[i]
		nt += st.NonTransferable
		if st.Kind != r.kind || st.Candidate != r.cand {
			t.Fatalf("stage %d: %s %d, reference %s %d", i+1, st.Kind, st.Candidate, r.kind, r.cand)
		}
		last := i == len(got.Stages)-1
		if last && st.Kind == StageExclusion && len(st.LastVacancies) > 0 {
			// Rule 52(2): no transfer; Droop transfers.
			if !slices.Equal(st.Votes, got.Stages[i-1].Votes) {
				t.Errorf("stage %d: rule 52 stage changed the votes", i+1)
			}
			continue
		}
		if !slices.Equal(st.Votes, r.votes) {
			t.Fatalf("stage %d: votes\n got %v\nwant %v", i+1, st.Votes, r.votes)
		}
		if nt != r.nt {
			t.Fatalf("stage %d: non-transferable so far %v, reference %v", i+1, nt, r.nt)
		}
	}
	// The order of election within rule 52 is the order of the report
	// (Droop lists those candidates by index, this package by votes):
	// compare the candidates who reached the quota in order, and the rest
	// as a set.
	q := len(got.Elected) - len(got.Stages[len(got.Stages)-1].LastVacancies)
	if len(got.Elected) != len(w.elected) || !slices.Equal(got.Elected[:q], w.elected[:q]) ||
		!slices.Equal(slices.Sorted(slices.Values(got.Elected[q:])), slices.Sorted(slices.Values(w.elected[q:]))) {
		t.Fatalf("elected %v, reference %v", got.Elected, w.elected)
	}
}

// checkInvariants checks the properties every Count has.
func checkInvariants(t *testing.T, k *Count) {
	t.Helper()
	total := Value(k.Valid) * Unit
	if k.Method == MethodScottishSTV && k.Quota != Value(k.Valid/uint64(k.Seats+1)+1)*Unit {
		t.Errorf("quota %v for %d valid and %d seats", k.Quota, k.Valid, k.Seats)
	}
	prev := make([]Value, k.Candidates)
	var gone Value
	for i, st := range k.Stages {
		if st.Number != i+1 {
			t.Errorf("stage %d numbered %d", i+1, st.Number)
		}
		var sum Value
		for c, x := range st.Transfers {
			sum += x
			if prev[c]+x != st.Votes[c] {
				t.Errorf("stage %d: candidate %d: %v + %v != %v", i+1, c, prev[c], x, st.Votes[c])
			}
		}
		switch {
		case st.Kind == StageSurplus && st.Votes[st.Candidate] != k.Quota:
			t.Errorf("stage %d: candidate %d keeps %v after its surplus, not the quota", i+1, st.Candidate, st.Votes[st.Candidate])
		case st.Kind == StageExclusion && len(st.LastVacancies) == 0 && st.Votes[st.Candidate] != 0:
			t.Errorf("stage %d: excluded candidate %d keeps %v", i+1, st.Candidate, st.Votes[st.Candidate])
		case st.Kind == StageExclusion && len(st.LastVacancies) > 0 && st.Transfers[st.Candidate] != 0:
			t.Errorf("stage %d: a transfer where rule 52 applies", i+1)
		}
		gone += st.NonTransferable + st.Lost
		if i > 0 && sum+st.NonTransferable+st.Lost != 0 {
			t.Errorf("stage %d: transfers %v, non-transferable %v, lost %v do not add up to zero", i+1, sum, st.NonTransferable, st.Lost)
		}
		if st.NonTransferable < 0 || st.Lost < 0 {
			t.Errorf("stage %d: negative non-transferable or lost", i+1)
		}
		var votes Value
		for _, v := range st.Votes {
			votes += v
		}
		if votes+gone != total {
			t.Errorf("stage %d: votes %v + non-transferable and lost %v != %v", i+1, votes, gone, total)
		}
		prev = st.Votes
	}
	if k.Unresolved == nil && len(k.Elected) != k.Seats {
		t.Errorf("%d elected for %d seats", len(k.Elected), k.Seats)
	}
	seen := map[int]bool{}
	for _, c := range k.Elected {
		if seen[c] {
			t.Errorf("candidate %d elected twice", c)
		}
		seen[c] = true
	}
}

// TestScottishTieRules runs Droop's two small elections for the tie rules
// (testdata/scotland/weak-*.blt).
func TestScottishTieRules(t *testing.T) {
	wards := readDroopReference(t, "testdata/scotland/droop-reference.txt")
	ref := map[string]droopWard{}
	for _, w := range wards {
		ref[w.name] = w
	}
	// weak-defeat: after A's exclusion B and C have 3 votes each; at the
	// first stage B had 2 and C 3, so rule 51(2)(a) excludes B.
	c, rows := readBLT(t, "testdata/scotland/weak-defeat.blt")
	got, err := CountSTV(c, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	compareDroop(t, got, ref["weak-defeat"])
	tie := got.Stages[2].Ties
	if len(tie) != 1 || tie[0].By != ByEarlierStage || tie[0].Stage != 1 || tie[0].Chosen != 1 || tie[0].Decides != DecidesExclusion {
		t.Fatalf("stage 3 ties %+v", tie)
	}
	checkInvariants(t, got)

	// weak-surplus: E and F have 3 votes at every stage: rule 51(2)(b),
	// lot. Without a lot the count stops there, after stage 2 (A's
	// surplus; Droop's zero-surplus stages for B and C do not exist
	// under rule 48(1)).
	c, rows = readBLT(t, "testdata/scotland/weak-surplus.blt")
	got, err = CountSTV(c, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	u := got.Unresolved
	if u == nil || u.By != Unresolved || !slices.Equal(u.Candidates, []int{4, 5}) || u.Chosen != -1 || len(got.Stages) != 2 {
		t.Fatalf("unresolved %+v after %d stages", u, len(got.Stages))
	}
	if !slices.Equal(got.Elected, []int{0, 1, 2}) {
		t.Fatalf("elected %v", got.Elected)
	}
	lot := &Lot{Seed: []byte("a public seed"), Contest: 7}
	got, err = CountSTV(c, rows, lot)
	if err != nil {
		t.Fatal(err)
	}
	cands := []int{4, 5}
	lot.order(cands)
	if got.Unresolved != nil || got.Stages[2].Candidate != cands[0] || got.Stages[2].Ties[0].By != ByLot {
		t.Fatalf("with a lot: %+v", got.Stages[2])
	}
	checkInvariants(t, got)
	if cands[0] == 4 {
		compareDroop(t, got, ref["weak-surplus"]) // Droop's lot fell on E
	}
}

// TestScottishGlasgowCaltonDeclared checks the outcome of one ward against
// the declared result, independently of Droop: Calton (Glasgow, 2007)
// returned George Redmond, Ruth Simpson and Alison Thewliss (Wikipedia,
// "Calton (ward)", section Councillors).
func TestScottishGlasgowCaltonDeclared(t *testing.T) {
	c, rows := readBLT(t, "testdata/scotland/Calton-2007.blt")
	k, err := CountSTV(c, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := bltNames(t, "testdata/scotland/Calton-2007.blt", c.Candidates)
	var got []string
	for _, e := range k.Elected {
		got = append(got, names[e])
	}
	slices.Sort(got)
	want := []string{"Alison E Thewliss", "George Redmond", "Ruth Simpson"}
	if !slices.Equal(got, want) {
		t.Fatalf("elected %q, declared %q", got, want)
	}
}

// TestSTVNoValidRows: with no valid paper (no rows, or only blank and
// invalid ones) rule 46's quota is 1, nobody reaches it, the candidates
// with the fewest votes (all, at 0) are excluded by lot, and rule 52 fills
// the vacancies; without a lot the count stops at the first exclusion.
func TestSTVNoValidRows(t *testing.T) {
	c := Contest{Candidates: 4, MaxRanks: 2, Seats: 2}
	lot := &Lot{Seed: []byte("no papers"), Contest: 3}
	for _, rows := range [][]Ranking{nil, {{}, {9}, {1, 1}}} {
		k, err := CountSTV(c, rows, lot)
		if err != nil {
			t.Fatal(err)
		}
		if k.Valid != 0 || k.Invalid != uint64(len(rows)) || k.Quota != Unit || len(k.Elected) != 2 || k.Unresolved != nil {
			t.Fatalf("count %+v", k)
		}
		if err := Check(c, rows, lot, k); err != nil {
			t.Fatal(err)
		}
		if len(k.Stages) != 3 || k.Stages[1].Kind != StageExclusion || k.Stages[1].Ties[0].By != ByLot || len(k.Stages[2].LastVacancies) != 2 {
			t.Errorf("stages %+v", k.Stages)
		}
	}
	k, err := CountSTV(c, nil, nil)
	if err != nil || k.Unresolved == nil || len(k.Elected) != 0 {
		t.Errorf("without a lot: %+v, %v", k, err)
	}
}

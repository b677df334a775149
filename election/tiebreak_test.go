package election_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
	"github.com/sandogh/sandogh/tally"
)

// TestTieBreakGrinding is the grinding attack of issue 10 on a whole
// record: whoever writes the results tries tie-break seeds until the
// candidate it prefers wins the tied seat, and publishes the results made
// with that seed (with a rewritten index, as a forger would). The seed is
// the manifest's, fixed before voting and bound into the base hash, so the
// verifier recomputes the results with it and rejects the ground ones
// (check 14, naming the position that differs).
func TestTieBreakGrinding(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sample")
	cfg := sampleConfig(dir)
	if cfg.TieBreakSeed == "" {
		t.Fatal("the sample election has no tie-break seed")
	}
	if _, err := guild.Run(cfg); err != nil {
		t.Fatal(err)
	}
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	published, err := r.Results()
	if err != nil {
		t.Fatal(err)
	}
	c := &published.Contests[0]
	if len(c.Ties) == 0 || !c.Ties[0].Broken {
		t.Fatalf("the sample's results have no tie broken by the seed: %+v", c.Ties)
	}
	// The totals, as the results writer knows them.
	m := e.Manifest()
	totals := &tally.Totals{BaseHash: published.BaseHash, TallyHash: published.TallyHash, Ballots: published.Ballots}
	count := map[uint32]uint64{}
	for _, s := range c.Standings {
		count[s.Code] = s.Count
	}
	ct := tally.ContestTotals{ID: c.ID}
	for _, cand := range m.Contests[0].Candidates {
		ct.Selections = append(ct.Selections, tally.SelectionTotal{Code: cand.Code, Count: count[cand.Code]})
	}
	totals.Contests = []tally.ContestTotals{ct}
	// Grind: the first seed that changes the order of the tie.
	var ground *tally.Results
	for k := 0; k < 100 && ground == nil; k++ {
		other := *m
		other.TieBreakSeed = ballot.TieBreakSeed(fmt.Sprint("ground ", k))
		res, err := tally.NewResults(&other, totals)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Contests[0].Ties[0].Candidates, c.Ties[0].Candidates) {
			ground = res
		}
	}
	if ground == nil {
		t.Fatal("no seed of 100 changes the order of the tie")
	}
	data, err := json.MarshalIndent(ground, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	rehash(t, dir)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Valid() {
		t.Fatal("results made with a ground tie-break seed were accepted")
	}
	if failed := rep.Failed(); !slices.Equal(failed, []election.Check{election.CheckResults}) {
		t.Errorf("checks %v failed, want only check 14", failed)
	}
	for _, f := range rep.Findings {
		if f.Check == election.CheckResults && !strings.Contains(f.Reason, "position") {
			t.Errorf("finding %s does not name the position", f)
		}
		t.Logf("%s", f)
	}
}

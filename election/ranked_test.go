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
	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/tally"
)

// The ranked test record: the council election with a ranked contest
// counted by the Scottish STV rules (40 voters, 30 candidates, up to 5
// ranks, 5 seats), in which a dishonest station forged three rows:
// a ranking with a repeated code and one with six codes, which are
// invalid, and the ranking 9, 4, which is valid (in a codes contest the
// same row is unsorted-codes).
var rankedRecord sharedRun[*council.Outcome]

var rankedForged = map[int][]uint32{3: {7, 7}, 5: {9, 4}, 7: {1, 2, 3, 4, 5, 6}}

func sharedRanked(t testing.TB) string {
	t.Helper()
	return rankedRecord.get(t, "sandogh-ranked-test-", func(dir string) (*council.Outcome, error) {
		cfg := councilConfig(dir)
		cfg.Method = ballot.STVScottish2007
		cfg.Forge = forgeRowOf(rankedForged)
		return council.Run(cfg)
	})
}

// TestVerifyRankedRecord: the ranked record is valid; check 24 examined
// its one count and check 20 does not apply; the forged rows are invalid
// with the reasons of the specification, and the ranking 9, 4 is valid
// and kept in the voter's order; the results follow the count's order.
func TestVerifyRankedRecord(t *testing.T) {
	dir := sharedRanked(t)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the ranked record is not valid: %v", rep.Findings)
	}
	if c := rep.Checks[election.CheckRankedCounts-1]; c.Verdict != election.Passed || c.Items != 1 {
		t.Errorf("check 24: %v with %d items", c.Verdict, c.Items)
	}
	if v := rep.Verdict(election.CheckRowResults); v != election.NotApplicable {
		t.Errorf("check 20: %v, want not applicable", v)
	}
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := r.DecodedRows(0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"[7 7]": "repeated-code: code 7 is in slots 0 and 1", "[1 2 3 4 5 6]": "too-many-codes: 6 codes, more than the limit 5", "[9 4]": ""}
	found := map[string]bool{}
	for _, row := range rows {
		key := fmt.Sprint(row.Codes)
		if w, ok := want[key]; ok {
			got := ""
			if row.Invalid != "" {
				got = string(row.Invalid) + ": " + row.Reason
			}
			if got != w {
				t.Errorf("row %v: %q, want %q", row.Codes, got, w)
			}
			found[key] = true
		}
	}
	if len(found) != len(want) {
		t.Errorf("forged rows found: %v", found)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	k, err := r.RankedCount(e, 0)
	if err != nil {
		t.Fatal(err)
	}
	if k.STV == nil || k.STV.Invalid != 2+uint64(countBlank(rows)) || len(k.STV.Elected) != 5 {
		t.Fatalf("count %+v", k.STV)
	}
	res := rep.Results.Contests[0]
	for p, j := range k.STV.Elected {
		if s := res.Standings[p]; s.Code != e.Manifest().Contests[0].Candidates[j].Code || s.Outcome != tally.Main {
			t.Errorf("position %d: %+v, the count elected candidate %d", p+1, s, j)
		}
	}
	if res.Invalid != 2 {
		t.Errorf("%d invalid rows, want 2", res.Invalid)
	}
}

func countBlank(rows []tally.DecodedRow) int {
	n := 0
	for _, r := range rows {
		if r.Invalid == "" && len(r.Codes) == 0 {
			n++
		}
	}
	return n
}

// editCount edits counts/0.json of dir as JSON.
func editCount(edit func(t *testing.T, c map[string]any)) func(*testing.T, string) {
	return onFile("counts/0.json", func(t *testing.T, p string) {
		editJSONFile(t, p, func(v any) any {
			edit(t, obj(v))
			return v
		})
	})
}

// addValue adds delta units of 10^-5 to the decimal string at a[i].
func addValue(t *testing.T, a []any, i int, delta string) {
	v := a[i].(string)
	a[i] = strings.TrimSuffix(v, v[len(v)-5:]) + delta
}

var rankedTampers = []tamper{
	{"a changed transfer", election.CheckRankedCounts, false, editCount(func(t *testing.T, c map[string]any) {
		for k, st := range arr(c["stages"])[1:] {
			tr := arr(obj(st)["transfers"])
			for i := range tr {
				if tr[i] != "0.00000" && !strings.HasPrefix(tr[i].(string), "-") {
					addValue(t, tr, i, "12345")
					changedStage = k + 2
					return
				}
			}
		}
		t.Fatal("no transfer to change after stage 1")
	})},
	{"a changed elected candidate", election.CheckRankedCounts, false, editCount(func(t *testing.T, c map[string]any) {
		el := arr(c["elected"])
		for j := range 30 {
			if !slices.ContainsFunc(el, func(x any) bool { return x.(json.Number).String() == json.Number(jsonInt(j)).String() }) {
				el[len(el)-1] = json.Number(jsonInt(j))
				return
			}
		}
	})},
	{"a count by another method", election.CheckRankedCounts, false, editCount(func(t *testing.T, c map[string]any) {
		c["method"] = "irv"
	})},
	{"results: an elected candidate swapped with one not elected", election.CheckRankedCounts, false, func(t *testing.T, dir string) {
		editCouncilResults(t, dir, func(c *tally.ContestResult) {
			c.Standings[4].Code, c.Standings[5].Code = c.Standings[5].Code, c.Standings[4].Code
			c.Standings[4].Name, c.Standings[5].Name = c.Standings[5].Name, c.Standings[4].Name
			c.Standings[4].Count, c.Standings[5].Count = c.Standings[5].Count, c.Standings[4].Count
		})
	}},
	{"count missing", election.CheckIndex, false, func(t *testing.T, dir string) {
		if err := os.Remove(filepath.Join(dir, "counts", "0.json")); err != nil {
			t.Fatal(err)
		}
	}},
	{"a count of a contest that has none", election.CheckIndex, false, func(t *testing.T, dir string) {
		data, err := os.ReadFile(filepath.Join(dir, "counts", "0.json"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "counts", "1.json"), data, 0o644)
	}},
}

// changedStage is the stage whose transfer the first tamper changed.
var changedStage int

func jsonInt(j int) string { b, _ := json.Marshal(j); return string(b) }

// TestRankedTampering makes one change to a copy of the ranked record per
// case and checks that the verifier rejects it, naming the right check,
// and that the finding of check 24 names the stage and field.
func TestRankedTampering(t *testing.T) {
	sharedRanked(t)
	for _, tc := range rankedTampers {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyTree(t, sharedRanked(t))
			tc.edit(t, dir)
			failed := verifyTampered(t, dir, tc.want, tc.keepIndex)
			for _, c := range []election.Check{election.CheckBallots, election.CheckAggregation, election.CheckRowDecoding, election.CheckRowResults} {
				if slices.Contains(failed, c) {
					t.Errorf("check %d failed: the change was in the count", c)
				}
			}
		})
	}
	// The finding names the stage and the field.
	dir := copyTree(t, sharedRanked(t))
	rankedTampers[0].edit(t, dir)
	rehash(t, dir)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 || rep.Findings[0].Check != election.CheckRankedCounts || !strings.Contains(rep.Findings[0].Reason, fmt.Sprintf("stage %d: field transfers[", changedStage)) || rep.Findings[0].File != "counts/0.json" {
		t.Errorf("findings %v", rep.Findings)
	}
}

// TestRankedSchulzeWorkedExample feeds the 45 ballots of Schulze's worked
// example (Schulze 2011, the example with d and p; the data are
// tally/ranked/testdata/schulze.json's first entry) through the whole
// mixnet path as a ranked contest of candidates A..E with codes 1..5:
// the published count has the example's d and p and its order E, A, C, B,
// D; the record is valid; and E is elected.
func TestRankedSchulzeWorkedExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "tally", "ranked", "testdata", "schulze.json"))
	if err != nil {
		t.Fatal(err)
	}
	var examples []struct {
		Name       string     `json:"name"`
		Candidates string     `json:"candidates"`
		Ballots    []string   `json:"ballots"`
		D          [][]uint64 `json:"d"`
		P          [][]uint64 `json:"p"`
		Tiers      []string   `json:"tiers"`
	}
	if err := json.Unmarshal(data, &examples); err != nil {
		t.Fatal(err)
	}
	ex := examples[0]
	if ex.Name != "schulze2011-45-voters" {
		t.Fatalf("first example %q", ex.Name)
	}
	var rankings [][]uint32
	for _, b := range ex.Ballots {
		var n int
		var order string
		if _, err := fmt.Sscanf(b, "%d %s", &n, &order); err != nil {
			t.Fatal(err)
		}
		for range n {
			var r []uint32
			for _, c := range order {
				r = append(r, uint32(strings.IndexRune(ex.Candidates, c)+1))
			}
			rankings = append(rankings, r)
		}
	}
	if len(rankings) != 45 {
		t.Fatalf("%d ballots", len(rankings))
	}
	dir := filepath.Join(t.TempDir(), "rec")
	out, err := council.Run(council.Config{Candidates: 5, Seats: 1, Ranks: 5, Mixers: 2, Trustees: 3, Threshold: 2, NoChallenges: true,
		Method: ballot.Schulze, Rankings: rankings, Seed: "schulze 2011", Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() || rep.Verdict(election.CheckRankedCounts) != election.Passed {
		t.Fatalf("the record is not valid: %v", rep.Findings)
	}
	r, _ := election.Open(dir)
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	k, err := r.RankedCount(e, 0)
	if err != nil {
		t.Fatal(err)
	}
	if k.Schulze == nil || k.Schulze.Valid != 45 || k.Schulze.Invalid != 0 {
		t.Fatalf("count %+v", k)
	}
	for i := range ex.D {
		if !slices.Equal(k.Schulze.D[i], ex.D[i]) || !slices.Equal(k.Schulze.P[i], ex.P[i]) {
			t.Errorf("row %d: d %v p %v, published d %v p %v", i, k.Schulze.D[i], k.Schulze.P[i], ex.D[i], ex.P[i])
		}
	}
	var order string
	for _, j := range k.Schulze.Order {
		order += string(ex.Candidates[j])
	}
	if want := strings.Join(ex.Tiers, ""); order != want {
		t.Errorf("order %s, published %s", order, want)
	}
	res := out.Results.Contests[0]
	if res.Standings[0].Code != 5 || res.Standings[0].Outcome != tally.Main || res.Standings[1].Outcome != tally.NotElected {
		t.Errorf("standings %+v", res.Standings)
	}
}

// TestRankedAllBlank: a ranked contest in which every voter left the
// ranking blank still has a count (the Scottish rules with no valid
// paper: quota 1, exclusions by lot, rule 52) and a valid record.
func TestRankedAllBlank(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	out, err := council.Run(council.Config{Candidates: 4, Seats: 2, Mixers: 2, Trustees: 3, Threshold: 2, NoChallenges: true,
		Method: ballot.STVScottish2007, Rankings: [][]uint32{{}, {}, {}}, Seed: "blank", Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() || rep.Verdict(election.CheckRankedCounts) != election.Passed {
		t.Fatalf("the record is not valid: %v", rep.Findings)
	}
	if out.Count.STV.Valid != 0 || out.Count.STV.Invalid != 3 || len(out.Count.STV.Elected) != 2 || out.Results.Contests[0].Invalid != 0 {
		t.Errorf("count %+v, results %+v", out.Count.STV, out.Results.Contests[0])
	}
}

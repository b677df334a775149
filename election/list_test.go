package election_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/council/council"
)

// listRecord is a list election made by the council example (D'Hondt,
// panachage, three lists of four candidates, five seats), once per test
// binary.
var listRecord sharedRun[*council.Outcome]

func sharedListRecord(t testing.TB) string {
	t.Helper()
	return listRecord.get(t, "sandogh-list-test-", func(dir string) (*council.Outcome, error) {
		return council.Run(council.Config{Voters: 30, Candidates: 12, Seats: 5, Lists: 3, Method: ballot.DHondt, ListRule: ballot.Panachage,
			Trustees: 3, Threshold: 2, Seed: "list record tests", Out: dir})
	})
}

// TestVerifyListRecord: the record of a list election is valid, check 25
// examines its contest, and counts/0.json is the allocation the example
// computed.
func TestVerifyListRecord(t *testing.T) {
	dir := sharedListRecord(t)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("findings %v", rep.Findings)
	}
	if r := rep.Checks[election.CheckListAllocation-1]; r.Verdict != election.Passed || r.Items != 1 {
		t.Fatalf("check 25: %+v", r)
	}
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.ListAllocation(0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(a.Allocation), 5; got != want {
		t.Fatalf("%d seats allocated, want %d", got, want)
	}

	// Tampered allocations, re-indexed as a forger would: each is refused
	// by check 25, naming the field.
	for _, c := range []struct {
		name  string
		edit  func(a map[string]any)
		field string
	}{
		{"a seat moved to another list", func(a map[string]any) {
			s := obj(arr(a["allocation"])[4])
			s["list"] = json.Number(strconv.FormatInt(num(s["list"])%3+1, 10))
		}, "allocation[4].list"},
		{"a list's votes", func(a map[string]any) {
			l := obj(arr(a["lists"])[1])
			l["votes"] = json.Number(strconv.FormatInt(num(l["votes"])+1, 10))
		}, "lists[1].votes"},
		{"a candidate's preference votes", func(a map[string]any) {
			cd := obj(arr(obj(arr(a["lists"])[0])["candidates"])[0])
			cd["votes"] = json.Number(strconv.FormatInt(num(cd["votes"])+2, 10))
		}, "lists[0].candidates[0].votes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := copyTree(t, dir)
			editJSONFile(t, filepath.Join(d, "counts", "0.json"), func(v any) any { c.edit(obj(v)); return v })
			rehash(t, d)
			rep, err := election.Verify(d, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid() || rep.Verdict(election.CheckListAllocation) != election.Failed {
				t.Fatalf("check 25: %v; findings %v", rep.Verdict(election.CheckListAllocation), rep.Findings)
			}
			found := false
			for _, f := range rep.Findings {
				if f.Check == election.CheckListAllocation && f.File == "counts/0.json" {
					found = true
					if !strings.Contains(f.Reason, c.field) {
						t.Errorf("finding %q does not name %s", f.Reason, c.field)
					}
				}
			}
			if !found {
				t.Fatalf("no finding of check 25 on counts/0.json: %v", rep.Findings)
			}
		})
	}

	// results.json naming another main member than the allocation elects
	// fails check 14 (results) and check 25, which names the candidate.
	d0 := copyTree(t, dir)
	editJSONFile(t, filepath.Join(d0, "results.json"), func(v any) any {
		st := arr(obj(arr(obj(v)["contests"])[0])["standings"])
		for k := range st {
			if obj(st[k])["outcome"] == "main" && k+1 < len(st) && obj(st[k+1])["outcome"] != "main" {
				obj(st[k])["outcome"], obj(st[k+1])["outcome"] = obj(st[k+1])["outcome"], "main"
				break
			}
		}
		return v
	})
	rehash(t, d0)
	rep, err = election.Verify(d0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict(election.CheckResults) != election.Failed || rep.Verdict(election.CheckListAllocation) != election.Failed {
		t.Fatalf("a moved seat in results.json: check 14 %v, check 25 %v", rep.Verdict(election.CheckResults), rep.Verdict(election.CheckListAllocation))
	}

	// Without its counts file the record is incomplete (check 15) and the
	// allocation is unchecked (check 25 fails on the missing file).
	d := copyTree(t, dir)
	if err := os.Remove(filepath.Join(d, "counts", "0.json")); err != nil {
		t.Fatal(err)
	}
	rehash(t, d)
	rep, err = election.Verify(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict(election.CheckListAllocation) != election.Failed || rep.Verdict(election.CheckIndex) != election.Failed {
		t.Fatalf("without counts/0.json: check 25 %v, check 15 %v", rep.Verdict(election.CheckListAllocation), rep.Verdict(election.CheckIndex))
	}
	// A counts file for a contest that is not a list contest is not in
	// the layout.
	d = copyTree(t, dir)
	if err := os.WriteFile(filepath.Join(d, "counts", "1.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	rehash(t, d)
	if rep, err = election.Verify(d, nil); err != nil || rep.Verdict(election.CheckIndex) != election.Failed {
		t.Fatalf("counts/1.json: check 15 %v (%v)", rep.Verdict(election.CheckIndex), err)
	}
}

func num(v any) int64 {
	n, err := v.(json.Number).Int64()
	if err != nil {
		panic(err)
	}
	return n
}

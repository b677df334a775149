package speccheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/tally/ranked"
)

// Check 24 of docs/spec.md, "Verification", and the ranked contest kind
// (Counting methods, "Ranked ballots", "The ranked contest kind"): the rows
// of checks 16–19 become rankings, are counted by the manifest's method with
// this package's own implementations of the rules (ranked_test.go), and the
// count must be counts/<i>.json byte for byte; the results follow its order.

// inCountsLayout reports whether path is in the counts/ part of the layout
// ("The election record", "Layout"): the folder counts when the election
// has ranked contests, and counts/<i>.json for each ranked contest i.
func inCountsLayout(path string, dir bool, ranked []int) bool {
	if len(ranked) == 0 {
		return false
	}
	if path == "counts" {
		return dir
	}
	rest, ok := strings.CutPrefix(path, "counts/")
	if !ok || dir {
		return false
	}
	num, ok := strings.CutSuffix(rest, ".json")
	if !ok {
		return false
	}
	i, ok := decimal(num)
	return ok && slices.Contains(ranked, i)
}

// rankedCount runs check 24 for ranked contest i and returns the contest's
// expected entry of results.json, or false if the rows are unavailable.
func (rc *recordCheck) rankedCount(i int, mc *contestJSON) (contestResultJSON, bool) {
	co := rc.codes[i]
	if co == nil {
		rc.find(24, "not checked: contest %q has no decrypted rows", mc.ID)
		return contestResultJSON{}, false
	}
	seed, err := rc.e.manifest.seed()
	if err != nil || seed == nil {
		rc.find(1, "election.json: manifest: a ranked contest without a tie-break seed")
		return contestResultJSON{}, false
	}
	lot := &rkLot{seed: seed, contest: uint32(i)}
	copy(lot.baseHash[:], rc.e.baseHash)
	n, N, rows := len(mc.Candidates), int(mc.Limit), co.rankings
	var count []byte
	var order []int
	switch mc.Method {
	case "stv-scottish-2007", "irv":
		var k *rkCount
		if mc.Method == "irv" {
			k = rkIRV(n, N, rows, lot)
		} else {
			k = rkSTV(n, N, int(mc.Seats), rows, lot)
		}
		count, order = k.json(), rkOutcome(k.elected, co.totals)
	case "stv-meek":
		k := rkMeekCountRows(n, N, int(mc.Seats), rows, rkMeekChooser(lot))
		count, order = k.json(), rkOutcome(k.elected, co.totals)
	case "schulze":
		r := rkSchulze(n, N, rows, lot)
		count, order = r.json(), r.order
	default:
		rc.find(1, "election.json: manifest: contest %d: unknown method %q", i, mc.Method)
		return contestResultJSON{}, false
	}
	rc.stats["ranked counts recomputed"]++
	name := fmt.Sprintf("counts/%d.json", i)
	published := rc.read(name)
	var compact bytes.Buffer
	if err := json.Compact(&compact, published); err != nil || !bytes.Equal(compact.Bytes(), count) {
		rc.find(24, "%s differs from the recomputed count:\n got %s\nwant %s", name, compact.Bytes(), count)
	}
	var indented bytes.Buffer
	json.Indent(&indented, count, "", "  ")
	if !bytes.Equal(published, append(indented.Bytes(), '\n')) {
		rc.find(24, "%s: not the canonical indented form of the count", name)
	}
	inv := co.invalid
	cr := contestResultJSON{ID: mc.ID, Kind: mc.Kind, Seats: mc.Seats, Alternates: mc.Alternates, Invalid: &inv, Ties: []tieJSON{}}
	for p, j := range order {
		s := standingJSON{Position: p + 1, Code: mc.Candidates[j].Code, Name: mc.Candidates[j].Name, Count: co.totals[j], Outcome: "not-elected"}
		switch {
		case p < int(mc.Seats):
			s.Outcome = "main"
		case p < int(mc.Seats+mc.Alternates):
			s.Outcome = "alternate"
		}
		cr.Standings = append(cr.Standings, s)
	}
	return cr, true
}

// rkOutcome is the order of an STV or IRV outcome: the elected in order of
// election, then the others by descending first preferences, equal ones
// in ballot order.
func rkOutcome(elected []int, first []uint64) []int {
	order := slices.Clone(elected)
	var rest []int
	for j := range first {
		if !slices.Contains(elected, j) {
			rest = append(rest, j)
		}
	}
	sort.SliceStable(rest, func(a, b int) bool { return first[rest[a]] > first[rest[b]] })
	return append(order, rest...)
}

// TestRankedRecords runs the council example with a ranked contest for
// every method and checks its record from the specification alone,
// then tampers with the count and wants check 24 to find it.
func TestRankedRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run ./examples/council")
	}
	for _, method := range []string{"stv-scottish-2007", "stv-meek", "irv", "schulze"} {
		t.Run(method, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "record")
			cmd := exec.Command("go", "run", "./examples/council", "-q", "-out", out, "-method", method,
				"-voters", "25", "-candidates", "7", "-seats", "3", "-trustees", "3", "-threshold", "2", "-seed", "speccheck "+method)
			cmd.Dir = "../.."
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			rc := runRecordCheck(out)
			for _, f := range rc.findings {
				t.Error(f)
			}
			if rc.stats["ranked counts recomputed"] != 1 || rc.stats["rows decoded"] != 25 {
				t.Errorf("too little was checked: %v", rc.stats)
			}
			// A changed count, and a changed results entry, rehashed.
			for _, tc := range []struct{ file, old, new string }{
				{"counts/0.json", `"valid": `, `"valid": 1`},
				{"results.json", `"outcome": "main"`, `"outcome": "alternate"`},
			} {
				dir := copyDir(t, out)
				p := filepath.Join(dir, tc.file)
				b, _ := os.ReadFile(p)
				os.WriteFile(p, bytes.Replace(b, []byte(tc.old), []byte(tc.new), 1), 0o644)
				found := false
				for _, f := range checkRecord(dir) {
					found = found || strings.HasPrefix(f, "check 24: ")
				}
				if !found {
					t.Errorf("%s changed: no finding of check 24", tc.file)
				}
			}
		})
	}
}

// TestRankedSTVNoValidRows: with no valid row the Scottish count is still
// defined (Counting methods, "Single transferable vote by the Scottish
// rules": quota 1, exclusions by lot, rule 52), and this package's count
// and tally/ranked's are the same bytes.
func TestRankedSTVNoValidRows(t *testing.T) {
	lot, rlot := &rkLot{seed: []byte("no papers"), contest: 2}, &ranked.Lot{Seed: []byte("no papers"), Contest: 2}
	for _, rows := range [][][]int{nil, {{}, {7}, {0, 0}}} {
		mine := rkSTV(5, 3, 2, rows, lot)
		theirs, err := ranked.CountSTV(ranked.Contest{Candidates: 5, MaxRanks: 3, Seats: 2}, rkRows(rows), rlot)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(theirs); !bytes.Equal(b, mine.json()) {
			t.Fatalf("rows %v:\n got %s\nwant %s", rows, b, mine.json())
		}
		if len(mine.elected) != 2 || mine.quota != 100000 {
			t.Errorf("rows %v: %s", rows, mine.json())
		}
	}
}

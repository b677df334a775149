package election_test

import (
	"crypto/ed25519"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/tally"
)

// mixedListRecord is a list election through the mixnet, made by the
// council example (D'Hondt, open lists, three lists of four candidates
// 101..112, list codes 1..3, three preferences, five seats, two mix
// stages), with the forged rows of forgedListRows, once per test binary.
var mixedListRecord sharedRun[*council.Outcome]

// forgedListRows are the rows that a dishonest station writes for some
// voters, and the verdict and reason text each must get (docs/spec.md
// §Tally, "Decoding the rows of a list contest").
var forgedListRows = map[int]struct {
	codes   []uint32
	invalid tally.InvalidReason
	reason  string
}{
	3:  {[]uint32{1, 2, 101}, tally.InvalidTwoLists, "list codes 1 (slot 0) and 2 (slot 1): a ballot chooses at most one list"},
	5:  {[]uint32{101, 104, 107, 110}, tally.InvalidTooManyCandidates, "4 candidate codes, more than the 3 preferences"},
	7:  {[]uint32{101, 104}, tally.InvalidNoList, "candidate codes without a list code: under the open rule a ballot holds the code of its candidates' list"},
	9:  {[]uint32{1, 101, 102}, tally.InvalidCandidateOfAnotherList, "candidate 102 (slot 2) is on list 2, not on the chosen list 1"},
	11: {[]uint32{1, 99}, tally.InvalidUnknownCode, "code 99 (slot 1) is no list's or candidate's code"},
	13: {[]uint32{1, 103, 102}, tally.InvalidUnsortedCodes, "code 102 (slot 2) follows the larger code 103 (slot 1)"},
}

// forgeListRow replaces the rows of the voters of forgedListRows: the codes
// packed with room for every slot of the contest's one-element row (7-bit
// codes, 34 slots).
func forgeListRow(e *ballot.Election, voter int, signed []byte, key ed25519.PrivateKey) ([]byte, error) {
	f, ok := forgedListRows[voter]
	if !ok {
		return signed, nil
	}
	els, err := elgamal.PackCodes(f.codes, 34, e.Manifest().Contests[0].MaxCode())
	if err != nil {
		return nil, err
	}
	return forgeElement(e, voter, els[0], signed, key)
}

func sharedMixedListRecord(t testing.TB) string {
	t.Helper()
	return mixedListRecord.get(t, "sandogh-listmix-test-", func(dir string) (*council.Outcome, error) {
		return council.Run(council.Config{Voters: 40, Candidates: 12, Seats: 5, Lists: 3, Method: ballot.DHondt, ListRule: ballot.OpenList, MixedList: true,
			Trustees: 3, Threshold: 2, Mixers: 2, Challenged: 2, Seed: "mixed list record tests", Out: dir, Forge: forgeListRow})
	})
}

// TestVerifyMixedListRecord: the record of a list election through the
// mixnet is valid, checks 16 to 20 and 25 examine its contest, the forged
// rows are published invalid with their reasons, and the allocation
// follows from the valid rows.
func TestVerifyMixedListRecord(t *testing.T) {
	dir := sharedMixedListRecord(t)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("findings %v", rep.Findings)
	}
	for _, c := range []election.Check{election.CheckMixInput, election.CheckMixStages, election.CheckRowShares, election.CheckRowDecoding, election.CheckRowResults, election.CheckListAllocation} {
		if r := rep.Checks[c-1]; r.Verdict != election.Passed || r.Items == 0 {
			t.Errorf("check %d: %+v", c, r)
		}
	}
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := r.DecodedRows(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 40 {
		t.Fatalf("%d rows", len(rows))
	}
	got := map[string]bool{}
	for _, row := range rows {
		if row.Invalid != "" {
			got[string(row.Invalid)+": "+row.Reason] = true
		}
	}
	for v, f := range forgedListRows {
		if !got[string(f.invalid)+": "+f.reason] {
			t.Errorf("voter %d's forged row %v: no row %s: %q among %v", v, f.codes, f.invalid, f.reason, got)
		}
	}
	if len(got) != len(forgedListRows) || mixedListRecord.out.Invalid != len(forgedListRows) {
		t.Errorf("invalid rows %v, %d counted invalid", got, mixedListRecord.out.Invalid)
	}
	// The allocation is the one of the rows' totals.
	a, err := r.ListAllocation(0)
	if err != nil {
		t.Fatal(err)
	}
	m := mixedListRecord.out.Allocation
	if len(a.Allocation) != 5 || m == nil || len(m.Allocation) != 5 {
		t.Fatalf("%d seats allocated", len(a.Allocation))
	}
	var votes uint64
	for _, l := range a.Lists {
		votes += l.Votes
	}
	if votes != 40-uint64(len(forgedListRows))-blankRows(rows) {
		t.Errorf("%d list votes from %d rows, %d of them forged", votes, len(rows), len(forgedListRows))
	}
}

// blankRows counts the valid rows without a list code.
func blankRows(rows []tally.DecodedRow) uint64 {
	var n uint64
	for _, r := range rows {
		if r.Invalid == "" && (len(r.Codes) == 0 || r.Codes[0] > 3) {
			n++
		}
	}
	return n
}

// TestMixedListTampering: a forger who changes a decoded row's verdict or
// codes, the results or the allocation of a mixed list contest is caught
// by the check that owns the file, which names the row or the field.
func TestMixedListTampering(t *testing.T) {
	dir := sharedMixedListRecord(t)
	for _, c := range []struct {
		name  string
		edit  func(t *testing.T, d string)
		check election.Check
		want  string
	}{
		{"a verdict changed", func(t *testing.T, d string) {
			editDecrypted(t, d, func(m map[string]any) bool { return m["invalid"] == "two-lists" }, func(m map[string]any, _ [][]byte) {
				m["invalid"] = "candidate-of-another-list"
			})
		}, election.CheckRowDecoding, "invalid (candidate-of-another-list), but by its codes the row is invalid (two-lists)"},
		{"a reason changed", func(t *testing.T, d string) {
			editDecrypted(t, d, func(m map[string]any) bool { return m["invalid"] == "no-list" }, func(m map[string]any, _ [][]byte) {
				m["reason"] = "no list code"
			})
		}, election.CheckRowDecoding, `reason "no list code", but the decoding gives "candidate codes without a list code`},
		{"an invalid row published valid", func(t *testing.T, d string) {
			editDecrypted(t, d, func(m map[string]any) bool { return m["invalid"] == "too-many-candidates" }, func(m map[string]any, _ [][]byte) {
				delete(m, "invalid")
				delete(m, "reason")
			})
		}, election.CheckRowDecoding, "valid, but by its codes the row is invalid (too-many-candidates)"},
		{"a list's votes in the results", func(t *testing.T, d string) {
			editCouncilResults(t, d, func(c *tally.ContestResult) { c.Lists[0].Votes++ })
		}, election.CheckRowResults, "list 0 (code 1)"},
		{"a seat moved in the allocation", func(t *testing.T, d string) {
			editJSONFile(t, filepath.Join(d, "counts", "0.json"), func(v any) any {
				s := obj(arr(obj(v)["allocation"])[4])
				s["list"] = json.Number(strconv.FormatInt(num(s["list"])%3+1, 10))
				return v
			})
		}, election.CheckListAllocation, "allocation[4].list"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := copyTree(t, dir)
			c.edit(t, d)
			rehash(t, d)
			rep, err := election.Verify(d, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid() || rep.Verdict(c.check) != election.Failed {
				t.Fatalf("check %d: %v; findings %v", c.check, rep.Verdict(c.check), rep.Findings)
			}
			found := false
			for _, f := range rep.Findings {
				if f.Check == c.check && strings.Contains(f.Reason, c.want) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no finding of check %d with %q: %v", c.check, c.want, rep.Findings)
			}
		})
	}
}

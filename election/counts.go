package election

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/tally/apportion"
)

// countsFile returns the path of contest i's counts file (dirCounts): a
// Ranked contest's count, or a ProportionalList contest's seat allocation.
func countsFile(i int) string { return dirCounts + "/" + strconv.Itoa(i) + ".json" }

// countedContests returns the indices of m's contests that have a counts
// file: its Ranked and ProportionalList contests, in manifest order.
func countedContests(m *ballot.Manifest) []int {
	var out []int
	for i, c := range m.Contests {
		if c.Kind == ballot.Ranked || c.Kind == ballot.ProportionalList {
			out = append(out, i)
		}
	}
	return out
}

// listContests returns the indices of m's ProportionalList contests.
func listContests(m *ballot.Manifest) []int {
	var out []int
	for i, c := range m.Contests {
		if c.Kind == ballot.ProportionalList {
			out = append(out, i)
		}
	}
	return out
}

// judgeCounts judges a path under counts/ (rest is what follows "counts"):
// the folder, if the election has a contest with a counts file, and
// counts/<i>.json for each such contest i.
func (l *layout) judgeCounts(rest string, dir bool, notIt string) (why, unknown string) {
	if !l.codeListsKnown {
		return "", unknownCodeLists
	}
	if len(l.countContests) == 0 {
		return notIt, ""
	}
	if rest == "" {
		if dir {
			return "", ""
		}
		return notIt, ""
	}
	num, ok := strings.CutSuffix(rest[1:], ".json")
	if dir || !ok {
		return notIt, ""
	}
	if i, ok := parseDecimal(num, maxDecimalIndex); ok && slices.Contains(l.countContests, i) {
		return "", ""
	}
	return notIt, ""
}

// writeListCounts writes counts/<i>.json, the seat allocation
// (tally.AllocateList), for every ProportionalList contest i of m, from
// the totals that results.json is checked against.
func (w *Writer) writeListCounts(m *ballot.Manifest, totals *tally.Totals) error {
	for _, i := range listContests(m) {
		a, err := tally.AllocateList(m, i, totals)
		if err != nil {
			return fmt.Errorf("election: WriteResults: %v", err)
		}
		data, err := indentJSON(a)
		if err != nil {
			return fmt.Errorf("election: %v", err)
		}
		if err := w.addBytes(countsFile(i), data); err != nil {
			return err
		}
	}
	return nil
}

// ListAllocation decodes counts/<i>.json, the published seat allocation of
// ProportionalList contest i. Verify checks it against the decrypted
// totals (check 25).
func (r *Reader) ListAllocation(i int) (*apportion.Result, error) {
	name := countsFile(i)
	data, err := r.readFile(name)
	if err != nil {
		return nil, fileErr(name, err)
	}
	a := new(apportion.Result)
	if err := a.UnmarshalJSON(data); err != nil {
		return nil, fileErr(name, err)
	}
	return a, nil
}

// Check 25: the seat allocation of each ProportionalList contest
// (counts/<i>.json) is the one that its method gives from the decrypted
// totals, or for a mixed list contest from the totals of its decoded rows
// (check 19) (tally.ListInput, apportion.Check, which names the first
// field that differs), and results.json elects, list by list, the
// candidates that the allocation elects.
func (v *verifier) checkListAllocation() {
	if v.manifest == nil {
		v.skip(CheckListAllocation, "the manifest is unavailable (check 1)")
		return
	}
	lists := listContests(v.manifest)
	v.items(CheckListAllocation, int64(len(lists)))
	for _, i := range lists {
		c := &v.manifest.Contests[i]
		name := countsFile(i)
		a, err := v.r.ListAllocation(i)
		if err != nil {
			v.readErr(CheckListAllocation, name, err)
			continue
		}
		totals := v.totals
		if c.Mixed() {
			// A mixed list contest's totals are its decoded rows' (check 19).
			t := v.rowTotals[i]
			if t == nil {
				v.skip(CheckListAllocation, fmt.Sprintf("the decoded rows of contest %q are unavailable (checks 17 to 19)", c.ID))
				continue
			}
			if totals == nil {
				totals = &tally.Totals{Contests: make([]tally.ContestTotals, len(v.manifest.Contests))}
				if v.e != nil {
					totals.BaseHash = v.e.BaseHash()
				}
			} else {
				cp := *totals
				cp.Contests = slices.Clone(totals.Contests)
				totals = &cp
			}
			totals.Contests[i] = *t
		}
		if totals == nil {
			v.skip(CheckListAllocation, "the decrypted totals are unavailable (check 13)")
			continue
		}
		in, err := tally.ListInput(v.manifest, i, totals)
		if err != nil {
			v.fail(Finding{Check: CheckListAllocation, File: name, Contest: c.ID, Reason: err.Error()})
			continue
		}
		if err := apportion.Check(in, a); err != nil {
			v.fail(Finding{Check: CheckListAllocation, File: name, Contest: c.ID, Reason: err.Error()})
			continue
		}
		if v.res == nil {
			v.skip(CheckListAllocation, fileResults+" is unavailable (check 14)")
			continue
		}
		if reason := electedDiffer(a, v.res, i); reason != "" {
			v.fail(Finding{Check: CheckListAllocation, File: fileResults, Contest: c.ID, Reason: reason})
		}
	}
}

// electedDiffer compares the main members of contest i in results.json
// with the candidates allocation a elects, list by list, and describes the
// first difference, or returns "".
func electedDiffer(a *apportion.Result, res *tally.Results, i int) string {
	if i >= len(res.Contests) {
		return fmt.Sprintf("results.json has no contest %d", i)
	}
	main := map[uint32]bool{}
	for _, s := range res.Contests[i].Standings {
		if s.Outcome == tally.Main {
			main[s.Code] = true
		}
	}
	for k, l := range a.Lists {
		for _, code := range l.Elected {
			if !main[code] {
				return fmt.Sprintf("lists[%d] (code %d): the allocation elects candidate %d, whom results.json does not name a main member", k, l.Code, code)
			}
			delete(main, code)
		}
	}
	for _, s := range res.Contests[i].Standings {
		if main[s.Code] {
			return fmt.Sprintf("results.json names candidate %d a main member, whom the allocation does not elect", s.Code)
		}
	}
	return ""
}

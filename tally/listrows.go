package tally

import (
	"fmt"
	"math/bits"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/prose"
)

// This file holds the rows of mixed list contests (a ProportionalList
// contest with MixStages ≥ 1): their verdicts beyond the codes', and how a
// valid row becomes list and preference votes (docs/spec.md §Tally,
// "Decoding the rows of a list contest").

// The reasons of a mixed list contest's rows, which Decode looks for after
// the codes' (InvalidPacking … InvalidUnsortedCodes), in this order.
const (
	// InvalidTwoLists: the row holds two or more list codes.
	InvalidTwoLists InvalidReason = "two-lists"
	// InvalidTooManyCandidates: the row holds more candidate codes than
	// the contest's Preferences.
	InvalidTooManyCandidates InvalidReason = "too-many-candidates"
	// InvalidNoList: the row holds no list code, but candidate codes
	// under the open rule (whose ballots of candidates only carry their
	// list's code) or where candidatesOnly is false, or nothing at all in
	// a strict contest.
	InvalidNoList InvalidReason = "no-list"
	// InvalidCandidateOfAnotherList: under the open rule, the row holds a
	// candidate code of another list than the row's list code.
	InvalidCandidateOfAnotherList InvalidReason = "candidate-of-another-list"
)

// listRules are what the decoder of a mixed list contest's rows needs of
// the contest.
type listRules struct {
	panachage      bool
	candidatesOnly bool
	strict         bool
	preferences    int
	lists          []uint32       // the list codes, in ballot order
	listIndex      map[uint32]int // list code → index in lists
	listOf         map[uint32]int // candidate code → index of its list
	candIndex      map[uint32]int // candidate code → index in the candidates
}

func newListRules(c *ballot.Contest) *listRules {
	r := &listRules{
		panachage:      c.ListRule == ballot.Panachage,
		candidatesOnly: c.CandidatesOnly,
		strict:         c.Strict,
		preferences:    int(c.Preferences),
		listIndex:      make(map[uint32]int, len(c.Lists)),
		listOf:         make(map[uint32]int, len(c.Candidates)),
		candIndex:      make(map[uint32]int, len(c.Candidates)),
	}
	for l, pl := range c.Lists {
		r.lists = append(r.lists, pl.Code)
		r.listIndex[pl.Code] = l
		for _, code := range pl.Candidates {
			r.listOf[code] = l
		}
	}
	for j, cd := range c.Candidates {
		r.candIndex[cd.Code] = j
	}
	return r
}

// judge returns the verdict on the codes of a row that passed the codes'
// checks (known, distinct, ascending, at most Preferences + 1): "" for a
// valid ballot, or the first list reason that applies, with its text.
func (r *listRules) judge(codes []uint32) (InvalidReason, string) {
	chosen, slot := -1, -1
	for k, code := range codes {
		if l, ok := r.listIndex[code]; ok {
			if chosen >= 0 {
				return InvalidTwoLists, fmt.Sprintf("list codes %d (slot %d) and %d (slot %d): a ballot chooses at most one list", r.lists[chosen], slot, code, k)
			}
			chosen, slot = l, k
		}
	}
	n := len(codes)
	if chosen >= 0 {
		n--
	}
	if n > r.preferences {
		return InvalidTooManyCandidates, fmt.Sprintf("%d candidate codes, more than the %d preferences", n, r.preferences)
	}
	if chosen < 0 {
		switch {
		case n > 0 && !r.panachage:
			return InvalidNoList, "candidate codes without a list code: under the open rule a ballot holds the code of its candidates' list"
		case n > 0 && !r.candidatesOnly:
			return InvalidNoList, "candidate codes without a list code: the contest does not allow a ballot of candidates only"
		case n == 0 && r.strict:
			return InvalidNoList, "no list code: the contest is strict, a ballot chooses a list"
		}
		return "", ""
	}
	if !r.panachage {
		for k, code := range codes {
			if l, ok := r.listOf[code]; ok && l != chosen {
				return InvalidCandidateOfAnotherList, fmt.Sprintf("candidate %d (slot %d) is on list %d, not on the chosen list %d", code, k, r.lists[l], r.lists[chosen])
			}
		}
	}
	return "", ""
}

// A RowCounter adds up the decoded rows of one CodeList contest, or of one
// mixed ProportionalList contest, into the contest's totals, one row at a
// time, so that a verifier counts a large list without holding it. The
// zero value is NOT valid: use NewRowCounter.
type RowCounter struct {
	c     *ballot.Contest
	i     int
	d     *RowDecoder
	pos   map[uint32]int // CodeList: candidate index by code
	t     ContestTotals
	w     bool // weighted
	maxW  uint32
	added int
}

// NewRowCounter returns a counter of the rows of contest i of m, which must
// be a CodeList contest or a mixed ProportionalList contest (Ranked
// contests are counted by CountRanked).
func NewRowCounter(m *ballot.Manifest, i int) (*RowCounter, error) {
	if i < 0 || i >= len(m.Contests) {
		return nil, fmt.Errorf("tally: no contest %d in the manifest", i)
	}
	c := &m.Contests[i]
	if !(c.Kind == ballot.CodeList || (c.Kind == ballot.ProportionalList && c.Mixed())) {
		return nil, fmt.Errorf("tally: contest %d (%s) is not a %q contest or a mixed %q contest of the manifest", i, c.ID, ballot.CodeList, ballot.ProportionalList)
	}
	if c.Kind == ballot.ProportionalList && m.MaxWeight > 0 {
		return nil, fmt.Errorf("tally: contest %d (%s): a mixed %q contest in a weighted election, which the manifest refuses", i, c.ID, ballot.ProportionalList)
	}
	d, err := NewRowDecoder(c)
	if err != nil {
		return nil, err
	}
	rc := &RowCounter{c: c, i: i, d: d, w: m.MaxWeight > 0, maxW: m.MaxWeight}
	codes := c.SelectionCodes()
	rc.t = ContestTotals{ID: c.ID, Selections: make([]SelectionTotal, len(codes))}
	for j, code := range codes {
		rc.t.Selections[j].Code = code
	}
	if c.Kind == ballot.CodeList {
		rc.pos = make(map[uint32]int, len(c.Candidates))
		for j, cand := range c.Candidates {
			rc.pos[cand.Code] = j
		}
	}
	return rc, nil
}

// Add counts the decoded row r (from RowDecoder.Decode): an invalid row
// adds to Invalid; a valid row of a CodeList contest adds 1 (its weight,
// in a weighted election) to each candidate whose code it holds; a valid
// row of a mixed list contest adds its list and preference votes to the
// selections of the list contest's layout (ballot.Contest.SelectionCodes):
// with L the row's list code, if any, and C its candidate codes, 1 to L's
// list selection (X_L), under panachage Preferences − |C| to L's
// additional votes (Z_L), and 1 to each candidate of C (Y_c). It returns
// an error if a row said to be valid is not.
func (rc *RowCounter) Add(r *DecodedRow) error {
	k := rc.added
	rc.added++
	if r.Invalid != "" {
		rc.t.Invalid++
		return nil
	}
	c := rc.c
	if rc.w && (r.Weight == 0 || r.Weight > rc.maxW) {
		return fmt.Errorf("tally: contest %d (%s): row %d is said to be valid but its weight %d is not in [1, %d]", rc.i, c.ID, k, r.Weight, rc.maxW)
	}
	if r.Codes == nil || len(r.Codes) > rc.d.limit {
		return fmt.Errorf("tally: contest %d (%s): row %d is said to be valid but does not hold at most %s", rc.i, c.ID, k, prose.Count(rc.d.limit, "code"))
	}
	for j := 1; j < len(r.Codes); j++ {
		if r.Codes[j] <= r.Codes[j-1] {
			return fmt.Errorf("tally: contest %d (%s): row %d is said to be valid but its codes are not strictly ascending", rc.i, c.ID, k)
		}
	}
	if rc.d.list == nil {
		for _, code := range r.Codes {
			j, ok := rc.pos[code]
			if !ok {
				return fmt.Errorf("tally: contest %d (%s): row %d is said to be valid but holds code %d, which is no candidate's", rc.i, c.ID, k, code)
			}
			if rc.w {
				rc.t.Selections[j].Count += uint64(r.Weight)
				rc.t.Selections[j].Unweighted++
			} else {
				rc.t.Selections[j].Count++
			}
		}
		return nil
	}
	if why, text := rc.d.judge(r.Codes); why != "" {
		return fmt.Errorf("tally: contest %d (%s): row %d is said to be valid but is %s: %s", rc.i, c.ID, k, why, text)
	}
	rc.d.list.count(&rc.t, r.Codes)
	return nil
}

// count adds the votes of a valid row's codes to t, in the layout of
// SelectionCodes: lists, then under panachage additional votes, then
// candidates.
func (r *listRules) count(t *ContestTotals, codes []uint32) {
	nl := len(r.lists)
	off := len(t.Selections) - len(r.candIndex)
	chosen, n := -1, 0
	for _, code := range codes {
		if l, ok := r.listIndex[code]; ok {
			chosen = l
			continue
		}
		t.Selections[off+r.candIndex[code]].Count++
		n++
	}
	if chosen < 0 {
		return
	}
	t.Selections[chosen].Count++
	if r.panachage {
		t.Selections[nl+chosen].Count += uint64(r.preferences - n)
	}
}

// Totals returns the totals of the rows added so far.
func (rc *RowCounter) Totals() ContestTotals {
	t := rc.t
	t.Selections = append([]SelectionTotal(nil), rc.t.Selections...)
	return t
}

// checkListRowTotals checks the totals of mixed list contest c (index i)
// against the number of rows: at most that many invalid rows, each list
// chosen and each candidate marked in at most every valid row, the lists
// chosen in at most every valid row together, at most Preferences
// additional votes per ballot choosing the list, and at most Preferences
// candidates per valid row.
func checkListRowTotals(c *ballot.Contest, i int, t *ContestTotals, rows uint64) error {
	if t.Invalid > rows {
		return fmt.Errorf("tally: totals: contest %d (%s): %d invalid rows among %d", i, c.ID, t.Invalid, rows)
	}
	valid := rows - t.Invalid
	nl := len(c.Lists)
	P := uint64(c.Preferences)
	off := len(t.Selections) - len(c.Candidates)
	var chosen, marked uint64
	for j, s := range t.Selections {
		switch {
		case j < nl:
			if s.Count > valid {
				return fmt.Errorf("tally: totals: contest %d (%s): list %d chosen in %s, but there are %s", i, c.ID, s.Code, prose.Count(s.Count, "row"), prose.Count(valid, "valid row"))
			}
			if chosen+s.Count < chosen {
				return fmt.Errorf("tally: totals: contest %d (%s): the list votes overflow", i, c.ID)
			}
			chosen += s.Count
		case j < off:
			x := t.Selections[j-nl].Count
			if hi, lo := bits.Mul64(x, P); hi == 0 && s.Count > lo {
				return fmt.Errorf("tally: totals: contest %d (%s): list %d: %d additional votes, but %s choosing it give at most %d", i, c.ID, s.Code, s.Count, prose.Count(x, "row"), lo)
			}
		default:
			if s.Count > valid {
				return fmt.Errorf("tally: totals: contest %d (%s): candidate %d in %s, but there are %s", i, c.ID, s.Code, prose.Count(s.Count, "row"), prose.Count(valid, "valid row"))
			}
			if marked+s.Count < marked {
				return fmt.Errorf("tally: totals: contest %d (%s): the preference votes overflow", i, c.ID)
			}
			marked += s.Count
		}
	}
	if chosen > valid {
		return fmt.Errorf("tally: totals: contest %d (%s): lists chosen in %s together, but there are %s", i, c.ID, prose.Count(chosen, "row"), prose.Count(valid, "valid row"))
	}
	if hi, lo := bits.Mul64(valid, P); hi == 0 && marked > lo {
		return fmt.Errorf("tally: totals: contest %d (%s): %d preference votes, but %s give at most %d", i, c.ID, marked, prose.Count(valid, "valid row"), lo)
	}
	return nil
}

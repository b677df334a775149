package ballot

import (
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/internal/prose"
)

// A Vote is a voter's plaintext choices: for each contest identifier, the
// value of each marked candidate by candidate code (Candidate.Code). A chosen
// candidate of an UpTo, Exactly or YesNo contest has value 1; a Score contest
// gives each candidate its score. Contests and candidates that are absent (or
// have value 0) are unmarked, so an empty Vote is a blank ballot. For example
//
//	ballot.Vote{"board": {101: 1, 107: 1}, "referendum": {1: 1}}
//
// A Vote is secret: it only meets constant-time code once it is checked
// against the manifest.
type Vote map[string]map[uint32]uint64

// SetCodes records in v the candidate codes a voter writes in the CodeList
// contest with identifier contest: each code gets the value 1, as a mark
// does. The order of the codes does not matter (a ballot packs them in
// ascending order). It refuses a code written twice or the code 0, and
// changes nothing then; EncryptBallot refuses codes that are not candidates
// of the contest and more codes than its limit, before encrypting anything.
func (v Vote) SetCodes(contest string, codes []uint32) error {
	marks := make(map[uint32]uint64, len(codes))
	for k, code := range codes {
		if code == 0 {
			return fmt.Errorf("ballot: vote: contest %q: candidate code %d (position %d) is 0, which is no candidate's", contest, code, k)
		}
		if _, ok := marks[code]; ok {
			return fmt.Errorf("ballot: vote: contest %q: candidate code %d is written twice (position %d)", contest, code, k)
		}
		marks[code] = 1
	}
	v[contest] = marks
	return nil
}

// SetRanking records in v the ranking a voter writes in the Ranked contest
// with identifier contest: codes[0] is the most preferred candidate. The
// code at position k gets the value k+1, its rank, so that the order is
// kept (a ballot packs the codes in this order). It refuses a code written
// twice or the code 0, and changes nothing then; EncryptBallot refuses codes
// that are not candidates of the contest and more codes than its limit,
// before encrypting anything. An empty ranking is a blank contest.
func (v Vote) SetRanking(contest string, codes []uint32) error {
	ranks := make(map[uint32]uint64, len(codes))
	for k, code := range codes {
		if code == 0 {
			return fmt.Errorf("ballot: vote: contest %q: candidate code %d (rank %d) is 0, which is no candidate's", contest, code, k+1)
		}
		if r, ok := ranks[code]; ok {
			return fmt.Errorf("ballot: vote: contest %q: candidate code %d is ranked twice (ranks %d and %d)", contest, code, r, k+1)
		}
		ranks[code] = uint64(k + 1)
	}
	v[contest] = ranks
	return nil
}

// Ranking returns the candidate codes of the Ranked contest with
// identifier contest in v, most preferred first (the codes by ascending
// value, as SetRanking records them), or nil if the contest is blank. It
// does not check the ranks; EncryptBallot does.
func (v Vote) Ranking(contest string) []uint32 {
	marks := v[contest]
	codes := make([]uint32, 0, len(marks))
	for code, r := range marks {
		if r != 0 {
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	slices.SortFunc(codes, func(a, b uint32) int {
		if marks[a] != marks[b] {
			if marks[a] < marks[b] {
				return -1
			}
			return 1
		}
		if a < b {
			return -1
		}
		return 1
	})
	return codes
}

// plaintext checks v against the manifest and returns the value of every
// selection in manifest order. It refuses unknown contests and candidate
// codes, values above the contest's maximum and overvotes (and, for Exactly
// contests, a number of marks other than 0 or k), before anything is
// encrypted. The checks branch on the vote: they run on the voter's device
// before encryption, as the voter's own input validation.
func (m *Manifest) plaintext(v Vote) ([][]uint64, error) {
	index := make(map[string]int, len(m.Contests))
	for i := range m.Contests {
		index[m.Contests[i].ID] = i
	}
	ids := make([]string, 0, len(v))
	for id := range v {
		ids = append(ids, id)
	}
	slices.Sort(ids) // deterministic error messages
	for _, id := range ids {
		if _, ok := index[id]; !ok {
			return nil, fmt.Errorf("ballot: vote: no contest %q in the manifest", id)
		}
	}
	out := make([][]uint64, len(m.Contests))
	for i := range m.Contests {
		c := &m.Contests[i]
		marks := v[c.ID]
		if c.Kind == ProportionalList {
			vals, err := c.listPlaintext(i, marks)
			if err != nil {
				return nil, err
			}
			out[i] = vals
			continue
		}
		vals := make([]uint64, len(c.Candidates))
		out[i] = vals
		if len(marks) == 0 {
			if c.Kind == Exactly && c.Strict {
				return nil, fmt.Errorf("ballot: vote: contest %d (%q): no candidate marked; this strict %q contest takes exactly %d (no blank)", i, c.ID, Exactly, c.Limit)
			}
			continue
		}
		pos := make(map[uint32]int, len(c.Candidates))
		for j, cand := range c.Candidates {
			pos[cand.Code] = j
		}
		codes := make([]uint32, 0, len(marks))
		for code := range marks {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		var sum, count uint64
		for _, code := range codes {
			j, ok := pos[code]
			if !ok {
				return nil, fmt.Errorf("ballot: vote: contest %d (%q): no candidate with code %d", i, c.ID, code)
			}
			val := marks[code]
			if c.Kind == Ranked && val > c.maxValue() {
				return nil, fmt.Errorf("ballot: vote: contest %d (%q): candidate %d: rank %d exceeds the limit %d (overvote)", i, c.ID, code, val, c.Limit)
			}
			if val > c.maxValue() {
				return nil, fmt.Errorf("ballot: vote: contest %d (%q): candidate %d: value %d exceeds the maximum %d", i, c.ID, code, val, c.maxValue())
			}
			vals[j] = val
			sum += val
			if val != 0 {
				count++
			}
		}
		if c.Kind == Ranked {
			// The ranks are 1..count, each once: a ranking without gaps.
			seen := make([]bool, count+1)
			for _, code := range codes {
				r := marks[code]
				if r == 0 {
					continue
				}
				if r > count || seen[r] {
					return nil, fmt.Errorf("ballot: vote: contest %d (%q): the ranks are not 1..%d, each given once (candidate %d has rank %d)", i, c.ID, count, code, r)
				}
				seen[r] = true
			}
			continue
		}
		if c.Kind == CodeList {
			if count > uint64(c.Limit) {
				return nil, fmt.Errorf("ballot: vote: contest %d (%q): %d candidate codes written, more than the limit %d (overvote)", i, c.ID, count, c.Limit)
			}
			continue
		}
		rule, bound := c.sumRule()
		switch {
		case rule == sumAtMost && sum > bound && c.Kind == Score:
			return nil, fmt.Errorf("ballot: vote: contest %d (%q): total score %d exceeds the limit %d (overvote)", i, c.ID, sum, bound)
		case rule == sumAtMost && sum > bound:
			return nil, fmt.Errorf("ballot: vote: contest %d (%q): %d candidates marked, more than the limit %d (overvote)", i, c.ID, count, bound)
		case rule == sumZeroOrAll && sum > bound:
			return nil, fmt.Errorf("ballot: vote: contest %d (%q): %d candidates marked, more than the required %d (overvote)", i, c.ID, count, bound)
		case rule == sumZeroOrAll && sum != 0 && sum != bound:
			return nil, fmt.Errorf("ballot: vote: contest %d (%q): %s marked; an %q contest takes exactly %d, or none", i, c.ID, prose.Count(count, "candidate"), Exactly, bound)
		case rule == sumExact && sum != bound:
			return nil, fmt.Errorf("ballot: vote: contest %d (%q): %s marked; this strict %q contest takes exactly %d (no blank)", i, c.ID, prose.Count(count, "candidate"), Exactly, bound)
		}
	}
	return out, nil
}

// voteFromValues is the inverse of plaintext: the Vote with the non-zero
// values of vals.
func (m *Manifest) voteFromValues(vals [][]uint64) Vote {
	v := Vote{}
	for i := range m.Contests {
		c := &m.Contests[i]
		codes := c.SelectionCodes()
		extra := c.NumSelections() - len(c.Candidates) - len(c.Lists) // additional votes, not marks
		for j, val := range vals[i] {
			if val == 0 || (c.Kind == ProportionalList && j >= len(c.Lists) && j < len(c.Lists)+extra) {
				continue
			}
			if v[c.ID] == nil {
				v[c.ID] = map[uint32]uint64{}
			}
			v[c.ID][codes[j]] = val
		}
	}
	return v
}

package tally

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/tally/ranked"
)

// A RankedCount is the published count of a Ranked contest, every stage
// of it, by the contest's method (ballot.Contest.Method): exactly one of
// its members is set. Its JSON form, the file counts/<i>.json of the
// election record, is the JSON form of that member (docs/spec.md,
// §Counting methods, "Ranked ballots"); the candidates in it are indices
// 0..n-1 of the contest's candidates in ballot order.
type RankedCount struct {
	// STV is the count of a contest counted by ballot.STVScottish2007 or
	// ballot.IRV.
	STV *ranked.Count
	// Meek is the count of a contest counted by ballot.STVMeek.
	Meek *ranked.MeekCount
	// Schulze is the result of a contest counted by ballot.Schulze.
	Schulze *ranked.SchulzeResult
}

// MarshalJSON encodes k as the JSON form of its one member.
func (k *RankedCount) MarshalJSON() ([]byte, error) {
	switch {
	case k.STV != nil && k.Meek == nil && k.Schulze == nil:
		return k.STV.MarshalJSON()
	case k.Meek != nil && k.STV == nil && k.Schulze == nil:
		return k.Meek.MarshalJSON()
	case k.Schulze != nil && k.STV == nil && k.Meek == nil:
		return k.Schulze.MarshalJSON()
	}
	return nil, errors.New("tally: ranked count: not exactly one of STV, Meek and Schulze")
}

// rankedContest returns contest i of m, which must be a Ranked contest, and
// what counting needs to know of it.
func rankedContest(m *ballot.Manifest, i int) (*ballot.Contest, ranked.Contest, error) {
	if i < 0 || i >= len(m.Contests) || m.Contests[i].Kind != ballot.Ranked {
		return nil, ranked.Contest{}, fmt.Errorf("tally: contest %d is not a %q contest of the manifest", i, ballot.Ranked)
	}
	c := &m.Contests[i]
	return c, ranked.Contest{Candidates: len(c.Candidates), MaxRanks: int(c.Limit), Seats: int(c.Seats)}, nil
}

// ParseRankedCount decodes the JSON form of the count of Ranked contest i of
// manifest m, strictly, as the form of the contest's method: a count by
// another method, unknown or missing members and anything after the value
// are errors. Whether the count is right is for CheckRankedCount. The
// method's member "method" must name the contest's method.
func ParseRankedCount(m *ballot.Manifest, i int, data []byte) (*RankedCount, error) {
	c, _, err := rankedContest(m, i)
	if err != nil {
		return nil, err
	}
	k := new(RankedCount)
	var method, want string
	switch c.Method {
	case ballot.STVScottish2007, ballot.IRV:
		k.STV = new(ranked.Count)
		err = json.Unmarshal(data, k.STV)
		if err == nil {
			method = k.STV.Method
		}
		want = ranked.MethodScottishSTV
		if c.Method == ballot.IRV {
			want = ranked.MethodIRV
		}
	case ballot.STVMeek:
		k.Meek = new(ranked.MeekCount)
		err = json.Unmarshal(data, k.Meek)
		if err == nil {
			method = k.Meek.Method
		}
		want = ranked.MethodMeek
	case ballot.Schulze:
		k.Schulze = new(ranked.SchulzeResult)
		err = json.Unmarshal(data, k.Schulze)
		if err == nil {
			method = k.Schulze.Method
		}
		want = ranked.MethodSchulze
	default:
		return nil, fmt.Errorf("tally: contest %d (%s): unknown counting method %q", i, c.ID, c.Method)
	}
	if err != nil {
		return nil, fmt.Errorf("tally: contest %d (%s): count: %v", i, c.ID, err)
	}
	if method != want {
		return nil, fmt.Errorf("tally: contest %d (%s): count: field method: %q, but the manifest's method %q counts as %q", i, c.ID, method, c.Method, want)
	}
	return k, nil
}

// Rankings returns the rows of Ranked contest c as the counting methods take
// them (docs/spec.md, "Ranked ballots", "From rows to rankings"): for each
// decoded row, in order, the candidate indices (ballot order, from 0) of its
// codes in the voter's order, or the empty ranking for an invalid row or a
// blank one. The count therefore takes every row: its "valid" are the rows
// that rank at least one candidate, and its "invalid" the blank and the
// invalid rows. It returns an error if a row said to be valid is not (a
// row must come from RowDecoder.Decode).
func Rankings(c *ballot.Contest, rows []DecodedRow) ([]ranked.Ranking, error) {
	if c.Kind != ballot.Ranked {
		return nil, fmt.Errorf("tally: contest %q is a %q contest, not a %q contest", c.ID, c.Kind, ballot.Ranked)
	}
	pos := make(map[uint32]int, len(c.Candidates))
	for j, cand := range c.Candidates {
		pos[cand.Code] = j
	}
	out := make([]ranked.Ranking, len(rows))
	for k := range rows {
		r, err := rowRanking(int(c.Limit), pos, &rows[k])
		if err != nil {
			return nil, fmt.Errorf("tally: contest %q: row %d %v", c.ID, k, err)
		}
		out[k] = r
	}
	return out, nil
}

// Ranking returns the ranking of one decoded row of the decoder's Ranked
// contest, as Rankings does for each row.
func (d *RowDecoder) Ranking(r *DecodedRow) (ranked.Ranking, error) {
	if !d.ranked {
		return nil, errors.New("tally: the rows of a codes contest are not rankings")
	}
	rk, err := rowRanking(d.limit, d.pos, r)
	if err != nil {
		return nil, fmt.Errorf("tally: row %v", err)
	}
	return rk, nil
}

// rowRanking returns the ranking of one decoded row of a Ranked contest
// whose limit is limit, with pos the candidates' indices by code.
func rowRanking(limit int, pos map[uint32]int, r *DecodedRow) (ranked.Ranking, error) {
	if r.Invalid != "" {
		return ranked.Ranking{}, nil
	}
	if r.Codes == nil || len(r.Codes) > limit {
		return nil, fmt.Errorf("is said to be valid but does not hold at most %d codes", limit)
	}
	out := make(ranked.Ranking, len(r.Codes))
	for k, code := range r.Codes {
		j, ok := pos[code]
		if !ok {
			return nil, fmt.Errorf("is said to be valid but holds code %d, which is no candidate's", code)
		}
		if slices.Contains(out[:k], j) {
			return nil, fmt.Errorf("is said to be valid but ranks code %d twice", code)
		}
		out[k] = j
	}
	return out, nil
}

// CountRanked counts Ranked contest i of election e from its decoded rows
// (in the order of the contest's decrypted list) by the contest's method,
// drawing lots with the manifest's tie-break seed (ranked.Lot: base hash,
// seed, contest index). It returns the count, to be published as
// counts/<i>.json, and the contest's totals, to be put in the Totals
// (Contests[i]) before NewResults: each candidate's first preferences, the
// invalid rows, and the Order of the outcome (see RankedOrder).
func CountRanked(e *ballot.Election, i int, rows []DecodedRow) (ContestTotals, *RankedCount, error) {
	m := e.Manifest()
	c, rc, err := rankedContest(m, i)
	if err != nil {
		return ContestTotals{}, nil, err
	}
	rs, err := Rankings(c, rows)
	if err != nil {
		return ContestTotals{}, nil, err
	}
	k, err := countRankings(e, i, rc, c.Method, rs)
	if err != nil {
		return ContestTotals{}, nil, fmt.Errorf("tally: contest %d (%s): %v", i, c.ID, err)
	}
	t := RankedTotals(c, rows, rs)
	if t.Order, err = RankedOrder(c, &t, k); err != nil {
		return ContestTotals{}, nil, err
	}
	return t, k, nil
}

// RecountRankings counts Ranked contest i of election e from the rankings
// of its rows (Rankings) by the contest's method, as CountRanked does.
func RecountRankings(e *ballot.Election, i int, rs []ranked.Ranking) (*RankedCount, error) {
	c, rc, err := rankedContest(e.Manifest(), i)
	if err != nil {
		return nil, err
	}
	k, err := countRankings(e, i, rc, c.Method, rs)
	if err != nil {
		return nil, fmt.Errorf("tally: contest %d (%s): %v", i, c.ID, err)
	}
	return k, nil
}

// countRankings counts rs by method.
func countRankings(e *ballot.Election, i int, rc ranked.Contest, method ballot.CountingMethod, rs []ranked.Ranking) (*RankedCount, error) {
	m := e.Manifest()
	lot := &ranked.Lot{BaseHash: e.BaseHash(), Seed: m.TieBreakSeed, Contest: uint32(i)}
	k := new(RankedCount)
	var err error
	switch method {
	case ballot.STVScottish2007:
		k.STV, err = ranked.CountSTV(rc, rs, lot)
	case ballot.IRV:
		k.STV, err = ranked.CountIRV(rc, rs, lot)
	case ballot.STVMeek:
		k.Meek, err = ranked.CountMeek(rc, rs, lot)
	case ballot.Schulze:
		k.Schulze, err = ranked.Schulze(rc, rs, lot)
	default:
		err = fmt.Errorf("unknown counting method %q", method)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// RankedTotals returns the totals of Ranked contest c from its decoded
// rows and their rankings (Rankings): each candidate's first preferences
// and the invalid rows, without the Order.
func RankedTotals(c *ballot.Contest, rows []DecodedRow, rs []ranked.Ranking) ContestTotals {
	t := ContestTotals{ID: c.ID, Selections: make([]SelectionTotal, len(c.Candidates))}
	for j, cand := range c.Candidates {
		t.Selections[j].Code = cand.Code
	}
	for k := range rows {
		if rows[k].Invalid != "" {
			t.Invalid++
		} else if len(rs[k]) > 0 {
			t.Selections[rs[k][0]].Count++
		}
	}
	return t
}

// RankedOrder returns the order of the outcome of count k of Ranked contest
// c, as candidate codes, given the contest's totals t (first preferences):
// for single transferable vote and instant-runoff the candidates elected,
// in the order of election, then the others by descending first
// preferences, equal ones in ballot order; for Schulze the count's order
// (the tiers, each by lot). It returns an error if the count is
// incomplete (a tie left unresolved, or a Schulze result without order),
// which a count with the manifest's seed never is.
func RankedOrder(c *ballot.Contest, t *ContestTotals, k *RankedCount) ([]uint32, error) {
	n := len(c.Candidates)
	var order []int
	switch {
	case k.Schulze != nil:
		if len(k.Schulze.Order) != n {
			return nil, fmt.Errorf("tally: contest %s: the Schulze result orders %d of the %d candidates (a count without lot)", c.ID, len(k.Schulze.Order), n)
		}
		order = slices.Clone(k.Schulze.Order)
	case k.STV != nil || k.Meek != nil:
		var elected []int
		var unresolved *ranked.Tie
		if k.STV != nil {
			elected, unresolved = k.STV.Elected, k.STV.Unresolved
		} else {
			elected, unresolved = k.Meek.Elected, k.Meek.Unresolved
		}
		if unresolved != nil {
			return nil, fmt.Errorf("tally: contest %s: the count stopped at a tie left unresolved (a count without lot)", c.ID)
		}
		order = slices.Clone(elected)
		rest := make([]int, 0, n)
		for j := range n {
			if !slices.Contains(elected, j) {
				rest = append(rest, j)
			}
		}
		slices.SortStableFunc(rest, func(a, b int) int {
			x, y := t.Selections[a].Count, t.Selections[b].Count
			switch {
			case x > y:
				return -1
			case x < y:
				return 1
			}
			return 0
		})
		order = append(order, rest...)
	default:
		return nil, errors.New("tally: ranked count: no count")
	}
	out := make([]uint32, len(order))
	seen := make([]bool, n)
	for p, j := range order {
		if j < 0 || j >= n || seen[j] {
			return nil, fmt.Errorf("tally: contest %s: the count's order does not name each of the %d candidates once", c.ID, n)
		}
		seen[j] = true
		out[p] = c.Candidates[j].Code
	}
	if len(out) != n {
		return nil, fmt.Errorf("tally: contest %s: the count's order names %d of the %d candidates", c.ID, len(out), n)
	}
	return out, nil
}

// CheckRankedCount is the verifier's check of the published count of Ranked
// contest i of election e (check 24): it recounts the decoded rows by the
// contest's method and returns nil if the published count is the same in
// every field, or an error naming the first stage (or round) and field that
// differ, for example
//
//	tally: contest 0 (council): count: ranked: check: stage 4: field transfers[2]: published 12.00000, recomputed 11.00000
func CheckRankedCount(e *ballot.Election, i int, rows []DecodedRow, published *RankedCount) error {
	c, _, err := rankedContest(e.Manifest(), i)
	if err != nil {
		return err
	}
	rs, err := Rankings(c, rows)
	if err != nil {
		return err
	}
	return CheckRankings(e, i, rs, published)
}

// CheckRankings is CheckRankedCount from the rankings of the rows
// (Rankings), for a verifier that has read them row by row.
func CheckRankings(e *ballot.Election, i int, rs []ranked.Ranking, published *RankedCount) error {
	m := e.Manifest()
	c, rc, err := rankedContest(m, i)
	if err != nil {
		return err
	}
	lot := &ranked.Lot{BaseHash: e.BaseHash(), Seed: m.TieBreakSeed, Contest: uint32(i)}
	switch {
	case published == nil:
		err = errors.New("no count")
	case (c.Method == ballot.STVScottish2007 || c.Method == ballot.IRV) && published.STV != nil:
		want := ranked.MethodScottishSTV
		if c.Method == ballot.IRV {
			want = ranked.MethodIRV
		}
		if published.STV.Method != want {
			err = fmt.Errorf("field method: published %q, the manifest's method %q counts as %q", published.STV.Method, c.Method, want)
			break
		}
		err = ranked.Check(rc, rs, lot, published.STV)
	case c.Method == ballot.STVMeek && published.Meek != nil:
		err = ranked.CheckMeek(rc, rs, lot, published.Meek)
	case c.Method == ballot.Schulze && published.Schulze != nil:
		err = ranked.CheckSchulze(rc, rs, lot, published.Schulze)
	default:
		err = fmt.Errorf("not a count by the manifest's method %q", c.Method)
	}
	if err != nil {
		return fmt.Errorf("tally: contest %d (%s): count: %v", i, c.ID, err)
	}
	return nil
}

// rankedResult is the result of Ranked contest c (index i) from its totals,
// whose Order the count gave.
func rankedResult(c *ballot.Contest, i int, t *ContestTotals) (ContestResult, error) {
	n := len(c.Candidates)
	if len(t.Order) != n {
		return ContestResult{}, fmt.Errorf("tally: totals: contest %d (%s): an order of %d candidates, the contest has %d (CountRanked)", i, c.ID, len(t.Order), n)
	}
	idx := make(map[uint32]int, n)
	for j, cand := range c.Candidates {
		idx[cand.Code] = j
	}
	cr := ContestResult{ID: c.ID, Kind: c.Kind, Seats: c.Seats, Alternates: c.Alternates, Invalid: t.Invalid, Standings: make([]Standing, n), Ties: []Tie{}}
	seen := make([]bool, n)
	k, a := int(c.Seats), int(c.Alternates)
	for p, code := range t.Order {
		j, ok := idx[code]
		if !ok || seen[j] {
			return ContestResult{}, fmt.Errorf("tally: totals: contest %d (%s): the order does not name each candidate once (code %d at position %d)", i, c.ID, code, p+1)
		}
		seen[j] = true
		s := Standing{Position: p + 1, Code: code, Name: c.Candidates[j].Name, Count: t.Selections[j].Count, Outcome: NotElected}
		switch {
		case p < k:
			s.Outcome = Main
		case p < k+a:
			s.Outcome = Alternate
		}
		cr.Standings[p] = s
	}
	return cr, nil
}

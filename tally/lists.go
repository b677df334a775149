package tally

import (
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/tally/apportion"
)

// ListInput returns the input of the seat allocation of list contest i of
// m (ballot.ProportionalList) from the decrypted totals (docs/spec.md
// §Counting methods, "List contests"): the contest's method, seats and
// threshold, each list's votes and each candidate's preference votes, and
// the manifest's tie-break seed with the base hash and the contest index.
// With X_L the total of list L's selection, Z_L that of its additional
// votes and Y_c that of candidate c, a list's votes are X_L under the
// open rule and Z_L + Σ_{c on L} Y_c under panachage; a candidate's
// preference votes are Y_c.
func ListInput(m *ballot.Manifest, i int, totals *Totals) (*apportion.Input, error) {
	if i < 0 || i >= len(m.Contests) || m.Contests[i].Kind != ballot.ProportionalList {
		return nil, fmt.Errorf("tally: contest %d is not a %q contest", i, ballot.ProportionalList)
	}
	c := &m.Contests[i]
	if i >= len(totals.Contests) {
		return nil, fmt.Errorf("tally: totals: no contest %d", i)
	}
	t := &totals.Contests[i]
	codes := c.SelectionCodes()
	if len(t.Selections) != len(codes) {
		return nil, fmt.Errorf("tally: totals: contest %d (%s): %d selections, but the list contest has %d (lists, additional votes and candidates)", i, c.ID, len(t.Selections), len(codes))
	}
	for j, code := range codes {
		if t.Selections[j].Code != code {
			return nil, fmt.Errorf("tally: totals: contest %d (%s): selection %d: code %d, but the manifest's selection %d has code %d", i, c.ID, j, t.Selections[j].Code, j, code)
		}
	}
	nl := len(c.Lists)
	off := len(codes) - len(c.Candidates)
	pref := make(map[uint32]uint64, len(c.Candidates))
	names := make(map[uint32]string, len(c.Candidates))
	for j, cd := range c.Candidates {
		pref[cd.Code] = t.Selections[off+j].Count
		names[cd.Code] = cd.Name
	}
	in := &apportion.Input{Method: apportion.Method(c.Method), Seats: int(c.Seats), Threshold: c.Threshold, Lists: make([]apportion.List, nl)}
	for l, pl := range c.Lists {
		al := apportion.List{Code: pl.Code, Name: pl.Name, Candidates: make([]apportion.Candidate, len(pl.Candidates))}
		if c.ListRule == ballot.OpenList {
			al.Votes = t.Selections[l].Count
		} else {
			al.Votes = t.Selections[nl+l].Count
		}
		for k, code := range pl.Candidates {
			al.Candidates[k] = apportion.Candidate{Code: code, Name: names[code], Votes: pref[code]}
			if c.ListRule == ballot.Panachage {
				if al.Votes+pref[code] < al.Votes {
					return nil, fmt.Errorf("tally: totals: contest %d (%s): list %d: the votes overflow", i, c.ID, pl.Code)
				}
				al.Votes += pref[code]
			}
		}
		in.Lists[l] = al
	}
	if len(m.TieBreakSeed) > 0 {
		in.TieBreak = &apportion.TieBreak{BaseHash: totals.BaseHash, Seed: m.TieBreakSeed, Contest: uint32(i)}
	}
	return in, nil
}

// AllocateList allocates the seats of list contest i of m from the
// decrypted totals: apportion.Allocate of ListInput. Its result is what an
// election record publishes for the contest (package election,
// counts/<i>.json).
func AllocateList(m *ballot.Manifest, i int, totals *Totals) (*apportion.Result, error) {
	in, err := ListInput(m, i, totals)
	if err != nil {
		return nil, err
	}
	r, err := apportion.Allocate(in)
	if err != nil {
		return nil, fmt.Errorf("tally: contest %d (%s): %w", i, m.Contests[i].ID, err)
	}
	return r, nil
}

// listContestResult is the results entry of list contest c with
// allocation a: its candidates list by list in ballot order, each list's in
// its order of preference votes (elected first, apportion.ListResult), at
// positions 1, 2, … across the contest, with their preference votes as
// counts. The list's elected candidates are main members, the next
// Alternates of its other candidates alternates, the rest not elected;
// when an unbroken tie leaves seats undecided, the first candidate not
// elected of each tied list is tied instead. The list ties themselves are
// in the allocation; Ties is empty. In a weighted election the counts and
// the allocation are weighted, and each standing also has its candidate's
// unweighted total from t.
func listContestResult(c *ballot.Contest, a *apportion.Result, t *ContestTotals) ContestResult {
	cr := ContestResult{ID: c.ID, Kind: c.Kind, Seats: c.Seats, Alternates: c.Alternates, Ties: []Tie{}}
	tied := map[uint32]bool{}
	if a.Undecided > 0 {
		for _, t := range a.Ties {
			if !t.Broken {
				for _, code := range t.Lists {
					tied[code] = true
				}
			}
		}
	}
	unweighted := make(map[uint32]uint64, len(c.Candidates))
	for _, s := range t.Selections[len(t.Selections)-len(c.Candidates):] {
		unweighted[s.Code] = s.Unweighted
	}
	votes := make(map[uint32]uint64, len(c.Candidates))
	names := make(map[uint32]string, len(c.Candidates))
	for _, l := range a.Lists {
		for _, cd := range l.Candidates {
			votes[cd.Code], names[cd.Code] = cd.Votes, cd.Name
		}
	}
	for _, l := range a.Lists {
		cr.Lists = append(cr.Lists, ListSeats{Code: l.Code, Name: l.Name, Votes: l.Votes, Seats: l.Seats, Candidates: len(l.Candidates)})
		add := func(code uint32, o Outcome) {
			cr.Standings = append(cr.Standings, Standing{Position: len(cr.Standings) + 1, Code: code, Name: names[code], Count: votes[code], Unweighted: unweighted[code], Outcome: o})
		}
		for _, code := range l.Elected {
			add(code, Main)
		}
		for k, code := range l.Alternates {
			o := NotElected
			if k < int(c.Alternates) {
				o = Alternate
			}
			if k == 0 && tied[l.Code] {
				o = Tied
			}
			add(code, o)
		}
	}
	return cr
}

// ListSeats is one list's line of a list contest's results: its code and
// name, its votes and the seats it won, and the number of its candidates
// (its standings follow one another in the contest's standings).
type ListSeats struct {
	Code       uint32
	Name       string
	Votes      uint64
	Seats      int
	Candidates int
}

type jsonListSeats struct {
	Code       uint32 `json:"code"`
	Name       string `json:"name"`
	Votes      uint64 `json:"votes"`
	Seats      int    `json:"seats"`
	Candidates int    `json:"candidates"`
}

// listsJSON sets the "lists" member of contest i's JSON form: present,
// and non-empty, exactly in a list contest.
func (c *ContestResult) listsJSON(i int, jc *jsonContestResult) error {
	if (c.Kind == ballot.ProportionalList) != (len(c.Lists) > 0) {
		return fmt.Errorf("tally: results: contest %d (%s): %d lists in a %q contest", i, c.ID, len(c.Lists), c.Kind)
	}
	for _, l := range c.Lists {
		jc.Lists = append(jc.Lists, jsonListSeats(l))
	}
	return nil
}

// listsFromJSON reads the "lists" member, required in a list contest and
// refused in the others, with at most as many lists and candidates as a
// contest has.
func (c *ContestResult) listsFromJSON(where string, jc *jsonContestResult) error {
	switch {
	case jc.Kind == ballot.ProportionalList && len(jc.Lists) == 0:
		return fmt.Errorf("%s: field lists: missing in a %q contest", where, jc.Kind)
	case jc.Kind != ballot.ProportionalList && jc.Lists != nil:
		return fmt.Errorf("%s: field lists: present in a %q contest", where, jc.Kind)
	case len(jc.Lists) > ballot.MaxCandidates:
		return fmt.Errorf("%s: field lists: %d lists exceed the maximum %d", where, len(jc.Lists), ballot.MaxCandidates)
	}
	for k, l := range jc.Lists {
		if len(l.Name) > maxID {
			return fmt.Errorf("%s: list %d: field name: %d bytes exceed the maximum %d", where, k, len(l.Name), maxID)
		}
		if l.Seats < 0 || l.Candidates < 0 || l.Candidates > ballot.MaxCodeListCandidates {
			return fmt.Errorf("%s: list %d: seats %d or candidates %d out of range", where, k, l.Seats, l.Candidates)
		}
		c.Lists = append(c.Lists, ListSeats(l))
	}
	return nil
}

// checkLists compares the published lists of a list contest with the
// recomputed ones.
func checkLists(where string, got, want *ContestResult) error {
	if len(got.Lists) != len(want.Lists) {
		return fmt.Errorf("%s: %d lists published, but the contest has %d", where, len(got.Lists), len(want.Lists))
	}
	for k := range want.Lists {
		if g, w := got.Lists[k], want.Lists[k]; g != w {
			return fmt.Errorf("%s: list %d (code %d): published %d votes, %d seats, %d candidates (%q), but the totals give %d votes, %d seats, %d candidates (%q)", where, k, w.Code, g.Votes, g.Seats, g.Candidates, g.Name, w.Votes, w.Seats, w.Candidates, w.Name)
		}
	}
	return nil
}

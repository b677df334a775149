package tally

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/wire"
)

type jsonResults struct {
	ElectionID string              `json:"electionId"`
	BaseHash   string              `json:"baseHash"`
	TallyHash  string              `json:"tallyHash"`
	Ballots    uint64              `json:"ballots"`
	Weight     *uint64             `json:"weight,omitempty"` // weighted elections only
	Contests   []jsonContestResult `json:"contests"`
}

type jsonContestResult struct {
	ID         string             `json:"id"`
	Kind       ballot.ContestKind `json:"kind"`
	Seats      uint32             `json:"seats"`
	Alternates uint32             `json:"alternates"`
	Invalid    *uint64            `json:"invalid,omitempty"` // CodeList and Ranked contests only
	Lists      []jsonListSeats    `json:"lists,omitempty"`   // ProportionalList contests only
	Standings  []jsonStanding     `json:"standings"`
	Ties       []jsonTie          `json:"ties"`
}

type jsonStanding struct {
	Position int    `json:"position"`
	Code     uint32 `json:"code"`
	Name     string `json:"name"`
	Count    uint64 `json:"count"`
	// Unweighted is present exactly in weighted elections.
	Unweighted *uint64 `json:"unweighted,omitempty"`
	Outcome    Outcome `json:"outcome,omitempty"`
}

type jsonTie struct {
	Count          uint64   `json:"count"`
	First          int      `json:"first"`
	Last           int      `json:"last"`
	Candidates     []uint32 `json:"candidates"`
	MainSeats      int      `json:"mainSeats"`
	AlternateSeats int      `json:"alternateSeats"`
	Broken         bool     `json:"broken"`
}

// MarshalJSON encodes r as
//
//	{"electionId": …, "baseHash": hex, "tallyHash": hex, "ballots": n,
//	 "contests": [{"id": …, "kind": …, "seats": k, "alternates": j,
//	   "invalid": n (CodeList and Ranked contests only),
//	   "standings": [{"position": 1, "code": 101, "name": …, "count": 532,
//	                  "outcome": "main"}, …],
//	   "ties": [{"count": 40, "first": 6, "last": 8, "candidates": [104, 111, 112],
//	             "mainSeats": 2, "alternateSeats": 1, "broken": false}, …]}, …]}
//
// with hashes in lowercase hexadecimal and "outcome" left out in contests
// without seats. The members are always in this order, so equal results
// have equal encodings. The tie-break seed is not repeated: it is the
// manifest's (ballot.Manifest.TieBreakSeed).
func (r *Results) MarshalJSON() ([]byte, error) {
	j := jsonResults{
		ElectionID: r.ElectionID,
		BaseHash:   hex.EncodeToString(r.BaseHash[:]),
		TallyHash:  hex.EncodeToString(r.TallyHash[:]),
		Ballots:    r.Ballots,
		Contests:   make([]jsonContestResult, len(r.Contests)),
	}
	if r.Weighted {
		w := r.Weight
		j.Weight = &w
	}
	for i := range r.Contests {
		c := &r.Contests[i]
		jc := jsonContestResult{ID: c.ID, Kind: c.Kind, Seats: c.Seats, Alternates: c.Alternates,
			Standings: make([]jsonStanding, len(c.Standings)), Ties: make([]jsonTie, len(c.Ties))}
		if c.Kind == ballot.CodeList || c.Kind == ballot.Ranked {
			n := c.Invalid
			jc.Invalid = &n
		} else if c.Invalid != 0 {
			return nil, fmt.Errorf("tally: results: contest %d (%s): %d invalid rows in a %q contest", i, c.ID, c.Invalid, c.Kind)
		}
		for k, s := range c.Standings {
			jc.Standings[k] = standingJSON(s, r.Weighted)
		}
		if err := c.listsJSON(i, &jc); err != nil {
			return nil, err
		}
		for k, t := range c.Ties {
			jc.Ties[k] = jsonTie(t)
			if jc.Ties[k].Candidates == nil {
				jc.Ties[k].Candidates = []uint32{}
			}
		}
		j.Contests[i] = jc
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the form of MarshalJSON. It rejects unknown members
// (a "tieBreakSeed" among them: the seed is the manifest's), malformed hashes, unknown kinds and outcomes, and more contests,
// candidates or ties than a manifest can have, with errors naming the field
// and the contest; whether the results are right is for CheckResults. On
// error r is unchanged.
func (r *Results) UnmarshalJSON(data []byte) error {
	var j jsonResults
	if err := strictJSON("results", data, &j); err != nil {
		return err
	}
	out := Results{ElectionID: j.ElectionID, Ballots: j.Ballots}
	if j.Weight != nil {
		out.Weighted, out.Weight = true, *j.Weight
	}
	if len(j.ElectionID) > maxID {
		return fmt.Errorf("tally: results: field electionId: %d bytes exceed the maximum %d", len(j.ElectionID), maxID)
	}
	for _, f := range []struct {
		name, text string
		dst        []byte
	}{{"baseHash", j.BaseHash, out.BaseHash[:]}, {"tallyHash", j.TallyHash, out.TallyHash[:]}} {
		b, err := wire.DecodeHex(f.name, f.text, ballot.HashSize)
		if err != nil {
			return fmt.Errorf("tally: results: %v", err)
		}
		copy(f.dst, b)
	}
	if len(j.Contests) > ballot.MaxContests {
		return fmt.Errorf("tally: results: %d contests exceed the maximum %d", len(j.Contests), ballot.MaxContests)
	}
	out.Contests = make([]ContestResult, len(j.Contests))
	for i, jc := range j.Contests {
		where := fmt.Sprintf("tally: results: contest %d (%s)", i, jc.ID)
		if len(jc.ID) > maxID {
			return fmt.Errorf("tally: results: contest %d: field id: %d bytes exceed the maximum %d", i, len(jc.ID), maxID)
		}
		maxCandidates := ballot.MaxCandidates
		switch jc.Kind {
		case ballot.UpTo, ballot.Exactly, ballot.YesNo, ballot.Score, ballot.ProportionalList:
			if jc.Invalid != nil {
				return fmt.Errorf("%s: field invalid: present in a %q contest, which has no mixed rows", where, jc.Kind)
			}
			if jc.Kind == ballot.ProportionalList {
				// A mixed list contest may have as many candidates as a
				// CodeList contest.
				maxCandidates = ballot.MaxCodeListCandidates
			}
		case ballot.CodeList, ballot.Ranked:
			if jc.Invalid == nil {
				return fmt.Errorf("%s: field invalid: missing in a %q contest", where, jc.Kind)
			}
			maxCandidates = ballot.MaxCodeListCandidates
		default:
			return fmt.Errorf("%s: field kind: unknown kind %q", where, jc.Kind)
		}
		if len(jc.Standings) > maxCandidates {
			return fmt.Errorf("%s: field standings: %d candidates exceed the maximum %d", where, len(jc.Standings), maxCandidates)
		}
		if len(jc.Ties) > len(jc.Standings) {
			return fmt.Errorf("%s: field ties: %s among %s", where, prose.Count(len(jc.Ties), "tie"), prose.Count(len(jc.Standings), "candidate"))
		}
		c := ContestResult{ID: jc.ID, Kind: jc.Kind, Seats: jc.Seats, Alternates: jc.Alternates,
			Standings: make([]Standing, len(jc.Standings)), Ties: make([]Tie, len(jc.Ties))}
		if jc.Invalid != nil {
			c.Invalid = *jc.Invalid
		}
		if err := c.listsFromJSON(where, &jc); err != nil {
			return err
		}
		for k, s := range jc.Standings {
			switch s.Outcome {
			case "", Main, Alternate, Tied, NotElected:
			default:
				return fmt.Errorf("%s: standing %d: field outcome: unknown outcome %q", where, k, s.Outcome)
			}
			if len(s.Name) > maxID {
				return fmt.Errorf("%s: standing %d: field name: %d bytes exceed the maximum %d", where, k, len(s.Name), maxID)
			}
			if (s.Unweighted != nil) != out.Weighted {
				return fmt.Errorf("%s: standing %d: field unweighted: %s", where, k, unweightedMismatch(out.Weighted))
			}
			c.Standings[k] = standingOf(s)
		}
		for k, t := range jc.Ties {
			if len(t.Candidates) > len(jc.Standings) {
				return fmt.Errorf("%s: tie %d: field candidates: %s among %d", where, k, prose.Count(len(t.Candidates), "candidate"), len(jc.Standings))
			}
			c.Ties[k] = Tie(t)
		}
		out.Contests[i] = c
	}
	*r = out
	return nil
}

// standingJSON and standingOf convert a Standing to and from its JSON form,
// which has "unweighted" exactly in weighted results.
func standingJSON(s Standing, weighted bool) jsonStanding {
	j := jsonStanding{Position: s.Position, Code: s.Code, Name: s.Name, Count: s.Count, Outcome: s.Outcome}
	if weighted {
		u := s.Unweighted
		j.Unweighted = &u
	}
	return j
}

func standingOf(j jsonStanding) Standing {
	s := Standing{Position: j.Position, Code: j.Code, Name: j.Name, Count: j.Count, Outcome: j.Outcome}
	if j.Unweighted != nil {
		s.Unweighted = *j.Unweighted
	}
	return s
}

func unweightedMismatch(weighted bool) string {
	if weighted {
		return `missing in weighted results (ones with "weight")`
	}
	return `present in unweighted results (ones without "weight")`
}

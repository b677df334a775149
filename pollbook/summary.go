package pollbook

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/wire"
)

// StationCounts are the counts of one station's marks in the central book.
type StationCounts struct {
	Station string `json:"station"`
	// Marks is the number of the station's marks, of both kinds.
	Marks uint64 `json:"marks"`
	// Committee is the number of voters admitted by committee decision.
	Committee uint64 `json:"committee"`
	// DoubleVotes is the number of the station's marks of a pseudonym
	// that has another mark, here or at another station.
	DoubleVotes uint64 `json:"doubleVotes"`
	// NotListed is the number of marks of pseudonyms not on the list.
	NotListed uint64 `json:"notListed"`
	// ReusedDecisions is the number of decision marks whose reference the
	// station had used before.
	ReusedDecisions uint64 `json:"reusedDecisions"`
}

// A Summary is what the central book publishes: counts only, never a
// pseudonym or a mark (docs/spec.md §The poll book, "The summary").
type Summary struct {
	ElectionID string
	BaseHash   [ballot.HashSize]byte
	// Marks is the number of marks of all stations; Marks = Voters +
	// DoubleVotes + Committee.
	Marks uint64
	// Voters is the number of distinct pseudonyms marked.
	Voters uint64
	// Committee is the number of voters admitted by committee decision.
	Committee uint64
	// DoubleVotes is the number of marks beyond the first of each
	// pseudonym: the ballots cast that should not have been.
	DoubleVotes uint64
	// NotListed and ReusedDecisions are the sums of the stations'.
	NotListed       uint64
	ReusedDecisions uint64
	// Stations are the stations with at least one mark, in ascending
	// order of identifier.
	Stations []StationCounts
}

// Summary returns the central book's counts.
func (c *Central) Summary() *Summary {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &Summary{ElectionID: c.p.List.ElectionID(), BaseHash: c.baseHash, Voters: uint64(len(c.voters)), Stations: []StationCounts{}}
	for _, st := range c.stations {
		s.Stations = append(s.Stations, st.c)
		s.Marks += st.c.Marks
		s.Committee += st.c.Committee
		s.NotListed += st.c.NotListed
		s.ReusedDecisions += st.c.ReusedDecisions
	}
	slices.SortFunc(s.Stations, func(a, b StationCounts) int { return strings.Compare(a.Station, b.Station) })
	s.DoubleVotes = s.Marks - s.Committee - s.Voters
	return s
}

type summaryJSON struct {
	ElectionID      string          `json:"electionId"`
	BaseHash        string          `json:"baseHash"`
	Marks           uint64          `json:"marks"`
	Voters          uint64          `json:"voters"`
	Committee       uint64          `json:"committee"`
	DoubleVotes     uint64          `json:"doubleVotes"`
	NotListed       uint64          `json:"notListed"`
	ReusedDecisions uint64          `json:"reusedDecisions"`
	Stations        []StationCounts `json:"stations"`
}

// MarshalJSON encodes s as
//
//	{"electionId": …, "baseHash": hex, "marks": n, "voters": n, "committee": n,
//	 "doubleVotes": n, "notListed": n, "reusedDecisions": n,
//	 "stations": [{"station": …, "marks": n, "committee": n, "doubleVotes": n,
//	               "notListed": n, "reusedDecisions": n}, …]}
func (s *Summary) MarshalJSON() ([]byte, error) {
	st := s.Stations
	if st == nil {
		st = []StationCounts{}
	}
	return json.Marshal(summaryJSON{ElectionID: s.ElectionID, BaseHash: hex.EncodeToString(s.BaseHash[:]), Marks: s.Marks, Voters: s.Voters,
		Committee: s.Committee, DoubleVotes: s.DoubleVotes, NotListed: s.NotListed, ReusedDecisions: s.ReusedDecisions, Stations: st})
}

// UnmarshalJSON decodes the form of MarshalJSON strictly (StrictJSON's
// rules) and checks that the counts agree (Check).
func (s *Summary) UnmarshalJSON(data []byte) error {
	var j summaryJSON
	if err := wire.StrictJSON(data, &j); err != nil {
		return fmt.Errorf("pollbook: summary JSON: %v", err)
	}
	bh, err := wire.DecodeHex("baseHash", j.BaseHash, ballot.HashSize)
	if err != nil {
		return fmt.Errorf("pollbook: summary JSON: %v", err)
	}
	n := Summary{ElectionID: j.ElectionID, BaseHash: [ballot.HashSize]byte(bh), Marks: j.Marks, Voters: j.Voters, Committee: j.Committee,
		DoubleVotes: j.DoubleVotes, NotListed: j.NotListed, ReusedDecisions: j.ReusedDecisions, Stations: j.Stations}
	if err := n.Check(); err != nil {
		return err
	}
	*s = n
	return nil
}

// ParseSummary decodes a summary (UnmarshalJSON).
func ParseSummary(data []byte) (*Summary, error) {
	s := new(Summary)
	if err := s.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return s, nil
}

// Check checks that the counts of s agree: stations in ascending order,
// each once; each station's counts within its marks; the totals the sums
// of the stations' (Marks, Committee, NotListed, ReusedDecisions); Marks =
// Voters + DoubleVotes + Committee; and the stations' double votes, which
// count every mark of a pseudonym marked more than once, between
// DoubleVotes and twice it.
func (s *Summary) Check() error {
	if err := checkID("summary: electionId", s.ElectionID); err != nil {
		return err
	}
	var marks, committee, notListed, reused, double uint64
	add := func(field string, sum *uint64, v uint64) error {
		if *sum+v < *sum {
			return fmt.Errorf("pollbook: summary: the sum of the stations' %s overflows", field)
		}
		*sum += v
		return nil
	}
	for i, st := range s.Stations {
		if err := checkID(fmt.Sprintf("summary: stations[%d].station", i), st.Station); err != nil {
			return err
		}
		if i > 0 && strings.Compare(s.Stations[i-1].Station, st.Station) >= 0 {
			return fmt.Errorf("pollbook: summary: stations[%d]: station %q is not after %q (ascending, each once)", i, st.Station, s.Stations[i-1].Station)
		}
		if st.Marks == 0 || st.Committee > st.Marks || st.DoubleVotes > st.Marks-st.Committee || st.NotListed > st.Marks-st.Committee || st.ReusedDecisions > st.Committee {
			return fmt.Errorf("pollbook: summary: stations[%d] (%q): counts do not fit in its %d marks", i, st.Station, st.Marks)
		}
		for _, f := range []struct {
			name string
			sum  *uint64
			v    uint64
		}{{"marks", &marks, st.Marks}, {"committee", &committee, st.Committee}, {"notListed", &notListed, st.NotListed},
			{"reusedDecisions", &reused, st.ReusedDecisions}, {"doubleVotes", &double, st.DoubleVotes}} {
			if err := add(f.name, f.sum, f.v); err != nil {
				return err
			}
		}
	}
	switch {
	case marks != s.Marks:
		return fmt.Errorf("pollbook: summary: marks is %d, the stations' sum %d", s.Marks, marks)
	case committee != s.Committee:
		return fmt.Errorf("pollbook: summary: committee is %d, the stations' sum %d", s.Committee, committee)
	case notListed != s.NotListed:
		return fmt.Errorf("pollbook: summary: notListed is %d, the stations' sum %d", s.NotListed, notListed)
	case reused != s.ReusedDecisions:
		return fmt.Errorf("pollbook: summary: reusedDecisions is %d, the stations' sum %d", s.ReusedDecisions, reused)
	case s.Voters > s.Marks-s.Committee || s.Marks-s.Committee-s.Voters != s.DoubleVotes:
		return fmt.Errorf("pollbook: summary: marks %d is not voters %d + doubleVotes %d + committee %d", s.Marks, s.Voters, s.DoubleVotes, s.Committee)
	case double < s.DoubleVotes || double-s.DoubleVotes > s.DoubleVotes || (double > 0) != (s.DoubleVotes > 0):
		return fmt.Errorf("pollbook: summary: the stations' doubleVotes sum to %d, which does not fit doubleVotes %d (between it and twice it)", double, s.DoubleVotes)
	case s.NotListed > s.Voters:
		return fmt.Errorf("pollbook: summary: notListed %d exceeds voters %d", s.NotListed, s.Voters)
	}
	return nil
}

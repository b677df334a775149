package ranked

import (
	"errors"
	"fmt"
)

// A Ranking is one ballot's preferences in canonical form: candidate
// indices 0..n-1 of the contest, most preferred first, each at most once,
// at most the contest's MaxRanks of them, and at least one. Position i of
// the slice is preference i+1; a ranking has no gaps, because it is a list
// of the ranked candidates and not a row of slots.
//
// A row that breaks the form is not counted; ValidateRanking says why, with
// one of the Reason texts.
type Ranking []int

// The reasons why a row is not a valid Ranking, in the order
// ValidateRanking checks them: the first one that applies is the reason.
const (
	// ReasonEmpty: the row ranks no candidate (a blank ballot).
	ReasonEmpty = "empty ranking"
	// ReasonTooMany: the row ranks more candidates than MaxRanks.
	ReasonTooMany = "too many ranks"
	// ReasonUnknown: an entry is not an index 0..n-1.
	ReasonUnknown = "unknown candidate"
	// ReasonRepeated: a candidate appears twice.
	ReasonRepeated = "repeated candidate"
	// ReasonGap is for decoders of rows of fixed width, whose empty slots
	// must all come after the filled ones: a filled slot after an empty
	// one is a gap. A Ranking itself cannot have one.
	ReasonGap = "gap in ranks"
)

// An InvalidRankingError says why a row is not a valid Ranking: Reason is
// one of the Reason texts, and Position the 0-based place in the row of
// the first entry that breaks it (-1 for ReasonEmpty and ReasonTooMany).
type InvalidRankingError struct {
	Reason   string
	Position int
}

func (e *InvalidRankingError) Error() string {
	if e.Position < 0 {
		return "ranked: " + e.Reason
	}
	return fmt.Sprintf("ranked: rank %d: %s", e.Position+1, e.Reason)
}

// A Contest is what counting needs to know of a ranked contest.
type Contest struct {
	// Candidates is the number n of candidates, indexed 0..n-1, at least 1
	// and at most MaxCandidates.
	Candidates int
	// MaxRanks is N, the most candidates a ranking may hold, 1..n.
	MaxRanks int
	// Seats is the number of seats, for single transferable vote: 1..n-1
	// (CountSTV). Instant-runoff and Schulze ignore it.
	Seats int
}

// Limits of a contest.
const (
	// MaxCandidates is the most candidates a contest may have (the limit
	// of a CodeList contest, ballot.MaxCodeListCandidates).
	MaxCandidates = 10000
	// MaxRows is the most rows one count takes: 2^40, so that every total
	// of votes fits a Value with room to spare.
	MaxRows = 1 << 40
	// MaxSchulzeCandidates bounds Schulze contests, whose matrices grow
	// with the square of the candidates.
	MaxSchulzeCandidates = 1000
)

func (c Contest) check(method string) error {
	max := MaxCandidates
	if method == MethodSchulze {
		max = MaxSchulzeCandidates
	}
	if c.Candidates < 1 || c.Candidates > max {
		return fmt.Errorf("ranked: %s: %d candidates, want 1..%d", method, c.Candidates, max)
	}
	if c.MaxRanks < 1 || c.MaxRanks > c.Candidates {
		return fmt.Errorf("ranked: %s: MaxRanks %d, want 1..%d (the candidates)", method, c.MaxRanks, c.Candidates)
	}
	if (method == MethodScottishSTV || method == MethodMeek) && (c.Seats < 1 || c.Seats >= c.Candidates) {
		return fmt.Errorf("ranked: %s: %d seats for %d candidates, want 1..%d", method, c.Seats, c.Candidates, c.Candidates-1)
	}
	return nil
}

// ValidateRanking reports whether r is a valid ranking in contest c: nil,
// or an *InvalidRankingError with the first reason that applies, checked
// in this order: ReasonEmpty, ReasonTooMany, then entry by entry
// ReasonUnknown and ReasonRepeated.
func ValidateRanking(c Contest, r Ranking) error {
	if len(r) == 0 {
		return &InvalidRankingError{Reason: ReasonEmpty, Position: -1}
	}
	if len(r) > c.MaxRanks {
		return &InvalidRankingError{Reason: ReasonTooMany, Position: -1}
	}
	// A ranking holds at most MaxRanks <= n entries; for short ones a
	// quadratic scan is cheaper than a set.
	for i, x := range r {
		if x < 0 || x >= c.Candidates {
			return &InvalidRankingError{Reason: ReasonUnknown, Position: i}
		}
		for _, y := range r[:i] {
			if x == y {
				return &InvalidRankingError{Reason: ReasonRepeated, Position: i}
			}
		}
	}
	return nil
}

// RankingFromSlots reads a row of fixed width, whose empty slots hold
// empty (a value that is no candidate index, such as -1), into a
// Ranking: the filled slots in order. A filled slot after an empty one is
// ReasonGap; the Ranking is then checked by ValidateRanking.
func RankingFromSlots(c Contest, slots []int, empty int) (Ranking, error) {
	n := 0
	for n < len(slots) && slots[n] != empty {
		n++
	}
	for i := n; i < len(slots); i++ {
		if slots[i] != empty {
			return nil, &InvalidRankingError{Reason: ReasonGap, Position: i}
		}
	}
	r := Ranking(append([]int(nil), slots[:n]...))
	if err := ValidateRanking(c, r); err != nil {
		return nil, err
	}
	return r, nil
}

var errTooManyRows = errors.New("ranked: more rows than MaxRows")

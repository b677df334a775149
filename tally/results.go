package tally

import (
	"bytes"
	"crypto/sha512"
	"fmt"
	"math/bits"
	"slices"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/wire"
)

// tieBreakLabel starts the input of the tie-break hash.
const tieBreakLabel = "sandogh-v1/tie-break"

// An Outcome says what a candidate of a board contest (one with seats) is
// elected as. Candidates of contests without seats have no outcome ("").
type Outcome string

const (
	// Main: elected as a main member.
	Main Outcome = "main"
	// Alternate: elected as an alternate member.
	Alternate Outcome = "alternate"
	// Tied: in a tie that decides a seat, which the results do not break
	// (there is no tie-break seed); the Tie says which seats are at stake.
	Tied Outcome = "tied"
	// NotElected: neither a main member nor an alternate.
	NotElected Outcome = "not-elected"
)

// Results are the published outcome of an election: for each contest the
// candidates ordered by their totals, and for board contests who is elected
// as main member or alternate and which ties decide a seat. They are made
// from decrypted Totals by NewResults, and checked against them by
// CheckResults. Their JSON form is in docs/spec.md §Tally
// ("Results").
type Results struct {
	// ElectionID is the manifest's election identifier.
	ElectionID string
	// BaseHash is the base hash of the election.
	BaseHash [ballot.HashSize]byte
	// TallyHash is the hash of the encrypted tally that was decrypted.
	TallyHash [ballot.HashSize]byte
	// Ballots is the number of ballots counted.
	Ballots uint64
	// Weighted and Weight are the Totals' (a weighted election, and the
	// total weight of its ballots counted).
	Weighted bool
	Weight   uint64
	// Contests holds one entry per contest of the manifest, in order.
	Contests []ContestResult
}

// A ContestResult is the result of one contest.
type ContestResult struct {
	// ID, Kind, Seats and Alternates are the contest's, from the manifest.
	// Seats 0 means that the contest elects nobody (a YesNo contest, or an
	// Exactly or Score contest without seats; an UpTo or CodeList contest
	// always has seats): its standings rank the candidates without
	// outcomes, and it has no ties. It does not mean that nobody was
	// elected.
	ID         string
	Kind       ballot.ContestKind
	Seats      uint32
	Alternates uint32
	// Standings are the candidates ordered by count, highest first (see
	// NewResults for the order of equal counts).
	Standings []Standing
	// Ties are the ties that decide a seat, in order of position; always
	// empty for contests without seats.
	Ties []Tie
	// Invalid is, for a CodeList contest, the number of mixed rows that are
	// not a valid ballot (ContestTotals.Invalid); 0 for the other kinds.
	Invalid uint64
	// Lists are, for a ProportionalList contest, its lists in ballot order
	// with their votes and seats (the allocation's summary); nil for the
	// other kinds.
	Lists []ListSeats
}

// A Standing is one candidate's place in a contest's results.
type Standing struct {
	// Position is the candidate's place in the order, from 1.
	Position int
	// Code and Name are the candidate's, from the manifest.
	Code uint32
	Name string
	// Count is the candidate's total (a sum of scores in Score contests),
	// weighted in a weighted election; in a Ranked contest, the
	// candidate's first preferences: the valid rows that rank it first.
	Count uint64
	// Unweighted is, in a weighted election, the candidate's total with
	// every ballot of weight 1 (SelectionTotal.Unweighted); 0 otherwise.
	Unweighted uint64
	// Outcome is what the candidate is elected as, or "" in a contest
	// without seats.
	Outcome Outcome
}

// A Tie is a group of candidates with equal counts whose positions straddle
// a seat boundary (between the main members and the alternates, or between
// the alternates and the candidates not elected), so that their counts do
// not decide who gets which seat.
type Tie struct {
	// Count is the tied candidates' count.
	Count uint64
	// First and Last are the positions the tied candidates occupy together.
	First, Last int
	// Candidates are the candidate codes of the tied candidates, in the
	// order of the standings.
	Candidates []uint32
	// MainSeats and AlternateSeats are how many of the positions First..Last
	// are main-member and alternate seats: the seats at stake.
	MainSeats, AlternateSeats int
	// Broken is true if the manifest's tie-break seed ordered the
	// candidates, and their outcomes follow from their positions; otherwise
	// (the manifest has no seed) they are all Tied.
	Broken bool
}

// tieBreakKey returns SHA-512(str("sandogh-v1/tie-break") ‖ fixed(base hash)
// ‖ bytes(seed) ‖ u32(contest) ‖ u32(code)), the key by which a candidate is
// ordered among candidates with the same count.
func tieBreakKey(baseHash [ballot.HashSize]byte, seed []byte, contest int, code uint32) [sha512.Size]byte {
	var e wire.Writer
	e.Str(tieBreakLabel)
	e.Fixed(baseHash[:])
	e.Bytes(seed)
	e.U32(uint32(contest))
	e.U32(code)
	return sha512.Sum512(e.B)
}

// NewResults computes the results of an election with manifest m from its
// decrypted totals.
//
// In each contest the candidates are ordered by count, highest first.
// Candidates with equal counts stay together; among them, without a
// tie-break seed (m.TieBreakSeed is empty), in ballot order, and with a
// seed, in ascending order of their tie-break keys
//
//	SHA-512(str("sandogh-v1/tie-break") ‖ base hash ‖ bytes(seed) ‖ u32(contest index) ‖ u32(code))
//
// compared as 64-byte big-endian strings (ballot order if two keys are
// equal). In a contest with k Seats and j Alternates, positions 1..k are
// main members, k+1..k+j alternates and the rest not elected. A group of
// equal counts whose positions straddle position k and k+1, or k+j and
// k+j+1, is a Tie: without a seed its candidates are all Tied; with a seed
// the order above breaks it and the tie is reported as Broken. A tie among
// main members, or among alternates, or among candidates not elected,
// decides nothing and is not reported. YesNo contests and contests without
// seats are ordered the same way, without outcomes or ties.
//
// A Ranked contest is ordered by its count instead (ContestTotals.Order,
// from CountRanked): the standings follow the order, positions 1..k are
// main members, k+1..k+j alternates (Schulze only) and the rest not
// elected, and there are no ties, because the count broke them by lot.
//
// The seed is the manifest's, fixed before voting and bound into the base
// hash, so that whoever computes the results cannot choose it once the
// totals are known; the results do not repeat it. NewResults returns an
// error if the totals do not match m.
func NewResults(m *ballot.Manifest, totals *Totals) (*Results, error) {
	if len(m.TieBreakSeed) > ballot.MaxTieBreakSeedSize {
		return nil, fmt.Errorf("tally: the manifest's tie-break seed is %d bytes, more than the maximum %d", len(m.TieBreakSeed), ballot.MaxTieBreakSeedSize)
	}
	var seed []byte
	if len(m.TieBreakSeed) > 0 {
		seed = m.TieBreakSeed
	}
	if err := checkShape("totals", m, true, len(totals.Contests),
		func(i int) string { return totals.Contests[i].ID },
		func(i int) int { return len(totals.Contests[i].Selections) },
		func(i, j int) uint32 { return totals.Contests[i].Selections[j].Code },
		func(i, j int) bool { return true }); err != nil {
		return nil, err
	}
	if totals.Weighted != (m.MaxWeight > 0) {
		return nil, fmt.Errorf("tally: totals: weighted is %t, but the manifest's maxWeight is %d", totals.Weighted, m.MaxWeight)
	}
	r := &Results{
		ElectionID: m.ElectionID,
		BaseHash:   totals.BaseHash,
		TallyHash:  totals.TallyHash,
		Ballots:    totals.Ballots,
		Weighted:   totals.Weighted,
		Weight:     totals.Weight,
		Contests:   make([]ContestResult, len(m.Contests)),
	}
	for i := range m.Contests {
		c := &m.Contests[i]
		if c.Mixed() && c.Kind == ballot.ProportionalList {
			if err := checkListRowTotals(c, i, &totals.Contests[i], totals.Ballots); err != nil {
				return nil, err
			}
		} else if c.Mixed() {
			if err := checkRowTotals(c, i, &totals.Contests[i], totals.Ballots, m.MaxWeight, totals.Weight); err != nil {
				return nil, err
			}
		}
		if c.Kind == ballot.Ranked {
			cr, err := rankedResult(c, i, &totals.Contests[i])
			if err != nil {
				return nil, err
			}
			r.Contests[i] = cr
			continue
		}
		if totals.Contests[i].Order != nil {
			return nil, fmt.Errorf("tally: totals: contest %d (%s): an order of the candidates, but only a %q contest's count orders them", i, c.ID, ballot.Ranked)
		}
		if c.Kind == ballot.ProportionalList {
			a, err := AllocateList(m, i, totals)
			if err != nil {
				return nil, err
			}
			r.Contests[i] = listContestResult(c, a, &totals.Contests[i])
			continue
		}
		r.Contests[i] = contestResult(c, i, totals.Contests[i].Selections, totals.BaseHash, seed)
		r.Contests[i].Invalid = totals.Contests[i].Invalid
	}
	return r, nil
}

func contestResult(c *ballot.Contest, index int, totals []SelectionTotal, baseHash [ballot.HashSize]byte, seed []byte) ContestResult {
	n := len(c.Candidates)
	order := make([]int, n)
	for j := range order {
		order[j] = j
	}
	var keys [][sha512.Size]byte
	if seed != nil {
		keys = make([][sha512.Size]byte, n)
		for j, cand := range c.Candidates {
			keys[j] = tieBreakKey(baseHash, seed, index, cand.Code)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if x, y := totals[a].Count, totals[b].Count; x != y {
			if x > y {
				return -1
			}
			return 1
		}
		if keys != nil {
			return bytes.Compare(keys[a][:], keys[b][:])
		}
		return 0
	})
	cr := ContestResult{ID: c.ID, Kind: c.Kind, Seats: c.Seats, Alternates: c.Alternates, Standings: make([]Standing, n)}
	k, j := int(c.Seats), int(c.Alternates)
	board := k > 0
	for p, idx := range order {
		s := Standing{Position: p + 1, Code: c.Candidates[idx].Code, Name: c.Candidates[idx].Name, Count: totals[idx].Count, Unweighted: totals[idx].Unweighted}
		if board {
			switch {
			case p < k:
				s.Outcome = Main
			case p < k+j:
				s.Outcome = Alternate
			default:
				s.Outcome = NotElected
			}
		}
		cr.Standings[p] = s
	}
	cr.Ties = []Tie{}
	if !board {
		return cr
	}
	// Groups of equal counts, as 0-based position ranges [f, l].
	for f := 0; f < n; {
		l := f
		for l+1 < n && cr.Standings[l+1].Count == cr.Standings[f].Count {
			l++
		}
		straddles := func(b int) bool { return f < b && b <= l } // positions b-1 and b (0-based) both in the group
		if straddles(k) || straddles(k+j) {
			t := Tie{
				Count:          cr.Standings[f].Count,
				First:          f + 1,
				Last:           l + 1,
				MainSeats:      overlap(f, l, 0, k-1),
				AlternateSeats: overlap(f, l, k, k+j-1),
				Broken:         seed != nil,
			}
			for p := f; p <= l; p++ {
				t.Candidates = append(t.Candidates, cr.Standings[p].Code)
				if seed == nil {
					cr.Standings[p].Outcome = Tied
				}
			}
			cr.Ties = append(cr.Ties, t)
		}
		f = l + 1
	}
	return cr
}

// checkRowTotals checks the totals of CodeList contest c (index i) against
// the number of rows, which is the number of ballots counted: at most that
// many invalid rows, each candidate in at most every valid row, and at most
// Limit codes per valid row. In a weighted election (maxWeight ≥ 1) these
// bounds apply to the unweighted counts, and each weighted count must lie
// between its unweighted count and maxWeight times it, and within the total
// weight W of the ballots counted.
func checkRowTotals(c *ballot.Contest, i int, t *ContestTotals, rows uint64, maxWeight uint32, weight uint64) error {
	if t.Invalid > rows {
		return fmt.Errorf("tally: totals: contest %d (%s): %d invalid rows among %d", i, c.ID, t.Invalid, rows)
	}
	valid := rows - t.Invalid
	var sum uint64
	for _, s := range t.Selections {
		n := s.Count
		if maxWeight > 0 {
			n = s.Unweighted
			hi, lo := bits.Mul64(n, uint64(maxWeight))
			if s.Count < n || (hi == 0 && s.Count > lo) || s.Count > weight {
				return fmt.Errorf("tally: totals: contest %d (%s): candidate %d: weighted count %d, but %s of weight 1 … %d, out of a total weight %d, cannot give it", i, c.ID, s.Code, s.Count, prose.Count(n, "row"), maxWeight, weight)
			}
		}
		if n > valid {
			return fmt.Errorf("tally: totals: contest %d (%s): candidate %d in %s, but there are %s", i, c.ID, s.Code, prose.Count(n, "row"), prose.Count(valid, "valid row"))
		}
		sum += n // at most 10,000 × 2^64 would overflow; each is at most valid
		if sum < n {
			return fmt.Errorf("tally: totals: contest %d (%s): the counts overflow", i, c.ID)
		}
	}
	if hi, lo := bits.Mul64(valid, uint64(c.Limit)); hi == 0 && sum > lo {
		return fmt.Errorf("tally: totals: contest %d (%s): %s counted, more than %s of at most %s", i, c.ID, prose.Count(sum, "code"), prose.Count(valid, "valid row"), prose.Count(c.Limit, "code"))
	}
	return nil
}

// overlap returns the size of [a, b] ∩ [c, d].
func overlap(a, b, c, d int) int {
	lo, hi := max(a, c), min(b, d)
	if hi < lo {
		return 0
	}
	return hi - lo + 1
}

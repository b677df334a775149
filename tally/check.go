package tally

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/prose"
)

// CheckResults checks that the published results r follow from the
// decrypted totals of an election with manifest m: it recomputes the results
// with the manifest's tie-break seed (NewResults) and compares every field. It returns
// nil, or an error naming the first disagreement and where it is: the
// election, tally or number of ballots; the contest; the candidate whose
// count differs, is missing or is not in the contest; the position whose
// candidate, name or outcome differs; or the tie.
//
// The error is a *ResultsError, which says whether the disagreement is about
// one contest (and which) or about the election as a whole.
func CheckResults(m *ballot.Manifest, totals *Totals, r *Results) error {
	if err := checkResults(m, totals, r); err != nil {
		var re *ResultsError
		if errors.As(err, &re) {
			return re
		}
		return &ResultsError{Contest: -1, err: err}
	}
	return nil
}

// A ResultsError is the disagreement CheckResults found between published
// results and the totals.
type ResultsError struct {
	// Contest is the index in the manifest of the contest whose results
	// disagree, or −1 for the fields of the whole election (identifier,
	// hashes, number of ballots, number of contests) and for totals that
	// do not fit the manifest.
	Contest int
	err     error
}

// Error returns the disagreement, for example "tally: results: contest 0
// (board): candidate 103: published count 81, but the decrypted total is 80".
func (e *ResultsError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *ResultsError) Unwrap() error { return e.err }

func checkResults(m *ballot.Manifest, totals *Totals, r *Results) error {
	want, err := NewResults(m, totals)
	if err != nil {
		return err
	}
	switch {
	case r.ElectionID != want.ElectionID:
		return fmt.Errorf("tally: results: election identifier %q, but the manifest's is %q", r.ElectionID, want.ElectionID)
	case r.BaseHash != want.BaseHash:
		return fmt.Errorf("tally: results: base hash %x, but the election's is %x", r.BaseHash, want.BaseHash)
	case r.TallyHash != want.TallyHash:
		return fmt.Errorf("tally: results: tally hash %x, but the decrypted tally's is %x", r.TallyHash, want.TallyHash)
	case r.Ballots != want.Ballots:
		return fmt.Errorf("tally: results: %s, but %d counted", prose.Count(r.Ballots, "ballot"), want.Ballots)
	case r.Weighted != want.Weighted:
		return fmt.Errorf("tally: results: weighted is %t, but the totals' is %t", r.Weighted, want.Weighted)
	case r.Weight != want.Weight:
		return fmt.Errorf("tally: results: total weight %d, but the ballots counted weigh %d", r.Weight, want.Weight)
	case len(r.Contests) != len(want.Contests):
		return fmt.Errorf("tally: results: %s, but the manifest has %d", prose.Count(len(r.Contests), "contest"), len(want.Contests))
	}
	for i := range want.Contests {
		if err := checkContest(i, &r.Contests[i], &want.Contests[i]); err != nil {
			return &ResultsError{Contest: i, err: err}
		}
	}
	return nil
}

func checkContest(i int, got, want *ContestResult) error {
	where := fmt.Sprintf("tally: results: contest %d (%s)", i, want.ID)
	switch {
	case got.ID != want.ID:
		return fmt.Errorf("tally: results: contest %d: identifier %q, but the manifest's is %q", i, got.ID, want.ID)
	case got.Kind != want.Kind:
		return fmt.Errorf("%s: kind %q, but the manifest's is %q", where, got.Kind, want.Kind)
	case got.Seats != want.Seats:
		return fmt.Errorf("%s: %s, but the manifest has %d", where, prose.Count(got.Seats, "seat"), want.Seats)
	case got.Alternates != want.Alternates:
		return fmt.Errorf("%s: %s, but the manifest has %d", where, prose.Count(got.Alternates, "alternate"), want.Alternates)
	case got.Invalid != want.Invalid:
		return fmt.Errorf("%s: %d invalid rows published, but the decoded rows have %d", where, got.Invalid, want.Invalid)
	}
	// Counts first, by candidate, since a wrong count is what matters most.
	total := make(map[uint32]uint64, len(want.Standings))
	unweighted := make(map[uint32]uint64, len(want.Standings))
	for _, s := range want.Standings {
		total[s.Code] = s.Count
		unweighted[s.Code] = s.Unweighted
	}
	seen := make(map[uint32]bool, len(got.Standings))
	for _, s := range got.Standings {
		c, ok := total[s.Code]
		switch {
		case !ok:
			return fmt.Errorf("%s: candidate %d is not a candidate of the contest", where, s.Code)
		case seen[s.Code]:
			return fmt.Errorf("%s: candidate %d is listed twice", where, s.Code)
		case s.Count != c:
			return fmt.Errorf("%s: candidate %d: published count %d, but the decrypted total is %d", where, s.Code, s.Count, c)
		case s.Unweighted != unweighted[s.Code]:
			return fmt.Errorf("%s: candidate %d: published unweighted count %d, but the decrypted unweighted total is %d", where, s.Code, s.Unweighted, unweighted[s.Code])
		}
		seen[s.Code] = true
	}
	for _, s := range want.Standings {
		if !seen[s.Code] {
			return fmt.Errorf("%s: candidate %d is missing", where, s.Code)
		}
	}
	for p := range want.Standings {
		g, w := &got.Standings[p], &want.Standings[p]
		switch {
		case g.Code != w.Code:
			return fmt.Errorf("%s: position %d: candidate %d, but by the totals it is candidate %d", where, p+1, g.Code, w.Code)
		case g.Position != w.Position:
			return fmt.Errorf("%s: candidate %d: position %d, but it is listed at position %d", where, g.Code, g.Position, w.Position)
		case g.Name != w.Name:
			return fmt.Errorf("%s: candidate %d: name %q, but the manifest's is %q", where, g.Code, g.Name, w.Name)
		case g.Outcome != w.Outcome:
			return fmt.Errorf("%s: candidate %d: outcome %q, but by the totals it is %q", where, g.Code, g.Outcome, w.Outcome)
		}
	}
	if err := checkLists(where, got, want); err != nil {
		return err
	}
	if len(got.Ties) != len(want.Ties) {
		return fmt.Errorf("%s: %s reported, but the totals give %d", where, prose.Count(len(got.Ties), "tie"), len(want.Ties))
	}
	for k := range want.Ties {
		g, w := &got.Ties[k], &want.Ties[k]
		if g.Count != w.Count || g.First != w.First || g.Last != w.Last || g.MainSeats != w.MainSeats ||
			g.AlternateSeats != w.AlternateSeats || g.Broken != w.Broken || !slices.Equal(g.Candidates, w.Candidates) {
			return fmt.Errorf("%s: tie %d: %s, but the totals give %s", where, k, g, w)
		}
	}
	return nil
}

// String describes the tie for people, for example "candidates 104, 111 and
// 112 with 40 each at positions 6–8 (2 main seats, 1 alternate seat),
// unbroken".
func (t *Tie) String() string {
	var b bytes.Buffer
	b.WriteString(prose.Counted("candidate", t.Candidates))
	fmt.Fprintf(&b, " with %d each at positions %d–%d (%s, %s), ", t.Count, t.First, t.Last, prose.Count(t.MainSeats, "main seat"), prose.Count(t.AlternateSeats, "alternate seat"))
	if t.Broken {
		b.WriteString("broken by the manifest's tie-break seed")
	} else {
		b.WriteString("unbroken")
	}
	return b.String()
}

package tally

import (
	"fmt"
	"math/bits"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/trustee"
)

// Totals are the decrypted totals of an election: for each contest, in
// manifest order, the count of each candidate, in ballot order. For a
// Score contest a candidate's count is the sum of its scores; for a
// CodeList contest it is the number of valid decoded rows that hold the
// candidate's code (CountRows).
type Totals struct {
	// BaseHash is the base hash of the election.
	BaseHash [ballot.HashSize]byte
	// TallyHash is the hash of the EncryptedTally that was decrypted.
	TallyHash [ballot.HashSize]byte
	// Ballots is the number of ballots counted.
	Ballots uint64
	// Weighted is true in a weighted election, whose counts are weighted.
	Weighted bool
	// Weight is, in a weighted election, the total weight of the ballots
	// counted; 0 otherwise.
	Weight uint64
	// Contests holds one entry per contest of the manifest, in order.
	Contests []ContestTotals
}

// ContestTotals are the totals of one contest.
type ContestTotals struct {
	// ID is the contest's identifier in the manifest.
	ID string
	// Selections holds one entry per candidate, in ballot order. Decrypt
	// leaves it empty for a CodeList contest, whose totals CountRows makes
	// from the decoded rows.
	Selections []SelectionTotal
	// Invalid is, for a CodeList or Ranked contest, the number of decoded
	// rows that are not a valid ballot (and so count for no candidate); 0
	// otherwise.
	Invalid uint64
	// Order is, for a Ranked contest, every candidate's code in the order
	// of the count's outcome (CountRanked): the standings of the results
	// follow it. nil for the other kinds.
	Order []uint32
}

// A SelectionTotal is one candidate's decrypted total.
type SelectionTotal struct {
	// Code is the candidate's code in the manifest.
	Code uint32
	// Count is the number of ballots that marked the candidate, or the sum
	// of its scores in a Score contest; in a weighted election, each
	// ballot counted with its weight (the total that decides the seats).
	Count uint64
	// Unweighted is, in a weighted election, the count with every ballot
	// of weight 1; 0 otherwise.
	Unweighted uint64
}

// Locate returns the contest and selection indices of entry i of
// Ciphertexts, for naming the place of a bad decryption share (the Entries
// of a trustee.ShareListError). It returns −1, −1 if i is out of range.
func (t *EncryptedTally) Locate(i int) (contest, selection int) {
	if i < 0 {
		return -1, -1
	}
	if t.Weighted {
		k := 0
		for c := range t.Contests {
			k += len(t.Contests[c].Selections)
		}
		if i >= k {
			i -= k // the weighted sum of the same selection
		}
	}
	for c := range t.Contests {
		if n := len(t.Contests[c].Selections); i < n {
			return c, i
		} else {
			i -= n
		}
	}
	return -1, -1
}

// bounds returns, for each contest of m in order, the largest possible total
// of one selection and of the sum of the contest's selections, when ballots
// ballots are counted: ballots × the selection's largest value (1, or
// MaxScore for Score contests), and ballots × the contest's limit (Limit
// for UpTo, Exactly and Score contests with a limit, 1 for YesNo, and the
// number of candidates × MaxScore for Score contests without a limit).
// It returns an error if a bound exceeds elgamal.MaxDLogBound.
func bounds(m *ballot.Manifest, ballots uint64) (sel, sum []uint64, err error) {
	sel = make([]uint64, len(m.Contests))
	sum = make([]uint64, len(m.Contests))
	for i, c := range m.Contests {
		per, total := uint64(1), uint64(1)
		switch c.Kind {
		case ballot.UpTo, ballot.Exactly:
			total = uint64(c.Limit)
		case ballot.Score:
			per = uint64(c.MaxScore)
			total = uint64(c.Limit)
			if total == 0 {
				total = uint64(len(c.Candidates)) * per
			}
		case ballot.ProportionalList:
			// A list (0..1), its additional votes (0..P) and the
			// candidates: Σx ≤ 1 and Σz + Σy ≤ P.
			per = c.SelectionMax(len(c.Lists))
			total = 1 + uint64(c.Preferences)
		}
		var hi uint64
		if hi, sel[i] = bits.Mul64(ballots, per); hi != 0 || sel[i] > elgamal.MaxDLogBound {
			return nil, nil, fmt.Errorf("tally: contest %d (%s): %s × maximum value %d exceed the largest total that can be decrypted, %d", i, c.ID, prose.Count(ballots, "ballot"), per, uint64(elgamal.MaxDLogBound))
		}
		if hi, sum[i] = bits.Mul64(ballots, total); hi != 0 {
			sum[i] = ^uint64(0)
		}
	}
	return sel, sum, nil
}

// Decrypt is the decryption of the tally: it checks that t belongs to
// election e and that keys (the outcome of the key ceremony, from
// trustee.VerifyCeremony, Trustee.Finish or election.Writer.WriteCeremony)
// are of e's election (trustee.Result.ElectionID is the manifest's
// ElectionID) and hold e's public key, verifies the trustees' share lists of t.Ciphertexts and
// combines any t valid ones with trustee.Combine, then recovers each
// candidate's total by a bounded discrete logarithm. The totals of CodeList
// contests are left empty: fill them with CountRows from the contest's
// decrypted rows (DecryptRows).
//
// A total must lie in [0, ballots × the selection's largest value] (1, or
// MaxScore), and the sum of a contest's totals in [0, ballots × its limit];
// anything else means that the aggregate or the combination is wrong, and
// is an error naming the contest and candidate. It also returns the
// trustee.Decryption, which names the trustees whose shares were combined
// and every share list that was rejected (a verifier reports those even
// when enough valid lists remain); it is nil if the combination failed.
//
// Execution time depends on the inputs, which are all public.
func Decrypt(e *ballot.Election, keys *trustee.Result, t *EncryptedTally, lists []*trustee.ShareList) (*Totals, *trustee.Decryption, error) {
	if err := t.Validate(e); err != nil {
		return nil, nil, err
	}
	if err := checkKeys(e, keys); err != nil {
		return nil, nil, err
	}
	m := e.Manifest()
	sel, sum, err := bounds(m, t.Ballots)
	if err != nil {
		return nil, nil, err
	}
	bh := e.BaseHash()
	dec, err := trustee.Combine(bh[:], keys, t.Ciphertexts(), lists)
	if err != nil {
		return nil, nil, fmt.Errorf("tally: decryption: %w", err)
	}
	pts := dec.Plaintexts
	var wcounts []uint64
	var wsum []uint64
	if t.Weighted {
		var wsel []uint64
		if wsel, wsum, err = bounds(m, t.Weight); err != nil {
			return nil, dec, err
		}
		half := len(pts) / 2
		if wcounts, err = solve(m, wsel, pts[half:], "total weight"); err != nil {
			return nil, dec, err
		}
		pts = pts[:half]
	}
	counts, err := solve(m, sel, pts, "ballots")
	if err != nil {
		return nil, dec, err
	}
	totals := &Totals{BaseHash: t.BaseHash, TallyHash: t.Hash(), Ballots: t.Ballots, Weighted: t.Weighted, Weight: t.Weight, Contests: make([]ContestTotals, len(m.Contests))}
	k := 0
	for i, c := range m.Contests {
		if c.Mixed() {
			// Counted from its decoded rows: DecryptRows and CountRows.
			totals.Contests[i] = ContestTotals{ID: c.ID}
			continue
		}
		codes := c.SelectionCodes()
		ct := ContestTotals{ID: c.ID, Selections: make([]SelectionTotal, len(codes))}
		var s, ws uint64
		for j, code := range codes {
			ct.Selections[j] = SelectionTotal{Code: code, Count: counts[k]}
			s += counts[k] // no overflow: each is at most 2^48 and there are at most 1000
			if t.Weighted {
				if err := checkWeightedTotal(m, i, j, counts[k], wcounts[k]); err != nil {
					return nil, dec, err
				}
				ct.Selections[j] = SelectionTotal{Code: code, Count: wcounts[k], Unweighted: counts[k]}
				ws += wcounts[k]
			}
			k++
		}
		if s > sum[i] {
			return nil, dec, fmt.Errorf("tally: contest %d (%s): the totals add up to %d, more than the %d that %s can give: the aggregate or the combination is wrong", i, c.ID, s, sum[i], prose.Count(t.Ballots, "ballot"))
		}
		if t.Weighted && ws > wsum[i] {
			return nil, dec, fmt.Errorf("tally: contest %d (%s): the weighted totals add up to %d, more than the %d that a total weight of %d can give: the aggregate or the combination is wrong", i, c.ID, ws, wsum[i], t.Weight)
		}
		totals.Contests[i] = ct
	}
	return totals, dec, nil
}

// checkKeys checks that keys, the outcome of the key ceremony, are of e's
// election and hold its public key: the roster's election identifier
// (trustee.Result.ElectionID) must be the manifest's, so that a ceremony
// run for another election is refused here, by name, and not first by the
// verifier's check 2.
func checkKeys(e *ballot.Election, keys *trustee.Result) error {
	if keys == nil {
		return fmt.Errorf("tally: no outcome of the key ceremony")
	}
	id := e.Manifest().ElectionID
	switch got := keys.ElectionID(); {
	case got == "":
		return fmt.Errorf("tally: the key ceremony's outcome names no election (it was decoded from JSON or built by hand), and the election is %q: use the outcome that trustee.VerifyCeremony, Trustee.Finish or election.Writer.WriteCeremony returns", id)
	case got != id:
		return fmt.Errorf("tally: the key ceremony is for election %q, and the election is %q: its key does not decrypt this election", got, id)
	}
	if keys.PublicKey == nil || keys.PublicKey.Equal(e.PublicKey().Element()) != 1 {
		return fmt.Errorf("tally: the key ceremony's public key is not the election's public key")
	}
	return nil
}

// solve returns the discrete logarithms of the plaintexts, entry k of which
// belongs to the selection of the manifest in Ciphertexts order, each
// bounded by its contest's selection bound.
// what names the bound's multiplier in errors ("ballots", "total weight").
func solve(m *ballot.Manifest, sel []uint64, plaintexts []*group.Element, what string) ([]uint64, error) {
	var top uint64
	type place struct{ contest, selection int }
	where := make([]place, 0, len(plaintexts))
	for i, c := range m.Contests {
		if c.Mixed() {
			continue
		}
		top = max(top, sel[i])
		for j := range c.NumSelections() {
			where = append(where, place{i, j})
		}
	}
	if len(where) != len(plaintexts) {
		panic("tally: internal error: plaintexts do not match the manifest")
	}
	table := elgamal.NewDLogTable(top)
	counts := make([]uint64, len(plaintexts))
	errs := make([]error, len(plaintexts))
	par.For(len(plaintexts), 4, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			p := where[k]
			c := &m.Contests[p.contest]
			n, err := table.VarTimeSolve(plaintexts[k])
			if err == nil && n > sel[p.contest] {
				err = fmt.Errorf("total %d", n)
			}
			if err != nil {
				kind := "candidate"
				if c.Kind == ballot.ProportionalList {
					kind = "selection"
				}
				errs[k] = fmt.Errorf("tally: contest %d (%s): %s %d (code %d): the decrypted %stotal is not in [0, %d] (%s × maximum value): the aggregate or the combination is wrong", p.contest, c.ID, kind, p.selection, c.SelectionCodes()[p.selection], weightedWord(what), sel[p.contest], what)
				continue
			}
			counts[k] = n
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return counts, nil
}

func weightedWord(what string) string {
	if what == "ballots" {
		return ""
	}
	return "weighted "
}

// checkWeightedTotal checks a selection's weighted total w against its
// unweighted total u: every ballot has a weight 1 … MaxWeight, so
// u ≤ w ≤ MaxWeight × u.
func checkWeightedTotal(m *ballot.Manifest, i, j int, u, w uint64) error {
	hi, lo := bits.Mul64(u, uint64(m.MaxWeight))
	if w < u || (hi == 0 && w > lo) {
		c := &m.Contests[i]
		kind := "candidate"
		if c.Kind == ballot.ProportionalList {
			kind = "selection"
		}
		return fmt.Errorf("tally: contest %d (%s): %s %d (code %d): the weighted total %d is not in [%d, %d] (the unweighted total × 1 … maxWeight %d): the aggregate or the combination is wrong", i, c.ID, kind, j, c.SelectionCodes()[j], w, u, lo, m.MaxWeight)
	}
	return nil
}

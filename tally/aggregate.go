package tally

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/internal/prose"
)

// An Aggregator adds the ciphertexts of counted ballots, selection by
// selection, keeping one running sum per selection and a count: its memory
// does not depend on the number of ballots. The rows of CodeList contests are
// not added (they go through the mixnet, see DecryptRows); they are only
// checked to have the contest's width.
//
// It does not verify ballots (proofs, signatures, eligibility) and does not
// remember them, so it cannot see a ballot added twice: the caller adds
// exactly the ballots that count, each once, after verifying them — the
// ballot box's Counted list, or the record's list of counted ballots. Add
// only refuses what it can see in one ballot: a ballot that is not cast, of
// another election, or not shaped like the manifest.
//
// In a weighted election (ballot.Manifest.MaxWeight ≥ 1) it also keeps,
// per selection, the weighted sum Σ w_b·C_b, w_b the weight of ballot b's
// credential on the election's list, and the total weight. The weighted sums
// are computed in batches of ballots by a variable-time multi-scalar
// multiplication, whose inputs (weights and ciphertexts) are public.
//
// An Aggregator is not safe for concurrent use; to aggregate on several
// goroutines, give each its own Aggregator and Merge them at the end (the
// sum does not depend on the order). The zero value is NOT valid: use
// NewAggregator.
type Aggregator struct {
	baseHash [ballot.HashSize]byte
	ids      []string
	codes    [][]uint32
	sums     [][]elgamal.Ciphertext // none for a CodeList contest
	widths   []int                  // the row width of a CodeList contest, 0 for the others
	count    uint64
	weights  // weighted elections only
}

// NewAggregator returns an empty Aggregator for election e: every sum is
// the encryption of 0 with nonce 0, (identity, identity).
func NewAggregator(e *ballot.Election) *Aggregator {
	m := e.Manifest()
	a := &Aggregator{
		baseHash: e.BaseHash(),
		ids:      make([]string, len(m.Contests)),
		codes:    make([][]uint32, len(m.Contests)),
		sums:     make([][]elgamal.Ciphertext, len(m.Contests)),
		widths:   make([]int, len(m.Contests)),
	}
	for i, c := range m.Contests {
		a.ids[i] = c.ID
		if c.Mixed() {
			a.widths[i] = c.RowWidth()
			continue
		}
		a.codes[i] = c.SelectionCodes()
		a.sums[i] = make([]elgamal.Ciphertext, len(a.codes[i]))
		for j := range a.sums[i] {
			a.sums[i][j].Zero()
		}
	}
	if m.MaxWeight > 0 {
		a.weights = newWeights(e.Credentials(), a.sums)
	}
	return a
}

// Add adds the ciphertexts of ballot b to the sums and counts it. It
// returns an error, and adds nothing, if b is not cast (a challenged
// ballot is never counted), was made for another election, or
// does not have the manifest's contests and candidates.
func (a *Aggregator) Add(b *ballot.Ballot) error {
	cts, err := a.ciphertexts(b)
	if err != nil {
		return err
	}
	w, err := a.weightOf(b)
	if err != nil {
		return err
	}
	for i := range a.sums {
		for j := range a.sums[i] {
			a.sums[i][j].Add(&a.sums[i][j], cts[i][j])
		}
	}
	a.count++
	a.addWeighted(cts, w)
	return nil
}

// Remove subtracts the ciphertexts of ballot b, which must have been added
// before, and uncounts it. It serves the ballot.LastBallotCounts policy in
// one streaming pass: a credential's ballot is added when it is read, and
// removed when a later ballot of the credential replaces it. The
// Aggregator cannot tell whether b was added: removing a ballot that was not
// is the caller's error, and gives a tally that does not decrypt to the
// votes. Remove returns an error, and changes nothing, for the ballots that
// Add refuses and when no ballot is counted.
func (a *Aggregator) Remove(b *ballot.Ballot) error {
	cts, err := a.ciphertexts(b)
	if err != nil {
		return err
	}
	if a.count == 0 {
		return fmt.Errorf("tally: ballot %q: removed from an empty aggregate", b.ID())
	}
	w, err := a.weightOf(b)
	if err != nil {
		return err
	}
	for i := range a.sums {
		for j := range a.sums[i] {
			a.sums[i][j].Subtract(&a.sums[i][j], cts[i][j])
		}
	}
	a.count--
	a.removeWeighted(cts, w)
	return nil
}

// ciphertexts checks that b can be counted in a's election and returns its
// ciphertexts by contest and candidate.
func (a *Aggregator) ciphertexts(b *ballot.Ballot) ([][]*elgamal.Ciphertext, error) {
	if s := b.State(); s != ballot.Cast {
		return nil, fmt.Errorf("tally: ballot %q: state is %s; only cast ballots are counted", b.ID(), s)
	}
	if bh := b.BaseHash(); bh != a.baseHash {
		return nil, fmt.Errorf("tally: ballot %q: base hash %x is not the election's %x", b.ID(), bh, a.baseHash)
	}
	if n := b.NumContests(); n != len(a.sums) {
		return nil, fmt.Errorf("tally: ballot %q: %s, but the manifest has %d", b.ID(), prose.Count(n, "contest"), len(a.sums))
	}
	cts := make([][]*elgamal.Ciphertext, len(a.sums))
	for i := range a.sums {
		cts[i] = b.Ciphertexts(i)
		if w := a.widths[i]; w > 0 {
			if len(cts[i]) != w {
				return nil, fmt.Errorf("tally: ballot %q: contest %d (%s): a row of %s, but the contest's rows have %d", b.ID(), i, a.ids[i], prose.Count(len(cts[i]), "ciphertext"), w)
			}
			continue
		}
		if len(cts[i]) != len(a.sums[i]) {
			return nil, fmt.Errorf("tally: ballot %q: contest %d (%s): %s, but the contest has %s", b.ID(), i, a.ids[i], prose.Count(len(cts[i]), "selection"), prose.Count(len(a.sums[i]), "selection"))
		}
	}
	return cts, nil
}

// Merge adds the sums and the count of o to a, and returns an error if o
// belongs to another election. o is not modified; a and o may be the same
// Aggregator (which doubles it).
func (a *Aggregator) Merge(o *Aggregator) error {
	if o.baseHash != a.baseHash {
		return fmt.Errorf("tally: merge: aggregator of another election (base hash %x, not %x)", o.baseHash, a.baseHash)
	}
	for i := range a.sums {
		for j := range a.sums[i] {
			a.sums[i][j].Add(&a.sums[i][j], &o.sums[i][j])
		}
	}
	a.count += o.count
	a.mergeWeighted(&o.weights)
	return nil
}

// Count returns the number of ballots added, including those of merged
// aggregators.
func (a *Aggregator) Count() uint64 { return a.count }

// Tally returns the encrypted tally of the ballots added so far. The
// Aggregator can go on adding ballots; the returned tally does not change.
func (a *Aggregator) Tally() *EncryptedTally {
	a.flush()
	t := &EncryptedTally{BaseHash: a.baseHash, Ballots: a.count, Contests: make([]EncryptedContest, len(a.sums))}
	t.Weighted, t.Weight = a.list != nil, a.weight
	for i := range a.sums {
		c := EncryptedContest{ID: a.ids[i], Selections: make([]EncryptedSelection, len(a.sums[i]))}
		for j := range a.sums[i] {
			c.Selections[j] = EncryptedSelection{Code: a.codes[i][j], Ciphertext: new(elgamal.Ciphertext).Set(&a.sums[i][j])}
			if t.Weighted {
				c.Selections[j].Weighted = new(elgamal.Ciphertext).Set(&a.wsums[i][j])
			}
		}
		t.Contests[i] = c
	}
	return t
}

// Aggregate adds every ballot that next returns, until next returns io.EOF,
// and returns the encrypted tally. It stops at the first other error from
// next or from Aggregator.Add, naming the position (0-based) of the ballot
// in the stream. Ballots are streamed: none is kept after it is added.
func Aggregate(e *ballot.Election, next func() (*ballot.Ballot, error)) (*EncryptedTally, error) {
	a := NewAggregator(e)
	for n := 0; ; n++ {
		b, err := next()
		if errors.Is(err, io.EOF) {
			return a.Tally(), nil
		}
		if err != nil {
			return nil, fmt.Errorf("tally: stream position %d: %w", n, err)
		}
		if err := a.Add(b); err != nil {
			return nil, fmt.Errorf("tally: stream position %d: %s", n, strings.TrimPrefix(err.Error(), "tally: "))
		}
	}
}

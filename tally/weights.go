package tally

import (
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/internal/prose"
)

// weightBatch is the number of ballots whose weighted ciphertexts an
// Aggregator adds with one multi-scalar multiplication per selection.
const weightBatch = 256

// weights is the weighted part of an Aggregator (docs/spec.md §Tally,
// "Weighted voters"): the credential list that gives each ballot its
// weight, the weighted sums, the total weight, and the ballots added since
// the last flush.
type weights struct {
	list    *ballot.CredentialList // nil in an unweighted election
	wsums   [][]elgamal.Ciphertext // like Aggregator.sums
	weight  uint64
	pending []weighted
}

// A weighted ballot waits in a batch: its ciphertexts and its weight.
type weighted struct {
	cts [][]*elgamal.Ciphertext
	w   uint32
}

func newWeights(l *ballot.CredentialList, sums [][]elgamal.Ciphertext) weights {
	ws := weights{list: l, wsums: make([][]elgamal.Ciphertext, len(sums))}
	for i := range sums {
		ws.wsums[i] = make([]elgamal.Ciphertext, len(sums[i]))
		for j := range ws.wsums[i] {
			ws.wsums[i][j].Zero()
		}
	}
	return ws
}

// weightOf returns the weight of ballot b: 1 in an unweighted election, and
// in a weighted one the weight of its credential on the list. A device
// ballot, or a credential not on the list, has no weight.
func (ws *weights) weightOf(b *ballot.Ballot) (uint32, error) {
	if ws.list == nil {
		return 1, nil
	}
	h := b.Header()
	if h.Credential == nil {
		return 0, fmt.Errorf("tally: ballot %q: a device ballot in a weighted election, where only credentials carry weights", b.ID())
	}
	w := ws.list.Weight(h.Credential)
	if w == 0 {
		return 0, fmt.Errorf("tally: ballot %q: credential %x is not on the election's list, so it has no weight", b.ID(), []byte(h.Credential))
	}
	return w, nil
}

func (ws *weights) addWeighted(cts [][]*elgamal.Ciphertext, w uint32) {
	if ws.list == nil {
		return
	}
	ws.weight += uint64(w)
	ws.pending = append(ws.pending, weighted{cts, w})
	if len(ws.pending) == weightBatch {
		ws.flush()
	}
}

// removeWeighted subtracts w·C for each of the ballot's ciphertexts. A
// removal is rare (a revote), so it is not batched.
func (ws *weights) removeWeighted(cts [][]*elgamal.Ciphertext, w uint32) {
	if ws.list == nil {
		return
	}
	ws.weight -= uint64(w)
	s := new(group.Scalar).SetUint64(uint64(w))
	var t elgamal.Ciphertext
	for i := range ws.wsums {
		for j := range ws.wsums[i] {
			t.ScalarMult(s, cts[i][j])
			ws.wsums[i][j].Subtract(&ws.wsums[i][j], &t)
		}
	}
}

func (ws *weights) mergeWeighted(o *weights) {
	if ws.list == nil {
		return
	}
	ws.flush()
	o.flush() // changes how o holds its sums, not what they are
	for i := range ws.wsums {
		for j := range ws.wsums[i] {
			ws.wsums[i][j].Add(&ws.wsums[i][j], &o.wsums[i][j])
		}
	}
	ws.weight += o.weight
}

// flush adds the pending ballots to the weighted sums: for each selection,
// Σ w_b·A_b and Σ w_b·B_b by two multi-scalar multiplications, the
// selections spread over the cores. Weights and ciphertexts are public.
func (ws *weights) flush() {
	n := len(ws.pending)
	if n == 0 {
		return
	}
	scalars := make([]*group.Scalar, n)
	for b, p := range ws.pending {
		scalars[b] = new(group.Scalar).SetUint64(uint64(p.w))
	}
	type place struct{ i, j int }
	var places []place
	for i := range ws.wsums {
		for j := range ws.wsums[i] {
			places = append(places, place{i, j})
		}
	}
	par.For(len(places), 4, func(lo, hi int) {
		as := make([]*group.Element, n)
		bs := make([]*group.Element, n)
		var sum elgamal.Ciphertext
		for k := lo; k < hi; k++ {
			i, j := places[k].i, places[k].j
			for b, p := range ws.pending {
				as[b], bs[b] = &p.cts[i][j].A, &p.cts[i][j].B
			}
			sum.A.VarTimeMultiScalarMult(scalars, as)
			sum.B.VarTimeMultiScalarMult(scalars, bs)
			ws.wsums[i][j].Add(&ws.wsums[i][j], &sum)
		}
	})
	clear(ws.pending)
	ws.pending = ws.pending[:0]
}

// checkWeighted checks the weighted part of t against election e: t is
// weighted exactly when e is, and its total weight W is possible for its N
// ballots: N ≤ W ≤ N × MaxWeight (every weight is 1 … MaxWeight) and W at
// most the total weight of the credential list (each credential counts at
// most once). A W beyond these is refused before anything is decrypted, so
// that a forged weight cannot make a verifier build a huge table.
func checkWeighted(e *ballot.Election, t *EncryptedTally) error {
	mw := uint64(e.Manifest().MaxWeight)
	switch {
	case t.Weighted != (mw > 0) && mw > 0:
		return fmt.Errorf("tally: encrypted tally: unweighted, but the election is weighted (maxWeight %d)", mw)
	case t.Weighted != (mw > 0):
		return fmt.Errorf("tally: encrypted tally: weighted, but the election is not (its manifest has no maxWeight)")
	case !t.Weighted:
		if t.Weight != 0 {
			return fmt.Errorf("tally: encrypted tally: total weight %d in an unweighted tally", t.Weight)
		}
		return nil
	case t.Weight < t.Ballots:
		return fmt.Errorf("tally: encrypted tally: total weight %d is less than the %s, each of weight at least 1", t.Weight, prose.Count(t.Ballots, "ballot"))
	case t.Weight/mw > t.Ballots || (t.Weight/mw == t.Ballots && t.Weight%mw != 0):
		return fmt.Errorf("tally: encrypted tally: total weight %d is more than %s of weight at most %d can give", t.Weight, prose.Count(t.Ballots, "ballot"), mw)
	case t.Weight > e.Credentials().TotalWeight():
		return fmt.Errorf("tally: encrypted tally: total weight %d is more than the credential list's %d", t.Weight, e.Credentials().TotalWeight())
	}
	return nil
}

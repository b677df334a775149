package tally

import (
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/internal/prose"
)

// bucketBudget bounds the ciphertexts an Aggregator keeps in its weight
// buckets (320 bytes each in memory, so about 10 MiB): with K selections,
// at most bucketBudget/K distinct weights are pending before a flush. (A
// variable, so that tests can make flushes frequent.)
var bucketBudget = 1 << 15

// weights is the weighted part of an Aggregator (docs/spec.md §Tally,
// "Weighted tally"): the credential list that gives each ballot its
// weight, the weighted sums, the total weight, and the pending buckets.
//
// Σ_b w_b·C_b is computed as Σ_w w·(Σ_{b: w_b = w} C_b): a ballot's
// ciphertexts are added to the bucket of its weight (two point additions
// per selection, as in the unweighted sum), and a flush adds each
// selection's Σ_w w·bucket_w to the weighted sum by one variable-time
// multi-scalar multiplication per component over the distinct weights.
// Where many voters share a weight (one share each, or a few bands) a
// ballot costs little more than in an unweighted election; with every
// weight distinct it costs one term of a multi-scalar multiplication per
// ciphertext component. A flush happens when the buckets reach the budget
// and before the sums are read.
type weights struct {
	list           *ballot.CredentialList // nil in an unweighted election
	wsums          [][]elgamal.Ciphertext // like Aggregator.sums
	weight         uint64
	places         [][2]int       // flattened selection k is wsums[places[k][0]][places[k][1]]
	bucket         map[uint32]int // weight → index in buckets
	weightOfBucket []uint32
	buckets        [][]elgamal.Ciphertext // buckets[x][k]: the sum of selection k of the ballots of weight weightOfBucket[x]
}

func newWeights(l *ballot.CredentialList, sums [][]elgamal.Ciphertext) weights {
	ws := weights{list: l, wsums: make([][]elgamal.Ciphertext, len(sums)), bucket: map[uint32]int{}}
	for i := range sums {
		ws.wsums[i] = make([]elgamal.Ciphertext, len(sums[i]))
		for j := range ws.wsums[i] {
			ws.wsums[i][j].Zero()
			ws.places = append(ws.places, [2]int{i, j})
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

// bucketOf returns the bucket of weight w, making it if needed (after a
// flush if the buckets are full).
func (ws *weights) bucketOf(w uint32) []elgamal.Ciphertext {
	if x, ok := ws.bucket[w]; ok {
		return ws.buckets[x]
	}
	if k := len(ws.places); k > 0 && (len(ws.bucket)+1)*k > bucketBudget {
		ws.flush()
	}
	x := len(ws.bucket)
	if x == len(ws.buckets) {
		ws.buckets = append(ws.buckets, make([]elgamal.Ciphertext, len(ws.places)))
		ws.weightOfBucket = append(ws.weightOfBucket, 0)
	}
	for k := range ws.buckets[x] {
		ws.buckets[x][k].Zero()
	}
	ws.bucket[w], ws.weightOfBucket[x] = x, w
	return ws.buckets[x]
}

func (ws *weights) addWeighted(cts [][]*elgamal.Ciphertext, w uint32) {
	if ws.list == nil {
		return
	}
	ws.weight += uint64(w)
	b := ws.bucketOf(w)
	for k, p := range ws.places {
		b[k].Add(&b[k], cts[p[0]][p[1]])
	}
}

// removeWeighted subtracts the ballot from the bucket of its weight, which
// subtracts w·C from the weighted sums.
func (ws *weights) removeWeighted(cts [][]*elgamal.Ciphertext, w uint32) {
	if ws.list == nil {
		return
	}
	ws.weight -= uint64(w)
	b := ws.bucketOf(w)
	for k, p := range ws.places {
		b[k].Subtract(&b[k], cts[p[0]][p[1]])
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

// flush adds Σ_w w·bucket_w to each selection's weighted sum, by two
// multi-scalar multiplications per selection over the distinct weights,
// the selections spread over the cores, and empties the buckets. Weights
// and ciphertexts are public.
func (ws *weights) flush() {
	n := len(ws.bucket)
	if n == 0 {
		return
	}
	scalars := make([]*group.Scalar, n)
	for x := range n {
		scalars[x] = new(group.Scalar).SetUint64(uint64(ws.weightOfBucket[x]))
	}
	par.For(len(ws.places), 4, func(lo, hi int) {
		as := make([]*group.Element, n)
		bs := make([]*group.Element, n)
		var sum elgamal.Ciphertext
		for k := lo; k < hi; k++ {
			for x := range n {
				as[x], bs[x] = &ws.buckets[x][k].A, &ws.buckets[x][k].B
			}
			sum.A.VarTimeMultiScalarMult(scalars, as)
			sum.B.VarTimeMultiScalarMult(scalars, bs)
			p := ws.places[k]
			ws.wsums[p[0]][p[1]].Add(&ws.wsums[p[0]][p[1]], &sum)
		}
	})
	clear(ws.bucket)
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

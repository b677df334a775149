package proof

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/internal/prose"
)

// A term is coef·point in a verification equation Σ terms = identity.
type term struct {
	coef  group.Scalar
	point int32 // index into entry.points
	unit  bool  // coef is 1 (a commitment), so a weight w gives w·point
}

// An entry holds the verification equations of one proof, with the
// transcript challenge already computed.
type entry struct {
	kind   string
	err    error            // the proof cannot be checked (set when it is added)
	points []*group.Element // owned copies or immutable values
	keys   [][32]byte       // keys[i] is the encoding of points[i] if keyed[i]
	keyed  []bool           // points that may be merged with equal points of other entries
	slot   []int32          // in a BatchVerifier: the shared slot of points[i], or -1
	terms  []term
	eqEnd  []int              // equation k is terms[eqEnd[k-1]:eqEnd[k]]
	eqName func(k int) string // the name of equation k, for error messages
}

func (e *entry) addPoint(p *group.Element) int32 {
	e.points = append(e.points, p)
	e.keys = append(e.keys, [32]byte{})
	e.keyed = append(e.keyed, false)
	return int32(len(e.points) - 1)
}

func (e *entry) addKeyedPoint(p *group.Element, enc []byte) int32 {
	i := e.addPoint(p)
	copy(e.keys[i][:], enc)
	e.keyed[i] = true
	return i
}

func (e *entry) unitTerm(point int32) {
	e.terms = append(e.terms, term{point: point, unit: true})
}

func (e *entry) addTerm(point int32, coef *group.Scalar) {
	e.terms = append(e.terms, term{point: point, coef: *coef})
}

func (e *entry) endEquation() {
	e.eqEnd = append(e.eqEnd, len(e.terms))
}

func (e *entry) equation(k int) []term {
	lo := 0
	if k > 0 {
		lo = e.eqEnd[k-1]
	}
	return e.terms[lo:e.eqEnd[k]]
}

// randomWeights returns n independent uniformly random 128-bit scalars from
// crypto/rand.
func randomWeights(n int) []group.Scalar {
	buf := make([]byte, 16*n)
	rand.Read(buf) // never returns an error since Go 1.24
	w := make([]group.Scalar, n)
	var b [32]byte
	for i := range w {
		copy(b[:16], buf[16*i:])
		if _, err := w[i].SetCanonicalBytes(b[:]); err != nil {
			panic("proof: internal error: " + err.Error())
		}
	}
	return w
}

// accumulate adds Σ_k w[k]·(equation k) into coef, one coefficient per point.
func (e *entry) accumulate(w []group.Scalar, coef []group.Scalar) {
	for k := range e.eqEnd {
		for _, tm := range e.equation(k) {
			if tm.unit {
				coef[tm.point].Add(&coef[tm.point], &w[k])
			} else {
				coef[tm.point].MultiplyAdd(&w[k], &tm.coef, &coef[tm.point])
			}
		}
	}
}

// check verifies the entry alone: a random linear combination of its
// equations must be the identity. If it is not, it finds the first failing
// equation for the error message.
func (e *entry) check() error {
	if e.err != nil {
		return e.err
	}
	w := randomWeights(len(e.eqEnd))
	coef := make([]group.Scalar, len(e.points))
	e.accumulate(w, coef)
	scalars := make([]*group.Scalar, len(coef))
	for i := range coef {
		scalars[i] = &coef[i]
	}
	if varTimeMSM(scalars, e.points).IsIdentity() == 1 {
		return nil
	}
	for k := range e.eqEnd {
		eq := e.equation(k)
		ss := make([]*group.Scalar, len(eq))
		ps := make([]*group.Element, len(eq))
		one := new(group.Scalar).SetUint64(1)
		for i := range eq {
			ss[i], ps[i] = &eq[i].coef, e.points[eq[i].point]
			if eq[i].unit {
				ss[i] = one
			}
		}
		if varTimeMSM(ss, ps).IsIdentity() != 1 {
			return fmt.Errorf("proof: %s %w: %s fails", e.kind, errInvalidProof, e.eqName(k))
		}
	}
	// A combination with 128-bit weights of equations that all hold.
	return fmt.Errorf("proof: %s %w", e.kind, errInvalidProof)
}

// The generator, shared by all entries.
var (
	generator    = group.NewGeneratorElement()
	generatorEnc = generator.Bytes()
)

// newSchnorrEntry appends the statement and commitment to t, draws the
// challenge and returns the equation a − z·B + c·X = 0.
func newSchnorrEntry(t *Transcript, B, X *group.Element, p *Schnorr) *entry {
	bEnc, xEnc := B.Bytes(), X.Bytes()
	appendSchnorrStatement(t, bEnc, xEnc)
	t.AppendElement("commitment", &p.Commitment)
	c := t.Challenge("challenge")
	e := &entry{kind: "Schnorr"}
	iB := e.addKeyedPoint(new(group.Element).Set(B), bEnc)
	iX := e.addKeyedPoint(new(group.Element).Set(X), xEnc)
	ia := e.addPoint(new(group.Element).Set(&p.Commitment))
	e.unitTerm(ia)
	e.addTerm(iB, new(group.Scalar).Negate(&p.Response))
	e.addTerm(iX, c)
	e.endEquation()
	e.eqName = func(int) string { return "Response·base = Commitment + c·public" }
	return e
}

// newChaumPedersenEntry appends the statement and commitments to t, draws
// the challenge and returns the equations a1 − z·G1 + c·X1 = 0 and
// a2 − z·G2 + c·X2 = 0.
func newChaumPedersenEntry(t *Transcript, G1, X1, G2, X2 *group.Element, p *ChaumPedersen) *entry {
	encs := [4][]byte{G1.Bytes(), X1.Bytes(), G2.Bytes(), X2.Bytes()}
	appendChaumPedersenStatement(t, encs[0], encs[1], encs[2], encs[3])
	t.AppendElement("commitment1", &p.Commitment1)
	t.AppendElement("commitment2", &p.Commitment2)
	c := t.Challenge("challenge")
	e := &entry{kind: "Chaum–Pedersen"}
	var idx [4]int32
	for i, P := range []*group.Element{G1, X1, G2, X2} {
		idx[i] = e.addKeyedPoint(new(group.Element).Set(P), encs[i])
	}
	negZ := new(group.Scalar).Negate(&p.Response)
	ia1 := e.addPoint(new(group.Element).Set(&p.Commitment1))
	ia2 := e.addPoint(new(group.Element).Set(&p.Commitment2))
	e.unitTerm(ia1)
	e.addTerm(idx[0], negZ)
	e.addTerm(idx[1], c)
	e.endEquation()
	e.unitTerm(ia2)
	e.addTerm(idx[2], negZ)
	e.addTerm(idx[3], c)
	e.endEquation()
	e.eqName = func(k int) string { return fmt.Sprintf("Response·base%d = Commitment%d + c·public%d", k+1, k+1, k+1) }
	return e
}

// newRangeEntry appends the statement and commitments to t, draws the
// challenge and returns, for every branch j, the equations
// a_j − v_j·G + c_j·A = 0 and b_j − v_j·K + c_j·B − c_j·j·G = 0. ctEnc is
// the encoding of ct, or nil to compute it.
func newRangeEntry(t *Transcript, kEnc []byte, K *group.Element, ct *elgamal.Ciphertext, ctEnc []byte, R uint64, p *RangeProof) *entry {
	e := &entry{kind: "range"}
	if p.max != R {
		e.err = fmt.Errorf("proof: range proof is for 0..%d, the statement is for 0..%d", p.max, R)
		return e
	}
	if ctEnc == nil {
		ctEnc = ct.Bytes()
	}
	appendRangeStatement(t, kEnc, ctEnc[:32], ctEnc[32:], R)
	t.appendElementsBytes("commitments", p.commitments)
	c := t.Challenge("challenge")
	cR := new(group.Scalar).Set(c)
	for j := range p.c {
		cR.Subtract(cR, &p.c[j])
	}
	k := int(R) + 1
	e.points = make([]*group.Element, 0, 4+2*k)
	e.terms = make([]term, 0, 7*k)
	iG := e.addKeyedPoint(generator, generatorEnc)
	iK := e.addKeyedPoint(K, kEnc)
	iA := e.addPoint(new(group.Element).Set(&ct.A))
	iB := e.addPoint(new(group.Element).Set(&ct.B))
	var negV, cjj group.Scalar
	for j := range k {
		cj := cR
		if j < int(R) {
			cj = &p.c[j]
		}
		negV.Negate(&p.v[j])
		a, b := &p.a[j], &p.b[j]
		if p.halved {
			a, b = new(group.Element).Double(a), new(group.Element).Double(b)
		}
		ia := e.addPoint(a)
		ib := e.addPoint(b)
		e.unitTerm(ia)
		e.addTerm(iG, &negV)
		e.addTerm(iA, cj)
		e.endEquation()
		e.unitTerm(ib)
		e.addTerm(iK, &negV)
		e.addTerm(iB, cj)
		if j > 0 {
			cjj.SetUint64(uint64(j))
			cjj.Multiply(&cjj, cj)
			cjj.Negate(&cjj)
			e.addTerm(iG, &cjj)
		}
		e.endEquation()
	}
	e.eqName = func(k int) string {
		j := k / 2
		if k%2 == 0 {
			return fmt.Sprintf("branch %d: v·G = a + c·A", j)
		}
		return fmt.Sprintf("branch %d: v·K = b + c·(B − %d·G)", j, j)
	}
	return e
}

// A BatchVerifier checks many proofs at once: it draws an independent random
// 128-bit weight for every verification equation, merges the coefficients of
// points that several proofs share (the generator, the election key, bases
// and public keys), and checks that one variable-time multi-scalar
// multiplication of all the equations is the identity. A batch of valid
// proofs always passes; a batch with an invalid proof passes with
// probability at most 2^-128 per equation. When the batch fails, Verify
// checks each proof alone to name the invalid ones.
//
// The Add methods compute the proof's transcript challenge at once, consuming
// t, and copy what they keep, so that the caller may reuse its ciphertexts
// and statements. The zero value is NOT valid: use NewBatchVerifier. A
// BatchVerifier is not safe for concurrent use. It handles public data only.
type BatchVerifier struct {
	entries  []*entry
	shared   []*group.Element
	slots    map[[32]byte]int32
	parallel bool
}

// NewBatchVerifier returns an empty batch verifier, which verifies on all
// cores.
func NewBatchVerifier() *BatchVerifier {
	return &BatchVerifier{slots: make(map[[32]byte]int32), parallel: true}
}

// SetParallel chooses whether Verify spreads its work over all cores (true,
// the default) or runs on the calling goroutine alone (false). A caller that
// verifies several batches at once, one per core, saves about 5% of the
// time with false: one multi-scalar multiplication of a whole batch costs
// less than its halves on two cores.
func (b *BatchVerifier) SetParallel(parallel bool) { b.parallel = parallel }

// forEach is par.For if parallel, and one call of body on the calling
// goroutine otherwise.
func forEach(parallel bool, n, minChunk int, body func(lo, hi int)) {
	if parallel {
		par.For(n, minChunk, body)
	} else if n > 0 {
		body(0, n)
	}
}

// Len returns the number of proofs added so far.
func (b *BatchVerifier) Len() int { return len(b.entries) }

func (b *BatchVerifier) add(e *entry) int {
	if e.err == nil {
		e.slot = make([]int32, len(e.points))
		for i := range e.points {
			e.slot[i] = -1
			if !e.keyed[i] {
				continue
			}
			s, ok := b.slots[e.keys[i]]
			if !ok {
				s = int32(len(b.shared))
				b.shared = append(b.shared, e.points[i])
				b.slots[e.keys[i]] = s
			}
			e.slot[i] = s
		}
	}
	b.entries = append(b.entries, e)
	return len(b.entries) - 1
}

// Append adds the proofs of other to b, after those b holds, in other's
// order, so that the first proof of other has index b.Len() before the
// call. Callers that build the entries of a large batch on several cores,
// one BatchVerifier each, append them into one to check them with a single
// multi-scalar multiplication. other must not be used afterwards.
func (b *BatchVerifier) Append(other *BatchVerifier) {
	for _, e := range other.entries {
		b.add(e)
	}
	other.entries, other.shared, other.slots = nil, nil, nil
}

// AddSchnorr adds the Schnorr proof p for X = x·B, consuming t, and returns
// the entry's index.
func (b *BatchVerifier) AddSchnorr(t *Transcript, B, X *group.Element, p *Schnorr) int {
	return b.add(newSchnorrEntry(t, B, X, p))
}

// AddChaumPedersen adds the Chaum–Pedersen proof p for log_G1(X1) =
// log_G2(X2), consuming t, and returns the entry's index.
func (b *BatchVerifier) AddChaumPedersen(t *Transcript, G1, X1, G2, X2 *group.Element, p *ChaumPedersen) int {
	return b.add(newChaumPedersenEntry(t, G1, X1, G2, X2, p))
}

// AddRange adds the range proof p for "ct encrypts a value in 0..R under
// pk", consuming t, and returns the entry's index. A proof for another R is
// recorded as invalid.
func (b *BatchVerifier) AddRange(t *Transcript, pk *elgamal.PublicKey, ct *elgamal.Ciphertext, R uint64, p *RangeProof) int {
	K, kEnc := pk.Element(), pk.Bytes()
	return b.add(newRangeEntry(t, kEnc, K, ct, nil, R, p))
}

// AddRangeEncoded is AddRange for a ciphertext whose canonical encoding the
// caller already holds, such as the bytes it was decoded from: ctEnc must be
// the 64-byte encoding of ct (ct.Bytes(), or the input that
// ct.SetCanonicalBytes accepted). The transcript hashes ctEnc instead of
// encoding ct again, which saves two element encodings per proof; the
// transcript bytes, and so the verdict, are those of AddRange.
//
// ctEnc is not compared with ct: that would cost the encodings it saves. A
// ctEnc that is not ct's encoding is a programmer error that makes the
// check meaningless (the challenge would bind another statement than the
// one whose equations are checked). It panics if ctEnc is not 64 bytes
// long.
func (b *BatchVerifier) AddRangeEncoded(t *Transcript, pk *elgamal.PublicKey, ct *elgamal.Ciphertext, ctEnc []byte, R uint64, p *RangeProof) int {
	if len(ctEnc) != elgamal.CiphertextSize {
		panic("proof: AddRangeEncoded: the ciphertext encoding is not 64 bytes")
	}
	K, kEnc := pk.Element(), pk.Bytes()
	return b.add(newRangeEntry(t, kEnc, K, ct, ctEnc, R, p))
}

// ErrBatchInvalid is returned by BatchVerifier.Verify when some proofs are
// invalid; the error wraps it and names the first invalid entry.
var ErrBatchInvalid = errors.New("proof: batch verification failed")

// fallbackChunk is how many consecutive entries Verify checks together
// after the whole batch failed, before it checks the entries of a failing
// chunk one by one. Callers add related proofs one after the other (the
// proofs of one ballot), so a few bad ballots spoil few chunks, and a chunk
// check costs much less than as many single checks.
const fallbackChunk = 16

// Verify checks every proof added so far. It returns nil, nil if all are
// valid. Otherwise it returns the indices of the invalid entries in
// increasing order and an error wrapping ErrBatchInvalid. It may be called
// again after more proofs are added.
//
// When the combination of the whole batch fails, Verify checks runs of 16
// consecutive entries together (each with fresh weights), and the entries
// of a run that fails one by one; the invalid entries it returns are those
// that fail alone. It runs on all cores unless SetParallel(false) was
// called.
//
// Execution time depends on the inputs (all public).
func (b *BatchVerifier) Verify() (bad []int, err error) {
	n := len(b.entries)
	if b.combinedCheck(0, n) {
		return nil, nil
	}
	suspect := make([]bool, n)
	if n > 2*fallbackChunk {
		chunks := (n + fallbackChunk - 1) / fallbackChunk
		forEach(b.parallel, chunks, 1, func(lo, hi int) {
			for c := lo; c < hi; c++ {
				a, z := c*fallbackChunk, min((c+1)*fallbackChunk, n)
				if !b.combinedCheckOn(a, z, false) {
					for i := a; i < z; i++ {
						suspect[i] = true
					}
				}
			}
		})
	} else {
		for i := range suspect {
			suspect[i] = true
		}
	}
	errs := make([]error, n)
	forEach(b.parallel, n, 8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if suspect[i] {
				errs[i] = b.entries[i].check()
			}
		}
	})
	var first error
	for i, e := range errs {
		if e != nil {
			bad = append(bad, i)
			if first == nil {
				first = fmt.Errorf("entry %d: %w", i, e)
			}
		}
	}
	if len(bad) == 0 {
		// The combination failed but every proof passes alone: only possible
		// with probability 2^-128, or if an entry changed after it was added.
		return nil, nil
	}
	return bad, fmt.Errorf("%w: %d of %s invalid; %v", ErrBatchInvalid, len(bad), prose.Count(n, "proof"), first)
}

// combinedCheck reports whether the random linear combination of all the
// equations of the entries lo..hi-1 is the identity. It is false if any of
// them carries an error.
func (b *BatchVerifier) combinedCheck(lo, hi int) bool {
	return b.combinedCheckOn(lo, hi, b.parallel)
}

// combinedCheckOn is combinedCheck on all cores if parallel, and on the
// calling goroutine otherwise.
func (b *BatchVerifier) combinedCheckOn(lo, hi int, parallel bool) bool {
	entries := b.entries[lo:hi]
	// Lay out one coefficient per unshared point, then one per shared slot.
	offsets := make([]int, len(entries)+1)
	eqOffsets := make([]int, len(entries)+1)
	for i, e := range entries {
		if e.err != nil {
			return false
		}
		local := 0
		for _, s := range e.slot {
			if s < 0 {
				local++
			}
		}
		offsets[i+1] = offsets[i] + local
		eqOffsets[i+1] = eqOffsets[i] + len(e.eqEnd)
	}
	nLocal := offsets[len(entries)]
	coef := make([]group.Scalar, nLocal+len(b.shared))
	points := make([]*group.Element, nLocal+len(b.shared))
	copy(points[nLocal:], b.shared)

	var mu sync.Mutex
	forEach(parallel, len(entries), 64, func(lo, hi int) {
		sharedCoef := make([]group.Scalar, len(b.shared))
		var scratch []group.Scalar
		// Each equation's weight, drawn for this chunk's equations.
		w := randomWeights(eqOffsets[hi] - eqOffsets[lo])
		for i := lo; i < hi; i++ {
			e := entries[i]
			if cap(scratch) < len(e.points) {
				scratch = make([]group.Scalar, len(e.points))
			}
			scratch = scratch[:len(e.points)]
			clear(scratch)
			e.accumulate(w[eqOffsets[i]-eqOffsets[lo]:eqOffsets[i+1]-eqOffsets[lo]], scratch)
			o := offsets[i]
			for j, s := range e.slot {
				if s < 0 {
					coef[o].Set(&scratch[j])
					points[o] = e.points[j]
					o++
				} else {
					sharedCoef[s].Add(&sharedCoef[s], &scratch[j])
				}
			}
		}
		mu.Lock()
		for s := range sharedCoef {
			coef[nLocal+s].Add(&coef[nLocal+s], &sharedCoef[s])
		}
		mu.Unlock()
	})

	scalars := make([]*group.Scalar, len(coef))
	for i := range coef {
		scalars[i] = &coef[i]
	}
	total := group.NewElement()
	if parallel {
		total.VarTimeMultiScalarMultParallel(scalars, points)
	} else {
		total.VarTimeMultiScalarMult(scalars, points)
	}
	return total.IsIdentity() == 1
}

package mixnet

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/internal/prose"
)

// msmTerms is the number of terms in one variable-time multi-scalar
// multiplication of the verifier: large enough for the bucket method to be
// efficient, small enough to bound the memory of each core (about 300 bytes
// per term).
const msmTerms = 1 << 17

// weightBits is the length of the batch-verification weights.
const weightBits = 128

// VerifyShuffle checks that pr proves that out is a permutation and
// re-encryption of in under p.PublicKey, one permutation for all columns,
// for the given stage. It re-derives the commitment generators and every
// challenge, and checks all the proof's equations at once, as one random
// linear combination evaluated by variable-time multi-scalar
// multiplications on all cores. If the combination fails, it checks the
// equations one group at a time to name the one that does not hold.
//
// It returns nil if the proof is valid. It handles public data only.
func VerifyShuffle(p *Params, stage uint32, in, out *Rows, pr *Proof) error {
	if err := p.check(); err != nil {
		return err
	}
	if in == nil || out == nil || pr == nil {
		return errors.New("mixnet: shuffle proof: missing input rows, output rows or proof")
	}
	n, w := in.Len(), in.Width()
	if out.Len() != n || out.Width() != w {
		return fmt.Errorf("mixnet: shuffle proof: output has %s of width %d, input %s of width %d", prose.Count(out.Len(), "row"), out.Width(), prose.Count(n, "row"), w)
	}
	if pr.Len() != n || pr.Width() != w {
		return fmt.Errorf("mixnet: shuffle proof: proof is for %s of width %d, input has %s of width %d", prose.Count(pr.Len(), "row"), pr.Width(), prose.Count(n, "row"), w)
	}
	d, err := pr.decoded()
	if err != nil {
		return err
	}
	v := newVerifier(p, stage, in, out, pr, d)
	sum, err := v.evaluate(v.weights, 0, n)
	if err != nil {
		return err
	}
	if sum.IsIdentity() == 1 {
		return nil
	}
	return v.diagnose()
}

// verifier holds the public values of one verification.
type verifier struct {
	p       *Params
	in, out *Rows
	d       *decodedProof
	enc     []byte // the proof's encoding
	l       proofLayout
	n, w    int
	gens    generatorSource
	h       *group.Element
	u       []*group.Scalar
	c       group.Scalar
	prodU   group.Scalar // Π u_j
	weights *weights
}

// weights of the equations in the random linear combination. a4[2k] and
// a4[2k+1] weigh the A and B parts of the T4 equation of column k;
// gamma[i−gammaLo] weighs the chain equation of row i, and rows outside
// [gammaLo, gammaLo+len(gamma)) have weight zero.
type weights struct {
	a       [3]group.Scalar
	a4      []group.Scalar
	gamma   []group.Scalar
	gammaLo int
}

// gammaAt returns the weight of the chain equation of row i, or nil if it
// is zero.
func (wt *weights) gammaAt(i int) *group.Scalar {
	if i < wt.gammaLo || i >= wt.gammaLo+len(wt.gamma) {
		return nil
	}
	return &wt.gamma[i-wt.gammaLo]
}

func newVerifier(p *Params, stage uint32, in, out *Rows, pr *Proof, d *decodedProof) *verifier {
	n, w := in.Len(), in.Width()
	l := layout(w, n)
	v := &verifier{p: p, in: in, out: out, d: d, enc: pr.enc, l: l, n: n, w: w, gens: stageGenerators(p, stage)}
	v.h = v.gens.at(0)

	t := statementTranscript(p, stage, n, w, in.Digest(), out.Digest())
	t.AppendBytes("C", pr.enc[l.perm:l.chain])
	v.u = t.Challenges("u", n)
	appendCommitments(t, pr.enc, l)
	v.c.Set(t.Challenge("c"))
	v.prodU.SetUint64(1)
	for _, u := range v.u {
		v.prodU.Multiply(&v.prodU, u)
	}

	// The batch weights: 128-bit values drawn from the transcript once it
	// holds the responses, so that verification is deterministic and the
	// weights are fixed only after the whole proof is.
	t.AppendBytes("responses", pr.enc[l.s1:l.end])
	ws := t.Challenges("weights", 3+2*w+n)
	truncate := func(dst *group.Scalar, s *group.Scalar) {
		var b [32]byte
		copy(b[:weightBits/8], s.Bytes())
		if _, err := dst.SetCanonicalBytes(b[:]); err != nil {
			panic("mixnet: internal error: " + err.Error())
		}
	}
	wt := &weights{a4: make([]group.Scalar, 2*w), gamma: make([]group.Scalar, n)}
	for k := 0; k < 3; k++ {
		truncate(&wt.a[k], ws[k])
	}
	for k := 0; k < 2*w; k++ {
		truncate(&wt.a4[k], ws[3+k])
	}
	par.For(n, 4096, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			truncate(&wt.gamma[i], ws[3+2*w+i])
		}
	})
	v.weights = wt
	return v
}

// evaluate returns the linear combination, with weights wt, of the
// equations of the proof, each written as "left side − right side", so that
// it is the identity if they all hold. Only the chain equations of rows
// [lo, hi) are included, and their weights outside that range must be zero.
// Terms with a zero coefficient are skipped. It decodes the per-row
// elements and scalars of the proof as it goes, and returns an error naming
// the first one that is not canonical.
//
// Execution time depends on the inputs.
func (v *verifier) evaluate(wt *weights, lo, hi int) (*group.Element, error) {
	start := max(lo-1, 0) // row lo−1 holds Ĉ_{lo−1}, which the chain equation of row lo uses
	if len(wt.gamma) == 0 {
		start, hi = 0, v.n
	}
	var mu sync.Mutex
	total := group.NewElement()
	var gSum group.Scalar // Σ γ_i·ŝ_i
	var firstErr error
	errRow := -1
	rowsPerMSM := max(1, msmTerms/(4+4*v.w))
	par.For(hi-start, min(rowsPerMSM, 1024), func(a, b int) {
		acc := group.NewElement()
		var accG group.Scalar
		rows := min(b-a, rowsPerMSM)
		tb := newTermBuffer(rows*(4+4*v.w), 4*rows)
		for s := start + a; s < start+b; s += rowsPerMSM {
			e := min(s+rowsPerMSM, start+b)
			if row, err := v.rowTerms(tb, wt, s, e, &accG); err != nil {
				mu.Lock()
				if errRow < 0 || row < errRow {
					errRow, firstErr = row, err
				}
				mu.Unlock()
				return
			}
			acc.Add(acc, tb.sum())
		}
		mu.Lock()
		total.Add(total, acc)
		gSum.Add(&gSum, &accG)
		mu.Unlock()
	})
	if firstErr != nil {
		return nil, firstErr
	}
	tb := newTermBuffer(6+2*v.w, 0)
	v.fixedTerms(tb, wt, &gSum, lo == 0)
	return total.Add(total, tb.sum()), nil
}

// rowTerms adds to tb the terms of rows [lo, hi) and adds Σ γ_i·ŝ_i to gSum.
// Row i (0-based, row i+1 of the specification) contributes
//
//	C_i:      −c·(a1 + a3·u_i)
//	h_{i+1}:  c·a1 + a3·s'_i
//	Ĉ_i:      −c·γ_i + γ_{i+1}·s'_{i+1}   (last row: −c·(γ_i + a2))
//	T̂_i:      −γ_i
//	A_{i,k}:  −c·u_i·a4A_k,   B_{i,k}:  −c·u_i·a4B_k     (input)
//	Ã_{i,k}:  s'_i·a4A_k,     B̃_{i,k}:  s'_i·a4B_k       (output)
//
// On a non-canonical encoding it returns the row and an error.
func (v *verifier) rowTerms(tb *termBuffer, wt *weights, lo, hi int, gSum *group.Scalar) (int, error) {
	w, enc, l := v.w, v.enc, v.l
	var ca1, x, y, cu, sPrime, sNext, sHat group.Scalar
	ca1.Multiply(&v.c, &wt.a[0])
	zero := group.NewScalar()
	gamma := func(i int) *group.Scalar {
		if g := wt.gammaAt(i); g != nil {
			return g
		}
		return zero
	}
	scalarAt := func(dst *group.Scalar, off int, name string, i int) error {
		if _, err := dst.SetCanonicalBytes(enc[off+i*ss : off+(i+1)*ss]); err != nil {
			return fmt.Errorf("mixnet: proof: field %s, row %d: %s", name, i, strings.TrimPrefix(err.Error(), "group: "))
		}
		return nil
	}
	elementAt := func(off int, name string, i int) (*group.Element, error) {
		e := tb.newElement()
		if _, err := e.SetCanonicalBytes(enc[off+i*es : off+(i+1)*es]); err != nil {
			return nil, fmt.Errorf("mixnet: proof: field %s, row %d: %s", name, i, strings.TrimPrefix(err.Error(), "group: "))
		}
		return e, nil
	}
	if err := scalarAt(&sNext, l.sPrime, "sprime", lo); err != nil {
		return lo, err
	}
	hs := tb.newElements(hi - lo) // h_{lo+1} … h_hi
	v.gens.into(hs, uint64(lo)+1)
	for i := lo; i < hi; i++ {
		sPrime.Set(&sNext)
		if i+1 < v.n {
			if err := scalarAt(&sNext, l.sPrime, "sprime", i+1); err != nil {
				return i + 1, err
			}
		}
		if err := scalarAt(&sHat, l.sHat, "shat", i); err != nil {
			return i, err
		}
		C, err := elementAt(l.perm, "C", i)
		if err != nil {
			return i, err
		}
		chain, err := elementAt(l.chain, "Chat", i)
		if err != nil {
			return i, err
		}
		chainT, err := elementAt(l.chainT, "That", i)
		if err != nil {
			return i, err
		}
		cu.Multiply(&v.c, v.u[i])
		// C_i
		x.MultiplyAdd(&wt.a[2], &cu, &ca1)
		tb.add(x.Negate(&x), C)
		// h_{i+1}
		x.MultiplyAdd(&wt.a[2], &sPrime, &ca1)
		tb.add(&x, &hs[i-lo])
		// Ĉ_i
		g := gamma(i)
		x.Multiply(&v.c, g)
		if i == v.n-1 {
			y.Multiply(&v.c, &wt.a[1])
			x.Add(&x, &y)
			x.Negate(&x)
		} else {
			y.Multiply(gamma(i+1), &sNext)
			x.Subtract(&y, &x)
		}
		tb.add(&x, chain)
		// T̂_i and the G coefficient
		tb.add(x.Negate(g), chainT)
		gSum.MultiplyAdd(g, &sHat, gSum)
		// inputs and outputs, column by column
		for k := 0; k < w; k++ {
			aA, aB := &wt.a4[2*k], &wt.a4[2*k+1]
			in, out := &v.in.cts[i*w+k], &v.out.cts[i*w+k]
			x.Multiply(&cu, aA)
			tb.add(x.Negate(&x), &in.A)
			x.Multiply(&cu, aB)
			tb.add(x.Negate(&x), &in.B)
			tb.add(x.Multiply(&sPrime, aA), &out.A)
			tb.add(x.Multiply(&sPrime, aB), &out.B)
		}
	}
	return 0, nil
}

// fixedTerms adds to tb the terms of the elements that occur once: G, K, h
// and the commitments T1, T2, T3 and T4. withFirst says whether the chain
// equation of row 0, which uses Ĉ_0 = h, is in the combination.
func (v *verifier) fixedTerms(tb *termBuffer, wt *weights, gSum *group.Scalar, withFirst bool) {
	d := v.d
	var x, y group.Scalar
	// G: a1·s1 + a2·s2 + a3·s3 − Σ a4A_k·s4_k + Σ γ_i·ŝ_i
	x.Set(gSum)
	for k := 0; k < 3; k++ {
		x.MultiplyAdd(&wt.a[k], &d.s[k], &x)
	}
	for k := 0; k < v.w; k++ {
		y.Multiply(&wt.a4[2*k], &d.s4[k])
		x.Subtract(&x, &y)
	}
	tb.add(&x, group.NewGeneratorElement())
	// K: −Σ a4B_k·s4_k
	x.Set(group.NewScalar())
	for k := 0; k < v.w; k++ {
		y.Multiply(&wt.a4[2*k+1], &d.s4[k])
		x.Subtract(&x, &y)
	}
	tb.add(&x, v.p.PublicKey.Element())
	// h: a2·c·Πu + γ_0·s'_0
	x.Multiply(&wt.a[1], &v.c)
	x.Multiply(&x, &v.prodU)
	if g0 := wt.gammaAt(0); withFirst && g0 != nil {
		var s0 group.Scalar
		if _, err := s0.SetCanonicalBytes(v.enc[v.l.sPrime : v.l.sPrime+ss]); err != nil {
			panic("mixnet: internal error: s'_0 was checked when the proof was read")
		}
		x.MultiplyAdd(g0, &s0, &x)
	}
	tb.add(&x, v.h)
	for k := 0; k < 3; k++ {
		tb.add(x.Negate(&wt.a[k]), &d.t[k])
	}
	for k := 0; k < v.w; k++ {
		tb.add(x.Negate(&wt.a4[2*k]), &d.t4[k].A)
		tb.add(x.Negate(&wt.a4[2*k+1]), &d.t4[k].B)
	}
}

// diagnose finds which equation of a proof whose combination failed does
// not hold, and returns an error naming it.
func (v *verifier) diagnose() error {
	single := func(set func(wt *weights)) bool {
		wt := &weights{a4: make([]group.Scalar, 2*v.w)}
		set(wt)
		sum, err := v.evaluate(wt, 0, v.n)
		return err == nil && sum.IsIdentity() == 1
	}
	names := [3]string{"T1 (sum of the permutation commitments)", "T2 (end of the commitment chain)", "T3 (permutation commitments weighted by u)"}
	for k := 0; k < 3; k++ {
		if !single(func(wt *weights) { wt.a[k].SetUint64(1) }) {
			return fmt.Errorf("mixnet: shuffle proof: equation %s does not hold", names[k])
		}
	}
	for k := 0; k < v.w; k++ {
		for part, name := range []string{"A", "B"} {
			if !single(func(wt *weights) { wt.a4[2*k+part].SetUint64(1) }) {
				return fmt.Errorf("mixnet: shuffle proof: equation T4 (re-encryption), column %d, part %s does not hold", k, name)
			}
		}
	}
	// The chain equations: first by blocks with the random weights, then
	// row by row inside a failing block.
	const block = 1024
	one := []group.Scalar{*group.NewScalar().SetUint64(1)}
	for lo := 0; lo < v.n; lo += block {
		hi := min(lo+block, v.n)
		if v.chainHolds(v.weights.gamma[lo:hi], lo, hi) {
			continue
		}
		for i := lo; i < hi; i++ {
			if !v.chainHolds(one, i, i+1) {
				return fmt.Errorf("mixnet: shuffle proof: chain equation T̂ of row %d does not hold", i)
			}
		}
	}
	return errors.New("mixnet: shuffle proof: the combined equation does not hold")
}

// chainHolds checks the chain equations of rows [lo, hi), combined with the
// weights gamma[0 … hi−lo).
func (v *verifier) chainHolds(gamma []group.Scalar, lo, hi int) bool {
	wt := &weights{a4: make([]group.Scalar, 2*v.w), gamma: gamma, gammaLo: lo}
	sum, err := v.evaluate(wt, lo, hi)
	return err == nil && sum.IsIdentity() == 1
}

// termBuffer collects the terms of one multi-scalar multiplication. Its
// capacities are fixed, so that the pointers it hands out stay valid.
type termBuffer struct {
	scalars []group.Scalar
	elems   []group.Element // elements decoded or derived for this buffer
	sp      []*group.Scalar
	ep      []*group.Element
}

func newTermBuffer(terms, elems int) *termBuffer {
	return &termBuffer{
		scalars: make([]group.Scalar, 0, terms),
		elems:   make([]group.Element, 0, elems),
		sp:      make([]*group.Scalar, 0, terms),
		ep:      make([]*group.Element, 0, terms),
	}
}

// add appends the term s·e, unless s is zero. The scalar is copied; e is
// kept by reference.
func (tb *termBuffer) add(s *group.Scalar, e *group.Element) {
	if s.IsZero() == 1 {
		return
	}
	if len(tb.scalars) == cap(tb.scalars) {
		panic("mixnet: internal error: term buffer full")
	}
	tb.scalars = append(tb.scalars, *s)
	tb.sp = append(tb.sp, &tb.scalars[len(tb.scalars)-1])
	tb.ep = append(tb.ep, e)
}

// newElement returns storage for one more element of the buffer.
func (tb *termBuffer) newElement() *group.Element {
	if len(tb.elems) == cap(tb.elems) {
		panic("mixnet: internal error: element buffer full")
	}
	tb.elems = append(tb.elems, group.Element{})
	return &tb.elems[len(tb.elems)-1]
}

// newElements returns storage for m more elements of the buffer.
func (tb *termBuffer) newElements(m int) []group.Element {
	if len(tb.elems)+m > cap(tb.elems) {
		panic("mixnet: internal error: element buffer full")
	}
	tb.elems = tb.elems[:len(tb.elems)+m]
	return tb.elems[len(tb.elems)-m:]
}

// sum returns Σ terms and empties the buffer.
//
// Execution time depends on the inputs.
func (tb *termBuffer) sum() *group.Element {
	r := group.NewElement().VarTimeMultiScalarMult(tb.sp, tb.ep)
	tb.scalars = tb.scalars[:0]
	tb.elems = tb.elems[:0]
	tb.sp = tb.sp[:0]
	tb.ep = tb.ep[:0]
	return r
}

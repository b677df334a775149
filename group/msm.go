package group

import (
	"encoding/binary"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"

	"github.com/sandogh/sandogh/internal/par"
)

// MultiScalarMult sets e = Σ scalars[i]·elements[i] and returns e, in
// constant time: the execution time depends only on the number of terms. Use
// it when any scalar is secret (the elements are treated as public, but
// nothing branches on them either). It panics if the slices differ in
// length, and sets e to the identity if they are empty. e may alias any of
// the elements.
//
// It is Straus's interleaved method with signed radix-16 digits, over
// chunks of up to 256 terms: for each element a table of its multiples
// 1·P … 8·P in affine Niels form (the tables of a chunk normalised with one
// shared inversion), then, from the top digit down, four doublings shared
// by all the terms of the chunk and one constant-time table lookup (all
// eight entries are read) and mixed addition per term and digit.
func (e *Element) MultiScalarMult(scalars []*Scalar, elements []*Element) *Element {
	if len(scalars) != len(elements) {
		panic("group: MultiScalarMult called with different numbers of scalars and elements")
	}
	n := len(scalars)
	if n == 0 {
		return e.Zero()
	}
	var acc, part extPoint
	w := ctWorkspaces.Get().(*ctWorkspace)
	defer ctWorkspaces.Put(w)
	for lo := 0; lo < n; lo += ctChunk {
		hi := min(lo+ctChunk, n)
		w.sum(&part, scalars[lo:hi], elements[lo:hi])
		if lo == 0 {
			acc = part
		} else {
			acc.addExt(&acc, &part)
		}
	}
	return acc.toElement(e)
}

// ctChunk is the number of terms whose tables MultiScalarMult holds at once,
// and ctBuild the number whose tables it builds with one shared inversion.
const (
	ctChunk = 256
	ctBuild = 64
)

// A ctWorkspace holds the tables (768 bytes each) and digits of up to
// ctChunk terms, and the temporary points from which ctBuild tables are
// built: about 300 KiB, kept in a pool.
type ctWorkspace struct {
	tables [ctChunk]nielsRow
	digits [ctChunk][64]int8
	pts    [8 * ctBuild]extPoint          // 8 multiples per term
	zs     [2 * 8 * ctBuild]field.Element // their Z, inverted in place, then scratch
}

var ctWorkspaces = sync.Pool{New: func() any { return new(ctWorkspace) }}

// sum sets out = Σ scalars[i]·elements[i] for 1 to ctChunk terms, in
// constant time.
func (w *ctWorkspace) sum(out *extPoint, scalars []*Scalar, elements []*Element) {
	n := len(scalars)
	for lo := 0; lo < n; lo += ctBuild {
		hi := min(lo+ctBuild, n)
		w.buildTables(w.tables[lo:hi], elements[lo:hi])
	}
	for i, s := range scalars {
		w.digits[i] = signedRadix16(s)
	}
	var c completedPoint
	var q affineNielsPoint
	tables, digits := w.tables[:n], w.digits[:n]

	// The top digit of the first term sets out instead of being added to
	// the identity.
	neg := tables[0].lookup(&q, digits[0][63])
	out.setAffineNielsSigned(&q, neg)
	for i := 1; i < n; i++ {
		neg := tables[i].lookup(&q, digits[i][63])
		c.addAffineSigned(out, &q, neg)
		out.fromCompleted(&c)
	}
	for j := 62; j >= 0; j-- {
		out.doubleN(out, 4)
		for i := range tables {
			neg := tables[i].lookup(&q, digits[i][j])
			c.addAffineSigned(out, &q, neg)
			out.fromCompleted(&c)
		}
	}
	// The digits are the secret scalars; the pooled workspace does not keep
	// them.
	clear(digits)
}

// buildTables sets tables[i] to the multiples 1·P … 8·P of elements[i], for
// at most ctBuild elements, normalised to affine coordinates with one
// shared inversion.
func (w *ctWorkspace) buildTables(tables []nielsRow, elements []*Element) {
	n := len(elements)
	pts := w.pts[:8*n]
	for i, el := range elements {
		m := (*[8]extPoint)(pts[8*i:])
		m[0].fromElement(el)
		multiples8(m)
	}
	toAffineNiels(pts, w.zs[:], func(k int, q *affineNielsPoint) {
		tables[k/8].set(k%8, q)
	})
}

// multiples8 sets m[i] = (i+1)·m[0] for i = 1 … 7: four doublings and
// three additions.
func multiples8(m *[8]extPoint) {
	var pn nielsPoint
	var c completedPoint
	pn.fromExt(&m[0])
	m[1].doubleN(&m[0], 1) // 2P
	c.addNiels(&m[1], &pn) // 3P
	m[2].fromCompleted(&c)
	m[3].doubleN(&m[1], 1) // 4P
	c.addNiels(&m[3], &pn) // 5P
	m[4].fromCompleted(&c)
	m[5].doubleN(&m[2], 1) // 6P
	c.addNiels(&m[5], &pn) // 7P
	m[6].fromCompleted(&c)
	m[7].doubleN(&m[3], 1) // 8P
}

// VarTimeMultiScalarMult sets e = Σ scalars[i]·elements[i] and returns e.
//
// Execution time depends on the inputs. Use it with public data only, such as
// a verifier's equations or the random weights of a batch verifier, never
// with keys, nonces or votes (use MultiScalarMult for those).
//
// It runs on the calling goroutine; callers that want more cores split the
// sum and add the parts. Small sums use interleaved width-5 non-adjacent
// forms; larger ones (from about 85 full-length or 40 128-bit scalars) use
// the bucket method of Pippenger with signed digits and a window chosen from
// the number and bit lengths of the scalars. A term takes part only in the
// windows its scalar reaches, so scalars of at most 128 bits (batch
// verification weights) cost about half as much as full-length ones, and zero
// scalars cost nothing. docs/spec.md gives the details and the measured
// speeds. It panics if the slices differ in length, and sets e to the
// identity if they are empty. e may alias any of the elements.
func (e *Element) VarTimeMultiScalarMult(scalars []*Scalar, elements []*Element) *Element {
	if len(scalars) != len(elements) {
		panic("group: VarTimeMultiScalarMult called with different numbers of scalars and elements")
	}
	var r extPoint
	varTimeMSM(&r, scalars, elements)
	return r.toElement(e)
}

// VarTimeMultiScalarMultParallel is VarTimeMultiScalarMult on all cores
// (GOMAXPROCS): when it uses the bucket method, the windows, each summed into
// its own buckets, are dealt out to one goroutine per core, so the result is
// the same sum at the cost of one multi-scalar multiplication of all the
// terms, which is less than the cost of splitting the terms among the cores
// (each part would aggregate its own buckets). Execution time depends on
// the inputs (public data only).
func (e *Element) VarTimeMultiScalarMultParallel(scalars []*Scalar, elements []*Element) *Element {
	if len(scalars) != len(elements) {
		panic("group: VarTimeMultiScalarMultParallel called with different numbers of scalars and elements")
	}
	var r extPoint
	varTimeMSMOn(&r, scalars, elements, 0, runtime.GOMAXPROCS(0))
	return r.toElement(e)
}

// maxWindow bounds the window so that the buckets (2^(c−1) extended points of
// 160 bytes, 640 KiB at c = 13) stay within the L2 cache.
const maxWindow = 13

// Estimated costs, in field multiplications, from which varTimeMSM chooses
// the method and the window. The bucket-method figures are operation counts;
// the interleaved-NAF figures are scaled by strausOverhead, measured on
// amd64 by timing both methods at sizes around the crossover, which falls at
// about 85 terms of full-length scalars and 40 terms of 128-bit scalars.
const (
	costMixedAdd   = 7.6 // accumulate one term into a bucket, with digit extraction
	costBucketAgg  = 18  // two full additions per bucket in the running sum
	costDouble     = 7   // one doubling
	costNormalize  = 8   // affine Niels form of one point, sharing the inversion
	costInversion  = 300 // the shared field inversion
	costNAFAdd     = 8   // one addition of a cached table entry
	costNAFTable   = 72  // eight odd multiples in cached form
	strausOverhead = 1.38
)

// varTimeMSM sets out = Σ scalars[i]·elements[i], choosing the method.
func varTimeMSM(out *extPoint, scalars []*Scalar, elements []*Element) {
	varTimeMSMWith(out, scalars, elements, 0)
}

// varTimeMSMWith is varTimeMSM with the method forced for tests: window 0
// chooses, −1 forces the interleaved-NAF method, and c ≥ 2 forces the
// bucket method with c-bit windows.
func varTimeMSMWith(out *extPoint, scalars []*Scalar, elements []*Element, window int) {
	varTimeMSMOn(out, scalars, elements, window, 1)
}

// varTimeMSMOn is varTimeMSMWith on up to workers goroutines: the bucket
// method's preparation (the scalars' limbs, the points' affine forms and
// the digits) is split among them by terms, and its windows are dealt out
// to them.
func varTimeMSMOn(out *extPoint, scalars []*Scalar, elements []*Element, window, workers int) {
	n := len(scalars)
	// Scalars as little-endian 64-bit limbs, and their bit lengths. A
	// reduced scalar is below ℓ < 2^253.
	limbs := make([][4]uint64, n)
	lens := make([]uint8, n)
	var hist [254]int
	var mu sync.Mutex
	par.ForOn(workers, n, prepChunk, func(lo, hi int) {
		var h [254]int
		for i := lo; i < hi; i++ {
			var b [32]byte
			copy(b[:], scalars[i].s.Bytes())
			l := &limbs[i]
			l[0] = binary.LittleEndian.Uint64(b[0:])
			l[1] = binary.LittleEndian.Uint64(b[8:])
			l[2] = binary.LittleEndian.Uint64(b[16:])
			l[3] = binary.LittleEndian.Uint64(b[24:])
			L := bitLen256(l)
			lens[i] = uint8(L)
			h[L]++
		}
		mu.Lock()
		for L, k := range h {
			hist[L] += k
		}
		mu.Unlock()
	})
	m := n - hist[0] // nonzero terms
	if m == 0 {
		out.setIdentity()
		return
	}

	// atLeast[L] = number of terms with bit length ≥ L, for L ≥ 1.
	lmax := 253
	for hist[lmax] == 0 {
		lmax--
	}
	var atLeast [255]int
	for L := lmax; L >= 1; L-- {
		atLeast[L] = atLeast[L+1] + hist[L]
	}
	c := window
	if window == 0 {
		var bucketCost float64
		c, bucketCost = chooseWindow(&atLeast, lmax)
		if strausCost(&hist) <= bucketCost {
			c = -1
		}
	}
	if c < 0 {
		strausMSM(out, scalars, elements, lens)
		return
	}

	// Order the nonzero terms by decreasing bit length (a counting sort), so
	// that the terms that reach a window are a prefix of the order.
	order := make([]int32, m)
	var next [255]int
	for L := lmax; L >= 1; L-- {
		next[L] = atLeast[L+1]
	}
	for i := 0; i < n; i++ {
		if L := lens[i]; L != 0 {
			order[next[L]] = int32(i)
			next[L]++
		}
	}

	// Affine Niels forms of the points, in that order, with one shared
	// inversion per part of the Z coordinates that are not 1 (a decoded
	// element has Z = 1, and so do most of the points of a batch of
	// proofs).
	pts := make([]bucketAffine, m)
	sc := make([][4]uint64, m)
	par.ForOn(workers, m, prepChunk, func(lo, hi int) {
		var which []int32        // the k whose Z is not 1
		var zinv []field.Element // their Z, then 1/Z
		for k := lo; k < hi; k++ {
			i := order[k]
			X, Y, Z, _ := elements[i].p.ExtendedCoordinates()
			sc[k] = limbs[i]
			if fpFromField(Z) == fpOne {
				pts[k].fromAffine(X, Y)
				continue
			}
			which = append(which, int32(k))
			zinv = append(zinv, *Z)
		}
		batchInvert(zinv, zinv, make([]field.Element, len(zinv)))
		var x, y field.Element
		for j, k := range which {
			X, Y, _, _ := elements[order[k]].p.ExtendedCoordinates()
			x.Multiply(X, &zinv[j])
			y.Multiply(Y, &zinv[j])
			pts[k].fromAffine(&x, &y)
		}
	})

	pippenger(out, pts, sc, &atLeast, lmax, c, workers)
}

// prepChunk is the fewest terms of the bucket method's preparation worth a
// goroutine of their own.
const prepChunk = 512

// bitLen256 returns the bit length of the 256-bit integer l.
func bitLen256(l *[4]uint64) int {
	for w := 3; w >= 0; w-- {
		if l[w] != 0 {
			return 64*w + bits.Len64(l[w])
		}
	}
	return 0
}

// windows returns the number of c-bit windows covering lmax bits.
func windows(lmax, c int) int { return (lmax + c - 1) / c }

// chooseWindow returns the window width c that minimises the estimated cost
// of the bucket method for the given bit-length distribution, and that cost.
func chooseWindow(atLeast *[255]int, lmax int) (int, float64) {
	best, bestCost := 2, -1.0
	for c := 2; c <= maxWindow; c++ {
		w := windows(lmax, c)
		cost := float64(w*c) * costDouble
		for j := 0; j < w; j++ {
			active := atLeast[max(1, j*c-1)]
			nb := 1 << (c - 1)
			if j == w-1 {
				nb = 1 << (lmax - j*c)
			}
			cost += float64(active)*costMixedAdd + float64(nb)*costBucketAgg
		}
		if bestCost < 0 || cost < bestCost {
			best, bestCost = c, cost
		}
	}
	return best, bestCost + float64(atLeast[1])*costNormalize + costInversion
}

// strausCost estimates the cost of the interleaved-NAF method: a width-5 NAF
// has a nonzero digit every six bits on average, and the doublings run over
// all 256 bit positions.
func strausCost(hist *[254]int) float64 {
	var cost float64
	for L := 1; L < len(hist); L++ {
		cost += float64(hist[L]) * (float64(L)/6*costNAFAdd + costNAFTable)
	}
	return strausOverhead * (cost + 256*costDouble)
}

// digitAt returns the c bits of s starting at bit pos (c ≤ 16, pos < 256).
func digitAt(s *[4]uint64, pos, c uint) uint64 {
	w, b := pos/64, pos%64
	v := s[w&3] >> b
	if b+c > 64 && w < 3 {
		v |= s[(w+1)&3] << (64 - b)
	}
	return v & (1<<c - 1)
}

// pippenger sets out = Σ_k sc[k]·pts[k] by the bucket method with c-bit
// signed digits, 2 ≤ c ≤ 16, on up to workers goroutines. The terms are
// ordered by decreasing bit length and atLeast[L] counts the terms of bit
// length at least L, so the terms that can have a nonzero digit in window j
// (bit length ≥ j·c − 1: a term of bit length j·c − 1 may carry into window
// j) are a prefix of the order. The digits are recoded from the lowest
// window up, each term carrying its borrow to the next; the top window is
// unsigned, so nothing carries out of it. Each window is summed into
// buckets, and the windows are combined at the end by Horner's rule with c
// doublings between windows. On several goroutines, all the digits are
// recoded first, and the windows are then dealt out one at a time.
func pippenger(out *extPoint, pts []bucketAffine, sc [][4]uint64, atLeast *[255]int, lmax, c, workers int) {
	if c < 2 || c > 16 {
		panic("group: internal error: window out of range")
	}
	w := windows(lmax, c)
	half := 1 << (c - 1)
	nbMax := max(half, 1<<(lmax-(w-1)*c))

	workers = max(1, min(workers, w))
	active := func(j int) int { return atLeast[max(1, j*c-1)] }

	// recode sets dst[k] to the signed digit of window j of term k, for the
	// terms k in [lo, hi) active in window j (dst is window j's digits, of
	// length active(j)), and carries each term's borrow into window j+1: a
	// term's windows must be recoded in order.
	carry := make([]uint8, len(pts))
	recode := func(j, lo, hi int, dst []int32) {
		top := j == w-1
		pos := uint(j * c)
		for k := lo; k < min(hi, len(dst)); k++ {
			d := int(digitAt(&sc[k], pos, uint(c))) + int(carry[k])
			carry[k] = 0
			if !top && d >= half {
				d -= 1 << c
				carry[k] = 1
			}
			dst[k] = int32(d)
		}
	}
	// On one goroutine each window is recoded just before it is summed;
	// on several, all are recoded first (4 bytes per term and window), the
	// terms split among the goroutines, so that the windows are
	// independent.
	var digits [][]int32
	if workers > 1 {
		total := 0
		for j := range w {
			total += active(j)
		}
		flat := make([]int32, total)
		digits = make([][]int32, w)
		for j := range w {
			digits[j], flat = flat[:active(j):active(j)], flat[active(j):]
		}
		par.ForOn(workers, len(pts), prepChunk, func(lo, hi int) {
			for j := range w {
				if lo >= active(j) {
					break // the terms are ordered: none of lo..hi reaches j
				}
				recode(j, lo, hi, digits[j])
			}
		})
	}

	sums := make([]bucketPoint, w)
	sumSet := make([]bool, w)
	window := func(j int, buckets []bucketPoint, used []bool, scratch []int32) {
		nb := half
		if j == w-1 {
			nb = 1 << (lmax - j*c)
		}
		clear(used[:nb])
		var cp bucketCompleted
		var dj []int32
		if digits != nil {
			dj = digits[j]
		} else {
			dj = scratch[:active(j)]
			recode(j, 0, len(dj), dj)
		}
		for k, d := range dj {
			if d == 0 {
				continue
			}
			neg := d < 0
			i := int(d) - 1
			if neg {
				i = int(-d) - 1
			}
			b := &buckets[i]
			if used[i] {
				b.fromCompleted(cp.add(b, &pts[k], neg))
			} else {
				b.set(&pts[k], neg)
				used[i] = true
			}
		}
		sumSet[j] = aggregateBuckets(&sums[j], buckets[:nb], used[:nb])
	}
	if workers == 1 {
		buckets, used, scratch := make([]bucketPoint, nbMax), make([]bool, nbMax), make([]int32, active(0))
		for j := range w {
			window(j, buckets, used, scratch)
		}
	} else {
		// The windows are dealt out one at a time, so that a worker that
		// drew the short top windows takes more of them.
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				buckets, used := make([]bucketPoint, nbMax), make([]bool, nbMax)
				for j := int(next.Add(1) - 1); j < w; j = int(next.Add(1) - 1) {
					window(j, buckets, used, nil)
				}
			}()
		}
		wg.Wait()
	}

	// Horner: out = Σ_j 2^(jc)·sums[j].
	set := false
	var sum extPoint
	for j := w - 1; j >= 0; j-- {
		if set {
			out.doubleN(out, c)
			if sumSet[j] {
				out.addExt(out, sums[j].toExt(&sum))
			}
		} else if sumSet[j] {
			sums[j].toExt(out)
			set = true
		}
	}
	if !set {
		out.setIdentity()
	}
}

// strausMSM computes a short sum with filippo.io/edwards25519's interleaved
// width-5 NAF method, skipping the zero scalars (lens[i] == 0).
func strausMSM(out *extPoint, scalars []*Scalar, elements []*Element, lens []uint8) {
	ss := make([]*edwards25519.Scalar, 0, len(scalars))
	ps := make([]*edwards25519.Point, 0, len(scalars))
	for i := range scalars {
		if lens[i] != 0 {
			ss = append(ss, &scalars[i].s)
			ps = append(ps, &elements[i].p)
		}
	}
	var r edwards25519.Point
	r.VarTimeMultiScalarMult(ss, ps)
	X, Y, Z, T := r.ExtendedCoordinates()
	out.X.Set(X)
	out.Y.Set(Y)
	out.Z.Set(Z)
	out.T.Set(T)
}

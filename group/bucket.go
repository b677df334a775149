package group

import (
	"filippo.io/edwards25519/field"
	"github.com/cloudflare/circl/math/fp25519"
)

// The bucket method's inner loop (varTimeMSM's pippenger) runs on its own
// field arithmetic: GF(2^255 − 19) in four 64-bit limbs, from
// github.com/cloudflare/circl/math/fp25519, whose amd64 assembly multiplies
// with MULX, ADCX and ADOX. A mixed addition there takes about three fifths
// of the time it takes on field.Element (five 51-bit limbs) on the
// benchmark machine (BenchmarkMixedAddition; docs/spec.md, "Multi-scalar
// multiplication"); that loop is most of the time of a batch verification. The formulas are those
// of edwards.go (Hisil et al., a = −1), on points of the same meaning.
//
// The points come in through fromAffine from field.Element coordinates,
// and the window sums go out through toExt (fp.go). Only public data (the
// points and scalars of a variable-time multi-scalar multiplication) meet
// this code.

// bucketPoint is an extended point (X:Y:Z:T), as extPoint.
type bucketPoint struct {
	X, Y, Z, T fp25519.Elt
}

// bucketCompleted is a completed point, as completedPoint.
type bucketCompleted struct {
	X, Y, Z, T fp25519.Elt
}

// bucketAffine is an affine point in affine Niels form (y+x, y−x, 2d·x·y),
// as affineNielsPoint.
type bucketAffine struct {
	YplusX, YminusX, XY2d fp25519.Elt
}

var (
	bucketD2   = fpFromField(feD2)
	bucketInvD = fpFromField(feInvD)
	bucketTwo  = fpFromField(new(field.Element).Add(feOne, feOne))
)

// fromAffine sets v to the affine point (x, y). Two multiplications.
func (v *bucketAffine) fromAffine(x, y *field.Element) *bucketAffine {
	fx, fy := fpFromField(x), fpFromField(y)
	var xy fp25519.Elt
	fp25519.Mul(&xy, &fx, &fy)
	fp25519.Add(&v.YplusX, &fy, &fx)
	fp25519.Sub(&v.YminusX, &fy, &fx)
	fp25519.Mul(&v.XY2d, &xy, &bucketD2)
	return v
}

// set sets v = q (neg = false) or v = −q (neg = true), with Z = 2: one
// multiplication instead of the seven of adding q to the identity, for the
// first point of a bucket. It branches on neg, which must be public.
func (v *bucketPoint) set(q *bucketAffine, neg bool) {
	fp25519.Mul(&v.T, &q.XY2d, &bucketInvD) // 2xy
	if neg {
		fp25519.Sub(&v.X, &q.YminusX, &q.YplusX) // −2x
		fp25519.Neg(&v.T, &v.T)
	} else {
		fp25519.Sub(&v.X, &q.YplusX, &q.YminusX) // 2x
	}
	fp25519.Add(&v.Y, &q.YplusX, &q.YminusX) // 2y
	v.Z = bucketTwo
}

// add sets v = p + q (sub = false) or p − q (sub = true): three
// multiplications (madd-2008-hwcd-3). −q is q with y+x and y−x swapped and
// 2dxy negated. It branches on sub, which must be public.
func (v *bucketCompleted) add(p *bucketPoint, q *bucketAffine, sub bool) *bucketCompleted {
	plus, minus := &q.YplusX, &q.YminusX
	if sub {
		plus, minus = minus, plus
	}
	var pp, mm, tt, z2 fp25519.Elt
	fp25519.Add(&pp, &p.Y, &p.X)
	fp25519.Sub(&mm, &p.Y, &p.X)
	fp25519.Mul(&pp, &pp, plus)
	fp25519.Mul(&mm, &mm, minus)
	fp25519.Mul(&tt, &p.T, &q.XY2d)
	fp25519.Add(&z2, &p.Z, &p.Z)
	fp25519.Sub(&v.X, &pp, &mm)
	fp25519.Add(&v.Y, &pp, &mm)
	if sub {
		fp25519.Sub(&v.Z, &z2, &tt)
		fp25519.Add(&v.T, &z2, &tt)
	} else {
		fp25519.Add(&v.Z, &z2, &tt)
		fp25519.Sub(&v.T, &z2, &tt)
	}
	return v
}

// fromCompleted sets v = p. Four multiplications.
func (v *bucketPoint) fromCompleted(p *bucketCompleted) *bucketPoint {
	fp25519.Mul(&v.X, &p.X, &p.T)
	fp25519.Mul(&v.Y, &p.Y, &p.Z)
	fp25519.Mul(&v.Z, &p.Z, &p.T)
	fp25519.Mul(&v.T, &p.X, &p.Y)
	return v
}

// addPoint sets v = p + q for two extended points: nine multiplications
// (add-2008-hwcd-3 with q's 2d·T computed here), as extPoint.addExt.
func (v *bucketPoint) addPoint(p, q *bucketPoint) *bucketPoint {
	var pp, mm, tt, zz, qp, qm fp25519.Elt
	fp25519.Add(&qp, &q.Y, &q.X)
	fp25519.Sub(&qm, &q.Y, &q.X)
	fp25519.Add(&pp, &p.Y, &p.X)
	fp25519.Sub(&mm, &p.Y, &p.X)
	fp25519.Mul(&pp, &pp, &qp)
	fp25519.Mul(&mm, &mm, &qm)
	fp25519.Mul(&tt, &p.T, &q.T)
	fp25519.Mul(&tt, &tt, &bucketD2)
	fp25519.Mul(&zz, &p.Z, &q.Z)
	fp25519.Add(&zz, &zz, &zz)
	var c bucketCompleted
	fp25519.Sub(&c.X, &pp, &mm)
	fp25519.Add(&c.Y, &pp, &mm)
	fp25519.Add(&c.Z, &zz, &tt)
	fp25519.Sub(&c.T, &zz, &tt)
	return v.fromCompleted(&c)
}

// toExt sets out = v.
func (v *bucketPoint) toExt(out *extPoint) *extPoint {
	fpToField(&out.X, &v.X)
	fpToField(&out.Y, &v.Y)
	fpToField(&out.Z, &v.Z)
	fpToField(&out.T, &v.T)
	return out
}

// aggregateBuckets sets out = Σ (i+1)·buckets[i] over the used buckets with
// the running-sum method (two additions per bucket), and reports whether any
// bucket was used (if not, out is left unset and stands for the identity).
func aggregateBuckets(out *bucketPoint, buckets []bucketPoint, used []bool) bool {
	var run bucketPoint
	runSet, outSet := false, false
	for i := len(buckets) - 1; i >= 0; i-- {
		if used[i] {
			if runSet {
				run.addPoint(&run, &buckets[i])
			} else {
				run = buckets[i]
				runSet = true
			}
		}
		if runSet {
			if outSet {
				out.addPoint(out, &run)
			} else {
				*out = run
				outSet = true
			}
		}
	}
	return outSet
}

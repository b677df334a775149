package group

import "filippo.io/edwards25519/field"

// Point arithmetic on the twisted Edwards curve edwards25519,
//
//	−x² + y² = 1 + d·x²·y²,
//
// written on filippo.io/edwards25519/field so that the multi-scalar
// multiplication and the fixed-base tables can use representations that the
// edwards25519 package keeps unexported. The formulas are those of Hisil,
// Wong, Carter and Dawson, "Twisted Edwards curves revisited" (ASIACRYPT
// 2008), specialised to a = −1:
//
//	x3 = (x1·y2 + y1·x2) / (1 + d·x1·x2·y1·y2)
//	y3 = (y1·y2 + x1·x2) / (1 − d·x1·x2·y1·y2)
//
// These are complete on edwards25519 (d is not a square), so no input needs a
// special case: the identity, torsion points and P + P all go through the same
// formulas. Every function here is constant time in the coordinates (the
// variable-time callers branch outside of them).

// extPoint is a point in extended coordinates (X:Y:Z:T) with x = X/Z,
// y = Y/Z and x·y = T/Z.
type extPoint struct {
	X, Y, Z, T field.Element
}

// projPoint is a point in projective coordinates (X:Y:Z), x = X/Z, y = Y/Z.
// Doubling needs no T, so chains of doublings stay in this form.
type projPoint struct {
	X, Y, Z field.Element
}

// completedPoint is the output of an addition or a doubling before it is
// brought back to extended or projective form: x = X/Z, y = Y/T.
type completedPoint struct {
	X, Y, Z, T field.Element
}

// nielsPoint is a point prepared as the second operand of an addition
// (projective Niels form): (Y+X, Y−X, Z, 2d·T).
type nielsPoint struct {
	YplusX, YminusX, Z, T2d field.Element
}

// affineNielsPoint is an affine point prepared as the second operand of an
// addition (affine Niels form): (y+x, y−x, 2d·x·y). Adding it costs one
// multiplication less than a nielsPoint because its Z is 1.
type affineNielsPoint struct {
	YplusX, YminusX, XY2d field.Element
}

// feD2 is 2·d.
var feD2 = new(field.Element).Add(feD, feD)

// setIdentity sets v = (0:1:1:0).
func (v *extPoint) setIdentity() *extPoint {
	v.X.Zero()
	v.Y.One()
	v.Z.One()
	v.T.Zero()
	return v
}

// fromElement sets v to the Edwards point inside e.
func (v *extPoint) fromElement(e *Element) *extPoint {
	X, Y, Z, T := e.p.ExtendedCoordinates()
	v.X.Set(X)
	v.Y.Set(Y)
	v.Z.Set(Z)
	v.T.Set(T)
	return v
}

// toElement sets e to the point v and returns e.
func (v *extPoint) toElement(e *Element) *Element {
	if _, err := e.p.SetExtendedCoordinates(&v.X, &v.Y, &v.Z, &v.T); err != nil {
		panic("group: internal error: point arithmetic left the curve")
	}
	return e
}

// fromCompleted sets v = p. Four multiplications.
func (v *extPoint) fromCompleted(p *completedPoint) *extPoint {
	v.X.Multiply(&p.X, &p.T)
	v.Y.Multiply(&p.Y, &p.Z)
	v.Z.Multiply(&p.Z, &p.T)
	v.T.Multiply(&p.X, &p.Y)
	return v
}

// fromCompleted sets v = p, dropping T. Three multiplications.
func (v *projPoint) fromCompleted(p *completedPoint) *projPoint {
	v.X.Multiply(&p.X, &p.T)
	v.Y.Multiply(&p.Y, &p.Z)
	v.Z.Multiply(&p.Z, &p.T)
	return v
}

// fromExt sets v = p.
func (v *projPoint) fromExt(p *extPoint) *projPoint {
	v.X.Set(&p.X)
	v.Y.Set(&p.Y)
	v.Z.Set(&p.Z)
	return v
}

// fromExt sets v = p. One multiplication.
func (v *nielsPoint) fromExt(p *extPoint) *nielsPoint {
	v.YplusX.Add(&p.Y, &p.X)
	v.YminusX.Subtract(&p.Y, &p.X)
	v.Z.Set(&p.Z)
	v.T2d.Multiply(&p.T, feD2)
	return v
}

// fromAffine sets v to the affine point (x, y). Two multiplications.
func (v *affineNielsPoint) fromAffine(x, y *field.Element) *affineNielsPoint {
	var xy field.Element
	xy.Multiply(x, y)
	v.YplusX.Add(y, x)
	v.YminusX.Subtract(y, x)
	v.XY2d.Multiply(&xy, feD2)
	return v
}

// feInvD is 1/d.
var feInvD = new(field.Element).Invert(feD)

// setIdentity sets v to the identity (1, 1, 0).
func (v *affineNielsPoint) setIdentity() *affineNielsPoint {
	v.YplusX.One()
	v.YminusX.One()
	v.XY2d.Zero()
	return v
}

// double sets v = 2·p: four squarings, dbl-2008-hwcd with a = −1.
//
//	x3 = 2xy / (y² − x²),  y3 = (y² + x²) / (2 − y² + x²)
func (v *completedPoint) double(p *projPoint) *completedPoint {
	var xx, yy, zz2, s field.Element
	xx.Square(&p.X)
	yy.Square(&p.Y)
	zz2.Square(&p.Z)
	zz2.Add(&zz2, &zz2)
	s.Add(&p.X, &p.Y)
	s.Square(&s)
	v.Y.Add(&yy, &xx)
	v.Z.Subtract(&yy, &xx)
	v.X.Subtract(&s, &v.Y)
	v.T.Subtract(&zz2, &v.Z)
	return v
}

// addAffine sets v = p + q: three multiplications (madd-2008-hwcd-3).
func (v *completedPoint) addAffine(p *extPoint, q *affineNielsPoint) *completedPoint {
	var pp, mm, tt, z2 field.Element
	pp.Add(&p.Y, &p.X)
	mm.Subtract(&p.Y, &p.X)
	pp.Multiply(&pp, &q.YplusX)
	mm.Multiply(&mm, &q.YminusX)
	tt.Multiply(&p.T, &q.XY2d)
	z2.Add(&p.Z, &p.Z)
	v.X.Subtract(&pp, &mm)
	v.Y.Add(&pp, &mm)
	v.Z.Add(&z2, &tt)
	v.T.Subtract(&z2, &tt)
	return v
}

// subAffine sets v = p − q. −q is q with y+x and y−x swapped and 2dxy negated.
func (v *completedPoint) subAffine(p *extPoint, q *affineNielsPoint) *completedPoint {
	var pp, mm, tt, z2 field.Element
	pp.Add(&p.Y, &p.X)
	mm.Subtract(&p.Y, &p.X)
	pp.Multiply(&pp, &q.YminusX)
	mm.Multiply(&mm, &q.YplusX)
	tt.Multiply(&p.T, &q.XY2d)
	z2.Add(&p.Z, &p.Z)
	v.X.Subtract(&pp, &mm)
	v.Y.Add(&pp, &mm)
	v.Z.Subtract(&z2, &tt)
	v.T.Add(&z2, &tt)
	return v
}

// addNiels sets v = p + q: four multiplications (add-2008-hwcd-3).
func (v *completedPoint) addNiels(p *extPoint, q *nielsPoint) *completedPoint {
	var pp, mm, tt, zz field.Element
	pp.Add(&p.Y, &p.X)
	mm.Subtract(&p.Y, &p.X)
	pp.Multiply(&pp, &q.YplusX)
	mm.Multiply(&mm, &q.YminusX)
	tt.Multiply(&p.T, &q.T2d)
	zz.Multiply(&p.Z, &q.Z)
	zz.Add(&zz, &zz)
	v.X.Subtract(&pp, &mm)
	v.Y.Add(&pp, &mm)
	v.Z.Add(&zz, &tt)
	v.T.Subtract(&zz, &tt)
	return v
}

// addExt sets v = p + q for two extended points: nine multiplications in
// all, counting the conversion of q and of the result.
func (v *extPoint) addExt(p, q *extPoint) *extPoint {
	var qn nielsPoint
	var c completedPoint
	qn.fromExt(q)
	c.addNiels(p, &qn)
	return v.fromCompleted(&c)
}

// doubleN sets v = 2^n·p with n ≥ 1 doublings, staying in projective form
// between them.
func (v *extPoint) doubleN(p *extPoint, n int) *extPoint {
	var pp projPoint
	var c completedPoint
	pp.fromExt(p)
	for i := 0; i < n-1; i++ {
		c.double(&pp)
		pp.fromCompleted(&c)
	}
	c.double(&pp)
	return v.fromCompleted(&c)
}

// batchInvert sets out[i] = 1/in[i] for every i with one field inversion and
// 3(n−1) multiplications (Montgomery's trick). Every in[i] must be nonzero;
// scratch must have len(in) elements. in and out may be the same slice.
func batchInvert(out, in, scratch []field.Element) {
	n := len(in)
	if n == 0 {
		return
	}
	_ = out[n-1]
	_ = scratch[n-1]
	// scratch[i] = in[0]·…·in[i]
	scratch[0].Set(&in[0])
	for i := 1; i < n; i++ {
		scratch[i].Multiply(&scratch[i-1], &in[i])
	}
	var inv, t field.Element
	inv.Invert(&scratch[n-1])
	for i := n - 1; i > 0; i-- {
		// inv = 1/(in[0]·…·in[i])
		t.Multiply(&inv, &scratch[i-1]) // 1/in[i]
		inv.Multiply(&inv, &in[i])      // 1/(in[0]·…·in[i−1])
		out[i].Set(&t)
	}
	out[0].Set(&inv)
}

// setAffineNielsSigned sets v = q if neg = 0 or v = −q if neg = 1, in
// constant time, with Z = 2.
func (v *extPoint) setAffineNielsSigned(q *affineNielsPoint, neg int) {
	var t field.Element
	v.X.Subtract(&q.YplusX, &q.YminusX) // 2x
	v.Y.Add(&q.YplusX, &q.YminusX)      // 2y
	v.Z.Add(feOne, feOne)
	v.T.Multiply(&q.XY2d, feInvD) // 2xy
	t.Negate(&v.X)
	v.X.Select(&t, &v.X, neg)
	t.Negate(&v.T)
	v.T.Select(&t, &v.T, neg)
}

// addAffineSigned sets v = p + q if neg = 0 or v = p − q if neg = 1, in
// constant time. −q is q with y+x and y−x swapped and 2d·x·y negated; the
// negation is applied by swapping the Z and T of the result, so q is
// modified (its y+x and y−x are swapped when neg = 1).
//
// It is the addition of the fixed-base and constant-time multi-scalar
// loops, so its sums and differences are not carried (see feAddLazy): the
// coordinates of v have limbs below 2^54 rather than the field package's
// 2^52, and v must only be multiplied, as fromCompleted does. p's
// coordinates must be reduced (as every field operation returns them).
func (v *completedPoint) addAffineSigned(p *extPoint, q *affineNielsPoint, neg int) {
	var pp, mm, tt, z2 field.Element
	q.YplusX.Swap(&q.YminusX, neg)
	feAddLazy(&pp, &p.Y, &p.X)   // < 2^53
	feSubLazy(&mm, &p.Y, &p.X)   // < 2^53
	pp.Multiply(&pp, &q.YplusX)  // reduced
	mm.Multiply(&mm, &q.YminusX) // reduced
	tt.Multiply(&p.T, &q.XY2d)   // reduced
	feAddLazy(&z2, &p.Z, &p.Z)   // < 2^53
	feSubLazy(&v.X, &pp, &mm)    // < 2^53
	feAddLazy(&v.Y, &pp, &mm)    // < 2^53
	feAddLazy(&v.Z, &z2, &tt)    // < 2^53 + 2^52
	feSubLazy(&v.T, &z2, &tt)    // < 2^53 + 2^52
	v.Z.Swap(&v.T, neg)
}

// feAddLazy sets v = a + b limb by limb, without the carry propagation of
// field.Element.Add; feSubLazy sets v = a + 2p − b likewise, as
// field.Element.Subtract does before its carry. They save the carries of
// the six sums and differences of every addition in the fixed-base and
// multi-scalar loops.
//
// A reduced element, as every field operation returns it, has limbs below
// 2^52, and below 2^51 + 2^18 < 2^52 − 38 when it is the output of a
// multiplication or a carry; b of feSubLazy must be such an output, so that
// no limb of a + 2p − b goes below zero. The results break the field
// package's invariant (limbs below 2^52) and may only be passed to
// Multiply: filippo.io/edwards25519/field's multiplication (v1.2.0, in Go
// and in amd64 assembly) is exact for limbs below 2^54. With a, b < 2^54,
// its widest column r0 = a0·b0 + 19·(a1·b4 + a2·b3 + a3·b2 + a4·b1) is below
// 77·2^108 < 2^115, so the carry r0 >> 51 fits in 64 bits and so does the
// sum of a limb and a carry; 19·a_i < 2^59; the top column r4 < 5·2^108
// gives a carry below 2^60, whose 19-fold fits. The largest lazy value
// here is a + 2p − b with a a lazy sum: below 2^53 + 2^52 < 2^54.
// TestLazyFieldBounds multiplies elements with every limb at these bounds
// and checks the products against math/big, so a change of the field
// package that broke this would fail there.
func feAddLazy(v, a, b *field.Element) {
	x, y, z := feLimbs(v), feLimbs(a), feLimbs(b)
	x[0] = y[0] + z[0]
	x[1] = y[1] + z[1]
	x[2] = y[2] + z[2]
	x[3] = y[3] + z[3]
	x[4] = y[4] + z[4]
}

func feSubLazy(v, a, b *field.Element) {
	x, y, z := feLimbs(v), feLimbs(a), feLimbs(b)
	x[0] = y[0] + twoP0 - z[0]
	x[1] = y[1] + twoPi - z[1]
	x[2] = y[2] + twoPi - z[2]
	x[3] = y[3] + twoPi - z[3]
	x[4] = y[4] + twoPi - z[4]
}

// The limbs of 2p = 2^256 − 38 in radix 2^51, as field.Element.Subtract
// adds them.
const (
	twoP0 = 0xFFFFFFFFFFFDA // 2^52 − 38
	twoPi = 0xFFFFFFFFFFFFE // 2^52 − 2
)

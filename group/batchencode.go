package group

import "filippo.io/edwards25519/field"

// DoubleAndEncodeBatch returns the canonical encodings of 2·P for every P in
// points: out[i] is the same as new(Element).Double(points[i]).Bytes(). It
// runs in constant time and shares one field inversion among all the points
// instead of one inverse square root per point, so that encoding many
// elements costs a small fraction of Bytes each. A prover that wants the
// encoding of s·G computes (s/2)·G and encodes it with this function.
//
// The method is the batched double-and-encode of the ristretto255 design
// (ristretto.group, "Encoding in batches"); docs/spec.md derives it.
func DoubleAndEncodeBatch(points []*Element) [][ElementSize]byte {
	n := len(points)
	out := make([][ElementSize]byte, n)
	if n == 0 {
		return out
	}

	// For P = (X:Y:Z:T) the doubling formulas give 2·P = (e·h : g·f : f·h : e·g)
	// with
	//
	//	e = 2XY,  f = Z² + d·T²,  g = Y² + X²,  h = Z² − d·T².
	//
	// f and h are never zero (the formulas are complete) and neither is g for
	// a point of a ristretto255 element, while e = 0 exactly when P is one of
	// the four representatives of the identity.
	type state struct{ e, f, g, h, eg, fh field.Element }
	st := make([]state, n)
	dens := make([]field.Element, 2*n)
	den, scratch := dens[:n], dens[n:]
	var zero field.Element
	for i, p := range points {
		X, Y, Z, T := p.p.ExtendedCoordinates()
		s := &st[i]
		var xx, yy, zz, dtt field.Element
		xx.Square(X)
		yy.Square(Y)
		zz.Square(Z)
		dtt.Square(T)
		dtt.Multiply(&dtt, feD)
		s.e.Multiply(X, Y)
		s.e.Add(&s.e, &s.e)
		s.f.Add(&zz, &dtt)
		s.g.Add(&yy, &xx)
		s.h.Subtract(&zz, &dtt)
		s.eg.Multiply(&s.e, &s.g)
		s.fh.Multiply(&s.f, &s.h)
		den[i].Multiply(&s.eg, &s.fh)
		// Keep the batch invertible; the identity's output is forced to zero below.
		den[i].Select(feOne, &den[i], den[i].Equal(&zero))
	}
	batchInvert(den, den, scratch)

	for i := range st {
		s := &st[i]
		var zInv, tInv, t field.Element
		zInv.Multiply(&s.eg, &den[i]) // 1/(f·h), the inverse of Z of 2·P
		tInv.Multiply(&s.fh, &den[i]) // 1/(e·g), the inverse of T of 2·P

		// The encoding rotates when x·y of 2·P, that is e·g/(f·h), is negative.
		t.Multiply(&s.eg, &zInv)
		rotate := t.IsNegative()

		// Without rotation, s = (h ∓ g)/e · 1/sqrt(a−d), and the sign flips
		// when x = e/f is negative. With rotation, s = (f ∓ i·e)/g, and the
		// sign flips when i·y = i·g/h is negative. Here a, b, c, k, v stand
		// for the terms of s = (a ∓ b)·k/c and the sign test value v/(f·h).
		var a, b, cInvNum, k, v, ie, ig field.Element
		ie.Multiply(&s.e, sqrtM1)
		ig.Multiply(&s.g, sqrtM1)
		a.Select(&s.f, &s.h, rotate)
		b.Select(&ie, &s.g, rotate)
		cInvNum.Select(&s.e, &s.g, rotate) // 1/c = cInvNum·tInv
		k.Select(feOne, invSqrtAMinusD, rotate)
		v.Select(&ig, &s.e, rotate)
		v.Multiply(&v, &a) // e·h or i·g·f
		v.Multiply(&v, &zInv)

		var bNeg, r field.Element
		bNeg.Negate(&b)
		b.Select(&bNeg, &b, v.IsNegative())
		r.Subtract(&a, &b)
		r.Multiply(&r, &cInvNum)
		r.Multiply(&r, &tInv)
		r.Multiply(&r, &k)
		r.Absolute(&r)
		r.Select(&zero, &r, s.e.Equal(&zero))
		copy(out[i][:], r.Bytes())
	}
	return out
}

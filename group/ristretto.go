package group

import (
	"crypto/subtle"
	"encoding/hex"

	"filippo.io/edwards25519/field"
)

// Constants of RFC 9496, Section 4.1, as field elements.
var (
	feOne          = new(field.Element).One()
	feD            = mustFE("a3785913ca4deb75abd841414d0a700098e879777940c78c73fe6f2bee6c0352")
	sqrtM1         = mustFE("b0a00e4a271beec478e42fad0618432fa7d7fb3d99004d2b0bdfc14f8024832b")
	sqrtADMinusOne = mustFE("1b2e7b49a0f6977ebd54781b0c8e9daffdd1f531c9fc3c0fac48832bbf316937")
	invSqrtAMinusD = mustFE("ea405d80aafdc899be72415a17162f9d40d801fe917bc216a2fcafcf05896c78")
	oneMinusDSq    = mustFE("76c15f94c1097ce20f355ecd38a1812ce4df70beddab9499d7e0b3b2a8729002")
	dMinusOneSq    = mustFE("204ded44aa5aad3199191eb02c4a9ed2eb4e9b522fd3dc4c41226cf67ab36859")
)

func mustFE(h string) *field.Element {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic(err)
	}
	fe, err := new(field.Element).SetBytes(b)
	if err != nil {
		panic(err)
	}
	return fe
}

// encodeExtended writes the ristretto255 encoding (RFC 9496, Section 4.3.2)
// of the point with extended coordinates (X:Y:Z:T) into out. Constant time.
func encodeExtended(out *[ElementSize]byte, X, Y, Z, T *field.Element) {
	var u1, u2, tmp, invSqrt, den1, den2, zInv field.Element
	u1.Add(Z, Y)
	tmp.Subtract(Z, Y)
	u1.Multiply(&u1, &tmp)
	u2.Multiply(X, Y)

	tmp.Square(&u2)
	tmp.Multiply(&tmp, &u1)
	invSqrt.SqrtRatio(feOne, &tmp)

	den1.Multiply(&invSqrt, &u1)
	den2.Multiply(&invSqrt, &u2)
	zInv.Multiply(&den1, &den2)
	zInv.Multiply(&zInv, T)

	var ix, iy, enchanted, x, y, denInv field.Element
	ix.Multiply(X, sqrtM1)
	iy.Multiply(Y, sqrtM1)
	enchanted.Multiply(&den1, invSqrtAMinusD)

	tmp.Multiply(T, &zInv)
	rotate := tmp.IsNegative()
	x.Select(&iy, X, rotate)
	y.Select(&ix, Y, rotate)
	denInv.Select(&enchanted, &den2, rotate)

	tmp.Multiply(&x, &zInv)
	var negY field.Element
	negY.Negate(&y)
	y.Select(&negY, &y, tmp.IsNegative())

	var s field.Element
	s.Subtract(Z, &y)
	s.Multiply(&denInv, &s)
	s.Absolute(&s)
	copy(out[:], s.Bytes())
}

// decoded holds the result of the ristretto255 decoding procedure of
// RFC 9496, Section 4.3.1, applied to a 32-byte string: the candidate point
// in extended coordinates and one flag (1 or 0) per check of the RFC. Every
// check is computed, whatever the input, so that decode runs in time
// independent of the value of the string; callers combine the flags.
type decoded struct {
	X, Y, Z, T field.Element
	invSqrt    field.Element // SQRT_RATIO_M1(1, v·u2²): the element's decoding hint

	topBit       int // bit 255 of the string is set
	nonCanonical int // the string is not the canonical encoding of a field element (value ≥ p, including a set top bit)
	negative     int // s is negative (odd)
	notSquare    int // v·u2² is not a square: no point has this s
	tNegative    int // t = x·y is negative
	yZero        int // y = 0
}

// decode runs the decoding procedure of RFC 9496, Section 4.3.1, in constant
// time: no branch and no memory access depends on the value of in.
func (d *decoded) decode(in *[ElementSize]byte) {
	d.topBit = int(in[31] >> 7)

	// Step 1: s is the little-endian integer in; it must be < p. SetBytes
	// masks bit 255 and reduces modulo p, so in is canonical exactly when
	// the reduced value encodes back to in.
	var s field.Element
	if _, err := s.SetBytes(in[:]); err != nil {
		panic("group: internal error: " + err.Error()) // only on a wrong length
	}
	d.nonCanonical = 1 ^ subtle.ConstantTimeCompare(s.Bytes(), in[:])

	// Step 2: s must be non-negative.
	d.negative = s.IsNegative()

	// Step 3.
	var ss, u1, u2, u2Sqr, v, tmp, invSqrt, denX, denY field.Element
	ss.Square(&s)
	u1.Subtract(feOne, &ss)  // u1 = 1 - s²
	u2.Add(feOne, &ss)       // u2 = 1 + s²
	u2Sqr.Square(&u2)        // u2_sqr = u2²
	v.Square(&u1)            // v = -(D·u1²) - u2_sqr
	v.Multiply(&v, feD)      //
	v.Negate(&v)             //
	v.Subtract(&v, &u2Sqr)   //
	tmp.Multiply(&v, &u2Sqr) // (was_square, invsqrt) = SQRT_RATIO_M1(1, v·u2_sqr)
	_, wasSquare := invSqrt.SqrtRatio(feOne, &tmp)
	d.invSqrt.Set(&invSqrt)
	denX.Multiply(&invSqrt, &u2)   // den_x = invsqrt·u2
	denY.Multiply(&invSqrt, &denX) // den_y = invsqrt·den_x·v
	denY.Multiply(&denY, &v)
	d.X.Multiply(&s, &denX) // x = CT_ABS(2·s·den_x)
	d.X.Add(&d.X, &d.X)
	d.X.Absolute(&d.X)
	d.Y.Multiply(&u1, &denY) // y = u1·den_y
	d.Z.One()
	d.T.Multiply(&d.X, &d.Y) // t = x·y

	// Step 4.
	var zero field.Element
	d.notSquare = 1 ^ wasSquare
	d.tNegative = d.T.IsNegative()
	d.yZero = d.Y.Equal(&zero)
}

// ok returns 1 if every check passed, and 0 otherwise, in constant time.
func (d *decoded) ok() int {
	return 1 &^ (d.nonCanonical | d.negative | d.notSquare | d.tNegative | d.yZero)
}

// reason names the first failed check, in the order of RFC 9496, Section
// 4.3.1, or returns "" if every check passed. It is not constant time and is
// meant only for reporting a rejected (public) encoding.
func (d *decoded) reason() string {
	switch {
	case d.topBit == 1:
		return "the top bit is set"
	case d.nonCanonical == 1:
		return "s is not a canonical field element (s ≥ p)"
	case d.negative == 1:
		return "s is negative"
	case d.notSquare == 1:
		return "not a point of the group (v·u2² is not a square)"
	case d.tNegative == 1:
		return "t is negative"
	case d.yZero == 1:
		return "y is zero"
	}
	return ""
}

// elligator is the ristretto255 MAP function of RFC 9496, Section 4.3.4,
// applied to the 32-byte string b. It returns extended coordinates.
func elligator(b []byte) (X, Y, Z, T *field.Element) {
	t, _ := new(field.Element).SetBytes(b) // masks the top bit and reduces mod p

	var r, u, v, tmp field.Element
	r.Square(t)
	r.Multiply(&r, sqrtM1)
	u.Add(&r, feOne)
	u.Multiply(&u, oneMinusDSq)
	var minusOne field.Element
	minusOne.Negate(feOne)
	tmp.Multiply(&r, feD)
	v.Subtract(&minusOne, &tmp)
	tmp.Add(&r, feD)
	v.Multiply(&v, &tmp)

	var s field.Element
	_, wasSquare := s.SqrtRatio(&u, &v)
	var sPrime field.Element
	sPrime.Multiply(&s, t)
	sPrime.Absolute(&sPrime)
	sPrime.Negate(&sPrime)
	s.Select(&s, &sPrime, wasSquare)
	var c field.Element
	c.Select(&minusOne, &r, wasSquare)

	var N field.Element
	N.Subtract(&r, feOne)
	N.Multiply(&N, &c)
	N.Multiply(&N, dMinusOneSq)
	N.Subtract(&N, &v)

	var w0, w1, w2, w3, sSq field.Element
	w0.Add(&s, &s)
	w0.Multiply(&w0, &v)
	w1.Multiply(&N, sqrtADMinusOne)
	sSq.Square(&s)
	w2.Subtract(feOne, &sSq)
	w3.Add(feOne, &sSq)

	X = new(field.Element).Multiply(&w0, &w3)
	Y = new(field.Element).Multiply(&w2, &w1)
	Z = new(field.Element).Multiply(&w1, &w3)
	T = new(field.Element).Multiply(&w0, &w2)
	return
}

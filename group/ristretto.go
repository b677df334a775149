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

// decodeExtended decodes a ristretto255 encoding (RFC 9496, Section 4.3.1)
// into extended coordinates. It returns ok = 0 for an invalid encoding; the
// reason is one of the strings below. Runs in constant time in the value of a
// valid encoding.
func decodeExtended(in []byte) (X, Y, Z, T *field.Element, reason string) {
	if in[31]&0x80 != 0 {
		return nil, nil, nil, nil, "the top bit is set (not a canonical field element)"
	}
	s, _ := new(field.Element).SetBytes(in)
	if subtle.ConstantTimeCompare(s.Bytes(), in) != 1 {
		return nil, nil, nil, nil, "the field element is not reduced modulo p"
	}
	if s.IsNegative() == 1 {
		return nil, nil, nil, nil, "s is negative"
	}

	var ss, u1, u2, u2Sqr, v, tmp field.Element
	ss.Square(s)
	u1.Subtract(feOne, &ss)
	u2.Add(feOne, &ss)
	u2Sqr.Square(&u2)
	v.Square(&u1)
	v.Multiply(&v, feD)
	v.Negate(&v)
	v.Subtract(&v, &u2Sqr)

	tmp.Multiply(&v, &u2Sqr)
	var invSqrt field.Element
	_, wasSquare := invSqrt.SqrtRatio(feOne, &tmp)

	var denX, denY field.Element
	denX.Multiply(&invSqrt, &u2)
	denY.Multiply(&invSqrt, &denX)
	denY.Multiply(&denY, &v)

	X = new(field.Element).Multiply(s, &denX)
	X.Add(X, X)
	X.Absolute(X)
	Y = new(field.Element).Multiply(&u1, &denY)
	Z = new(field.Element).One()
	T = new(field.Element).Multiply(X, Y)

	var zero field.Element
	if wasSquare == 0 {
		return nil, nil, nil, nil, "the point is not on the curve (not a square)"
	}
	if T.IsNegative() == 1 {
		return nil, nil, nil, nil, "t is negative"
	}
	if Y.Equal(&zero) == 1 {
		return nil, nil, nil, nil, "y is zero"
	}
	return X, Y, Z, T, ""
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

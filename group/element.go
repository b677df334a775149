package group

import (
	"errors"
	"fmt"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// ElementSize is the length of a canonical element encoding.
const ElementSize = 32

// An Element is an element of the ristretto255 prime-order group (RFC 9496).
//
// The zero value is NOT valid, and it may be used only as a receiver. Use
// NewElement or NewGeneratorElement. Operations are constant time unless
// their name contains VarTime. All arguments and receivers are allowed to
// alias.
type Element struct {
	p edwards25519.Point
}

// NewElement returns a new Element set to the identity.
func NewElement() *Element {
	e := &Element{}
	e.p.Set(edwards25519.NewIdentityPoint())
	return e
}

// NewGeneratorElement returns a new Element set to the canonical generator G
// of RFC 9496 (the Ed25519 base point).
func NewGeneratorElement() *Element {
	e := &Element{}
	e.p.Set(edwards25519.NewGeneratorPoint())
	return e
}

// Set sets e = x and returns e.
func (e *Element) Set(x *Element) *Element {
	e.p.Set(&x.p)
	return e
}

// Zero sets e to the identity and returns e.
func (e *Element) Zero() *Element {
	e.p.Set(edwards25519.NewIdentityPoint())
	return e
}

// Base sets e to the canonical generator G and returns e.
func (e *Element) Base() *Element {
	e.p.Set(edwards25519.NewGeneratorPoint())
	return e
}

// Add sets e = p + q and returns e.
func (e *Element) Add(p, q *Element) *Element {
	e.p.Add(&p.p, &q.p)
	return e
}

// Subtract sets e = p - q and returns e.
func (e *Element) Subtract(p, q *Element) *Element {
	e.p.Subtract(&p.p, &q.p)
	return e
}

// Negate sets e = -p and returns e.
func (e *Element) Negate(p *Element) *Element {
	e.p.Negate(&p.p)
	return e
}

// Double sets e = 2p and returns e.
func (e *Element) Double(p *Element) *Element {
	e.p.Double(&p.p)
	return e
}

// ScalarMult sets e = s * p and returns e, in constant time.
func (e *Element) ScalarMult(s *Scalar, p *Element) *Element {
	e.p.ScalarMult(&s.s, &p.p)
	return e
}

// ScalarBaseMult sets e = s * G and returns e, in constant time.
func (e *Element) ScalarBaseMult(s *Scalar) *Element {
	e.p.ScalarBaseMult(&s.s)
	return e
}

// VarTimeDoubleScalarBaseMult sets e = a * A + b * G and returns e.
//
// Execution time depends on the inputs: use it with public data only.
func (e *Element) VarTimeDoubleScalarBaseMult(a *Scalar, A *Element, b *Scalar) *Element {
	e.p.VarTimeDoubleScalarBaseMult(&a.s, &A.p, &b.s)
	return e
}

// Select sets e to a if cond == 1 and to b if cond == 0, in constant time.
func (e *Element) Select(a, b *Element, cond int) *Element {
	e.p.Select(&a.p, &b.p, cond)
	return e
}

// Equal returns 1 if e and x represent the same group element, and 0
// otherwise, in constant time. Distinct Edwards points that encode to the
// same ristretto255 element are equal (RFC 9496, Section 4.3.3).
func (e *Element) Equal(x *Element) int {
	X1, Y1, _, _ := e.p.ExtendedCoordinates()
	X2, Y2, _, _ := x.p.ExtendedCoordinates()
	var a, b field.Element
	a.Multiply(X1, Y2)
	b.Multiply(Y1, X2)
	out := a.Equal(&b)
	a.Multiply(Y1, Y2)
	b.Multiply(X1, X2)
	return out | a.Equal(&b)
}

// IsIdentity returns 1 if e is the identity, and 0 otherwise.
func (e *Element) IsIdentity() int {
	return e.Equal(NewElement())
}

// Bytes returns the 32-byte canonical ristretto255 encoding of e.
func (e *Element) Bytes() []byte {
	var out [ElementSize]byte
	return e.AppendBytes(out[:0])
}

// AppendBytes appends the canonical encoding of e to b and returns the
// extended slice.
func (e *Element) AppendBytes(b []byte) []byte {
	var out [ElementSize]byte
	X, Y, Z, T := e.p.ExtendedCoordinates()
	encodeExtended(&out, X, Y, Z, T)
	return append(b, out[:]...)
}

// SetCanonicalBytes sets e to the element encoded by the canonical 32-byte
// ristretto255 string x (RFC 9496, Section 4.3.1). If x is not a canonical
// encoding of an element, it returns nil and an error naming the failed check
// (wrong length, top bit set, s ≥ p, s negative, not a square, t negative or
// y zero), and the receiver is unchanged. The identity is accepted (it
// encodes as 32 zero bytes); callers that must refuse it check IsIdentity.
//
// The decoding arithmetic runs in constant time; whether x is rejected, and
// why, is visible in the timing and the result. Use TrySetCanonicalBytes for
// strings that must stay secret, such as embedded plaintexts.
func (e *Element) SetCanonicalBytes(x []byte) (*Element, error) {
	if len(x) != ElementSize {
		return nil, fmt.Errorf("group: invalid element encoding: length is %d bytes, want %d", len(x), ElementSize)
	}
	var d decoded
	d.decode((*[ElementSize]byte)(x))
	if d.ok() != 1 {
		return nil, errors.New("group: invalid element encoding: " + d.reason())
	}
	if _, err := e.p.SetExtendedCoordinates(&d.X, &d.Y, &d.Z, &d.T); err != nil {
		panic("group: internal error: decoded point is not on the curve")
	}
	return e, nil
}

// TrySetCanonicalBytes decodes x like SetCanonicalBytes, in time that does
// not depend on the value of x, including on whether it is valid. If x is a
// canonical encoding, it sets e to the encoded element and returns 1;
// otherwise it sets e to the identity and returns 0. It is meant for secret
// strings, such as the candidates tried while embedding a plaintext.
func (e *Element) TrySetCanonicalBytes(x *[ElementSize]byte) (ok int) {
	var d decoded
	d.decode(x)
	ok = d.ok()
	var zero field.Element
	d.X.Select(&d.X, &zero, ok)
	d.Y.Select(&d.Y, feOne, ok)
	d.T.Select(&d.T, &zero, ok)
	// (X:Y:1:T) is now either the decoded point or the identity (0:1:1:0),
	// both on the curve, so the check in SetExtendedCoordinates never fails.
	if _, err := e.p.SetExtendedCoordinates(&d.X, &d.Y, &d.Z, &d.T); err != nil {
		panic("group: internal error: decoded point is not on the curve")
	}
	return ok
}

// SetUniformBytes sets e to the element obtained from the 64 bytes x by the
// one-way map of RFC 9496, Section 4.3.4: MAP(x[:32]) + MAP(x[32:]). If x is
// not 64 bytes long, it returns nil and an error, and the receiver is
// unchanged. For x uniformly random, e is uniformly random.
func (e *Element) SetUniformBytes(x []byte) (*Element, error) {
	if len(x) != 64 {
		return nil, errors.New("group: uniform element input is not 64 bytes")
	}
	var p1, p2 edwards25519.Point
	if _, err := p1.SetExtendedCoordinates(elligator(x[:32])); err != nil {
		panic("group: internal error: MAP output is not on the curve")
	}
	if _, err := p2.SetExtendedCoordinates(elligator(x[32:])); err != nil {
		panic("group: internal error: MAP output is not on the curve")
	}
	e.p.Add(&p1, &p2)
	return e, nil
}

// MarshalText encodes e as lowercase hexadecimal of its canonical bytes.
func (e *Element) MarshalText() ([]byte, error) {
	return hexEncode(e.Bytes()), nil
}

// UnmarshalText decodes the hexadecimal canonical encoding of an element.
func (e *Element) UnmarshalText(text []byte) error {
	b, err := hexDecode(text, ElementSize, "element")
	if err != nil {
		return err
	}
	_, err = e.SetCanonicalBytes(b)
	return err
}

package group

import (
	"errors"
	"fmt"

	"github.com/cloudflare/circl/math/fp25519"
)

// HintSize is the length of a decoding hint.
const HintSize = 32

// A Decoder decodes the elements of one encoded object in the order in
// which they appear, with or without decoding hints (see docs/spec.md,
// "Decoding hints"). The decoding of RFC 9496, Section 4.3.1, takes one
// inverse square root of a field element per element, most of its cost; the
// hint of an element is that inverse square root, computed by whoever made
// the encoding, and a Decoder given hints checks each with two
// multiplications instead of computing it.
//
// A hint changes only the speed: an element decodes with a Decoder exactly
// as with SetCanonicalBytes, to the same element or the same error,
// whatever the hints are. A hint that does not check (a wrong one, or one
// for an encoding that is not an element) is ignored and the element is
// decoded in full, as are the elements after the hints run out.
//
// Decoding with hints is not constant time: whether a hint checked shows in
// the timing. It is meant for public encodings, such as ballots sent to a
// ballot box, never for secret ones (use TrySetCanonicalBytes).
//
// A nil *Decoder decodes every element in full. A Decoder is not safe for
// concurrent use.
type Decoder struct {
	hints  []byte // the hints not used yet, HintSize bytes each
	record bool   // NewHintRecorder: compute each element's hint
	out    []byte // the hints computed
	misses int    // hints that did not check
}

// NewHintedDecoder returns a Decoder that takes the hints, HintSize bytes
// each, for the elements it decodes, in order. A trailing partial hint is
// ignored.
func NewHintedDecoder(hints []byte) *Decoder {
	return &Decoder{hints: hints}
}

// NewHintRecorder returns a Decoder that decodes every element in full and
// keeps each valid element's hint, for Hints.
func NewHintRecorder() *Decoder {
	return &Decoder{record: true}
}

// Hints returns the hints a recorder computed, HintSize bytes per element
// decoded so far, in order. An element that did not decode has none, and
// decoding then stops at the caller's error anyway.
func (d *Decoder) Hints() []byte {
	if d == nil {
		return nil
	}
	return d.out
}

// Misses returns how many hints did not check: zero when the hints came
// from the encoding's maker and the encoding was not changed since.
func (d *Decoder) Misses() int {
	if d == nil {
		return 0
	}
	return d.misses
}

// Decode sets e to the element encoded by x, as SetCanonicalBytes does,
// using the next hint if the Decoder has one. It returns nil and the same
// error as SetCanonicalBytes for an invalid encoding, and then e is
// unchanged.
func (d *Decoder) Decode(e *Element, x []byte) (*Element, error) {
	if d == nil {
		return e.SetCanonicalBytes(x)
	}
	if len(x) != ElementSize {
		return nil, fmt.Errorf("group: invalid element encoding: length is %d bytes, want %d", len(x), ElementSize)
	}
	var dec decoded
	used := false
	if len(d.hints) >= HintSize {
		hint := (*[HintSize]byte)(d.hints)
		d.hints = d.hints[HintSize:]
		if dec.decodeHinted((*[ElementSize]byte)(x), hint) {
			used = true
		} else {
			d.misses++
		}
	}
	if !used {
		dec.decode((*[ElementSize]byte)(x))
	}
	if dec.ok() != 1 {
		return nil, errors.New("group: invalid element encoding: " + dec.reason())
	}
	if _, err := e.p.SetExtendedCoordinates(&dec.X, &dec.Y, &dec.Z, &dec.T); err != nil {
		panic("group: internal error: decoded point is not on the curve")
	}
	if d.record {
		d.out = append(d.out, dec.invSqrt.Bytes()...)
	}
	return e, nil
}

// decodeHinted is decode with the inverse square root taken from hint, a
// field element I with I²·v·u2² = 1 (either square root). It reports false,
// and d is then to be ignored, if hint does not satisfy that equation;
// otherwise d is what decode would give. The flags it sets are decode's:
// the equation holds only if v·u2² is a nonzero square, in which case
// SQRT_RATIO_M1(1, v·u2²) returns ±I with was_square true, and every value
// computed from it below (den_x only up to sign, which x's absolute value
// removes; den_y through I²) is the same. It computes in four-limb
// arithmetic (fp.go), with the same operations as decode, and reads the
// strings as field.Element.SetBytes does: bit 255 ignored, values ≥ p
// reduced.
func (d *decoded) decodeHinted(in *[ElementSize]byte, hint *[HintSize]byte) bool {
	invSqrt := fp25519.Elt(*hint)
	invSqrt[31] &= 0x7f
	d.topBit = int(in[31] >> 7)
	s := fp25519.Elt(*in)
	s[31] &= 0x7f
	sr := fpReduced(&s)
	d.nonCanonical = 1
	if sr == fp25519.Elt(*in) {
		d.nonCanonical = 0
	}
	d.negative = int(sr[0] & 1)

	var ss, u1, u2, u2Sqr, v, w, check, denX, denY, x, y, t fp25519.Elt
	fp25519.Sqr(&ss, &s)
	fp25519.Sub(&u1, &fpOne, &ss)
	fp25519.Add(&u2, &fpOne, &ss)
	fp25519.Sqr(&u2Sqr, &u2)
	fp25519.Sqr(&v, &u1)
	fp25519.Mul(&v, &v, &fpD)
	fp25519.Neg(&v, &v)
	fp25519.Sub(&v, &v, &u2Sqr)
	fp25519.Mul(&w, &v, &u2Sqr)
	fp25519.Sqr(&check, &invSqrt)
	fp25519.Mul(&check, &check, &w)
	if fpReduced(&check) != fpOne {
		return false
	}
	fp25519.Mul(&denX, &invSqrt, &u2)
	fp25519.Mul(&denY, &invSqrt, &denX)
	fp25519.Mul(&denY, &denY, &v)
	fp25519.Mul(&x, &s, &denX)
	fp25519.Add(&x, &x, &x)
	if xr := fpReduced(&x); xr[0]&1 == 1 { // x = |2·s·den_x|
		fp25519.Neg(&x, &x)
	}
	fp25519.Mul(&y, &u1, &denY)
	fp25519.Mul(&t, &x, &y)

	fpToField(&d.invSqrt, &invSqrt)
	fpToField(&d.X, &x)
	fpToField(&d.Y, &y)
	d.Z.One()
	fpToField(&d.T, &t)
	d.notSquare = 0
	d.tNegative = int(fpReduced(&t)[0] & 1)
	d.yZero = 0
	if fpReduced(&y) == (fp25519.Elt{}) {
		d.yZero = 1
	}
	return true
}

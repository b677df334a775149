package group

import (
	"filippo.io/edwards25519/field"
	"github.com/cloudflare/circl/math/fp25519"
)

// GF(2^255 − 19) in four 64-bit limbs (github.com/cloudflare/circl/math/fp25519)
// serves the variable-time code whose speed matters most: the bucket
// method's inner loop (bucket.go), the decoding of elements with hints
// (hint.go) and Ed25519 verification (ed25519.go). An fp25519.Elt is kept below 2^256 but not reduced modulo p:
// every operation takes and returns such values; fpReduced reduces one, and
// fpToField brings one back to a field.Element. None of these functions is
// promised to be constant time: only public data meets them.

// fpFromField returns v as an fp25519.Elt.
func fpFromField(v *field.Element) fp25519.Elt {
	var out fp25519.Elt
	copy(out[:], v.Bytes())
	return out
}

// fpReduced returns x reduced modulo p: its canonical encoding.
func fpReduced(x *fp25519.Elt) fp25519.Elt {
	r := *x
	fp25519.Modp(&r)
	return r
}

// fpToField sets v to x reduced modulo p.
func fpToField(v *field.Element, x *fp25519.Elt) {
	r := fpReduced(x)
	if _, err := v.SetBytes(r[:]); err != nil {
		panic("group: internal error: " + err.Error())
	}
}

var (
	fpOne = fpFromField(feOne)
	fpD   = fpFromField(feD)
)

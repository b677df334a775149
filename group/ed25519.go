package group

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
	"github.com/cloudflare/circl/math/fp25519"
)

// Ed25519 verification (RFC 8032, Section 5.1.7), for the ballot box and the
// verifier, which check one signature per ballot and most of them by a few
// registered keys. It accepts exactly what crypto/ed25519.Verify accepts
// (pure Ed25519, no context):
//
//   - the public key A is 32 bytes that edwards25519's Point.SetBytes
//     decodes (it accepts the non-canonical encodings of points, as
//     crypto/ed25519 does);
//   - the signature is 64 bytes R ‖ S, and S, little-endian, is below ℓ;
//   - with k = SHA-512(R ‖ A ‖ M) mod ℓ, the encoding of [S]B − [k]A
//     (RFC 8032, Section 5.1.2) equals R byte for byte: the cofactorless
//     equation, so a non-canonical R never verifies.
//
// It is faster because the key is decoded once and its odd multiples kept
// (Ed25519PublicKey), the base point's odd multiples are kept for good, and
// the double-scalar multiplication runs on the four-limb arithmetic of
// fp.go. TestEd25519MatchesStandardLibrary compares it with
// crypto/ed25519 on valid signatures, tampered ones, non-canonical S and R,
// and keys and nonces of small and mixed order.

// An Ed25519PublicKey is an Ed25519 public key decoded for VarTimeVerify, with the
// odd multiples −A, −3A, …, −15A. It is read-only once made and may be used
// from many goroutines. It holds public data only.
type Ed25519PublicKey struct {
	enc   [32]byte
	table [8]bucketAffine // (2i+1)·(−A)
}

// NewEd25519PublicKey decodes a 32-byte Ed25519 public key. It returns an
// error for a key that crypto/ed25519.Verify would reject outright (a wrong
// length, or bytes that are not a point).
func NewEd25519PublicKey(pub []byte) (*Ed25519PublicKey, error) {
	if len(pub) != 32 {
		return nil, fmt.Errorf("group: Ed25519 public key is %d bytes, want 32", len(pub))
	}
	A, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return nil, errors.New("group: Ed25519 public key is not a point")
	}
	k := &Ed25519PublicKey{enc: [32]byte(pub)}
	var multiples [8]edwards25519.Point
	oddMultiples(multiples[:], new(edwards25519.Point).Negate(A))
	oddMultiplesAffine(&k.table, &multiples)
	return k, nil
}

// oddMultiples sets out[i] = (2i+1)·P.
func oddMultiples(out []edwards25519.Point, P *edwards25519.Point) {
	twice := new(edwards25519.Point).Add(P, P)
	out[0].Set(P)
	for i := 1; i < len(out); i++ {
		out[i].Add(&out[i-1], twice)
	}
}

// oddMultiplesAffine sets table[i] to the affine Niels form of points[i],
// with one shared inversion of their Z coordinates (none is 0 on the
// curve).
func oddMultiplesAffine(table *[8]bucketAffine, points *[8]edwards25519.Point) {
	var zs, scratch [8]field.Element
	for i := range points {
		_, _, Z, _ := points[i].ExtendedCoordinates()
		zs[i] = *Z
	}
	batchInvert(zs[:], zs[:], scratch[:])
	var x, y field.Element
	for i := range points {
		X, Y, _, _ := points[i].ExtendedCoordinates()
		x.Multiply(X, &zs[i])
		y.Multiply(Y, &zs[i])
		table[i].fromAffine(&x, &y)
	}
}

// VerifyEd25519 reports whether sig is the Ed25519 signature of msg by the
// public key pub, with exactly the outcome of crypto/ed25519.Verify, except
// that a key of the wrong length is false rather than a panic. It decodes
// the key each time: for many signatures by one key, make an
// Ed25519PublicKey once.
func VarTimeVerifyEd25519(pub, msg, sig []byte) bool {
	k, err := NewEd25519PublicKey(pub)
	return err == nil && k.VarTimeVerify(msg, sig)
}

// ed25519BaseTable holds B, 3B, …, 127B, the odd multiples of the base
// point for its width-8 non-adjacent form.
var ed25519BaseTable = sync.OnceValue(func() *[64]bucketAffine {
	var p [64]edwards25519.Point
	oddMultiples(p[:], edwards25519.NewGeneratorPoint())
	var t [64]bucketAffine
	for i := 0; i < len(t); i += 8 {
		oddMultiplesAffine((*[8]bucketAffine)(t[i:]), (*[8]edwards25519.Point)(p[i:]))
	}
	return &t
})

// VarTimeVerify reports whether sig is k's Ed25519 signature of msg, with
// exactly the outcome of crypto/ed25519.Verify. Its time depends on its
// inputs, which must be public (a signature, its message and its key are).
func (k *Ed25519PublicKey) VarTimeVerify(msg, sig []byte) bool {
	if len(sig) != 64 || sig[63]&224 != 0 {
		return false
	}
	S, err := edwards25519.NewScalar().SetCanonicalBytes(sig[32:])
	if err != nil {
		return false
	}
	h := sha512.New()
	h.Write(sig[:32])
	h.Write(k.enc[:])
	h.Write(msg)
	var digest [64]byte
	kk, err := edwards25519.NewScalar().SetUniformBytes(h.Sum(digest[:0]))
	if err != nil {
		panic("group: internal error: " + err.Error())
	}
	R := k.doubleScalarMult(kk, S)
	return R == [32]byte(sig[:32])
}

// doubleScalarMult returns the encoding of a·(−A) + b·B, from the top
// digit of the width-5 and width-8 non-adjacent forms of a and b down,
// with one doubling per digit.
func (k *Ed25519PublicKey) doubleScalarMult(a, b *edwards25519.Scalar) [32]byte {
	da := nonAdjacentForm((*[32]byte)(a.Bytes()), 5)
	db := nonAdjacentForm((*[32]byte)(b.Bytes()), 8)
	top := 255
	for top >= 0 && da[top] == 0 && db[top] == 0 {
		top--
	}
	base := ed25519BaseTable()
	var acc bucketPoint // extended, or projective (T stale) where noted
	acc.setIdentity()
	var c bucketCompleted
	for i := top; i >= 0; i-- {
		c.double(&acc)
		if da[i] == 0 && db[i] == 0 {
			acc.projFromCompleted(&c) // only doubled next
			continue
		}
		acc.fromCompleted(&c)
		if d := da[i]; d != 0 {
			c.add(&acc, &k.table[abs8(d)/2], d < 0)
			acc.fromCompleted(&c)
		}
		if d := db[i]; d != 0 {
			c.add(&acc, &base[abs8(d)/2], d < 0)
			acc.fromCompleted(&c)
		}
	}
	return acc.encodeEdwards()
}

func abs8(d int8) int {
	if d < 0 {
		return -int(d)
	}
	return int(d)
}

// nonAdjacentForm returns the width-w non-adjacent form of the 256-bit
// little-endian integer s (2 ≤ w ≤ 8, s < 2^255): digits d_i, each 0 or odd
// with |d_i| < 2^(w−1), with s = Σ d_i·2^i and at least w−1 zeros after
// each nonzero digit.
func nonAdjacentForm(s *[32]byte, w uint) [256]int8 {
	var naf [256]int8
	var limbs [4]uint64
	for i := range limbs {
		limbs[i] = binary.LittleEndian.Uint64(s[8*i:])
	}
	width := uint64(1) << w
	carry := uint64(0)
	for pos := uint(0); pos < 256; {
		window := carry + digitAt(&limbs, pos, w)
		if window&1 == 0 {
			pos++
			continue
		}
		if window < width/2 {
			carry = 0
			naf[pos] = int8(window)
		} else {
			carry = 1
			naf[pos] = int8(int(window) - int(width))
		}
		pos += w
	}
	return naf
}

// setIdentity sets v = (0:1:1:0).
func (v *bucketPoint) setIdentity() {
	*v = bucketPoint{}
	v.Y, v.Z = fpOne, fpOne
}

// double sets v = 2·p from p's X, Y and Z (dbl-2008-hwcd, a = −1), as
// completedPoint.double.
func (v *bucketCompleted) double(p *bucketPoint) *bucketCompleted {
	var xx, yy, zz2, s fp25519.Elt
	fp25519.Sqr(&xx, &p.X)
	fp25519.Sqr(&yy, &p.Y)
	fp25519.Sqr(&zz2, &p.Z)
	fp25519.Add(&zz2, &zz2, &zz2)
	fp25519.Add(&s, &p.X, &p.Y)
	fp25519.Sqr(&s, &s)
	fp25519.Add(&v.Y, &yy, &xx)
	fp25519.Sub(&v.Z, &yy, &xx)
	fp25519.Sub(&v.X, &s, &v.Y)
	fp25519.Sub(&v.T, &zz2, &v.Z)
	return v
}

// projFromCompleted sets v's X, Y and Z to p, leaving T stale: three
// multiplications, for a point that is only doubled next.
func (v *bucketPoint) projFromCompleted(p *bucketCompleted) {
	fp25519.Mul(&v.X, &p.X, &p.T)
	fp25519.Mul(&v.Y, &p.Y, &p.Z)
	fp25519.Mul(&v.Z, &p.Z, &p.T)
}

// encodeEdwards returns the encoding of v of RFC 8032, Section 5.1.2: y
// little-endian, with the low bit of x in bit 255.
func (v *bucketPoint) encodeEdwards() [32]byte {
	var zinv, x, y fp25519.Elt
	fp25519.Inv(&zinv, &v.Z)
	fp25519.Mul(&x, &v.X, &zinv)
	fp25519.Mul(&y, &v.Y, &zinv)
	out := fpReduced(&y)
	xr := fpReduced(&x)
	out[31] |= xr[0] << 7
	return out
}

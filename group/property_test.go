package group

import (
	"bytes"
	"encoding/hex"
	"math"
	mathrand "math/rand"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/quick"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// detRand returns a deterministic generator for a test, so that a failure
// can be reproduced.
func detRand(t testing.TB) *rand.Rand {
	var seed [32]byte
	copy(seed[:], t.Name())
	return rand.New(rand.NewChaCha8(seed))
}

// detScalar returns a uniformly random scalar drawn from rng.
func detScalar(rng *rand.Rand) *Scalar {
	var b [64]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	s, err := NewScalar().SetUniformBytes(b[:])
	if err != nil {
		panic(err)
	}
	return s
}

// detElement returns a random element drawn from rng.
func detElement(rng *rand.Rand) *Element {
	return NewElement().ScalarBaseMult(detScalar(rng))
}

// encodingCandidate returns a 32-byte string that exercises every branch of
// the decoder: valid encodings, small tweaks of valid encodings, strings
// with positive s below p (which fail the square, t or y checks about half
// the time), strings just above p, and fully random strings.
func encodingCandidate(rng *rand.Rand) [ElementSize]byte {
	var b [ElementSize]byte
	switch rng.IntN(6) {
	case 0: // a valid encoding
		copy(b[:], detElement(rng).Bytes())
	case 1: // a valid encoding with one bit flipped
		copy(b[:], detElement(rng).Bytes())
		i := rng.IntN(256)
		b[i/8] ^= 1 << (i % 8)
	case 2: // s positive and (almost always) below p
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		b[0] &^= 1
		b[31] &= 0x7f
	case 3: // s in [p, 2^255): non-canonical
		copy(b[:], pLE)
		b[0] += byte(rng.IntN(19))
	case 4: // s small
		b[0] = byte(rng.IntN(256))
		b[1] = byte(rng.IntN(4))
	default: // uniformly random
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
	}
	return b
}

// pLE is p = 2^255 - 19 in little-endian.
var pLE = hexMust("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")

func hexMust(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestTrySetCanonicalBytes checks that the constant-time decoder agrees with
// SetCanonicalBytes on valid and invalid strings, and leaves the identity
// behind on failure.
func TestTrySetCanonicalBytes(t *testing.T) {
	rng := detRand(t)
	var valid, invalid int
	for i := 0; i < 3000; i++ {
		x := encodingCandidate(rng)
		want, err := NewElement().SetCanonicalBytes(x[:])
		got := NewGeneratorElement() // something that is not the identity
		ok := got.TrySetCanonicalBytes(&x)
		switch {
		case err == nil && ok == 1:
			valid++
			if got.Equal(want) != 1 || !bytes.Equal(got.Bytes(), x[:]) {
				t.Fatalf("%x: TrySetCanonicalBytes decoded %x, SetCanonicalBytes %x", x, got.Bytes(), want.Bytes())
			}
		case err != nil && ok == 0:
			invalid++
			if got.IsIdentity() != 1 {
				t.Fatalf("%x: rejected, but the receiver is %x, not the identity", x, got.Bytes())
			}
		default:
			t.Fatalf("%x: TrySetCanonicalBytes returned %d, SetCanonicalBytes returned error %v", x, ok, err)
		}
	}
	if valid < 500 || invalid < 500 {
		t.Fatalf("poor coverage: %d valid, %d invalid", valid, invalid)
	}
	for _, v := range rfcInvalidEncodings(t) {
		var x [ElementSize]byte
		copy(x[:], v)
		if NewElement().TrySetCanonicalBytes(&x) != 0 {
			t.Errorf("%x: RFC 9496 invalid encoding accepted", x)
		}
	}
	var zero [ElementSize]byte
	if NewGeneratorElement().TrySetCanonicalBytes(&zero) != 1 {
		t.Errorf("identity encoding rejected")
	}
}

// Property tests in the style of testing/quick. Every operation is also run
// with its receiver aliasing its arguments (x.Add(x, x), e.ScalarMult(s, e)
// and so on), which math/big-style receivers allow.

// qScalar and qElement make quick.Check generate scalars and elements,
// favouring edge values: 0, 1, -1 and small integers.
type qScalar struct{ s *Scalar }
type qElement struct{ e *Element }

func (qScalar) Generate(r *mathrand.Rand, _ int) reflect.Value {
	s := NewScalar()
	switch r.Intn(8) {
	case 0:
	case 1:
		s.SetUint64(1)
	case 2:
		s.SetInt64(-1)
	case 3:
		s.SetInt64(r.Int63n(1000) - 500)
	default:
		var b [64]byte
		r.Read(b[:])
		s.SetUniformBytes(b[:])
	}
	return reflect.ValueOf(qScalar{s})
}

func (qElement) Generate(r *mathrand.Rand, size int) reflect.Value {
	s := qScalar{}.Generate(r, size).Interface().(qScalar).s
	e := NewElement().ScalarBaseMult(s)
	if r.Intn(4) == 0 {
		// Move to another internal representative of the same element:
		// Equal and Bytes must not see the difference.
		addTorsion(e, r.Intn(4))
	}
	return reflect.ValueOf(qElement{e})
}

// addTorsion adds the k-th multiple of an Edwards point T4 of order 4 to the
// internal point of e. T4 = (√-1, 0) lies in the kernel of the ristretto255
// quotient, so e still represents the same group element (RFC 9496,
// Section 4.3.3), with different coordinates.
func addTorsion(e *Element, k int) {
	var zero field.Element
	T4, err := new(edwards25519.Point).SetExtendedCoordinates(sqrtM1, &zero, feOne, &zero)
	if err != nil {
		panic(err)
	}
	for i := 0; i < k; i++ {
		e.p.Add(&e.p, T4)
	}
}

func quickCheck(t *testing.T, f any) {
	t.Helper()
	n := 200
	if testing.Short() {
		n = 40
	}
	cfg := &quick.Config{MaxCount: n, Rand: mathrand.New(mathrand.NewSource(int64(len(t.Name()))))}
	if err := quick.Check(f, cfg); err != nil {
		t.Error(err)
	}
}

func eq(a, b *Element) bool { return a.Equal(b) == 1 }

func TestPropertyGroupLaws(t *testing.T) {
	quickCheck(t, func(P, Q, R qElement) bool {
		p, q, r := P.e, Q.e, R.e
		id := NewElement()
		return eq(NewElement().Add(p, q), NewElement().Add(q, p)) &&
			eq(NewElement().Add(NewElement().Add(p, q), r), NewElement().Add(p, NewElement().Add(q, r))) &&
			eq(NewElement().Add(p, id), p) &&
			eq(NewElement().Add(p, NewElement().Negate(p)), id) &&
			eq(NewElement().Subtract(p, q), NewElement().Add(p, NewElement().Negate(q))) &&
			eq(NewElement().Double(p), NewElement().Add(p, p)) &&
			NewElement().Subtract(p, p).IsIdentity() == 1
	})
}

func TestPropertyElementAliasing(t *testing.T) {
	quickCheck(t, func(P, Q qElement, S qScalar) bool {
		p, q, s := P.e, Q.e, S.s
		ok := true
		x := NewElement().Set(p)
		ok = ok && eq(x.Add(x, x), NewElement().Double(p))
		x.Set(p)
		ok = ok && eq(x.Add(x, q), NewElement().Add(p, q))
		x.Set(q)
		ok = ok && eq(x.Add(p, x), NewElement().Add(p, q))
		x.Set(p)
		ok = ok && x.Subtract(x, x).IsIdentity() == 1
		x.Set(p)
		ok = ok && eq(x.Subtract(q, x), NewElement().Subtract(q, p))
		x.Set(p)
		ok = ok && eq(x.Negate(x), NewElement().Negate(p))
		x.Set(p)
		ok = ok && eq(x.Double(x), NewElement().Double(p))
		x.Set(p)
		ok = ok && eq(x.ScalarMult(s, x), NewElement().ScalarMult(s, p))
		x.Set(p)
		ok = ok && eq(x.VarTimeDoubleScalarBaseMult(s, x, s), NewElement().VarTimeDoubleScalarBaseMult(s, p, s))
		x.Set(p)
		ok = ok && eq(x.Select(x, q, 1), p) && eq(x.Select(q, x, 1), q)
		x.Set(p)
		ok = ok && eq(x.Set(x), p)
		return ok
	})
}

func TestPropertyScalarMult(t *testing.T) {
	G := NewGeneratorElement()
	quickCheck(t, func(A, B qScalar, P, Q qElement) bool {
		a, b, p, q := A.s, B.s, P.e, Q.e
		aG, bG := NewElement().ScalarBaseMult(a), NewElement().ScalarBaseMult(b)
		minusOne := NewScalar().SetInt64(-1)
		return eq(NewElement().ScalarBaseMult(NewScalar().Add(a, b)), NewElement().Add(aG, bG)) &&
			eq(NewElement().ScalarBaseMult(NewScalar().Multiply(a, b)), NewElement().ScalarMult(a, bG)) &&
			eq(NewElement().ScalarMult(a, G), aG) &&
			eq(NewElement().ScalarMult(a, NewElement().Add(p, q)), NewElement().Add(NewElement().ScalarMult(a, p), NewElement().ScalarMult(a, q))) &&
			eq(NewElement().ScalarMult(NewScalar().Add(a, b), p), NewElement().Add(NewElement().ScalarMult(a, p), NewElement().ScalarMult(b, p))) &&
			eq(NewElement().VarTimeDoubleScalarBaseMult(a, p, b), NewElement().Add(NewElement().ScalarMult(a, p), bG)) &&
			eq(NewElement().ScalarMult(minusOne, p), NewElement().Negate(p)) &&
			NewElement().ScalarMult(NewScalar(), p).IsIdentity() == 1
	})
}

func TestPropertyEncoding(t *testing.T) {
	quickCheck(t, func(P, Q qElement) bool {
		p, q := P.e, Q.e
		b := p.Bytes()
		d, err := NewElement().SetCanonicalBytes(b)
		if err != nil || !eq(d, p) || !bytes.Equal(d.Bytes(), b) {
			return false
		}
		if !bytes.Equal(p.AppendBytes([]byte{7}), append([]byte{7}, b...)) {
			return false
		}
		// Equal agrees with byte equality of the encodings, also for a
		// different internal representative of p.
		p2 := NewElement().Set(p)
		addTorsion(p2, 2)
		if !eq(p2, p) || !bytes.Equal(p2.Bytes(), b) {
			return false
		}
		if (p.Equal(q) == 1) != bytes.Equal(b, q.Bytes()) {
			return false
		}
		txt, _ := p.MarshalText()
		var u Element
		if err := u.UnmarshalText(txt); err != nil || !eq(&u, p) {
			return false
		}
		return true
	})
}

func TestPropertyScalarLaws(t *testing.T) {
	one := NewScalar().SetUint64(1)
	quickCheck(t, func(X, Y, Z qScalar) bool {
		x, y, z := X.s, Y.s, Z.s
		se := func(a, b *Scalar) bool { return a.Equal(b) == 1 }
		ok := se(NewScalar().Multiply(x, NewScalar().Add(y, z)), NewScalar().Add(NewScalar().Multiply(x, y), NewScalar().Multiply(x, z))) &&
			se(NewScalar().Multiply(NewScalar().Multiply(x, y), z), NewScalar().Multiply(x, NewScalar().Multiply(y, z))) &&
			se(NewScalar().Add(x, y), NewScalar().Add(y, x)) &&
			se(NewScalar().Multiply(x, y), NewScalar().Multiply(y, x)) &&
			NewScalar().Add(x, NewScalar().Negate(x)).IsZero() == 1 &&
			se(NewScalar().Subtract(x, y), NewScalar().Add(x, NewScalar().Negate(y))) &&
			se(NewScalar().MultiplyAdd(x, y, z), NewScalar().Add(NewScalar().Multiply(x, y), z))
		if x.IsZero() == 1 {
			ok = ok && NewScalar().Invert(x).IsZero() == 1
		} else {
			ok = ok && se(NewScalar().Multiply(x, NewScalar().Invert(x)), one)
		}
		// Aliasing.
		a := NewScalar().Set(x)
		ok = ok && se(a.Add(a, a), NewScalar().Add(x, x))
		a.Set(x)
		ok = ok && a.Subtract(a, a).IsZero() == 1
		a.Set(x)
		ok = ok && se(a.Multiply(a, a), NewScalar().Multiply(x, x))
		a.Set(x)
		ok = ok && se(a.MultiplyAdd(a, a, a), NewScalar().MultiplyAdd(x, x, x))
		a.Set(x)
		ok = ok && se(a.MultiplyAdd(y, a, z), NewScalar().MultiplyAdd(y, x, z))
		a.Set(x)
		ok = ok && se(a.Negate(a), NewScalar().Negate(x))
		a.Set(x)
		ok = ok && se(a.Invert(a), NewScalar().Invert(x))
		// Encodings.
		d, err := NewScalar().SetCanonicalBytes(x.Bytes())
		ok = ok && err == nil && se(d, x)
		txt, _ := x.MarshalText()
		var u Scalar
		ok = ok && u.UnmarshalText(txt) == nil && se(&u, x)
		return ok
	})
}

func TestPropertySetInt64(t *testing.T) {
	quickCheck(t, func(n int64) bool {
		s := NewScalar().SetInt64(n)
		if n >= 0 {
			return s.Equal(NewScalar().SetUint64(uint64(n))) == 1
		}
		// n + |n| = 0, with |n| computed without overflow.
		abs := NewScalar().SetUint64(uint64(-(n + 1)) + 1)
		return NewScalar().Add(s, abs).IsZero() == 1
	})
	if NewScalar().SetInt64(-1).Equal(NewScalar().Subtract(NewScalar(), NewScalar().SetUint64(1))) != 1 {
		t.Error("SetInt64(-1) ≠ 0 - 1")
	}
	minInt := NewScalar().SetInt64(math.MinInt64)
	if NewScalar().Add(minInt, NewScalar().SetUint64(1<<63)).IsZero() != 1 {
		t.Error("SetInt64(MinInt64) ≠ -2^63")
	}
}

// TestDecodersLeaveReceiverUnchanged checks the promise of every strict
// decoder: on error the receiver keeps its value.
func TestDecodersLeaveReceiverUnchanged(t *testing.T) {
	rng := detRand(t)
	for i := 0; i < 200; i++ {
		e := detElement(rng)
		before := e.Bytes()
		x := encodingCandidate(rng)
		if _, err := e.SetCanonicalBytes(x[:]); err != nil && !bytes.Equal(e.Bytes(), before) {
			t.Fatalf("SetCanonicalBytes(%x) failed but changed the receiver", x)
		}
		e.SetCanonicalBytes(before)
		if err := e.UnmarshalText([]byte(hex.EncodeToString(x[:]))); err != nil && !bytes.Equal(e.Bytes(), before) {
			t.Fatalf("UnmarshalText(%x) failed but changed the receiver", x)
		}
		s := detScalar(rng)
		sb := s.Bytes()
		bad := detBytes(rng, 32)
		bad[31] |= 0xe0 // ≥ 2^253 > ℓ
		if _, err := s.SetCanonicalBytes(bad); err == nil || !bytes.Equal(s.Bytes(), sb) {
			t.Fatalf("SetCanonicalBytes(%x): err %v, receiver changed: %v", bad, err, !bytes.Equal(s.Bytes(), sb))
		}
		if err := s.UnmarshalText([]byte(hex.EncodeToString(bad))); err == nil || !bytes.Equal(s.Bytes(), sb) {
			t.Fatalf("UnmarshalText(%x): err %v", bad, err)
		}
		if _, err := e.SetUniformBytes(bad); err == nil {
			t.Fatal("SetUniformBytes accepted 32 bytes")
		}
		if _, err := s.SetUniformBytes(bad); err == nil || !bytes.Equal(s.Bytes(), sb) {
			t.Fatal("Scalar.SetUniformBytes accepted 32 bytes")
		}
	}
}

// TestTextEncodingStrict checks that the text forms accept exactly the
// lowercase hexadecimal of a canonical encoding.
func TestTextEncodingStrict(t *testing.T) {
	g := NewGeneratorElement()
	txt, _ := g.MarshalText()
	for _, bad := range []string{
		strings.ToUpper(string(txt)),
		string(txt[:62]),
		string(txt) + "00",
		"",
		" " + string(txt[1:]),
		string(txt[:63]) + "g",
	} {
		if err := NewElement().UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("Element.UnmarshalText(%q) accepted", bad)
		}
		if err := NewScalar().UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("Scalar.UnmarshalText(%q) accepted", bad)
		}
	}
	one, _ := NewScalar().SetUint64(1).MarshalText()
	if string(one) != "0100000000000000000000000000000000000000000000000000000000000000" {
		t.Errorf("Scalar 1 text = %s", one)
	}
}

// TestHexDigits checks the constant-time hexadecimal helpers against
// encoding/hex on every byte value and every character.
func TestHexDigits(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	if got, want := string(hexEncode(all)), hex.EncodeToString(all); got != want {
		t.Fatalf("hexEncode = %s, want %s", got, want)
	}
	for c := 0; c < 256; c++ {
		v, ok := hexValue(byte(c))
		wantOK := '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
		if (ok == 1) != wantOK {
			t.Fatalf("hexValue(%q): ok = %d", rune(c), ok)
		}
		if wantOK {
			d, _ := hex.DecodeString(string([]byte{'0', byte(c)}))
			if v != d[0] {
				t.Fatalf("hexValue(%q) = %d, want %d", rune(c), v, d[0])
			}
		}
	}
	if b, err := hexDecode(hexEncode(all[:32]), 32, "x"); err != nil || !bytes.Equal(b, all[:32]) {
		t.Fatalf("hexDecode round trip: %x, %v", b, err)
	}
	bad := hexEncode(all[:32])
	bad[17] = 'G'
	if _, err := hexDecode(bad, 32, "x"); err == nil || !strings.Contains(err.Error(), "offset 17") {
		t.Fatalf("hexDecode error does not name offset 17: %v", err)
	}
}

// BenchmarkTrySetCanonicalBytes decodes a valid encoding and an invalid one
// (negative s, rejected first by the variable-time decoder); the two should
// cost the same.
func BenchmarkTrySetCanonicalBytes(b *testing.B) {
	var valid, invalid [ElementSize]byte
	copy(valid[:], NewGeneratorElement().Bytes())
	invalid[0] = 1
	for _, c := range []struct {
		name string
		x    *[ElementSize]byte
	}{{"valid", &valid}, {"invalid", &invalid}} {
		b.Run(c.name, func(b *testing.B) {
			e := NewElement()
			for b.Loop() {
				e.TrySetCanonicalBytes(c.x)
			}
		})
	}
}

package group

import (
	"bytes"
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"testing"

	gtank "github.com/gtank/ristretto255"
)

// Differential tests against github.com/gtank/ristretto255 v0.2.0 (an
// independent ristretto255 layer over the same filippo.io/edwards25519
// arithmetic) and against math/big. The tests against
// github.com/cloudflare/circl/group, whose ristretto255 comes from
// github.com/bwesterb/go-ristretto (independent arithmetic too), are in
// diff_circl_test.go.

const diffRounds = 300

func detBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func gtankScalar(t testing.TB, s *Scalar) *gtank.Scalar {
	t.Helper()
	g, err := gtank.NewScalar().SetCanonicalBytes(s.Bytes())
	if err != nil {
		t.Fatalf("gtank rejects scalar %x: %v", s.Bytes(), err)
	}
	return g
}

func gtankElement(t testing.TB, e *Element) *gtank.Element {
	t.Helper()
	g, err := gtank.NewIdentityElement().SetCanonicalBytes(e.Bytes())
	if err != nil {
		t.Fatalf("gtank rejects element %x: %v", e.Bytes(), err)
	}
	return g
}

func checkSame(t testing.TB, what string, got *Element, want []byte) {
	t.Helper()
	if b := got.Bytes(); !bytes.Equal(b, want) {
		t.Fatalf("%s: got %x, oracle says %x", what, b, want)
	}
}

// TestDiffGtankArithmetic compares s·G, s·P, P+Q, P-Q, -P and 2P.
func TestDiffGtankArithmetic(t *testing.T) {
	rng := detRand(t)
	for i := 0; i < diffRounds; i++ {
		s, u := detScalar(rng), detScalar(rng)
		P, Q := detElement(rng), detElement(rng)
		gs, gu := gtankScalar(t, s), gtankScalar(t, u)
		gP, gQ := gtankElement(t, P), gtankElement(t, Q)

		checkSame(t, "s·G", NewElement().ScalarBaseMult(s), gtank.NewIdentityElement().ScalarBaseMult(gs).Bytes())
		checkSame(t, "s·P", NewElement().ScalarMult(s, P), gtank.NewIdentityElement().ScalarMult(gs, gP).Bytes())
		checkSame(t, "s·P + u·G", NewElement().VarTimeDoubleScalarBaseMult(s, P, u),
			gtank.NewIdentityElement().VarTimeDoubleScalarBaseMult(gs, gP, gu).Bytes())
		checkSame(t, "P + Q", NewElement().Add(P, Q), gtank.NewIdentityElement().Add(gP, gQ).Bytes())
		checkSame(t, "P - Q", NewElement().Subtract(P, Q), gtank.NewIdentityElement().Subtract(gP, gQ).Bytes())
		checkSame(t, "-P", NewElement().Negate(P), gtank.NewIdentityElement().Negate(gP).Bytes())
		checkSame(t, "2P", NewElement().Double(P), gtank.NewIdentityElement().Add(gP, gP).Bytes())
		if got, want := NewElement().Add(P, Q).Equal(NewElement().Add(Q, P)), 1; got != want {
			t.Fatal("P + Q ≠ Q + P")
		}
	}
}

// TestDiffGtankDecode compares accept/reject decisions and the decoded
// elements on valid, nearly valid and random 32-byte strings.
func TestDiffGtankDecode(t *testing.T) {
	rng := detRand(t)
	var accepted int
	for i := 0; i < 20*diffRounds; i++ {
		x := encodingCandidate(rng)
		e, err := NewElement().SetCanonicalBytes(x[:])
		g, gerr := gtank.NewIdentityElement().SetCanonicalBytes(x[:])
		if (err == nil) != (gerr == nil) {
			t.Fatalf("%x: group error %v, gtank error %v", x, err, gerr)
		}
		if err == nil {
			accepted++
			if !bytes.Equal(e.Bytes(), g.Bytes()) || !bytes.Equal(e.Bytes(), x[:]) {
				t.Fatalf("%x: group decodes to %x, gtank to %x", x, e.Bytes(), g.Bytes())
			}
		}
	}
	if accepted < diffRounds {
		t.Fatalf("only %d valid encodings among the candidates", accepted)
	}
	for _, n := range []int{0, 1, 31, 33, 64} {
		b := detBytes(rng, n)
		if _, err := NewElement().SetCanonicalBytes(b); err == nil {
			t.Errorf("%d-byte string accepted", n)
		}
	}
}

// TestDiffGtankUniform compares the element derivation function on random
// inputs, including inputs whose halves are ≥ p or have the top bit set.
func TestDiffGtankUniform(t *testing.T) {
	rng := detRand(t)
	for i := 0; i < diffRounds; i++ {
		b := detBytes(rng, 64)
		switch i % 4 {
		case 1: // halves just above p, top bits clear
			copy(b[:32], pLE)
			b[0] += byte(rng.IntN(19))
			copy(b[32:], pLE)
			b[32] += byte(rng.IntN(19))
		case 2: // top bits set
			b[31] |= 0x80
			b[63] |= 0x80
		}
		e, err := NewElement().SetUniformBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		g, err := gtank.NewIdentityElement().SetUniformBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		checkSame(t, "SetUniformBytes", e, g.Bytes())
	}
	for _, n := range []int{0, 32, 63, 65} {
		if _, err := NewElement().SetUniformBytes(make([]byte, n)); err == nil {
			t.Errorf("SetUniformBytes accepted %d bytes", n)
		}
	}
}

// orderL is the group order ℓ = 2^252 + 27742317777372353535851937790883648493.
var orderL, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

// leToBig reads b as a little-endian integer.
func leToBig(b []byte) *big.Int {
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	return new(big.Int).SetBytes(r)
}

// bigToLE32 writes 0 ≤ n < 2^256 as 32 little-endian bytes.
func bigToLE32(n *big.Int) []byte {
	out := make([]byte, 32)
	n.FillBytes(out)
	for i, j := 0, 31; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// TestDiffBigScalar compares scalar arithmetic with math/big modulo ℓ.
func TestDiffBigScalar(t *testing.T) {
	if got := leToBig(NewScalar().Negate(NewScalar().SetUint64(1)).Bytes()); got.Cmp(new(big.Int).Sub(orderL, big.NewInt(1))) != 0 {
		t.Fatalf("-1 = %v, want ℓ-1", got)
	}
	rng := detRand(t)
	mod := func(x *big.Int) *big.Int { return x.Mod(x, orderL) }
	check := func(what string, got *Scalar, want *big.Int) {
		t.Helper()
		if g := leToBig(got.Bytes()); g.Cmp(want) != 0 {
			t.Fatalf("%s: got %v, math/big says %v", what, g, want)
		}
	}
	for i := 0; i < 10*diffRounds; i++ {
		x, y, z := detScalar(rng), detScalar(rng), detScalar(rng)
		if i%10 == 0 { // small and edge values
			x.SetUint64(rng.Uint64N(4))
			y.SetInt64(-int64(rng.IntN(3)))
		}
		X, Y, Z := leToBig(x.Bytes()), leToBig(y.Bytes()), leToBig(z.Bytes())
		check("x+y", NewScalar().Add(x, y), mod(new(big.Int).Add(X, Y)))
		check("x-y", NewScalar().Subtract(x, y), mod(new(big.Int).Sub(X, Y)))
		check("-x", NewScalar().Negate(x), mod(new(big.Int).Neg(X)))
		check("x·y", NewScalar().Multiply(x, y), mod(new(big.Int).Mul(X, Y)))
		check("x·y+z", NewScalar().MultiplyAdd(x, y, z), mod(new(big.Int).Add(new(big.Int).Mul(X, Y), Z)))
		inv := new(big.Int).ModInverse(X, orderL)
		if inv == nil {
			inv = new(big.Int) // Invert(0) = 0
		}
		check("1/x", NewScalar().Invert(x), inv)
		if got, want := x.IsZero(), b2i(X.Sign() == 0); got != want {
			t.Fatalf("IsZero(%v) = %d", X, got)
		}

		// Uniform bytes: a 512-bit little-endian integer reduced modulo ℓ.
		u := detBytes(rng, 64)
		if i%7 == 0 {
			for j := range u {
				u[j] = 0xff
			}
		}
		s, err := NewScalar().SetUniformBytes(u)
		if err != nil {
			t.Fatal(err)
		}
		check("SetUniformBytes", s, mod(leToBig(u)))

		// Canonical bytes: accepted if and only if the value is < ℓ.
		c := detBytes(rng, 32)
		switch i % 3 {
		case 0: // near ℓ
			c = bigToLE32(new(big.Int).Add(orderL, big.NewInt(int64(rng.IntN(5)-2))))
		case 1: // below 2^253, half of these are ≥ ℓ
			c[31] &= 0x1f
		}
		_, err = NewScalar().SetCanonicalBytes(c)
		if (err == nil) != (leToBig(c).Cmp(orderL) < 0) {
			t.Fatalf("SetCanonicalBytes(%x): error %v, value %v", c, err, leToBig(c))
		}
		_, gerr := gtank.NewScalar().SetCanonicalBytes(c)
		if (err == nil) != (gerr == nil) {
			t.Fatalf("SetCanonicalBytes(%x): error %v, gtank error %v", c, err, gerr)
		}
	}
	for _, v := range []int64{0, 1, -1, 2, -2, 1 << 40, -(1 << 40), 1<<63 - 1, -1 << 63} {
		check("SetInt64", NewScalar().SetInt64(v), mod(big.NewInt(v)))
	}
	for _, v := range []uint64{0, 1, 1<<64 - 1} {
		check("SetUint64", NewScalar().SetUint64(v), new(big.Int).SetUint64(v))
	}
}

// TestDiffGtankKnownAnswers recomputes the project's known-answer files
// (testdata/generators.json and testdata/hash.json) without this package:
// the framing of the generator input by hand, expand_message_xmd by the
// transcription of RFC 9380 in vectors_test.go, the one-way map by gtank,
// and the scalar reduction by math/big.
func TestDiffGtankKnownAnswers(t *testing.T) {
	var gens []generatorVector
	readJSON(t, "generators.json", &gens)
	if len(gens) < 8 {
		t.Fatalf("generators.json has %d vectors", len(gens))
	}
	for i, v := range gens {
		var in []byte
		in = binary.BigEndian.AppendUint16(in, uint16(len(v.Tag)))
		in = append(in, v.Tag...)
		in = binary.BigEndian.AppendUint32(in, uint32(len(v.ElectionID)))
		in = append(in, v.ElectionID...)
		in = binary.BigEndian.AppendUint64(in, v.Index)
		if !bytes.Equal(in, v.Input) || v.DST != "sandogh-v1 generator" {
			t.Fatalf("generator vector %d: input or DST is not as specified", i)
		}
		g, err := gtank.NewIdentityElement().SetUniformBytes(referenceExpandXMD(in, []byte(v.DST), 64))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g.Bytes(), v.Element) {
			t.Fatalf("generator vector %d: gtank computes %x, the file says %x", i, g.Bytes(), []byte(v.Element))
		}
	}
	var hs []hashVector
	readJSON(t, "hash.json", &hs)
	if len(hs) < 4 {
		t.Fatalf("hash.json has %d vectors", len(hs))
	}
	for i, v := range hs {
		u := referenceExpandXMD([]byte(v.Msg), []byte(v.DST), 64)
		g, err := gtank.NewIdentityElement().SetUniformBytes(u)
		if err != nil {
			t.Fatal(err)
		}
		s := bigToLE32(new(big.Int).Mod(leToBig(u), orderL))
		if !bytes.Equal(u, v.Uniform) || !bytes.Equal(g.Bytes(), v.Element) || !bytes.Equal(s, v.Scalar) {
			t.Fatalf("hash vector %d (%q, %q) does not match the independent computation", i, v.Msg, v.DST)
		}
	}
}

// Differential tests against github.com/cloudflare/circl/group.Ristretto255,
// whose arithmetic and ristretto255 layer come from
// github.com/bwesterb/go-ristretto, an implementation independent of
// filippo.io/edwards25519.

package group

import (
	"bytes"
	"testing"

	r255 "github.com/bwesterb/go-ristretto"
	circl "github.com/cloudflare/circl/group"
)

var cg = circl.Ristretto255

func circlScalar(t testing.TB, s *Scalar) circl.Scalar {
	t.Helper()
	c := cg.NewScalar()
	if err := c.UnmarshalBinary(s.Bytes()); err != nil {
		t.Fatalf("circl rejects scalar %x: %v", s.Bytes(), err)
	}
	return c
}

func circlElement(t testing.TB, e *Element) circl.Element {
	t.Helper()
	c := cg.NewElement()
	if err := c.UnmarshalBinary(e.Bytes()); err != nil {
		t.Fatalf("circl rejects element %x: %v", e.Bytes(), err)
	}
	return c
}

func circlBytes(t testing.TB, c circl.Element) []byte {
	t.Helper()
	b, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDiffCirclArithmetic compares s·G, s·P, P+Q, -P and 2P.
func TestDiffCirclArithmetic(t *testing.T) {
	rng := detRand(t)
	for i := 0; i < diffRounds; i++ {
		s := detScalar(rng)
		P, Q := detElement(rng), detElement(rng)
		cs, cP, cQ := circlScalar(t, s), circlElement(t, P), circlElement(t, Q)

		checkSame(t, "s·G", NewElement().ScalarBaseMult(s), circlBytes(t, cg.NewElement().MulGen(cs)))
		checkSame(t, "s·P", NewElement().ScalarMult(s, P), circlBytes(t, cg.NewElement().Mul(cP, cs)))
		checkSame(t, "P + Q", NewElement().Add(P, Q), circlBytes(t, cg.NewElement().Add(cP, cQ)))
		checkSame(t, "-P", NewElement().Negate(P), circlBytes(t, cg.NewElement().Neg(cP)))
		checkSame(t, "2P", NewElement().Double(P), circlBytes(t, cg.NewElement().Dbl(cP)))
	}
	checkSame(t, "G", NewGeneratorElement(), circlBytes(t, cg.Generator()))
	checkSame(t, "identity", NewElement(), circlBytes(t, cg.Identity()))
}

// TestDiffCirclDecode compares accept/reject decisions and decoded elements.
func TestDiffCirclDecode(t *testing.T) {
	rng := detRand(t)
	for i := 0; i < 20*diffRounds; i++ {
		x := encodingCandidate(rng)
		e, err := NewElement().SetCanonicalBytes(x[:])
		c := cg.NewElement()
		cerr := c.UnmarshalBinary(x[:])
		if (err == nil) != (cerr == nil) {
			t.Fatalf("%x: group error %v, circl error %v", x, err, cerr)
		}
		if err == nil && !bytes.Equal(e.Bytes(), circlBytes(t, c)) {
			t.Fatalf("%x: decoded elements differ", x)
		}
	}
}

// TestDiffCirclUniform compares the one-way map (RFC 9496, Section 4.3.4)
// with go-ristretto's SetElligator: MAP(b[:32]) + MAP(b[32:]).
func TestDiffCirclUniform(t *testing.T) {
	rng := detRand(t)
	for i := 0; i < diffRounds; i++ {
		b := detBytes(rng, 64)
		if i%4 == 1 {
			b[31] |= 0x80
			b[63] |= 0x80
		}
		var h0, h1 [32]byte
		copy(h0[:], b[:32])
		copy(h1[:], b[32:])
		var p0, p1 r255.Point
		p0.SetElligator(&h0)
		p1.SetElligator(&h1)
		p0.Add(&p0, &p1)
		e, err := NewElement().SetUniformBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		checkSame(t, "SetUniformBytes", e, p0.Bytes())
	}
}

// TestDiffCirclHash compares HashToElement with circl's HashToElement
// (ristretto255_XMD:SHA-512_R255MAP_RO_) and HashToScalar with circl's
// HashToScalar, which is the same construction: expand_message_xmd with
// SHA-512 to 64 bytes, reduced modulo ℓ as a little-endian integer.
func TestDiffCirclHash(t *testing.T) {
	rng := detRand(t)
	for i := 0; i < diffRounds; i++ {
		msg := detBytes(rng, rng.IntN(200))
		dst := detBytes(rng, 1+rng.IntN(255))
		checkSame(t, "HashToElement", HashToElement(msg, dst), circlBytes(t, cg.HashToElement(msg, dst)))
		want, err := cg.HashToScalar(msg, dst).MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if got := HashToScalar(msg, dst).Bytes(); !bytes.Equal(got, want) {
			t.Fatalf("HashToScalar(%x, %x) = %x, circl says %x", msg, dst, got, want)
		}
	}
}

// TestDiffCirclScalar compares scalar arithmetic and canonical decoding.
func TestDiffCirclScalar(t *testing.T) {
	rng := detRand(t)
	for i := 0; i < diffRounds; i++ {
		x, y := detScalar(rng), detScalar(rng)
		cx, cy := circlScalar(t, x), circlScalar(t, y)
		for _, c := range []struct {
			name string
			got  *Scalar
			want circl.Scalar
		}{
			{"x+y", NewScalar().Add(x, y), cg.NewScalar().Add(cx, cy)},
			{"x-y", NewScalar().Subtract(x, y), cg.NewScalar().Sub(cx, cy)},
			{"x·y", NewScalar().Multiply(x, y), cg.NewScalar().Mul(cx, cy)},
			{"-x", NewScalar().Negate(x), cg.NewScalar().Neg(cx)},
			{"1/x", NewScalar().Invert(x), cg.NewScalar().Inv(cx)},
		} {
			want, _ := c.want.MarshalBinary()
			if !bytes.Equal(c.got.Bytes(), want) {
				t.Fatalf("%s: got %x, circl says %x", c.name, c.got.Bytes(), want)
			}
		}
		b := detBytes(rng, 32)
		b[31] &= 0x1f
		_, err := NewScalar().SetCanonicalBytes(b)
		cerr := cg.NewScalar().UnmarshalBinary(b)
		if (err == nil) != (cerr == nil) {
			t.Fatalf("SetCanonicalBytes(%x): error %v, circl error %v", b, err, cerr)
		}
	}
}

// TestDiffCirclKnownAnswers checks the project's known-answer files against
// circl's HashToElement and HashToScalar.
func TestDiffCirclKnownAnswers(t *testing.T) {
	var gens []generatorVector
	readJSON(t, "generators.json", &gens)
	for i, v := range gens {
		if got := circlBytes(t, cg.HashToElement(v.Input, []byte(v.DST))); !bytes.Equal(got, v.Element) {
			t.Fatalf("generator vector %d: circl computes %x, the file says %x", i, got, []byte(v.Element))
		}
	}
	var hs []hashVector
	readJSON(t, "hash.json", &hs)
	for i, v := range hs {
		e := circlBytes(t, cg.HashToElement([]byte(v.Msg), []byte(v.DST)))
		s, _ := cg.HashToScalar([]byte(v.Msg), []byte(v.DST)).MarshalBinary()
		if !bytes.Equal(e, v.Element) || !bytes.Equal(s, v.Scalar) {
			t.Fatalf("hash vector %d (%q, %q) does not match circl", i, v.Msg, v.DST)
		}
	}
}

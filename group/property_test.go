package group

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"testing"
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

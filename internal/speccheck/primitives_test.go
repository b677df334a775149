package speccheck

import (
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	r255 "github.com/gtank/ristretto255"
)

// Byte-encoding helpers of the specification's conventions (00-intro.md and
// 50-ballot.md "Encoding primitives"): big-endian integers, length-prefixed
// strings.

func u8(b []byte, v uint8) []byte   { return append(b, v) }
func u16(b []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(b, v) }
func u32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }
func u64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }

// str is str(s) = u32(len(s)) ‖ s of 50-ballot.md.
func str(b []byte, s string) []byte { return append(u32(b, uint32(len(s))), s...) }

// bytesField is bytes(x) = u32(len(x)) ‖ x of 50-ballot.md.
func bytesField(b []byte, x []byte) []byte { return append(u32(b, uint32(len(x))), x...) }

// lbl is u16(len(d)) ‖ d, the domain prefix of the proofs and trustee sections.
func lbl(b []byte, d string) []byte { return append(u16(b, uint16(len(d))), d...) }

// h256 is H(x) = SHA-512/256(x) of 50-ballot.md.
func h256(parts ...[]byte) []byte {
	h := sha512.New512_256()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// strictHex decodes lowercase hexadecimal only, as the record requires.
func strictHex(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, fmt.Errorf("character %q at offset %d is not lowercase hexadecimal", c, i)
		}
	}
	return hex.DecodeString(s)
}

func mustHex(s string) []byte {
	b, err := strictHex(s)
	if err != nil {
		panic(err)
	}
	return b
}

// element decodes a 32-byte canonical element (RFC 9496, 4.3.1).
func element(b []byte) (*r255.Element, error) {
	if len(b) != 32 {
		return nil, fmt.Errorf("element is %d bytes, want 32", len(b))
	}
	e := r255.NewElement()
	if err := e.Decode(b); err != nil {
		return nil, err
	}
	return e, nil
}

func elementHex(s string) (*r255.Element, error) {
	b, err := strictHex(s)
	if err != nil {
		return nil, err
	}
	return element(b)
}

// scalar decodes a canonical 32-byte scalar (< ℓ).
func scalar(b []byte) (*r255.Scalar, error) {
	if len(b) != 32 {
		return nil, fmt.Errorf("scalar is %d bytes, want 32", len(b))
	}
	s := r255.NewScalar()
	if err := s.Decode(b); err != nil {
		return nil, err
	}
	return s, nil
}

func scalarHex(s string) (*r255.Scalar, error) {
	b, err := strictHex(s)
	if err != nil {
		return nil, err
	}
	return scalar(b)
}

// scalarUint returns v mod ℓ as a scalar.
func scalarUint(v uint64) *r255.Scalar {
	var b [32]byte
	binary.LittleEndian.PutUint64(b[:], v)
	s := r255.NewScalar()
	if err := s.Decode(b[:]); err != nil {
		panic(err)
	}
	return s
}

// scalarWide is LEint(d) mod ℓ for a 64-byte d.
func scalarWide(d []byte) *r255.Scalar {
	return r255.NewScalar().FromUniformBytes(d)
}

func enc(e *r255.Element) []byte { return e.Encode(nil) }

func encS(s *r255.Scalar) []byte { return s.Encode(nil) }

func gen() *r255.Element { return r255.NewGeneratorElement() }

func mulG(s *r255.Scalar) *r255.Element { return r255.NewElement().ScalarBaseMult(s) }

func mul(s *r255.Scalar, p *r255.Element) *r255.Element {
	return r255.NewElement().ScalarMult(s, p)
}

func add(p, q *r255.Element) *r255.Element { return r255.NewElement().Add(p, q) }

func sub(p, q *r255.Element) *r255.Element { return r255.NewElement().Subtract(p, q) }

func sadd(x, y *r255.Scalar) *r255.Scalar { return r255.NewScalar().Add(x, y) }

func ssub(x, y *r255.Scalar) *r255.Scalar { return r255.NewScalar().Subtract(x, y) }

func smul(x, y *r255.Scalar) *r255.Scalar { return r255.NewScalar().Multiply(x, y) }

func eq(p, q *r255.Element) bool { return p.Equal(q) == 1 }

// flipHex flips the lowest bit of byte i of a hex string (for tamper tests).
func flipHex(s string, i int) string {
	b := mustHex(s)
	b[i] ^= 1
	return hex.EncodeToString(b)
}

func joinErrs(errs []error) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return strings.Join(s, "; ")
}

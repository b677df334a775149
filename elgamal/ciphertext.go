package elgamal

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/prose"
)

// CiphertextSize is the length of a ciphertext encoding: A ‖ B.
const CiphertextSize = 2 * group.ElementSize

// A Ciphertext is an ElGamal ciphertext (A, B) = (rG, M + rK) under a public
// key K. For exponential encryption M = mG.
//
// The zero value is NOT valid, and it may be used only as a receiver. Use
// NewCiphertext, PublicKey.Encrypt or SetCanonicalBytes. Operations are
// constant time. All arguments and receivers are allowed to alias.
type Ciphertext struct {
	A, B group.Element
}

// NewCiphertext returns a new Ciphertext set to (identity, identity), the
// encryption of 0 with nonce 0 and the neutral element of Add.
func NewCiphertext() *Ciphertext {
	return new(Ciphertext).Zero()
}

// Zero sets c to (identity, identity) and returns c.
func (c *Ciphertext) Zero() *Ciphertext {
	c.A.Zero()
	c.B.Zero()
	return c
}

// Set sets c = x and returns c.
func (c *Ciphertext) Set(x *Ciphertext) *Ciphertext {
	c.A.Set(&x.A)
	c.B.Set(&x.B)
	return c
}

// Add sets c to the componentwise sum x + y and returns c. If x and y
// encrypt M1 and M2 with nonces r1 and r2 under the same key, c encrypts
// M1 + M2 with nonce r1 + r2.
func (c *Ciphertext) Add(x, y *Ciphertext) *Ciphertext {
	c.A.Add(&x.A, &y.A)
	c.B.Add(&x.B, &y.B)
	return c
}

// Subtract sets c to the componentwise difference x − y and returns c. If x
// and y encrypt M1 and M2 with nonces r1 and r2, c encrypts M1 − M2 with
// nonce r1 − r2.
func (c *Ciphertext) Subtract(x, y *Ciphertext) *Ciphertext {
	c.A.Subtract(&x.A, &y.A)
	c.B.Subtract(&x.B, &y.B)
	return c
}

// Negate sets c = −x (an encryption of −M with nonce −r) and returns c.
func (c *Ciphertext) Negate(x *Ciphertext) *Ciphertext {
	c.A.Negate(&x.A)
	c.B.Negate(&x.B)
	return c
}

// ScalarMult sets c = s·x componentwise and returns c, in constant time. If
// x encrypts M with nonce r, c encrypts s·M with nonce s·r.
func (c *Ciphertext) ScalarMult(s *group.Scalar, x *Ciphertext) *Ciphertext {
	c.A.ScalarMult(s, &x.A)
	c.B.ScalarMult(s, &x.B)
	return c
}

// Equal returns 1 if c and x have equal components, and 0 otherwise, in
// constant time.
func (c *Ciphertext) Equal(x *Ciphertext) int {
	return c.A.Equal(&x.A) & c.B.Equal(&x.B)
}

// Bytes returns the 64-byte encoding A ‖ B, each component the canonical
// 32-byte ristretto255 encoding.
func (c *Ciphertext) Bytes() []byte {
	return c.AppendBytes(make([]byte, 0, CiphertextSize))
}

// AppendBytes appends the 64-byte encoding A ‖ B to b and returns the
// extended slice.
func (c *Ciphertext) AppendBytes(b []byte) []byte {
	b = c.A.AppendBytes(b)
	return c.B.AppendBytes(b)
}

// SetCanonicalBytes sets c to the ciphertext encoded by the 64 bytes
// x = A ‖ B. Each component must be a canonical ristretto255 encoding; the
// identity is accepted in either. If x is not a valid encoding, it returns
// nil and an error naming the field (A or B) and the defect, and the
// receiver is unchanged.
func (c *Ciphertext) SetCanonicalBytes(x []byte) (*Ciphertext, error) {
	return c.SetCanonicalBytesWith(nil, x)
}

// SetCanonicalBytesWith is SetCanonicalBytes decoding A and then B with d,
// which may hold decoding hints for them (group.Decoder); the outcome is
// the same with any hints.
func (c *Ciphertext) SetCanonicalBytesWith(d *group.Decoder, x []byte) (*Ciphertext, error) {
	if len(x) != CiphertextSize {
		return nil, fmt.Errorf("elgamal: ciphertext encoding is %d bytes, want %d", len(x), CiphertextSize)
	}
	var A, B group.Element
	if _, err := d.Decode(&A, x[:group.ElementSize]); err != nil {
		return nil, fieldError("A", err)
	}
	if _, err := d.Decode(&B, x[group.ElementSize:]); err != nil {
		return nil, fieldError("B", err)
	}
	c.A.Set(&A)
	c.B.Set(&B)
	return c, nil
}

// fieldError wraps an error from package group with the ciphertext field it
// concerns.
func fieldError(field string, err error) error {
	return fmt.Errorf("elgamal: ciphertext field %s: %s", field, strings.TrimPrefix(err.Error(), "group: "))
}

// MarshalText encodes c as 128 lowercase hexadecimal characters: the hex of
// the 64-byte encoding A ‖ B. In JSON a ciphertext is therefore a string.
func (c *Ciphertext) MarshalText() ([]byte, error) {
	return hex.AppendEncode(make([]byte, 0, 2*CiphertextSize), c.Bytes()), nil
}

// UnmarshalText decodes the text form of MarshalText. It accepts only
// exactly 128 lowercase hexadecimal characters of a valid encoding; errors
// name the field (A or B) and the offset of a bad character. On error the
// receiver is unchanged.
func (c *Ciphertext) UnmarshalText(text []byte) error {
	if len(text) != 2*CiphertextSize {
		return fmt.Errorf("elgamal: ciphertext text encoding is %s, want %d", prose.Count(len(text), "character"), 2*CiphertextSize)
	}
	var b [CiphertextSize]byte
	for i := range b {
		hi, ok1 := fromHex(text[2*i])
		lo, ok2 := fromHex(text[2*i+1])
		if !ok1 || !ok2 {
			off := 2 * i
			if ok1 {
				off++
			}
			field := "A"
			if off >= 2*group.ElementSize {
				field = "B"
			}
			return fmt.Errorf("elgamal: ciphertext field %s: text encoding has a character that is not lowercase hexadecimal at offset %d", field, off)
		}
		b[i] = hi<<4 | lo
	}
	_, err := c.SetCanonicalBytes(b[:])
	return err
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

package group

import (
	"crypto/rand"
	"errors"

	"filippo.io/edwards25519"
)

// ScalarSize is the length of a canonical scalar encoding.
const ScalarSize = 32

// A Scalar is an integer modulo ℓ = 2^252 + 27742317777372353535851937790883648493,
// the order of the ristretto255 group.
//
// The zero value is a valid zero scalar. All arithmetic is constant time.
// All arguments and receivers are allowed to alias.
type Scalar struct {
	s edwards25519.Scalar
}

// NewScalar returns a new zero Scalar.
func NewScalar() *Scalar { return &Scalar{} }

// RandomScalar returns a uniformly random scalar from crypto/rand.
func RandomScalar() *Scalar {
	var b [64]byte
	rand.Read(b[:]) // never returns an error since Go 1.24
	s := new(Scalar)
	if _, err := s.SetUniformBytes(b[:]); err != nil {
		panic("group: internal error: " + err.Error())
	}
	return s
}

// Set sets s = x and returns s.
func (s *Scalar) Set(x *Scalar) *Scalar {
	s.s.Set(&x.s)
	return s
}

// SetUint64 sets s = x and returns s.
func (s *Scalar) SetUint64(x uint64) *Scalar {
	var b [32]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(x >> (8 * i))
	}
	if _, err := s.s.SetCanonicalBytes(b[:]); err != nil {
		panic("group: internal error: " + err.Error())
	}
	return s
}

// SetInt64 sets s = x mod ℓ (negative x is reduced) and returns s.
func (s *Scalar) SetInt64(x int64) *Scalar {
	if x >= 0 {
		return s.SetUint64(uint64(x))
	}
	s.SetUint64(uint64(-(x + 1)) + 1)
	return s.Negate(s)
}

// Add sets s = x + y mod ℓ and returns s.
func (s *Scalar) Add(x, y *Scalar) *Scalar {
	s.s.Add(&x.s, &y.s)
	return s
}

// Subtract sets s = x - y mod ℓ and returns s.
func (s *Scalar) Subtract(x, y *Scalar) *Scalar {
	s.s.Subtract(&x.s, &y.s)
	return s
}

// Negate sets s = -x mod ℓ and returns s.
func (s *Scalar) Negate(x *Scalar) *Scalar {
	s.s.Negate(&x.s)
	return s
}

// Multiply sets s = x * y mod ℓ and returns s.
func (s *Scalar) Multiply(x, y *Scalar) *Scalar {
	s.s.Multiply(&x.s, &y.s)
	return s
}

// MultiplyAdd sets s = x * y + z mod ℓ and returns s.
func (s *Scalar) MultiplyAdd(x, y, z *Scalar) *Scalar {
	s.s.MultiplyAdd(&x.s, &y.s, &z.s)
	return s
}

// Invert sets s = 1/x mod ℓ and returns s. If x is zero, s is set to zero.
func (s *Scalar) Invert(x *Scalar) *Scalar {
	s.s.Invert(&x.s)
	return s
}

// Equal returns 1 if s and t are equal, and 0 otherwise, in constant time.
func (s *Scalar) Equal(t *Scalar) int {
	return s.s.Equal(&t.s)
}

// IsZero returns 1 if s is zero, and 0 otherwise, in constant time.
func (s *Scalar) IsZero() int {
	var zero edwards25519.Scalar
	return s.s.Equal(&zero)
}

// Bytes returns the 32-byte canonical little-endian encoding of s.
func (s *Scalar) Bytes() []byte {
	return s.s.Bytes()
}

// SetCanonicalBytes sets s to the scalar encoded by the 32 little-endian
// bytes x. If x is not 32 bytes long or encodes a value ≥ ℓ, it returns nil
// and an error, and the receiver is unchanged.
func (s *Scalar) SetCanonicalBytes(x []byte) (*Scalar, error) {
	if len(x) != ScalarSize {
		return nil, errors.New("group: scalar encoding is not 32 bytes")
	}
	if _, err := s.s.SetCanonicalBytes(x); err != nil {
		return nil, errors.New("group: scalar encoding is not canonical (value ≥ ℓ)")
	}
	return s, nil
}

// SetUniformBytes sets s to the 64 little-endian bytes x reduced modulo ℓ.
// The bytes must be uniformly random (a hash output) for s to be uniform.
// If x is not 64 bytes long, it returns nil and an error, and the receiver
// is unchanged.
func (s *Scalar) SetUniformBytes(x []byte) (*Scalar, error) {
	if len(x) != 64 {
		return nil, errors.New("group: uniform scalar input is not 64 bytes")
	}
	if _, err := s.s.SetUniformBytes(x); err != nil {
		return nil, errors.New("group: " + err.Error())
	}
	return s, nil
}

// MarshalText encodes s as lowercase hexadecimal of its canonical bytes.
func (s *Scalar) MarshalText() ([]byte, error) {
	return hexEncode(s.Bytes()), nil
}

// UnmarshalText decodes the hexadecimal canonical encoding of a scalar.
func (s *Scalar) UnmarshalText(text []byte) error {
	b, err := hexDecode(text, ScalarSize, "scalar")
	if err != nil {
		return err
	}
	_, err = s.SetCanonicalBytes(b)
	return err
}

package elgamal

import (
	"errors"
	"sync"

	"github.com/sandogh/sandogh/group"
)

// A SecretKey is an ElGamal decryption key: a non-zero scalar x.
//
// The zero value is NOT valid. Use GenerateKey, NewSecretKey or
// UnmarshalText. A SecretKey is safe for concurrent use once built.
type SecretKey struct {
	x  group.Scalar
	pk *PublicKey
}

// A PublicKey is an ElGamal encryption key: the element K = x·G, never the
// identity.
//
// The zero value is NOT valid, and it may be used only as a receiver of
// UnmarshalText. Use GenerateKey, NewPublicKey or SecretKey.PublicKey. A
// PublicKey is safe for concurrent use by many goroutines: the fixed-base
// table for K is built the first time it is needed, and copies of a
// PublicKey share it.
type PublicKey struct {
	k    group.Element
	enc  [group.ElementSize]byte // the canonical encoding of k, computed once
	lazy *lazyTable
}

// lazyTable holds the state that a PublicKey builds on first use. It lives
// behind a pointer so that UnmarshalText can replace it.
type lazyTable struct {
	once sync.Once
	t    *group.FixedBaseTable
}

// GenerateKey returns a fresh key pair with x uniformly random among the
// non-zero scalars, from crypto/rand.
func GenerateKey() (*SecretKey, *PublicKey) {
	for {
		x := group.RandomScalar()
		if x.IsZero() == 1 {
			continue // probability 2^-252
		}
		sk, err := NewSecretKey(x)
		if err != nil {
			panic("elgamal: internal error: " + err.Error())
		}
		return sk, sk.PublicKey()
	}
}

var errZeroSecretKey = errors.New("elgamal: secret key is zero")

// NewSecretKey returns the secret key x. It returns an error if x is zero.
// The scalar is copied.
func NewSecretKey(x *group.Scalar) (*SecretKey, error) {
	if x.IsZero() == 1 {
		return nil, errZeroSecretKey
	}
	sk := &SecretKey{}
	sk.x.Set(x)
	sk.pk = newPublicKey(new(group.Element).ScalarBaseMult(x))
	return sk, nil
}

// Scalar returns a copy of the secret scalar x.
func (sk *SecretKey) Scalar() *group.Scalar {
	return new(group.Scalar).Set(&sk.x)
}

// PublicKey returns the public key K = x·G. All calls return the same
// *PublicKey, so its fixed-base table is built at most once.
func (sk *SecretKey) PublicKey() *PublicKey {
	return sk.pk
}

// MarshalText encodes the secret scalar as 64 lowercase hexadecimal
// characters (the 32-byte little-endian scalar).
func (sk *SecretKey) MarshalText() ([]byte, error) {
	return sk.x.MarshalText()
}

// UnmarshalText sets sk to the secret key whose scalar is hex-encoded in
// text. It rejects anything but 64 lowercase hexadecimal characters of a
// canonical, non-zero scalar; on error sk is unchanged.
func (sk *SecretKey) UnmarshalText(text []byte) error {
	var x group.Scalar
	if err := x.UnmarshalText(text); err != nil {
		return errors.New("elgamal: secret key: " + err.Error())
	}
	nsk, err := NewSecretKey(&x)
	if err != nil {
		return err
	}
	sk.x.Set(&nsk.x)
	sk.pk = nsk.pk
	return nil
}

func newPublicKey(K *group.Element) *PublicKey {
	pk := &PublicKey{lazy: new(lazyTable)}
	pk.k.Set(K)
	copy(pk.enc[:], K.Bytes())
	return pk
}

// NewPublicKey returns the public key K. It returns an error if K is the
// identity, for which every ciphertext would reveal its plaintext. The element
// is copied.
func NewPublicKey(K *group.Element) (*PublicKey, error) {
	if K.IsIdentity() == 1 {
		return nil, errors.New("elgamal: public key is the identity")
	}
	return newPublicKey(K), nil
}

// Element returns a copy of K.
func (pk *PublicKey) Element() *group.Element {
	return new(group.Element).Set(&pk.k)
}

// table returns the fixed-base table of K, building it on first use.
func (pk *PublicKey) table() *group.FixedBaseTable {
	l := pk.lazy
	l.once.Do(func() { l.t = group.NewFixedBaseTable(&pk.k) })
	return l.t
}

// ScalarMult sets dst = s·K and returns dst, in constant time, through the
// key's fixed-base table (built on the first call, 76.5 KiB).
func (pk *PublicKey) ScalarMult(dst *group.Element, s *group.Scalar) *group.Element {
	return dst.FixedBaseMult(pk.table(), s)
}

// Equal returns 1 if pk and x are the same key, and 0 otherwise.
func (pk *PublicKey) Equal(x *PublicKey) int {
	return pk.k.Equal(&x.k)
}

// Bytes returns the 32-byte canonical encoding of K. The encoding is
// computed once, when the key is made, since every proof under the key
// hashes it.
func (pk *PublicKey) Bytes() []byte {
	return append([]byte(nil), pk.enc[:]...)
}

// ParsePublicKey decodes a 32-byte canonical encoding of K. It rejects
// non-canonical encodings and the identity.
func ParsePublicKey(b []byte) (*PublicKey, error) {
	var K group.Element
	if _, err := K.SetCanonicalBytes(b); err != nil {
		return nil, errors.New("elgamal: public key: " + err.Error())
	}
	return NewPublicKey(&K)
}

// MarshalText encodes K as 64 lowercase hexadecimal characters.
func (pk *PublicKey) MarshalText() ([]byte, error) {
	return pk.k.MarshalText()
}

// UnmarshalText sets pk to the key whose canonical encoding is hex-encoded
// in text. It rejects the identity; on error pk is unchanged. It must not be
// called while pk is in use by other goroutines.
func (pk *PublicKey) UnmarshalText(text []byte) error {
	var K group.Element
	if err := K.UnmarshalText(text); err != nil {
		return errors.New("elgamal: public key: " + err.Error())
	}
	npk, err := NewPublicKey(&K)
	if err != nil {
		return err
	}
	pk.k.Set(&npk.k)
	pk.enc = npk.enc
	pk.lazy = npk.lazy
	return nil
}

package trustee

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/rand"
	"encoding/binary"
	"fmt"

	"github.com/sandogh/sandogh/internal/sealed"
)

// An Identity is a trustee's long-term secret keys: an Ed25519 key that
// signs every message of the trustee, and an X25519 key to which the other
// trustees encrypt its shares. Its public half, Member, goes into the
// roster.
//
// The zero value is NOT valid: use NewIdentity or OpenIdentity.
type Identity struct {
	name       string
	seed       []byte // Ed25519 seed (RFC 8032)
	signing    ed25519.PrivateKey
	encryption hpke.PrivateKey
}

// NewIdentity returns a fresh identity with keys from crypto/rand. name must
// be a name of 1..MaxNameSize bytes as NewRoster requires.
func NewIdentity(name string) (*Identity, error) {
	seed := make([]byte, ed25519.SeedSize)
	x := make([]byte, 32)
	rand.Read(seed)
	rand.Read(x)
	return newIdentity(name, seed, x)
}

// newIdentity builds an identity from an Ed25519 seed and an X25519 private
// key (known-answer tests use fixed ones).
func newIdentity(name string, seed, x25519 []byte) (*Identity, error) {
	if err := checkName(name); err != nil {
		return nil, fmt.Errorf("trustee: identity: name: %v", err)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("trustee: identity: Ed25519 seed is %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	enc, err := hpkeKEM.NewPrivateKey(x25519)
	if err != nil {
		return nil, fmt.Errorf("trustee: identity: X25519 key: %v", err)
	}
	return &Identity{
		name:       name,
		seed:       bytes.Clone(seed),
		signing:    ed25519.NewKeyFromSeed(seed),
		encryption: enc,
	}, nil
}

// Name returns the trustee's name.
func (id *Identity) Name() string { return id.name }

// SigningKey returns a copy of the trustee's Ed25519 private key, whose
// public half is Member().SigningKey in the roster. A trustee signs with it
// the artefacts it makes outside the key ceremony, such as its mix stages
// (mixnet.Mix). It signs in the trustee's name: keep it secret.
func (id *Identity) SigningKey() ed25519.PrivateKey { return bytes.Clone(id.signing) }

// Member returns the public half of the identity as the roster entry with
// the given index.
func (id *Identity) Member(index int) Member {
	return Member{
		Index:         index,
		Name:          id.name,
		SigningKey:    bytes.Clone(id.signing.Public().(ed25519.PublicKey)),
		EncryptionKey: id.encryption.PublicKey().Bytes(),
	}
}

// encode returns u16(len(name)) ‖ name ‖ Ed25519 seed ‖ X25519 private key.
func (id *Identity) encode() []byte {
	x, err := id.encryption.Bytes()
	if err != nil {
		panic("trustee: internal error: " + err.Error())
	}
	b := appendLabel(nil, id.name)
	b = append(b, id.seed...)
	return append(b, x...)
}

func decodeIdentity(b []byte) (*Identity, error) {
	if len(b) < 2 {
		return nil, fmt.Errorf("trustee: identity: truncated")
	}
	n := int(binary.BigEndian.Uint16(b))
	if len(b) != 2+n+64 {
		return nil, fmt.Errorf("trustee: identity: %d bytes, want %d", len(b), 2+n+64)
	}
	return newIdentity(string(b[2:2+n]), b[2+n:2+n+32], b[2+n+32:])
}

const identityKind = "sandogh trustee identity"

// Seal returns the identity encrypted under passphrase (Argon2id and
// XChaCha20-Poly1305; docs/spec.md, "Secret state at rest").
func (id *Identity) Seal(passphrase []byte) ([]byte, error) {
	return sealed.SealWithParams(identityKind, id.encode(), passphrase, sealParams)
}

// OpenIdentity decrypts an identity sealed by Identity.Seal. A wrong
// passphrase or a modified file gives an error that says so.
func OpenIdentity(data, passphrase []byte) (*Identity, error) {
	pt, err := sealed.Open(identityKind, data, passphrase)
	if err != nil {
		return nil, fmt.Errorf("trustee: opening identity: %w", err)
	}
	return decodeIdentity(pt)
}

// sealParams are the Argon2id parameters of every file this package seals;
// tests lower them.
var sealParams = sealed.DefaultParams

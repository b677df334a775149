package proof

import (
	"crypto/rand"
	"crypto/sha512"
	"encoding/binary"
	"errors"

	"github.com/sandogh/sandogh/group"
)

// Domain separation strings of the nonce derivations.
const (
	nonceScalarDomain = "sandogh-v1 nonce scalar"
	nonceChildDomain  = "sandogh-v1 nonce child"
	nonceBindDomain   = "sandogh-v1 nonce bind"
)

// NonceSeedSize is the length of a Nonces seed.
const NonceSeedSize = 32

// Nonces is a source of deterministic prover randomness: every scalar it
// gives is a keyed hash of a 32-byte secret seed, a label and an index
// (docs/spec.md, "Nonces"). A device draws one seed per ballot from
// crypto/rand; if the voter challenges the ballot, releasing the seed lets
// anyone recompute the encryption nonces and check the plaintexts, and fixed
// seeds make known-answer tests reproducible.
//
// A seed is a secret as sensitive as the plaintexts it protects. Never use one
// Nonces for two different statements with the same label and index: two
// proofs with the same nonce and different challenges reveal the witness
// (the secret key or the vote). The provers of this package bind their proof
// nonces to the statement (the transcript so far) as a second line of defence,
// but encryption nonces depend on the seed, label and index only: derive a
// Child per ciphertext.
//
// The zero value is NOT valid: use NewNonces or RandomNonces. A Nonces is
// immutable and safe for concurrent use.
type Nonces struct {
	seed [NonceSeedSize]byte
}

// NewNonces returns the nonce source with the given 32-byte seed, or an
// error if seed is not exactly 32 bytes long. The seed is copied.
func NewNonces(seed []byte) (*Nonces, error) {
	if len(seed) != NonceSeedSize {
		return nil, errors.New("proof: nonce seed is not 32 bytes")
	}
	n := new(Nonces)
	copy(n.seed[:], seed)
	return n, nil
}

// RandomNonces returns a nonce source with a fresh seed from crypto/rand.
func RandomNonces() *Nonces {
	n := new(Nonces)
	rand.Read(n.seed[:]) // never returns an error since Go 1.24
	return n
}

// Seed returns a copy of the secret seed, for releasing it when a ballot is
// challenged (and only then).
func (n *Nonces) Seed() []byte {
	return append([]byte(nil), n.seed[:]...)
}

// derive returns SHA-512(u16(len(domain)) ‖ domain ‖ seed ‖ u16(len(label)) ‖
// label ‖ u64(index)). It panics if label is longer than 65535 bytes.
func (n *Nonces) derive(domain, label string, index uint64) [64]byte {
	if len(label) > 0xffff {
		panic("proof: nonce label longer than 65535 bytes")
	}
	var stack [160]byte
	in := binary.BigEndian.AppendUint16(stack[:0], uint16(len(domain)))
	in = append(in, domain...)
	in = append(in, n.seed[:]...)
	in = binary.BigEndian.AppendUint16(in, uint16(len(label)))
	in = append(in, label...)
	in = binary.BigEndian.AppendUint64(in, index)
	return sha512.Sum512(in)
}

// Child returns the nonce source for the sub-task (label, index), whose seed
// is the first 32 bytes of
//
//	SHA-512(u16(22) ‖ "sandogh-v1 nonce child" ‖ seed ‖ u16(len(label)) ‖ label ‖ u64(index)).
//
// Releasing a child's seed reveals nothing about its parent or its siblings.
func (n *Nonces) Child(label string, index uint64) *Nonces {
	d := n.derive(nonceChildDomain, label, index)
	c := new(Nonces)
	copy(c.seed[:], d[:NonceSeedSize])
	return c
}

// Scalar returns the secret scalar for (label, index):
//
//	SHA-512(u16(23) ‖ "sandogh-v1 nonce scalar" ‖ seed ‖ u16(len(label)) ‖ label ‖ u64(index)) mod ℓ.
func (n *Nonces) Scalar(label string, index uint64) *group.Scalar {
	d := n.derive(nonceScalarDomain, label, index)
	return scalarFromWide(&d)
}

// Bind returns the nonce source bound to the transcript t as it stands: its
// seed is the first 32 bytes of SHA-512(u16(21) ‖ "sandogh-v1 nonce bind" ‖
// seed ‖ d) where d is the 64-byte SHA-512 digest of t's stream so far (t is
// not changed). Provers bind their nonces to the transcript after the
// statement, and a ballot binds its encryption nonces to its context (base
// hash, identifier, signer, chain position), so that nonces differ whenever
// the statement or the context differs, even if a caller reuses a seed by
// mistake. Releasing the seed still reveals everything derived from it to
// whoever knows t.
func (n *Nonces) Bind(t *Transcript) *Nonces {
	var d [64]byte
	t.digest(&d)
	var stack [160]byte
	in := binary.BigEndian.AppendUint16(stack[:0], uint16(len(nonceBindDomain)))
	in = append(in, nonceBindDomain...)
	in = append(in, n.seed[:]...)
	in = append(in, d[:]...)
	out := sha512.Sum512(in)
	c := new(Nonces)
	copy(c.seed[:], out[:NonceSeedSize])
	return c
}

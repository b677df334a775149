package ballot

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/internal/wire"
)

// A Credential is a voter's secret signing credential for remote voting: an
// Ed25519 key. Only its public key appears in the election, on the
// CredentialList; a ballot signed with it is eligible if the public key is
// on the list.
//
// Whoever knows a credential's secret key can vote with it: under
// OneBallotPerCredential, cast the credential's only ballot before the
// voter does; under LastBallotCounts, replace the voter's ballot at any
// time. So the key is best generated where the voter keeps it, on the
// voter's own device (GenerateCredential) or smart card, and only its
// public key is sent to the registrar, who builds the published list from
// public keys alone (NewCredentialList). GenerateCredentials, which makes
// every voter's key in one place, is for an authority that the voters
// trust to hand each key out and keep no copy (docs/spec.md, Ballots,
// "Credentials and the credential list").
//
// The zero value is NOT valid. Use GenerateCredential, GenerateCredentials
// or NewCredential.
type Credential struct {
	key ed25519.PrivateKey
}

// NewCredential returns the credential whose Ed25519 seed (RFC 8032
// private key) is seed, which must be 32 bytes.
func NewCredential(seed []byte) (*Credential, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("ballot: credential seed is %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	return &Credential{key: ed25519.NewKeyFromSeed(seed)}, nil
}

// Seed returns a copy of the credential's 32-byte secret seed, the form in
// which it is handed to the voter.
func (c *Credential) Seed() []byte { return bytes.Clone(c.key.Seed()) }

// PublicKey returns the credential's public key, the form in which it is
// published on the CredentialList.
func (c *Credential) PublicKey() ed25519.PublicKey {
	return bytes.Clone(c.key.Public().(ed25519.PublicKey))
}

// GenerateCredential is the voter's step: it returns a fresh credential from
// crypto/rand, made on the voter's own device. The voter keeps it (its
// Seed, or the whole Credential, sealed on the device) and gives only its
// PublicKey to the registrar, who lists it; once the list is published,
// the voter checks that her key is on it (CredentialList.Contains). A
// smart card does the same with a key that never leaves the card: its
// public key goes on the list, and it signs ballots as a crypto.Signer
// (Ballot.Cast).
func GenerateCredential() (*Credential, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("ballot: generating a credential: %v", err)
	}
	return &Credential{key: ed25519.NewKeyFromSeed(seed)}, nil
}

// GenerateCredentials is a credential authority's step: it returns n
// fresh credentials from crypto/rand, one per voter, and the list of their
// public keys to publish. The authority hands each credential to its voter
// and keeps no copy.
//
// Whoever runs it holds every voter's secret key until it is handed out,
// and can keep a copy unseen: with it, vote for the voters who abstain,
// and under LastBallotCounts replace any voter's ballot (under
// OneBallotPerCredential, cast before the voter does). Use it only where
// the voters trust that authority with their votes; otherwise each voter
// makes her own credential with GenerateCredential and only public keys
// reach the list.
func GenerateCredentials(n int) ([]*Credential, *CredentialList, error) {
	if n < 0 {
		panic("ballot: negative number of credentials")
	}
	creds := make([]*Credential, n)
	keys := make([]ed25519.PublicKey, n)
	for i := range creds {
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, nil, fmt.Errorf("ballot: generating credentials: %v", err)
		}
		creds[i] = &Credential{key: ed25519.NewKeyFromSeed(seed)}
		keys[i] = creds[i].PublicKey()
	}
	list, err := NewCredentialList(keys)
	if err != nil {
		// Two equal random keys: crypto/rand is broken.
		return nil, nil, err
	}
	return creds, list, nil
}

// A CredentialList is the published list of the public keys of the voter
// credentials of an election. Its canonical form is sorted by key bytes, so
// its hash does not depend on the order in which the keys were generated or
// handed out. It is immutable and safe for concurrent use.
//
// The zero value is an empty list (an election without remote voting).
type CredentialList struct {
	keys [][ed25519.PublicKeySize]byte // sorted, distinct
	set  map[[ed25519.PublicKeySize]byte]struct{}
}

const credentialListLabel = "sandogh-v1/credential-list"

// NewCredentialList returns the list of the given public keys. Each must
// be 32 bytes; duplicates are an error.
func NewCredentialList(keys []ed25519.PublicKey) (*CredentialList, error) {
	l := &CredentialList{
		keys: make([][ed25519.PublicKeySize]byte, len(keys)),
		set:  make(map[[ed25519.PublicKeySize]byte]struct{}, len(keys)),
	}
	for i, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("ballot: credential %d: public key is %d bytes, want %d", i, len(k), ed25519.PublicKeySize)
		}
		copy(l.keys[i][:], k)
	}
	slices.SortFunc(l.keys, func(a, b [ed25519.PublicKeySize]byte) int { return bytes.Compare(a[:], b[:]) })
	for i, k := range l.keys {
		if i > 0 && k == l.keys[i-1] {
			return nil, fmt.Errorf("ballot: credential list: public key %x appears twice", k)
		}
		l.set[k] = struct{}{}
	}
	return l, nil
}

// Len returns the number of credentials on the list.
func (l *CredentialList) Len() int { return len(l.keys) }

// Contains reports whether pk is on the list.
func (l *CredentialList) Contains(pk ed25519.PublicKey) bool {
	if len(pk) != ed25519.PublicKeySize {
		return false
	}
	_, ok := l.set[[ed25519.PublicKeySize]byte(pk)]
	return ok
}

// Keys returns the public keys in canonical (sorted) order.
func (l *CredentialList) Keys() []ed25519.PublicKey {
	out := make([]ed25519.PublicKey, len(l.keys))
	for i := range l.keys {
		out[i] = bytes.Clone(l.keys[i][:])
	}
	return out
}

// Hash returns SHA-512/256 of the list's canonical encoding
// str("sandogh-v1/credential-list") ‖ u32(n) ‖ the n sorted 32-byte keys.
// It enters the election's base hash.
func (l *CredentialList) Hash() [HashSize]byte {
	var e wire.Writer
	e.Str(credentialListLabel)
	e.U32(uint32(len(l.keys)))
	for i := range l.keys {
		e.Fixed(l.keys[i][:])
	}
	return hashOf(&e)
}

// MarshalJSON encodes the list as a JSON array of lowercase hexadecimal
// public keys, in canonical order.
func (l *CredentialList) MarshalJSON() ([]byte, error) {
	hexKeys := make([]string, len(l.keys))
	for i := range l.keys {
		hexKeys[i] = hex.EncodeToString(l.keys[i][:])
	}
	return json.Marshal(hexKeys)
}

// UnmarshalJSON decodes the form of MarshalJSON. The keys must be in
// canonical order and distinct, so that each list has one JSON form.
func (l *CredentialList) UnmarshalJSON(data []byte) error {
	var hexKeys []string
	if err := strictJSON("credential list", data, &hexKeys); err != nil {
		return err
	}
	keys := make([]ed25519.PublicKey, len(hexKeys))
	for i, h := range hexKeys {
		k, err := decodeHex(fmt.Sprintf("credential %d", i), h, ed25519.PublicKeySize)
		if err != nil {
			return err
		}
		if i > 0 && bytes.Compare(keys[i-1], k) >= 0 {
			return fmt.Errorf("ballot: credential list: credential %d is not after credential %d in canonical order", i, i-1)
		}
		keys[i] = k
	}
	nl, err := NewCredentialList(keys)
	if err != nil {
		return err
	}
	*l = *nl
	return nil
}

// PrivateKey returns the credential's Ed25519 private key, with which the
// voter's software signs ballots (Ballot.Cast, Ballot.Challenge).
func (c *Credential) PrivateKey() ed25519.PrivateKey { return bytes.Clone(c.key) }

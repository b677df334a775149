package ballot

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/internal/prose"
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
// credentials of an election, in a weighted election each with its public
// weight. Its canonical form is sorted by key bytes, so its hash does not
// depend on the order in which the keys were generated or handed out. It is
// immutable and safe for concurrent use.
//
// The zero value is an empty unweighted list (an election without remote
// voting).
type CredentialList struct {
	keys    [][ed25519.PublicKeySize]byte // sorted, distinct
	set     map[[ed25519.PublicKeySize]byte]uint32
	weights []uint32 // weights[i] of keys[i]; nil for an unweighted list
	total   uint64   // the sum of the weights, or the number of keys
}

const (
	credentialListLabel         = "sandogh-v1/credential-list"
	weightedCredentialListLabel = "sandogh-v1/weighted-credential-list"
)

// NewCredentialList returns the unweighted list of the given public keys.
// Each must be 32 bytes; duplicates are an error.
func NewCredentialList(keys []ed25519.PublicKey) (*CredentialList, error) {
	return newCredentialList(keys, nil)
}

// NewWeightedCredentialList returns the list of a weighted election
// (Manifest.MaxWeight ≥ 1): keys[i] with the public weight weights[i],
// each in 1 … MaxVoterWeight (NewElection checks them against the
// manifest's MaxWeight). The slices must have the same length; each key
// must be 32 bytes, and duplicates are an error.
func NewWeightedCredentialList(keys []ed25519.PublicKey, weights []uint32) (*CredentialList, error) {
	if len(weights) != len(keys) {
		return nil, fmt.Errorf("ballot: credential list: %s for %s", prose.Count(len(weights), "weight"), prose.Count(len(keys), "key"))
	}
	if weights == nil {
		weights = []uint32{}
	}
	return newCredentialList(keys, weights)
}

func newCredentialList(keys []ed25519.PublicKey, weights []uint32) (*CredentialList, error) {
	type entry struct {
		key    [ed25519.PublicKeySize]byte
		weight uint32
	}
	es := make([]entry, len(keys))
	for i, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("ballot: credential %d: public key is %d bytes, want %d", i, len(k), ed25519.PublicKeySize)
		}
		copy(es[i].key[:], k)
		es[i].weight = 1
		if weights != nil {
			if weights[i] == 0 {
				return nil, fmt.Errorf("ballot: credential %d (%x): weight is 0; a weight is a positive integer", i, []byte(k))
			}
			es[i].weight = weights[i]
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return bytes.Compare(a.key[:], b.key[:]) })
	l := &CredentialList{
		keys: make([][ed25519.PublicKeySize]byte, len(es)),
		set:  make(map[[ed25519.PublicKeySize]byte]uint32, len(es)),
	}
	if weights != nil {
		l.weights = make([]uint32, len(es))
	}
	for i, e := range es {
		if i > 0 && e.key == es[i-1].key {
			return nil, fmt.Errorf("ballot: credential list: public key %x appears twice", e.key)
		}
		l.keys[i] = e.key
		l.set[e.key] = e.weight
		l.total += uint64(e.weight)
		if l.weights != nil {
			l.weights[i] = e.weight
		}
	}
	return l, nil
}

// Len returns the number of credentials on the list.
func (l *CredentialList) Len() int { return len(l.keys) }

// Contains reports whether pk is on the list.
func (l *CredentialList) Contains(pk ed25519.PublicKey) bool {
	return l.Weight(pk) != 0
}

// Weighted reports whether l is the list of a weighted election, made by
// NewWeightedCredentialList.
func (l *CredentialList) Weighted() bool { return l.weights != nil }

// Weight returns the weight of pk: its weight on a weighted list, 1 if pk
// is on an unweighted list, and 0 if it is not on the list.
func (l *CredentialList) Weight(pk ed25519.PublicKey) uint32 {
	if len(pk) != ed25519.PublicKeySize {
		return 0
	}
	return l.set[[ed25519.PublicKeySize]byte(pk)]
}

// Weights returns the weights in canonical order (that of Keys), or nil for
// an unweighted list.
func (l *CredentialList) Weights() []uint32 { return slices.Clone(l.weights) }

// TotalWeight returns the sum of the weights (the number of keys of an
// unweighted list).
func (l *CredentialList) TotalWeight() uint64 { return l.total }

// Keys returns the public keys in canonical (sorted) order.
func (l *CredentialList) Keys() []ed25519.PublicKey {
	out := make([]ed25519.PublicKey, len(l.keys))
	for i := range l.keys {
		out[i] = bytes.Clone(l.keys[i][:])
	}
	return out
}

// Hash returns SHA-512/256 of the list's canonical encoding, which enters
// the election's base hash: for an unweighted list
//
//	str("sandogh-v1/credential-list") ‖ u32(n) ‖ the n sorted 32-byte keys
//
// and for a weighted one
//
//	str("sandogh-v1/weighted-credential-list") ‖ u32(n) ‖ (key ‖ u32(weight)) for each key, sorted
func (l *CredentialList) Hash() [HashSize]byte {
	var e wire.Writer
	if l.weights == nil {
		e.Str(credentialListLabel)
	} else {
		e.Str(weightedCredentialListLabel)
	}
	e.U32(uint32(len(l.keys)))
	for i := range l.keys {
		e.Fixed(l.keys[i][:])
		if l.weights != nil {
			e.U32(l.weights[i])
		}
	}
	return hashOf(&e)
}

// weightedCredentialJSON is one entry of a weighted list's JSON form.
type weightedCredentialJSON struct {
	Key    string `json:"key"`
	Weight uint32 `json:"weight"`
}

// MarshalJSON encodes the list in canonical order: an unweighted list as a
// JSON array of lowercase hexadecimal public keys, a weighted one as an
// array of {"key": hex, "weight": w}.
func (l *CredentialList) MarshalJSON() ([]byte, error) {
	if l.weights != nil {
		out := make([]weightedCredentialJSON, len(l.keys))
		for i := range l.keys {
			out[i] = weightedCredentialJSON{Key: hex.EncodeToString(l.keys[i][:]), Weight: l.weights[i]}
		}
		return json.Marshal(out)
	}
	hexKeys := make([]string, len(l.keys))
	for i := range l.keys {
		hexKeys[i] = hex.EncodeToString(l.keys[i][:])
	}
	return json.Marshal(hexKeys)
}

// UnmarshalJSON decodes the forms of MarshalJSON: an array of strings
// (unweighted) or of {"key", "weight"} objects (weighted; both members
// required, no other). The keys must be in canonical order and distinct,
// and the weights positive, so that each list has one JSON form. The empty
// array is the empty unweighted list.
func (l *CredentialList) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := strictJSON("credential list", data, &raw); err != nil {
		return err
	}
	weighted := len(raw) > 0 && bytes.HasPrefix(bytes.TrimLeft(raw[0], " \t\r\n"), []byte("{"))
	keys := make([]ed25519.PublicKey, len(raw))
	var weights []uint32
	if weighted {
		weights = make([]uint32, len(raw))
	}
	for i, r := range raw {
		var h string
		if weighted {
			var w weightedCredentialJSON
			if err := strictJSON(fmt.Sprintf("credential list: credential %d", i), r, &w); err != nil {
				return err
			}
			h, weights[i] = w.Key, w.Weight
			if w.Weight == 0 {
				return fmt.Errorf("ballot: credential list: credential %d: field weight: 0; a weight is a positive integer", i)
			}
		} else if err := strictJSON(fmt.Sprintf("credential list: credential %d", i), r, &h); err != nil {
			return fmt.Errorf("ballot: credential list: credential %d: not a hexadecimal key (a list is all keys, or all {\"key\", \"weight\"} objects): %v", i, err)
		}
		k, err := decodeHex(fmt.Sprintf("credential %d", i), h, ed25519.PublicKeySize)
		if err != nil {
			return err
		}
		if i > 0 && bytes.Compare(keys[i-1], k) >= 0 {
			return fmt.Errorf("ballot: credential list: credential %d is not after credential %d in canonical order", i, i-1)
		}
		keys[i] = k
	}
	nl, err := newCredentialList(keys, weights)
	if err != nil {
		return err
	}
	*l = *nl
	return nil
}

// PrivateKey returns the credential's Ed25519 private key, with which the
// voter's software signs ballots (Ballot.Cast, Ballot.Challenge).
func (c *Credential) PrivateKey() ed25519.PrivateKey { return bytes.Clone(c.key) }

package trustee

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/sealed"
)

// A KeyShare is what a trustee keeps after the ceremony: its secret share
// s_j = Σ_{i ∈ QUAL} f_i(j) of the election key and the matching
// verification key K_j = s_j·G. Any t key shares together can decrypt; fewer
// learn nothing about the key.
//
// The zero value is NOT valid: a KeyShare comes from Trustee.Finish or
// OpenKeyShare. A KeyShare is immutable and safe for concurrent use.
type KeyShare struct {
	ceremony []byte
	index    int
	secret   group.Scalar
	vk       group.Element
}

// Index returns j, the trustee's index.
func (k *KeyShare) Index() int { return k.index }

// Ceremony returns the ceremony hash of the roster the share comes from.
func (k *KeyShare) Ceremony() []byte { return bytes.Clone(k.ceremony) }

// VerificationKey returns a copy of K_j = s_j·G.
func (k *KeyShare) VerificationKey() *group.Element { return group.NewElement().Set(&k.vk) }

const keyShareKind = "sandogh trustee key share"

// encode returns ceremony ‖ u32(index) ‖ s_j ‖ K_j.
func (k *KeyShare) encode() []byte {
	b := append(bytes.Clone(k.ceremony), byte(k.index>>24), byte(k.index>>16), byte(k.index>>8), byte(k.index))
	b = append(b, k.secret.Bytes()...)
	return k.vk.AppendBytes(b)
}

func decodeKeyShare(b []byte) (*KeyShare, error) {
	r := &reader{what: "key share", b: b}
	k := &KeyShare{}
	k.ceremony = bytes.Clone(r.take("ceremony", CeremonyHashSize))
	k.index = r.index("index")
	r.scalar("secret", &k.secret)
	r.element("verification_key", &k.vk)
	if err := r.end(); err != nil {
		return nil, err
	}
	if group.NewElement().ScalarBaseMult(&k.secret).Equal(&k.vk) != 1 {
		return nil, errors.New("trustee: key share: the secret does not match the verification key")
	}
	return k, nil
}

// Seal returns the key share encrypted under passphrase (Argon2id and
// XChaCha20-Poly1305; docs/spec.md, "Secret state at rest").
func (k *KeyShare) Seal(passphrase []byte) ([]byte, error) {
	return sealed.SealWithParams(keyShareKind, k.encode(), passphrase, sealParams)
}

// OpenKeyShare decrypts a key share sealed by KeyShare.Seal. A wrong
// passphrase or a modified file gives an error that says so.
func OpenKeyShare(data, passphrase []byte) (*KeyShare, error) {
	pt, err := sealed.Open(keyShareKind, data, passphrase)
	if err != nil {
		return nil, fmt.Errorf("trustee: opening key share: %w", err)
	}
	return decodeKeyShare(pt)
}

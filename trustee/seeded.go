package trustee

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"

	circlhpke "github.com/cloudflare/circl/hpke"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// Deterministic constructors, for tests and reproducible demonstrations
// (a sample election record that anyone can regenerate byte for byte).
// Real trustees use the random constructors, NewIdentity, NewTrustee and
// KeyShare.DecryptSharesUnchecked (through package election): whoever knows a seed knows every secret derived
// from it.

// SeedSize is the length of the seeds of the deterministic constructors.
const SeedSize = 32

// Domain separation strings of the derivations from a seed.
const (
	identitySeedDomain = "sandogh-v1 trustee identity from seed"
	trusteeSeedDomain  = "sandogh-v1 trustee ceremony from seed"
	sharesSeedDomain   = "sandogh-v1 decryption shares from seed"
)

func checkSeed(what string, seed []byte) error {
	if len(seed) != SeedSize {
		return fmt.Errorf("trustee: %s: seed is %d bytes, want %d", what, len(seed), SeedSize)
	}
	return nil
}

// NewIdentityFromSeed returns the identity whose keys derive from the
// 32-byte secret seed: with d = SHA-512(u16(len(D)) ‖ D ‖ seed) for the
// domain D = "sandogh-v1 trustee identity from seed", the Ed25519 seed is
// d[0:32] and the X25519 private key d[32:64].
//
// It is for tests and reproducible demonstrations; real trustees use
// NewIdentity. name is checked as by NewIdentity.
func NewIdentityFromSeed(name string, seed []byte) (*Identity, error) {
	if err := checkSeed("identity", seed); err != nil {
		return nil, err
	}
	d := sha512.Sum512(append(appendLabel(nil, identitySeedDomain), seed...))
	return newIdentity(name, d[:32], d[32:])
}

// NewTrusteeFromSeed is NewTrustee with every secret of the trustee's
// ceremony derived from the 32-byte secret seed, so that its messages are
// the same on every run: its polynomial, its proof nonces, and the
// randomness of the HPKE encryption of its shares. The derivation is bound
// to the roster's ceremony hash and the trustee's index, so one seed gives
// unrelated secrets in two ceremonies:
//
//	root = SHA-512(u16(len(D)) ‖ D ‖ seed ‖ ceremony hash ‖ u32(index))[0:32]
//
// for D = "sandogh-v1 trustee ceremony from seed"; with n =
// proof.NewNonces(root), coefficient a_k is n.Scalar("coefficient", k), the
// proof nonce seed is n.Child("proofs", 0)'s, and the share for trustee j is
// encrypted with the HPKE encapsulation seed of n.Child("share
// encryption", j) (RFC 9180 DeriveKeyPair of the ephemeral key). The
// encrypted shares are made at once and kept in the state, so that Round2
// returns them even after Seal and OpenTrustee.
//
// It is for tests and reproducible demonstrations; real trustees use
// NewTrustee.
func NewTrusteeFromSeed(r *Roster, id *Identity, seed []byte) (*Trustee, error) {
	if err := checkSeed("ceremony state", seed); err != nil {
		return nil, err
	}
	index, err := rosterIndex(r, id)
	if err != nil {
		return nil, err
	}
	in := appendLabel(nil, trusteeSeedDomain)
	in = append(in, seed...)
	in = append(in, r.hash...)
	in = binary.BigEndian.AppendUint32(in, uint32(index))
	d := sha512.Sum512(in)
	n, err := proof.NewNonces(d[:proof.NonceSeedSize])
	if err != nil {
		panic("trustee: internal error: " + err.Error())
	}
	coeffs := make([]*group.Scalar, r.threshold)
	for k := range coeffs {
		coeffs[k] = n.Scalar("coefficient", uint64(k))
	}
	t, err := newTrustee(r, id, coeffs, n.Child("proofs", 0).Seed())
	if err != nil {
		return nil, err
	}
	if t.sent, err = t.makeShares(func(recipientKey, ceremony []byte, dealer, recipient int, share *group.Scalar) ([]byte, error) {
		return encryptShareFromSeed(recipientKey, ceremony, dealer, recipient, share, n.Child("share encryption", uint64(recipient)).Seed())
	}); err != nil {
		return nil, err
	}
	return t, nil
}

// hpkeSuite is the ciphersuite of hpkeKEM, hpkeKDF and hpkeAEAD in
// circl's HPKE, which can derive the ephemeral key from a seed.
var hpkeSuite = circlhpke.NewSuite(circlhpke.KEM_X25519_HKDF_SHA256, circlhpke.KDF_HKDF_SHA256, circlhpke.AEAD_ChaCha20Poly1305)

// encryptShareFromSeed is encryptShare with the ephemeral key derived from
// the 32-byte seed (RFC 9180, DeriveKeyPair). The result is an ordinary
// single-shot HPKE ciphertext enc ‖ ct that decryptShare opens.
func encryptShareFromSeed(recipientKey, ceremony []byte, dealer, recipient int, share *group.Scalar, seed []byte) ([]byte, error) {
	pk, err := circlhpke.KEM_X25519_HKDF_SHA256.Scheme().UnmarshalBinaryPublicKey(recipientKey)
	if err != nil {
		return nil, fmt.Errorf("trustee: encryption key of trustee %d: %v", recipient, err)
	}
	sender, err := hpkeSuite.NewSender(pk, shareInfo(ceremony, dealer, recipient))
	if err != nil {
		return nil, fmt.Errorf("trustee: encrypting the share for trustee %d: %v", recipient, err)
	}
	enc, sealer, err := sender.Setup(fixedReader(seed))
	if err != nil {
		return nil, fmt.Errorf("trustee: encrypting the share for trustee %d: %v", recipient, err)
	}
	ct, err := sealer.Seal(share.Bytes(), nil)
	if err != nil {
		return nil, fmt.Errorf("trustee: encrypting the share for trustee %d: %v", recipient, err)
	}
	out := append(enc, ct...)
	if len(out) != EncryptedShareSize {
		panic("trustee: internal error: unexpected HPKE ciphertext length")
	}
	return out, nil
}

// A fixedReader is an io.Reader that fills a read of at most its length
// with its first bytes, every time: the HPKE sender reads exactly one
// 32-byte encapsulation seed from it.
type fixedReader []byte

func (r fixedReader) Read(p []byte) (int, error) {
	if len(p) > len(r) {
		return 0, errors.New("trustee: internal error: HPKE asked for more than its seed")
	}
	return copy(p, r), nil
}

// DecryptSharesUncheckedFromSeed is DecryptSharesUnchecked with the proof
// nonces derived from the 32-byte secret seed and the whole statement, so
// that the share list is the same on every run:
//
//	root = SHA-512(u16(len(D)) ‖ D ‖ seed ‖ u32(len(baseHash)) ‖ baseHash ‖
//	       u32(j) ‖ K_j ‖ u64(len(cts)) ‖ enc(2·A_1) ‖ … ‖ enc(2·A_n))[0:32]
//
// for D = "sandogh-v1 decryption shares from seed", and the nonce of entry
// i is proof.NewNonces(root).Scalar("decryption share", i) as in
// DecryptSharesUnchecked. Because the nonces depend on every A_i, a seed
// used again for another list of ciphertexts gives unrelated nonces, never
// the same nonce under two challenges (which would reveal s_j).
//
// Like DecryptSharesUnchecked it checks nothing about cts, and a trustee
// tool never calls it directly (package election's VerifiedRecord does).
// It is for tests and reproducible demonstrations; real trustees use
// random nonces.
func (k *KeyShare) DecryptSharesUncheckedFromSeed(baseHash []byte, cts []*elgamal.Ciphertext, seed []byte) (*ShareList, error) {
	if err := checkSeed("decryption shares", seed); err != nil {
		return nil, err
	}
	if err := checkCiphertexts(cts); err != nil {
		return nil, err
	}
	h := sha512.New()
	h.Write(appendLabel(nil, sharesSeedDomain))
	h.Write(seed)
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(baseHash))))
	h.Write(baseHash)
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(k.index)))
	h.Write(k.vk.Bytes())
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(cts))))
	for _, e := range doubleAndEncodeA(cts) {
		h.Write(e[:])
	}
	n, err := proof.NewNonces(h.Sum(nil)[:proof.NonceSeedSize])
	if err != nil {
		panic("trustee: internal error: " + err.Error())
	}
	return k.decryptShares(baseHash, cts, n)
}

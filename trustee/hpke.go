package trustee

import (
	"crypto/ecdh"
	"crypto/hpke"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/sandogh/sandogh/group"
)

// The HPKE ciphersuite of the shares: DHKEM(X25519, HKDF-SHA256),
// HKDF-SHA256 and ChaCha20Poly1305, in base mode (RFC 9180).
var (
	hpkeKEM  = hpke.DHKEM(ecdh.X25519())
	hpkeKDF  = hpke.HKDFSHA256()
	hpkeAEAD = hpke.ChaCha20Poly1305()
)

// EncryptedShareSize is the length of the HPKE ciphertext of a share: the
// 32-byte encapsulated key, the 32-byte sealed scalar and the 16-byte tag.
const EncryptedShareSize = 32 + group.ScalarSize + 16

const shareInfoLabel = "sandogh-v1 trustee share"

// shareInfo is the HPKE info string of the share from dealer to recipient:
//
//	u16(len(label)) ‖ label ‖ ceremony ‖ u32(dealer) ‖ u32(recipient)
func shareInfo(ceremony []byte, dealer, recipient int) []byte {
	b := appendLabel(nil, shareInfoLabel)
	b = append(b, ceremony...)
	b = binary.BigEndian.AppendUint32(b, uint32(dealer))
	return binary.BigEndian.AppendUint32(b, uint32(recipient))
}

// encryptShare seals the 32-byte encoding of share to the recipient's X25519
// key with single-shot HPKE and an empty aad, and returns enc ‖ ciphertext.
func encryptShare(recipientKey, ceremony []byte, dealer, recipient int, share *group.Scalar) ([]byte, error) {
	pk, err := hpkeKEM.NewPublicKey(recipientKey)
	if err != nil {
		return nil, fmt.Errorf("trustee: encryption key of trustee %d: %v", recipient, err)
	}
	ct, err := hpke.Seal(pk, hpkeKDF, hpkeAEAD, shareInfo(ceremony, dealer, recipient), share.Bytes())
	if err != nil {
		return nil, fmt.Errorf("trustee: encrypting the share for trustee %d: %v", recipient, err)
	}
	if len(ct) != EncryptedShareSize {
		panic("trustee: internal error: unexpected HPKE ciphertext length")
	}
	return ct, nil
}

var errShareUndecryptable = errors.New("HPKE decryption failed")

// decryptShare opens an encrypted share and decodes the scalar.
func decryptShare(key hpke.PrivateKey, ceremony []byte, dealer, recipient int, ct []byte) (*group.Scalar, error) {
	pt, err := hpke.Open(key, hpkeKDF, hpkeAEAD, shareInfo(ceremony, dealer, recipient), ct)
	if err != nil {
		return nil, errShareUndecryptable
	}
	s, err := new(group.Scalar).SetCanonicalBytes(pt)
	if err != nil {
		return nil, fmt.Errorf("decrypted share is not a canonical scalar: %v", err)
	}
	return s, nil
}

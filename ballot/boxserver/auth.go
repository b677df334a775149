package boxserver

import (
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/wire"
)

// The headers of a signed request (docs/spec.md §"The ballot box over
// HTTP", "Request signatures").
const (
	headerDevice    = "Sandogh-Device"
	headerPosition  = "Sandogh-Position"
	headerSignature = "Sandogh-Signature"
)

const requestLabel = "sandogh-v1/box-request"

// requestMessage returns the bytes a device signs for a request to path
// whose body is body, at chain position position:
//
//	str("sandogh-v1/box-request") ‖ fixed(base hash) ‖ str(device) ‖ str(path)
//	‖ u64(position) ‖ fixed(SHA-512/256(body))
func requestMessage(baseHash [ballot.HashSize]byte, device, path string, position uint64, body []byte) []byte {
	sum := sha512.Sum512_256(body)
	var w wire.Writer
	w.Str(requestLabel)
	w.Fixed(baseHash[:])
	w.Str(device)
	w.Str(path)
	w.U64(position)
	w.Fixed(sum[:])
	return w.B
}

// signRequest sets the signature headers of r, whose body is body.
func signRequest(r *http.Request, baseHash [ballot.HashSize]byte, device string, key ed25519.PrivateKey, position uint64, body []byte) {
	sig := ed25519.Sign(key, requestMessage(baseHash, device, r.URL.Path, position, body))
	r.Header.Set(headerDevice, device)
	r.Header.Set(headerPosition, strconv.FormatUint(position, 10))
	r.Header.Set(headerSignature, hex.EncodeToString(sig))
}

// An authError is a request whose signature headers are missing, malformed
// or wrong: the server answers 401 and reads nothing else of it.
type authError struct{ msg string }

func (e *authError) Error() string { return "boxserver: " + e.msg }

// verifyRequest checks the signature headers of r against body and the
// registered devices' keys, and returns the device and the position.
func verifyRequest(r *http.Request, e *ballot.Election, body []byte) (string, uint64, error) {
	device := r.Header.Get(headerDevice)
	if device == "" {
		return "", 0, &authError{"header " + headerDevice + " is missing: every request that submits is signed by a registered device"}
	}
	pub, ok := e.DeviceVerifier(device)
	if !ok {
		return "", 0, &authError{fmt.Sprintf("header %s: device %q is not registered in the election", headerDevice, device)}
	}
	position, err := strconv.ParseUint(r.Header.Get(headerPosition), 10, 64)
	if err != nil || strconv.FormatUint(position, 10) != r.Header.Get(headerPosition) {
		return "", 0, &authError{fmt.Sprintf("header %s: %q is not a chain position (a decimal number without sign or leading zeros)", headerPosition, r.Header.Get(headerPosition))}
	}
	h := r.Header.Get(headerSignature)
	sig, err := hex.DecodeString(h)
	if err != nil || len(sig) != ed25519.SignatureSize || hex.EncodeToString(sig) != h {
		return "", 0, &authError{fmt.Sprintf("header %s: not %d bytes in lowercase hexadecimal", headerSignature, ed25519.SignatureSize)}
	}
	// pub is nil for a registered key that is not a point: nothing
	// verifies, as with crypto/ed25519.Verify.
	if pub == nil || !pub.VarTimeVerify(requestMessage(e.BaseHash(), device, r.URL.Path, position, body), sig) {
		return "", 0, &authError{fmt.Sprintf("header %s: not device %q's signature of this request", headerSignature, device)}
	}
	return device, position, nil
}

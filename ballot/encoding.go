package ballot

import (
	"crypto/sha512"
	"encoding/hex"
	"fmt"

	"github.com/sandogh/sandogh/internal/wire"
)

// The canonical binary encodings of this package are built from a few
// primitives, all big-endian (docs/spec.md §Ballots, "Encoding
// primitives"), written by wire.Writer and read by wire.Reader:
//
//	u8, u32, u64     fixed-width unsigned integers
//	str(s), bytes(b) u32(len) ‖ the bytes
//	fixed(b)         the bytes themselves, for fields of fixed length
//
// Every encoding starts with str(label), a label unique to the object, so
// that no two kinds of object share an encoding.

// HashSize is the length of the hashes of this package: manifest hash, base
// hash, credential list hash and confirmation codes (SHA-512/256).
const HashSize = 32

// A hexHash is a hash of this package (a manifest hash, a base hash) in
// the JSON forms: exactly 64 lowercase hexadecimal characters.
type hexHash [HashSize]byte

func (h hexHash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText encodes h as 64 lowercase hexadecimal characters.
func (h hexHash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes exactly 64 lowercase hexadecimal characters.
func (h *hexHash) UnmarshalText(text []byte) error {
	b, err := decodeHex("hash", string(text), HashSize)
	if err != nil {
		return err
	}
	copy(h[:], b)
	return nil
}

// hashOf is H(x) = SHA-512/256(x) of what w has written.
func hashOf(w *wire.Writer) [HashSize]byte { return sha512.Sum512_256(w.B) }

// newReader returns a reader of the encoding of the object what ("ballot"),
// whose errors read "ballot: <what> encoding: offset …: field …: …".
func newReader(what string, data []byte) *wire.Reader {
	return &wire.Reader{Prefix: "ballot: " + what + " encoding", B: data}
}

// decodeHex decodes exactly size bytes of lowercase hexadecimal text, so
// that every value has one text form. field names the value in errors.
func decodeHex(field string, text string, size int) ([]byte, error) {
	b, err := wire.DecodeHex(field, text, size)
	if err != nil {
		return nil, fmt.Errorf("ballot: %v", err)
	}
	return b, nil
}

// decodeHexAny decodes lowercase hexadecimal text of any even length.
func decodeHexAny(field string, text string) ([]byte, error) {
	b, err := wire.DecodeHexAny(field, text)
	if err != nil {
		return nil, fmt.Errorf("ballot: %v", err)
	}
	return b, nil
}

// strictJSON decodes one JSON value from data into v, rejecting unknown
// fields and anything after the value.
func strictJSON(what string, data []byte, v any) error {
	if err := wire.StrictJSON(data, v); err != nil {
		return fmt.Errorf("ballot: %s JSON: %v", what, err)
	}
	return nil
}

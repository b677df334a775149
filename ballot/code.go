package ballot

import (
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// A Code is a confirmation code: the SHA-512/256 hash of a ballot's
// canonical body (docs/spec.md §Ballots, "Confirmation code"), or
// of a device-opening record. A device ballot's body includes the code of
// the device's previous ballot, so that codes form a chain. The voter keeps
// the code (or its Short form) and later finds it in the published record.
type Code [HashSize]byte

// String returns the code as 64 lowercase hexadecimal characters, its form
// in the record.
func (c Code) String() string { return hex.EncodeToString(c[:]) }

// shortBytes is how many leading bytes of a code the short form shows:
// 80 bits, 16 base32 characters.
const shortBytes = 10

// Short returns the form shown to voters: the first 10 bytes of the code in
// RFC 4648 base32 (no padding), as four groups of four characters, for
// example "KZ3Q-7MWA-PBXT-2D4E". It identifies a ballot among up to billions
// with negligible chance of a collision between honest ballots; to check a
// ballot against the record, compare the full code.
func (c Code) Short() string {
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(c[:shortBytes])
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// MatchesShort reports whether short is the Short form of c. It ignores
// case, spaces and dashes, so that a voter may type it loosely.
func (c Code) MatchesShort(short string) bool {
	clean := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(short))
	want := strings.ReplaceAll(c.Short(), "-", "")
	return clean == want
}

// MarshalText encodes c as 64 lowercase hexadecimal characters.
func (c Code) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes exactly 64 lowercase hexadecimal characters.
func (c *Code) UnmarshalText(text []byte) error {
	b, err := decodeHex("code", string(text), HashSize)
	if err != nil {
		return err
	}
	copy(c[:], b)
	return nil
}

// ParseCode decodes the 64-character hexadecimal form of a code.
func ParseCode(s string) (Code, error) {
	var c Code
	if err := c.UnmarshalText([]byte(s)); err != nil {
		return Code{}, err
	}
	return c, nil
}

package ballot

import (
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// A ConfirmationCode is the SHA-512/256 hash of a ballot's canonical body
// (docs/spec.md §Ballots, "Confirmation code"), or of a device-opening
// record. A device ballot's body includes the confirmation code of the
// device's previous ballot, so that confirmation codes form a chain. The
// voter keeps the confirmation code (or its Short form) and later finds it
// in the published record. It is not a candidate's code (Candidate.Code).
type ConfirmationCode [HashSize]byte

// String returns the confirmation code as 64 lowercase hexadecimal
// characters, its form in the record.
func (c ConfirmationCode) String() string { return hex.EncodeToString(c[:]) }

// shortBytes is how many leading bytes of a confirmation code the short
// form shows: 80 bits, 16 base32 characters.
const shortBytes = 10

// Short returns the form shown to voters: the first 10 bytes of the
// confirmation code in RFC 4648 base32 (no padding), as four groups of four
// characters, for example "KZ3Q-7MWA-PBXT-2D4E". It identifies a ballot
// among up to billions with negligible chance of a collision between honest
// ballots; to check a ballot against the record, compare the full
// confirmation code.
func (c ConfirmationCode) Short() string {
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(c[:shortBytes])
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// MatchesShort reports whether short is the Short form of c. It ignores
// case, spaces and dashes, so that a voter may type it loosely.
func (c ConfirmationCode) MatchesShort(short string) bool {
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
func (c ConfirmationCode) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes exactly 64 lowercase hexadecimal characters.
func (c *ConfirmationCode) UnmarshalText(text []byte) error {
	b, err := decodeHex("confirmation code", string(text), HashSize)
	if err != nil {
		return err
	}
	copy(c[:], b)
	return nil
}

// ParseConfirmationCode decodes the 64-character hexadecimal form of a
// confirmation code.
func ParseConfirmationCode(s string) (ConfirmationCode, error) {
	var c ConfirmationCode
	if err := c.UnmarshalText([]byte(s)); err != nil {
		return ConfirmationCode{}, err
	}
	return c, nil
}

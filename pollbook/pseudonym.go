package pollbook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/internal/wire"
)

// PseudonymSize is the length of a Pseudonym in bytes.
const PseudonymSize = sha256.Size

// KeySize is the length of a pseudonym key in bytes.
const KeySize = 32

// pseudonymLabel is the domain separation tag of the pseudonym's HMAC input.
const pseudonymLabel = "sandogh-v1/pollbook-pseudonym"

// A Pseudonym is the keyed pseudonym of a voter's national identifier in
// one election (docs/spec.md §The poll book, "Pseudonyms"):
//
//	HMAC-SHA-256(key, str("sandogh-v1/pollbook-pseudonym") ‖ str(election identifier) ‖ str(normalized identifier))
//
// Without the key, a pseudonym says nothing about the identifier; with it,
// anyone can test a guessed identifier, and national identifiers are few
// enough (10⁹ valid ones) to be enumerated.
type Pseudonym [PseudonymSize]byte

// String returns the pseudonym in lowercase hexadecimal.
func (p Pseudonym) String() string { return hex.EncodeToString(p[:]) }

// MarshalText returns the lowercase hexadecimal of p.
func (p Pseudonym) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText decodes exactly 64 lowercase hexadecimal characters.
func (p *Pseudonym) UnmarshalText(text []byte) error {
	b, err := wire.DecodeHex("pseudonym", string(text), PseudonymSize)
	if err != nil {
		return fmt.Errorf("pollbook: %v", err)
	}
	copy(p[:], b)
	return nil
}

// A Key computes the pseudonyms of one election's voters. It holds the
// election authority's secret HMAC key, which is never published: whoever
// holds it can compute the pseudonym of any national identifier, and so
// re-identify every pseudonym of the list and of the marks by trying all
// identifiers (docs/spec.md §The poll book, "Who holds the key"). The zero value is
// not valid; use NewKey.
type Key struct {
	key        [KeySize]byte
	electionID string
}

// NewKey returns the Key of the election with identifier electionID (the
// manifest's ElectionID) from the authority's 32-byte secret, which should
// come from crypto/rand. The secret is copied.
func NewKey(secret []byte, electionID string) (*Key, error) {
	if len(secret) != KeySize {
		return nil, fmt.Errorf("pollbook: pseudonym key is %d bytes, want %d", len(secret), KeySize)
	}
	if electionID == "" {
		return nil, fmt.Errorf("pollbook: pseudonym key: empty election identifier")
	}
	if err := safetext.CheckIdentifier(electionID); err != nil {
		return nil, fmt.Errorf("pollbook: pseudonym key: election identifier %q: %v", electionID, err)
	}
	return &Key{key: [KeySize]byte(secret), electionID: electionID}, nil
}

// ElectionID returns the identifier of the election whose pseudonyms k
// computes.
func (k *Key) ElectionID() string { return k.electionID }

// Pseudonym normalizes nationalID (NormalizeNationalID) and returns its
// pseudonym. The error, for an identifier that is not a valid national
// identifier, names what is wrong with it.
func (k *Key) Pseudonym(nationalID string) (Pseudonym, error) {
	n, err := NormalizeNationalID(nationalID)
	if err != nil {
		return Pseudonym{}, err
	}
	return k.pseudonym(n), nil
}

// pseudonym returns the pseudonym of a normalized identifier.
func (k *Key) pseudonym(normalized string) Pseudonym {
	var w wire.Writer
	w.Str(pseudonymLabel)
	w.Str(k.electionID)
	w.Str(normalized)
	m := hmac.New(sha256.New, k.key[:])
	m.Write(w.B)
	return Pseudonym(m.Sum(nil))
}

// NationalIDLength is the number of digits of a normalized national
// identifier.
const NationalIDLength = 10

// NormalizeNationalID returns the normalized form of an Iranian national
// identifier (code-e melli) as people type or print it: the ten ASCII
// digits, the last of which is the check digit (docs/spec.md (§The poll book),
// "Normalization").
//
// Digits may be ASCII, Persian (U+06F0 … U+06F9) or Arabic-Indic (U+0660 …
// U+0669), mixed; spaces and hyphens (U+0020, U+002D) between them are
// ignored. Anything else is refused, as is a number of digits other than
// ten (leading zeros are part of the identifier and are never added) and a
// check digit that does not match: with weights 10, 9, …, 2 on the first
// nine digits, r = Σ dᵢ·wᵢ mod 11, the check digit is r if r < 2 and
// 11 − r otherwise. The check catches a single mistyped digit or a swap
// of two neighbouring digits unless it moves r between 1 and 10 (both
// give the check digit 1): most typing errors are refused rather than
// mark another voter, not all.
func NormalizeNationalID(s string) (string, error) {
	var d [NationalIDLength]byte
	n := 0
	for i, r := range s {
		var v rune
		switch {
		case '0' <= r && r <= '9':
			v = r - '0'
		case '۰' <= r && r <= '۹':
			v = r - '۰'
		case '٠' <= r && r <= '٩':
			v = r - '٠'
		case r == ' ' || r == '-':
			continue
		default:
			return "", fmt.Errorf("pollbook: national identifier: character %s at byte %d is not a digit", safetext.Escape(string(r)), i)
		}
		if n == NationalIDLength {
			return "", fmt.Errorf("pollbook: national identifier: more than %d digits", NationalIDLength)
		}
		d[n] = byte('0' + v)
		n++
	}
	if n != NationalIDLength {
		return "", fmt.Errorf("pollbook: national identifier: %d digits, want %d", n, NationalIDLength)
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (10 - i)
	}
	check := sum % 11
	if check >= 2 {
		check = 11 - check
	}
	if int(d[9]-'0') != check {
		return "", fmt.Errorf("pollbook: national identifier: check digit %c does not match the other nine digits (a digit is mistyped)", d[9])
	}
	return string(d[:]), nil
}

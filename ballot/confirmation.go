package ballot

import (
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/runenames"

	"github.com/sandogh/sandogh/internal/digits"
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

// shortChars is the number of base32 characters of a short code.
const shortChars = 16

// shortEncoding is RFC 4648 base32 without padding.
var shortEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Short returns the form shown to voters: the first 10 bytes of the
// confirmation code in RFC 4648 base32 (no padding), as four groups of four
// characters, for example "KZ3Q-7MWA-PBXT-2D4E". It identifies a ballot
// among up to billions with negligible chance of a collision between honest
// ballots; to check a ballot against the record, compare the full
// confirmation code.
func (c ConfirmationCode) Short() string {
	return ShortCode(c[:shortBytes]).String()
}

// MatchesShort reports whether short is the Short form of c, as a voter
// may type it: ParseShortCode reads it (any letter case, Persian or
// Arabic-Indic digits, any separators).
func (c ConfirmationCode) MatchesShort(short string) bool {
	s, err := ParseShortCode(short)
	return err == nil && s.Matches(c)
}

// A ShortCode is the short form of a confirmation code: its first 10 bytes
// (80 bits), which voters are shown as 16 base32 characters in four groups
// (ConfirmationCode.Short). ParseShortCode reads one as a voter types it.
type ShortCode [shortBytes]byte

// String returns s as voters are shown it: four groups of four characters
// joined by dashes, for example "KZ3Q-7MWA-PBXT-2D4E".
func (s ShortCode) String() string {
	e := shortEncoding.EncodeToString(s[:])
	return e[0:4] + "-" + e[4:8] + "-" + e[8:12] + "-" + e[12:16]
}

// Matches reports whether s is the short form of c, that is whether c
// begins with s's 10 bytes.
func (s ShortCode) Matches(c ConfirmationCode) bool {
	return ShortCode(c[:shortBytes]) == s
}

// ParseShortCode reads a short confirmation code as a voter may type it
// (docs/spec.md §Ballots, "Confirmation code"): the 16 letters and digits
// of the base32 alphabet, A–Z and 2–7, in any letter case, with the
// digits in ASCII, Persian (U+06F0–U+06F9) or Arabic-Indic (U+0660–U+0669)
// form, and between them any separators: white space, punctuation (dashes,
// and Persian and Arabic punctuation such as U+060C ARABIC COMMA),
// symbols, invisible format characters (the zero-width non-joiner and the
// bidirectional marks that right-to-left text carries) and U+0640 ARABIC
// TATWEEL. It refuses any other character (the digits 0, 1, 8 and 9,
// which the alphabet does not use; a letter of another script, such as a
// Cyrillic К that looks like K; a combining mark; a control character;
// invalid UTF-8), and a code of more or fewer than 16 letters and digits,
// with an error that names the character, its position, its code point and
// its Unicode name.
func ParseShortCode(s string) (ShortCode, error) {
	clean := make([]byte, 0, shortChars)
	pos := 0
	for i, r := range s {
		pos++
		refuse := func(reason string) (ShortCode, error) {
			return ShortCode{}, &shortCodeError{Input: s, Position: pos, Offset: i, Rune: r, Reason: reason}
		}
		d := digits.ASCII(string(r))
		switch {
		case 'a' <= r && r <= 'z':
			clean = append(clean, byte(r-'a'+'A'))
		case 'A' <= r && r <= 'Z':
			clean = append(clean, byte(r))
		case len(d) == 1 && '2' <= d[0] && d[0] <= '7':
			clean = append(clean, d[0])
		case len(d) == 1 && '0' <= d[0] && d[0] <= '9':
			return refuse("the digit " + d + ", which short codes do not use (their digits are 2 to 7" + digitHints[d[0]] + ")")
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return refuse("not valid UTF-8")
		case isShortCodeSeparator(r):
		case unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r):
			return refuse("not a letter A–Z, a digit 2–7 or a separator (the code's letters are Latin: type them with the keyboard set to English)")
		default:
			return refuse("not a letter A–Z, a digit 2–7 or a separator")
		}
	}
	if len(clean) != shortChars {
		return ShortCode{}, &shortCodeError{Input: s, Position: -1, Offset: -1,
			Reason: fmt.Sprintf("%d letters and digits, but a short code has 16 (four groups of four)", len(clean))}
	}
	var sc ShortCode
	if _, err := shortEncoding.Decode(sc[:], clean); err != nil {
		panic("ballot: 16 base32 characters do not decode: " + err.Error()) // unreachable
	}
	return sc, nil
}

// digitHints name the letter that a digit the alphabet does not use is
// most often mistaken for.
var digitHints = map[byte]string{
	'0': "; 0 may be the letter O",
	'1': "; 1 may be the letter I or L",
	'8': "; 8 may be the letter B",
}

// isShortCodeSeparator reports whether r may stand between the characters
// of a short code (ParseShortCode).
func isShortCodeSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.Is(unicode.Cf, r) || r == '\u0640'
}

// A shortCodeError says why ParseShortCode refused its input.
type shortCodeError struct {
	// Input is the text given to ParseShortCode.
	Input string
	// Position is the place of the refused character in Input, counted in
	// characters from 1, and Offset its byte offset; both are −1 when the
	// code is refused for its length.
	Position, Offset int
	// Rune is the refused character (utf8.RuneError for invalid UTF-8).
	Rune rune
	// Reason says what is wrong.
	Reason string
}

// maxQuoted is the most bytes of the input that an error quotes.
const maxQuoted = 100

// Error returns the refusal as one line, with the input and the character
// quoted (invisible and control characters escaped), the character's code
// point and Unicode name, for example
//
//	ballot: short confirmation code "KZ3Q-8MWA": character 6, '8' (U+0038 DIGIT EIGHT), is the digit 8, which short codes do not use (their digits are 2 to 7; 8 may be the letter B)
func (e *shortCodeError) Error() string {
	in := e.Input
	cut := ""
	if len(in) > maxQuoted {
		n := maxQuoted
		for n > 0 && !utf8.RuneStart(in[n]) {
			n--
		}
		in, cut = in[:n], "…"
	}
	head := fmt.Sprintf("ballot: short confirmation code %q%s", in, cut)
	switch {
	case e.Position < 0:
		return fmt.Sprintf("%s: %s", head, e.Reason)
	case e.Rune == utf8.RuneError:
		return fmt.Sprintf("%s: byte %d (character %d), %q, is %s", head, e.Offset+1, e.Position, e.Input[e.Offset:e.Offset+1], e.Reason)
	}
	name := runenames.Name(e.Rune)
	if name == "" {
		name = "unnamed"
	}
	return fmt.Sprintf("%s: character %d, %s (U+%04X %s), is %s", head, e.Position, strconv.QuoteRune(e.Rune), e.Rune, name, e.Reason)
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

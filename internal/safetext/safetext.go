package safetext

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// UnicodeVersion is the version of Unicode whose normalization tables
// decide Form C.
const UnicodeVersion = norm.Version

// bidiNames names the bidirectional formatting characters (Unicode
// Standard Annex #9, Table 1 and section 2).
var bidiNames = map[rune]string{
	0x061C: "ARABIC LETTER MARK",
	0x200E: "LEFT-TO-RIGHT MARK",
	0x200F: "RIGHT-TO-LEFT MARK",
	0x202A: "LEFT-TO-RIGHT EMBEDDING",
	0x202B: "RIGHT-TO-LEFT EMBEDDING",
	0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE",
	0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2066: "LEFT-TO-RIGHT ISOLATE",
	0x2067: "RIGHT-TO-LEFT ISOLATE",
	0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE",
}

// IsBidiControl reports whether r is one of the twelve bidirectional
// formatting characters: U+061C, U+200E, U+200F, U+202A–U+202E and
// U+2066–U+2069.
func IsBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// IsControl reports whether r is a control character (C0 U+0000–U+001F,
// DEL U+007F, C1 U+0080–U+009F) or a line or paragraph separator (U+2028,
// U+2029): characters that break or rewrite a line of text.
func IsControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029
}

// An Error says which character of a text breaks a rule, and where.
type Error struct {
	// Offset is the byte offset of the character in the text.
	Offset int
	// Rune is the character (utf8.RuneError for invalid UTF-8 or for
	// text that is not in Form C).
	Rune rune
	// Reason says what is wrong.
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("byte %d: %s", e.Offset, e.Reason)
}

func describe(r rune) string {
	if name, ok := bidiNames[r]; ok {
		return fmt.Sprintf("U+%04X (%s), a bidirectional formatting character", r, name)
	}
	switch r {
	case 0x2028:
		return "U+2028 (LINE SEPARATOR)"
	case 0x2029:
		return "U+2029 (PARAGRAPH SEPARATOR)"
	}
	return fmt.Sprintf("U+%04X, a control character", r)
}

// CheckIdentifier checks that s is valid UTF-8 in Normalization Form C
// with no control character, no line or paragraph separator and no
// bidirectional formatting character. It does not check the length.
func CheckIdentifier(s string) error {
	return check(s, false)
}

// CheckName checks that s is valid UTF-8 in Normalization Form C with no
// control character and no line or paragraph separator, whose only
// bidirectional formatting characters are marks (U+061C, U+200E, U+200F)
// and isolates (U+2066, U+2067, U+2068 each closed by a later U+2069, and
// no U+2069 that closes nothing). It does not check the length.
func CheckName(s string) error {
	return check(s, true)
}

func check(s string, name bool) error {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return &Error{Offset: i, Rune: rune(c), Reason: "character " + describe(rune(c))}
		} else if c >= 0x80 {
			ascii = false
		}
	}
	if ascii {
		return nil // printable ASCII is in Form C
	}
	var open []int // offsets of the isolates not yet closed
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			return &Error{Offset: i, Rune: r, Reason: "not valid UTF-8"}
		case IsControl(r):
			return &Error{Offset: i, Rune: r, Reason: "character " + describe(r)}
		case !IsBidiControl(r):
		case !name:
			return &Error{Offset: i, Rune: r, Reason: "character " + describe(r) + ", which identifiers may not hold"}
		case r == 0x061C || r == 0x200E || r == 0x200F:
		case r >= 0x2066 && r <= 0x2068:
			open = append(open, i)
		case r == 0x2069:
			if len(open) == 0 {
				return &Error{Offset: i, Rune: r, Reason: "character " + describe(r) + " that closes no isolate"}
			}
			open = open[:len(open)-1]
		default:
			return &Error{Offset: i, Rune: r, Reason: "character " + describe(r) + " (embeddings and overrides are refused; use an isolate)"}
		}
	}
	if len(open) > 0 {
		i := open[len(open)-1]
		r, _ := utf8.DecodeRuneInString(s[i:])
		return &Error{Offset: i, Rune: r, Reason: "character " + describe(r) + " that no U+2069 (POP DIRECTIONAL ISOLATE) closes"}
	}
	if n, err := norm.NFC.SpanString(s, true); err != nil || n != len(s) {
		return &Error{Offset: n, Rune: utf8.RuneError, Reason: "not in Unicode Normalization Form C (NFC)"}
	}
	return nil
}

// validAt reports whether s holds a valid encoding of U+FFFD at i.
func validAt(s string, i int) bool {
	return len(s) >= i+3 && s[i:i+3] == "\uFFFD"
}

// Escape returns s with every character that is not printable
// (strconv.IsPrint) written as \u or \U followed by its hexadecimal code
// point, and every byte that is not UTF-8 as \x and two hexadecimal digits;
// printable characters, backslashes included, are kept. The result holds
// no control, bidirectional or other invisible formatting character, so it
// cannot reorder or break the text it is printed in. It is meant for
// messages that embed untrusted text; for a whole value, use %q (or
// strconv.Quote), which also escapes quotes and backslashes.
func Escape(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !strconv.IsPrint(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = fmt.Appendf(b, `\x%02x`, s[i])
		case r == utf8.RuneError || !strconv.IsPrint(r):
			b = appendRuneEscape(b, r)
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

func appendRuneEscape(b []byte, r rune) []byte {
	if r < 0x10000 {
		return fmt.Appendf(b, `\u%04x`, r)
	}
	return fmt.Appendf(b, `\U%08x`, r)
}

// EscapeJSON returns the JSON text data with every character that is not
// printable written as a JSON escape (\uXXXX, with a surrogate pair above
// U+FFFF). The JSON value is unchanged; only its text differs, so that a
// person who prints it sees no control or bidirectional character. data
// must be valid JSON in UTF-8 (as encoding/json writes it, where such
// characters can only occur inside strings).
func EscapeJSON(data []byte) []byte {
	clean := true
	for _, r := range string(data) {
		if r >= 0x80 && !strconv.IsPrint(r) {
			clean = false
			break
		}
	}
	if clean {
		return data
	}
	b := make([]byte, 0, len(data)+16)
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		switch {
		case r < 0x80 || strconv.IsPrint(r) && r != utf8.RuneError:
			b = append(b, data[i:i+n]...)
		case r == utf8.RuneError && n == 1:
			b = append(b, `\ufffd`...) // not UTF-8: encoding/json would have replaced it too
		case r >= 0x10000:
			r -= 0x10000
			b = fmt.Appendf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			b = fmt.Appendf(b, `\u%04x`, r)
		}
		i += n
	}
	return b
}

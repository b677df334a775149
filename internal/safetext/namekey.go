package safetext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NameKey returns the form in which two names are compared
// (docs/spec.md, Ballots, "Manifest", "Names voters cannot tell apart"):
// two names with the same key are taken to be the same name,
// since a voter reading them could not tell them apart or would read them
// as the same. The key is s
//
//  1. in Unicode Normalization Form C;
//  2. with the Arabic forms of yeh, U+064A (ي) and U+0649 (ى, alef
//     maksura), replaced by the Persian yeh U+06CC (ی); the Arabic kaf
//     U+0643 (ك) by the Persian keheh U+06A9 (ک); U+06C0 (ۀ, heh with yeh
//     above) by U+0647 U+0654 (ه and hamza above), the other encoding of
//     the same Persian letter; and every Persian (U+06F0–U+06F9) and
//     Arabic-Indic (U+0660–U+0669) digit by its ASCII digit;
//  3. without the characters that show nothing: the bidirectional marks
//     and isolates that names may hold (U+061C, U+200E, U+200F,
//     U+2066–U+2069), U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER, U+FEFF
//     ZERO WIDTH NO-BREAK SPACE, U+00AD SOFT HYPHEN, and U+0640 ARABIC
//     TATWEEL, which only stretches a joined letter;
//  4. with every run of white space replaced by one U+0020 SPACE, and none
//     at either end;
//  5. in Form C again (removing a character may bring a letter and a
//     combining mark together).
//
// The zero-width non-joiner and joiner (U+200C, U+200D) are kept: they
// change how Persian letters join, which a reader sees. Letter case,
// Arabic diacritics and other letters of similar shape are not folded.
func NameKey(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == 'ي' || r == 'ى':
			r = 'ی'
		case r == 'ك':
			r = 'ک'
		case r == 'ۀ':
			writeSpace(&b, &space)
			b.WriteString("\u0647\u0654")
			continue
		case '۰' <= r && r <= '۹':
			r = r - '۰' + '0'
		case '٠' <= r && r <= '٩':
			r = r - '٠' + '0'
		case isInvisible(r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		writeSpace(&b, &space)
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// writeSpace writes the space that stands for a run of white space before
// the next character, if there was one.
func writeSpace(b *strings.Builder, pending *bool) {
	if *pending {
		b.WriteByte(' ')
		*pending = false
	}
}

// isInvisible reports whether NameKey drops r: a character that shows
// nothing.
func isInvisible(r rune) bool {
	switch r {
	case 0x061C, 0x200E, 0x200F, 0x2066, 0x2067, 0x2068, 0x2069,
		0x200B, 0x2060, 0xFEFF, 0x00AD, 0x0640:
		return true
	}
	return false
}

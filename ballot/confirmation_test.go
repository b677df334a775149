package ballot

import (
	"encoding/base32"
	"strings"
	"testing"
)

// shortTestCode returns a confirmation code whose short form is short
// (made with the standard library's base32 alone, so that the tests of
// MatchesShort also run on its old version).
func shortTestCode(t *testing.T, short string) ConfirmationCode {
	t.Helper()
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ReplaceAll(short, "-", ""))
	if err != nil || len(b) != 10 {
		t.Fatalf("%s: %v", short, err)
	}
	var c ConfirmationCode
	copy(c[:], b)
	for i := 10; i < len(c); i++ {
		c[i] = byte(i)
	}
	if c.Short() != short {
		t.Fatalf("Short = %q, want %q", c.Short(), short)
	}
	return c
}

// TestMatchesShortAsTyped: a short code matches as voters type it, with
// Persian or Arabic-Indic digits, in any case, with any separators (the
// old MatchesShort took only ASCII, spaces and dashes, and refused "۷").
func TestMatchesShortAsTyped(t *testing.T) {
	const short = "KZ3Q-7MWA-PBXT-2D4E"
	c := shortTestCode(t, short)
	for _, typed := range []string{
		short,
		"kz3q7mwapbxt2d4e",
		"KZ3Q 7MWA PBXT 2D4E",
		"KZ۳Q-۷MWA-PBXT-۲D۴E",                   // Persian digits
		"KZ٣Q-٧MWA-PBXT-٢D٤E",                   // Arabic-Indic digits
		"kz۳q ۷mwa\u00a0pbxt\t۲d۴e",             // no-break space and a tab
		"KZ3Q–7MWA—PBXT‐2D4E",                   // en dash, em dash, hyphen
		"KZ3Q،7MWA؛PBXT٫2D4E.",                  // Arabic comma, semicolon, decimal separator, a full stop
		"\u200fKZ3Q-7MWA\u200c-PBXT-2D4E\u200e", // bidirectional marks and ZWNJ
		"KZ3Q_7MWA/PBXT+2D4E",                   // underscore, slash, plus
		"KZ3Q\u06407MWA-PBXT-2D4E",              // tatweel
		"  KZ3Q - 7MWA - PBXT - 2D4E  ",
	} {
		if !c.MatchesShort(typed) {
			t.Errorf("MatchesShort(%q) = false", typed)
		}
	}
	other := c
	other[9] ^= 0x10
	if other.MatchesShort(short) {
		t.Error("another code matches")
	}
}

// TestParseShortCodeRefused: every character that is neither in the
// alphabet nor a separator is refused by name and place, and so is a code
// of the wrong length; MatchesShort is then false.
func TestParseShortCodeRefused(t *testing.T) {
	c := shortTestCode(t, "KZ3Q-7MWA-PBXT-2D4E")
	for _, tc := range []struct{ in, want string }{
		{"KZ3Q-8MWA-PBXT-2D4E", `character 6, '8' (U+0038 DIGIT EIGHT), is the digit 8, which short codes do not use (their digits are 2 to 7; 8 may be the letter B)`},
		{"KZ3Q-7MWA-PBXT-2D4۰", `character 19, '۰' (U+06F0 EXTENDED ARABIC-INDIC DIGIT ZERO), is the digit 0, which short codes do not use (their digits are 2 to 7; 0 may be the letter O)`},
		{"K1", `character 2, '1' (U+0031 DIGIT ONE), is the digit 1`},
		{"٩", `character 1, '٩' (U+0669 ARABIC-INDIC DIGIT NINE), is the digit 9, which short codes do not use (their digits are 2 to 7)`},
		{"\u041aZ3Q-7MWA-PBXT-2D4E", `character 1, 'К' (U+041A CYRILLIC CAPITAL LETTER KA), is not a letter A–Z, a digit 2–7 or a separator`},
		{"KZ3Q-7MWA-PBXT-2D4ک", `character 19, 'ک' (U+06A9 ARABIC LETTER KEHEH), is not a letter A–Z, a digit 2–7 or a separator (the code's letters are Latin: type them with the keyboard set to English)`},
		{"KZ3Q-7MWA-PBXT-2D4E\x00", `character 20, '\x00' (U+0000 <control>), is not a letter`},
		{"KZ3Q-7MWA-PBXT-2D4\u0301E", `character 19, '́' (U+0301 COMBINING ACUTE ACCENT)`},
		{"KZ3Q\xff", `byte 5 (character 5), "\xff", is not valid UTF-8`},
		{"KZ3Q-7MWA-PBXT-2D4", `"KZ3Q-7MWA-PBXT-2D4": 15 letters and digits, but a short code has 16 (four groups of four)`},
		{"KZ3Q-7MWA-PBXT-2D4EE", `17 letters and digits`},
		{"", `0 letters and digits`},
		{"- - -", `0 letters and digits`},
		{strings.Repeat("A", 200), `"` + strings.Repeat("A", 100) + `"…: 200 letters and digits`},
	} {
		_, err := ParseShortCode(tc.in)
		if err == nil {
			t.Errorf("ParseShortCode(%q) accepted", tc.in)
			continue
		}
		if !strings.HasPrefix(err.Error(), "ballot: short confirmation code ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseShortCode(%q):\n%v\nwant it to contain\n%s", tc.in, err, tc.want)
		}
		if c.MatchesShort(tc.in) {
			t.Errorf("MatchesShort(%q) = true", tc.in)
		}
	}
}

// TestShortCodeRoundTrip: String and ParseShortCode are inverse, and
// Matches looks at the first 10 bytes only.
func TestShortCodeRoundTrip(t *testing.T) {
	var c ConfirmationCode
	for k := 0; k < 200; k++ {
		for i := range c {
			c[i] = byte(k*31 + i*7)
		}
		s, err := ParseShortCode(c.Short())
		if err != nil {
			t.Fatal(err)
		}
		if s.String() != c.Short() || !s.Matches(c) {
			t.Fatalf("%x: %s, %s", c, s, c.Short())
		}
	}
}

func FuzzParseShortCode(f *testing.F) {
	f.Add("KZ3Q-7MWA-PBXT-2D4E")
	f.Add("kz۳q ۷mwa pbxt ۲d۴e")
	f.Add("KZ3Q-8MWA\xff")
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := ParseShortCode(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "ballot: short confirmation code ") {
				t.Fatalf("error %q", err)
			}
			return
		}
		back, err := ParseShortCode(sc.String())
		if err != nil || back != sc {
			t.Fatalf("%q: %s does not parse back: %v", s, sc, err)
		}
	})
}

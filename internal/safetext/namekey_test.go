package safetext

import "testing"

func TestNameKey(t *testing.T) {
	same := [][2]string{
		{"علی", "علي"},                     // Persian and Arabic yeh
		{"مصطفی", "مصطفى"},                 // alef maksura
		{"کریم", "كريم"},                   // keheh and Arabic kaf, and yeh
		{"خانۀ ما", "خانهٔ ما"},            // heh with yeh above, two encodings
		{"دفتر ۱۲", "دفتر 12"},             // Persian and ASCII digits
		{"دفتر ١٢", "دفتر ۱۲"},             // Arabic-Indic and Persian digits
		{"Ali Reza", "Ali  Reza"},          // a run of spaces
		{"Ali Reza", " Ali\u00a0Reza\t"},   // no-break space, a tab, ends
		{"علی", "\u200fعلی\u200f"},         // right-to-left marks
		{"علی رضا", "\u2067علی\u2069 رضا"}, // an isolate
		{"علی", "عـلـی"},                   // tatweel
		{"Ana", "A\u200bna\u00ad"},         // zero width space, soft hyphen
		{"é", "e\u0301"},                   // Form C
		{"e\u0301", "e\u200b\u0301"},       // Form C after removing a character
	}
	for _, p := range same {
		if a, b := NameKey(p[0]), NameKey(p[1]); a != b {
			t.Errorf("NameKey(%+q) = %+q, NameKey(%+q) = %+q: want them equal", p[0], a, p[1], b)
		}
	}
	different := [][2]string{
		{"مهدی‌زاده", "مهدیزاده"}, // the zero-width non-joiner shows
		{"Ali", "ALI"},
		{"علی", "عَلی"},  // a diacritic
		{"خانه", "خانة"}, // heh and teh marbuta
		{"Ali Reza", "AliReza"},
	}
	for _, p := range different {
		if NameKey(p[0]) == NameKey(p[1]) {
			t.Errorf("NameKey(%+q) = NameKey(%+q) = %+q: want them different", p[0], p[1], NameKey(p[0]))
		}
	}
	if got := NameKey("  \u200f "); got != "" {
		t.Errorf("NameKey of white space and a mark = %+q, want \"\"", got)
	}
	if got, want := NameKey("علي كريمي ۲"), "علی کریمی 2"; got != want {
		t.Errorf("NameKey = %+q, want %+q", got, want)
	}
}

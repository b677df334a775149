package speccheck

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// textRule checks the text rule of 50-ballot.md, "Encoding primitives",
// for an identifier (names == false) or a name.
func textRule(s string, names bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%q is not valid UTF-8", s)
	}
	depth := 0
	for i, r := range s {
		refused := r <= 0x1f || (0x7f <= r && r <= 0x9f) || r == 0x2028 || r == 0x2029
		bidi := r == 0x061c || r == 0x200e || r == 0x200f || (0x202a <= r && r <= 0x202e) || (0x2066 <= r && r <= 0x2069)
		if bidi && names {
			switch {
			case 0x202a <= r && r <= 0x202e:
				refused = true
			case 0x2066 <= r && r <= 0x2068:
				depth++
			case r == 0x2069:
				depth--
				refused = depth < 0
			}
		} else if bidi {
			refused = true
		}
		if refused {
			return fmt.Errorf("%q: U+%04X at byte %d is refused", s, r, i)
		}
	}
	if depth != 0 {
		return fmt.Errorf("%q: an isolate is not closed", s)
	}
	if !norm.NFC.IsNormalString(s) {
		return fmt.Errorf("%q is not in NFC", s)
	}
	return nil
}

// manifestText checks every identifier, title and name of a manifest.
func manifestText(m *manifestJSON) error {
	check := func(what, s string, names bool) error {
		if err := textRule(s, names); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	if err := check("election identifier", m.ElectionID, false); err != nil {
		return err
	}
	if err := check("title", m.Title, true); err != nil {
		return err
	}
	for i, c := range m.Contests {
		if err := check(fmt.Sprintf("contest %d: identifier", i), c.ID, false); err != nil {
			return err
		}
		if err := check(fmt.Sprintf("contest %d: title", i), c.Title, true); err != nil {
			return err
		}
		keys := make(map[string]int)
		for j, k := range c.Candidates {
			if err := check(fmt.Sprintf("contest %d: candidate %d: name", i, j), k.Name, true); err != nil {
				return err
			}
			// Names voters cannot tell apart (50-ballot.md, "Manifest").
			key := nameKey(k.Name)
			if key == "" {
				return fmt.Errorf("contest %d: candidate %d: name %+q is blank", i, j, k.Name)
			}
			if prev, ok := keys[key]; ok {
				return fmt.Errorf("contest %d: candidates %d and %d: names %+q and %+q have the same name key", i, prev, j, c.Candidates[prev].Name, k.Name)
			}
			keys[key] = j
		}
	}
	return nil
}

// nameKey is the name key of 50-ballot.md, "Manifest", "Names voters cannot
// tell apart", step by step.
func nameKey(s string) string {
	s = norm.NFC.String(s) // 1
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0x064a || r == 0x0649: // 2
			b.WriteRune(0x06cc)
		case r == 0x0643:
			b.WriteRune(0x06a9)
		case r == 0x06c0:
			b.WriteString("\u0647\u0654")
		case 0x06f0 <= r && r <= 0x06f9:
			b.WriteRune('0' + r - 0x06f0)
		case 0x0660 <= r && r <= 0x0669:
			b.WriteRune('0' + r - 0x0660)
		case r == 0x061c || r == 0x200e || r == 0x200f || (0x2066 <= r && r <= 0x2069) || // 3
			r == 0x200b || r == 0x2060 || r == 0xfeff || r == 0x00ad || r == 0x0640:
		default:
			b.WriteRune(r)
		}
	}
	s = strings.Join(strings.FieldsFunc(b.String(), unicode.IsSpace), " ") // 4
	return norm.NFC.String(s)                                              // 5
}

// TestNameKey: the name key of 50-ballot.md, "Manifest", on the pairs its
// "Why these" names.
func TestNameKey(t *testing.T) {
	for _, p := range [][2]string{
		{"علی", "علي"}, {"کریم", "كريم"}, {"مصطفی", "مصطفى"}, {"خانۀ", "خانهٔ"},
		{"دفتر ۱۲", "دفتر 12"}, {"دفتر ١٢", "دفتر 12"}, {"علی", "\u200fعلی"}, {"علی", "عـلی"},
		{"Ali Reza", " Ali \u00a0Reza "},
	} {
		if nameKey(p[0]) != nameKey(p[1]) {
			t.Errorf("%+q and %+q have different keys %+q and %+q", p[0], p[1], nameKey(p[0]), nameKey(p[1]))
		}
	}
	for _, p := range [][2]string{
		{"مهدی\u200cزاده", "مهدیزاده"}, {"Ali", "ALI"}, {"خانه", "خانة"}, {"عَلی", "علی"},
	} {
		if nameKey(p[0]) == nameKey(p[1]) {
			t.Errorf("%+q and %+q have the same key", p[0], p[1])
		}
	}
}

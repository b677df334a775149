package safetext_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sandogh/sandogh/internal/safetext"
	"golang.org/x/text/unicode/norm"
)

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		s          string
		id, name   bool
		reasonPart string // of the name's error, or else the identifier's
	}{
		{"station-1", true, true, ""},
		{"guild-2025", true, true, ""},
		{"شورای شهر", true, true, ""},                        // Persian, right to left without any control
		{"نیم\u200cفاصله", true, true, ""},                   // ZWNJ inside a Persian word: a joiner, not a bidi control
		{"café", true, true, ""},                             // NFC
		{"cafe\u0301", false, false, "Normalization Form C"}, // NFD: the same text, another encoding
		{"\u212b", false, false, "Normalization Form C"},     // ANGSTROM SIGN, whose NFC is U+00C5
		{"a\nb", false, false, "U+000A"},
		{"a\rb", false, false, "U+000D"},
		{"a\tb", false, false, "U+0009"},
		{"a\x00b", false, false, "U+0000"},
		{"a\x7fb", false, false, "U+007F"},
		{"a\u0085b", false, false, "U+0085"}, // NEXT LINE, C1
		{"a\u009bb", false, false, "U+009B"}, // CSI, C1
		{"a\u2028b", false, false, "U+2028"},
		{"a\u2029b", false, false, "U+2029"},
		{"\xff", false, false, "UTF-8"},
		{"a\xc3", false, false, "UTF-8"},
		{"\ufffd", true, true, ""}, // the replacement character itself is printable
		// Bidirectional formatting characters.
		{"council\u202e", false, false, "U+202E"},
		{"a\u202db", false, false, "U+202D"},
		{"a\u202ab\u202c", false, false, "U+202A"},
		{"a\u202bb\u202c", false, false, "U+202B"},
		{"\u200fعلی Smith", false, true, "U+200F"},                   // RLM: allowed in names
		{"\u200eJohn \u061c", false, true, "U+200E"},                 // LRM, ALM
		{"\u2067علی\u2069 Smith", false, true, "U+2067"},             // a closed isolate
		{"\u2066a\u2068b\u2069c\u2069", false, true, "U+2066"},       // nested isolates
		{"\u2067علی", false, false, "U+2067"},                        // never closed
		{"علی\u2069", false, false, "U+2069"},                        // closes nothing
		{"\u2069\u2066", false, false, "U+2069"},                     // wrong order
		{"\u2066a\u202ec\u2069", false, false, "U+202E"},             // an override inside an isolate
		{"\u2067" + "cafe\u0301" + "\u2069", false, false, "Form C"}, // NFC too
	} {
		errID := safetext.CheckIdentifier(tc.s)
		errName := safetext.CheckName(tc.s)
		if (errID == nil) != tc.id || (errName == nil) != tc.name {
			t.Errorf("%q: identifier %v, name %v; want %v, %v", tc.s, errID, errName, tc.id, tc.name)
			continue
		}
		err := errName
		if err == nil {
			err = errID
		}
		if err != nil && !strings.Contains(err.Error(), tc.reasonPart) {
			t.Errorf("%q: error %q does not say %q", tc.s, err, tc.reasonPart)
		}
		if err != nil {
			t.Logf("%q: %v", tc.s, err)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"station-1":           "station-1",
		"شورای شهر":           "شورای شهر",
		"a\u202eb":            `a\u202eb`,
		"line\nnext":          `line\u000anext`,
		"\x1b[2J":             `\u001b[2J`,
		"\xff":                `\xff`,
		"nbsp\u00a0":          `nbsp\u00a0`,
		"tag\U000e0041":       `tag\U000e0041`,
		`back\slash "quoted"`: `back\slash "quoted"`,
	} {
		if got := safetext.Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	in := `{"a":"x` + "\u202e\u0085\U000e0041\u2066" + `y"}`
	out := safetext.EscapeJSON([]byte(in))
	if string(out) != `{"a":"x\u202e\u0085\udb40\udc41\u2066y"}` {
		t.Errorf("EscapeJSON = %s", out)
	}
}

// FuzzText checks the rules' properties on any input: an accepted text is
// valid UTF-8 in NFC without controls or separators; an identifier has no
// bidirectional character and is also a valid name; Escape leaves nothing
// that is not printable; EscapeJSON keeps the JSON value.
func FuzzText(f *testing.F) {
	for _, s := range []string{"station-1", "شورای شهر", "\u2067علی\u2069", "a\u202eb", "cafe\u0301", "\xff", "a\nb", "\u2069"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		idOK := safetext.CheckIdentifier(s) == nil
		nameOK := safetext.CheckName(s) == nil
		if idOK && !nameOK {
			t.Fatalf("%q is an identifier but not a name", s)
		}
		if nameOK {
			if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) {
				t.Fatalf("%q accepted but not UTF-8 in NFC", s)
			}
			depth := 0
			for _, r := range s {
				if safetext.IsControl(r) || (r >= 0x202a && r <= 0x202e) {
					t.Fatalf("%q accepted with %U", s, r)
				}
				if idOK && safetext.IsBidiControl(r) {
					t.Fatalf("identifier %q holds %U", s, r)
				}
				switch {
				case r >= 0x2066 && r <= 0x2068:
					depth++
				case r == 0x2069:
					depth--
				}
				if depth < 0 {
					t.Fatalf("%q accepted with an unbalanced isolate", s)
				}
			}
			if depth != 0 {
				t.Fatalf("%q accepted with an open isolate", s)
			}
		}
		for _, r := range safetext.Escape(s) {
			if r == utf8.RuneError || !strconv.IsPrint(r) {
				t.Fatalf("Escape(%q) holds %U", s, r)
			}
		}
		js, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		esc := safetext.EscapeJSON(js)
		for _, r := range string(esc) {
			if r >= 0x80 && !strconv.IsPrint(r) {
				t.Fatalf("EscapeJSON(%s) holds %U", js, r)
			}
		}
		var back1, back2 string
		if err := json.Unmarshal(js, &back1); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(esc, &back2); err != nil || back1 != back2 {
			t.Fatalf("EscapeJSON changed the value: %q -> %q (%v)", back1, back2, err)
		}
	})
}

// BenchmarkCheckIdentifier: the cost the ballot decoder adds per ballot
// (a ballot and a device identifier), ASCII and Persian.
func BenchmarkCheckIdentifier(b *testing.B) {
	for _, s := range []string{"station-12/4711", "صندوق-۱۲/۴۷۱۱"} {
		b.Run(strconv.Itoa(len(s))+"bytes", func(b *testing.B) {
			for b.Loop() {
				if safetext.CheckIdentifier(s) != nil {
					b.Fatal("refused")
				}
			}
		})
	}
}

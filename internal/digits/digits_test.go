package digits

import "testing"

func TestDigits(t *testing.T) {
	for _, c := range []struct{ in, fa, ascii string }{
		{"", "", ""},
		{"0123456789", "۰۱۲۳۴۵۶۷۸۹", "0123456789"},
		{"KZ3Q-7MWA", "KZ۳Q-۷MWA", "KZ3Q-7MWA"},
		{"۱۲ ٣٤", "۱۲ ٣٤", "12 34"},
	} {
		if got := Persian(c.in); got != c.fa {
			t.Errorf("Persian(%q) = %q, want %q", c.in, got, c.fa)
		}
		if got := ASCII(c.in); got != c.ascii {
			t.Errorf("ASCII(%q) = %q, want %q", c.in, got, c.ascii)
		}
		if got := ASCII(Persian(c.in)); got != ASCII(c.in) {
			t.Errorf("ASCII(Persian(%q)) = %q", c.in, got)
		}
	}
}

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

func TestFlag(t *testing.T) {
	var f Flag
	if f.String() != "latin" || f.Persian() || f.Format("7 votes") != "7 votes" {
		t.Errorf("zero Flag: %s", f.String())
	}
	if err := f.Set("fa"); err != nil || f.String() != "fa" || !f.Persian() || f.Format("7 votes") != "۷ votes" {
		t.Errorf("fa: %v, %s", err, f.String())
	}
	for _, bad := range []string{"", "FA", "ar", "persian"} {
		if err := f.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
	if err := f.Set("latin"); err != nil || f.Persian() {
		t.Errorf("latin: %v", err)
	}
}

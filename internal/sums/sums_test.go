package sums

import (
	"strings"
	"testing"
)

// TestParse: the strict text form of the index: a line refused for each
// way it can be wrong, and a good index read.
func TestParse(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for _, bad := range []string{
		h + "  b\n" + h + "  a\n",    // unsorted
		h + "  a\n" + h + "  a\n",    // twice
		strings.ToUpper(h) + "  a\n", // uppercase digits
		h + " *a\n",                  // binary mode
		h + "  a",                    // no final newline
		h + "  ../a\n",
		h + "  /a\n",
		h + "  a b\n",
		h + "  SHA256SUMS\n",
		h[:62] + "  a\n",
	} {
		if _, err := Parse([]byte(bad), 1<<20); err == nil {
			t.Errorf("%q parses", bad)
		}
	}
	if x, err := Parse([]byte(h+"  a\n"+h+"  b/c\n"), 1<<20); err != nil || len(x) != 2 {
		t.Errorf("a good index: %v %v", x, err)
	}
}

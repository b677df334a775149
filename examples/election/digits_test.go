package main

import (
	"testing"

	"github.com/sandogh/sandogh/examples/internal/demotest"
)

// TestDigitsPersian runs the command as a process with -digits fa: the
// output is the golden file testdata/output-fa.golden, and it is the
// output of the same run without the flag (testdata/output.golden) with
// every number in Persian digits; the election's identifier and the
// record's path keep theirs. A value other than latin or fa exits with 2
// and names the flag (there was no -digits flag before: it exited with 2
// for an undefined flag).
func TestDigitsPersian(t *testing.T) {
	demotest.PersianDigits(t, bin, *update, []string{"-voters", "60", "-trustees", "4", "-threshold", "3", "-seed", "g5"}, "1404")
}

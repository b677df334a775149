package demotest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/internal/digits"
)

// PersianDigits runs the command b as a process with args and -digits fa:
// its output must be the golden file testdata/output-fa.golden (rewritten
// with update), and the output of the same run without the flag
// (testdata/output.golden) with every number in Persian digits, but keep
// in Latin digits, which stay as they are (the election's identifier, for
// example). A value of -digits other than latin or fa exits with 2 and
// names the flag.
func PersianDigits(t *testing.T, b *Binary, update bool, args []string, keep ...string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "rec")
	r := b.Run(t, t.TempDir(), nil, append(args, "-digits", "fa", "-q", "-out", out)...)
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	got := compareGolden(t, strings.ReplaceAll(r.Stdout, demo.AbsPath(out), "DIR"), "output-fa.golden", update)
	plain := readGolden(t, "output.golden")
	if digits.ASCII(got) != plain {
		t.Errorf("with its digits in ASCII, the output is not testdata/output.golden:\n%s", got)
	}
	rest := got
	for _, k := range append(keep, "DIR") {
		rest = strings.ReplaceAll(rest, k, "")
	}
	if !strings.ContainsRune(got, '۱') || strings.ContainsAny(rest, "0123456789") {
		t.Errorf("not every number has Persian digits:\n%s", got)
	}
	for _, bad := range []string{"ar", "FA", ""} {
		r := b.Run(t, t.TempDir(), nil, "-digits", bad, "-q", "-out", filepath.Join(t.TempDir(), "r"))
		if r.Code != 2 {
			t.Errorf("-digits %q: exit %d, want 2", bad, r.Code)
		}
		if !strings.Contains(r.Stderr, "invalid value \""+bad+"\" for flag -digits: \""+bad+"\" is not latin or fa") {
			t.Errorf("-digits %q: the message does not name the flag and its values:\n%s", bad, r.Stderr)
		}
	}
}

package demotest

import (
	"strings"
	"testing"

	"github.com/sandogh/sandogh/internal/version"
)

// Help runs the command with -h and with -version in an empty folder. -h
// must exit with 0 and say each of want on standard error; -version must
// exit with 0 and print "sandogh VERSION" alone; neither may write a
// file.
func (b *Binary) Help(t *testing.T, want []string) {
	t.Helper()
	dir := t.TempDir()
	r := b.Run(t, dir, nil, "-h")
	if r.Code != 0 {
		t.Errorf("-h: exit %d", r.Code)
	}
	for _, w := range want {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("-h does not say %q:\n%s", w, r.Stderr)
		}
	}
	r = b.Run(t, dir, nil, "-version")
	if r.Code != 0 || r.Stdout != "sandogh "+version.Version+"\n" || r.Stderr != "" {
		t.Errorf("-version: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if s := Snapshot(t, dir); len(s) != 1 {
		t.Errorf("-h or -version wrote %v", s)
	}
}

// A FlagError is a command line that a command must refuse, and a part of
// the message it must print.
type FlagError struct {
	Args []string
	Want string
}

// RefuseFlags runs each command line of cases in an empty folder of its
// own: each must exit with status 2, print its Want on standard error and
// write nothing.
func (b *Binary) RefuseFlags(t *testing.T, cases []FlagError) {
	t.Helper()
	for _, c := range cases {
		dir := t.TempDir()
		r := b.Run(t, dir, nil, c.Args...)
		if r.Code != 2 || !strings.Contains(r.Stderr, c.Want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", c.Args, r.Code, r.Stderr, c.Want)
		}
		if s := Snapshot(t, dir); len(s) != 1 {
			t.Errorf("%q: wrote %v", c.Args, s)
		}
	}
}

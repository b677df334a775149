package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/examples/internal/demotest"
)

// The tests in this file run the command as a process, built once.
var bin = &demotest.Binary{Name: "council", Pkg: "."}

func TestMain(m *testing.M) {
	code := m.Run()
	bin.Cleanup()
	os.Exit(code)
}

// small are the flags of a quick election.
func small(seed string) []string {
	return []string{"-voters", "3", "-candidates", "5", "-seats", "2", "-trustees", "2", "-threshold", "1", "-q", "-seed", seed}
}

// TestProcessHelp: -h exits with 0 and prints a usage that names every
// flag and the exit statuses; -version prints the version.
func TestProcessHelp(t *testing.T) {
	bin.Help(t, []string{"Usage: council [flags]", "-voters N", "-candidates M", "-seats S", "-mixers m",
		"-trustees n", "-threshold t", "-challenged C", "-seed S", "-tiebreak seed", "-out DIR", "-force", "-q", "-version",
		"Exit status:\n  0  ", "\n  1  ", "\n  2  ", "a flag not given has its default"})
}

// TestProcessFlagErrors: a value that the command cannot use is refused
// with exit status 2 and a message that names the flag, before anything
// is written. Before, -challenged above -voters was lowered to it, and
// impossible combinations failed with status 1 in messages that named no
// flag ("6 mix stages; want 3..5").
func TestProcessFlagErrors(t *testing.T) {
	bin.RefuseFlags(t, []demotest.FlagError{
		{Args: []string{"-threshold", "0"}, Want: "-threshold 0: must be between 1 and 5"},
		{Args: []string{"-trustees", "0"}, Want: "-trustees 0: must be between 1 and 1024"},
		{Args: []string{"-trustees", "2", "-threshold", "3"}, Want: "-threshold 3: must be between 1 and 2, the number of trustees (-trustees 2)"},
		{Args: []string{"-mixers", "0"}, Want: "-mixers 0: must be between 3 and 5"},
		{Args: []string{"-mixers", "6"}, Want: "-mixers 6: must be between 3 and 5"},
		{Args: []string{"-mixers", "2", "-threshold", "3", "-trustees", "3"}, Want: "-mixers 2: must be between 3 and 3"},
		{Args: []string{"-candidates", "0"}, Want: "-candidates 0: must be between 1 and 10000"},
		{Args: []string{"-candidates", "10001"}, Want: "-candidates 10001: must be between 1 and 10000"},
		{Args: []string{"-seats", "0"}, Want: "-seats 0: must be at least 1"},
		{Args: []string{"-seats", "-1"}, Want: "-seats -1: must be at least 1"},
		{Args: []string{"-candidates", "10", "-seats", "9"}, Want: "-seats 9: 9 seats and 3 alternates need 12 candidates, more than -candidates 10"},
		{Args: []string{"-seats", "400"}, Want: "-seats 400: 400 seats and 133 alternates need 533 candidates, more than -candidates 400, its default"},
		{Args: []string{"-voters", "3", "-challenged", "4"}, Want: "-challenged 4: must be between 0 and 3, the number of voters (-voters 3)"},
		{Args: []string{"-voters", "0"}, Want: "-voters 0: must be at least 1"},
		{Args: []string{"-out", ""}, Want: "-out is empty"},
		{Args: []string{"extra"}, Want: "unexpected argument \"extra\""},
	})
}

// TestProcessFlagValues: a value given is the one used, and the defaults
// of -threshold and -mixers follow -trustees (a majority, and the
// threshold): -trustees 2 alone ran into a threshold and 3 mix stages
// that the user never typed.
func TestProcessFlagValues(t *testing.T) {
	dir := t.TempDir()
	r := bin.Run(t, dir, nil, "-voters", "4", "-candidates", "5", "-seats", "2", "-trustees", "2", "-challenged", "0", "-out", "r1")
	if r.Code != 0 || !strings.Contains(r.Stderr, "key ceremony: 2 trustees, threshold 2\n") || !strings.Contains(r.Stdout, "4 ballots cast, 0 challenged, 4 counted; 2 mix stages accepted.") {
		t.Errorf("-trustees 2 -challenged 0: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = bin.Run(t, dir, nil, "-voters", "4", "-candidates", "5", "-seats", "2", "-trustees", "4", "-mixers", "4", "-q", "-out", "r2")
	if r.Code != 0 || !strings.Contains(r.Stdout, "4 ballots cast, 2 challenged, 4 counted; 4 mix stages accepted.") {
		t.Errorf("-trustees 4 -mixers 4: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// TestProcessOut: a non-empty folder is refused without -force and
// nothing in it changes; with -force the record is replaced and the notes
// in its folder stay.
func TestProcessOut(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "rec")
	if r := bin.Run(t, root, nil, append(small("old"), "-out", "rec")...); r.Code != 0 {
		t.Fatalf("first run: exit %d: %s", r.Code, r.Stderr)
	}
	old, why := demotest.CompleteRecord(dir)
	if old == "" {
		t.Fatal(why)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	before := demotest.Snapshot(t, root)
	r := bin.Run(t, root, nil, append(small("new"), "-out", "rec")...)
	if r.Code != 2 || !strings.Contains(r.Stderr, "council: -out rec is not empty") {
		t.Errorf("without -force: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if ok, diff := demotest.SameSnapshot(before, demotest.Snapshot(t, root)); !ok {
		t.Fatal(diff)
	}
	r = bin.Run(t, root, nil, append(small("new"), "-force", "-out", "rec")...)
	if r.Code != 0 || !strings.Contains(r.Stderr, "council: kept 1 file that the old record's SHA256SUMS did not list, in rec: notes.txt") {
		t.Fatalf("-force: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if cur, why := demotest.CompleteRecord(dir); cur == "" || cur == old {
		t.Errorf("the new record is not in place: %s", why)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "notes.txt")); string(data) != "mine" {
		t.Errorf("notes.txt: %q, %v", data, err)
	}
}

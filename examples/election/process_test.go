package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demotest"
)

// The tests in this file run the command as a process, built once.
var bin = &demotest.Binary{Name: "election", Pkg: "."}

func TestMain(m *testing.M) {
	code := m.Run()
	bin.Cleanup()
	os.Exit(code)
}

// small are the flags of a quick election.
func small(seed string) []string {
	return []string{"-voters", "3", "-trustees", "2", "-threshold", "1", "-q", "-seed", seed}
}

// TestProcessHelp: -h exits with 0 and prints a usage that names every
// flag and the exit statuses; -version prints the version.
func TestProcessHelp(t *testing.T) {
	bin.Help(t, []string{"Usage: election [flags]", "-voters N", "-trustees n", "-threshold t", "-challenged C",
		"-seed S", "-tiebreak seed", "-out DIR", "-force", "-q", "-version",
		"Exit status:\n  0  ", "\n  1  ", "\n  2  ", "a flag not given has its default"})
}

// TestProcessFlagErrors: a value that the command cannot use is refused
// with exit status 2 and a message that names the flag, before anything
// is written. Before, -threshold 0 and -trustees 0 were replaced by the
// defaults 3 and 5, -challenged 50 with 40 voters by 40, -out "" by
// ./record, and -trustees 2 -threshold 3 or a long -tiebreak failed with
// status 1.
func TestProcessFlagErrors(t *testing.T) {
	bin.RefuseFlags(t, []demotest.FlagError{
		{Args: []string{"-threshold", "0"}, Want: "-threshold 0: must be between 1 and 5, the number of trustees (-trustees 5, its default)"},
		{Args: []string{"-threshold", "6"}, Want: "-threshold 6: must be between 1 and 5"},
		{Args: []string{"-trustees", "0"}, Want: "-trustees 0: must be between 1 and 1024"},
		{Args: []string{"-trustees", "1025"}, Want: "-trustees 1025: must be between 1 and 1024"},
		{Args: []string{"-trustees", "2", "-threshold", "3"}, Want: "-threshold 3: must be between 1 and 2, the number of trustees (-trustees 2)"},
		{Args: []string{"-voters", "0"}, Want: "-voters 0: must be at least 1"},
		{Args: []string{"-voters", "x"}, Want: "invalid value \"x\" for flag -voters"},
		{Args: []string{"-voters", "40", "-challenged", "50"}, Want: "-challenged 50: must be between 0 and 40, the number of voters (-voters 40)"},
		{Args: []string{"-challenged", "-1"}, Want: "-challenged -1: must be between 0 and 1000"},
		{Args: []string{"-tiebreak", strings.Repeat("x", 65)}, Want: "-tiebreak: 65 bytes, more than 64"},
		{Args: []string{"-out", ""}, Want: "-out is empty"},
		{Args: []string{"extra"}, Want: "unexpected argument \"extra\""},
	})
}

// TestProcessFlagValues: a value given is the one used. Before,
// -challenged 0 still challenged 2 ballots, and -trustees 2 failed on a
// threshold of 3 that the user never typed; now the threshold's default is
// a majority of the trustees.
func TestProcessFlagValues(t *testing.T) {
	dir := t.TempDir()
	r := bin.Run(t, dir, nil, "-voters", "4", "-challenged", "0", "-trustees", "3", "-threshold", "2", "-q", "-out", "r1")
	if r.Code != 0 || !strings.Contains(r.Stdout, "4 ballots cast") || !strings.Contains(r.Stdout, ", 0 challenged, 4 counted") {
		t.Errorf("-challenged 0: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = bin.Run(t, dir, nil, "-voters", "4", "-trustees", "2", "-out", "r2")
	if r.Code != 0 || !strings.Contains(r.Stderr, "key ceremony: 2 trustees, threshold 2\n") || strings.Contains(r.Stdout, "absent") {
		t.Errorf("-trustees 2: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = bin.Run(t, dir, nil, "-voters", "4", "-challenged", "4", "-q", "-out", "r3")
	if r.Code != 0 || !strings.Contains(r.Stdout, ", 4 challenged, 4 counted") {
		t.Errorf("-challenged 4: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	// Defaults: threshold 3 of 5, voters/200 challenged but at least 2.
	r = bin.Run(t, dir, nil, "-voters", "5", "-out", "r4")
	if r.Code != 0 || !strings.Contains(r.Stderr, "key ceremony: 5 trustees, threshold 3\n") || !strings.Contains(r.Stdout, ", 2 challenged, 5 counted") {
		t.Errorf("defaults: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// TestProcessDownloadsFolder: a folder with its own SHA256SUMS and other
// files, given as -out, is refused with and without -force, and nothing
// in it changes. The old command removed it with everything in it.
func TestProcessDownloadsFolder(t *testing.T) {
	root := t.TempDir()
	dl := filepath.Join(root, "Downloads")
	os.Mkdir(dl, 0o755)
	iso := []byte("an installer image")
	sum := sha256.Sum256(iso)
	os.WriteFile(filepath.Join(dl, "debian.iso"), iso, 0o644)
	os.WriteFile(filepath.Join(dl, "SHA256SUMS"), []byte(hex.EncodeToString(sum[:])+"  debian.iso\n"), 0o644)
	os.WriteFile(filepath.Join(dl, "letter.txt"), []byte("dear"), 0o644)
	before := demotest.Snapshot(t, root)
	for _, force := range [][]string{nil, {"-force"}} {
		r := bin.Run(t, root, nil, append(append(small("x"), force...), "-out", "Downloads")...)
		if r.Code != 2 || !strings.Contains(r.Stderr, "-out Downloads") {
			t.Errorf("%v: exit %d, stderr %q", force, r.Code, r.Stderr)
		}
		if ok, diff := demotest.SameSnapshot(before, demotest.Snapshot(t, root)); !ok {
			t.Fatalf("%v: %s", force, diff)
		}
	}
}

// TestProcessNotEmpty: without -force, a folder that holds anything, a
// previous record included, is refused with exit status 2 and nothing
// changes. The old command replaced a previous record silently.
func TestProcessNotEmpty(t *testing.T) {
	root := t.TempDir()
	if r := bin.Run(t, root, nil, append(small("old"), "-out", "rec")...); r.Code != 0 {
		t.Fatalf("first run: exit %d: %s", r.Code, r.Stderr)
	}
	os.Mkdir(filepath.Join(root, "notes"), 0o755)
	os.WriteFile(filepath.Join(root, "notes", "n.txt"), []byte("mine"), 0o644)
	before := demotest.Snapshot(t, root)
	for _, out := range []string{"rec", "notes"} {
		r := bin.Run(t, root, nil, append(small("new"), "-out", out)...)
		if r.Code != 2 || !strings.Contains(r.Stderr, "election: -out "+out+" is not empty") || !strings.Contains(r.Stderr, "-force") {
			t.Errorf("-out %s: exit %d, stderr %q", out, r.Code, r.Stderr)
		}
		if ok, diff := demotest.SameSnapshot(before, demotest.Snapshot(t, root)); !ok {
			t.Fatalf("-out %s: %s", out, diff)
		}
	}
}

// notes are the user's files put in a record's folder by the tests.
var notes = map[string]string{"notes.txt": "observed at station 2", "tally/remark.txt": "recount?", "mine/a/b.txt": "b"}

func writeNotes(t *testing.T, dir string) map[string]os.FileInfo {
	t.Helper()
	fis := map[string]os.FileInfo{}
	for n, c := range notes {
		p := filepath.Join(dir, filepath.FromSlash(n))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
		fis[n], _ = os.Lstat(p)
	}
	return fis
}

// checkNotes checks that dir holds the notes, the same files as before.
func checkNotes(t *testing.T, dir string, fis map[string]os.FileInfo) {
	t.Helper()
	for n, c := range notes {
		p := filepath.Join(dir, filepath.FromSlash(n))
		data, err := os.ReadFile(p)
		if err != nil || string(data) != c {
			t.Errorf("%s: %q, %v", n, data, err)
			continue
		}
		if fi, err := os.Lstat(p); err != nil || fis != nil && !os.SameFile(fi, fis[n]) {
			t.Errorf("%s is not the same file", n)
		}
	}
}

// TestProcessForceKeepsNotes: -force replaces a record and keeps the
// user's files in its folder (the old command removed the folder with
// them); the new record is complete, and only the notes stand between it
// and the verifier's check 15.
func TestProcessForceKeepsNotes(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "rec")
	if r := bin.Run(t, root, nil, append(small("old"), "-out", "rec")...); r.Code != 0 {
		t.Fatalf("first run: exit %d: %s", r.Code, r.Stderr)
	}
	old, why := demotest.CompleteRecord(dir)
	if old == "" {
		t.Fatal(why)
	}
	fis := writeNotes(t, dir)
	r := bin.Run(t, root, nil, append(small("new"), "-force", "-out", "rec")...)
	if r.Code != 0 || !strings.Contains(r.Stderr, "election: kept 3 files that the old record's SHA256SUMS did not list, in rec: mine/a/b.txt, notes.txt, tally/remark.txt") {
		t.Fatalf("-force: exit %d, stderr %q", r.Code, r.Stderr)
	}
	cur, why := demotest.CompleteRecord(dir)
	if cur == "" || cur == old {
		t.Fatalf("the new record is not in place: %s", why)
	}
	checkNotes(t, dir, fis)
	ents, _ := os.ReadDir(root)
	if len(ents) != 1 {
		t.Errorf("left beside the record: %v", ents)
	}
	for n := range notes {
		os.Remove(filepath.Join(dir, filepath.FromSlash(n)))
	}
	os.RemoveAll(filepath.Join(dir, "mine"))
	checkVerifies(t, dir)
}

// TestProcessKill: the command killed (SIGKILL, as kill -9) at each step
// of putting a new record in place of an old one, with and without the
// system's exchange of two folders in one rename, never loses a record or
// a note: the folder holds a complete record (the old one before the swap,
// the new one after) and the notes, and the other record is complete in a
// hidden sibling folder until its removal began; in the one window of the
// two-rename path where the folder is absent, both records are complete
// beside it. The next run names the leftover folders and removes none.
func TestProcessKill(t *testing.T) {
	for _, tt := range []struct {
		step       string
		noExchange bool
		inPlace    string // "old", "new" or "" (no folder)
	}{
		{"staged", false, "old"},
		{"swapped", false, "new"},
		{"removing", false, "new"},
		{"staged", true, "old"},
		{"moved-old", true, ""},
		{"swapped", true, "new"},
		{"removing", true, "new"},
	} {
		name := tt.step
		if tt.noExchange {
			name += "/two-renames"
		}
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "rec")
			if r := bin.Run(t, root, nil, append(small("old"), "-out", "rec")...); r.Code != 0 {
				t.Fatalf("first run: exit %d: %s", r.Code, r.Stderr)
			}
			old, _ := demotest.CompleteRecord(dir)
			fis := writeNotes(t, dir)
			env := []string{"SANDOGH_DEMO_CRASH=" + tt.step}
			if tt.noExchange {
				env = append(env, "SANDOGH_DEMO_NO_EXCHANGE=1")
			}
			if r := bin.Run(t, root, env, append(small("new"), "-force", "-out", "rec")...); r.Code != -1 {
				t.Fatalf("not killed: exit %d: %s", r.Code, r.Stderr)
			}
			// Every complete record, by where it is.
			found := map[string]string{}
			ents, _ := os.ReadDir(root)
			for _, e := range ents {
				if e.Name() == "rec" || strings.HasPrefix(e.Name(), ".rec.sandogh-") {
					if ej, _ := demotest.CompleteRecord(filepath.Join(root, e.Name())); ej != "" {
						found[e.Name()] = ej
					}
				}
			}
			var olds, news int
			for _, ej := range found {
				if ej == old {
					olds++
				} else {
					news++
				}
			}
			switch tt.inPlace {
			case "old":
				if found["rec"] != old || news != 1 {
					t.Errorf("want the old record in place and the new one beside it: %d old, %d new, in %v", olds, news, ents)
				}
				checkNotes(t, dir, fis)
			case "new":
				if found["rec"] == "" || found["rec"] == old {
					t.Errorf("the new record is not in place: %v", ents)
				}
				if tt.step == "swapped" && olds != 1 {
					t.Errorf("the old record is not complete beside the new one: %v", ents)
				}
				checkNotes(t, dir, fis)
			case "":
				if _, err := os.Lstat(dir); err == nil || olds != 1 || news != 1 {
					t.Errorf("want both records beside an absent folder: %d old, %d new, in %v", olds, news, ents)
				}
				// The notes are in both: the originals with the old
				// record, links to them with the new.
				for name := range found {
					checkNotes(t, filepath.Join(root, name), fis)
				}
			}
			// The next run says what was left, and removes none of it.
			before := len(ents)
			r := bin.Run(t, root, nil, append(small("again"), "-force", "-out", "rec")...)
			if r.Code != 0 || !strings.Contains(r.Stderr, "was left by an interrupted run") {
				t.Errorf("next run: exit %d, stderr %q", r.Code, r.Stderr)
			}
			if tt.inPlace != "new" && !strings.Contains(r.Stderr, "(a new record, complete or not, that was never put in place)") {
				t.Errorf("next run does not name the new record left beside the folder: %q", r.Stderr)
			}
			if tt.inPlace != "old" && !strings.Contains(r.Stderr, "(an old record that was replaced but not yet removed)") {
				t.Errorf("next run does not name the old record left beside the folder: %q", r.Stderr)
			}
			after, _ := os.ReadDir(root)
			if tt.inPlace == "" {
				before++ // rec is back
			}
			if len(after) != before {
				t.Errorf("the next run changed the folders beside the record: %v, then %v", ents, after)
			}
			if tt.inPlace != "" {
				checkNotes(t, dir, fis)
			}
		})
	}
}

// checkVerifies checks that the verifier accepts the record in dir.
func checkVerifies(t *testing.T, dir string) {
	t.Helper()
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Errorf("the record in %s is invalid: %v", dir, rep.Findings)
	}
}

//go:build unix

package election_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/regular"
)

// mkfifo replaces the file name of the record in dir by a named pipe.
func mkfifo(t *testing.T, dir, name string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// returns runs f and fails the test if it has not returned after a
// generous deadline: it detects a hang, it does not measure time.
func returns(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s has not returned after 20 s: it blocks on a named pipe", what)
	}
}

// verifySpecial verifies a record with a special file and requires a
// report (not a read error: the record is readable, its content is
// wrong) that is invalid and names the file as what it is.
func verifySpecial(t *testing.T, dir, name, kind string) {
	t.Helper()
	var rep *election.Report
	var err error
	returns(t, "Verify", func() { rep, err = election.Verify(dir, nil) })
	if err != nil {
		t.Fatalf("Verify: %v, want a report with a finding", err)
	}
	if rep.Valid() {
		t.Fatal("a record with a special file is valid")
	}
	found := false
	for _, f := range rep.Findings {
		if f.File == name && strings.Contains(f.Reason, kind) {
			found = true
			t.Log(f)
		}
	}
	if !found {
		for _, f := range rep.Findings {
			t.Log(f)
		}
		t.Errorf("no finding names %s as %s", name, kind)
	}
}

// TestNamedPipes: a named pipe in place of a file of the record does not
// make Verify hang; it is a finding of the check that reads the file (and
// of check 15).
func TestNamedPipes(t *testing.T) {
	sharedRecord(t)
	for _, name := range []string{
		"ballots.jsonl", "election.json", "challenged.jsonl", "trustees/roster.json",
		"trustees/commitments.jsonl", "tally/encrypted.json", "results.json", "SHA256SUMS",
	} {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			dir := copyRecord(t)
			mkfifo(t, dir, name)
			verifySpecial(t, dir, name, "named pipe")
		})
	}
	// A share list: a finding for that trustee, and the other lists still
	// decrypt the tally.
	t.Run("share_list", func(t *testing.T) {
		dir := copyRecord(t)
		ents, _ := os.ReadDir(filepath.Join(dir, "tally", "shares"))
		name := "tally/shares/" + ents[0].Name()
		mkfifo(t, dir, name)
		verifySpecial(t, dir, name, "named pipe")
		rep, _ := election.Verify(dir, nil)
		for _, c := range rep.Checks {
			if c.Verdict == election.Failed && c.Check != election.CheckShares && c.Check != election.CheckIndex {
				t.Errorf("check %d (%s) failed", c.Check, c.Check)
			}
		}
	})
}

// TestNamedPipesMixnet: the same for the files of the mixnet path.
func TestNamedPipesMixnet(t *testing.T) {
	sharedCouncil(t)
	for _, name := range []string{"mixnet/0/decrypted.jsonl", "mixnet/0/stages/0.bin", "mixnet/0/shares/1.bin"} {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			dir := copyCouncil(t)
			mkfifo(t, dir, name)
			verifySpecial(t, dir, name, "named pipe")
		})
	}
}

// TestSymlinks: a symbolic link in the record is refused, even to a copy
// of the right file: the verifier follows no link out of the folder.
func TestSymlinks(t *testing.T) {
	dir := copyRecord(t)
	outside := filepath.Join(t.TempDir(), "election.json")
	p := filepath.Join(dir, "election.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(outside, data, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(p)
	if err := os.Symlink(outside, p); err != nil {
		t.Skip(err)
	}
	verifySpecial(t, dir, "election.json", "symbolic link")
}

// TestWriterNamedPipes: the record writer does not hang on a named pipe
// either: in place of the index when it resumes, or of a file it is asked
// to write again.
func TestWriterNamedPipes(t *testing.T) {
	dir := copyRecord(t)
	mkfifo(t, dir, "SHA256SUMS")
	var err error
	returns(t, "OpenWriter", func() { _, err = election.OpenWriter(dir) })
	if !errors.Is(err, regular.ErrNotRegular) {
		t.Errorf("OpenWriter with a named pipe as index: %v", err)
	}

	// A file the writer is asked to write is there already, as a pipe:
	// the writer compares it with the new content, and must not hang. The
	// record is the test record taken back to before its decryption.
	r, err := election.Open(sharedRecord(t))
	if err != nil {
		t.Fatal(err)
	}
	lists, err := r.ShareLists()
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	dir = copyRecord(t)
	os.Remove(filepath.Join(dir, "results.json"))
	os.RemoveAll(filepath.Join(dir, "tally", "shares"))
	os.MkdirAll(filepath.Join(dir, "tally", "shares"), 0o755)
	rehash(t, dir)
	w, err := election.OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("tally/shares/%d.json", lists[0].Trustee())
	mkfifo(t, dir, name)
	returns(t, "Writer.WriteShareList", func() { err = w.WriteShareList(lists[0]) })
	if !errors.Is(err, regular.ErrNotRegular) {
		t.Errorf("WriteShareList over a named pipe: %v", err)
	}
	// And FinishBallots, if the box's file is a pipe.
	os.Remove(filepath.Join(dir, "ballots.jsonl"))
	mkfifo(t, dir, "ballots.jsonl")
	returns(t, "Writer.FinishBallots", func() { _, err = w.FinishBallots(e) })
	if err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("FinishBallots with a named pipe as ballots.jsonl: %v", err)
	}

	dir = t.TempDir()
	mkfifo(t, dir, "x")
	returns(t, "Create", func() { _, err = election.Create(filepath.Join(dir, "x")) })
	if err == nil {
		t.Error("Create on a named pipe succeeded")
	}
}

//go:build unix

package election_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sandogh/sandogh/election"
)

// TestTrusteeRefusesPipe: a ballots.jsonl that is a named pipe is refused
// before anything opens it (opening a pipe blocks until a writer comes).
func TestTrusteeRefusesPipe(t *testing.T) {
	src := sharedRecord(t)
	dir := beforeDecryption(t, src)
	p := filepath.Join(dir, "ballots.jsonl")
	os.Remove(p)
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip(err)
	}
	rec, err := election.VerifyForDecryption(dir, boxDigest(t, src), nil)
	if err == nil || rec != nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("got %v, %v", rec, err)
	}
}

//go:build unix

package speccheck

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNamedPipe: a named pipe in place of a file of the record is a
// finding, never a wait (80-record.md, "Regular files only").
func TestNamedPipe(t *testing.T) {
	for _, name := range []string{"ballots.jsonl", "election.json", "tally/shares/2.json", "SHA256SUMS"} {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			dir := copyRecord(t)
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			done := make(chan []string)
			go func() { done <- checkRecord(dir) }()
			var findings []string
			select {
			case findings = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("the check has not returned after 20 s: it blocks on the pipe")
			}
			found := false
			for _, f := range findings {
				found = found || strings.Contains(f, "named pipe")
			}
			if !found {
				t.Errorf("no finding names the pipe:\n%s", strings.Join(findings, "\n"))
			}
		})
	}
}

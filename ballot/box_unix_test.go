//go:build unix

package ballot

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBoxSpecialFile: a named pipe or a symbolic link where the box's file
// should be is refused at once; the box neither blocks nor writes through
// the link.
func TestBoxSpecialFile(t *testing.T) {
	f := newFixture(t, testManifest())
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe.jsonl")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := OpenBox(pipe, f.e)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("OpenBox of a named pipe: %v", err)
		}
	case <-time.After(20 * time.Second): // a hang detector, not a timing
		t.Fatal("OpenBox blocks on a named pipe")
	}
	target := filepath.Join(dir, "elsewhere.jsonl")
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenBox(link, f.e); err == nil {
		t.Error("OpenBox followed a symbolic link")
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("the box wrote through a symbolic link")
	}
}

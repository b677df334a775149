//go:build unix

package regular_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/sandogh/sandogh/internal/regular"
)

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// TestFIFO: a named pipe without a writer (or reader) is refused at once
// by every function, for reading, writing and listing; os.Open would
// block on it forever.
func TestFIFO(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ballots.jsonl")
	mkfifo(t, p)
	for _, tc := range []struct {
		name string
		f    func() error
	}{
		{"Open", func() error { _, err := regular.Open(p); return err }},
		{"ReadFile", func() error { _, err := regular.ReadFile(p, 1<<20); return err }},
		{"OpenFile(O_RDWR|O_CREATE)", func() error { _, err := regular.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644); return err }},
		{"OpenFile(O_WRONLY)", func() error { _, err := regular.OpenFile(p, os.O_WRONLY, 0); return err }},
		{"ReadDir", func() error { _, err := regular.ReadDir(p); return err }},
	} {
		var err error
		returns(t, tc.name, func() { err = tc.f() })
		var ke *regular.KindError
		if !errors.As(err, &ke) || ke.Kind != "a named pipe" {
			t.Errorf("%s of a named pipe: %v, want a refusal naming a named pipe", tc.name, err)
		}
	}
	// A symbolic link to the pipe is refused as a link.
	link := filepath.Join(dir, "link")
	if err := os.Symlink(p, link); err != nil {
		t.Skip(err)
	}
	var err error
	returns(t, "Open of a link to a pipe", func() { _, err = regular.Open(link) })
	if !errors.Is(err, regular.ErrNotRegular) {
		t.Errorf("Open of a link to a named pipe: %v", err)
	}
}

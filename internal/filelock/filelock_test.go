package filelock_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/internal/filelock"
)

// Two opens of one file in one process exclude each other; Unlock and
// Close release the lock; another file is not concerned.
func TestTryLock(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "box")
	open := func(name string) *os.File {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	a, b := open(p), open(p)
	if err := filelock.TryLock(a); err != nil {
		t.Fatal(err)
	}
	if err := filelock.TryLock(b); !errors.Is(err, filelock.ErrLocked) {
		t.Fatalf("a second open locked the file: %v", err)
	}
	if err := filelock.TryLock(open(filepath.Join(dir, "other"))); err != nil {
		t.Fatalf("another file: %v", err)
	}
	if err := filelock.Unlock(a); err != nil {
		t.Fatal(err)
	}
	if err := filelock.TryLock(b); err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	// A read-only open can hold the lock too.
	r, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := filelock.TryLock(r); !errors.Is(err, filelock.ErrLocked) {
		t.Fatalf("a read-only open locked a locked file: %v", err)
	}
	filelock.Unlock(b)
	b.Close()
	if err := filelock.TryLock(r); err != nil {
		t.Fatalf("after Close: %v", err)
	}
}

// TestOpenLocked: the first OpenLocked of a file holds it, a second fails
// with ErrLocked, and after Close it opens again.
func TestOpenLocked(t *testing.T) {
	p := filepath.Join(t.TempDir(), "log")
	f, err := filelock.OpenLocked(p, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := filelock.OpenLocked(p, 0o600); !errors.Is(err, filelock.ErrLocked) {
		t.Fatalf("a second OpenLocked: %v", err)
	}
	f.Close()
	g, err := filelock.OpenLocked(p, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	g.Close()
}

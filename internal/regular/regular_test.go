package regular_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sandogh/sandogh/internal/regular"
)

// returns runs f in a goroutine and fails the test if it has not returned
// after a generous deadline: a hang detector, not a timing assertion.
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
		t.Fatalf("%s has not returned after 20 s: it blocks", what)
	}
}

func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := os.WriteFile(p, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := regular.ReadFile(p, 100)
	if err != nil || string(data) != "{}\n" {
		t.Fatalf("ReadFile = %q, %v", data, err)
	}
	if _, err := regular.ReadFile(p, 2); err == nil || errors.Is(err, regular.ErrNotRegular) {
		t.Fatalf("ReadFile of a file longer than the maximum: %v", err)
	}
	// A regular file comes back in blocking mode and can be written.
	f, err := regular.OpenFile(filepath.Join(dir, "new"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("x"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := regular.Open(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open of a missing file: %v, want fs.ErrNotExist", err)
	}
	ents, err := regular.ReadDir(dir)
	if err != nil || len(ents) != 2 || ents[0].Name() != "a.json" || ents[1].Name() != "new" {
		t.Fatalf("ReadDir = %v, %v", ents, err)
	}
}

// TestRefused: a folder, a symbolic link (even to a regular file) and a
// device are refused where a file is expected, and a file where a folder
// is.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{filepath.Join(dir): "a folder"}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err == nil {
		cases[link] = "a symbolic link"
	}
	if fi, err := os.Lstat(os.DevNull); err == nil && fi.Mode()&fs.ModeDevice != 0 {
		cases[os.DevNull] = "a device"
	}
	for p, kind := range cases {
		_, err := regular.Open(p)
		var ke *regular.KindError
		if !errors.Is(err, regular.ErrNotRegular) || !errors.As(err, &ke) || ke.Kind != kind {
			t.Errorf("Open(%s) = %v, want a refusal naming %s", p, err, kind)
		}
	}
	if _, err := regular.ReadDir(file); !errors.Is(err, regular.ErrNotRegular) {
		t.Errorf("ReadDir of a file: %v, want ErrNotRegular", err)
	}
}

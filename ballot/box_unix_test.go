//go:build unix

package ballot

import (
	"bufio"
	"io"
	"os"
	"os/exec"
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

// TestBoxLockedByAnotherProcess: while another process has a box open on
// the file, OpenBox fails at once; once that process closes it, the file
// opens.
func TestBoxLockedByAnotherProcess(t *testing.T) {
	if p := os.Getenv("SANDOGH_BOX_HOLDER"); p != "" {
		// The other process: open the box, say so, and hold it until
		// standard input closes.
		f := newFixture(t, testManifest())
		x, err := OpenBox(p, f.e)
		if err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("open\n")
		io.Copy(io.Discard, os.Stdin)
		x.Close()
		return
	}
	f := newFixture(t, testManifest())
	path := filepath.Join(t.TempDir(), "box.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestBoxLockedByAnotherProcess$")
	cmd.Env = append(os.Environ(), "SANDOGH_BOX_HOLDER="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start another process: %v", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "open\n" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("the other process did not open the box: %q, %v", line, err)
	}
	x, err := OpenBox(path, f.e)
	if err == nil {
		x.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "is already open, in this process or another") {
		t.Errorf("OpenBox of a file another process has open: %v", err)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the other process: %v", err)
	}
	x, err = OpenBox(path, f.e)
	if err != nil {
		t.Fatalf("OpenBox after the other process closed the box: %v", err)
	}
	x.Close()
}

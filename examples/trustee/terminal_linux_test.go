//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a new pseudo-terminal and returns its master and slave
// ends, or skips the test where there is none.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("ptsname: %v", e)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// TestPassphraseFromTerminal: with a terminal on standard input, init asks
// for the new passphrase twice with echo off, and the terminal echoes
// again afterwards. The identity is sealed under what was typed.
func TestPassphraseFromTerminal(t *testing.T) {
	master, slave := openPTY(t)
	if !isTerminal(slave) {
		t.Fatal("the pseudo-terminal is no terminal")
	}
	before, err := getTermios(slave.Fd())
	if err != nil {
		t.Fatal(err)
	}
	if before.Lflag&syscall.ECHO == 0 {
		t.Skip("the new pseudo-terminal does not echo")
	}
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang detector
	defer cancel()
	cmd := exec.CommandContext(ctx, trusteeBin, "init", "-state", state, "-shared", dir, "-name", "Trustee T")
	cmd.Stdin = slave
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// What the terminal shows, read as it comes (a pseudo-terminal's
	// master has no read deadline).
	shown := make(chan []byte)
	go func() {
		var b []byte
		buf := make([]byte, 256)
		for !bytes.Contains(b, []byte(endMark)) {
			n, err := master.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				break
			}
		}
		shown <- b
	}()
	errs := bufio.NewReader(stderr)
	const secret = "typed on the terminal"
	// Each prompt is printed after echo is off: answer it then.
	for _, prompt := range []string{"New passphrase", "The same passphrase again: "} {
		if err := readUntil(errs, prompt); err != nil {
			t.Fatalf("waiting for %q: %v", prompt, err)
		}
		if _, err := master.Write([]byte(secret + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	rest, _ := io.ReadAll(errs)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v\n%s%s", err, stdout.String(), rest)
	}
	// What the terminal showed, up to a mark written after the command
	// ended: no passphrase.
	if _, err := slave.Write([]byte(endMark + "\n")); err != nil {
		t.Fatal(err)
	}
	if b := <-shown; bytes.Contains(b, []byte(secret)) || !bytes.Contains(b, []byte(endMark)) {
		t.Errorf("the terminal showed %q", b)
	}
	after, err := getTermios(slave.Fd())
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag&syscall.ECHO == 0 {
		t.Error("the terminal does not echo after the passphrase was read")
	}
	// The identity opens with the passphrase typed.
	pass := filepath.Join(dir, "pass")
	os.WriteFile(pass, []byte(secret+"\n"), 0o600)
	if r := must(t, "init", "-state", state, "-shared", dir, "-name", "Trustee T", "-passphrase-file", pass); !strings.Contains(r.stdout, "already published, unchanged") {
		t.Errorf("init again:\n%s", r.stdout)
	}
}

// endMark is written on the terminal after the command ends.
const endMark = "end of the test"

// readUntil reads from r until it has read s.
func readUntil(r *bufio.Reader, s string) error {
	var got []byte
	for !bytes.HasSuffix(got, []byte(s)) {
		b, err := r.ReadByte()
		if err != nil {
			return fmt.Errorf("%v after %q", err, got)
		}
		got = append(got, b)
	}
	return nil
}

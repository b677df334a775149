package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/internal/digits"
)

// digitsArgs are the arguments of the seeded run of testdata/output.golden.
var digitsArgs = []string{"-voters", "60", "-trustees", "4", "-threshold", "3", "-seed", "g5"}

// buildCommand builds the command into a temporary folder and returns
// the path of its binary.
func buildCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "election")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestDigitsPersian runs the command as a process with -digits fa: the
// output is the golden file testdata/output-fa.golden, and it is the
// output of the same run without the flag (testdata/output.golden) with every
// number in Persian digits; the election's identifier and the record's
// path keep theirs. A value other than latin or fa exits with 2 and names
// the flag (there was no -digits flag before: it exited with 2 for an
// undefined flag).
func TestDigitsPersian(t *testing.T) {
	bin := buildCommand(t)
	out := filepath.Join(t.TempDir(), "rec")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, append(digitsArgs, "-digits", "fa", "-q", "-out", out)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	got := strings.ReplaceAll(stdout.String(), demo.AbsPath(out), "DIR")
	path := filepath.Join("testdata", "output-fa.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the output differs from %s (rewrite it with -update if the change is meant):\n%s", path, got)
	}
	plain, err := os.ReadFile(filepath.Join("testdata", "output.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if digits.ASCII(got) != string(plain) {
		t.Errorf("with its digits in ASCII, the output is not testdata/output.golden:\n%s", got)
	}
	if !strings.ContainsRune(got, '۱') || strings.ContainsAny(strings.NewReplacer("1404", "", "DIR", "").Replace(got), "0123456789") {
		t.Errorf("not every number has Persian digits:\n%s", got)
	}

	for _, bad := range []string{"ar", "FA", ""} {
		stderr.Reset()
		cmd := exec.Command(bin, "-digits", bad, "-q", "-out", filepath.Join(t.TempDir(), "r"))
		cmd.Stderr = &stderr
		var ee *exec.ExitError
		if err := cmd.Run(); !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("-digits %q: %v, want exit status 2", bad, err)
		}
		if !strings.Contains(stderr.String(), "invalid value \""+bad+"\" for flag -digits: \""+bad+"\" is not latin or fa") {
			t.Errorf("-digits %q: the message does not name the flag and its values:\n%s", bad, stderr.String())
		}
	}
}

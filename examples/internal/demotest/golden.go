// Package demotest holds what the examples' tests share; the examples'
// programs do not import it.
package demotest

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/examples/internal/demo"
)

// Golden runs an example's command (run, its main without os.Exit) with
// args and a fresh -out folder, and compares what it prints on standard
// output, with the record's path replaced by DIR, with the file
// testdata/name; with update it rewrites the file first. It returns the
// output.
func Golden(t *testing.T, run func(args []string, stdout, stderr io.Writer) int, update bool, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "rec")
	var stdout, stderr bytes.Buffer
	if code := run(append(args, "-q", "-out", out), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	return compareGolden(t, strings.ReplaceAll(stdout.String(), demo.AbsPath(out), "DIR"), name, update)
}

// compareGolden compares got with the file testdata/name, after rewriting
// the file with got if update is set, and returns got.
func compareGolden(t *testing.T, got, name string, update bool) string {
	t.Helper()
	if update {
		if err := os.WriteFile(filepath.Join("testdata", name), []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := readGolden(t, name); got != want {
		t.Errorf("the output differs from testdata/%s (rewrite it with -update if the change is meant):\n%s", name, got)
	}
	return got
}

// readGolden returns the content of the file testdata/name.
func readGolden(t *testing.T, name string) string {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(want)
}

// SeedReproducible runs the command three times with args and -seed
// "same", "same" and "other": the two runs with the same seed must print
// the same results (what comes before "Election record:") and write the
// same record, file for file, and the run with another seed must write
// each of the files changed differently.
func SeedReproducible(t *testing.T, run func(args []string, stdout, stderr io.Writer) int, args []string, changed []string) {
	t.Helper()
	var sums [3]map[string][sha256.Size]byte
	var res [3]string
	for i, seed := range []string{"same", "same", "other"} {
		var stdout, stderr bytes.Buffer
		out := filepath.Join(t.TempDir(), "rec")
		if code := run(append(args, "-seed", seed, "-q", "-out", out), &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		res[i], _, _ = strings.Cut(stdout.String(), "Election record:")
		var err error
		if sums[i], err = demo.FileSums(out); err != nil {
			t.Fatal(err)
		}
	}
	if res[0] != res[1] {
		t.Errorf("two runs with the same seed print different results:\n%s\n%s", res[0], res[1])
	}
	if len(sums[0]) < 10 {
		t.Fatalf("only %d files in the record", len(sums[0]))
	}
	if len(sums[1]) != len(sums[0]) {
		t.Errorf("%d files, then %d", len(sums[0]), len(sums[1]))
	}
	for name, s := range sums[0] {
		if sums[1][name] != s {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	for _, name := range changed {
		if _, ok := sums[0][name]; !ok {
			t.Errorf("no %s in the record", name)
		} else if sums[2][name] == sums[0][name] {
			t.Errorf("%s is the same with another seed", name)
		}
	}
}

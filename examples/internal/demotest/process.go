package demotest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// A Binary is an example's command built once per test binary, so that
// its tests run it as a process, as its users do. It is built with the tag
// sandogh_crashtest, which adds the crash points of package demo's
// OutDir.Commit (SANDOGH_DEMO_CRASH) and nothing else.
type Binary struct {
	// Name is the command's name; Pkg its package path relative to the
	// test's folder (usually ".").
	Name, Pkg string

	once sync.Once
	dir  string
	path string
	err  error
}

// Path returns the path of the built command, building it at the first
// call.
func (b *Binary) Path(t *testing.T) string {
	t.Helper()
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "sandogh-"+b.Name+"-"); b.err != nil {
			return
		}
		b.path = filepath.Join(b.dir, b.Name)
		cmd := exec.Command("go", "build", "-tags", "sandogh_crashtest", "-o", b.path, b.Pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// Cleanup removes the built command; TestMain calls it after the tests.
func (b *Binary) Cleanup() {
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
}

// A Result is what a run of a command printed, and its exit status (-1 if
// a signal killed it).
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run runs the command b with args in the folder dir, with the extra
// environment variables env ("NAME=value").
func (b *Binary) Run(t *testing.T, dir string, env []string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(b.Path(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	default:
		t.Fatalf("%s %v: %v", b.Name, args, err)
	}
	return r
}

// Snapshot returns the content of every file under dir, by slash path
// relative to dir, and "dir" for each folder; nil if dir does not exist.
func Snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		data, err := os.ReadFile(p)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// SameSnapshot reports whether a and b hold the same paths and contents,
// and names the first difference.
func SameSnapshot(a, b map[string]string) (bool, string) {
	for k, v := range a {
		if w, ok := b[k]; !ok {
			return false, k + " is gone"
		} else if w != v {
			return false, k + " changed"
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			return false, k + " appeared"
		}
	}
	return true, ""
}

// CompleteRecord reports whether dir holds a complete record as its index
// says: a SHA256SUMS that lists election.json and results.json, each
// listed file present with its SHA-256. It returns the record's
// election.json, which tells two records apart, or an empty string and
// why not.
func CompleteRecord(dir string) (string, string) {
	idx, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		return "", err.Error()
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(string(idx), "\n"), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			return "", "SHA256SUMS: bad line " + line
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return "", err.Error()
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
			return "", name + " does not match SHA256SUMS"
		}
		listed[name] = true
	}
	if !listed["election.json"] || !listed["results.json"] {
		return "", "the index does not list election.json and results.json"
	}
	e, _ := os.ReadFile(filepath.Join(dir, "election.json"))
	return string(e), ""
}

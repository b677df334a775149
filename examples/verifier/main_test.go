package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sandogh/sandogh/examples/election/guild"
)

var (
	once   sync.Once
	recDir string
	recErr error
)

// testRecord returns a small valid record, made once.
func testRecord(t *testing.T) string {
	once.Do(func() {
		dir, err := os.MkdirTemp("", "sandogh-verifier-test-")
		if err != nil {
			recErr = err
			return
		}
		recDir = filepath.Join(dir, "record")
		_, recErr = guild.Run(guild.Config{Voters: 20, Trustees: 3, Threshold: 2, Seed: "verifier", Out: recDir})
	})
	if recErr != nil {
		t.Fatal(recErr)
	}
	return recDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if recDir != "" {
		os.RemoveAll(filepath.Dir(recDir))
	}
	os.Exit(code)
}

func copyDir(t *testing.T, src string) string {
	dst := filepath.Join(t.TempDir(), "copy")
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestExitCodes(t *testing.T) {
	valid := testRecord(t)
	invalid := copyDir(t, valid)
	// Change a result count: the record is readable but invalid.
	p := filepath.Join(invalid, "results.json")
	data, _ := os.ReadFile(p)
	data = bytes.Replace(data, []byte(`"count": `), []byte(`"count": 1`), 1)
	os.WriteFile(p, data, 0o644)
	notRecord := t.TempDir()
	os.WriteFile(filepath.Join(notRecord, "hello.txt"), []byte("hi"), 0o644)

	for _, tc := range []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"valid", []string{"-q", valid}, 0, "VERDICT: the record is valid"},
		{"invalid", []string{"-q", invalid}, 1, "VERDICT: the record is INVALID"},
		{"missing folder", []string{"-q", filepath.Join(t.TempDir(), "nope")}, 2, ""},
		{"not a record", []string{"-q", notRecord}, 2, ""},
		{"no argument", nil, 2, ""},
		{"two arguments", []string{valid, valid}, 2, ""},
		{"bad flag", []string{"-bogus", valid}, 2, ""},
		{"help", []string{"-h"}, 0, ""},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tc.args, &stdout, &stderr); got != tc.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tc.want, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.out) {
				t.Errorf("stdout lacks %q:\n%s", tc.out, stdout.String())
			}
		})
	}
}

func TestOutput(t *testing.T) {
	valid := testRecord(t)
	var stdout, stderr bytes.Buffer
	if code := run([]string{valid}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for n := 1; n <= 15; n++ {
		if !strings.Contains(stdout.String(), fmt.Sprintf("\n%3d  ", n)) {
			t.Errorf("check %d is not printed:\n%s", n, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "verifying") {
		t.Errorf("no progress on standard error: %q", stderr.String())
	}

	// -json: one object with every check and a verdict.
	stdout.Reset()
	if code := run([]string{"-json", "-q", valid}, &stdout, &stderr); code != 0 {
		t.Fatalf("-json: exit %d", code)
	}
	var rep struct {
		Valid  bool `json:"valid"`
		Checks []struct {
			Check  int    `json:"check"`
			Name   string `json:"name"`
			Passed bool   `json:"passed"`
		} `json:"checks"`
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("-json output: %v\n%s", err, stdout.String())
	}
	if !rep.Valid || len(rep.Checks) != 15 || rep.Findings == nil {
		t.Errorf("-json report: %+v", rep)
	}
	for i, c := range rep.Checks {
		if c.Check != i+1 || c.Name == "" || !c.Passed {
			t.Errorf("-json check %d: %+v", i+1, c)
		}
	}

	// -h describes every flag.
	stderr.Reset()
	run([]string{"-h"}, &stdout, &stderr)
	for _, f := range []string{"-json", "-q", "-workers", "-max-findings", "Exit status"} {
		if !strings.Contains(stderr.String(), f) {
			t.Errorf("-h does not mention %s", f)
		}
	}
}

func TestInvalidJSONFindings(t *testing.T) {
	dir := copyDir(t, testRecord(t))
	os.WriteFile(filepath.Join(dir, "extra.txt"), []byte("x"), 0o644)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-json", "-q", dir}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var rep struct {
		Valid    bool `json:"valid"`
		Findings []struct {
			Check  int    `json:"check"`
			Name   string `json:"name"`
			File   string `json:"file"`
			Reason string `json:"reason"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Valid || len(rep.Findings) != 1 || rep.Findings[0].Check != 15 || rep.Findings[0].File != "extra.txt" || rep.Findings[0].Reason == "" {
		t.Errorf("findings %+v", rep.Findings)
	}
}

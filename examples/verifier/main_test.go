package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/council/council"
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
	for n := 1; n <= election.NumChecks; n++ {
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
	if !rep.Valid || len(rep.Checks) != election.NumChecks || rep.Findings == nil {
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

// TestCouncilRecord: the verifier accepts a council record and prints the
// verdict of every mix stage under check 17; a stage whose signature was
// changed is named, with its trustee and the check that rejected it.
func TestCouncilRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "council")
	if _, err := council.Run(council.Config{Voters: 30, Candidates: 25, Seats: 4, Mixers: 2, Trustees: 3, Threshold: 2, Seed: "verifier", Out: dir}); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-q", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d:\n%s", code, stdout.String())
	}
	for _, want := range []string{" 17  mixnet stages", `contest "council": 30 rows, 2 accepted stages required, complete`, "stage 0 (trustee 1): accepted", "stage 1 (trustee 2): accepted", " 20  results of codes contests"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	// A stage whose signature no longer verifies, listed in the index as if
	// it had been published so.
	p := filepath.Join(dir, "mixnet", "0", "stages", "1.bin")
	data, _ := os.ReadFile(p)
	data[len(data)-1] ^= 1
	os.WriteFile(p, data, 0o644)
	sums, _ := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	h := sha256.Sum256(data)
	var out []string
	for _, line := range strings.SplitAfter(string(sums), "\n") {
		if strings.HasSuffix(line, "  mixnet/0/stages/1.bin\n") {
			line = hex.EncodeToString(h[:]) + "  mixnet/0/stages/1.bin\n"
		}
		out = append(out, line)
	}
	os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(strings.Join(out, "")), 0o644)
	stdout.Reset()
	if code := run([]string{"-q", dir}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stdout.String())
	}
	for _, want := range []string{"NOT complete", "stage 1 (trustee 2): rejected by check signature", "checks 17, 18, 19 and 20 failed"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
}

// TestDisplaySpoofing: a record whose texts carry controls and
// right-to-left overrides (a contest identifier in election.json, the name
// of a stray file, a device identifier on a ballot line) cannot reorder or
// break the verifier's output: the record is invalid (exit 1), and the
// text and JSON reports hold no control or bidirectional character but the
// newlines that end their lines.
func TestDisplaySpoofing(t *testing.T) {
	dir := copyDir(t, testRecord(t))
	p := filepath.Join(dir, "election.json")
	data, _ := os.ReadFile(p)
	data = bytes.Replace(data, []byte(`"id": "board"`), []byte(`"id": "board\u202e\u2067 dilav si drocer ehT"`), 1)
	os.WriteFile(p, data, 0o644)
	if err := os.WriteFile(filepath.Join(dir, "notes\u202etxt.exe"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p = filepath.Join(dir, "ballots.jsonl")
	data, _ = os.ReadFile(p)
	data = bytes.Replace(data, []byte(`"device":"station-1"`), []byte(`"device":"station-1\u202e\n"`), 1)
	os.WriteFile(p, data, 0o644)
	for _, args := range [][]string{{"-q", "-max-findings", "0", dir}, {"-q", "-json", "-max-findings", "0", dir}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 1 {
			t.Fatalf("%v: exit %d, want 1\n%s", args, code, stderr.String())
		}
		for n, line := range strings.Split(stdout.String(), "\n") {
			for _, r := range line {
				if r == '\t' || r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029 ||
					r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
					t.Errorf("%v: line %d holds %U: %q", args, n+1, r, line)
					break
				}
			}
		}
		out := stdout.String()
		wants := []string{`notes\u202etxt.exe`, `board\u202e\u2067`}
		if args[1] == "-json" {
			// In JSON, a file name is a string whose characters are
			// escaped, and a reason quotes the identifier as Go does.
			wants = []string{`notes\u202etxt.exe`, `board\\u202e\\u2067`}
		}
		for _, want := range wants {
			if !strings.Contains(out, want) {
				t.Errorf("%v: the output does not show %s escaped", args, want)
			}
		}
		if args[1] == "-json" {
			var rep struct {
				Findings []struct{ File string } `json:"findings"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range rep.Findings {
				found = found || f.File == "notes\u202etxt.exe"
			}
			if !found {
				t.Error("the JSON report does not name the stray file exactly")
			}
		}
	}
}

// TestReportProse: one failed check is "check 3 failed", not "checks 3
// failed", and a cascade that needs one accepted stage says so in the
// singular.
func TestReportProse(t *testing.T) {
	rep := &election.Report{Dir: "rec",
		Checks:   []election.CheckResult{{Check: election.CheckKeys, Items: 1, Failures: 1}, {Check: election.CheckMixStages, Items: 1}},
		Cascades: []election.CascadeReport{{Contest: "council", Rows: 1, Required: 1, Complete: true}},
	}
	var b bytes.Buffer
	printReport(&b, rep, nil)
	for _, want := range []string{"Ballots: 0 cast, 0 challenged, 0 counted; device openings: 0\n", `contest "council": 1 row, 1 accepted stage required, complete`, "INVALID: check 3 failed."} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

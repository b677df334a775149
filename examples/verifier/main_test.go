package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/examples/election/guild"
	"github.com/sandogh/sandogh/internal/version"
)

// The tests run the verifier as a process: the binary is built once, into
// a temporary folder, by TestMain. VERIFIER_BINARY, if set, names another
// build to test instead (an older version, to see which tests it fails).
var (
	binary  string
	tempDir string
)

func TestMain(m *testing.M) {
	code := func() int {
		var err error
		tempDir, err = os.MkdirTemp("", "sandogh-verifier-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(tempDir)
		binary = os.Getenv("VERIFIER_BINARY")
		if binary == "" {
			binary = filepath.Join(tempDir, "verifier")
			cmd := exec.Command("go", "build", "-o", binary, ".")
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintln(os.Stderr, "building the verifier:", err)
				return 1
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}

// verifier runs the verifier with args and returns its standard output,
// its standard error and its exit status.
func verifier(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

var (
	guildOnce, councilOnce sync.Once
	guildDir, councilDir   string
	guildErr, councilErr   error
)

// testRecord returns a small valid guild record, made once; tests copy it
// before they change it.
func testRecord(t *testing.T) string {
	t.Helper()
	guildOnce.Do(func() {
		guildDir = filepath.Join(tempDir, "guild")
		_, guildErr = guild.Run(guild.Config{Voters: 20, Trustees: 3, Threshold: 2, Seed: "verifier", Out: guildDir})
	})
	if guildErr != nil {
		t.Fatal(guildErr)
	}
	return guildDir
}

// councilRecord returns a small valid council record, made once.
func councilRecord(t *testing.T) string {
	t.Helper()
	councilOnce.Do(func() {
		councilDir = filepath.Join(tempDir, "council")
		_, councilErr = council.Run(council.Config{Voters: 30, Candidates: 25, Seats: 4, Mixers: 2, Trustees: 3, Threshold: 2, Seed: "verifier", Out: councilDir})
	})
	if councilErr != nil {
		t.Fatal(councilErr)
	}
	return councilDir
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	// The copies are writable, whatever the source files' modes.
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// rehash rewrites the index of the record in dir so that it lists every
// file of listed (paths with forward slashes) with its current SHA-256, and
// nothing else.
func rehash(t *testing.T, dir string, listed []string) {
	t.Helper()
	slices.Sort(listed)
	var b strings.Builder
	for _, name := range listed {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h[:]), name)
	}
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// listed returns the files that the index of the record in dir lists.
func listed(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if _, name, ok := strings.Cut(line, "  "); ok {
			out = append(out, name)
		}
	}
	return out
}

// relisted rewrites the index of dir so that it lists the files it listed,
// with their current hashes.
func relisted(t *testing.T, dir string) { rehash(t, dir, listed(t, dir)) }

func editFile(t *testing.T, dir, name string, edit func([]byte) []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	out := edit(bytes.Clone(data))
	if bytes.Equal(out, data) {
		t.Fatalf("the edit left %s unchanged", name)
	}
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// report is the part of -json's report that the tests read.
type report struct {
	Verifier string `json:"verifier"`
	Record   string `json:"record"`
	Format   string `json:"format"`
	Election string `json:"election"`
	BaseHash string `json:"baseHash"`
	Checks   []struct {
		Check      int      `json:"check"`
		Name       string   `json:"name"`
		Verdict    string   `json:"verdict"`
		Items      int64    `json:"items"`
		Failures   int64    `json:"failures"`
		NotChecked []string `json:"notChecked"`
	} `json:"checks"`
	Findings []struct {
		Check  int    `json:"check"`
		File   string `json:"file"`
		Reason string `json:"reason"`
	} `json:"findings"`
	Results *struct {
		ElectionID string `json:"electionId"`
		Ballots    int    `json:"ballots"`
	} `json:"results"`
	Snapshot        bool   `json:"snapshot"`
	Valid           bool   `json:"valid"`
	Failed          []int  `json:"failed"`
	NotChecked      []int  `json:"notChecked"`
	ResultsVerified bool   `json:"resultsVerified"`
	Error           string `json:"error"`
	Since           *struct {
		Earlier  string `json:"earlier"`
		Findings []struct {
			File   string `json:"file"`
			Line   int    `json:"line"`
			Reason string `json:"reason"`
		} `json:"findings"`
	} `json:"since"`
}

func parseReport(t *testing.T, stdout string) *report {
	t.Helper()
	var r report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("-json output is not JSON: %v\n%s", err, stdout)
	}
	if r.Verifier != version.String() {
		t.Errorf("verifier %q, want %q", r.Verifier, version.String())
	}
	return &r
}

func TestExitCodes(t *testing.T) {
	valid := testRecord(t)
	invalid := copyDir(t, valid)
	// Change a result count: the record is readable but invalid.
	editFile(t, invalid, "results.json", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"count": `), []byte(`"count": 1`), 1)
	})
	notRecord := t.TempDir()
	os.WriteFile(filepath.Join(notRecord, "hello.txt"), []byte("hi"), 0o644)
	file := filepath.Join(notRecord, "hello.txt")

	for _, tc := range []struct {
		name string
		args []string
		want int
		out  string
	}{
		{"valid", []string{"-q", valid}, 0, "VERDICT: the record is valid"},
		{"invalid", []string{"-q", invalid}, 1, "VERDICT: the record is INVALID: checks 14 and 15 failed."},
		{"flags after the folder", []string{valid, "-q", "-max-findings", "5"}, 0, "VERDICT: the record is valid"},
		{"flags on both sides", []string{"-q", invalid, "-workers", "1"}, 1, "INVALID"},
		{"folder after --", []string{"-q", "--", valid}, 0, "VERDICT: the record is valid"},
		{"missing folder", []string{"-q", filepath.Join(t.TempDir(), "nope")}, 2, ""},
		{"not a record", []string{"-q", notRecord}, 2, ""},
		{"a file", []string{"-q", file}, 2, ""},
		{"no argument", nil, 2, ""},
		{"only flags", []string{"-q", "-json"}, 2, ""},
		{"two folders", []string{valid, valid}, 2, ""},
		{"two folders around a flag", []string{valid, "-q", valid}, 2, ""},
		{"bad flag", []string{"-bogus", valid}, 2, ""},
		{"bad flag after the folder", []string{valid, "-bogus"}, 2, ""},
		{"negative workers", []string{"-workers", "-1", valid}, 2, ""},
		{"max-findings below -1", []string{"-max-findings", "-2", valid}, 2, ""},
		{"-since without a value", []string{valid, "-since"}, 2, ""},
		{"-since of no record", []string{"-q", "-since", notRecord, valid}, 2, ""},
		{"help", []string{"-h"}, 0, ""},
		{"help after the folder", []string{valid, "-h"}, 0, ""},
		{"version", []string{"-version"}, 0, version.String() + "\n"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			stdout, stderr, code := verifier(t, tc.args...)
			if code != tc.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.want, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.out) {
				t.Errorf("stdout lacks %q:\n%s", tc.out, stdout)
			}
			if code == 2 && tc.name != "help" && !strings.Contains(stderr, "verifier: ") && !strings.Contains(stderr, "flag") {
				t.Errorf("exit 2 without a message: %q", stderr)
			}
		})
	}
}

// TestUsage: -h names every flag and the three exit statuses, and says
// what `go run` does to them; -version prints the version alone.
func TestUsage(t *testing.T) {
	stdout, stderr, code := verifier(t, "-h")
	if code != 0 || stdout != "" {
		t.Fatalf("-h: exit %d, stdout %q", code, stdout)
	}
	for _, want := range []string{"Usage: verifier [flags] DIR", "-json", "-since", "OLDDIR", "-q", "-workers", "-max-findings", "-version",
		"Exit status:", "\n  0  ", "\n  1  ", "\n  2  ", "go run", "after DIR"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("-h does not mention %q:\n%s", want, stderr)
		}
	}
	stdout, _, code = verifier(t, "-version", "some-folder")
	if code != 0 || stdout != version.String()+"\n" {
		t.Errorf("-version: exit %d, %q", code, stdout)
	}
}

// TestWhatWasVerified: after the checks, the verifier prints the election's
// identifier, base hash, record format and its own version, and the
// verified results as tally.Results.WriteText writes them; checks 16 to 20
// of an election without codes contests are "n/a", never "0 ok".
func TestWhatWasVerified(t *testing.T) {
	dir := testRecord(t)
	stdout, stderr, code := verifier(t, dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Results()
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	res.WriteText(&text)
	bh := e.BaseHash()
	for _, want := range []string{
		"  election     " + e.Manifest().ElectionID + "\n",
		"  base hash    " + hex.EncodeToString(bh[:]) + "\n",
		"  format       " + election.Format + "\n",
		"  verifier     " + version.String() + "\n",
		text.String(),
		"Main members",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stdout, "  written by   "+version.String()+"\n") {
		t.Errorf("the report does not name the software that wrote the record:\n%s", stdout)
	}
	// Every check is printed, 16 to 20 as not applicable (21 passes: the
	// stations closed).
	for n := 1; n <= election.NumChecks; n++ {
		line := lineOf(stdout, fmt.Sprintf("%3d  ", n))
		switch {
		case line == "":
			t.Errorf("check %d is not printed:\n%s", n, stdout)
		case n >= 16 && n <= 20 && (!strings.HasSuffix(line, "-  n/a (no codes contest)") || strings.Contains(line, "ok")):
			t.Errorf("check %d: %q, want n/a", n, line)
		case n == int(election.CheckPollBook) && !strings.HasSuffix(line, "-  n/a (no poll book summary)"):
			t.Errorf("check %d: %q, want n/a", n, line)
		case n == int(election.CheckRankedCounts) && !strings.HasSuffix(line, "-  n/a (no ranked contest)"):
			t.Errorf("check %d: %q, want n/a", n, line)
		case n == int(election.CheckListAllocation) && !strings.HasSuffix(line, "-  n/a (no list contest)"):
			t.Errorf("check %d: %q, want n/a", n, line)
		case (n < 16 || n > 20) && n < int(election.CheckPollBook) && !strings.HasSuffix(line, "  ok"):
			t.Errorf("check %d: %q, want ok", n, line)
		}
	}
	// The same in JSON.
	stdout, _, code = verifier(t, dir, "-json", "-q")
	if code != 0 {
		t.Fatalf("-json: exit %d", code)
	}
	rep := parseReport(t, stdout)
	if rep.Format != election.Format || rep.Election != e.Manifest().ElectionID || rep.BaseHash != hex.EncodeToString(bh[:]) ||
		rep.Results == nil || rep.Results.ElectionID != rep.Election || uint64(rep.Results.Ballots) != res.Ballots ||
		!rep.Valid || !rep.ResultsVerified || len(rep.Failed) != 0 || len(rep.NotChecked) != 0 {
		t.Errorf("-json report: %+v", rep)
	}
	if len(rep.Checks) != election.NumChecks {
		t.Fatalf("%d checks", len(rep.Checks))
	}
	for i, c := range rep.Checks {
		want := "passed"
		if c.Check >= 16 && c.Check <= 20 || c.Check >= int(election.CheckPollBook) {
			want = "not applicable"
		}
		if c.Check != i+1 || c.Name == "" || c.Verdict != want {
			t.Errorf("-json check %d: %+v, want %s", i+1, c, want)
		}
	}
}

// lineOf returns the first line of s that starts with prefix, or "".
func lineOf(s, prefix string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

// TestNotChecked: a check that cannot run because an input is unavailable
// is "not checked", with the reason, never "FAILED" and never "ok": with a
// devices.json that does not decode, check 4 fails (its file), check 1
// cannot recompute the base hash, and every check that needs the election
// is not checked. The record is invalid (exit 1), and the JSON report
// says the same, with Valid() false.
func TestNotChecked(t *testing.T) {
	dir := copyDir(t, testRecord(t))
	os.WriteFile(filepath.Join(dir, "devices.json"), []byte("nonsense\n"), 0o644)
	relisted(t, dir)
	stdout, stderr, code := verifier(t, "-q", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	for _, tc := range []struct {
		check int
		want  string
	}{
		{1, "-  not checked"},
		{3, "-  not checked"},
		{4, "FAILED (1)"},
		{6, "-  not checked"},
		{12, "-  not checked"},
		{16, "-  n/a (no codes contest)"}, // the manifest decodes
	} {
		line := lineOf(stdout, fmt.Sprintf("%3d  ", tc.check))
		if !strings.HasSuffix(line, tc.want) {
			t.Errorf("check %d: %q, want %q", tc.check, line, tc.want)
		}
	}
	for _, want := range []string{"       - not checked: the base hash cannot be recomputed without every input",
		"VERDICT: the record is INVALID: check 4 failed."} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "Main members") {
		t.Errorf("unverified results are shown:\n%s", stdout)
	}
	stdout, _, code = verifier(t, "-q", "-json", dir)
	rep := parseReport(t, stdout)
	if code != 1 || rep.Valid || rep.ResultsVerified || !slices.Equal(rep.Failed, []int{4}) || !slices.Contains(rep.NotChecked, 1) {
		t.Fatalf("exit %d, report %+v", code, rep)
	}
	for _, c := range rep.Checks {
		if c.Verdict == "not checked" && (len(c.NotChecked) == 0 || c.Failures != 0) {
			t.Errorf("check %d: %+v", c.Check, c)
		}
	}
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.Reason, "not checked") {
			t.Errorf("a finding says it is not checked: %+v", f)
		}
	}
}

// TestJSONUnreadable: -json prints one valid JSON object when the record
// cannot be read too, with the error, and exits with 2.
func TestJSONUnreadable(t *testing.T) {
	notRecord := t.TempDir()
	for _, args := range [][]string{
		{"-json", filepath.Join(t.TempDir(), "absent")},
		{"-json", notRecord},
		{notRecord, "-json", "-q"},
		{"-json", "-q", "-since", notRecord, testRecord(t)},
	} {
		stdout, stderr, code := verifier(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		rep := parseReport(t, stdout)
		if rep.Valid || rep.Error == "" || rep.Record == "" || rep.Checks != nil {
			t.Errorf("%v: %+v", args, rep)
		}
		if !strings.Contains(stderr, rep.Error) {
			t.Errorf("%v: stderr %q does not say %q", args, stderr, rep.Error)
		}
	}
}

// TestProgress: progress goes to standard error, and when that is not a
// terminal (here a pipe), as plain lines, without carriage returns or
// terminal escapes; -q prints none.
func TestProgress(t *testing.T) {
	dir := testRecord(t)
	_, stderr, code := verifier(t, dir)
	if code != 0 {
		t.Fatal(code)
	}
	if strings.ContainsAny(stderr, "\r\x1b") {
		t.Errorf("progress on a pipe smears: %q", stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) < 3 || lines[0] != "verifying parameters" || !slices.Contains(lines, "verifying ballots") || !strings.HasPrefix(lines[len(lines)-1], "verified in ") {
		t.Errorf("progress lines: %q", lines)
	}
	_, stderr, _ = verifier(t, "-q", dir)
	if stderr != "" {
		t.Errorf("-q printed %q", stderr)
	}
	if isTerminal(&bytes.Buffer{}) || isTerminal(os.NewFile(^uintptr(0), "none")) {
		t.Error("a buffer or a closed file is a terminal")
	}
}

func TestInvalidJSONFindings(t *testing.T) {
	dir := copyDir(t, testRecord(t))
	os.WriteFile(filepath.Join(dir, "extra.txt"), []byte("x"), 0o644)
	stdout, _, code := verifier(t, "-json", "-q", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	rep := parseReport(t, stdout)
	if rep.Valid || len(rep.Findings) != 1 || rep.Findings[0].Check != 15 || rep.Findings[0].File != "extra.txt" || rep.Findings[0].Reason == "" {
		t.Errorf("findings %+v", rep.Findings)
	}
}

// TestCouncilRecord: the verifier accepts a council record and prints the
// verdict of every mix stage under check 17; a stage whose signature was
// changed is named, with its trustee and the check that rejected it.
func TestCouncilRecord(t *testing.T) {
	dir := copyDir(t, councilRecord(t))
	stdout, _, code := verifier(t, "-q", dir)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
	for _, want := range []string{" 17  mixnet stages", `contest "council": 30 rows, 2 accepted stages required, complete`, "stage 0 (trustee 1): accepted", "stage 1 (trustee 2): accepted", " 20  results of codes contests", "mixed rows are not a valid ballot"} {
		if !strings.Contains(stdout, want) && !(want == "mixed rows are not a valid ballot" && strings.Contains(stdout, "mixed row")) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// A stage whose signature no longer verifies, listed in the index as if
	// it had been published so.
	editFile(t, dir, "mixnet/0/stages/1.bin", func(b []byte) []byte { b[len(b)-1] ^= 1; return b })
	relisted(t, dir)
	stdout, _, code = verifier(t, "-q", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stdout)
	}
	for _, want := range []string{"NOT complete", "stage 1 (trustee 2): rejected by check signature", "check 17 failed", " 18  decryption of mixed rows                    -  not checked"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
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
	editFile(t, dir, "election.json", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"id": "board"`), []byte(`"id": "board\u202e\u2067 dilav si drocer ehT"`), 1)
	})
	if err := os.WriteFile(filepath.Join(dir, "notes\u202etxt.exe"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	editFile(t, dir, "ballots.jsonl", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"device":"station-1"`), []byte(`"device":"station-1\u202e\n"`), 1)
	})
	for _, args := range [][]string{{"-q", "-max-findings", "0", dir}, {"-q", "-json", "-max-findings", "0", dir}} {
		stdout, stderr, code := verifier(t, args...)
		if code != 1 {
			t.Fatalf("%v: exit %d, want 1\n%s", args, code, stderr)
		}
		for n, line := range strings.Split(stdout, "\n") {
			for _, r := range line {
				if r == '\t' || r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029 ||
					r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
					t.Errorf("%v: line %d holds %U: %q", args, n+1, r, line)
					break
				}
			}
		}
		wants := []string{`notes\u202etxt.exe`, `board\u202e\u2067`}
		if args[1] == "-json" {
			// In JSON, a file name is a string whose characters are
			// escaped, and a reason quotes the identifier as Go does.
			wants = []string{`notes\u202etxt.exe`, `board\\u202e\\u2067`}
		}
		for _, want := range wants {
			if !strings.Contains(stdout, want) {
				t.Errorf("%v: the output does not show %s escaped", args, want)
			}
		}
		if args[1] == "-json" {
			rep := parseReport(t, stdout)
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
	rep := &election.Report{Dir: "rec", Software: "sandogh 0.1.9",
		Checks:   []election.CheckResult{{Check: election.CheckKeys, Verdict: election.Failed, Items: 1, Failures: 1}, {Check: election.CheckMixStages, Verdict: election.Passed, Items: 1}},
		Cascades: []election.CascadeReport{{Contest: "council", Rows: 1, Required: 1, Complete: true}},
	}
	var b bytes.Buffer
	printReport(&b, rep, nil, false)
	for _, want := range []string{"Ballots: 0 cast, 0 challenged, 0 refused, 0 counted; device openings: 0, closings: 0; incidents: 0\n", `contest "council": 1 row, 1 accepted stage required, complete`, "INVALID: check 3 failed.",
		"  written by   sandogh 0.1.9\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

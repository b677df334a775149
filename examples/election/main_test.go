package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demotest"
)

// TestElectionEndToEnd runs the example with few voters and checks that the
// verifier accepts the record it writes, and that it prints the results and
// the record's path.
func TestElectionEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rec")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-voters", "40", "-trustees", "4", "-threshold", "2", "-seed", "e2e", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	for _, want := range []string{"Main members\n", "Alternates\n", "Election record: ", out, "40 ballots cast"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "key ceremony") {
		t.Errorf("no progress on standard error:\n%s", stderr.String())
	}
	rep, err := election.Verify(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the record is invalid: %v", rep.Findings)
	}
	// A second run replaces the previous record with -force.
	stdout.Reset()
	if code := run([]string{"-voters", "5", "-q", "-force", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr.String())
	}
}

// TestWeightedEndToEnd runs the example's weighted election (-weighted) and
// checks that the verifier accepts its record, whose results carry the
// total weight and the unweighted counts.
func TestWeightedEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rec")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-weighted", "500", "-voters", "30", "-trustees", "3", "-threshold", "2", "-seed", "weighted", "-q", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "ballots counted, of total weight ") {
		t.Errorf("output lacks the weight:\n%s", stdout.String())
	}
	rep, err := election.Verify(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the record is invalid: %v", rep.Findings)
	}
	for _, f := range []string{"results.json", "tally/encrypted.json"} {
		data, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `"weight"`) {
			t.Errorf("%s has no total weight", f)
		}
	}
}

// TestSeedReproducible: two runs with the same -seed write the same record,
// byte for byte (every file's SHA-256, trustees' keys, shares and proofs
// included), and a run with another seed writes a different one.
func TestSeedReproducible(t *testing.T) {
	demotest.SeedReproducible(t, run, []string{"-voters", "30", "-trustees", "3", "-threshold", "2"}, []string{"trustees/roster.json", "election.json", "ballots.jsonl", "tally/encrypted.json"})
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden runs the command with args and compares its output with
// testdata/name (demotest.Golden).
func golden(t *testing.T, name string, args ...string) string {
	t.Helper()
	return demotest.Golden(t, run, *update, name, args...)
}

// TestOutputGolden: a seeded run prints the results as tally's
// Results.WriteText writes them, with its tie for the last main seat
// between the main members and the alternates (the old output printed the
// tied candidates after the alternates), and the summary.
func TestOutputGolden(t *testing.T) {
	golden(t, "output.golden", "-voters", "60", "-trustees", "4", "-threshold", "3", "-seed", "g5")
}

// TestOutputOne: with one voter and one absent trustee, counts of one are
// singular and lists of trustees are prose, not Go's slice syntax (the old
// output said "1 ballots cast", "1 votes" and "Trustee [2] was absent;
// trustees [1] decrypted the tally").
func TestOutputOne(t *testing.T) {
	got := golden(t, "output-one.golden", "-voters", "1", "-trustees", "2", "-threshold", "1", "-seed", "one")
	for _, bad := range []string{"[", "1 ballots", "1 votes"} {
		if strings.Contains(got, bad) {
			t.Errorf("the output holds %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"1 ballot counted", "1 ballot cast", " was absent; trustee "} {
		if !strings.Contains(got, want) {
			t.Errorf("the output lacks %q:\n%s", want, got)
		}
	}
}

// TestErrorNames: an error is printed with the command's name only, not
// with the name of the example's package ("election: guild: threshold 3
// …" before), and a flag error names the flags.
func TestErrorNames(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-trustees", "2", "-threshold", "3", "-q", "-out", filepath.Join(t.TempDir(), "r")}, &stdout, &stderr); code != 2 {
		t.Fatalf("exit %d", code)
	}
	if want := "election: -threshold 3: must be between 1 and 2, the number of trustees (-trustees 2)\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}

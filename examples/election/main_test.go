package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
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
	for _, want := range []string{"Main members:", "Alternates:", "Election record: ", out, "40 ballots cast"} {
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
	// A second run replaces the previous record.
	stdout.Reset()
	if code := run([]string{"-voters", "5", "-q", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr.String())
	}
}

func TestElectionFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-h"}, &stdout, &stderr); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
	for _, flag := range []string{"-voters", "-trustees", "-threshold", "-out", "-seed"} {
		if !strings.Contains(stderr.String(), flag) {
			t.Errorf("-h does not describe %s", flag)
		}
	}
	for _, args := range [][]string{{"-voters", "x"}, {"extra"}, {"-voters", "0"}} {
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	// n < t fails before anything is written.
	if code := run([]string{"-trustees", "2", "-threshold", "3", "-q", "-out", filepath.Join(t.TempDir(), "r")}, &stdout, &stderr); code != 1 {
		t.Errorf("threshold above n: exit %d, want 1", code)
	}
}

// TestSeedReproducible: two runs with the same -seed cast the same votes,
// so their results are the same (the trustees' keys, and so the
// ciphertexts, differ: package trustee draws them from crypto/rand).
func TestSeedReproducible(t *testing.T) {
	var res [2]string
	for i := range res {
		var stdout, stderr bytes.Buffer
		out := filepath.Join(t.TempDir(), "rec")
		if code := run([]string{"-voters", "30", "-trustees", "3", "-threshold", "2", "-seed", "same", "-q", "-out", out}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		// The printed results, without the record's path.
		res[i], _, _ = strings.Cut(stdout.String(), "Election record:")
	}
	if res[0] != res[1] {
		t.Errorf("two runs with the same seed differ:\n%s\n%s", res[0], res[1])
	}
}

package election_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
)

// sampleConfig is the election of the sample record in testdata/sample.
func sampleConfig(out string) guild.Config {
	return guild.Config{Voters: 10, Challenged: 1, RemoteVoters: 2, Revotes: 1, Trustees: 3, Threshold: 2, Seed: "sample record", TieBreakSeed: "sample record tie-break draw", Out: out}
}

// checkSampleRecord checks the sample record testdata/<name>: run, a
// seeded example, writes it again into the folder it is given, byte for
// byte (with -update, testdata/<name> is rewritten from it), and the
// verifier finds it valid. It returns the verifier's report.
func checkSampleRecord(t *testing.T, name string, run func(out string) error) *election.Report {
	t.Helper()
	dir := filepath.Join("testdata", name)
	fresh := filepath.Join(t.TempDir(), name)
	if err := run(fresh); err != nil {
		t.Fatal(err)
	}
	if *election.Update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(dir, os.DirFS(fresh)); err != nil {
			t.Fatal(err)
		}
	}
	want, got := recordFiles(t, dir), recordFiles(t, fresh)
	if len(want) != len(got) {
		t.Errorf("testdata/%s has files %v, the example writes %v (run with -update)", name, want, got)
	}
	for _, f := range got {
		a, err := os.ReadFile(filepath.Join(fresh, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Errorf("%v (run with -update)", err)
			continue
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from testdata/%s (run with -update)", f, name)
		}
	}
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the sample record testdata/%s is invalid: %v", name, rep.Findings)
	}
	return rep
}

// TestSampleRecord verifies the complete sample record in testdata/sample,
// a known-good record for independent verifiers, and checks that the
// seeded example makes it again byte for byte (-update rewrites it).
func TestSampleRecord(t *testing.T) {
	rep := checkSampleRecord(t, "sample", func(out string) error {
		_, err := guild.Run(sampleConfig(out))
		return err
	})
	if rep.Ballots.Challenged != 1 || rep.Ballots.Counted != 12 || rep.Ballots.Cast != 13 {
		t.Errorf("ballots %+v, want 1 challenged, 13 cast, 12 counted", rep.Ballots)
	}
}

// TestWeightedSampleRecord verifies the sample record of a weighted
// election in testdata/weighted-sample (a cooperative's board: 6 remote
// members with weights 1 … 1000, one of whom votes again), and checks that
// the seeded example makes it again byte for byte (-update rewrites it).
func TestWeightedSampleRecord(t *testing.T) {
	rep := checkSampleRecord(t, "weighted-sample", func(out string) error {
		_, err := guild.Run(guild.Config{Weighted: 1000, RemoteVoters: 6, Revotes: 1, Trustees: 3, Threshold: 2, Seed: "weighted sample record", Out: out})
		return err
	})
	if rep.Ballots.Counted != 6 || rep.Ballots.Cast != 7 {
		t.Errorf("ballots %+v, want 7 cast, 6 counted", rep.Ballots)
	}
}

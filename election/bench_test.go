package election_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
)

// benchRecord returns a record of n voters of the guild election (15
// candidates, vote for up to 7), cached in the temporary folder across runs
// because making it takes minutes; it is made again if it does not verify.
func benchRecord(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("sandogh-bench-record-v2-%d", n))
	if rep, err := election.Verify(dir, &election.Options{MaxFindings: 1}); err == nil && rep.Valid() {
		return dir
	}
	b.Logf("making a %d-ballot record in %s (once)", n, dir)
	if _, err := guild.Run(guild.Config{Voters: n, Seed: "benchmark", Out: dir}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkVerifyRecord verifies a whole record per iteration, on every
// core, and reports the throughput in ballots per second. The goal is 1,700
// ballots/s on 2 cores (a million ballots in under 10 minutes).
func BenchmarkVerifyRecord(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("ballots=%d", n), func(b *testing.B) {
			dir := benchRecord(b, n)
			var ballots int64
			b.ResetTimer()
			for b.Loop() {
				rep, err := election.Verify(dir, nil)
				if err != nil {
					b.Fatal(err)
				}
				if !rep.Valid() {
					b.Fatalf("invalid: %v", rep.Findings)
				}
				ballots = rep.Ballots.Cast + rep.Ballots.Challenged
			}
			b.ReportMetric(float64(ballots)*float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
		})
	}
}

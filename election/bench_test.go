package election_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/ballot"
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

// BenchmarkLookUp looks up, per iteration, the short code of a ballot near
// the end of a record's ballots.jsonl (both passes read almost all of it),
// and reports the megabytes of the file read per second.
func BenchmarkLookUp(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("ballots=%d", n), func(b *testing.B) {
			dir := benchRecord(b, n)
			lines := readLines(b, filepath.Join(dir, "ballots.jsonl"))
			bl, err := ballot.ParseBoxLine(bytes.TrimSuffix(lines[len(lines)-2], []byte("\n")))
			if err != nil || bl.Ballot == nil {
				b.Fatalf("line %d: %v", len(lines)-1, err)
			}
			c := bl.Ballot.ConfirmationCode()
			fi, err := os.Stat(filepath.Join(dir, "ballots.jsonl"))
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				l, err := election.LookUp(dir, ballot.ShortCode(c[:10]))
				if err != nil || len(l.Ballots) != 1 || !l.Passed() {
					b.Fatalf("%v, %d ballots", err, len(l.Ballots))
				}
			}
			b.ReportMetric(float64(fi.Size())*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
		})
	}
}

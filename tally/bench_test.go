package tally

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// boardManifest is the benchmark's election: one board contest of 15
// candidates, vote for up to 7.
func boardManifest() *ballot.Manifest {
	m := testManifest()
	m.Contests = m.Contests[:1]
	return m
}

// benchBallots returns n distinct cast ballots of boardManifest. Adding a
// ballot costs the same whatever it encrypts, so the benchmarks cycle
// through a few distinct ballots instead of encrypting 10,000.
func benchBallots(b *testing.B, f *fixture, n int) []*ballot.Ballot {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]*ballot.Ballot, n)
	for k := range out {
		v := ballot.Vote{"board": {}}
		for _, j := range rng.Perm(15)[:rng.IntN(8)] {
			v["board"][uint32(101+j)] = 1
		}
		out[k] = f.ballot(b, v, false)
	}
	return out
}

const benchBallotCount = 10000

// BenchmarkAggregate measures adding decoded ballots to an Aggregator, one
// goroutine, and on all cores with per-goroutine aggregators merged at the
// end. It reports ns per ballot.
func BenchmarkAggregate(b *testing.B) {
	f := newFixture(b, boardManifest(), 5, 3)
	ballots := benchBallots(b, f, 64)
	name := fmt.Sprintf("ballots=%d,board-15-choose-7", benchBallotCount)
	b.Run(name, func(b *testing.B) {
		for b.Loop() {
			a := NewAggregator(f.e)
			for k := range benchBallotCount {
				if err := a.Add(ballots[k%len(ballots)]); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBallotCount), "ns/ballot")
	})
	b.Run(name+",parallel", func(b *testing.B) {
		workers := runtime.GOMAXPROCS(0)
		for b.Loop() {
			parts := make([]*Aggregator, workers)
			var wg sync.WaitGroup
			for w := range parts {
				parts[w] = NewAggregator(f.e)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := w; k < benchBallotCount; k += workers {
						parts[w].Add(ballots[k%len(ballots)])
					}
				}()
			}
			wg.Wait()
			for _, p := range parts[1:] {
				parts[0].Merge(p)
			}
			if parts[0].Count() != benchBallotCount {
				b.Fatal("lost ballots")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBallotCount), "ns/ballot")
	})
}

// benchTally returns the tally of 10,000 board ballots.
func benchTally(b *testing.B, f *fixture) *EncryptedTally {
	ballots := benchBallots(b, f, 64)
	a := NewAggregator(f.e)
	for k := range benchBallotCount {
		a.Add(ballots[k%len(ballots)])
	}
	return a.Tally()
}

// BenchmarkDecryptTally measures Decrypt of a 10,000-ballot board tally
// with 3 of 5 trustees: verifying the three share lists, combining them and
// solving the 15 discrete logarithms.
func BenchmarkDecryptTally(b *testing.B) {
	f := newFixture(b, boardManifest(), 5, 3)
	tl := benchTally(b, f)
	lists := f.shareLists(b, tl, 1, 3, 4)
	for b.Loop() {
		if _, _, err := Decrypt(f.e, f.keys.result, tl, lists); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecryptShares measures one trustee's decryption shares of a
// board tally.
func BenchmarkDecryptShares(b *testing.B) {
	f := newFixture(b, boardManifest(), 5, 3)
	tl := benchTally(b, f)
	bh := f.e.BaseHash()
	for b.Loop() {
		if _, err := f.keys.shares[0].DecryptSharesUnchecked(bh[:], tl.Ciphertexts()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewResults measures ordering and seat allocation of the board
// contest with a tie-break seed.
func BenchmarkNewResults(b *testing.B) {
	m := boardManifest()
	m.TieBreakSeed = []byte("seed")
	counts := make([]uint64, 15)
	for j := range counts {
		counts[j] = uint64(j % 5)
	}
	totals := testTotals(m, map[string][]uint64{"board": counts})
	for b.Loop() {
		if _, err := NewResults(m, totals); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeRow measures the decoding and judging of one decrypted
// row of a council contest (400 candidates, up to 21 codes, one element),
// canonical-embedding check included, over 256 different valid rows.
func BenchmarkDecodeRow(b *testing.B) {
	c := ballot.Contest{ID: "council", Kind: ballot.CodeList, Limit: 21, Seats: 21, MixStages: 3}
	for code := uint32(1); code <= 400; code++ {
		c.Candidates = append(c.Candidates, ballot.Candidate{Code: code, Name: fmt.Sprint("x", code)})
	}
	d, err := NewRowDecoder(&c)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var rows [][]*group.Element
	for range 256 {
		codes := make([]uint32, 0, 21)
		for _, j := range rng.Perm(400)[:21] {
			codes = append(codes, uint32(j+1))
		}
		slices.Sort(codes)
		els, err := elgamal.PackCodes(codes, 21, 400)
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, els)
	}
	i := 0
	for b.Loop() {
		if r := d.Decode(rows[i%len(rows)]); r.Invalid != "" {
			b.Fatal(r.Reason)
		}
		i++
	}
}

package tally

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// BenchmarkAggregateWeighted measures adding 100,000 ballots of a board
// contest (15 candidates, vote for up to 7) to the Aggregator of a weighted
// election (weights 1 … 1000): the unweighted sums one ballot at a time and
// the weighted sums by batched multi-scalar multiplication. It cycles
// through 64 ballots of 64 voters, as BenchmarkAggregate does (adding costs
// the same whatever a ballot encrypts). Compare with BenchmarkAggregate,
// the unweighted election, and with group's BenchmarkScalarBaseMult (FBM).
func BenchmarkAggregateWeighted(b *testing.B) {
	f := newWeightedFixture(b, 64)
	f.fixture.e = weightedBoard(b, f)
	rng := rand.New(rand.NewPCG(1, 2))
	ballots := make([]*ballot.Ballot, len(f.creds))
	for k := range ballots {
		v := ballot.Vote{"board": {}}
		for _, j := range rng.Perm(15)[:rng.IntN(8)] {
			v["board"][uint32(101+j)] = 1
		}
		ballots[k] = f.cast(b, k, v)
	}
	const n = 100000
	b.Run(fmt.Sprintf("ballots=%d,board-15-choose-7,maxWeight=1000", n), func(b *testing.B) {
		for b.Loop() {
			a := NewAggregator(f.e)
			for k := range n {
				if err := a.Add(ballots[k%len(ballots)]); err != nil {
					b.Fatal(err)
				}
			}
			a.Tally()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/ballot")
	})
	// The worst case for the buckets: every ballot of another weight
	// (100,000 distinct weights), the weighted sums alone (no unweighted
	// sum, no Header or copy of the ciphertexts).
	cts := make([][][]*elgamal.Ciphertext, len(ballots))
	for k, bl := range ballots {
		cts[k] = [][]*elgamal.Ciphertext{bl.Ciphertexts(0)}
	}
	b.Run(fmt.Sprintf("ballots=%d,board-15-choose-7,distinct-weights,weighted-sums-only", n), func(b *testing.B) {
		for b.Loop() {
			a := NewAggregator(f.e)
			for k := range n {
				a.addWeighted(cts[k%len(cts)], uint32(k+1))
			}
			a.Tally()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/ballot")
	})
}

// weightedBoard returns the election of f with only its board contest.
func weightedBoard(b *testing.B, f *weightedFixture) *ballot.Election {
	m := f.e.Manifest()
	m.Contests = m.Contests[:1]
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: f.e.PublicKey(), VerificationKeys: f.e.VerificationKeys(), Threshold: f.e.Threshold(), Credentials: f.e.Credentials()})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkDLogWeighted measures the bounded discrete logarithm that a
// weighted tally needs: building the table for a bound (total weight ×
// largest value) and solving one total near the bound, the worst case.
func BenchmarkDLogWeighted(b *testing.B) {
	for _, bound := range []uint64{1e8, 1e10, 1e12} {
		b.Run(fmt.Sprintf("bound=%.0e", float64(bound)), func(b *testing.B) {
			M := elgamalPoint(bound - 1)
			for b.Loop() {
				t := elgamal.NewDLogTable(bound)
				if m, err := t.VarTimeSolve(M); err != nil || m != bound-1 {
					b.Fatal(m, err)
				}
			}
		})
	}
}

func elgamalPoint(m uint64) *group.Element {
	return new(group.Element).ScalarBaseMult(new(group.Scalar).SetUint64(m))
}

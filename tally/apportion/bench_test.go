package apportion

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// benchInput is a large election: 50 lists of 100 candidates (5,000 in
// all), 500 seats, counts of a large city.
func benchInput(m Method) *Input {
	rng := rand.New(rand.NewPCG(11, 12))
	in := &Input{Method: m, Seats: 500, Threshold: 100, Lists: make([]List, 50)}
	for i := range in.Lists {
		l := &in.Lists[i]
		l.Code = uint32(i + 1)
		l.Votes = rng.Uint64N(2_000_000)
		l.Candidates = make([]Candidate, 100)
		for k := range l.Candidates {
			l.Candidates[k] = Candidate{Code: uint32(1000*(i+1) + k), Votes: rng.Uint64N(50_000)}
		}
	}
	return in
}

// BenchmarkAllocate allocates 500 seats among 50 lists of 100 candidates.
func BenchmarkAllocate(b *testing.B) {
	for _, m := range Methods {
		b.Run(string(m), func(b *testing.B) {
			in := benchInput(m)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Allocate(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify is the verifier's work on the same election: decode the
// published JSON and Check it.
func BenchmarkVerify(b *testing.B) {
	for _, m := range []Method{DHondt, LargestRemainderHare} {
		b.Run(string(m), func(b *testing.B) {
			in := benchInput(m)
			r, err := Allocate(in)
			if err != nil {
				b.Fatal(err)
			}
			data, err := json.Marshal(r)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var got Result
				if err := got.UnmarshalJSON(data); err != nil {
					b.Fatal(err)
				}
				if err := Check(in, &got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

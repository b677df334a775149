package ranked

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// benchRows returns count rows for n candidates, generated
// deterministically: each ranking has a length uniform in 1..maxRanks, and
// its preferences are drawn by a Zipf law (s = 1.1) over the candidates,
// so that a few candidates are popular and most are not.
func benchRows(n, maxRanks, count int) []Ranking {
	rng := rand.New(rand.NewPCG(2026, 12))
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(n-1))
	flat := make([]int, 0, count*(maxRanks+1)/2)
	rows := make([]Ranking, count)
	seen := make([]bool, n)
	for i := range rows {
		k := 1 + rng.IntN(maxRanks)
		start := len(flat)
		for len(flat)-start < k {
			c := int(zipf.Uint64())
			if !seen[c] {
				seen[c] = true
				flat = append(flat, c)
			}
		}
		rows[i] = flat[start:len(flat):len(flat)]
		for _, c := range rows[i] {
			seen[c] = false
		}
	}
	return rows
}

// BenchmarkCountSTV counts 1,000,000 rows by the Scottish rules, 400
// candidates and 21 seats, rankings of 1..21 (the target of issue 13:
// under 60 s on 2 cores). Run it with -benchtime 1x.
func BenchmarkCountSTV(b *testing.B) {
	for _, rows := range []int{1000000} {
		b.Run("rows="+strconv.Itoa(rows), func(b *testing.B) {
			c := Contest{Candidates: 400, MaxRanks: 21, Seats: 21}
			data := benchRows(c.Candidates, c.MaxRanks, rows)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				k, err := CountSTV(c, data, nil)
				if err != nil {
					b.Fatal(err)
				}
				if k.Unresolved != nil || len(k.Elected) != c.Seats {
					b.Fatalf("unresolved %+v, %d elected", k.Unresolved, len(k.Elected))
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/count")
		})
	}
}

// BenchmarkCountMeek counts rows by Meek's method, 40 candidates and 5
// seats, rankings of 1..10: each round iterates over all distinct
// rankings until the surplus converges.
func BenchmarkCountMeek(b *testing.B) {
	for _, rows := range []int{100000} {
		b.Run("rows="+strconv.Itoa(rows), func(b *testing.B) {
			c := Contest{Candidates: 40, MaxRanks: 10, Seats: 5}
			data := benchRows(c.Candidates, c.MaxRanks, rows)
			lot := &Lot{Seed: []byte("bench")}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				k, err := CountMeek(c, data, lot)
				if err != nil {
					b.Fatal(err)
				}
				if len(k.Elected) != c.Seats {
					b.Fatalf("%d elected", len(k.Elected))
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/count")
		})
	}
}

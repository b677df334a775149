package pollbook

import (
	"crypto/ed25519"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/sandogh/sandogh/ballot"
)

const (
	benchVoters   = 1_000_000
	benchStations = 200
	benchPreload  = benchVoters / 2
	benchBatch    = 256
)

// benchBook is a central book of an election with a list of 1,000,000
// voters, half of whom have already voted (taken without signatures, to
// keep the setup short), shared by the runs of the benchmark.
var benchBook struct {
	once     sync.Once
	e        *ballot.Election
	ids      []string
	keys     []ed25519.PrivateKey
	c        *Central
	next     []uint64 // next sequence per station
	voter    uint64   // next voter
	perVoter float64  // heap bytes per marked voter
}

func setupBenchBook(b *testing.B) {
	benchBook.once.Do(func() {
		e, ids, keys := testElection(b, benchStations)
		ps := make([]Pseudonym, benchVoters)
		for i := range ps {
			ps[i] = pseudonymOf(uint64(i))
		}
		list, err := NewList("e", ps)
		if err != nil {
			b.Fatal(err)
		}
		c, err := OpenCentral(filepath.Join(b.TempDir(), "central"), CentralParams{Election: e, List: list})
		if err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		next := make([]uint64, benchStations)
		for v := range uint64(benchPreload) {
			s := v % benchStations
			next[s]++
			m := &Mark{Station: ids[s], Sequence: next[s], Pseudonym: ps[v]}
			if _, _, err := c.apply(m); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		benchBook.e, benchBook.ids, benchBook.keys, benchBook.c = e, ids, keys, c
		benchBook.next, benchBook.voter = next, benchPreload
		benchBook.perVoter = float64(after.HeapAlloc-before.HeapAlloc) / benchPreload
	})
}

// BenchmarkCentralMerge measures Central.Merge at 1,000,000 voters: signed
// marks of 200 stations, in batches of 256 (one write and one fsync per
// batch), each mark's signature verified. The marks are signed before the
// timer starts. Run it with a fixed count, e.g. -benchtime=50000x.
func BenchmarkCentralMerge(b *testing.B) {
	setupBenchBook(b)
	bb := &benchBook
	marks := make([]*Mark, b.N)
	for i := range marks {
		s := bb.voter % benchStations
		bb.next[s]++
		m := &Mark{Station: bb.ids[s], Sequence: bb.next[s], Pseudonym: pseudonymOf(bb.voter % benchVoters)}
		marks[i] = sign(bb.e, m, bb.keys[s])
		bb.voter++
	}
	b.ResetTimer()
	for i := 0; i < len(marks); i += benchBatch {
		r, err := bb.c.Merge(marks[i:min(i+benchBatch, len(marks))])
		if err != nil || r.Accepted != min(benchBatch, len(marks)-i) {
			b.Fatalf("%+v, %v", r, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "marks/s")
	b.ReportMetric(bb.perVoter, "heapB/voter")
}

// BenchmarkCentralReopen measures OpenCentral rereading a file of 20,000
// marks of 200 stations, every signature verified again (in parallel).
func BenchmarkCentralReopen(b *testing.B) {
	const n = 20000
	e, ids, keys := testElection(b, benchStations)
	ps := make([]Pseudonym, n)
	for i := range ps {
		ps[i] = pseudonymOf(uint64(i))
	}
	list, _ := NewList("e", ps)
	path := filepath.Join(b.TempDir(), "central")
	c, err := OpenCentral(path, CentralParams{Election: e, List: list})
	if err != nil {
		b.Fatal(err)
	}
	marks := make([]*Mark, n)
	for i := range marks {
		s := i % benchStations
		marks[i] = sign(e, &Mark{Station: ids[s], Sequence: uint64(i/benchStations + 1), Pseudonym: ps[i]}, keys[s])
	}
	if _, err := c.Merge(marks); err != nil {
		b.Fatal(err)
	}
	c.Close()
	b.ResetTimer()
	for b.Loop() {
		c, err := OpenCentral(path, CentralParams{Election: e, List: list})
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "marks/s")
}

// BenchmarkCentralMergeConcurrent measures Central.Merge at 1,000,000
// voters with 64 stations uploading one mark per call, concurrently, as
// online stations do after each voter: the calls share their fsyncs
// (group commit). Run it with a fixed count, e.g. -benchtime=20000x.
func BenchmarkCentralMergeConcurrent(b *testing.B) {
	const stations = 64
	setupBenchBook(b)
	bb := &benchBook
	marks := make([][]*Mark, stations)
	for i := range b.N {
		s := i % stations
		bb.next[s]++
		m := &Mark{Station: bb.ids[s], Sequence: bb.next[s], Pseudonym: pseudonymOf(bb.voter % benchVoters)}
		marks[s] = append(marks[s], sign(bb.e, m, bb.keys[s]))
		bb.voter++
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	for s := range stations {
		wg.Go(func() {
			for _, m := range marks[s] {
				if r, err := bb.c.Merge([]*Mark{m}); err != nil || r.Accepted != 1 {
					b.Errorf("%+v, %v", r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "marks/s")
}

package boxserver_test

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/fieldtest"
)

// BenchmarkBoxServer: many stations on the loopback interface, each
// submitting its board ballots (15 candidates, up to 7) one per request,
// each after the answer to the one before, to a box that verifies every
// ballot's proofs and makes it durable (fsync, on the disk of TMPDIR)
// before it answers. The ballots are encrypted before the timer starts,
// so the figure measures the box and its network path. It reports the
// throughput (ballots/s), the p50 and p99 acknowledgement latencies (ms),
// and the peak heap in use during the run above the heap before it
// (the server's memory, garbage included; the stations' pre-encrypted
// ballots are in the base), the live heap the box keeps per ballot, and
// the process's CPU time per ballot (server and stations),
// which shows what the throughput would be on idle cores when the
// machine is shared. The stations send each ballot with its decoding hints
// (ballot.Ballot.DecodingHints), computed before the timer as a station
// computes them when the ballot is cast, on its own device.
//
//	go test ./ballot/boxserver -run '^$' -bench BoxServer -benchtime 6000x
//
// BENCH_WORKERS=n in the environment sets Config.Workers (default 1).
func BenchmarkBoxServer(b *testing.B) {
	for _, n := range []int{64} {
		b.Run(fmt.Sprintf("stations=%d", n), func(b *testing.B) { benchBoxServer(b, n) })
	}
}

func benchBoxServer(b *testing.B, stations int) {
	f, err := fieldtest.New(stations)
	if err != nil {
		b.Fatal(err)
	}
	w := &world{f: f, dir: b.TempDir()}
	w.path = w.dir + "/ballots.jsonl"
	box, err := ballot.OpenBox(w.path, f.E)
	if err != nil {
		b.Fatal(err)
	}
	defer box.Close()
	srv := newServerForBench(f, box)
	defer srv.Close()
	hs := newBenchLoopback(srv)
	defer hs.Close()

	// Each station's chain, encrypted on all cores before the timer, with
	// the ballots' decoding hints, which a station computes when a ballot
	// is cast, on its own device.
	per := (b.N + stations - 1) / stations
	chains := make([][]*ballot.Ballot, stations)
	hints := make([][][]byte, stations)
	openings := make([]*ballot.DeviceOpening, stations)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range stations {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			d, o, err := ballot.OpenDevice(f.E, f.IDs[i], f.Keys[f.IDs[i]], time.Unix(1700000000, 0))
			if err != nil {
				b.Error(err)
				return
			}
			openings[i] = o
			r := mrand.New(mrand.NewPCG(uint64(i), 1))
			for range per {
				p, err := d.EncryptBallot(fieldtest.Vote(r))
				if err != nil {
					b.Error(err)
					return
				}
				bl, err := d.Cast(p)
				if err != nil {
					b.Error(err)
					return
				}
				chains[i] = append(chains[i], bl)
				hints[i] = append(hints[i], bl.DecodingHints())
			}
		}()
	}
	wg.Wait()
	ctx := context.Background()
	transport := &http.Transport{MaxIdleConnsPerHost: stations}
	for i := range stations {
		c := w.clientAt(hs.URL, f.IDs[i])
		c.HTTP = &http.Client{Transport: transport}
		if _, err := c.Open(ctx, openings[i]); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	base := heapInUse()
	peak := base
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				peak = max(peak, heapInUse())
			}
		}
	}()
	lat := make([][]time.Duration, stations)
	b.ResetTimer()
	cpu0 := processCPU()
	start := time.Now()
	for i := range stations {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := w.clientAt(hs.URL, f.IDs[i])
			c.HTTP = &http.Client{Transport: transport}
			for k, bl := range chains[i] {
				if i*per+k >= b.N {
					return
				}
				t0 := time.Now()
				a, err := c.SubmitHinted(ctx, []*ballot.Ballot{bl}, hints[i][k:k+1])
				if err != nil {
					b.Error(err)
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
				if a.Results[0].Outcome != "accepted" {
					b.Errorf("ballot %s: %+v", bl.ID(), a.Results[0])
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	b.StopTimer()
	close(stop)
	<-sampled
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "ballots/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(peak-base)/(1<<20), "peak-heap-MB")
	// What the box keeps: the live heap after a collection, above the
	// base (the stations' ballots are still referenced in both).
	runtime.GC()
	kept := int64(heapInUse()) - int64(base)
	runtime.KeepAlive(chains)
	runtime.KeepAlive(hints)
	b.ReportMetric(float64(kept)/float64(len(all)), "kept-B/ballot")
	if cpu > 0 {
		// The process's CPU time per ballot: the server's, plus the
		// stations' signing of requests and reading of answers.
		b.ReportMetric(float64(cpu.Microseconds())/float64(len(all)), "cpu-µs/ballot")
	}
	b.ReportMetric(0, "ns/op")
}

func heapInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

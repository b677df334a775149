package boxserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/internal/fieldtest"
)

// BenchmarkBoxServer: many stations on the loopback interface, each
// submitting its board ballots (15 candidates, up to 7) one per request,
// each after the answer to the one before, to a box that verifies every
// ballot's proofs and makes it durable (fsync, on the disk of TMPDIR)
// before it answers. The stations' work is done before the timer starts:
// the ballots are encrypted, with their decoding hints
// (ballot.Ballot.DecodingHints), and each request's body is encoded and
// signed by its device (the request signature of docs/spec.md) as a
// station does on its own device, so the figure measures the box and its
// network path: the server reads, authenticates, decodes, verifies and
// syncs each request, and the stations' HTTP clients send it and read the
// answer. BenchmarkBoxServerClient is the same load sent through
// Client.SubmitHinted, which encodes and signs each request in the timed
// part, as a station in the box's process would.
//
// Both report the throughput (ballots/s), the p50 and p99 acknowledgement
// latencies (ms), the peak heap in use during the run above the heap
// before it (the server's memory, garbage included; the stations'
// pre-built requests are in the base), the live heap the box keeps per
// ballot, and the process's CPU time per ballot (server and stations'
// clients), which shows what the throughput would be on idle cores when
// the machine is shared.
//
//	go test ./ballot/boxserver -run '^$' -bench BoxServer -benchtime 6000x
//
// BENCH_WORKERS=n in the environment sets Config.Workers (default 1).
func BenchmarkBoxServer(b *testing.B) {
	for _, n := range []int{64} {
		b.Run(fmt.Sprintf("stations=%d", n), func(b *testing.B) { benchBoxServer(b, n, true) })
	}
}

// BenchmarkBoxServerClient is BenchmarkBoxServer with each request encoded
// and signed in the timed part, by Client.SubmitHinted.
func BenchmarkBoxServerClient(b *testing.B) {
	for _, n := range []int{64} {
		b.Run(fmt.Sprintf("stations=%d", n), func(b *testing.B) { benchBoxServer(b, n, false) })
	}
}

// benchBoxServer runs the load; presigned builds and signs the requests
// before the timer.
func benchBoxServer(b *testing.B, stations int, presigned bool) {
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
	reqs := make([][]signedRequest, stations)
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
				h := bl.DecodingHints()
				chains[i] = append(chains[i], bl)
				hints[i] = append(hints[i], h)
				if presigned {
					reqs[i] = append(reqs[i], presign(f, f.IDs[i], bl, h))
				}
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
				var a *boxserver.Answer
				var err error
				if presigned {
					a, err = reqs[i][k].send(ctx, c.HTTP, hs.URL)
				} else {
					a, err = c.SubmitHinted(ctx, []*ballot.Ballot{bl}, hints[i][k:k+1])
				}
				if err == nil && (len(a.Results) != 1 || a.Results[0].Code != bl.ConfirmationCode()) {
					err = fmt.Errorf("the answer is not ballot %s's: %+v", bl.ID(), a)
				}
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
	runtime.KeepAlive(reqs)
	b.ReportMetric(float64(kept)/float64(len(all)), "kept-B/ballot")
	if cpu > 0 {
		// The process's CPU time per ballot: the server's, plus the
		// stations' HTTP clients (and their encoding and signing of the
		// requests when they are not presigned).
		b.ReportMetric(float64(cpu.Microseconds())/float64(len(all)), "cpu-µs/ballot")
	}
	b.ReportMetric(0, "ns/op")
}

func heapInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A signedRequest is a ballot submission encoded and signed beforehand.
type signedRequest struct {
	body   []byte
	header http.Header
}

// presign encodes and signs the submission of b with its hints by device
// id, as Client.SubmitHinted does.
func presign(f *fieldtest.Election, id string, b *ballot.Ballot, hints []byte) signedRequest {
	body := boxserver.EncodeBallotsForTest([]*ballot.Ballot{b}, [][]byte{hints})
	h := http.Header{}
	h.Set("Content-Type", "application/octet-stream")
	boxserver.SignHeadersForTest(h, f.E.BaseHash(), id, f.Keys[id], "/v1/ballots", b.Header().Sequence, body)
	return signedRequest{body, h}
}

// send posts the request to the server at url and decodes its answer.
func (r signedRequest) send(ctx context.Context, hc *http.Client, url string) (*boxserver.Answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/ballots", bytes.NewReader(r.body))
	if err != nil {
		return nil, err
	}
	req.Header = r.header
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", resp.Status, data)
	}
	a := new(boxserver.Answer)
	if err := json.Unmarshal(data, a); err != nil {
		return nil, err
	}
	return a, nil
}

package boxserver_test

import (
	"context"
	"crypto/ed25519"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/internal/fieldtest"
)

// world is an election, a box in a temporary folder, and its server on
// the loopback interface.
type world struct {
	f    *fieldtest.Election
	dir  string
	path string
	box  *ballot.Box
	srv  *boxserver.Server
	http *httptest.Server

	mu     sync.Mutex
	events []boxserver.Event
}

func newWorld(t *testing.T, devices int) *world {
	t.Helper()
	f, err := fieldtest.New(devices)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{f: f, dir: t.TempDir()}
	w.path = filepath.Join(w.dir, "ballots.jsonl")
	w.start(t)
	t.Cleanup(func() { w.stop(t) })
	return w
}

// start opens the box and serves it.
func (w *world) start(t *testing.T) {
	t.Helper()
	box, err := ballot.OpenBox(w.path, w.f.E)
	if err != nil {
		t.Fatal(err)
	}
	w.box = box
	w.srv = boxserver.New(w.f.E, box, boxserver.Config{Log: func(e boxserver.Event) {
		w.mu.Lock()
		w.events = append(w.events, e)
		w.mu.Unlock()
	}})
	w.http = httptest.NewServer(w.srv)
}

// stop stops the server and closes the box (again: a no-op).
func (w *world) stop(t *testing.T) {
	if w.http == nil {
		return
	}
	w.http.Close()
	w.srv.Close()
	if err := w.box.Close(); err != nil {
		t.Error(err)
	}
	w.http = nil
}

func (w *world) client(id string) *boxserver.Client {
	return w.clientAt(w.http.URL, id)
}

func (w *world) clientAt(url, id string) *boxserver.Client {
	return &boxserver.Client{URL: url, HTTP: &http.Client{Timeout: 20 * time.Second}, Device: id, Key: w.f.Keys[id], BaseHash: w.f.E.BaseHash()}
}

// chain returns device id's opening and n cast ballots (every fifth one
// challenged).
func (w *world) chain(t testing.TB, id string, n int, seed uint64) (*ballot.DeviceOpening, []*ballot.Ballot) {
	t.Helper()
	d, o, err := ballot.OpenDevice(w.f.E, id, w.f.Keys[id], time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	r := mrand.New(mrand.NewPCG(seed, 7))
	var out []*ballot.Ballot
	for i := range n {
		p, err := d.EncryptBallot(fieldtest.Vote(r))
		if err != nil {
			t.Fatal(err)
		}
		var b *ballot.Ballot
		if i%5 == 4 {
			b, err = d.Challenge(p)
		} else {
			b, err = d.Cast(p)
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return o, out
}

var _ = ed25519.PublicKey(nil)
var _ = context.Background

// newLoopback serves h on the loopback interface until the test ends and
// returns its URL.
func newLoopback(t *testing.T, h http.Handler) string {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

func newServerForBench(f *fieldtest.Election, box *ballot.Box) *boxserver.Server {
	return boxserver.New(f.E, box, boxserver.Config{Workers: benchWorkers()})
}

func newBenchLoopback(h http.Handler) *httptest.Server { return httptest.NewServer(h) }

// benchWorkers is the Config.Workers of the benchmark's server: the
// environment's BENCH_WORKERS, or 0 (the default, one worker).
func benchWorkers() int {
	n, _ := strconv.Atoi(os.Getenv("BENCH_WORKERS"))
	return n
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/ballot/station"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/examples/internal/demotest"
	"github.com/sandogh/sandogh/internal/fieldtest"
)

var (
	bin      = &demotest.Binary{Name: "ballotbox", Pkg: "."}
	stBin    = &demotest.Binary{Name: "station", Pkg: "../station"}
	verifier = &demotest.Binary{Name: "verifier", Pkg: "../verifier"}
)

func TestMain(m *testing.M) {
	code := m.Run()
	bin.Cleanup()
	stBin.Cleanup()
	verifier.Cleanup()
	os.Exit(code)
}

// server is a running "ballotbox serve" process.
type server struct {
	cmd    *exec.Cmd
	url    string
	out    *bytes.Buffer
	mu     *sync.Mutex
	exited chan struct{}
	// drained is closed once the server's standard output is copied
	// into out, to its end.
	drained chan struct{}
}

type lockedBuffer struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (l lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// startServer starts "ballotbox serve" on addr and waits until it listens.
func startServer(t *testing.T, dir, addr string, extra ...string) *server {
	t.Helper()
	args := append([]string{"serve", "-election", dir, "-addr", addr, "-q"}, extra...)
	cmd := exec.Command(bin.Path(t), args...)
	pr, pw, _ := os.Pipe()
	s := &server{cmd: cmd, out: new(bytes.Buffer), mu: new(sync.Mutex), exited: make(chan struct{}), drained: make(chan struct{})}
	cmd.Stdout = pw
	cmd.Stderr = lockedBuffer{s.mu, s.out}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	go func() { cmd.Wait(); close(s.exited) }()
	found := make(chan string, 1)
	go func() {
		defer close(s.drained)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			lockedBuffer{s.mu, s.out}.Write([]byte(line + "\n"))
			if u, ok := strings.CutPrefix(line, "listening on "); ok {
				found <- u
			}
		}
	}()
	select {
	case s.url = <-found:
	case <-s.exited:
		t.Fatalf("ballotbox serve exited: %s", s.output())
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("ballotbox serve did not listen within a minute: %s", s.output())
	}
	t.Cleanup(func() { s.kill() })
	return s
}

func (s *server) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// kill kills the server with SIGKILL (kill -9) and waits for it.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// stop stops the server with SIGTERM and returns its exit status.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(60 * time.Second):
		t.Fatal("ballotbox serve did not stop within a minute of SIGTERM")
	}
	// What it printed last (the poll book's summary, the box's counts)
	// may still be in the pipe.
	select {
	case <-s.drained:
	case <-time.After(10 * time.Second):
		t.Fatal("the output of ballotbox serve did not end within 10 s of its exit")
	}
	return s.cmd.ProcessState.ExitCode()
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// setupElection runs "ballotbox setup" into a new folder.
func setupElection(t *testing.T, seed string, stations int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rec")
	r := bin.Run(t, "", nil, "setup", "-out", dir, "-seed", seed, "-stations", fmt.Sprint(stations), "-trustees", "3")
	if r.Code != 0 {
		t.Fatalf("setup: %d %s", r.Code, r.Stderr)
	}
	return dir
}

// boxBallots reads a box file and returns its ballots' lines per ballot
// identifier, and the last sequence number per device.
func boxBallots(t *testing.T, path string) (map[string]int, map[string]uint64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	tips := map[string]uint64{}
	// A torn last line (no newline) was never acknowledged: the box
	// drops it when it opens the file again.
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	for i, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		l, err := ballot.ParseBoxLine(line)
		if err != nil {
			t.Fatalf("box line %d: %v", i+1, err)
		}
		if l.Ballot != nil {
			ids[l.Ballot.ID()]++
			h := l.Ballot.Header()
			if h.Sequence != tips[h.Device]+1 {
				t.Fatalf("box line %d: %s after sequence %d", i+1, l.Ballot.ID(), tips[h.Device])
			}
			tips[h.Device] = h.Sequence
		}
	}
	return ids, tips
}

// TestKillServerDuringUploads: stations upload through their Run loops
// while the box's server process is killed with SIGKILL at random moments
// and started again on the same box file. Every ballot acknowledged to a
// station is in the box, no ballot is there twice, every chain is whole,
// and once the stations are done each one's chain ends in the box where it
// ends at the station.
func TestKillServerDuringUploads(t *testing.T) {
	dir := setupElection(t, "kill", 3)
	addr := freeAddr(t)
	srv := startServer(t, dir, addr)
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	seeds := demo.Seeds{Tag: seedTag, Seed: "kill"}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ids := []string{"station-1", "station-2", "station-3"}
	var mu sync.Mutex
	acked := map[string]uint64{} // the highest tip acknowledged to each station
	stations := make([]*station.Station, len(ids))
	runs := make(chan error, len(ids))
	runCtx, stopRuns := context.WithCancel(ctx)
	for i, id := range ids {
		st, err := station.Open(t.TempDir(), e, id, seeds.StationKey(id), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		stations[i] = st
		c := &boxserver.Client{URL: srv.url, HTTP: &http.Client{Timeout: 20 * time.Second}, Device: id, Key: seeds.StationKey(id), BaseHash: e.BaseHash()}
		go func() {
			runs <- st.Run(runCtx, c, station.Backoff{Base: 10 * time.Millisecond, Max: 300 * time.Millisecond, Idle: 100 * time.Millisecond}, func(rep station.SyncReport, err error) {
				mu.Lock()
				acked[id] = max(acked[id], rep.Tip.Sequence)
				mu.Unlock()
			})
		}()
	}
	// The voters vote at each station while the server dies three times.
	rng := mrand.New(mrand.NewPCG(5, 5))
	var wg sync.WaitGroup
	for i, st := range stations {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := mrand.New(mrand.NewPCG(uint64(i), 77))
			for range 30 {
				p, err := st.Encrypt(fieldtest.Vote(r))
				if err == nil {
					_, err = st.Cast(p)
				}
				if err != nil {
					t.Error(err)
					return
				}
				time.Sleep(time.Duration(r.IntN(30)) * time.Millisecond)
			}
		}()
	}
	kills := 0
	for range 3 {
		time.Sleep(time.Duration(150+rng.IntN(400)) * time.Millisecond)
		srv.kill()
		kills++
		srv = startServer(t, dir, addr)
	}
	wg.Wait()
	// Every outbox empties.
	for {
		left := 0
		for _, st := range stations {
			n, _ := st.Outbox()
			left += n
		}
		if left == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d ballots still unsent", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopRuns()
	for range ids {
		if err := <-runs; !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited with %d: %s", code, srv.output())
	}
	lines, tips := boxBallots(t, filepath.Join(dir, "ballots.jsonl"))
	for id, n := range lines {
		if n != 1 {
			t.Errorf("%s is %d times in the box", id, n)
		}
	}
	for i, id := range ids {
		seq, _ := stations[i].Tip()
		if tips[id] != seq {
			t.Errorf("%s: the box's chain ends at %d, the station's at %d", id, tips[id], seq)
		}
		if acked[id] > tips[id] {
			t.Errorf("%s: ballot %d was acknowledged, the box holds up to %d", id, acked[id], tips[id])
		}
	}
	if len(lines) != 90 {
		t.Fatalf("%d ballots in the box, want 90", len(lines))
	}
	t.Logf("server killed %d times", kills)
}

// TestSecondServer: a second server on the same box fails at once, saying
// the box is open, and the first one serves on.
func TestSecondServer(t *testing.T) {
	dir := setupElection(t, "second", 1)
	srv := startServer(t, dir, "127.0.0.1:0")
	r := bin.Run(t, "", nil, "serve", "-election", dir, "-addr", "127.0.0.1:0")
	if r.Code != exitFailed || !strings.Contains(r.Stderr, "already open") {
		t.Fatalf("a second server: exit %d, %s", r.Code, r.Stderr)
	}
	resp, err := http.Get(srv.url + "/v1/tip?device=station-1")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the first server after the second's attempt: %v", err)
	}
	resp.Body.Close()
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve: %d", code)
	}
}

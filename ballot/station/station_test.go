package station_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/ballot/station"
	"github.com/sandogh/sandogh/internal/fieldtest"
	"github.com/sandogh/sandogh/internal/forge"
)

var day = time.Date(2026, 6, 12, 8, 0, 0, 0, time.UTC)

// box is a ballot box served on the loopback interface, which a test can
// restart.
type box struct {
	f    *fieldtest.Election
	path string
	b    *ballot.Box
	srv  *boxserver.Server
	hs   *httptest.Server
}

func startBox(t *testing.T, f *fieldtest.Election, path string) *box {
	t.Helper()
	b, err := ballot.OpenBox(path, f.E)
	if err != nil {
		t.Fatal(err)
	}
	x := &box{f: f, path: path, b: b}
	x.srv = boxserver.New(f.E, b, boxserver.Config{})
	x.hs = httptest.NewServer(x.srv)
	return x
}

func (x *box) stop() {
	x.hs.Close()
	x.srv.Close()
	x.b.Close()
}

func (x *box) addr() string { return strings.TrimPrefix(x.hs.URL, "http://") }

func client(f *fieldtest.Election, url, id string) *boxserver.Client {
	return &boxserver.Client{URL: url, HTTP: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}},
		Device: id, Key: f.Keys[id], BaseHash: f.E.BaseHash()}
}

// vote has a voter vote at st: cast, or challenged when challenge.
func vote(t *testing.T, st *station.Station, r *mrand.Rand, challenge bool) *ballot.Ballot {
	t.Helper()
	p, err := st.Encrypt(fieldtest.Vote(r))
	if err != nil {
		t.Fatal(err)
	}
	var b *ballot.Ballot
	if challenge {
		b, err = st.Challenge(p)
	} else {
		b, err = st.Cast(p)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// boxLines returns the box file's ballot lines per ballot identifier.
func boxLines(t *testing.T, path string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		l, err := ballot.ParseBoxLine(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if l.Ballot != nil {
			out[l.Ballot.ID()]++
		}
	}
	return out
}

// TestOfflineThenSync: a station votes with the box unreachable, keeps
// every ballot in its outbox, and sends them all, in order, once the box
// is up; the box's tip is then the station's.
func TestOfflineThenSync(t *testing.T) {
	f, err := fieldtest.New(1)
	if err != nil {
		t.Fatal(err)
	}
	st, err := station.Open(t.TempDir(), f.E, "station-1", f.Keys["station-1"], day)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := mrand.New(mrand.NewPCG(1, 1))
	for i := range 7 {
		vote(t, st, r, i == 3)
	}
	ctx := context.Background()
	// Nobody listens at this address.
	dead := client(f, "http://127.0.0.1:1", "station-1")
	if _, err := st.Sync(ctx, dead); err == nil {
		t.Fatal("Sync with no box succeeded")
	}
	if n, opened := st.Outbox(); n != 7 || opened {
		t.Fatalf("outbox %d, opened %v", n, opened)
	}
	x := startBox(t, f, filepath.Join(t.TempDir(), "ballots.jsonl"))
	defer x.stop()
	rep, err := st.Sync(ctx, client(f, x.hs.URL, "station-1"))
	if err != nil {
		t.Fatal(err)
	}
	seq, tip := st.Tip()
	if rep.Sent != 7 || rep.Accepted != 7 || rep.Tip.Sequence != 7 || seq != 7 || rep.Tip.Code != tip {
		t.Fatalf("report %+v, station tip %d", rep, seq)
	}
	if n, opened := st.Outbox(); n != 0 || !opened {
		t.Fatalf("outbox %d after the sync", n)
	}
	if c := st.Counts(); c.Cast != 6 || c.Challenged != 1 || c.Acknowledged != 7 {
		t.Fatalf("counts %+v", c)
	}
}

// TestRestartMidDay: a station restarted with a ballot pending (the
// voter had not decided) challenges it, resumes its chain and its outbox,
// and the box accepts the whole chain; a second Open of the same folder
// fails while the first is open.
func TestRestartMidDay(t *testing.T) {
	f, _ := fieldtest.New(1)
	dir := t.TempDir()
	st, err := station.Open(dir, f.E, "station-1", f.Keys["station-1"], day)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := station.Open(dir, f.E, "station-1", f.Keys["station-1"], day); err == nil {
		t.Fatal("a second Open of an open station")
	}
	r := mrand.New(mrand.NewPCG(2, 2))
	x := startBox(t, f, filepath.Join(t.TempDir(), "ballots.jsonl"))
	defer x.stop()
	c := client(f, x.hs.URL, "station-1")
	vote(t, st, r, false)
	vote(t, st, r, false)
	if _, err := st.Sync(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	vote(t, st, r, false)
	p, err := st.Encrypt(fieldtest.Vote(r))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Encrypt(fieldtest.Vote(r)); err == nil {
		t.Fatal("a second ballot while one is pending")
	}
	// The power goes: nothing is closed properly; the pending ballot's
	// seed is on disk.
	if _, err := os.Stat(filepath.Join(dir, "pending.json")); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = station.Open(dir, f.E, "station-1", f.Keys["station-1"], day.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Cast(p); err == nil {
		t.Fatal("the ballot pending before the restart was cast after it")
	}
	if _, err := os.Stat(filepath.Join(dir, "pending.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("pending.json after the restart: %v", err)
	}
	seq, _ := st.Tip()
	if seq != 4 {
		t.Fatalf("tip %d after the restart, want 4 (the pending ballot challenged)", seq)
	}
	if n, _ := st.Outbox(); n != 2 {
		t.Fatalf("outbox %d after the restart, want ballots 3 and 4", n)
	}
	vote(t, st, r, false)
	rep, err := st.Sync(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 3 || rep.Tip.Sequence != 5 {
		t.Fatalf("report %+v", rep)
	}
	if c := st.Counts(); c.Cast != 4 || c.Challenged != 1 {
		t.Fatalf("counts %+v", c)
	}
	if got := boxLines(t, x.path); len(got) != 5 {
		t.Fatalf("box holds %v", got)
	}
}

// TestTornLog: a log whose last line was torn by a crash opens without
// it (it was never acknowledged to a voter); a damaged line inside the
// log is an error naming it.
func TestTornLog(t *testing.T) {
	f, _ := fieldtest.New(1)
	dir := t.TempDir()
	st, err := station.Open(dir, f.E, "station-1", f.Keys["station-1"], day)
	if err != nil {
		t.Fatal(err)
	}
	r := mrand.New(mrand.NewPCG(3, 3))
	vote(t, st, r, false)
	vote(t, st, r, false)
	st.Close()
	path := filepath.Join(dir, "station.jsonl")
	data, _ := os.ReadFile(path)
	lines := bytes.SplitAfter(data, []byte("\n"))
	torn := append(bytes.Join(lines[:len(lines)-2], nil), lines[len(lines)-2][:100]...)
	os.WriteFile(path, torn, 0o600)
	st, err = station.Open(dir, f.E, "station-1", f.Keys["station-1"], day)
	if err != nil {
		t.Fatal(err)
	}
	if seq, _ := st.Tip(); seq != 1 {
		t.Fatalf("tip %d after a torn last ballot", seq)
	}
	st.Close()
	bad := bytes.Join([][]byte{lines[0], lines[1], []byte("{\"ballot\":{}}\n"), lines[2]}, nil)
	os.WriteFile(path, bad, 0o600)
	if _, err := station.Open(dir, f.E, "station-1", f.Keys["station-1"], day); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("a damaged line 3: %v", err)
	}
}

// TestStationsThroughFaults: three stations vote while a proxy on the
// loopback interface drops, delays, duplicates and reorders their
// requests, the network goes down for a while, the box is restarted
// (closed and opened on its file again) and one station is restarted;
// every station keeps syncing with backoff. At the end each ballot is in
// the box exactly once, each station's chain ends in the box where it
// ends at the station, and the box counts every cast ballot.
func TestStationsThroughFaults(t *testing.T) {
	f, _ := fieldtest.New(3)
	boxPath := filepath.Join(t.TempDir(), "ballots.jsonl")
	x := startBox(t, f, boxPath)
	p, err := fieldtest.NewProxy(x.addr(), 42)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	backoff := station.Backoff{Base: 5 * time.Millisecond, Max: 200 * time.Millisecond, Idle: 100 * time.Millisecond}
	perStation := 24
	dirs := make([]string, 3)
	var (
		mu       sync.Mutex
		stations = make([]*station.Station, 3)
		cast     int
	)
	run := func(i int) (context.CancelFunc, chan error) {
		id := f.IDs[i]
		sctx, scancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		mu.Lock()
		st := stations[i]
		mu.Unlock()
		go func() { done <- st.Run(sctx, client(f, p.URL(), id), backoff, nil) }()
		return scancel, done
	}
	cancels := make([]context.CancelFunc, 3)
	dones := make([]chan error, 3)
	for i := range 3 {
		dirs[i] = t.TempDir()
		st, err := station.Open(dirs[i], f.E, f.IDs[i], f.Keys[f.IDs[i]], day.Add(time.Duration(i)*time.Hour)) // skewed clocks
		if err != nil {
			t.Fatal(err)
		}
		stations[i] = st
		cancels[i], dones[i] = run(i)
	}
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := mrand.New(mrand.NewPCG(uint64(i), 9))
			for k := range perStation {
				mu.Lock()
				st := stations[i]
				mu.Unlock()
				b := vote(t, st, r, k%6 == 5)
				if b.State() == ballot.Cast {
					mu.Lock()
					cast++
					mu.Unlock()
				}
				time.Sleep(time.Duration(r.IntN(20)) * time.Millisecond)
				if i == 2 && k == perStation/2 {
					// Station 3 restarts.
					cancels[i]()
					<-dones[i]
					mu.Lock()
					stations[i].Close()
					st, err := station.Open(dirs[i], f.E, f.IDs[i], f.Keys[f.IDs[i]], day)
					if err != nil {
						mu.Unlock()
						t.Error(err)
						return
					}
					stations[i] = st
					mu.Unlock()
					cancels[i], dones[i] = run(i)
				}
			}
		}()
	}
	time.Sleep(150 * time.Millisecond)
	p.SetDown(true) // the link goes down
	time.Sleep(300 * time.Millisecond)
	p.SetDown(false)
	time.Sleep(100 * time.Millisecond)
	x.stop() // the box restarts
	x = startBox(t, f, boxPath)
	p.SetTarget(x.addr())
	wg.Wait()
	defer x.stop()
	// Wait until every outbox is empty.
	for {
		empty := true
		mu.Lock()
		for _, st := range stations {
			if n, _ := st.Outbox(); n > 0 {
				empty = false
			}
		}
		mu.Unlock()
		if empty {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the stations did not sync within the time allowed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := range 3 {
		cancels[i]()
		if err := <-dones[i]; !errors.Is(err, context.Canceled) {
			t.Errorf("station %d: Run returned %v", i+1, err)
		}
	}
	// Each station closes; its counts, some of whose verdicts it learned
	// from the box's lookup after answers the proxy dropped, are the box's.
	for i, st := range stations {
		if _, err := st.CloseChain(day.Add(12*time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Sync(ctx, client(f, x.hs.URL, f.IDs[i])); err != nil {
			t.Fatalf("station %d's closing: %v", i+1, err)
		}
		if _, accepted := st.Closed(); !accepted {
			t.Fatalf("station %d: the box did not accept the closing", i+1)
		}
	}
	lines := boxLines(t, boxPath)
	for id, n := range lines {
		if n != 1 {
			t.Errorf("ballot %s is %d times in the box", id, n)
		}
	}
	total := 0
	for i, st := range stations {
		seq, tip := st.Tip()
		bseq, bcode, ok := x.b.Tip(f.IDs[i])
		if !ok || bseq != seq || bcode != tip {
			t.Errorf("station %d: its tip %d, the box's %d", i+1, seq, bseq)
		}
		total += int(seq)
		st.Close()
	}
	if len(lines) != total {
		t.Fatalf("%d ballots in the box, the stations made %d", len(lines), total)
	}
	// Station 3's restart may have challenged a pending ballot: it is not
	// a vote, so the box counts at least the ballots cast by the voters.
	if got := len(x.b.Counted()); got != cast {
		t.Fatalf("the box counts %d ballots, the voters cast %d", got, cast)
	}
	t.Logf("proxy: passed %d, delayed %d, dropped before %d, dropped answer %d, duplicated %d, refused while down %d",
		p.Passed.Load(), p.Delayed.Load(), p.DroppedBefore.Load(), p.DroppedAnswer.Load(), p.Duplicated.Load(), p.Refused.Load())
	if p.DroppedAnswer.Load() == 0 || p.Duplicated.Load() == 0 || p.Refused.Load() == 0 {
		t.Fatal("the proxy did not exercise every fault")
	}
	_ = fmt.Sprint
}

// TestClockSkew: stations whose clocks are days ahead of or behind the
// box's open and send their ballots: the box takes no time from a device
// (the opening's time is informational) and requests carry none.
func TestClockSkew(t *testing.T) {
	f, _ := fieldtest.New(2)
	x := startBox(t, f, filepath.Join(t.TempDir(), "ballots.jsonl"))
	defer x.stop()
	r := mrand.New(mrand.NewPCG(4, 4))
	for i, skew := range []time.Duration{72 * time.Hour, -72 * time.Hour} {
		id := f.IDs[i]
		st, err := station.Open(t.TempDir(), f.E, id, f.Keys[id], time.Now().Add(skew))
		if err != nil {
			t.Fatal(err)
		}
		vote(t, st, r, false)
		rep, err := st.Sync(context.Background(), client(f, x.hs.URL, id))
		if err != nil || rep.Accepted != 1 {
			t.Fatalf("skew %v: %+v, %v", skew, rep, err)
		}
		st.Close()
	}
}

// TestLogWithBadProof: a ballot of the log whose proof does not verify (a
// damaged or tampered log, not a torn write: its line decodes) makes Open
// fail, naming its line, even as the last line.
func TestLogWithBadProof(t *testing.T) {
	f, _ := fieldtest.New(1)
	dir := t.TempDir()
	st, err := station.Open(dir, f.E, "station-1", f.Keys["station-1"], day)
	if err != nil {
		t.Fatal(err)
	}
	r := mrand.New(mrand.NewPCG(8, 8))
	vote(t, st, r, false)
	b := vote(t, st, r, false)
	st.Close()
	bad, err := forge.CorruptProof(f.E, b, f.Keys["station-1"])
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := bad.MarshalJSON()
	path := filepath.Join(dir, "station.jsonl")
	data, _ := os.ReadFile(path)
	lines := bytes.SplitAfter(data, []byte("\n"))
	lines[3] = append(append([]byte(`{"ballot":`), raw...), "}\n"...)
	os.WriteFile(path, bytes.Join(lines, nil), 0o600)
	if _, err := station.Open(dir, f.E, "station-1", f.Keys["station-1"], day); err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("a log with a bad proof on line 4: %v", err)
	}
}

// TestRestartPendingBlank: a blank ballot (a contest given no marks, or a
// nil map) left pending by a restart is challenged like any other.
func TestRestartPendingBlank(t *testing.T) {
	f, _ := fieldtest.New(1)
	dir := t.TempDir()
	st, err := station.Open(dir, f.E, "station-1", f.Keys["station-1"], day)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Encrypt(ballot.Vote{"board": nil}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = station.Open(dir, f.E, "station-1", f.Keys["station-1"], day)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if c := st.Counts(); c.Challenged != 1 {
		t.Fatalf("counts %+v", c)
	}
}

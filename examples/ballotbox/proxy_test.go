package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandogh/sandogh/internal/fieldtest"
)

// TestProcessesThroughProxy: station processes reach the box's server
// process through a proxy on the loopback interface that drops, delays,
// duplicates and reorders their requests, and the server is killed with
// SIGKILL mid-day and started again behind the proxy. Every station ends
// with every ballot in the box and its chain closed; no ballot is in the
// box twice; the record verifies.
func TestProcessesThroughProxy(t *testing.T) {
	dir := setupElection(t, "proxy", 2)
	addr := freeAddr(t)
	srv := startServer(t, dir, addr)
	p, err := fieldtest.NewProxy(strings.TrimPrefix(srv.url, "http://"), 7)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var runs []*exec.Cmd
	var outs []*bytes.Buffer
	for _, id := range []string{"station-1", "station-2"} {
		cmd := exec.Command(stBin.Path(t), "-election", dir, "-seed", "proxy", "-server", p.URL(), "-device", id, "-state", t.TempDir(),
			"-voters", "15", "-challenged", "2", "-day", "1500ms", "-drain", "90s", "-q")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		runs, outs = append(runs, cmd), append(outs, &out)
	}
	time.Sleep(800 * time.Millisecond)
	srv.kill()
	srv = startServer(t, dir, addr)
	for i, cmd := range runs {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("station %d: %v\n%s", i+1, err, outs[i])
		}
		if out := outs[i].String(); !strings.Contains(out, "0 not sent") || !strings.Contains(out, "closed, the box holds the closing") {
			t.Fatalf("station %d: %s", i+1, out)
		}
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve: %d %s", code, srv.output())
	}
	lines, tips := boxBallots(t, filepath.Join(dir, "ballots.jsonl"))
	for id, n := range lines {
		if n != 1 {
			t.Errorf("%s is %d times in the box", id, n)
		}
	}
	if tips["station-1"] != 17 || tips["station-2"] != 17 {
		t.Fatalf("the box's chains end at %v, want 17 ballots each", tips)
	}
	t.Logf("proxy: passed %d, delayed %d, dropped before %d, dropped answer %d, duplicated %d",
		p.Passed.Load(), p.Delayed.Load(), p.DroppedBefore.Load(), p.DroppedAnswer.Load(), p.Duplicated.Load())
	if r := bin.Run(t, "", nil, "tally", "-election", dir, "-seed", "proxy"); r.Code != 0 || !strings.Contains(r.Stdout, "30 ballots counted") {
		t.Fatalf("tally: %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
	if v := verifier.Run(t, "", nil, dir); v.Code != 0 {
		t.Fatalf("verifier: %d\n%s", v.Code, v.Stdout)
	}
}

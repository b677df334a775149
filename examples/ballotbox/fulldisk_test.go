//go:build linux

package main

import (
	"context"
	"errors"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/ballot/station"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/internal/fieldtest"
)

// mountSmall mounts a tmpfs of size bytes on a new folder, for a disk that
// fills up for real; it skips the test where mounting is not allowed.
func mountSmall(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.Itoa(size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a small tmpfs for a full disk (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// TestFullDisk: the box's file is on a disk that fills up during the day.
// The box answers the ballots it could not write with an error (503 to
// the station, which keeps them and tries again), says so, refuses
// everything after, and loses nothing it acknowledged. Once space is
// freed and the server restarted, the box reopens (dropping a torn last
// line) and the station sends the rest.
func TestFullDisk(t *testing.T) {
	disk := mountSmall(t, 1<<20)
	dir := setupElection(t, "full", 1)
	boxPath := filepath.Join(disk, "ballots.jsonl")
	// A filler leaves about 120 KB free: room for a few ballots.
	filler := filepath.Join(disk, "filler")
	if err := os.WriteFile(filler, make([]byte, 1<<20-120<<10), 0o600); err != nil && !errors.Is(err, syscall.ENOSPC) {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	srv := startServer(t, dir, addr, "-box", boxPath)
	r, _ := election.Open(dir)
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	seeds := demo.Seeds{Tag: seedTag, Seed: "full"}
	st, err := station.Open(t.TempDir(), e, "station-1", seeds.StationKey("station-1"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := &boxserver.Client{URL: srv.url, HTTP: &http.Client{Timeout: 20 * time.Second}, Device: "station-1", Key: seeds.StationKey("station-1"), BaseHash: e.BaseHash()}
	ctx := context.Background()
	rng := mrand.New(mrand.NewPCG(1, 2))
	var acked uint64
	var fullErr error
	for i := 0; i < 200 && fullErr == nil; i++ {
		p, err := st.Encrypt(fieldtest.Vote(rng))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Cast(p); err != nil {
			t.Fatal(err)
		}
		rep, err := st.Sync(ctx, c)
		if err != nil {
			fullErr = err
			break
		}
		acked = rep.Tip.Sequence
	}
	var se *boxserver.StatusError
	if !errors.As(fullErr, &se) || se.StatusCode != http.StatusServiceUnavailable || !se.Temporary() {
		t.Fatalf("the disk never filled, or the answer was not 503: %v", fullErr)
	}
	if !strings.Contains(se.Message, "no space left") {
		t.Errorf("the answer does not say the disk is full: %s", se.Message)
	}
	// The box now refuses everything, even a repeat of a ballot it has.
	if _, err := st.Sync(ctx, c); !errors.As(err, &se) || se.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a broken box answered %v", err)
	}
	if !strings.Contains(srv.output(), "cannot write") {
		t.Errorf("the server did not say it cannot write: %s", srv.output())
	}
	srv.kill()
	_, tips := boxBallots(t, boxPath)
	if tips["station-1"] < acked || acked == 0 {
		t.Fatalf("%d ballots acknowledged, the full disk holds %d", acked, tips["station-1"])
	}
	// Space is freed; the box opens again and the station catches up.
	os.Remove(filler)
	srv = startServer(t, dir, addr, "-box", boxPath)
	rep, err := st.Sync(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	seq, _ := st.Tip()
	if rep.Tip.Sequence != seq {
		t.Fatalf("after the restart the box holds %d of %d", rep.Tip.Sequence, seq)
	}
	srv.stop(t)
	lines, _ := boxBallots(t, boxPath)
	for id, n := range lines {
		if n != 1 {
			t.Errorf("%s is %d times in the box", id, n)
		}
	}
	t.Logf("the disk filled after %d ballots; %d in the box at the end", acked, len(lines))
}

package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWholeElection runs an election as its users would, every part a
// process on the loopback interface: setup with a poll book; the box's
// server; three stations, one of them offline for part of the day (it
// syncs later, and two of its voters had voted at station 1: double votes)
// and one killed with SIGKILL mid-day and started again on its own folder;
// the server stopped at the close; the tally; and the verifier, which
// must accept the record.
func TestWholeElection(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	book := filepath.Join(t.TempDir(), "book")
	if r := bin.Run(t, "", nil, "setup", "-out", dir, "-seed", "whole", "-trustees", "3", "-pollbook", book, "-registry", "100"); r.Code != 0 {
		t.Fatalf("setup: %s", r.Stderr)
	}
	srv := startServer(t, dir, "127.0.0.1:0", "-pollbook", book)
	common := []string{"-election", dir, "-seed", "whole", "-server", srv.url, "-voters", "12", "-challenged", "2", "-day", "1500ms", "-drain", "60s", "-q", "-pollbook", book}
	type run struct {
		cmd *exec.Cmd
		out *bytes.Buffer
	}
	start := func(device, state string, extra ...string) run {
		args := append(append([]string{"-device", device, "-state", state}, common...), extra...)
		cmd := exec.Command(stBin.Path(t), args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return run{cmd, &out}
	}
	states := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	s1 := start("station-1", states[0])
	s2 := start("station-2", states[1], "-offline", "0.0-0.7", "-double", "2")
	s3 := start("station-3", states[2])
	time.Sleep(700 * time.Millisecond)
	s3.cmd.Process.Signal(syscall.SIGKILL) // the station's power goes
	s3.cmd.Wait()
	s3 = start("station-3", states[2])
	for i, r := range []run{s1, s2, s3} {
		if err := r.cmd.Wait(); err != nil {
			t.Fatalf("station %d: %v\n%s", i+1, err, r.out)
		}
		if !strings.Contains(r.out.String(), "0 not sent") {
			t.Fatalf("station %d: %s", i+1, r.out)
		}
	}
	if !strings.Contains(s3.out.String(), "resumed after ballot") {
		t.Logf("station 3 was killed before its first ballot: %s", s3.out)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited with %d: %s", code, srv.output())
	}
	if out := srv.output(); !strings.Contains(out, "36 ballots count") || !strings.Contains(out, "34 voters marked, 2 double votes") {
		t.Fatalf("the box does not count 36 ballots of 34 voters: %s", out)
	}
	r := bin.Run(t, "", nil, "tally", "-election", dir, "-seed", "whole")
	if r.Code != 0 || !strings.Contains(r.Stdout, "36 ballots counted") {
		t.Fatalf("tally: %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	v := verifier.Run(t, "", nil, filepath.Clean(dir))
	if v.Code != 0 || !strings.Contains(v.Stdout, "the record is valid") {
		t.Fatalf("verifier: %d\n%s\n%s", v.Code, v.Stdout, v.Stderr)
	}
}

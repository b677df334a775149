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
// process on the loopback interface: setup; the box's server; three
// stations, one of them offline for part of the day (it syncs later) and
// one killed with SIGKILL mid-day and started again on its own folder; the
// server stopped at the close; the tally; and the verifier, which must
// accept the record.
func TestWholeElection(t *testing.T) {
	dir := setupElection(t, "whole", 3)
	srv := startServer(t, dir, "127.0.0.1:0")
	common := []string{"-election", dir, "-seed", "whole", "-server", srv.url, "-voters", "12", "-challenged", "2", "-day", "1500ms", "-drain", "60s", "-q"}
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
	s2 := start("station-2", states[1], "-offline", "0.1-0.7")
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
	if !strings.Contains(srv.output(), "36 ballots count") {
		t.Fatalf("the box does not count 36 ballots: %s", srv.output())
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

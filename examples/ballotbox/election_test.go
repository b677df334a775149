package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWholeElection runs an election as its users would, every part a
// process on the loopback interface: setup with a poll book; the box's
// server; three stations, one of them offline for part of the day (it
// syncs later, and two of its voters had voted at station 1: double votes;
// its officials record the outage) and one whose device is killed with
// SIGKILL mid-day and replaced by the spare of its polling station (an
// official records the replacement); every device closes its chain; the
// server stopped at the close; the tally, which puts the poll book's
// summary in the record; and the verifier, which must accept the record,
// closings, incident logs and the poll book's summary included.
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
	states := []string{t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()}
	s1 := start("station-1", states[0], "-no-id", "1")
	s2 := start("station-2", states[1], "-offline", "0.0-0.7", "-double", "2")
	s3 := start("station-3", states[2])
	time.Sleep(700 * time.Millisecond)
	s3.cmd.Process.Signal(syscall.SIGKILL) // the device fails
	s3.cmd.Wait()
	spare := start("spare-1", states[3], "-replaces", "station-3", "-voters", "6", "-first", "60")
	for i, r := range []run{s1, s2, spare} {
		if err := r.cmd.Wait(); err != nil {
			t.Fatalf("station %d: %v\n%s", i+1, err, r.out)
		}
		if out := r.out.String(); !strings.Contains(out, "0 not sent") || !strings.Contains(out, "closed, the box holds the closing") {
			t.Fatalf("station %d: %s", i+1, out)
		}
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited with %d: %s", code, srv.output())
	}
	out := srv.output()
	for _, want := range []string{"incident  device-replaced: station-3", "incident  network-outage: station-2", "incident  admitted-without-identifier: station-1", ", 2 double votes"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the server did not log %q: %s", want, out)
		}
	}
	var counted int
	if _, err := fmt.Sscanf(out[strings.LastIndex(out, "rejected in this run; ")+len("rejected in this run; "):], "%d ballots count", &counted); err != nil || counted < 12+12+6 {
		t.Fatalf("the box counts %d ballots: %s", counted, out)
	}
	r := bin.Run(t, "", nil, "tally", "-election", dir, "-seed", "whole", "-pollbook", book)
	if r.Code != 0 || !strings.Contains(r.Stdout, fmt.Sprintf("%d ballots counted", counted)) || !strings.Contains(r.Stdout, ", 2 double votes; the summary is in the record") {
		t.Fatalf("tally: %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	v := verifier.Run(t, "", nil, filepath.Clean(dir))
	if v.Code != 0 || !strings.Contains(v.Stdout, "the record is valid") || !strings.Contains(v.Stdout, "device closings                             3  ok") ||
		!regexp.MustCompile(`(?m)^ 23  poll book summary +[1-9][0-9]*  ok$`).MatchString(v.Stdout) || !strings.Contains(v.Stdout, " 2 double votes (marks beyond") {
		t.Fatalf("verifier: %d\n%s\n%s", v.Code, v.Stdout, v.Stderr)
	}
}

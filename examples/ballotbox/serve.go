package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/pollbook"
)

func serve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("election", "", "the folder `DIR` of the election record (its parameters written, voting not finished)")
	addr := fs.String("addr", "127.0.0.1:8080", "the `address` to listen on (host:port; port 0 picks one, printed on standard output)")
	boxPath := fs.String("box", "", "the ballot box's `file` (default DIR/ballots.jsonl, the record's)")
	cert := fs.String("tls-cert", "", "serve HTTPS with this certificate `file` (PEM), with -tls-key")
	key := fs.String("tls-key", "", "the private key `file` (PEM) of -tls-cert")
	quiet := fs.Bool("q", false, "print only the summary, not each decision")
	bookDir := fs.String("pollbook", "", "keep the central poll book in `DIR` (setup -pollbook): its list, the marks\nfile, and the summary of counts written when the server stops")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: ballotbox serve -election DIR [flags]\n\n"+
			"Serves the ballot box of the election in DIR over HTTP until SIGINT or SIGTERM:\n"+
			"the devices' signed submissions (POST /v1/opening, /v1/ballots), each device's\n"+
			"tip (GET /v1/tip?device=ID), a voter's lookup (GET /v1/lookup?code=SHORT) and\n"+
			"the record as it grows (GET /record/SHA256SUMS, /record/NAME). It first\n"+
			"re-verifies every ballot the box holds. It prints each decision.\n\n")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dir == "" {
		fmt.Fprintln(stderr, "ballotbox serve: -election is required")
		return exitUsage
	}
	if (*cert == "") != (*key == "") {
		fmt.Fprintln(stderr, "ballotbox serve: -tls-cert and -tls-key go together")
		return exitUsage
	}
	r, err := election.Open(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "ballotbox serve:", err)
		return exitFailed
	}
	e, err := r.Election()
	if err != nil {
		fmt.Fprintln(stderr, "ballotbox serve:", err)
		return exitFailed
	}
	path := *boxPath
	if path == "" {
		path = filepath.Join(*dir, "ballots.jsonl")
	}
	start := time.Now()
	last := time.Now()
	box, err := ballot.OpenBoxProgress(path, e, func(lines, bytes, total int64) {
		// The box re-verifies every line, proofs included: say how far
		// it is, every second or so.
		if time.Since(last) >= time.Second {
			last = time.Now()
			fmt.Fprintf(stderr, "ballotbox: re-verifying the box: %d lines, %d%% of %d bytes\n", lines, 100*bytes/max(total, 1), total)
		}
	})
	if err != nil {
		fmt.Fprintln(stderr, "ballotbox serve:", err)
		return exitFailed
	}
	fmt.Fprintf(stderr, "ballotbox: box %s open (%d counted ballots, every line re-verified in %v)\n", path, len(box.Counted()), time.Since(start).Round(time.Millisecond))
	var mu sync.Mutex
	counts := map[string]int{}
	logf := func(ev boxserver.Event) {
		mu.Lock()
		defer mu.Unlock()
		counts[ev.Result.Outcome]++
		if ev.Kind == "incident" {
			fmt.Fprintf(stdout, "%s incident  %s\n", ev.Time.Format("15:04:05.000"), ev.Result.Reason)
			return
		}
		if ev.Kind == "error" {
			if counts["error"] == 1 {
				fmt.Fprintf(stderr, "ballotbox: the box cannot write, it refuses every ballot until restarted: %s\n", ev.Result.Reason)
			}
			return
		}
		if *quiet {
			return
		}
		what := fmt.Sprintf("%s/%d", ev.Device, ev.Result.Sequence)
		if ev.Kind == "opening" {
			what = ev.Device + " opening"
		}
		line := fmt.Sprintf("%s %-8s %s %s", ev.Time.Format("15:04:05.000"), ev.Result.Outcome, what, ev.Result.Code.Short())
		if ev.Result.Outcome != boxserver.Accepted {
			line += fmt.Sprintf(" (%s) %s", ev.Result.Step, ev.Result.Reason)
		}
		fmt.Fprintln(stdout, line)
	}
	var central *pollbook.Central
	if *bookDir != "" {
		list, err := readList(*bookDir)
		if err == nil {
			central, err = pollbook.OpenCentral(filepath.Join(*bookDir, fileMarks), pollbook.CentralParams{Election: e, List: list, Committees: pollbook.Committees(e.Manifest())})
		}
		if err != nil {
			box.Close()
			fmt.Fprintln(stderr, "ballotbox serve: poll book:", err)
			return exitFailed
		}
		defer central.Close()
	}
	srv := boxserver.New(e, box, boxserver.Config{RecordDir: *dir, BoxFile: path, Log: logf, PollBook: central})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		srv.Close()
		box.Close()
		fmt.Fprintln(stderr, "ballotbox serve:", err)
		return exitFailed
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "listening on %s://%s\n", scheme, ln.Addr())
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	done := make(chan error, 1)
	go func() {
		if *cert != "" {
			done <- hs.ServeTLS(ln, *cert, *key)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	code := exitOK
	select {
	case s := <-sig:
		fmt.Fprintf(stderr, "ballotbox: %v: stopping\n", s)
	case err := <-done:
		fmt.Fprintln(stderr, "ballotbox serve:", err)
		code = exitFailed
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "ballotbox serve:", err)
	}
	srv.Close()
	if err := box.Close(); err != nil {
		fmt.Fprintln(stderr, "ballotbox serve: closing the box:", err)
		code = exitFailed
	}
	if central != nil {
		sum := central.Summary()
		data, err := sum.MarshalJSON()
		if err == nil {
			err = os.WriteFile(filepath.Join(*bookDir, fileSummary), append(data, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "ballotbox serve: poll book summary:", err)
			code = exitFailed
		}
		fmt.Fprintf(stdout, "poll book: %d voters marked, %d double votes\n", sum.Voters, sum.DoubleVotes)
	}
	mu.Lock()
	fmt.Fprintf(stdout, "box closed: %d accepted, %d refused, %d rejected in this run; %d ballots count\n",
		counts[boxserver.Accepted], counts[boxserver.Refused], counts[boxserver.Rejected], len(box.Counted()))
	mu.Unlock()
	return code
}

// Command station simulates one polling station of a sandogh election in
// the field (package ballot/station) against a running ballot box
// (examples/ballotbox serve): N voters arrive over a compressed day, each
// encrypts a ballot on the device, sees its confirmation code, and casts
// it (some challenge it first and then cast another); the station keeps
// every ballot in its own durable folder and sends them to the box as the
// network allows, with backoff and jitter, through an outage of the link
// if -offline says so. Killed and started again on the same -state folder,
// it resumes its chain where it stopped.
//
//	station -server http://127.0.0.1:8080 -election DIR -device station-1 -seed S -state st1
//
// Exit statuses: 0 every ballot is in the box, 1 failed (or ballots left
// unsent after -drain), 2 a wrong command line.
package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/ballot/station"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/internal/version"
)

const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// seedTag is examples/ballotbox's: the stations' keys of its setup.
const seedTag = "sandogh ballotbox example"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	server, dir, device, seed, keyFile, state string
	voters, challenged                        int
	day, drain                                time.Duration
	offFrom, offTo                            float64
	voteSeed                                  uint64
	quiet                                     bool
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("station", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var offline string
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.StringVar(&c.server, "server", "http://127.0.0.1:8080", "the ballot box's `URL`")
	fs.StringVar(&c.dir, "election", "", "the folder `DIR` of the election's published parameters (election.json and the files it names)")
	fs.StringVar(&c.device, "device", "", "this station's registered device `ID`")
	fs.StringVar(&c.seed, "seed", "", "derive the device's key from the setup's `S` (demonstration; or -key)")
	fs.StringVar(&c.keyFile, "key", "", "the `file` of the device's Ed25519 private key seed, 64 hexadecimal digits")
	fs.StringVar(&c.state, "state", "", "the station's own folder `DIR` (its log and outbox): kept across restarts")
	fs.IntVar(&c.voters, "voters", 100, "the voters who come during the day")
	fs.IntVar(&c.challenged, "challenged", 5, "how many of them challenge a ballot before casting one")
	fs.DurationVar(&c.day, "day", 10*time.Second, "the length of the compressed day")
	fs.StringVar(&offline, "offline", "", "the link is down from `A-B` (fractions of the day, 0.3-0.6)")
	fs.DurationVar(&c.drain, "drain", time.Minute, "after the day, how long to keep sending what is left")
	fs.Uint64Var(&c.voteSeed, "votes", 1, "the `seed` of the simulated voters' choices and arrival times")
	fs.BoolVar(&c.quiet, "q", false, "print only the summary")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: station -election DIR -device ID (-seed S | -key FILE) -state DIR [flags]\n\n"+
			"Simulates one polling station's day against a running ballot box (examples/ballotbox).\n\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nExit status:\n  0  every ballot of the station is in the box\n  1  failed, or ballots left unsent after -drain\n  2  the command line is wrong\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintln(stdout, version.String())
		return exitOK
	}
	usagef := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "station: "+format+"\n", args...)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q (every option is a flag; see -h)", fs.Arg(0))
	case c.dir == "" || c.device == "" || c.state == "":
		return usagef("-election, -device and -state are required")
	case (c.seed == "") == (c.keyFile == ""):
		return usagef("give the device's key with exactly one of -seed and -key")
	case c.voters < 0 || c.challenged < 0 || c.challenged > c.voters:
		return usagef("-voters must be 0 or more, and -challenged between 0 and -voters")
	case c.day <= 0 || c.drain < 0:
		return usagef("-day must be positive and -drain 0 or more")
	}
	if offline != "" {
		a, b, ok := strings.Cut(offline, "-")
		_, err1 := fmt.Sscanf(a, "%g", &c.offFrom)
		_, err2 := fmt.Sscanf(b, "%g", &c.offTo)
		if !ok || err1 != nil || err2 != nil || c.offFrom < 0 || c.offTo > 1 || c.offFrom >= c.offTo {
			return usagef("-offline %q: want A-B with 0 <= A < B <= 1", offline)
		}
	}
	if err := day(c, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "station:", err)
		return exitFailed
	}
	return exitOK
}

func deviceKey(c config) (ed25519.PrivateKey, error) {
	if c.seed != "" {
		return demo.Seeds{Tag: seedTag, Seed: c.seed}.StationKey(c.device), nil
	}
	data, err := os.ReadFile(c.keyFile)
	if err != nil {
		return nil, err
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("-key %s: not %d bytes in hexadecimal", c.keyFile, ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// day runs the station's day.
func day(c config, stdout, stderr io.Writer) error {
	r, err := election.Open(c.dir)
	if err != nil {
		return err
	}
	e, err := r.Election()
	if err != nil {
		return err
	}
	key, err := deviceKey(c)
	if err != nil {
		return err
	}
	st, err := station.Open(c.state, e, c.device, key, time.Now())
	if err != nil {
		return err
	}
	defer st.Close()
	already, _ := st.Tip()
	if already > 0 {
		fmt.Fprintf(stdout, "%s: resumed after ballot %d\n", c.device, already)
	}

	// The link: down during the -offline part of the day.
	var down atomic.Bool
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if down.Load() {
				return nil, errors.New("the station's link is down")
			}
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 1,
	}
	client := &boxserver.Client{URL: c.server, HTTP: &http.Client{Timeout: 30 * time.Second, Transport: transport}, Device: c.device, Key: key, BaseHash: e.BaseHash()}

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	runDone := make(chan error, 1)
	go func() {
		runDone <- st.Run(runCtx, client, station.Backoff{Base: 100 * time.Millisecond, Max: 2 * time.Second, Idle: time.Second}, func(rep station.SyncReport, err error) {
			if c.quiet {
				return
			}
			if err != nil {
				fmt.Fprintf(stderr, "%s: sync: %v\n", c.device, err)
			} else if rep.Sent > 0 {
				fmt.Fprintf(stdout, "%s: sent %d, box tip %d\n", c.device, rep.Sent, rep.Tip.Sequence)
			}
		})
	}()

	// The voters: arrival times spread over the day, in order. A
	// restarted station's voters are those who have not voted yet.
	rng := mrand.New(mrand.NewPCG(c.voteSeed, uint64(len(c.device))))
	arrivals := make([]time.Duration, c.voters)
	for i := range arrivals {
		arrivals[i] = time.Duration(rng.Int64N(int64(c.day)))
	}
	slices.Sort(arrivals)
	challengers := demo.Challengers(rng, c.voters, c.challenged)
	start := time.Now()
	done := int(st.Counts().Cast)
	for i := done; i < c.voters; i++ {
		if err := wait(ctx, start.Add(arrivals[i]), c, &down, start); err != nil {
			break
		}
		v := randomVote(rng)
		if challengers[i] {
			p, err := st.Encrypt(v)
			if err != nil {
				return err
			}
			if _, err := st.Challenge(p); err != nil {
				return err
			}
		}
		p, err := st.Encrypt(v)
		if err != nil {
			return err
		}
		if _, err := st.Cast(p); err != nil {
			return err
		}
		if !c.quiet {
			fmt.Fprintf(stdout, "%s: voter %d cast %s (code %s)\n", c.device, i+1, p.ID(), p.ConfirmationCode().Short())
		}
	}
	down.Store(false)

	// After the day: send what is left.
	deadline := time.Now().Add(c.drain)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		if n, opened := st.Outbox(); n == 0 && opened {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopRun()
	if err := <-runDone; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	cnt := st.Counts()
	n, opened := st.Outbox()
	seq, tip := st.Tip()
	fmt.Fprintf(stdout, "%s: %d cast, %d challenged, %d refused by the box; chain ends at ballot %d (%s); %d not sent\n",
		c.device, cnt.Cast, cnt.Challenged, cnt.Refused, seq, tip.Short(), n)
	if ctx.Err() != nil {
		return errors.New("stopped by a signal: run again with the same -state to resume")
	}
	if n > 0 || !opened {
		return fmt.Errorf("%d ballots not in the box after -drain %v", n, c.drain)
	}
	return nil
}

// wait sleeps until t, taking the link down and up as -offline says.
func wait(ctx context.Context, t time.Time, c config, down *atomic.Bool, start time.Time) error {
	for {
		now := time.Now()
		frac := float64(now.Sub(start)) / float64(c.day)
		down.Store(c.offTo > 0 && frac >= c.offFrom && frac < c.offTo)
		if !now.Before(t) {
			return nil
		}
		d := min(t.Sub(now), 20*time.Millisecond)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
}

// randomVote marks 0 to 7 of the 15 board candidates.
func randomVote(r *mrand.Rand) ballot.Vote {
	marks := map[uint32]uint64{}
	for _, i := range r.Perm(15)[:r.IntN(8)] {
		marks[uint32(101+i)] = 1
	}
	return ballot.Vote{"board": marks}
}

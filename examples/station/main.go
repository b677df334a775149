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
	"path/filepath"
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
	"github.com/sandogh/sandogh/pollbook"
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
	book                                      string
	first, double, noID                       int
	replaces, official                        string
	noClose                                   bool
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
	fs.StringVar(&c.replaces, "replaces", "", "this device replaces the failed `DEVICE` of its station: it opens its chain after\nthat device's last ballot in the box, and an official records the replacement")
	fs.StringVar(&c.official, "official", "", "the official (`ID`) of the station who signs its incidents and co-signs its\nclosing, her key from -seed (default the station's first official)")
	fs.BoolVar(&c.noClose, "no-close", false, "do not close the device's chain at the end of the day")
	fs.StringVar(&c.book, "pollbook", "", "check voters against the poll book of `DIR` (setup -pollbook: its list and key),\nonline when the link is up, from the list otherwise; marks go to the box")
	fs.IntVar(&c.first, "first", -1, "with -pollbook, the registry number of this station's first voter\n(default (n-1)·voters for device ID ending in n)")
	fs.IntVar(&c.noID, "no-id", 0, "with -pollbook, how many of this station's voters have no national identifier\nand are admitted by the station committee's signed decision (an incident)")
	fs.IntVar(&c.double, "double", 0, "with -pollbook, how many of this station's voters are the first voters of\nstation-1 coming to vote again (double votes, if this station is offline)")
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
	case c.double < 0 || c.double > c.voters:
		return usagef("-double must be between 0 and -voters")
	case c.noID < 0 || c.double+c.noID > c.voters:
		return usagef("-no-id must be 0 or more, and -double plus -no-id at most -voters")
	case c.book == "" && (c.double > 0 || c.noID > 0 || c.first >= 0):
		return usagef("-first, -double and -no-id need -pollbook")
	}
	if c.first < 0 {
		n := 1
		if i := strings.LastIndexFunc(c.device, func(r rune) bool { return r < '0' || r > '9' }); i+1 < len(c.device) {
			fmt.Sscanf(c.device[i+1:], "%d", &n)
		}
		c.first = max(n-1, 0) * c.voters
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

// stationOf returns the manifest's station of device, or nil.
func stationOf(e *ballot.Election, device string) *ballot.Station {
	m := e.Manifest()
	for i := range m.Stations {
		for _, d := range m.Stations[i].Devices {
			if d == device {
				return &m.Stations[i]
			}
		}
	}
	return nil
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
	ps := stationOf(e, c.device)
	official := c.official
	if official == "" && ps != nil && len(ps.Officials) > 0 {
		official = ps.Officials[0].ID
	}
	var officialKey ed25519.PrivateKey
	if official != "" {
		if c.seed == "" {
			return errors.New("the officials' keys come from -seed in this demonstration")
		}
		officialKey = demo.Seeds{Tag: seedTag, Seed: c.seed}.OfficialKey(official)
	}
	_, statErr := os.Stat(filepath.Join(c.state, "station.jsonl"))
	fresh := errors.Is(statErr, os.ErrNotExist)
	var st *station.Station
	if c.replaces != "" && fresh {
		st, err = replace(c, e, key, official, officialKey, stderr)
	} else {
		st, err = station.Open(c.state, e, c.device, key, time.Now())
	}
	if err != nil {
		return err
	}
	defer st.Close()
	already, _ := st.Tip()
	if already > 0 {
		fmt.Fprintf(stdout, "%s: resumed after ballot %d\n", c.device, already)
	}

	// The link: down during the -offline part of the day.
	var client *boxserver.Client
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
	client = &boxserver.Client{URL: c.server, HTTP: &http.Client{Timeout: 30 * time.Second, Transport: transport}, Device: c.device, Key: key, BaseHash: e.BaseHash()}

	var book *pollbook.Book
	if c.book != "" {
		if book, err = openPollBook(c, e, key, client); err != nil {
			return err
		}
		defer book.Close()
		st.AttachPollBook(book)
	}

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
	refusedVoters := 0
	if book != nil {
		done = int(book.Sequence()) // a voter is marked before she votes
	}
	for i := done; i < c.voters; i++ {
		if err := wait(ctx, start.Add(arrivals[i]), c, &down, start); err != nil {
			break
		}
		v := randomVote(rng, e.Manifest())
		if book != nil && i >= c.voters-c.noID {
			if err := admitWithoutID(c, e, book, st, i, official, officialKey); err != nil {
				return err
			}
		} else if book != nil {
			who := c.first + i
			if i < c.double {
				who = i // station-1's voter i, again
			}
			a, err := book.Check(ctx, demo.NationalID(who))
			if err != nil {
				return err
			}
			if !a.Admit {
				refusedVoters++
				if !c.quiet {
					fmt.Fprintf(stdout, "%s: voter %d refused: %v (marked at %s)\n", c.device, i+1, a.Refusal, a.MarkedAt)
				}
				continue
			}
			if _, err := book.Mark(a.Pseudonym); err != nil {
				return err
			}
		}
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
	if c.offTo > 0 && official != "" && ctx.Err() == nil {
		// The officials record the outage in the station's log.
		from, to := start.Add(time.Duration(c.offFrom*float64(c.day))), start.Add(time.Duration(c.offTo*float64(c.day)))
		if _, err := st.RecordIncident(ballot.IncidentReport{Kind: ballot.NetworkOutage, At: from, Device: c.device,
			Text: fmt.Sprintf("link down from %s to %s", from.Format("15:04:05"), to.Format("15:04:05"))}, official, officialKey); err != nil {
			return err
		}
	}

	// After the day: send what is left.
	deadline := time.Now().Add(c.drain)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		if n, opened := st.Outbox(); n == 0 && opened {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	closeErr := error(nil)
	if n, opened := st.Outbox(); n == 0 && opened && !c.noClose && ctx.Err() == nil {
		closeErr = closeDay(ctx, st, e, official, officialKey, deadline)
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
	if book != nil {
		fmt.Fprintf(stdout, "%s: poll book: %d voters marked, %d refused\n", c.device, book.Sequence(), refusedVoters)
	}
	if ctx.Err() != nil {
		return errors.New("stopped by a signal: run again with the same -state to resume")
	}
	if n > 0 || !opened {
		return fmt.Errorf("%d ballots not in the box after -drain %v", n, c.drain)
	}
	if closeErr != nil {
		return fmt.Errorf("closing: %v", closeErr)
	}
	if closed, _ := st.Closed(); closed {
		fmt.Fprintf(stdout, "%s: closed, the box holds the closing\n", c.device)
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

// randomVote marks 0 to limit candidates of each contest of the
// manifest m (the up-to and codes contests of the demonstrations).
func randomVote(r *mrand.Rand, m *ballot.Manifest) ballot.Vote {
	v := ballot.Vote{}
	for _, c := range m.Contests {
		marks := map[uint32]uint64{}
		for _, k := range r.Perm(len(c.Candidates))[:r.IntN(int(c.Limit)+1)] {
			marks[c.Candidates[k].Code] = 1
		}
		v[c.ID] = marks
	}
	return v
}

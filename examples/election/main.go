// Command election runs a complete, simulated guild-union board election
// with sandogh and writes its election record to a folder:
//
//	go run ./examples/election
//
// 15 candidates, vote for up to 7, 7 main members and 3 alternates;
// 1,000 voters at two polling stations (one offline for part of the day,
// uploading its ballots later); a few challenged ballots; 5 trustees with
// threshold 3, one of them absent at decryption. It prints the results and
// the record's path; check the record with
//
//	go build -o verifier ./examples/verifier && ./verifier record
//
// Progress goes to standard error. The record is written in a hidden
// folder beside -out and put in place when complete; a folder that is not
// empty is refused unless -force is given, and then only the files of the
// old record are removed (package demo, OutDir). -h lists the flags and
// the exit statuses; -version prints the version. See package guild for
// the steps.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sandogh/sandogh/examples/election/guild"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/internal/digits"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/tally"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := demo.NewCommand("election", "guild", "Runs a simulated guild-union board election (15 candidates, vote for up to 7,\n"+
		"7 main members and 3 alternates; N voters at two polling stations, one of\n"+
		"them offline for part of the day; n trustees, one absent at decryption when\n"+
		"n > t) and writes its election record to the folder -out. Check the record\n"+
		"with examples/verifier (go build -o verifier ./examples/verifier; ./verifier DIR).\n", "record", stdout, stderr)
	f := cmd.ElectionFlags(1000, 200)
	var dg digits.Flag
	cmd.Flags.Var(&dg, "digits", digits.FlagUsage)
	replace := cmd.Flags.Bool("replace-device", false, "station-2's device fails late in the day and a spare device replaces it, after an incident in its station's log")
	weighted := cmd.Flags.Uint("weighted", 0, "a cooperative's weighted election instead: the -voters members vote remotely, each with a random weight (shares) from 1 to `W`, and one in 20 votes again; no stations")
	if code, ok := cmd.Parse(args); !ok {
		return code
	}
	if !cmd.CheckElection(f) {
		return demo.ExitUsage
	}
	out, code, ok := cmd.Out()
	if !ok {
		return code
	}
	cfg := guild.Config{
		Voters: f.Voters, Trustees: f.Trustees, Threshold: f.Threshold,
		Challenged: f.Challenged, NoChallenges: f.Challenged == 0,
		Seed: f.Seed, TieBreakSeed: f.TieBreak, Out: out.Stage, Progress: cmd.Progress(),
		ReplaceDevice: *replace,
	}
	if *weighted > 0 {
		if *weighted > uint(^uint32(0)) || *replace {
			fmt.Fprintf(stderr, "election: -weighted %d: want 1 to %d, without -replace-device\n", *weighted, ^uint32(0))
			return demo.ExitUsage
		}
		cfg.Weighted = uint32(*weighted)
		cfg.RemoteVoters, cfg.Revotes = f.Voters, f.Voters/20
		cfg.Voters, cfg.Challenged, cfg.NoChallenges = 0, 0, true
	}
	start := time.Now()
	res, err := guild.Run(cfg)
	if err != nil {
		out.Abandon()
		return cmd.Failed(err)
	}
	if code := cmd.Commit(out); code != demo.ExitOK {
		return code
	}
	if err := res.Results.WriteTextOptions(stdout, tally.TextOptions{PersianDigits: dg.Persian(), RightAlignRTL: dg.Persian()}); err != nil {
		return cmd.Failed(err)
	}
	fmt.Fprint(stdout, dg.Format(fmt.Sprintf("\n%s cast (%d uploaded late by the offline station), %d challenged, %d counted.\n", prose.Count(res.Cast, "ballot"), res.Offline, res.Challenged, res.Counted)))
	if s := demo.Decrypted(res.Absent, res.Combined, "the tally"); s != "" {
		fmt.Fprintln(stdout, dg.Format(s))
	}
	fmt.Fprintf(stdout, "Election record: %s\n", demo.AbsPath(out.Path))
	cmd.Done(start)
	return demo.ExitOK
}

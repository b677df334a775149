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
//	go run ./examples/verifier record
//
// Progress goes to standard error. See package guild for the steps.
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
		"7 main members and 3 alternates) and writes its election record to -out.\n"+
		"Check the record with: go run ./examples/verifier DIR\n", stderr)
	fs := cmd.Flags
	var cfg guild.Config
	fs.IntVar(&cfg.Voters, "voters", 1000, "number `N` of voters at the polling stations")
	fs.IntVar(&cfg.Trustees, "trustees", 5, "number `n` of trustees in the key ceremony")
	fs.IntVar(&cfg.Threshold, "threshold", 3, "number `t` of trustees needed to decrypt (one trustee is absent at decryption when n > t)")
	fs.StringVar(&cfg.Out, "out", "record", "`DIR`ectory to write the election record to; a previous record there is replaced")
	fs.StringVar(&cfg.Seed, "seed", "", "seed `S` for a reproducible run: every key, vote and nonce derives from it, and the record is the same byte for byte on every run (for demonstrations only)")
	fs.IntVar(&cfg.Challenged, "challenged", 0, "number of voters who challenge a ballot before casting one (default: voters/200, at least 2)")
	fs.StringVar(&cfg.TieBreakSeed, "tiebreak", "", "public tie-break `seed`, written in the manifest before voting and bound into the base hash; without it ties for a seat are reported, not broken")
	var dg digits.Flag
	fs.Var(&dg, "digits", digits.FlagUsage)
	if code, ok := cmd.Parse(args, "voters"); !ok {
		return code
	}
	cfg.Progress = cmd.Progress()
	start := time.Now()
	out, err := guild.Run(cfg)
	if err != nil {
		return cmd.Failed(err)
	}
	if err := out.Results.WriteTextOptions(stdout, tally.TextOptions{PersianDigits: dg.Persian(), RightAlignRTL: dg.Persian()}); err != nil {
		return cmd.Failed(err)
	}
	fmt.Fprint(stdout, dg.Format(fmt.Sprintf("\n%s cast (%d uploaded late by the offline station), %d challenged, %d counted.\n", prose.Count(out.Cast, "ballot"), out.Offline, out.Challenged, out.Counted)))
	if s := demo.Decrypted(out.Absent, out.Combined, "the tally"); s != "" {
		fmt.Fprintln(stdout, dg.Format(s))
	}
	fmt.Fprintf(stdout, "Election record: %s\n", demo.AbsPath(out.Dir))
	cmd.Done(start)
	return 0
}

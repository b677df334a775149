// Command council runs a complete, simulated city-council election with
// sandogh's mixnet path and writes its election record to a folder:
//
//	go run ./examples/council
//
// 5,000 voters at four polling stations write up to 21 candidate codes
// from a list of 400; each ballot is one encrypted row of packed codes.
// The rows of the ballots that count go through a cascade of 3 mix servers
// (trustees 1 to 3, each proving and signing its stage), then 5 trustees
// with threshold 3, one of them absent, decrypt the final rows; the valid
// rows are counted, and 21 council members and 7 alternates are elected.
// It prints the results and the record's path; check the record with
//
//	go run ./examples/verifier council-record
//
// Progress goes to standard error. See package council for the steps.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/internal/digits"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/tally"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := demo.NewCommand("council", "council", "Runs a simulated city-council election on the mixnet path (voters write up to\n"+
		"-seats candidate codes from a list of -candidates; the ballots are mixed by\n"+
		"-mixers trustees, then decrypted and counted) and writes its election record\n"+
		"to -out. Check the record with: go run ./examples/verifier DIR\n", stderr)
	fs := cmd.Flags
	var cfg council.Config
	fs.IntVar(&cfg.Voters, "voters", 5000, "number `N` of voters at the polling stations")
	fs.IntVar(&cfg.Candidates, "candidates", 400, "number `M` of candidates, with codes 1..M (at most 10000)")
	fs.IntVar(&cfg.Seats, "seats", 21, "number `N` of council seats, which is also the most codes a voter writes; N/3 alternates are elected after them")
	fs.IntVar(&cfg.Mixers, "mixers", 3, "number `m` of mix stages, made by trustees 1..m (at least the threshold t, at most the number of trustees)")
	fs.IntVar(&cfg.Trustees, "trustees", 5, "number `n` of trustees in the key ceremony")
	fs.IntVar(&cfg.Threshold, "threshold", 3, "number `t` of trustees needed to decrypt (one trustee is absent at decryption when n > t)")
	fs.StringVar(&cfg.Out, "out", "council-record", "`DIR`ectory to write the election record to; a previous record there is replaced")
	fs.StringVar(&cfg.Seed, "seed", "", "seed `S` for a reproducible run: every key, vote, nonce and permutation derives from it, and the record is the same byte for byte on every run (for demonstrations only)")
	fs.IntVar(&cfg.Challenged, "challenged", 0, "number of voters who challenge a ballot before casting one (default: voters/500, at least 2)")
	fs.StringVar(&cfg.TieBreakSeed, "tiebreak", "", "public tie-break `seed`, written in the manifest before voting and bound into the base hash; without it ties for a seat are reported, not broken")
	var dg digits.Flag
	fs.Var(&dg, "digits", digits.FlagUsage)
	if code, ok := cmd.Parse(args, "voters", "candidates", "seats", "mixers", "trustees", "threshold"); !ok {
		return code
	}
	cfg.Progress = cmd.Progress()
	start := time.Now()
	out, err := council.Run(cfg)
	if err != nil {
		return cmd.Failed(err)
	}
	if err := out.Results.WriteTextOptions(stdout, tally.TextOptions{PersianDigits: dg.Persian(), RightAlignRTL: dg.Persian()}); err != nil {
		return cmd.Failed(err)
	}
	fmt.Fprint(stdout, dg.Format(fmt.Sprintf("\n%s cast, %d challenged, %d counted; %s accepted.\n", prose.Count(out.Cast, "ballot"), out.Challenged, out.Counted, prose.Count(len(out.Stages), "mix stage"))))
	if s := demo.Decrypted(out.Absent, out.Combined, "the mixed rows"); s != "" {
		fmt.Fprintln(stdout, dg.Format(s))
	}
	fmt.Fprintf(stdout, "Election record: %s\n", demo.AbsPath(out.Dir))
	cmd.Done(start)
	return 0
}

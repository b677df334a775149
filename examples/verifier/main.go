// Command verifier checks a sandogh election record:
//
//	go run ./examples/verifier DIR
//
// It runs every numbered check of docs/spec.md, section "Verification", on
// the record in folder DIR, prints each check with its verdict and what it
// found, then a final verdict. The exit status is 0 when every check
// passes, 1 when the record is invalid, and 2 when it cannot be read (or
// the command line is wrong). With -json it prints the report as one JSON
// object instead. Progress on long runs goes to standard error.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/digits"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/safetext"
)

// Exit statuses.
const (
	exitValid      = 0
	exitInvalid    = 1
	exitUnreadable = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verifier", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report (every check and finding) as JSON on standard output")
	quiet := fs.Bool("q", false, "do not print progress to standard error")
	workers := fs.Int("workers", 0, "number of goroutines verifying ballots (default: every core)")
	maxFindings := fs.Int("max-findings", 100, "most findings listed per check, the rest are counted (0 or -1: list all)")
	htmlOut := fs.String("html", "", "also write the report as one self-contained HTML `FILE` (results chart, checks, stages, ballots by device); it replaces only a report it wrote before, and exit status 2 means it could not be written")
	fs.String("code", "", codeUsage)
	var dg digits.Flag
	fs.Var(&dg, "digits", digits.FlagUsage)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: verifier [flags] DIR\n\n"+
			"Verifies the sandogh election record in folder DIR: every numbered check of\n"+
			"docs/spec.md (\"Verification\"), each with its verdict, then a final verdict.\n\n"+
			"Exit status: 0 if every check passes, 1 if the record is invalid,\n"+
			"2 if it cannot be read or the command line is wrong.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitValid
		}
		return exitUnreadable
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUnreadable
	}
	if codeSet(fs) {
		return lookUp(fs, stdout, stderr)
	}
	dir := fs.Arg(0)
	htmlDigits := digitsLatin
	if dg.Persian() {
		htmlDigits = digitsPersian
	}
	if err := checkHTMLFlags(fs, *htmlOut); err != nil {
		fmt.Fprintf(stderr, "verifier: %s\n", safetext.Escape(err.Error()))
		return exitUnreadable
	}
	opts := &election.Options{Workers: *workers, MaxFindings: *maxFindings}
	if *maxFindings == 0 {
		opts.MaxFindings = -1
	}
	start := time.Now()
	if !*quiet {
		opts.Progress = newProgress(stderr)
	}
	rep, err := election.Verify(dir, opts)
	if !*quiet {
		fmt.Fprintf(stderr, "\rverified in %v%s\n", time.Since(start).Round(time.Millisecond), "                    ")
	}
	if err != nil {
		fmt.Fprintf(stderr, "verifier: %s\n", safetext.Escape(err.Error()))
		return exitUnreadable
	}
	if *asJSON {
		// Every string of the record is written with its controls and
		// bidirectional characters escaped: the JSON value is exact, its
		// text safe to print.
		out, err := json.MarshalIndent(struct {
			*election.Report
			Valid bool `json:"valid"`
		}{rep, rep.Valid()}, "", "  ")
		if err == nil {
			_, err = stdout.Write(append(safetext.EscapeJSON(out), '\n'))
		}
		if err != nil {
			fmt.Fprintf(stderr, "verifier: %v\n", err)
			return exitUnreadable
		}
	} else {
		printReport(stdout, rep)
	}
	if *htmlOut != "" {
		if err := writeHTMLFile(*htmlOut, rep, dir, htmlDigits); err != nil {
			fmt.Fprintf(stderr, "verifier: %s\n", safetext.Escape(err.Error()))
			return exitUnreadable
		}
	}
	if !rep.Valid() {
		return exitInvalid
	}
	return exitValid
}

// printReport prints one line per check, the findings under the check that
// made them, and the final verdict.
func printReport(w io.Writer, rep *election.Report) {
	fmt.Fprintf(w, "Election record %s\n", safetext.Escape(rep.Dir))
	fmt.Fprintf(w, "Written by %q, as election.json says\n", rep.Software)
	fmt.Fprintf(w, "Ballots: %d cast, %d challenged, %d counted; device openings: %d\n\n",
		rep.Ballots.Cast, rep.Ballots.Challenged, rep.Ballots.Counted, rep.Ballots.Openings)
	byCheck := make(map[election.Check][]election.Finding)
	for _, f := range rep.Findings {
		byCheck[f.Check] = append(byCheck[f.Check], f)
	}
	for _, c := range rep.Checks {
		verdict := "ok"
		if !c.Passed() {
			verdict = fmt.Sprintf("FAILED (%d)", c.Failures)
		}
		fmt.Fprintf(w, "%3d  %-36s %8d  %s\n", int(c.Check), c.Check, c.Items, verdict)
		if c.Check == election.CheckMixStages {
			printCascades(w, rep.Cascades)
		}
		fs := byCheck[c.Check]
		for _, f := range fs {
			fmt.Fprintf(w, "       - %s\n", f)
		}
		if more := c.Failures - int64(len(fs)); more > 0 {
			fmt.Fprintf(w, "       - … and %d more\n", more)
		}
	}
	if rep.Valid() {
		fmt.Fprintf(w, "\nVERDICT: the record is valid: every check passed.\n")
	} else {
		var nums []int
		for _, c := range rep.Failed() {
			nums = append(nums, int(c))
		}
		fmt.Fprintf(w, "\nVERDICT: the record is INVALID: %s failed.\n", prose.Counted("check", nums))
	}
}

// printCascades prints the verdict of every stage of every mix cascade,
// under check 17: a rejected stage is named there even when the cascade
// completed without it.
func printCascades(w io.Writer, cs []election.CascadeReport) {
	for _, c := range cs {
		state := "complete"
		if !c.Complete {
			state = "NOT complete"
		}
		fmt.Fprintf(w, "       contest %q: %s, %s required, %s\n", c.Contest, prose.Count(c.Rows, "row"), prose.Count(c.Required, "accepted stage"), state)
		for _, s := range c.Stages {
			fmt.Fprintf(w, "         %s\n", s)
		}
	}
}

// newProgress returns a progress callback that rewrites one status line on
// w, at most a few times a second.
func newProgress(w io.Writer) func(stage string, done, total int64) {
	var last time.Time
	var lastStage string
	return func(stage string, done, total int64) {
		now := time.Now()
		if stage == lastStage && now.Sub(last) < 200*time.Millisecond {
			return
		}
		last, lastStage = now, stage
		if total > 0 {
			fmt.Fprintf(w, "\rverifying %s: %3d%%   ", stage, done*100/total)
		} else {
			fmt.Fprintf(w, "\rverifying %s…          ", stage)
		}
	}
}

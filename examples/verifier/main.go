// Command verifier checks a sandogh election record:
//
//	verifier [flags] DIR
//
// It runs every numbered check of docs/spec.md, section "Verification", on
// the record in folder DIR and prints each check with its verdict (ok,
// FAILED, not checked, n/a) and what it found, then what was verified (the
// election's identifier, its base hash, the record's format, the software
// that wrote it, the results) and a final verdict. With -json it prints
// the report as one JSON object instead (docs/schemas/report.schema.json),
// also when the record cannot be read. With -since OLDDIR it checks a
// snapshot of a record that may not be complete yet, and that it only
// appends to the earlier snapshot OLDDIR. With -html FILE it also writes
// the report as one self-contained HTML page. Progress goes to standard
// error.
//
// Exit status: 0 if the record is valid (with -since: no check failed
// and the record only appends to OLDDIR), 1 if it is not, 2 if it cannot
// be read, the -html report cannot be written, or the command line is
// wrong. `go run` reports any non-zero
// status of the program it ran as 1: build the command (go build or go
// install) to see 2.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/digits"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/internal/version"
	"github.com/sandogh/sandogh/pollbook"
	"github.com/sandogh/sandogh/tally"
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

// config is the command line.
type config struct {
	dir         string
	since       string
	asJSON      bool
	quiet       bool
	workers     int
	maxFindings int
	html        string // -html FILE, or ""
	digits      string // -digits: digitsLatin or digitsPersian
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verifier", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.BoolVar(&cfg.asJSON, "json", false, "print the report as one JSON object on standard output (docs/schemas/report.schema.json), also when the record cannot be read")
	fs.StringVar(&cfg.since, "since", "", "check a snapshot of a record that may not be complete yet, and that it only appends to the earlier snapshot `OLDDIR`")
	fs.BoolVar(&cfg.quiet, "q", false, "do not print progress to standard error")
	fs.IntVar(&cfg.workers, "workers", 0, "number of goroutines verifying ballots (default: every core)")
	fs.IntVar(&cfg.maxFindings, "max-findings", 100, "most findings listed per check, the rest are counted (0 or -1: list all)")
	fs.StringVar(&cfg.html, "html", "", "also write the report as one self-contained HTML `FILE` (results chart, checks, stages, ballots by device, the stations' incidents); it replaces only a report it wrote before, and exit status 2 means it could not be written")
	fs.String("code", "", codeUsage)
	var dg digits.Flag
	fs.Var(&dg, "digits", digits.FlagUsage)
	showVersion := fs.Bool("version", false, "print the verifier's version and exit")
	fs.Usage = func() { usage(fs, stderr) }
	dirs, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitValid
		}
		return exitUnreadable // the flag package has printed the error
	}
	if *showVersion {
		fmt.Fprintln(stdout, version.String())
		return exitValid
	}
	switch {
	case len(dirs) == 0:
		fmt.Fprintln(stderr, "verifier: no record folder given")
		fs.Usage()
		return exitUnreadable
	case len(dirs) > 1:
		fmt.Fprintf(stderr, "verifier: one record folder, not %d: %s\n", len(dirs), safetext.Escape(strings.Join(dirs, " ")))
		return exitUnreadable
	case cfg.workers < 0:
		fmt.Fprintf(stderr, "verifier: -workers %d: a number of goroutines is at least 0 (0: every core)\n", cfg.workers)
		return exitUnreadable
	case cfg.maxFindings < -1:
		fmt.Fprintf(stderr, "verifier: -max-findings %d: at least -1\n", cfg.maxFindings)
		return exitUnreadable
	}
	if codeSet(fs) {
		return lookUp(fs, dirs[0], stdout, stderr)
	}
	if err := checkHTMLFlags(fs, cfg.html); err != nil {
		fmt.Fprintf(stderr, "verifier: %s\n", safetext.Escape(err.Error()))
		return exitUnreadable
	}
	cfg.dir = dirs[0]
	cfg.digits = digitsLatin
	if dg.Persian() {
		cfg.digits = digitsPersian
	}
	return verify(&cfg, stdout, stderr)
}

// usage prints the usage message: every flag and the exit statuses.
func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, "Usage: verifier [flags] DIR\n\n"+
		"Verifies the sandogh election record in folder DIR: every numbered check of\n"+
		"docs/spec.md (\"Verification\"), each with its verdict (ok, FAILED, not checked,\n"+
		"n/a), then what was verified (election, base hash, record format, results)\n"+
		"and a final verdict. Flags may come before or after DIR.\n\n"+
		"Exit status:\n"+
		"  0  the record is valid: every check passed or does not apply\n"+
		"     (with -since: no check failed, and the record only appends to OLDDIR;\n"+
		"     checks that need files the snapshot does not have yet are not checked)\n"+
		"  1  the record is invalid: a check failed or could not be checked\n"+
		"     (with -since: a check failed, or the record changed what OLDDIR holds)\n"+
		"  2  the record (or OLDDIR) cannot be read, the -html report cannot be written,\n"+
		"     or the command line is wrong\n"+
		"`go run` reports every non-zero status as 1: build the command to see 2.\n\n"+
		"Flags:\n")
	fs.PrintDefaults()
}

// parseInterspersed parses args with fs, flags before and after the
// positional arguments alike (verifier record -json), and returns the
// positional arguments. Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// verify runs the verification that cfg asks for and prints its report.
func verify(cfg *config, stdout, stderr io.Writer) int {
	opts := &election.Options{Workers: cfg.workers, MaxFindings: cfg.maxFindings, Snapshot: cfg.since != ""}
	if cfg.maxFindings == 0 {
		opts.MaxFindings = -1
	}
	var prog *progress
	if !cfg.quiet {
		prog = newProgress(stderr)
		opts.Progress = prog.update
	}
	start := time.Now()
	rep, err := election.Verify(cfg.dir, opts)
	var since *election.AppendReport
	if err == nil && cfg.since != "" {
		prog.update("that the record only appends to "+cfg.since, 0, 0)
		since, err = election.VerifyAppendOnly(cfg.since, cfg.dir)
	}
	prog.done(time.Since(start))
	if err != nil {
		msg := safetext.Escape(err.Error())
		fmt.Fprintf(stderr, "verifier: %s\n", msg)
		if cfg.asJSON {
			writeJSON(stdout, stderr, errorReport{Verifier: version.String(), Record: cfg.dir, Valid: false, Error: msg})
		}
		return exitUnreadable
	}
	code := exitValid
	switch {
	case len(rep.Failed()) > 0 || since != nil && !since.AppendOnly():
		code = exitInvalid
	case !rep.Valid() && cfg.since == "":
		code = exitInvalid // a check could not be checked: the record is not complete
	}
	if cfg.html != "" {
		if err := writeHTMLFile(cfg.html, rep, cfg.dir, cfg.digits); err != nil {
			fmt.Fprintf(stderr, "verifier: %s\n", safetext.Escape(err.Error()))
			code = exitUnreadable
		}
	}
	if cfg.asJSON {
		out := jsonReport{Verifier: version.String(), Report: rep, Valid: rep.Valid(), Failed: rep.Failed(), NotChecked: rep.NotChecked(),
			ResultsVerified: rep.ResultsVerified(), Since: since}
		if !writeJSON(stdout, stderr, out) {
			return exitUnreadable
		}
		return code
	}
	printReport(stdout, rep, since, cfg.digits == digitsPersian)
	return code
}

// jsonReport is the form of -json's report (docs/schemas/report.schema.json):
// the verifier's version, the election.Report's members, and the verdicts.
type jsonReport struct {
	Verifier string `json:"verifier"`
	*election.Report
	Valid           bool                   `json:"valid"`
	Failed          []election.Check       `json:"failed"`
	NotChecked      []election.Check       `json:"notChecked"`
	ResultsVerified bool                   `json:"resultsVerified"`
	Since           *election.AppendReport `json:"since,omitempty"`
}

// errorReport is -json's report when the record cannot be read.
type errorReport struct {
	Verifier string `json:"verifier"`
	Record   string `json:"record"`
	Valid    bool   `json:"valid"`
	Error    string `json:"error"`
}

// writeJSON prints v as indented JSON, every string of the record written
// with its controls and bidirectional characters escaped: the JSON value is
// exact, its text safe to print. It reports whether it could.
func writeJSON(stdout, stderr io.Writer, v any) bool {
	out, err := json.MarshalIndent(v, "", "  ")
	if err == nil {
		_, err = stdout.Write(append(safetext.EscapeJSON(out), '\n'))
	}
	if err != nil {
		fmt.Fprintf(stderr, "verifier: %v\n", err)
		return false
	}
	return true
}

// printReport prints one line per check, the findings under the check that
// made them, what was verified, the results, and the final verdict.
func printReport(w io.Writer, rep *election.Report, since *election.AppendReport, persian bool) {
	what := "Election record"
	if rep.Snapshot {
		what = "Snapshot of an election record"
	}
	fmt.Fprintf(w, "%s %s\n", what, safetext.Escape(rep.Dir))
	fmt.Fprintf(w, "Ballots: %d cast, %d challenged, %d refused, %d counted; device openings: %d, closings: %d; incidents: %d\n\n",
		rep.Ballots.Cast, rep.Ballots.Challenged, rep.Ballots.Refused, rep.Ballots.Counted, rep.Ballots.Openings, rep.Ballots.Closings, rep.Ballots.Incidents)
	byCheck := make(map[election.Check][]election.Finding)
	for _, f := range rep.Findings {
		byCheck[f.Check] = append(byCheck[f.Check], f)
	}
	for _, c := range rep.Checks {
		items := fmt.Sprint(c.Items)
		var verdict string
		switch c.Verdict {
		case election.Passed:
			verdict = "ok"
		case election.Failed:
			verdict = fmt.Sprintf("FAILED (%d)", c.Failures)
		case election.NotChecked:
			verdict, items = "not checked", "-"
		case election.NotApplicable:
			verdict, items = "n/a (no codes contest)", "-"
			switch c.Check {
			case election.CheckClosings:
				verdict = "n/a (no station, no closing)"
			case election.CheckIncidents:
				verdict = "n/a (no incident, no replacement)"
			case election.CheckPollBook:
				verdict = "n/a (no poll book summary)"
			case election.CheckRankedCounts:
				verdict = "n/a (no ranked contest)"
			case election.CheckListAllocation:
				verdict = "n/a (no list contest)"
			}
		default:
			verdict = c.Verdict.String()
		}
		fmt.Fprintf(w, "%3d  %-36s %8s  %s\n", int(c.Check), c.Check, items, verdict)
		if c.Check == election.CheckMixStages {
			printCascades(w, rep.Cascades)
		}
		if c.Check == election.CheckPollBook && c.Verdict == election.Passed && rep.PollBook != nil {
			printPollBook(w, rep.PollBook)
		}
		fs := byCheck[c.Check]
		for _, f := range fs {
			fmt.Fprintf(w, "       - %s\n", f)
		}
		if more := c.Failures - int64(len(fs)); more > 0 {
			fmt.Fprintf(w, "       - … and %d more\n", more)
		}
		for _, why := range c.NotChecked {
			fmt.Fprintf(w, "       - not checked: %s\n", why) // escaped by the verifier
		}
	}
	printVerified(w, rep, persian)
	if since != nil {
		printSince(w, since)
	}
	printVerdict(w, rep, since)
}

// printVerified prints what was verified: the election, its base hash, the
// record's format, the software that wrote it and the verifier's version,
// then the results if checks 14 and 20 verified them, in Persian digits
// with Persian names right-aligned if persian is set (-digits fa).
func printVerified(w io.Writer, rep *election.Report, persian bool) {
	fmt.Fprintf(w, "\nVerified\n")
	field := func(name, value, note string) {
		if value == "" {
			value, note = "unknown: election.json does not decode (check 1)", ""
		}
		fmt.Fprintf(w, "  %-12s %s%s\n", name, safetext.Escape(value), note)
	}
	note := ""
	if rep.Verdict(election.CheckParameters) != election.Passed {
		note = " (as election.json states it: check 1 did not pass)"
	}
	field("election", rep.Election, "")
	field("base hash", rep.BaseHash, note)
	field("format", rep.Format, "")
	if rep.Software != "" {
		field("written by", rep.Software, "")
	}
	fmt.Fprintf(w, "  %-12s %s\n", "verifier", version.String())
	fmt.Fprintln(w)
	switch v := rep.Verdict(election.CheckResults); {
	case rep.ResultsVerified():
		if err := rep.Results.WriteTextOptions(w, tally.TextOptions{PersianDigits: persian, RightAlignRTL: persian}); err != nil {
			return
		}
	case rep.Results == nil && v == election.NotChecked:
		fmt.Fprintf(w, "Results: not in the record yet.\n")
	case rep.Results == nil:
		fmt.Fprintf(w, "Results: none (results.json is missing or does not decode, check 14).\n")
	default:
		var bad []int
		for _, c := range []election.Check{election.CheckResults, election.CheckRowResults} {
			if v := rep.Verdict(c); v != election.Passed && v != election.NotApplicable {
				bad = append(bad, int(c))
			}
		}
		fmt.Fprintf(w, "Results: not shown, since they are not verified (%s did not pass); results.json holds what the record claims.\n", prose.Counted("check", bad))
	}
}

// printPollBook prints the totals of the poll book's summary that check 23
// verified: counts only, as the record publishes them.
func printPollBook(w io.Writer, s *pollbook.Summary) {
	fmt.Fprintf(w, "       poll book: %s at %s: %s, %s admitted by committee decision, %s (marks beyond a voter's first), %s not on the list\n",
		prose.Count(s.Marks, "mark"), prose.Count(len(s.Stations), "station"), prose.Count(s.Voters, "voter"), prose.Count(s.Committee, "voter"),
		prose.Count(s.DoubleVotes, "double vote"), prose.Count(s.NotListed, "mark"))
}

// printSince prints what the comparison with the earlier snapshot found.
func printSince(w io.Writer, s *election.AppendReport) {
	fmt.Fprintf(w, "\nSince the earlier snapshot %s: %s compared", safetext.Escape(s.Earlier), prose.Count(s.Files, "file"))
	if s.AppendOnly() {
		fmt.Fprintf(w, ", nothing changed; ballots.jsonl grew from %s to %d.\n", prose.Count(s.EarlierBallotLines, "line"), s.BallotLines)
		return
	}
	fmt.Fprintf(w, ": the record CHANGED what the earlier snapshot holds:\n")
	for _, f := range s.Findings {
		fmt.Fprintf(w, "  - %s\n", safetext.Escape(f.String()))
	}
}

// printVerdict prints the final verdict.
func printVerdict(w io.Writer, rep *election.Report, since *election.AppendReport) {
	failed, notChecked := rep.Failed(), rep.NotChecked()
	changed := since != nil && !since.AppendOnly()
	switch {
	case rep.Valid() && !changed:
		fmt.Fprintf(w, "\nVERDICT: the record is valid: every check passed.\n")
	case len(failed) > 0 || changed:
		var why []string
		if len(failed) > 0 {
			why = append(why, prose.Counted("check", numbers(failed))+" failed")
		}
		if changed {
			why = append(why, "it changed what the earlier snapshot holds")
		}
		fmt.Fprintf(w, "\nVERDICT: the record is INVALID: %s.\n", strings.Join(why, "; "))
	case rep.Snapshot:
		fmt.Fprintf(w, "\nVERDICT: no check failed so far, and the record only appends to the earlier snapshot; it is not complete: %s not checked yet.\n", countedVerb(notChecked))
	default:
		fmt.Fprintf(w, "\nVERDICT: the record is not valid: %s not checked.\n", countedVerb(notChecked))
	}
}

// numbers returns the checks' numbers.
func numbers(cs []election.Check) []int {
	nums := make([]int, len(cs))
	for i, c := range cs {
		nums[i] = int(c)
	}
	return nums
}

// countedVerb returns "check 3 is" or "checks 3 and 4 are".
func countedVerb(cs []election.Check) string {
	nums := numbers(cs)
	if len(nums) == 1 {
		return prose.Counted("check", nums) + " is"
	}
	return prose.Counted("check", nums) + " are"
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

// A progress prints the verifier's progress on standard error. On a
// terminal it rewrites one status line, a few times a second; elsewhere (a
// file, a pipe, a CI log) it prints one plain line per stage, so that the
// log does not fill with carriage returns. A nil *progress prints nothing.
type progress struct {
	w         io.Writer
	terminal  bool
	last      time.Time
	lastStage string
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, terminal: isTerminal(w)}
}

// isTerminal reports whether w is a terminal (a character device, which a
// file or a pipe is not).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) update(stage string, done, total int64) {
	if p == nil {
		return
	}
	stage = safetext.Escape(stage)
	if !p.terminal {
		if stage != p.lastStage {
			fmt.Fprintf(p.w, "verifying %s\n", stage)
		}
		p.lastStage = stage
		return
	}
	now := time.Now()
	if stage == p.lastStage && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last, p.lastStage = now, stage
	if total > 0 {
		fmt.Fprintf(p.w, "\r\x1b[Kverifying %s: %3d%%", stage, done*100/total)
	} else {
		fmt.Fprintf(p.w, "\r\x1b[Kverifying %s…", stage)
	}
}

// done ends the progress with the time taken.
func (p *progress) done(d time.Duration) {
	if p == nil {
		return
	}
	if p.terminal {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	fmt.Fprintf(p.w, "verified in %v\n", d.Round(time.Millisecond))
}

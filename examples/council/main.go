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
//	go build -o verifier ./examples/verifier && ./verifier council-record
//
// Progress goes to standard error. The record is written in a hidden
// folder beside -out and put in place when complete; a folder that is not
// empty is refused unless -force is given, and then only the files of the
// old record are removed (package demo, OutDir). -h lists the flags and
// the exit statuses; -version prints the version. See package council for
// the steps. With -weighted W the election is a cooperative's: the members
// vote remotely, and each row is counted with its credential's weight.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/internal/digits"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/tally"
)

// methods are the ranked values of -method: the counting method of a
// ranked council contest, by name ("" for written codes, counted as block
// votes). The list methods are council.ParseMethod's.
var methods = map[string]ballot.CountingMethod{
	"":                             "",
	string(ballot.STVScottish2007): ballot.STVScottish2007,
	string(ballot.STVMeek):         ballot.STVMeek,
	string(ballot.IRV):             ballot.IRV,
	string(ballot.Schulze):         ballot.Schulze,
}

// methodNames returns the names of the ranked methods, sorted.
func methodNames() []string {
	var out []string
	for name := range methods {
		if name != "" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// listMethodNames are the list values of -method.
const listMethodNames = "dhondt, sainte-lague, modified-sainte-lague, hare, droop"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := demo.NewCommand("council", "council", "Runs a simulated city-council election on the mixnet path (N voters at four\n"+
		"polling stations write up to -seats candidate codes from a list of\n"+
		"-candidates; the ballots are mixed by -mixers trustees, then decrypted by the\n"+
		"trustees, one absent when n > t, and counted) and writes its election record\n"+
		"to the folder -out. Check the record with examples/verifier\n"+
		"(go build -o verifier ./examples/verifier; ./verifier DIR).\n", "council-record", stdout, stderr)
	f := cmd.ElectionFlags(5000, 500)
	fs := cmd.Flags
	var dg digits.Flag
	cmd.Flags.Var(&dg, "digits", digits.FlagUsage)
	var candidates, seats, mixers int
	fs.IntVar(&candidates, "candidates", 400, fmt.Sprintf("number `M` of candidates, with codes 1..M, 1 to %d", ballot.MaxCodeListCandidates))
	fs.IntVar(&seats, "seats", 21, "number `S` of council seats, which is also the most codes a voter writes;\n"+
		"S/3 alternates are elected after them, and S + S/3 is at most M")
	fs.IntVar(&mixers, "mixers", 0, "number `m` of mix stages, made by trustees 1..m, t to n (default: t, the\n"+
		"threshold, so that fewer trustees than can decrypt cannot make every stage)")
	var methodName, listRule string
	var lists int
	fs.StringVar(&methodName, "method", "", "counting `method` of the contest: none (the default) for written codes, the\n"+
		"first S elected; a ranked contest, voters ranking up to S candidates,\n"+
		"counted by one of: "+strings.Join(methodNames(), ", ")+"; or a list\n"+
		"election by proportional representation, counted homomorphically, by one of:\n"+
		listMethodNames+" (hare and droop: largest remainders);\n"+
		"-candidates and -seats then default to 40 and 11")
	fs.IntVar(&lists, "lists", 5, "number of party lists of a list election (-method)")
	fs.StringVar(&listRule, "list-rule", "open", "preferences of a list election: open (within the chosen list) or panachage")
	mixed := fs.Bool("mixed", false, "a list election (-method) through the mixnet instead of the homomorphic tally:\n"+
		"each ballot is a row of codes (the chosen list's, the marked candidates');\n"+
		"-candidates may then be up to "+fmt.Sprint(ballot.MaxCodeListCandidates))
	weighted := fs.Uint("weighted", 0, "a cooperative's weighted election instead: the -voters members vote remotely\n"+
		"with credentials whose public weights (shares) are bands of 1 to `W`, each held\n"+
		"by at least two members, carried through the mixnet with each row; no stations,\n"+
		"no challenges")
	if code, ok := cmd.Parse(args); !ok {
		return code
	}
	method, ok := methods[methodName]
	list := false
	if !ok {
		method, list = council.ParseMethod(methodName)
		if !list {
			return cmd.Usagef("-method %q: unknown method; want one of %s, or %s", methodName, strings.Join(methodNames(), ", "), listMethodNames)
		}
	}
	if list {
		if !cmd.Given("candidates") {
			candidates = 40
		}
		if !cmd.Given("seats") {
			seats = 11
		}
	}
	if !cmd.CheckElection(f) || !cmd.Between("candidates", candidates, 1, ballot.MaxCodeListCandidates, "") || !cmd.AtLeast("seats", seats, 1) {
		return demo.ExitUsage
	}
	if seats+seats/3 > candidates && method == "" {
		return cmd.Usagef("-seats %d: %s and %s need %d candidates, more than %s", seats, prose.Count(seats, "seat"), prose.Count(seats/3, "alternate"), seats+seats/3, cmd.Value("candidates"))
	}
	if !cmd.Given("mixers") {
		mixers = f.Threshold
	} else if !cmd.Between("mixers", mixers, f.Threshold, f.Trustees, fmt.Sprintf(": at least the threshold (-threshold %d) and at most the number of trustees (%s), who are the mix servers", f.Threshold, cmd.Value("trustees"))) {
		return demo.ExitUsage
	}
	if *weighted > 0 {
		switch {
		case *weighted > uint(^uint32(0)):
			return cmd.Usagef("-weighted %d: want 1 to %d", *weighted, ^uint32(0))
		case cmd.Given("challenged") && f.Challenged != 0:
			return cmd.Usagef("-challenged %d with -weighted: the members vote remotely and do not challenge", f.Challenged)
		case f.Voters < 2:
			return cmd.Usagef("-voters %d with -weighted: every weight must be held by at least two members", f.Voters)
		case method != "":
			return cmd.Usagef("-method %q with -weighted: the weighted election of this example is of written codes (a ranked contest cannot be weighted; a weighted list election is not simulated here)", methodName)
		}
		f.Challenged = 0
	}
	out, code, ok := cmd.Out()
	if !ok {
		return code
	}
	cfg := council.Config{
		Voters: f.Voters, Candidates: candidates, Seats: seats, Mixers: mixers, Method: method,
		Trustees: f.Trustees, Threshold: f.Threshold,
		Challenged: f.Challenged, NoChallenges: f.Challenged == 0, Weighted: uint32(*weighted),
		Seed: f.Seed, TieBreakSeed: f.TieBreak, Out: out.Stage, Progress: cmd.Progress(),
	}
	if list {
		cfg.Lists, cfg.ListRule, cfg.MixedList = lists, ballot.ListRule(listRule), *mixed
	} else if *mixed {
		return cmd.Usagef("-mixed without a list -method (%s): the other contests go through the mixnet already", listMethodNames)
	}
	start := time.Now()
	res, err := council.Run(cfg)
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
	what := "the mixed rows"
	if list {
		if !*mixed {
			what = "the tally"
		}
		fmt.Fprintln(stdout, "\nSeats by list ("+string(method)+", counts/0.json):")
		for _, l := range res.Allocation.Lists {
			fmt.Fprint(stdout, dg.Format(fmt.Sprintf("  %3d  %-24s %6s  %s\n", l.Code, l.Name, prose.Count(l.Votes, "vote"), prose.Count(l.Seats, "seat"))))
		}
		if *mixed {
			fmt.Fprint(stdout, dg.Format(fmt.Sprintf("\n%s cast, %d challenged, %d counted (%d invalid rows); %s accepted.\n", prose.Count(res.Cast, "ballot"), res.Challenged, res.Counted, res.Invalid, prose.Count(len(res.Stages), "mix stage"))))
		} else {
			fmt.Fprint(stdout, dg.Format(fmt.Sprintf("\n%s cast, %d challenged, %d counted.\n", prose.Count(res.Cast, "ballot"), res.Challenged, res.Counted)))
		}
	} else {
		fmt.Fprint(stdout, dg.Format(fmt.Sprintf("\n%s cast, %d challenged, %d counted; %s accepted.\n", prose.Count(res.Cast, "ballot"), res.Challenged, res.Counted, prose.Count(len(res.Stages), "mix stage"))))
	}
	if s := demo.Decrypted(res.Absent, res.Combined, what); s != "" {
		fmt.Fprintln(stdout, dg.Format(s))
	}
	fmt.Fprintf(stdout, "Election record: %s\n", demo.AbsPath(out.Path))
	cmd.Done(start)
	return demo.ExitOK
}

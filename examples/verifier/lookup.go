package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/digits"
	"github.com/sandogh/sandogh/internal/safetext"
)

// The exit status of -code when no ballot has the code (the others are
// those of the verification: 0, 1 and 2).
const exitNotFound = 3

// codeUsage is the usage text of -code.
const codeUsage = "look up the ballot whose short confirmation `CODE` a voter took home, as printed\n" +
	"(KZ3Q-7MWA-PBXT-2D4E: any letter case, Persian or Latin digits, any separators):\n" +
	"say what became of it, and check that ballot and its chain link, not the whole record.\n" +
	"Exit status: 0 found and every check passed, 1 found but a check failed,\n" +
	"2 not a short code or the record cannot be read, 3 not found"

// codeSet reports whether -code was given on the command line fs parsed.
func codeSet(fs *flag.FlagSet) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "code" })
	return set
}

// lookUp runs the verifier's -code mode on the command line fs parsed:
// it looks up the ballot with the short code of -code in the record in
// folder dir and prints what became of it, with -digits.
func lookUp(fs *flag.FlagSet, dir string, stdout, stderr io.Writer) int {
	var other []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "code" && f.Name != "digits" && f.Name != "q" {
			other = append(other, "-"+f.Name)
		}
	})
	if len(other) > 0 {
		fmt.Fprintf(stderr, "verifier: -code looks up one ballot and prints text; it does not take %s\n", strings.Join(other, " or "))
		return exitUnreadable
	}
	typed := fs.Lookup("code").Value.String()
	code, err := ballot.ParseShortCode(typed)
	if err != nil {
		fmt.Fprintf(stderr, "verifier: -code: %s\n", strings.TrimPrefix(err.Error(), "ballot: "))
		return exitUnreadable
	}
	l, err := election.LookUp(dir, code)
	if err != nil {
		fmt.Fprintf(stderr, "verifier: %s\n", safetext.Escape(err.Error()))
		return exitUnreadable
	}
	p := &lookupPrinter{w: stdout, dg: digitsOf(fs), l: l, m: l.Manifest()}
	p.print(dir)
	switch {
	case len(l.Ballots) == 0:
		return exitNotFound
	case !l.Passed():
		return exitInvalid
	}
	return exitValid
}

// A lookupPrinter writes a Lookup for the voter.
type lookupPrinter struct {
	w  io.Writer
	dg *digits.Flag
	l  *election.Lookup
	m  *ballot.Manifest
}

// printf writes the command's own text with its integer arguments (verb
// %d) in the user's digits (-digits); text arguments (raw, verb %s) are
// written as they are, so that identifiers, names, paths and hexadecimal
// codes keep their digits. A number of the text is an argument, not a
// digit of the format.
func (p *lookupPrinter) printf(format string, args ...any) {
	for i, a := range args {
		switch a := a.(type) {
		case raw:
			args[i] = string(a)
		case int, int64, uint32, uint64:
			args[i] = p.dg.Format(fmt.Sprint(a))
		}
	}
	fmt.Fprintf(p.w, strings.ReplaceAll(format, "%d", "%s"), args...)
}

// raw is text written as it is, whatever the digits: an identifier, a
// name, a path, a hexadecimal code.
type raw string

// quote returns s quoted, its invisible characters escaped.
func quote(s string) raw { return raw(fmt.Sprintf("%q", s)) }

func (p *lookupPrinter) short(c ballot.ShortCode) raw { return raw(p.dg.Format(c.String())) }

func (p *lookupPrinter) print(dir string) {
	l := p.l
	p.printf("Looking up %s in the record of election %s, folder %s\n", p.short(l.Code), quote(l.ElectionID), raw(safetext.Escape(dir)))
	p.printf("(base hash %s; ballots.jsonl has %d lines).\n\n", raw(fmt.Sprintf("%x", l.BaseHash)), l.Lines)
	switch len(l.Ballots) {
	case 0:
		p.notFound()
	case 1:
		p.ballot(l.Ballots[0])
	default:
		p.printf("%d BALLOTS HAVE THIS SHORT CODE. Two honest ballots share one with negligible chance: someone made them\n"+
			"collide on purpose. Tell yours by its full confirmation code (the device can show it) or, for a\n"+
			"challenged ballot, by its choices, and tell the election's observers.\n\n", len(l.Ballots))
		for _, b := range l.Ballots {
			p.ballot(b)
		}
	}
	for _, u := range l.Unreadable {
		p.printf("Line %d of ballots.jsonl holds this code's digits but does not decode: %s\n", u.Line, raw(safetext.Escape(u.Err.Error())))
	}
	if l.MoreUnreadable > 0 {
		p.printf("… and %d more lines that hold them and do not decode.\n", l.MoreUnreadable)
	}
	if len(l.Unreadable) > 0 {
		p.printf("\n")
	}
	p.printf("Checked in the record:\n")
	p.checks(l.Checks)
	p.printf("\nWhether a ballot counts is decided by the verification of the whole record (checks %d to %d: the\n"+
		"acceptance rule over every line, which alone sees a ciphertext replayed from another ballot or an\n"+
		"identifier used twice), which this lookup does not run. Run it with: verifier DIR\n", 6, 11)
}

func (p *lookupPrinter) notFound() {
	p.printf("NOT FOUND: no ballot in ballots.jsonl has the confirmation code %s.\n\n", p.short(p.l.Code))
	p.printf("Check that the code is typed as printed on your receipt, that this is the record of your\n" +
		"election, and that it is the final record (published after the ballot box closed). If your\n" +
		"ballot is still missing, tell the election's observers: a ballot the record does not hold is\n" +
		"not counted.\n\n")
}

// ballot prints one found ballot: who signed it, what became of it and
// what was checked.
func (p *lookupPrinter) ballot(fb *election.FoundBallot) {
	b := fb.Ballot
	h := b.Header()
	code := b.ConfirmationCode()
	p.printf("Ballot %s, line %d of ballots.jsonl\n", quote(b.ID()), fb.Line)
	p.printf("  confirmation code  %s (in full: %s)\n", raw(p.dg.Format(code.Short())), raw(code.String()))
	if h.Credential != nil {
		p.printf("  signed by          credential %s (remote voting)\n", raw(fmt.Sprintf("%x", []byte(h.Credential))))
	} else {
		p.printf("  signed by          device %s, ballot %d of its chain\n", quote(h.Device), h.Sequence)
	}
	p.printf("  state              %s\n\n", raw(b.State().String()))
	switch fb.Fate {
	case election.FateCounted:
		p.printf("  CAST AND COUNTED, as the record's lines say: the ballot box accepted this cast ballot, and\n" +
			"  no later ballot replaces it, so its encrypted choices are among the ballots that count.\n")
	case election.FateSuperseded:
		p.printf("  CAST, THEN SUPERSEDED: the ballot box accepted this cast ballot, but its credential voted\n"+
			"  again on line %d, which replaces it (the election counts each credential's last ballot).\n", fb.SupersededBy)
		if fb.Counting != fb.SupersededBy {
			p.printf("  The credential's ballot that counts is on line %d.\n", fb.Counting)
		}
	case election.FateChallenged:
		p.printf("  CHALLENGED AND OPENED: this ballot was challenged instead of cast, and is never counted.\n")
		if fb.Vote != nil {
			p.printf("  Its released nonce seed opens it to the choices below. Compare them with what you chose:\n" +
				"  if they differ, the device did not encrypt your choice; tell the election officials.\n\n")
			p.vote(fb.Vote)
		}
	}
	if fb.Replaces != 0 {
		p.printf("  It replaces the credential's earlier ballot, on line %d.\n", fb.Replaces)
	}
	switch fb.Fate {
	case election.FateRefused:
		r := fb.Refusal
		p.printf("  REFUSED, NOT COUNTED: the ballot box refused this ballot at the acceptance rule's step %s%s:\n  %s.\n",
			quote(string(r.Step)), raw(p.place(r)), raw(safetext.Escape(strings.TrimPrefix(r.Reason, "ballot: "))))
	}
	p.printf("\n  Checked on this ballot alone:\n")
	p.checks(fb.Checks)
	p.printf("\n")
}

// place names the contest and candidate (or column) of a refusal, as
// ", contest "board", candidate 103 (Cyrus Tehrani)", or "".
func (p *lookupPrinter) place(r *ballot.Refusal) string {
	if r.Contest < 0 || r.Contest >= len(p.m.Contests) {
		return ""
	}
	c := &p.m.Contests[r.Contest]
	s := fmt.Sprintf(", contest %q", c.ID)
	switch {
	case r.Selection < 0:
	case c.Mixed():
		s += p.dg.Format(fmt.Sprintf(", column %d of its row", r.Selection))
	case r.Selection < len(c.Candidates):
		cand := c.Candidates[r.Selection]
		s += fmt.Sprintf(", candidate %s (%s)", p.dg.Format(fmt.Sprint(cand.Code)), cand.Name)
	}
	return s
}

// vote prints the choices of an opened challenged ballot, contest by
// contest in the manifest's order, each marked candidate with its code
// and name (and score; in a ranked contest its rank, in the voter's order).
func (p *lookupPrinter) vote(v ballot.Vote) {
	for i := range p.m.Contests {
		c := &p.m.Contests[i]
		title := ""
		if c.Title != "" {
			title = " (" + c.Title + ")"
		}
		marks := v[c.ID]
		if len(marks) == 0 {
			p.printf("  Contest %s%s: no choice\n", quote(c.ID), raw(title))
			continue
		}
		codes := make([]uint32, 0, len(marks))
		for code := range marks {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		if c.Kind == ballot.Ranked {
			// In the voter's order: rank 1 first.
			slices.SortStableFunc(codes, func(a, b uint32) int { return cmp.Compare(marks[a], marks[b]) })
		}
		p.printf("  Contest %s%s: %d chosen\n", quote(c.ID), raw(title), len(codes))
		codeW := 0
		for _, code := range codes {
			codeW = max(codeW, len(fmt.Sprint(code)))
		}
		for _, code := range codes {
			name := "(not a candidate of the contest)"
			for _, cand := range c.Candidates {
				if cand.Code == code {
					name = cand.Name
				}
			}
			score := ""
			switch c.Kind {
			case ballot.Score:
				score = p.dg.Format(fmt.Sprintf("  score %d", marks[code]))
			case ballot.Ranked:
				score = p.dg.Format(fmt.Sprintf("  rank %d", marks[code]))
			}
			p.printf("    %s  %s%s\n", raw(p.dg.Format(fmt.Sprintf("%*d", codeW, code))), raw(name), raw(score))
		}
	}
}

// checks prints one line per check: its result, what it is about and
// what was found.
func (p *lookupPrinter) checks(cs []election.LookupCheck) {
	for _, c := range cs {
		p.printf("    %s %s (part of check %d): %s\n", raw(fmt.Sprintf("%-11s", c.Result)), raw(c.What), int(c.Check), raw(safetext.Escape(c.Detail)))
	}
}

// digitsOf returns the value of the -digits flag of fs, which main
// defines: the digits the verifier prints numbers with (for results, with
// tally.TextOptions{PersianDigits: dg.Persian(), RightAlignRTL:
// dg.Persian()}).
func digitsOf(fs *flag.FlagSet) *digits.Flag {
	return fs.Lookup("digits").Value.(*digits.Flag)
}

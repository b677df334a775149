package tally

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/bidi"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/digits"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/safetext"
)

// WriteText writes r as plain text for people: a line with the election's
// identifier and the number of ballots counted, then each contest as
// ContestResult.WriteText writes it, after a blank line. It returns the
// error of w's Write, if any.
//
// The text is for reading, not for parsing: the published form of the
// results is their JSON (MarshalJSON), and its verification CheckResults.
func (r *Results) WriteText(w io.Writer) error {
	return r.WriteTextOptions(w, TextOptions{})
}

// TextOptions choose how WriteTextOptions presents results to its
// readers. The zero value is WriteText's presentation; a command's
// "-digits fa" sets both fields, for readers of Persian.
type TextOptions struct {
	// PersianDigits writes the numbers of the text (the ballots counted,
	// seats, positions, counts, candidate codes, tied positions, invalid
	// rows) in Persian digits, ۰ to ۹ (U+06F0 … U+06F9), and pads their
	// columns by characters. Identifiers, names and the words of the
	// text are written as they are: an identifier's digits are part of
	// it.
	PersianDigits bool
	// RightAlignRTL right-aligns, in the column of names, the names whose
	// direction is right to left (their first character with a strong
	// direction outside isolates is right-to-left, as rules P2 and P3 of
	// the Unicode bidirectional algorithm find it: Persian, Arabic,
	// Hebrew), so that a column of Persian names starts on one line, on
	// its right, as Persian text does; names written left to right stay
	// left-aligned. The column is as wide as the contest's widest name.
	RightAlignRTL bool
}

// WriteTextOptions writes r as WriteText does, presented as o says. It
// returns the error of w's Write, if any.
func (r *Results) WriteTextOptions(w io.Writer, o TextOptions) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Results of %s: %s counted", display(r.ElectionID, false), o.digits(prose.Count(r.Ballots, "ballot")))
	if r.Weighted {
		fmt.Fprintf(&b, ", of total weight %s; every count is weighted (the unweighted counts are in the JSON form)", o.number(r.Weight))
	}
	b.WriteByte('\n')
	for i := range r.Contests {
		b.WriteByte('\n')
		r.Contests[i].writeText(&b, o)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteText writes the result of one contest as plain text for people. A
// line names the contest and its seats, or says that an Exactly or Score
// contest without seats elects nobody (its standings are a ranking); then the candidates follow in the
// order of the standings, one per line, with their position, count,
// candidate code and name. In a contest with seats they are grouped under
// headings at their place in that order: "Main members", "Alternates",
// each tie that decides a seat, and "Not elected". A tie's heading gives
// the tied count, the positions and the seats at stake, and says whether
// the manifest's tie-break seed broke it; the candidates of a broken tie
// are followed by what each is elected as. A CodeList contest ends with
// the number of its mixed rows that are not a valid ballot.
//
// For example, a contest of 2 seats and 1 alternate whose candidates 2 and
// 4 tie for the second seat, without a tie-break seed:
//
//	Contest "board": 2 seats, 1 alternate
//	  Main members
//	    1.  70 votes  1  Ana
//	  Tied at 45 votes for positions 2–3 (1 main seat, 1 alternate seat at stake), not broken: the manifest has no tie-break seed
//	    2.  45 votes  2  Babak
//	    3.  45 votes  4  Dara
//	  Not elected
//	    4.  20 votes  3  Chen
//
// Names are written as they are, right-to-left ones included. A name that
// follows the rules of manifest names (no control character, no
// bidirectional embedding or override, balanced isolates) cannot change
// the direction of the text around it, and it comes after the numbers and
// the word "votes", so that on a display that applies the Unicode
// bidirectional algorithm the line stays left-to-right and a right-to-left
// name does not carry the numbers along. A name or identifier that breaks
// those rules (results decoded from an untrusted record and not yet
// checked) is written with its invisible and control characters escaped
// (\u202e). Where text follows a name, names are padded to the same width
// counted in runes, not bytes, with combining marks and invisible format
// characters (such as the zero-width non-joiner of Persian names) counting
// for none. Counts are in votes, or in points in a Score contest.
//
// WriteText returns the error of w's Write, if any.
func (c *ContestResult) WriteText(w io.Writer) error {
	return c.WriteTextOptions(w, TextOptions{})
}

// WriteTextOptions writes the result of one contest as WriteText does,
// presented as o says. It returns the error of w's Write, if any.
func (c *ContestResult) WriteTextOptions(w io.Writer, o TextOptions) error {
	var b strings.Builder
	c.writeText(&b, o)
	_, err := io.WriteString(w, b.String())
	return err
}

func (c *ContestResult) writeText(b *strings.Builder, o TextOptions) {
	fmt.Fprintf(b, "Contest %q", c.ID)
	if c.Seats > 0 {
		fmt.Fprintf(b, ": %s", o.digits(prose.Count(c.Seats, "seat")))
		if c.Alternates > 0 {
			fmt.Fprintf(b, ", %s", o.digits(prose.Count(c.Alternates, "alternate")))
			if c.Kind == ballot.ProportionalList {
				b.WriteString(" per list")
			}
		}
	} else if c.Kind != ballot.YesNo {
		b.WriteString(": no seats, a ranking that elects nobody")
	}
	b.WriteByte('\n')
	unit := "vote"
	switch c.Kind {
	case ballot.Score:
		unit = "point"
	case ballot.Ranked:
		// The order is the count's (counts/<i>.json), not the counts'.
		unit = "first preference"
		b.WriteString("  In the order of the count (the elected in order of election); counts are first preferences\n")
	}

	// Column widths: positions and counts right-aligned, the unit padded
	// to its plural, codes right-aligned, names padded where an outcome
	// follows them (or, right-to-left ones, on their left if o says so).
	var posW, countW, codeW, nameW int
	names := make([]string, len(c.Standings))
	for k, s := range c.Standings {
		posW = max(posW, width(o.number(s.Position)))
		countW = max(countW, width(o.number(s.Count)))
		codeW = max(codeW, width(o.number(s.Code)))
		names[k] = display(s.Name, true)
		nameW = max(nameW, width(names[k]))
	}
	unitW := len(prose.Plural(unit))

	// A section is a run of standings with the same tie, or outside ties
	// with the same outcome.
	tieAt := func(pos int) int {
		for k, t := range c.Ties {
			if t.First <= pos && pos <= t.Last {
				return k
			}
		}
		return -1
	}
	type section struct {
		tie     int
		outcome Outcome
	}
	prev := section{tie: -2}
	nextList, listEnd := 0, 0 // a list contest: the next list, and where the current one ends
	for k, s := range c.Standings {
		if nextList < len(c.Lists) && k == listEnd {
			l := &c.Lists[nextList]
			fmt.Fprintf(b, "  List %s  %s: %s, %s\n", o.number(l.Code), display(l.Name, false), o.digits(prose.Count(l.Votes, "list vote")), o.digits(prose.Count(l.Seats, "seat")))
			listEnd += l.Candidates
			nextList++
			prev = section{tie: -2}
		}
		cur := section{tie: tieAt(s.Position)}
		if cur.tie < 0 {
			cur.outcome = s.Outcome
		}
		if cur != prev {
			if cur.tie >= 0 {
				b.WriteString("  ")
				c.Ties[cur.tie].writeHeading(b, unit, o)
				b.WriteByte('\n')
			} else if h := outcomeHeadings[cur.outcome]; h != "" {
				fmt.Fprintf(b, "  %s\n", h)
			} else if cur.outcome != "" {
				fmt.Fprintf(b, "  %s\n", display(string(cur.outcome), false))
			}
			prev = cur
		}
		u := unit
		if s.Count != 1 {
			u = prose.Plural(unit)
		}
		name := names[k]
		if o.RightAlignRTL && rightToLeft(s.Name) {
			name = pad(nameW-width(name)) + name
		}
		fmt.Fprintf(b, "    %s.  %s %-*s  %s  %s", padLeft(o.number(s.Position), posW), padLeft(o.number(s.Count), countW), unitW, u, padLeft(o.number(s.Code), codeW), name)
		if cur.tie >= 0 && c.Ties[cur.tie].Broken {
			if word := outcomeWords[s.Outcome]; word != "" {
				fmt.Fprintf(b, "%s  %s", pad(nameW-width(name)), word)
			}
		}
		b.WriteByte('\n')
	}
	if c.Kind == ballot.CodeList || c.Kind == ballot.Ranked {
		switch c.Invalid {
		case 0:
			b.WriteString("  Every mixed row is a valid ballot\n")
		case 1:
			fmt.Fprintf(b, "  %s mixed row is not a valid ballot and counts for nobody\n", o.number(1))
		default:
			fmt.Fprintf(b, "  %s mixed rows are not a valid ballot and count for nobody\n", o.number(c.Invalid))
		}
	}
}

// digits returns s, text made here of numbers and words, with Persian
// digits if o says so.
func (o TextOptions) digits(s string) string {
	if o.PersianDigits {
		return digits.Persian(s)
	}
	return s
}

// number returns the integer n in decimal, with Persian digits if o says
// so.
func (o TextOptions) number(n any) string {
	return o.digits(fmt.Sprint(n))
}

// pad returns n spaces (none if n ≤ 0).
func pad(n int) string {
	return strings.Repeat(" ", max(n, 0))
}

// padLeft returns s right-aligned in a column of w characters.
func padLeft(s string, w int) string {
	return pad(w-width(s)) + s
}

// rightToLeft reports whether name is written right to left: whether its
// first character of a strong direction, outside isolates (rules P2 and
// P3 of the Unicode bidirectional algorithm, UAX #9), is right-to-left (R
// or AL). A name without one is left to right.
func rightToLeft(name string) bool {
	depth := 0
	for _, r := range name {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.LRI, bidi.RLI, bidi.FSI:
			depth++
		case bidi.PDI:
			if depth > 0 {
				depth--
			}
		case bidi.L:
			if depth == 0 {
				return false
			}
		case bidi.R, bidi.AL:
			if depth == 0 {
				return true
			}
		}
	}
	return false
}

// outcomeHeadings are the headings of the sections of a contest's text.
var outcomeHeadings = map[Outcome]string{
	Main:       "Main members",
	Alternate:  "Alternates",
	Tied:       "Tied",
	NotElected: "Not elected",
}

// outcomeWords say what a candidate of a broken tie is elected as.
var outcomeWords = map[Outcome]string{
	Main:       "main member",
	Alternate:  "alternate",
	NotElected: "not elected",
}

// writeHeading writes the heading of the tie's section, without a newline:
// "Tied at 45 votes for positions 2–3 (1 main seat, 1 alternate seat at
// stake), broken by the manifest's tie-break seed".
func (t *Tie) writeHeading(b *strings.Builder, unit string, o TextOptions) {
	fmt.Fprintf(b, "Tied at %s for positions %s–%s (", o.digits(prose.Count(t.Count, unit)), o.number(t.First), o.number(t.Last))
	switch {
	case t.MainSeats > 0 && t.AlternateSeats > 0:
		fmt.Fprintf(b, "%s, %s", o.digits(prose.Count(t.MainSeats, "main seat")), o.digits(prose.Count(t.AlternateSeats, "alternate seat")))
	case t.AlternateSeats > 0:
		b.WriteString(o.digits(prose.Count(t.AlternateSeats, "alternate seat")))
	default:
		b.WriteString(o.digits(prose.Count(t.MainSeats, "main seat")))
	}
	b.WriteString(" at stake), ")
	if t.Broken {
		b.WriteString("broken by the manifest's tie-break seed")
	} else {
		b.WriteString("not broken: the manifest has no tie-break seed")
	}
}

// display returns s as it is if it follows the rules of names (name) or of
// identifiers, and otherwise with its invisible and control characters
// escaped, so that it cannot reorder or break the line it is written in.
func display(s string, name bool) string {
	check := safetext.CheckIdentifier
	if name {
		check = safetext.CheckName
	}
	if check(s) == nil {
		return s
	}
	return safetext.Escape(s)
}

// width returns the number of runes of s that take a place on a line:
// combining marks and invisible format characters (the zero-width
// non-joiner, bidirectional marks and isolates) count for none.
func width(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			n++
		}
	}
	return n
}

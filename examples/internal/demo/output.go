package demo

import (
	"fmt"
	"io"
	"slices"

	"github.com/sandogh/sandogh/tally"
)

// A Logger prints progress lines to W; a nil W prints nothing.
type Logger struct{ W io.Writer }

// Printf prints one line.
func (l Logger) Printf(format string, args ...any) {
	if l.W != nil {
		fmt.Fprintf(l.W, format+"\n", args...)
	}
}

// Standings returns the standings of c whose outcome is o, by position.
func Standings(c *tally.ContestResult, o tally.Outcome) []tally.Standing {
	var rows []tally.Standing
	for _, s := range c.Standings {
		if s.Outcome == o {
			rows = append(rows, s)
		}
	}
	slices.SortStableFunc(rows, func(a, b tally.Standing) int { return a.Position - b.Position })
	return rows
}

// PrintTies prints one line per tie of c: the count, the positions, the
// seats at stake, the candidates, and whether the tie-break seed broke it;
// an unbroken tie is left to who is named by rules ("the union's").
func PrintTies(w io.Writer, c *tally.ContestResult, rules string) {
	for _, t := range c.Ties {
		state := "unbroken: decide by " + rules + " rules (a tie-break seed in the manifest, drawn before voting, would have broken it)"
		if t.Broken {
			state = "broken by the manifest's tie-break seed"
		}
		fmt.Fprintf(w, "  Tie at %d votes for positions %d–%d (%d main, %d alternate seats at stake): candidates %v, %s\n",
			t.Count, t.First, t.Last, t.MainSeats, t.AlternateSeats, t.Candidates, state)
	}
}

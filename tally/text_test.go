package tally

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/sandogh/sandogh/ballot"
)

// boardResults returns the results of one board contest of the given
// seats and alternates, with candidates named names (codes 1, 2, …) and
// counts, with or without a tie-break seed.
func boardResults(t *testing.T, seats, alternates uint32, names []string, counts []uint64, seed string) *Results {
	t.Helper()
	c := ballot.Contest{ID: "board", Kind: ballot.UpTo, Limit: 1, Seats: seats, Alternates: alternates}
	var sel []SelectionTotal
	var ballots uint64
	for k, name := range names {
		c.Candidates = append(c.Candidates, ballot.Candidate{Code: uint32(k + 1), Name: name})
		sel = append(sel, SelectionTotal{Code: uint32(k + 1), Count: counts[k]})
		ballots += counts[k]
	}
	m := &ballot.Manifest{ElectionID: "text-1404", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{c},
		TieBreakSeed: ballot.TieBreakSeed(seed)}
	r, err := NewResults(m, &Totals{Ballots: ballots, Contests: []ContestTotals{{ID: "board", Selections: sel}}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func contestText(t *testing.T, c *ContestResult) string {
	t.Helper()
	var b strings.Builder
	if err := c.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWriteTextDoc: the example in the documentation of
// ContestResult.WriteText is what it writes.
func TestWriteTextDoc(t *testing.T) {
	r := boardResults(t, 2, 1, []string{"Ana", "Babak", "Chen", "Dara"}, []uint64{70, 45, 20, 45}, "")
	want := `Contest "board": 2 seats, 1 alternate
  Main members
    1.  70 votes  1  Ana
  Tied at 45 votes for positions 2–3 (1 main seat, 1 alternate seat at stake), not broken: the manifest has no tie-break seed
    2.  45 votes  2  Babak
    3.  45 votes  4  Dara
  Not elected
    4.  20 votes  3  Chen
`
	if got := contestText(t, &r.Contests[0]); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestWriteTextTieInOrder: a tie for the last alternate seat comes after
// the main members and the alternates, and before the candidates not
// elected; a tie for the last main seat before the alternates (the old
// examples printed every tie after the alternates).
func TestWriteTextTieInOrder(t *testing.T) {
	headings := func(text string) []string {
		var hs []string
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "    ") {
				h, _, _ := strings.Cut(strings.TrimSpace(line), " at ")
				hs = append(hs, h)
			}
		}
		return hs
	}
	names := []string{"A", "B", "C", "D", "E", "F"}
	for _, tt := range []struct {
		counts []uint64
		want   string
	}{
		{[]uint64{9, 8, 7, 5, 5, 1}, "Main members|Alternates|Tied|Not elected"}, // positions 4–5 straddle 4|5
		{[]uint64{9, 7, 7, 5, 4, 1}, "Main members|Tied|Alternates|Not elected"}, // positions 2–3 straddle 2|3
		{[]uint64{9, 8, 7, 6, 5, 1}, "Main members|Alternates|Not elected"},
		{[]uint64{3, 3, 3, 3, 3, 3}, "Tied"},
	} {
		r := boardResults(t, 2, 2, names, tt.counts, "")
		if got := strings.Join(headings(contestText(t, &r.Contests[0])), "|"); got != tt.want {
			t.Errorf("counts %v: sections %s, want %s", tt.counts, got, tt.want)
		}
	}
}

// TestWriteTextBrokenTie: the candidates of a broken tie say what they are
// elected as, aligned after names of different widths; Persian names are
// written as they are and aligned by their width in runes (a zero-width
// non-joiner counting for none), not by their length in bytes.
func TestWriteTextBrokenTie(t *testing.T) {
	names := []string{"Ana", "آزاده کریمی", "Bo", "مهدی‌زاده", "Chen Long Name"}
	r := boardResults(t, 1, 2, names, []uint64{9, 4, 4, 4, 4}, "lottery 1404")
	text := contestText(t, &r.Contests[0])
	if !strings.Contains(text, "broken by the manifest's tie-break seed") {
		t.Fatalf("no broken tie:\n%s", text)
	}
	for _, n := range names {
		if !strings.Contains(text, n) {
			t.Errorf("name %q is not written as it is:\n%s", n, text)
		}
	}
	col := -1
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		var at int
		switch {
		case strings.HasSuffix(line, "  main member"):
			at = len(line) - len("main member")
		case strings.HasSuffix(line, "  alternate"):
			at = len(line) - len("alternate")
		case strings.HasSuffix(line, "  not elected") && strings.HasPrefix(line, "    "):
			at = len(line) - len("not elected")
		default:
			continue
		}
		rows++
		w := 0
		for _, r := range line[:at] {
			if !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
				w++
			}
		}
		if col >= 0 && w != col {
			t.Errorf("outcome at column %d, want %d: %q", w, col, line)
		}
		col = w
	}
	if rows != 4 {
		t.Errorf("%d rows of the broken tie say their outcome, want 4:\n%s", rows, text)
	}
}

// TestWriteTextUnits: counts of 1 are singular, Score contests count
// points, a contest without seats has no headings, and a CodeList contest
// says how many of its rows are invalid.
func TestWriteTextUnits(t *testing.T) {
	r := &Results{ElectionID: "e", Ballots: 1, Contests: []ContestResult{
		{ID: "s", Kind: ballot.Score, Standings: []Standing{{Position: 1, Code: 1, Name: "X", Count: 12}, {Position: 2, Code: 2, Name: "Y", Count: 1}}},
		{ID: "c0", Kind: ballot.CodeList, Seats: 1},
		{ID: "c1", Kind: ballot.CodeList, Seats: 1, Invalid: 1},
		{ID: "c2", Kind: ballot.CodeList, Seats: 1, Invalid: 2},
	}}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `Results of e: 1 ballot counted

Contest "s": no seats, a ranking that elects nobody
    1.  12 points  1  X
    2.   1 point   2  Y

Contest "c0": 1 seat
  Every mixed row is a valid ballot

Contest "c1": 1 seat
  1 mixed row is not a valid ballot and counts for nobody

Contest "c2": 1 seat
  2 mixed rows are not a valid ballot and count for nobody
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestWriteTextUntrusted: results decoded from an untrusted record, before
// CheckResults, cannot break or reorder the lines of the text (a name with
// a newline or a right-to-left override is escaped), and inconsistent
// positions and ties do not make WriteText panic.
func TestWriteTextUntrusted(t *testing.T) {
	r := &Results{ElectionID: "e\u202e1", Contests: []ContestResult{{
		ID: "b\nx", Kind: ballot.UpTo, Seats: 1,
		Standings: []Standing{
			{Position: 1, Name: "evil\u202eeman", Outcome: Main},
			{Position: 1, Name: "two\nlines", Outcome: Tied},
			{Position: -5, Name: "\xff", Outcome: "surprise"},
		},
		Ties: []Tie{{First: 3, Last: 1}, {First: -1, Last: 1 << 40, Broken: true}},
	}}}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if strings.ContainsAny(text, "\u202e\xff") || strings.Count(text, "\n") != 8 {
		t.Errorf("untrusted text is not escaped:\n%s", text)
	}
	if !strings.Contains(text, `evil\u202eeman`) || !strings.Contains(text, `two\u000alines`) || !strings.Contains(text, `Results of e\u202e1`) {
		t.Errorf("escapes missing:\n%s", text)
	}
	var empty Results
	b.Reset()
	if err := empty.WriteText(&b); err != nil || b.String() != "Results of : 0 ballots counted\n" {
		t.Errorf("empty results: %q, %v", b.String(), err)
	}
}

type failingWriter struct{}

var errWrite = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteTextError(t *testing.T) {
	r := boardResults(t, 1, 0, []string{"A", "B"}, []uint64{2, 1}, "")
	if err := r.WriteText(failingWriter{}); !errors.Is(err, errWrite) {
		t.Errorf("Results.WriteText: %v", err)
	}
	if err := r.Contests[0].WriteText(failingWriter{}); !errors.Is(err, errWrite) {
		t.Errorf("ContestResult.WriteText: %v", err)
	}
}

// TestWriteTextPersian: with TextOptions for Persian readers, every
// number of the text has Persian digits, names and identifiers are as they
// are (the digits of "coop-1404" are part of it), Persian names are
// right-aligned in their column and Latin ones left-aligned, and the
// outcomes of a broken tie still start in one column; the text is the
// golden file testdata/text-fa.golden. The zero TextOptions write what
// WriteText writes.
func TestWriteTextPersian(t *testing.T) {
	names := []string{"آزاده کریمی", "Ana", "علی", "مهدی‌زاده", "Chen Long Name", "\u2067Bijan\u2069 بیژن"}
	r := boardResults(t, 1, 2, names, []uint64{1404, 4, 4, 4, 4, 12}, "lottery 1404")
	r.ElectionID = "coop-1404"
	var fa, plain, zero strings.Builder
	if err := r.WriteTextOptions(&fa, TextOptions{PersianDigits: true, RightAlignRTL: true}); err != nil {
		t.Fatal(err)
	}
	r.WriteText(&plain)
	r.WriteTextOptions(&zero, TextOptions{})
	if plain.String() != zero.String() {
		t.Errorf("the zero options differ from WriteText:\n%s\n%s", zero.String(), plain.String())
	}
	got := fa.String()
	if strings.ContainsAny(strings.ReplaceAll(got, "coop-1404", ""), "0123456789") {
		t.Errorf("an ASCII digit is left:\n%s", got)
	}
	for _, n := range append(names, "coop-1404", "۱٬۴۰۴", "۱۴۰۴ votes") {
		if n == "۱٬۴۰۴" {
			continue
		}
		if !strings.Contains(got, n) {
			t.Errorf("%q is not written as it is:\n%s", n, got)
		}
	}
	// Every name ends (a Persian one) or starts (a Latin one) at the
	// column of names' edges, and the outcomes of the broken tie line up.
	var ends, starts, outcome []int
	for _, line := range strings.Split(got, "\n") {
		if !strings.HasPrefix(line, "    ") {
			continue
		}
		_, rest, _ := strings.Cut(line, " vote")
		rest = strings.TrimLeft(rest, "s ")
		_, name, _ := strings.Cut(rest, "  ") // after the code
		col := width(line) - width(name)
		name, word := name, ""
		for _, w := range []string{"main member", "alternate", "not elected"} {
			if strings.HasSuffix(name, "  "+w) {
				name, word = strings.TrimSuffix(name, "  "+w), w
				outcome = append(outcome, width(line)-width(word))
			}
		}
		trimmed := strings.TrimRight(name, " ")
		if rightToLeft(strings.TrimLeft(trimmed, " ")) {
			ends = append(ends, col+width(trimmed))
		} else {
			starts = append(starts, col+width(name)-width(strings.TrimLeft(name, " ")))
		}
	}
	for _, cols := range [][]int{ends, starts, outcome} {
		for _, c := range cols {
			if c != cols[0] {
				t.Errorf("columns %v are not aligned:\n%s", cols, got)
				break
			}
		}
	}
	if len(ends) != 4 || len(starts) != 2 || len(outcome) != 4 {
		t.Errorf("%d Persian names, %d Latin names, %d outcomes: want 4, 2 and 4:\n%s", len(ends), len(starts), len(outcome), got)
	}
	path := filepath.Join("testdata", "text-fa.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the text differs from %s (rewrite it with -update if the change is meant):\n%s", path, got)
	}
}

// TestRightToLeft: a name's direction is that of its first strong
// character outside isolates.
func TestRightToLeft(t *testing.T) {
	for name, want := range map[string]bool{
		"علی": true, "Ana": false, "۱۲ علی": true, "12 Ana": false, "": false, "123": false,
		"\u2066Ana\u2069 علی": true, "\u2067علی\u2069 Ana": false, "שלום": true,
		"\u200fAna": true, "\u200eعلی": false, // the marks are strong characters
	} {
		if got := rightToLeft(name); got != want {
			t.Errorf("rightToLeft(%+q) = %v, want %v", name, got, want)
		}
	}
}

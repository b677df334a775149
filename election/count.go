package election

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
)

// A counter adds up the ballots that count (docs/spec.md §Verification,
// check 11), as the acceptance rule decides them in file order: it adds
// each accepted cast ballot as it is read, and when a later ballot of the
// same credential supersedes it (under ballot.LastBallotCounts), marks it
// for removal; the marked ballots are subtracted at the end, in a second
// pass that decodes only those lines.
//
// For each CodeList or Ranked contest it also keeps the row of every ballot it counts
// (64 bytes per ciphertext, as the ballot encodes it), with its line, so
// that mixInputs can return the rows of the ballots that count, in order:
// the input list of the contest's mix cascade. In a weighted election it
// keeps each counted ballot's confirmation code and weight too, from which
// mixInputs adds the weight column to every row (tally.WeightColumns).
type counter struct {
	e         *ballot.Election
	plus      *tally.Aggregator
	remove    map[int64]bool       // lines to subtract
	codeLists []int                // the CodeList and Ranked contests
	rows      map[int][]countedRow // by CodeList contest
	weighted  []weightedRow        // in a weighted election with CodeList contests, by counted ballot
}

// A countedRow is the row of a CodeList contest of the ballot on line.
type countedRow struct {
	line int64
	enc  []byte // the row's ciphertexts, 64 bytes each
}

// A weightedRow is what the weight column of a counted ballot's rows is
// made of.
type weightedRow struct {
	code   ballot.ConfirmationCode
	weight uint32
}

func newCounter(e *ballot.Election) *counter {
	return &counter{
		e:         e,
		plus:      tally.NewAggregator(e),
		remove:    make(map[int64]bool),
		rows:      make(map[int][]countedRow),
		codeLists: mixedContests(e.Manifest()),
	}
}

// mixedContests returns the indices of m's CodeList and Ranked contests,
// whose rows go through the mixnet, ascending.
func mixedContests(m *ballot.Manifest) []int {
	var out []int
	for i := range m.Contests {
		if m.Contests[i].Mixed() {
			out = append(out, i)
		}
	}
	return out
}

// contestsOfKind returns the indices of m's contests of kind k, ascending.
func contestsOfKind(m *ballot.Manifest, k ballot.ContestKind) []int {
	var out []int
	for i := range m.Contests {
		if m.Contests[i].Kind == k {
			out = append(out, i)
		}
	}
	return out
}

// count applies the acceptance rule's verdict v on the ballot b of line:
// an accepted cast ballot is added, and the ballot it supersedes is marked
// for removal.
func (c *counter) count(line int64, b *ballot.Ballot, v ballot.Verdict) error {
	if v.Supersedes != 0 {
		c.remove[v.Supersedes] = true
	}
	if !v.Counted {
		return nil
	}
	if err := c.plus.Add(b); err != nil {
		return err
	}
	for _, i := range c.codeLists {
		c.rows[i] = append(c.rows[i], countedRow{line: line, enc: b.CiphertextBytes(i)})
	}
	if len(c.codeLists) > 0 && c.e.Credentials().Weighted() {
		// Aggregator.Add refused a ballot without a listed credential.
		c.weighted = append(c.weighted, weightedRow{code: b.ConfirmationCode(), weight: c.e.Credentials().Weight(b.Header().Credential)})
	}
	return nil
}

// mixInputs returns, for each CodeList contest, the rows of the ballots that
// count, in file order, without the lines removed (call it after finish):
// the contest's mix input, or nil if no ballot counts. In a weighted
// election each row ends with its weight column (tally.WeightColumns). It
// decodes the rows on all cores and frees the counter's copies.
func (c *counter) mixInputs() (map[int]*mixnet.Rows, error) {
	out := make(map[int]*mixnet.Rows, len(c.codeLists))
	for _, i := range c.codeLists {
		rows := c.rows[i]
		delete(c.rows, i)
		n, w := 0, 0
		var codes []ballot.ConfirmationCode
		var weights []uint32
		for k, r := range rows {
			if !c.remove[r.line] {
				n++
				w = len(r.enc) / elgamal.CiphertextSize
				if c.weighted != nil {
					codes = append(codes, c.weighted[k].code)
					weights = append(weights, c.weighted[k].weight)
				}
			}
		}
		if n == 0 {
			out[i] = nil
			continue
		}
		var cols []*elgamal.Ciphertext
		if c.weighted != nil {
			var err error
			if cols, err = tally.WeightColumns(c.e, i, codes, weights); err != nil {
				return nil, fmt.Errorf("election: contest %d: the weight columns of the ballots that count: %v", i, err)
			}
			w++
		}
		enc := make([]byte, 8, 8+n*w*elgamal.CiphertextSize)
		binary.BigEndian.PutUint32(enc[0:], uint32(w))
		binary.BigEndian.PutUint32(enc[4:], uint32(n))
		r := 0
		for _, row := range rows {
			if !c.remove[row.line] {
				enc = append(enc, row.enc...)
				if cols != nil {
					enc = cols[r].AppendBytes(enc)
				}
				r++
			}
		}
		rows = nil
		in, err := mixnet.ParseRows(enc)
		if err != nil {
			return nil, fmt.Errorf("election: contest %d: the rows of the ballots that count: %v", i, err)
		}
		out[i] = in
	}
	c.weighted = nil
	return out, nil
}

// finish subtracts the removed lines, reading them again from the file at
// path, and returns the tally of the ballots that count.
func (c *counter) finish(path string) (*tally.EncryptedTally, error) {
	if len(c.remove) == 0 {
		return c.plus.Tally(), nil
	}
	found := 0
	err := rereadLines(path, func(line int64) bool { return c.remove[line] }, func(line int64, b *ballot.Ballot) error {
		found++
		return c.plus.Remove(b)
	})
	if err != nil {
		return nil, err
	}
	if found != len(c.remove) {
		return nil, fmt.Errorf("election: %s: %s to subtract, %d found again", fileBallots, prose.Count(len(c.remove), "ballot"), found)
	}
	return c.plus.Tally(), nil
}

// rereadLines streams the JSON-lines file at path and decodes the ballots
// on the lines that want selects. An I/O error, or a selected line that no
// longer decodes (the file changed), is an error.
func rereadLines(path string, want func(int64) bool, use func(int64, *ballot.Ballot) error) error {
	f, err := openRegular(path)
	if err != nil {
		return &ioError{fmt.Errorf("election: %v", err)}
	}
	defer f.Close()
	lr := newLineReader(f)
	for {
		l, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &ioError{fmt.Errorf("election: %s: %v", fileBallots, err)}
		}
		if !want(int64(l.num)) {
			continue
		}
		if l.err != nil {
			return fmt.Errorf("election: %s: line %d: %v", fileBallots, l.num, l.err)
		}
		bl, err := ballot.ParseBoxLine(l.data)
		if err != nil || bl.Ballot == nil {
			return fmt.Errorf("election: %s: line %d changed while it was read", fileBallots, l.num)
		}
		if err := use(int64(l.num), bl.Ballot); err != nil {
			return err
		}
	}
}

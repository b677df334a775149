package election

import (
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
)

// A counter decides, in file order, which cast ballots of ballots.jsonl
// count, and adds them up (docs/spec.md §Verification, check 11):
// every cast ballot that passes its checks counts, except that under
// ballot.OneBallotPerCredential a credential's second cast ballot is refused,
// and under ballot.LastBallotCounts a credential's cast ballot is replaced
// by its next one. A replaced ballot, or one found later to be a duplicate,
// has already been added: it is subtracted at the end, in a second pass
// that decodes only those lines.
//
// For each Codes contest it also keeps the row of every ballot it counts
// (64 bytes per ciphertext, as the ballot encodes it), with its line, so
// that mixInputs can return the rows of the ballots that count, in order:
// the input list of the contest's mix cascade.
type counter struct {
	policy ballot.CredentialPolicy
	plus   *tally.Aggregator
	added  bitset
	creds  map[[ed25519.PublicKeySize]byte]int64 // the line of the credential's counted ballot
	remove map[int64]bool                        // lines to subtract
	prev   map[int64]int64                       // a credential's counted line → the line it replaced
	dupes  map[int64]bool                        // counted lines found to repeat an earlier ballot
	codes  []int                                 // the Codes contests
	rows   map[int][]countedRow                  // by Codes contest
}

// A countedRow is the row of a Codes contest of the ballot on line.
type countedRow struct {
	line int64
	enc  []byte // the row's ciphertexts, 64 bytes each
}

func newCounter(e *ballot.Election) *counter {
	c := &counter{
		policy: e.Manifest().Policy,
		plus:   tally.NewAggregator(e),
		creds:  make(map[[ed25519.PublicKeySize]byte]int64),
		remove: make(map[int64]bool),
		prev:   make(map[int64]int64),
		dupes:  make(map[int64]bool),
		rows:   make(map[int][]countedRow),
	}
	c.codes = codesContests(e.Manifest())
	return c
}

// codesContests returns the indices of m's Codes contests, ascending.
func codesContests(m *ballot.Manifest) []int {
	var out []int
	for i, c := range m.Contests {
		if c.Kind == ballot.Codes {
			out = append(out, i)
		}
	}
	return out
}

// cast counts the cast ballot b of line, which passed its other checks. It
// returns an error if the credential policy refuses it.
func (c *counter) cast(line int64, b *ballot.Ballot) error {
	if cred := b.Header().Credential; cred != nil {
		k := [ed25519.PublicKeySize]byte(cred)
		if prev, ok := c.creds[k]; ok {
			if c.policy != ballot.LastBallotCounts {
				return fmt.Errorf("credential %x already cast the ballot on line %d, and the election allows one ballot per credential", cred, prev)
			}
			c.remove[prev] = true
			c.prev[line] = prev
		}
		c.creds[k] = line
	}
	if err := c.plus.Add(b); err != nil {
		return err
	}
	c.added.set(line)
	for _, i := range c.codes {
		c.rows[i] = append(c.rows[i], countedRow{line: line, enc: b.CiphertextBytes(i)})
	}
	return nil
}

// mixInputs returns, for each Codes contest, the rows of the ballots that
// count, in file order, without the lines removed (call it after finish):
// the contest's mix input, or nil if no ballot counts. It decodes the rows
// on all cores and frees the counter's copies.
func (c *counter) mixInputs() (map[int]*mixnet.Rows, error) {
	out := make(map[int]*mixnet.Rows, len(c.codes))
	for _, i := range c.codes {
		rows := c.rows[i]
		delete(c.rows, i)
		n, w := 0, 0
		for _, r := range rows {
			if !c.remove[r.line] {
				n++
				w = len(r.enc) / elgamal.CiphertextSize
			}
		}
		if n == 0 {
			out[i] = nil
			continue
		}
		enc := make([]byte, 8, 8+n*w*elgamal.CiphertextSize)
		binary.BigEndian.PutUint32(enc[0:], uint32(w))
		binary.BigEndian.PutUint32(enc[4:], uint32(n))
		for _, r := range rows {
			if !c.remove[r.line] {
				enc = append(enc, r.enc...)
			}
		}
		rows = nil
		in, err := mixnet.ParseRows(enc)
		if err != nil {
			return nil, fmt.Errorf("election: contest %d: the rows of the ballots that count: %v", i, err)
		}
		out[i] = in
	}
	return out, nil
}

// drop marks line as not counting, if it was added: it repeats an
// earlier ballot. Call resolve (finish does) once every drop is known.
func (c *counter) drop(line int64) {
	if c.added.get(line) {
		c.remove[line] = true
		c.dupes[line] = true
	}
}

// resolve restores, under ballot.LastBallotCounts, the ballot that counts
// for each credential whose last ballots were dropped as repeats: a repeat
// is left out as if it were not in the file, so it replaces nothing, and
// the credential's last ballot that is not a repeat counts.
func (c *counter) resolve() {
	if len(c.dupes) == 0 {
		return
	}
	for _, last := range c.creds {
		x := last
		for c.dupes[x] {
			p, ok := c.prev[x]
			if !ok {
				break
			}
			x = p
		}
		if !c.dupes[x] {
			delete(c.remove, x)
		}
	}
}

// finish subtracts the removed lines, reading them again from the file at
// path, and returns the tally of the ballots that count.
func (c *counter) finish(path string) (*tally.EncryptedTally, error) {
	c.resolve()
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
		return nil, fmt.Errorf("election: %s: %d ballots to subtract, %d found again", fileBallots, len(c.remove), found)
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
		bl, err := decodeBoxLine(l.data)
		if err != nil || bl.ballot == nil {
			return fmt.Errorf("election: %s: line %d changed while it was read", fileBallots, l.num)
		}
		if err := use(int64(l.num), bl.ballot); err != nil {
			return err
		}
	}
}

// bitset is a growable set of line numbers, one bit each.
type bitset []uint64

func (s *bitset) set(i int64) {
	for int64(len(*s))*64 <= i {
		*s = append(*s, 0)
	}
	(*s)[i/64] |= 1 << (i % 64)
}

func (s bitset) get(i int64) bool {
	if i < 0 || i/64 >= int64(len(s)) {
		return false
	}
	return s[i/64]&(1<<(i%64)) != 0
}

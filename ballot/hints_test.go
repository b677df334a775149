package ballot

import (
	"bytes"
	"crypto/rand"
	"testing"

	"github.com/sandogh/sandogh/group"
)

// parsedSame checks that ParseBallotHinted(data, hints) gives what
// ParseBallot(data) gives: the same ballot, or the same error.
func parsedSame(t *testing.T, data, hints []byte) {
	t.Helper()
	want, werr := ParseBallot(data)
	got, gerr := ParseBallotHinted(data, hints)
	switch {
	case (werr == nil) != (gerr == nil):
		t.Fatalf("hinted error %v, full error %v", gerr, werr)
	case werr != nil && werr.Error() != gerr.Error():
		t.Fatalf("hinted error %q, full error %q", gerr, werr)
	case werr == nil && (!bytes.Equal(got.Bytes(), want.Bytes()) || got.ConfirmationCode() != want.ConfirmationCode()):
		t.Fatal("the hinted ballot differs")
	}
}

// TestDecodingHints: the known-answer ballots (a board ballot of each
// signer, and ballots with rows of codes) decode with their hints to the
// same ballots, one hint per element of the encoding; with wrong, shifted
// or missing hints they decode the same too, and a ballot with a damaged
// element is refused with the same error whatever the hints.
func TestDecodingHints(t *testing.T) {
	for i, data := range fuzzSeeds(&testing.F{}) {
		b, err := ParseBallot(data)
		if err != nil {
			t.Fatal(err)
		}
		hints := b.DecodingHints()
		if len(hints)%group.HintSize != 0 || len(hints) == 0 {
			t.Fatalf("ballot %d: %d bytes of hints", i, len(hints))
		}
		if n := countElements(b); len(hints) != n*group.HintSize {
			t.Fatalf("ballot %d: %d hints for %d elements", i, len(hints)/group.HintSize, n)
		}
		wrong := make([]byte, len(hints))
		rand.Read(wrong)
		for _, h := range [][]byte{hints, wrong, hints[group.HintSize:], hints[:len(hints)/2], nil} {
			parsedSame(t, data, h)
		}
		// An element damaged: the top bit of the first ciphertext's A set.
		bad := bytes.Clone(data)
		k := bytes.Index(bad, b.contests[0].firstElement())
		bad[k+31] |= 0x80
		parsedSame(t, bad, hints)
		if _, err := ParseBallotHinted(bad, hints); err == nil {
			t.Fatalf("ballot %d: a damaged element accepted", i)
		}
	}
}

// countElements counts the group elements of b's encoding, from its parts.
func countElements(b *Ballot) int {
	n := 0
	for _, c := range b.contests {
		for _, s := range c.selections {
			n += 2 + 2*int(s.proof.Range()+1) // the ciphertext, a_j and b_j
		}
		if c.sum != nil {
			n += 2 * int(c.sum.Range()+1)
		}
		for _, p := range c.listProofs {
			n += 2 * int(p.Range()+1)
		}
		n += 3 * len(c.row) // a ciphertext and a Schnorr proof's commitment
	}
	return n
}

func (c *encryptedContest) firstElement() []byte {
	if len(c.row) > 0 {
		return c.row[0].ctBytes[:group.ElementSize]
	}
	return c.selections[0].ctBytes[:group.ElementSize]
}

func FuzzParseBallotHinted(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		b, _ := ParseBallot(s)
		f.Add(s, b.DecodingHints())
		f.Add(s[:len(s)/2], []byte{})
	}
	f.Fuzz(func(t *testing.T, data, hints []byte) {
		parsedSame(t, data, hints)
	})
}

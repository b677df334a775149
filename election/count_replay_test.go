package election

import (
	"testing"

	"github.com/sandogh/sandogh/ballot"
)

// TestCounterReplayOfRevote: under last-ballot-counts, a later line that
// repeats a credential's ballot is left out (check 8), and the credential's
// last ballot that is not a repeat still counts (docs/spec.md, check 11).
// Before the fix the repeat superseded the original and was then dropped
// as a duplicate, so that neither counted.
func TestCounterReplayOfRevote(t *testing.T) {
	e, b := testBallot(t)
	c := newCounter(e)
	c.policy = ballot.LastBallotCounts
	for _, line := range []int64{3, 8, 13} {
		if err := c.cast(line, b); err != nil {
			t.Fatal(err)
		}
	}
	// Lines 8 and 13 repeat line 3: the uniqueness check drops them.
	c.drop(8)
	c.drop(13)
	c.resolve()
	if c.remove[3] || !c.remove[8] || !c.remove[13] || len(c.remove) != 2 {
		t.Errorf("remove %v, want lines 8 and 13 only: line 3 is the credential's last ballot that is not a repeat", c.remove)
	}

	// A genuine revote followed by a repeat of it: the revote counts.
	c = newCounter(e)
	c.policy = ballot.LastBallotCounts
	for _, line := range []int64{2, 5, 9} {
		if err := c.cast(line, b); err != nil {
			t.Fatal(err)
		}
	}
	c.drop(9)
	c.resolve()
	if !c.remove[2] || c.remove[5] || !c.remove[9] || len(c.remove) != 2 {
		t.Errorf("remove %v, want lines 2 and 9", c.remove)
	}
}

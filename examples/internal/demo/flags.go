package demo

import (
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/trustee"
)

// ElectionFlags are the flags that both examples take, after
// Command.CheckElection: every value is the one given, or the flag's
// documented default.
type ElectionFlags struct {
	// Voters (-voters) is the number of voters at the polling stations.
	Voters int
	// Trustees and Threshold (-trustees, -threshold) are n and t of the
	// key ceremony.
	Trustees, Threshold int
	// Challenged (-challenged) is the number of voters who challenge a
	// ballot before casting one; 0 means none.
	Challenged int
	// Seed (-seed) makes a reproducible run; TieBreak (-tiebreak) is the
	// manifest's tie-break seed.
	Seed, TieBreak string

	challengedPer int
}

// ElectionFlags defines the flags that both examples take: -voters (by
// default voters), -trustees, -threshold, -challenged (by default one
// voter in challengedPer, at least 2, at most the voters), -seed and
// -tiebreak.
func (c *Command) ElectionFlags(voters, challengedPer int) *ElectionFlags {
	f := &ElectionFlags{challengedPer: challengedPer}
	fs := c.Flags
	fs.IntVar(&f.Voters, "voters", voters, "number `N` of voters at the polling stations, at least 1")
	fs.IntVar(&f.Trustees, "trustees", 5, fmt.Sprintf("number `n` of trustees in the key ceremony, 1 to %d", trustee.MaxTrustees))
	fs.IntVar(&f.Threshold, "threshold", 0, "number `t` of trustees needed to decrypt, 1 to n (default: a majority\n"+
		"of the trustees, n/2+1, which is 3 of 5); one trustee is absent at\n"+
		"decryption when n > t")
	fs.IntVar(&f.Challenged, "challenged", 0, fmt.Sprintf("number `C` of voters who challenge a ballot before casting one, 0 to N\n"+
		"(default: N/%d, at least 2 and at most N)", challengedPer))
	fs.StringVar(&f.Seed, "seed", "", "seed `S` for a reproducible run: every key, vote, nonce and choice of the\n"+
		"simulation derives from it, and the record is the same byte for byte on\n"+
		"every run (for demonstrations only; real keys come from crypto/rand)")
	fs.StringVar(&f.TieBreak, "tiebreak", "", fmt.Sprintf("public tie-break `seed` of at most %d bytes, written in the manifest before\n", ballot.MaxTieBreakSeedSize)+
		"voting and bound into the base hash; without it, ties for a seat are\n"+
		"reported, not broken")
	return f
}

// CheckElection checks the values of the flags of ElectionFlags and gives
// the flags that were not given their defaults; it prints a message naming
// the flag and returns false for a value out of range.
func (c *Command) CheckElection(f *ElectionFlags) bool {
	if !c.AtLeast("voters", f.Voters, 1) || !c.Between("trustees", f.Trustees, 1, trustee.MaxTrustees, "") {
		return false
	}
	if !c.Given("threshold") {
		f.Threshold = f.Trustees/2 + 1
	} else if !c.Between("threshold", f.Threshold, 1, f.Trustees, ", the number of trustees ("+c.Value("trustees")+")") {
		return false
	}
	if !c.Given("challenged") {
		f.Challenged = min(f.Voters, max(2, f.Voters/f.challengedPer))
	} else if !c.Between("challenged", f.Challenged, 0, f.Voters, ", the number of voters ("+c.Value("voters")+")") {
		return false
	}
	if len(f.TieBreak) > ballot.MaxTieBreakSeedSize {
		c.Usagef("-tiebreak: %d bytes, more than %d", len(f.TieBreak), ballot.MaxTieBreakSeedSize)
		return false
	}
	return true
}

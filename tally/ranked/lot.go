package ranked

import (
	"bytes"
	"crypto/sha512"
	"slices"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/wire"
)

// lotLabel starts the input of the hash that draws lots.
const lotLabel = "sandogh-v1/ranked-lot"

// A Lot is the public tie-break seed by which a count draws lots where its
// rules say "by lot" (rules 49(3) and 51(2)(b) of the Scottish rules; the
// exclusion tie of instant-runoff; a tie in the Schulze order). The seed
// is the manifest's, fixed before voting and bound into the base hash, so
// that nobody who knows the rows can choose it.
//
// Among tied candidates the lot falls on the one with the smallest key
//
//	SHA-512(str("sandogh-v1/ranked-lot") ‖ fixed(base hash) ‖ bytes(seed) ‖ u32(contest) ‖ u32(candidate index))
//
// compared as 64-byte big-endian strings (the encoding primitives of
// docs/spec.md; the same construction as the tie-break key of package
// tally, with its own label). That candidate's surplus is transferred
// first, or that candidate is excluded, or placed first within its tier.
//
// A count with a nil *Lot draws no lots: it stops at a tie the rules leave
// to lot and reports it (Count.Unresolved).
type Lot struct {
	BaseHash [ballot.HashSize]byte
	Seed     []byte // 1..ballot.MaxTieBreakSeedSize bytes
	Contest  uint32 // the contest's index in the manifest
}

// key returns the lot key of candidate c.
func (l *Lot) key(c int) [sha512.Size]byte {
	var e wire.Writer
	e.Str(lotLabel)
	e.Fixed(l.BaseHash[:])
	e.Bytes(l.Seed)
	e.U32(l.Contest)
	e.U32(uint32(c))
	return sha512.Sum512(e.B)
}

// order sorts candidates in place by ascending lot key.
func (l *Lot) order(cands []int) {
	keys := make(map[int][sha512.Size]byte, len(cands))
	for _, c := range cands {
		keys[c] = l.key(c)
	}
	slices.SortStableFunc(cands, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		return bytes.Compare(ka[:], kb[:])
	})
}

func (l *Lot) check() error {
	if l != nil && (len(l.Seed) == 0 || len(l.Seed) > ballot.MaxTieBreakSeedSize) {
		return errBadSeed
	}
	return nil
}

// How a tie was decided (Tie.By).
const (
	// ByEarlierStage: the candidates' votes at the end of an earlier stage
	// decided (rules 49(2), 51(2)(a)); Tie.Stage names it.
	ByEarlierStage = "earlier stage"
	// ByLot: the lot decided (rules 49(3), 51(2)(b)), drawn by the Lot.
	ByLot = "lot"
	// Unresolved: the rules leave the tie to lot and the count has no Lot;
	// the count stops there.
	Unresolved = "unresolved"
)

// What a tie decides (Tie.Decides).
const (
	// DecidesSurplus: whose surplus of equal surpluses is transferred
	// first (rule 49(2)-(3)). The chosen candidate goes first.
	DecidesSurplus = "surplus"
	// DecidesExclusion: which of the candidates with the fewest votes is
	// excluded (rule 51; the same rule for instant-runoff).
	DecidesExclusion = "exclusion"
)

// A Tie is a choice among candidates with equal votes that a count made
// (or could not make), with how it was made.
type Tie struct {
	Decides    string `json:"decides"`    // DecidesSurplus or DecidesExclusion
	Candidates []int  `json:"candidates"` // the tied candidates, ascending
	By         string `json:"by"`         // ByEarlierStage, ByLot or Unresolved
	Stage      int    `json:"stage"`      // for ByEarlierStage, the stage whose votes decided; else 0
	Chosen     int    `json:"chosen"`     // the candidate chosen; -1 if Unresolved
}

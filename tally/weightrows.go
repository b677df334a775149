package tally

import (
	"encoding/binary"
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
)

// The weight column (docs/spec.md §Tally, "Weighted rows"). In a weighted
// election, the row of a CodeList contest that enters the mix cascade is
// the ballot's row followed by one more ciphertext, the weight column: the
// weight w of the ballot's credential, embedded as the four bytes u32(w)
// (elgamal.Embed) and encrypted with public randomness
//
//	ρ = HashToScalar(baseHash ‖ u32(i) ‖ confirmation code, "sandogh-v1 weight column")
//
// so that anyone rebuilds the input list from the ballots and the
// credential list. The first mix stage re-encrypts it with the row, and it
// is decrypted with the row.

// weightColumnDST is the domain separation tag of ρ.
const weightColumnDST = "sandogh-v1 weight column"

// weightSize is the length of the embedded data of a weight: u32(w).
const weightSize = 4

// InvalidWeight: the row's last plaintext, the weight column of a weighted
// election, is not the canonical embedding of a weight 1 … MaxWeight. A row
// of a record whose input list and cascade verify never has this verdict
// (every weight column is made from a credential's weight), so it is the
// trace of a forged decryption.
const InvalidWeight InvalidReason = "weight"

// weightPlaintext returns the embedding of weight w, the plaintext of its
// weight column.
func weightPlaintext(w uint32) (*group.Element, error) {
	var b [weightSize]byte
	binary.BigEndian.PutUint32(b[:], w)
	return elgamal.VarTimeEmbed(b[:])
}

// weightRandomness returns ρ for the ballot with confirmation code code in
// CodeList contest i of the election with base hash bh.
func weightRandomness(bh [ballot.HashSize]byte, i int, code ballot.ConfirmationCode) *group.Scalar {
	msg := make([]byte, 0, len(bh)+4+len(code))
	msg = append(msg, bh[:]...)
	msg = binary.BigEndian.AppendUint32(msg, uint32(i))
	msg = append(msg, code[:]...)
	return group.HashToScalar(msg, []byte(weightColumnDST))
}

// WeightColumns returns the weight columns of the input list of the mix
// cascade of CodeList contest i of weighted election e: entry r is the
// weight column of the r-th ballot that counts, whose confirmation code is
// codes[r] and whose credential's weight is weights[r],
//
//	(ρ·G, Embed(u32(w)) + ρ·K),   ρ = HashToScalar(baseHash ‖ u32(i) ‖ code, "sandogh-v1 weight column")
//
// (docs/spec.md §Tally, "Weighted rows"). Row r of the input list is the
// ballot's row of the contest followed by entry r. It fails if e is not
// weighted, i is not a CodeList contest, the lengths differ or a weight is
// not in 1 … MaxWeight. It works on all cores, embedding each distinct
// weight once.
//
// Execution time depends on the inputs, which are public.
func WeightColumns(e *ballot.Election, i int, codes []ballot.ConfirmationCode, weights []uint32) ([]*elgamal.Ciphertext, error) {
	c, err := codeListContest(e, i)
	if err != nil {
		return nil, err
	}
	maxWeight := e.Manifest().MaxWeight
	if maxWeight == 0 {
		return nil, fmt.Errorf("tally: contest %d (%s): the election is not weighted, so its rows have no weight column", i, c.ID)
	}
	if len(codes) != len(weights) {
		return nil, fmt.Errorf("tally: contest %d (%s): %d confirmation codes and %d weights", i, c.ID, len(codes), len(weights))
	}
	index := make(map[uint32]int) // weight → its place in distinct
	var distinct []uint32
	for r, w := range weights {
		if w == 0 || w > maxWeight {
			return nil, fmt.Errorf("tally: contest %d (%s): row %d: weight %d is not in [1, %d]", i, c.ID, r, w, maxWeight)
		}
		if _, ok := index[w]; !ok {
			index[w] = len(distinct)
			distinct = append(distinct, w)
		}
	}
	elems := make([]*group.Element, len(distinct))
	errs := make([]error, len(distinct))
	par.For(len(distinct), 64, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			elems[k], errs[k] = weightPlaintext(distinct[k])
		}
	})
	for k, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("tally: contest %d (%s): weight %d: %v", i, c.ID, distinct[k], err)
		}
	}
	bh, pk := e.BaseHash(), e.PublicKey()
	out := make([]*elgamal.Ciphertext, len(weights))
	par.For(len(weights), 256, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			out[r] = pk.EncryptElement(elems[index[weights[r]]], weightRandomness(bh, i, codes[r]))
		}
	})
	return out, nil
}

// NewWeightedRowDecoder returns the decoder of the mixed rows of CodeList
// contest c (valid) in a weighted election whose manifest's MaxWeight is
// maxWeight (at least 1): each row has c.RowWidth() plaintexts of packed
// codes followed by the weight column's, and Width is one more than the
// contest's row width. Decode judges the weight column first and then the
// codes as NewRowDecoder's decoder does; a valid row carries its weight in
// DecodedRow.Weight.
func NewWeightedRowDecoder(c *ballot.Contest, maxWeight uint32) (*RowDecoder, error) {
	if maxWeight == 0 {
		return nil, fmt.Errorf("tally: contest %q: maxWeight 0 is an unweighted election, whose rows have no weight column", c.ID)
	}
	d, err := NewRowDecoder(c)
	if err != nil {
		return nil, err
	}
	d.maxWeight = maxWeight
	return d, nil
}

// rowDecoder returns the decoder of the mixed rows of CodeList contest i of
// manifest m, with the weight column if m is weighted.
func rowDecoder(m *ballot.Manifest, i int) (*RowDecoder, error) {
	if m.MaxWeight > 0 {
		return NewWeightedRowDecoder(&m.Contests[i], m.MaxWeight)
	}
	return NewRowDecoder(&m.Contests[i])
}

// decodeWeighted is Decode for a row with a weight column: the weight
// column is judged first (InvalidWeight, with no codes), then the codes of
// the other plaintexts.
func (d *RowDecoder) decodeWeighted(plaintexts []*group.Element) DecodedRow {
	if n := len(plaintexts); n != d.width+1 {
		return DecodedRow{Plaintexts: plaintexts, Invalid: InvalidPacking,
			Reason: fmt.Sprintf("%d plaintexts, want %d (%d of codes and the weight column)", n, d.width+1, d.width)}
	}
	w, why := d.decodeWeight(plaintexts[d.width])
	if why != "" {
		return DecodedRow{Plaintexts: plaintexts, Invalid: InvalidWeight, Reason: why}
	}
	codes := *d
	codes.maxWeight = 0
	r := codes.Decode(plaintexts[:d.width:d.width])
	r.Plaintexts, r.Weight = plaintexts, w
	return r
}

// decodeWeight reads a weight column's plaintext M: the weight, or the
// reason text of InvalidWeight (docs/spec.md §Tally, "Weighted rows"), in
// this order: M does not extract, its data is not 4 bytes, the weight is
// not in 1 … maxWeight, M is not the canonical embedding of its data.
func (d *RowDecoder) decodeWeight(M *group.Element) (uint32, string) {
	data, err := elgamal.Extract(M)
	if err != nil {
		return 0, "weight column: " + err.Error()
	}
	if len(data) != weightSize {
		return 0, fmt.Sprintf("weight column: data is %d bytes, want %d", len(data), weightSize)
	}
	w := binary.BigEndian.Uint32(data)
	if w == 0 || w > d.maxWeight {
		return 0, fmt.Sprintf("weight column: weight %d is not in [1, %d]", w, d.maxWeight)
	}
	if c, c0 := elgamal.VarTimeEmbeddingCounter(M); c0 != c {
		return 0, fmt.Sprintf("weight column: counter %d is not canonical: the smaller counter %d also gives an element", c, c0)
	}
	return w, ""
}

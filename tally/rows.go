package tally

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/wire"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/trustee"
)

// An InvalidReason says why a decrypted row of a CodeList or Ranked contest
// is not a valid ballot. Such a row counts for no candidate; it is published with
// its reason and counted as invalid.
type InvalidReason string

// The reasons, in the order DecodeRow looks for them: the first that
// applies is the row's.
const (
	// InvalidPacking: the plaintexts are not the canonical packing of
	// candidate codes: elgamal.UnpackCodes refuses them (an element that does
	// not carry 30 data bytes, a slot value above the contest's largest code,
	// a code after an empty slot, bits above the last slot), or an element is
	// not the canonical embedding of its data (its counter is not the smallest
	// that gives an element, elgamal.VarTimeEmbeddingCounter).
	InvalidPacking InvalidReason = "packing"
	// InvalidTooManyCodes: the row holds more candidate codes than the
	// contest's limit N.
	InvalidTooManyCodes InvalidReason = "too-many-codes"
	// InvalidUnknownCode: the row holds a candidate code that is no
	// candidate's.
	InvalidUnknownCode InvalidReason = "unknown-code"
	// InvalidRepeatedCode: the row holds a candidate code twice.
	InvalidRepeatedCode InvalidReason = "repeated-code"
	// InvalidUnsortedCodes: the row's candidate codes are not in ascending
	// order (CodeList contests only: the order of a Ranked contest's codes
	// is the voter's ranking).
	// Honest devices pack them so (ballot.EncryptBallot), and any other
	// order would be a choice of the voter published with the row: a
	// receipt.
	InvalidUnsortedCodes InvalidReason = "unsorted-codes"
)

// A DecodedRow is one row of a CodeList or Ranked contest's mixed and
// decrypted list: its plaintexts, the candidate codes they hold, and
// whether the row is a valid ballot. The order of the codes is the order
// of the slots: ascending in a valid row of a CodeList contest, the
// voter's ranking (most preferred first) in a Ranked contest.
type DecodedRow struct {
	// Plaintexts are the decrypted elements M_k of the row, one per
	// column.
	Plaintexts []*group.Element
	// Codes are the candidate codes of the non-empty slots, in slot order:
	// empty for a blank ballot, nil if the plaintexts are not a packing of
	// codes or, in a weighted election, the weight column is not a weight
	// (the codes are then not read).
	Codes []uint32
	// Invalid is "" for a valid ballot, and otherwise why the row is not
	// one; Reason says more (which code, which element), in the exact text
	// of RowDecoder.Decode.
	Invalid InvalidReason
	Reason  string
	// Weight is, in a weighted election, the weight that the row's weight
	// column decrypts to (weightrows.go), 1 … MaxWeight, and 0 if it is not
	// a weight (Invalid is then InvalidWeight); 0 in an unweighted election.
	Weight uint32
}

// A RowDecoder decodes the decrypted rows of one CodeList or Ranked contest. It holds
// the contest's candidate codes, so that many rows are decoded without
// rebuilding them. The zero value is NOT valid: use NewRowDecoder, or
// NewWeightedRowDecoder for the rows of a weighted election, which end with
// the weight column. A RowDecoder is safe for concurrent use.
type RowDecoder struct {
	limit    int
	maxCode  uint32
	width    int
	capacity int             // slots in a row
	known    map[uint32]bool // the candidates' codes
	ranked   bool            // a Ranked contest: the order is the voter's
	pos      map[uint32]int  // of a Ranked contest: candidate index by code
	// maxWeight is the manifest's MaxWeight in a weighted election, whose
	// rows end with the weight column (NewWeightedRowDecoder), and 0
	// otherwise.
	maxWeight uint32
	// list holds the rules of a mixed ProportionalList contest, nil for
	// the other kinds (listrows.go).
	list *listRules
}

// NewRowDecoder returns the decoder of the rows of contest c, which must be a
// valid CodeList or Ranked contest, or a valid ProportionalList contest
// with MixStages ≥ 1 (a mixed list contest), whose rows hold a list code
// and candidate codes.
func NewRowDecoder(c *ballot.Contest) (*RowDecoder, error) {
	if !c.Mixed() {
		return nil, fmt.Errorf("tally: contest %q is a %q contest whose ballots are added, not mixed (not a %q or %q contest, or a %q contest with mixStages)", c.ID, c.Kind, ballot.CodeList, ballot.Ranked, ballot.ProportionalList)
	}
	if c.RowCodes() == 0 || len(c.Candidates) == 0 || c.MaxCode() == 0 {
		return nil, fmt.Errorf("tally: contest %q: not a valid %q contest", c.ID, c.Kind)
	}
	d := &RowDecoder{limit: c.RowCodes(), maxCode: c.MaxCode(), width: c.RowWidth(), known: make(map[uint32]bool, len(c.Candidates)), ranked: c.Kind == ballot.Ranked}
	// A row has ⌊240/b⌋ slots per element for b-bit codes (elgamal.PackCodes);
	// decoding reads them all, so that a row with more than N codes is
	// told apart from a row that is not a packing at all.
	d.capacity = d.width * (8 * elgamal.MaxEmbedSize / bits.Len32(d.maxCode))
	for _, cand := range c.Candidates {
		d.known[cand.Code] = true
	}
	if c.Kind == ballot.ProportionalList {
		d.list = newListRules(c)
		for _, l := range c.Lists {
			d.known[l.Code] = true
		}
	}
	if d.ranked {
		d.pos = make(map[uint32]int, len(c.Candidates))
		for j, cand := range c.Candidates {
			d.pos[cand.Code] = j
		}
	}
	return d, nil
}

// Width returns the number of plaintexts in a row, the weight column
// included.
func (d *RowDecoder) Width() int {
	if d.maxWeight > 0 {
		return d.width + 1
	}
	return d.width
}

// Decode decodes one row's plaintexts: it unpacks the candidate codes
// (elgamal.UnpackCodes, reading every slot of the row) and judges them,
// in this order: a row that does not unpack, or one of whose elements is
// not the canonical embedding of its data, is InvalidPacking; more codes
// than the contest's limit InvalidTooManyCodes; a code that is not a
// candidate's InvalidUnknownCode (the first, in slot order); a code
// written twice InvalidRepeatedCode; codes out of ascending order
// InvalidUnsortedCodes (not in a Ranked contest, whose codes are in the
// voter's order of preference). In a mixed list contest a code is a list's
// or a candidate's, the limit is Preferences + 1, and the list rules
// follow, in this order: InvalidTwoLists, InvalidTooManyCandidates,
// InvalidNoList, InvalidCandidateOfAnotherList (listrows.go). Any other
// row, the blank one included, is a valid ballot, and its plaintexts are
// exactly those that elgamal.PackCodes makes of its codes: a valid row
// carries nothing but the set of its codes, or in a Ranked contest the
// ranking. The plaintexts are kept, not copied.
//
// The Reason of an invalid row is part of the election record and is
// checked byte for byte by verifiers (docs/spec.md, Tally, "Decoding the
// rows", which lists every text): UnpackCodes' error or "element 0: counter
// 5 is not canonical: the smaller counter 2 also gives an element" for
// InvalidPacking, and "6 codes, more than the limit 5", "code 1 (slot 1) is
// no candidate's code", "code 5 is in slots 0 and 2" and "code 4 (slot 1)
// follows the larger code 9 (slot 0)" for the others, slots numbered over
// the row from 0.
//
// Execution time depends on the inputs, which are public once decrypted.
func (d *RowDecoder) Decode(plaintexts []*group.Element) DecodedRow {
	if d.maxWeight > 0 {
		return d.decodeWeighted(plaintexts)
	}
	r := DecodedRow{Plaintexts: plaintexts}
	codes, err := elgamal.UnpackCodes(plaintexts, d.capacity, d.maxCode)
	if err != nil {
		r.Invalid, r.Reason = InvalidPacking, err.Error()
		return r
	}
	for e, p := range plaintexts {
		if c, c0 := elgamal.VarTimeEmbeddingCounter(p); c0 != c {
			r.Invalid, r.Reason = InvalidPacking, fmt.Sprintf("element %d: counter %d is not canonical: the smaller counter %d also gives an element", e, c, c0)
			return r
		}
	}
	if codes == nil {
		codes = []uint32{}
	}
	r.Codes = codes
	r.Invalid, r.Reason = d.judge(codes)
	return r
}

// judge returns the verdict on the codes of a row that unpacks: "" for a
// valid ballot, or the first reason that applies and its text (Decode).
func (d *RowDecoder) judge(codes []uint32) (InvalidReason, string) {
	if len(codes) > d.limit {
		return InvalidTooManyCodes, fmt.Sprintf("%d codes, more than the limit %d", len(codes), d.limit)
	}
	for k, code := range codes {
		if !d.known[code] {
			if d.list != nil {
				return InvalidUnknownCode, fmt.Sprintf("code %d (slot %d) is no list's or candidate's code", code, k)
			}
			return InvalidUnknownCode, fmt.Sprintf("code %d (slot %d) is no candidate's code", code, k)
		}
	}
	seen := make(map[uint32]int, len(codes))
	for k, code := range codes {
		if j, ok := seen[code]; ok {
			return InvalidRepeatedCode, fmt.Sprintf("code %d is in slots %d and %d", code, j, k)
		}
		seen[code] = k
	}
	for k := 1; k < len(codes) && !d.ranked; k++ {
		if codes[k] < codes[k-1] {
			return InvalidUnsortedCodes, fmt.Sprintf("code %d (slot %d) follows the larger code %d (slot %d)", codes[k], k, codes[k-1], k-1)
		}
	}
	if d.list != nil {
		return d.list.judge(codes)
	}
	return "", ""
}

// RowCiphertexts returns copies of the ciphertexts of rows in the order in
// which the trustees decrypt them: row by row, and within a row column by
// column, so that entry k is row k / w, column k mod w. The trustees'
// decryption shares of a CodeList contest's final mixed list are shares of
// this list (package election's VerifiedRecord.RowShares makes them, after
// verifying that the cascade is complete).
func RowCiphertexts(rows *mixnet.Rows) []*elgamal.Ciphertext {
	out := make([]*elgamal.Ciphertext, 0, rows.Len()*rows.Width())
	for i := range rows.Len() {
		out = append(out, rows.Row(i)...)
	}
	return out
}

// codeListContest returns contest i of e's manifest, which must be a CodeList
// or Ranked contest.
func codeListContest(e *ballot.Election, i int) (*ballot.Contest, error) {
	m := e.Manifest()
	if i < 0 || i >= len(m.Contests) {
		return nil, fmt.Errorf("tally: no contest %d in the manifest", i)
	}
	c := &m.Contests[i]
	if !c.Mixed() {
		return nil, fmt.Errorf("tally: contest %d (%s) is a %q contest, whose ballots are added, not mixed", i, c.ID, c.Kind)
	}
	return c, nil
}

// DecryptRows is the decryption of CodeList or Ranked contest i after mixing: it checks
// that keys are of e's election and hold its public key (as Decrypt does)
// and that rows (the output of the contest's
// completed cascade) have the contest's width, verifies the trustees'
// share lists of RowCiphertexts(rows) and combines any t valid ones with
// trustee.Combine, then decodes every row (RowDecoder.Decode). It returns
// the decoded rows, in the order of rows, and the trustee.Decryption,
// which names the trustees combined and every share list left out; a bad
// share of entry k is in row k / w. It holds every list, ciphertext and
// plaintext at once; a verifier of a large record checks them by pieces
// instead (package election, checks 18 and 19), which the position-free
// transcript of a decryption share allows.
//
// Execution time depends on the inputs, which are all public.
func DecryptRows(e *ballot.Election, keys *trustee.Result, i int, rows *mixnet.Rows, lists []*trustee.ShareList) ([]DecodedRow, *trustee.Decryption, error) {
	c, err := codeListContest(e, i)
	if err != nil {
		return nil, nil, err
	}
	if err := checkKeys(e, keys); err != nil {
		return nil, nil, err
	}
	d, err := rowDecoder(e.Manifest(), i)
	if err != nil {
		return nil, nil, err
	}
	w := rows.Width()
	if w != d.Width() {
		return nil, nil, fmt.Errorf("tally: contest %d (%s): rows of width %d, the contest's rows have %d", i, c.ID, w, d.Width())
	}
	bh := e.BaseHash()
	dec, err := trustee.Combine(bh[:], keys, RowCiphertexts(rows), lists)
	if err != nil {
		return nil, dec, fmt.Errorf("tally: contest %d (%s): decryption of the mixed rows: %w", i, c.ID, err)
	}
	out := make([]DecodedRow, rows.Len())
	for k := range out {
		out[k] = d.Decode(dec.Plaintexts[k*w : (k+1)*w : (k+1)*w])
	}
	return out, dec, nil
}

// CountRows returns the totals of CodeList contest i of manifest m, or of
// mixed ProportionalList contest i, from its decoded rows (RowCounter):
// for a CodeList contest, for each candidate, in ballot order, the number
// of valid rows that hold its code; for a list contest the list, additional
// and preference votes in the layout of ballot.Contest.SelectionCodes, from
// which ListInput and AllocateList allocate the seats as for a
// homomorphic list contest; and the number of invalid rows. In a weighted
// election (m.MaxWeight ≥ 1) a candidate's Count is the sum of the weights
// of the valid rows that hold its code and Unweighted their number. Put
// them in the Totals that Decrypt returns (Contests[i]) before
// NewResults. It returns an error if contest i is neither, or a row said
// to be valid is not (a row must come from RowDecoder.Decode).
func CountRows(m *ballot.Manifest, i int, rows []DecodedRow) (ContestTotals, error) {
	rc, err := NewRowCounter(m, i)
	if err != nil {
		return ContestTotals{}, err
	}
	for k := range rows {
		if err := rc.Add(&rows[k]); err != nil {
			return ContestTotals{}, err
		}
	}
	return rc.Totals(), nil
}

// maxReason bounds the text of an invalid row's reason in the JSON form.
const maxReason = 1024

type jsonDecodedRow struct {
	Plaintexts []string      `json:"plaintexts"`
	Codes      *[]uint32     `json:"codes,omitempty"`
	Weight     *uint32       `json:"weight,omitempty"` // weighted elections only
	Invalid    InvalidReason `json:"invalid,omitempty"`
	Reason     string        `json:"reason,omitempty"`
}

// MarshalJSON encodes r as
//
//	{"plaintexts": [hex, …], "codes": [17, 203, …], "weight": w, "invalid": reason, "reason": text}
//
// with each plaintext the lowercase hexadecimal of its 32-byte encoding;
// "codes" is left out when the row does not unpack ([] for a blank row),
// "weight" when r.Weight is 0 (an unweighted election, or a weight column
// that is not a weight), and "invalid" and "reason" for a valid row. The members are
// always in this order, so equal rows have equal encodings.
func (r DecodedRow) MarshalJSON() ([]byte, error) {
	j := jsonDecodedRow{Plaintexts: make([]string, len(r.Plaintexts)), Invalid: r.Invalid, Reason: r.Reason}
	for k, p := range r.Plaintexts {
		if p == nil {
			return nil, fmt.Errorf("tally: decoded row: plaintext %d is missing", k)
		}
		j.Plaintexts[k] = hex.EncodeToString(p.Bytes())
	}
	if r.Codes != nil {
		codes := r.Codes
		j.Codes = &codes
	}
	if r.Weight != 0 {
		w := r.Weight
		j.Weight = &w
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the form of MarshalJSON. It rejects unknown
// members, data after the object, plaintexts that are not canonical
// elements (with their position), more than mixnet.MaxWidth plaintexts or
// elgamal.MaxPackedCodes codes, a weight of 0, an unknown reason, a reason
// without the "invalid" member and the reverse, and a reason longer than
// 1024 bytes.
// Whether the row is decoded right is for RowDecoder.Decode to say. On
// error r is unchanged.
func (r *DecodedRow) UnmarshalJSON(data []byte) error {
	var j jsonDecodedRow
	if err := strictJSON("decoded row", data, &j); err != nil {
		return err
	}
	if len(j.Plaintexts) == 0 || len(j.Plaintexts) > mixnet.MaxWidth {
		return fmt.Errorf("tally: decoded row: field plaintexts: %d plaintexts, want 1..%d", len(j.Plaintexts), mixnet.MaxWidth)
	}
	out := DecodedRow{Plaintexts: make([]*group.Element, len(j.Plaintexts)), Invalid: j.Invalid, Reason: j.Reason}
	for k, p := range j.Plaintexts {
		raw, err := wire.DecodeHex(fmt.Sprintf("plaintexts[%d]", k), p, group.ElementSize)
		if err != nil {
			return fmt.Errorf("tally: decoded row: %v", err)
		}
		el, err := group.NewElement().SetCanonicalBytes(raw)
		if err != nil {
			return fmt.Errorf("tally: decoded row: field plaintexts[%d]: %v", k, err)
		}
		out.Plaintexts[k] = el
	}
	if j.Codes != nil {
		if len(*j.Codes) > elgamal.MaxPackedCodes {
			return fmt.Errorf("tally: decoded row: field codes: %d codes exceed the maximum %d", len(*j.Codes), elgamal.MaxPackedCodes)
		}
		out.Codes = *j.Codes
	}
	if j.Weight != nil {
		if *j.Weight == 0 {
			return fmt.Errorf("tally: decoded row: field weight: 0 is not a weight (a row without one leaves the member out)")
		}
		out.Weight = *j.Weight
	}
	switch j.Invalid {
	case "":
		if j.Reason != "" {
			return fmt.Errorf("tally: decoded row: field reason: present in a valid row")
		}
	case InvalidPacking, InvalidTooManyCodes, InvalidUnknownCode, InvalidRepeatedCode, InvalidUnsortedCodes, InvalidWeight,
		InvalidTwoLists, InvalidTooManyCandidates, InvalidNoList, InvalidCandidateOfAnotherList:
		if j.Reason == "" {
			return fmt.Errorf("tally: decoded row: field reason: missing for an invalid row")
		}
	default:
		return fmt.Errorf("tally: decoded row: field invalid: unknown reason %q", j.Invalid)
	}
	if len(j.Reason) > maxReason {
		return fmt.Errorf("tally: decoded row: field reason: %d bytes exceed the maximum %d", len(j.Reason), maxReason)
	}
	*r = out
	return nil
}

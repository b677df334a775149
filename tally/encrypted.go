package tally

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/wire"
)

// tallyLabel starts the canonical encoding of an EncryptedTally, and
// weightedTallyLabel that of a weighted election's.
const (
	tallyLabel         = "sandogh-v1/encrypted-tally"
	weightedTallyLabel = "sandogh-v1/weighted-encrypted-tally"
)

// maxID is the longest contest identifier, as in package ballot's manifest.
const maxID = 1024

// An EncryptedTally is the homomorphic sum of the counted ballots of an
// election: for each contest of the manifest, in manifest order, and each
// of its candidates, in ballot order, the sum of the ballots' ciphertexts
// of that selection, and the number of ballots added.
//
// It is made by an Aggregator, or decoded from the record with
// SetCanonicalBytes or UnmarshalJSON, which check its structure but not
// that it belongs to an election (Validate does). Its canonical encoding
// and hash are specified in docs/spec.md §Tally ("Encrypted tally").
type EncryptedTally struct {
	// BaseHash is the base hash of the election.
	BaseHash [ballot.HashSize]byte
	// Ballots is the number of ballots added.
	Ballots uint64
	// Weighted is true in a weighted election (ballot.Manifest.MaxWeight ≥
	// 1): every selection then also has its Weighted sum.
	Weighted bool
	// Weight is, in a weighted election, the sum of the weights of the
	// ballots added (each its credential's weight); 0 otherwise.
	Weight uint64
	// Contests holds one entry per contest of the manifest, in order.
	Contests []EncryptedContest
}

// An EncryptedContest is the part of an EncryptedTally for one contest.
type EncryptedContest struct {
	// ID is the contest's identifier in the manifest.
	ID string
	// Selections holds one entry per candidate, in ballot order.
	Selections []EncryptedSelection
}

// An EncryptedSelection is the aggregate ciphertext of one candidate: an
// encryption of the candidate's total.
type EncryptedSelection struct {
	// Code is the candidate's code in the manifest.
	Code uint32
	// Ciphertext is the sum of the ballots' ciphertexts for the candidate.
	Ciphertext *elgamal.Ciphertext
	// Weighted is, in a weighted election, the weighted sum Σ w_b·C_b of
	// the ballots' ciphertexts, w_b the weight of ballot b's credential;
	// nil otherwise.
	Weighted *elgamal.Ciphertext
}

// Ciphertexts returns copies of the aggregate ciphertexts in the order in
// which trustees decrypt them: contest by contest in manifest order, and
// within a contest candidate by candidate in ballot order. The decryption
// shares of the tally (package election's VerifiedRecord.TallyShares) are
// shares of this list. In a weighted election the list is followed by the
// weighted sums in the same order, so that entry k + K is the weighted sum
// of the selection of entry k, for K selections.
func (t *EncryptedTally) Ciphertexts() []*elgamal.Ciphertext {
	var out []*elgamal.Ciphertext
	for i := range t.Contests {
		for _, s := range t.Contests[i].Selections {
			out = append(out, new(elgamal.Ciphertext).Set(s.Ciphertext))
		}
	}
	if t.Weighted {
		for i := range t.Contests {
			for _, s := range t.Contests[i].Selections {
				out = append(out, new(elgamal.Ciphertext).Set(s.Weighted))
			}
		}
	}
	return out
}

// Bytes returns the canonical encoding of t:
//
//	str("sandogh-v1/encrypted-tally") ‖ fixed(base hash) ‖ u64(ballots) ‖
//	u32(contests) ‖ for each contest: str(id) ‖ u32(selections) ‖
//	    for each selection: u32(code) ‖ fixed(A ‖ B)
//
// and in a weighted election
//
//	str("sandogh-v1/weighted-encrypted-tally") ‖ fixed(base hash) ‖ u64(ballots) ‖
//	u64(weight) ‖ u32(contests) ‖ for each contest: str(id) ‖ u32(selections) ‖
//	    for each selection: u32(code) ‖ fixed(A ‖ B) ‖ fixed(A_w ‖ B_w)
//
// with (A_w, B_w) the weighted sum. It panics if a ciphertext is nil.
func (t *EncryptedTally) Bytes() []byte {
	var e wire.Writer
	if t.Weighted {
		e.Str(weightedTallyLabel)
	} else {
		e.Str(tallyLabel)
	}
	e.Fixed(t.BaseHash[:])
	e.U64(t.Ballots)
	if t.Weighted {
		e.U64(t.Weight)
	}
	e.U32(uint32(len(t.Contests)))
	for i := range t.Contests {
		c := &t.Contests[i]
		e.Str(c.ID)
		e.U32(uint32(len(c.Selections)))
		for _, s := range c.Selections {
			e.U32(s.Code)
			e.B = s.Ciphertext.AppendBytes(e.B)
			if t.Weighted {
				e.B = s.Weighted.AppendBytes(e.B)
			}
		}
	}
	return e.B
}

// Hash returns SHA-512/256 of the canonical encoding of t. The Results of
// an election name the tally they come from by this hash.
func (t *EncryptedTally) Hash() [ballot.HashSize]byte {
	return sha512.Sum512_256(t.Bytes())
}

// SetCanonicalBytes sets t to the tally encoded by b (the encoding of
// Bytes) and returns t. It checks the label, the lengths, the limits of
// package ballot (at most ballot.MaxContests contests and
// ballot.MaxCandidates selections per contest) and that every ciphertext is
// canonically encoded, with errors that name the field and its offset. It
// does not check the tally against an election (see Validate). On error it
// returns nil and t is unchanged.
func (t *EncryptedTally) SetCanonicalBytes(b []byte) (*EncryptedTally, error) {
	d := &wire.Reader{Prefix: "tally: encrypted tally", B: b}
	var out EncryptedTally
	if d.Str("label", 255) == weightedTallyLabel {
		out.Weighted = true
	} else {
		d.Off, d.Err = 0, nil
		d.Label(tallyLabel)
	}
	copy(out.BaseHash[:], d.Take("base hash", ballot.HashSize))
	out.Ballots = d.U64("ballots")
	if out.Weighted {
		out.Weight = d.U64("weight")
	}
	sel := 4 + elgamal.CiphertextSize // the bytes of one selection
	if out.Weighted {
		sel += elgamal.CiphertextSize
	}
	n := d.Count("contests", ballot.MaxContests, 8)
	if d.Err != nil {
		return nil, d.Err
	}
	out.Contests = make([]EncryptedContest, n)
	for i := range out.Contests {
		c := &out.Contests[i]
		c.ID = d.Str(fmt.Sprintf("contest %d: id", i), maxID)
		m := d.Count(fmt.Sprintf("contest %d: selections", i), ballot.MaxCandidates, sel)
		if d.Err != nil {
			return nil, d.Err
		}
		c.Selections = make([]EncryptedSelection, m)
		for j := range c.Selections {
			s := &c.Selections[j]
			s.Code = d.U32(fmt.Sprintf("contest %d: selection %d: code", i, j))
			s.Ciphertext = takeCiphertext(d, fmt.Sprintf("contest %d: selection %d: ciphertext", i, j))
			if out.Weighted && d.Err == nil {
				s.Weighted = takeCiphertext(d, fmt.Sprintf("contest %d: selection %d: weighted ciphertext", i, j))
			}
			if d.Err != nil {
				return nil, d.Err
			}
		}
	}
	d.End()
	if d.Err != nil {
		return nil, d.Err
	}
	*t = out
	return t, nil
}

// takeCiphertext reads a canonical ciphertext, the field named field; on
// error it returns nil and d.Err names the field at its offset.
func takeCiphertext(d *wire.Reader, field string) *elgamal.Ciphertext {
	at := d.Off
	raw := d.Take(field, elgamal.CiphertextSize)
	if d.Err != nil {
		return nil
	}
	ct, err := new(elgamal.Ciphertext).SetCanonicalBytes(raw)
	if err != nil {
		d.Off = at
		d.Fail(field, "%v", err)
		return nil
	}
	return ct
}

// Validate checks that t is shaped for election e: its base hash, and one
// contest per contest of the manifest with the same identifier and one
// selection per candidate with the same code, in order; a CodeList contest,
// whose ballots go through the mixnet instead, has no selections. It
// returns an error naming the first difference.
func (t *EncryptedTally) Validate(e *ballot.Election) error {
	bh := e.BaseHash()
	if t.BaseHash != bh {
		return fmt.Errorf("tally: encrypted tally: base hash %x is not the election's %x", t.BaseHash, bh)
	}
	if err := checkWeighted(e, t); err != nil {
		return err
	}
	return checkShape("encrypted tally", e.Manifest(), false, len(t.Contests),
		func(i int) string { return t.Contests[i].ID },
		func(i int) int { return len(t.Contests[i].Selections) },
		func(i, j int) uint32 { return t.Contests[i].Selections[j].Code },
		func(i, j int) bool {
			s := &t.Contests[i].Selections[j]
			return s.Ciphertext != nil && (s.Weighted != nil) == t.Weighted
		})
}

// checkShape compares a per-contest, per-selection structure with the
// manifest m; what names the structure in errors. ok reports whether an
// entry is present (not nil). CodeList contests have one entry per candidate
// if codes is true (counted totals), and none otherwise (the encrypted
// tally, which does not add their rows).
func checkShape(what string, m *ballot.Manifest, codes bool, n int, id func(int) string, size func(int) int, code func(i, j int) uint32, ok func(i, j int) bool) error {
	if n != len(m.Contests) {
		return fmt.Errorf("tally: %s: %s, but the manifest has %d", what, prose.Count(n, "contest"), len(m.Contests))
	}
	for i := range m.Contests {
		c := &m.Contests[i]
		if got := id(i); got != c.ID {
			return fmt.Errorf("tally: %s: contest %d: identifier %q, but the manifest's contest %d is %q", what, i, got, i, c.ID)
		}
		if c.Mixed() && !codes {
			if got := size(i); got != 0 {
				return fmt.Errorf("tally: %s: contest %d (%s): %s, but a %s contest's rows are mixed and decrypted one by one, not added", what, i, c.ID, prose.Count(got, "selection"), c.Kind)
			}
			continue
		}
		want := c.SelectionCodes() // a CodeList contest's: its candidates'
		if got := size(i); got != len(want) {
			if c.Mixed() && got == 0 {
				return fmt.Errorf("tally: %s: contest %d (%s): no totals: the contest's decoded rows are not counted (CountRows)", what, i, c.ID)
			}
			if c.Kind == ballot.ProportionalList {
				return fmt.Errorf("tally: %s: contest %d (%s): %s, but the list contest has %d (lists, additional votes and candidates)", what, i, c.ID, prose.Count(got, "selection"), len(want))
			}
			return fmt.Errorf("tally: %s: contest %d (%s): %s, but the contest has %s", what, i, c.ID, prose.Count(got, "selection"), prose.Count(len(c.Candidates), "candidate"))
		}
		for j, w := range want {
			if got := code(i, j); got != w {
				return fmt.Errorf("tally: %s: contest %d (%s): selection %d: code %d, but the manifest's selection %d has code %d", what, i, c.ID, j, got, j, w)
			}
			if !ok(i, j) {
				return fmt.Errorf("tally: %s: contest %d (%s): selection %d (code %d): missing", what, i, c.ID, j, w)
			}
		}
	}
	return nil
}

// Compare returns nil if t and u are the same tally, and otherwise an
// error naming the first difference: the base hash, the number of ballots,
// or the contest and selection whose ciphertexts differ. A verifier uses it
// to compare the published tally with the one it recomputes from the
// ballots.
func (t *EncryptedTally) Compare(u *EncryptedTally) error {
	if t.BaseHash != u.BaseHash {
		return fmt.Errorf("tally: encrypted tally: base hash %x differs from %x", t.BaseHash, u.BaseHash)
	}
	if t.Ballots != u.Ballots {
		return fmt.Errorf("tally: encrypted tally: %s, but %d counted", prose.Count(t.Ballots, "ballot"), u.Ballots)
	}
	if t.Weighted != u.Weighted {
		return fmt.Errorf("tally: encrypted tally: weighted is %t, but %t for the ballots counted", t.Weighted, u.Weighted)
	}
	if t.Weight != u.Weight {
		return fmt.Errorf("tally: encrypted tally: total weight %d, but the ballots counted weigh %d", t.Weight, u.Weight)
	}
	if len(t.Contests) != len(u.Contests) {
		return fmt.Errorf("tally: encrypted tally: %s, not %d", prose.Count(len(t.Contests), "contest"), len(u.Contests))
	}
	for i := range t.Contests {
		a, b := &t.Contests[i], &u.Contests[i]
		if a.ID != b.ID {
			return fmt.Errorf("tally: encrypted tally: contest %d: identifier %q differs from %q", i, a.ID, b.ID)
		}
		if len(a.Selections) != len(b.Selections) {
			return fmt.Errorf("tally: encrypted tally: contest %d (%s): %s, not %d", i, a.ID, prose.Count(len(a.Selections), "selection"), len(b.Selections))
		}
		for j := range a.Selections {
			x, y := &a.Selections[j], &b.Selections[j]
			if x.Code != y.Code {
				return fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d: code %d differs from %d", i, a.ID, j, x.Code, y.Code)
			}
			if x.Ciphertext == nil || y.Ciphertext == nil || x.Ciphertext.Equal(y.Ciphertext) != 1 {
				return fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d (code %d): the aggregate ciphertexts differ", i, a.ID, j, x.Code)
			}
			if t.Weighted && (x.Weighted == nil || y.Weighted == nil || x.Weighted.Equal(y.Weighted) != 1) {
				return fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d (code %d): the weighted sums differ", i, a.ID, j, x.Code)
			}
		}
	}
	return nil
}

type jsonTally struct {
	BaseHash string        `json:"baseHash"`
	Ballots  uint64        `json:"ballots"`
	Weight   *uint64       `json:"weight,omitempty"` // weighted elections only
	Contests []jsonContest `json:"contests"`
	Hash     string        `json:"hash"`
}

type jsonContest struct {
	ID         string          `json:"id"`
	Selections []jsonSelection `json:"selections"`
}

type jsonSelection struct {
	Code       uint32  `json:"code"`
	Ciphertext string  `json:"ciphertext"`
	Weighted   *string `json:"weighted,omitempty"` // weighted elections only
}

// MarshalJSON encodes t as
//
//	{"baseHash": hex, "ballots": n,
//	 "contests": [{"id": "board", "selections": [{"code": 101, "ciphertext": hex}, …]}, …],
//	 "hash": hex}
//
// and in a weighted election with "weight": W after "ballots" and
// "weighted": hex (the weighted sum) after each "ciphertext", with every hash and ciphertext in lowercase hexadecimal (a ciphertext is
// the 128 characters of A ‖ B). The "hash" member is Hash, for readers;
// UnmarshalJSON checks it.
func (t *EncryptedTally) MarshalJSON() ([]byte, error) {
	for i := range t.Contests {
		for j, s := range t.Contests[i].Selections {
			if s.Ciphertext == nil || (t.Weighted && s.Weighted == nil) {
				return nil, fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d (code %d): no ciphertext", i, t.Contests[i].ID, j, s.Code)
			}
		}
	}
	h := t.Hash()
	j := jsonTally{
		BaseHash: hex.EncodeToString(t.BaseHash[:]),
		Ballots:  t.Ballots,
		Contests: make([]jsonContest, len(t.Contests)),
		Hash:     hex.EncodeToString(h[:]),
	}
	if t.Weighted {
		w := t.Weight
		j.Weight = &w
	}
	for i := range t.Contests {
		c := &t.Contests[i]
		jc := jsonContest{ID: c.ID, Selections: make([]jsonSelection, len(c.Selections))}
		for k, s := range c.Selections {
			jc.Selections[k] = jsonSelection{Code: s.Code, Ciphertext: hex.EncodeToString(s.Ciphertext.Bytes())}
			if t.Weighted {
				w := hex.EncodeToString(s.Weighted.Bytes())
				jc.Selections[k].Weighted = &w
			}
		}
		j.Contests[i] = jc
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the form of MarshalJSON with the checks of
// SetCanonicalBytes, and checks that the "hash" member is the tally's hash.
// It rejects unknown members. On error t is unchanged.
func (t *EncryptedTally) UnmarshalJSON(data []byte) error {
	var j jsonTally
	if err := strictJSON("encrypted tally", data, &j); err != nil {
		return err
	}
	var out EncryptedTally
	bh, err := wire.DecodeHex("baseHash", j.BaseHash, ballot.HashSize)
	if err != nil {
		return fmt.Errorf("tally: encrypted tally: %v", err)
	}
	copy(out.BaseHash[:], bh)
	out.Ballots = j.Ballots
	if j.Weight != nil {
		out.Weighted, out.Weight = true, *j.Weight
	}
	if len(j.Contests) > ballot.MaxContests {
		return fmt.Errorf("tally: encrypted tally: %d contests exceed the maximum %d", len(j.Contests), ballot.MaxContests)
	}
	out.Contests = make([]EncryptedContest, len(j.Contests))
	for i, jc := range j.Contests {
		if len(jc.ID) > maxID {
			return fmt.Errorf("tally: encrypted tally: contest %d: field id: %d bytes exceed the maximum %d", i, len(jc.ID), maxID)
		}
		if len(jc.Selections) > ballot.MaxCandidates {
			return fmt.Errorf("tally: encrypted tally: contest %d (%s): %d selections exceed the maximum %d", i, jc.ID, len(jc.Selections), ballot.MaxCandidates)
		}
		c := EncryptedContest{ID: jc.ID, Selections: make([]EncryptedSelection, len(jc.Selections))}
		for k, js := range jc.Selections {
			raw, err := wire.DecodeHex("ciphertext", js.Ciphertext, elgamal.CiphertextSize)
			if err != nil {
				return fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d: %v", i, jc.ID, k, err)
			}
			ct, err := new(elgamal.Ciphertext).SetCanonicalBytes(raw)
			if err != nil {
				return fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d: field ciphertext: %v", i, jc.ID, k, err)
			}
			c.Selections[k] = EncryptedSelection{Code: js.Code, Ciphertext: ct}
			switch {
			case out.Weighted && js.Weighted == nil:
				return fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d: field weighted: missing in a weighted tally (one with \"weight\")", i, jc.ID, k)
			case !out.Weighted && js.Weighted != nil:
				return fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d: field weighted: present in an unweighted tally (one without \"weight\")", i, jc.ID, k)
			case out.Weighted:
				raw, err := wire.DecodeHex("weighted", *js.Weighted, elgamal.CiphertextSize)
				if err != nil {
					return fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d: %v", i, jc.ID, k, err)
				}
				if c.Selections[k].Weighted, err = new(elgamal.Ciphertext).SetCanonicalBytes(raw); err != nil {
					return fmt.Errorf("tally: encrypted tally: contest %d (%s): selection %d: field weighted: %v", i, jc.ID, k, err)
				}
			}
		}
		out.Contests[i] = c
	}
	h, err := wire.DecodeHex("hash", j.Hash, ballot.HashSize)
	if err != nil {
		return fmt.Errorf("tally: encrypted tally: %v", err)
	}
	if got := out.Hash(); string(h) != string(got[:]) {
		return fmt.Errorf("tally: encrypted tally: field hash: %x is not the tally's hash %x", h, got)
	}
	*t = out
	return nil
}

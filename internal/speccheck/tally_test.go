package speccheck

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"fmt"
	"sort"

	r255 "github.com/gtank/ristretto255"
)

// The encrypted tally, decryption shares, their combination and the results,
// from 40-trustee.md and 70-tally.md.

type encryptedTallyJSON struct {
	BaseHash string  `json:"baseHash"`
	Ballots  uint64  `json:"ballots"`
	Weight   *uint64 `json:"weight,omitempty"` // weighted tallies only
	Contests []struct {
		ID         string         `json:"id"`
		Selections []tallySelJSON `json:"selections"`
	} `json:"contests"`
	Hash string `json:"hash"`
}

type tallySelJSON struct {
	Code       uint32  `json:"code"`
	Ciphertext string  `json:"ciphertext"`
	Weighted   *string `json:"weighted,omitempty"` // weighted tallies only
}

// encode is the tally's encoding, or the weighted tally's when it has a
// weight (70-tally.md, "Encrypted tally", "Weighted tally").
func (t *encryptedTallyJSON) encode() []byte {
	label := "sandogh-v1/encrypted-tally"
	if t.Weight != nil {
		label = "sandogh-v1/weighted-encrypted-tally"
	}
	b := str(nil, label)
	b = append(b, mustHex(t.BaseHash)...)
	b = u64(b, t.Ballots)
	if t.Weight != nil {
		b = u64(b, *t.Weight)
	}
	b = u32(b, uint32(len(t.Contests)))
	for _, c := range t.Contests {
		b = str(b, c.ID)
		b = u32(b, uint32(len(c.Selections)))
		for _, s := range c.Selections {
			b = u32(b, s.Code)
			b = append(b, mustHex(s.Ciphertext)...)
			if t.Weight != nil && s.Weighted != nil {
				b = append(b, mustHex(*s.Weighted)...)
			}
		}
	}
	return b
}

// ciphertexts is the list the trustees decrypt, in tally order, followed
// in a weighted tally by the weighted sums in the same order.
func (t *encryptedTallyJSON) ciphertexts() [][]byte {
	var out [][]byte
	for _, c := range t.Contests {
		for _, s := range c.Selections {
			out = append(out, mustHex(s.Ciphertext))
		}
	}
	if t.Weight != nil {
		for _, c := range t.Contests {
			for _, s := range c.Selections {
				out = append(out, mustHex(*s.Weighted))
			}
		}
	}
	return out
}

type shareListJSON struct {
	Trustee uint32 `json:"trustee"`
	Shares  []struct {
		Share string `json:"share"`
		Proof struct {
			Commitment1 string `json:"commitment1"`
			Commitment2 string `json:"commitment2"`
			Response    string `json:"response"`
		} `json:"proof"`
	} `json:"shares"`
}

// verifyShareList checks every entry of trustee j's list for the ciphertexts
// cts under base hash h and verification key Kj, and returns the shares D_i.
func verifyShareList(l *shareListJSON, h []byte, Kj *r255.Element, cts [][]byte) ([]*r255.Element, error) {
	if len(l.Shares) != len(cts) {
		return nil, fmt.Errorf("trustee %d: %d shares for %d ciphertexts", l.Trustee, len(l.Shares), len(cts))
	}
	base := newTranscript("sandogh-v1 decryption share", h)
	base.integer("trustee", uint64(l.Trustee))
	base.element("verification-key", Kj)
	var ds []*r255.Element
	for i, s := range l.Shares {
		A, err := element(cts[i][:32])
		if err != nil {
			return nil, err
		}
		D, err1 := elementHex(s.Share)
		a1, err2 := elementHex(s.Proof.Commitment1)
		a2, err3 := elementHex(s.Proof.Commitment2)
		z, err4 := scalarHex(s.Proof.Response)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, fmt.Errorf("trustee %d: entry %d: %w", l.Trustee, i, err)
		}
		tr := base.clone()
		tr.bytes("ciphertext-2a", enc(add(A, A)))
		tr.bytes("share", enc(D))
		tr.bytes("commitment1", enc(a1))
		tr.bytes("commitment2", enc(a2))
		c := tr.challenge("challenge")
		if !eq(mulG(z), add(a1, mul(c, Kj))) {
			return nil, fmt.Errorf("trustee %d: entry %d: z·G ≠ a1 + c·K_j", l.Trustee, i)
		}
		if !eq(mul(z, A), add(a2, mul(c, D))) {
			return nil, fmt.Errorf("trustee %d: entry %d: z·A ≠ a2 + c·D", l.Trustee, i)
		}
		ds = append(ds, D)
	}
	return ds, nil
}

// combine computes M_i = B_i − Σ_{j∈S} λ_j·D_{j,i} for the t lowest indices.
func combine(shares map[uint32][]*r255.Element, t uint32, cts [][]byte) ([]*r255.Element, error) {
	var idx []uint32
	for j := range shares {
		idx = append(idx, j)
	}
	sort.Slice(idx, func(a, b int) bool { return idx[a] < idx[b] })
	if uint32(len(idx)) < t {
		return nil, fmt.Errorf("%d valid share lists, threshold %d", len(idx), t)
	}
	S := idx[:t]
	lambda := map[uint32]*r255.Scalar{}
	for _, j := range S {
		num, den := scalarUint(1), scalarUint(1)
		for _, m := range S {
			if m != j {
				num = smul(num, scalarUint(uint64(m)))
				den = smul(den, ssub(scalarUint(uint64(m)), scalarUint(uint64(j))))
			}
		}
		lambda[j] = smul(num, r255.NewScalar().Invert(den))
	}
	var out []*r255.Element
	for i, ct := range cts {
		B, _ := element(ct[32:])
		M := B
		for _, j := range S {
			M = sub(M, mul(lambda[j], shares[j][i]))
		}
		out = append(out, M)
	}
	return out, nil
}

// Results (70-tally.md, "Results" and "Results JSON").

type standingJSON struct {
	Position int    `json:"position"`
	Code     uint32 `json:"code"`
	Name     string `json:"name"`
	Count    uint64 `json:"count"`
	// Unweighted is in weighted results only (70-tally.md, "Weighted tally").
	Unweighted *uint64 `json:"unweighted,omitempty"`
	Outcome    string  `json:"outcome,omitempty"`
}

type tieJSON struct {
	Count          uint64   `json:"count"`
	First          int      `json:"first"`
	Last           int      `json:"last"`
	Candidates     []uint32 `json:"candidates"`
	MainSeats      int      `json:"mainSeats"`
	AlternateSeats int      `json:"alternateSeats"`
	Broken         bool     `json:"broken"`
}

type contestResultJSON struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	Seats      uint32          `json:"seats"`
	Alternates uint32          `json:"alternates"`
	Invalid    *uint64         `json:"invalid,omitempty"`
	Lists      []listSeatsJSON `json:"lists,omitempty"`
	Standings  []standingJSON  `json:"standings"`
	Ties       []tieJSON       `json:"ties"`
}

type resultsJSON struct {
	ElectionID string              `json:"electionId"`
	BaseHash   string              `json:"baseHash"`
	TallyHash  string              `json:"tallyHash"`
	Ballots    uint64              `json:"ballots"`
	Weight     *uint64             `json:"weight,omitempty"` // weighted results only
	Contests   []contestResultJSON `json:"contests"`
}

func tieBreakKey(h, seed []byte, contest int, code uint32) []byte {
	b := str(nil, "sandogh-v1/tie-break")
	b = append(b, h...)
	b = bytesField(b, seed)
	b = u32(b, uint32(contest))
	b = u32(b, code)
	d := sha512.Sum512(b)
	return d[:]
}

// standings computes the standings and ties of contest i from its totals.
func standings(h, seed []byte, i int, c *contestJSON, totals []uint64) ([]standingJSON, []tieJSON) {
	order := make([]int, len(c.Candidates))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := order[a], order[b]
		if totals[x] != totals[y] {
			return totals[x] > totals[y]
		}
		if seed != nil {
			return bytes.Compare(tieBreakKey(h, seed, i, c.Candidates[x].Code), tieBreakKey(h, seed, i, c.Candidates[y].Code)) < 0
		}
		return false
	})
	k, a := int(c.Seats), int(c.Alternates)
	var st []standingJSON
	for p, x := range order {
		s := standingJSON{Position: p + 1, Code: c.Candidates[x].Code, Name: c.Candidates[x].Name, Count: totals[x]}
		if k > 0 {
			switch {
			case p+1 <= k:
				s.Outcome = "main"
			case p+1 <= k+a:
				s.Outcome = "alternate"
			default:
				s.Outcome = "not-elected"
			}
		}
		st = append(st, s)
	}
	ties := []tieJSON{}
	if k == 0 {
		return st, ties
	}
	for f := 1; f <= len(st); {
		l := f
		for l < len(st) && st[l].Count == st[f-1].Count {
			l++
		}
		if (f <= k && k < l) || (f <= k+a && k+a < l) {
			tie := tieJSON{Count: st[f-1].Count, First: f, Last: l, Broken: seed != nil}
			for p := f; p <= l; p++ {
				tie.Candidates = append(tie.Candidates, st[p-1].Code)
				if p <= k {
					tie.MainSeats++
				} else if p <= k+a {
					tie.AlternateSeats++
				}
				if seed == nil {
					st[p-1].Outcome = "tied"
				}
			}
			ties = append(ties, tie)
		}
		f = l + 1
	}
	return st, ties
}

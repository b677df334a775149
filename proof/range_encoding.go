package proof

import (
	"encoding/hex"
	"fmt"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/prose"
)

// Bytes returns the encoding of p: the commitments a_0 ‖ b_0 ‖ … ‖ a_R ‖ b_R,
// then the challenges c_0 ‖ … ‖ c_{R−1}, then the responses v_0 ‖ … ‖ v_R,
// each 32 bytes; RangeProofSize(R) bytes in all. The length determines R.
func (p *RangeProof) Bytes() []byte {
	out := make([]byte, 0, RangeProofSize(p.max))
	out = append(out, p.commitments...)
	for i := range p.c {
		out = append(out, p.c[i].Bytes()...)
	}
	for i := range p.v {
		out = append(out, p.v[i].Bytes()...)
	}
	return out
}

// rangeFromSize returns R for an encoding of n bytes, or false if no R in
// 0..MaxRange has that size.
func rangeFromSize(n int) (uint64, bool) {
	if n < RangeProofSize(0) || n > RangeProofSize(MaxRange) || n%32 != 0 || (n/32-3)%4 != 0 {
		return 0, false
	}
	return uint64((n/32 - 3) / 4), true
}

// SetCanonicalBytes sets p to the range proof encoded by b, in the layout of
// Bytes; the length of b determines R (it must be 32·(4R+3) for R in
// 0..MaxRange). Every element and scalar must be canonical. If b is not a
// valid encoding, it returns nil and an error naming the field and its
// index, and p is unchanged. Verify then checks that R is the statement's.
func (p *RangeProof) SetCanonicalBytes(b []byte) (*RangeProof, error) {
	return p.SetCanonicalBytesWith(nil, b)
}

// SetCanonicalBytesWith is SetCanonicalBytes decoding the commitments a_0,
// b_0, a_1, … in that order with d, which may hold decoding hints for them
// (group.Decoder); the outcome is the same with any hints.
func (p *RangeProof) SetCanonicalBytesWith(d *group.Decoder, b []byte) (*RangeProof, error) {
	R, ok := rangeFromSize(len(b))
	if !ok {
		return nil, fmt.Errorf("proof: range proof encoding is %d bytes, which is not 32·(4R+3) for any R in 0..%d", len(b), MaxRange)
	}
	k := int(R) + 1
	q := &RangeProof{
		max:         R,
		commitments: append([]byte(nil), b[:64*k]...),
		a:           make([]group.Element, k),
		b:           make([]group.Element, k),
		c:           make([]group.Scalar, R),
		v:           make([]group.Scalar, k),
	}
	for j := range k {
		if _, err := d.Decode(&q.a[j], b[64*j:64*j+32]); err != nil {
			return nil, fmt.Errorf("proof: range proof: field commitment a[%d]: %w", j, err)
		}
		if _, err := d.Decode(&q.b[j], b[64*j+32:64*j+64]); err != nil {
			return nil, fmt.Errorf("proof: range proof: field commitment b[%d]: %w", j, err)
		}
	}
	off := 64 * k
	for j := range q.c {
		if _, err := q.c[j].SetCanonicalBytes(b[off : off+32]); err != nil {
			return nil, fmt.Errorf("proof: range proof: field challenge c[%d]: %w", j, err)
		}
		off += 32
	}
	for j := range q.v {
		if _, err := q.v[j].SetCanonicalBytes(b[off : off+32]); err != nil {
			return nil, fmt.Errorf("proof: range proof: field response v[%d]: %w", j, err)
		}
		off += 32
	}
	*p = *q
	return p, nil
}

// MarshalJSON encodes p as {"commitments": [a_0, b_0, …, a_R, b_R],
// "challenges": [c_0, …, c_{R−1}], "responses": [v_0, …, v_R]}, each item the
// lowercase hexadecimal of a canonical encoding.
// It has a value receiver so that a proof held by value in a struct is
// encoded the same way.
func (p RangeProof) MarshalJSON() ([]byte, error) {
	commitments := make([]string, 0, 2*len(p.v))
	for i := 0; i < len(p.commitments); i += 32 {
		commitments = append(commitments, hexOf(p.commitments[i:i+32]))
	}
	challenges := make([]string, len(p.c))
	for i := range p.c {
		challenges[i] = hexOf(p.c[i].Bytes())
	}
	responses := make([]string, len(p.v))
	for i := range p.v {
		responses[i] = hexOf(p.v[i].Bytes())
	}
	return marshalJSONFields([]jsonField{
		{"commitments", commitments},
		{"challenges", challenges},
		{"responses", responses},
	})
}

// UnmarshalJSON decodes the form of MarshalJSON. The number of responses
// determines R; the other arrays must have the matching lengths. It rejects
// unknown, duplicate and missing members and non-canonical values; on error
// p is unchanged.
func (p *RangeProof) UnmarshalJSON(data []byte) error {
	const what = "range proof"
	obj, err := readJSONObject(data, what, "commitments", "challenges", "responses")
	if err != nil {
		return err
	}
	var lists [3][]string
	for i, key := range []string{"commitments", "challenges", "responses"} {
		if lists[i], err = jsonList(obj, what, key); err != nil {
			return err
		}
	}
	k := len(lists[2])
	if k < 1 || k > MaxRange+1 {
		return fmt.Errorf("proof: range proof JSON: field responses has %s, want 1 to %d", prose.Count(k, "item"), MaxRange+1)
	}
	if len(lists[0]) != 2*k {
		return fmt.Errorf("proof: range proof JSON: field commitments has %s, want %d", prose.Count(len(lists[0]), "item"), 2*k)
	}
	if len(lists[1]) != k-1 {
		return fmt.Errorf("proof: range proof JSON: field challenges has %s, want %d", prose.Count(len(lists[1]), "item"), k-1)
	}
	b := make([]byte, 0, RangeProofSize(uint64(k-1)))
	for i, key := range []string{"commitments", "challenges", "responses"} {
		for j, s := range lists[i] {
			var err error
			if i == 0 {
				err = new(group.Element).UnmarshalText([]byte(s))
			} else {
				err = new(group.Scalar).UnmarshalText([]byte(s))
			}
			if err != nil {
				return fmt.Errorf("proof: range proof JSON: field %s[%d]: %w", key, j, err)
			}
			// The text is the lowercase hexadecimal of a canonical encoding.
			raw, _ := hex.DecodeString(s)
			b = append(b, raw...)
		}
	}
	_, err = p.SetCanonicalBytes(b)
	return err
}

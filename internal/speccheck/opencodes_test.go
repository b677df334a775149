package speccheck

import (
	"errors"
	"fmt"
	"sort"

	r255 "github.com/gtank/ristretto255"
)

// Opening a challenged ballot's codes contest (docs/spec.md, Ballots, "Cast
// or challenge" and "Encryption and nonces"; ElGamal, "Embedding" and
// "Packing of candidate codes").

// embed30 embeds 30 data bytes: the element of the smallest counter in
// 0…255 that decodes.
func embed30(D []byte) (*r255.Element, error) {
	for c := 0; c < 256; c++ {
		E := make([]byte, 32)
		E[0] = byte(30*2 + (c/128)*64)
		copy(E[1:31], D)
		E[31] = byte(c % 128)
		if M, err := element(E); err == nil {
			return M, nil
		}
	}
	return nil, errors.New("no counter decodes")
}

// packCodes packs codes into w elements of k slots of b bits each.
func packCodes(codes []uint32, maxCode uint32, w int) ([]*r255.Element, error) {
	bits := 0
	for x := maxCode; x > 0; x >>= 1 {
		bits++
	}
	k := 240 / bits
	var out []*r255.Element
	for e := 0; e < w; e++ {
		D := make([]byte, 30)
		for t := 0; t < k; t++ {
			s := e*k + t
			if s >= len(codes) {
				break
			}
			for i := 0; i < bits; i++ {
				if codes[s]>>i&1 == 1 {
					p := bits*t + i
					D[p/8] |= 1 << (p % 8)
				}
			}
		}
		M, err := embed30(D)
		if err != nil {
			return nil, err
		}
		out = append(out, M)
	}
	return out, nil
}

// openCodes opens contest i (layout 2) of b with the contest's seed and
// returns the vote and the contest's encoding, encrypted again.
func (b *ballot) openCodes(e *electionParams, i int, seedI []byte) (map[uint32]uint64, []byte, error) {
	c := &b.contests[i]
	mc := &e.manifest.Contests[i]
	maxCode, w, _ := codesLayout(mc)
	var ms []*r255.Element
	var rs []*r255.Scalar
	for k, ct := range c.cts {
		r := nonceScalar(nonceChild(seedI, "column", uint64(k)), "encryption", 0)
		A, _ := element(ct[:32])
		B, _ := element(ct[32:])
		if !eq(A, mulG(r)) {
			return nil, nil, fmt.Errorf("contest %d: column %d: A ≠ r·G", i, k)
		}
		ms, rs = append(ms, sub(B, mul(r, e.key))), append(rs, r)
	}
	codes, err := unpackCodes(ms, rowLimit(mc), maxCode)
	if err != nil {
		return nil, nil, fmt.Errorf("contest %d: %v", i, err)
	}
	if v, _ := judgeCodes(mc, codes); v != "" {
		return nil, nil, fmt.Errorf("contest %d: %s", i, v)
	}
	vote := map[uint32]uint64{}
	for s, x := range codes {
		vote[x] = 1
		if mc.Kind == "ranked" {
			vote[x] = uint64(s + 1) // the rank (50-ballot.md, "Votes")
		}
	}
	sorted := append([]uint32(nil), codes...)
	if mc.Kind != "ranked" { // a ranking is packed in rank order
		sort.Slice(sorted, func(a, b int) bool { return sorted[a] < sorted[b] })
	}
	packed, err := packCodes(sorted, maxCode, w)
	if err != nil {
		return nil, nil, fmt.Errorf("contest %d: %v", i, err)
	}
	out := u32(u8(nil, 2), uint32(w))
	for k, M := range packed {
		ct := append(enc(mulG(rs[k])), enc(add(M, mul(rs[k], e.key)))...)
		tr := b.context(i)
		tr.integer("column", uint64(k))
		tr.bytes("ciphertext", ct)
		out = append(out, ct...)
		out = append(out, proveSchnorr(tr, nonceChild(seedI, "column", uint64(k)), gen(), rs[k])...)
	}
	return vote, out, nil
}

package election

import (
	"encoding/binary"
	"errors"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
)

// ballotItems walks the canonical encoding of a ballot's body
// (docs/spec-parts/50-ballot.md, "Ballot encoding": contests of layout 1)
// and calls item for every
// ciphertext (kind dupCiphertext), range proof (dupProof) and contest proof
// (dupSumProof), with its contest and selection index (−1 for a contest
// proof). The encoding comes from a ballot that decoded, but the walk
// checks every length anyway and returns an error rather than read out of
// bounds.
func ballotItems(enc []byte, item func(kind byte, contest, selection int, data []byte)) error {
	errShort := errors.New("record: the ballot's canonical encoding is shorter than its lengths say")
	off := 0
	take := func(n int) []byte {
		if off < 0 || n < 0 || len(enc)-off < n {
			off = -1
			return nil
		}
		b := enc[off : off+n]
		off += n
		return b
	}
	u32 := func() int {
		b := take(4)
		if b == nil {
			return -1
		}
		return int(binary.BigEndian.Uint32(b))
	}
	str := func() { take(u32()) }
	str()                 // label
	take(ballot.HashSize) // base hash
	str()                 // ballot identifier
	kind := take(1)       // signer kind
	if kind == nil || off < 0 {
		return errShort
	}
	switch kind[0] {
	case 1: // device
		str()
		take(8)
		take(ballot.HashSize)
	case 2: // credential
		take(32)
	default:
		return errors.New("record: unknown signer kind in the ballot's canonical encoding")
	}
	contests := u32()
	for i := 0; i < contests && off >= 0; i++ {
		if layout := take(1); layout == nil || layout[0] != 1 {
			return errors.New("record: unknown contest layout in the ballot's canonical encoding")
		}
		sels := u32()
		for j := 0; j < sels && off >= 0; j++ {
			if ct := take(elgamal.CiphertextSize); ct != nil {
				item(dupCiphertext, i, j, ct)
			}
			if p := take(u32()); p != nil {
				item(dupProof, i, j, p)
			}
		}
		has := take(1)
		if has != nil && has[0] == 1 {
			if p := take(u32()); p != nil {
				item(dupSumProof, i, -1, p)
			}
		}
	}
	if off < 0 {
		return errShort
	}
	return nil
}

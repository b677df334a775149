package group

import (
	"crypto"
	_ "crypto/sha512" // registers SHA-512 for the expander
	"encoding/binary"
	"fmt"

	"github.com/cloudflare/circl/expander"
)

// HashToElement hashes msg to an element with the RFC 9380 suite
// ristretto255_XMD:SHA-512_R255MAP_RO_: 64 bytes from expand_message_xmd with
// SHA-512 under the domain separation tag dst, then the one-way map
// (SetUniformBytes). dst must be 1 to 255 bytes long and unique to its use;
// HashToElement panics otherwise.
func HashToElement(msg, dst []byte) *Element {
	return mapToElement(NewElement(), newXMD(dst).Expand(msg, 64))
}

// mapToElement sets e to the element of the 64 uniform bytes u.
func mapToElement(e *Element, u []byte) *Element {
	if _, err := e.SetUniformBytes(u); err != nil {
		panic("group: internal error: " + err.Error())
	}
	return e
}

// HashToScalar hashes msg to a scalar: 64 bytes from expand_message_xmd with
// SHA-512 under dst, read as a little-endian integer and reduced modulo ℓ
// (the HashToScalar of RFC 9497's ristretto255-SHA512 suite, with the
// caller's dst). dst must be 1 to 255 bytes long and unique to its use;
// HashToScalar panics otherwise.
func HashToScalar(msg, dst []byte) *Scalar {
	s := NewScalar()
	if _, err := s.SetUniformBytes(newXMD(dst).Expand(msg, 64)); err != nil {
		panic("group: internal error: " + err.Error())
	}
	return s
}

// ExpandMessageXMD is expand_message_xmd of RFC 9380, Section 5.3.1, with
// SHA-512. It panics if dst is empty or longer than 255 bytes, or if n is
// larger than 255 × 64.
func ExpandMessageXMD(msg, dst []byte, n int) []byte {
	if n <= 0 || n > 255*64 {
		panic(fmt.Sprintf("group: expand_message_xmd output length %d is outside 1..16320", n))
	}
	return newXMD(dst).Expand(msg, uint(n))
}

// newXMD returns circl's expand_message_xmd with SHA-512 for dst. It panics
// if dst is empty or longer than 255 bytes (RFC 9380 handles longer tags by
// hashing them; sandogh's tags are short constants, so a long one is a
// programmer error).
func newXMD(dst []byte) expander.Expander {
	if len(dst) == 0 || len(dst) > 255 {
		panic(fmt.Sprintf("group: domain separation tag length %d is outside 1..255", len(dst)))
	}
	return expander.NewExpanderMD(crypto.SHA512, dst)
}

// GeneratorDST is the domain separation tag of independent generators.
const GeneratorDST = "sandogh-v1 generator"

// Generator returns the independent generator number index for the given
// purpose tag and election identifier:
//
//	HashToElement(u16(len(tag)) ‖ tag ‖ u32(len(electionID)) ‖ electionID ‖ u64(index), GeneratorDST)
//
// with big-endian lengths. Nobody knows a discrete logarithm of the result
// relative to G or to any other generator, and any verifier re-derives it
// from public data; a prover never supplies generators. It panics if tag is
// longer than 65535 bytes.
func Generator(tag string, electionID []byte, index uint64) *Element {
	return HashToElement(generatorInput(tag, electionID, index), []byte(GeneratorDST))
}

func generatorInput(tag string, electionID []byte, index uint64) []byte {
	if len(tag) > 0xffff {
		panic("group: generator tag longer than 65535 bytes")
	}
	msg := make([]byte, 0, 2+len(tag)+4+len(electionID)+8)
	msg = binary.BigEndian.AppendUint16(msg, uint16(len(tag)))
	msg = append(msg, tag...)
	msg = binary.BigEndian.AppendUint32(msg, uint32(len(electionID)))
	msg = append(msg, electionID...)
	msg = binary.BigEndian.AppendUint64(msg, index)
	return msg
}

// Generators returns the n generators Generator(tag, electionID, i) for
// i = 0..n-1, computed on all cores.
func Generators(tag string, electionID []byte, n int) []*Element {
	out := make([]*Element, n)
	backing := make([]Element, n)
	parallelFor(n, func(lo, hi int) {
		GeneratorsInto(backing[lo:hi], tag, electionID, uint64(lo))
		for i := lo; i < hi; i++ {
			out[i] = &backing[i]
		}
	})
	return out
}

// GeneratorsInto sets dst[i] = Generator(tag, electionID, first+i) for every
// i and returns dst. It runs on the calling goroutine and reuses one expander
// and its buffers for all of them, for callers that derive generators by
// chunks on their own goroutines. It panics if tag is longer than 65535
// bytes.
func GeneratorsInto(dst []Element, tag string, electionID []byte, first uint64) []Element {
	msg := generatorInput(tag, electionID, 0)
	x := newXMD([]byte(GeneratorDST))
	for i := range dst {
		binary.BigEndian.PutUint64(msg[len(msg)-8:], first+uint64(i))
		mapToElement(&dst[i], x.Expand(msg, 64))
	}
	return dst
}

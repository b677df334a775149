package group

import (
	"crypto/sha512"
	"encoding"
	"encoding/binary"
	"fmt"
	"hash"
	"sync"
)

// HashToElement hashes msg to an element with the RFC 9380 suite
// ristretto255_XMD:SHA-512_R255MAP_RO_: 64 bytes from expand_message_xmd with
// SHA-512 under the domain separation tag dst, then the one-way map
// (SetUniformBytes). dst must be 1 to 255 bytes long and unique to its use;
// HashToElement panics otherwise.
func HashToElement(msg, dst []byte) *Element {
	var u [64]byte
	newXMD(dst).expand(u[:], msg)
	return mapToElement(NewElement(), &u)
}

// mapToElement sets e to the element of the 64 uniform bytes u.
func mapToElement(e *Element, u *[64]byte) *Element {
	if _, err := e.SetUniformBytes(u[:]); err != nil {
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
	var u [64]byte
	newXMD(dst).expand(u[:], msg)
	s := NewScalar()
	if _, err := s.SetUniformBytes(u[:]); err != nil {
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
	out := make([]byte, n)
	newXMD(dst).expand(out, msg)
	return out
}

// An xmd computes expand_message_xmd with SHA-512 for one domain separation
// tag, reusing its hash and buffers from one call to the next; it is not
// safe for concurrent use. The first block hashed, Z_pad (128 zero bytes),
// is the same for every message and every tag, so its compression is done
// once for the process and its state restored for each message.
type xmd struct {
	h        hash.Hash
	dstPrime []byte // DST ‖ I2OSP(len(DST), 1)
	b0, bi   [sha512.Size]byte
	tail     [3]byte // I2OSP(n, 2) ‖ I2OSP(0, 1)
}

// zPadState is the marshalled state of SHA-512 after the 128 zero bytes of
// Z_pad.
var zPadState = sync.OnceValue(func() []byte {
	h := sha512.New()
	h.Write(make([]byte, 128))
	st, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("group: internal error: " + err.Error())
	}
	return st
})

// newXMD returns an expander for dst. It panics if dst is empty or longer
// than 255 bytes.
func newXMD(dst []byte) *xmd {
	if len(dst) == 0 || len(dst) > 255 {
		panic(fmt.Sprintf("group: domain separation tag length %d is outside 1..255", len(dst)))
	}
	x := &xmd{h: sha512.New(), dstPrime: make([]byte, len(dst)+1)}
	copy(x.dstPrime, dst)
	x.dstPrime[len(dst)] = byte(len(dst))
	return x
}

// expand sets out to expand_message_xmd(msg, DST, len(out)); len(out) must
// be 1 to 255 × 64.
func (x *xmd) expand(out, msg []byte) {
	n := len(out)
	ell := (n + sha512.Size - 1) / sha512.Size
	h := x.h
	// b_0 = H(Z_pad ‖ msg ‖ I2OSP(n, 2) ‖ I2OSP(0, 1) ‖ DST_prime)
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(zPadState()); err != nil {
		panic("group: internal error: " + err.Error())
	}
	h.Write(msg)
	binary.BigEndian.PutUint16(x.tail[:2], uint16(n))
	x.tail[2] = 0
	h.Write(x.tail[:])
	h.Write(x.dstPrime)
	h.Sum(x.b0[:0])
	// b_1 = H(b_0 ‖ I2OSP(1, 1) ‖ DST_prime), then
	// b_i = H(strxor(b_0, b_(i−1)) ‖ I2OSP(i, 1) ‖ DST_prime).
	x.bi = x.b0
	for i := 1; i <= ell; i++ {
		if i > 1 {
			for k := range x.bi {
				x.bi[k] ^= x.b0[k]
			}
		}
		h.Reset()
		h.Write(x.bi[:])
		x.tail[0] = byte(i)
		h.Write(x.tail[:1])
		h.Write(x.dstPrime)
		h.Sum(x.bi[:0])
		copy(out[(i-1)*sha512.Size:], x.bi[:])
	}
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
// i and returns dst. It runs on the calling goroutine and reuses one hash
// and its buffers for all of them, for callers that derive generators by
// chunks on their own goroutines. It panics if tag is longer than 65535
// bytes.
func GeneratorsInto(dst []Element, tag string, electionID []byte, first uint64) []Element {
	msg := generatorInput(tag, electionID, 0)
	x := newXMD([]byte(GeneratorDST))
	var u [64]byte
	for i := range dst {
		binary.BigEndian.PutUint64(msg[len(msg)-8:], first+uint64(i))
		x.expand(u[:], msg)
		mapToElement(&dst[i], &u)
	}
	return dst
}

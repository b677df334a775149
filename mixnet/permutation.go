package mixnet

import (
	"crypto/sha512"
	"encoding/binary"
	"math/bits"
)

// permutationDomain is the domain separation string of the stream of
// random words from which a permutation is drawn.
const permutationDomain = "sandogh-v1 mixnet permutation"

// wordStream is a deterministic stream of 64-bit words: block b is
// SHA-512(u16(len(permutationDomain)) ‖ permutationDomain ‖ seed ‖ u64(b)),
// read as eight big-endian words.
type wordStream struct {
	in    []byte // the hash input; its last 8 bytes are the block counter
	block uint64
	buf   [sha512.Size]byte
	off   int
}

func newWordStream(seed []byte) *wordStream {
	in := make([]byte, 0, 2+len(permutationDomain)+len(seed)+8)
	in = binary.BigEndian.AppendUint16(in, uint16(len(permutationDomain)))
	in = append(in, permutationDomain...)
	in = append(in, seed...)
	in = binary.BigEndian.AppendUint64(in, 0)
	return &wordStream{in: in, off: sha512.Size}
}

func (s *wordStream) next() uint64 {
	if s.off == sha512.Size {
		binary.BigEndian.PutUint64(s.in[len(s.in)-8:], s.block)
		s.block++
		s.buf = sha512.Sum512(s.in)
		s.off = 0
	}
	v := binary.BigEndian.Uint64(s.buf[s.off:])
	s.off += 8
	return v
}

// uniform returns a uniformly random integer in [0, bound), bound ≥ 1, by
// rejection: a word x is used if x < 2^64 − (2^64 mod bound), and the result
// is x mod bound.
func (s *wordStream) uniform(bound uint64) uint64 {
	// 2^64 mod bound, computed as (2^64 − bound) mod bound.
	rem := (-bound) % bound
	for {
		x := s.next()
		if x <= ^uint64(0)-rem {
			_, r := bits.Div64(0, x, bound)
			return r
		}
	}
}

// randomPermutation returns a uniformly random permutation π of 0..n−1
// drawn from seed by the Fisher–Yates shuffle: for i = n−1 down to 1, swap
// π[i] and π[j] with j = uniform(i+1). Output row i of a shuffle is input
// row π[i].
//
// The rejection sampling reveals only how many words were discarded, which
// says nothing about the words kept, but the swaps access memory at secret
// indices, as every application of a secret permutation does
// (docs/spec.md §Mixnet, "Side channels").
func randomPermutation(seed []byte, n int) []uint32 {
	pi := make([]uint32, n)
	for i := range pi {
		pi[i] = uint32(i)
	}
	s := newWordStream(seed)
	for i := n - 1; i >= 1; i-- {
		j := s.uniform(uint64(i) + 1)
		pi[i], pi[j] = pi[j], pi[i]
	}
	return pi
}

package proof

import (
	"crypto/sha512"
	"encoding/binary"
	"hash"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
)

// TranscriptDomain is the domain separation string that every transcript
// hashes first, as u16(len) ‖ TranscriptDomain.
const TranscriptDomain = "sandogh-v1 transcript"

// ChallengesDomain is the domain separation string of the expansion of one
// Challenges seed into many scalars.
const ChallengesDomain = "sandogh-v1 challenges"

// Field type bytes of the transcript encoding (docs/spec.md, "Transcript").
const (
	fieldElement    = 0x01
	fieldScalar     = 0x02
	fieldBytes      = 0x03
	fieldUint64     = 0x04
	fieldElements   = 0x05
	fieldScalars    = 0x06
	fieldChallenge  = 0x07
	fieldChallenges = 0x08
)

// A Transcript is the Fiat–Shamir state shared by every proof of this
// library: a streaming SHA-512 over an injective encoding of typed, named,
// length-prefixed fields. It starts with the fields "protocol" (the protocol
// label) and "base-hash" (the election's base hash); callers then append
// their context (ballot identifier, indices, device) and pass the transcript
// to a prover or verifier, which appends the whole statement and the
// commitments before it draws its challenge.
//
// Provers, verifiers and BatchVerifier.Add consume the transcript they are
// given: they append to it, so that it is not usable for a second proof.
// Use Clone to keep a copy of a shared prefix.
//
// Field names are program constants; a name longer than 65535 bytes is a
// programmer error and panics. The zero value is NOT valid: use
// NewTranscript. A Transcript is not safe for concurrent use.
type Transcript struct {
	h   hash.Cloner
	buf []byte // scratch space for one field header and value
}

// NewTranscript returns a transcript that has absorbed the domain string,
// then the bytes field "protocol" with value protocol and the bytes field
// "base-hash" with value baseHash.
func NewTranscript(protocol string, baseHash []byte) *Transcript {
	t := &Transcript{h: sha512.New().(hash.Cloner), buf: make([]byte, 0, 128)}
	t.buf = binary.BigEndian.AppendUint16(t.buf[:0], uint16(len(TranscriptDomain)))
	t.buf = append(t.buf, TranscriptDomain...)
	t.h.Write(t.buf)
	t.AppendBytes("protocol", []byte(protocol))
	t.AppendBytes("base-hash", baseHash)
	return t
}

// Clone returns an independent copy of t: appending to one does not change
// the other.
func (t *Transcript) Clone() *Transcript {
	h, err := t.h.Clone()
	if err != nil {
		panic("proof: internal error: cannot clone SHA-512: " + err.Error())
	}
	return &Transcript{h: h, buf: make([]byte, 0, cap(t.buf))}
}

// header starts t.buf with typ ‖ u16(len(name)) ‖ name.
func (t *Transcript) header(typ byte, name string) {
	if len(name) > 0xffff {
		panic("proof: transcript field name longer than 65535 bytes")
	}
	t.buf = append(t.buf[:0], typ)
	t.buf = binary.BigEndian.AppendUint16(t.buf, uint16(len(name)))
	t.buf = append(t.buf, name...)
}

func (t *Transcript) flush() { t.h.Write(t.buf) }

// AppendElement appends the element field name: the 32-byte canonical
// encoding of e.
func (t *Transcript) AppendElement(name string, e *group.Element) {
	t.header(fieldElement, name)
	t.buf = e.AppendBytes(t.buf)
	t.flush()
}

// appendElementBytes appends an element field from an encoding that the
// caller knows to be canonical (it came from AppendBytes or was checked by
// SetCanonicalBytes).
func (t *Transcript) appendElementBytes(name string, enc []byte) {
	t.header(fieldElement, name)
	t.buf = append(t.buf, enc...)
	t.flush()
}

// AppendElements appends the element-list field name: u64(len(es)) followed
// by the 32-byte encoding of each element.
func (t *Transcript) AppendElements(name string, es []*group.Element) {
	t.header(fieldElements, name)
	t.buf = binary.BigEndian.AppendUint64(t.buf, uint64(len(es)))
	for _, e := range es {
		t.buf = e.AppendBytes(t.buf)
		if len(t.buf) >= 1024 {
			t.flush()
			t.buf = t.buf[:0]
		}
	}
	t.flush()
}

// appendElementsBytes appends an element-list field from the concatenated
// canonical encodings enc (len(enc) a multiple of 32).
func (t *Transcript) appendElementsBytes(name string, enc []byte) {
	t.header(fieldElements, name)
	t.buf = binary.BigEndian.AppendUint64(t.buf, uint64(len(enc)/group.ElementSize))
	t.flush()
	t.h.Write(enc)
}

// AppendScalar appends the scalar field name: the 32-byte canonical
// little-endian encoding of s.
func (t *Transcript) AppendScalar(name string, s *group.Scalar) {
	t.header(fieldScalar, name)
	t.buf = append(t.buf, s.Bytes()...)
	t.flush()
}

// AppendScalars appends the scalar-list field name: u64(len(ss)) followed by
// the 32-byte encoding of each scalar.
func (t *Transcript) AppendScalars(name string, ss []*group.Scalar) {
	t.header(fieldScalars, name)
	t.buf = binary.BigEndian.AppendUint64(t.buf, uint64(len(ss)))
	for _, s := range ss {
		t.buf = append(t.buf, s.Bytes()...)
		if len(t.buf) >= 1024 {
			t.flush()
			t.buf = t.buf[:0]
		}
	}
	t.flush()
}

// AppendBytes appends the byte-string field name: u64(len(b)) ‖ b.
func (t *Transcript) AppendBytes(name string, b []byte) {
	t.header(fieldBytes, name)
	t.buf = binary.BigEndian.AppendUint64(t.buf, uint64(len(b)))
	t.flush()
	t.h.Write(b)
}

// AppendUint64 appends the integer field name: v as 8 big-endian bytes.
func (t *Transcript) AppendUint64(name string, v uint64) {
	t.header(fieldUint64, name)
	t.buf = binary.BigEndian.AppendUint64(t.buf, v)
	t.flush()
}

// digest returns SHA-512 of everything absorbed so far, without changing
// the state.
func (t *Transcript) digest(out *[64]byte) {
	t.h.Sum(out[:0])
}

// Challenge appends the challenge field header name, computes d = SHA-512 of
// everything absorbed so far, absorbs d (so that later challenges depend on
// it), and returns d read as a little-endian integer reduced modulo ℓ.
func (t *Transcript) Challenge(name string) *group.Scalar {
	t.header(fieldChallenge, name)
	t.flush()
	var d [64]byte
	t.digest(&d)
	t.h.Write(d[:])
	return scalarFromWide(&d)
}

// Challenges returns n challenges for one purpose, as cheaply as possible:
// it appends the challenges field header name followed by u64(n), computes
// the seed d = SHA-512 of everything absorbed so far and absorbs d, then
// derives challenge i (for i = 0..n-1) as
//
//	SHA-512(u16(len(ChallengesDomain)) ‖ ChallengesDomain ‖ d ‖ u64(i)) mod ℓ,
//
// one SHA-512 block each, on all cores. It panics if n is negative.
func (t *Transcript) Challenges(name string, n int) []*group.Scalar {
	if n < 0 {
		panic("proof: negative number of challenges")
	}
	t.header(fieldChallenges, name)
	t.buf = binary.BigEndian.AppendUint64(t.buf, uint64(n))
	t.flush()
	var seed [64]byte
	t.digest(&seed)
	t.h.Write(seed[:])
	return expandChallenges(&seed, n)
}

func expandChallenges(seed *[64]byte, n int) []*group.Scalar {
	out := make([]*group.Scalar, n)
	backing := make([]group.Scalar, n)
	par.For(n, 4096, func(lo, hi int) {
		var in [2 + len(ChallengesDomain) + 64 + 8]byte
		binary.BigEndian.PutUint16(in[:], uint16(len(ChallengesDomain)))
		copy(in[2:], ChallengesDomain)
		copy(in[2+len(ChallengesDomain):], seed[:])
		for i := lo; i < hi; i++ {
			binary.BigEndian.PutUint64(in[len(in)-8:], uint64(i))
			d := sha512.Sum512(in[:])
			if _, err := backing[i].SetUniformBytes(d[:]); err != nil {
				panic("proof: internal error: " + err.Error())
			}
			out[i] = &backing[i]
		}
	})
	return out
}

func scalarFromWide(d *[64]byte) *group.Scalar {
	s, err := new(group.Scalar).SetUniformBytes(d[:])
	if err != nil {
		panic("proof: internal error: " + err.Error())
	}
	return s
}

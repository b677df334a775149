package mixnet

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// ProofDomain is the domain separation string of Proof.Digest.
const ProofDomain = "sandogh-v1 mixnet proof"

const (
	es = group.ElementSize
	ss = group.ScalarSize
)

// A Proof is a Terelius–Wikström proof that one list of rows is a
// permutation and re-encryption of another, with one permutation for all
// columns (docs/spec.md §Mixnet). It is an opaque artefact: it is
// made by Shuffle, read by ParseProof or ReadProof and checked by
// VerifyShuffle. It keeps the bytes it was made or read from (160 bytes per
// row), so that the verifier hashes the bytes it received, and the
// verifier decodes each element once, when it uses it, rather than holding
// all of them decoded (480 bytes per row).
//
// Its encoding, of 8 + 160·n + 192 + 96·w bytes for n rows of width w, is
//
//	u32(w) ‖ u32(n) ‖ C[1..n] ‖ Ĉ[1..n] ‖ T1 ‖ T2 ‖ T3 ‖ T4[1..w] ‖ T̂[1..n] ‖
//	s1 ‖ s2 ‖ s3 ‖ s4[1..w] ‖ ŝ[1..n] ‖ s'[1..n]
//
// with elements and scalars in their 32-byte encodings and each T4[k] a
// pair of elements (its A and B parts). It carries no generators: the
// verifier derives them.
//
// A Proof is immutable and safe for concurrent use. The zero value is NOT
// valid.
type Proof struct {
	w, n int
	enc  []byte // the whole encoding, header included

	// digest is the value of Digest if hasDigest is set: the prover
	// computes it while it proves.
	digest    Digest
	hasDigest bool

	once sync.Once
	dec  *decodedProof
	err  error
}

// decodedProof holds the decoded values of a proof.
type decodedProof struct {
	perm   []group.Element      // C_j = r_j·G + h_{π⁻¹(j)}, by input row j
	chain  []group.Element      // Ĉ_i, i = 1..n
	t      [3]group.Element     // T1, T2, T3
	t4     []elgamal.Ciphertext // one per column
	chainT []group.Element      // T̂_i
	s      [3]group.Scalar      // s1, s2, s3
	s4     []group.Scalar       // one per column
	sHat   []group.Scalar       // ŝ_i
	sPrime []group.Scalar       // s'_i
}

// proofLayout gives the byte offsets of the fields of a proof encoding for
// n rows of width w.
type proofLayout struct {
	perm, chain, t1, t2, t3, t4, chainT, s1, s2, s3, s4, sHat, sPrime, end int
}

func layout(w, n int) proofLayout {
	var l proofLayout
	off := rowsHeaderSize
	next := func(size int) int { o := off; off += size; return o }
	l.perm = next(n * es)
	l.chain = next(n * es)
	l.t1 = next(es)
	l.t2 = next(es)
	l.t3 = next(es)
	l.t4 = next(w * 2 * es)
	l.chainT = next(n * es)
	l.s1 = next(ss)
	l.s2 = next(ss)
	l.s3 = next(ss)
	l.s4 = next(w * ss)
	l.sHat = next(n * ss)
	l.sPrime = next(n * ss)
	l.end = off
	return l
}

// proofSize returns the encoded size of a proof for n rows of width w.
func proofSize(w, n int) uint64 {
	return rowsHeaderSize + 160*uint64(n) + 192 + 96*uint64(w)
}

// Len returns the number of rows the proof is about.
func (p *Proof) Len() int { return p.n }

// Width returns the width of the rows the proof is about.
func (p *Proof) Width() int { return p.w }

// Bytes returns a copy of the canonical encoding of p.
func (p *Proof) Bytes() []byte { return append([]byte(nil), p.enc...) }

// WriteTo writes the encoding of p to w, without copying it.
func (p *Proof) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(p.enc)
	return int64(n), err
}

// Digest returns SHA-512(u16(len(ProofDomain)) ‖ ProofDomain ‖ Bytes()).
func (p *Proof) Digest() Digest {
	if p.hasDigest {
		return p.digest
	}
	h := sha512.New()
	writeDomain(h, ProofDomain)
	h.Write(p.enc)
	var d Digest
	h.Sum(d[:0])
	return d
}

// ParseProof decodes a proof from its encoding. It rejects a width outside
// 1..MaxWidth, no rows, a length that does not match the header, a
// non-canonical element among T1..T4 and any non-canonical scalar, with an
// error naming the field and the row. The per-row elements C_j, Ĉ_i and
// T̂_i are decoded once, by VerifyShuffle, which rejects a non-canonical one
// with an error naming its field and row: a proof is only ever accepted by
// verifying it.
func ParseProof(b []byte) (*Proof, error) {
	if len(b) < rowsHeaderSize {
		return nil, fmt.Errorf("mixnet: proof: encoding is %d bytes, shorter than its %d-byte header", len(b), rowsHeaderSize)
	}
	w, n, err := parseProofHeader(b[:rowsHeaderSize])
	if err != nil {
		return nil, err
	}
	if want := proofSize(w, n); uint64(len(b)) != want {
		return nil, fmt.Errorf("mixnet: proof: encoding is %d bytes, want %d for %d rows of width %d", len(b), want, n, w)
	}
	p := &Proof{w: w, n: n, enc: append([]byte(nil), b...)}
	if _, err := p.decoded(); err != nil {
		return nil, err
	}
	return p, nil
}

// ReadProof reads one proof in the encoding of Proof.Bytes from rd, and no
// more, then decodes it like ParseProof.
func ReadProof(rd io.Reader) (*Proof, error) {
	var hdr [rowsHeaderSize]byte
	if _, err := io.ReadFull(rd, hdr[:]); err != nil {
		return nil, fmt.Errorf("mixnet: proof: header: %w", noEOF(err))
	}
	w, n, err := parseProofHeader(hdr[:])
	if err != nil {
		return nil, err
	}
	enc, err := readBytes(rd, hdr[:], proofSize(w, n)-rowsHeaderSize)
	if err != nil {
		return nil, fmt.Errorf("mixnet: proof: %w", err)
	}
	p := &Proof{w: w, n: n, enc: enc}
	if _, err := p.decoded(); err != nil {
		return nil, err
	}
	return p, nil
}

func parseProofHeader(hdr []byte) (w, n int, err error) {
	w32 := binary.BigEndian.Uint32(hdr[0:])
	n32 := binary.BigEndian.Uint32(hdr[4:])
	if w32 < 1 || w32 > MaxWidth {
		return 0, 0, fmt.Errorf("mixnet: proof: header: width %d is outside 1..%d", w32, MaxWidth)
	}
	if n32 == 0 {
		return 0, 0, errors.New("mixnet: proof: header: no rows")
	}
	if proofSize(int(w32), int(n32)) > uint64(maxInt) {
		return 0, 0, fmt.Errorf("mixnet: proof: header: %d rows do not fit in memory", n32)
	}
	return int(w32), int(n32), nil
}

// decoded returns the decoded values of p, decoding them the first time.
func (p *Proof) decoded() (*decodedProof, error) {
	p.once.Do(func() { p.dec, p.err = decodeProof(p.w, p.n, p.enc) })
	return p.dec, p.err
}

func decodeProof(w, n int, enc []byte) (*decodedProof, error) {
	l := layout(w, n)
	d := &decodedProof{
		t4: make([]elgamal.Ciphertext, w),
		s4: make([]group.Scalar, w),
	}
	rowField := func(name string) func(int) string {
		return func(i int) string { return fmt.Sprintf("mixnet: proof: field %s, row %d", name, i) }
	}
	colField := func(name string) func(int) string {
		return func(k int) string { return fmt.Sprintf("mixnet: proof: field %s, column %d", name, k) }
	}
	one := func(name string) func(int) string {
		return func(int) string { return "mixnet: proof: field " + name }
	}
	steps := []func() error{
		func() error { return decodeElements(d.t[0:1], enc[l.t1:l.t2], one("T1")) },
		func() error { return decodeElements(d.t[1:2], enc[l.t2:l.t3], one("T2")) },
		func() error { return decodeElements(d.t[2:3], enc[l.t3:l.t4], one("T3")) },
		func() error { return decodeCiphertexts(d.t4, enc[l.t4:l.chainT], colField("T4")) },
		func() error { return decodeScalars(d.s[0:1], enc[l.s1:l.s2], one("s1")) },
		func() error { return decodeScalars(d.s[1:2], enc[l.s2:l.s3], one("s2")) },
		func() error { return decodeScalars(d.s[2:3], enc[l.s3:l.s4], one("s3")) },
		func() error { return decodeScalars(d.s4, enc[l.s4:l.sHat], colField("s4")) },
		func() error { return checkScalars(enc[l.sHat:l.sPrime], rowField("shat")) },
		func() error { return checkScalars(enc[l.sPrime:l.end], rowField("sprime")) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// checkScalars checks that enc holds canonical scalar encodings.
func checkScalars(enc []byte, where func(int) string) error {
	return parallelFirstError(len(enc)/ss, 4096, func(i int) error {
		var s group.Scalar
		if _, err := s.SetCanonicalBytes(enc[i*ss : (i+1)*ss]); err != nil {
			return fmt.Errorf("%s: %s", where(i), strings.TrimPrefix(err.Error(), "group: "))
		}
		return nil
	})
}

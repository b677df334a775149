package mixnet

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/internal/prose"
)

// DigestSize is the length of a Digest.
const DigestSize = sha512.Size

// A Digest is a SHA-512 hash that names an artefact of a cascade: a list of
// rows (Rows.Digest), a proof (Proof.Digest) or a stage (Stage.Hash).
type Digest [DigestSize]byte

// MaxWidth is the largest number of ciphertexts in one row.
const MaxWidth = 1024

// MaxRows is the largest number of rows in one list.
const MaxRows = 1<<32 - 1

// rowsHeaderSize is the length of the header u32(width) ‖ u32(count).
const rowsHeaderSize = 8

// RowsDomain is the domain separation string of Rows.Digest.
const RowsDomain = "sandogh-v1 mixnet rows"

// Rows is a list of rows of ElGamal ciphertexts, all of the same width: the
// input or output of one mix stage. Row i of a council ballot holds the
// ciphertexts of its packed codes, one per column.
//
// A Rows is immutable: it keeps the decoded ciphertexts and the digest of
// their encoding, so that a list is decoded and hashed once however many
// times it is used. Lists built by NewRows or Shuffle also keep their
// encoding (64 bytes per ciphertext); lists read by ParseRows or ReadRows do
// not, to save memory on the verifier's side, and Bytes and WriteTo encode
// them again. A Rows is safe for concurrent use. The zero value is NOT
// valid: use NewRows, ParseRows or ReadRows.
type Rows struct {
	width  int
	cts    []elgamal.Ciphertext // row-major: row i, column k at i*width+k
	enc    []byte               // their encodings, 64 bytes each, in the same order, or nil
	digest Digest
}

// NewRows returns the list of the given rows, which must all have the same
// width, between 1 and MaxWidth, and be at least one. The ciphertexts are
// copied. Encoding them costs about a third of a ScalarBaseMult each, on all
// cores.
func NewRows(rows [][]*elgamal.Ciphertext) (*Rows, error) {
	if len(rows) == 0 {
		return nil, errors.New("mixnet: rows: the list is empty")
	}
	if uint64(len(rows)) > MaxRows {
		return nil, fmt.Errorf("mixnet: rows: %d rows, at most %d are allowed", len(rows), uint64(MaxRows))
	}
	w := len(rows[0])
	if w < 1 || w > MaxWidth {
		return nil, fmt.Errorf("mixnet: rows: row 0: width %d is outside 1..%d", w, MaxWidth)
	}
	for i, row := range rows {
		if len(row) != w {
			return nil, fmt.Errorf("mixnet: rows: row %d has %s, want %d like row 0", i, prose.Count(len(row), "ciphertext"), w)
		}
		for k, ct := range row {
			if ct == nil {
				return nil, fmt.Errorf("mixnet: rows: row %d, column %d: nil ciphertext", i, k)
			}
		}
	}
	r := &Rows{width: w, cts: make([]elgamal.Ciphertext, len(rows)*w)}
	for i, row := range rows {
		for k, ct := range row {
			r.cts[i*w+k].Set(ct)
		}
	}
	r.encodeAll()
	return r, nil
}

// newRowsFromValues takes ownership of cts and their encoding enc and
// computes the digest.
func newRowsFromValues(width int, cts []elgamal.Ciphertext, enc []byte) *Rows {
	r := &Rows{width: width, cts: cts, enc: enc}
	r.digest = rowsDigest(width, len(cts)/width, enc)
	return r
}

// encodeAll fills r.enc from r.cts and computes the digest.
func (r *Rows) encodeAll() {
	r.enc = make([]byte, len(r.cts)*elgamal.CiphertextSize)
	par.For(len(r.cts), 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r.cts[i].AppendBytes(r.enc[i*elgamal.CiphertextSize : i*elgamal.CiphertextSize : (i+1)*elgamal.CiphertextSize])
		}
	})
	r.digest = rowsDigest(r.width, r.Len(), r.enc)
}

// rowsHeader returns u32(width) ‖ u32(count).
func rowsHeader(width, count int) [rowsHeaderSize]byte {
	var h [rowsHeaderSize]byte
	binary.BigEndian.PutUint32(h[0:], uint32(width))
	binary.BigEndian.PutUint32(h[4:], uint32(count))
	return h
}

// rowsHasher returns a SHA-512 that has absorbed u16(len(RowsDomain)) ‖
// RowsDomain ‖ header, ready for the ciphertexts' encodings.
func rowsHasher(width, count int) hash.Hash {
	h := sha512.New()
	writeDomain(h, RowsDomain)
	hdr := rowsHeader(width, count)
	h.Write(hdr[:])
	return h
}

// rowsDigest returns SHA-512(u16(len(RowsDomain)) ‖ RowsDomain ‖ header ‖ enc).
func rowsDigest(width, count int, enc []byte) Digest {
	h := rowsHasher(width, count)
	h.Write(enc)
	var d Digest
	h.Sum(d[:0])
	return d
}

// writeDomain writes u16(len(domain)) ‖ domain to h.
func writeDomain(h hash.Hash, domain string) {
	var l [2]byte
	binary.BigEndian.PutUint16(l[:], uint16(len(domain)))
	h.Write(l[:])
	io.WriteString(h, domain)
}

// Len returns the number of rows.
func (r *Rows) Len() int { return len(r.cts) / r.width }

// Width returns the number of ciphertexts in each row.
func (r *Rows) Width() int { return r.width }

// Row returns a copy of the ciphertexts of row i. It panics if i is out of
// range.
func (r *Rows) Row(i int) []*elgamal.Ciphertext {
	if i < 0 || i >= r.Len() {
		panic(fmt.Sprintf("mixnet: row %d out of range [0, %d)", i, r.Len()))
	}
	out := make([]*elgamal.Ciphertext, r.width)
	for k := range out {
		out[k] = elgamal.NewCiphertext().Set(&r.cts[i*r.width+k])
	}
	return out
}

// Digest returns the SHA-512 digest of the list:
//
//	SHA-512(u16(len(RowsDomain)) ‖ RowsDomain ‖ Bytes()).
//
// A stage names its input by this digest, and the shuffle proof hashes it.
func (r *Rows) Digest() Digest { return r.digest }

// Bytes returns the canonical encoding of the list:
//
//	u32(width) ‖ u32(count) ‖ ct[0][0] ‖ … ‖ ct[0][width−1] ‖ ct[1][0] ‖ … ‖ ct[count−1][width−1]
//
// with every ciphertext in its 64-byte encoding A ‖ B.
func (r *Rows) Bytes() []byte {
	hdr := rowsHeader(r.width, r.Len())
	out := make([]byte, len(hdr), len(hdr)+len(r.cts)*elgamal.CiphertextSize)
	copy(out, hdr[:])
	if r.enc != nil {
		return append(out, r.enc...)
	}
	out = out[:cap(out)]
	encodeCiphertexts(out[len(hdr):], r.cts)
	return out
}

// encodeCiphertexts writes the encodings of cts to dst on all cores.
func encodeCiphertexts(dst []byte, cts []elgamal.Ciphertext) {
	const size = elgamal.CiphertextSize
	par.For(len(cts), 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			cts[i].AppendBytes(dst[i*size : i*size : (i+1)*size])
		}
	})
}

// WriteTo writes the encoding of Bytes to w, in pieces of bounded size.
func (r *Rows) WriteTo(w io.Writer) (int64, error) {
	hdr := rowsHeader(r.width, r.Len())
	n, err := w.Write(hdr[:])
	total := int64(n)
	if err != nil {
		return total, err
	}
	if r.enc != nil {
		m, err := w.Write(r.enc)
		return total + int64(m), err
	}
	const step = 1 << 14 // ciphertexts per piece
	buf := make([]byte, min(step, len(r.cts))*elgamal.CiphertextSize)
	for lo := 0; lo < len(r.cts); lo += step {
		hi := min(lo+step, len(r.cts))
		piece := buf[:(hi-lo)*elgamal.CiphertextSize]
		encodeCiphertexts(piece, r.cts[lo:hi])
		m, err := w.Write(piece)
		total += int64(m)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// ParseRows decodes the encoding of Rows.Bytes. It rejects a width outside
// 1..MaxWidth, an empty list, a length that does not match the header, and
// any ciphertext that is not canonical, with an error that names the row,
// the column and the field. The ciphertexts are decoded on all cores.
func ParseRows(b []byte) (*Rows, error) {
	if len(b) < rowsHeaderSize {
		return nil, fmt.Errorf("mixnet: rows: encoding is %d bytes, shorter than its %d-byte header", len(b), rowsHeaderSize)
	}
	w, n, err := parseRowsHeader(b[:rowsHeaderSize])
	if err != nil {
		return nil, err
	}
	want := uint64(rowsHeaderSize) + uint64(n)*uint64(w)*elgamal.CiphertextSize
	if uint64(len(b)) != want {
		return nil, fmt.Errorf("mixnet: rows: encoding is %d bytes, want %d for %d rows of width %d", len(b), want, n, w)
	}
	cts := make([]elgamal.Ciphertext, n*w)
	if err := decodeCiphertexts(cts, b[rowsHeaderSize:], rowsWhere(w, 0)); err != nil {
		return nil, err
	}
	return &Rows{width: w, cts: cts, digest: rowsDigest(w, n, b[rowsHeaderSize:])}, nil
}

func rowsWhere(w, base int) func(int) string {
	return func(idx int) string {
		idx += base
		return fmt.Sprintf("mixnet: rows: row %d, column %d", idx/w, idx%w)
	}
}

// ReadRows reads one list in the encoding of Rows.Bytes from rd, and no
// more. It hashes and decodes the ciphertexts as they arrive, so that
// memory grows with the data actually read, not with the count that the
// header claims, and holds no copy of the encoding.
func ReadRows(rd io.Reader) (*Rows, error) {
	var hdr [rowsHeaderSize]byte
	if _, err := io.ReadFull(rd, hdr[:]); err != nil {
		return nil, fmt.Errorf("mixnet: rows: header: %w", noEOF(err))
	}
	w, n, err := parseRowsHeader(hdr[:])
	if err != nil {
		return nil, err
	}
	h := sha512.New()
	writeDomain(h, RowsDomain)
	h.Write(hdr[:])
	const step = 1 << 14 // ciphertexts per piece
	total := n * w
	var cts []elgamal.Ciphertext
	buf := make([]byte, min(step, total)*elgamal.CiphertextSize)
	for lo := 0; lo < total; lo += step {
		hi := min(lo+step, total)
		piece := buf[:(hi-lo)*elgamal.CiphertextSize]
		if got, err := io.ReadFull(rd, piece); err != nil {
			return nil, fmt.Errorf("mixnet: rows: ciphertexts: truncated after %d of %d bytes: %w",
				lo*elgamal.CiphertextSize+got, total*elgamal.CiphertextSize, noEOF(err))
		}
		h.Write(piece)
		cts = append(cts, make([]elgamal.Ciphertext, hi-lo)...)
		if err := decodeCiphertexts(cts[lo:hi], piece, rowsWhere(w, lo)); err != nil {
			return nil, err
		}
	}
	r := &Rows{width: w, cts: cts}
	h.Sum(r.digest[:0])
	return r, nil
}

func parseRowsHeader(hdr []byte) (w, n int, err error) {
	w64 := binary.BigEndian.Uint32(hdr[0:])
	n64 := binary.BigEndian.Uint32(hdr[4:])
	if w64 < 1 || w64 > MaxWidth {
		return 0, 0, fmt.Errorf("mixnet: rows: header: width %d is outside 1..%d", w64, MaxWidth)
	}
	if n64 == 0 {
		return 0, 0, errors.New("mixnet: rows: header: the list is empty")
	}
	if uint64(n64)*uint64(w64) > uint64(maxInt/elgamal.CiphertextSize) {
		return 0, 0, fmt.Errorf("mixnet: rows: header: %d rows of width %d do not fit in memory", n64, w64)
	}
	return int(w64), int(n64), nil
}

const maxInt = int(^uint(0) >> 1)

// decodeCiphertexts decodes len(dst) ciphertexts from enc on all cores. On
// failure it returns the error of the first bad ciphertext, prefixed with
// where(index).
func decodeCiphertexts(dst []elgamal.Ciphertext, enc []byte, where func(int) string) error {
	const size = elgamal.CiphertextSize
	return parallelFirstError(len(dst), 128, func(i int) error {
		if _, err := dst[i].SetCanonicalBytes(enc[i*size : (i+1)*size]); err != nil {
			return fmt.Errorf("%s: %s", where(i), strings.TrimPrefix(err.Error(), "elgamal: ciphertext "))
		}
		return nil
	})
}

// decodeElements decodes len(dst) elements from enc on all cores, like
// decodeCiphertexts.
func decodeElements(dst []group.Element, enc []byte, where func(int) string) error {
	const size = group.ElementSize
	return parallelFirstError(len(dst), 128, func(i int) error {
		if _, err := dst[i].SetCanonicalBytes(enc[i*size : (i+1)*size]); err != nil {
			return fmt.Errorf("%s: %s", where(i), strings.TrimPrefix(err.Error(), "group: "))
		}
		return nil
	})
}

// decodeScalars decodes len(dst) scalars from enc on all cores.
func decodeScalars(dst []group.Scalar, enc []byte, where func(int) string) error {
	const size = group.ScalarSize
	return parallelFirstError(len(dst), 1024, func(i int) error {
		if _, err := dst[i].SetCanonicalBytes(enc[i*size : (i+1)*size]); err != nil {
			return fmt.Errorf("%s: %s", where(i), strings.TrimPrefix(err.Error(), "group: "))
		}
		return nil
	})
}

// parallelFirstError runs f(i) for i in [0, n) on all cores and returns the
// error with the smallest index, so that the result does not depend on the
// scheduling. Every chunk stops at its first error.
func parallelFirstError(n, minChunk int, f func(i int) error) error {
	type found struct {
		i   int
		err error
	}
	var results []found
	var mu sync.Mutex
	par.For(n, minChunk, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if err := f(i); err != nil {
				mu.Lock()
				results = append(results, found{i, err})
				mu.Unlock()
				return
			}
		}
	})
	if len(results) == 0 {
		return nil
	}
	best := results[0]
	for _, r := range results[1:] {
		if r.i < best.i {
			best = r
		}
	}
	return best.err
}

// readBytes reads exactly n bytes from rd and returns them after a copy of
// prefix, growing the buffer as data arrives rather than trusting n for the
// allocation.
func readBytes(rd io.Reader, prefix []byte, n uint64) ([]byte, error) {
	if n > uint64(maxInt-len(prefix)) {
		return nil, fmt.Errorf("%d bytes do not fit in memory", n)
	}
	const step = 1 << 20
	buf := make([]byte, len(prefix), uint64(len(prefix))+min(n, step))
	copy(buf, prefix)
	end := len(prefix) + int(n)
	for len(buf) < end {
		k := min(end-len(buf), step)
		if cap(buf)-len(buf) < k {
			grown := make([]byte, len(buf), min(end, 2*cap(buf)+k))
			copy(grown, buf)
			buf = grown
		}
		start := len(buf)
		buf = buf[:start+k]
		if got, err := io.ReadFull(rd, buf[start:]); err != nil {
			return nil, fmt.Errorf("truncated after %d of %d bytes: %w", start-len(prefix)+got, n, noEOF(err))
		}
	}
	return buf, nil
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: a reader that stops inside
// an artefact has truncated it.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

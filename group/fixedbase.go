package group

import (
	"encoding/binary"
	"math/bits"
	"sync"
	"unsafe"

	"filippo.io/edwards25519/field"
)

// A FixedBaseTable holds precomputed multiples of one element P, for fast
// constant-time multiplications s·P by FixedBaseMult: row i holds
// (j+1)·32^i·P for j < 16, for the 51 rows i < 51 (one per radix-32 digit
// of a scalar), in affine Niels form (y+x, y−x, 2d·x·y) with each
// coordinate stored as its canonical encoding. A table takes 76.5 KiB (816
// entries of 96 bytes) and is worth building for an element multiplied more
// than a few times, such as a public key or an independent generator.
//
// A table is read-only once built and may be used from many goroutines. The
// zero value is not usable; build tables with NewFixedBaseTable.
type FixedBaseTable struct {
	built bool
	base  Element
	rows  [fixedRows]nielsRow16
}

// fixedRows is the number of rows of a FixedBaseTable: one per radix-32
// digit.
const fixedRows = radix32Digits

// NewFixedBaseTable returns the table of multiples of p. Building it costs
// about twenty ScalarBaseMult; since FixedBaseMult costs about 0.7
// ScalarBaseMult and ScalarMult about 3.4, a table pays for itself after
// about eight multiplications. It runs in constant time.
func NewFixedBaseTable(p *Element) *FixedBaseTable {
	t := &FixedBaseTable{built: true}
	t.base.Set(p)

	// Extended multiples first, then one shared inversion of all Z.
	const n = fixedRows * 16
	pts := make([]extPoint, n)
	var base extPoint
	var bn nielsPoint
	var c completedPoint
	base.fromElement(p)
	for i := 0; i < fixedRows; i++ {
		row := pts[16*i : 16*i+16]
		row[0] = base
		bn.fromExt(&base)
		for j := 1; j < 16; j++ {
			c.addNiels(&row[j-1], &bn)
			row[j].fromCompleted(&c)
		}
		base.doubleN(&row[15], 1) // 32·base = 2·(16·base)
	}
	toAffineNiels(pts, make([]field.Element, 2*n), func(k int, q *affineNielsPoint) {
		t.rows[k/16].set(k%16, q)
	})
	return t
}

// toAffineNiels calls set(k, q) with q the affine Niels form of pts[k], for
// every k, after one shared inversion of all the Z coordinates. zs is
// scratch space of at least 2·len(pts) elements.
func toAffineNiels(pts []extPoint, zs []field.Element, set func(k int, q *affineNielsPoint)) {
	n := len(pts)
	zinv, scratch := zs[:n], zs[n:2*n]
	for k := range pts {
		zinv[k].Set(&pts[k].Z)
	}
	batchInvert(zinv, zinv, scratch)
	var x, y field.Element
	var q affineNielsPoint
	for k := range pts {
		x.Multiply(&pts[k].X, &zinv[k])
		y.Multiply(&pts[k].Y, &zinv[k])
		set(k, q.fromAffine(&x, &y))
	}
}

// Element returns a new Element set to the element the table was built for.
func (t *FixedBaseTable) Element() *Element {
	t.check("Element")
	return NewElement().Set(&t.base)
}

// FixedBaseMult sets e = s·P, where P is the element t was built for, and
// returns e. It runs in constant time: every lookup reads all sixteen
// entries of its row and keeps one with masks.
//
// The scalar is written in 51 signed radix-32 digits s = Σ d_i·32^i with
// −16 ≤ d_i ≤ 15, and s·P = Σ d_i·(32^i·P): one lookup in row i and one
// mixed addition per digit, and no doubling.
func (e *Element) FixedBaseMult(t *FixedBaseTable, s *Scalar) *Element {
	t.check("FixedBaseMult")
	digits := [1][radix32Digits]int8{signedRadix32(s)}
	var v extPoint
	fixedBaseSum(&v, []*FixedBaseTable{t}, digits[:])
	return v.toElement(e)
}

// FixedBaseMultiScalarMult sets e = Σ scalars[i]·P_i, where tables[i] is
// the table of P_i, and returns e. It runs in constant time, like
// FixedBaseMult, with one accumulator for all the terms, so that
// s1·P1 + s2·P2 costs two FixedBaseMult and no addition.
// It panics if the slices differ in length or if a table was not made by
// NewFixedBaseTable, and sets e to the identity if they are empty.
func (e *Element) FixedBaseMultiScalarMult(scalars []*Scalar, tables []*FixedBaseTable) *Element {
	if len(scalars) != len(tables) {
		panic("group: FixedBaseMultiScalarMult called with different numbers of scalars and tables")
	}
	if len(scalars) == 0 {
		return e.Zero()
	}
	var stack [4][radix32Digits]int8
	digits := stack[:0]
	if len(scalars) > len(stack) {
		digits = make([][radix32Digits]int8, 0, len(scalars))
	}
	for i, s := range scalars {
		tables[i].check("FixedBaseMultiScalarMult")
		digits = append(digits, signedRadix32(s))
	}
	var v extPoint
	fixedBaseSum(&v, tables, digits)
	return v.toElement(e)
}

// check panics if t was not made by NewFixedBaseTable.
func (t *FixedBaseTable) check(caller string) {
	if !t.built {
		panic("group: " + caller + " with a FixedBaseTable not made by NewFixedBaseTable")
	}
}

// fixedBaseSum sets v = Σ_k s_k·P_k, where ts[k] is the table of P_k and
// ds[k] the signed radix-32 digits of s_k: one lookup and one mixed
// addition per digit. Constant time.
func fixedBaseSum(v *extPoint, ts []*FixedBaseTable, ds [][radix32Digits]int8) {
	var c completedPoint
	var q affineNielsPoint

	// The first lookup sets v directly instead of being added to the
	// identity.
	neg := ts[0].rows[0].lookup(&q, ds[0][0])
	v.setAffineNielsSigned(&q, neg)
	for k, t := range ts {
		d := &ds[k]
		i := 0
		if k == 0 {
			i = 1
		}
		for ; i < radix32Digits; i++ {
			neg := t.rows[i].lookup(&q, d[i])
			c.addAffineSigned(v, &q, neg)
			v.fromCompleted(&c)
		}
	}
}

// A nielsRow16 holds the multiples Q, 2Q, …, 16Q of one point Q in affine
// Niels form (y+x, y−x, 2d·x·y), from which lookup selects in constant time.
// Each coordinate is stored as its canonical encoding in four little-endian
// 64-bit words, so that a lookup scans 12 words per entry rather than the
// 15 limbs of three field elements; the layout is by coordinate, then by
// multiple: row[c][j] is coordinate c of (j+1)·Q.
type nielsRow16 [3][16][4]uint64

// set sets entry j of the row to q.
func (row *nielsRow16) set(j int, q *affineNielsPoint) {
	packFE(&row[0][j], &q.YplusX)
	packFE(&row[1][j], &q.YminusX)
	packFE(&row[2][j], &q.XY2d)
}

// lookup sets q = |d|·Q for −16 ≤ d ≤ 16 and returns 1 if d is negative and
// 0 otherwise; the caller subtracts q when it returns 1. It runs in constant
// time: it reads all sixteen entries and combines them with masks, and the
// identity (1, 1, 0) for d = 0 is masked in too.
func (row *nielsRow16) lookup(q *affineNielsPoint, d int8) int {
	neg := d >> 7 // all ones if d < 0
	abs := uint64(uint8((d + neg) ^ neg))
	var w [12]uint64
	selectRow16(&w, row, abs)
	setAffineNielsWords(q, &w, abs)
	return int(neg & 1)
}

// A nielsRow holds the multiples Q, 2Q, …, 8Q of one point Q in affine
// Niels form (y+x, y−x, 2d·x·y), from which lookup selects in constant time.
// Each coordinate is stored as its canonical encoding in four little-endian
// 64-bit words, so that a lookup scans 12 words per entry rather than the
// 15 limbs of three field elements; the layout is by coordinate, then by
// multiple: row[c][j] is coordinate c of (j+1)·Q.
type nielsRow [3][8][4]uint64

// set sets entry j of the row to q.
func (row *nielsRow) set(j int, q *affineNielsPoint) {
	packFE(&row[0][j], &q.YplusX)
	packFE(&row[1][j], &q.YminusX)
	packFE(&row[2][j], &q.XY2d)
}

func packFE(dst *[4]uint64, fe *field.Element) {
	b := fe.Bytes()
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
}

// lookup sets q = |d|·Q for −8 ≤ d ≤ 8 and returns 1 if d is negative and 0
// otherwise; the caller subtracts q when it returns 1. It runs in constant
// time: it reads all eight entries and combines them with masks, and the
// identity (1, 1, 0) for d = 0 is masked in too.
func (row *nielsRow) lookup(q *affineNielsPoint, d int8) int {
	neg := d >> 7 // all ones if d < 0
	abs := uint64(uint8((d + neg) ^ neg))
	var w [12]uint64
	selectRow8(&w, row, abs)
	setAffineNielsWords(q, &w, abs)
	return int(neg & 1)
}

// setAffineNielsWords sets q to the point whose coordinates y+x, y−x and
// 2d·x·y are encoded in w, four words each, as the row selections return
// them: all zero when abs = 0, which becomes the identity (1, 1, 0).
func setAffineNielsWords(q *affineNielsPoint, w *[12]uint64, abs uint64) {
	zero := (abs - 1) >> 63 // 1 if abs = 0
	setFEWords(&q.YplusX, w[0]|zero, w[1], w[2], w[3])
	setFEWords(&q.YminusX, w[4]|zero, w[5], w[6], w[7])
	setFEWords(&q.XY2d, w[8], w[9], w[10], w[11])
}

// selectRow16Generic sets w to the coordinates of entry abs−1 of row, four
// words per coordinate, or to zero if abs is not in [1, 16], for any abs
// below 2^63 (the masks need abs ⊕ (j+1) to have its top bit clear; the
// lookups pass at most 16). It reads every entry and combines them with
// masks, in constant time.
func selectRow16Generic(w *[12]uint64, row *nielsRow16, abs uint64) {
	var masks [16]uint64
	for j := range masks {
		// All ones if abs = j+1: abs ^ (j+1) is below 2^63, and
		// subtracting 1 borrows into the top bit only if it is 0.
		masks[j] = -(((abs ^ uint64(j+1)) - 1) >> 63)
	}
	lo, hi := (*[8]uint64)(masks[:8]), (*[8]uint64)(masks[8:])
	for c := range 3 {
		a0, a1, a2, a3 := select8(row[c][:8], lo)
		b0, b1, b2, b3 := select8(row[c][8:], hi)
		w[4*c], w[4*c+1], w[4*c+2], w[4*c+3] = a0|b0, a1|b1, a2|b2, a3|b3
	}
}

// selectRow8Generic is selectRow16Generic for a row of eight entries: abs
// in [1, 8] selects an entry, anything else below 2^63 gives zero.
func selectRow8Generic(w *[12]uint64, row *nielsRow, abs uint64) {
	var masks [8]uint64
	for j := range masks {
		masks[j] = -(((abs ^ uint64(j+1)) - 1) >> 63)
	}
	for c := range 3 {
		w[4*c], w[4*c+1], w[4*c+2], w[4*c+3] = select8(row[c][:], &masks)
	}
}

// select8 returns the words of the entry of col whose mask is all ones,
// or zero if there is none, reading every entry.
func select8(col [][4]uint64, masks *[8]uint64) (a0, a1, a2, a3 uint64) {
	c := (*[8][4]uint64)(col)
	m0, m1, m2, m3, m4, m5, m6, m7 := masks[0], masks[1], masks[2], masks[3], masks[4], masks[5], masks[6], masks[7]
	a0 = m0&c[0][0] | m1&c[1][0] | m2&c[2][0] | m3&c[3][0] | m4&c[4][0] | m5&c[5][0] | m6&c[6][0] | m7&c[7][0]
	a1 = m0&c[0][1] | m1&c[1][1] | m2&c[2][1] | m3&c[3][1] | m4&c[4][1] | m5&c[5][1] | m6&c[6][1] | m7&c[7][1]
	a2 = m0&c[0][2] | m1&c[1][2] | m2&c[2][2] | m3&c[3][2] | m4&c[4][2] | m5&c[5][2] | m6&c[6][2] | m7&c[7][2]
	a3 = m0&c[0][3] | m1&c[1][3] | m2&c[2][3] | m3&c[3][3] | m4&c[4][3] | m5&c[5][3] | m6&c[6][3] | m7&c[7][3]
	return
}

// setFEWords sets fe to the field element whose encoding, as four
// little-endian words, is a3:a2:a1:a0 (a value below 2^255).
func setFEWords(fe *field.Element, a0, a1, a2, a3 uint64) {
	l := feLimbs(fe)
	l[0] = a0 & maskLow51
	l[1] = (a0>>51 | a1<<13) & maskLow51
	l[2] = (a1>>38 | a2<<26) & maskLow51
	l[3] = (a2>>25 | a3<<39) & maskLow51
	l[4] = a3 >> 12 & maskLow51
}

const maskLow51 = 1<<51 - 1

// feLimbs returns the limbs of fe. A field.Element is five 64-bit limbs
// l0 … l4 of 51 bits (plus a few bits of slack) with fe = Σ l_i·2^(51·i);
// filippo.io/edwards25519/field keeps them unexported, and the table lookups
// write them directly to avoid a round trip through bytes. The size is
// checked at compile time and the layout by TestFieldLimbs.
func feLimbs(fe *field.Element) *[5]uint64 {
	return (*[5]uint64)(unsafe.Pointer(fe))
}

// BaseTable returns the fixed-base table of the generator G, built on first
// use and shared by every caller: provers that multiply G by secret scalars
// use it with FixedBaseMult, which costs less than ScalarBaseMult.
func BaseTable() *FixedBaseTable { return baseTable() }

var baseTable = sync.OnceValue(func() *FixedBaseTable { return NewFixedBaseTable(NewGeneratorElement()) })

// A compile-time check that field.Element is 40 bytes, as feLimbs assumes.
var _ [unsafe.Sizeof(field.Element{}) - 40]struct{}
var _ [40 - unsafe.Sizeof(field.Element{})]struct{}

// signedRadix16 returns digits d_i in [−8, 7] (the top one in [−8, 2]) with
// s = Σ d_i·16^i, in constant time. Adding 8 to every nibble position,
// y = s + Σ 8·16^i, lets the carries of an ordinary addition do the
// recentring: d_i = nibble_i(y) − 8. y stays below 2^256 because s < 2^253.
func signedRadix16(s *Scalar) [64]int8 {
	b := s.s.Bytes()
	const eights = 0x8888888888888888
	var y [4]uint64
	var carry uint64
	for i := range y {
		y[i], carry = bits.Add64(binary.LittleEndian.Uint64(b[8*i:]), eights, carry)
	}
	var d [64]int8
	for i := range d {
		d[i] = int8(y[i/16]>>(4*(i%16))&15) - 8
	}
	return d
}

// radix32Digits is the number of signed radix-32 digits of a scalar.
const radix32Digits = 51

// signedRadix32 returns digits d_i in [−16, 15] with s = Σ d_i·32^i, in
// constant time, like signedRadix16: y = s + Σ_{i<51} 16·32^i, and
// d_i = (5-bit digit i of y) − 16. Since s < 2^253, y < 2^253 + 2^255·16/31
// < 2^255, so the 51 digits of y hold it all.
func signedRadix32(s *Scalar) [radix32Digits]int8 {
	b := s.s.Bytes()
	// Σ_{i<51} 16·32^i, the bit pattern 10000 repeated 51 times.
	sixteens := [4]uint64{0x0842108421084210, 0x1084210842108421, 0x2108421084210842, 0x4210842108421084}
	var y [5]uint64
	var carry uint64
	for i := range 4 {
		y[i], carry = bits.Add64(binary.LittleEndian.Uint64(b[8*i:]), sixteens[i], carry)
	}
	var d [radix32Digits]int8
	for i := range d {
		bit := uint(5 * i)
		w, off := bit/64, bit%64
		v := y[w] >> off
		if off > 59 {
			v |= y[w+1] << (64 - off)
		}
		d[i] = int8(v&31) - 16
	}
	return d
}

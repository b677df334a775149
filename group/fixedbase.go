package group

import (
	"crypto/subtle"
	"encoding/binary"
	"math/bits"

	"filippo.io/edwards25519/field"
)

// A FixedBaseTable holds precomputed multiples of one element P, for fast
// constant-time multiplications s·P by FixedBaseMult: entry [i][j] is
// (j+1)·256^i·P for i < 32 and j < 8, in affine Niels form (y+x, y−x, 2d·x·y).
// A table takes 30 KiB (256 entries of three field elements of 40 bytes) and
// is worth building for an element multiplied more than a few times, such as
// a public key or an independent generator.
//
// A table is read-only once built and may be used from many goroutines. The
// zero value is not usable; build tables with NewFixedBaseTable.
type FixedBaseTable struct {
	built   bool
	base    Element
	entries [32][8]affineNielsPoint
}

// NewFixedBaseTable returns the table of multiples of p. Building it costs
// about ten ScalarBaseMult; since FixedBaseMult takes about a quarter of the
// time of ScalarMult, a table pays for itself after four multiplications. It
// runs in constant time.
func NewFixedBaseTable(p *Element) *FixedBaseTable {
	t := &FixedBaseTable{built: true}
	t.base.Set(p)

	// Extended multiples first, then one shared inversion of all Z.
	var pts [32 * 8]extPoint
	var base extPoint
	base.fromElement(p)
	for i := 0; i < 32; i++ {
		row := pts[8*i : 8*i+8]
		row[0] = base
		for j := 1; j < 8; j++ {
			row[j].addExt(&row[j-1], &base)
		}
		base.doubleN(&row[7], 5) // 256·base = 2^5·(8·base)
	}
	var zs, scratch [32 * 8]field.Element
	for k := range pts {
		zs[k].Set(&pts[k].Z)
	}
	batchInvert(zs[:], zs[:], scratch[:])
	var x, y field.Element
	for k := range pts {
		x.Multiply(&pts[k].X, &zs[k])
		y.Multiply(&pts[k].Y, &zs[k])
		t.entries[k/8][k%8].fromAffine(&x, &y)
	}
	return t
}

// Element returns a new Element set to the element the table was built for.
func (t *FixedBaseTable) Element() *Element {
	if !t.built {
		panic("group: Element of a FixedBaseTable not made by NewFixedBaseTable")
	}
	return NewElement().Set(&t.base)
}

// FixedBaseMult sets e = s·P, where P is the element t was built for, and
// returns e. It runs in constant time: every lookup reads all eight entries
// of its row and keeps one with conditional moves.
//
// The scalar is written in 64 signed radix-16 digits s = Σ d_i·16^i with
// −8 ≤ d_i ≤ 7, and s·P = Σ_{i odd} d_i·256^((i−1)/2)·16·P +
// Σ_{i even} d_i·256^(i/2)·P: 32 lookups and additions for the odd digits,
// four doublings, then 32 more for the even digits.
func (e *Element) FixedBaseMult(t *FixedBaseTable, s *Scalar) *Element {
	if !t.built {
		panic("group: FixedBaseMult with a FixedBaseTable not made by NewFixedBaseTable")
	}
	digits := signedRadix16(s)

	var v extPoint
	var c completedPoint
	var q affineNielsPoint

	// Odd digits. The first lookup sets v directly instead of adding it to
	// the identity.
	t.selectInto(&q, 0, digits[1])
	v.setAffineNiels(&q, false)
	for i := 3; i < 64; i += 2 {
		t.selectInto(&q, i/2, digits[i])
		c.addAffine(&v, &q)
		if i < 63 {
			v.fromCompleted(&c)
		}
	}

	// Multiply by 16 in projective coordinates.
	var pp projPoint
	pp.fromCompleted(&c)
	for i := 0; i < 3; i++ {
		c.double(&pp)
		pp.fromCompleted(&c)
	}
	c.double(&pp)
	v.fromCompleted(&c)

	// Even digits.
	for i := 0; i < 64; i += 2 {
		t.selectInto(&q, i/2, digits[i])
		c.addAffine(&v, &q)
		v.fromCompleted(&c)
	}
	return v.toElement(e)
}

// selectInto sets q = d·256^i·P for −8 ≤ d ≤ 8 in constant time.
func (t *FixedBaseTable) selectInto(q *affineNielsPoint, i int, d int8) {
	neg := d >> 7 // all ones if d < 0
	abs := uint8((d + neg) ^ neg)
	q.setIdentity()
	row := &t.entries[i]
	for j := range row {
		cond := subtle.ConstantTimeByteEq(abs, uint8(j+1))
		q.YplusX.Select(&row[j].YplusX, &q.YplusX, cond)
		q.YminusX.Select(&row[j].YminusX, &q.YminusX, cond)
		q.XY2d.Select(&row[j].XY2d, &q.XY2d, cond)
	}
	// −q swaps y+x with y−x and negates 2dxy.
	isNeg := int(neg & 1)
	q.YplusX.Swap(&q.YminusX, isNeg)
	var negT field.Element
	negT.Negate(&q.XY2d)
	q.XY2d.Select(&negT, &q.XY2d, isNeg)
}

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

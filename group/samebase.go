package group

import "filippo.io/edwards25519/field"

// ScalarMultSameBase sets dst[i] = scalars[i]·p for every i, in constant
// time: the execution time depends only on len(scalars). It is for one base
// multiplied by several secret scalars, such as a trustee's key share and a
// proof nonce applied to the same ciphertext component: ScalarMult spends
// most of its time on about 250 doublings, and here most of them are done
// once, on p, and shared by all the scalars. Two scalars cost
// about 1.45 ScalarMult instead of 2, four 2.2 and eight 3.6; one costs the
// same as ScalarMult. From about 60 scalars on, NewFixedBaseTable and
// FixedBaseMult are faster (docs/spec.md, "Multiple scalars, one base").
//
// The base is treated as public, but nothing branches on it or on the
// scalars, and every table lookup reads all the entries of its table, as in
// ScalarMult. It panics if the slices differ in length or if an element of
// dst is nil. The elements of dst may alias p (each is written after p has
// been read) but not one another.
func ScalarMultSameBase(dst []*Element, scalars []*Scalar, p *Element) {
	if len(dst) != len(scalars) {
		panic("group: ScalarMultSameBase called with different numbers of destinations and scalars")
	}
	for _, e := range dst {
		if e == nil {
			panic("group: ScalarMultSameBase called with a nil destination")
		}
	}
	n := len(scalars)
	if n == 0 {
		return
	}
	var stack [4]projNielsRow
	var rows []projNielsRow
	if k := sameBaseParts(n); k <= len(stack) {
		rows = stack[:k]
	} else {
		rows = make([]projNielsRow, k)
	}
	buildSameBaseRows(rows, p)
	var acc extPoint
	for i, s := range scalars {
		sameBaseMult(&acc, rows, s)
		acc.toElement(dst[i])
	}
}

// sameBaseParts returns the number k of parts into which ScalarMultSameBase
// splits each of n scalars: s = Σ_{j<k} s_j·2^(256j/k), each part of 64/k
// signed radix-16 digits, against the k bases Q_j = 2^(256j/k)·P. The
// precomputation costs about 256(k−1)/k doublings and k tables of eight
// multiples, and each scalar 256/k − 4 doublings and 64 additions. Measured
// (docs/spec.md): four parts are the fastest for one or two scalars, eight
// from three to seven, sixteen from eight on.
func sameBaseParts(n int) int {
	switch {
	case n <= 2:
		return 4
	case n < 8:
		return 8
	default:
		return 16
	}
}

// buildSameBaseRows sets rows[j] to the multiples 1·Q_j … 8·Q_j of
// Q_j = 2^(256j/k)·p, for k = len(rows), in projective Niels form.
func buildSameBaseRows(rows []projNielsRow, p *Element) {
	k := len(rows)
	partBits := 256 / k
	var m [8]extPoint
	var pn nielsPoint
	m[0].fromElement(p)
	for j := range rows {
		if j > 0 {
			// Q_j = 2^(256/k)·Q_{j−1} = 2^(256/k − 3)·(8·Q_{j−1}).
			m[0].doubleN(&m[7], partBits-3)
		}
		multiples8(&m)
		for i := range m {
			pn.fromExt(&m[i])
			rows[j].set(i, &pn)
		}
	}
}

// sameBaseMult sets v = s·P from the rows of P built by buildSameBaseRows:
// with the signed radix-16 digits d_i of s and L = 64/k digits per part,
//
//	s·P = Σ_{t<L} 16^t · Σ_{j<k} d_{jL+t}·Q_j,
//
// evaluated from t = L−1 down by Horner's rule: four doublings per t (none
// for the first) and one constant-time lookup and addition per digit.
func sameBaseMult(v *extPoint, rows []projNielsRow, s *Scalar) {
	k := len(rows)
	L := 64 / k
	d := signedRadix16(s)
	var q nielsPoint
	var c completedPoint
	var pp projPoint
	for t := L - 1; t >= 0; t-- {
		if t < L-1 {
			for r := 0; r < 3; r++ {
				c.double(&pp)
				pp.fromCompleted(&c)
			}
			c.double(&pp)
			v.fromCompleted(&c)
		}
		for j := range rows {
			neg := rows[j].lookup(&q, d[j*L+t])
			if t == L-1 && j == 0 {
				// The first digit sets v instead of being added to
				// the identity.
				v.setNielsSigned(&q, neg)
				if k == 1 && t > 0 {
					pp.fromExt(v)
				}
				continue
			}
			c.addNielsSigned(v, &q, neg)
			if j == k-1 && t > 0 {
				// Doublings follow, which need no T.
				pp.fromCompleted(&c)
			} else {
				v.fromCompleted(&c)
			}
		}
	}
	clear(d[:])
}

// A projNielsRow holds the multiples Q, 2Q, …, 8Q of one point Q in
// projective Niels form (Y+X, Y−X, Z, 2d·T), from which lookup selects in
// constant time. It keeps the limbs of the field elements as they are (no
// reduction to canonical form, which the affine rows of fixed-base tables
// pay for once per table), by coordinate, then multiple, then limb:
// row[c][j] holds coordinate c of (j+1)·Q.
type projNielsRow [4][8][5]uint64

// set sets entry j of the row to q.
func (row *projNielsRow) set(j int, q *nielsPoint) {
	row[0][j] = *feLimbs(&q.YplusX)
	row[1][j] = *feLimbs(&q.YminusX)
	row[2][j] = *feLimbs(&q.Z)
	row[3][j] = *feLimbs(&q.T2d)
}

// lookup sets q = |d|·Q for −8 ≤ d ≤ 8 and returns 1 if d is negative and 0
// otherwise; the caller subtracts q when it returns 1. It runs in constant
// time: it reads all eight entries and combines them with masks, and the
// identity (1, 1, 1, 0) for d = 0 is masked in too.
func (row *projNielsRow) lookup(q *nielsPoint, d int8) int {
	neg := d >> 7 // all ones if d < 0
	abs := uint64(uint8((d + neg) ^ neg))
	var masks [8]uint64
	for j := range masks {
		// All ones if abs = j+1 (see nielsRow.lookup).
		masks[j] = -(((abs ^ uint64(j+1)) - 1) >> 63)
	}
	zero := (abs - 1) >> 63 // 1 if d = 0
	select8x5(feLimbs(&q.YplusX), &row[0], &masks)
	select8x5(feLimbs(&q.YminusX), &row[1], &masks)
	select8x5(feLimbs(&q.Z), &row[2], &masks)
	select8x5(feLimbs(&q.T2d), &row[3], &masks)
	feLimbs(&q.YplusX)[0] |= zero
	feLimbs(&q.YminusX)[0] |= zero
	feLimbs(&q.Z)[0] |= zero
	return int(neg & 1)
}

// select8x5 sets out to the limbs of the entry of col whose mask is all
// ones, or to zero if there is none, reading every entry.
func select8x5(out *[5]uint64, col *[8][5]uint64, masks *[8]uint64) {
	m0, m1, m2, m3, m4, m5, m6, m7 := masks[0], masks[1], masks[2], masks[3], masks[4], masks[5], masks[6], masks[7]
	for l := range out {
		out[l] = m0&col[0][l] | m1&col[1][l] | m2&col[2][l] | m3&col[3][l] |
			m4&col[4][l] | m5&col[5][l] | m6&col[6][l] | m7&col[7][l]
	}
}

// setNielsSigned sets v = q if neg = 0 or v = −q if neg = 1, in constant
// time: (2X : 2Y : 2Z : 2T) with 2X = (Y+X) − (Y−X), 2Y = (Y+X) + (Y−X) and
// 2T = 2d·T/d. One multiplication.
func (v *extPoint) setNielsSigned(q *nielsPoint, neg int) {
	var t field.Element
	v.X.Subtract(&q.YplusX, &q.YminusX)
	v.Y.Add(&q.YplusX, &q.YminusX)
	v.Z.Add(&q.Z, &q.Z)
	v.T.Multiply(&q.T2d, feInvD)
	t.Negate(&v.X)
	v.X.Select(&t, &v.X, neg)
	t.Negate(&v.T)
	v.T.Select(&t, &v.T, neg)
}

// addNielsSigned sets v = p + q if neg = 0 or v = p − q if neg = 1, in
// constant time, like addAffineSigned: q is modified (its Y+X and Y−X are
// swapped when neg = 1).
func (v *completedPoint) addNielsSigned(p *extPoint, q *nielsPoint, neg int) {
	var pp, mm, tt, zz field.Element
	q.YplusX.Swap(&q.YminusX, neg)
	pp.Add(&p.Y, &p.X)
	mm.Subtract(&p.Y, &p.X)
	pp.Multiply(&pp, &q.YplusX)
	mm.Multiply(&mm, &q.YminusX)
	tt.Multiply(&p.T, &q.T2d)
	zz.Multiply(&p.Z, &q.Z)
	zz.Add(&zz, &zz)
	v.X.Subtract(&pp, &mm)
	v.Y.Add(&pp, &mm)
	v.Z.Add(&zz, &tt)
	v.T.Subtract(&zz, &tt)
	v.Z.Swap(&v.T, neg)
}

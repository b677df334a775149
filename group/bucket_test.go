package group

import (
	"math/big"
	"testing"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
	"github.com/cloudflare/circl/math/fp25519"
)

// bucketFromExt returns p with its coordinates as fp25519 elements, each
// unreduced (its value plus p, below 2^256) when unreduced is set, as the
// arithmetic leaves them.
func bucketFromExt(p *extPoint, unreduced bool) bucketPoint {
	conv := func(v *field.Element) fp25519.Elt {
		x := fpFromField(v)
		if unreduced {
			x = bucketPlusP(x)
		}
		return x
	}
	return bucketPoint{conv(&p.X), conv(&p.Y), conv(&p.Z), conv(&p.T)}
}

// bucketPlusP returns x + p as a 256-bit integer (x < 2^255 + 19).
func bucketPlusP(x fp25519.Elt) fp25519.Elt {
	v := new(big.Int).SetBytes(pfReverse(x[:]))
	v.Add(v, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19)))
	var out fp25519.Elt
	v.FillBytes(out[:])
	copy(out[:], pfReverse(out[:]))
	return out
}

// TestBucketToFieldReduces checks that values at and above p leave the
// four-limb arithmetic reduced.
func TestBucketToFieldReduces(t *testing.T) {
	for _, c := range []struct {
		in   fp25519.Elt
		want uint64
	}{
		{bucketPlusP(fp25519.Elt{5}), 5},
		{bucketPlusP(fp25519.Elt{}), 0},
		{fp25519.Elt{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 37}, // 2^256 − 1 = 2p + 37
	} {
		var got, want field.Element
		fpToField(&got, &c.in)
		var b [32]byte
		b[0] = byte(c.want)
		want.SetBytes(b[:])
		if got.Equal(&want) != 1 {
			t.Errorf("%x: got %x, want %d", c.in, got.Bytes(), c.want)
		}
	}
}

// TestBucketArithmetic checks the bucket method's four-limb point
// arithmetic against filippo.io/edwards25519 on the Edwards points
// themselves, for the identity, points with torsion components, the
// generator and random points, with the operands' coordinates reduced and
// not.
func TestBucketArithmetic(t *testing.T) {
	rng := pfRand(t)
	toPoint := func(v *bucketPoint) *edwards25519.Point {
		var e extPoint
		return pfEdwards(t, v.toExt(&e))
	}
	affine := func(p *extPoint) *bucketAffine {
		x, y := pfAffine(p)
		return new(bucketAffine).fromAffine(&x, &y)
	}
	points := pfArithmeticPoints(rng)
	for i, a := range points {
		b := points[(i*7+3)%len(points)]
		var ea, eb extPoint
		ea.fromElement(a)
		eb.fromElement(b)
		wantSum := new(edwards25519.Point).Add(&a.p, &b.p)
		wantDiff := new(edwards25519.Point).Subtract(&a.p, &b.p)
		for _, unreduced := range []bool{false, true} {
			pa, pb := bucketFromExt(&ea, unreduced), bucketFromExt(&eb, unreduced)
			var r bucketPoint
			var c bucketCompleted
			if toPoint(r.fromCompleted(c.add(&pa, affine(&eb), false))).Equal(wantSum) != 1 {
				t.Errorf("point %d (unreduced %v): add differs", i, unreduced)
			}
			if toPoint(r.fromCompleted(c.add(&pa, affine(&eb), true))).Equal(wantDiff) != 1 {
				t.Errorf("point %d (unreduced %v): subtract differs", i, unreduced)
			}
			if toPoint(r.addPoint(&pa, &pb)).Equal(wantSum) != 1 {
				t.Errorf("point %d (unreduced %v): addPoint differs", i, unreduced)
			}
			r = pa
			if toPoint(r.addPoint(&r, &r)).Equal(new(edwards25519.Point).Add(&a.p, &a.p)) != 1 {
				t.Errorf("point %d (unreduced %v): addPoint with aliased operands differs", i, unreduced)
			}
		}
		var q bucketPoint
		q.set(affine(&ea), false)
		if toPoint(&q).Equal(&a.p) != 1 {
			t.Errorf("point %d: set differs", i)
		}
		q.set(affine(&ea), true)
		if toPoint(&q).Equal(new(edwards25519.Point).Negate(&a.p)) != 1 {
			t.Errorf("point %d: set negated differs", i)
		}
	}
}

// TestAggregateBuckets checks the running sum Σ (i+1)·buckets[i] against
// scalar multiplications, with unused buckets anywhere, including all.
func TestAggregateBuckets(t *testing.T) {
	rng := pfRand(t)
	for _, n := range []int{1, 2, 5, 16} {
		for trial := range 4 {
			buckets := make([]bucketPoint, n)
			used := make([]bool, n)
			want := NewElement()
			for i := range buckets {
				used[i] = trial == 0 || rng.IntN(3) != 0
				if trial == 3 {
					used[i] = false
				}
				if !used[i] {
					continue
				}
				e := pfElement(rng)
				var x extPoint
				buckets[i] = bucketFromExt(x.fromElement(e), i%2 == 1)
				want.Add(want, NewElement().ScalarMult(pfScalarFromBig(big.NewInt(int64(i+1))), e))
			}
			var out bucketPoint
			if !aggregateBuckets(&out, buckets, used) {
				if want.IsIdentity() != 1 || trial != 3 {
					t.Errorf("n=%d trial %d: no bucket reported used", n, trial)
				}
				continue
			}
			var x extPoint
			if got := out.toExt(&x).toElement(NewElement()); got.Equal(want) != 1 {
				t.Errorf("n=%d trial %d: got %x, want %x", n, trial, got.Bytes(), want.Bytes())
			}
		}
	}
}

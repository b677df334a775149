package group

import (
	"fmt"
	"math/big"
	"testing"
)

// sbSplitMult is ScalarMultSameBase with the number of parts forced, for
// tests and benchmarks of every split: k must divide 64.
func sbSplitMult(k int, dst []*Element, scalars []*Scalar, p *Element) {
	rows := make([]projNielsRow, k)
	buildSameBaseRows(rows, p)
	var acc extPoint
	for i, s := range scalars {
		sameBaseMult(&acc, rows, s)
		acc.toElement(dst[i])
	}
}

// sbEdgeScalars adds to pfEdgeScalars the boundaries of the parts of every
// split (2^16, 2^32, 2^64, 2^128 and 2^192, each ±1), digits of ±8 at the
// part boundaries only, and ℓ − 2^192.
func sbEdgeScalars() []*Scalar {
	out := pfEdgeScalars()
	one := big.NewInt(1)
	for _, k := range []uint{16, 32, 63, 64, 65, 96, 128, 192, 224} {
		p := new(big.Int).Lsh(one, k)
		out = append(out, pfScalarFromBig(p),
			pfScalarFromBig(new(big.Int).Sub(p, one)),
			pfScalarFromBig(new(big.Int).Add(p, one)),
			pfScalarFromBig(new(big.Int).Neg(p)))
	}
	// Nibble 8 (digit −8 after recentring, with a carry) at the top of each
	// 64-bit part, and nibble 7 (digit 7) everywhere else.
	for _, h := range []string{
		"0877777777777777877777777777777787777777777777778777777777777777",
		"0000000000000008000000000000000800000000000000080000000000000008",
		"0800000000000000800000000000000080000000000000008000000000000000",
	} {
		n, _ := new(big.Int).SetString(h, 16)
		out = append(out, pfScalarFromBig(n))
	}
	return out
}

func TestScalarMultSameBase(t *testing.T) {
	rng := pfRand(t)
	scalars := sbEdgeScalars()
	for i := 0; i < 8; i++ {
		scalars = append(scalars, pfScalar(rng), pfShortScalar(rng, 64), pfShortScalar(rng, 128))
	}
	for name, p := range pfBases(t) {
		want := make([]*Element, len(scalars))
		for i, s := range scalars {
			want[i] = NewElement().ScalarMult(s, p)
		}
		for _, k := range []int{1, 2, 4, 8, 16} {
			dst := make([]*Element, len(scalars))
			for i := range dst {
				dst[i] = NewElement()
			}
			sbSplitMult(k, dst, scalars, p)
			for i := range dst {
				if dst[i].Equal(want[i]) != 1 {
					t.Errorf("base %s, %d parts, scalar %x: got %x, want %x", name, k, scalars[i].Bytes(), dst[i].Bytes(), want[i].Bytes())
				}
			}
		}
		dst := make([]*Element, len(scalars))
		for i := range dst {
			dst[i] = NewElement()
		}
		ScalarMultSameBase(dst, scalars, p)
		for i := range dst {
			if dst[i].Equal(want[i]) != 1 {
				t.Errorf("base %s, scalar %x: got %x, want %x", name, scalars[i].Bytes(), dst[i].Bytes(), want[i].Bytes())
			}
		}
	}
}

func BenchmarkScalarMultSameBase(b *testing.B) {
	p := NewElement().ScalarBaseMult(RandomScalar())
	scalars := []*Scalar{RandomScalar(), RandomScalar()}
	dst := []*Element{NewElement(), NewElement()}
	b.Run("ScalarMult×2", func(b *testing.B) {
		for b.Loop() {
			dst[0].ScalarMult(scalars[0], p)
			dst[1].ScalarMult(scalars[1], p)
		}
	})
	b.Run("n=2", func(b *testing.B) {
		for b.Loop() {
			ScalarMultSameBase(dst, scalars, p)
		}
	})
	for _, k := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("n=2/parts=%d", k), func(b *testing.B) {
			for b.Loop() {
				sbSplitMult(k, dst, scalars, p)
			}
		})
	}
}

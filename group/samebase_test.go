package group

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"filippo.io/edwards25519/field"
	gtank "github.com/gtank/ristretto255"
)

// Test helpers of samebase_test.go carry the prefix sb.

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

// sbSplits lists every number of parts sameBaseMult supports.
var sbSplits = []int{1, 2, 4, 8, 16, 32, 64}

// sbEdgeScalars adds to pfEdgeScalars the boundaries of the parts of every
// split (2^k and 2^k ± 1 and −2^k for k = 16, 32, 64, 128, 192, …), and
// digits of −8 and 7 at the part boundaries.
func sbEdgeScalars() []*Scalar {
	out := pfEdgeScalars()
	one := big.NewInt(1)
	for _, k := range []uint{8, 16, 32, 63, 64, 65, 96, 128, 160, 192, 224, 248} {
		p := new(big.Int).Lsh(one, k)
		out = append(out, pfScalarFromBig(p),
			pfScalarFromBig(new(big.Int).Sub(p, one)),
			pfScalarFromBig(new(big.Int).Add(p, one)),
			pfScalarFromBig(new(big.Int).Neg(p)))
	}
	for _, h := range []string{
		// Nibble 8 (digit −8, with a carry into the next part) at the top
		// of each 64-bit part, and nibble 7 (digit 7) everywhere else.
		"0877777777777777877777777777777787777777777777778777777777777777",
		"0000000000000008000000000000000800000000000000080000000000000008",
		"0800000000000000800000000000000080000000000000008000000000000000",
		"0788888888888888788888888888888878888888888888887888888888888888",
	} {
		n, _ := new(big.Int).SetString(h, 16)
		out = append(out, pfScalarFromBig(n))
	}
	return out
}

// sbNewElements returns n identities, as destinations.
func sbNewElements(n int) []*Element {
	out := make([]*Element, n)
	for i := range out {
		out[i] = NewElement()
	}
	return out
}

// sbCheck compares ScalarMultSameBase, and every forced split, with
// ScalarMult.
func sbCheck(t *testing.T, what string, scalars []*Scalar, p *Element, splits []int) {
	t.Helper()
	want := make([]*Element, len(scalars))
	for i, s := range scalars {
		want[i] = NewElement().ScalarMult(s, p)
	}
	dst := sbNewElements(len(scalars))
	ScalarMultSameBase(dst, scalars, p)
	for i := range dst {
		if dst[i].Equal(want[i]) != 1 {
			t.Errorf("%s: scalar %d (%x): got %x, want %x", what, i, scalars[i].Bytes(), dst[i].Bytes(), want[i].Bytes())
		}
	}
	for _, k := range splits {
		dst := sbNewElements(len(scalars))
		sbSplitMult(k, dst, scalars, p)
		for i := range dst {
			if dst[i].Equal(want[i]) != 1 {
				t.Errorf("%s: %d parts: scalar %d (%x): got %x, want %x", what, k, i, scalars[i].Bytes(), dst[i].Bytes(), want[i].Bytes())
			}
		}
	}
}

// TestScalarMultSameBase compares every split with ScalarMult on the edge
// scalars and random ones of full, 64-bit and 128-bit length, for the
// generator, the four representatives of the identity and random bases
// with torsion components.
func TestScalarMultSameBase(t *testing.T) {
	rng := pfRand(t)
	scalars := sbEdgeScalars()
	for i := 0; i < 8; i++ {
		scalars = append(scalars, pfScalar(rng), pfShortScalar(rng, 64), pfShortScalar(rng, 128))
	}
	for name, p := range pfBases(t) {
		sbCheck(t, "base "+name, scalars, p, sbSplits)
	}
}

// TestScalarMultSameBaseCounts covers every number of scalars from 0 to 17,
// so that each choice of sameBaseParts and both of its table allocations
// are taken.
func TestScalarMultSameBaseCounts(t *testing.T) {
	rng := pfRand(t)
	p := pfElement(rng)
	for n := 0; n <= 17; n++ {
		scalars := make([]*Scalar, n)
		for i := range scalars {
			scalars[i] = pfMixedScalar(rng)
		}
		sbCheck(t, fmt.Sprintf("%d scalars", n), scalars, p, nil)
	}
}

// TestScalarMultSameBaseGtank compares with github.com/gtank/ristretto255,
// an implementation that shares no code with this one.
func TestScalarMultSameBaseGtank(t *testing.T) {
	rng := pfRand(t)
	for round := 0; round < 8; round++ {
		p := pfElement(rng)
		scalars := []*Scalar{pfScalar(rng), pfScalar(rng), pfMixedScalar(rng)}[:1+round%3]
		dst := sbNewElements(len(scalars))
		ScalarMultSameBase(dst, scalars, p)
		gp := gtankElement(t, p)
		for i, s := range scalars {
			want := gtank.NewIdentityElement().ScalarMult(gtankScalar(t, s), gp).Bytes()
			if got := dst[i].Bytes(); !bytes.Equal(got, want) {
				t.Errorf("round %d, scalar %d: got %x, gtank says %x", round, i, got, want)
			}
		}
	}
}

// TestScalarMultSameBaseAliasing writes the results into the base itself,
// first and last.
func TestScalarMultSameBaseAliasing(t *testing.T) {
	rng := pfRand(t)
	for _, at := range []int{0, 1} {
		p := pfElement(rng)
		orig := NewElement().Set(p)
		s0, s1 := pfScalar(rng), pfScalar(rng)
		dst := []*Element{NewElement(), NewElement()}
		dst[at] = p
		ScalarMultSameBase(dst, []*Scalar{s0, s1}, p)
		if dst[0].Equal(NewElement().ScalarMult(s0, orig)) != 1 || dst[1].Equal(NewElement().ScalarMult(s1, orig)) != 1 {
			t.Errorf("destination %d aliasing the base: wrong results", at)
		}
	}
	// One scalar given twice.
	p := pfElement(rng)
	s := pfScalar(rng)
	dst := sbNewElements(2)
	ScalarMultSameBase(dst, []*Scalar{s, s}, p)
	want := NewElement().ScalarMult(s, p)
	if dst[0].Equal(want) != 1 || dst[1].Equal(want) != 1 {
		t.Error("one scalar given twice: wrong results")
	}
}

// TestScalarMultSameBaseInputsUnchanged checks that the scalars and the base
// are not modified.
func TestScalarMultSameBaseInputsUnchanged(t *testing.T) {
	rng := pfRand(t)
	p := pfElement(rng)
	X, Y, Z, T := p.p.ExtendedCoordinates()
	coords := [4]field.Element{*X, *Y, *Z, *T}
	scalars := []*Scalar{pfScalar(rng), pfScalar(rng), pfScalar(rng)}
	var before [][]byte
	for _, s := range scalars {
		before = append(before, s.Bytes())
	}
	ScalarMultSameBase(sbNewElements(3), scalars, p)
	X, Y, Z, T = p.p.ExtendedCoordinates()
	if [4]field.Element{*X, *Y, *Z, *T} != coords {
		t.Error("the base changed")
	}
	for i, s := range scalars {
		if !bytes.Equal(s.Bytes(), before[i]) {
			t.Errorf("scalar %d changed", i)
		}
	}
}

func TestScalarMultSameBasePanics(t *testing.T) {
	p := NewGeneratorElement()
	s := NewScalar().SetUint64(3)
	for name, f := range map[string]func(){
		"more destinations": func() { ScalarMultSameBase(sbNewElements(2), []*Scalar{s}, p) },
		"more scalars":      func() { ScalarMultSameBase(sbNewElements(1), []*Scalar{s, s}, p) },
		"nil destination":   func() { ScalarMultSameBase([]*Element{NewElement(), nil}, []*Scalar{s, s}, p) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
	// No scalars is not an error: nothing is written.
	ScalarMultSameBase(nil, nil, p)
}

// TestProjNielsRowLookup checks every digit in [−8, 8] of every row of a
// split into four parts: the lookup, with its sign applied by
// addNielsSigned to the identity, and setNielsSigned, give d·Q_j.
func TestProjNielsRowLookup(t *testing.T) {
	rng := pfRand(t)
	for _, p := range []*Element{pfElement(rng), pfWithTorsion(NewElement(), 1)} {
		rows := make([]projNielsRow, 4)
		buildSameBaseRows(rows, p)
		for j := range rows {
			qj := NewElement().ScalarMult(pfScalarFromBig(new(big.Int).Lsh(big.NewInt(1), uint(64*j))), p)
			for d := -8; d <= 8; d++ {
				want := NewElement().ScalarMult(NewScalar().SetInt64(int64(d)), qj)
				var q nielsPoint
				var v, id extPoint
				var c completedPoint
				neg := rows[j].lookup(&q, int8(d))
				if neg != pfBool(d < 0) {
					t.Fatalf("row %d, digit %d: sign %d", j, d, neg)
				}
				q2 := q
				v.setNielsSigned(&q, neg)
				if got := v.toElement(NewElement()); got.Equal(want) != 1 {
					t.Errorf("row %d, digit %d: setNielsSigned gives %x, want %x", j, d, got.Bytes(), want.Bytes())
				}
				id.setIdentity()
				c.addNielsSigned(&id, &q2, neg)
				if got := v.fromCompleted(&c).toElement(NewElement()); got.Equal(want) != 1 {
					t.Errorf("row %d, digit %d: addNielsSigned gives %x, want %x", j, d, got.Bytes(), want.Bytes())
				}
			}
		}
	}
}

func TestPropertyScalarMultSameBase(t *testing.T) {
	rng := pfRand(t)
	p := pfElement(rng)
	// (a + b)·P = a·P + b·P and (a·b)·P = a·(b·P), each product computed
	// together with the others.
	pfQuick(t, func(seed uint64) bool {
		r := rand.New(rand.NewPCG(seed, 2))
		a, b := pfMixedScalar(r), pfMixedScalar(r)
		dst := sbNewElements(4)
		ScalarMultSameBase(dst, []*Scalar{a, b, NewScalar().Add(a, b), NewScalar().Multiply(a, b)}, p)
		bP := []*Element{NewElement()}
		ScalarMultSameBase(bP, []*Scalar{a}, dst[1])
		return NewElement().Add(dst[0], dst[1]).Equal(dst[2]) == 1 && bP[0].Equal(dst[3]) == 1
	})
}

// sameBaseVector is one known answer of ScalarMultSameBase:
// products[i] = scalars[i]·base.
type sameBaseVector struct {
	Base     hexBytes   `json:"base"`
	Scalars  []hexBytes `json:"scalars"`
	Products []hexBytes `json:"products"`
}

// TestKnownAnswerSameBase regenerates testdata/same_base.json from a fixed
// seed: for G, the identity and two other bases, lists of one, two, three
// and nine scalars (edge values and random ones), so that each choice of
// the number of parts is covered. The products are computed by ScalarMult;
// ScalarMultSameBase must agree with them.
func TestKnownAnswerSameBase(t *testing.T) {
	var seed [32]byte
	copy(seed[:], "sandogh-v1 group same-base vectors")
	rng := rand.New(rand.NewChaCha8(seed))
	edges := sbEdgeScalars()
	bases := []*Element{NewGeneratorElement(), NewElement(), NewElement().ScalarBaseMult(pfScalar(rng)), NewElement().ScalarBaseMult(pfScalar(rng))}
	var out []sameBaseVector
	for bi, p := range bases {
		for _, n := range []int{1, 2, 3, 9} {
			scalars := make([]*Scalar, n)
			for i := range scalars {
				if i%2 == 0 {
					scalars[i] = edges[(7*bi+5*n+i)%len(edges)]
				} else {
					scalars[i] = pfScalar(rng)
				}
			}
			v := sameBaseVector{Base: p.Bytes()}
			dst := sbNewElements(n)
			ScalarMultSameBase(dst, scalars, p)
			for i, s := range scalars {
				want := NewElement().ScalarMult(s, p)
				if dst[i].Equal(want) != 1 {
					t.Errorf("base %d, %d scalars: product %d differs from ScalarMult", bi, n, i)
				}
				v.Scalars = append(v.Scalars, s.Bytes())
				v.Products = append(v.Products, want.Bytes())
			}
			out = append(out, v)
		}
	}
	checkKnownAnswer(t, "same_base.json", out)
}

// FuzzScalarMultSameBase maps the fuzzer's bytes to a base (the first 64
// bytes, through the one-way map, with a torsion component chosen by the
// first byte) and up to 20 scalars (32 bytes each, reduced modulo ℓ), and
// compares with ScalarMult.
func FuzzScalarMultSameBase(f *testing.F) {
	f.Add(make([]byte, 64+32*2))
	f.Add(bytes.Repeat([]byte{0xff}, 64+32*3))
	f.Add(bytes.Repeat([]byte{0x88}, 64+32*9))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 64 {
			return
		}
		p, err := NewElement().SetUniformBytes(data[:64])
		if err != nil {
			t.Fatal(err)
		}
		p = pfWithTorsion(p, int(data[0]))
		data = data[64:]
		n := min(len(data)/32, 20)
		scalars := make([]*Scalar, n)
		for i := range scalars {
			var wide [64]byte
			copy(wide[:], data[32*i:32*i+32])
			scalars[i], _ = NewScalar().SetUniformBytes(wide[:])
		}
		sbCheck(t, "fuzz", scalars, p, nil)
	})
}

func ExampleScalarMultSameBase() {
	// A trustee's share s·A and proof commitment u·A of one ciphertext
	// component A, with the doublings of A shared.
	A := NewElement().ScalarBaseMult(NewScalar().SetUint64(1000))
	s, u := NewScalar().SetUint64(3), NewScalar().SetUint64(5)
	D, a2 := NewElement(), NewElement()
	ScalarMultSameBase([]*Element{D, a2}, []*Scalar{s, u}, A)
	fmt.Println(D.Equal(NewElement().ScalarBaseMult(NewScalar().SetUint64(3000))))
	fmt.Println(a2.Equal(NewElement().ScalarBaseMult(NewScalar().SetUint64(5000))))
	// Output:
	// 1
	// 1
}

// BenchmarkScalarMultSameBase compares ScalarMultSameBase of n scalars with
// n calls of ScalarMult, and, for two scalars, every split into parts.
func BenchmarkScalarMultSameBase(b *testing.B) {
	p := NewElement().ScalarBaseMult(RandomScalar())
	for _, n := range []int{1, 2, 4, 8} {
		scalars := make([]*Scalar, n)
		for i := range scalars {
			scalars[i] = RandomScalar()
		}
		dst := sbNewElements(n)
		b.Run(fmt.Sprintf("n=%d/ScalarMult", n), func(b *testing.B) {
			for b.Loop() {
				for i := range dst {
					dst[i].ScalarMult(scalars[i], p)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				ScalarMultSameBase(dst, scalars, p)
			}
		})
		if n != 2 {
			continue
		}
		for _, k := range []int{2, 4, 8, 16} {
			b.Run(fmt.Sprintf("n=%d/parts=%d", n, k), func(b *testing.B) {
				for b.Loop() {
					sbSplitMult(k, dst, scalars, p)
				}
			})
		}
	}
}

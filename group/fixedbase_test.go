package group

import (
	"fmt"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"
	"unsafe"

	"filippo.io/edwards25519/field"
)

// pfBases returns the elements the fixed-base tests build tables for: the
// generator, the identity in its four representatives, and random elements
// with torsion components.
func pfBases(t *testing.T) map[string]*Element {
	rng := pfRand(t)
	bases := map[string]*Element{"generator": NewGeneratorElement()}
	for k, id := range pfIdentities() {
		bases[fmt.Sprintf("identity+%d·T4", k)] = id
	}
	for i := 0; i < 3; i++ {
		bases[fmt.Sprintf("random %d", i)] = pfElement(rng)
	}
	return bases
}

func TestFixedBaseMult(t *testing.T) {
	rng := pfRand(t)
	scalars := pfEdgeScalars()
	rounds := 40
	if testing.Short() {
		rounds = 10
	}
	for i := 0; i < rounds; i++ {
		scalars = append(scalars, pfMixedScalar(rng))
	}
	for name, p := range pfBases(t) {
		tab := NewFixedBaseTable(p)
		for i, s := range scalars {
			want := NewElement().ScalarMult(s, p)
			if got := NewElement().FixedBaseMult(tab, s); got.Equal(want) != 1 {
				t.Errorf("%s, scalar %d (%x): got %x, want %x", name, i, s.Bytes(), got.Bytes(), want.Bytes())
			}
		}
	}
}

// TestFixedBaseMultGenerator compares a table of G with ScalarBaseMult,
// whose Edwards point (not only its element) must be the same.
func TestFixedBaseMultGenerator(t *testing.T) {
	rng := pfRand(t)
	tab := NewFixedBaseTable(NewGeneratorElement())
	for i := 0; i < 30; i++ {
		s := pfMixedScalar(rng)
		got := NewElement().FixedBaseMult(tab, s)
		want := NewElement().ScalarBaseMult(s)
		if got.p.Equal(&want.p) != 1 {
			t.Errorf("scalar %x: the Edwards point differs from ScalarBaseMult", s.Bytes())
		}
	}
}

// TestFixedBaseTableEntries checks every entry against ScalarMult: row i
// holds (j+1)·32^i·P, and a lookup of d in [−16, 16] gives |d|·32^i·P and
// the sign of d.
func TestFixedBaseTableEntries(t *testing.T) {
	rng := pfRand(t)
	p := pfElement(rng)
	tab := NewFixedBaseTable(p)
	pow := big.NewInt(1)
	for i := 0; i < fixedRows; i++ {
		for d := -16; d <= 16; d++ {
			var q affineNielsPoint
			neg := tab.rows[i].lookup(&q, int8(d))
			if want := pfBool(d < 0); neg != want {
				t.Fatalf("lookup row %d digit %d: sign %d, want %d", i, d, neg, want)
			}
			var v extPoint
			v.setAffineNielsSigned(&q, neg)
			k := new(big.Int).Mul(pow, big.NewInt(int64(d)))
			want := NewElement().ScalarMult(pfScalarFromBig(k), p)
			if got := v.toElement(NewElement()); got.Equal(want) != 1 {
				t.Fatalf("lookup row %d digit %d: got %x, want %x", i, d, got.Bytes(), want.Bytes())
			}
		}
		pow.Lsh(pow, 5)
	}
}

// pfBool returns 1 for true and 0 for false.
func pfBool(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestFixedBaseTableElement(t *testing.T) {
	rng := pfRand(t)
	p := pfElement(rng)
	tab := NewFixedBaseTable(p)
	got := tab.Element()
	if got.Equal(p) != 1 {
		t.Fatal("Element does not return the table's element")
	}
	got.Add(got, got) // the returned element is a copy
	if tab.Element().Equal(p) != 1 {
		t.Fatal("changing the result of Element changed the table")
	}
	p.Add(p, p) // so is the table's own element
	if tab.Element().Equal(p) == 1 {
		t.Fatal("changing the element after NewFixedBaseTable changed the table")
	}
}

// TestFixedBaseMultAliasing uses the element the table was built from as the
// receiver, then uses the table again.
func TestFixedBaseMultAliasing(t *testing.T) {
	rng := pfRand(t)
	p := pfElement(rng)
	orig := NewElement().Set(p)
	tab := NewFixedBaseTable(p)
	s1, s2 := pfScalar(rng), pfScalar(rng)
	if got := p.FixedBaseMult(tab, s1); got != p || got.Equal(NewElement().ScalarMult(s1, orig)) != 1 {
		t.Fatal("FixedBaseMult into the base element is wrong")
	}
	if NewElement().FixedBaseMult(tab, s2).Equal(NewElement().ScalarMult(s2, orig)) != 1 {
		t.Fatal("the table changed when its element was overwritten")
	}
}

func TestPropertyFixedBaseMult(t *testing.T) {
	rng := pfRand(t)
	tab := NewFixedBaseTable(pfElement(rng))
	pfQuick(t, func(a, b pfQTerms) bool {
		if len(a.s) == 0 || len(b.s) == 0 {
			return true
		}
		x, y := a.s[0], b.s[0]
		sum := NewScalar().Add(x, y)
		lhs := NewElement().Add(NewElement().FixedBaseMult(tab, x), NewElement().FixedBaseMult(tab, y))
		return lhs.Equal(NewElement().FixedBaseMult(tab, sum)) == 1
	})
}

// TestSignedRadix16 checks that the digits are in [−8, 8] and give back
// the scalar.
func TestSignedRadix16(t *testing.T) {
	rng := pfRand(t)
	scalars := pfEdgeScalars()
	for i := 0; i < 100; i++ {
		scalars = append(scalars, pfMixedScalar(rng))
	}
	for _, s := range scalars {
		d := signedRadix16(s)
		pfCheckDigits(t, s, d[:], 4, 8)
	}
}

// TestSignedRadix32 checks that the digits are in [−16, 15] and give back
// the scalar.
func TestSignedRadix32(t *testing.T) {
	rng := pfRand(t)
	scalars := pfEdgeScalars()
	for i := 0; i < 100; i++ {
		scalars = append(scalars, pfMixedScalar(rng))
	}
	for _, s := range scalars {
		d := signedRadix32(s)
		pfCheckDigits(t, s, d[:], 5, 16)
	}
}

// pfCheckDigits checks that the digits d (radix 2^bits, least significant
// first) are in [−half, half) and that Σ d_i·2^(bits·i) = s.
func pfCheckDigits(t *testing.T, s *Scalar, d []int8, bits uint, half int) {
	t.Helper()
	got := new(big.Int)
	for i := len(d) - 1; i >= 0; i-- {
		if int(d[i]) < -half || int(d[i]) >= half {
			t.Fatalf("%x: digit %d is %d", s.Bytes(), i, d[i])
		}
		got.Lsh(got, bits).Add(got, big.NewInt(int64(d[i])))
	}
	if want := new(big.Int).SetBytes(pfReverse(s.Bytes())); got.Cmp(want) != 0 {
		t.Fatalf("%x: digits give %x", s.Bytes(), got)
	}
}

// TestFixedBaseTableSize keeps the documented memory figure (76.5 KiB of
// entries) honest.
func TestFixedBaseTableSize(t *testing.T) {
	entries := unsafe.Sizeof(FixedBaseTable{}.rows)
	if entries != 76*1024+512 {
		t.Errorf("table entries take %d bytes, documented 76.5 KiB", entries)
	}
	if total := unsafe.Sizeof(FixedBaseTable{}); total > 77*1024 {
		t.Errorf("a table takes %d bytes", total)
	}
}

// fixedBaseVector is one known answer of FixedBaseMult: product = scalar·base.
type fixedBaseVector struct {
	Base    hexBytes `json:"base"`
	Scalar  hexBytes `json:"scalar"`
	Product hexBytes `json:"product"`
}

// TestKnownAnswerFixedBase regenerates testdata/fixed_base.json from a fixed
// seed: the generator and two other bases, each with the edge scalars and
// random ones. The products are computed by ScalarMult; FixedBaseMult must
// agree with them.
func TestKnownAnswerFixedBase(t *testing.T) {
	var seed [32]byte
	copy(seed[:], "sandogh-v1 group fixed-base vectors")
	rng := rand.New(rand.NewChaCha8(seed))
	bases := []*Element{NewGeneratorElement(), NewElement().ScalarBaseMult(pfScalar(rng)), NewElement().ScalarBaseMult(pfScalar(rng))}
	var out []fixedBaseVector
	for _, p := range bases {
		tab := NewFixedBaseTable(p)
		scalars := append(pfEdgeScalars()[:8], pfScalar(rng), pfScalar(rng), pfShortScalar(rng, 128))
		for _, s := range scalars {
			want := NewElement().ScalarMult(s, p)
			if NewElement().FixedBaseMult(tab, s).Equal(want) != 1 {
				t.Errorf("FixedBaseMult(%x) differs from ScalarMult", s.Bytes())
			}
			out = append(out, fixedBaseVector{p.Bytes(), s.Bytes(), want.Bytes()})
		}
	}
	checkKnownAnswer(t, "fixed_base.json", out)
}

// TestFixedBaseMultiScalarMult compares sums over several tables, with the
// identity and torsion representatives among the bases and edge scalars,
// with the naive sum, for every number of terms up to six (more than four
// takes the allocating path).
func TestFixedBaseMultiScalarMult(t *testing.T) {
	rng := pfRand(t)
	var bases []*Element
	for _, p := range pfBases(t) {
		bases = append(bases, p)
	}
	tables := make([]*FixedBaseTable, len(bases))
	for i, p := range bases {
		tables[i] = NewFixedBaseTable(p)
	}
	edges := pfEdgeScalars()
	for n := 0; n <= 6; n++ {
		for round := 0; round < 8; round++ {
			scalars := make([]*Scalar, n)
			ts := make([]*FixedBaseTable, n)
			want := NewElement()
			for i := range scalars {
				if round%2 == 0 {
					scalars[i] = edges[rng.IntN(len(edges))]
				} else {
					scalars[i] = pfMixedScalar(rng)
				}
				k := rng.IntN(len(bases))
				ts[i] = tables[k]
				want.Add(want, NewElement().ScalarMult(scalars[i], bases[k]))
			}
			got := pfElement(rng)
			if got.FixedBaseMultiScalarMult(scalars, ts).Equal(want) != 1 {
				t.Errorf("n=%d round %d: got %x, want %x", n, round, got.Bytes(), want.Bytes())
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("different numbers of scalars and tables did not panic")
		}
	}()
	NewElement().FixedBaseMultiScalarMult([]*Scalar{NewScalar()}, nil)
}

func TestFixedBaseTableZeroValuePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"FixedBaseMult": func() { NewElement().FixedBaseMult(&FixedBaseTable{}, NewScalar()) },
		"Element":       func() { new(FixedBaseTable).Element() },
		"FixedBaseMultiScalarMult": func() {
			NewElement().FixedBaseMultiScalarMult([]*Scalar{NewScalar()}, []*FixedBaseTable{{}})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s on the zero FixedBaseTable did not panic", name)
				}
			}()
			f()
		}()
	}
}

// TestFieldLimbs checks the assumption of feLimbs about the layout of
// field.Element (five 51-bit limbs, least significant first), and that
// packFE and setFEWords give back the element, for edge values and random
// ones.
func TestFieldLimbs(t *testing.T) {
	rng := pfRand(t)
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	values := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(19), new(big.Int).Sub(p, big.NewInt(1)),
		new(big.Int).Lsh(big.NewInt(1), 51), new(big.Int).Lsh(big.NewInt(1), 254)}
	for i := 0; i < 50; i++ {
		b := make([]byte, 32)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		b[31] &= 0x7f
		values = append(values, new(big.Int).Mod(new(big.Int).SetBytes(b), p))
	}
	for _, v := range values {
		var fe field.Element
		if _, err := fe.SetBytes(pfReverse(v.FillBytes(make([]byte, 32)))); err != nil {
			t.Fatal(err)
		}
		l := feLimbs(&fe)
		got := new(big.Int)
		for i := 4; i >= 0; i-- {
			if l[i] >= 1<<52 {
				t.Fatalf("%x: limb %d is %x", v, i, l[i])
			}
			got.Lsh(got, 51).Add(got, new(big.Int).SetUint64(l[i]))
		}
		if got.Mod(got, p).Cmp(v) != 0 {
			t.Fatalf("%x: the limbs give %x", v, got)
		}
		var w [4]uint64
		packFE(&w, &fe)
		var back field.Element
		setFEWords(&back, w[0], w[1], w[2], w[3])
		if back.Equal(&fe) != 1 {
			t.Fatalf("%x: packFE and setFEWords give %x", v, back.Bytes())
		}
	}
}

// TestBaseTable checks that the shared table of G multiplies like
// ScalarBaseMult and is built once.
func TestBaseTable(t *testing.T) {
	if BaseTable() != BaseTable() {
		t.Fatal("BaseTable built twice")
	}
	if BaseTable().Element().Equal(NewGeneratorElement()) != 1 {
		t.Fatal("BaseTable is not the table of G")
	}
	for _, s := range []*Scalar{NewScalar(), new(Scalar).SetUint64(1), new(Scalar).SetInt64(-1), RandomScalar()} {
		if NewElement().FixedBaseMult(BaseTable(), s).Equal(NewElement().ScalarBaseMult(s)) != 1 {
			t.Fatalf("FixedBaseMult(BaseTable(), %x) differs from ScalarBaseMult", s.Bytes())
		}
	}
}

// A rowSelection is one implementation of the row selections: the generic
// Go code, or a vector version on amd64. maxAbs is the largest abs it is
// specified for (the generic code's masks need abs below 2^63).
type rowSelection struct {
	name   string
	sel16  func(w *[12]uint64, row *nielsRow16, abs uint64)
	sel8   func(w *[12]uint64, row *nielsRow, abs uint64)
	maxAbs uint64
}

var genericSelection = rowSelection{"generic", selectRow16Generic, selectRow8Generic, 1<<63 - 1}

// selectAbsValues returns the abs values the row selection tests try: every
// value around the rows, the edges of the 64-bit range, and random ones.
func selectAbsValues(rng *rand.Rand) []uint64 {
	var abs []uint64
	for a := range uint64(40) {
		abs = append(abs, a)
	}
	abs = append(abs, 63, 64, 65, 255, 256, 257, 1<<32+1, 1<<63-1, 1<<63, 1<<63+1, 1<<63+16, ^uint64(0))
	for range 20 {
		abs = append(abs, rng.Uint64(), rng.Uint64()>>1, rng.Uint64()&^31|uint64(rng.IntN(17)))
	}
	return abs
}

// wantSelect returns what a selection of entry abs−1 from a row of n
// entries (coordinate c of entry j at entry(c, j)) must give: the entry's
// 12 words, or zero if abs is not in [1, n].
func wantSelect(n int, abs uint64, entry func(c, j int) [4]uint64) (w [12]uint64) {
	if abs >= 1 && abs <= uint64(n) {
		for c := range 3 {
			e := entry(c, int(abs-1))
			copy(w[4*c:], e[:])
		}
	}
	return w
}

// checkRowSelection checks s against direct indexing: on random rows, for
// every abs of selectAbsValues up to s.maxAbs, and on a labelled row, whose
// every word names its coordinate, entry and position, so that a wrong
// entry, a wrong coordinate, a missing word or an OR of several entries is
// named in the failure.
func checkRowSelection(t *testing.T, s rowSelection) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	// One bit for the coordinate, one for the entry and one for the word,
	// so that an OR of several words is no label.
	label := func(c, j, k int) uint64 {
		return 0xa5a5_0000_0000_0000 | 1<<(40+c) | 1<<(16+j) | 1<<(8+k)
	}
	var labelled16 nielsRow16
	var labelled8 nielsRow
	for c := range 3 {
		for j := range 16 {
			for k := range 4 {
				labelled16[c][j][k] = label(c, j, k)
				if j < 8 {
					labelled8[c][j][k] = label(c, j, k)
				}
			}
		}
	}
	// describe names the entries whose labels a word carries.
	describe := func(w uint64) string {
		if w == 0 {
			return "0"
		}
		c, j, k := bits.TrailingZeros64(w>>40), bits.TrailingZeros64(w>>16), bits.TrailingZeros64(w>>8)
		if c >= 3 || j >= 16 || k >= 4 || w != label(c, j, k) {
			return fmt.Sprintf("%#x, not one word of the row", w)
		}
		return fmt.Sprintf("coordinate %d of entry %d, word %d", c, j, k)
	}
	check := func(kind string, got, want [12]uint64, abs uint64) {
		t.Helper()
		if got == want {
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s, %s, abs %d: word %d of the result is %s, want %s",
					s.name, kind, abs, i, describe(got[i]), describe(want[i]))
			}
		}
	}
	for _, abs := range selectAbsValues(rng) {
		if abs > s.maxAbs {
			continue
		}
		var got [12]uint64
		s.sel16(&got, &labelled16, abs)
		check("labelled row of 16", got, wantSelect(16, abs, func(c, j int) [4]uint64 { return labelled16[c][j] }), abs)
		s.sel8(&got, &labelled8, abs)
		check("labelled row of 8", got, wantSelect(8, abs, func(c, j int) [4]uint64 { return labelled8[c][j] }), abs)
	}
	for range 20 {
		var r16 nielsRow16
		var r8 nielsRow
		for c := range 3 {
			for j := range 16 {
				for k := range 4 {
					r16[c][j][k] = rng.Uint64()
					r8[c][j%8][k] = rng.Uint64()
				}
			}
		}
		for _, abs := range selectAbsValues(rng) {
			if abs > s.maxAbs {
				continue
			}
			// Start from garbage: the selection must overwrite all of w.
			got := [12]uint64{0: rng.Uint64(), 5: rng.Uint64(), 11: rng.Uint64()}
			s.sel16(&got, &r16, abs)
			check("random row of 16", got, wantSelect(16, abs, func(c, j int) [4]uint64 { return r16[c][j] }), abs)
			got = [12]uint64{0: rng.Uint64(), 5: rng.Uint64(), 11: rng.Uint64()}
			s.sel8(&got, &r8, abs)
			check("random row of 8", got, wantSelect(8, abs, func(c, j int) [4]uint64 { return r8[c][j] }), abs)
		}
	}
}

// TestSelectRowGeneric checks the Go row selections, which other
// architectures and the purego build use, against direct indexing.
func TestSelectRowGeneric(t *testing.T) {
	checkRowSelection(t, genericSelection)
}

// TestSelectRowDispatch checks selectRow16 and selectRow8, the selections
// the lookups call (vector or generic, as this machine chose), against
// direct indexing.
func TestSelectRowDispatch(t *testing.T) {
	checkRowSelection(t, rowSelection{"dispatched", selectRow16, selectRow8, 1<<63 - 1})
}

package group

import (
	"math/big"
	"testing"

	"filippo.io/edwards25519/field"
)

// limbsValue returns Σ l_i·2^(51·i) of fe's limbs, whatever their size.
func limbsValue(fe *field.Element) *big.Int {
	l := feLimbs(fe)
	v := new(big.Int)
	for i := 4; i >= 0; i-- {
		v.Lsh(v, 51).Add(v, new(big.Int).SetUint64(l[i]))
	}
	return v
}

// TestLazyFieldBounds checks what addAffineSigned relies on (see
// feAddLazy): the field package multiplies exactly elements whose limbs are
// anything below 2^54, returning limbs below 2^52, and the lazy sums and
// differences have the values they should.
func TestLazyFieldBounds(t *testing.T) {
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	rng := pfRand(t)
	const max54 = 1<<54 - 1
	limbSets := [][5]uint64{
		{max54, max54, max54, max54, max54},
		{0, 0, 0, 0, max54},
		{max54, 0, 0, 0, 0},
		{1<<53 + 1<<52 - 1, 1<<53 + 1<<52 - 1, 1<<53 + 1<<52 - 1, 1<<53 + 1<<52 - 1, 1<<53 + 1<<52 - 1},
	}
	for range 200 {
		var l [5]uint64
		for i := range l {
			l[i] = rng.Uint64() & max54
		}
		limbSets = append(limbSets, l)
	}
	for _, la := range limbSets {
		for _, lb := range limbSets[:8] {
			var a, b, c field.Element
			*feLimbs(&a), *feLimbs(&b) = la, lb
			want := new(big.Int).Mul(limbsValue(&a), limbsValue(&b))
			want.Mod(want, p)
			c.Multiply(&a, &b)
			for i, x := range feLimbs(&c) {
				if x >= 1<<52 {
					t.Fatalf("%x × %x: limb %d of the product is %x", la, lb, i, x)
				}
			}
			if got := limbsValue(&c); got.Mod(got, p).Cmp(want) != 0 {
				t.Fatalf("%x × %x = %x, want %x", la, lb, got, want)
			}
		}
	}

	// The lazy operations on their extreme inputs: a reduced element with
	// limbs at the field package's bound, and a subtrahend at the bound of
	// a multiplication's output.
	var top, outTop, one field.Element
	*feLimbs(&top) = [5]uint64{1<<52 - 1, 1<<52 - 1, 1<<52 - 1, 1<<52 - 1, 1<<52 - 1}
	*feLimbs(&outTop) = [5]uint64{1<<51 + 1<<18, 1<<51 + 1<<13, 1<<51 + 1<<13, 1<<51 + 1<<13, 1<<51 + 1<<13}
	one.One()
	var sum, diff, lazyDiff, prod field.Element
	feAddLazy(&sum, &top, &top)
	feSubLazy(&diff, &top, &outTop)
	feSubLazy(&lazyDiff, &sum, &outTop)
	for _, c := range []struct {
		name string
		fe   *field.Element
		want *big.Int
	}{
		{"top + top", &sum, new(big.Int).Add(limbsValue(&top), limbsValue(&top))},
		{"top − outTop", &diff, new(big.Int).Sub(limbsValue(&top), limbsValue(&outTop))},
		{"(top + top) − outTop", &lazyDiff, new(big.Int).Sub(new(big.Int).Lsh(limbsValue(&top), 1), limbsValue(&outTop))},
	} {
		for i, x := range feLimbs(c.fe) {
			if x >= 1<<54 {
				t.Fatalf("%s: limb %d is %x, not below 2^54", c.name, i, x)
			}
		}
		prod.Multiply(c.fe, &one)
		got := limbsValue(&prod)
		if got.Mod(got, p).Cmp(new(big.Int).Mod(c.want, p)) != 0 {
			t.Fatalf("%s = %x, want %x", c.name, got, c.want.Mod(c.want, p))
		}
	}
}

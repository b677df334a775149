package proof

import (
	"math/rand/v2"
	"testing"
)

func TestConstantTimeHelpers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vals := []uint64{0, 1, 2, 1 << 63, 1<<64 - 1, 1<<64 - 2}
	for range 200 {
		vals = append(vals, rng.Uint64()>>rng.IntN(64))
	}
	for _, a := range vals {
		for _, b := range vals[:20] {
			if got, want := ctEq(a, b), a == b; (got == 1) != want || got>>1 != 0 {
				t.Fatalf("ctEq(%d, %d) = %d", a, b, got)
			}
			if got, want := ctGE(a, b), a >= b; (got == 1) != want || got>>1 != 0 {
				t.Fatalf("ctGE(%d, %d) = %d", a, b, got)
			}
		}
	}
	x, y := scalarOf(3), scalarOf(5)
	for _, cond := range []int{0, 1} {
		want := y
		if cond == 1 {
			want = x
		}
		if scalarSelect(scalarOf(0), x, y, cond).Equal(want) != 1 {
			t.Fatalf("scalarSelect(cond=%d) wrong", cond)
		}
		// The receiver may alias either argument.
		a, b := scalarOf(3), scalarOf(5)
		if scalarSelect(a, a, b, cond).Equal(want) != 1 {
			t.Fatalf("scalarSelect aliasing a (cond=%d) wrong", cond)
		}
		a, b = scalarOf(3), scalarOf(5)
		if scalarSelect(b, a, b, cond).Equal(want) != 1 {
			t.Fatalf("scalarSelect aliasing b (cond=%d) wrong", cond)
		}
	}
}

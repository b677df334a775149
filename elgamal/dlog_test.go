package elgamal

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/group"
)

func TestDLogBounds(t *testing.T) {
	bounds := []uint64{0, 1, 2, 100, minBabySteps - 1, minBabySteps, minBabySteps + 1, 1 << 20, 1_000_000}
	if !testing.Short() {
		bounds = append(bounds, 10_000_000)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, bound := range bounds {
		tab := NewDLogTable(bound)
		if tab.Max() != bound {
			t.Fatalf("Max() = %d, want %d", tab.Max(), bound)
		}
		ms := []uint64{0, bound, bound / 2, rng.Uint64N(bound + 1), rng.Uint64N(bound + 1)}
		if bound > 0 {
			ms = append(ms, bound-1, 1)
		}
		for _, m := range ms {
			got, err := tab.VarTimeSolve(mG(m))
			if err != nil || got != m {
				t.Fatalf("bound %d: VarTimeSolve(%dG) = %d, %v", bound, m, got, err)
			}
		}
		// Just outside the bound, a negative value, and a random element.
		outside := []*group.Element{
			mG(bound + 1),
			new(group.Element).ScalarBaseMult(new(group.Scalar).SetInt64(-1)),
			group.HashToElement([]byte(fmt.Sprint(bound)), []byte("elgamal dlog test")),
		}
		for k, M := range outside {
			_, err := tab.VarTimeSolve(M)
			want := fmt.Sprintf("elgamal: discrete log exceeds bound %d", bound)
			if err == nil || err.Error() != want {
				t.Fatalf("bound %d, outside value %d: error %v, want %q", bound, k, err, want)
			}
		}
	}
}

// TestDLogKeyCollision checks the path for baby steps whose truncated keys
// collide, by faking a collision in a real table.
func TestDLogKeyCollision(t *testing.T) {
	tab := NewDLogTable(1000)
	const j0 = 777
	var key [1]uint64
	encodeKeys(key[:], []*group.Element{mG(j0)})
	if tab.baby[key[0]] != j0 {
		t.Fatal("baby-step table does not hold 777G under its key")
	}
	tab.baby[key[0]] = 5 // a wrong first entry with the same key
	tab.extra = map[uint64][]uint32{key[0]: {9, j0}}
	if m, err := tab.VarTimeSolve(mG(j0)); err != nil || m != j0 {
		t.Fatalf("VarTimeSolve with a key collision = %d, %v", m, err)
	}
	// The wrong entry is never returned.
	if m, err := tab.VarTimeSolve(mG(5)); err != nil || m != 5 {
		// 5G has its own key, so it must still be found directly.
		t.Fatalf("VarTimeSolve(5G) = %d, %v", m, err)
	}
}

func TestDLogAfterDecryption(t *testing.T) {
	sk, pk := GenerateKey()
	tab := NewDLogTable(500)
	sum := NewCiphertext()
	want := uint64(0)
	for i := uint64(0); i < 30; i++ {
		sum.Add(sum, pk.Encrypt(scalar(i), group.RandomScalar()))
		want += i
	}
	got, err := tab.VarTimeSolve(sk.Decrypt(sum))
	if err != nil || got != want {
		t.Fatalf("tally = %d, %v; want %d", got, err, want)
	}
}

func TestDLogTableTooLarge(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "MaxDLogBound") {
			t.Fatalf("NewDLogTable(MaxDLogBound+1) did not panic as expected: %v", r)
		}
	}()
	NewDLogTable(MaxDLogBound + 1)
}

package trustee

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
)

// BenchmarkScalarBaseMult is a copy of the group benchmark, the unit (FBM)
// of the targets of this package's benchmarks, so that ratios read off one
// run.
func BenchmarkScalarBaseMult(b *testing.B) {
	s := seededScalar("benchmark scalar")
	e := group.NewElement()
	for b.Loop() {
		e.ScalarBaseMult(s)
	}
}

var benchOnce sync.Once
var benchKeys []*KeyShare
var benchResult *Result
var benchCts []*elgamal.Ciphertext

func benchSetup(b *testing.B) {
	benchOnce.Do(func() {
		r, ts := testTrustees(b, 3, 2)
		benchResult, benchKeys = finishAll(b, runCeremony(b, r, ts, hooks{}), ts)
		pk, _ := benchResult.ElectionKey()
		benchCts = make([]*elgamal.Ciphertext, 10000)
		par.For(len(benchCts), 64, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				benchCts[i] = pk.Encrypt(new(group.Scalar).SetUint64(uint64(i%3)), seededScalar(fmt.Sprint("bench nonce ", i)))
			}
		})
	})
}

// reportPerCiphertext reports the time per ciphertext, the number of cores,
// and the cost in FBM per ciphertext per core, with the FBM measured right
// after the benchmark loop (its timer stopped) so that both see the same
// machine load. BenchmarkScalarBaseMult gives the FBM of a quiet run.
func reportPerCiphertext(b *testing.B, n int) {
	perCt := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(n)
	cores := runtime.GOMAXPROCS(0)
	b.ReportMetric(perCt, "ns/ciphertext")
	b.ReportMetric(float64(cores), "cores")
	s := seededScalar("benchmark scalar")
	e := group.NewElement()
	const reps = 2000
	start := time.Now()
	for range reps {
		e.ScalarBaseMult(s)
	}
	fbm := float64(time.Since(start).Nanoseconds()) / reps
	b.ReportMetric(perCt*float64(cores)/fbm, "FBM/ciphertext/core")
}

// BenchmarkDecryptionShares measures a trustee's share and Chaum–Pedersen
// proof per ciphertext, on all cores. Target: at most 8 FBM per ciphertext
// per core (ns/ciphertext × cores / FBM).
func BenchmarkDecryptionShares(b *testing.B) {
	benchSetup(b)
	b.Run("n=10000", func(b *testing.B) {
		for b.Loop() {
			if _, err := benchKeys[0].DecryptSharesUnchecked([]byte("base"), benchCts); err != nil {
				b.Fatal(err)
			}
		}
		reportPerCiphertext(b, len(benchCts))
	})
}

// BenchmarkVerifyDecryptionShares measures the batched verification of one
// trustee's share list. Target: at most 3 FBM per ciphertext per core.
func BenchmarkVerifyDecryptionShares(b *testing.B) {
	benchSetup(b)
	list, err := benchKeys[0].DecryptSharesUnchecked([]byte("base"), benchCts)
	if err != nil {
		b.Fatal(err)
	}
	vk := benchResult.VerificationKey(benchKeys[0].Index())
	b.Run("n=10000", func(b *testing.B) {
		for b.Loop() {
			if err := VerifyShareList([]byte("base"), vk, benchCts, list); err != nil {
				b.Fatal(err)
			}
		}
		reportPerCiphertext(b, len(benchCts))
	})
}

// BenchmarkCombine measures Combine of t = 2 lists of 10000 shares,
// including the verification of both.
func BenchmarkCombine(b *testing.B) {
	benchSetup(b)
	lists := make([]*ShareList, 2)
	for k := range lists {
		var err error
		if lists[k], err = benchKeys[k].DecryptSharesUnchecked([]byte("base"), benchCts); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("n=10000", func(b *testing.B) {
		for b.Loop() {
			if _, err := Combine([]byte("base"), benchResult, benchCts, lists); err != nil {
				b.Fatal(err)
			}
		}
		reportPerCiphertext(b, len(benchCts))
	})
}

// BenchmarkShareListDecode measures SetCanonicalBytes of 10000 shares.
func BenchmarkShareListDecode(b *testing.B) {
	benchSetup(b)
	list, _ := benchKeys[0].DecryptSharesUnchecked([]byte("base"), benchCts)
	enc := list.Bytes()
	b.Run("n=10000", func(b *testing.B) {
		for b.Loop() {
			if _, err := new(ShareList).SetCanonicalBytes(enc); err != nil {
				b.Fatal(err)
			}
		}
		reportPerCiphertext(b, len(benchCts))
	})
}

// BenchmarkCeremony measures a whole in-memory ceremony with n = 5, t = 3,
// including VerifyCeremony and every Finish.
func BenchmarkCeremony(b *testing.B) {
	r, ts := testTrustees(b, 5, 3)
	for b.Loop() {
		c := runCeremony(b, r, ts, hooks{})
		finishAll(b, c, ts)
	}
}

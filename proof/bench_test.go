package proof

import (
	"fmt"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// The benchmarks report ns/op; FBM is BenchmarkScalarBaseMult of the same
// run, so that ratios can be read off one `go test -bench . ./proof/`.

func BenchmarkScalarBaseMult(b *testing.B) {
	s := group.RandomScalar()
	e := group.NewElement()
	for b.Loop() {
		e.ScalarBaseMult(s)
	}
}

func benchTranscript(i int) *Transcript {
	t := NewTranscript("sandogh-v1 bench", []byte("base hash"))
	t.AppendUint64("selection", uint64(i))
	return t
}

func BenchmarkEncryptWithRangeProof(b *testing.B) {
	_, pk := testKey(b)
	n := RandomNonces()
	for _, R := range []uint64{1, 7} {
		b.Run(fmt.Sprintf("R=%d", R), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, _, err := EncryptWithRangeProof(benchTranscript(i), pk, uint64(i)%(R+1), R, n.Child("selection", uint64(i))); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkProveRange(b *testing.B) {
	_, pk := testKey(b)
	n := RandomNonces()
	for _, R := range []uint64{1, 7} {
		b.Run(fmt.Sprintf("R=%d", R), func(b *testing.B) {
			r := group.RandomScalar()
			m := R / 2
			ct := pk.Encrypt(scalarOf(m), r)
			i := 0
			for b.Loop() {
				if _, err := ProveRange(benchTranscript(i), pk, ct, m, r, R, n); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

type rangeInstance struct {
	ct *elgamal.Ciphertext
	p  *RangeProof
}

func rangeInstances(b *testing.B, pk *elgamal.PublicKey, R uint64, count int) []rangeInstance {
	n := RandomNonces()
	out := make([]rangeInstance, count)
	for i := range out {
		ct, p, err := EncryptWithRangeProof(benchTranscript(i), pk, uint64(i)%(R+1), R, n.Child("selection", uint64(i)))
		if err != nil {
			b.Fatal(err)
		}
		out[i] = rangeInstance{ct, p}
	}
	return out
}

func BenchmarkVerifyRangeProof(b *testing.B) {
	_, pk := testKey(b)
	for _, R := range []uint64{1, 7} {
		for _, size := range []int{1, 1000} {
			if R == 7 && size == 1 {
				continue
			}
			b.Run(fmt.Sprintf("R=%d/batch=%d", R, size), func(b *testing.B) {
				in := rangeInstances(b, pk, R, size)
				b.ResetTimer()
				for b.Loop() {
					if size == 1 {
						if err := in[0].p.Verify(benchTranscript(0), pk, in[0].ct, R); err != nil {
							b.Fatal(err)
						}
						continue
					}
					bv := NewBatchVerifier()
					for i := range in {
						bv.AddRange(benchTranscript(i), pk, in[i].ct, R, in[i].p)
					}
					if _, err := bv.Verify(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*size), "ns/proof")
			})
		}
	}
}

func BenchmarkTranscriptChallenge(b *testing.B) {
	e := group.NewGeneratorElement()
	for b.Loop() {
		t := NewTranscript("sandogh-v1 bench", []byte("base hash"))
		t.AppendElement("a", e)
		t.Challenge("c")
	}
}

// BenchmarkTranscriptChallenges measures the expansion of one seed into many
// challenges (the mixnet draws one per ciphertext), on all cores.
func BenchmarkTranscriptChallenges(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			if n > 1000 && testing.Short() {
				b.Skip("short")
			}
			for b.Loop() {
				t := NewTranscript("sandogh-v1 bench", []byte("base hash"))
				t.Challenges("c", n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/challenge")
		})
	}
}

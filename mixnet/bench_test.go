package mixnet

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/sandogh/sandogh/group"
)

// fbmCPU measures the CPU time of one ScalarBaseMult, the unit of the
// issue's targets (FBM), so that each benchmark reports its cost in that
// unit as well.
func fbmCPU() time.Duration {
	runtime.GC()
	s := group.RandomScalar()
	e := group.NewElement()
	const reps = 4000
	start := cpuTime()
	for range reps {
		e.ScalarBaseMult(s)
	}
	return (cpuTime() - start) / reps
}

// cpuMeter reports, besides the wall time, the CPU time of a benchmark per
// ciphertext (cpu-ns/ct, the work summed over all cores, which a shared
// machine does not inflate as much as the wall time) and the same in FBM,
// the CPU time of ScalarBaseMult measured before and after the benchmark
// (the smaller of the two: the process's CPU time also counts its garbage
// collector and the return of freed memory to the system, which can land
// in either measurement).
type cpuMeter struct {
	fbm   time.Duration
	start time.Duration
}

func startCPUMeter(b *testing.B) *cpuMeter {
	m := &cpuMeter{fbm: fbmCPU()}
	b.ResetTimer()
	m.start = cpuTime()
	return m
}

func (m *cpuMeter) report(b *testing.B, cts int) {
	cpu := float64(cpuTime()-m.start) / float64(b.N) / float64(cts)
	b.StopTimer()
	m.fbm = min(m.fbm, fbmCPU())
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(cts), "ns/ct")
	b.ReportMetric(cpu, "cpu-ns/ct")
	if m.fbm > 0 {
		b.ReportMetric(cpu/float64(m.fbm), "FBM/ct")
	}
}

var benchSizes = []struct{ n, w int }{{10000, 1}, {1000, 1}, {3333, 3}}

func benchName(n, w int) string {
	if w == 1 {
		return fmt.Sprintf("N=%d", n)
	}
	return fmt.Sprintf("N=%d/w=%d", n, w)
}

// BenchmarkShuffleProve measures Shuffle: permuting, re-encrypting,
// encoding the output and proving. FBM/ct is the cost per ciphertext in
// ScalarBaseMult units of CPU time, that is per core.
func BenchmarkShuffleProve(b *testing.B) {
	p, _ := testParams(b)
	for _, sz := range benchSizes {
		b.Run(benchName(sz.n, sz.w), func(b *testing.B) {
			in := testRows(b, p.PublicKey, sz.n, sz.w)
			nonces := testNonces(b, "bench")
			m := startCPUMeter(b)
			for b.Loop() {
				if _, _, err := Shuffle(p, 1, in, nonces); err != nil {
					b.Fatal(err)
				}
			}
			m.report(b, sz.n*sz.w)
		})
	}
}

// BenchmarkShuffleVerify measures what a verifier does with a stage's
// output rows and proof as received: decoding them (each element once,
// hashing the received bytes) and VerifyShuffle. The input rows are already
// decoded, as the previous stage's output is in a cascade.
func BenchmarkShuffleVerify(b *testing.B) {
	p, _ := testParams(b)
	for _, sz := range benchSizes {
		b.Run(benchName(sz.n, sz.w), func(b *testing.B) {
			in := testRows(b, p.PublicKey, sz.n, sz.w)
			out, pr, err := Shuffle(p, 1, in, testNonces(b, "bench"))
			if err != nil {
				b.Fatal(err)
			}
			outBytes, prBytes := out.Bytes(), pr.Bytes()
			m := startCPUMeter(b)
			for b.Loop() {
				out, err := ParseRows(outBytes)
				if err != nil {
					b.Fatal(err)
				}
				pr, err := ParseProof(prBytes)
				if err != nil {
					b.Fatal(err)
				}
				if err := VerifyShuffle(p, 1, in, out, pr); err != nil {
					b.Fatal(err)
				}
			}
			m.report(b, sz.n*sz.w)
		})
	}
}

// BenchmarkScalarBaseMult is the unit of the targets (FBM), copied here so
// that the ratios can be read off one run.
func BenchmarkScalarBaseMult(b *testing.B) {
	s := group.RandomScalar()
	e := group.NewElement()
	for b.Loop() {
		e.ScalarBaseMult(s)
	}
}

package group

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"

	"filippo.io/edwards25519"
)

// Benchmarks of the hot paths of package group. The reference unit "FBM" is
// BenchmarkScalarBaseMult (filippo.io/edwards25519's basepoint-table
// multiplication). Compare ratios only between benchmarks of the same run:
//
//	go test ./group -run '^$' -bench 'ScalarBaseMult|FixedBaseMult' -count 5
//	go test ./group -run '^$' -bench 'MultiScalarMult/n=65536' -count 5

var msmBenchSizes = []int{64, 1024, 8192, 65536}

// benchInputs returns n random scalars and n distinct elements whose
// extended coordinates have Z ≠ 1 (each is the previous one plus a random
// step), built once per size.
func benchInputs(n int) ([]*Scalar, []*Element) {
	benchMu.Lock()
	defer benchMu.Unlock()
	if in, ok := benchCache[n]; ok {
		return in.scalars, in.elements
	}
	scalars := make([]*Scalar, n)
	elements := make([]*Element, n)
	step := NewElement().ScalarBaseMult(RandomScalar())
	p := NewElement().ScalarBaseMult(RandomScalar())
	for i := range scalars {
		scalars[i] = RandomScalar()
		elements[i] = NewElement().Set(p)
		p.Add(p, step)
	}
	benchCache[n] = benchIn{scalars, elements}
	return scalars, elements
}

type benchIn struct {
	scalars  []*Scalar
	elements []*Element
}

var (
	benchMu    sync.Mutex
	benchCache = map[int]benchIn{}
)

func BenchmarkScalarBaseMult(b *testing.B) {
	s := RandomScalar()
	e := NewElement()
	for b.Loop() {
		e.ScalarBaseMult(s)
	}
}

func BenchmarkFixedBaseMult(b *testing.B) {
	t := NewFixedBaseTable(NewElement().ScalarBaseMult(RandomScalar()))
	s := RandomScalar()
	e := NewElement()
	for b.Loop() {
		e.FixedBaseMult(t, s)
	}
}

// BenchmarkFixedBaseMultiScalarMult2 is s1·P1 + s2·P2 from two tables, a
// prover's commitment to two exponents.
func BenchmarkFixedBaseMultiScalarMult2(b *testing.B) {
	ts := []*FixedBaseTable{
		NewFixedBaseTable(NewElement().ScalarBaseMult(RandomScalar())),
		NewFixedBaseTable(NewElement().ScalarBaseMult(RandomScalar())),
	}
	ss := []*Scalar{RandomScalar(), RandomScalar()}
	e := NewElement()
	for b.Loop() {
		e.FixedBaseMultiScalarMult(ss, ts)
	}
}

func BenchmarkNewFixedBaseTable(b *testing.B) {
	p := NewElement().ScalarBaseMult(RandomScalar())
	for b.Loop() {
		NewFixedBaseTable(p)
	}
}

func BenchmarkScalarMult(b *testing.B) {
	s := RandomScalar()
	p := NewElement().ScalarBaseMult(RandomScalar())
	e := NewElement()
	for b.Loop() {
		e.ScalarMult(s, p)
	}
}

func BenchmarkVarTimeMultiScalarMult(b *testing.B) {
	benchMSMSizes(b, (*Element).VarTimeMultiScalarMult)
}

// BenchmarkVarTimeMultiScalarMultParallel is BenchmarkVarTimeMultiScalarMult
// on all cores.
func BenchmarkVarTimeMultiScalarMultParallel(b *testing.B) {
	benchMSMSizes(b, (*Element).VarTimeMultiScalarMultParallel)
}

// benchMSMSizes runs msm on random full-length terms, one sub-benchmark per
// size of msmBenchSizes, and reports the time per term.
func benchMSMSizes(b *testing.B, msm func(*Element, []*Scalar, []*Element) *Element) {
	for _, n := range msmBenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			scalars, elements := benchInputs(n)
			e := NewElement()
			for b.Loop() {
				msm(e, scalars, elements)
			}
			reportPerTerm(b, n)
		})
	}
}

// BenchmarkVarTimeMultiScalarMultShort is the batch-verifier case: every
// scalar is 128 bits long.
func BenchmarkVarTimeMultiScalarMultShort(b *testing.B) {
	for _, n := range msmBenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			scalars, elements := benchInputs(n)
			short := make([]*Scalar, n)
			for i, s := range scalars {
				var buf [32]byte
				copy(buf[:16], s.Bytes()[:16])
				short[i], _ = NewScalar().SetCanonicalBytes(buf[:])
			}
			e := NewElement()
			for b.Loop() {
				e.VarTimeMultiScalarMult(short, elements)
			}
			reportPerTerm(b, n)
		})
	}
}

func BenchmarkFilippoVarTimeMultiScalarMult(b *testing.B) {
	for _, n := range msmBenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			scalars, elements := benchInputs(n)
			ss := make([]*edwards25519.Scalar, n)
			ps := make([]*edwards25519.Point, n)
			for i := range scalars {
				ss[i] = &scalars[i].s
				ps[i] = &elements[i].p
			}
			var r edwards25519.Point
			for b.Loop() {
				r.VarTimeMultiScalarMult(ss, ps)
			}
			reportPerTerm(b, n)
		})
	}
}

func BenchmarkMultiScalarMult(b *testing.B) {
	for _, n := range []int{2, 64, 256} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			scalars, elements := benchInputs(n)
			e := NewElement()
			for b.Loop() {
				e.MultiScalarMult(scalars, elements)
			}
			reportPerTerm(b, n)
		})
	}
}

// BenchmarkFilippoMultiScalarMult is filippo.io/edwards25519's constant-time
// MultiScalarMult, which MultiScalarMult replaced, for comparison.
func BenchmarkFilippoMultiScalarMult(b *testing.B) {
	for _, n := range []int{64, 256} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			scalars, elements := benchInputs(n)
			ss := make([]*edwards25519.Scalar, n)
			ps := make([]*edwards25519.Point, n)
			for i := range scalars {
				ss[i] = &scalars[i].s
				ps[i] = &elements[i].p
			}
			var r edwards25519.Point
			for b.Loop() {
				r.MultiScalarMult(ss, ps)
			}
			reportPerTerm(b, n)
		})
	}
}

func reportPerTerm(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/term")
}

func BenchmarkElementBytes(b *testing.B) {
	e := NewElement().ScalarBaseMult(RandomScalar())
	for b.Loop() {
		e.Bytes()
	}
}

func BenchmarkElementSetCanonicalBytes(b *testing.B) {
	enc := NewElement().ScalarBaseMult(RandomScalar()).Bytes()
	e := NewElement()
	for b.Loop() {
		if _, err := e.SetCanonicalBytes(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDoubleAndEncodeBatch(b *testing.B) {
	for _, n := range []int{1, 6, 1000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			_, points := benchInputs(n)
			for b.Loop() {
				DoubleAndEncodeBatch(points)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/point")
		})
	}
}

// BenchmarkFixedBaseLookup is one constant-time lookup in a table row.
func BenchmarkFixedBaseLookup(b *testing.B) {
	t := NewFixedBaseTable(NewGeneratorElement())
	var q affineNielsPoint
	i := 0
	for b.Loop() {
		t.rows[i%fixedRows].lookup(&q, int8(i&31)-16)
		i++
	}
}

// BenchmarkMixedAddition is the bucket method's step: an affine Niels
// point added to an extended one and the result brought back to extended
// coordinates, on field.Element (five 51-bit limbs, as before the
// four-limb buckets) and on fp25519.Elt (four 64-bit limbs, bucket.go).
func BenchmarkMixedAddition(b *testing.B) {
	var buf [64]byte
	rand.Read(buf[:])
	e, _ := NewElement().SetUniformBytes(buf[:])
	var p extPoint
	p.fromElement(e)
	x, y := pfAffine(&p)
	b.Run("field", func(b *testing.B) {
		var q affineNielsPoint
		q.fromAffine(&x, &y)
		acc := p
		var c completedPoint
		for b.Loop() {
			acc.fromCompleted(c.addAffine(&acc, &q))
		}
	})
	b.Run("fp25519", func(b *testing.B) {
		var q bucketAffine
		q.fromAffine(&x, &y)
		acc := bucketFromExt(&p, false)
		var c bucketCompleted
		for b.Loop() {
			acc.fromCompleted(c.add(&acc, &q, false))
		}
	})
}

// TestGeneratorsInto checks the allocation-free generator path, used by
// provers and verifiers per chunk of rows, against Generator, from an index
// other than 0 and across the 8-byte index boundary.
func TestGeneratorsInto(t *testing.T) {
	id := []byte("sandogh-test-election-2025")
	for _, first := range []uint64{0, 5, 1<<32 - 2, 1<<64 - 3} {
		got := GeneratorsInto(make([]Element, 3), "mixnet-commitment", id, first)
		for i := range got {
			if want := Generator("mixnet-commitment", id, first+uint64(i)); got[i].Equal(want) != 1 {
				t.Errorf("first %d, i %d: got %x, want %x", first, i, got[i].Bytes(), want.Bytes())
			}
		}
	}
}

func BenchmarkGeneratorsInto(b *testing.B) {
	id := []byte("sandogh-test-election-2025")
	dst := make([]Element, 100)
	for b.Loop() {
		GeneratorsInto(dst, "mixnet-commitment", id, 0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/generator")
}

// BenchmarkVerifyEd25519 verifies one signature: with crypto/ed25519, with
// VarTimeVerifyEd25519 (the key decoded each time) and with a prepared
// Ed25519PublicKey, as the box and the verifier do for registered devices.
func BenchmarkVerifyEd25519(b *testing.B) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	pub := priv.Public().(ed25519.PublicKey)
	msg := []byte("sandogh-v1 ballot signature message")
	sig := ed25519.Sign(priv, msg)
	b.Run("crypto-ed25519", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("one-shot", func(b *testing.B) {
		for b.Loop() {
			if !VarTimeVerifyEd25519(pub, msg, sig) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("prepared", func(b *testing.B) {
		k, err := NewEd25519PublicKey(pub)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if !k.VarTimeVerify(msg, sig) {
				b.Fatal("refused")
			}
		}
	})
}

package group

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"filippo.io/edwards25519/field"
	gtank "github.com/gtank/ristretto255"
)

// pfEncodeCase returns which branches the encoding of 2·P takes (RFC 9496,
// Section 4.3.2): whether it rotates (x·y of 2·P is negative) and whether it
// negates (x of 2·P, or i·y when rotated, is negative).
func pfEncodeCase(p *Element) (rotate, negate int) {
	q := NewElement().Double(p)
	X, Y, Z, T := q.p.ExtendedCoordinates()
	var zInv, xy, v field.Element
	zInv.Invert(Z)
	xy.Multiply(T, &zInv)
	rotate = xy.IsNegative()
	if rotate == 1 {
		v.Multiply(Y, sqrtM1)
	} else {
		v.Set(X)
	}
	v.Multiply(&v, &zInv)
	return rotate, v.IsNegative()
}

// pfCheckBatch compares DoubleAndEncodeBatch with Double + Bytes for every
// point of the batch.
func pfCheckBatch(t *testing.T, what string, points []*Element) {
	t.Helper()
	got := DoubleAndEncodeBatch(points)
	if len(got) != len(points) {
		t.Fatalf("%s: %d encodings for %d points", what, len(got), len(points))
	}
	for i, p := range points {
		want := NewElement().Double(p).Bytes()
		if !bytes.Equal(got[i][:], want) {
			t.Errorf("%s: point %d: got %x, want %x", what, i, got[i], want)
		}
	}
}

func TestDoubleAndEncodeBatch(t *testing.T) {
	rng := pfRand(t)
	n := 400
	if testing.Short() {
		n = 100
	}
	points := make([]*Element, n)
	var cases [2][2]int
	for i := range points {
		points[i] = pfElement(rng)
		r, s := pfEncodeCase(points[i])
		cases[r][s]++
	}
	// Every combination of rotation and sign must be exercised.
	for r := range cases {
		for s := range cases[r] {
			if cases[r][s] == 0 {
				t.Fatalf("no point with rotate=%d negate=%d among %d; the test does not cover every branch", r, s, n)
			}
		}
	}
	pfCheckBatch(t, "random", points)

	// Batches of every small size, cut from the same points: an entry must
	// not depend on the others.
	for size := 1; size <= 9; size++ {
		pfCheckBatch(t, fmt.Sprintf("batch of %d", size), points[:size])
	}
}

func TestDoubleAndEncodeBatchSpecial(t *testing.T) {
	rng := pfRand(t)
	ids := pfIdentities()
	pfCheckBatch(t, "identities alone", ids)
	for k, id := range ids {
		pfCheckBatch(t, fmt.Sprintf("identity+%d·T4 alone", k), []*Element{id})
	}

	// The identity (whose term of the shared product is zero) next to
	// ordinary points must not spoil their encodings.
	var mixed []*Element
	for i := 0; i < 12; i++ {
		mixed = append(mixed, pfElement(rng), ids[i%4])
	}
	pfCheckBatch(t, "identities among points", mixed)

	// Small multiples of G, the same element in four representatives, and
	// P next to −P.
	var small []*Element
	for k := uint64(0); k < 16; k++ {
		small = append(small, NewElement().ScalarBaseMult(NewScalar().SetUint64(k)))
	}
	pfCheckBatch(t, "small multiples of G", small)
	p := pfElement(rng)
	reps := []*Element{p, pfWithTorsion(p, 1), pfWithTorsion(p, 2), pfWithTorsion(p, 3), NewElement().Negate(p)}
	pfCheckBatch(t, "representatives of one element", reps)

	if got := DoubleAndEncodeBatch(nil); len(got) != 0 {
		t.Errorf("DoubleAndEncodeBatch(nil) returned %d encodings", len(got))
	}
}

// TestDoubleAndEncodeBatchGtank compares with github.com/gtank/ristretto255,
// an independent ristretto255 encoder: enc(P + P).
func TestDoubleAndEncodeBatchGtank(t *testing.T) {
	rng := pfRand(t)
	points := make([]*Element, 100)
	for i := range points {
		points[i] = pfElement(rng)
	}
	points = append(points, NewElement())
	got := DoubleAndEncodeBatch(points)
	for i, p := range points {
		g, err := gtank.NewIdentityElement().SetCanonicalBytes(p.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		want := gtank.NewIdentityElement().Add(g, g).Bytes()
		if !bytes.Equal(got[i][:], want) {
			t.Errorf("point %d: got %x, gtank says %x", i, got[i], want)
		}
	}
}

// TestDoubleAndEncodeBatchInputUnchanged checks that the inputs are only
// read.
func TestDoubleAndEncodeBatchInputUnchanged(t *testing.T) {
	rng := pfRand(t)
	points := []*Element{pfElement(rng), pfElement(rng), NewElement()}
	before := make([]*Element, len(points))
	for i, p := range points {
		before[i] = NewElement().Set(p)
	}
	DoubleAndEncodeBatch(points)
	for i, p := range points {
		if p.p.Equal(&before[i].p) != 1 {
			t.Errorf("point %d changed", i)
		}
	}
}

// FuzzDoubleAndEncodeBatch maps the fuzzer's bytes to elements (64 bytes
// each, through the one-way map, with a torsion component chosen by the
// first byte) and compares with Double + Bytes.
func FuzzDoubleAndEncodeBatch(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 64*3))
	f.Add(bytes.Repeat([]byte{0xff}, 64*5))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := min(len(data)/64, 64)
		points := make([]*Element, n)
		for i := range points {
			chunk := data[64*i : 64*i+64]
			p, err := NewElement().SetUniformBytes(chunk)
			if err != nil {
				t.Fatal(err)
			}
			points[i] = pfWithTorsion(p, int(chunk[0]))
			if chunk[1]%16 == 0 {
				points[i] = pfWithTorsion(NewElement(), int(chunk[2]))
			}
		}
		pfCheckBatch(t, "fuzz", points)
	})
}

func ExampleDoubleAndEncodeBatch() {
	// The encodings of 2·G and 2·(7·G) = 14·G, with one shared inversion.
	points := []*Element{
		NewGeneratorElement(),
		NewElement().ScalarBaseMult(NewScalar().SetUint64(7)),
	}
	for _, enc := range DoubleAndEncodeBatch(points) {
		fmt.Println(hex.EncodeToString(enc[:]))
	}
	// Output:
	// 6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919
	// 46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e
}

// doubleEncodeVector is one known answer of DoubleAndEncodeBatch: double is
// the encoding of 2·element.
type doubleEncodeVector struct {
	Element hexBytes `json:"element"`
	Double  hexBytes `json:"double"`
}

// TestKnownAnswerDoubleAndEncode regenerates testdata/double_encode.json
// from a fixed seed: the identity, G, and random elements covering every
// rotate/negate branch, encoded as one batch. The answers come from Double
// and Bytes; the batch must agree with them.
func TestKnownAnswerDoubleAndEncode(t *testing.T) {
	var seed [32]byte
	copy(seed[:], "sandogh-v1 group double-and-encode vectors")
	rng := rand.New(rand.NewChaCha8(seed))
	points := []*Element{NewElement(), NewGeneratorElement()}
	// Twelve random elements, then one more for each branch still missing.
	var cases [2][2]bool
	missing := 4
	for i := 0; missing > 0 || i < 12; i++ {
		p := NewElement().ScalarBaseMult(pfScalar(rng))
		r, s := pfEncodeCase(p)
		if i >= 12 && cases[r][s] {
			continue
		}
		if !cases[r][s] {
			cases[r][s] = true
			missing--
		}
		points = append(points, p)
	}
	encs := DoubleAndEncodeBatch(points)
	var out []doubleEncodeVector
	for i, p := range points {
		want := NewElement().Double(p).Bytes()
		if !bytes.Equal(encs[i][:], want) {
			t.Errorf("point %d: the batch differs from Double and Bytes", i)
		}
		out = append(out, doubleEncodeVector{p.Bytes(), want})
	}
	checkKnownAnswer(t, "double_encode.json", out)
}

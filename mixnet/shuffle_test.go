package mixnet

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/quick"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

func TestShuffleVerifies(t *testing.T) {
	p, _ := testParams(t)
	for _, w := range []int{1, 2, 3} {
		for _, n := range []int{1, 2, 3, 10, 100} {
			t.Run(fmt.Sprintf("w=%d/n=%d", w, n), func(t *testing.T) {
				in := testRows(t, p.PublicKey, n, w)
				out, pr, err := Shuffle(p, 2, in, testNonces(t, "shuffle"))
				if err != nil {
					t.Fatal(err)
				}
				if err := VerifyShuffle(p, 2, in, out, pr); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// decryptRows returns the plaintext elements of every row, encoded, with
// the columns of a row concatenated.
func decryptRows(sk *elgamal.SecretKey, r *Rows) []string {
	out := make([]string, r.Len())
	for i := range out {
		var b []byte
		for _, ct := range r.Row(i) {
			b = append(b, sk.Decrypt(ct).Bytes()...)
		}
		out[i] = string(b)
	}
	return out
}

// checkIsShuffle checks that out decrypts to the rows of in, each row
// kept whole, in some order, and that no output ciphertext equals an input
// ciphertext (everything was re-encrypted).
func checkIsShuffle(t *testing.T, sk *elgamal.SecretKey, in, out *Rows) {
	t.Helper()
	a, b := decryptRows(sk, in), decryptRows(sk, out)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Fatal("the output rows do not decrypt to the input rows")
	}
	seen := make(map[string]bool)
	for i := 0; i < in.Len(); i++ {
		for _, ct := range in.Row(i) {
			seen[string(ct.Bytes())] = true
		}
	}
	for i := 0; i < out.Len(); i++ {
		for k, ct := range out.Row(i) {
			if seen[string(ct.Bytes())] {
				t.Fatalf("output row %d, column %d is an input ciphertext: not re-encrypted", i, k)
			}
		}
	}
}

func TestShufflePermutesWholeRows(t *testing.T) {
	p, sk := testParams(t)
	for _, w := range []int{1, 2, 3} {
		in := testRows(t, p.PublicKey, 50, w)
		out, _, err := Shuffle(p, 0, in, testNonces(t, "rows"))
		if err != nil {
			t.Fatal(err)
		}
		checkIsShuffle(t, sk, in, out)
		// The order changed: a permutation of 50 rows is the identity with
		// probability 1/50!.
		if slices.Equal(decryptRows(sk, in), decryptRows(sk, out)) {
			t.Fatal("the rows were not permuted")
		}
	}
}

// TestShuffleProperty checks, for random sizes, widths and seeds, that
// the shuffle verifies and is a permutation of the plaintext rows.
func TestShuffleProperty(t *testing.T) {
	p, sk := testParams(t)
	f := func(n8, w8 uint8, seed uint64) bool {
		n, w := 1+int(n8)%12, 1+int(w8)%3
		in := testRows(t, p.PublicKey, n, w)
		out, pr, err := Shuffle(p, uint32(seed%5), in, testNonces(t, fmt.Sprint(seed)))
		if err != nil {
			t.Log(err)
			return false
		}
		if err := VerifyShuffle(p, uint32(seed%5), in, out, pr); err != nil {
			t.Log(err)
			return false
		}
		checkIsShuffle(t, sk, in, out)
		return true
	}
	cfg := &quick.Config{MaxCount: 20, Rand: nil}
	if testing.Short() {
		cfg.MaxCount = 5
	}
	if err := quick.Check(f, cfg); err != nil {
		t.Fatal(err)
	}
}

func TestShuffleDeterministic(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 8, 2)
	out1, pr1, _ := Shuffle(p, 1, in, testNonces(t, "a"))
	out2, pr2, _ := Shuffle(p, 1, in, testNonces(t, "a"))
	if !bytes.Equal(out1.Bytes(), out2.Bytes()) || !bytes.Equal(pr1.Bytes(), pr2.Bytes()) {
		t.Fatal("same seed and statement gave different shuffles")
	}
	out3, pr3, _ := Shuffle(p, 1, in, testNonces(t, "b"))
	if bytes.Equal(out1.Bytes(), out3.Bytes()) || bytes.Equal(pr1.Bytes(), pr3.Bytes()) {
		t.Fatal("different seeds gave the same shuffle")
	}
	// The same seed on another stage or another input gives unrelated
	// randomness: no output ciphertext is shared.
	out4, _, _ := Shuffle(p, 2, in, testNonces(t, "a"))
	if bytes.Equal(out1.Bytes()[8:72], out4.Bytes()[8:72]) {
		t.Fatal("same seed on another stage reused the randomness")
	}
}

// TestProofBinding checks that a valid proof is bound to its stage, the
// base hash, the public key and both lists.
func TestProofBinding(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 6, 2)
	out, pr, err := Shuffle(p, 1, in, testNonces(t, "binding"))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyShuffle(p, 1, in, out, pr); err != nil {
		t.Fatal(err)
	}
	if VerifyShuffle(p, 2, in, out, pr) == nil {
		t.Error("proof of stage 1 accepted for stage 2")
	}
	other := &Params{BaseHash: append([]byte{1}, p.BaseHash[1:]...), Cascade: p.Cascade, PublicKey: p.PublicKey}
	if VerifyShuffle(other, 1, in, out, pr) == nil {
		t.Error("proof accepted under another base hash")
	}
	otherCascade := &Params{BaseHash: p.BaseHash, Cascade: CascadeID(1, "council"), PublicKey: p.PublicKey}
	if VerifyShuffle(otherCascade, 1, in, out, pr) == nil {
		t.Error("proof accepted for another cascade")
	}
	_, pk2 := elgamal.GenerateKey()
	if VerifyShuffle(&Params{BaseHash: p.BaseHash, Cascade: p.Cascade, PublicKey: pk2}, 1, in, out, pr) == nil {
		t.Error("proof accepted under another public key")
	}
	// Swapping two output rows, or two input rows, breaks the proof.
	swap := func(r *Rows) *Rows {
		rows := make([][]*elgamal.Ciphertext, r.Len())
		for i := range rows {
			rows[i] = r.Row(i)
		}
		rows[0], rows[1] = rows[1], rows[0]
		s, err := NewRows(rows)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if VerifyShuffle(p, 1, in, swap(out), pr) == nil {
		t.Error("proof accepted with two output rows swapped")
	}
	if VerifyShuffle(p, 1, swap(in), out, pr) == nil {
		t.Error("proof accepted with two input rows swapped")
	}
}

func TestCommitmentGenerators(t *testing.T) {
	p, _ := testParams(t)
	gs := CommitmentGenerators(p.BaseHash, 7, 5)
	if len(gs) != 6 {
		t.Fatalf("got %d generators, want 6", len(gs))
	}
	id := append(append([]byte(nil), p.BaseHash...), 0, 0, 0, 7)
	halves := make([]group.Element, len(gs))
	stageGenerators(p, 7).halvesInto(halves, 0)
	into := make([]group.Element, len(gs)-2)
	stageGenerators(p, 7).into(into, 2)
	for i, g := range gs {
		hashed := group.Generator(GeneratorTag, id, uint64(i))
		if g.Equal(group.NewElement().Add(hashed, hashed)) != 1 {
			t.Fatalf("generator %d is not 2·group.Generator(tag, baseHash ‖ u32(7), %d)", i, i)
		}
		if g.Equal(stageGenerators(p, 7).at(uint64(i))) != 1 {
			t.Fatalf("generator %d differs from the prover's", i)
		}
		if halves[i].Equal(hashed) != 1 {
			t.Fatalf("the prover's half of generator %d is not the hashed element", i)
		}
		if i >= 2 && into[i-2].Equal(g) != 1 {
			t.Fatalf("generator %d from into differs", i)
		}
	}
	if gs[1].Equal(CommitmentGenerators(p.BaseHash, 8, 1)[1]) == 1 {
		t.Fatal("stages 7 and 8 share a generator")
	}
}

func TestPermutationUniform(t *testing.T) {
	// Each of the 6 permutations of 3 elements should appear about 1/6 of
	// the time over many seeds; the bound is loose (6 standard deviations)
	// so that the test cannot fail by chance in practice.
	counts := make(map[[3]uint32]int)
	const trials = 6000
	for s := 0; s < trials; s++ {
		seed := []byte(fmt.Sprint("perm", s))
		pi := randomPermutation(seed, 3)
		counts[[3]uint32(pi)]++
	}
	if len(counts) != 6 {
		t.Fatalf("saw %d distinct permutations of 3 elements, want 6", len(counts))
	}
	for pi, c := range counts {
		if c < 1000-6*29 || c > 1000+6*29 {
			t.Errorf("permutation %v appeared %d times in %d, want about 1000", pi, c, trials)
		}
	}
	// A permutation of many elements is a bijection.
	pi := randomPermutation([]byte("big"), 10000)
	seen := make([]bool, len(pi))
	for _, j := range pi {
		if seen[j] {
			t.Fatalf("%d appears twice", j)
		}
		seen[j] = true
	}
}

func TestUniformBound(t *testing.T) {
	s := newWordStream([]byte("uniform"))
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		bound := r.Uint64N(1<<63) + 1
		if v := s.uniform(bound); v >= bound {
			t.Fatalf("uniform(%d) = %d", bound, v)
		}
	}
	if s.uniform(1) != 0 {
		t.Fatal("uniform(1) != 0")
	}
}

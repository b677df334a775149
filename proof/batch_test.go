package proof

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// batchCase is one proof for a batch, with a way to add it and to check it
// alone.
type batchCase struct {
	name  string
	add   func(b *BatchVerifier) int
	alone func() error
}

func transcriptFor(i int) *Transcript {
	t := NewTranscript("sandogh-v1 batch test", []byte("base hash"))
	t.AppendUint64("index", uint64(i))
	return t
}

// batchKeys returns n fresh election key pairs for the batch tests.
func batchKeys(n int) ([]*elgamal.SecretKey, []*elgamal.PublicKey) {
	sks := make([]*elgamal.SecretKey, n)
	pks := make([]*elgamal.PublicKey, n)
	for i := range sks {
		sks[i], pks[i] = elgamal.GenerateKey()
	}
	return sks, pks
}

// makeBatchCase returns proof number i of a mixed batch; if bad, the proof
// or its statement is broken in one of several ways.
func makeBatchCase(t *testing.T, i int, bad bool, pks []*elgamal.PublicKey, sks []*elgamal.SecretKey) batchCase {
	n := testNonces(t, 20).Child("case", uint64(i))
	G := group.NewGeneratorElement()
	k := i % len(pks)
	pk, sk := pks[k], sks[k]
	switch i % 4 {
	case 0: // Schnorr for a public key (shared X across cases with the same key)
		x := sk.Scalar()
		X := pk.Element()
		p := ProveSchnorr(transcriptFor(i), G, X, x, n)
		if bad {
			p.Response.Add(&p.Response, scalarOf(1))
		}
		return batchCase{"Schnorr",
			func(b *BatchVerifier) int { return b.AddSchnorr(transcriptFor(i), G, X, p) },
			func() error { return p.Verify(transcriptFor(i), G, X) }}
	case 1: // Chaum–Pedersen decryption share
		ct := pk.Encrypt(scalarOf(uint64(i)), n.Scalar("r", 0))
		x := sk.Scalar()
		X := pk.Element()
		d := group.NewElement().ScalarMult(x, &ct.A)
		p := ProveChaumPedersen(transcriptFor(i), G, X, &ct.A, d, x, n)
		if bad {
			d = group.NewElement().Add(d, G) // a wrong decryption share
		}
		return batchCase{"Chaum–Pedersen",
			func(b *BatchVerifier) int { return b.AddChaumPedersen(transcriptFor(i), G, X, &ct.A, d, p) },
			func() error { return p.Verify(transcriptFor(i), G, X, &ct.A, d) }}
	default: // range proofs for 0..1 and 0..3
		R := uint64(1)
		if i%4 == 3 {
			R = 3
		}
		m := uint64(i) % (R + 1)
		ct, p, err := EncryptWithRangeProof(transcriptFor(i), pk, m, R, n)
		if err != nil {
			t.Fatal(err)
		}
		statementR := R
		if bad {
			switch (i / 4) % 3 {
			case 0: // a ciphertext of R+1 with a cheating proof
				r := n.Scalar("cheat", 0)
				ct = pk.Encrypt(scalarOf(R+1), r)
				p = cheatingProveRange(transcriptFor(i), pk, ct, R, r, R, n)
			case 1: // a tampered response
				enc := p.Bytes()
				p, _ = new(RangeProof).SetCanonicalBytes(tamperField(t, enc, rangeFields(int(R))[len(rangeFields(int(R)))-1]))
			case 2: // a proof for another range
				statementR = R + 1
			}
		}
		return batchCase{fmt.Sprintf("range 0..%d", R),
			func(b *BatchVerifier) int { return b.AddRange(transcriptFor(i), pk, ct, statementR, p) },
			func() error { return p.Verify(transcriptFor(i), pk, ct, statementR) }}
	}
}

func TestBatchVerifier(t *testing.T) {
	sks, pks := batchKeys(3)
	rng := rand.New(rand.NewPCG(3, 4))
	const size = 120
	for trial, nBad := range []int{0, 1, 3, 17} {
		badSet := map[int]bool{}
		for len(badSet) < nBad {
			badSet[rng.IntN(size)] = true
		}
		b := NewBatchVerifier()
		var wantBad []int
		for i := range size {
			c := makeBatchCase(t, i, badSet[i], pks, sks)
			if idx := c.add(b); idx != i {
				t.Fatalf("entry index %d, want %d", idx, i)
			}
			err := c.alone()
			if (err != nil) != badSet[i] {
				t.Fatalf("trial %d case %d (%s, bad=%v): alone: %v", trial, i, c.name, badSet[i], err)
			}
			if badSet[i] {
				wantBad = append(wantBad, i)
			}
		}
		if b.Len() != size {
			t.Fatalf("Len = %d", b.Len())
		}
		bad, err := b.Verify()
		if nBad == 0 {
			if err != nil || bad != nil {
				t.Fatalf("trial %d: valid batch rejected: %v %v", trial, bad, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrBatchInvalid) {
			t.Fatalf("trial %d: invalid batch: error %v", trial, err)
		}
		if !slices.Equal(bad, wantBad) {
			t.Fatalf("trial %d: bad entries %v, want %v", trial, bad, wantBad)
		}
		// Verify is repeatable.
		bad2, _ := b.Verify()
		if !slices.Equal(bad2, wantBad) {
			t.Fatalf("trial %d: second Verify: %v", trial, bad2)
		}
	}
}

func TestBatchVerifierEdgeCases(t *testing.T) {
	if bad, err := NewBatchVerifier().Verify(); bad != nil || err != nil {
		t.Fatalf("empty batch: %v %v", bad, err)
	}
	// The batch copies ciphertexts and statements: reusing the caller's
	// variables after Add does not change the entries.
	_, pk := testKey(t)
	n := testNonces(t, 21)
	b := NewBatchVerifier()
	var ct elgamal.Ciphertext
	for i := range 5 {
		c, p, err := EncryptWithRangeProof(transcriptFor(i), pk, uint64(i%2), 1, n.Child("i", uint64(i)))
		if err != nil {
			t.Fatal(err)
		}
		ct.Set(c)
		b.AddRange(transcriptFor(i), pk, &ct, 1, p)
	}
	ct.Zero()
	if bad, err := b.Verify(); err != nil {
		t.Fatalf("entries changed with the caller's variable: %v %v", bad, err)
	}
	// Keys that alternate between entries are merged correctly.
	_, pk2 := elgamal.GenerateKey()
	b = NewBatchVerifier()
	for i := range 6 {
		key := pk
		if i%2 == 1 {
			key = pk2
		}
		c, p, _ := EncryptWithRangeProof(transcriptFor(i), key, 1, 1, n.Child("j", uint64(i)))
		b.AddRange(transcriptFor(i), key, c, 1, p)
	}
	if bad, err := b.Verify(); err != nil {
		t.Fatalf("two keys: %v %v", bad, err)
	}
	// A proof checked under the wrong one of two keys is found.
	c, p, _ := EncryptWithRangeProof(transcriptFor(6), pk, 1, 1, n.Child("j", 6))
	b.AddRange(transcriptFor(6), pk2, c, 1, p)
	if bad, err := b.Verify(); !slices.Equal(bad, []int{6}) || err == nil {
		t.Fatalf("wrong key: %v %v", bad, err)
	}
}

// TestEntryErrorNamesEquation checks that a failing single verification
// names the failing equation and branch.
func TestEntryErrorNamesEquation(t *testing.T) {
	_, pk := testKey(t)
	n := testNonces(t, 22)
	ct, p, _ := EncryptWithRangeProof(newTestTranscript(), pk, 1, 1, n)
	enc := p.Bytes()
	// Response v[0] (branch 0) tampered: both equations of branch 0 fail,
	// and the first is reported.
	q, _ := new(RangeProof).SetCanonicalBytes(tamperField(t, enc, rangeFields(1)[5]))
	err := q.Verify(newTestTranscript(), pk, ct, 1)
	if err == nil || err.Error() != "proof: range proof does not verify: branch 0: v·G = a + c·A fails" {
		t.Fatalf("error %v", err)
	}
}

// TestAddRangeEncoded checks that AddRangeEncoded with the ciphertext's
// encoding gives the verdict of AddRange, and leaves the transcript in the
// same state, on valid proofs and on every kind of invalid one.
func TestAddRangeEncoded(t *testing.T) {
	_, pk := testKey(t)
	n := testNonces(t, 23)
	type tcase struct {
		name string
		ct   *elgamal.Ciphertext
		R    uint64 // the statement's
		p    *RangeProof
		bad  bool
		tr   int // the transcript is transcriptFor(tr)
	}
	var cases []tcase
	for _, R := range []uint64{1, 3, 7} {
		for m := range R + 1 {
			nn := n.Child("valid", R*100+m)
			ct, p, err := EncryptWithRangeProof(transcriptFor(int(R)), pk, m, R, nn)
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, tcase{fmt.Sprintf("R=%d m=%d", R, m), ct, R, p, false, int(R)})
			// The same proof decoded from its bytes (not halved).
			q, err := new(RangeProof).SetCanonicalBytes(p.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, tcase{fmt.Sprintf("R=%d m=%d decoded", R, m), ct, R, q, false, int(R)})
			if m != 0 {
				continue
			}
			fields := rangeFields(int(R))
			for _, f := range []encField{fields[0], fields[1], fields[len(fields)-1], fields[2*int(R)+2]} {
				q, err := new(RangeProof).SetCanonicalBytes(tamperField(t, p.Bytes(), f))
				if err != nil {
					t.Fatal(err)
				}
				cases = append(cases, tcase{fmt.Sprintf("R=%d tampered %s", R, f.name), ct, R, q, true, int(R)})
			}
			other := new(elgamal.Ciphertext).Set(ct)
			other.B.Add(&other.B, group.NewGeneratorElement())
			cases = append(cases, tcase{fmt.Sprintf("R=%d other ciphertext", R), other, R, p, true, int(R)})
			cases = append(cases, tcase{fmt.Sprintf("R=%d other range", R), ct, R + 1, p, true, int(R)})
			r := nn.Scalar("cheat", 0)
			cheat := pk.Encrypt(scalarOf(R+1), r)
			cases = append(cases, tcase{fmt.Sprintf("R=%d cheating proof", R), cheat, R, cheatingProveRange(transcriptFor(int(R)), pk, cheat, R, r, R, nn), true, int(R)})
		}
	}
	plain, encoded := NewBatchVerifier(), NewBatchVerifier()
	var wantBad []int
	for i, c := range cases {
		t1, t2 := transcriptFor(c.tr), transcriptFor(c.tr)
		i1 := plain.AddRange(t1, pk, c.ct, c.R, c.p)
		i2 := encoded.AddRangeEncoded(t2, pk, c.ct, c.ct.Bytes(), c.R, c.p)
		if i1 != i || i2 != i {
			t.Fatalf("%s: indices %d, %d, want %d", c.name, i1, i2, i)
		}
		if t1.Challenge("after").Equal(t2.Challenge("after")) != 1 {
			t.Errorf("%s: the transcripts differ after AddRange and AddRangeEncoded", c.name)
		}
		// Each alone.
		b1, b2 := NewBatchVerifier(), NewBatchVerifier()
		t1, t2 = transcriptFor(c.tr), transcriptFor(c.tr)
		b1.AddRange(t1, pk, c.ct, c.R, c.p)
		b2.AddRangeEncoded(t2, pk, c.ct, c.ct.Bytes(), c.R, c.p)
		_, e1 := b1.Verify()
		_, e2 := b2.Verify()
		if (e1 != nil) != c.bad || (e2 != nil) != c.bad {
			t.Errorf("%s: AddRange: %v; AddRangeEncoded: %v; want invalid=%v", c.name, e1, e2, c.bad)
		}
		if c.bad {
			wantBad = append(wantBad, i)
		}
	}
	bad1, err1 := plain.Verify()
	bad2, err2 := encoded.Verify()
	if !slices.Equal(bad1, wantBad) || !slices.Equal(bad2, wantBad) || err1 == nil || err2 == nil {
		t.Fatalf("bad entries: AddRange %v (%v), AddRangeEncoded %v (%v), want %v", bad1, err1, bad2, err2, wantBad)
	}
	if err1.Error() != err2.Error() {
		t.Errorf("errors differ:\n%v\n%v", err1, err2)
	}
}

func TestAddRangeEncodedPanicsOnLength(t *testing.T) {
	_, pk := testKey(t)
	ct, p, err := EncryptWithRangeProof(transcriptFor(0), pk, 1, 1, testNonces(t, 24))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("AddRangeEncoded accepted a 63-byte encoding")
		}
	}()
	NewBatchVerifier().AddRangeEncoded(transcriptFor(0), pk, ct, ct.Bytes()[:63], 1, p)
}

// TestVerifyFallback checks that Verify names exactly the invalid entries
// when they are clustered, spread over every chunk, or everywhere, and
// when the batch is just below and above the size where it checks chunks,
// on all cores and on one.
func TestVerifyFallback(t *testing.T) {
	sks, pks := batchKeys(2)
	const size = 100
	cases := make([][2]batchCase, size) // good, bad
	for i := range size {
		cases[i] = [2]batchCase{makeBatchCase(t, i, false, pks, sks), makeBatchCase(t, i, true, pks, sks)}
	}
	patterns := map[string]func(i int) bool{
		"clustered":   func(i int) bool { return i >= 40 && i < 45 },
		"every 16th":  func(i int) bool { return i%16 == 5 },
		"all":         func(int) bool { return true },
		"first, last": func(i int) bool { return i == 0 || i == size-1 },
	}
	for name, isBad := range patterns {
		for k, n := range []int{2 * fallbackChunk, 2*fallbackChunk + 1, size, size} {
			b := NewBatchVerifier()
			b.SetParallel(k%2 == 0)
			var want []int
			for i := range n {
				k := 0
				if isBad(i) {
					k = 1
					want = append(want, i)
				}
				cases[i][k].add(b)
			}
			bad, err := b.Verify()
			if !slices.Equal(bad, want) || (err == nil) != (want == nil) {
				t.Errorf("%s, %d entries, parallel %v: bad %v (%v), want %v", name, n, k%2 == 0, bad, err, want)
			}
		}
	}
}

// TestBatchVerifierAppend builds a mixed batch in parts, each in its own
// BatchVerifier (the shared points of the parts, the generator and the
// keys, in other orders), appends them into one, and checks that the
// result names the same invalid proofs, by their index in the whole, as
// a batch built in one piece, run in parallel and not.
func TestBatchVerifierAppend(t *testing.T) {
	sks, pks := batchKeys(3)
	const size = 60
	cases := make([]batchCase, size)
	for _, badSet := range []map[int]bool{{}, {0: true}, {19: true, 20: true}, {7: true, 41: true, 59: true}} {
		var wantBad []int
		for i := range size {
			cases[i] = makeBatchCase(t, i, badSet[i], pks, sks)
			if badSet[i] {
				wantBad = append(wantBad, i)
			}
		}
		for _, cuts := range [][]int{{0, 60}, {0, 20, 60}, {0, 1, 2, 30, 59, 60}} {
			for _, parallel := range []bool{false, true} {
				whole := NewBatchVerifier()
				whole.SetParallel(parallel)
				for k := 1; k < len(cuts); k++ {
					part := NewBatchVerifier()
					for i := cuts[k-1]; i < cuts[k]; i++ {
						if idx := cases[i].add(part); idx != i-cuts[k-1] {
							t.Fatalf("part index %d, want %d", idx, i-cuts[k-1])
						}
					}
					if whole.Len() != cuts[k-1] {
						t.Fatalf("Len before appending part %d = %d, want %d", k, whole.Len(), cuts[k-1])
					}
					whole.Append(part)
				}
				bad, err := whole.Verify()
				if len(wantBad) == 0 {
					if err != nil || bad != nil {
						t.Fatalf("cuts %v parallel %v: valid batch rejected: %v %v", cuts, parallel, bad, err)
					}
					continue
				}
				if !errors.Is(err, ErrBatchInvalid) || !slices.Equal(bad, wantBad) {
					t.Fatalf("cuts %v parallel %v: bad %v (%v), want %v", cuts, parallel, bad, err, wantBad)
				}
			}
		}
	}
}

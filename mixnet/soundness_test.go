package mixnet

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// cheat plays a dishonest mix server: it builds the output rows with
// build from the honest witness, then runs the honest prover on that false
// statement, with the honest witness or with lie, if not nil.
func cheat(t *testing.T, p *Params, in *Rows, build func(wit *witness) [][]*elgamal.Ciphertext, lie *witness) (*Rows, *Proof) {
	t.Helper()
	sn := stageNonces(p, 1, in, testNonces(t, "cheat"))
	wit := drawWitness(sn, in.Len(), in.Width())
	out, err := NewRows(build(wit))
	if err != nil {
		t.Fatal(err)
	}
	if lie == nil {
		lie = wit
	}
	return out, prove(p, 1, in, out, lie, sn, stageGenerators(p, 1))
}

// honestRows returns the rows of the honest shuffle with witness wit, as
// slices that a test can alter.
func honestRows(p *Params, in *Rows, wit *witness) [][]*elgamal.Ciphertext {
	out := applyShuffle(p.PublicKey, in, wit)
	rows := make([][]*elgamal.Ciphertext, out.Len())
	for i := range rows {
		rows[i] = out.Row(i)
	}
	return rows
}

func expectRejected(t *testing.T, p *Params, in, out *Rows, pr *Proof) {
	t.Helper()
	if err := VerifyShuffle(p, 1, in, out, pr); err == nil {
		t.Fatal("a false shuffle was accepted")
	} else {
		t.Log(err)
	}
}

func TestSoundnessReplacedRow(t *testing.T) {
	p, _ := testParams(t)
	for _, w := range []int{1, 3} {
		in := testRows(t, p.PublicKey, 10, w)
		out, pr := cheat(t, p, in, func(wit *witness) [][]*elgamal.Ciphertext {
			rows := honestRows(p, in, wit)
			// Row 4 becomes a fresh encryption of another vote.
			for k := range rows[4] {
				rows[4][k] = p.PublicKey.Encrypt(group.NewScalar().SetUint64(777), group.RandomScalar())
			}
			return rows
		}, nil)
		expectRejected(t, p, in, out, pr)
	}
}

func TestSoundnessDuplicatedRow(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 10, 2)
	// The witness maps two outputs to the same input: row π(3) is dropped
	// and row π(2) appears twice. The prover uses that (non-permutation)
	// witness consistently.
	sn := stageNonces(p, 1, in, testNonces(t, "dup"))
	wit := drawWitness(sn, in.Len(), in.Width())
	wit.pi[3] = wit.pi[2]
	out := applyShuffle(p.PublicKey, in, wit)
	pr := prove(p, 1, in, out, wit, sn, stageGenerators(p, 1))
	expectRejected(t, p, in, out, pr)
}

func TestSoundnessDroppedRow(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 10, 1)
	out, pr, err := Shuffle(p, 1, in, testNonces(t, "drop"))
	if err != nil {
		t.Fatal(err)
	}
	rows := make([][]*elgamal.Ciphertext, out.Len()-1)
	for i := range rows {
		rows[i] = out.Row(i)
	}
	short, _ := NewRows(rows)
	expectRejected(t, p, in, short, pr)
	// A server that drops input row 3 and shuffles the others correctly
	// proves a statement about another input list.
	kept := make([][]*elgamal.Ciphertext, 0, in.Len()-1)
	for i := 0; i < in.Len(); i++ {
		if i != 3 {
			kept = append(kept, in.Row(i))
		}
	}
	inShort, _ := NewRows(kept)
	out2, pr2, err := Shuffle(p, 1, inShort, testNonces(t, "drop"))
	if err != nil {
		t.Fatal(err)
	}
	expectRejected(t, p, in, out2, pr2)
}

func TestSoundnessColumnsPermutedDifferently(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 10, 3)
	sn := stageNonces(p, 1, in, testNonces(t, "columns"))
	wit := drawWitness(sn, in.Len(), in.Width())
	// Column 2 is shuffled with σ = π∘(0 1): rows 0 and 1 of that column
	// trade places, the other columns follow π.
	rows := honestRows(p, in, wit)
	rows[0][2], rows[1][2] = rows[1][2], rows[0][2]
	out, _ := NewRows(rows)
	for name, w := range map[string]*witness{"pi": wit, "sigma": func() *witness {
		s := &witness{pi: append([]uint32(nil), wit.pi...), rTilde: wit.rTilde}
		s.pi[0], s.pi[1] = s.pi[1], s.pi[0]
		return s
	}()} {
		t.Run(name, func(t *testing.T) {
			expectRejected(t, p, in, out, prove(p, 1, in, out, w, sn, stageGenerators(p, 1)))
		})
	}
	// The same false statement with a width-1 view of each column passes
	// column by column: only the shared permutation makes it false.
	for k := 0; k < 3; k++ {
		col := func(r *Rows) *Rows {
			rs := make([][]*elgamal.Ciphertext, r.Len())
			for i := range rs {
				rs[i] = r.Row(i)[k : k+1]
			}
			c, _ := NewRows(rs)
			return c
		}
		cin, cout := col(in), col(out)
		cw := &witness{pi: append([]uint32(nil), wit.pi...), rTilde: make([]group.Scalar, 10)}
		for i := range cw.rTilde {
			cw.rTilde[i] = wit.rTilde[i*3+k]
		}
		if k == 2 {
			cw.pi[0], cw.pi[1] = cw.pi[1], cw.pi[0]
			cw.rTilde[0], cw.rTilde[1] = cw.rTilde[1], cw.rTilde[0]
		}
		if err := VerifyShuffle(p, 1, cin, cout, prove(p, 1, cin, cout, cw, sn, stageGenerators(p, 1))); err != nil {
			t.Fatalf("column %d alone is a valid shuffle, but: %v", k, err)
		}
	}
}

func TestSoundnessWrongReencryption(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 10, 2)
	// The output is the honest shuffle plus 1·G in one plaintext: the
	// prover's witness does not explain it.
	out, pr := cheat(t, p, in, func(wit *witness) [][]*elgamal.Ciphertext {
		rows := honestRows(p, in, wit)
		rows[7][1].B.Add(&rows[7][1].B, group.NewGeneratorElement())
		return rows
	}, nil)
	expectRejected(t, p, in, out, pr)
}

// TestProverGeneratorsIgnored: a prover who chooses its own commitment
// generators (here with known discrete logarithms, the trapdoor of Lewis,
// Pereira and Teague) produces a proof that the verifier, which derives the
// generators itself, rejects; the proof has no field to carry generators.
func TestProverGeneratorsIgnored(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 8, 1)
	sn := stageNonces(p, 1, in, testNonces(t, "trapdoor"))
	wit := drawWitness(sn, in.Len(), in.Width())
	out := applyShuffle(p.PublicKey, in, wit)
	trapdoor := generatorSource{other: func(i uint64) *group.Element {
		return group.NewElement().ScalarBaseMult(testScalar("trapdoor", i))
	}}
	pr := prove(p, 1, in, out, wit, sn, trapdoor)
	expectRejected(t, p, in, out, pr)
	// Generators of another stage are rejected as well.
	pr2 := prove(p, 1, in, out, wit, sn, stageGenerators(p, 2))
	expectRejected(t, p, in, out, pr2)
	// So are the hashed elements without the doubling that makes them the
	// stage's generators (docs/spec.md, "Commitment generators").
	id := generatorID(p.BaseHash, 1)
	undoubled := generatorSource{other: func(i uint64) *group.Element {
		return group.Generator(GeneratorTag, id, i)
	}}
	expectRejected(t, p, in, out, prove(p, 1, in, out, wit, sn, undoubled))
	// With the right generators the same witness verifies.
	if err := VerifyShuffle(p, 1, in, out, prove(p, 1, in, out, wit, sn, stageGenerators(p, 1))); err != nil {
		t.Fatal(err)
	}
}

// proofFields lists every field of a proof encoding for n rows of width w:
// its name, offset and whether it is a scalar.
func proofFields(w, n int) []struct {
	name   string
	off    int
	scalar bool
} {
	l := layout(w, n)
	type f = struct {
		name   string
		off    int
		scalar bool
	}
	var out []f
	rows := func(name string, base int, scalar bool) {
		for i := 0; i < n; i++ {
			out = append(out, f{fmt.Sprintf("%s row %d", name, i), base + 32*i, scalar})
		}
	}
	rows("C", l.perm, false)
	rows("Chat", l.chain, false)
	out = append(out, f{"T1", l.t1, false}, f{"T2", l.t2, false}, f{"T3", l.t3, false})
	for k := 0; k < w; k++ {
		out = append(out, f{fmt.Sprintf("T4 column %d A", k), l.t4 + 64*k, false}, f{fmt.Sprintf("T4 column %d B", k), l.t4 + 64*k + 32, false})
	}
	rows("That", l.chainT, false)
	out = append(out, f{"s1", l.s1, true}, f{"s2", l.s2, true}, f{"s3", l.s3, true})
	for k := 0; k < w; k++ {
		out = append(out, f{fmt.Sprintf("s4 column %d", k), l.s4 + 32*k, true})
	}
	rows("shat", l.sHat, true)
	rows("sprime", l.sPrime, true)
	return out
}

// TestEveryProofFieldMatters changes each field of a valid proof in turn to
// another valid value and checks that the proof is rejected.
func TestEveryProofFieldMatters(t *testing.T) {
	p, _ := testParams(t)
	const n, w = 5, 2
	in := testRows(t, p.PublicKey, n, w)
	out, pr, err := Shuffle(p, 1, in, testNonces(t, "fields"))
	if err != nil {
		t.Fatal(err)
	}
	fields := proofFields(w, n)
	if want := int(proofSize(w, n)-rowsHeaderSize) / 32; len(fields) != want {
		t.Fatalf("listed %d fields, the encoding has %d", len(fields), want)
	}
	for _, f := range fields {
		b := pr.Bytes()
		if f.scalar {
			var s group.Scalar
			if _, err := s.SetCanonicalBytes(b[f.off : f.off+32]); err != nil {
				t.Fatal(err)
			}
			copy(b[f.off:], s.Add(&s, group.NewScalar().SetUint64(1)).Bytes())
		} else {
			var e group.Element
			if _, err := e.SetCanonicalBytes(b[f.off : f.off+32]); err != nil {
				t.Fatal(err)
			}
			copy(b[f.off:], e.Add(&e, group.NewGeneratorElement()).Bytes())
		}
		q, err := ParseProof(b)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		err = VerifyShuffle(p, 1, in, out, q)
		if err == nil {
			t.Fatalf("proof with field %s changed was accepted", f.name)
		}
		// Fields that the challenges depend on fail every equation; the
		// responses fail the equations they appear in, which the error
		// names.
		if f.name == "shat row 3" && !strings.Contains(err.Error(), "row 3") {
			t.Errorf("%s: error does not name the row: %v", f.name, err)
		}
	}
}

func TestDiagnosisNamesEquation(t *testing.T) {
	p, _ := testParams(t)
	const n, w = 40, 2
	in := testRows(t, p.PublicKey, n, w)
	out, pr, _ := Shuffle(p, 1, in, testNonces(t, "diag"))
	l := layout(w, n)
	cases := []struct {
		off  int
		want string
	}{
		{l.s1, "T1"},
		{l.s2, "T2"},
		{l.s3, "T3"},
		{l.s4 + 32, "column 1, part A"},
		{l.sHat + 32*37, "row 37"},
	}
	for _, c := range cases {
		b := pr.Bytes()
		var s group.Scalar
		s.SetCanonicalBytes(b[c.off : c.off+32])
		copy(b[c.off:], s.Add(&s, group.NewScalar().SetUint64(1)).Bytes())
		q, _ := ParseProof(b)
		err := VerifyShuffle(p, 1, in, out, q)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("changing the field at %d: got %v, want an error naming %q", c.off, err, c.want)
		}
	}
}

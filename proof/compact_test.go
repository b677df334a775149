package proof

import (
	"errors"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// The compact form of a range proof, (c_0..c_R, v_0..v_R), is the
// alternative to the batchable form that docs/spec.md weighs: it is smaller,
// but its verifier must recompute and encode every commitment, so it cannot
// be batched. It is implemented here, in test code, only to measure that
// trade-off (BenchmarkVerifyRangeProofCompact); the package uses the
// batchable form.

// compactOf returns the compact form of p for its statement.
func compactOf(t *Transcript, pk *elgamal.PublicKey, ct *elgamal.Ciphertext, p *RangeProof) (cs, vs []group.Scalar) {
	ctEnc := ct.Bytes()
	appendRangeStatement(t, pk.Bytes(), ctEnc[:32], ctEnc[32:], p.max)
	t.appendElementsBytes("commitments", p.commitments)
	c := t.Challenge("challenge")
	cs = append([]group.Scalar(nil), p.c...)
	cR := new(group.Scalar).Set(c)
	for i := range p.c {
		cR.Subtract(cR, &p.c[i])
	}
	cs = append(cs, *cR)
	return cs, append([]group.Scalar(nil), p.v...)
}

// verifyRangeCompact recomputes a_j = v_j·G − c_j·A and
// b_j = v_j·K − c_j·(B − j·G), hashes them as the batchable proof's
// commitments, and checks that the challenges sum to the transcript's.
func verifyRangeCompact(t *Transcript, pk *elgamal.PublicKey, ct *elgamal.Ciphertext, R uint64, cs, vs []group.Scalar) error {
	if len(cs) != int(R)+1 || len(vs) != int(R)+1 {
		return errors.New("proof: compact range proof has the wrong length")
	}
	ctEnc := ct.Bytes()
	K := pk.Element()
	appendRangeStatement(t, pk.Bytes(), ctEnc[:32], ctEnc[32:], R)
	enc := make([]byte, 0, 64*(R+1))
	var negC, cj group.Scalar
	var P group.Element
	sum := group.NewScalar()
	for j := range R + 1 {
		negC.Negate(&cs[j])
		P.VarTimeDoubleScalarBaseMult(&negC, &ct.A, &vs[j])
		enc = P.AppendBytes(enc)
		cj.Multiply(&cs[j], new(group.Scalar).SetUint64(j))
		P.VarTimeMultiScalarMult([]*group.Scalar{&vs[j], &negC, &cj}, []*group.Element{K, &ct.B, generator})
		enc = P.AppendBytes(enc)
		sum.Add(sum, &cs[j])
	}
	t.appendElementsBytes("commitments", enc)
	if t.Challenge("challenge").Equal(sum) != 1 {
		return errors.New("proof: compact range proof does not verify")
	}
	return nil
}

func TestRangeCompactForm(t *testing.T) {
	_, pk := testKey(t)
	n := testNonces(t, 40)
	for _, R := range []uint64{1, 4} {
		ct, p, _ := EncryptWithRangeProof(newTestTranscript(), pk, 1, R, n)
		cs, vs := compactOf(newTestTranscript(), pk, ct, p)
		if err := verifyRangeCompact(newTestTranscript(), pk, ct, R, cs, vs); err != nil {
			t.Fatalf("R=%d: %v", R, err)
		}
		for j := range cs {
			for _, s := range [][]group.Scalar{cs, vs} {
				old := s[j]
				s[j].Add(&s[j], scalarOf(1))
				if verifyRangeCompact(newTestTranscript(), pk, ct, R, cs, vs) == nil {
					t.Fatalf("R=%d: tampered compact proof accepted", R)
				}
				s[j] = old
			}
		}
	}
}

func BenchmarkVerifyRangeProofCompact(b *testing.B) {
	_, pk := testKey(b)
	b.Run("R=1", func(b *testing.B) {
		in := rangeInstances(b, pk, 1, 1)
		cs, vs := compactOf(benchTranscript(0), pk, in[0].ct, in[0].p)
		for b.Loop() {
			if err := verifyRangeCompact(benchTranscript(0), pk, in[0].ct, 1, cs, vs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

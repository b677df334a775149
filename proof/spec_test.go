package proof

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// The provers below are written from docs/spec.md §Proofs in the most
// direct way (no half-scale points, no batched encoding, no constant-time
// selection) with the public Transcript API. The package's provers must give
// the same bytes.

func specDigest(t *Transcript) []byte {
	var d [64]byte
	t.Clone().h.Sum(d[:0])
	return d[:]
}

func specBind(seed []byte, t *Transcript) *Nonces {
	in := binary.BigEndian.AppendUint16(nil, 21)
	in = append(in, "sandogh-v1 nonce bind"...)
	in = append(in, seed...)
	in = append(in, specDigest(t)...)
	d := sha512.Sum512(in)
	n, _ := NewNonces(d[:32])
	return n
}

func specProveSchnorr(t *Transcript, B, X *group.Element, x *group.Scalar, n *Nonces) []byte {
	t.AppendBytes("proof", []byte("schnorr"))
	t.AppendElement("base", B)
	t.AppendElement("public", X)
	u := specBind(n.Seed(), t).Scalar("schnorr commitment", 0)
	a := group.NewElement().ScalarMult(u, B)
	t.AppendElement("commitment", a)
	c := t.Challenge("challenge")
	z := group.NewScalar().MultiplyAdd(c, x, u)
	return append(a.Bytes(), z.Bytes()...)
}

func specProveChaumPedersen(t *Transcript, G1, X1, G2, X2 *group.Element, x *group.Scalar, n *Nonces) []byte {
	t.AppendBytes("proof", []byte("chaum-pedersen"))
	t.AppendElement("base1", G1)
	t.AppendElement("public1", X1)
	t.AppendElement("base2", G2)
	t.AppendElement("public2", X2)
	u := specBind(n.Seed(), t).Scalar("chaum-pedersen commitment", 0)
	a1 := group.NewElement().ScalarMult(u, G1)
	a2 := group.NewElement().ScalarMult(u, G2)
	t.AppendElement("commitment1", a1)
	t.AppendElement("commitment2", a2)
	c := t.Challenge("challenge")
	z := group.NewScalar().MultiplyAdd(c, x, u)
	return append(append(a1.Bytes(), a2.Bytes()...), z.Bytes()...)
}

func specEncryptWithRangeProof(t *Transcript, pk *elgamal.PublicKey, m, R uint64, n *Nonces) (ct, proof []byte) {
	G := group.NewGeneratorElement()
	K := pk.Element()
	r := n.Scalar("encryption", 0)
	A := group.NewElement().ScalarBaseMult(r)
	B := group.NewElement().ScalarMult(r, K)
	B.Add(B, group.NewElement().ScalarBaseMult(scalarOf(m)))

	in := binary.BigEndian.AppendUint16(nil, 23)
	in = append(in, "sandogh-v1 range nonces"...)
	in = append(in, n.Seed()...)
	in = append(in, specDigest(t)...)
	in = append(in, K.Bytes()...)
	in = binary.BigEndian.AppendUint64(in, R)
	in = binary.BigEndian.AppendUint64(in, m)
	in = append(in, r.Bytes()...)
	d := sha512.Sum512(in)
	nn, _ := NewNonces(d[:32])

	t.AppendBytes("proof", []byte("range"))
	t.AppendElement("public-key", K)
	t.AppendElement("ciphertext-a", A)
	t.AppendElement("ciphertext-b", B)
	t.AppendUint64("range-max", R)
	var commitments []*group.Element
	u := make([]*group.Scalar, R+1)
	c := make([]*group.Scalar, R+1)
	for j := range R + 1 {
		u[j] = group.NewScalar().Add(nn.Scalar("range commitment", j), nn.Scalar("range commitment", j))
		c[j] = nn.Scalar("range challenge", j)
		a := group.NewElement().ScalarBaseMult(u[j])
		b := group.NewElement().ScalarMult(u[j], K)
		jm := group.NewScalar().Subtract(scalarOf(j), scalarOf(m))
		b.Add(b, group.NewElement().ScalarMult(group.NewScalar().Multiply(c[j], jm), G))
		commitments = append(commitments, a, b)
	}
	t.AppendElements("commitments", commitments)
	ch := t.Challenge("challenge")
	c[m] = group.NewScalar().Set(ch)
	for j := range R + 1 {
		if j != m {
			c[m].Subtract(c[m], c[j])
		}
	}
	for _, e := range commitments {
		proof = append(proof, e.Bytes()...)
	}
	for j := range R {
		proof = append(proof, c[j].Bytes()...)
	}
	for j := range R + 1 {
		proof = append(proof, group.NewScalar().MultiplyAdd(c[j], r, u[j]).Bytes()...)
	}
	return append(A.Bytes(), B.Bytes()...), proof
}

func TestProversMatchSpec(t *testing.T) {
	n := testNonces(t, 50)
	x := n.Scalar("x", 0)
	for _, B := range []*group.Element{group.NewGeneratorElement(), elementOf(77)} {
		X := group.NewElement().ScalarMult(x, B)
		got := ProveSchnorr(newTestTranscript(), B, X, x, n).Bytes()
		if want := specProveSchnorr(newTestTranscript(), B, X, x, n); !bytes.Equal(got, want) {
			t.Error("ProveSchnorr differs from the specification")
		}
		H := elementOf(99)
		Y := group.NewElement().ScalarMult(x, H)
		got = ProveChaumPedersen(newTestTranscript(), B, X, H, Y, x, n).Bytes()
		if want := specProveChaumPedersen(newTestTranscript(), B, X, H, Y, x, n); !bytes.Equal(got, want) {
			t.Error("ProveChaumPedersen differs from the specification")
		}
	}
	_, pk := testKey(t)
	for _, R := range []uint64{1, 2, 5, 70} {
		for _, m := range []uint64{0, 1, R / 2, R} {
			nm := n.Child("m", m)
			ct, p, err := EncryptWithRangeProof(newTestTranscript(), pk, m, R, nm)
			if err != nil {
				t.Fatal(err)
			}
			wantCT, wantP := specEncryptWithRangeProof(newTestTranscript(), pk, m, R, nm)
			if !bytes.Equal(ct.Bytes(), wantCT) || !bytes.Equal(p.Bytes(), wantP) {
				t.Errorf("R=%d m=%d: EncryptWithRangeProof differs from the specification", R, m)
			}
		}
	}
}

package mixnet

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// referenceShuffle is the shuffle and proof of docs/spec.md §Mixnet
// written as directly as possible: one scalar multiplication per term, the
// commitment chain by its recursive definition Ĉ_i = r̂_i·G + u~_i·Ĉ_{i−1},
// T̂_i = ω̂_i·G + ω'_i·Ĉ_{i−1}, every element encoded with Bytes. It shares
// with the prover only the derivation of its randomness (stageNonces,
// drawWitness, drawSecrets) and the transcript, which the known-answer
// vectors check. It returns the encodings of the output rows and of the
// proof.
func referenceShuffle(p *Params, stage uint32, in *Rows, nonces *proof.Nonces) (outEnc, proofEnc []byte) {
	n, w := in.Len(), in.Width()
	sn := stageNonces(p, stage, in, nonces)
	wit := drawWitness(sn, n, w)
	sec := drawSecrets(sn, n, w)
	G := group.NewGeneratorElement()
	K := p.PublicKey.Element()
	mul := func(s *group.Scalar, P *group.Element) *group.Element { return group.NewElement().ScalarMult(s, P) }

	// The output rows.
	out := make([]elgamal.Ciphertext, n*w)
	var rows bytes.Buffer
	hdr := rowsHeader(w, n)
	rows.Write(hdr[:])
	for i := 0; i < n; i++ {
		for k := 0; k < w; k++ {
			r := &wit.rTilde[i*w+k]
			src := &in.cts[int(wit.pi[i])*w+k]
			out[i*w+k].A.Add(&src.A, mul(r, G))
			out[i*w+k].B.Add(&src.B, mul(r, K))
			rows.Write(out[i*w+k].Bytes())
		}
	}
	outRows, err := ParseRows(rows.Bytes())
	if err != nil {
		panic(err)
	}

	// Generators and the permutation commitment, by input row.
	// docs/spec.md: h_i = 2·Generator(tag, id, i).
	gen := func(i uint64) *group.Element {
		g := group.Generator(GeneratorTag, generatorID(p.BaseHash, stage), i)
		return g.Add(g, g)
	}
	h := gen(0)
	hs := make([]*group.Element, n)
	C := make([]*group.Element, n)
	for i := 0; i < n; i++ {
		hs[i] = gen(uint64(i) + 1)
		j := wit.pi[i]
		C[j] = group.NewElement().Add(mul(&sec.r[j], G), hs[i])
	}
	var enc bytes.Buffer
	enc.Write(hdr[:])
	for _, c := range C {
		enc.Write(c.Bytes())
	}

	t := statementTranscript(p, stage, n, w, in.Digest(), outRows.Digest())
	t.AppendBytes("C", enc.Bytes()[rowsHeaderSize:])
	u := t.Challenges("u", n)
	uT := make([]*group.Scalar, n)
	for i := range uT {
		uT[i] = u[wit.pi[i]]
	}

	// The chain, and the chain commitments.
	chain := make([]*group.Element, n+1)
	chain[0] = h
	That := make([]*group.Element, n)
	for i := 1; i <= n; i++ {
		chain[i] = group.NewElement().Add(mul(&sec.rHat[i-1], G), mul(uT[i-1], chain[i-1]))
		That[i-1] = group.NewElement().Add(mul(&sec.omegaHat[i-1], G), mul(&sec.omegaPrime[i-1], chain[i-1]))
	}
	T1 := mul(&sec.omega[0], G)
	T2 := mul(&sec.omega[1], G)
	T3 := mul(&sec.omega[2], G)
	for i := 0; i < n; i++ {
		T3.Add(T3, mul(&sec.omegaPrime[i], hs[i]))
	}
	T4 := make([]elgamal.Ciphertext, w)
	for k := 0; k < w; k++ {
		T4[k].A.Negate(mul(&sec.omega4[k], G))
		T4[k].B.Negate(mul(&sec.omega4[k], K))
		for i := 0; i < n; i++ {
			T4[k].A.Add(&T4[k].A, mul(&sec.omegaPrime[i], &out[i*w+k].A))
			T4[k].B.Add(&T4[k].B, mul(&sec.omegaPrime[i], &out[i*w+k].B))
		}
	}
	for _, c := range chain[1:] {
		enc.Write(c.Bytes())
	}
	enc.Write(T1.Bytes())
	enc.Write(T2.Bytes())
	enc.Write(T3.Bytes())
	for k := range T4 {
		enc.Write(T4[k].Bytes())
	}
	for _, x := range That {
		enc.Write(x.Bytes())
	}
	l := layout(w, n)
	appendCommitments(t, enc.Bytes(), l)
	c := t.Challenge("c")

	// Responses.
	sumR, sumRU := group.NewScalar(), group.NewScalar()
	for j := 0; j < n; j++ {
		sumR.Add(sumR, &sec.r[j])
		sumRU.Add(sumRU, group.NewScalar().Multiply(&sec.r[j], u[j]))
	}
	resp := func(omega, x *group.Scalar) []byte {
		return group.NewScalar().Add(omega, group.NewScalar().Multiply(c, x)).Bytes()
	}
	enc.Write(resp(&sec.omega[0], sumR))
	rHatN := group.NewScalar() // R̂_n = r̂_n + u~_n·R̂_{n−1}, R̂_0 = 0
	for i := 0; i < n; i++ {
		rHatN.MultiplyAdd(uT[i], rHatN, &sec.rHat[i])
	}
	enc.Write(resp(&sec.omega[1], rHatN))
	enc.Write(resp(&sec.omega[2], sumRU))
	for k := 0; k < w; k++ {
		sum := group.NewScalar()
		for i := 0; i < n; i++ {
			sum.MultiplyAdd(&wit.rTilde[i*w+k], uT[i], sum)
		}
		enc.Write(resp(&sec.omega4[k], sum))
	}
	for i := 0; i < n; i++ {
		enc.Write(resp(&sec.omegaHat[i], &sec.rHat[i]))
	}
	for i := 0; i < n; i++ {
		enc.Write(resp(&sec.omegaPrime[i], uT[i]))
	}
	return rows.Bytes(), enc.Bytes()
}

// TestShuffleMatchesReference compares Shuffle, byte for byte, with the
// direct implementation of the specification, for sizes around the chunks
// of the prover's parallel passes (256 rows) and several widths, and checks
// that the result verifies.
func TestShuffleMatchesReference(t *testing.T) {
	p, _ := testParams(t)
	sizes := []struct{ n, w int }{{1, 1}, {2, 3}, {255, 1}, {256, 1}, {257, 2}, {600, 1}}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("n=%d/w=%d", sz.n, sz.w), func(t *testing.T) {
			in := testRows(t, p.PublicKey, sz.n, sz.w)
			nonces := testNonces(t, "reference")
			out, pr, err := Shuffle(p, 3, in, nonces)
			if err != nil {
				t.Fatal(err)
			}
			wantOut, wantProof := referenceShuffle(p, 3, in, nonces)
			if !bytes.Equal(out.Bytes(), wantOut) {
				t.Error("the output rows differ from the reference")
			}
			if got := pr.Bytes(); !bytes.Equal(got, wantProof) {
				for _, f := range proofFields(sz.w, sz.n) {
					if !bytes.Equal(got[f.off:f.off+32], wantProof[f.off:f.off+32]) {
						t.Fatalf("the proof differs from the reference, first in field %s", f.name)
					}
				}
				t.Fatal("the proof differs from the reference")
			}
			if err := VerifyShuffle(p, 3, in, out, pr); err != nil {
				t.Fatal(err)
			}
		})
	}
}

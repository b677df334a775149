package proof_test

import (
	"fmt"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// A voting device encrypts a 0/1 selection with its proof; the ballot box
// rebuilds the same transcript (label, base hash, context) and verifies.
func ExampleEncryptWithRangeProof() {
	_, pk := elgamal.GenerateKey()
	baseHash := []byte("the election's base hash")

	ballotSeed := proof.RandomNonces() // released only if the voter challenges the ballot
	t := proof.NewTranscript("sandogh-v1 selection", baseHash)
	t.AppendBytes("ballot", []byte("ballot 17"))
	t.AppendUint64("selection", 2)
	ct, p, err := proof.EncryptWithRangeProof(t, pk, 1, 1, ballotSeed.Child("selection", 2))
	if err != nil {
		panic(err)
	}
	enc := p.Bytes()

	// The ballot box.
	q, err := new(proof.RangeProof).SetCanonicalBytes(enc)
	if err != nil {
		panic(err)
	}
	v := proof.NewTranscript("sandogh-v1 selection", baseHash)
	v.AppendBytes("ballot", []byte("ballot 17"))
	v.AppendUint64("selection", 2)
	fmt.Println(len(enc), q.Verify(v, pk, ct, 1))
	// Output: 224 <nil>
}

// A prover shows that d = x·A and K = x·G share the discrete logarithm x,
// the relation of a decryption share. (Package trustee's decryption shares
// prove it under a transcript of their own; this is the generic proof.)
func ExampleProveChaumPedersen() {
	sk, pk := elgamal.GenerateKey()
	ct := pk.Encrypt(group.NewScalar().SetUint64(3), group.RandomScalar())
	G, K := group.NewGeneratorElement(), pk.Element()
	d := group.NewElement().ScalarMult(sk.Scalar(), &ct.A)

	t := proof.NewTranscript("sandogh-v1 example", []byte("base hash"))
	p := proof.ProveChaumPedersen(t, G, K, &ct.A, d, sk.Scalar(), proof.RandomNonces())

	v := proof.NewTranscript("sandogh-v1 example", []byte("base hash"))
	fmt.Println(p.Verify(v, G, K, &ct.A, d))
	// Output: <nil>
}

// A batch of range proofs is checked with one multi-scalar multiplication;
// a bad entry is named.
func ExampleBatchVerifier() {
	_, pk := elgamal.GenerateKey()
	transcript := func(i uint64) *proof.Transcript {
		t := proof.NewTranscript("sandogh-v1 selection", []byte("base hash"))
		t.AppendUint64("selection", i)
		return t
	}
	b := proof.NewBatchVerifier()
	for i := range uint64(10) {
		ct, p, _ := proof.EncryptWithRangeProof(transcript(i), pk, i%2, 1, proof.RandomNonces())
		if i == 7 {
			ct = pk.ReEncrypt(ct, group.RandomScalar()) // the proof no longer matches
		}
		b.AddRange(transcript(i), pk, ct, 1, p)
	}
	bad, err := b.Verify()
	fmt.Println(bad, err != nil)
	// Output: [7] true
}

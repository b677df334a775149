package tally

import (
	"bytes"
	"testing"

	gtank "github.com/gtank/ristretto255"
)

// TestAggregateDifferential recomputes the aggregate of every selection
// from the ballots' ciphertext encodings with an independent implementation
// of ristretto255 (github.com/gtank/ristretto255), and checks the decrypted
// plaintexts against m·G computed by it from the votes' sums.
func TestAggregateDifferential(t *testing.T) {
	el := newElection(t, 5, 3, 20, 10)
	for i, c := range el.tallyE.Contests {
		for j, s := range c.Selections {
			A, B := gtank.NewIdentityElement(), gtank.NewIdentityElement()
			for _, b := range el.cast {
				enc := b.Ciphertexts(i)[j].Bytes()
				a, err := gtank.NewElement().SetCanonicalBytes(enc[:32])
				if err != nil {
					t.Fatal(err)
				}
				bb, err := gtank.NewElement().SetCanonicalBytes(enc[32:])
				if err != nil {
					t.Fatal(err)
				}
				A.Add(A, a)
				B.Add(B, bb)
			}
			want := append(A.Bytes(), B.Bytes()...)
			if !bytes.Equal(s.Ciphertext.Bytes(), want) {
				t.Fatalf("contest %d, selection %d: aggregate differs from gtank's sum", i, j)
			}
		}
	}
	_, dec, err := Decrypt(el.f.e, el.f.keys.result, el.tallyE, el.f.shareLists(t, el.tallyE, 1, 4, 5))
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for i := range el.sums {
		for j := range el.sums[i] {
			var le [32]byte
			v := el.sums[i][j]
			for b := 0; b < 8; b++ {
				le[b] = byte(v >> (8 * b))
			}
			m, err := gtank.NewScalar().SetCanonicalBytes(le[:])
			if err != nil {
				t.Fatal(err)
			}
			if want := gtank.NewIdentityElement().ScalarBaseMult(m).Bytes(); !bytes.Equal(dec.Plaintexts[k].Bytes(), want) {
				t.Errorf("contest %d, selection %d: plaintext is not %d·G", i, j, v)
			}
			k++
		}
	}
}

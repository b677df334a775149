package proof

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// The fuzz targets check that every decoder rejects or accepts without
// panicking, that whatever it accepts re-encodes to the same bytes, and that
// verifying a decoded proof does not panic.

func fuzzSchnorrSeed(f *testing.F) (*Schnorr, *group.Element) {
	n := testNonces(f, 30)
	x := n.Scalar("x", 0)
	X := group.NewElement().ScalarBaseMult(x)
	return ProveSchnorr(newTestTranscript(), group.NewGeneratorElement(), X, x, n), X
}

func FuzzSchnorrSetCanonicalBytes(f *testing.F) {
	p, X := fuzzSchnorrSeed(f)
	f.Add(p.Bytes())
	f.Add(make([]byte, SchnorrSize))
	f.Add(bytes.Repeat([]byte{0xff}, SchnorrSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := new(Schnorr).SetCanonicalBytes(b)
		if err != nil {
			return
		}
		if !bytes.Equal(q.Bytes(), b) {
			t.Fatal("accepted a non-canonical encoding")
		}
		q.Verify(newTestTranscript(), group.NewGeneratorElement(), X)
	})
}

func FuzzSchnorrUnmarshalJSON(f *testing.F) {
	p, _ := fuzzSchnorrSeed(f)
	js, _ := json.Marshal(p)
	f.Add(js)
	f.Add([]byte(`{"commitment":"00","response":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var q Schnorr
		if q.UnmarshalJSON(b) != nil {
			return
		}
		again, err := json.Marshal(&q)
		if err != nil {
			t.Fatal(err)
		}
		var r Schnorr
		if err := r.UnmarshalJSON(again); err != nil || !bytes.Equal(r.Bytes(), q.Bytes()) {
			t.Fatal("accepted JSON does not round-trip")
		}
	})
}

func fuzzChaumPedersenSeed(f *testing.F) *ChaumPedersen {
	n := testNonces(f, 31)
	x := n.Scalar("x", 0)
	G := group.NewGeneratorElement()
	H := elementOf(5)
	return ProveChaumPedersen(newTestTranscript(), G, group.NewElement().ScalarMult(x, G), H, group.NewElement().ScalarMult(x, H), x, n)
}

func FuzzChaumPedersenSetCanonicalBytes(f *testing.F) {
	f.Add(fuzzChaumPedersenSeed(f).Bytes())
	f.Add(make([]byte, ChaumPedersenSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := new(ChaumPedersen).SetCanonicalBytes(b)
		if err != nil {
			return
		}
		if !bytes.Equal(q.Bytes(), b) {
			t.Fatal("accepted a non-canonical encoding")
		}
		G := group.NewGeneratorElement()
		q.Verify(newTestTranscript(), G, G, elementOf(5), elementOf(6))
	})
}

func FuzzChaumPedersenUnmarshalJSON(f *testing.F) {
	js, _ := json.Marshal(fuzzChaumPedersenSeed(f))
	f.Add(js)
	f.Fuzz(func(t *testing.T, b []byte) {
		var q ChaumPedersen
		if q.UnmarshalJSON(b) != nil {
			return
		}
		again, _ := json.Marshal(&q)
		var r ChaumPedersen
		if err := r.UnmarshalJSON(again); err != nil || !bytes.Equal(r.Bytes(), q.Bytes()) {
			t.Fatal("accepted JSON does not round-trip")
		}
	})
}

func fuzzRangeSeed(f *testing.F, R uint64) (*elgamal.PublicKey, *elgamal.Ciphertext, *RangeProof) {
	_, pk := testKey(f)
	ct, p, err := EncryptWithRangeProof(newTestTranscript(), pk, R/2, R, testNonces(f, 32))
	if err != nil {
		f.Fatal(err)
	}
	return pk, ct, p
}

func FuzzRangeProofSetCanonicalBytes(f *testing.F) {
	pk, ct, p := fuzzRangeSeed(f, 1)
	_, _, p3 := fuzzRangeSeed(f, 3)
	f.Add(p.Bytes())
	f.Add(p3.Bytes())
	f.Add(make([]byte, RangeProofSize(2)))
	f.Add(make([]byte, 96))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := new(RangeProof).SetCanonicalBytes(b)
		if err != nil {
			return
		}
		if !bytes.Equal(q.Bytes(), b) {
			t.Fatal("accepted a non-canonical encoding")
		}
		if err := q.Verify(newTestTranscript(), pk, ct, 1); err == nil && !bytes.Equal(b, p.Bytes()) {
			// Possible only by breaking the proof system; report it.
			t.Fatal("a different proof verified")
		}
	})
}

func FuzzRangeProofUnmarshalJSON(f *testing.F) {
	_, _, p := fuzzRangeSeed(f, 2)
	js, _ := json.Marshal(p)
	f.Add(js)
	f.Add([]byte(`{"commitments":[],"challenges":[],"responses":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var q RangeProof
		if q.UnmarshalJSON(b) != nil {
			return
		}
		again, _ := json.Marshal(&q)
		var r RangeProof
		if err := r.UnmarshalJSON(again); err != nil || !bytes.Equal(r.Bytes(), q.Bytes()) {
			t.Fatal("accepted JSON does not round-trip")
		}
	})
}

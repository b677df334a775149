package proof

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/group"
)

func newTestTranscript() *Transcript {
	tr := NewTranscript("sandogh-v1 test", []byte("base hash"))
	tr.AppendBytes("context", []byte("ballot 1"))
	return tr
}

func TestSchnorr(t *testing.T) {
	n := testNonces(t, 3)
	x := n.Scalar("x", 0)
	for _, B := range []*group.Element{group.NewGeneratorElement(), elementOf(12345)} {
		X := group.NewElement().ScalarMult(x, B)
		p := ProveSchnorr(newTestTranscript(), B, X, x, n)
		if err := p.Verify(newTestTranscript(), B, X); err != nil {
			t.Fatalf("valid proof rejected: %v", err)
		}
		// A false statement: X for another x.
		X2 := group.NewElement().Add(X, B)
		if ProveSchnorr(newTestTranscript(), B, X2, x, n).Verify(newTestTranscript(), B, X2) == nil {
			t.Error("proof with a wrong witness accepted")
		}
		// The statement changed.
		if p.Verify(newTestTranscript(), B, X2) == nil {
			t.Error("proof accepted for another public element")
		}
		if p.Verify(newTestTranscript(), X, B) == nil {
			t.Error("proof accepted with base and public swapped")
		}
		// The proof moved to another label, base hash or context.
		for _, tr := range []*Transcript{
			NewTranscript("sandogh-v1 other", []byte("base hash")),
			NewTranscript("sandogh-v1 test", []byte("other hash")),
			NewTranscript("sandogh-v1 test", []byte("base hash")),
		} {
			tr.AppendBytes("context", []byte("ballot 2"))
			if p.Verify(tr, B, X) == nil {
				t.Error("proof accepted in another transcript")
			}
		}
		// Every field tampered.
		enc := p.Bytes()
		for _, f := range []encField{{"commitment", 0, true}, {"response", 32, false}} {
			q, err := new(Schnorr).SetCanonicalBytes(tamperField(t, enc, f))
			if err != nil {
				t.Fatal(err)
			}
			if q.Verify(newTestTranscript(), B, X) == nil {
				t.Errorf("proof with tampered %s accepted", f.name)
			}
		}
	}
}

func TestSchnorrDeterministic(t *testing.T) {
	n := testNonces(t, 3)
	x := n.Scalar("x", 0)
	X := group.NewElement().ScalarBaseMult(x)
	G := group.NewGeneratorElement()
	p1 := ProveSchnorr(newTestTranscript(), G, X, x, n)
	p2 := ProveSchnorr(newTestTranscript(), G, X, x, n)
	if string(p1.Bytes()) != string(p2.Bytes()) {
		t.Fatal("same seed and statement gave different proofs")
	}
	// Reusing the Nonces for another context must not reuse the nonce.
	tr := NewTranscript("sandogh-v1 test", []byte("base hash"))
	tr.AppendBytes("context", []byte("ballot 2"))
	p3 := ProveSchnorr(tr, G, X, x, n)
	if p3.Commitment.Equal(&p1.Commitment) == 1 {
		t.Fatal("nonce reused across statements")
	}
}

func TestSchnorrEncoding(t *testing.T) {
	n := testNonces(t, 4)
	x := n.Scalar("x", 0)
	X := group.NewElement().ScalarBaseMult(x)
	p := ProveSchnorr(newTestTranscript(), group.NewGeneratorElement(), X, x, n)
	enc := p.Bytes()
	if len(enc) != SchnorrSize {
		t.Fatalf("encoding is %d bytes", len(enc))
	}
	q, err := new(Schnorr).SetCanonicalBytes(enc)
	if err != nil || string(q.Bytes()) != string(enc) {
		t.Fatalf("round trip: %v", err)
	}
	bad := map[string][]byte{
		"short":            enc[:63],
		"long":             append(append([]byte(nil), enc...), 0),
		"field commitment": withBytes(enc, 0, nonCanonicalElement),
		"field response":   withBytes(enc, 32, nonCanonicalScalar),
	}
	for want, b := range bad {
		r := new(Schnorr)
		if _, err := r.SetCanonicalBytes(b); err == nil {
			t.Errorf("%s: accepted", want)
		} else if !strings.HasPrefix(err.Error(), "proof: ") || (strings.HasPrefix(want, "field") && !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: error %q does not name the field", want, err)
		}
	}

	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var r Schnorr
	if err := json.Unmarshal(js, &r); err != nil || string(r.Bytes()) != string(enc) {
		t.Fatalf("JSON round trip: %v, %s", err, js)
	}
	c, rs := hexOf(enc[:32]), hexOf(enc[32:])
	for _, s := range []string{
		`{"commitment":"` + c + `"}`,
		`{"commitment":"` + c + `","response":"` + rs + `","extra":"00"}`,
		`{"commitment":"` + c + `","response":"` + rs + `","response":"` + rs + `"}`,
		`{"commitment":"` + strings.ToUpper(c) + `","response":"` + rs + `"}`,
		`{"commitment":["` + c + `"],"response":"` + rs + `"}`,
		`{"commitment":"` + c + `","response":"` + rs + `"} {}`,
		`{"commitment":"` + c + `","response":"` + hexOf(nonCanonicalScalar) + `"}`,
		`{"commitment":"` + c + `","response":1}`,
		`[]`,
	} {
		var r Schnorr
		if err := json.Unmarshal([]byte(s), &r); err == nil {
			t.Errorf("accepted %s", s)
		}
	}
}

// TestJSONByValue checks that proofs held by value in a struct marshal to
// their JSON form.
func TestJSONByValue(t *testing.T) {
	n := testNonces(t, 12)
	x := n.Scalar("x", 0)
	X := group.NewElement().ScalarBaseMult(x)
	G := group.NewGeneratorElement()
	_, pk := testKey(t)
	_, rp, _ := EncryptWithRangeProof(newTestTranscript(), pk, 1, 1, n)
	type record struct {
		S Schnorr
		C ChaumPedersen
		R RangeProof
	}
	rec := record{
		S: *ProveSchnorr(newTestTranscript(), G, X, x, n),
		C: *ProveChaumPedersen(newTestTranscript(), G, X, G, X, x, n),
		R: *rp,
	}
	byValue, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	byPointer, _ := json.Marshal(&rec)
	if string(byValue) != string(byPointer) || !strings.Contains(string(byValue), `"response":"`) {
		t.Fatalf("by value: %s\nby pointer: %s", byValue, byPointer)
	}
	var back record
	if err := json.Unmarshal(byValue, &back); err != nil {
		t.Fatal(err)
	}
	if string(back.R.Bytes()) != string(rp.Bytes()) || string(back.S.Bytes()) != string(rec.S.Bytes()) {
		t.Fatal("round trip through a struct changed the proofs")
	}
}

package proof

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// decryptionStatement returns a key x, K = xG, a ciphertext of 5 and its
// correct decryption share d = x·A.
func decryptionStatement(t *testing.T, n *Nonces) (x *group.Scalar, K, A, d *group.Element) {
	t.Helper()
	sk, err := elgamal.NewSecretKey(n.Scalar("key", 0))
	if err != nil {
		t.Fatal(err)
	}
	ct := sk.PublicKey().Encrypt(scalarOf(5), n.Scalar("r", 0))
	x = sk.Scalar()
	K = sk.PublicKey().Element()
	A = new(group.Element).Set(&ct.A)
	d = group.NewElement().ScalarMult(x, A)
	return
}

func TestChaumPedersen(t *testing.T) {
	n := testNonces(t, 5)
	x, K, A, d := decryptionStatement(t, n)
	G := group.NewGeneratorElement()
	p := ProveChaumPedersen(newTestTranscript(), G, K, A, d, x, n)
	if err := p.Verify(newTestTranscript(), G, K, A, d); err != nil {
		t.Fatalf("valid proof rejected: %v", err)
	}
	// A wrong decryption cannot be proven.
	wrong := group.NewElement().Add(d, G)
	if ProveChaumPedersen(newTestTranscript(), G, K, A, wrong, x, n).Verify(newTestTranscript(), G, K, A, wrong) == nil {
		t.Error("proof of a wrong decryption accepted")
	}
	// Every element of the statement changed.
	stmt := []*group.Element{G, K, A, d}
	for i := range stmt {
		s := append([]*group.Element(nil), stmt...)
		s[i] = group.NewElement().Add(s[i], G)
		if p.Verify(newTestTranscript(), s[0], s[1], s[2], s[3]) == nil {
			t.Errorf("proof accepted with statement element %d changed", i)
		}
	}
	if p.Verify(newTestTranscript(), A, d, G, K) == nil {
		t.Error("proof accepted with the two pairs swapped")
	}
	for _, tr := range []*Transcript{
		NewTranscript("sandogh-v1 other", []byte("base hash")),
		NewTranscript("sandogh-v1 test", []byte("other hash")),
	} {
		tr.AppendBytes("context", []byte("ballot 1"))
		if p.Verify(tr, G, K, A, d) == nil {
			t.Error("proof accepted in another transcript")
		}
	}
	enc := p.Bytes()
	for _, f := range []encField{{"commitment1", 0, true}, {"commitment2", 32, true}, {"response", 64, false}} {
		q, err := new(ChaumPedersen).SetCanonicalBytes(tamperField(t, enc, f))
		if err != nil {
			t.Fatal(err)
		}
		if q.Verify(newTestTranscript(), G, K, A, d) == nil {
			t.Errorf("proof with tampered %s accepted", f.name)
		}
	}
	// Both bases other than G.
	H := elementOf(99)
	X1 := group.NewElement().ScalarMult(x, H)
	q := ProveChaumPedersen(newTestTranscript(), H, X1, A, d, x, n)
	if err := q.Verify(newTestTranscript(), H, X1, A, d); err != nil {
		t.Fatalf("valid proof with base H rejected: %v", err)
	}
}

func TestChaumPedersenEncoding(t *testing.T) {
	n := testNonces(t, 6)
	x, K, A, d := decryptionStatement(t, n)
	p := ProveChaumPedersen(newTestTranscript(), group.NewGeneratorElement(), K, A, d, x, n)
	enc := p.Bytes()
	if len(enc) != ChaumPedersenSize {
		t.Fatalf("encoding is %d bytes", len(enc))
	}
	q, err := new(ChaumPedersen).SetCanonicalBytes(enc)
	if err != nil || string(q.Bytes()) != string(enc) {
		t.Fatalf("round trip: %v", err)
	}
	bad := map[string][]byte{
		"short":             enc[:95],
		"long":              append(append([]byte(nil), enc...), 0),
		"field commitment1": withBytes(enc, 0, nonCanonicalElement),
		"field commitment2": withBytes(enc, 32, nonCanonicalElement),
		"field response":    withBytes(enc, 64, nonCanonicalScalar),
	}
	for want, b := range bad {
		r := new(ChaumPedersen)
		if _, err := r.SetCanonicalBytes(b); err == nil {
			t.Errorf("%s: accepted", want)
		} else if strings.HasPrefix(want, "field") && !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q does not name the field", want, err)
		}
	}
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var r ChaumPedersen
	if err := json.Unmarshal(js, &r); err != nil || string(r.Bytes()) != string(enc) {
		t.Fatalf("JSON round trip: %v, %s", err, js)
	}
	if err := json.Unmarshal([]byte(strings.Replace(string(js), "commitment2", "commitment3", 1)), &r); err == nil {
		t.Error("JSON with an unknown field accepted")
	}
}

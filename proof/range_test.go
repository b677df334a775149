package proof

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

func testKey(t testing.TB) (*elgamal.SecretKey, *elgamal.PublicKey) {
	n, _ := NewNonces(make([]byte, 32))
	sk, err := elgamal.NewSecretKey(n.Scalar("election key", 0))
	if err != nil {
		t.Fatal(err)
	}
	return sk, sk.PublicKey()
}

func TestRangeCompleteness(t *testing.T) {
	sk, pk := testKey(t)
	n := testNonces(t, 7)
	for _, R := range []uint64{1, 2, 3, 7, 65, 66} {
		for m := uint64(0); m <= R; m++ {
			if R > 7 && m != 0 && m != R && m != R/2 {
				continue
			}
			nm := n.Child("value", m).Child("range", R)
			ct, p, err := EncryptWithRangeProof(newTestTranscript(), pk, m, R, nm)
			if err != nil {
				t.Fatal(err)
			}
			r := nm.Scalar("encryption", 0)
			if ct.Equal(pk.Encrypt(scalarOf(m), r)) != 1 {
				t.Fatalf("R=%d m=%d: ciphertext is not Enc(m; r)", R, m)
			}
			if sk.Decrypt(ct).Equal(elementOf(m)) != 1 {
				t.Fatalf("R=%d m=%d: wrong plaintext", R, m)
			}
			if err := p.Verify(newTestTranscript(), pk, ct, R); err != nil {
				t.Fatalf("R=%d m=%d: EncryptWithRangeProof proof rejected: %v", R, m, err)
			}
			q, err := ProveRange(newTestTranscript(), pk, ct, m, r, R, nm)
			if err != nil {
				t.Fatal(err)
			}
			if string(q.Bytes()) != string(p.Bytes()) {
				t.Fatalf("R=%d m=%d: ProveRange and EncryptWithRangeProof differ", R, m)
			}
		}
	}
}

// cheatingProveRange is ProveRange without its range check: it runs the
// honest algorithm for an m outside 0..R.
func cheatingProveRange(t *Transcript, pk *elgamal.PublicKey, ct *elgamal.Ciphertext, m uint64, r *group.Scalar, R uint64, n *Nonces) *RangeProof {
	return proveRange(t, pk, m, r, R, n, nil, nil, ct.Bytes())
}

func TestRangeSoundnessOutOfRange(t *testing.T) {
	_, pk := testKey(t)
	n := testNonces(t, 8)
	r := n.Scalar("r", 0)
	for _, tc := range []struct{ m, R uint64 }{{2, 1}, {3, 2}, {8, 7}, {1 << 40, 1}} {
		ct := pk.Encrypt(scalarOf(tc.m), r)
		if _, err := ProveRange(newTestTranscript(), pk, ct, tc.m, r, tc.R, n); err == nil {
			t.Errorf("ProveRange accepted m=%d for 0..%d", tc.m, tc.R)
		}
		// The cheating prover claims each branch in turn.
		for claim := uint64(0); claim <= tc.R+1; claim++ {
			p := cheatingProveRange(newTestTranscript(), pk, ct, claim, r, tc.R, n)
			if p.Verify(newTestTranscript(), pk, ct, tc.R) == nil {
				t.Errorf("proof that Enc(%d) is in 0..%d accepted (claimed branch %d)", tc.m, tc.R, claim)
			}
		}
	}
	// Claiming the right value with a wrong nonce fails too.
	ct := pk.Encrypt(scalarOf(1), r)
	wrongR := new(group.Scalar).Add(r, scalarOf(1))
	p, _ := ProveRange(newTestTranscript(), pk, ct, 1, wrongR, 1, n)
	if p.Verify(newTestTranscript(), pk, ct, 1) == nil {
		t.Error("proof with a wrong nonce accepted")
	}
}

func TestRangeArguments(t *testing.T) {
	_, pk := testKey(t)
	n := testNonces(t, 9)
	if _, _, err := EncryptWithRangeProof(newTestTranscript(), pk, 0, MaxRange+1, n); err == nil {
		t.Errorf("R=%d accepted", MaxRange+1)
	}
	if _, _, err := EncryptWithRangeProof(newTestTranscript(), pk, 1, 0, n); err == nil {
		t.Error("m=1 accepted for 0..0")
	}
	if _, _, err := EncryptWithRangeProof(newTestTranscript(), pk, 2, 1, n); err == nil {
		t.Error("m=2 accepted for 0..1")
	}
}

// rangeFields lists the fields of a range proof encoding for 0..R.
func rangeFields(R int) []encField {
	var fs []encField
	k := R + 1
	for j := range k {
		fs = append(fs, encField{fmt.Sprintf("commitment a[%d]", j), 64 * j, true})
		fs = append(fs, encField{fmt.Sprintf("commitment b[%d]", j), 64*j + 32, true})
	}
	for j := range R {
		fs = append(fs, encField{fmt.Sprintf("challenge c[%d]", j), 64*k + 32*j, false})
	}
	for j := range k {
		fs = append(fs, encField{fmt.Sprintf("response v[%d]", j), 64*k + 32*R + 32*j, false})
	}
	return fs
}

func TestRangeTampering(t *testing.T) {
	_, pk := testKey(t)
	_, otherPK := elgamal.GenerateKey()
	n := testNonces(t, 10)
	for _, R := range []uint64{1, 3} {
		for m := uint64(0); m <= R; m++ {
			ct, p, err := EncryptWithRangeProof(newTestTranscript(), pk, m, R, n.Child("m", m))
			if err != nil {
				t.Fatal(err)
			}
			enc := p.Bytes()
			if len(enc) != RangeProofSize(R) {
				t.Fatalf("encoding is %d bytes, want %d", len(enc), RangeProofSize(R))
			}
			for _, f := range rangeFields(int(R)) {
				q, err := new(RangeProof).SetCanonicalBytes(tamperField(t, enc, f))
				if err != nil {
					t.Fatal(err)
				}
				if q.Verify(newTestTranscript(), pk, ct, R) == nil {
					t.Errorf("R=%d m=%d: proof with tampered %s accepted", R, m, f.name)
				}
			}
			G := group.NewGeneratorElement()
			ctA := new(elgamal.Ciphertext).Set(ct)
			ctA.A.Add(&ctA.A, G)
			ctB := new(elgamal.Ciphertext).Set(ct)
			ctB.B.Add(&ctB.B, G)
			reenc := pk.ReEncrypt(ct, scalarOf(1))
			for name, c := range map[string]*elgamal.Ciphertext{"A changed": ctA, "B changed": ctB, "re-encrypted": reenc} {
				if p.Verify(newTestTranscript(), pk, c, R) == nil {
					t.Errorf("R=%d m=%d: proof accepted with ciphertext %s", R, m, name)
				}
			}
			if p.Verify(newTestTranscript(), otherPK, ct, R) == nil {
				t.Errorf("R=%d m=%d: proof accepted under another key", R, m)
			}
			if err := p.Verify(newTestTranscript(), pk, ct, R+1); err == nil {
				t.Errorf("R=%d m=%d: proof accepted for range 0..%d", R, m, R+1)
			}
			for _, tr := range []*Transcript{
				NewTranscript("sandogh-v1 other", []byte("base hash")),
				NewTranscript("sandogh-v1 test", []byte("other hash")),
				NewTranscript("sandogh-v1 test", []byte("base hash")),
			} {
				tr.AppendBytes("context", []byte("ballot 2"))
				if p.Verify(tr, pk, ct, R) == nil {
					t.Errorf("R=%d m=%d: proof accepted in another transcript", R, m)
				}
			}
		}
	}
}

func TestRangeEncoding(t *testing.T) {
	_, pk := testKey(t)
	n := testNonces(t, 11)
	ct, p, err := EncryptWithRangeProof(newTestTranscript(), pk, 2, 3, n)
	if err != nil {
		t.Fatal(err)
	}
	enc := p.Bytes()
	q, err := new(RangeProof).SetCanonicalBytes(enc)
	if err != nil || string(q.Bytes()) != string(enc) || q.Range() != 3 {
		t.Fatalf("round trip: %v", err)
	}
	if err := q.Verify(newTestTranscript(), pk, ct, 3); err != nil {
		t.Fatalf("decoded proof rejected: %v", err)
	}
	for _, l := range []int{0, 64, 95, 97, 223, 225, 256, len(enc) - 32, len(enc) + 32, len(enc) + 1} {
		b := make([]byte, l)
		if _, err := new(RangeProof).SetCanonicalBytes(b); err == nil {
			t.Errorf("%d-byte encoding accepted", l)
		}
	}
	for _, f := range rangeFields(3) {
		bad := nonCanonicalScalar
		if f.element {
			bad = nonCanonicalElement
		}
		_, err := new(RangeProof).SetCanonicalBytes(withBytes(enc, f.offset, bad))
		if err == nil {
			t.Errorf("non-canonical %s accepted", f.name)
		} else if !strings.Contains(err.Error(), "field "+f.name) {
			t.Errorf("error %q does not name field %s", err, f.name)
		}
	}
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var r RangeProof
	if err := json.Unmarshal(js, &r); err != nil || string(r.Bytes()) != string(enc) {
		t.Fatalf("JSON round trip: %v", err)
	}
	var obj map[string][]string
	if err := json.Unmarshal(js, &obj); err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(map[string][]string)) []byte {
		o := map[string][]string{}
		for k, v := range obj {
			o[k] = append([]string(nil), v...)
		}
		f(o)
		b, _ := json.Marshal(o)
		return b
	}
	for name, b := range map[string][]byte{
		"missing challenges": mutate(func(o map[string][]string) { delete(o, "challenges") }),
		"extra challenge":    mutate(func(o map[string][]string) { o["challenges"] = append(o["challenges"], o["challenges"][0]) }),
		"missing commitment": mutate(func(o map[string][]string) { o["commitments"] = o["commitments"][1:] }),
		"one response":       mutate(func(o map[string][]string) { o["responses"] = o["responses"][:1] }),
		"uppercase":          mutate(func(o map[string][]string) { o["responses"][0] = strings.ToUpper(o["responses"][0]) }),
		"bad element":        mutate(func(o map[string][]string) { o["commitments"][3] = hexOf(nonCanonicalElement) }),
		"unknown field":      mutate(func(o map[string][]string) { o["range"] = []string{"3"} }),
	} {
		var r RangeProof
		if err := json.Unmarshal(b, &r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestRangeZero: R = 0 is a proof that a ciphertext encrypts 0 (one
// Chaum–Pedersen branch): it verifies for an encryption of 0, its 96-byte
// encoding round-trips, and a ciphertext of 1 with the proof of a
// ciphertext of 0 is rejected, as is the honest algorithm run on it.
func TestRangeZero(t *testing.T) {
	_, pk := testKey(t)
	n := testNonces(t, 11)
	ct, p, err := EncryptWithRangeProof(newTestTranscript(), pk, 0, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	if p.Range() != 0 || len(p.Bytes()) != 96 {
		t.Fatalf("R=%d, %d bytes", p.Range(), len(p.Bytes()))
	}
	if err := p.Verify(newTestTranscript(), pk, ct, 0); err != nil {
		t.Fatal(err)
	}
	q, err := new(RangeProof).SetCanonicalBytes(p.Bytes())
	if err != nil || q.Verify(newTestTranscript(), pk, ct, 0) != nil {
		t.Fatalf("decoded: %v", err)
	}
	one, _, err := EncryptWithRangeProof(newTestTranscript(), pk, 1, 1, n.Child("one", 0))
	if err != nil {
		t.Fatal(err)
	}
	if p.Verify(newTestTranscript(), pk, one, 0) == nil {
		t.Fatal("a ciphertext of 1 passed with a proof for 0..0")
	}
	r := n.Child("one", 0).Scalar("encryption", 0)
	forged, err := ProveRange(newTestTranscript(), pk, one, 0, r, 0, n.Child("forged", 0))
	if err != nil {
		t.Fatal(err)
	}
	if forged.Verify(newTestTranscript(), pk, one, 0) == nil {
		t.Fatal("the honest prover, run on a ciphertext of 1, convinced the verifier that it encrypts 0")
	}
}

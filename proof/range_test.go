package proof

import (
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
	p, _ := proveRange(t, pk, m, r, R, n, nil, nil, ct.Bytes())
	return p
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
	for _, R := range []uint64{0, MaxRange + 1} {
		if _, _, err := EncryptWithRangeProof(newTestTranscript(), pk, 0, R, n); err == nil {
			t.Errorf("R=%d accepted", R)
		}
	}
	if _, _, err := EncryptWithRangeProof(newTestTranscript(), pk, 2, 1, n); err == nil {
		t.Error("m=2 accepted for 0..1")
	}
}

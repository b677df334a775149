package group

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"testing"

	"filippo.io/edwards25519"
)

// edOrder8 returns a point of order 8, checked.
func edOrder8(t *testing.T) *edwards25519.Point {
	t.Helper()
	b, _ := hex.DecodeString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
	p, err := new(edwards25519.Point).SetBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	q := new(edwards25519.Point).Set(p)
	for range 2 {
		q.Add(q, q)
	}
	if q.Equal(edwards25519.NewIdentityPoint()) == 1 {
		t.Fatal("4·T is the identity: T is not of order 8")
	}
	q.Add(q, q)
	if q.Equal(edwards25519.NewIdentityPoint()) != 1 {
		t.Fatal("8·T is not the identity")
	}
	return p
}

// edTorsion returns the 8 points of order dividing 8.
func edTorsion(t *testing.T) []*edwards25519.Point {
	t8 := edOrder8(t)
	out := []*edwards25519.Point{edwards25519.NewIdentityPoint()}
	for i := 1; i < 8; i++ {
		out = append(out, new(edwards25519.Point).Add(out[i-1], t8))
	}
	return out
}

// edEncodings returns encodings of the small-order points: the canonical
// ones, and the non-canonical ones that name a point (y + p for y = 0 and
// y = 1, and a set sign bit where x = 0).
func edEncodings(t *testing.T) [][]byte {
	var out [][]byte
	for _, p := range edTorsion(t) {
		out = append(out, p.Bytes())
	}
	for _, h := range []string{
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p (0)
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"0100000000000000000000000000000000000000000000000000000000000080", // identity, sign set
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = −1, sign set
	} {
		b, _ := hex.DecodeString(h)
		out = append(out, b)
	}
	return out
}

// edCheck compares Verify with crypto/ed25519.Verify on one input.
func edCheck(t *testing.T, what string, pub, msg, sig []byte) bool {
	t.Helper()
	want := ed25519.Verify(pub, msg, sig)
	got := VarTimeVerifyEd25519(pub, msg, sig)
	if k, err := NewEd25519PublicKey(pub); err == nil {
		if again := k.VarTimeVerify(msg, sig); again != got {
			t.Fatalf("%s: a prepared key gives %v, a one-shot verification %v", what, again, got)
		}
	}
	if got != want {
		t.Fatalf("%s: pub %x msg %x sig %x: got %v, crypto/ed25519 %v", what, pub, msg, sig, got, want)
	}
	return want
}

// edSign signs msg with private scalar a, public encoding A and nonce
// point R = r·B + T (T a small-order point or the identity), returning
// R ‖ S with S = r + k·a, k = SHA-512(R ‖ A ‖ msg).
func edSign(a, r *edwards25519.Scalar, T *edwards25519.Point, A, msg []byte) []byte {
	R := new(edwards25519.Point).ScalarBaseMult(r)
	R.Add(R, T)
	Rb := R.Bytes()
	h := sha512.New()
	h.Write(Rb)
	h.Write(A)
	h.Write(msg)
	k, _ := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
	S := edwards25519.NewScalar().MultiplyAdd(k, a, r)
	return append(Rb, S.Bytes()...)
}

// edScalar is pfScalar as an edwards25519.Scalar.
func edScalar(rng *rand.Rand) *edwards25519.Scalar { return &pfScalar(rng).s }

// TestEd25519MatchesStandardLibrary: Verify accepts exactly what
// crypto/ed25519.Verify accepts, on valid signatures and on every kind of
// input where Ed25519 implementations are known to differ.
func TestEd25519MatchesStandardLibrary(t *testing.T) {
	rng := pfRand(t)
	accepted := 0
	// Valid signatures by random keys, and one-bit changes of them.
	for range 150 {
		seed := make([]byte, 32)
		for j := range seed {
			seed[j] = byte(rng.Uint32())
		}
		priv := ed25519.NewKeyFromSeed(seed)
		pub := priv.Public().(ed25519.PublicKey)
		msg := make([]byte, rng.IntN(200))
		for j := range msg {
			msg[j] = byte(rng.Uint32())
		}
		sig := ed25519.Sign(priv, msg)
		if !edCheck(t, "valid", pub, msg, sig) {
			t.Fatal("a valid signature is refused by crypto/ed25519")
		}
		for _, which := range []string{"sig", "msg", "pub"} {
			s, m, p := bytes.Clone(sig), bytes.Clone(msg), bytes.Clone(pub)
			target := map[string][]byte{"sig": s, "msg": m, "pub": p}[which]
			if len(target) == 0 {
				continue
			}
			bit := rng.IntN(8 * len(target))
			target[bit/8] ^= 1 << (bit % 8)
			edCheck(t, "one bit of "+which+" changed", p, m, s)
		}
		// S + ℓ and S + 2^253 (not canonical), and the top bits of S.
		S := new(big.Int).SetBytes(pfReverse(sig[32:]))
		for _, add := range []*big.Int{orderL, new(big.Int).Lsh(big.NewInt(1), 253)} {
			v := new(big.Int).Add(S, add)
			if v.BitLen() > 256 {
				continue
			}
			var b [32]byte
			v.FillBytes(b[:])
			s := append(bytes.Clone(sig[:32]), pfReverse(b[:])...)
			edCheck(t, "S not reduced", pub, msg, s)
		}
	}

	// Small-order keys and nonces, canonical and not, with S = 0, 1 and
	// random: the cofactorless equation accepts some of these.
	encs := edEncodings(t)
	for _, A := range encs {
		for _, R := range encs {
			for _, S := range [][]byte{make([]byte, 32), append([]byte{1}, make([]byte, 31)...), edScalar(rng).Bytes()} {
				for m := range 4 {
					msg := []byte{byte(m), byte(rng.Uint32())}
					if edCheck(t, "small order", A, msg, append(bytes.Clone(R), S...)) {
						accepted++
					}
				}
			}
		}
	}

	// Keys and nonces of mixed order: A = a·B + T, R = r·B + T', S = r + k·a,
	// which the cofactorless equation accepts exactly when T' = −k·T.
	torsion := edTorsion(t)
	mixedAccepted := 0
	for i := range 256 {
		a, r := edScalar(rng), edScalar(rng)
		T, T2 := torsion[i%8], torsion[(i/8)%8]
		A := new(edwards25519.Point).ScalarBaseMult(a)
		A.Add(A, T)
		msg := []byte{byte(i), byte(i >> 8)}
		sig := edSign(a, r, T2, A.Bytes(), msg)
		if edCheck(t, "mixed order", A.Bytes(), msg, sig) {
			mixedAccepted++
		}
	}
	// The identity as R: S = k·a makes [S]B − [k]A the identity.
	for i := range 16 {
		a := edScalar(rng)
		A := new(edwards25519.Point).ScalarBaseMult(a).Bytes()
		msg := []byte{byte(i)}
		R := edwards25519.NewIdentityPoint().Bytes()
		h := sha512.New()
		h.Write(R)
		h.Write(A)
		h.Write(msg)
		k, _ := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
		sig := append(bytes.Clone(R), edwards25519.NewScalar().Multiply(k, a).Bytes()...)
		if !edCheck(t, "R = identity", A, msg, sig) {
			t.Fatal("R = identity with S = k·a is refused")
		}
		// The same with R written non-canonically (y = p + 1): refused.
		nc, _ := hex.DecodeString("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
		edCheck(t, "R = identity, non-canonical", A, msg, append(nc, sig[32:]...))
	}
	// Wrong lengths of signature.
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	pub := priv.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(priv, nil)
	for _, s := range [][]byte{nil, sig[:63], append(bytes.Clone(sig), 0)} {
		edCheck(t, "signature length", pub, nil, s)
	}
	if accepted == 0 || mixedAccepted == 0 || mixedAccepted == 256 {
		t.Fatalf("the edge cases did not reach both outcomes: %d small-order and %d of 256 mixed-order accepted", accepted, mixedAccepted)
	}
	t.Logf("%d small-order and %d of 256 mixed-order signatures accepted by both", accepted, mixedAccepted)
}

// TestEd25519PublicKeyErrors: keys of the wrong length or not on the curve
// are errors, and VerifyEd25519 then reports false.
func TestEd25519PublicKeyErrors(t *testing.T) {
	notPoint, _ := hex.DecodeString("0200000000000000000000000000000000000000000000000000000000000000")
	if _, err := new(edwards25519.Point).SetBytes(notPoint); err == nil {
		t.Fatal("the test's non-point decodes")
	}
	for _, pub := range [][]byte{nil, make([]byte, 31), make([]byte, 33), notPoint} {
		if _, err := NewEd25519PublicKey(pub); err == nil {
			t.Errorf("%x: no error", pub)
		}
		if VarTimeVerifyEd25519(pub, nil, make([]byte, 64)) {
			t.Errorf("%x: verifies", pub)
		}
	}
}

// TestNonAdjacentForm: the digits of random and edge scalars sum back to
// the scalar, are odd or zero, below 2^(w−1) in size, and spaced by w−1
// zeros.
func TestNonAdjacentForm(t *testing.T) {
	rng := pfRand(t)
	var scalars [][32]byte
	for _, v := range []int64{0, 1, 2, 3, 7, 8, 15, 16, 127, 128, 255, 256} {
		var b [32]byte
		big.NewInt(v).FillBytes(b[:])
		scalars = append(scalars, [32]byte(pfReverse(b[:])))
	}
	for _, v := range []*big.Int{new(big.Int).Sub(orderL, big.NewInt(1)), new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 253), big.NewInt(1)), new(big.Int).Lsh(big.NewInt(1), 252)} {
		var b [32]byte
		v.FillBytes(b[:])
		scalars = append(scalars, [32]byte(pfReverse(b[:])))
	}
	for range 200 {
		scalars = append(scalars, [32]byte(edScalar(rng).Bytes()))
	}
	for _, s := range scalars {
		want := new(big.Int).SetBytes(pfReverse(s[:]))
		for w := uint(2); w <= 8; w++ {
			naf := nonAdjacentForm(&s, w)
			got := new(big.Int)
			last := -1000
			for i := 255; i >= 0; i-- {
				got.Lsh(got, 1)
				d := naf[i]
				got.Add(got, big.NewInt(int64(d)))
				if d == 0 {
					continue
				}
				if d%2 == 0 || abs8(d) >= 1<<(w-1) {
					t.Fatalf("%x w=%d: digit %d at %d", s, w, d, i)
				}
				if last-i < int(w) && last != -1000 {
					t.Fatalf("%x w=%d: digits at %d and %d", s, w, last, i)
				}
				last = i
			}
			if got.Cmp(want) != 0 {
				t.Fatalf("%x w=%d: digits sum to %v", s, w, got)
			}
		}
	}
}

// FuzzEd25519MatchesStandardLibrary: on any key, message and signature,
// VarTimeVerifyEd25519 agrees with crypto/ed25519.Verify.
func FuzzEd25519MatchesStandardLibrary(f *testing.F) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	pub := priv.Public().(ed25519.PublicKey)
	f.Add([]byte(pub), []byte("m"), ed25519.Sign(priv, []byte("m")))
	id := edwards25519.NewIdentityPoint().Bytes()
	f.Add(id, []byte{}, append(bytes.Clone(id), make([]byte, 32)...))
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		if len(pub) != 32 {
			return // crypto/ed25519.Verify panics; VarTimeVerifyEd25519 reports false
		}
		edCheck(t, "fuzz", pub, msg, sig)
	})
}

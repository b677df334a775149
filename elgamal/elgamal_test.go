package elgamal

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	gtank "github.com/gtank/ristretto255"
	"github.com/sandogh/sandogh/group"
)

func scalar(v uint64) *group.Scalar { return new(group.Scalar).SetUint64(v) }

func mG(m uint64) *group.Element { return new(group.Element).ScalarBaseMult(scalar(m)) }

func TestEncryptDecrypt(t *testing.T) {
	sk, pk := GenerateKey()
	for _, m := range []uint64{0, 1, 2, 1000, 1 << 40} {
		r := group.RandomScalar()
		c := pk.Encrypt(scalar(m), r)
		if c.A.Equal(new(group.Element).ScalarBaseMult(r)) != 1 {
			t.Fatalf("m=%d: A != rG", m)
		}
		if sk.Decrypt(c).Equal(mG(m)) != 1 {
			t.Fatalf("m=%d: decryption is not mG", m)
		}
	}
	// Decryption with a different key fails.
	sk2, _ := GenerateKey()
	if sk2.Decrypt(pk.Encrypt(scalar(1), group.RandomScalar())).Equal(mG(1)) == 1 {
		t.Fatal("decryption with the wrong key gave the plaintext")
	}
}

func TestEncryptElement(t *testing.T) {
	sk, pk := GenerateKey()
	M := group.HashToElement([]byte("message"), []byte("elgamal test"))
	c := pk.EncryptElement(M, group.RandomScalar())
	if sk.Decrypt(c).Equal(M) != 1 {
		t.Fatal("decryption of EncryptElement is not M")
	}
	// Encrypt(m) equals EncryptElement(mG) for the same nonce.
	r := group.RandomScalar()
	if pk.Encrypt(scalar(7), r).Equal(pk.EncryptElement(mG(7), r)) != 1 {
		t.Fatal("Encrypt(m, r) != EncryptElement(mG, r)")
	}
}

func TestHomomorphism(t *testing.T) {
	sk, pk := GenerateKey()
	r1, r2 := group.RandomScalar(), group.RandomScalar()
	c1 := pk.Encrypt(scalar(5), r1)
	c2 := pk.Encrypt(scalar(3), r2)

	sum := new(Ciphertext).Add(c1, c2)
	if sum.Equal(pk.Encrypt(scalar(8), new(group.Scalar).Add(r1, r2))) != 1 {
		t.Fatal("Enc(5;r1)+Enc(3;r2) != Enc(8;r1+r2)")
	}
	if sk.Decrypt(sum).Equal(mG(8)) != 1 {
		t.Fatal("sum does not decrypt to 8G")
	}
	diff := new(Ciphertext).Subtract(c1, c2)
	if diff.Equal(pk.Encrypt(scalar(2), new(group.Scalar).Subtract(r1, r2))) != 1 {
		t.Fatal("Enc(5;r1)-Enc(3;r2) != Enc(2;r1-r2)")
	}
	neg := new(Ciphertext).Negate(c2)
	if neg.Equal(pk.Encrypt(new(group.Scalar).SetInt64(-3), new(group.Scalar).Negate(r2))) != 1 {
		t.Fatal("-Enc(3;r2) != Enc(-3;-r2)")
	}
	k := scalar(11)
	mul := new(Ciphertext).ScalarMult(k, c1)
	if mul.Equal(pk.Encrypt(scalar(55), new(group.Scalar).Multiply(k, r1))) != 1 {
		t.Fatal("11·Enc(5;r1) != Enc(55;11r1)")
	}
	// The zero ciphertext is neutral.
	if new(Ciphertext).Add(c1, NewCiphertext()).Equal(c1) != 1 {
		t.Fatal("c + 0 != c")
	}
	if NewCiphertext().Equal(pk.Encrypt(scalar(0), scalar(0))) != 1 {
		t.Fatal("NewCiphertext() != Enc(0;0)")
	}
}

func TestCiphertextAliasing(t *testing.T) {
	_, pk := GenerateKey()
	x := pk.Encrypt(scalar(4), group.RandomScalar())
	y := pk.Encrypt(scalar(9), group.RandomScalar())
	k := group.RandomScalar()
	ops := []struct {
		name string
		f    func(dst, x, y *Ciphertext) *Ciphertext
	}{
		{"Add", func(d, x, y *Ciphertext) *Ciphertext { return d.Add(x, y) }},
		{"Subtract", func(d, x, y *Ciphertext) *Ciphertext { return d.Subtract(x, y) }},
		{"Negate", func(d, x, _ *Ciphertext) *Ciphertext { return d.Negate(x) }},
		{"ScalarMult", func(d, x, _ *Ciphertext) *Ciphertext { return d.ScalarMult(k, x) }},
		{"Set", func(d, x, _ *Ciphertext) *Ciphertext { return d.Set(x) }},
		{"ReEncryptTo", func(d, x, _ *Ciphertext) *Ciphertext { return pk.ReEncryptTo(d, x, k) }},
	}
	for _, op := range ops {
		want := op.f(new(Ciphertext), x, y)
		// dst aliases x.
		x1, y1 := new(Ciphertext).Set(x), new(Ciphertext).Set(y)
		if op.f(x1, x1, y1).Equal(want) != 1 {
			t.Errorf("%s: dst aliasing x gives a different result", op.name)
		}
		// dst aliases y.
		x1, y1 = new(Ciphertext).Set(x), new(Ciphertext).Set(y)
		if op.name != "Negate" && op.name != "ScalarMult" && op.name != "Set" && op.name != "ReEncryptTo" {
			if op.f(y1, x1, y1).Equal(want) != 1 {
				t.Errorf("%s: dst aliasing y gives a different result", op.name)
			}
		}
		// x and y alias each other and dst.
		x1 = new(Ciphertext).Set(x)
		want2 := op.f(new(Ciphertext), x, x)
		if op.f(x1, x1, x1).Equal(want2) != 1 {
			t.Errorf("%s: full aliasing gives a different result", op.name)
		}
	}
}

func TestReEncrypt(t *testing.T) {
	sk, pk := GenerateKey()
	r, s := group.RandomScalar(), group.RandomScalar()
	c := pk.Encrypt(scalar(42), r)
	orig := new(Ciphertext).Set(c)
	c2 := pk.ReEncrypt(c, s)
	if c.Equal(orig) != 1 {
		t.Fatal("ReEncrypt modified its input")
	}
	if c2.Equal(c) == 1 {
		t.Fatal("re-encryption with a random nonce equals the input")
	}
	if sk.Decrypt(c2).Equal(mG(42)) != 1 {
		t.Fatal("re-encryption changed the plaintext")
	}
	if c2.Equal(pk.Encrypt(scalar(42), new(group.Scalar).Add(r, s))) != 1 {
		t.Fatal("ReEncrypt(Enc(m;r), s) != Enc(m;r+s)")
	}
	// Re-encrypting with 0 is the identity map.
	if pk.ReEncrypt(c, scalar(0)).Equal(c) != 1 {
		t.Fatal("ReEncrypt with 0 changed the ciphertext")
	}
}

func TestKeys(t *testing.T) {
	sk, pk := GenerateKey()
	if pk.Element().Equal(new(group.Element).ScalarBaseMult(sk.Scalar())) != 1 {
		t.Fatal("K != xG")
	}
	if sk.PublicKey() != sk.PublicKey() || sk.PublicKey().Equal(pk) != 1 {
		t.Fatal("SecretKey.PublicKey is not stable")
	}
	if _, err := NewSecretKey(group.NewScalar()); err == nil {
		t.Fatal("NewSecretKey accepted zero")
	}
	if _, err := NewPublicKey(group.NewElement()); err == nil {
		t.Fatal("NewPublicKey accepted the identity")
	}
	// Scalar and Element return copies.
	x := sk.Scalar()
	x.SetUint64(1)
	if sk.Scalar().Equal(x) == 1 {
		t.Fatal("Scalar returned the internal scalar")
	}
	K := pk.Element()
	K.Zero()
	if pk.Element().IsIdentity() == 1 {
		t.Fatal("Element returned the internal element")
	}
	// PublicKey.ScalarMult matches ScalarMult by K.
	s := group.RandomScalar()
	if pk.ScalarMult(group.NewElement(), s).Equal(new(group.Element).ScalarMult(s, pk.Element())) != 1 {
		t.Fatal("PublicKey.ScalarMult != s·K")
	}
}

func TestKeyText(t *testing.T) {
	sk, pk := GenerateKey()
	txt, _ := sk.MarshalText()
	var sk2 SecretKey
	if err := sk2.UnmarshalText(txt); err != nil {
		t.Fatal(err)
	}
	if sk2.Scalar().Equal(sk.Scalar()) != 1 || sk2.PublicKey().Equal(pk) != 1 {
		t.Fatal("secret key text round trip failed")
	}
	if err := sk2.UnmarshalText(bytes.Repeat([]byte("0"), 64)); err == nil {
		t.Fatal("UnmarshalText accepted a zero secret key")
	}
	ptxt, _ := pk.MarshalText()
	var pk2 PublicKey
	if err := pk2.UnmarshalText(ptxt); err != nil {
		t.Fatal(err)
	}
	if pk2.Equal(pk) != 1 {
		t.Fatal("public key text round trip failed")
	}
	if err := pk2.UnmarshalText(bytes.Repeat([]byte("0"), 64)); err == nil || !strings.Contains(err.Error(), "identity") {
		t.Fatalf("UnmarshalText accepted the identity as a public key: %v", err)
	}
	if pk2.Equal(pk) != 1 {
		t.Fatal("failed UnmarshalText changed the key")
	}
	pk3, err := ParsePublicKey(pk.Bytes())
	if err != nil || pk3.Equal(pk) != 1 {
		t.Fatalf("ParsePublicKey round trip failed: %v", err)
	}
}

func TestCiphertextEncoding(t *testing.T) {
	_, pk := GenerateKey()
	for _, c := range []*Ciphertext{NewCiphertext(), pk.Encrypt(scalar(3), group.RandomScalar())} {
		b := c.Bytes()
		if len(b) != CiphertextSize {
			t.Fatalf("Bytes is %d bytes", len(b))
		}
		c2, err := new(Ciphertext).SetCanonicalBytes(b)
		if err != nil || c2.Equal(c) != 1 {
			t.Fatalf("byte round trip failed: %v", err)
		}
		txt, _ := c.MarshalText()
		if len(txt) != 128 || strings.ToLower(string(txt)) != string(txt) {
			t.Fatalf("bad text form %q", txt)
		}
		var c3 Ciphertext
		if err := c3.UnmarshalText(txt); err != nil || c3.Equal(c) != 1 {
			t.Fatalf("text round trip failed: %v", err)
		}
		if got := c.AppendBytes([]byte{1, 2}); !bytes.Equal(got, append([]byte{1, 2}, b...)) {
			t.Fatal("AppendBytes differs from Bytes")
		}
	}
}

func TestCiphertextDecodingErrors(t *testing.T) {
	_, pk := GenerateKey()
	good := pk.Encrypt(scalar(1), group.RandomScalar())
	goodBytes := good.Bytes()
	negative := make([]byte, 32)
	negative[0] = 1 // s = 1 is odd, hence negative
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"short", goodBytes[:63], "63 bytes"},
		{"long", append(append([]byte{}, goodBytes...), 0), "65 bytes"},
		{"bad A", append(append([]byte{}, negative...), goodBytes[32:]...), "field A: invalid element encoding: s is negative"},
		{"bad B", append(append([]byte{}, goodBytes[:32]...), negative...), "field B: invalid element encoding: s is negative"},
		{"A top bit", func() []byte { b := append([]byte{}, goodBytes...); b[31] |= 0x80; return b }(), "field A"},
		{"B not reduced", func() []byte {
			b := append([]byte{}, goodBytes...)
			copy(b[32:], bytes.Repeat([]byte{0xff}, 32))
			b[63] = 0x7f
			b[32] = 0xee // p + 1... even, ≥ p
			return b
		}(), "field B"},
	}
	for _, tc := range cases {
		c := new(Ciphertext).Set(good)
		_, err := c.SetCanonicalBytes(tc.b)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "elgamal: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not contain %q", tc.name, err, tc.want)
		}
		if c.Equal(good) != 1 {
			t.Errorf("%s: receiver changed on error", tc.name)
		}
	}
	txt, _ := good.MarshalText()
	textCases := []struct {
		name string
		txt  string
		want string
	}{
		{"short", string(txt[:127]), "127 characters"},
		{"upper in A", strings.ToUpper(string(txt[:2])) + "G" + string(txt[3:]), "field A"},
		{"bad char in B", string(txt[:100]) + "x" + string(txt[101:]), "field B: text encoding has a character that is not lowercase hexadecimal at offset 100"},
		{"bad char at 64", string(txt[:64]) + "z" + string(txt[65:]), "field B"},
		{"bad char at 63", string(txt[:63]) + "z" + string(txt[64:]), "field A: text encoding has a character that is not lowercase hexadecimal at offset 63"},
	}
	for _, tc := range textCases {
		c := new(Ciphertext).Set(good)
		err := c.UnmarshalText([]byte(tc.txt))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v does not contain %q", tc.name, err, tc.want)
		}
		if c.Equal(good) != 1 {
			t.Errorf("%s: receiver changed on error", tc.name)
		}
	}
}

// TestEncryptDifferential compares Encrypt, ReEncrypt and Decrypt with the
// same formulas computed by github.com/gtank/ristretto255.
func TestEncryptDifferential(t *testing.T) {
	sk, pk := GenerateKey()
	x, _ := gtank.NewScalar().SetCanonicalBytes(sk.Scalar().Bytes())
	K := gtank.NewIdentityElement().ScalarBaseMult(x)
	if !bytes.Equal(K.Bytes(), pk.Bytes()) {
		t.Fatal("public key differs")
	}
	for i := 0; i < 20; i++ {
		m, r, s := group.RandomScalar(), group.RandomScalar(), group.RandomScalar()
		if i == 0 {
			m.SetUint64(0)
		}
		gm, _ := gtank.NewScalar().SetCanonicalBytes(m.Bytes())
		gr, _ := gtank.NewScalar().SetCanonicalBytes(r.Bytes())
		gs, _ := gtank.NewScalar().SetCanonicalBytes(s.Bytes())
		A := gtank.NewIdentityElement().ScalarBaseMult(gr)
		B := gtank.NewIdentityElement().Add(gtank.NewIdentityElement().ScalarBaseMult(gm), gtank.NewIdentityElement().ScalarMult(gr, K))
		c := pk.Encrypt(m, r)
		if !bytes.Equal(c.Bytes(), append(A.Bytes(), B.Bytes()...)) {
			t.Fatal("Encrypt differs from gtank")
		}
		A.Add(A, gtank.NewIdentityElement().ScalarBaseMult(gs))
		B.Add(B, gtank.NewIdentityElement().ScalarMult(gs, K))
		if !bytes.Equal(pk.ReEncrypt(c, s).Bytes(), append(A.Bytes(), B.Bytes()...)) {
			t.Fatal("ReEncrypt differs from gtank")
		}
		D := gtank.NewIdentityElement().Subtract(B, gtank.NewIdentityElement().ScalarMult(x, A))
		if !bytes.Equal(sk.Decrypt(pk.ReEncrypt(c, s)).Bytes(), D.Bytes()) {
			t.Fatal("Decrypt differs from gtank")
		}
	}
}

// TestPublicKeyConcurrent uses a fresh key from many goroutines at once, so
// that the lazily built table is raced for (run with -race).
func TestPublicKeyConcurrent(t *testing.T) {
	sk, pk := GenerateKey()
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := pk.Encrypt(scalar(uint64(g)), group.RandomScalar())
			if sk.Decrypt(c).Equal(mG(uint64(g))) != 1 {
				errs <- fmt.Sprintf("goroutine %d: wrong decryption", g)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestPublicKeyBytesFollowsKey checks the encoding computed at construction:
// it is K's encoding, callers cannot change it through the returned slice,
// and UnmarshalText replaces it together with the key.
func TestPublicKeyBytesFollowsKey(t *testing.T) {
	_, pk1 := GenerateKey()
	_, pk2 := GenerateKey()
	b := pk1.Bytes()
	if !bytes.Equal(b, pk1.Element().Bytes()) {
		t.Fatal("Bytes is not the encoding of K")
	}
	b[0] ^= 1
	if bytes.Equal(b, pk1.Bytes()) {
		t.Fatal("Bytes returned the key's own storage")
	}
	text, _ := pk2.MarshalText()
	if err := pk1.UnmarshalText(text); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pk1.Bytes(), pk2.Element().Bytes()) {
		t.Fatal("Bytes is stale after UnmarshalText")
	}
}

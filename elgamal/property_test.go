package elgamal

import (
	"slices"
	"testing"
	"testing/quick"

	"github.com/sandogh/sandogh/group"
)

// TestEncryptionIsLinear checks Enc(a; r) + k·Enc(b; s) = Enc(a + k·b; r + k·s)
// and that decryption inverts it, for random a, b, k and nonces.
func TestEncryptionIsLinear(t *testing.T) {
	sk, pk := GenerateKey()
	f := func(a, b, k uint64) bool {
		r, s := group.RandomScalar(), group.RandomScalar()
		sa, sb, sk2 := scalar(a), scalar(b), scalar(k)
		lhs := new(Ciphertext).ScalarMult(sk2, pk.Encrypt(sb, s))
		lhs.Add(pk.Encrypt(sa, r), lhs)
		m := new(group.Scalar).MultiplyAdd(sk2, sb, sa)
		n := new(group.Scalar).MultiplyAdd(sk2, s, r)
		return lhs.Equal(pk.Encrypt(m, n)) == 1 &&
			sk.Decrypt(lhs).Equal(new(group.Element).ScalarBaseMult(m)) == 1
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 30}); err != nil {
		t.Fatal(err)
	}
}

// TestPackIsInjective checks that different code lists never pack to the
// same elements and that unpacking inverts packing, for random lists.
func TestPackIsInjective(t *testing.T) {
	f := func(raw1, raw2 []uint16) bool {
		const maxCodes, maxCode = 40, 1000
		norm := func(raw []uint16) []uint32 {
			out := []uint32{}
			for _, v := range raw[:min(len(raw), maxCodes)] {
				out = append(out, uint32(v)%maxCode+1)
			}
			return out
		}
		c1, c2 := norm(raw1), norm(raw2)
		e1, err1 := PackCodes(c1, maxCodes, maxCode)
		e2, err2 := PackCodes(c2, maxCodes, maxCode)
		if err1 != nil || err2 != nil {
			return false
		}
		same := true
		for i := range e1 {
			same = same && e1[i].Equal(e2[i]) == 1
		}
		u1, err := UnpackCodes(e1, maxCodes, maxCode)
		return err == nil && slices.Equal(u1, c1) && same == slices.Equal(c1, c2)
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 30}); err != nil {
		t.Fatal(err)
	}
}

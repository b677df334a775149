package trustee

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	circlhpke "github.com/cloudflare/circl/hpke"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// seededCeremony runs a whole ceremony of n trustees with threshold t whose
// identities and states all come from seeds derived from label, and
// returns it with the key shares.
func seededCeremony(t *testing.T, label string, n, thr int) (*Ceremony, []*Trustee, []*KeyShare) {
	t.Helper()
	ids := make([]*Identity, n)
	for k := range ids {
		id, err := NewIdentityFromSeed(names[k], seeded(fmt.Sprint(label, " identity ", k), SeedSize))
		if err != nil {
			t.Fatal(err)
		}
		ids[k] = id
	}
	r := testRoster(t, ids, thr)
	ts := make([]*Trustee, n)
	for k := range ts {
		tr, err := NewTrusteeFromSeed(r, ids[k], seeded(fmt.Sprint(label, " trustee ", k), SeedSize))
		if err != nil {
			t.Fatal(err)
		}
		ts[k] = tr
	}
	c := runCeremony(t, r, ts, hooks{})
	_, keys := finishAll(t, c, ts)
	return c, ts, keys
}

// ceremonyBytes is every message of c, encoded.
func ceremonyBytes(c *Ceremony) []byte {
	var b []byte
	for _, m := range c.Commitments {
		b = append(b, m.Bytes()...)
	}
	for _, m := range c.Shares {
		b = append(b, m.Bytes()...)
	}
	for _, m := range c.Complaints {
		b = append(b, m.Bytes()...)
	}
	for _, m := range c.Responses {
		b = append(b, m.Bytes()...)
	}
	return b
}

func TestNewIdentityFromSeed(t *testing.T) {
	seed := seeded("identity", SeedSize)
	a, err := NewIdentityFromSeed("Azadeh", seed)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewIdentityFromSeed("Azadeh", seed)
	if fmt.Sprint(a.Member(1)) != fmt.Sprint(b.Member(1)) || !bytes.Equal(a.encode(), b.encode()) {
		t.Error("one seed gave two identities")
	}
	// The documented derivation.
	d := sha512.Sum512(append(binary.BigEndian.AppendUint16(nil, uint16(len("sandogh-v1 trustee identity from seed"))), append([]byte("sandogh-v1 trustee identity from seed"), seed...)...))
	if !bytes.Equal(a.Member(1).SigningKey, ed25519.NewKeyFromSeed(d[:32]).Public().(ed25519.PublicKey)) {
		t.Error("the signing key is not the documented derivation")
	}
	xk, err := circlhpke.KEM_X25519_HKDF_SHA256.Scheme().UnmarshalBinaryPrivateKey(d[32:])
	if err != nil {
		t.Fatal(err)
	}
	xpub, _ := xk.Public().MarshalBinary()
	if !bytes.Equal(a.Member(1).EncryptionKey, xpub) {
		t.Error("the encryption key is not the documented derivation")
	}
	c, _ := NewIdentityFromSeed("Azadeh", seeded("identity 2", SeedSize))
	if bytes.Equal(a.Member(1).SigningKey, c.Member(1).SigningKey) || bytes.Equal(a.Member(1).EncryptionKey, c.Member(1).EncryptionKey) {
		t.Error("two seeds gave the same keys")
	}
	for _, bad := range [][]byte{nil, seed[:31], append(seed, 0)} {
		if _, err := NewIdentityFromSeed("Azadeh", bad); err == nil || !strings.Contains(err.Error(), "seed is") {
			t.Errorf("%d-byte seed: %v", len(bad), err)
		}
	}
	if _, err := NewIdentityFromSeed("", seed); err == nil {
		t.Error("empty name accepted")
	}
}

// TestNewTrusteeFromSeed: two runs of a seeded ceremony publish the same
// bytes and give the same key shares; the shares open with circl's HPKE
// too; the documented derivation gives the commitments; a sealed and
// reopened state sends the same shares; another roster gives other
// secrets.
func TestNewTrusteeFromSeed(t *testing.T) {
	c1, ts1, keys1 := seededCeremony(t, "run", 4, 3)
	c2, _, keys2 := seededCeremony(t, "run", 4, 3)
	if !bytes.Equal(ceremonyBytes(c1), ceremonyBytes(c2)) {
		t.Fatal("two seeded ceremonies differ")
	}
	for k := range keys1 {
		if !bytes.Equal(keys1[k].encode(), keys2[k].encode()) {
			t.Fatalf("key share %d differs", k+1)
		}
	}
	c3, _, _ := seededCeremony(t, "other run", 4, 3)
	if bytes.Equal(c1.Commitments[0].Bytes()[CeremonyHashSize:], c3.Commitments[0].Bytes()[CeremonyHashSize:]) {
		t.Fatal("other seeds gave the same commitments")
	}
	// The documented derivation of trustee 2's polynomial.
	r := c1.Roster
	in := binary.BigEndian.AppendUint16(nil, uint16(len("sandogh-v1 trustee ceremony from seed")))
	in = append(in, "sandogh-v1 trustee ceremony from seed"...)
	in = append(in, seeded("run trustee 1", SeedSize)...)
	in = append(in, r.Hash()...)
	in = binary.BigEndian.AppendUint32(in, 2)
	d := sha512.Sum512(in)
	n, _ := proof.NewNonces(d[:32])
	for k := range 3 {
		want := group.NewElement().ScalarBaseMult(n.Scalar("coefficient", uint64(k)))
		if c1.Commitments[1].Coefficients[k].Equal(want) != 1 {
			t.Fatalf("coefficient %d of trustee 2 is not the documented derivation", k)
		}
	}
	// Every share opens with circl's HPKE, as RFC 9180 single-shot Open.
	suite := circlhpke.NewSuite(circlhpke.KEM_X25519_HKDF_SHA256, circlhpke.KDF_HKDF_SHA256, circlhpke.AEAD_ChaCha20Poly1305)
	for _, s := range c1.Shares {
		id, _ := NewIdentityFromSeed(names[s.Recipient-1], seeded(fmt.Sprint("run identity ", s.Recipient-1), SeedSize))
		x, _ := id.encryption.Bytes()
		sk, _ := circlhpke.KEM_X25519_HKDF_SHA256.Scheme().UnmarshalBinaryPrivateKey(x)
		rcv, err := suite.NewReceiver(sk, shareInfo(r.Hash(), s.Dealer, s.Recipient))
		if err != nil {
			t.Fatal(err)
		}
		op, err := rcv.Setup(s.Ciphertext[:32])
		if err != nil {
			t.Fatal(err)
		}
		pt, err := op.Open(s.Ciphertext[32:], nil)
		if err != nil {
			t.Fatalf("share %d→%d does not open with circl: %v", s.Dealer, s.Recipient, err)
		}
		if !bytes.Equal(pt, evalPolynomial(ts1[s.Dealer-1].coeffs, s.Recipient).Bytes()) {
			t.Fatalf("share %d→%d: wrong plaintext", s.Dealer, s.Recipient)
		}
	}
	// Sealed before Round 1 and reopened: the same messages.
	ids := make([]*Identity, 4)
	for k := range ids {
		ids[k], _ = NewIdentityFromSeed(names[k], seeded(fmt.Sprint("run identity ", k), SeedSize))
	}
	tr, err := NewTrusteeFromSeed(r, ids[2], seeded("run trustee 2", SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := tr.Seal([]byte("passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err = OpenTrustee(sealed, []byte("passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	m1, err := tr.Round1()
	if err != nil {
		t.Fatal(err)
	}
	sent, err := tr.Round2()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m1.Bytes(), c1.Commitments[2].Bytes()) {
		t.Error("the reopened trustee commits to another polynomial")
	}
	var want []byte
	for _, s := range c1.Shares {
		if s.Dealer == 3 {
			want = append(want, s.Bytes()...)
		}
	}
	var got []byte
	for _, s := range sent {
		got = append(got, s.Bytes()...)
	}
	if !bytes.Equal(got, want) {
		t.Error("the reopened trustee sends other shares")
	}
	// Another roster (another threshold): other secrets from the same seed.
	r2 := testRoster(t, ids, 2)
	tr2, err := NewTrusteeFromSeed(r2, ids[2], seeded("run trustee 2", SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	if tr2.coeffs[0].Equal(ts1[2].coeffs[0]) == 1 {
		t.Error("one seed gave the same secret in two ceremonies")
	}
	// Errors.
	if _, err := NewTrusteeFromSeed(r, ids[2], make([]byte, 31)); err == nil {
		t.Error("31-byte seed accepted")
	}
	outsider, _ := NewIdentityFromSeed("Outsider", seeded("outsider", SeedSize))
	if _, err := NewTrusteeFromSeed(r, outsider, seeded("x", SeedSize)); err == nil {
		t.Error("an identity outside the roster accepted")
	}
	if _, err := NewTrusteeFromSeed(nil, ids[0], seeded("x", SeedSize)); err == nil {
		t.Error("nil roster accepted")
	}
}

// TestDecryptSharesUncheckedFromSeed: the same seed and statement give the same
// valid list; a seed reused for another list of ciphertexts gives other
// nonces even for the ciphertext the lists share; the lists combine.
func TestDecryptSharesUncheckedFromSeed(t *testing.T) {
	c, _, keys := seededCeremony(t, "decrypt", 3, 2)
	res, err := VerifyCeremony(c)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := res.ElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	cts, ms := testCiphertexts(pk, 9)
	base := []byte("base hash")
	seed := seeded("decryption", SeedSize)
	l1, err := keys[0].DecryptSharesUncheckedFromSeed(base, cts, seed)
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := keys[0].DecryptSharesUncheckedFromSeed(base, cts, seed)
	if !bytes.Equal(l1.Bytes(), l2.Bytes()) {
		t.Fatal("one seed gave two share lists")
	}
	if err := VerifyShareList(base, res.VerificationKeys[0], cts, l1); err != nil {
		t.Fatal(err)
	}
	// The same seed for another list that shares its first ciphertext.
	other := append(cts[:1:1], cts[5:]...)
	l3, err := keys[0].DecryptSharesUncheckedFromSeed(base, other, seed)
	if err != nil {
		t.Fatal(err)
	}
	if l3.Share(0).Equal(l1.Share(0)) != 1 {
		t.Fatal("the share of the common ciphertext differs")
	}
	if l3.Proof(0).Commitment1.Equal(&l1.Proof(0).Commitment1) == 1 {
		t.Fatal("a reused seed gave the same proof nonce for another statement")
	}
	// Another base hash also changes the nonces.
	l4, _ := keys[0].DecryptSharesUncheckedFromSeed([]byte("another base hash"), cts, seed)
	if l4.Proof(0).Commitment1.Equal(&l1.Proof(0).Commitment1) == 1 {
		t.Fatal("the nonces do not depend on the base hash")
	}
	l5, err := keys[2].DecryptSharesUncheckedFromSeed(base, cts, seed)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := Combine(base, res, cts, []*ShareList{l1, l5})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		want := group.NewElement().ScalarBaseMult(new(group.Scalar).SetUint64(m))
		if dec.Plaintexts[i].Equal(want) != 1 {
			t.Fatalf("plaintext %d", i)
		}
	}
	if _, err := keys[0].DecryptSharesUncheckedFromSeed(base, cts, seed[:16]); err == nil {
		t.Error("16-byte seed accepted")
	}
	if _, err := keys[0].DecryptSharesUncheckedFromSeed(base, append(cts[:1:1], nil), seed); err == nil {
		t.Error("nil ciphertext accepted")
	}
}

// TestIdentitySigningKey checks that SigningKey is the key of the roster
// entry and that callers cannot change the identity through it.
func TestIdentitySigningKey(t *testing.T) {
	id, err := NewIdentity("Trustee 1")
	if err != nil {
		t.Fatal(err)
	}
	k := id.SigningKey()
	if !k.Public().(ed25519.PublicKey).Equal(id.Member(1).SigningKey) {
		t.Fatal("SigningKey is not the roster's signing key")
	}
	msg := []byte("a mix stage")
	if !ed25519.Verify(id.Member(1).SigningKey, msg, ed25519.Sign(k, msg)) {
		t.Fatal("signature by SigningKey does not verify")
	}
	k[0] ^= 1
	if id.SigningKey()[0] == k[0] {
		t.Fatal("SigningKey returned the identity's own storage")
	}
}

package trustee

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	circlhpke "github.com/cloudflare/circl/hpke"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

// The known-answer vectors of testdata/vectors.json: a ceremony of three
// trustees with threshold two, from fixed keys, polynomials and nonce seeds,
// with one (false) complaint, and a threshold decryption. Everything is
// deterministic except the HPKE ciphertexts of the shares (HPKE draws an
// ephemeral key); those are kept from the stored file and checked by
// decryption, with the standard library and with circl.

type trusteeVector struct {
	Index         int      `json:"index"`
	Ed25519Seed   string   `json:"ed25519_seed"`
	X25519Key     string   `json:"x25519_private_key"`
	Coefficients  []string `json:"coefficients"`
	NonceSeed     string   `json:"proof_nonce_seed"`
	Commitments   string   `json:"commitments"`
	SecretShare   string   `json:"secret_share"`
	ShareListSeed string   `json:"share_list_nonce_seed"`
	ShareList     string   `json:"share_list"`
}

type shareVector struct {
	Dealer    int    `json:"dealer"`
	Recipient int    `json:"recipient"`
	Value     string `json:"value"`   // f_dealer(recipient)
	Message   string `json:"message"` // EncryptedShare.Bytes()
}

type vectorFile struct {
	Comment      string          `json:"comment"`
	Roster       json.RawMessage `json:"roster"`
	CeremonyHash string          `json:"ceremony_hash"`
	Trustees     []trusteeVector `json:"trustees"`
	Shares       []shareVector   `json:"shares"`
	Complaint    string          `json:"complaint"`
	Response     string          `json:"response"`
	Result       json.RawMessage `json:"result"`
	BaseHash     string          `json:"base_hash"`
	Ciphertexts  []string        `json:"ciphertexts"`
	Plaintexts   []uint64        `json:"plaintexts"`
	Decryption   []string        `json:"decryption"` // M_i from trustees 1 and 3
}

func makeVectors(t *testing.T, stored *vectorFile) *vectorFile {
	const n, th = 3, 2
	r, ts := testTrustees(t, n, th)
	v := &vectorFile{
		Comment:      "sandogh-v1 trustee known-answer vectors; see docs/spec.md, Trustees",
		CeremonyHash: hex.EncodeToString(r.Hash()),
		BaseHash:     hex.EncodeToString(seeded("base hash", 32)),
	}
	v.Roster, _ = r.MarshalJSON()

	c := runCeremony(t, r, ts, hooks{
		round2: func(c *Ceremony) {
			if stored == nil {
				return
			}
			// Keep the stored HPKE ciphertexts.
			c.Shares = nil
			for _, sv := range stored.Shares {
				b, _ := hex.DecodeString(sv.Message)
				s, err := new(EncryptedShare).SetCanonicalBytes(b)
				if err != nil {
					t.Fatal(err)
				}
				c.Shares = append(c.Shares, s)
			}
		},
		complain: func(c *Ceremony) { c.Complaints = append(c.Complaints, forgeComplaint(ts[2], 1, ShareInconsistent)) },
	})
	res, keys := finishAll(t, c, ts)
	v.Result, _ = res.MarshalJSON()
	v.Complaint = hex.EncodeToString(c.Complaints[0].Bytes())
	v.Response = hex.EncodeToString(c.Responses[0].Bytes())
	for _, s := range c.Shares {
		v.Shares = append(v.Shares, shareVector{
			Dealer: s.Dealer, Recipient: s.Recipient,
			Value:   hex.EncodeToString(evalPolynomial(ts[s.Dealer-1].coeffs, s.Recipient).Bytes()),
			Message: hex.EncodeToString(s.Bytes()),
		})
	}

	pk, _ := res.ElectionKey()
	cts, ms := testCiphertexts(pk, 4)
	for _, ct := range cts {
		v.Ciphertexts = append(v.Ciphertexts, hex.EncodeToString(ct.Bytes()))
	}
	v.Plaintexts = ms
	base := seeded("base hash", 32)
	lists := make([]*ShareList, n)
	for k, tr := range ts {
		x, _ := tr.id.encryption.Bytes()
		tv := trusteeVector{
			Index:         tr.index,
			Ed25519Seed:   hex.EncodeToString(tr.id.seed),
			X25519Key:     hex.EncodeToString(x),
			NonceSeed:     hex.EncodeToString(tr.seed),
			Commitments:   hex.EncodeToString(c.Commitments[k].Bytes()),
			SecretShare:   hex.EncodeToString(keys[k].secret.Bytes()),
			ShareListSeed: hex.EncodeToString(seeded(fmt.Sprint("share list ", k), 32)),
		}
		for _, a := range tr.coeffs {
			tv.Coefficients = append(tv.Coefficients, hex.EncodeToString(a.Bytes()))
		}
		nonces, _ := proof.NewNonces(seeded(fmt.Sprint("share list ", k), 32))
		l, err := keys[k].decryptShares(base, cts, nonces)
		if err != nil {
			t.Fatal(err)
		}
		lists[k] = l
		tv.ShareList = hex.EncodeToString(l.Bytes())
		v.Trustees = append(v.Trustees, tv)
	}
	dec, err := Combine(base, res, cts, []*ShareList{lists[0], lists[2]})
	if err != nil {
		t.Fatal(err)
	}
	for _, M := range dec.Plaintexts {
		v.Decryption = append(v.Decryption, hex.EncodeToString(M.Bytes()))
	}
	return v
}

// TestVectors regenerates testdata/vectors.json and compares it with the
// stored file (rewrite it with -update), then checks the stored vectors
// against outside references: every encrypted share decrypts to its value
// with crypto/hpke and with circl's HPKE, and every plaintext is m·G.
func TestVectors(t *testing.T) {
	path := filepath.Join("testdata", "vectors.json")
	var stored *vectorFile
	if !*update {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		stored = new(vectorFile)
		if err := json.Unmarshal(b, stored); err != nil {
			t.Fatal(err)
		}
	}
	got, err := json.MarshalIndent(makeVectors(t, stored), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		stored = new(vectorFile)
		json.Unmarshal(got, stored)
	}
	want, _ := os.ReadFile(path)
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the regenerated vectors (run with -update if the format changed on purpose)", path)
	}

	var r Roster
	if err := r.UnmarshalJSON(stored.Roster); err != nil {
		t.Fatal(err)
	}
	suite := circlhpke.NewSuite(circlhpke.KEM_X25519_HKDF_SHA256, circlhpke.KDF_HKDF_SHA256, circlhpke.AEAD_ChaCha20Poly1305)
	for _, sv := range stored.Shares {
		b, _ := hex.DecodeString(sv.Message)
		s, err := new(EncryptedShare).SetCanonicalBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.VerifySignature(&r); err != nil {
			t.Fatal(err)
		}
		xb, _ := hex.DecodeString(stored.Trustees[sv.Recipient-1].X25519Key)
		key, err := hpkeKEM.NewPrivateKey(xb)
		if err != nil {
			t.Fatal(err)
		}
		f, err := decryptShare(key, r.hash, sv.Dealer, sv.Recipient, s.Ciphertext)
		if err != nil || hex.EncodeToString(f.Bytes()) != sv.Value {
			t.Fatalf("share %d→%d: crypto/hpke: %v", sv.Dealer, sv.Recipient, err)
		}
		sk, err := circlhpke.KEM_X25519_HKDF_SHA256.Scheme().UnmarshalBinaryPrivateKey(xb)
		if err != nil {
			t.Fatal(err)
		}
		rcv, err := suite.NewReceiver(sk, shareInfo(r.hash, sv.Dealer, sv.Recipient))
		if err != nil {
			t.Fatal(err)
		}
		opener, err := rcv.Setup(s.Ciphertext[:32])
		if err != nil {
			t.Fatal(err)
		}
		pt, err := opener.Open(s.Ciphertext[32:], nil)
		if err != nil || hex.EncodeToString(pt) != sv.Value {
			t.Fatalf("share %d→%d: circl HPKE: %v", sv.Dealer, sv.Recipient, err)
		}
	}
	for i, ms := range stored.Decryption {
		want := group.NewElement().ScalarBaseMult(new(group.Scalar).SetUint64(stored.Plaintexts[i]))
		if hex.EncodeToString(want.Bytes()) != ms {
			t.Fatalf("decryption %d is not %d·G", i, stored.Plaintexts[i])
		}
	}
	for i, s := range stored.Ciphertexts {
		b, _ := hex.DecodeString(s)
		if _, err := new(elgamal.Ciphertext).SetCanonicalBytes(b); err != nil {
			t.Fatalf("ciphertext %d: %v", i, err)
		}
	}
}

// TestHPKEDifferential encrypts a share with crypto/hpke and opens it with
// circl, and the other way round, with the same info string.
func TestHPKEDifferential(t *testing.T) {
	ids := testIdentities(t, 2)
	ceremony := seeded("ceremony", 32)
	share := seededScalar("share")
	ct, err := encryptShare(ids[1].Member(2).EncryptionKey, ceremony, 1, 2, share)
	if err != nil {
		t.Fatal(err)
	}
	suite := circlhpke.NewSuite(circlhpke.KEM_X25519_HKDF_SHA256, circlhpke.KDF_HKDF_SHA256, circlhpke.AEAD_ChaCha20Poly1305)
	xb, _ := ids[1].encryption.Bytes()
	sk, _ := circlhpke.KEM_X25519_HKDF_SHA256.Scheme().UnmarshalBinaryPrivateKey(xb)
	rcv, _ := suite.NewReceiver(sk, shareInfo(ceremony, 1, 2))
	opener, err := rcv.Setup(ct[:32])
	if err != nil {
		t.Fatal(err)
	}
	pt, err := opener.Open(ct[32:], nil)
	if err != nil || !bytes.Equal(pt, share.Bytes()) {
		t.Fatalf("circl cannot open a crypto/hpke share: %v", err)
	}
	// The info string binds the dealer and the recipient.
	rcv, _ = suite.NewReceiver(sk, shareInfo(ceremony, 2, 1))
	opener, _ = rcv.Setup(ct[:32])
	if _, err := opener.Open(ct[32:], nil); err == nil {
		t.Fatal("opened under the info string of another pair")
	}

	pkR, _ := circlhpke.KEM_X25519_HKDF_SHA256.Scheme().UnmarshalBinaryPublicKey(ids[1].Member(2).EncryptionKey)
	snd, _ := suite.NewSender(pkR, shareInfo(ceremony, 1, 2))
	enc, sealer, err := snd.Setup(nil)
	if err != nil {
		t.Fatal(err)
	}
	sealedShare, _ := sealer.Seal(share.Bytes(), nil)
	got, err := decryptShare(ids[1].encryption, ceremony, 1, 2, append(enc, sealedShare...))
	if err != nil || got.Equal(share) != 1 {
		t.Fatalf("crypto/hpke cannot open a circl share: %v", err)
	}
	if _, err := decryptShare(ids[0].encryption, ceremony, 1, 2, append(enc, sealedShare...)); err == nil {
		t.Fatal("another trustee opened the share")
	}
}

// TestSpecLayouts rebuilds the roster hash and checks a signature of each
// message kind by hand, following docs/spec.md rather than the code.
func TestSpecLayouts(t *testing.T) {
	_, ts, c := sampleCeremony(t)
	r := ts[0].roster
	u16 := func(v int) []byte { return []byte{byte(v >> 8), byte(v)} }
	u32 := func(v int) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }
	var enc []byte
	enc = append(enc, u16(25)...)
	enc = append(enc, "sandogh-v1 trustee roster"...)
	enc = append(enc, u32(len(r.electionID))...)
	enc = append(enc, r.electionID...)
	enc = append(enc, u16(12)...)
	enc = append(enc, "ristretto255"...)
	enc = append(enc, 0x00, 0x20, 0x00, 0x01, 0x00, 0x03)
	enc = append(enc, u32(4)...)
	enc = append(enc, u32(3)...)
	for _, m := range r.members {
		enc = append(enc, u32(m.Index)...)
		enc = append(enc, u16(len(m.Name))...)
		enc = append(enc, m.Name...)
		enc = append(enc, m.SigningKey...)
		enc = append(enc, m.EncryptionKey...)
	}
	h := sha512.Sum512_256(enc)
	if !bytes.Equal(h[:], r.Hash()) {
		t.Fatal("the roster hash does not follow the spec")
	}

	check := func(label string, signer int, wire []byte) {
		t.Helper()
		body, sig := wire[:len(wire)-64], wire[len(wire)-64:]
		if !bytes.Equal(body[:32], r.Hash()) {
			t.Fatalf("%s: the body does not start with the ceremony hash", label)
		}
		msg := append(append(u16(len(label)), label...), body...)
		if !ed25519.Verify(r.members[signer-1].SigningKey, msg, sig) {
			t.Fatalf("%s: the signature does not follow the spec", label)
		}
	}
	m := c.Commitments[1]
	w := m.Bytes()
	if len(w) != 32+4+4+3*32+3*64+64 || !bytes.Equal(w[32:40], append(u32(2), u32(3)...)) {
		t.Fatal("commitments layout")
	}
	check("sandogh-v1 trustee commitments", 2, w)
	s := c.Shares[0]
	w = s.Bytes()
	if len(w) != 32+4+4+80+64 {
		t.Fatal("encrypted share layout")
	}
	check("sandogh-v1 trustee encrypted share", s.Dealer, w)
	cm := c.Complaints[0]
	w = cm.Bytes()
	if len(w) != 32+4+4+1+64 || w[40] != byte(ShareUndecryptable) {
		t.Fatal("complaint layout")
	}
	check("sandogh-v1 trustee complaint", cm.Complainant, w)
	rp := c.Responses[0]
	w = rp.Bytes()
	if len(w) != 32+4+4+32+64 {
		t.Fatal("response layout")
	}
	check("sandogh-v1 trustee complaint response", rp.Dealer, w)
	// The HPKE info string.
	info := append(append(u16(24), "sandogh-v1 trustee share"...), r.Hash()...)
	info = append(append(info, u32(s.Dealer)...), u32(s.Recipient)...)
	if !bytes.Equal(info, shareInfo(r.hash, s.Dealer, s.Recipient)) {
		t.Fatal("HPKE info layout")
	}
}

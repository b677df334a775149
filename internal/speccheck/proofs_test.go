package speccheck

import (
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	r255 "github.com/gtank/ristretto255"
)

// The three proof systems of 30-proofs.md, verified and proven from the text.

func bindSeed(seed, digest []byte) []byte {
	in := lbl(nil, "sandogh-v1 nonce bind")
	in = append(in, seed...)
	in = append(in, digest...)
	d := sha512.Sum512(in)
	return d[:32]
}

// schnorrProof is a ‖ z.
type schnorrProof struct {
	a []byte // commitment encoding
	z *r255.Scalar
}

func parseSchnorr(b []byte) (*schnorrProof, error) {
	if len(b) != 64 {
		return nil, fmt.Errorf("schnorr proof is %d bytes, want 64", len(b))
	}
	if _, err := element(b[:32]); err != nil {
		return nil, fmt.Errorf("field commitment: %w", err)
	}
	z, err := scalar(b[32:])
	if err != nil {
		return nil, fmt.Errorf("field response: %w", err)
	}
	return &schnorrProof{a: b[:32], z: z}, nil
}

func schnorrFields(tr *transcript, base, public *r255.Element) {
	tr.bytes("proof", []byte("schnorr"))
	tr.element("base", base)
	tr.element("public", public)
}

func verifySchnorr(tr *transcript, base, public *r255.Element, p *schnorrProof) error {
	schnorrFields(tr, base, public)
	tr.elementBytes("commitment", p.a)
	c := tr.challenge("challenge")
	a, err := element(p.a)
	if err != nil {
		return err
	}
	if !eq(mul(p.z, base), add(a, mul(c, public))) {
		return errors.New("schnorr: z·B ≠ a + c·X")
	}
	return nil
}

func proveSchnorr(tr *transcript, seed []byte, base *r255.Element, x *r255.Scalar) []byte {
	public := mul(x, base)
	schnorrFields(tr, base, public)
	u := nonceScalar(bindSeed(seed, tr.digest()), "schnorr commitment", 0)
	a := mul(u, base)
	tr.element("commitment", a)
	c := tr.challenge("challenge")
	z := sadd(u, smul(c, x))
	return append(enc(a), encS(z)...)
}

// cpProof is a1 ‖ a2 ‖ z.
type cpProof struct {
	a1, a2 []byte
	z      *r255.Scalar
}

func parseCP(b []byte) (*cpProof, error) {
	if len(b) != 96 {
		return nil, fmt.Errorf("chaum-pedersen proof is %d bytes, want 96", len(b))
	}
	for i, n := range []string{"commitment1", "commitment2"} {
		if _, err := element(b[32*i : 32*i+32]); err != nil {
			return nil, fmt.Errorf("field %s: %w", n, err)
		}
	}
	z, err := scalar(b[64:])
	if err != nil {
		return nil, fmt.Errorf("field response: %w", err)
	}
	return &cpProof{a1: b[:32], a2: b[32:64], z: z}, nil
}

func cpFields(tr *transcript, g1, x1, g2, x2 *r255.Element) {
	tr.bytes("proof", []byte("chaum-pedersen"))
	tr.element("base1", g1)
	tr.element("public1", x1)
	tr.element("base2", g2)
	tr.element("public2", x2)
}

func verifyCP(tr *transcript, g1, x1, g2, x2 *r255.Element, p *cpProof) error {
	cpFields(tr, g1, x1, g2, x2)
	tr.elementBytes("commitment1", p.a1)
	tr.elementBytes("commitment2", p.a2)
	c := tr.challenge("challenge")
	a1, _ := element(p.a1)
	a2, _ := element(p.a2)
	if !eq(mul(p.z, g1), add(a1, mul(c, x1))) {
		return errors.New("chaum-pedersen: z·G1 ≠ a1 + c·X1")
	}
	if !eq(mul(p.z, g2), add(a2, mul(c, x2))) {
		return errors.New("chaum-pedersen: z·G2 ≠ a2 + c·X2")
	}
	return nil
}

func proveCP(tr *transcript, seed []byte, g1, g2 *r255.Element, x *r255.Scalar) []byte {
	cpFields(tr, g1, mul(x, g1), g2, mul(x, g2))
	u := nonceScalar(bindSeed(seed, tr.digest()), "chaum-pedersen commitment", 0)
	a1, a2 := mul(u, g1), mul(u, g2)
	tr.element("commitment1", a1)
	tr.element("commitment2", a2)
	c := tr.challenge("challenge")
	z := sadd(u, smul(c, x))
	return append(append(enc(a1), enc(a2)...), encS(z)...)
}

// rangeProof is a_0 ‖ b_0 ‖ … ‖ a_R ‖ b_R ‖ c_0 ‖ … ‖ c_{R−1} ‖ v_0 ‖ … ‖ v_R.
type rangeProof struct {
	R           int
	commitments [][]byte // 2(R+1) encodings
	c           []*r255.Scalar
	v           []*r255.Scalar
}

func parseRange(b []byte) (*rangeProof, error) {
	if len(b)%32 != 0 || len(b)/32 < 3 || (len(b)/32-3)%4 != 0 {
		return nil, fmt.Errorf("range proof is %d bytes, not 32·(4R+3)", len(b))
	}
	R := (len(b)/32 - 3) / 4
	if R > 65536 {
		return nil, fmt.Errorf("range proof: R = %d above 65536", R)
	}
	p := &rangeProof{R: R}
	k := 0
	next := func() []byte { x := b[32*k : 32*k+32]; k++; return x }
	for j := 0; j < 2*(R+1); j++ {
		x := next()
		if _, err := element(x); err != nil {
			return nil, fmt.Errorf("field commitment %d: %w", j, err)
		}
		p.commitments = append(p.commitments, x)
	}
	for j := 0; j < R; j++ {
		s, err := scalar(next())
		if err != nil {
			return nil, fmt.Errorf("field challenge c[%d]: %w", j, err)
		}
		p.c = append(p.c, s)
	}
	for j := 0; j <= R; j++ {
		s, err := scalar(next())
		if err != nil {
			return nil, fmt.Errorf("field response v[%d]: %w", j, err)
		}
		p.v = append(p.v, s)
	}
	return p, nil
}

func rangeStatement(tr *transcript, K []byte, ct []byte, R int) {
	tr.bytes("proof", []byte("range"))
	tr.elementBytes("public-key", K)
	tr.elementBytes("ciphertext-a", ct[:32])
	tr.elementBytes("ciphertext-b", ct[32:64])
	tr.integer("range-max", uint64(R))
}

// verifyRange checks that the 64-byte ciphertext ct encrypts a value in 0..R
// under the key with encoding K.
func verifyRange(tr *transcript, K, ct []byte, R int, p *rangeProof) error {
	if p.R != R {
		return fmt.Errorf("range proof has R = %d, the statement %d", p.R, R)
	}
	key, err := element(K)
	if err != nil {
		return err
	}
	A, err := element(ct[:32])
	if err != nil {
		return err
	}
	B, err := element(ct[32:])
	if err != nil {
		return err
	}
	rangeStatement(tr, K, ct, R)
	tr.elementsBytes("commitments", p.commitments)
	c := tr.challenge("challenge")
	cR := c
	for _, cj := range p.c {
		cR = ssub(cR, cj)
	}
	cs := append(append([]*r255.Scalar(nil), p.c...), cR)
	for j := 0; j <= R; j++ {
		a, _ := element(p.commitments[2*j])
		b, _ := element(p.commitments[2*j+1])
		if !eq(mulG(p.v[j]), add(a, mul(cs[j], A))) {
			return fmt.Errorf("range proof: branch %d: v·G ≠ a + c·A", j)
		}
		Bj := sub(B, mulG(scalarUint(uint64(j))))
		if !eq(mul(p.v[j], key), add(b, mul(cs[j], Bj))) {
			return fmt.Errorf("range proof: branch %d: v·K ≠ b + c·(B − j·G)", j)
		}
	}
	return nil
}

// encryptWithRangeProof is EncryptWithRangeProof written from 30-proofs.md
// ("Proving" and "Nonces"): it returns the ciphertext and the proof bytes.
func encryptWithRangeProof(tr *transcript, seed []byte, key *r255.Element, m uint64, R int) (ct, proof []byte) {
	r := nonceScalar(seed, "encryption", 0)
	ct = encryptExp(key, scalarUint(m), r)
	return ct, proveRange(tr, seed, key, ct, m, r, R)
}

func encryptExp(key *r255.Element, m, r *r255.Scalar) []byte {
	A := mulG(r)
	B := add(mulG(m), mul(r, key))
	return append(enc(A), enc(B)...)
}

// proveRange proves that ct = Enc(m; r) (m given as an integer, r as a
// scalar) lies in 0..R. The encryption of a scaled sum (the exactly contest)
// passes mScalar as the value; m is then the branch.
func proveRange(tr *transcript, seed []byte, key *r255.Element, ct []byte, m uint64, r *r255.Scalar, R int) []byte {
	K := enc(key)
	in := lbl(nil, "sandogh-v1 range nonces")
	in = append(in, seed...)
	in = append(in, tr.digest()...)
	in = append(in, K...)
	in = u64(in, uint64(R))
	in = u64(in, m)
	in = append(in, encS(r)...)
	d := sha512.Sum512(in)
	seed2 := d[:32]

	two := scalarUint(2)
	mS := scalarUint(m)
	u := make([]*r255.Scalar, R+1)
	cp := make([]*r255.Scalar, R+1)
	var comms [][]byte
	for j := 0; j <= R; j++ {
		u[j] = smul(two, nonceScalar(seed2, "range commitment", uint64(j)))
		cp[j] = nonceScalar(seed2, "range challenge", uint64(j))
		a := mulG(u[j])
		b := add(mul(u[j], key), mulG(smul(cp[j], ssub(scalarUint(uint64(j)), mS))))
		comms = append(comms, enc(a), enc(b))
	}
	rangeStatement(tr, K, ct, R)
	tr.elementsBytes("commitments", comms)
	c := tr.challenge("challenge")
	cs := make([]*r255.Scalar, R+1)
	cm := c
	for j := 0; j <= R; j++ {
		if uint64(j) != m {
			cs[j] = cp[j]
			cm = ssub(cm, cp[j])
		}
	}
	cs[m] = cm
	var out []byte
	for _, x := range comms {
		out = append(out, x...)
	}
	for j := 0; j < R; j++ {
		out = append(out, encS(cs[j])...)
	}
	for j := 0; j <= R; j++ {
		out = append(out, encS(sadd(u[j], smul(cs[j], r)))...)
	}
	return out
}

func kat(protocol, bh, context string) *transcript {
	tr := newTranscript(protocol, mustHex(bh))
	tr.bytes("context", []byte(context))
	return tr
}

func TestSchnorrVectors(t *testing.T) {
	var vs []struct {
		Protocol, Context, Secret, Base, Public, Proof string
		BaseHash                                       string `json:"base_hash"`
		NonceSeed                                      string `json:"nonce_seed"`
	}
	readJSON(t, "../../proof/testdata/schnorr.json", &vs)
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	for i, v := range vs {
		base, _ := elementHex(v.Base)
		pub, _ := elementHex(v.Public)
		x, _ := scalarHex(v.Secret)
		if !eq(mul(x, base), pub) {
			t.Errorf("vector %d: public ≠ secret·base", i)
		}
		got := proveSchnorr(kat(v.Protocol, v.BaseHash, v.Context), mustHex(v.NonceSeed), base, x)
		if hex.EncodeToString(got) != v.Proof {
			t.Errorf("vector %d: proof from the spec differs:\n got %x\nwant %s", i, got, v.Proof)
		}
		p, err := parseSchnorr(mustHex(v.Proof))
		if err != nil {
			t.Fatal(err)
		}
		if err := verifySchnorr(kat(v.Protocol, v.BaseHash, v.Context), base, pub, p); err != nil {
			t.Errorf("vector %d: %v", i, err)
		}
		// Tampered: response, commitment, context.
		bad, _ := parseSchnorr(mustHex(flipHex(v.Proof, 40)))
		if verifySchnorr(kat(v.Protocol, v.BaseHash, v.Context), base, pub, bad) == nil {
			t.Errorf("vector %d: tampered response accepted", i)
		}
		if verifySchnorr(kat(v.Protocol, v.BaseHash, v.Context+"x"), base, pub, p) == nil {
			t.Errorf("vector %d: proof accepted in another context", i)
		}
		if verifySchnorr(kat(v.Protocol, v.BaseHash, v.Context), base, add(pub, gen()), p) == nil {
			t.Errorf("vector %d: proof accepted for another statement", i)
		}
	}
}

func TestChaumPedersenVectors(t *testing.T) {
	var vs []struct {
		Protocol, Context, Secret             string
		Base1, Public1, Base2, Public2, Proof string
		BaseHash                              string `json:"base_hash"`
		NonceSeed                             string `json:"nonce_seed"`
	}
	readJSON(t, "../../proof/testdata/chaum_pedersen.json", &vs)
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	for i, v := range vs {
		g1, _ := elementHex(v.Base1)
		x1, _ := elementHex(v.Public1)
		g2, _ := elementHex(v.Base2)
		x2, _ := elementHex(v.Public2)
		x, _ := scalarHex(v.Secret)
		got := proveCP(kat(v.Protocol, v.BaseHash, v.Context), mustHex(v.NonceSeed), g1, g2, x)
		if hex.EncodeToString(got) != v.Proof {
			t.Errorf("vector %d: proof from the spec differs:\n got %x\nwant %s", i, got, v.Proof)
		}
		p, err := parseCP(mustHex(v.Proof))
		if err != nil {
			t.Fatal(err)
		}
		if err := verifyCP(kat(v.Protocol, v.BaseHash, v.Context), g1, x1, g2, x2, p); err != nil {
			t.Errorf("vector %d: %v", i, err)
		}
		bad, _ := parseCP(mustHex(flipHex(v.Proof, 70)))
		if verifyCP(kat(v.Protocol, v.BaseHash, v.Context), g1, x1, g2, x2, bad) == nil {
			t.Errorf("vector %d: tampered response accepted", i)
		}
		if verifyCP(kat(v.Protocol, v.BaseHash, v.Context), g1, x1, g2, add(x2, gen()), p) == nil {
			t.Errorf("vector %d: proof of a false statement accepted", i)
		}
		// The generic transcript is not a decryption share's (40-trustee.md,
		// "Decryption shares"): the same proof, as trustee 1's share D = X2
		// of a ciphertext with A = G2 under the key X1, does not verify.
		if !eq(g1, gen()) {
			continue
		}
		var l shareListJSON
		raw := fmt.Sprintf(`{"trustee": 1, "shares": [{"share": %q, "proof": {"commitment1": %q, "commitment2": %q, "response": %q}}]}`,
			v.Public2, hex.EncodeToString(p.a1), hex.EncodeToString(p.a2), hex.EncodeToString(encS(p.z)))
		if err := decodeStrict([]byte(raw), &l); err != nil {
			t.Fatal(err)
		}
		ct := append(enc(g2), enc(gen())...)
		if _, err := verifyShareList(&l, mustHex(v.BaseHash), x1, [][]byte{ct}); err == nil {
			t.Errorf("vector %d: the generic proof verifies as a decryption share", i)
		}
	}
}

func TestRangeVectors(t *testing.T) {
	var vs []struct {
		Protocol, Context, Ciphertext, Proof string
		BaseHash                             string `json:"base_hash"`
		NonceSeed                            string `json:"nonce_seed"`
		PublicKey                            string `json:"public_key"`
		Value                                uint64 `json:"value"`
		RangeMax                             int    `json:"range_max"`
		EncryptionNonce                      string `json:"encryption_nonce"`
	}
	readJSON(t, "../../proof/testdata/range.json", &vs)
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	for i, v := range vs {
		key, _ := elementHex(v.PublicKey)
		seed := mustHex(v.NonceSeed)
		if got := hex.EncodeToString(encS(nonceScalar(seed, "encryption", 0))); got != v.EncryptionNonce {
			t.Errorf("vector %d: encryption nonce %s, want %s", i, got, v.EncryptionNonce)
		}
		ct, proof := encryptWithRangeProof(kat(v.Protocol, v.BaseHash, v.Context), seed, key, v.Value, v.RangeMax)
		if hex.EncodeToString(ct) != v.Ciphertext {
			t.Errorf("vector %d: ciphertext from the spec differs", i)
		}
		if hex.EncodeToString(proof) != v.Proof {
			t.Errorf("vector %d: proof from the spec differs", i)
		}
		p, err := parseRange(mustHex(v.Proof))
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		if err := verifyRange(kat(v.Protocol, v.BaseHash, v.Context), mustHex(v.PublicKey), mustHex(v.Ciphertext), v.RangeMax, p); err != nil {
			t.Errorf("vector %d: %v", i, err)
		}
		// Tampered: a response, a challenge, the ciphertext, the range.
		n := len(mustHex(v.Proof))
		bad, _ := parseRange(mustHex(flipHex(v.Proof, n-20)))
		if verifyRange(kat(v.Protocol, v.BaseHash, v.Context), mustHex(v.PublicKey), mustHex(v.Ciphertext), v.RangeMax, bad) == nil {
			t.Errorf("vector %d: tampered response accepted", i)
		}
		bad, _ = parseRange(mustHex(flipHex(v.Proof, 64*(v.RangeMax+1)+1)))
		if verifyRange(kat(v.Protocol, v.BaseHash, v.Context), mustHex(v.PublicKey), mustHex(v.Ciphertext), v.RangeMax, bad) == nil {
			t.Errorf("vector %d: tampered challenge accepted", i)
		}
		A, _ := element(mustHex(v.Ciphertext)[:32])
		B, _ := element(mustHex(v.Ciphertext)[32:])
		ct2 := append(enc(A), enc(add(B, gen()))...)
		if verifyRange(kat(v.Protocol, v.BaseHash, v.Context), mustHex(v.PublicKey), ct2, v.RangeMax, p) == nil {
			t.Errorf("vector %d: proof accepted for another ciphertext", i)
		}
		// Soundness: an honest prover run on a value outside the range (it
		// claims branch R) is rejected.
		out := encryptExp(key, scalarUint(uint64(v.RangeMax)+1), scalarUint(7))
		forged := proveRange(kat(v.Protocol, v.BaseHash, v.Context), seed, key, out, uint64(v.RangeMax), scalarUint(7), v.RangeMax)
		fp, err := parseRange(forged)
		if err != nil {
			t.Fatal(err)
		}
		if verifyRange(kat(v.Protocol, v.BaseHash, v.Context), mustHex(v.PublicKey), out, v.RangeMax, fp) == nil {
			t.Errorf("vector %d: proof of an out-of-range value accepted", i)
		}
	}
}

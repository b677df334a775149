package elgamal

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gtank "github.com/gtank/ristretto255"
	"github.com/sandogh/sandogh/group"
)

var update = flag.Bool("update", false, "rewrite the known-answer vectors in testdata/")

// vectorDST is the domain separation tag from which the fixed inputs of the
// known-answer vectors are hashed.
const vectorDST = "sandogh-v1 elgamal test vectors"

func fixedScalar(label string) *group.Scalar {
	return group.HashToScalar([]byte(label), []byte(vectorDST))
}

type encryptionVector struct {
	M                 uint64 `json:"m"`
	Nonce             string `json:"r"`
	Ciphertext        string `json:"ciphertext"`
	ReEncryptionNonce string `json:"reencryption_nonce"`
	ReEncryption      string `json:"reencryption"`
	Decryption        string `json:"decryption"`
}

type embeddingVector struct {
	Data    string `json:"data"`
	Counter int    `json:"counter"`
	Element string `json:"element"`
}

type packingVector struct {
	MaxCodes int      `json:"max_codes"`
	MaxCode  uint32   `json:"max_code"`
	Codes    []uint32 `json:"codes"`
	Elements []string `json:"elements"`
}

type invalidCiphertextVector struct {
	Encoding string `json:"encoding"`
	Field    string `json:"field"` // "A", "B" or "length"
}

type invalidEmbeddingVector struct {
	Encoding string `json:"encoding"`
	Error    string `json:"error"`
}

type vectorFile struct {
	Comment           string                    `json:"comment"`
	SecretKey         string                    `json:"secret_key"`
	PublicKey         string                    `json:"public_key"`
	Encryptions       []encryptionVector        `json:"encryptions"`
	Embeddings        []embeddingVector         `json:"embeddings"`
	Packings          []packingVector           `json:"packings"`
	InvalidCiphertext []invalidCiphertextVector `json:"invalid_ciphertexts"`
	InvalidEmbedding  []invalidEmbeddingVector  `json:"invalid_embeddings"`
}

func hexText(m interface{ MarshalText() ([]byte, error) }) string {
	b, _ := m.MarshalText()
	return string(b)
}

func generateVectors(t *testing.T) *vectorFile {
	v := &vectorFile{Comment: "Known-answer vectors of package elgamal; see docs/spec.md, section ElGamal. " +
		"Fixed scalars are HashToScalar(label, \"" + vectorDST + "\") with the labels \"secret key\", " +
		"\"nonce <i>\" and \"re-encryption nonce <i>\" for encryption i. Elements and scalars are hex of " +
		"their canonical encodings; data and codes as given."}
	sk, err := NewSecretKey(fixedScalar("secret key"))
	if err != nil {
		t.Fatal(err)
	}
	pk := sk.PublicKey()
	v.SecretKey, v.PublicKey = hexText(sk), hexText(pk)
	for i, m := range []uint64{0, 1, 2, 1_000_000, 1<<64 - 1} {
		r := fixedScalar(fmt.Sprintf("nonce %d", i))
		s := fixedScalar(fmt.Sprintf("re-encryption nonce %d", i))
		c := pk.Encrypt(new(group.Scalar).SetUint64(m), r)
		v.Encryptions = append(v.Encryptions, encryptionVector{
			M: m, Nonce: hexText(r), Ciphertext: hexText(c),
			ReEncryptionNonce: hexText(s), ReEncryption: hexText(pk.ReEncrypt(c, s)),
			Decryption: hexText(sk.Decrypt(c)),
		})
	}

	for _, data := range []string{"", "A", "Ada Lovelace", "0123456789abcdefghijklmnopqrst", strings.Repeat("\xff", 30)} {
		M, err := Embed([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		enc := M.Bytes()
		v.Embeddings = append(v.Embeddings, embeddingVector{
			Data: hex.EncodeToString([]byte(data)), Counter: int(enc[31]) | int(enc[0]>>6)<<7, Element: hexText(M),
		})
	}

	for _, p := range []packingVector{
		{MaxCodes: 21, MaxCode: 400, Codes: []uint32{17, 400, 1, 256, 255, 3, 99, 120, 211, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 399}},
		{MaxCodes: 21, MaxCode: 400, Codes: []uint32{}},
		{MaxCodes: 50, MaxCode: 10000, Codes: []uint32{1, 10000, 4242, 9999, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}},
	} {
		elems, err := PackCodes(p.Codes, p.MaxCodes, p.MaxCode)
		if err != nil {
			t.Fatal(err)
		}
		for _, M := range elems {
			p.Elements = append(p.Elements, hexText(M))
		}
		v.Packings = append(v.Packings, p)
	}

	good := v.Encryptions[1].Ciphertext
	negative := "01" + strings.Repeat("00", 31)
	notReduced := "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" // p itself
	for _, c := range []invalidCiphertextVector{
		{negative + good[64:], "A"},
		{good[:64] + notReduced, "B"},
		{good[:64] + good[64:126] + "ff", "B"}, // top bit set
		{good[:126], "length"},
	} {
		b, _ := hex.DecodeString(c.Encoding)
		_, err := new(Ciphertext).SetCanonicalBytes(b)
		want := "field " + c.Field + ": "
		if c.Field == "length" {
			want = "encoding is 63 bytes"
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("invalid ciphertext %s: error %v, want %q", c.Encoding, err, want)
		}
		v.InvalidCiphertext = append(v.InvalidCiphertext, c)
	}
	// Elements that decode but do not follow the embedding layout: the first
	// decoding counter for a length field of 31, and for data "abc" with a
	// non-zero padding byte 17.
	for _, layout := range [][]byte{
		append([]byte{31 << 1}, make([]byte, 31)...),
		append(append([]byte{3 << 1}, "abc\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"...), make([]byte, 14)...),
	} {
		var cand [32]byte
		copy(cand[:], layout)
		M := group.NewElement()
		if embedSearch(M, &cand, embedCounters, (*group.Element).TrySetCanonicalBytes) != 1 {
			t.Fatal("no counter decodes")
		}
		_, err := Extract(M)
		if err == nil {
			t.Fatal("Extract accepted an invalid layout")
		}
		v.InvalidEmbedding = append(v.InvalidEmbedding, invalidEmbeddingVector{Encoding: hexText(M), Error: err.Error()})
	}
	return v
}

func TestKnownAnswerVectors(t *testing.T) {
	v := generateVectors(t)
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	e.SetIndent("", "  ")
	if err := e.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "vectors.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestKnownAnswerVectors -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("regenerated vectors differ from %s; if the change is intended, rerun with -update and review the diff", path)
	}
}

// TestVectorsIndependently checks the stored vectors with
// github.com/gtank/ristretto255 as the group implementation: encryption,
// re-encryption and decryption computed from the stored scalars, and the
// embedding and packing layouts read from the stored encodings.
func TestVectorsIndependently(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	sc := func(h string) *gtank.Scalar {
		b, _ := hex.DecodeString(h)
		s, err := gtank.NewScalar().SetCanonicalBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	el := func(h string) *gtank.Element {
		b, _ := hex.DecodeString(h)
		e, err := gtank.NewIdentityElement().SetCanonicalBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	enc := func(e *gtank.Element) string { return hex.EncodeToString(e.Bytes()) }
	base := func(s *gtank.Scalar) *gtank.Element { return gtank.NewIdentityElement().ScalarBaseMult(s) }

	x := sc(v.SecretKey)
	K := base(x)
	if enc(K) != v.PublicKey {
		t.Fatal("public key differs")
	}
	for _, e := range v.Encryptions {
		var mb [32]byte
		for i := 0; i < 8; i++ {
			mb[i] = byte(e.M >> (8 * i))
		}
		m := sc(hex.EncodeToString(mb[:]))
		r, s := sc(e.Nonce), sc(e.ReEncryptionNonce)
		A := base(r)
		B := gtank.NewIdentityElement().Add(base(m), gtank.NewIdentityElement().ScalarMult(r, K))
		if enc(A)+enc(B) != e.Ciphertext {
			t.Fatalf("m=%d: ciphertext differs", e.M)
		}
		A2 := gtank.NewIdentityElement().Add(A, base(s))
		B2 := gtank.NewIdentityElement().Add(B, gtank.NewIdentityElement().ScalarMult(s, K))
		if enc(A2)+enc(B2) != e.ReEncryption {
			t.Fatalf("m=%d: re-encryption differs", e.M)
		}
		if enc(base(m)) != e.Decryption {
			t.Fatalf("m=%d: decryption differs", e.M)
		}
		D := gtank.NewIdentityElement().Subtract(el(e.Ciphertext[64:]), gtank.NewIdentityElement().ScalarMult(x, el(e.Ciphertext[:64])))
		if enc(D) != e.Decryption {
			t.Fatalf("m=%d: B − xA differs", e.M)
		}
	}
	for _, e := range v.Embeddings {
		b, _ := hex.DecodeString(e.Element)
		data, _ := hex.DecodeString(e.Data)
		el(e.Element) // decodes
		want := make([]byte, 32)
		want[0] = byte(len(data))<<1 | byte(e.Counter>>7)<<6
		copy(want[1:], data)
		want[31] = byte(e.Counter & 0x7f)
		if !bytes.Equal(b, want) {
			t.Fatalf("embedding of %q does not follow the layout", e.Data)
		}
	}
	for _, p := range v.Packings {
		// Read the slots straight from the encodings: bytes 1..30 of each
		// element form a little-endian 240-bit integer of ⌊240/b⌋ slots.
		b := 0
		for (uint64(1) << b) <= uint64(p.MaxCode) {
			b++
		}
		per := 240 / b
		var slots []uint32
		for _, h := range p.Elements {
			e, _ := hex.DecodeString(h)
			if int(e[0]>>1)&0x1f != 30 {
				t.Fatal("packed element does not carry 30 bytes")
			}
			for k := 0; k < per; k++ {
				var v uint32
				for bit := 0; bit < b; bit++ {
					pos := k*b + bit
					v |= uint32(e[1+pos/8]>>(pos%8)&1) << bit
				}
				slots = append(slots, v)
			}
		}
		for i, c := range p.Codes {
			if slots[i] != c {
				t.Fatalf("packing: slot %d is %d, want %d", i, slots[i], c)
			}
		}
		for i := len(p.Codes); i < len(slots); i++ {
			if slots[i] != 0 {
				t.Fatalf("packing: slot %d is not empty", i)
			}
		}
	}
}

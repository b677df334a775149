package proof

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

var update = flag.Bool("update", false, "rewrite the known-answer vectors in testdata/")

// The known-answer vectors are generated from fixed seeds by the functions
// below. TestKnownAnswers regenerates them and compares with testdata/ byte
// for byte (go test -run TestKnownAnswers -update rewrites them), and checks
// the stored proofs with the verifiers, so that another implementation can
// check its transcript, nonces and proofs against these files.

// katNonces is the nonce source of every vector: seed = 32 bytes 00 01 … 1f.
func katNonces() *Nonces {
	seed := make([]byte, 32)
	for i := range seed {
		seed[i] = byte(i)
	}
	n, _ := NewNonces(seed)
	return n
}

const (
	katProtocol = "sandogh-v1 known-answer test"
	katBaseHash = "7f8c3c5a7e3a1b1d0f2e4d6c8b0a9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615141312111009080706050403020100ffeeddccbbaa9988"
)

func katTranscript(context string) *Transcript {
	base, _ := hex.DecodeString(katBaseHash)
	t := NewTranscript(katProtocol, base)
	t.AppendBytes("context", []byte(context))
	return t
}

func h(b []byte) string { return hex.EncodeToString(b) }

// transcriptField is one field of a transcript vector.
type transcriptField struct {
	Type   string   `json:"type"`
	Name   string   `json:"name"`
	Value  string   `json:"value,omitempty"`  // element, scalar, bytes: hex; uint64: decimal
	Values []string `json:"values,omitempty"` // elements, scalars: hex
	Count  int      `json:"count,omitempty"`  // challenges
	// Output is the challenge (hex), or the challenges, drawn by this field.
	Output  string   `json:"output,omitempty"`
	Outputs []string `json:"outputs,omitempty"`
}

type transcriptVector struct {
	Protocol string            `json:"protocol"`
	BaseHash string            `json:"base_hash"`
	Fields   []transcriptField `json:"fields"`
	// Absorbed is every byte that SHA-512 absorbed, in order.
	Absorbed string `json:"absorbed"`
}

func genTranscriptVectors() []transcriptVector {
	n := katNonces()
	e1 := group.NewGeneratorElement()
	e2 := group.NewElement().ScalarBaseMult(n.Scalar("kat element", 2))
	s1 := n.Scalar("kat scalar", 1)
	s2 := scalarOf(7)
	fields := []transcriptField{
		{Type: "element", Name: "generator", Value: h(e1.Bytes())},
		{Type: "scalar", Name: "scalar", Value: h(s1.Bytes())},
		{Type: "bytes", Name: "ballot-id", Value: h([]byte("ballot 0042"))},
		{Type: "bytes", Name: "empty", Value: ""},
		{Type: "uint64", Name: "index", Value: "1234567890123456789"},
		{Type: "elements", Name: "list", Values: []string{h(e1.Bytes()), h(e2.Bytes())}},
		{Type: "scalars", Name: "scalar-list", Values: []string{h(s1.Bytes()), h(s2.Bytes())}},
		{Type: "challenge", Name: "first"},
		{Type: "challenges", Name: "many", Count: 3},
		{Type: "challenge", Name: "last"},
	}
	var out []transcriptVector
	for _, fs := range [][]transcriptField{nil, fields} {
		base, _ := hex.DecodeString(katBaseHash)
		t := NewTranscript(katProtocol, base)
		var ref []refField
		v := transcriptVector{Protocol: katProtocol, BaseHash: katBaseHash, Fields: []transcriptField{}}
		for _, f := range fs {
			val, _ := hex.DecodeString(f.Value)
			switch f.Type {
			case "element":
				e, _ := group.NewElement().SetCanonicalBytes(val)
				t.AppendElement(f.Name, e)
				ref = append(ref, refField{typ: 1, name: f.Name, value: val})
			case "scalar":
				s, _ := group.NewScalar().SetCanonicalBytes(val)
				t.AppendScalar(f.Name, s)
				ref = append(ref, refField{typ: 2, name: f.Name, value: val})
			case "bytes":
				t.AppendBytes(f.Name, val)
				ref = append(ref, refField{typ: 3, name: f.Name, value: val})
			case "uint64":
				u, _ := strconv.ParseUint(f.Value, 10, 64)
				t.AppendUint64(f.Name, u)
				ref = append(ref, refField{typ: 4, name: f.Name, value: binary.BigEndian.AppendUint64(nil, u)})
			case "elements":
				var es []*group.Element
				var all []byte
				for _, x := range f.Values {
					b, _ := hex.DecodeString(x)
					e, _ := group.NewElement().SetCanonicalBytes(b)
					es = append(es, e)
					all = append(all, b...)
				}
				t.AppendElements(f.Name, es)
				ref = append(ref, refField{typ: 5, name: f.Name, value: all, count: uint64(len(es))})
			case "scalars":
				var ss []*group.Scalar
				var all []byte
				for _, x := range f.Values {
					b, _ := hex.DecodeString(x)
					s, _ := group.NewScalar().SetCanonicalBytes(b)
					ss = append(ss, s)
					all = append(all, b...)
				}
				t.AppendScalars(f.Name, ss)
				ref = append(ref, refField{typ: 6, name: f.Name, value: all, count: uint64(len(ss))})
			case "challenge":
				f.Output = h(t.Challenge(f.Name).Bytes())
				ref = append(ref, refField{typ: 7, name: f.Name})
			case "challenges":
				for _, c := range t.Challenges(f.Name, f.Count) {
					f.Outputs = append(f.Outputs, h(c.Bytes()))
				}
				ref = append(ref, refField{typ: 8, name: f.Name, count: uint64(f.Count)})
			}
			v.Fields = append(v.Fields, f)
		}
		if fs == nil {
			v.Fields = append(v.Fields, transcriptField{Type: "challenge", Name: "only", Output: h(t.Challenge("only").Bytes())})
			ref = append(ref, refField{typ: 7, name: "only"})
		}
		stream, _ := refEncode(katProtocol, base, ref)
		v.Absorbed = h(stream)
		out = append(out, v)
	}
	return out
}

type noncesVector struct {
	Seed    string `json:"seed"`
	Label   string `json:"label"`
	Index   uint64 `json:"index"`
	Scalar  string `json:"scalar"`
	Child   string `json:"child_seed"`
	Comment string `json:"comment,omitempty"`
}

func genNoncesVectors() []noncesVector {
	n := katNonces()
	var out []noncesVector
	for _, c := range []struct {
		label string
		index uint64
	}{{"encryption", 0}, {"selection", 3}, {"", 1 << 40}} {
		out = append(out, noncesVector{
			Seed: h(n.Seed()), Label: c.label, Index: c.index,
			Scalar: h(n.Scalar(c.label, c.index).Bytes()),
			Child:  h(n.Child(c.label, c.index).Seed()),
		})
	}
	return out
}

type schnorrVector struct {
	Protocol string `json:"protocol"`
	BaseHash string `json:"base_hash"`
	Context  string `json:"context"` // the bytes field "context", as text
	Seed     string `json:"nonce_seed"`
	Secret   string `json:"secret"`
	Base     string `json:"base"`
	Public   string `json:"public"`
	Proof    string `json:"proof"`
}

func genSchnorrVectors() []schnorrVector {
	n := katNonces()
	var out []schnorrVector
	for i, B := range []*group.Element{group.NewGeneratorElement(), group.Generator("sandogh-v1 kat", []byte("kat election"), 0)} {
		x := n.Scalar("kat schnorr secret", uint64(i))
		X := group.NewElement().ScalarMult(x, B)
		ctx := "schnorr " + strconv.Itoa(i)
		p := ProveSchnorr(katTranscript(ctx), B, X, x, n)
		out = append(out, schnorrVector{katProtocol, katBaseHash, ctx, h(n.Seed()), h(x.Bytes()), h(B.Bytes()), h(X.Bytes()), h(p.Bytes())})
	}
	return out
}

type chaumPedersenVector struct {
	Protocol string `json:"protocol"`
	BaseHash string `json:"base_hash"`
	Context  string `json:"context"`
	Seed     string `json:"nonce_seed"`
	Secret   string `json:"secret"`
	Base1    string `json:"base1"`
	Public1  string `json:"public1"`
	Base2    string `json:"base2"`
	Public2  string `json:"public2"`
	Proof    string `json:"proof"`
}

func genChaumPedersenVectors() []chaumPedersenVector {
	n := katNonces()
	x := n.Scalar("kat trustee secret", 0)
	sk, _ := elgamal.NewSecretKey(x)
	ct := sk.PublicKey().Encrypt(scalarOf(3), n.Scalar("kat nonce", 0))
	G := group.NewGeneratorElement()
	K := sk.PublicKey().Element()
	d := group.NewElement().ScalarMult(x, &ct.A)
	// The generic transcript, with a statement shaped like a decryption
	// share; package trustee's share lists have a transcript of their own
	// (trustee/testdata/vectors.json).
	ctx := "generic chaum-pedersen, statement (G, x·G, A, x·A)"
	p := ProveChaumPedersen(katTranscript(ctx), G, K, &ct.A, d, x, n)
	return []chaumPedersenVector{{katProtocol, katBaseHash, ctx, h(n.Seed()), h(x.Bytes()), h(G.Bytes()), h(K.Bytes()), h(ct.A.Bytes()), h(d.Bytes()), h(p.Bytes())}}
}

type rangeVector struct {
	Protocol   string `json:"protocol"`
	BaseHash   string `json:"base_hash"`
	Context    string `json:"context"`
	Seed       string `json:"nonce_seed"`
	PublicKey  string `json:"public_key"`
	Value      uint64 `json:"value"`
	Max        uint64 `json:"range_max"`
	Nonce      string `json:"encryption_nonce"`
	Ciphertext string `json:"ciphertext"`
	Proof      string `json:"proof"`
}

func genRangeVectors() []rangeVector {
	n := katNonces()
	sk, _ := elgamal.NewSecretKey(n.Scalar("kat election secret", 0))
	pk := sk.PublicKey()
	var out []rangeVector
	for i, c := range []struct{ m, R uint64 }{{0, 1}, {1, 1}, {2, 3}, {5, 5}} {
		nn := n.Child("kat selection", uint64(i))
		ctx := "selection " + strconv.Itoa(i)
		ct, p, err := EncryptWithRangeProof(katTranscript(ctx), pk, c.m, c.R, nn)
		if err != nil {
			panic(err)
		}
		out = append(out, rangeVector{katProtocol, katBaseHash, ctx, h(nn.Seed()), h(pk.Bytes()), c.m, c.R,
			h(nn.Scalar("encryption", 0).Bytes()), h(ct.Bytes()), h(p.Bytes())})
	}
	return out
}

func katFiles() map[string]any {
	return map[string]any{
		"transcript.json":     genTranscriptVectors(),
		"nonces.json":         genNoncesVectors(),
		"schnorr.json":        genSchnorrVectors(),
		"chaum_pedersen.json": genChaumPedersenVectors(),
		"range.json":          genRangeVectors(),
	}
}

func TestKnownAnswers(t *testing.T) {
	for name, v := range katFiles() {
		got, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestKnownAnswers -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: regenerated vectors differ from the stored ones", path)
		}
	}
}

func readKAT(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func element(t *testing.T, s string) *group.Element {
	t.Helper()
	e, err := group.NewElement().SetCanonicalBytes(unhex(t, s))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func vectorTranscript(t *testing.T, protocol, baseHash, context string) *Transcript {
	tr := NewTranscript(protocol, unhex(t, baseHash))
	tr.AppendBytes("context", []byte(context))
	return tr
}

// TestKnownAnswerProofsVerify decodes the stored vectors and checks them
// with the verifiers and the batch verifier, independently of the prover.
func TestKnownAnswerProofsVerify(t *testing.T) {
	var tvs []transcriptVector
	readKAT(t, "transcript.json", &tvs)
	for i, v := range tvs {
		// The absorbed bytes hash to the final challenge.
		stream := unhex(t, v.Absorbed)
		parsed, err := refParse(stream)
		if err != nil || len(parsed) != len(v.Fields)+2 {
			t.Fatalf("transcript vector %d: absorbed bytes do not parse into its fields: %v", i, err)
		}
		last := v.Fields[len(v.Fields)-1]
		d := stream[len(stream)-64:]
		s, _ := group.NewScalar().SetUniformBytes(d)
		if h(s.Bytes()) != last.Output {
			t.Errorf("transcript vector %d: final challenge is not the reduced digest at the end of the absorbed bytes", i)
		}
	}

	b := NewBatchVerifier()
	var svs []schnorrVector
	readKAT(t, "schnorr.json", &svs)
	for i, v := range svs {
		p, err := new(Schnorr).SetCanonicalBytes(unhex(t, v.Proof))
		if err != nil {
			t.Fatal(err)
		}
		B, X := element(t, v.Base), element(t, v.Public)
		if err := p.Verify(vectorTranscript(t, v.Protocol, v.BaseHash, v.Context), B, X); err != nil {
			t.Errorf("Schnorr vector %d: %v", i, err)
		}
		b.AddSchnorr(vectorTranscript(t, v.Protocol, v.BaseHash, v.Context), B, X, p)
	}
	var cvs []chaumPedersenVector
	readKAT(t, "chaum_pedersen.json", &cvs)
	for i, v := range cvs {
		p, err := new(ChaumPedersen).SetCanonicalBytes(unhex(t, v.Proof))
		if err != nil {
			t.Fatal(err)
		}
		G1, X1, G2, X2 := element(t, v.Base1), element(t, v.Public1), element(t, v.Base2), element(t, v.Public2)
		if err := p.Verify(vectorTranscript(t, v.Protocol, v.BaseHash, v.Context), G1, X1, G2, X2); err != nil {
			t.Errorf("Chaum–Pedersen vector %d: %v", i, err)
		}
		b.AddChaumPedersen(vectorTranscript(t, v.Protocol, v.BaseHash, v.Context), G1, X1, G2, X2, p)
	}
	var rvs []rangeVector
	readKAT(t, "range.json", &rvs)
	for i, v := range rvs {
		pk, err := elgamal.ParsePublicKey(unhex(t, v.PublicKey))
		if err != nil {
			t.Fatal(err)
		}
		ct, err := new(elgamal.Ciphertext).SetCanonicalBytes(unhex(t, v.Ciphertext))
		if err != nil {
			t.Fatal(err)
		}
		r, err := group.NewScalar().SetCanonicalBytes(unhex(t, v.Nonce))
		if err != nil {
			t.Fatal(err)
		}
		if ct.Equal(pk.Encrypt(scalarOf(v.Value), r)) != 1 {
			t.Errorf("range vector %d: the ciphertext is not Enc(value; nonce)", i)
		}
		p, err := new(RangeProof).SetCanonicalBytes(unhex(t, v.Proof))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Verify(vectorTranscript(t, v.Protocol, v.BaseHash, v.Context), pk, ct, v.Max); err != nil {
			t.Errorf("range vector %d: %v", i, err)
		}
		b.AddRange(vectorTranscript(t, v.Protocol, v.BaseHash, v.Context), pk, ct, v.Max, p)
	}
	if bad, err := b.Verify(); err != nil {
		t.Errorf("batch of all vectors: %v %v", bad, err)
	}
}

package mixnet

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

const vectorsFile = "testdata/vectors.json"

// shuffleVector is one known-answer test of docs/spec.md §Mixnet.
// Inputs: secretKey (the election key, to decrypt), baseHash, cascade (the
// cascade identifier), stage, nonceSeed (the mix server's proof.Nonces
// seed), serverSeed (its Ed25519 seed) and input (the Rows encoding). The
// rest is the expected output, with intermediate values for independent
// implementations: the prover-nonce challenge (its 32-byte encoding), the
// generators h_0..h_n, the permutation (output row i is input row
// permutation[i]), the challenges u and c, and the batch weights.
type shuffleVector struct {
	Name            string   `json:"name"`
	SecretKey       string   `json:"secretKey"`
	PublicKey       string   `json:"publicKey"`
	BaseHash        string   `json:"baseHash"`
	Cascade         string   `json:"cascade"`
	Stage           uint32   `json:"stage"`
	NonceSeed       string   `json:"nonceSeed"`
	ServerSeed      string   `json:"serverSeed"`
	Input           string   `json:"input"`
	InputDigest     string   `json:"inputDigest"`
	ProverChallenge string   `json:"proverChallenge"`
	Generators      []string `json:"generators"`
	Permutation     []uint32 `json:"permutation"`
	U               []string `json:"u"`
	C               string   `json:"c"`
	Weights         []string `json:"weights"`
	Output          string   `json:"output"`
	OutputDigest    string   `json:"outputDigest"`
	Proof           string   `json:"proof"`
	ProofDigest     string   `json:"proofDigest"`
	StageHash       string   `json:"stageHash"`
	Signature       string   `json:"signature"`
	StageBytes      string   `json:"stageBytes"`
}

func seed32(label string) []byte {
	d := sha512.Sum512([]byte(label))
	return d[:32]
}

func makeVector(t *testing.T, name string, n, w int, cascade []byte, stage uint32) shuffleVector {
	x, err := group.NewScalar().SetUniformBytes(bytes.Repeat(seed32("sandogh-v1 mixnet vector key "+name), 2))
	if err != nil {
		t.Fatal(err)
	}
	sk, err := elgamal.NewSecretKey(x)
	if err != nil {
		t.Fatal(err)
	}
	pk := sk.PublicKey()
	baseHash := seed32("sandogh-v1 mixnet vector base hash " + name)
	p := &Params{BaseHash: baseHash, Cascade: cascade, PublicKey: pk}
	rows := make([][]*elgamal.Ciphertext, n)
	for i := range rows {
		rows[i] = make([]*elgamal.Ciphertext, w)
		for k := range rows[i] {
			r, _ := group.NewScalar().SetUniformBytes(bytes.Repeat(seed32(name+" input nonce "+string(rune('a'+i*w+k))), 2))
			rows[i][k] = pk.Encrypt(group.NewScalar().SetUint64(uint64(100*i+k)), r)
		}
	}
	in, err := NewRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	nonceSeed := seed32("sandogh-v1 mixnet vector nonces " + name)
	serverSeed := seed32("sandogh-v1 mixnet vector server " + name)
	nonces, _ := proof.NewNonces(nonceSeed)
	st, err := Mix(p, stage, ed25519.NewKeyFromSeed(serverSeed), in, nonces)
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.Proof.decoded()
	if err != nil {
		t.Fatal(err)
	}
	v := newVerifier(p, stage, in, st.Output, st.Proof, d)
	pi := drawWitness(stageNonces(p, stage, in, nonces), n, w).pi

	hx := func(b []byte) string { return hex.EncodeToString(b) }
	vec := shuffleVector{
		Name: name, SecretKey: hx(x.Bytes()), PublicKey: hx(pk.Bytes()), BaseHash: hx(baseHash), Cascade: hx(cascade),
		ProverChallenge: hx(proverChallenge(p, stage, in).Bytes()),
		Stage:           stage, NonceSeed: hx(nonceSeed), ServerSeed: hx(serverSeed),
		Input: hx(in.Bytes()), Permutation: pi, C: hx(v.c.Bytes()),
		Output: hx(st.Output.Bytes()), Proof: hx(st.Proof.Bytes()),
		Signature: hx(st.Signature), StageBytes: hx(st.Bytes()),
	}
	ind, outd, prd, sh := in.Digest(), st.Output.Digest(), st.Proof.Digest(), st.Hash(p)
	vec.InputDigest, vec.OutputDigest, vec.ProofDigest, vec.StageHash = hx(ind[:]), hx(outd[:]), hx(prd[:]), hx(sh[:])
	for _, g := range CommitmentGenerators(baseHash, stage, n) {
		vec.Generators = append(vec.Generators, hx(g.Bytes()))
	}
	for _, u := range v.u {
		vec.U = append(vec.U, hx(u.Bytes()))
	}
	wt := v.weights
	all := append(append(append([]group.Scalar(nil), wt.a[:]...), wt.a4...), wt.gamma...)
	for i := range all {
		vec.Weights = append(vec.Weights, hx(all[i].Bytes()))
	}
	return vec
}

func TestVectors(t *testing.T) {
	vecs := []shuffleVector{
		makeVector(t, "three rows of width 1", 3, 1, CascadeID(1, "council"), 0),
		makeVector(t, "four rows of width 2", 4, 2, CascadeID(2, "village council"), 1),
	}
	got, err := json.MarshalIndent(vecs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(vectorsFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(vectorsFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("regenerated vectors differ from %s (run with -update if the change is intended)", vectorsFile)
	}
}

// TestVectorsVerify checks the stored vectors the way an independent
// verifier would: from the stored bytes only, with no prover code.
func TestVectorsVerify(t *testing.T) {
	data, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var vecs []shuffleVector
	if err := json.Unmarshal(data, &vecs); err != nil {
		t.Fatal(err)
	}
	unhex := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, v := range vecs {
		pk, err := elgamal.ParsePublicKey(unhex(v.PublicKey))
		if err != nil {
			t.Fatal(err)
		}
		p := &Params{BaseHash: unhex(v.BaseHash), Cascade: unhex(v.Cascade), PublicKey: pk}
		in, err := ParseRows(unhex(v.Input))
		if err != nil {
			t.Fatal(err)
		}
		st, err := ParseStage(unhex(v.StageBytes))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Verify(p, in); err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if v.Stage == 0 {
			server := ed25519.NewKeyFromSeed(unhex(v.ServerSeed)).Public().(ed25519.PublicKey)
			out, verdicts, err := VerifyCascade(p, []ed25519.PublicKey{server}, 1, in, []*Stage{st})
			if err != nil || !verdicts[0].Accepted || hex.EncodeToString(out.Bytes()) != v.Output {
				t.Fatalf("%s: %v %v", v.Name, err, verdicts)
			}
		}
		// The permutation in the vector explains the output.
		x, _ := group.NewScalar().SetCanonicalBytes(unhex(v.SecretKey))
		sk, _ := elgamal.NewSecretKey(x)
		for i, j := range v.Permutation {
			for k := range in.Width() {
				if sk.Decrypt(st.Output.Row(i)[k]).Equal(sk.Decrypt(in.Row(int(j))[k])) != 1 {
					t.Fatalf("%s: output row %d is not input row %d", v.Name, i, j)
				}
			}
		}
	}
}

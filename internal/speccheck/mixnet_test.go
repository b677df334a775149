package speccheck

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/cloudflare/circl/expander"
	r255 "github.com/gtank/ristretto255"
)

// The mixnet of docs/spec.md, "Mixnet": rows, stages, commitment generators,
// the Terelius–Wikström proof and its transcript, checked equation by
// equation (the spec's batch is an optimisation; its weights are recomputed
// against the vectors only).

// hashToElement is RFC 9380 ristretto255_XMD:SHA-512_R255MAP_RO_.
func hashToElement(msg []byte, dst string) *r255.Element {
	u := expander.NewExpanderMD(crypto.SHA512, []byte(dst)).Expand(msg, 64)
	return r255.NewElement().FromUniformBytes(u)
}

// generator is the group section's Generator(tag, id, index).
func generator(tag string, id []byte, index uint64) *r255.Element {
	m := lbl(nil, tag)
	m = bytesField(m, id)
	m = u64(m, index)
	return hashToElement(m, "sandogh-v1 generator")
}

// cascadeID is the identifier of the cascade of the contest at position i
// of the manifest with identifier id ("Encodings", "Cascade identifier").
func cascadeID(i uint32, id string) []byte {
	b := lbl(nil, "sandogh-v1 mixnet cascade")
	b = u32(b, i)
	return str(b, id)
}

// mixGenerators returns h, h_1 … h_n for stage index: twice the hashed
// elements.
func mixGenerators(baseHash []byte, index uint32, n int) []*r255.Element {
	id := u32(append([]byte(nil), baseHash...), index)
	out := make([]*r255.Element, n+1)
	for i := range out {
		g := generator("sandogh-v1 mixnet", id, uint64(i))
		out[i] = r255.NewElement().Add(g, g)
	}
	return out
}

// rowList is a list of n rows of width w, kept as its encoding.
type rowList struct {
	w, n int
	enc  []byte // the whole rows encoding, header included
}

func (l *rowList) ct(row, col int) []byte {
	o := 8 + 64*(row*l.w+col)
	return l.enc[o : o+64]
}

func (l *rowList) digest() []byte {
	d := sha512.Sum512(append(lbl(nil, "sandogh-v1 mixnet rows"), l.enc...))
	return d[:]
}

// newRowList encodes rows of 64-byte ciphertexts.
func newRowList(rows [][][]byte) *rowList {
	w := len(rows[0])
	b := u32(u32(nil, uint32(w)), uint32(len(rows)))
	for _, r := range rows {
		for _, ct := range r {
			b = append(b, ct...)
		}
	}
	return &rowList{w: w, n: len(rows), enc: b}
}

// parseRows decodes a rows encoding at the start of b and returns the rest.
func parseRows(b []byte) (*rowList, []byte, error) {
	if len(b) < 8 {
		return nil, nil, errors.New("rows: truncated header")
	}
	w, n := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
	if w == 0 || w > 1024 || n == 0 {
		return nil, nil, fmt.Errorf("rows: width %d, %d rows", w, n)
	}
	size := 8 + 64*uint64(n)*uint64(w)
	if uint64(len(b)) < size {
		return nil, nil, fmt.Errorf("rows: %d bytes for %d rows of width %d", len(b), n, w)
	}
	l := &rowList{w: int(w), n: int(n), enc: b[:size]}
	for r := 0; r < l.n; r++ {
		for k := 0; k < l.w; k++ {
			ct := l.ct(r, k)
			if _, err := element(ct[:32]); err != nil {
				return nil, nil, fmt.Errorf("rows: row %d, column %d: field A: %v", r, k, err)
			}
			if _, err := element(ct[32:]); err != nil {
				return nil, nil, fmt.Errorf("rows: row %d, column %d: field B: %v", r, k, err)
			}
		}
	}
	return l, b[size:], nil
}

// shuffleProof holds the proof's fields as byte slices of its encoding.
type shuffleProof struct {
	w, n                            int
	enc                             []byte
	C, Chat, T1, T2, T3, T4, That   []byte
	s1, s2, s3, s4, shat, sprime, r []byte // r: all responses, as hashed
}

func parseProof(b []byte) (*shuffleProof, []byte, error) {
	if len(b) < 8 {
		return nil, nil, errors.New("proof: truncated header")
	}
	w, n := int(binary.BigEndian.Uint32(b)), int(binary.BigEndian.Uint32(b[4:]))
	if w == 0 || w > 1024 || n == 0 || n > 1<<26 {
		return nil, nil, fmt.Errorf("proof: width %d, %d rows", w, n)
	}
	size := 8 + 160*n + 192 + 96*w
	if len(b) < size {
		return nil, nil, fmt.Errorf("proof: %d bytes, want %d", len(b), size)
	}
	p := &shuffleProof{w: w, n: n, enc: b[:size]}
	o := 8
	take := func(k int) []byte { s := b[o : o+k]; o += k; return s }
	p.C, p.Chat = take(32*n), take(32*n)
	p.T1, p.T2, p.T3 = take(32), take(32), take(32)
	p.T4, p.That = take(64*w), take(32*n)
	p.r = b[o:size]
	p.s1, p.s2, p.s3 = take(32), take(32), take(32)
	p.s4, p.shat, p.sprime = take(32*w), take(32*n), take(32*n)
	return p, b[size:], nil
}

func (p *shuffleProof) digest() []byte {
	d := sha512.Sum512(append(lbl(nil, "sandogh-v1 mixnet proof"), p.enc...))
	return d[:]
}

// stage is a decoded stage.
type stage struct {
	index  uint32
	server []byte
	input  []byte
	output *rowList
	proof  *shuffleProof
	sig    []byte
}

func parseStage(b []byte) (*stage, error) {
	if len(b) < 100 {
		return nil, errors.New("stage: truncated")
	}
	s := &stage{index: binary.BigEndian.Uint32(b), server: b[4:36], input: b[36:100]}
	var err error
	rest := b[100:]
	if s.output, rest, err = parseRows(rest); err != nil {
		return nil, fmt.Errorf("stage: output: %v", err)
	}
	if s.proof, rest, err = parseProof(rest); err != nil {
		return nil, fmt.Errorf("stage: %v", err)
	}
	if s.proof.w != s.output.w || s.proof.n != s.output.n {
		return nil, errors.New("stage: the proof's shape is not the output's")
	}
	if len(rest) != 64 {
		return nil, fmt.Errorf("stage: %d bytes after the proof, want the 64-byte signature", len(rest))
	}
	s.sig = rest
	return s, nil
}

func (s *stage) hash(baseHash, cascade []byte) []byte {
	m := lbl(nil, "sandogh-v1 mixnet stage")
	m = bytesField(m, baseHash)
	m = bytesField(m, cascade)
	m = u32(m, s.index)
	m = append(m, s.server...)
	m = append(m, s.input...)
	m = append(m, s.output.digest()...)
	m = append(m, s.proof.digest()...)
	d := sha512.Sum512(m)
	return d[:]
}

// shuffleTranscript is the proof's transcript up to c, with u and c.
type shuffleValues struct {
	tr *transcript
	u  []*r255.Scalar
	c  *r255.Scalar
}

// shuffleContext is the proof's transcript up to and including the field
// "input" ("Transcript").
func shuffleContext(baseHash, cascade []byte, index uint32, n, w int, K []byte, in *rowList) *transcript {
	tr := newTranscript("sandogh-v1 mixnet shuffle", baseHash)
	tr.bytes("cascade", cascade)
	tr.integer("stage", uint64(index))
	tr.integer("rows", uint64(n))
	tr.integer("width", uint64(w))
	tr.elementBytes("public-key", K)
	tr.bytes("input", in.digest())
	return tr
}

func shuffleTranscript(baseHash, cascade []byte, index uint32, K []byte, in, out *rowList, p *shuffleProof) *shuffleValues {
	tr := shuffleContext(baseHash, cascade, index, p.n, p.w, K, in)
	tr.bytes("output", out.digest())
	tr.bytes("C", p.C)
	u := tr.challenges("u", p.n)
	tr.bytes("Chat", p.Chat)
	tr.bytes("T1", p.T1)
	tr.bytes("T2", p.T2)
	tr.bytes("T3", p.T3)
	tr.bytes("T4", p.T4)
	tr.bytes("That", p.That)
	c := tr.challenge("c")
	return &shuffleValues{tr, u, c}
}

// weights are the batch weights of "Batch verification" (each challenge mod 2^128).
func (v *shuffleValues) weights(p *shuffleProof) [][]byte {
	tr := v.tr.clone()
	tr.bytes("responses", p.r)
	var out [][]byte
	for _, s := range tr.challenges("weights", 3+2*p.w+p.n) {
		b := encS(s)
		for i := 16; i < 32; i++ {
			b[i] = 0
		}
		out = append(out, b)
	}
	return out
}

// verifyShuffle checks a proof from in to out for stage index, equation by
// equation (1)–(5) of "The proof".
func verifyShuffle(baseHash, cascade []byte, index uint32, Kenc []byte, in, out *rowList, p *shuffleProof) error {
	n, w := p.n, p.w
	if in.n != n || in.w != w || out.n != n || out.w != w {
		return fmt.Errorf("proof for %d rows of width %d, lists of %d×%d and %d×%d", n, w, in.n, in.w, out.n, out.w)
	}
	K, err := element(Kenc)
	if err != nil {
		return err
	}
	v := shuffleTranscript(baseHash, cascade, index, Kenc, in, out, p)
	c := v.c
	hs := mixGenerators(baseHash, index, n)
	el := func(name string, b []byte, i int) (*r255.Element, error) {
		e, err := element(b[32*i : 32*i+32])
		if err != nil {
			return nil, fmt.Errorf("field %s, %d: %v", name, i, err)
		}
		return e, nil
	}
	sc := func(name string, b []byte, i int) (*r255.Scalar, error) {
		s, err := scalar(b[32*i : 32*i+32])
		if err != nil {
			return nil, fmt.Errorf("field %s, %d: %v", name, i, err)
		}
		return s, nil
	}
	var C, Chat, That []*r255.Element
	var shat, sp []*r255.Scalar
	for i := 0; i < n; i++ {
		var e1, e2, e3, e4, e5 error
		var x, y, z *r255.Element
		var a, b *r255.Scalar
		x, e1 = el("C", p.C, i)
		y, e2 = el("Chat", p.Chat, i)
		z, e3 = el("That", p.That, i)
		a, e4 = sc("shat", p.shat, i)
		b, e5 = sc("sprime", p.sprime, i)
		if err := errors.Join(e1, e2, e3, e4, e5); err != nil {
			return err
		}
		C, Chat, That, shat, sp = append(C, x), append(Chat, y), append(That, z), append(shat, a), append(sp, b)
	}
	T1, e1 := el("T1", p.T1, 0)
	T2, e2 := el("T2", p.T2, 0)
	T3, e3 := el("T3", p.T3, 0)
	s1, e4 := sc("s1", p.s1, 0)
	s2, e5 := sc("s2", p.s2, 0)
	s3, e6 := sc("s3", p.s3, 0)
	if err := errors.Join(e1, e2, e3, e4, e5, e6); err != nil {
		return err
	}
	negc := r255.NewScalar().Negate(c)
	msm := func(s []*r255.Scalar, e []*r255.Element) *r255.Element {
		return r255.NewElement().VarTimeMultiScalarMult(s, e)
	}
	// (1) s1·G − c·(Σ C_j − Σ h_i) = T1
	var ss []*r255.Scalar
	var es []*r255.Element
	ss, es = append(ss, s1), append(es, gen())
	for i := 0; i < n; i++ {
		ss, es = append(ss, negc, c), append(es, C[i], hs[i+1])
	}
	if !eq(msm(ss, es), T1) {
		return errors.New("equation (1) T1 does not hold")
	}
	// (2) s2·G − c·(Ĉ_n − U·h) = T2
	U := scalarUint(1)
	for _, u := range v.u {
		U = smul(U, u)
	}
	if !eq(msm([]*r255.Scalar{s2, negc, smul(c, U)}, []*r255.Element{gen(), Chat[n-1], hs[0]}), T2) {
		return errors.New("equation (2) T2 does not hold")
	}
	// (3) s3·G + Σ s'_i·h_i − c·Σ u_j·C_j = T3
	ss, es = []*r255.Scalar{s3}, []*r255.Element{gen()}
	for i := 0; i < n; i++ {
		ss, es = append(ss, sp[i], smul(negc, v.u[i])), append(es, hs[i+1], C[i])
	}
	if !eq(msm(ss, es), T3) {
		return errors.New("equation (3) T3 does not hold")
	}
	// (4A), (4B) for every column.
	for k := 0; k < w; k++ {
		s4, err := sc("s4", p.s4, k)
		if err != nil {
			return err
		}
		T4A, e1 := el("T4", p.T4, 2*k)
		T4B, e2 := el("T4", p.T4, 2*k+1)
		if err := errors.Join(e1, e2); err != nil {
			return err
		}
		sa := []*r255.Scalar{r255.NewScalar().Negate(s4)}
		ea, eb := []*r255.Element{gen()}, []*r255.Element{K}
		for i := 0; i < n; i++ {
			oc, ic := out.ct(i, k), in.ct(i, k)
			At, _ := element(oc[:32])
			Bt, _ := element(oc[32:])
			A, _ := element(ic[:32])
			B, _ := element(ic[32:])
			sa = append(sa, sp[i], smul(negc, v.u[i]))
			ea, eb = append(ea, At, A), append(eb, Bt, B)
		}
		if !eq(msm(sa, ea), T4A) {
			return fmt.Errorf("equation (4A) of column %d does not hold", k)
		}
		if !eq(msm(sa, eb), T4B) {
			return fmt.Errorf("equation (4B) of column %d does not hold", k)
		}
	}
	// (5) ŝ_i·G + s'_i·Ĉ_{i−1} − c·Ĉ_i = T̂_i, Ĉ_0 = h.
	prev := hs[0]
	for i := 0; i < n; i++ {
		if !eq(msm([]*r255.Scalar{shat[i], sp[i], negc}, []*r255.Element{gen(), prev, Chat[i]}), That[i]) {
			return fmt.Errorf("chain equation (5) of row %d does not hold", i)
		}
		prev = Chat[i]
	}
	return nil
}

// cascadeVerdict is the verdict of one posted stage.
type cascadeVerdict struct {
	accepted bool
	check    string // decoding, index, server, signature, input, proof
	reason   string
}

// runCascade applies "Cascade" to the posted stages (nil for a missing
// file) and returns the verdicts and the final list (the current list).
// The checks, in the spec's order; a server has mixed once a stage of it
// passed check 6 (input).
func runCascade(baseHash, cascade, K []byte, servers [][]byte, input *rowList, posted [][]byte) ([]cascadeVerdict, *rowList, int) {
	current := input
	mixed := map[string]bool{}
	accepted := 0
	var out []cascadeVerdict
	for t, b := range posted {
		reject := func(check string, format string, args ...any) {
			out = append(out, cascadeVerdict{false, check, fmt.Sprintf(format, args...)})
		}
		// 1. decoding
		if b == nil {
			reject("decoding", "missing")
			continue
		}
		s, err := parseStage(b)
		if err != nil {
			reject("decoding", "%v", err)
			continue
		}
		// 2. index
		if s.index != uint32(t) {
			reject("index", "index %d", s.index)
			continue
		}
		// 3. server: authorised
		known := false
		for _, k := range servers {
			known = known || bytes.Equal(k, s.server)
		}
		if !known {
			reject("server", "not an authorised server")
			continue
		}
		// 4. signature of StageHash, with this cascade's identifier
		if !ed25519.Verify(s.server, s.hash(baseHash, cascade), s.sig) {
			reject("signature", "the signature of the stage hash does not verify")
			continue
		}
		// 5. server: has not mixed yet
		if mixed[string(s.server)] {
			reject("server", "the server has mixed already")
			continue
		}
		// 6. input; the server has now mixed
		if !bytes.Equal(s.input, current.digest()) {
			reject("input", "the input digest is not the current list's")
			continue
		}
		mixed[string(s.server)] = true
		// 7. proof
		if err := verifyShuffle(baseHash, cascade, s.index, K, current, s.output, s.proof); err != nil {
			reject("proof", "%v", err)
			continue
		}
		out = append(out, cascadeVerdict{accepted: true})
		accepted++
		current = s.output
	}
	return out, current, accepted
}

// vectorCascades are the cascade identifiers of the vectors, by name
// ("Test vectors").
var vectorCascades = map[string][]byte{
	"three rows of width 1": cascadeID(1, "council"),
	"four rows of width 2":  cascadeID(2, "village council"),
}

type mixVector struct {
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
	Permutation     []int    `json:"permutation"`
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

// TestMixnetVectors recomputes every intermediate value of
// mixnet/testdata/vectors.json from the inputs and the stage's bytes, checks
// that output row i decrypts to the plaintext of input row permutation[i],
// and that a stage with a replaced row or a flipped proof byte, signed again
// by the same server, is rejected for its proof.
func TestMixnetVectors(t *testing.T) {
	var vs []mixVector
	readJSON(t, "../../mixnet/testdata/vectors.json", &vs)
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range vs {
		bh, cid, K := mustHex(v.BaseHash), mustHex(v.Cascade), mustHex(v.PublicKey)
		if want, ok := vectorCascades[v.Name]; !ok || !bytes.Equal(cid, want) {
			t.Errorf("%s: cascade identifier %x is not the one of \"Test vectors\"", v.Name, cid)
		}
		x, err := scalarHex(v.SecretKey)
		if err != nil || !bytes.Equal(enc(mulG(x)), K) {
			t.Fatalf("%s: public key is not x·G", v.Name)
		}
		in, rest, err := parseRows(mustHex(v.Input))
		if err != nil || len(rest) != 0 {
			t.Fatalf("%s: input: %v", v.Name, err)
		}
		if hex.EncodeToString(in.digest()) != v.InputDigest {
			t.Errorf("%s: input digest differs", v.Name)
		}
		for i, g := range mixGenerators(bh, v.Stage, in.n) {
			if i >= len(v.Generators) || hex.EncodeToString(enc(g)) != v.Generators[i] {
				t.Errorf("%s: generator %d differs", v.Name, i)
			}
		}
		sb := mustHex(v.StageBytes)
		s, err := parseStage(sb)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if hex.EncodeToString(s.output.enc) != v.Output || hex.EncodeToString(s.output.digest()) != v.OutputDigest ||
			hex.EncodeToString(s.proof.enc) != v.Proof || hex.EncodeToString(s.proof.digest()) != v.ProofDigest ||
			hex.EncodeToString(s.hash(bh, cid)) != v.StageHash || hex.EncodeToString(s.sig) != v.Signature ||
			!bytes.Equal(s.input, in.digest()) || s.index != v.Stage {
			t.Errorf("%s: stage fields, digests or stage hash differ", v.Name)
		}
		key := ed25519.NewKeyFromSeed(mustHex(v.ServerSeed))
		if !bytes.Equal(key.Public().(ed25519.PublicKey), s.server) {
			t.Errorf("%s: server key is not the seed's", v.Name)
		}
		sv := shuffleTranscript(bh, cid, s.index, K, in, s.output, s.proof)
		for i, u := range sv.u {
			if i >= len(v.U) || hex.EncodeToString(encS(u)) != v.U[i] {
				t.Errorf("%s: u_%d differs", v.Name, i)
			}
		}
		if hex.EncodeToString(encS(sv.c)) != v.C {
			t.Errorf("%s: c differs", v.Name)
		}
		ws := sv.weights(s.proof)
		for i, w := range ws {
			if i >= len(v.Weights) || (hex.EncodeToString(w) != v.Weights[i] && hex.EncodeToString(w[:16]) != v.Weights[i]) {
				t.Errorf("%s: weight %d: %x, vector %v", v.Name, i, w, v.Weights[min(i, len(v.Weights)-1)])
			}
		}
		if len(ws) != len(v.Weights) {
			t.Errorf("%s: %d weights, vector has %d", v.Name, len(ws), len(v.Weights))
		}
		if err := verifyShuffle(bh, cid, s.index, K, in, s.output, s.proof); err != nil {
			t.Errorf("%s: %v", v.Name, err)
		}
		checkProverRandomness(t, &v, bh, cid, K, in, s)
		// Output row i is input row permutation[i], re-encrypted.
		for i, j := range v.Permutation {
			for k := 0; k < in.w; k++ {
				if !eq(decrypt(x, s.output.ct(i, k)), decrypt(x, in.ct(j, k))) {
					t.Errorf("%s: output row %d, column %d does not decrypt as input row %d", v.Name, i, k, j)
				}
			}
		}
		verdicts, _, n := runCascade(bh, cid, K, [][]byte{s.server}, in, [][]byte{sb})
		if v.Stage == 0 && (n != 1 || !verdicts[0].accepted) {
			t.Errorf("%s: cascade rejects the stage: %+v", v.Name, verdicts)
		}
		// Soundness: tamper, sign again with the server's key, verify.
		resign := func(b []byte) []byte {
			s, err := parseStage(b)
			if err != nil {
				t.Fatalf("%s: %v", v.Name, err)
			}
			copy(b[len(b)-64:], ed25519.Sign(key, s.hash(bh, cid)))
			return b
		}
		outOff := 100 + 8
		proofOff := 100 + len(s.output.enc)
		tampers := map[string]func([]byte){
			"output row 0 replaced by row 1": func(b []byte) {
				copy(b[outOff:outOff+64*in.w], b[outOff+64*in.w:outOff+128*in.w])
			},
			"output row 0 replaced by its input row": func(b []byte) {
				p0 := v.Permutation[0]
				copy(b[outOff:outOff+64*in.w], in.enc[8+64*in.w*p0:8+64*in.w*(p0+1)])
			},
		}
		// A flipped byte in every field of the proof (each a valid encoding
		// or scalar, so that the equations, not the decoder, reject it).
		for name, off := range map[string]int{"C": 8, "Chat": 8 + 32*in.n, "T1": 8 + 64*in.n, "T4": 8 + 64*in.n + 96,
			"That": 8 + 64*in.n + 96 + 64*in.w, "s1": 8 + 96*in.n + 96 + 64*in.w, "sprime": len(s.proof.enc) - 32} {
			tampers["proof field "+name+" replaced"] = func(b []byte) {
				p := b[proofOff+off : proofOff+off+32]
				if name[0] == 's' {
					p[0] ^= 1 // a scalar below ℓ stays canonical with its low byte changed
				} else {
					copy(p, enc(add(must(element(p)), gen())))
				}
			}
		}
		for name, f := range tampers {
			b := append([]byte(nil), sb...)
			f(b)
			if bytes.Equal(b, sb) {
				t.Fatalf("%s: %s: nothing changed", v.Name, name)
			}
			b = resign(b)
			verdicts, _, _ := runCascade(bh, cid, K, [][]byte{s.server}, in, [][]byte{b})
			if v.Stage == 0 && (verdicts[0].accepted || verdicts[0].check != "proof") {
				t.Errorf("%s: %s: verdict %+v, want rejected for proof", v.Name, name, verdicts[0])
			}
			ts, _ := parseStage(b)
			if err := verifyShuffle(bh, cid, ts.index, K, in, ts.output, ts.proof); err == nil {
				t.Errorf("%s: %s: proof accepted", v.Name, name)
			}
		}
		// The same proof for another stage index (other generators), or
		// another input list, fails.
		if verifyShuffle(bh, cid, s.index+1, K, in, s.output, s.proof) == nil {
			t.Errorf("%s: proof accepted for another stage index", v.Name)
		}
		if verifyShuffle(bh, cascadeID(7, "another contest"), s.index, K, in, s.output, s.proof) == nil {
			t.Errorf("%s: proof accepted for another cascade", v.Name)
		}
		if verifyShuffle(bh, cid, s.index, K, s.output, s.output, s.proof) == nil {
			t.Errorf("%s: proof accepted from another input list", v.Name)
		}
	}
}

// fisherYates is the permutation of "Prover randomness": from the identity,
// for i = n−1 down to 1, swap positions i and uniform(i+1), with uniform(b)
// rejecting a 64-bit word x ≥ 2^64 − (2^64 mod b) and returning x mod b; the
// words are read big-endian, eight per block
// SHA-512(u16(29) ‖ "sandogh-v1 mixnet permutation" ‖ seed ‖ u64(block)).
func fisherYates(seed []byte, n int) []int {
	pi := make([]int, n)
	for i := range pi {
		pi[i] = i
	}
	var words []uint64
	var block uint64
	word := func() uint64 {
		if len(words) == 0 {
			d := sha512.Sum512(u64(append(lbl(nil, "sandogh-v1 mixnet permutation"), seed...), block))
			block++
			for k := 0; k < 8; k++ {
				words = append(words, binary.BigEndian.Uint64(d[8*k:]))
			}
		}
		x := words[0]
		words = words[1:]
		return x
	}
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	uniform := func(b int) int {
		bb := big.NewInt(int64(b))
		limit := new(big.Int).Sub(two64, new(big.Int).Mod(two64, bb))
		for {
			x := new(big.Int).SetUint64(word())
			if x.Cmp(limit) < 0 {
				return int(new(big.Int).Mod(x, bb).Int64())
			}
		}
	}
	for i := n - 1; i >= 1; i-- {
		j := uniform(i + 1)
		pi[i], pi[j] = pi[j], pi[i]
	}
	return pi
}

// checkProverRandomness recomputes "Prover randomness" from the vector's
// nonce seed: the 32-byte encoding e of the challenge "prover-nonces" (a
// transcript of the statement up to "input", not the proof's), the stage
// seed S = Child(seed, "mixnet " ‖ hex(e), 0), the permutation, and the
// re-encryption and commitment nonces, which must explain the output rows
// and the permutation commitments C byte for byte.
func checkProverRandomness(t *testing.T, v *mixVector, bh, cid, K []byte, in *rowList, s *stage) {
	t.Helper()
	n, w := in.n, in.w
	e := encS(shuffleContext(bh, cid, v.Stage, n, w, K, in).challenge("prover-nonces"))
	if hex.EncodeToString(e) != v.ProverChallenge {
		t.Errorf("%s: prover-nonce challenge %x, vector %s", v.Name, e, v.ProverChallenge)
	}
	label := "mixnet " + hex.EncodeToString(e)
	if len(label) != 71 {
		t.Fatalf("label of %d bytes", len(label))
	}
	S := nonceChild(mustHex(v.NonceSeed), label, 0)
	pi := fisherYates(nonceChild(S, "permutation", 0), n)
	if fmt.Sprint(pi) != fmt.Sprint(v.Permutation) {
		t.Errorf("%s: permutation %v, vector %v", v.Name, pi, v.Permutation)
	}
	Kel := must(element(K))
	hs := mixGenerators(bh, v.Stage, n)
	for i := 0; i < n; i++ {
		for k := 0; k < w; k++ {
			r := nonceScalar(S, "reencryption", uint64(i*w+k))
			src := in.ct(pi[i], k)
			A := add(must(element(src[:32])), mulG(r))
			B := add(must(element(src[32:])), mul(r, Kel))
			if !bytes.Equal(append(enc(A), enc(B)...), s.output.ct(i, k)) {
				t.Errorf("%s: output row %d, column %d is not input row %d re-encrypted with Scalar(S, \"reencryption\", %d)", v.Name, i, k, pi[i], i*w+k)
			}
		}
		j := pi[i]
		C := add(mulG(nonceScalar(S, "commitment", uint64(j))), hs[i+1])
		if !bytes.Equal(enc(C), s.proof.C[32*j:32*j+32]) {
			t.Errorf("%s: C of input row %d is not Scalar(S, \"commitment\", %d)·G + h_%d", v.Name, j, j, i+1)
		}
	}
}

func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}

// decrypt returns B − x·A of a 64-byte ciphertext.
func decrypt(x *r255.Scalar, ct []byte) *r255.Element {
	A, B := must(element(ct[:32])), must(element(ct[32:]))
	return sub(B, mul(x, A))
}

// TestMixnetCascadeRule applies "Cascade" to stages built from the second
// vector (stage index 1), whose server key is known: a stage at position 0
// in the same server's name, then the vector's genuine stage at position 1.
// Which position-0 stages count as the server's turn is the rule under
// test: only one that its server signed for this cascade and that mixed
// the current list.
func TestMixnetCascadeRule(t *testing.T) {
	var vs []mixVector
	readJSON(t, "../../mixnet/testdata/vectors.json", &vs)
	var v *mixVector
	for i := range vs {
		if vs[i].Stage == 1 {
			v = &vs[i]
		}
	}
	if v == nil {
		t.Fatal("no vector of stage 1")
	}
	bh, cid, K := mustHex(v.BaseHash), mustHex(v.Cascade), mustHex(v.PublicKey)
	in, _, err := parseRows(mustHex(v.Input))
	if err != nil {
		t.Fatal(err)
	}
	genuine := mustHex(v.StageBytes)
	key := ed25519.NewKeyFromSeed(mustHex(v.ServerSeed))
	servers := [][]byte{key.Public().(ed25519.PublicKey)}
	// atZero returns the genuine stage's bytes with index 0 and the given
	// input digest, signed by its server for cascade c.
	atZero := func(c, input []byte) []byte {
		b := append([]byte(nil), genuine...)
		binary.BigEndian.PutUint32(b, 0)
		copy(b[36:100], input)
		s, err := parseStage(b)
		if err != nil {
			t.Fatal(err)
		}
		copy(b[len(b)-64:], ed25519.Sign(key, s.hash(bh, c)))
		return b
	}
	other := newRowList([][][]byte{{in.ct(1, 0), in.ct(1, 1)}})
	for _, tc := range []struct {
		name   string
		first  []byte
		checks [2]string // verdicts of positions 0 and 1, "" if accepted
	}{
		// Copied from another cascade of the election (another contest):
		// its signature is for that cascade.
		{"signed for another cascade", atZero(cascadeID(0, "another contest"), in.digest()), [2]string{"signature", ""}},
		// Signed for this cascade and position, but for another list (a
		// replay from an earlier run of the cascade).
		{"signed for another list", atZero(cid, other.digest()), [2]string{"input", ""}},
		// Signed for this cascade, position and list, with a proof that
		// fails: the server has had its turn.
		{"signed for this list, bad proof", atZero(cid, in.digest()), [2]string{"proof", "server"}},
	} {
		verdicts, _, _ := runCascade(bh, cid, K, servers, in, [][]byte{tc.first, genuine})
		for k, want := range tc.checks {
			if verdicts[k].accepted != (want == "") || verdicts[k].check != want {
				t.Errorf("%s: position %d: %+v, want check %q", tc.name, k, verdicts[k], want)
			}
		}
	}
}

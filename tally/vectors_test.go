package tally

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

var update = flag.Bool("update", false, "rewrite the known-answer vectors in testdata/")

// vectorDST is the domain separation tag from which the fixed inputs of
// the known-answer vectors are hashed.
const vectorDST = "sandogh-v1 tally test vectors"

func fixedBytes(label string, n int) []byte {
	h := sha512.Sum512([]byte(vectorDST + " " + label))
	return h[:n]
}

func fixedScalar(label string) *group.Scalar {
	return group.HashToScalar([]byte(label), []byte(vectorDST))
}

type tieBreakCandidate struct {
	Code uint32 `json:"code"`
	Key  string `json:"key"`
}

type tieBreakVector struct {
	BaseHash   string              `json:"baseHash"`
	Seed       string              `json:"seed"`
	Contest    int                 `json:"contest"`
	Candidates []tieBreakCandidate `json:"candidates"`
	// Order is the tied candidates' codes in ascending order of keys.
	Order []uint32 `json:"order"`
}

type tieBreakFile struct {
	Description string           `json:"description"`
	Vectors     []tieBreakVector `json:"vectors"`
	// Results are the results of a board contest with ties at both seat
	// boundaries, broken by ResultsSeed; the totals are ResultsTotals.
	ResultsSeed   string          `json:"resultsSeed"`
	ResultsTotals []uint64        `json:"resultsTotals"`
	Results       json.RawMessage `json:"results"`
}

type tallyVectorFile struct {
	Description string          `json:"description"`
	PublicKey   string          `json:"publicKey"`
	Tally       json.RawMessage `json:"tally"`
	Bytes       string          `json:"bytes"`
	Hash        string          `json:"hash"`
}

// vectorResultsTotals are the board totals of the results vector: ties at
// positions 6–8 (main/alternate) and 10–13 (alternate/not elected).
var vectorResultsTotals = []uint64{90, 85, 80, 70, 60, 40, 30, 40, 10, 10, 10, 4, 40, 2, 10}

func makeTieBreakFile(t testing.TB) *tieBreakFile {
	f := &tieBreakFile{Description: "Tie-break keys SHA-512(str(\"sandogh-v1/tie-break\") ‖ base hash ‖ bytes(seed) ‖ u32(contest) ‖ u32(code)) " +
		"and the order of tied candidates by ascending key (docs/spec.md, \"Tally\", \"Tie-break\"); and the results of a board contest " +
		"(the manifest of tally/helpers_test.go with resultsSeed as its tie-break seed), whose ties the seed breaks."}
	inputs := []struct {
		baseHash []byte
		seed     []byte
		contest  int
		codes    []uint32
	}{
		{fixedBytes("base hash 1", 32), []byte("public lottery 2025-03-02"), 0, []uint32{101, 102, 103, 104, 105}},
		{fixedBytes("base hash 1", 32), []byte("public lottery 2025-03-03"), 0, []uint32{101, 102, 103, 104, 105}},
		{fixedBytes("base hash 1", 32), []byte("public lottery 2025-03-02"), 1, []uint32{101, 102, 103, 104, 105}},
		{make([]byte, 32), []byte{0}, 3, []uint32{1, 2}},
		{fixedBytes("base hash 2", 32), fixedBytes("seed", ballot.MaxTieBreakSeedSize), 999, []uint32{0xffffffff, 0, 7, 1 << 24}},
	}
	for _, in := range inputs {
		var bh [ballot.HashSize]byte
		copy(bh[:], in.baseHash)
		v := tieBreakVector{BaseHash: hex.EncodeToString(in.baseHash), Seed: hex.EncodeToString(in.seed), Contest: in.contest}
		keys := map[uint32][64]byte{}
		for _, code := range in.codes {
			k := tieBreakKey(bh, in.seed, in.contest, code)
			keys[code] = k
			v.Candidates = append(v.Candidates, tieBreakCandidate{Code: code, Key: hex.EncodeToString(k[:])})
		}
		v.Order = slices.Clone(in.codes)
		slices.SortFunc(v.Order, func(a, b uint32) int { ka, kb := keys[a], keys[b]; return bytes.Compare(ka[:], kb[:]) })
		f.Vectors = append(f.Vectors, v)
	}
	m := testManifest()
	seed := []byte("public lottery 2025-03-02")
	m.TieBreakSeed = seed
	totals := testTotals(m, board(vectorResultsTotals...))
	copy(totals.BaseHash[:], fixedBytes("base hash 1", 32))
	r, err := NewResults(m, totals)
	if err != nil {
		t.Fatal(err)
	}
	r.Contests = r.Contests[:1]
	f.ResultsSeed = hex.EncodeToString(seed)
	f.ResultsTotals = vectorResultsTotals
	if f.Results, err = json.Marshal(r); err != nil {
		t.Fatal(err)
	}
	return f
}

func makeTallyFile(t testing.TB) *tallyVectorFile {
	sk, err := elgamal.NewSecretKey(fixedScalar("election key"))
	if err != nil {
		t.Fatal(err)
	}
	pk := sk.PublicKey()
	tl := &EncryptedTally{Ballots: 3}
	copy(tl.BaseHash[:], fixedBytes("base hash 1", 32))
	for i, c := range []struct {
		id    string
		codes []uint32
	}{{"board", []uint32{101, 102, 103}}, {"budget", []uint32{1, 2}}} {
		ec := EncryptedContest{ID: c.id}
		for j, code := range c.codes {
			ct := pk.Encrypt(new(group.Scalar).SetUint64(uint64(j)), fixedScalar(fmt.Sprint("nonce ", i, " ", j)))
			ec.Selections = append(ec.Selections, EncryptedSelection{Code: code, Ciphertext: ct})
		}
		tl.Contests = append(tl.Contests, ec)
	}
	h := tl.Hash()
	data, err := json.Marshal(tl)
	if err != nil {
		t.Fatal(err)
	}
	return &tallyVectorFile{
		Description: "An encrypted tally of two contests: selection j of contest i encrypts j with nonce HashToScalar(\"nonce i j\", DST) " +
			"under the key HashToScalar(\"election key\", DST)·G, DST = \"sandogh-v1 tally test vectors\"; its canonical encoding, hash and JSON form " +
			"(docs/spec.md, \"Tally\", \"Encrypted tally\").",
		PublicKey: hex.EncodeToString(pk.Bytes()),
		Tally:     data,
		Bytes:     hex.EncodeToString(tl.Bytes()),
		Hash:      hex.EncodeToString(h[:]),
	}
}

// TestVectors regenerates the known-answer vectors and compares them with
// testdata/; with -update it rewrites them.
func TestVectors(t *testing.T) {
	for name, v := range map[string]any{
		"tiebreak.json":        makeTieBreakFile(t),
		"encrypted-tally.json": makeTallyFile(t),
	} {
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
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the regenerated vectors differ from testdata (run go test -run TestVectors -update if the change is intended)", name)
		}
	}
}

// TestTieBreakVectorsIndependent recomputes the tie-break keys of
// testdata/tiebreak.json from the layout of the specification, written out
// byte by byte here rather than with the package's encoder, and checks the
// order and the results built from them.
func TestTieBreakVectorsIndependent(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "tiebreak.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f tieBreakFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for n, v := range f.Vectors {
		bh, _ := hex.DecodeString(v.BaseHash)
		seed, _ := hex.DecodeString(v.Seed)
		type kc struct {
			key  []byte
			code uint32
		}
		var all []kc
		for _, c := range v.Candidates {
			msg := []byte{0, 0, 0, 20}
			msg = append(msg, "sandogh-v1/tie-break"...)
			msg = append(msg, bh...)
			msg = binary.BigEndian.AppendUint32(msg, uint32(len(seed)))
			msg = append(msg, seed...)
			msg = binary.BigEndian.AppendUint32(msg, uint32(v.Contest))
			msg = binary.BigEndian.AppendUint32(msg, c.Code)
			k := sha512.Sum512(msg)
			if hex.EncodeToString(k[:]) != c.Key {
				t.Errorf("vector %d: candidate %d: key %x, file has %s", n, c.Code, k, c.Key)
			}
			all = append(all, kc{k[:], c.Code})
		}
		slices.SortFunc(all, func(a, b kc) int { return bytes.Compare(a.key, b.key) })
		for i := range all {
			if all[i].code != v.Order[i] {
				t.Errorf("vector %d: order %v, recomputed position %d is %d", n, v.Order, i, all[i].code)
			}
		}
	}
	// The results: the tied candidates of the board vector in key order of
	// the manifest's seed, which the results do not repeat.
	var r Results
	if err := json.Unmarshal(f.Results, &r); err != nil {
		t.Fatal(err)
	}
	seed, err := hex.DecodeString(f.ResultsSeed)
	if err != nil || len(seed) == 0 {
		t.Fatalf("resultsSeed %q", f.ResultsSeed)
	}
	if len(r.Contests) != 1 || len(r.Contests[0].Ties) != 2 {
		t.Fatalf("results vector: %+v", r)
	}
	for _, tie := range r.Contests[0].Ties {
		if !tie.Broken {
			t.Error("results vector: tie not broken")
		}
		for i := 1; i < len(tie.Candidates); i++ {
			k1 := tieBreakKey(r.BaseHash, seed, 0, tie.Candidates[i-1])
			k2 := tieBreakKey(r.BaseHash, seed, 0, tie.Candidates[i])
			if bytes.Compare(k1[:], k2[:]) >= 0 {
				t.Errorf("results vector: tie %v not in key order", tie.Candidates)
			}
		}
	}
}

// TestTallyVector decodes the encrypted-tally vector in both forms, checks
// its hash against SHA-512/256 of the bytes, and decrypts it with the fixed
// key.
func TestTallyVector(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "encrypted-tally.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f tallyVectorFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	raw, _ := hex.DecodeString(f.Bytes)
	a, err := new(EncryptedTally).SetCanonicalBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	var b EncryptedTally
	if err := json.Unmarshal(f.Tally, &b); err != nil {
		t.Fatal(err)
	}
	if err := a.Compare(&b); err != nil {
		t.Fatal(err)
	}
	if h := sha512.Sum512_256(raw); hex.EncodeToString(h[:]) != f.Hash {
		t.Errorf("hash %x, file has %s", h, f.Hash)
	}
	// The layout starts with str(label) ‖ base hash ‖ u64(ballots).
	want := append([]byte{0, 0, 0, byte(len(tallyLabel))}, tallyLabel...)
	want = append(want, fixedBytes("base hash 1", 32)...)
	want = append(want, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2)
	if !bytes.HasPrefix(raw, want) {
		t.Errorf("encoding does not start with %x", want)
	}
	sk, _ := elgamal.NewSecretKey(fixedScalar("election key"))
	table := elgamal.NewDLogTable(10)
	for i, c := range a.Contests {
		for j, s := range c.Selections {
			m, err := table.VarTimeSolve(sk.Decrypt(s.Ciphertext))
			if err != nil || m != uint64(j) {
				t.Errorf("contest %d, selection %d decrypts to %d (%v), want %d", i, j, m, err, j)
			}
		}
	}
}

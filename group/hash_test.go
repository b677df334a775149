package group

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// updateVectors rewrites the project's known-answer files in testdata/
// instead of comparing with them: go test ./group/ -run TestKnownAnswer -update
var updateVectors = flag.Bool("update", false, "rewrite the known-answer vectors in testdata/")

// checkKnownAnswer compares got, encoded as indented JSON, with
// testdata/name, or rewrites the file under -update.
func checkKnownAnswer(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *updateVectors {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from the regenerated vectors; if the change is intended, run with -update and review the diff", path)
	}
}

// generatorVector is one known answer of Generator. Input is the exact
// message hashed under GeneratorDST, so that an implementer can check the
// framing before the hash.
type generatorVector struct {
	Tag        string   `json:"tag"`
	ElectionID hexBytes `json:"election_id"`
	Index      uint64   `json:"index"`
	DST        string   `json:"dst"`
	Input      hexBytes `json:"input"`
	Element    hexBytes `json:"element"`
}

// TestKnownAnswerGenerators regenerates testdata/generators.json: four
// generators for each of two tags under one election identifier, plus edge
// cases (empty tag and identifier, the largest index, the prefix-ambiguous
// pair of TestGeneratorFraming).
func TestKnownAnswerGenerators(t *testing.T) {
	type in struct {
		tag   string
		id    string
		index uint64
	}
	var ins []in
	for _, tag := range []string{"mixnet-commitment", "pedersen-h"} {
		for i := uint64(0); i < 4; i++ {
			ins = append(ins, in{tag, "sandogh-test-election-2025", i})
		}
	}
	ins = append(ins, in{"", "", 0}, in{"x", "", 1<<64 - 1}, in{"ab", "c", 0}, in{"a", "bc", 0})
	var vs []generatorVector
	for _, x := range ins {
		e := Generator(x.tag, []byte(x.id), x.index)
		vs = append(vs, generatorVector{
			Tag: x.tag, ElectionID: []byte(x.id), Index: x.index, DST: GeneratorDST,
			Input: generatorInput(x.tag, []byte(x.id), x.index), Element: e.Bytes(),
		})
		// The documented construction, spelled out.
		if !bytes.Equal(e.Bytes(), HashToElement(vs[len(vs)-1].Input, []byte(GeneratorDST)).Bytes()) {
			t.Fatalf("Generator(%q, %q, %d) is not HashToElement of its input", x.tag, x.id, x.index)
		}
	}
	checkKnownAnswer(t, "generators.json", vs)
}

// TestGeneratorFraming checks the exact bytes hashed by Generator against
// the specification: u16(len(tag)) ‖ tag ‖ u32(len(id)) ‖ id ‖ u64(index),
// big-endian.
func TestGeneratorFraming(t *testing.T) {
	got := generatorInput("ab", []byte("c"), 0x0102030405060708)
	want := []byte{
		0x00, 0x02, 'a', 'b',
		0x00, 0x00, 0x00, 0x01, 'c',
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("generator input = %x, want %x", got, want)
	}
	id := bytes.Repeat([]byte{0xaa}, 70000) // a length that needs more than 16 bits
	got = generatorInput("", id, 0)
	if binary.BigEndian.Uint16(got) != 0 || binary.BigEndian.Uint32(got[2:]) != 70000 || len(got) != 2+4+70000+8 {
		t.Fatalf("generator input framing wrong for a long identifier")
	}
}

// TestGeneratorDistinct checks determinism, and that changing the tag, the
// identifier or the index (including moving bytes between tag and
// identifier) changes the generator.
func TestGeneratorDistinct(t *testing.T) {
	id := []byte("election-1")
	if !eq(Generator("t", id, 3), Generator("t", id, 3)) {
		t.Fatal("Generator is not deterministic")
	}
	cases := []struct {
		tag   string
		id    string
		index uint64
	}{
		{"ab", "c", 0}, {"a", "bc", 0}, // prefix ambiguity between tag and identifier
		{"", "abc", 0}, {"abc", "", 0},
		{"a", "b", 0}, {"a", "b", 1}, {"a", "b", 1 << 32}, {"a", "b", 1<<64 - 1},
		{"b", "a", 0}, {"a", "b\x00", 0}, {"a\x00", "b", 0},
		{"a", "\x00\x00\x00\x00\x00\x00\x00\x01", 0}, // identifier bytes that look like an index
	}
	seen := map[string]int{}
	G := NewGeneratorElement()
	for i, c := range cases {
		e := Generator(c.tag, []byte(c.id), c.index)
		if e.IsIdentity() == 1 || eq(e, G) {
			t.Fatalf("case %d: degenerate generator", i)
		}
		k := string(e.Bytes())
		if j, dup := seen[k]; dup {
			t.Fatalf("cases %d and %d give the same generator", j, i)
		}
		seen[k] = i
	}
	gs := Generators("mixnet-commitment", id, 40)
	for i, g := range gs {
		if !eq(g, Generator("mixnet-commitment", id, uint64(i))) {
			t.Fatalf("Generators[%d] ≠ Generator(…, %d)", i, i)
		}
		k := string(g.Bytes())
		if _, dup := seen[k]; dup {
			t.Fatalf("Generators[%d] repeats an earlier generator", i)
		}
		seen[k] = i
	}
	if len(Generators("x", id, 0)) != 0 {
		t.Fatal("Generators(…, 0) is not empty")
	}
	mustPanic(t, "tag longer than 65535 bytes", func() { Generator(string(make([]byte, 65536)), id, 0) })
}

// hashVector is one known answer of HashToElement and HashToScalar; Uniform
// is expand_message_xmd(msg, dst, 64), the intermediate value.
type hashVector struct {
	Msg     string   `json:"msg"`
	DST     string   `json:"dst"`
	Uniform hexBytes `json:"uniform_bytes"`
	Element hexBytes `json:"element"`
	Scalar  hexBytes `json:"scalar"`
}

// TestKnownAnswerHash regenerates testdata/hash.json.
func TestKnownAnswerHash(t *testing.T) {
	var vs []hashVector
	for _, dst := range []string{"sandogh-v1 test hash", "QUUX-V01-CS02-with-ristretto255_XMD:SHA-512_R255MAP_RO_"} {
		for _, msg := range []string{"", "abc", "abcdef0123456789", string(bytes.Repeat([]byte("q"), 128))} {
			u := ExpandMessageXMD([]byte(msg), []byte(dst), 64)
			e := HashToElement([]byte(msg), []byte(dst))
			s := HashToScalar([]byte(msg), []byte(dst))
			// The documented constructions, spelled out.
			e2, _ := NewElement().SetUniformBytes(u)
			s2, _ := NewScalar().SetUniformBytes(u)
			if !eq(e, e2) || s.Equal(s2) != 1 {
				t.Fatalf("hash of %q under %q does not follow the documented construction", msg, dst)
			}
			vs = append(vs, hashVector{Msg: msg, DST: dst, Uniform: u, Element: e.Bytes(), Scalar: s.Bytes()})
		}
	}
	checkKnownAnswer(t, "hash.json", vs)
}

// TestExpandMessageXMDReference compares ExpandMessageXMD (circl's expander)
// with the transcription of RFC 9380 in vectors_test.go, over lengths that
// cross the 64-byte block boundaries, and checks its parameter limits.
func TestExpandMessageXMDReference(t *testing.T) {
	rng := detRand(t)
	for _, n := range []int{1, 32, 63, 64, 65, 127, 128, 129, 255, 256, 1000, 255 * 64} {
		msg := detBytes(rng, rng.IntN(300))
		dst := detBytes(rng, 1+rng.IntN(255))
		if got, want := ExpandMessageXMD(msg, dst, n), referenceExpandXMD(msg, dst, n); !bytes.Equal(got, want) {
			t.Fatalf("ExpandMessageXMD(n = %d) disagrees with the reference", n)
		}
	}
	// Different DSTs and messages give unrelated outputs.
	a := ExpandMessageXMD([]byte("m"), []byte("dst-a"), 64)
	b := ExpandMessageXMD([]byte("m"), []byte("dst-b"), 64)
	c := ExpandMessageXMD([]byte("n"), []byte("dst-a"), 64)
	if bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Fatal("domain separation failed")
	}
	mustPanic(t, "empty DST", func() { ExpandMessageXMD(nil, nil, 32) })
	mustPanic(t, "256-byte DST", func() { ExpandMessageXMD(nil, make([]byte, 256), 32) })
	mustPanic(t, "zero length", func() { ExpandMessageXMD(nil, []byte("d"), 0) })
	mustPanic(t, "too long", func() { ExpandMessageXMD(nil, []byte("d"), 255*64+1) })
	mustPanic(t, "HashToElement with empty DST", func() { HashToElement([]byte("m"), nil) })
	mustPanic(t, "HashToScalar with empty DST", func() { HashToScalar([]byte("m"), nil) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

func BenchmarkHashToElement(b *testing.B) {
	msg, dst := make([]byte, 64), []byte("sandogh-v1 benchmark")
	for b.Loop() {
		HashToElement(msg, dst)
	}
}

func BenchmarkHashToScalar(b *testing.B) {
	msg, dst := make([]byte, 64), []byte("sandogh-v1 benchmark")
	for b.Loop() {
		HashToScalar(msg, dst)
	}
}

func BenchmarkElementSetUniformBytes(b *testing.B) {
	u := ExpandMessageXMD([]byte("m"), []byte("sandogh-v1 benchmark"), 64)
	e := NewElement()
	for b.Loop() {
		e.SetUniformBytes(u)
	}
}

func BenchmarkGenerators100(b *testing.B) {
	id := []byte("sandogh-test-election-2025")
	for b.Loop() {
		Generators("mixnet-commitment", id, 100)
	}
}

package speccheck

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	r255 "github.com/gtank/ristretto255"
)

// transcript is the Fiat–Shamir transcript of 30-proofs.md, "The transcript":
// the whole stream is kept, and each challenge hashes the stream so far.
type transcript struct{ stream []byte }

const (
	tElement    = 0x01
	tScalar     = 0x02
	tBytes      = 0x03
	tInteger    = 0x04
	tElements   = 0x05
	tScalars    = 0x06
	tChallenge  = 0x07
	tChallenges = 0x08
)

func newTranscript(protocol string, baseHash []byte) *transcript {
	t := &transcript{stream: lbl(nil, "sandogh-v1 transcript")}
	t.bytes("protocol", []byte(protocol))
	t.bytes("base-hash", baseHash)
	return t
}

func (t *transcript) clone() *transcript {
	return &transcript{stream: append([]byte(nil), t.stream...)}
}

func (t *transcript) header(typ byte, name string) {
	t.stream = append(t.stream, typ)
	t.stream = lbl(t.stream, name)
}

func (t *transcript) element(name string, e *r255.Element) { t.elementBytes(name, enc(e)) }

// elementBytes appends an element field from its encoding (the record's bytes).
func (t *transcript) elementBytes(name string, b []byte) {
	if len(b) != 32 {
		panic("element encoding is not 32 bytes")
	}
	t.header(tElement, name)
	t.stream = append(t.stream, b...)
}

func (t *transcript) scalar(name string, s *r255.Scalar) {
	t.header(tScalar, name)
	t.stream = append(t.stream, encS(s)...)
}

func (t *transcript) bytes(name string, b []byte) {
	t.header(tBytes, name)
	t.stream = u64(t.stream, uint64(len(b)))
	t.stream = append(t.stream, b...)
}

func (t *transcript) integer(name string, v uint64) {
	t.header(tInteger, name)
	t.stream = u64(t.stream, v)
}

// elementsBytes appends a list of elements given by their concatenated encodings.
func (t *transcript) elementsBytes(name string, encs [][]byte) {
	t.header(tElements, name)
	t.stream = u64(t.stream, uint64(len(encs)))
	for _, e := range encs {
		if len(e) != 32 {
			panic("element encoding is not 32 bytes")
		}
		t.stream = append(t.stream, e...)
	}
}

func (t *transcript) scalars(name string, ss []*r255.Scalar) {
	t.header(tScalars, name)
	t.stream = u64(t.stream, uint64(len(ss)))
	for _, s := range ss {
		t.stream = append(t.stream, encS(s)...)
	}
}

// digest is SHA-512 of the stream so far (used by the nonce binding).
func (t *transcript) digest() []byte {
	d := sha512.Sum512(t.stream)
	return d[:]
}

func (t *transcript) challenge(name string) *r255.Scalar {
	t.header(tChallenge, name)
	d := sha512.Sum512(t.stream)
	t.stream = append(t.stream, d[:]...)
	return scalarWide(d[:])
}

func (t *transcript) challenges(name string, n int) []*r255.Scalar {
	t.header(tChallenges, name)
	t.stream = u64(t.stream, uint64(n))
	d := sha512.Sum512(t.stream)
	t.stream = append(t.stream, d[:]...)
	out := make([]*r255.Scalar, n)
	for i := range out {
		in := lbl(nil, "sandogh-v1 challenges")
		in = append(in, d[:]...)
		in = u64(in, uint64(i))
		e := sha512.Sum512(in)
		out[i] = scalarWide(e[:])
	}
	return out
}

// Nonces of 30-proofs.md, "Nonces (prover randomness)".

func nonceScalar(seed []byte, label string, index uint64) *r255.Scalar {
	in := lbl(nil, "sandogh-v1 nonce scalar")
	in = append(in, seed...)
	in = lbl(in, label)
	in = u64(in, index)
	d := sha512.Sum512(in)
	return scalarWide(d[:])
}

func nonceChild(seed []byte, label string, index uint64) []byte {
	in := lbl(nil, "sandogh-v1 nonce child")
	in = append(in, seed...)
	in = lbl(in, label)
	in = u64(in, index)
	d := sha512.Sum512(in)
	return d[:32]
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type transcriptVector struct {
	Protocol string `json:"protocol"`
	BaseHash string `json:"base_hash"`
	Fields   []struct {
		Type    string   `json:"type"`
		Name    string   `json:"name"`
		Value   string   `json:"value"`
		Values  []string `json:"values"`
		Count   int      `json:"count"`
		Output  string   `json:"output"`
		Outputs []string `json:"outputs"`
	} `json:"fields"`
	Absorbed string `json:"absorbed"`
}

// runTranscriptVector replays one vector and returns the mismatches.
func runTranscriptVector(v transcriptVector) []string {
	var bad []string
	tr := newTranscript(v.Protocol, mustHex(v.BaseHash))
	for i, f := range v.Fields {
		switch f.Type {
		case "element":
			tr.elementBytes(f.Name, mustHex(f.Value))
		case "scalar":
			s, err := scalarHex(f.Value)
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			tr.scalar(f.Name, s)
		case "bytes":
			tr.bytes(f.Name, mustHex(f.Value))
		case "uint64":
			n, err := strconv.ParseUint(f.Value, 10, 64)
			if err != nil {
				bad = append(bad, err.Error())
			}
			tr.integer(f.Name, n)
		case "elements":
			var encs [][]byte
			for _, x := range f.Values {
				encs = append(encs, mustHex(x))
			}
			tr.elementsBytes(f.Name, encs)
		case "scalars":
			var ss []*r255.Scalar
			for _, x := range f.Values {
				s, err := scalarHex(x)
				if err != nil {
					bad = append(bad, err.Error())
					continue
				}
				ss = append(ss, s)
			}
			tr.scalars(f.Name, ss)
		case "challenge":
			c := tr.challenge(f.Name)
			if hex.EncodeToString(encS(c)) != f.Output {
				bad = append(bad, "field "+strconv.Itoa(i)+" ("+f.Name+"): challenge differs")
			}
		case "challenges":
			cs := tr.challenges(f.Name, f.Count)
			if len(cs) != len(f.Outputs) {
				bad = append(bad, "field "+f.Name+": count differs")
				continue
			}
			for k, c := range cs {
				if hex.EncodeToString(encS(c)) != f.Outputs[k] {
					bad = append(bad, "field "+f.Name+": challenge "+strconv.Itoa(k)+" differs")
				}
			}
		default:
			bad = append(bad, "unknown field type "+f.Type)
		}
	}
	if !bytes.Equal(tr.stream, mustHex(v.Absorbed)) {
		bad = append(bad, "absorbed stream differs")
	}
	return bad
}

func TestTranscriptVectors(t *testing.T) {
	var vs []transcriptVector
	readJSON(t, "../../proof/testdata/transcript.json", &vs)
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	for i, v := range vs {
		if bad := runTranscriptVector(v); len(bad) > 0 {
			t.Errorf("vector %d: %v", i, bad)
		}
	}
	// Tampering: a changed name, a changed value, a changed base hash each
	// change every later challenge.
	v := vs[1]
	v.Fields[2].Name = "ballot-iD"
	if bad := runTranscriptVector(v); len(bad) == 0 {
		t.Error("a renamed field was not detected")
	}
	vs = nil
	readJSON(t, "../../proof/testdata/transcript.json", &vs)
	v = vs[1]
	v.Fields[0].Value = flipHex(v.Fields[0].Value, 3)
	if bad := runTranscriptVector(v); len(bad) == 0 {
		t.Error("a changed element was not detected")
	}
	v = vs[0]
	v.BaseHash = flipHex(v.BaseHash, 0)
	if bad := runTranscriptVector(v); len(bad) == 0 {
		t.Error("a changed base hash was not detected")
	}
}

func TestNonceVectors(t *testing.T) {
	var vs []struct {
		Seed      string `json:"seed"`
		Label     string `json:"label"`
		Index     uint64 `json:"index"`
		Scalar    string `json:"scalar"`
		ChildSeed string `json:"child_seed"`
	}
	readJSON(t, "../../proof/testdata/nonces.json", &vs)
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	for i, v := range vs {
		seed := mustHex(v.Seed)
		if got := hex.EncodeToString(encS(nonceScalar(seed, v.Label, v.Index))); got != v.Scalar {
			t.Errorf("vector %d: Scalar = %s, want %s", i, got, v.Scalar)
		}
		if got := hex.EncodeToString(nonceChild(seed, v.Label, v.Index)); got != v.ChildSeed {
			t.Errorf("vector %d: Child = %s, want %s", i, got, v.ChildSeed)
		}
		// Tampered: another index gives another output.
		if got := hex.EncodeToString(encS(nonceScalar(seed, v.Label, v.Index+1))); got == v.Scalar {
			t.Errorf("vector %d: index not bound", i)
		}
	}
}

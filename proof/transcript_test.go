package proof

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/sandogh/sandogh/group"
)

// The tests in this file check the transcript against an independent encoder
// written from docs/spec.md §Proofs (refField, refEncode), and check
// injectivity with a parser that recovers the field sequence from the bytes.

// refField is one transcript field as the specification describes it.
type refField struct {
	typ   byte
	name  string
	value []byte // element/scalar: 32 bytes; bytes: data; uint64: 8 bytes; lists: concatenated items; challenge: nil
	count uint64 // lists: item count; challenges: n
}

// refEncode returns the bytes that the specification says a transcript with
// these fields absorbs, with the challenge digests computed along the way.
func refEncode(protocol string, baseHash []byte, fields []refField) (stream []byte, digests [][64]byte) {
	u16 := func(b []byte, v int) []byte { return binary.BigEndian.AppendUint16(b, uint16(v)) }
	u64 := func(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }
	stream = u16(nil, len("sandogh-v1 transcript"))
	stream = append(stream, "sandogh-v1 transcript"...)
	all := append([]refField{
		{typ: 3, name: "protocol", value: []byte(protocol)},
		{typ: 3, name: "base-hash", value: baseHash},
	}, fields...)
	for _, f := range all {
		stream = append(stream, f.typ)
		stream = u16(stream, len(f.name))
		stream = append(stream, f.name...)
		switch f.typ {
		case 1, 2, 4:
			stream = append(stream, f.value...)
		case 3:
			stream = u64(stream, uint64(len(f.value)))
			stream = append(stream, f.value...)
		case 5, 6:
			stream = u64(stream, f.count)
			stream = append(stream, f.value...)
		case 7:
			d := sha512.Sum512(stream)
			digests = append(digests, d)
			stream = append(stream, d[:]...)
		case 8:
			stream = u64(stream, f.count)
			d := sha512.Sum512(stream)
			digests = append(digests, d)
			stream = append(stream, d[:]...)
		default:
			panic("bad type")
		}
	}
	return stream, digests
}

// refParse parses a transcript stream back into fields. It fails on any
// ambiguity: the encoding is prefix-free, so a valid stream has exactly one
// parse.
func refParse(stream []byte) ([]refField, error) {
	dom := "sandogh-v1 transcript"
	if len(stream) < 2+len(dom) || binary.BigEndian.Uint16(stream) != uint16(len(dom)) || string(stream[2:2+len(dom)]) != dom {
		return nil, errors.New("bad domain")
	}
	s := stream[2+len(dom):]
	var out []refField
	take := func(n uint64) ([]byte, error) {
		if uint64(len(s)) < n {
			return nil, errors.New("truncated")
		}
		b := s[:n]
		s = s[n:]
		return b, nil
	}
	for len(s) > 0 {
		h, err := take(3)
		if err != nil {
			return nil, err
		}
		f := refField{typ: h[0]}
		name, err := take(uint64(binary.BigEndian.Uint16(h[1:])))
		if err != nil {
			return nil, err
		}
		f.name = string(name)
		switch f.typ {
		case 1, 2:
			f.value, err = take(32)
		case 4:
			f.value, err = take(8)
		case 3:
			var l []byte
			if l, err = take(8); err == nil {
				f.value, err = take(binary.BigEndian.Uint64(l))
			}
		case 5, 6:
			var l []byte
			if l, err = take(8); err == nil {
				f.count = binary.BigEndian.Uint64(l)
				f.value, err = take(32 * f.count)
			}
		case 7:
			_, err = take(64)
		case 8:
			var l []byte
			if l, err = take(8); err == nil {
				f.count = binary.BigEndian.Uint64(l)
				_, err = take(64)
			}
		default:
			return nil, fmt.Errorf("bad type %d", f.typ)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// randomFields returns a random field sequence and applies it to t,
// returning the challenges drawn.
func randomFields(rng *rand.Rand, t *Transcript) ([]refField, []*group.Scalar) {
	var fields []refField
	var chals []*group.Scalar
	names := []string{"", "a", "ab", "b", "commitment", "x\x00y"}
	for range rng.IntN(8) {
		name := names[rng.IntN(len(names))]
		switch typ := byte(1 + rng.IntN(8)); typ {
		case 1:
			e := randomElement(rng)
			t.AppendElement(name, e)
			fields = append(fields, refField{typ: typ, name: name, value: e.Bytes()})
		case 2:
			s := randomScalar(rng)
			t.AppendScalar(name, s)
			fields = append(fields, refField{typ: typ, name: name, value: s.Bytes()})
		case 3:
			b := make([]byte, rng.IntN(200))
			for i := range b {
				b[i] = byte(rng.IntN(3))
			}
			t.AppendBytes(name, b)
			fields = append(fields, refField{typ: typ, name: name, value: b})
		case 4:
			v := rng.Uint64() >> rng.IntN(64)
			t.AppendUint64(name, v)
			fields = append(fields, refField{typ: typ, name: name, value: binary.BigEndian.AppendUint64(nil, v)})
		case 5:
			n := rng.IntN(40)
			es := make([]*group.Element, n)
			var enc []byte
			for i := range es {
				es[i] = randomElement(rng)
				enc = append(enc, es[i].Bytes()...)
			}
			t.AppendElements(name, es)
			fields = append(fields, refField{typ: typ, name: name, value: enc, count: uint64(n)})
		case 6:
			n := rng.IntN(40)
			ss := make([]*group.Scalar, n)
			var enc []byte
			for i := range ss {
				ss[i] = randomScalar(rng)
				enc = append(enc, ss[i].Bytes()...)
			}
			t.AppendScalars(name, ss)
			fields = append(fields, refField{typ: typ, name: name, value: enc, count: uint64(n)})
		case 7:
			chals = append(chals, t.Challenge(name))
			fields = append(fields, refField{typ: typ, name: name})
		case 8:
			n := rng.IntN(5)
			chals = append(chals, t.Challenges(name, n)...)
			fields = append(fields, refField{typ: typ, name: name, count: uint64(n)})
		}
	}
	return fields, chals
}

// randomElement and randomScalar draw from a seeded generator, so that a
// failing case is reproducible.
func randomElement(rng *rand.Rand) *group.Element {
	var b [64]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	e, _ := group.NewElement().SetUniformBytes(b[:])
	return e
}

func randomScalar(rng *rand.Rand) *group.Scalar {
	var b [64]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	s, _ := group.NewScalar().SetUniformBytes(b[:])
	return s
}

func refChallenges(d [64]byte, n uint64) []*group.Scalar {
	var out []*group.Scalar
	for i := range n {
		in := binary.BigEndian.AppendUint16(nil, uint16(len("sandogh-v1 challenges")))
		in = append(in, "sandogh-v1 challenges"...)
		in = append(in, d[:]...)
		in = binary.BigEndian.AppendUint64(in, i)
		h := sha512.Sum512(in)
		s, _ := group.NewScalar().SetUniformBytes(h[:])
		out = append(out, s)
	}
	return out
}

// TestTranscriptMatchesSpec checks random field sequences against the
// reference encoder: the challenges are those of the specified stream, and
// the stream parses back to exactly the sequence that produced it.
func TestTranscriptMatchesSpec(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		protocol := []string{"", "p", "sandogh-v1 test"}[iter%3]
		base := make([]byte, rng.IntN(70))
		for i := range base {
			base[i] = byte(rng.Uint32())
		}
		tr := NewTranscript(protocol, base)
		fields, chals := randomFields(rng, tr)
		final := tr.Challenge("final")
		fields = append(fields, refField{typ: 7, name: "final"})
		chals = append(chals, final)

		stream, digests := refEncode(protocol, base, fields)
		var want []*group.Scalar
		di := 0
		for _, f := range fields {
			switch f.typ {
			case 7:
				s, _ := group.NewScalar().SetUniformBytes(digests[di][:])
				want = append(want, s)
				di++
			case 8:
				want = append(want, refChallenges(digests[di], f.count)...)
				di++
			}
		}
		if len(want) != len(chals) {
			t.Fatalf("case %d: %d challenges, reference has %d", iter, len(chals), len(want))
		}
		for i := range want {
			if want[i].Equal(chals[i]) != 1 {
				t.Fatalf("case %d: challenge %d differs from the reference encoding", iter, i)
			}
		}
		parsed, err := refParse(stream)
		if err != nil {
			t.Fatalf("case %d: parse: %v", iter, err)
		}
		all := append([]refField{
			{typ: 3, name: "protocol", value: []byte(protocol)},
			{typ: 3, name: "base-hash", value: base},
		}, fields...)
		if len(parsed) != len(all) {
			t.Fatalf("case %d: parsed %d fields, want %d", iter, len(parsed), len(all))
		}
		for i := range all {
			p, f := parsed[i], all[i]
			if p.typ != f.typ || p.name != f.name || p.count != f.count || !bytes.Equal(p.value, f.value) {
				t.Fatalf("case %d: field %d parses as %+v, want %+v", iter, i, p, f)
			}
		}
	}
}

// TestTranscriptInjective checks pairs of field sequences that a naive
// concatenation would confuse: every pair must give different challenges.
func TestTranscriptInjective(t *testing.T) {
	e := group.NewGeneratorElement()
	s := group.NewScalar().SetUint64(7)
	eb := e.Bytes()
	cases := map[string]func(*Transcript){
		"bytes a|bc":        func(t *Transcript) { t.AppendBytes("a", []byte("bc")) },
		"bytes ab|c":        func(t *Transcript) { t.AppendBytes("ab", []byte("c")) },
		"bytes x:ab,x:c":    func(t *Transcript) { t.AppendBytes("x", []byte("ab")); t.AppendBytes("x", []byte("c")) },
		"bytes x:a,x:bc":    func(t *Transcript) { t.AppendBytes("x", []byte("a")); t.AppendBytes("x", []byte("bc")) },
		"bytes x:abc":       func(t *Transcript) { t.AppendBytes("x", []byte("abc")) },
		"bytes x:empty":     func(t *Transcript) { t.AppendBytes("x", nil) },
		"nothing":           func(t *Transcript) {},
		"element e":         func(t *Transcript) { t.AppendElement("e", e) },
		"bytes e":           func(t *Transcript) { t.AppendBytes("e", eb) },
		"elements e":        func(t *Transcript) { t.AppendElements("e", []*group.Element{e}) },
		"elements e,e":      func(t *Transcript) { t.AppendElements("e", []*group.Element{e, e}) },
		"element e twice":   func(t *Transcript) { t.AppendElement("e", e); t.AppendElement("e", e) },
		"elements empty":    func(t *Transcript) { t.AppendElements("e", nil) },
		"scalars empty":     func(t *Transcript) { t.AppendScalars("e", nil) },
		"scalar 7":          func(t *Transcript) { t.AppendScalar("e", s) },
		"scalars 7":         func(t *Transcript) { t.AppendScalars("e", []*group.Scalar{s}) },
		"uint64 7":          func(t *Transcript) { t.AppendUint64("e", 7) },
		"bytes 7":           func(t *Transcript) { t.AppendBytes("e", []byte{0, 0, 0, 0, 0, 0, 0, 7}) },
		"challenge c":       func(t *Transcript) { t.Challenge("c") },
		"challenges c 0":    func(t *Transcript) { t.Challenges("c", 0) },
		"challenges c 1":    func(t *Transcript) { t.Challenges("c", 1) },
		"challenge c twice": func(t *Transcript) { t.Challenge("c"); t.Challenge("c") },
	}
	seen := map[string]string{}
	for name, f := range cases {
		tr := NewTranscript("test", []byte("base"))
		f(tr)
		c := string(tr.Challenge("final").Bytes())
		if other, ok := seen[c]; ok {
			t.Errorf("%q and %q give the same challenge", name, other)
		}
		seen[c] = name
	}
	// The protocol label and the base hash are fields too.
	pairs := [][2][2]string{
		{{"ab", "c"}, {"a", "bc"}},
		{{"", "abc"}, {"abc", ""}},
	}
	for _, p := range pairs {
		c1 := NewTranscript(p[0][0], []byte(p[0][1])).Challenge("c")
		c2 := NewTranscript(p[1][0], []byte(p[1][1])).Challenge("c")
		if c1.Equal(c2) == 1 {
			t.Errorf("protocol/base hash %q and %q give the same challenge", p[0], p[1])
		}
	}
}

func TestTranscriptClone(t *testing.T) {
	a := NewTranscript("test", nil)
	a.AppendUint64("i", 1)
	b := a.Clone()
	b.AppendUint64("j", 2)
	ca := a.Clone().Challenge("c")
	cb := b.Challenge("c")
	if ca.Equal(cb) == 1 {
		t.Fatal("appending to a clone changed the original")
	}
	ref := NewTranscript("test", nil)
	ref.AppendUint64("i", 1)
	if ref.Challenge("c").Equal(ca) != 1 {
		t.Fatal("clone does not continue the original state")
	}
	// Drawing a challenge changes the state.
	c1 := a.Challenge("c")
	c2 := a.Challenge("c")
	if c1.Equal(c2) == 1 {
		t.Fatal("two successive challenges are equal")
	}
}

// TestChallengesLarge checks the parallel expansion against the sequential
// reference for a count that spans several chunks.
func TestChallengesLarge(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 5000
	}
	tr := NewTranscript("test", nil)
	seedTr := tr.Clone()
	got := tr.Challenges("many", n)
	// The seed is the digest of the stream up to the challenges header.
	seedTr.header(fieldChallenges, "many")
	seedTr.buf = binary.BigEndian.AppendUint64(seedTr.buf, uint64(n))
	seedTr.flush()
	var d [64]byte
	seedTr.digest(&d)
	want := refChallenges(d, uint64(n))
	for i := range want {
		if got[i].Equal(want[i]) != 1 {
			t.Fatalf("challenge %d differs from the sequential reference", i)
		}
	}
}

func TestTranscriptLongNamePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a 65536-byte field name")
		}
	}()
	NewTranscript("test", nil).AppendUint64(string(make([]byte, 65536)), 1)
}

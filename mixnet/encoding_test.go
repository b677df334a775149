package mixnet

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
)

// badElement is a non-canonical element encoding (s ≥ p: all bits set but
// the top one), rejected by every decoder.
var badElement = bytes.Repeat([]byte{0xff}, 31)

func nonCanonical() []byte { return append(append([]byte(nil), badElement...), 0x7f) }

func TestRowsRoundTrip(t *testing.T) {
	p, _ := testParams(t)
	for _, w := range []int{1, 3} {
		r := testRows(t, p.PublicKey, 7, w)
		b := r.Bytes()
		if len(b) != 8+7*w*64 {
			t.Fatalf("encoding is %d bytes", len(b))
		}
		if binary.BigEndian.Uint32(b) != uint32(w) || binary.BigEndian.Uint32(b[4:]) != 7 {
			t.Fatal("bad header")
		}
		q, err := ParseRows(b)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(q.Bytes(), b) || q.Digest() != r.Digest() || q.Len() != 7 || q.Width() != w {
			t.Fatal("round trip changed the rows")
		}
		q2, err := ReadRows(bytes.NewReader(append(b, 0xaa)))
		if err != nil || q2.Digest() != r.Digest() {
			t.Fatal("ReadRows differs from ParseRows", err)
		}
		var buf bytes.Buffer
		if _, err := r.WriteTo(&buf); err != nil || !bytes.Equal(buf.Bytes(), b) {
			t.Fatal("WriteTo differs from Bytes")
		}
	}
}

func TestRowsDigestDefinition(t *testing.T) {
	p, _ := testParams(t)
	r := testRows(t, p.PublicKey, 3, 2)
	h := newSHA512()
	h.Write([]byte{0, byte(len(RowsDomain))})
	h.Write([]byte(RowsDomain))
	h.Write(r.Bytes())
	var want Digest
	h.Sum(want[:0])
	if r.Digest() != want {
		t.Fatal("Digest is not SHA-512(u16(len) ‖ RowsDomain ‖ Bytes())")
	}
}

func TestParseRowsErrors(t *testing.T) {
	p, _ := testParams(t)
	good := testRows(t, p.PublicKey, 4, 2).Bytes()
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"short header", good[:5], "shorter than its 8-byte header"},
		{"width 0", mutate(func(b []byte) []byte { b[3] = 0; return b }), "width 0"},
		{"width too large", mutate(func(b []byte) []byte { binary.BigEndian.PutUint32(b, MaxWidth+1); return b }), "width 1025"},
		{"empty", mutate(func(b []byte) []byte { binary.BigEndian.PutUint32(b[4:], 0); return b[:8] }), "empty"},
		{"truncated", good[:len(good)-1], "want"},
		{"trailing", append(append([]byte(nil), good...), 0), "want"},
		{"bad element", mutate(func(b []byte) []byte { copy(b[8+5*64+32:], nonCanonical()); return b }), "row 2, column 1: field B"},
	}
	for _, c := range cases {
		_, err := ParseRows(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "mixnet: ") {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// TestReadRowsLyingHeader: a header that claims billions of rows must not
// make the reader allocate for them before the data arrives.
func TestReadRowsLyingHeader(t *testing.T) {
	hdr := rowsHeader(MaxWidth, 1<<32-1)
	_, err := ReadRows(io.MultiReader(bytes.NewReader(hdr[:]), bytes.NewReader(make([]byte, 1000))))
	if err == nil || !strings.Contains(err.Error(), "truncated after 1000") {
		t.Fatalf("got %v", err)
	}
}

func TestNewRowsErrors(t *testing.T) {
	p, _ := testParams(t)
	ct := p.PublicKey.Encrypt(elgamalScalar(1), elgamalScalar(2))
	cases := []struct {
		rows [][]*elgamal.Ciphertext
		want string
	}{
		{nil, "empty"},
		{[][]*elgamal.Ciphertext{{}}, "width 0"},
		{[][]*elgamal.Ciphertext{{ct, ct}, {ct}}, "row 1 has 1 ciphertext, want 2"},
		{[][]*elgamal.Ciphertext{{ct}, {nil}}, "row 1, column 0: nil"},
	}
	for _, c := range cases {
		if _, err := NewRows(c.rows); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

func TestProofRoundTripAndErrors(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 4, 2)
	_, pr, _ := Shuffle(p, 0, in, testNonces(t, "enc"))
	b := pr.Bytes()
	if uint64(len(b)) != proofSize(2, 4) || len(b) != 8+160*4+192+96*2 {
		t.Fatalf("proof is %d bytes", len(b))
	}
	q, err := ParseProof(b)
	if err != nil || !bytes.Equal(q.Bytes(), b) || q.Digest() != pr.Digest() {
		t.Fatal("round trip", err)
	}
	q2, err := ReadProof(bytes.NewReader(b))
	if err != nil || q2.Digest() != pr.Digest() {
		t.Fatal("ReadProof", err)
	}
	l := layout(2, 4)
	set := func(off int, v []byte) []byte {
		c := append([]byte(nil), b...)
		copy(c[off:], v)
		return c
	}
	ff := bytes.Repeat([]byte{0xff}, 32)
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"header", b[:3], "header"},
		{"width", set(0, []byte{0, 0, 0, 0}), "width 0"},
		{"rows", set(4, []byte{0, 0, 0, 0}), "no rows"},
		{"length", b[:len(b)-1], "want"},
		{"T1", set(l.t1, nonCanonical()), "field T1"},
		{"T3", set(l.t3, nonCanonical()), "field T3"},
		{"T4", set(l.t4+64+32, nonCanonical()), "field T4, column 1: field B"},
		{"s2", set(l.s2, ff), "field s2"},
		{"s4", set(l.s4+32, ff), "field s4, column 1"},
		{"shat", set(l.sHat+32, ff), "field shat, row 1"},
		{"sprime", set(l.sPrime+96, ff), "field sprime, row 3"},
	}
	for _, c := range cases {
		_, err := ParseProof(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "mixnet: proof: ") {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	// The per-row elements are decoded by the verifier, which names them.
	out, _, _ := Shuffle(p, 0, in, testNonces(t, "enc"))
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"C", set(l.perm+32*2, nonCanonical()), "mixnet: proof: field C, row 2: invalid"},
		{"Chat", set(l.chain+32*3, nonCanonical()), "mixnet: proof: field Chat, row 3: invalid"},
		{"That", set(l.chainT, nonCanonical()), "mixnet: proof: field That, row 0: invalid"},
	} {
		q, err := ParseProof(c.b)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		err = VerifyShuffle(p, 0, in, out, q)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error starting %q", c.name, err, c.want)
		}
	}
	// With several bad elements, the error names the first row, whatever
	// the scheduling.
	b2 := set(l.chain+32*3, nonCanonical())
	copy(b2[l.perm+32:], nonCanonical())
	q3, _ := ParseProof(b2)
	if err := VerifyShuffle(p, 0, in, out, q3); err == nil || !strings.Contains(err.Error(), "field C, row 1") {
		t.Errorf("got %v, want the error of row 1", err)
	}
}

func TestStageRoundTripAndErrors(t *testing.T) {
	p, _ := testParams(t)
	in := testRows(t, p.PublicKey, 3, 1)
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	s, err := Mix(p, 0, key, in, testNonces(t, "stage"))
	if err != nil {
		t.Fatal(err)
	}
	b := s.Bytes()
	q, err := ParseStage(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(q.Bytes(), b) || q.Hash(p) != s.Hash(p) {
		t.Fatal("round trip changed the stage")
	}
	if err := q.Verify(p, in); err != nil {
		t.Fatal(err)
	}
	off := stageHeaderSize + len(s.Output.Bytes())
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"header", b[:50], "mixnet: stage: header"},
		{"output", append(append([]byte(nil), b[:stageHeaderSize+8]...), nonCanonical()...), "mixnet: stage 0: output:"},
		{"output element", func() []byte {
			c := append([]byte(nil), b...)
			copy(c[stageHeaderSize+8+64+32:], nonCanonical())
			return c
		}(), "stage 0: output: rows: row 1, column 0: field B"},
		{"proof", b[:off+20], "mixnet: stage 0: proof:"},
		{"proof shape", func() []byte {
			_, pr2, err := Shuffle(p, 0, testRows(t, p.PublicKey, 2, 1), testNonces(t, "other"))
			if err != nil {
				t.Fatal(err)
			}
			c := append([]byte(nil), b[:off]...)
			c = append(c, pr2.Bytes()...)
			return append(c, s.Signature...)
		}(), "proof is for 2 rows of width 1, output has 3 rows"},
		{"signature", b[:len(b)-1], "signature"},
		{"trailing", append(append([]byte(nil), b...), 1), "trailing"},
	}
	for _, c := range cases {
		_, err := ParseStage(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// FuzzParseRows: the decoder never panics, and what it accepts it encodes
// back to the same bytes.
func FuzzParseRows(f *testing.F) {
	p, _ := testParams(f)
	f.Add(testRows(f, p.PublicKey, 2, 2).Bytes())
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRows(b)
		if err != nil {
			return
		}
		if !bytes.Equal(r.Bytes(), b) {
			t.Fatal("accepted a non-canonical encoding")
		}
		r2, err := ReadRows(bytes.NewReader(b))
		if err != nil || r2.Digest() != r.Digest() {
			t.Fatal("ReadRows disagrees with ParseRows")
		}
	})
}

func FuzzParseProof(f *testing.F) {
	p, _ := testParams(f)
	in := testRows(f, p.PublicKey, 2, 1)
	_, pr, _ := Shuffle(p, 0, in, testNonces(f, "fuzz"))
	f.Add(pr.Bytes())
	f.Add(pr.Bytes()[:100])
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := ParseProof(b)
		if err != nil {
			return
		}
		if !bytes.Equal(q.Bytes(), b) {
			t.Fatal("accepted a non-canonical encoding")
		}
	})
}

// FuzzParseStage decodes arbitrary stages and, when they decode, verifies
// them against a fixed input list; nothing may panic, and nothing but the
// original stage may be accepted.
func FuzzParseStage(f *testing.F) {
	p, _ := testParams(f)
	in := testRows(f, p.PublicKey, 2, 1)
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	s, err := Mix(p, 0, key, in, testNonces(f, "fuzz"))
	if err != nil {
		f.Fatal(err)
	}
	orig := s.Bytes()
	f.Add(orig)
	f.Add(orig[:200])
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := ParseStage(b)
		if err != nil {
			return
		}
		if !bytes.Equal(q.Bytes(), b) {
			t.Fatal("accepted a non-canonical encoding")
		}
		c, err := NewCascade(p, []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		if v := c.Add(q); v.Accepted && !bytes.Equal(b, orig) {
			t.Fatal("accepted a changed stage")
		}
	})
}

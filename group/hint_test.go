package group

import (
	"bytes"
	"crypto/rand"
	"testing"
)

// hintedMatches decodes x with d and checks that the outcome is exactly
// SetCanonicalBytes's: the same element, or the same error with the receiver
// unchanged.
func hintedMatches(t *testing.T, d *Decoder, x []byte) {
	t.Helper()
	want, werr := NewElement().SetCanonicalBytes(x)
	e := NewGeneratorElement()
	got, gerr := d.Decode(e, x)
	switch {
	case (werr == nil) != (gerr == nil):
		t.Fatalf("%x: hinted error %v, full error %v", x, gerr, werr)
	case werr != nil && gerr.Error() != werr.Error():
		t.Fatalf("%x: hinted error %q, full error %q", x, gerr, werr)
	case werr != nil && (got != nil || e.Equal(NewGeneratorElement()) != 1):
		t.Fatalf("%x: rejected, but returned a value or changed the receiver", x)
	case werr == nil && (got != e || e.Equal(want) != 1):
		t.Fatalf("%x: hinted decoding gives another element", x)
	}
}

func testEncodings(t *testing.T) [][]byte {
	var xs [][]byte
	for _, v := range rfcMultiples(t) {
		xs = append(xs, v.Encoding)
	}
	for range 64 {
		var b [64]byte
		rand.Read(b[:])
		e, _ := NewElement().SetUniformBytes(b[:])
		xs = append(xs, e.Bytes())
	}
	return xs
}

// TestHintedDecoder: hints recorded from the encodings check, and decoding
// with them, with their negations, with wrong hints or with too few gives
// exactly what decoding in full gives.
func TestHintedDecoder(t *testing.T) {
	xs := testEncodings(t)
	rec := NewHintRecorder()
	for _, x := range xs {
		if _, err := rec.Decode(NewElement(), x); err != nil {
			t.Fatal(err)
		}
	}
	hints := rec.Hints()
	if len(hints) != HintSize*len(xs) {
		t.Fatalf("%d bytes of hints for %d elements", len(hints), len(xs))
	}

	d := NewHintedDecoder(hints)
	for _, x := range xs {
		hintedMatches(t, d, x)
	}
	if d.Misses() != 0 {
		t.Fatalf("%d recorded hints did not check", d.Misses())
	}

	// The other square root checks as well.
	negated := make([]byte, 0, len(hints))
	for k := 0; k < len(hints); k += HintSize {
		negated = append(negated, negateFE(t, hints[k:k+HintSize])...)
	}
	d = NewHintedDecoder(negated)
	for _, x := range xs {
		hintedMatches(t, d, x)
	}
	if d.Misses() != 0 {
		t.Fatalf("%d negated hints did not check", d.Misses())
	}

	// Wrong hints: random bytes, and every hint moved to the next element.
	wrong := make([]byte, len(hints))
	rand.Read(wrong)
	shifted := append(append([]byte(nil), hints[HintSize:]...), hints[:HintSize]...)
	for name, h := range map[string][]byte{"random": wrong, "shifted": shifted, "short": hints[:5*HintSize+7]} {
		d := NewHintedDecoder(h)
		for _, x := range xs {
			hintedMatches(t, d, x)
		}
		want := len(xs)
		if name == "short" {
			want = 0
		}
		if d.Misses() != want {
			t.Errorf("%s hints: %d misses, want %d", name, d.Misses(), want)
		}
	}
}

// TestHintedDecoderInvalid: every invalid encoding of RFC 9496, Appendix
// A.2, is refused with the same error whatever the hint, the hint that
// passes the check included where there is one.
func TestHintedDecoderInvalid(t *testing.T) {
	for _, v := range rfcInvalid(t) {
		x := v.Encoding
		var full decoded
		full.decode((*[ElementSize]byte)(x))
		random := make([]byte, HintSize)
		rand.Read(random)
		for _, h := range [][]byte{full.invSqrt.Bytes(), random, nil} {
			hintedMatches(t, NewHintedDecoder(h), x)
		}
	}
	// Wrong lengths, with and without a hint.
	for _, x := range [][]byte{nil, make([]byte, 31), make([]byte, 33)} {
		for _, h := range [][]byte{nil, make([]byte, HintSize)} {
			if _, err := NewHintedDecoder(h).Decode(NewElement(), x); err == nil {
				t.Fatalf("%d bytes accepted", len(x))
			}
		}
	}
}

// TestHintedDecoderNonCanonical: an encoding with bit 255 set, or of s + p
// for s < 19, names the same field element as a valid encoding, so the valid
// encoding's hint (and its negation) passes the check; it is still refused
// with decoding in full's error.
func TestHintedDecoderNonCanonical(t *testing.T) {
	xs := testEncodings(t)
	// s + p for s = 0 (the identity's encoding, all zeros) and s = 2.
	for _, small := range []byte{0, 2} {
		x := make([]byte, ElementSize)
		x[0] = small
		xs = append(xs, x)
	}
	for _, x := range xs {
		rec := NewHintRecorder()
		if _, err := rec.Decode(NewElement(), x); err != nil && x[0] != 2 {
			t.Fatal(err)
		}
		var full decoded
		full.decode((*[ElementSize]byte)(x))
		hint := full.invSqrt.Bytes()
		var variants [][]byte
		top := bytes.Clone(x)
		top[31] |= 0x80
		variants = append(variants, top)
		if x[0] < 19 && bytes.Equal(x[1:], make([]byte, ElementSize-1)) {
			plusP := []byte{0xed + x[0]}
			plusP = append(plusP, bytes.Repeat([]byte{0xff}, 30)...)
			plusP = append(plusP, 0x7f)
			variants = append(variants, plusP)
		}
		for _, v := range variants {
			for _, h := range [][]byte{hint, negateFE(t, hint)} {
				d := NewHintedDecoder(h)
				hintedMatches(t, d, v)
				if d.Misses() != 0 {
					t.Fatalf("%x: the valid encoding's hint did not check", v)
				}
			}
		}
	}
}

// TestHintRecorderNil: a nil Decoder decodes in full.
func TestHintRecorderNil(t *testing.T) {
	var d *Decoder
	for _, x := range testEncodings(t)[:4] {
		hintedMatches(t, d, x)
	}
	if d.Hints() != nil || d.Misses() != 0 {
		t.Fatal("a nil Decoder has hints or misses")
	}
}

func negateFE(t *testing.T, b []byte) []byte {
	t.Helper()
	var x decoded
	if _, err := x.invSqrt.SetBytes(b); err != nil {
		t.Fatal(err)
	}
	x.invSqrt.Negate(&x.invSqrt)
	out := x.invSqrt.Bytes()
	if bytes.Equal(out, b) {
		t.Fatal("a hint is its own negation")
	}
	return out
}

func FuzzHintedDecode(f *testing.F) {
	for _, s := range seedElementEncodings(f) {
		var full decoded
		if len(s) == ElementSize {
			full.decode((*[ElementSize]byte)(s))
		}
		f.Add(s, full.invSqrt.Bytes())
		f.Add(s, []byte{})
	}
	f.Fuzz(func(t *testing.T, x, hint []byte) {
		hintedMatches(t, NewHintedDecoder(hint), x)
	})
}

func BenchmarkDecode(b *testing.B) {
	var buf [64]byte
	rand.Read(buf[:])
	e, _ := NewElement().SetUniformBytes(buf[:])
	x := e.Bytes()
	rec := NewHintRecorder()
	rec.Decode(NewElement(), x)
	hint := rec.Hints()
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.SetCanonicalBytes(x); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hinted", func(b *testing.B) {
		for b.Loop() {
			if _, err := NewHintedDecoder(hint).Decode(e, x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

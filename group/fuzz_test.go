package group

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"testing"

	gtank "github.com/gtank/ristretto255"
)

// Fuzz targets for every decoder. None may panic; whatever a decoder
// accepts must encode back to exactly the bytes it was given. Seeds come
// from the RFC 9496 vectors in testdata/.
//
//	go test ./group/ -run x -fuzz FuzzElementSetCanonicalBytes -fuzztime 30s

func seedElementEncodings(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, v := range rfcMultiples(f) {
		seeds = append(seeds, v.Encoding)
	}
	seeds = append(seeds, rfcInvalidEncodings(f)...)
	seeds = append(seeds, nil, make([]byte, 31), make([]byte, 33))
	return seeds
}

func FuzzElementSetCanonicalBytes(f *testing.F) {
	for _, s := range seedElementEncodings(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, x []byte) {
		e := NewGeneratorElement()
		out, err := e.SetCanonicalBytes(x)
		_, gerr := gtank.NewIdentityElement().SetCanonicalBytes(x)
		if (err == nil) != (gerr == nil) {
			t.Fatalf("%x: group error %v, gtank error %v", x, err, gerr)
		}
		if err != nil {
			if out != nil || e.Equal(NewGeneratorElement()) != 1 {
				t.Fatalf("%x: rejected, but returned a value or changed the receiver", x)
			}
		} else if out != e || !bytes.Equal(e.Bytes(), x) {
			t.Fatalf("%x: accepted, but encodes back to %x", x, e.Bytes())
		}
		if len(x) == ElementSize {
			var a [ElementSize]byte
			copy(a[:], x)
			tr := NewGeneratorElement()
			ok := tr.TrySetCanonicalBytes(&a)
			if ok != b2i(err == nil) {
				t.Fatalf("%x: TrySetCanonicalBytes returned %d, SetCanonicalBytes error %v", x, ok, err)
			}
			if ok == 1 && tr.Equal(e) != 1 || ok == 0 && tr.IsIdentity() != 1 {
				t.Fatalf("%x: TrySetCanonicalBytes left the wrong element", x)
			}
		}
	})
}

func FuzzScalarSetCanonicalBytes(f *testing.F) {
	f.Add(make([]byte, 32))
	f.Add(bigToLE32(orderL))
	f.Add(bigToLE32(new(big.Int).Sub(orderL, big.NewInt(1))))
	f.Add(bytes.Repeat([]byte{0xff}, 32))
	f.Add([]byte{1})
	for _, s := range seedElementEncodings(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, x []byte) {
		s := NewScalar().SetUint64(7)
		out, err := s.SetCanonicalBytes(x)
		want := len(x) == ScalarSize && leToBig(x).Cmp(orderL) < 0
		if (err == nil) != want {
			t.Fatalf("%x: error %v, but the value is canonical: %v", x, err, want)
		}
		if err != nil {
			if out != nil || s.Equal(NewScalar().SetUint64(7)) != 1 {
				t.Fatalf("%x: rejected, but returned a value or changed the receiver", x)
			}
		} else if out != s || !bytes.Equal(s.Bytes(), x) {
			t.Fatalf("%x: accepted, but encodes back to %x", x, s.Bytes())
		}
	})
}

func FuzzElementUnmarshalText(f *testing.F) {
	for _, s := range seedElementEncodings(f) {
		f.Add([]byte(hex.EncodeToString(s)))
	}
	f.Add([]byte("E2F2AE0A6ABC4E71A884A961C500515F58E30B6AA582DD8DB6A65945E08D2D76"))
	f.Add([]byte(" e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d7"))
	f.Fuzz(func(t *testing.T, text []byte) {
		e := NewGeneratorElement()
		if err := e.UnmarshalText(text); err != nil {
			if e.Equal(NewGeneratorElement()) != 1 {
				t.Fatalf("%q: rejected, but changed the receiver", text)
			}
			return
		}
		back, err := e.MarshalText()
		if err != nil || !bytes.Equal(back, text) {
			t.Fatalf("%q: accepted, but marshals back to %q", text, back)
		}
	})
}

func FuzzScalarUnmarshalText(f *testing.F) {
	f.Add([]byte(hex.EncodeToString(make([]byte, 32))))
	f.Add([]byte(hex.EncodeToString(bigToLE32(orderL))))
	f.Add([]byte(hex.EncodeToString(bigToLE32(new(big.Int).Sub(orderL, big.NewInt(1))))))
	f.Add([]byte("0100000000000000000000000000000000000000000000000000000000000000"))
	f.Add([]byte("0A00000000000000000000000000000000000000000000000000000000000000"))
	f.Add([]byte("01"))
	f.Fuzz(func(t *testing.T, text []byte) {
		s := NewScalar().SetUint64(7)
		if err := s.UnmarshalText(text); err != nil {
			if s.Equal(NewScalar().SetUint64(7)) != 1 {
				t.Fatalf("%q: rejected, but changed the receiver", text)
			}
			return
		}
		back, err := s.MarshalText()
		if err != nil || !bytes.Equal(back, text) {
			t.Fatalf("%q: accepted, but marshals back to %q", text, back)
		}
	})
}

// FuzzSetUniformBytes compares the element derivation function with gtank
// on arbitrary inputs; both must refuse every length but 64.
func FuzzSetUniformBytes(f *testing.F) {
	for _, v := range rfcUniform(f) {
		f.Add([]byte(v.Input))
	}
	f.Add(make([]byte, 63))
	f.Add(bytes.Repeat([]byte{0xff}, 64))
	f.Fuzz(func(t *testing.T, x []byte) {
		e, err := NewElement().SetUniformBytes(x)
		g, gerr := gtank.NewIdentityElement().SetUniformBytes(x)
		if (err == nil) != (gerr == nil) || (err == nil) != (len(x) == 64) {
			t.Fatalf("%d bytes: group error %v, gtank error %v", len(x), err, gerr)
		}
		if err == nil && !bytes.Equal(e.Bytes(), g.Bytes()) {
			t.Fatalf("%x: group maps to %x, gtank to %x", x, e.Bytes(), g.Bytes())
		}
		s, err := NewScalar().SetUniformBytes(x)
		if (err == nil) != (len(x) == 64) {
			t.Fatalf("%d bytes: Scalar.SetUniformBytes error %v", len(x), err)
		}
		if err == nil && leToBig(s.Bytes()).Cmp(new(big.Int).Mod(leToBig(x), orderL)) != 0 {
			t.Fatalf("%x: Scalar.SetUniformBytes is not the input modulo ℓ", x)
		}
	})
}

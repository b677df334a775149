package elgamal

import (
	"bytes"
	"slices"
	"testing"

	"github.com/sandogh/sandogh/group"
)

func FuzzCiphertextSetCanonicalBytes(f *testing.F) {
	_, pk := GenerateKey()
	f.Add(pk.Encrypt(scalar(1), group.RandomScalar()).Bytes())
	f.Add(make([]byte, 64))
	f.Add(make([]byte, 63))
	f.Add(bytes.Repeat([]byte{0xff}, 64))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := NewCiphertext()
		_, err := c.SetCanonicalBytes(b)
		if err != nil {
			if c.Equal(NewCiphertext()) != 1 {
				t.Fatal("receiver changed on error")
			}
			return
		}
		if !bytes.Equal(c.Bytes(), b) {
			t.Fatalf("accepted %x but re-encodes as %x", b, c.Bytes())
		}
	})
}

func FuzzCiphertextUnmarshalText(f *testing.F) {
	_, pk := GenerateKey()
	txt, _ := pk.Encrypt(scalar(1), group.RandomScalar()).MarshalText()
	f.Add(txt)
	f.Add(bytes.ToUpper(txt))
	f.Add(bytes.Repeat([]byte("0"), 128))
	f.Add([]byte("zz"))
	f.Fuzz(func(t *testing.T, text []byte) {
		var c Ciphertext
		if err := c.UnmarshalText(text); err != nil {
			return
		}
		out, _ := c.MarshalText()
		if !bytes.Equal(out, text) {
			t.Fatalf("accepted %q but re-encodes as %q", text, out)
		}
	})
}

func FuzzKeyUnmarshalText(f *testing.F) {
	sk, pk := GenerateKey()
	t1, _ := sk.MarshalText()
	t2, _ := pk.MarshalText()
	f.Add(t1)
	f.Add(t2)
	f.Add(bytes.Repeat([]byte("0"), 64))
	f.Fuzz(func(t *testing.T, text []byte) {
		var s SecretKey
		if err := s.UnmarshalText(text); err == nil {
			if out, _ := s.MarshalText(); !bytes.Equal(out, text) || s.Scalar().IsZero() == 1 {
				t.Fatalf("secret key %q accepted but re-encodes as %q", text, out)
			}
		}
		var p PublicKey
		if err := p.UnmarshalText(text); err == nil {
			if out, _ := p.MarshalText(); !bytes.Equal(out, text) || p.Element().IsIdentity() == 1 {
				t.Fatalf("public key %q accepted but re-encodes as %q", text, out)
			}
		}
	})
}

// FuzzExtract decodes arbitrary 32-byte strings as elements and extracts
// them. Whatever Extract accepts must embed back to an element with the same
// encoding except for the counter bits.
func FuzzExtract(f *testing.F) {
	M, _ := Embed([]byte("Ada Lovelace"))
	f.Add(M.Bytes())
	f.Add(make([]byte, 32))
	f.Add(group.NewGeneratorElement().Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		M, err := group.NewElement().SetCanonicalBytes(b)
		if err != nil {
			return
		}
		data, err := Extract(M)
		if err != nil {
			return
		}
		M2, err := Embed(data)
		if err != nil {
			t.Fatalf("Embed(Extract(%x)): %v", b, err)
		}
		enc := M2.Bytes()
		if enc[0]&0x3f != b[0]&0x3f || !bytes.Equal(enc[1:31], b[1:31]) {
			t.Fatalf("Extract(%x) = %x, which embeds as %x", b, data, enc)
		}
	})
}

func FuzzEmbed(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("Ada Lovelace"))
	f.Add(bytes.Repeat([]byte{0xff}, 30))
	f.Fuzz(func(t *testing.T, data []byte) {
		M, err := Embed(data)
		if len(data) > MaxEmbedSize {
			if err == nil {
				t.Fatal("Embed accepted too much data")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := Extract(M)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Extract(Embed(%x)) = %x, %v", data, got, err)
		}
	})
}

// FuzzUnpackCodes unpacks arbitrary element encodings with arbitrary
// parameters. A packing that UnpackCodes accepts must be the one that
// PackCodes makes of its result: the packing of a code list is unique.
func FuzzUnpackCodes(f *testing.F) {
	elems, _ := PackCodes([]uint32{3, 1, 400}, 21, 400)
	f.Add(elems[0].Bytes(), 21, uint32(400))
	elems, _ = PackCodes([]uint32{9999, 1}, 50, 10000)
	var seed []byte
	for _, M := range elems {
		seed = M.AppendBytes(seed)
	}
	f.Add(seed, 50, uint32(10000))
	f.Add(make([]byte, 32), 1, uint32(1))
	f.Fuzz(func(t *testing.T, b []byte, maxCodes int, maxCode uint32) {
		if maxCodes > 1000 {
			maxCodes %= 1000
		}
		var elems []*group.Element
		for len(b) >= 32 {
			M, err := group.NewElement().SetCanonicalBytes(b[:32])
			if err != nil {
				return
			}
			elems = append(elems, M)
			b = b[32:]
		}
		codes, err := UnpackCodes(elems, maxCodes, maxCode)
		if err != nil {
			return
		}
		again, err := PackCodes(codes, maxCodes, maxCode)
		if err != nil {
			t.Fatalf("PackCodes(UnpackCodes(...) = %v): %v", codes, err)
		}
		for i := range again {
			d1, _ := Extract(again[i])
			d2, _ := Extract(elems[i])
			if !bytes.Equal(d1, d2) {
				t.Fatalf("element %d: accepted packing %x is not canonical (%x)", i, d2, d1)
			}
		}
		if back, _ := UnpackCodes(again, maxCodes, maxCode); !slices.Equal(back, codes) {
			t.Fatal("round trip changed the codes")
		}
	})
}

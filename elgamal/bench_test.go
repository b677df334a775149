package elgamal

import (
	"encoding/binary"
	"testing"

	"github.com/sandogh/sandogh/group"
)

func BenchmarkEncrypt(b *testing.B) {
	_, pk := GenerateKey()
	m, r := scalar(1), group.RandomScalar()
	pk.Encrypt(m, r) // build the table outside the loop
	for b.Loop() {
		pk.Encrypt(m, r)
	}
}

func BenchmarkEncryptElement(b *testing.B) {
	_, pk := GenerateKey()
	M, r := mG(3), group.RandomScalar()
	pk.EncryptElement(M, r)
	for b.Loop() {
		pk.EncryptElement(M, r)
	}
}

func BenchmarkReEncrypt(b *testing.B) {
	_, pk := GenerateKey()
	c := pk.Encrypt(scalar(1), group.RandomScalar())
	r := group.RandomScalar()
	dst := new(Ciphertext)
	for b.Loop() {
		pk.ReEncryptTo(dst, c, r)
	}
}

func BenchmarkDecrypt(b *testing.B) {
	sk, pk := GenerateKey()
	c := pk.Encrypt(scalar(1), group.RandomScalar())
	for b.Loop() {
		sk.Decrypt(c)
	}
}

func BenchmarkCiphertextSetCanonicalBytes(b *testing.B) {
	_, pk := GenerateKey()
	enc := pk.Encrypt(scalar(1), group.RandomScalar()).Bytes()
	c := new(Ciphertext)
	for b.Loop() {
		if _, err := c.SetCanonicalBytes(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDLogTable(b *testing.B) {
	for _, bc := range []struct {
		name  string
		bound uint64
	}{{"max=1e6", 1_000_000}, {"max=1e7", 10_000_000}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				NewDLogTable(bc.bound)
			}
		})
	}
}

func BenchmarkVarTimeSolve(b *testing.B) {
	for _, bc := range []struct {
		name  string
		bound uint64
	}{{"max=1e6", 1_000_000}, {"max=1e7", 10_000_000}} {
		b.Run(bc.name, func(b *testing.B) {
			tab := NewDLogTable(bc.bound)
			M := mG(bc.bound) // the worst case: the last giant step
			for b.Loop() {
				if _, err := tab.VarTimeSolve(M); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEmbed(b *testing.B) {
	data := []byte("a write-in of thirty bytes....")
	for b.Loop() {
		if _, err := Embed(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVarTimeEmbed embeds 4-byte weights (the weight column of a
// mixed row), a different one each time.
func BenchmarkVarTimeEmbed(b *testing.B) {
	var data [4]byte
	n := uint32(0)
	for b.Loop() {
		n++
		binary.BigEndian.PutUint32(data[:], n)
		if _, err := VarTimeEmbed(data[:]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtract(b *testing.B) {
	M, _ := Embed([]byte("a write-in of thirty bytes...."))
	for b.Loop() {
		if _, err := Extract(M); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPackCodes(b *testing.B) {
	for _, bc := range []struct {
		name     string
		maxCodes int
		maxCode  uint32
	}{{"N=21,M=400", 21, 400}, {"N=50,M=10000", 50, 10000}} {
		codes := make([]uint32, bc.maxCodes)
		for i := range codes {
			codes[i] = uint32(i*37)%bc.maxCode + 1
		}
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := PackCodes(codes, bc.maxCodes, bc.maxCode); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnpackCodes(b *testing.B) {
	codes := make([]uint32, 50)
	for i := range codes {
		codes[i] = uint32(i*37)%10000 + 1
	}
	elems, _ := PackCodes(codes, 50, 10000)
	for b.Loop() {
		if _, err := UnpackCodes(elems, 50, 10000); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVarTimeEmbeddingCounter measures the check that a decrypted
// plaintext is the canonical embedding of its data, over the packings of
// 256 different code lists (the work depends on the counter).
func BenchmarkVarTimeEmbeddingCounter(b *testing.B) {
	var elems []*group.Element
	for k := range 256 {
		codes := make([]uint32, 21)
		for i := range codes {
			codes[i] = uint32(k*21+i)%400 + 1
		}
		els, _ := PackCodes(codes, 21, 400)
		elems = append(elems, els[0])
	}
	i := 0
	for b.Loop() {
		if c, c0 := VarTimeEmbeddingCounter(elems[i%len(elems)]); c != c0 {
			b.Fatal("not canonical")
		}
		i++
	}
}

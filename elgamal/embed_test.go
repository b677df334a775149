package elgamal

import (
	"bytes"
	"crypto/rand"
	mrand "math/rand/v2"
	"strings"
	"testing"

	gtank "github.com/gtank/ristretto255"
	"github.com/sandogh/sandogh/group"
)

func TestEmbedRoundTrip(t *testing.T) {
	inputs := [][]byte{
		{},
		{0},
		{0xff},
		bytes.Repeat([]byte{0}, MaxEmbedSize),
		bytes.Repeat([]byte{0xff}, MaxEmbedSize),
		bytes.Repeat([]byte{0x80}, MaxEmbedSize),
		[]byte("Ada Lovelace"),
	}
	rng := mrand.New(mrand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		b := make([]byte, rng.IntN(MaxEmbedSize+1))
		rand.Read(b)
		inputs = append(inputs, b)
	}
	for _, data := range inputs {
		M, err := Embed(data)
		if err != nil {
			t.Fatalf("Embed(%x): %v", data, err)
		}
		got, err := Extract(M)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Extract(Embed(%x)) = %x, %v", data, got, err)
		}
		// The layout, checked on the encoding itself.
		enc := M.Bytes()
		if int(enc[0]>>1)&0x1f != len(data) || enc[0]&1 != 0 || enc[31]&0x80 != 0 {
			t.Fatalf("Embed(%x): bad length byte or top bit in %x", data, enc)
		}
		if !bytes.Equal(enc[1:1+len(data)], data) || !bytes.Equal(enc[1+len(data):31], make([]byte, 30-len(data))) {
			t.Fatalf("Embed(%x): data or padding wrong in %x", data, enc)
		}
		// The counter is the smallest that decodes: every smaller one fails
		// in an independent implementation.
		c := int(enc[31]) | int(enc[0]>>6)<<7
		for c2 := 0; c2 < c; c2++ {
			cand := append([]byte{}, enc...)
			cand[0] = cand[0]&0x3f | byte(c2>>7)<<6
			cand[31] = byte(c2 & 0x7f)
			if _, err := gtank.NewIdentityElement().SetCanonicalBytes(cand); err == nil {
				t.Fatalf("Embed(%x): counter %d chosen but %d decodes", data, c, c2)
			}
		}
		if _, err := gtank.NewIdentityElement().SetCanonicalBytes(enc); err != nil {
			t.Fatalf("Embed(%x): gtank rejects the encoding: %v", data, err)
		}
	}
	if M, _ := Embed(nil); M.IsIdentity() != 1 {
		t.Fatal("Embed of the empty string is not the identity")
	}
}

// TestEmbedSweep checks the fallback sweep of Embed. Data whose first 64
// counters all fail is too rare to find in a test (2^-26.6), so it finds
// data whose first 8 counters fail and runs the sweep on it.
func TestEmbedSweep(t *testing.T) {
	var cand [group.ElementSize]byte
	rng := mrand.New(mrand.NewPCG(5, 6))
	for i := 0; ; i++ {
		for k := 1; k <= MaxEmbedSize; k++ {
			cand[k] = byte(rng.Uint32())
		}
		cand[0] = MaxEmbedSize << 1
		out := group.NewElement()
		if embedSearch(out, &cand, 8, (*group.Element).TrySetCanonicalBytes) == 1 {
			continue
		}
		// The first 8 fail; the sweep must find the first counter ≥ 8.
		if embedSearch(out, &cand, embedCounters, (*group.Element).TrySetCanonicalBytes) != 1 {
			t.Fatal("sweep failed")
		}
		enc := out.Bytes()
		if c := int(enc[31]) | int(enc[0]>>6)<<7; c < 8 {
			t.Fatalf("sweep chose counter %d, which failed before", c)
		}
		got, err := Extract(out)
		if err != nil || !bytes.Equal(got, cand[1:31]) {
			t.Fatalf("Extract after sweep = %x, %v", got, err)
		}
		return
	}
}

func TestEmbedTooLong(t *testing.T) {
	_, err := Embed(make([]byte, MaxEmbedSize+1))
	if err == nil || !strings.Contains(err.Error(), "31 bytes") {
		t.Fatalf("Embed of 31 bytes: %v", err)
	}
}

func TestExtractRejects(t *testing.T) {
	mustElement := func(enc []byte) *group.Element {
		// Find a counter that decodes, keeping the other bytes.
		for c := 0; c < embedCounters; c++ {
			e := append([]byte{}, enc...)
			e[0] = e[0]&0x3f | byte(c>>7)<<6
			e[31] = byte(c & 0x7f)
			if M, err := group.NewElement().SetCanonicalBytes(e); err == nil {
				return M
			}
		}
		t.Fatalf("no counter decodes %x", enc)
		return nil
	}
	long := make([]byte, 32)
	long[0] = 31 << 1
	_, err := Extract(mustElement(long))
	if err == nil || !strings.Contains(err.Error(), "length field is 31") {
		t.Fatalf("length 31: %v", err)
	}
	pad := make([]byte, 32)
	pad[0] = 3 << 1
	copy(pad[1:], "abc")
	pad[17] = 1
	_, err = Extract(mustElement(pad))
	if err == nil || !strings.Contains(err.Error(), "padding byte 17") {
		t.Fatalf("non-zero padding: %v", err)
	}
	// Most random elements are rejected.
	rejected := 0
	for i := 0; i < 400; i++ {
		if _, err := Extract(group.HashToElement([]byte{byte(i), byte(i >> 8)}, []byte("elgamal extract test"))); err != nil {
			rejected++
		}
	}
	if rejected < 340 {
		t.Fatalf("only %d of 400 random elements rejected, expect about 31/32", rejected)
	}
}

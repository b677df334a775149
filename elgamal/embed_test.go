package elgamal

import (
	"bytes"
	"crypto/rand"
	mrand "math/rand/v2"
	"slices"
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

// attemptDecoder returns a candidate decoder for embed that appends the
// counter of every candidate it is given to *calls and decodes it like
// TrySetCanonicalBytes, except that it reports the counters for which veto
// is true as invalid (with the identity), so that a test can make the first
// success come late, or never.
func attemptDecoder(calls *[]int, veto func(c int) bool) candidateDecoder {
	return func(e *group.Element, x *[group.ElementSize]byte) int {
		c := int(x[31]) | int(x[0]>>6)<<7
		*calls = append(*calls, c)
		ok := e.TrySetCanonicalBytes(x)
		if veto != nil && veto(c) {
			e.Set(group.NewElement())
			return 0
		}
		return ok
	}
}

// firstCounter returns the smallest counter below limit for which the
// candidate for data decodes, or −1.
func firstCounter(data []byte, limit int) int {
	var cand [group.ElementSize]byte
	cand[0] = byte(len(data)) << 1
	copy(cand[1:], data)
	for c := range limit {
		cand[0] = cand[0]&0x3f | byte(c>>7)<<6
		cand[31] = byte(c & 0x7f)
		if group.NewElement().TrySetCanonicalBytes(&cand) == 1 {
			return c
		}
	}
	return -1
}

// TestEmbedFixedAttempts checks that Embed's work does not depend on the
// data: every input, whether its first decoding counter is 0, a later one,
// the last one tried or none, gets exactly the same sequence of
// embedAttempts decodings, counters 0, 1, …, embedAttempts−1 in order, and
// the result is the first that decodes. A decoder that counts the attempts
// (and vetoes some, to make the first success late) stands in for
// TrySetCanonicalBytes.
func TestEmbedFixedAttempts(t *testing.T) {
	want := make([]int, embedAttempts)
	for c := range want {
		want[c] = c
	}
	// Data whose first decoding counter is 0, and data whose first is at
	// least 6 (about one in six random strings).
	rng := mrand.New(mrand.NewPCG(5, 6))
	inputs := [][]byte{nil, []byte("Ada Lovelace"), bytes.Repeat([]byte{0xff}, MaxEmbedSize)}
	var early, late []byte
	for early == nil || late == nil {
		d := make([]byte, MaxEmbedSize)
		for i := range d {
			d[i] = byte(rng.Uint32())
		}
		switch c := firstCounter(d, embedAttempts); {
		case c == 0 && early == nil:
			early = d
		case c >= 6 && late == nil:
			late = d
		}
	}
	inputs = append(inputs, early, late)
	for _, data := range inputs {
		var calls []int
		M, err := embed(data, attemptDecoder(&calls, nil))
		if err != nil {
			t.Fatalf("embed(%x): %v", data, err)
		}
		if !slices.Equal(calls, want) {
			t.Fatalf("embed(%x) (first counter %d) tried %d counters %v, want %d in order",
				data, firstCounter(data, embedAttempts), len(calls), calls, embedAttempts)
		}
		if M2, _ := Embed(data); M.Equal(M2) != 1 {
			t.Fatalf("embed(%x) and Embed disagree", data)
		}
	}

	// Data whose candidate with the last counter decodes, with every earlier
	// counter vetoed: the first success is the last attempt.
	var last []byte
	for last == nil {
		d := make([]byte, MaxEmbedSize)
		for i := range d {
			d[i] = byte(rng.Uint32())
		}
		var cand [group.ElementSize]byte
		cand[0] = MaxEmbedSize<<1 | byte((embedAttempts-1)>>7)<<6
		copy(cand[1:], d)
		cand[31] = byte((embedAttempts - 1) & 0x7f)
		if group.NewElement().TrySetCanonicalBytes(&cand) == 1 {
			last = d
		}
	}
	var calls []int
	M, err := embed(last, attemptDecoder(&calls, func(c int) bool { return c < embedAttempts-1 }))
	if err != nil {
		t.Fatalf("embed with only the last counter decoding: %v", err)
	}
	if !slices.Equal(calls, want) {
		t.Fatalf("embed with only the last counter decoding tried %d counters %v, want %d in order", len(calls), calls, embedAttempts)
	}
	enc := M.Bytes()
	if c := int(enc[31]) | int(enc[0]>>6)<<7; c != embedAttempts-1 || !bytes.Equal(enc[1:31], last) {
		t.Fatalf("embed with only the last counter decoding gave counter %d, data %x", c, enc[1:31])
	}

	// No counter decodes: the same attempts, then an error.
	calls = nil
	if _, err := embed(early, attemptDecoder(&calls, func(int) bool { return true })); err == nil ||
		!strings.Contains(err.Error(), "elgamal: embed: ") {
		t.Fatalf("embed with no counter decoding: error %v", err)
	}
	if !slices.Equal(calls, want) {
		t.Fatalf("embed with no counter decoding tried %d counters %v, want %d in order", len(calls), calls, embedAttempts)
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

// TestVarTimeEmbedIsEmbed: VarTimeEmbed gives Embed's element, byte for byte,
// for data of every length (weights of 4 bytes among them), and is the
// canonical embedding (VarTimeEmbeddingCounter finds no smaller counter).
func TestVarTimeEmbedIsEmbed(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(13, 4))
	inputs := [][]byte{{}, {0, 0, 0, 1}, {0xff, 0xff, 0xff, 0xff}, bytes.Repeat([]byte{0xff}, MaxEmbedSize)}
	for range 300 {
		b := make([]byte, rng.IntN(MaxEmbedSize+1))
		for k := range b {
			b[k] = byte(rng.Uint32())
		}
		inputs = append(inputs, b)
	}
	for _, data := range inputs {
		want, err := Embed(data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := VarTimeEmbed(data)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("VarTimeEmbed(%x) = %x, Embed gives %x", data, got.Bytes(), want.Bytes())
		}
		if c, c0 := VarTimeEmbeddingCounter(got); c != c0 {
			t.Fatalf("VarTimeEmbed(%x): counter %d, but %d also decodes", data, c, c0)
		}
	}
	if _, err := VarTimeEmbed(make([]byte, MaxEmbedSize+1)); err == nil || !strings.Contains(err.Error(), "31 bytes") {
		t.Fatalf("VarTimeEmbed of 31 bytes: %v", err)
	}
}

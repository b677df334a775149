package elgamal

import (
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/group"
)

func TestPackedWidth(t *testing.T) {
	cases := []struct {
		maxCodes int
		maxCode  uint32
		want     int
	}{
		{1, 1, 1},
		{240, 1, 1},
		{241, 1, 2},
		{21, 400, 1},   // 9 bits, 26 per element
		{26, 400, 1},   // exactly full
		{27, 400, 2},   // one more
		{50, 10000, 3}, // 14 bits, 17 per element
		{17, 16383, 1},
		{18, 16383, 2},
		{17, 16384, 2}, // 15 bits, 16 per element
		{7, 1<<32 - 1, 1},
		{8, 1<<32 - 1, 2},
	}
	for _, c := range cases {
		if got := PackedWidth(c.maxCodes, c.maxCode); got != c.want {
			t.Errorf("PackedWidth(%d, %d) = %d, want %d", c.maxCodes, c.maxCode, got, c.want)
		}
	}
	for _, bad := range [][2]int{{0, 5}, {-1, 5}, {3, 0}, {MaxPackedCodes + 1, 5}, {int(^uint(0) >> 1), 5}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("PackedWidth(%d, %d) did not panic", bad[0], bad[1])
				}
			}()
			PackedWidth(bad[0], uint32(bad[1]))
		}()
	}
}

func TestPackRoundTrip(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(7, 8))
	params := []struct {
		maxCodes int
		maxCode  uint32
	}{{21, 400}, {50, 10000}, {1, 1}, {26, 400}, {27, 400}, {8, 1<<32 - 1}, {240, 1}, {5, 255}, {5, 256}}
	for _, p := range params {
		lists := [][]uint32{nil, {p.maxCode}, {1}}
		full := make([]uint32, p.maxCodes)
		for i := range full {
			full[i] = p.maxCode
		}
		lists = append(lists, full)
		for i := 0; i < 10; i++ {
			l := make([]uint32, rng.IntN(p.maxCodes+1))
			for j := range l {
				l[j] = 1 + uint32(rng.Uint64N(uint64(p.maxCode)))
			}
			lists = append(lists, l)
		}
		for _, codes := range lists {
			elems, err := PackCodes(codes, p.maxCodes, p.maxCode)
			if err != nil {
				t.Fatalf("PackCodes(%v, %d, %d): %v", codes, p.maxCodes, p.maxCode, err)
			}
			if len(elems) != PackedWidth(p.maxCodes, p.maxCode) {
				t.Fatalf("PackCodes gave %d elements, PackedWidth %d", len(elems), PackedWidth(p.maxCodes, p.maxCode))
			}
			got, err := UnpackCodes(elems, p.maxCodes, p.maxCode)
			if err != nil || !slices.Equal(got, codes) && !(len(got) == 0 && len(codes) == 0) {
				t.Fatalf("UnpackCodes(PackCodes(%v)) = %v, %v", codes, got, err)
			}
		}
	}
	// Repeated codes are packed as given.
	elems, _ := PackCodes([]uint32{5, 5, 5}, 4, 10)
	if got, err := UnpackCodes(elems, 4, 10); err != nil || !slices.Equal(got, []uint32{5, 5, 5}) {
		t.Fatalf("repeated codes: %v, %v", got, err)
	}
}

// TestPackThroughEncryption runs the mixnet path: pack, encrypt, re-encrypt,
// decrypt, unpack.
func TestPackThroughEncryption(t *testing.T) {
	sk, pk := GenerateKey()
	codes := []uint32{9999, 1, 42, 10000, 7}
	elems, err := PackCodes(codes, 50, 10000)
	if err != nil {
		t.Fatal(err)
	}
	plain := make([]*group.Element, len(elems))
	for i, M := range elems {
		c := pk.ReEncrypt(pk.EncryptElement(M, group.RandomScalar()), group.RandomScalar())
		plain[i] = sk.Decrypt(c)
	}
	got, err := UnpackCodes(plain, 50, 10000)
	if err != nil || !slices.Equal(got, codes) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestPackRejects(t *testing.T) {
	cases := []struct {
		codes    []uint32
		maxCodes int
		maxCode  uint32
		want     string
	}{
		{[]uint32{1, 2, 3}, 2, 10, "3 codes, more than maxCodes = 2"},
		{[]uint32{1, 0, 3}, 3, 10, "code 1 is outside 1..10"},
		{[]uint32{1, 11}, 3, 10, "code 1 is outside 1..10"},
		{[]uint32{1}, 0, 10, "maxCodes is 0, want 1..65536"},
		{[]uint32{1}, int(^uint(0) >> 1), 10, "want 1..65536"},
		{[]uint32{1}, 1, 0, "maxCode is 0"},
	}
	for _, c := range cases {
		_, err := PackCodes(c.codes, c.maxCodes, c.maxCode)
		if err == nil || !strings.HasPrefix(err.Error(), "elgamal: pack codes: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("PackCodes(%v, %d, %d): error %v, want %q", c.codes, c.maxCodes, c.maxCode, err, c.want)
		}
	}
}

// embedSlots packs raw slot values without PackCodes' checks, to build
// malformed packings.
func embedSlots(t *testing.T, slots []uint32, b, per int, extra func(d *[MaxEmbedSize]byte)) []*group.Element {
	width := (len(slots) + per - 1) / per
	data := make([][MaxEmbedSize]byte, width)
	for s, v := range slots {
		putSlot(&data[s/per], b*(s%per), v)
	}
	out := make([]*group.Element, width)
	for i := range data {
		if extra != nil {
			extra(&data[i])
		}
		M, err := Embed(data[i][:])
		if err != nil {
			t.Fatal(err)
		}
		out[i] = M
	}
	return out
}

func TestUnpackRejects(t *testing.T) {
	// maxCode 400: 9 bits, 26 per element. maxCodes 30: width 2, 52 slots.
	const maxCodes, maxCode, b, per = 30, 400, 9, 26
	slots := func(vals ...uint32) []uint32 {
		s := make([]uint32, 2*per)
		copy(s, vals)
		return s
	}
	good := embedSlots(t, slots(1, 2, 3), b, per, nil)
	if got, err := UnpackCodes(good, maxCodes, maxCode); err != nil || !slices.Equal(got, []uint32{1, 2, 3}) {
		t.Fatalf("control: %v, %v", got, err)
	}
	gap := slots(1, 0, 3)
	over := slots(1, 401)
	beyond := slots()
	for i := 0; i < 30; i++ {
		beyond[i] = 1
	}
	beyond[30] = 1
	gap2 := slots(1) // slot 0, then slot 26, the first of element 1, after the empty slot 1
	gap2[per] = 5
	short, _ := Embed([]byte("short"))
	elem := 0 // the elements that embedSlots has made
	cases := []struct {
		name  string
		elems []*group.Element
		want  string
	}{
		{"too few", good[:1], "1 element, want 2"},
		{"too many", append(append([]*group.Element{}, good...), good[0]), "3 elements, want 2"},
		{"gap", embedSlots(t, gap, b, per, nil), "element 0, slot 2: code 3 follows the empty slot 1"},
		{"above maxCode", embedSlots(t, over, b, per, nil), "element 0, slot 1: code 401 is above maxCode = 400"},
		{"beyond maxCodes", embedSlots(t, beyond, b, per, nil), "element 1, slot 30: code 1 is beyond maxCodes = 30"},
		{"gap across elements", embedSlots(t, gap2, b, per, nil), "element 1, slot 26: code 5 follows the empty slot 1"},
		{"high bits", embedSlots(t, slots(1), b, per, func(d *[MaxEmbedSize]byte) { d[29] |= 0x80 }), "element 0: bits above slot 25 are not zero"},
		{"high bits of element 1", embedSlots(t, slots(1), b, per, func(d *[MaxEmbedSize]byte) {
			if elem++; elem == 2 {
				d[29] |= 0x40
			}
		}), "element 1: bits above slot 51 are not zero"},
		{"short data", []*group.Element{good[0], short}, "element 1: data is 5 bytes, want 30"},
		{"garbage", []*group.Element{good[0], group.HashToElement([]byte("x"), []byte("elgamal test"))}, "element 1: extract: "},
	}
	// The texts are exact (they become the reason of a mixed row in the
	// election record, docs/spec.md, Tally, "Decoding the rows"), except
	// for the garbage element's, which Extract's tests pin down.
	for _, c := range cases {
		_, err := UnpackCodes(c.elems, maxCodes, maxCode)
		if c.name == "garbage" {
			if err == nil || !strings.HasPrefix(err.Error(), "elgamal: unpack codes: "+c.want) {
				t.Errorf("%s: error %v, want the prefix %q", c.name, err, c.want)
			}
		} else if err == nil || err.Error() != "elgamal: unpack codes: "+c.want {
			t.Errorf("%s: error %v, want %q", c.name, err, "elgamal: unpack codes: "+c.want)
		}
	}
	if _, err := UnpackCodes(good, 0, 400); err == nil {
		t.Error("UnpackCodes accepted maxCodes = 0")
	}
}

func TestPackBitLayout(t *testing.T) {
	// Codes 1, 2, 3 of 9 bits each start at bits 0, 9 and 18 of the
	// little-endian integer: 1 + 2<<9 + 3<<18.
	elems, err := PackCodes([]uint32{1, 2, 3}, 3, 400)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Extract(elems[0])
	if err != nil {
		t.Fatal(err)
	}
	v := uint32(d[0]) | uint32(d[1])<<8 | uint32(d[2])<<16 | uint32(d[3])<<24
	if want := uint32(1 + 2<<9 + 3<<18); v != want || fmt.Sprint(d[4:]) != fmt.Sprint(make([]byte, 26)) {
		t.Fatalf("data %x, want %08x followed by zeros", d, want)
	}
}

// TestEmbeddingCounter: Embed's elements carry the smallest counter that
// decodes, and VarTimeEmbeddingCounter tells them from elements with the
// same data under a larger counter (which Extract and UnpackCodes accept).
func TestEmbeddingCounter(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(7, 8))
	larger := 0
	for i := range 200 {
		data := make([]byte, rng.IntN(MaxEmbedSize+1))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		M, err := Embed(data)
		if err != nil {
			t.Fatal(err)
		}
		c, c0 := VarTimeEmbeddingCounter(M)
		if c != c0 {
			t.Fatalf("data %x: Embed chose counter %d, but %d decodes", data, c, c0)
		}
		// The same data under the next counters that decode.
		enc := [32]byte(M.Bytes())
		for next := c + 1; next < 512 && next < c+40; next++ {
			enc[0] = enc[0]&0x3f | byte(next>>7)<<6
			enc[31] = byte(next & 0x7f)
			N, err := group.NewElement().SetCanonicalBytes(enc[:])
			if err != nil {
				continue
			}
			got, err := Extract(N)
			if err != nil || string(got) != string(data) {
				t.Fatalf("data %x, counter %d: Extract gives %x, %v", data, next, got, err)
			}
			if n, n0 := VarTimeEmbeddingCounter(N); n != next || n0 != c {
				t.Fatalf("data %x: counter %d: VarTimeEmbeddingCounter = %d, %d, want %d, %d", data, next, n, n0, next, c)
			}
			larger++
			if i%2 == 0 {
				break
			}
		}
	}
	if larger < 100 {
		t.Errorf("only %d elements with a larger counter tried", larger)
	}
	if c, c0 := VarTimeEmbeddingCounter(group.NewElement()); c != 0 || c0 != 0 {
		t.Errorf("identity: %d, %d", c, c0)
	}
}

package wire

import (
	"bytes"
	"strings"
	"testing"
	"testing/quick"
)

// The layout of the primitives, byte by byte, written out by hand rather
// than with Writer.
func TestWriterBytes(t *testing.T) {
	var w Writer
	w.U8(0xab)
	w.U32(0x01020304)
	w.U64(0x05060708090a0b0c)
	w.Fixed([]byte{0xee, 0xff})
	w.Str("hé")
	w.Bytes([]byte{7})
	w.Bytes(nil)
	want := []byte{
		0xab,
		0x01, 0x02, 0x03, 0x04,
		0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
		0xee, 0xff,
		0, 0, 0, 3, 'h', 0xc3, 0xa9,
		0, 0, 0, 1, 7,
		0, 0, 0, 0,
	}
	if !bytes.Equal(w.B, want) {
		t.Fatalf("got %x, want %x", w.B, want)
	}
}

// Whatever a Writer writes, a Reader reads back, to the end.
func TestRoundTrip(t *testing.T) {
	f := func(a uint8, b uint32, c uint64, s string, p []byte, fixed [5]byte) bool {
		if len(s) > 255 {
			s = s[:255]
		}
		var w Writer
		w.Str("label")
		w.U8(a)
		w.U32(b)
		w.U64(c)
		w.Str(s)
		w.Bytes(p)
		w.Fixed(fixed[:])
		w.U32(uint32(len(p)))
		r := &Reader{Prefix: "test", B: w.B}
		r.Label("label")
		ga, gb, gc := r.U8("a"), r.U32("b"), r.U64("c")
		gs := r.Str("s", 1<<20)
		gp := r.Bytes("p", 1<<20)
		gf := r.Take("fixed", 5)
		n := r.Count("n", 1<<20, 0)
		r.End()
		if r.Err != nil {
			// Str refuses invalid UTF-8, which quick may generate.
			return strings.Contains(r.Err.Error(), "field s: not valid UTF-8")
		}
		return ga == a && gb == b && gc == c && gs == s && bytes.Equal(gp, p) &&
			bytes.Equal(gf, fixed[:]) && n == len(p)
	}
	if err := quick.Check(f, nil); err != nil {
		t.Fatal(err)
	}
}

func TestReaderErrors(t *testing.T) {
	str := func(s string) []byte { var w Writer; w.Str(s); return w.B }
	u32 := func(v uint32) []byte { var w Writer; w.U32(v); return w.B }
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	tests := []struct {
		name string
		data []byte
		read func(r *Reader)
		want string
	}{
		{"empty", nil, func(r *Reader) { r.U32("count") },
			"p: offset 0: field count: truncated: need 4 bytes, have 0"},
		{"truncated u64", []byte{1, 2, 3}, func(r *Reader) { r.U8("a"); r.U64("b") },
			"p: offset 1: field b: truncated: need 8 bytes, have 2"},
		{"length truncated", []byte{0, 0}, func(r *Reader) { r.Str("name", 10) },
			"p: offset 0: field name length: truncated: need 4 bytes, have 2"},
		{"too long", str("hello"), func(r *Reader) { r.Str("name", 4) },
			"p: offset 0: field name: length 5 exceeds the maximum 4"},
		{"body truncated", str("hello")[:6], func(r *Reader) { r.Bytes("name", 10) },
			"p: offset 4: field name: truncated: need 5 bytes, have 2"},
		{"bad UTF-8", cat([]byte{9}, str("\xff")), func(r *Reader) { r.U8("x"); r.Str("name", 10) },
			"p: offset 1: field name: not valid UTF-8"},
		{"label", str("other"), func(r *Reader) { r.Label("mine") },
			`p: offset 0: field label: got "other", want "mine"`},
		{"count over max", u32(9), func(r *Reader) { r.Count("entries", 8, 1) },
			"p: offset 0: field entries: 9 exceeds the maximum 8"},
		// The bytes left are counted from the start of the count field.
		{"count over input", cat(u32(3), make([]byte, 5)), func(r *Reader) { r.Count("entries", 8, 2) },
			"p: offset 0: field entries: 3 entries do not fit in the 9 bytes left"},
		{"trailing", []byte{1, 2}, func(r *Reader) { r.U8("a"); r.End() },
			"p: offset 1: field end: 1 trailing bytes"},
		{"first failure sticks", []byte{1}, func(r *Reader) { r.U32("a"); r.U8("b"); r.End() },
			"p: offset 0: field a: truncated: need 4 bytes, have 1"},
		{"negative take", []byte{1}, func(r *Reader) { r.Take("a", -1) },
			"p: offset 0: field a: truncated: need -1 bytes, have 1"},
	}
	for _, tt := range tests {
		r := &Reader{Prefix: "p", B: tt.data}
		tt.read(r)
		if r.Err == nil || r.Err.Error() != tt.want {
			t.Errorf("%s: got %v, want %q", tt.name, r.Err, tt.want)
		}
	}
}

// After a failure every read returns a zero value.
func TestReaderZeroAfterFailure(t *testing.T) {
	r := &Reader{Prefix: "p", B: []byte{0, 0, 0, 1, 'x', 1, 2, 3, 4, 5, 6, 7, 8}}
	r.Fail("f", "stop")
	if r.U8("a") != 0 || r.U32("a") != 0 || r.U64("a") != 0 || r.Str("a", 9) != "" ||
		r.Bytes("a", 9) != nil || r.Take("a", 1) != nil || r.Count("a", 9, 0) != 0 || r.Off != 0 {
		t.Fatal("a read after a failure returned data or moved")
	}
}

func TestDecodeHex(t *testing.T) {
	if b, err := DecodeHex("h", "00ff7a", 3); err != nil || !bytes.Equal(b, []byte{0, 0xff, 0x7a}) {
		t.Fatalf("DecodeHex: %x, %v", b, err)
	}
	if b, err := DecodeHexAny("h", ""); err != nil || len(b) != 0 {
		t.Fatalf("DecodeHexAny of empty text: %x, %v", b, err)
	}
	bad := []struct{ text, want string }{
		{"00ff", "field h: text is 4 characters, want 6 hexadecimal characters"},
		{"00FF7a", "field h: character at offset 2 is not lowercase hexadecimal"},
		{"00 f7a", "field h: character at offset 2 is not lowercase hexadecimal"},
	}
	for _, tt := range bad {
		if _, err := DecodeHex("h", tt.text, 3); err == nil || err.Error() != tt.want {
			t.Errorf("DecodeHex(%q): got %v, want %q", tt.text, err, tt.want)
		}
	}
	if _, err := DecodeHexAny("h", "abc"); err == nil || err.Error() != "field h: odd number of hexadecimal characters" {
		t.Errorf("DecodeHexAny of odd text: %v", err)
	}
}

func TestStrictJSON(t *testing.T) {
	type T struct{ A int }
	var v T
	if err := StrictJSON([]byte(" {\"A\": 3}\n"), &v); err != nil || v.A != 3 {
		t.Fatalf("StrictJSON: %+v, %v", v, err)
	}
	for _, data := range []string{`{"A": 3, "B": 1}`, `{"A": 3} {}`, `{"A": 3} x`, `{"A": "3"}`, ``, `{"A": 3`} {
		if err := StrictJSON([]byte(data), new(T)); err == nil {
			t.Errorf("StrictJSON accepted %q", data)
		}
	}
	if err := StrictJSON([]byte(`{"A": 3} 1`), new(T)); err == nil || err.Error() != "data after the end of the value" {
		t.Errorf("trailing data: %v", err)
	}
}

// FuzzReader: reading any input never panics, never reads past the end,
// and every failure names the prefix and a field.
func FuzzReader(f *testing.F) {
	var w Writer
	w.Str("label")
	w.U32(2)
	w.Str("ab")
	w.Bytes([]byte{1, 2, 3})
	w.U64(7)
	f.Add(w.B)
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &Reader{Prefix: "fuzz", B: data}
		r.Label("label")
		n := r.Count("n", 1000, 4)
		for i := 0; i < n && r.Err == nil; i++ {
			r.Str("s", 64)
		}
		r.Bytes("b", 1<<16)
		r.U64("u")
		r.U8("v")
		r.End()
		if r.Off < 0 || r.Off > len(data) {
			t.Fatalf("offset %d outside the input of %d bytes", r.Off, len(data))
		}
		if r.Err != nil && !strings.HasPrefix(r.Err.Error(), "fuzz: offset ") {
			t.Fatalf("error without prefix and offset: %v", r.Err)
		}
		if r.Err == nil && r.Off != len(data) {
			t.Fatal("End accepted trailing bytes")
		}
	})
}

// FuzzDecodeHex: any text either decodes to bytes whose lowercase hex is
// the text, or is refused; nothing panics.
func FuzzDecodeHex(f *testing.F) {
	f.Add("00ff", 2)
	f.Add("0G", 1)
	f.Fuzz(func(t *testing.T, text string, size int) {
		if size < 0 || size > 1<<10 {
			return
		}
		b, err := DecodeHex("f", text, size)
		if err != nil {
			return
		}
		if len(b) != size {
			t.Fatalf("%q decoded to %d bytes, want %d", text, len(b), size)
		}
		const digits = "0123456789abcdef"
		for i, c := range b {
			if text[2*i] != digits[c>>4] || text[2*i+1] != digits[c&15] {
				t.Fatalf("%q decoded to %x", text, b)
			}
		}
	})
}

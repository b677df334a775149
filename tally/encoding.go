package tally

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"
)

// The canonical binary encodings of this package use the primitives of
// package ballot (docs/spec.md §Ballots, "Encoding primitives"),
// all big-endian:
//
//	u32, u64   fixed-width unsigned integers
//	str(s)     u32(len(s)) ‖ s
//	bytes(b)   u32(len(b)) ‖ b
//	fixed(b)   the bytes themselves, for fields of fixed length

type encoder struct{ b []byte }

func (e *encoder) u32(v uint32)   { e.b = binary.BigEndian.AppendUint32(e.b, v) }
func (e *encoder) u64(v uint64)   { e.b = binary.BigEndian.AppendUint64(e.b, v) }
func (e *encoder) fixed(b []byte) { e.b = append(e.b, b...) }
func (e *encoder) str(s string)   { e.u32(uint32(len(s))); e.b = append(e.b, s...) }
func (e *encoder) bytes(b []byte) { e.u32(uint32(len(b))); e.b = append(e.b, b...) }

// A decoder reads the primitives from untrusted input. The first failure
// is kept in err with the offset and the field; later reads return zero
// values, so callers check err once per record or before using a count.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail(field, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("tally: encrypted tally: offset %d: field %s: %s", d.off, field, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) take(field string, n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b)-d.off < n {
		d.fail(field, "truncated: need %d bytes, have %d", n, len(d.b)-d.off)
		return nil
	}
	out := d.b[d.off : d.off+n]
	d.off += n
	return out
}

func (d *decoder) u32(field string) uint32 {
	b := d.take(field, 4)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

func (d *decoder) u64(field string) uint64 {
	b := d.take(field, 8)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// str reads a length-prefixed UTF-8 string of at most max bytes.
func (d *decoder) str(field string, max int) string {
	start := d.off
	n := d.u32(field + " length")
	if d.err != nil {
		return ""
	}
	if uint64(n) > uint64(max) {
		d.off = start
		d.fail(field, "length %d exceeds the maximum %d", n, max)
		return ""
	}
	b := d.take(field, int(n))
	if d.err == nil && !utf8.Valid(b) {
		d.off = start
		d.fail(field, "not valid UTF-8")
		return ""
	}
	return string(b)
}

// count reads a u32 count of entries of at least minSize bytes each and
// checks it against max and the bytes left, so that a hostile count cannot
// make the caller allocate.
func (d *decoder) count(field string, max, minSize int) int {
	start := d.off
	n := d.u32(field)
	if d.err != nil {
		return 0
	}
	if uint64(n) > uint64(max) {
		d.off = start
		d.fail(field, "%d exceeds the maximum %d", n, max)
		return 0
	}
	if uint64(n)*uint64(minSize) > uint64(len(d.b)-d.off) {
		d.off = start
		d.fail(field, "%d entries do not fit in the %d bytes left", n, len(d.b)-d.off)
		return 0
	}
	return int(n)
}

func (d *decoder) end() {
	if d.err == nil && d.off != len(d.b) {
		d.fail("end", "%d trailing bytes", len(d.b)-d.off)
	}
}

// decodeHex decodes exactly size bytes of lowercase hexadecimal text, so
// that every value has one text form. field names the value in errors.
func decodeHex(field, text string, size int) ([]byte, error) {
	if len(text) != 2*size {
		return nil, fmt.Errorf("field %s: text is %d characters, want %d hexadecimal characters", field, len(text), 2*size)
	}
	return decodeHexAny(field, text)
}

// decodeHexAny decodes lowercase hexadecimal text of any even length.
func decodeHexAny(field, text string) ([]byte, error) {
	for i := 0; i < len(text); i++ {
		if c := text[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, fmt.Errorf("field %s: character at offset %d is not lowercase hexadecimal", field, i)
		}
	}
	if len(text)%2 != 0 {
		return nil, fmt.Errorf("field %s: odd number of hexadecimal characters", field)
	}
	return hex.DecodeString(text)
}

// strictJSON decodes one JSON value from data into v, rejecting unknown
// members and anything after the value.
func strictJSON(what string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("tally: %s JSON: %v", what, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("tally: %s JSON: data after the end of the value", what)
	}
	return nil
}

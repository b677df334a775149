package wire

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"unicode/utf8"

	"github.com/sandogh/sandogh/internal/prose"
)

// A Writer appends the primitives to B. The zero value is an empty Writer
// ready to use.
type Writer struct {
	// B is the encoding written so far.
	B []byte
}

// U8 appends v.
func (w *Writer) U8(v uint8) { w.B = append(w.B, v) }

// U32 appends v, big-endian.
func (w *Writer) U32(v uint32) { w.B = binary.BigEndian.AppendUint32(w.B, v) }

// U64 appends v, big-endian.
func (w *Writer) U64(v uint64) { w.B = binary.BigEndian.AppendUint64(w.B, v) }

// Fixed appends b itself, for fields of fixed length.
func (w *Writer) Fixed(b []byte) { w.B = append(w.B, b...) }

// Str appends u32(len(s)) ‖ s.
func (w *Writer) Str(s string) { w.U32(uint32(len(s))); w.B = append(w.B, s...) }

// Bytes appends u32(len(b)) ‖ b.
func (w *Writer) Bytes(b []byte) { w.U32(uint32(len(b))); w.B = append(w.B, b...) }

// A Reader reads the primitives front to back from untrusted input B. The
// first failure is kept in Err, as
//
//	<Prefix>: offset <Off>: field <field>: <reason>
//
// and later reads return zero values, so callers check Err once at the end
// of a record (or before using a length). Off is where the failing field
// starts; callers that check a value after reading it may set Off back to
// the field's start before calling Fail.
type Reader struct {
	// Prefix starts every error message, e.g. "ballot: ballot encoding".
	Prefix string
	// B is the input.
	B []byte
	// Off is the offset of the next byte to read.
	Off int
	// Err is the first failure, or nil.
	Err error
}

// Fail records a failure of field at the current offset, unless a failure
// is already recorded.
func (r *Reader) Fail(field, format string, args ...any) {
	if r.Err == nil {
		r.Err = fmt.Errorf("%s: offset %d: field %s: %s", r.Prefix, r.Off, field, fmt.Sprintf(format, args...))
	}
}

// Take reads the next n bytes. The result aliases B; it is nil after a
// failure.
func (r *Reader) Take(field string, n int) []byte {
	if r.Err != nil {
		return nil
	}
	if n < 0 || len(r.B)-r.Off < n {
		r.Fail(field, "truncated: need %d bytes, have %d", n, len(r.B)-r.Off)
		return nil
	}
	out := r.B[r.Off : r.Off+n]
	r.Off += n
	return out
}

// U8 reads a u8.
func (r *Reader) U8(field string) uint8 {
	b := r.Take(field, 1)
	if b == nil {
		return 0
	}
	return b[0]
}

// U32 reads a big-endian u32.
func (r *Reader) U32(field string) uint32 {
	b := r.Take(field, 4)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

// U64 reads a big-endian u64.
func (r *Reader) U64(field string) uint64 {
	b := r.Take(field, 8)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// Bytes reads a length-prefixed byte string of at most max bytes. The
// result aliases B. A truncated length names the field "<field> length".
func (r *Reader) Bytes(field string, max int) []byte {
	start := r.Off
	n := r.U32(field + " length")
	if r.Err != nil {
		return nil
	}
	if uint64(n) > uint64(max) {
		r.Off = start
		r.Fail(field, "length %d exceeds the maximum %d", n, max)
		return nil
	}
	return r.Take(field, int(n))
}

// Str reads a length-prefixed UTF-8 string of at most max bytes.
func (r *Reader) Str(field string, max int) string {
	start := r.Off
	b := r.Bytes(field, max)
	if r.Err != nil {
		return ""
	}
	if !utf8.Valid(b) {
		r.Off = start
		r.Fail(field, "not valid UTF-8")
		return ""
	}
	return string(b)
}

// Label reads a str of at most 255 bytes, the field "label", and checks
// that it equals want.
func (r *Reader) Label(want string) {
	start := r.Off
	got := r.Str("label", 255)
	if r.Err == nil && got != want {
		r.Off = start
		r.Fail("label", "got %q, want %q", got, want)
	}
}

// Count reads a u32 count of entries and checks it against max and against
// the bytes left, given that each entry takes at least minSize bytes, so
// that a hostile count cannot make the caller allocate.
func (r *Reader) Count(field string, max, minSize int) int {
	start := r.Off
	n := r.U32(field)
	if r.Err != nil {
		return 0
	}
	if uint64(n) > uint64(max) {
		r.Off = start
		r.Fail(field, "%d exceeds the maximum %d", n, max)
		return 0
	}
	if minSize > 0 && uint64(n)*uint64(minSize) > uint64(len(r.B)-r.Off) {
		r.Off = start
		r.Fail(field, "%d entries do not fit in the %d bytes left", n, len(r.B)-r.Off)
		return 0
	}
	return int(n)
}

// End records a failure of the field "end" unless the whole input was
// read.
func (r *Reader) End() {
	if r.Err == nil && r.Off != len(r.B) {
		r.Fail("end", "%d trailing bytes", len(r.B)-r.Off)
	}
}

// DecodeHex decodes exactly size bytes of lowercase hexadecimal text, so
// that every value has one text form. Errors start with "field <field>:";
// the caller adds its package name.
func DecodeHex(field, text string, size int) ([]byte, error) {
	if len(text) != 2*size {
		return nil, fmt.Errorf("field %s: text is %s, want %d hexadecimal characters", field, prose.Count(len(text), "character"), 2*size)
	}
	return DecodeHexAny(field, text)
}

// DecodeHexAny decodes lowercase hexadecimal text of any even length.
// Errors start with "field <field>:"; the caller adds its package name.
func DecodeHexAny(field, text string) ([]byte, error) {
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

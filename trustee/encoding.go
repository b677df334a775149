package trustee

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/wire"
)

// appendLabel appends u16(len(label)) ‖ label.
func appendLabel(b []byte, label string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(label)))
	return append(b, label...)
}

// reader reads a canonical byte encoding front to back; the first error
// sticks and names the field.
type reader struct {
	what string // "commitments", "encrypted share", ...
	b    []byte
	off  int
	err  error
}

func (r *reader) fail(field string, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("trustee: %s: field %s: %s", r.what, field, fmt.Sprintf(format, args...))
	}
}

func (r *reader) take(field string, n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b)-r.off < n {
		r.fail(field, "truncated at byte %d (need %d more bytes, have %d)", r.off, n, len(r.b)-r.off)
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) u8(field string) uint8 {
	s := r.take(field, 1)
	if s == nil {
		return 0
	}
	return s[0]
}

func (r *reader) u32(field string) uint32 {
	s := r.take(field, 4)
	if s == nil {
		return 0
	}
	return binary.BigEndian.Uint32(s)
}

func (r *reader) u64(field string) uint64 {
	s := r.take(field, 8)
	if s == nil {
		return 0
	}
	return binary.BigEndian.Uint64(s)
}

// index reads a u32 trustee index and checks 1 ≤ index ≤ MaxTrustees.
func (r *reader) index(field string) int {
	v := r.u32(field)
	if r.err == nil && (v < 1 || v > MaxTrustees) {
		r.fail(field, "trustee index %d outside 1..%d", v, MaxTrustees)
	}
	return int(v)
}

func (r *reader) element(field string, e *group.Element) {
	s := r.take(field, group.ElementSize)
	if s == nil {
		return
	}
	if _, err := e.SetCanonicalBytes(s); err != nil {
		r.fail(field, "%v", err)
	}
}

func (r *reader) scalar(field string, s *group.Scalar) {
	b := r.take(field, group.ScalarSize)
	if b == nil {
		return
	}
	if _, err := s.SetCanonicalBytes(b); err != nil {
		r.fail(field, "%v", err)
	}
}

func (r *reader) end() error {
	if r.err == nil && r.off != len(r.b) {
		r.err = fmt.Errorf("trustee: %s: %d trailing bytes after byte %d", r.what, len(r.b)-r.off, r.off)
	}
	return r.err
}

// hexString is the lowercase hexadecimal text form of a byte string.
func hexString(b []byte) string { return hex.EncodeToString(b) }

// parseHex decodes lowercase hexadecimal; size < 0 accepts any length up to
// -size bytes.
func parseHex(what, field, s string, size int) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, fmt.Errorf("trustee: %s: field %s: character %d is not a lowercase hexadecimal digit", what, field, i)
		}
	}
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("trustee: %s: field %s: odd number of hexadecimal digits", what, field)
	}
	n := len(s) / 2
	switch {
	case size >= 0 && n != size:
		return nil, fmt.Errorf("trustee: %s: field %s: %d bytes, want %d", what, field, n, size)
	case size < 0 && n > -size:
		return nil, fmt.Errorf("trustee: %s: field %s: %d bytes, more than %d", what, field, n, -size)
	}
	b, _ := hex.DecodeString(s)
	return b, nil
}

func parseHexElement(what, field, s string, e *group.Element) error {
	b, err := parseHex(what, field, s, group.ElementSize)
	if err != nil {
		return err
	}
	if _, err := e.SetCanonicalBytes(b); err != nil {
		return fmt.Errorf("trustee: %s: field %s: %w", what, field, err)
	}
	return nil
}

func parseHexScalar(what, field, s string, x *group.Scalar) error {
	b, err := parseHex(what, field, s, group.ScalarSize)
	if err != nil {
		return err
	}
	if _, err := x.SetCanonicalBytes(b); err != nil {
		return fmt.Errorf("trustee: %s: field %s: %w", what, field, err)
	}
	return nil
}

// jsonObject reads a JSON object with exactly the given member names (each
// once) and returns the raw members, with the strict rules of every
// sandogh JSON form (wire.StrictJSONObject).
func jsonObject(data []byte, what string, names ...string) (map[string]json.RawMessage, error) {
	m, err := wire.StrictJSONObject(data, names...)
	if err != nil {
		return nil, fmt.Errorf("trustee: %s: %v", what, err)
	}
	obj := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		obj[k] = v
	}
	return obj, nil
}

// jsonField decodes one member into v (a string, number, slice or struct)
// with wire.StrictJSON.
func jsonField(obj map[string]json.RawMessage, what, name string, v any) error {
	if err := wire.StrictJSON(obj[name], v); err != nil {
		return fmt.Errorf("trustee: %s: field %s: %v", what, name, err)
	}
	return nil
}

// jsonIndex decodes a trustee index member and checks its range.
func jsonIndex(obj map[string]json.RawMessage, what, name string) (int, error) {
	var v int64
	if err := jsonField(obj, what, name, &v); err != nil {
		return 0, err
	}
	if v < 1 || v > MaxTrustees {
		return 0, fmt.Errorf("trustee: %s: field %s: trustee index %d outside 1..%d", what, name, v, MaxTrustees)
	}
	return int(v), nil
}

func jsonHex(obj map[string]json.RawMessage, what, name string, size int) ([]byte, error) {
	var s string
	if err := jsonField(obj, what, name, &s); err != nil {
		return nil, err
	}
	return parseHex(what, name, s, size)
}

// marshalObject writes a JSON object with members in the given order.
func marshalObject(members ...any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := 0; i < len(members); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(members[i].(string))
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(members[i+1])
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

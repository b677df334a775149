package proof

import (
	"testing"

	"github.com/sandogh/sandogh/group"
)

// encField is one field of a proof's byte encoding.
type encField struct {
	name    string
	offset  int
	element bool // an element; otherwise a scalar
}

// tamperField returns a copy of enc in which field f holds a different valid
// value: the element plus G, or the scalar plus one.
func tamperField(t *testing.T, enc []byte, f encField) []byte {
	t.Helper()
	out := append([]byte(nil), enc...)
	b := out[f.offset : f.offset+32]
	if f.element {
		e, err := group.NewElement().SetCanonicalBytes(b)
		if err != nil {
			t.Fatalf("field %s: %v", f.name, err)
		}
		e.Add(e, group.NewGeneratorElement())
		copy(b, e.Bytes())
	} else {
		s, err := group.NewScalar().SetCanonicalBytes(b)
		if err != nil {
			t.Fatalf("field %s: %v", f.name, err)
		}
		s.Add(s, group.NewScalar().SetUint64(1))
		copy(b, s.Bytes())
	}
	return out
}

// nonCanonicalScalar is ℓ, the smallest non-canonical scalar encoding.
var nonCanonicalScalar = []byte{
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
}

// nonCanonicalElement has a negative s (RFC 9496, Section A.2 style).
var nonCanonicalElement = []byte{
	0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
}

// withBytes returns a copy of enc with b written at offset.
func withBytes(enc []byte, offset int, b []byte) []byte {
	out := append([]byte(nil), enc...)
	copy(out[offset:], b)
	return out
}

// scalarOf and elementOf are shorthands for test values.
func scalarOf(v uint64) *group.Scalar { return group.NewScalar().SetUint64(v) }

func elementOf(v uint64) *group.Element {
	return group.NewElement().ScalarBaseMult(scalarOf(v))
}

package tally

import (
	"fmt"

	"github.com/sandogh/sandogh/internal/wire"
)

// The canonical binary encodings of this package use the primitives of
// package ballot (docs/spec.md §Ballots, "Encoding primitives"),
// all big-endian, written by wire.Writer and read by wire.Reader:
//
//	u32, u64   fixed-width unsigned integers
//	str(s)     u32(len(s)) ‖ s
//	bytes(b)   u32(len(b)) ‖ b
//	fixed(b)   the bytes themselves, for fields of fixed length
//
// Hexadecimal text is decoded by wire.DecodeHex and wire.DecodeHexAny,
// whose errors start with "field <name>:"; the callers add the package
// name and the place.

// strictJSON decodes one JSON value from data into v, rejecting unknown
// members and anything after the value.
func strictJSON(what string, data []byte, v any) error {
	if err := wire.StrictJSON(data, v); err != nil {
		return fmt.Errorf("tally: %s JSON: %v", what, err)
	}
	return nil
}

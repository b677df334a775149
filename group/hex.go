package group

import (
	"encoding/hex"
	"fmt"
)

func hexEncode(b []byte) []byte {
	out := make([]byte, hex.EncodedLen(len(b)))
	hex.Encode(out, b)
	return out
}

// hexDecode decodes exactly size bytes of lowercase hexadecimal. Uppercase
// digits are rejected so that every value has exactly one text encoding.
func hexDecode(text []byte, size int, what string) ([]byte, error) {
	if len(text) != 2*size {
		return nil, fmt.Errorf("group: %s text encoding is %d characters, want %d", what, len(text), 2*size)
	}
	for i, c := range text {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, fmt.Errorf("group: %s text encoding has a character that is not lowercase hexadecimal at offset %d", what, i)
		}
	}
	b := make([]byte, size)
	if _, err := hex.Decode(b, text); err != nil {
		return nil, fmt.Errorf("group: %s: %v", what, err)
	}
	return b, nil
}

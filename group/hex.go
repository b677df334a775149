package group

import (
	"fmt"

	"github.com/sandogh/sandogh/internal/prose"
)

// The text forms may carry secrets (a trustee's key share, a ballot's nonce
// seed), so hexadecimal is encoded and decoded here without table lookups or
// branches on the digits, unlike encoding/hex.

// hexEncode returns the lowercase hexadecimal of b, in constant time.
func hexEncode(b []byte) []byte {
	out := make([]byte, 2*len(b))
	for i, v := range b {
		out[2*i] = hexDigit(int32(v >> 4))
		out[2*i+1] = hexDigit(int32(v & 0x0f))
	}
	return out
}

// hexDigit returns the lowercase hexadecimal digit of 0 ≤ n < 16: '0'+n, plus
// 'a'-'0'-10 = 39 when n > 9, selected by the sign of 9-n.
func hexDigit(n int32) byte {
	return byte('0' + n + ((9-n)>>31)&39)
}

// hexValue returns the value of the lowercase hexadecimal digit c and 1, or
// 0 and 0 if c is not one, in constant time.
func hexValue(c byte) (v byte, ok int32) {
	x := int32(c)
	isDigit := (('0' - 1 - x) & (x - '9' - 1)) >> 31 // -1 if '0' ≤ c ≤ '9', else 0
	isLower := (('a' - 1 - x) & (x - 'f' - 1)) >> 31 // -1 if 'a' ≤ c ≤ 'f', else 0
	v = byte((x-'0')&isDigit | (x-'a'+10)&isLower)
	return v, (isDigit | isLower) & 1
}

// hexDecode decodes exactly size bytes of lowercase hexadecimal. Uppercase
// digits are rejected so that every value has exactly one text encoding. A
// valid text is decoded in time that depends only on its length.
func hexDecode(text []byte, size int, what string) ([]byte, error) {
	if len(text) != 2*size {
		return nil, fmt.Errorf("group: %s text encoding is %s, want %d", what, prose.Count(len(text), "character"), 2*size)
	}
	b := make([]byte, size)
	ok := int32(1)
	for i := range b {
		hi, ok1 := hexValue(text[2*i])
		lo, ok2 := hexValue(text[2*i+1])
		b[i] = hi<<4 | lo
		ok &= ok1 & ok2
	}
	if ok != 1 {
		// The text is invalid, and so public: find the first bad character.
		for i, c := range text {
			if _, ok := hexValue(c); ok != 1 {
				return nil, fmt.Errorf("group: %s text encoding has a character that is not lowercase hexadecimal at offset %d", what, i)
			}
		}
	}
	return b, nil
}

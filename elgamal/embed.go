package elgamal

import (
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/sandogh/sandogh/group"
)

// MaxEmbedSize is the largest number of bytes that Embed places in one
// element.
const MaxEmbedSize = 30

const (
	// embedAttempts is the number of counters Embed tries, 0..255, for every
	// input. About a quarter of candidates decode, so for data not chosen
	// for it all fail with probability about (3/4)^256 = 2^-106.2.
	embedAttempts = 256
	// embedCounters is the size of the counter field of the layout: 9 bits.
	// Embed uses the first embedAttempts counters; Extract accepts any.
	embedCounters = 512
)

// Embed returns an element whose canonical encoding carries data, of at most
// MaxEmbedSize bytes, so that Extract recovers it. The 32-byte encoding is
//
//	byte 0:      bit 0 = 0, bits 1–5 = len(data), bits 6–7 = counter bits 7–8
//	bytes 1–30:  data, then zero bytes up to byte 30
//	byte 31:     bits 0–6 = counter bits 0–6, bit 7 = 0
//
// with the smallest counter c in 0..255 for which these bytes decode as a
// ristretto255 element. All 256 counters are tried for every input, each
// with one constant-time decoding, and the first success is kept with
// constant-time selects, so the running time does not depend on the
// contents of data, nor on which counter works. len(data) is not hidden:
// callers that must hide the length of a write-in pad it to a fixed length
// first.
//
// Embed of the empty string is the identity element (counter 0, all zero
// bytes). Embed returns an error if data is longer than MaxEmbedSize, or,
// with probability about 2^-106 for data not chosen for it, if none of the
// 256 counters works; finding data for which none works would take about
// 2^106 tries.
func Embed(data []byte) (*group.Element, error) {
	return embed(data, (*group.Element).TrySetCanonicalBytes)
}

// VarTimeEmbed returns the element that Embed returns for data, but tries
// the counters 0, 1, … only until one decodes (about four decodings
// instead of 256: 17 µs against 1.1–1.6 ms for Embed on the reference
// machine, BenchmarkVarTimeEmbed). It is for public data only (the weight
// column of a mixed row, package tally), since its running time reveals
// which counter decoded.
//
// Execution time depends on the inputs.
func VarTimeEmbed(data []byte) (*group.Element, error) {
	if len(data) > MaxEmbedSize {
		return nil, fmt.Errorf("elgamal: embed: data is %d bytes, more than MaxEmbedSize = %d", len(data), MaxEmbedSize)
	}
	var cand [group.ElementSize]byte
	cand[0] = byte(len(data)) << 1
	copy(cand[1:1+MaxEmbedSize], data)
	out := group.NewElement()
	for c := 0; c < embedAttempts; c++ {
		cand[0] = cand[0]&0x3f | byte(c>>7)<<6
		cand[31] = byte(c & 0x7f)
		if _, err := out.SetCanonicalBytes(cand[:]); err == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("elgamal: embed: none of the %d counters gives a valid element encoding", embedAttempts)
}

// A candidateDecoder decodes one candidate encoding into e in constant time
// and returns 1 if it is valid: Element.TrySetCanonicalBytes, or in tests a
// wrapper that counts or vetoes the attempts.
type candidateDecoder func(e *group.Element, x *[group.ElementSize]byte) int

// embed is Embed with its decoder as a parameter.
func embed(data []byte, decode candidateDecoder) (*group.Element, error) {
	if len(data) > MaxEmbedSize {
		return nil, fmt.Errorf("elgamal: embed: data is %d bytes, more than MaxEmbedSize = %d", len(data), MaxEmbedSize)
	}
	var cand [group.ElementSize]byte
	defer clear(cand[:])
	cand[0] = byte(len(data)) << 1
	copy(cand[1:1+MaxEmbedSize], data)

	out := group.NewElement()
	if embedSearch(out, &cand, embedAttempts, decode) != 1 {
		return nil, fmt.Errorf("elgamal: embed: none of the %d counters gives a valid element encoding", embedAttempts)
	}
	return out, nil
}

// embedSearch tries the counters 0..tries−1 in cand, in order and all of
// them, decoding each with decode, and sets out to the element of the first
// candidate that decodes. It returns 1 if one did, in constant time in the
// contents of cand.
func embedSearch(out *group.Element, cand *[group.ElementSize]byte, tries int, decode candidateDecoder) int {
	found := 0
	tmp := group.NewElement()
	for c := 0; c < tries; c++ {
		cand[0] = cand[0]&0x3f | byte(c>>7)<<6
		cand[31] = byte(c & 0x7f)
		ok := decode(tmp, cand)
		out.Select(tmp, out, ok&^found)
		found |= ok
	}
	return found
}

// Extract returns the bytes that Embed placed in M. It returns an error if
// the encoding of M does not follow the layout of Embed: a length field above
// MaxEmbedSize, or a non-zero byte in the padding after the data. The counter
// bits are not checked. A random element follows the layout with probability
// about 1/32, so Extract detects most garbage but not all: the layers above
// check what the bytes mean.
//
// Extract runs in constant time in the contents of M; its time and result
// reveal only whether M is valid and the length of the data.
func Extract(M *group.Element) ([]byte, error) {
	b := M.Bytes()
	n := int(b[0]>>1) & 0x1f
	valid := subtle.ConstantTimeLessOrEq(n, MaxEmbedSize)
	nonzero := 0
	for i := 1; i <= MaxEmbedSize; i++ {
		inPadding := subtle.ConstantTimeLessOrEq(n+1, i)
		nonzero |= inPadding & (1 - subtle.ConstantTimeByteEq(b[i], 0))
	}
	valid &= 1 - nonzero
	if valid != 1 {
		return nil, extractError(b)
	}
	return append([]byte{}, b[1:1+n]...), nil
}

// extractError describes why the encoding b does not follow the layout of
// Embed. It is called on invalid input only, which is public. Its texts end
// up in election records (through UnpackCodes, as a mixed row's reason):
// change them only together with docs/spec.md.
func extractError(b []byte) error {
	n := int(b[0]>>1) & 0x1f
	if n > MaxEmbedSize {
		return fmt.Errorf("elgamal: extract: length field is %d, more than MaxEmbedSize = %d", n, MaxEmbedSize)
	}
	for i := 1 + n; i <= MaxEmbedSize; i++ {
		if b[i] != 0 {
			return fmt.Errorf("elgamal: extract: padding byte %d (data length %d) is %#02x, not zero", i, n, b[i])
		}
	}
	return errors.New("elgamal: extract: internal error: valid encoding reported as invalid")
}

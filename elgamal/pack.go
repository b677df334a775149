package elgamal

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/sandogh/sandogh/group"

	"github.com/sandogh/sandogh/internal/prose"
)

// packBits is the number of bits of one embedded plaintext that carry codes:
// the MaxEmbedSize data bytes.
const packBits = 8 * MaxEmbedSize

// MaxPackedCodes is the largest number of codes per ballot that PackCodes,
// UnpackCodes and PackedWidth accept; it keeps a hostile contest definition
// from asking for absurd allocations.
const MaxPackedCodes = 1 << 16

// packLayout returns the bits per code and the codes per element for the
// parameters, or an error if they are out of range.
func packLayout(maxCodes int, maxCode uint32) (bitsPerCode, perElement int, err error) {
	if maxCodes < 1 || maxCodes > MaxPackedCodes {
		return 0, 0, fmt.Errorf("maxCodes is %d, want 1..%d", maxCodes, MaxPackedCodes)
	}
	if maxCode < 1 {
		return 0, 0, errors.New("maxCode is 0, want at least 1")
	}
	bitsPerCode = bits.Len32(maxCode)
	return bitsPerCode, packBits / bitsPerCode, nil
}

// PackedWidth returns the number of elements that PackCodes produces for a
// contest in which a ballot holds up to maxCodes codes, each in 1..maxCode.
// Each code takes b = ⌈log2(maxCode+1)⌉ bits (0 marks an empty slot), an
// element holds ⌊240/b⌋ codes (240 = 8·MaxEmbedSize bits), and the width is
// ⌈maxCodes/⌊240/b⌋⌉. For example maxCode = 400 gives 9 bits and 26 codes
// per element; maxCode = 10000 gives 14 bits and 17 codes per element, so 50
// codes take 3 elements.
//
// It panics if maxCodes is outside 1..MaxPackedCodes or maxCode is 0;
// contest parameters are checked when the manifest is read.
func PackedWidth(maxCodes int, maxCode uint32) int {
	_, per, err := packLayout(maxCodes, maxCode)
	if err != nil {
		panic("elgamal: PackedWidth: " + err.Error())
	}
	return (maxCodes + per - 1) / per
}

// PackCodes packs the candidate codes of one ballot, each in 1..maxCode and
// at most maxCodes of them, into PackedWidth(maxCodes, maxCode) elements
// made by Embed, ready for EncryptElement. Slot s (0-based, over the whole
// ballot) holds codes[s], or 0 if s ≥ len(codes); it is in element
// s / k at position s mod k, k = ⌊240/b⌋, where it occupies bits
// b·(s mod k) … b·(s mod k)+b−1 of the 30 data bytes read as a little-endian
// 240-bit integer. Bits above k·b are zero. Every element carries 30 data
// bytes, also when all its slots are empty.
//
// It does not judge the ballot: repeated codes are packed as given. It
// returns an error if the parameters are out of range, if there are more
// than maxCodes codes, or if a code is 0 or above maxCode.
//
// The time taken depends on maxCodes, maxCode and len(codes), not on the
// values of the codes: they are combined with shifts and ORs, checked with
// constant-time comparisons, and embedded with Embed. The number of codes
// is not hidden from an observer of timing beyond that.
func PackCodes(codes []uint32, maxCodes int, maxCode uint32) ([]*group.Element, error) {
	b, per, err := packLayout(maxCodes, maxCode)
	if err != nil {
		return nil, errors.New("elgamal: pack codes: " + err.Error())
	}
	if len(codes) > maxCodes {
		return nil, fmt.Errorf("elgamal: pack codes: %d codes, more than maxCodes = %d", len(codes), maxCodes)
	}
	bad := 0
	for _, c := range codes {
		bad |= subtle.ConstantTimeEq(int32(c), 0) | outOfRange(c, maxCode)
	}
	if bad != 0 {
		for i, c := range codes {
			if c == 0 || c > maxCode {
				return nil, fmt.Errorf("elgamal: pack codes: code %d is outside 1..%d", i, maxCode)
			}
		}
	}

	width := (maxCodes + per - 1) / per
	data := make([][MaxEmbedSize]byte, width)
	defer func() {
		for i := range data {
			clear(data[i][:])
		}
	}()
	for s := 0; s < maxCodes; s++ {
		var v uint32
		if s < len(codes) {
			v = codes[s]
		}
		putSlot(&data[s/per], b*(s%per), v)
	}
	out := make([]*group.Element, width)
	for i := range data {
		if out[i], err = Embed(data[i][:]); err != nil {
			return nil, errors.New("elgamal: pack codes: " + err.Error())
		}
	}
	return out, nil
}

// outOfRange returns 1 if c > max and 0 otherwise, in constant time.
func outOfRange(c, max uint32) int {
	return int((uint64(max) - uint64(c)) >> 63)
}

// putSlot ORs the value v into d at bit offset off. The offset is public;
// the value only meets shifts and ORs.
func putSlot(d *[MaxEmbedSize]byte, off int, v uint32) {
	w := uint64(v) << (off % 8)
	for k := 0; k < 5 && off/8+k < MaxEmbedSize; k++ {
		d[off/8+k] |= byte(w >> (8 * k))
	}
}

// getSlot returns the b-bit value at bit offset off of d.
func getSlot(d []byte, off, b int) uint32 {
	var w uint64
	for k := 0; k < 5 && off/8+k < MaxEmbedSize; k++ {
		w |= uint64(d[off/8+k]) << (8 * k)
	}
	return uint32(w>>(off%8)) & uint32(1<<b-1)
}

// UnpackCodes returns the codes packed by PackCodes in elems, which are
// typically the plaintexts of a mixed and decrypted ballot row. It returns an
// error naming the element and slot if the packing is malformed: a wrong
// number of elements, an element that Extract rejects or whose data is not
// 30 bytes, a slot value above maxCode, a non-empty slot after an empty one
// or beyond maxCodes, or non-zero bits above the last slot of an element.
// It does not judge the codes themselves: repeated or unknown codes are for
// the ballot and tally layers.
//
// Slots in the errors are numbered over the whole list, from 0, as in
// PackCodes. The error texts are part of the election record: a mixed row
// that does not unpack is published with its error as the row's reason
// (docs/spec.md, Tally, "Decoding the rows"), so change them only together
// with the specification.
//
// It runs in constant time in the slot values; its time and result reveal
// only whether the packing is valid and how many codes it holds.
func UnpackCodes(elems []*group.Element, maxCodes int, maxCode uint32) ([]uint32, error) {
	b, per, err := packLayout(maxCodes, maxCode)
	if err != nil {
		return nil, errors.New("elgamal: unpack codes: " + err.Error())
	}
	width := (maxCodes + per - 1) / per
	if len(elems) != width {
		return nil, fmt.Errorf("elgamal: unpack codes: %s, want %d", prose.Count(len(elems), "element"), width)
	}
	data := make([][]byte, width)
	for i, M := range elems {
		d, err := Extract(M)
		if err != nil {
			return nil, fmt.Errorf("elgamal: unpack codes: element %d: %s", i, strings.TrimPrefix(err.Error(), "elgamal: "))
		}
		if len(d) != MaxEmbedSize {
			return nil, fmt.Errorf("elgamal: unpack codes: element %d: data is %d bytes, want %d", i, len(d), MaxEmbedSize)
		}
		data[i] = d
	}

	codes := make([]uint32, width*per)
	bad, empty, count := 0, 0, 0
	for s := range codes {
		v := getSlot(data[s/per], b*(s%per), b)
		codes[s] = v
		isZero := subtle.ConstantTimeEq(int32(v), 0)
		bad |= outOfRange(v, maxCode)
		bad |= empty & (1 - isZero) // a code after an empty slot
		if s >= maxCodes {
			bad |= 1 - isZero
		}
		empty |= isZero
		count += 1 - isZero
	}
	for i := range data {
		bad |= highBits(data[i], per*b)
	}
	if bad != 0 {
		return nil, unpackError(data, codes, maxCodes, maxCode, per, b)
	}
	return codes[:count:count], nil
}

// highBits returns 1 if any bit at or above bit used of d is set, and 0
// otherwise, in constant time.
func highBits(d []byte, used int) int {
	nonzero := 0
	for i := used / 8; i < len(d); i++ {
		v := d[i]
		if i == used/8 {
			v >>= used % 8
		}
		nonzero |= 1 - subtle.ConstantTimeByteEq(v, 0)
	}
	return nonzero
}

// unpackError describes the first defect of an invalid packing. It is called
// on invalid input only, which is public.
func unpackError(data [][]byte, codes []uint32, maxCodes int, maxCode uint32, per, b int) error {
	for i := range data {
		if highBits(data[i], per*b) != 0 {
			return fmt.Errorf("elgamal: unpack codes: element %d: bits above slot %d are not zero", i, (i+1)*per-1)
		}
	}
	emptyAt := -1
	for s, v := range codes {
		where := fmt.Sprintf("element %d, slot %d", s/per, s)
		switch {
		case v > maxCode:
			return fmt.Errorf("elgamal: unpack codes: %s: code %d is above maxCode = %d", where, v, maxCode)
		case v != 0 && s >= maxCodes:
			return fmt.Errorf("elgamal: unpack codes: %s: code %d is beyond maxCodes = %d", where, v, maxCodes)
		case v != 0 && emptyAt >= 0:
			return fmt.Errorf("elgamal: unpack codes: %s: code %d follows the empty slot %d", where, v, emptyAt)
		case v == 0 && emptyAt < 0:
			emptyAt = s
		}
	}
	return errors.New("elgamal: unpack codes: internal error: valid packing reported as invalid")
}

// VarTimeEmbeddingCounter returns the 9-bit counter of the encoding of M in
// the layout of Embed (bits 6–7 of byte 0 and bits 0–6 of byte 31), and the
// smallest counter that, with the other bits of the encoding unchanged,
// also gives the encoding of an element. M is the canonical embedding of
// its data, the element that Embed returns for it, exactly when the two are
// equal. Extract and UnpackCodes do not look at the counter; the decoding
// of mixed rows (package tally) requires the canonical one, so that the
// plaintext of a valid row is a function of its codes alone.
//
// Execution time depends on the inputs: it decodes the candidates for the
// counters below M's in order and stops at the first that decodes (about
// one in four does), so it is meant for public plaintexts only.
func VarTimeEmbeddingCounter(M *group.Element) (counter, smallest int) {
	cand := [group.ElementSize]byte(M.Bytes())
	counter = int(cand[0]>>6)<<7 | int(cand[31]&0x7f)
	tmp := group.NewElement()
	for c := 0; c < counter; c++ {
		cand[0] = cand[0]&0x3f | byte(c>>7)<<6
		cand[31] = byte(c & 0x7f)
		if _, err := tmp.SetCanonicalBytes(cand[:]); err == nil {
			return counter, c
		}
	}
	return counter, counter
}

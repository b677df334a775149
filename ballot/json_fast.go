package ballot

import (
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

// A verifier decodes every ballot of a ballot box from its JSON form, so
// UnmarshalJSON first tries a direct scan of the exact form that
// MarshalJSON writes (members in order, each once, no whitespace, no
// escapes, sequence 1 or more), building the canonical binary
// encoding as it goes. Anything else — other spacing or order, escapes,
// unusual values, any error — falls back to the general decoder, which is
// the definition: the scan accepts a subset of what the general decoder
// accepts and builds the same encoding for it (FuzzBallotJSONFast checks
// this), so it changes speed only, not the verdict or the error.

// hexValue maps a lowercase hexadecimal digit to its value, and every
// other byte to 0xff.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c - 'a' + 10)
	}
	return t
}()

// fastScan is the state of the direct scan. ok turns false at the first
// byte the scan does not expect, and every later step does nothing.
type fastScan struct {
	in  []byte
	off int
	out []byte
	ok  bool
}

// lit consumes the literal l.
func (s *fastScan) lit(l string) {
	if s.ok && len(s.in)-s.off >= len(l) && string(s.in[s.off:s.off+len(l)]) == l {
		s.off += len(l)
		return
	}
	s.ok = false
}

// peek reports whether the literal l comes next, and consumes it if so.
func (s *fastScan) peek(l string) bool {
	if s.ok && len(s.in)-s.off >= len(l) && string(s.in[s.off:s.off+len(l)]) == l {
		s.off += len(l)
		return true
	}
	return false
}

// str consumes a JSON string without escapes or control characters whose
// bytes are valid UTF-8, and returns its bytes (a slice of the input),
// which are then the string's value.
func (s *fastScan) str() []byte {
	s.lit(`"`)
	if !s.ok {
		return nil
	}
	start := s.off
	for ; s.off < len(s.in); s.off++ {
		c := s.in[s.off]
		if c == '"' {
			v := s.in[start:s.off]
			s.off++
			if !utf8.Valid(v) {
				s.ok = false
			}
			return v
		}
		if c < 0x20 || c == '\\' {
			break
		}
	}
	s.ok = false
	return nil
}

// hex consumes a JSON string of lowercase hexadecimal digits and appends
// the bytes they encode to out. If n ≥ 0 the string must encode exactly n
// bytes; otherwise any even number of digits is accepted. It returns the
// number of bytes appended.
func (s *fastScan) hex(n int) int {
	s.lit(`"`)
	if !s.ok {
		return 0
	}
	end := s.off
	for end < len(s.in) && s.in[end] != '"' {
		end++
	}
	digits := s.in[s.off:end]
	if end == len(s.in) || len(digits)%2 != 0 || n >= 0 && len(digits) != 2*n {
		s.ok = false
		return 0
	}
	for i := 0; i < len(digits); i += 2 {
		hi, lo := hexValue[digits[i]], hexValue[digits[i+1]]
		if hi|lo == 0xff {
			s.ok = false
			return 0
		}
		s.out = append(s.out, hi<<4|lo)
	}
	s.off = end + 1
	return len(digits) / 2
}

// hexBytes is hex of any length, written as u32(len) ‖ bytes. It returns the
// length.
func (s *fastScan) hexBytes() int {
	at := len(s.out)
	s.out = append(s.out, 0, 0, 0, 0)
	n := s.hex(-1)
	binary.BigEndian.PutUint32(s.out[at:], uint32(n))
	return n
}

// uint consumes a decimal integer 1..2^64−1 without leading zeros, sign,
// fraction or exponent.
func (s *fastScan) uint() uint64 {
	start := s.off
	for s.ok && s.off < len(s.in) && '0' <= s.in[s.off] && s.in[s.off] <= '9' {
		s.off++
	}
	digits := s.in[start:s.off]
	if len(digits) == 0 || digits[0] == '0' {
		s.ok = false
		return 0
	}
	v, err := strconv.ParseUint(string(digits), 10, 64)
	if err != nil {
		s.ok = false
	}
	return v
}

// scanBallotJSON scans data in the exact form of MarshalJSON and returns the
// ballot's canonical encoding and its code member (the confirmation code), or
// ok false if data is not in that form.
func scanBallotJSON(data []byte) (enc []byte, code ConfirmationCode, ok bool) {
	s := &fastScan{in: data, out: make([]byte, 0, len(data)/2+64), ok: true}
	s.out = binary.BigEndian.AppendUint32(s.out, uint32(len(ballotLabel)))
	s.out = append(s.out, ballotLabel...)
	s.lit(`{"ballotId":`)
	id := s.str()
	s.lit(`,"baseHash":`)
	s.hex(HashSize)
	s.out = binary.BigEndian.AppendUint32(s.out, uint32(len(id)))
	s.out = append(s.out, id...)
	switch {
	case s.peek(`,"device":`):
		dev := s.str()
		s.lit(`,"sequence":`)
		seq := s.uint()
		s.out = append(s.out, signerDevice)
		s.out = binary.BigEndian.AppendUint32(s.out, uint32(len(dev)))
		s.out = append(s.out, dev...)
		s.out = binary.BigEndian.AppendUint64(s.out, seq)
		s.lit(`,"previous":`)
		s.hex(HashSize)
	case s.peek(`,"credential":`):
		s.out = append(s.out, signerCredential)
		s.hex(32)
	default:
		return nil, ConfirmationCode{}, false
	}
	s.lit(`,"contests":[`)
	nAt := len(s.out)
	s.out = append(s.out, 0, 0, 0, 0)
	contests := 0
	for s.ok && !s.peek(`]`) {
		if contests > 0 {
			s.lit(`,`)
		}
		contests++
		if s.peek(`{"row":[`) {
			s.out = append(s.out, layoutRow)
			wAt := len(s.out)
			s.out = append(s.out, 0, 0, 0, 0)
			cols := 0
			for s.ok && !s.peek(`]`) {
				if cols > 0 {
					s.lit(`,`)
				}
				cols++
				s.lit(`{"ciphertext":`)
				s.hex(64)
				s.lit(`,"proof":`)
				s.hex(schnorrSize)
				s.lit(`}`)
			}
			binary.BigEndian.PutUint32(s.out[wAt:], uint32(cols))
			s.lit(`}`)
			continue
		}
		s.lit(`{"selections":[`)
		s.out = append(s.out, layoutSelections)
		mAt := len(s.out)
		s.out = append(s.out, 0, 0, 0, 0)
		sels := 0
		for s.ok && !s.peek(`]`) {
			if sels > 0 {
				s.lit(`,`)
			}
			sels++
			s.lit(`{"ciphertext":`)
			s.hex(64)
			s.lit(`,"proof":`)
			s.hexBytes()
			s.lit(`}`)
		}
		binary.BigEndian.PutUint32(s.out[mAt:], uint32(sels))
		if s.peek(`,"proof":`) {
			s.out = append(s.out, 1)
			if s.hexBytes() == 0 {
				s.ok = false // "" means no proof to the general decoder
			}
		} else if s.peek(`,"proofs":[`) {
			// A list contest's statement proofs (flag 2).
			s.out = append(s.out, 2)
			cAt := len(s.out)
			s.out = append(s.out, 0, 0, 0, 0)
			n := 0
			for s.ok && !s.peek(`]`) {
				if n > 0 {
					s.lit(`,`)
				}
				n++
				if s.hexBytes() == 0 {
					s.ok = false // the general decoder names the empty proof
				}
			}
			if n == 0 {
				s.ok = false // and the empty list
			}
			binary.BigEndian.PutUint32(s.out[cAt:], uint32(n))
		} else {
			s.out = append(s.out, 0)
		}
		s.lit(`}`)
	}
	if !s.ok {
		return nil, ConfirmationCode{}, false
	}
	binary.BigEndian.PutUint32(s.out[nAt:], uint32(contests))
	switch {
	case s.peek(`,"state":"cast"`):
		s.out = append(s.out, uint8(Cast))
	case s.peek(`,"state":"challenged","nonceSeed":`):
		s.out = append(s.out, uint8(Challenged))
		s.hex(32)
	default:
		return nil, ConfirmationCode{}, false
	}
	s.lit(`,"signature":`)
	s.hex(64)
	s.lit(`,"code":`)
	at := len(s.out)
	s.hex(HashSize)
	s.lit(`}`)
	if !s.ok || s.off != len(s.in) {
		return nil, ConfirmationCode{}, false
	}
	copy(code[:], s.out[at:])
	return s.out[:at], code, true
}

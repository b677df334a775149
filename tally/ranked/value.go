package ranked

import (
	"fmt"
	"math/bits"
	"strconv"
)

// A Value is a number of votes in units of 10^-5: the fixed-point
// arithmetic of the Scottish rules, whose transfer values are "calculated
// to five decimal places (any remainder being ignored)" (SSI 2007/42,
// Schedule 1, rule 48(3)). One ballot paper at full value is Unit. Values
// are exact integers: no floating point is used anywhere in this package.
type Value int64

// Unit is the value of one ballot paper at full value, 1.00000.
const Unit Value = 100000

// decimals is the number of decimal places of a Value.
const decimals = 5

// String writes v with exactly five decimal places, a minus sign if v is
// negative, and no leading zeros: "0.00000", "1300.00000", "-682.00000",
// "130.40863". It is the form of a Value in the JSON encodings.
func (v Value) String() string {
	var b []byte
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/uint64(Unit), 10)
	frac := strconv.FormatUint(u%uint64(Unit)+uint64(Unit), 10) // "1ddddd"
	b = append(b, '.')
	b = append(b, frac[1:]...)
	return string(b)
}

// parseValue reads the form of String, and nothing else: an optional
// minus sign (not before zero), the integer part in canonical decimal
// ("0" or a nonzero digit followed by digits), a point and exactly five
// digits.
func parseValue(s string) (Value, error) {
	neg := false
	t := s
	if len(t) > 0 && t[0] == '-' {
		neg = true
		t = t[1:]
	}
	dot := len(t) - decimals - 1
	if dot < 1 || t[dot] != '.' {
		return 0, fmt.Errorf("%q is not a value with exactly five decimal places", s)
	}
	ip, fp := t[:dot], t[dot+1:]
	if ip[0] == '0' && len(ip) > 1 {
		return 0, fmt.Errorf("%q has a leading zero", s)
	}
	for _, c := range []byte(ip + fp) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a value with exactly five decimal places", s)
		}
	}
	i, err := strconv.ParseUint(ip, 10, 64)
	if err != nil || i > uint64(maxValue/Unit) {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	f, _ := strconv.ParseUint(fp, 10, 64)
	v := Value(i)*Unit + Value(f)
	if neg {
		if v == 0 {
			return 0, fmt.Errorf("%q is a negative zero", s)
		}
		v = -v
	}
	return v, nil
}

// maxValue bounds every Value this package computes or reads: 2^62, far
// above the largest total (MaxRows papers at Unit each).
const maxValue Value = 1 << 62

// transferValue is rule 48(3): the value, in units, of a paper of value v
// (units) transferred from a candidate with total votes t (units) and
// surplus s (units), A/B with A = s·v and B = t, "calculated to five
// decimal places (any remainder being ignored)": floor(s·v / t) units.
// The product is taken in 128 bits, so nothing overflows; 0 <= s <= t and
// 0 < t, so the quotient fits.
func transferValue(s, v, t Value) Value {
	hi, lo := bits.Mul64(uint64(s), uint64(v))
	q, _ := bits.Div64(hi, lo, uint64(t))
	return Value(q)
}

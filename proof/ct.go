package proof

import (
	"math/bits"

	"github.com/sandogh/sandogh/group"
)

// ctEq returns 1 if a == b and 0 otherwise, in constant time.
func ctEq(a, b uint64) int {
	x := a ^ b
	return int(1 ^ ((x | -x) >> 63))
}

// ctGE returns 1 if a ≥ b and 0 otherwise, in constant time.
func ctGE(a, b uint64) int {
	_, borrow := bits.Sub64(a, b, 0)
	return int(1 ^ borrow)
}

// scalarSelect sets s to a if cond == 1 and to b if cond == 0, in constant
// time, and returns s. s may alias a or b.
func scalarSelect(s, a, b *group.Scalar, cond int) *group.Scalar {
	var d group.Scalar
	d.Subtract(a, b)
	d.Multiply(&d, new(group.Scalar).SetUint64(uint64(cond)))
	return s.Add(b, &d)
}

package elgamal

import "github.com/sandogh/sandogh/group"

// trySetCanonicalBytes sets e to the element encoded by b and returns 1, or
// returns 0 and leaves e unchanged.
//
// TODO(elgamal): this stand-in branches on the validity of b; replace it with
// group's constant-time (*Element).TrySetCanonicalBytes once it lands.
func trySetCanonicalBytes(e *group.Element, b *[group.ElementSize]byte) int {
	if _, err := e.SetCanonicalBytes(b[:]); err != nil {
		return 0
	}
	return 1
}

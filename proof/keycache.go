package proof

import (
	"sync/atomic"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// keyEncoding is a public key's element with its encoding.
type keyEncoding struct {
	K   group.Element
	enc []byte
}

// lastKey caches the encoding of the most recently used public key: a
// device or a ballot box uses one election key for thousands of proofs, and
// encoding an element costs about a third of a ScalarBaseMult.
var lastKey atomic.Pointer[keyEncoding]

// publicKeyBytes returns pk's element and its 32-byte encoding. The cache is
// checked by value, so a key that changed since is encoded afresh.
func publicKeyBytes(pk *elgamal.PublicKey) (*group.Element, []byte) {
	K := pk.Element()
	if c := lastKey.Load(); c != nil && c.K.Equal(K) == 1 {
		return K, c.enc
	}
	c := &keyEncoding{enc: K.Bytes()}
	c.K.Set(K)
	lastKey.Store(c)
	return K, c.enc
}

package mixnet

import (
	"hash"
	"sync"
)

// An orderedHasher writes the chunks of a buffer to a hash in their order
// while a parallel pass (forChunks) is still producing them: the goroutine
// that completes the chunk at the front of the hashed prefix hashes every
// completed chunk that follows it, outside the lock, so that the digest of
// a large list costs no serial pass after the list is done. The bytes
// hashed are exactly buf, in order: the digest is the one of a single
// h.Write(buf).
type orderedHasher struct {
	h     hash.Hash
	buf   []byte
	chunk int // bytes per chunk; the last one may be shorter

	mu      sync.Mutex
	done    []bool
	next    int  // first chunk not yet hashed
	hashing bool // a goroutine is hashing
}

// newOrderedHasher returns a hasher for buf in chunks of chunk bytes, which
// writes to h.
func newOrderedHasher(h hash.Hash, buf []byte, chunk int) *orderedHasher {
	return &orderedHasher{h: h, buf: buf, chunk: chunk, done: make([]bool, (len(buf)+chunk-1)/chunk)}
}

// complete marks chunk k as written and hashes what can be hashed in order.
func (o *orderedHasher) complete(k int) {
	o.mu.Lock()
	o.done[k] = true
	if o.hashing {
		o.mu.Unlock()
		return
	}
	o.hashing = true
	for {
		end := o.next
		for end < len(o.done) && o.done[end] {
			end++
		}
		if end == o.next {
			o.hashing = false
			o.mu.Unlock()
			return
		}
		lo, hi := o.next*o.chunk, min(end*o.chunk, len(o.buf))
		o.next = end
		o.mu.Unlock()
		o.h.Write(o.buf[lo:hi])
		o.mu.Lock()
	}
}

// finish returns the hash after every chunk was completed. It panics if one
// was not: a programmer error.
func (o *orderedHasher) finish() hash.Hash {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.next != len(o.done) || o.hashing {
		panic("mixnet: internal error: ordered hash finished before its chunks")
	}
	return o.h
}

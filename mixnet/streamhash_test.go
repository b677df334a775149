package mixnet

import (
	"bytes"
	"crypto/sha512"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestOrderedHasher checks that hashing the chunks of a buffer as they are
// completed, in any order and from several goroutines, gives the digest of
// the whole buffer, including a short last chunk.
func TestOrderedHasher(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 63, 64, 65, 1000, 4096, 10007} {
		buf := make([]byte, size)
		for i := range buf {
			buf[i] = byte(rng.Uint32())
		}
		want := sha512.Sum512(buf)
		for _, chunk := range []int{1, 7, 64, 5000} {
			chunks := (size + chunk - 1) / chunk
			order := rng.Perm(chunks)
			o := newOrderedHasher(sha512.New(), buf, chunk)
			var wg sync.WaitGroup
			for g := 0; g < 3; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for q := g; q < len(order); q += 3 {
						o.complete(order[q])
					}
				}()
			}
			wg.Wait()
			if got := o.finish().Sum(nil); !bytes.Equal(got, want[:]) {
				t.Errorf("size %d, chunk %d: digest differs from SHA-512 of the buffer", size, chunk)
			}
		}
	}
}

// TestOrderedHasherUnfinished checks that finishing before every chunk is
// complete panics rather than returning the digest of a prefix.
func TestOrderedHasherUnfinished(t *testing.T) {
	o := newOrderedHasher(sha512.New(), make([]byte, 100), 10)
	for k := 0; k < 10; k++ {
		if k != 4 {
			o.complete(k)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("finish with chunk 4 missing did not panic")
		}
	}()
	o.finish()
}

// TestProverDigests checks that the digests the prover computes while it
// proves (of the output rows and of the proof) are those of their
// encodings, as a reader of the encodings computes them.
func TestProverDigests(t *testing.T) {
	p, _ := testParams(t)
	for _, w := range []int{1, 3} {
		in := testRows(t, p.PublicKey, 600, w) // several chunks of phase A
		out, pr, err := Shuffle(p, 2, in, testNonces(t, "digests"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := out.Digest(), rowsDigest(w, out.Len(), out.Bytes()[rowsHeaderSize:]); got != want {
			t.Errorf("width %d: output digest %x… differs from the digest of its encoding %x…", w, got[:8], want[:8])
		}
		parsed, err := ParseProof(pr.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if parsed.hasDigest {
			t.Fatal("a parsed proof claims a precomputed digest")
		}
		if got, want := pr.Digest(), parsed.Digest(); got != want {
			t.Errorf("width %d: proof digest %x… differs from the digest of its encoding %x…", w, got[:8], want[:8])
		}
	}
}

package mixnet

import (
	"sync/atomic"
	"testing"
)

// TestForChunks checks that forChunks visits every row exactly once, in
// chunks of the requested size aligned on multiples of it, with worker
// numbers below the number of workers, for sizes around the chunk
// boundaries and several worker counts.
func TestForChunks(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 8} {
		for _, n := range []int{0, 1, 255, 256, 257, 1000} {
			const chunk = 256
			hits := make([]atomic.Int32, n)
			var bad atomic.Int32
			forChunks(n, chunk, workers, func(worker, lo, hi int) {
				if worker < 0 || worker >= workers || lo%chunk != 0 || hi-lo > chunk || hi > n || lo >= hi {
					bad.Add(1)
					return
				}
				for i := lo; i < hi; i++ {
					hits[i].Add(1)
				}
			})
			if bad.Load() != 0 {
				t.Fatalf("workers=%d n=%d: %d bad chunks", workers, n, bad.Load())
			}
			for i := range hits {
				if h := hits[i].Load(); h != 1 {
					t.Fatalf("workers=%d n=%d: row %d visited %d times", workers, n, i, h)
				}
			}
		}
	}
	if w := chunkWorkers(1, 256); w != 1 {
		t.Errorf("one chunk takes %d workers", w)
	}
}

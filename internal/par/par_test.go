package par

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestForCoversEveryIndexOnce checks that the chunks partition [0, n) for
// sizes around the chunk boundaries and for several core counts, with For
// (GOMAXPROCS chunks at most) and ForOn (workers chunks at most).
func TestForCoversEveryIndexOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2, 15, 16, 17, 31, 33, 100, 1000} {
			for _, minChunk := range []int{0, 1, 16, 1000} {
				checkChunks(t, procs, n, minChunk, func(body func(lo, hi int)) { For(n, minChunk, body) })
				// ForOn ignores GOMAXPROCS: procs is its workers.
				runtime.GOMAXPROCS(1)
				checkChunks(t, procs, n, minChunk, func(body func(lo, hi int)) { ForOn(procs, n, minChunk, body) })
				runtime.GOMAXPROCS(procs)
			}
		}
	}
}

// checkChunks runs run with a body that counts the visits of each index
// and the chunks, and checks that every index of [0, n) is visited once,
// in at most procs chunks.
func checkChunks(t *testing.T, procs, n, minChunk int, run func(body func(lo, hi int))) {
	t.Helper()
	hits := make([]atomic.Int32, n)
	var calls atomic.Int32
	run(func(lo, hi int) {
		calls.Add(1)
		if lo < 0 || hi > n || lo >= hi {
			t.Errorf("procs=%d n=%d minChunk=%d: bad chunk [%d, %d)", procs, n, minChunk, lo, hi)
			return
		}
		for i := lo; i < hi; i++ {
			hits[i].Add(1)
		}
	})
	for i := range hits {
		if h := hits[i].Load(); h != 1 {
			t.Fatalf("procs=%d n=%d minChunk=%d: index %d visited %d times", procs, n, minChunk, i, h)
		}
	}
	if c := int(calls.Load()); c > procs && n > 0 {
		t.Errorf("procs=%d n=%d minChunk=%d: %d chunks, more than the %d workers", procs, n, minChunk, c, procs)
	}
	if c := int(calls.Load()); n >= 1000 && minChunk <= 16 && c != procs {
		t.Errorf("procs=%d n=%d minChunk=%d: %d chunks, want one per worker", procs, n, minChunk, c)
	}
}

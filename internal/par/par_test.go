package par

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestForCoversEveryIndexOnce checks that the chunks partition [0, n) for
// sizes around the chunk boundaries and for several core counts.
func TestForCoversEveryIndexOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2, 15, 16, 17, 31, 33, 100, 1000} {
			for _, minChunk := range []int{0, 1, 16, 1000} {
				hits := make([]atomic.Int32, n)
				var calls atomic.Int32
				For(n, minChunk, func(lo, hi int) {
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
					t.Errorf("procs=%d n=%d minChunk=%d: %d chunks, more than the %d cores", procs, n, minChunk, c, procs)
				}
			}
		}
	}
}

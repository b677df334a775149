package mixnet

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// chunkWorkers returns the number of goroutines forChunks uses for n rows in
// chunks of chunk rows: one per core (GOMAXPROCS), but no more than there
// are chunks.
func chunkWorkers(n, chunk int) int {
	return max(1, min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk))
}

// forChunks calls body(worker, lo, hi) for every chunk [lo, hi) of [0, n),
// of chunk rows each (the last one may be shorter), on workers goroutines
// that each take the next chunk as soon as they finish one, so that a core
// slowed down by other work takes fewer chunks instead of delaying the end
// of the pass. worker, in [0, workers), identifies the goroutine, for
// per-goroutine state; every goroutine takes at least one chunk if there are
// enough. It returns when every chunk is done.
func forChunks(n, chunk, workers int, body func(worker, lo, hi int)) {
	if n <= 0 {
		return
	}
	var next atomic.Int64
	run := func(worker int) {
		for {
			lo := int(next.Add(int64(chunk))) - chunk
			if lo >= n {
				return
			}
			body(worker, lo, min(lo+chunk, n))
		}
	}
	if workers <= 1 {
		run(0)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(w)
		}()
	}
	wg.Wait()
}

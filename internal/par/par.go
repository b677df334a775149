// Package par runs loops over index ranges on all cores.
package par

import (
	"runtime"
	"sync"
)

// For splits [0, n) into contiguous chunks, at most one per available core
// (GOMAXPROCS) and none smaller than minChunk, and runs body on each chunk
// concurrently. It returns when every chunk is done.
func For(n, minChunk int, body func(lo, hi int)) {
	ForOn(runtime.GOMAXPROCS(0), n, minChunk, body)
}

// ForOn is For with at most workers chunks.
func ForOn(workers, n, minChunk int, body func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if minChunk < 1 {
		minChunk = 1
	}
	if max := (n + minChunk - 1) / minChunk; workers > max {
		workers = max
	}
	if workers <= 1 {
		body(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(lo, hi)
		}()
	}
	wg.Wait()
}

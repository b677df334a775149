package election

import (
	"io"
	"runtime"
	"sync"
)

// batchLines is how many lines a worker takes at a time: the ballots whose
// proofs ballot.VerifyBallots checks in one multi-scalar multiplication
// (64 ballots take most of the gain of batching), few enough to keep every
// core busy on small records and to bound the memory in flight (a few
// batches per worker, about 1 MiB each for ballots of 15 selections).
const batchLines = 64

// A batch is a run of consecutive lines and, once a worker has processed
// it, their results.
type batch[T any] struct {
	lines []rawLine
	out   []T
	done  chan struct{}
}

// pipeline reads the lines of lr, processes them with work on workers
// goroutines, and passes the results to sink in file order, on the calling
// goroutine. At most a few batches per worker are in flight, so memory does
// not depend on the length of the file. It returns the first I/O error of
// the reader or error of sink; after an error of sink it stops reading.
func pipeline[T any](lr *lineReader, workers int, work func(rawLine) T, sink func(rawLine, T) error) error {
	return pipelineBatch(lr, workers, func(ls []rawLine) []T {
		out := make([]T, len(ls))
		for i, l := range ls {
			out[i] = work(l)
		}
		return out
	}, sink)
}

// pipelineBatch is pipeline with work applied to a whole batch of lines at
// once, so that it can verify the batch's proofs together.
func pipelineBatch[T any](lr *lineReader, workers int, work func([]rawLine) []T, sink func(rawLine, T) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	todo := make(chan *batch[T], workers)
	order := make(chan *batch[T], 4*workers)
	stop := make(chan struct{})
	var readErr error

	go func() { // reader
		defer close(todo)
		defer close(order)
		for {
			b := &batch[T]{done: make(chan struct{})}
			for len(b.lines) < batchLines {
				l, err := lr.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					readErr = err
					break
				}
				b.lines = append(b.lines, l)
			}
			if len(b.lines) == 0 {
				return
			}
			select {
			case order <- b:
			case <-stop:
				return
			}
			todo <- b
			if readErr != nil || len(b.lines) < batchLines {
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range todo {
				b.out = work(b.lines)
				close(b.done)
			}
		}()
	}
	var sinkErr error
	for b := range order {
		<-b.done
		if sinkErr != nil {
			continue
		}
		for i, l := range b.lines {
			if err := sink(l, b.out[i]); err != nil {
				sinkErr = err
				close(stop)
				break
			}
		}
	}
	wg.Wait()
	if sinkErr != nil {
		return sinkErr
	}
	return readErr
}

package mixnet

import (
	"bufio"
	"crypto/ed25519"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
)

var bigStage = flag.Int("bigstage", 0, "run TestBigStage with this many width-1 rows (the issue's case is 1000000)")

// TestBigStage measures one large stage: the time to shuffle, prove and
// sign it, the time to read it back from a file and verify it, and the
// peak memory of each phase. It is skipped unless -bigstage is set:
//
//	go test ./mixnet -run TestBigStage -bigstage 1000000 -timeout 1h -v
func TestBigStage(t *testing.T) {
	n := *bigStage
	if n == 0 {
		t.Skip("set -bigstage N to measure a stage of N rows")
	}
	p, _ := testParams(t)
	in := cheapRows(p.PublicKey, n)
	_, keys := testServers(1)
	servers, _ := testServers(1)
	_ = keys
	runtime.GC()
	debug.FreeOSMemory()
	base := goMemory()

	m := startMemSampler()
	start, cpu0 := time.Now(), cpuTime()
	st, err := Mix(p, 0, servers[0].key, in, testNonces(t, "big"))
	if err != nil {
		t.Fatal(err)
	}
	proveWall, proveCPU := time.Since(start), cpuTime()-cpu0
	provePeak := m.stop()

	path := filepath.Join(t.TempDir(), "stage.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if _, err := st.WriteTo(bw); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	info, _ := os.Stat(path)
	st = nil
	runtime.GC()
	debug.FreeOSMemory()

	m = startMemSampler()
	start, cpu0 = time.Now(), cpuTime()
	f, err = os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	read, err := ReadStage(bufio.NewReaderSize(f, 1<<20))
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCascade(p, []ed25519.PublicKey{servers[0].pub}, 1, in)
	if err != nil {
		t.Fatal(err)
	}
	if v := c.Add(read); !v.Accepted {
		t.Fatal(v)
	}
	verifyWall, verifyCPU := time.Since(start), cpuTime()-cpu0
	verifyPeak := m.stop()

	mib := func(b uint64) float64 { return float64(b) / (1 << 20) }
	t.Logf("%d rows of width 1 on %d cores; input list held throughout: %.0f MiB", n, runtime.GOMAXPROCS(0), mib(base))
	t.Logf("shuffle+prove+sign: %.1f s wall, %.1f s CPU, peak Go memory %.0f MiB (%.0f bytes per ciphertext)",
		proveWall.Seconds(), proveCPU.Seconds(), mib(provePeak), float64(provePeak)/float64(n))
	t.Logf("stage file: %.0f MiB", mib(uint64(info.Size())))
	t.Logf("read+verify: %.1f s wall, %.1f s CPU, peak Go memory %.0f MiB (%.0f bytes per ciphertext)",
		verifyWall.Seconds(), verifyCPU.Seconds(), mib(verifyPeak), float64(verifyPeak)/float64(n))
	t.Logf("process peak RSS: %.0f MiB", mib(peakRSS()))
}

// cheapRows returns n width-1 rows (A_i, B_i) = (A_0 + i·P, B_0 + i·Q): valid
// ciphertexts made with additions only, so that the measurement is not
// dominated by building its input.
func cheapRows(pk *elgamal.PublicKey, n int) *Rows {
	cts := make([]elgamal.Ciphertext, n)
	P := group.NewElement().ScalarBaseMult(testScalar("cheap P", 0))
	Q := group.NewElement().ScalarBaseMult(testScalar("cheap Q", 0))
	par.For(n, 4096, func(lo, hi int) {
		var A, B group.Element
		A.ScalarMult(group.NewScalar().SetUint64(uint64(lo)), P)
		B.ScalarMult(group.NewScalar().SetUint64(uint64(lo)), Q)
		pk.ScalarMult(&B, group.NewScalar().SetUint64(uint64(lo+1)))
		for i := lo; i < hi; i++ {
			A.Add(&A, P)
			B.Add(&B, Q)
			cts[i].A.Set(&A)
			cts[i].B.Set(&B)
		}
	})
	r := &Rows{width: 1, cts: cts}
	r.encodeAll()
	return r
}

// goMemory returns the memory the Go runtime holds from the OS and has not
// released: an approximation of its share of the resident set.
func goMemory() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}

type memSampler struct {
	stopc chan struct{}
	wg    sync.WaitGroup
	peak  uint64
}

func startMemSampler() *memSampler {
	m := &memSampler{stopc: make(chan struct{}), peak: goMemory()}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-m.stopc:
				return
			case <-tick.C:
				m.peak = max(m.peak, goMemory())
			}
		}
	}()
	return m
}

func (m *memSampler) stop() uint64 {
	close(m.stopc)
	m.wg.Wait()
	return max(m.peak, goMemory())
}

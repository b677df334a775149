package ballot

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
)

// boxBenchVoters is the number of credentials of the box benchmarks'
// election: each submission is one credential's board ballot, so that
// every one is accepted under OneBallotPerCredential.
const boxBenchVoters = 1 << 15

// boxBench is the box benchmarks' election and its ballots (canonical
// encodings), encrypted once, outside the timers, and shared by every run.
var boxBench struct {
	sync.Mutex
	e       *Election
	keys    []ed25519.PrivateKey
	ballots [][]byte
}

// boxBenchBallots returns n board ballots (15 candidates, up to 7
// marked), each of another credential, and their election.
func boxBenchBallots(b *testing.B, n int) (*Election, [][]byte) {
	b.Helper()
	if n > boxBenchVoters {
		b.Fatalf("%d ballots: the benchmark election has %d voters (run with -benchtime=Nx, N ≤ %d)", n, boxBenchVoters, boxBenchVoters)
	}
	boxBench.Lock()
	defer boxBench.Unlock()
	if boxBench.e == nil {
		x, _ := new(group.Scalar).SetUniformBytes(append(seedOf("election key"), seedOf("election key 2")...))
		pk, err := elgamal.NewPublicKey(group.NewElement().ScalarBaseMult(x))
		if err != nil {
			b.Fatal(err)
		}
		var pubs []ed25519.PublicKey
		for i := range boxBenchVoters {
			k := ed25519.NewKeyFromSeed(seedOf(fmt.Sprint("box bench voter ", i)))
			boxBench.keys = append(boxBench.keys, k)
			pubs = append(pubs, k.Public().(ed25519.PublicKey))
		}
		list, err := NewCredentialList(pubs)
		if err != nil {
			b.Fatal(err)
		}
		var trustees []*group.Element
		for i := range 3 {
			s := group.HashToScalar([]byte(fmt.Sprintf("trustee %d", i)), []byte("sandogh-v1 ballot test"))
			trustees = append(trustees, group.NewElement().ScalarBaseMult(s))
		}
		e, err := NewElection(Parameters{Manifest: boardManifest(), PublicKey: pk, VerificationKeys: trustees, Threshold: 2, Credentials: list})
		if err != nil {
			b.Fatal(err)
		}
		boxBench.e = e
	}
	if have := len(boxBench.ballots); have < n {
		more := make([][]byte, n-have)
		var failed atomic.Value
		par.For(len(more), 16, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				k := boxBench.keys[have+i]
				h := Header{BallotID: fmt.Sprint("bench-", have+i), Credential: k.Public().(ed25519.PublicKey)}
				p, err := EncryptBallot(boxBench.e, h, boardVote(), seedOf(fmt.Sprint("box bench nonce ", have+i)))
				if err != nil {
					failed.Store(err)
					return
				}
				bl, err := p.Cast(k)
				if err != nil {
					failed.Store(err)
					return
				}
				more[i] = bl.Bytes()
			}
		})
		if err := failed.Load(); err != nil {
			b.Fatal(err)
		}
		boxBench.ballots = append(boxBench.ballots, more...)
	}
	return boxBench.e, boxBench.ballots[:n]
}

// BenchmarkBoxAccept submits board ballots to a box, each once, from one
// submitter and from many at once (b.RunParallel), and reports the
// ballots accepted per second: each is decoded, its signature and proofs
// verified, decided by the rule and written durably before Accept
// returns; and the fsyncs per ballot (group commit shares one among the
// ballots that wait together). The ballots are encrypted before the timer starts (run with
// -benchtime=Nx, N ≤ 32768; the first run of a size encrypts its ballots).
//
// The runs "slow-disk" add 5 ms to each fsync, as a disk slower than this
// machine's would take, to show what group commit saves where fsync, not
// the proofs, is the bottleneck.
func BenchmarkBoxAccept(b *testing.B) {
	for _, c := range []struct {
		submitters int
		delay      time.Duration
	}{{1, 0}, {64, 0}, {1, 5 * time.Millisecond}, {64, 5 * time.Millisecond}} {
		name := fmt.Sprintf("submitters=%d", c.submitters)
		if c.delay != 0 {
			name += "/slow-disk"
		}
		submitters := c.submitters
		b.Run(name, func(b *testing.B) {
			e, ballots := boxBenchBallots(b, b.N)
			x, err := OpenBox(filepath.Join(b.TempDir(), "box.jsonl"), e)
			if err != nil {
				b.Fatal(err)
			}
			defer x.Close()
			if c.delay != 0 {
				x.mu.Lock()
				x.w = slowSync{x.f, c.delay}
				x.mu.Unlock()
			}
			syncs := x.syncs
			var next atomic.Int64
			b.SetParallelism((submitters + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			if submitters == 1 {
				for i := range b.N {
					if _, err := x.Accept(ballots[i]); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := x.Accept(ballots[next.Add(1)-1]); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
			b.ReportMetric(float64(x.syncs-syncs)/float64(b.N), "fsyncs/ballot")
			if n := len(x.Counted()); n != b.N {
				b.Fatalf("%d counted, want %d", n, b.N)
			}
		})
	}
}

// slowSync is a file whose Sync takes delay longer.
type slowSync struct {
	*os.File
	delay time.Duration
}

func (s slowSync) Sync() error {
	time.Sleep(s.delay)
	return s.File.Sync()
}

// BenchmarkBoxReload reopens a box of 10,000 accepted board ballots (the
// file written line by line as the box writes it) and reports the lines
// read back per second.
func BenchmarkBoxReload(b *testing.B) {
	const n = 10000
	e, ballots := boxBenchBallots(b, n)
	path := filepath.Join(b.TempDir(), "box.jsonl")
	var data []byte
	h := boxHeaderJSON{Version: boxVersion, ElectionID: e.manifest.ElectionID, BaseHash: e.baseHash}
	for i := -1; i < n; i++ {
		l := boxLineJSON{Box: &h}
		if i >= 0 {
			bl, err := ParseBallot(ballots[i])
			if err != nil {
				b.Fatal(err)
			}
			if l.Ballot, err = bl.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
			l.Box = nil
		}
		j, err := json.Marshal(l)
		if err != nil {
			b.Fatal(err)
		}
		data = append(append(data, j...), '\n')
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("ballots=%d", n), func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			x, err := OpenBox(path, e)
			if err != nil {
				b.Fatal(err)
			}
			if got := len(x.Counted()); got != n {
				b.Fatalf("%d counted, want %d", got, n)
			}
			x.Close()
		}
		b.ReportMetric(float64(b.N*(n+1))/b.Elapsed().Seconds(), "lines/s")
	})
}

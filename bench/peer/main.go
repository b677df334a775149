// Command peer compares sandogh's Terelius–Wikström shuffle with the Neff
// shuffle of go.dedis.ch/kyber/v3 v3.1.0, both shuffling n ElGamal
// ciphertexts (rows of width 1) and proving it, then verifying the proof.
//
//	cd bench/peer && go run . -n 10000
//
// It prints one line per system with the prove and verify times in seconds
// and sandogh's speed-up over kyber, first with both limited to one core
// (GOMAXPROCS=1), then with sandogh on all cores (kyber's shuffle uses one
// core either way). Each time is given twice: wall-clock, and the CPU time
// of the process (user + system, from getrusage), which other jobs on a
// shared machine inflate much less; the speed-ups are computed from each.
// With -runs r, every measurement is repeated r times and the fastest run
// is kept. It lives in its own module so that the library never depends on
// kyber.
//
// What is timed, for both: prove = shuffling, re-encrypting and producing
// the non-interactive proof (kyber: shuffle.Shuffle then proof.HashProve;
// sandogh: mixnet.Shuffle, which also encodes the output and the proof);
// verify = checking the proof bytes against the input and output lists held
// in memory (kyber: proof.HashVerify; sandogh: mixnet.ParseProof then
// mixnet.VerifyShuffle). Building the input lists is not timed.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"time"

	"go.dedis.ch/kyber/v3"
	"go.dedis.ch/kyber/v3/group/edwards25519"
	kproof "go.dedis.ch/kyber/v3/proof"
	"go.dedis.ch/kyber/v3/shuffle"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/proof"
)

func main() {
	n := flag.Int("n", 10000, "number of ciphertexts to shuffle")
	runs := flag.Int("runs", 1, "repeat every measurement this many times and keep the fastest")
	flag.Parse()
	if *n < 2 {
		log.Fatal("peer: -n must be at least 2")
	}
	if *runs < 1 {
		log.Fatal("peer: -runs must be at least 1")
	}
	cores := runtime.NumCPU()

	fmt.Printf("shuffle of %d ElGamal ciphertexts (rows of width 1); times in seconds, wall / CPU\n", *n)
	runtime.GOMAXPROCS(1)
	k := best(*runs, func() timing { return runKyber(*n) })
	s1 := best(*runs, func() timing { return runSandogh(*n) })
	printLine("kyber/v3 Neff", 1, k, k)
	printLine("sandogh TW", 1, s1, k)
	runtime.GOMAXPROCS(cores)
	sAll := best(*runs, func() timing { return runSandogh(*n) })
	printLine("sandogh TW", cores, sAll, k)
}

// A timing holds the wall-clock and CPU times of proving and verifying.
type timing struct{ prove, verify, proveCPU, verifyCPU time.Duration }

// best runs f r times and keeps, for each of the four times, the smallest.
func best(r int, f func() timing) timing {
	t := f()
	for i := 1; i < r; i++ {
		u := f()
		t.prove, t.verify = min(t.prove, u.prove), min(t.verify, u.verify)
		t.proveCPU, t.verifyCPU = min(t.proveCPU, u.proveCPU), min(t.verifyCPU, u.verifyCPU)
	}
	return t
}

func printLine(system string, cores int, t, kyber timing) {
	ratio := func(a, b time.Duration) float64 { return a.Seconds() / b.Seconds() }
	coreText := "1 core"
	if cores != 1 {
		coreText = fmt.Sprintf("%d cores", cores)
	}
	fmt.Printf("%-14s %-8s  prove %7.3f / %7.3f  verify %7.3f / %7.3f  speed-up over kyber: prove %5.1f× / %5.1f×  verify %5.1f× / %5.1f×\n",
		system, coreText, t.prove.Seconds(), t.proveCPU.Seconds(), t.verify.Seconds(), t.verifyCPU.Seconds(),
		ratio(kyber.prove, t.prove), ratio(kyber.proveCPU, t.proveCPU),
		ratio(kyber.verify, t.verify), ratio(kyber.verifyCPU, t.verifyCPU))
}

// stopwatch measures wall-clock and process CPU time from its start.
type stopwatch struct {
	wall time.Time
	cpu  time.Duration
}

func startStopwatch() stopwatch { return stopwatch{time.Now(), cpuTime()} }

func (s stopwatch) elapsed() (wall, cpu time.Duration) {
	return time.Since(s.wall), cpuTime() - s.cpu
}

// runKyber shuffles n ElGamal pairs under a random key with kyber's Neff
// shuffle, as its own tests do, and verifies the proof.
func runKyber(n int) timing {
	suite := edwards25519.NewBlakeSHA256Ed25519()
	rand := suite.RandomStream()
	H := suite.Point().Mul(suite.Scalar().Pick(rand), nil)
	X := make([]kyber.Point, n)
	Y := make([]kyber.Point, n)
	for i := range X {
		r := suite.Scalar().Pick(rand)
		M := suite.Point().Pick(rand)
		X[i] = suite.Point().Mul(r, nil)
		Y[i] = suite.Point().Add(suite.Point().Mul(r, H), M)
	}

	var t timing
	sw := startStopwatch()
	Xbar, Ybar, prover := shuffle.Shuffle(suite, nil, H, X, Y, rand)
	prf, err := kproof.HashProve(suite, "PairShuffle", prover)
	if err != nil {
		log.Fatalf("peer: kyber prove: %v", err)
	}
	t.prove, t.proveCPU = sw.elapsed()

	sw = startStopwatch()
	verifier := shuffle.Verifier(suite, nil, H, X, Y, Xbar, Ybar)
	if err := kproof.HashVerify(suite, "PairShuffle", verifier, prf); err != nil {
		log.Fatalf("peer: kyber verify: %v", err)
	}
	t.verify, t.verifyCPU = sw.elapsed()
	return t
}

// runSandogh shuffles n ciphertexts with sandogh's mixnet and verifies the
// proof from its bytes.
func runSandogh(n int) timing {
	_, pk := elgamal.GenerateKey()
	baseHash := sha256.Sum256([]byte("bench/peer"))
	p := &mixnet.Params{BaseHash: baseHash[:], Cascade: mixnet.CascadeID(0, "bench"), PublicKey: pk}
	rows := make([][]*elgamal.Ciphertext, n)
	for i := range rows {
		M := group.NewElement().ScalarBaseMult(group.RandomScalar())
		rows[i] = []*elgamal.Ciphertext{pk.EncryptElement(M, group.RandomScalar())}
	}
	in, err := mixnet.NewRows(rows)
	if err != nil {
		log.Fatal(err)
	}

	var t timing
	sw := startStopwatch()
	out, pr, err := mixnet.Shuffle(p, 0, in, proof.RandomNonces())
	if err != nil {
		log.Fatalf("peer: sandogh prove: %v", err)
	}
	t.prove, t.proveCPU = sw.elapsed()
	prf := pr.Bytes()

	sw = startStopwatch()
	parsed, err := mixnet.ParseProof(prf)
	if err == nil {
		err = mixnet.VerifyShuffle(p, 0, in, out, parsed)
	}
	if err != nil {
		log.Fatalf("peer: sandogh verify: %v", err)
	}
	t.verify, t.verifyCPU = sw.elapsed()
	return t
}

func init() {
	log.SetFlags(0)
	log.SetOutput(os.Stderr)
}

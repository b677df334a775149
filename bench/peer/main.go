// Command peer compares sandogh's Terelius–Wikström shuffle with the Neff
// shuffle of go.dedis.ch/kyber/v3 v3.1.0, both shuffling n ElGamal
// ciphertexts (rows of width 1) and proving it, then verifying the proof.
//
//	cd bench/peer && go run . -n 10000
//
// It prints one line per system with the prove and verify times in seconds
// and sandogh's speed-up over kyber, first with both limited to one core
// (GOMAXPROCS=1), then with sandogh on all cores (kyber's shuffle uses one
// core either way). It lives in its own module so that the library never
// depends on kyber.
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
	flag.Parse()
	if *n < 2 {
		log.Fatal("peer: -n must be at least 2")
	}
	cores := runtime.NumCPU()

	fmt.Printf("shuffle of %d ElGamal ciphertexts (rows of width 1); times in seconds\n", *n)
	runtime.GOMAXPROCS(1)
	k := runKyber(*n)
	s1 := runSandogh(*n)
	printLine("kyber/v3 Neff", 1, k, k)
	printLine("sandogh TW", 1, s1, k)
	runtime.GOMAXPROCS(cores)
	sAll := runSandogh(*n)
	printLine("sandogh TW", cores, sAll, k)
}

type timing struct{ prove, verify time.Duration }

func printLine(system string, cores int, t, kyber timing) {
	fmt.Printf("%-14s %2d core(s)  prove %8.3f  verify %8.3f  speed-up over kyber: prove %5.1f×  verify %5.1f×\n",
		system, cores, t.prove.Seconds(), t.verify.Seconds(),
		kyber.prove.Seconds()/t.prove.Seconds(), kyber.verify.Seconds()/t.verify.Seconds())
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

	start := time.Now()
	Xbar, Ybar, prover := shuffle.Shuffle(suite, nil, H, X, Y, rand)
	prf, err := kproof.HashProve(suite, "PairShuffle", prover)
	if err != nil {
		log.Fatalf("peer: kyber prove: %v", err)
	}
	prove := time.Since(start)

	start = time.Now()
	verifier := shuffle.Verifier(suite, nil, H, X, Y, Xbar, Ybar)
	if err := kproof.HashVerify(suite, "PairShuffle", verifier, prf); err != nil {
		log.Fatalf("peer: kyber verify: %v", err)
	}
	return timing{prove, time.Since(start)}
}

// runSandogh shuffles n ciphertexts with sandogh's mixnet and verifies the
// proof from its bytes.
func runSandogh(n int) timing {
	_, pk := elgamal.GenerateKey()
	baseHash := sha256.Sum256([]byte("bench/peer"))
	p := &mixnet.Params{BaseHash: baseHash[:], PublicKey: pk}
	rows := make([][]*elgamal.Ciphertext, n)
	for i := range rows {
		M := group.NewElement().ScalarBaseMult(group.RandomScalar())
		rows[i] = []*elgamal.Ciphertext{pk.EncryptElement(M, group.RandomScalar())}
	}
	in, err := mixnet.NewRows(rows)
	if err != nil {
		log.Fatal(err)
	}

	start := time.Now()
	out, pr, err := mixnet.Shuffle(p, 0, in, proof.RandomNonces())
	if err != nil {
		log.Fatalf("peer: sandogh prove: %v", err)
	}
	prove := time.Since(start)
	prf := pr.Bytes()

	start = time.Now()
	parsed, err := mixnet.ParseProof(prf)
	if err == nil {
		err = mixnet.VerifyShuffle(p, 0, in, out, parsed)
	}
	if err != nil {
		log.Fatalf("peer: sandogh verify: %v", err)
	}
	return timing{prove, time.Since(start)}
}

func init() {
	log.SetFlags(0)
	log.SetOutput(os.Stderr)
}

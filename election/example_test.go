package election_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/sandogh/sandogh/election"
)

// Verify a record and print the verdict of every check. The sample record
// in testdata/sample is a small guild election: 10 voters at two stations
// (one challenged ballot), two remote voters of whom one voted again, and
// three trustees with threshold 2, one absent at decryption.
func ExampleVerify() {
	rep, err := election.Verify("testdata/sample", nil)
	if err != nil {
		log.Fatal(err) // the record cannot be read
	}
	for _, c := range rep.Checks {
		verdict := "ok"
		if !c.Passed() {
			verdict = "FAILED"
		}
		fmt.Printf("%2d %-34s %s\n", c.Check, c.Check, verdict)
	}
	for _, f := range rep.Findings {
		fmt.Println(f)
	}
	fmt.Println("valid:", rep.Valid())
	fmt.Printf("%d cast, %d challenged, %d counted\n", rep.Ballots.Cast, rep.Ballots.Challenged, rep.Ballots.Counted)
	// Output:
	//  1 parameters and base hash           ok
	//  2 trustee key ceremony               ok
	//  3 joint key and verification keys    ok
	//  4 device registrations and openings  ok
	//  5 credential list                    ok
	//  6 ballot decoding, shape and proofs  ok
	//  7 ballot signatures                  ok
	//  8 eligibility and uniqueness         ok
	//  9 device chains                      ok
	// 10 challenged ballots                 ok
	// 11 aggregation                        ok
	// 12 decryption shares                  ok
	// 13 combination of shares              ok
	// 14 results                            ok
	// 15 record index                       ok
	// 16 mixnet input                       ok
	// 17 mixnet stages                      ok
	// 18 decryption of mixed rows           ok
	// 19 decoding of mixed rows             ok
	// 20 results of codes contests          ok
	// valid: true
	// 13 cast, 1 challenged, 12 counted
}

// Stream the ballots of a record without holding them in memory.
func ExampleReader_Ballots() {
	r, err := election.Open("testdata/sample")
	if err != nil {
		log.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		log.Fatal(err)
	}
	openings, ballots := 0, 0
	for ent, err := range r.Ballots(e) {
		if err != nil {
			log.Fatal(err) // a line that does not decode
		}
		if ent.Opening != nil {
			openings++
		} else {
			ballots++
		}
	}
	fmt.Println(openings, "device openings,", ballots, "ballots")
	// Output: 2 device openings, 14 ballots
}

// A trustee verifies the record before it decrypts anything: the partial
// verification recomputes the encrypted tally from the ballots of the
// closed box, whose SHA-256 the election authority published when the box
// closed. The trustee then makes its shares of that tally with its key
// share (VerifiedRecord.TallyShares), and of nothing else.
func ExampleVerifyForDecryption() {
	// The digest published at closing; here the sample record's index
	// stands in for that publication.
	sums, err := os.ReadFile("testdata/sample/SHA256SUMS")
	if err != nil {
		log.Fatal(err)
	}
	var published [sha256.Size]byte
	for _, line := range strings.Split(string(sums), "\n") {
		if h, ok := strings.CutSuffix(line, "  ballots.jsonl"); ok {
			hex.Decode(published[:], []byte(h))
		}
	}
	rec, err := election.VerifyForDecryption("testdata/sample", published, nil)
	if err != nil {
		log.Fatal(err) // a *RefusalError names the failed checks
	}
	rep := rec.Report()
	passed := 0
	for _, c := range rep.Checks {
		if c.Passed() {
			passed++
		}
	}
	t := rec.Tally()
	fmt.Printf("partial verification: %d of %d checks passed\n", passed, len(rep.Checks))
	fmt.Printf("the tally to decrypt: %d ballots, %d ciphertexts\n", t.Ballots, len(t.Ciphertexts()))

	// A record whose box file is not the published one is refused.
	published[0] ^= 1
	_, err = election.VerifyForDecryption("testdata/sample", published, nil)
	fmt.Println("another box file refused:", err != nil)
	// Output:
	// partial verification: 13 of 13 checks passed
	// the tally to decrypt: 12 ballots, 15 ciphertexts
	// another box file refused: true
}

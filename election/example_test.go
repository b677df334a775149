package election_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
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
		fmt.Printf("%2d %-34s %s\n", c.Check, c.Check, c.Verdict)
	}
	for _, f := range rep.Findings {
		fmt.Println(f)
	}
	fmt.Println("valid:", rep.Valid())
	fmt.Printf("%d cast, %d challenged, %d counted\n", rep.Ballots.Cast, rep.Ballots.Challenged, rep.Ballots.Counted)
	// Output:
	//  1 parameters and base hash           passed
	//  2 trustee key ceremony               passed
	//  3 joint key and verification keys    passed
	//  4 device registrations and openings  passed
	//  5 credential list                    passed
	//  6 ballot decoding, shape and proofs  passed
	//  7 ballot signatures                  passed
	//  8 eligibility and uniqueness         passed
	//  9 device chains                      passed
	// 10 challenged ballots                 passed
	// 11 aggregation                        passed
	// 12 decryption shares                  passed
	// 13 combination of shares              passed
	// 14 results                            passed
	// 15 record index                       passed
	// 16 mixnet input                       not applicable
	// 17 mixnet stages                      not applicable
	// 18 decryption of mixed rows           not applicable
	// 19 decoding of mixed rows             not applicable
	// 20 results of codes contests          not applicable
	// 21 device closings                    passed
	// 22 incident logs                      passed
	// 23 poll book summary                  not applicable
	// 24 ranked counts                      not applicable
	// 25 list allocation                    not applicable
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
	openings, closings, incidents, ballots := 0, 0, 0, 0
	for ent, err := range r.Ballots(e) {
		if err != nil {
			log.Fatal(err) // a line that does not decode
		}
		switch {
		case ent.Opening != nil:
			openings++
		case ent.Closing != nil:
			closings++
		case ent.Incident != nil:
			incidents++
		default:
			ballots++
		}
	}
	fmt.Println(openings, "device openings,", closings, "closings,", incidents, "incident,", ballots, "ballots")
	// Output: 2 device openings, 2 closings, 1 incident, 14 ballots
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
	verdicts := map[election.Verdict]int{}
	for _, c := range rep.Checks {
		verdicts[c.Verdict]++
	}
	t := rec.Tally()
	fmt.Printf("partial verification: %d checks passed, %d not applicable, %d not checked\n", verdicts[election.Passed], verdicts[election.NotApplicable], verdicts[election.NotChecked])
	fmt.Printf("the tally to decrypt: %d ballots, %d ciphertexts\n", t.Ballots, len(t.Ciphertexts()))

	// A record whose box file is not the published one is refused.
	published[0] ^= 1
	_, err = election.VerifyForDecryption("testdata/sample", published, nil)
	fmt.Println("another box file refused:", err != nil)
	// Output:
	// partial verification: 13 checks passed, 7 not applicable, 5 not checked
	// the tally to decrypt: 12 ballots, 15 ciphertexts
	// another box file refused: true
}

// The whole election through a Writer, in the order of its steps: the
// trustees' key ceremony, the election's parameters, the ballot box and a
// polling station, the end of voting, the trustees' decryption shares of
// the tally they verified, the results, and the verification of the
// finished record. Each step refuses to run before the ones it needs.
// Everyone here lives in one process; in an election each trustee, the
// station and the box run on their own machines.
func ExampleWriter() {
	check := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	// Demonstration secrets, reproducible; real ones come from crypto/rand
	// (trustee.NewIdentity, trustee.NewTrustee, ed25519.GenerateKey).
	secret := func(what string, k int) []byte {
		h := sha256.Sum256(fmt.Appendf(nil, "example %s %d", what, k))
		return h[:]
	}
	tmp, err := os.MkdirTemp("", "sandogh-example")
	check(err)
	defer os.RemoveAll(tmp)
	w, err := election.Create(filepath.Join(tmp, "record"))
	check(err)

	// 1. The key ceremony: three trustees, any two of whom can decrypt.
	var members []trustee.Member
	var ids []*trustee.Identity
	for k := 1; k <= 3; k++ {
		id, err := trustee.NewIdentityFromSeed(fmt.Sprint("Trustee ", k), secret("identity", k))
		check(err)
		ids, members = append(ids, id), append(members, id.Member(k))
	}
	roster, err := trustee.NewRoster("coop-2025", 2, members)
	check(err)
	c := &trustee.Ceremony{Roster: roster}
	var ts []*trustee.Trustee
	for k, id := range ids {
		tr, err := trustee.NewTrusteeFromSeed(roster, id, secret("ceremony", k+1))
		check(err)
		m, err := tr.Round1()
		check(err)
		ts, c.Commitments = append(ts, tr), append(c.Commitments, m)
	}
	for _, tr := range ts {
		sh, err := tr.Round2()
		check(err)
		c.Shares = append(c.Shares, sh...)
	}
	for _, tr := range ts {
		cs, err := tr.ReceiveShares(c.Commitments, c.Shares)
		check(err)
		c.Complaints = append(c.Complaints, cs...)
	}
	for _, tr := range ts {
		rs, err := tr.Respond(c.Complaints)
		check(err)
		c.Responses = append(c.Responses, rs...)
	}
	var keyShares []*trustee.KeyShare
	for _, tr := range ts {
		_, ks, err := tr.Finish(c) // each trustee's own judgment and key share
		check(err)
		keyShares = append(keyShares, ks)
	}
	keys, err := w.WriteCeremony(c) // the coordinator records the ceremony
	check(err)

	// 2. The election, for the ceremony's election identifier and keys.
	manifest := &ballot.Manifest{ElectionID: "coop-2025", Title: "Cooperative board", Policy: ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{{ID: "board", Kind: ballot.UpTo, Limit: 2, Seats: 2, Alternates: 1, Candidates: []ballot.Candidate{
			{Code: 11, Name: "Azadeh"}, {Code: 12, Name: "Bijan"}, {Code: 13, Name: "Cyrus"}, {Code: 14, Name: "Darya"},
		}}}}
	stationKey := ed25519.NewKeyFromSeed(secret("station", 1))
	pk, err := keys.ElectionKey()
	check(err)
	e, err := ballot.NewElection(ballot.Parameters{Manifest: manifest, PublicKey: pk, VerificationKeys: keys.VerificationKeys, Threshold: keys.Threshold,
		Devices: []ballot.RegisteredDevice{{ID: "station-1", PublicKey: stationKey.Public().(ed25519.PublicKey)}}})
	check(err)
	check(w.WriteElection(e, keys))

	// 3. Voting: the ballot box keeps its file in the record; the station
	// encrypts, the voters cast.
	box, err := w.OpenBox(e)
	check(err)
	station, opening, err := ballot.OpenDevice(e, "station-1", stationKey, time.Date(2025, 6, 12, 8, 0, 0, 0, time.UTC))
	check(err)
	check(box.AcceptOpening(opening))
	for _, marks := range []map[uint32]uint64{{11: 1, 12: 1}, {12: 1}, {12: 1, 13: 1}, {11: 1, 14: 1}, {12: 1, 13: 1}, {11: 1}} {
		pending, err := station.EncryptBallot(ballot.Vote{"board": marks})
		check(err)
		b, err := station.Cast(pending)
		check(err)
		check(box.AcceptBallot(b))
	}
	check(box.Close())

	// 4. Voting ends: the authority publishes the SHA-256 of the box's
	// file, and the Writer records the box (for good) and its tally.
	data, err := os.ReadFile(w.BallotsPath())
	check(err)
	closed := sha256.Sum256(data)
	_, err = w.FinishBallots(e)
	check(err)
	_, err = ballot.OpenBox(w.BallotsPath(), e)
	fmt.Println("the finished box reopens:", err == nil)

	// 5. Trustees 1 and 2 each verify the record up to its tally and
	// decrypt that tally; trustee 3 is absent.
	rec, err := election.VerifyForDecryption(w.Dir(), closed, nil)
	check(err)
	var lists []*trustee.ShareList
	for _, ks := range keyShares[:2] {
		l, err := rec.TallyShares(ks)
		check(err)
		check(w.WriteShareList(l))
		lists = append(lists, l)
	}

	// 6. The results, from the share lists the record holds.
	totals, _, err := tally.Decrypt(rec.Election(), rec.Keys(), rec.Tally(), lists)
	check(err)
	res, err := tally.NewResults(manifest, totals)
	check(err)
	check(w.WriteResults(res))
	check(res.WriteText(os.Stdout))

	// 7. Anyone verifies the record.
	rep, err := election.Verify(w.Dir(), nil)
	check(err)
	fmt.Println("valid:", rep.Valid())
	// Output:
	// the finished box reopens: false
	// Results of coop-2025: 6 ballots counted
	//
	// Contest "board": 2 seats, 1 alternate
	//   Main members
	//     1.  4 votes  12  Bijan
	//     2.  3 votes  11  Azadeh
	//   Alternates
	//     3.  2 votes  13  Cyrus
	//   Not elected
	//     4.  1 vote   14  Darya
	// valid: true
}

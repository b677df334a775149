package tally_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// keyCeremony runs the key ceremony of n trustees with threshold t in one
// process, through the rounds of the trustee package's Example: in an
// election each trustee runs on its own machine. The seeded constructors
// make the example's keys the same on every run; real trustees use
// trustee.NewIdentity and trustee.NewTrustee.
func keyCeremony(n, t int) (*trustee.Result, []*trustee.KeyShare) {
	var ids []*trustee.Identity
	var members []trustee.Member
	for j := 1; j <= n; j++ {
		id, err := trustee.NewIdentityFromSeed(fmt.Sprint("Trustee ", j), exampleSeed("identity", j))
		if err != nil {
			log.Fatal(err)
		}
		ids, members = append(ids, id), append(members, id.Member(j))
	}
	roster, err := trustee.NewRoster("coop-2025", t, members)
	if err != nil {
		log.Fatal(err)
	}
	c := &trustee.Ceremony{Roster: roster}
	var ts []*trustee.Trustee
	for k, id := range ids {
		tr, err := trustee.NewTrusteeFromSeed(roster, id, exampleSeed("ceremony", k+1))
		if err != nil {
			log.Fatal(err)
		}
		m, err := tr.Round1()
		if err != nil {
			log.Fatal(err)
		}
		ts, c.Commitments = append(ts, tr), append(c.Commitments, m)
	}
	for _, tr := range ts {
		ms, err := tr.Round2()
		if err != nil {
			log.Fatal(err)
		}
		c.Shares = append(c.Shares, ms...)
	}
	for _, tr := range ts {
		cs, err := tr.ReceiveShares(c.Commitments, c.Shares)
		if err != nil {
			log.Fatal(err)
		}
		c.Complaints = append(c.Complaints, cs...)
	}
	for _, tr := range ts {
		rs, err := tr.Respond(c.Complaints)
		if err != nil {
			log.Fatal(err)
		}
		c.Responses = append(c.Responses, rs...)
	}
	// Each trustee keeps its key share; the coordinator, who holds none,
	// judges the published ceremony.
	var shares []*trustee.KeyShare
	for _, tr := range ts {
		_, ks, err := tr.Finish(c)
		if err != nil {
			log.Fatal(err)
		}
		shares = append(shares, ks)
	}
	result, err := trustee.VerifyCeremony(c)
	if err != nil {
		log.Fatal(err)
	}
	return result, shares
}

// exampleSeed returns a 32-byte seed for the trustees' deterministic
// constructors in the examples.
func exampleSeed(what string, k int) []byte {
	s := sha256.Sum256(fmt.Appendf(nil, "tally example: %s %d", what, k))
	return s[:]
}

// Example counts a small cooperative election: ballots are aggregated
// as they are streamed, three of five trustees decrypt the totals, and the
// results, printed with Results.WriteText, name the main members and
// alternates.
func Example() {
	keys, shares := keyCeremony(5, 3)
	pk, _ := keys.ElectionKey()
	m := &ballot.Manifest{
		ElectionID: "coop-2025",
		Policy:     ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{{
			ID: "board", Kind: ballot.UpTo, Limit: 2, Seats: 2, Alternates: 1,
			Candidates: []ballot.Candidate{{Code: 1, Name: "Ana"}, {Code: 2, Name: "Babak"}, {Code: 3, Name: "Chen"}, {Code: 4, Name: "Dara"}},
		}},
	}
	deviceKey := ed25519.NewKeyFromSeed(make([]byte, 32))
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: keys.VerificationKeys, Threshold: keys.Threshold,
		Devices: []ballot.RegisteredDevice{{ID: "station-1", PublicKey: deviceKey.Public().(ed25519.PublicKey)}}})
	if err != nil {
		log.Fatal(err)
	}
	device, _, err := ballot.OpenDevice(e, "station-1", deviceKey, time.Now())
	if err != nil {
		log.Fatal(err)
	}

	// Polling day: every cast ballot is added; nothing is kept.
	agg := tally.NewAggregator(e)
	for _, marks := range [][]uint32{{1, 2}, {1, 3}, {2}, {1, 4}, {3, 2}, {1}} {
		v := ballot.Vote{"board": {}}
		for _, code := range marks {
			v["board"][code] = 1
		}
		pending, _ := device.EncryptBallot(v)
		b, _ := device.Cast(pending)
		if err := agg.Add(b); err != nil {
			log.Fatal(err)
		}
	}
	encrypted := agg.Tally()

	// Trustees 1, 3 and 4 decrypt; trustees 2 and 5 are absent. (This
	// example has no record: a trustee tool decrypts with package
	// election's VerifyForDecryption and VerifiedRecord.TallyShares, which
	// recompute the tally from the record's ballots first, so that a
	// coordinator cannot have it decrypt anything else.)
	bh := e.BaseHash()
	var lists []*trustee.ShareList
	for _, j := range []int{1, 3, 4} {
		l, err := shares[j-1].DecryptSharesUnchecked(bh[:], encrypted.Ciphertexts())
		if err != nil {
			log.Fatal(err)
		}
		lists = append(lists, l)
	}
	totals, dec, err := tally.Decrypt(e, keys, encrypted, lists)
	if err != nil {
		log.Fatal(err)
	}
	results, err := tally.NewResults(m, totals)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("decrypted by trustees", dec.Trustees)
	if err := results.WriteText(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// decrypted by trustees [1 3 4]
	// Results of coop-2025: 6 ballots counted
	//
	// Contest "board": 2 seats, 1 alternate
	//   Main members
	//     1.  4 votes  1  Ana
	//     2.  3 votes  2  Babak
	//   Alternates
	//     3.  2 votes  3  Chen
	//   Not elected
	//     4.  1 vote   4  Dara
}

// ExampleNewResults shows a tie at the boundary between main members and
// alternates: it is reported, not broken, unless the manifest has a public
// tie-break seed, fixed before the polls opened.
func ExampleNewResults() {
	m := &ballot.Manifest{
		ElectionID: "guild-2025",
		Policy:     ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{{
			ID: "board", Kind: ballot.UpTo, Limit: 2, Seats: 2, Alternates: 1,
			Candidates: []ballot.Candidate{{Code: 1, Name: "Ana"}, {Code: 2, Name: "Babak"}, {Code: 3, Name: "Chen"}, {Code: 4, Name: "Dara"}},
		}},
	}
	totals := &tally.Totals{Ballots: 100, Contests: []tally.ContestTotals{{
		ID:         "board",
		Selections: []tally.SelectionTotal{{Code: 1, Count: 70}, {Code: 2, Count: 45}, {Code: 3, Count: 20}, {Code: 4, Count: 45}},
	}}}
	for _, seed := range []ballot.TieBreakSeed{nil, ballot.TieBreakSeed("lottery draw 2025-03-02")} {
		m.TieBreakSeed = seed
		r, err := tally.NewResults(m, totals)
		if err != nil {
			log.Fatal(err)
		}
		c := r.Contests[0]
		for _, s := range c.Standings {
			fmt.Printf("%d. %-6s %d  %s\n", s.Position, s.Name, s.Count, s.Outcome)
		}
		for _, t := range c.Ties {
			fmt.Println("tie:", t.String())
		}
	}
	// Output:
	// 1. Ana    70  main
	// 2. Babak  45  tied
	// 3. Dara   45  tied
	// 4. Chen   20  not-elected
	// tie: candidates 2 and 4 with 45 each at positions 2–3 (1 main seat, 1 alternate seat), unbroken
	// 1. Ana    70  main
	// 2. Dara   45  main
	// 3. Babak  45  alternate
	// 4. Chen   20  not-elected
	// tie: candidates 4 and 2 with 45 each at positions 2–3 (1 main seat, 1 alternate seat), broken by the manifest's tie-break seed
}

// Decode the decrypted rows of a council contest ("write up to 3 codes of
// 10 candidates"): a valid row counts for its codes, the others are
// counted as invalid with their reason.
func ExampleRowDecoder() {
	c := ballot.Contest{ID: "council", Kind: ballot.CodeList, Limit: 3, Seats: 3, MixStages: 1}
	for code := uint32(1); code <= 10; code++ {
		c.Candidates = append(c.Candidates, ballot.Candidate{Code: code, Name: fmt.Sprint("Candidate ", code)})
	}
	d, err := tally.NewRowDecoder(&c)
	if err != nil {
		log.Fatal(err)
	}
	// Rows as a dishonest device could pack them: every one of the 60
	// 4-bit slots of the row may be filled.
	for _, codes := range [][]uint32{{4, 9}, {}, {4, 4}, {9, 4}, {1, 2, 3, 4}} {
		plaintexts, err := elgamal.PackCodes(codes, 60, 10)
		if err != nil {
			log.Fatal(err)
		}
		r := d.Decode(plaintexts)
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%v %q %s", r.Codes, r.Invalid, r.Reason)))
	}
	// Output:
	// [4 9] ""
	// [] ""
	// [4 4] "repeated-code" code 4 is in slots 0 and 1
	// [9 4] "unsorted-codes" code 4 (slot 1) follows the larger code 9 (slot 0)
	// [1 2 3 4] "too-many-codes" 4 codes, more than the limit 3
}

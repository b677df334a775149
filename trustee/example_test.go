package trustee_test

import (
	"crypto/sha256"
	"fmt"
	"log"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/trustee"
)

// seed returns a 32-byte seed for this example's deterministic
// constructors. Real trustees use NewIdentity, NewTrustee and package
// election's decryption, which draw every secret from crypto/rand; the
// seeds only make the examples print the same on every run.
func seed(what string, k int) []byte {
	s := sha256.Sum256(fmt.Appendf(nil, "trustee example: %s %d", what, k))
	return s[:]
}

// Example runs the key ceremony of three trustees with threshold two,
// round by round, as the Trustee type lists the rounds. One encrypted
// share is lost on its way, so that rounds 3 and 4 have something to do:
// its recipient complains, and the dealer answers by revealing the share.
// In an election each trustee runs on its own machine, seals its state
// between rounds (Trustee.Seal, OpenTrustee), and the messages travel as
// files through a shared folder that keeps all of them.
func Example() {
	// Before the ceremony, each trustee makes its identity and gives its
	// public Member to the coordinator, who publishes the roster.
	names := []string{"Azadeh", "Bijan", "Cyrus"}
	var ids []*trustee.Identity
	var members []trustee.Member
	for k, name := range names {
		id, err := trustee.NewIdentityFromSeed(name, seed("identity", k+1))
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, id)
		members = append(members, id.Member(k+1))
	}
	roster, err := trustee.NewRoster("city council 1404", 2, members)
	if err != nil {
		log.Fatal(err)
	}
	c := &trustee.Ceremony{Roster: roster}
	var ts []*trustee.Trustee
	for k, id := range ids {
		t, err := trustee.NewTrusteeFromSeed(roster, id, seed("ceremony", k+1))
		if err != nil {
			log.Fatal(err)
		}
		ts = append(ts, t)
	}

	// Round 1: each trustee publishes the commitments to its polynomial.
	for _, t := range ts {
		m, err := t.Round1()
		if err != nil {
			log.Fatal(err)
		}
		c.Commitments = append(c.Commitments, m)
	}
	fmt.Println("round 1: commitments:", len(c.Commitments))

	// Round 2: each trustee sends every other one its share, encrypted to
	// the recipient. Cyrus's share for Azadeh is lost.
	for _, t := range ts {
		shares, err := t.Round2()
		if err != nil {
			log.Fatal(err)
		}
		for _, s := range shares {
			if s.Dealer == 3 && s.Recipient == 1 {
				continue
			}
			c.Shares = append(c.Shares, s)
		}
	}
	fmt.Println("round 2: encrypted shares:", len(c.Shares))

	// Round 3: each trustee checks the shares sent to it against their
	// dealers' commitments, and complains about those missing or wrong.
	for _, t := range ts {
		complaints, err := t.ReceiveShares(c.Commitments, c.Shares)
		if err != nil {
			log.Fatal(err)
		}
		c.Complaints = append(c.Complaints, complaints...)
	}
	for _, x := range c.Complaints {
		fmt.Printf("round 3: trustee %d complains about dealer %d: share %s\n", x.Complainant, x.Dealer, x.Reason)
	}

	// Round 4: each accused dealer reveals the share it owes.
	for _, t := range ts {
		responses, err := t.Respond(c.Complaints)
		if err != nil {
			log.Fatal(err)
		}
		c.Responses = append(c.Responses, responses...)
	}
	fmt.Println("round 4: responses:", len(c.Responses))

	// Finish: each trustee judges the whole published ceremony and keeps
	// its key share (sealed under its passphrase: KeyShare.Seal). A
	// verifier judges it with VerifyCeremony, and gets the same Result.
	var res *trustee.Result
	for _, t := range ts {
		var ks *trustee.KeyShare
		res, ks, err = t.Finish(c)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("trustee %d holds its key share, verification key %x…\n", ks.Index(), ks.VerificationKey().Bytes()[:6])
	}
	for _, j := range res.Judgments {
		fmt.Printf("complaint of trustee %d against dealer %d: %s\n", j.Complainant, j.Dealer, j.Outcome)
	}
	pk, err := res.ElectionKey()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("qualified dealers:", res.Qualified)
	fmt.Printf("election key: %x…\n", pk.Bytes()[:6])
	// Output:
	// round 1: commitments: 3
	// round 2: encrypted shares: 5
	// round 3: trustee 1 complains about dealer 3: share missing
	// round 4: responses: 1
	// trustee 1 holds its key share, verification key 9624a5cc9656…
	// trustee 2 holds its key share, verification key e2412db0f5fc…
	// trustee 3 holds its key share, verification key 2e540fd3d621…
	// complaint of trustee 1 against dealer 3: dismissed
	// qualified dealers: [1 2 3]
	// election key: 1276421b6877…
}

// ceremony runs the rounds of Example for the three trustees (no share is
// lost) and returns the ceremony's Result and the trustees' key shares.
func ceremony() (*trustee.Result, []*trustee.KeyShare) {
	var ids []*trustee.Identity
	var members []trustee.Member
	for k, name := range []string{"Azadeh", "Bijan", "Cyrus"} {
		id, err := trustee.NewIdentityFromSeed(name, seed("identity", k+1))
		if err != nil {
			log.Fatal(err)
		}
		ids, members = append(ids, id), append(members, id.Member(k+1))
	}
	roster, err := trustee.NewRoster("city council 1404", 2, members)
	if err != nil {
		log.Fatal(err)
	}
	c := &trustee.Ceremony{Roster: roster}
	var ts []*trustee.Trustee
	for k, id := range ids {
		t, err := trustee.NewTrusteeFromSeed(roster, id, seed("ceremony", k+1))
		if err != nil {
			log.Fatal(err)
		}
		m, err := t.Round1()
		if err != nil {
			log.Fatal(err)
		}
		ts, c.Commitments = append(ts, t), append(c.Commitments, m)
	}
	for _, t := range ts {
		shares, err := t.Round2()
		if err != nil {
			log.Fatal(err)
		}
		c.Shares = append(c.Shares, shares...)
	}
	for _, t := range ts {
		complaints, err := t.ReceiveShares(c.Commitments, c.Shares)
		if err != nil {
			log.Fatal(err)
		}
		c.Complaints = append(c.Complaints, complaints...)
	}
	for _, t := range ts {
		responses, err := t.Respond(c.Complaints)
		if err != nil {
			log.Fatal(err)
		}
		c.Responses = append(c.Responses, responses...)
	}
	var res *trustee.Result
	var keys []*trustee.KeyShare
	for _, t := range ts {
		r, ks, err := t.Finish(c)
		if err != nil {
			log.Fatal(err)
		}
		res, keys = r, append(keys, ks)
	}
	return res, keys
}

// Two of the three trustees of Example decrypt a ciphertext: each makes
// its decryption shares with a proof, and Combine checks the proofs and
// interpolates. (Here the ciphertext is known to be a tally; a trustee
// tool decrypts an election's tally through package election, which
// verifies the record first: VerifyForDecryption, then
// VerifiedRecord.TallyShares.)
func ExampleCombine() {
	res, keys := ceremony()
	pk, err := res.ElectionKey()
	if err != nil {
		log.Fatal(err)
	}
	tally := pk.Encrypt(new(group.Scalar).SetUint64(42), group.RandomScalar())
	cts := []*elgamal.Ciphertext{tally}
	base := []byte("the election's base hash")
	var lists []*trustee.ShareList
	for _, ks := range []*trustee.KeyShare{keys[0], keys[2]} {
		l, err := ks.DecryptSharesUncheckedFromSeed(base, cts, seed("decryption", ks.Index()))
		if err != nil {
			log.Fatal(err)
		}
		lists = append(lists, l)
	}
	dec, err := trustee.Combine(base, res, cts, lists)
	if err != nil {
		log.Fatal(err)
	}
	m, err := elgamal.NewDLogTable(1000).VarTimeSolve(dec.Plaintexts[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("trustees:", dec.Trustees, "tally:", m)
	// Output:
	// trustees: [1 3] tally: 42
}

package trustee_test

import (
	"fmt"
	"log"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/trustee"
)

// Example runs a key ceremony of three trustees with threshold two in
// memory, then decrypts a tally with two of them. In a real election each
// trustee runs on its own machine, seals its state between rounds, and the
// messages travel as files.
func Example() {
	names := []string{"Azadeh", "Bijan", "Cyrus"}
	var ids []*trustee.Identity
	var members []trustee.Member
	for k, name := range names {
		id, err := trustee.NewIdentity(name)
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
	for _, id := range ids {
		t, err := trustee.NewTrustee(roster, id)
		if err != nil {
			log.Fatal(err)
		}
		ts = append(ts, t)
		m, _ := t.Round1()
		c.Commitments = append(c.Commitments, m)
	}
	for _, t := range ts {
		s, _ := t.Round2()
		c.Shares = append(c.Shares, s...)
	}
	for _, t := range ts {
		complaints, err := t.ReceiveShares(c.Commitments, c.Shares)
		if err != nil {
			log.Fatal(err)
		}
		c.Complaints = append(c.Complaints, complaints...)
	}
	for _, t := range ts {
		r, _ := t.Respond(c.Complaints)
		c.Responses = append(c.Responses, r...)
	}
	var keys []*trustee.KeyShare
	var res *trustee.Result
	for _, t := range ts {
		var ks *trustee.KeyShare
		res, ks, err = t.Finish(c)
		if err != nil {
			log.Fatal(err)
		}
		keys = append(keys, ks)
	}
	fmt.Println("qualified dealers:", res.Qualified)

	// Anyone can encrypt to the joint key; two trustees decrypt. (Here the
	// list is known to be a tally; a trustee tool decrypts an election's
	// tally through package election, which verifies the record first.)
	pk, _ := res.ElectionKey()
	tally := pk.Encrypt(new(group.Scalar).SetUint64(42), group.RandomScalar())
	cts := []*elgamal.Ciphertext{tally}
	base := []byte("the election's base hash")
	var lists []*trustee.ShareList
	for _, ks := range []*trustee.KeyShare{keys[0], keys[2]} {
		l, err := ks.DecryptSharesUnchecked(base, cts)
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
	// qualified dealers: [1 2 3]
	// trustees: [1 3] tally: 42
}

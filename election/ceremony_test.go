package election_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"strconv"
	"testing"

	"github.com/sandogh/sandogh/trustee"
)

// testSeeds derives the secrets of a test election. With seed empty they
// come from crypto/rand; otherwise each is SHA-256(tag ‖ " " ‖ what ‖ 0x00
// ‖ seed ‖ 0x00 ‖ k), the derivation of the examples' seeded runs, so that
// a record written by the tests (testdata/rule-sample) is the same byte for
// byte from run to run.
type testSeeds struct{ tag, seed string }

// secret returns the 32-byte seed of secret what of k (a trustee's index,
// a credential's number, a station's identifier).
func (s testSeeds) secret(what, k string) []byte {
	if s.seed == "" {
		b := make([]byte, 32)
		rand.Read(b)
		return b
	}
	h := sha256.Sum256([]byte(s.tag + " " + what + "\x00" + s.seed + "\x00" + k))
	return h[:]
}

// stationKey returns polling station id's signing key.
func (s testSeeds) stationKey(id string) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(s.secret("station key", id))
}

// runCeremony runs the key ceremony of n trustees ("Trustee 1" …) with
// threshold t for election electionID, every round's messages handed to
// every trustee, and returns its messages and the trustees' key shares in
// index order. Trustee k's identity and ceremony secrets derive from
// s.secret("trustee identity", k) and s.secret("trustee ceremony", k).
func runCeremony(tb testing.TB, s testSeeds, electionID string, n, t int) (*trustee.Ceremony, []*trustee.KeyShare) {
	tb.Helper()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	members := make([]trustee.Member, n)
	ids := make([]*trustee.Identity, n)
	for k := range ids {
		var err error
		ids[k], err = trustee.NewIdentityFromSeed("Trustee "+strconv.Itoa(k+1), s.secret("trustee identity", strconv.Itoa(k+1)))
		must(err)
		members[k] = ids[k].Member(k + 1)
	}
	roster, err := trustee.NewRoster(electionID, t, members)
	must(err)
	c := &trustee.Ceremony{Roster: roster}
	ts := make([]*trustee.Trustee, n)
	for k, id := range ids {
		ts[k], err = trustee.NewTrusteeFromSeed(roster, id, s.secret("trustee ceremony", strconv.Itoa(k+1)))
		must(err)
		m, err := ts[k].Round1()
		must(err)
		c.Commitments = append(c.Commitments, m)
	}
	for _, tr := range ts {
		sh, err := tr.Round2()
		must(err)
		c.Shares = append(c.Shares, sh...)
	}
	for _, tr := range ts {
		cs, err := tr.ReceiveShares(c.Commitments, c.Shares)
		must(err)
		c.Complaints = append(c.Complaints, cs...)
	}
	for _, tr := range ts {
		rs, err := tr.Respond(c.Complaints)
		must(err)
		c.Responses = append(c.Responses, rs...)
	}
	shares := make([]*trustee.KeyShare, n)
	for k, tr := range ts {
		_, shares[k], err = tr.Finish(c)
		must(err)
	}
	return c, shares
}

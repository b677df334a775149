package demo

import (
	"fmt"
	mrand "math/rand/v2"
	"strconv"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/trustee"
)

// CheckTrustees returns an error starting with name (the example's
// package) unless 1 ≤ t ≤ n ≤ trustee.MaxTrustees.
func CheckTrustees(name string, n, t int) error {
	switch {
	case t < 1 || t > n:
		return fmt.Errorf("%s: threshold %d is not between 1 and the number of trustees %d", name, t, n)
	case n > trustee.MaxTrustees:
		return fmt.Errorf("%s: at most %d trustees", name, trustee.MaxTrustees)
	}
	return nil
}

// RunCeremony runs the key ceremony of n trustees ("Trustee 1" … "Trustee
// n") with threshold t for the election electionID, round by round, as the
// trustees would exchange their messages through a shared folder. It
// returns the ceremony's messages, every trustee's key share and identity,
// in index order.
//
// In a seeded run trustee k's identity and ceremony secrets derive from
// s.Secret("trustee identity", k) and s.Secret("trustee ceremony", k)
// (package trustee's FromSeed constructors); otherwise from crypto/rand.
func RunCeremony(s Seeds, electionID string, n, t int) (*trustee.Ceremony, []*trustee.KeyShare, []*trustee.Identity, error) {
	ids := make([]*trustee.Identity, n)
	members := make([]trustee.Member, n)
	for k := range ids {
		name := "Trustee " + strconv.Itoa(k+1)
		var err error
		if s.Seed != "" {
			ids[k], err = trustee.NewIdentityFromSeed(name, s.Secret("trustee identity", k+1))
		} else {
			ids[k], err = trustee.NewIdentity(name)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		members[k] = ids[k].Member(k + 1)
	}
	roster, err := trustee.NewRoster(electionID, t, members)
	if err != nil {
		return nil, nil, nil, err
	}
	c := &trustee.Ceremony{Roster: roster}
	ts := make([]*trustee.Trustee, n)
	for k, id := range ids {
		if s.Seed != "" {
			ts[k], err = trustee.NewTrusteeFromSeed(roster, id, s.Secret("trustee ceremony", k+1))
		} else {
			ts[k], err = trustee.NewTrustee(roster, id)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		m, err := ts[k].Round1()
		if err != nil {
			return nil, nil, nil, err
		}
		c.Commitments = append(c.Commitments, m)
	}
	for _, tr := range ts {
		sh, err := tr.Round2()
		if err != nil {
			return nil, nil, nil, err
		}
		c.Shares = append(c.Shares, sh...)
	}
	for _, tr := range ts {
		cs, err := tr.ReceiveShares(c.Commitments, c.Shares)
		if err != nil {
			return nil, nil, nil, err
		}
		c.Complaints = append(c.Complaints, cs...)
	}
	for _, tr := range ts {
		rs, err := tr.Respond(c.Complaints)
		if err != nil {
			return nil, nil, nil, err
		}
		c.Responses = append(c.Responses, rs...)
	}
	shares := make([]*trustee.KeyShare, n)
	for k, tr := range ts {
		if _, shares[k], err = tr.Finish(c); err != nil {
			return nil, nil, nil, err
		}
	}
	return c, shares, ids, nil
}

// AbsentTrustee draws the trustee (1..n) absent at decryption, or returns
// 0 (nobody) when every trustee is needed (n = t). It draws from r in both
// cases, so that the choices after it do not depend on n = t.
func AbsentTrustee(r *mrand.Rand, n, t int) int {
	absent := r.IntN(n) + 1
	if n == t {
		return 0
	}
	return absent
}

// TallyShares is trustee ks's step of the decryption of the encrypted
// tally that rec verified (election.VerifiedRecord.TallyShares). In a
// seeded run its proof nonces derive from s.Secret(what, index).
func TallyShares(s Seeds, what string, rec *election.VerifiedRecord, ks *trustee.KeyShare) (*trustee.ShareList, error) {
	if s.Seed == "" {
		return rec.TallyShares(ks)
	}
	return rec.TallySharesFromSeed(ks, s.Secret(what, ks.Index()))
}

// RowShares is trustee ks's step of the decryption of the final list of
// CodeList contest i's cascade, which rec verified complete
// (election.VerifiedRecord.RowShares). In a seeded run its proof nonces
// derive from s.Secret(what, index).
func RowShares(s Seeds, what string, rec *election.VerifiedRecord, ks *trustee.KeyShare, i int) (*trustee.ShareList, error) {
	if s.Seed == "" {
		return rec.RowShares(ks, i)
	}
	return rec.RowSharesFromSeed(ks, i, s.Secret(what, ks.Index()))
}

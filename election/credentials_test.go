package election_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// smartCard keeps its Ed25519 key inside and signs what it is given.
type smartCard struct{ key ed25519.PrivateKey }

func (c smartCard) Public() crypto.PublicKey { return c.key.Public() }
func (c smartCard) Sign(r io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	return c.key.Sign(r, msg, opts)
}

// TestSelfGeneratedCredentialsRecord is the remote voters' flow end to end
// (docs/spec.md, Ballots, "Credentials and the credential list"): each
// voter's device (ballot.GenerateCredential) or smart card makes her key,
// only public keys reach the credential list, the ballot box accepts the
// ballots they sign (one voter changes her mind under last-ballot-counts),
// and the record written from the box verifies, with the votes counted as
// cast.
func TestSelfGeneratedCredentialsRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "record")
	w, err := election.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := &ballot.Manifest{ElectionID: "assembly-1404", Title: "General assembly 1404", Policy: ballot.LastBallotCounts, Contests: []ballot.Contest{
		{ID: "motion", Title: "Adopt the motion?", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "Yes"}, {Code: 2, Name: "No"}}},
	}}
	c, keyShares := runCeremony(t, testSeeds{}, m.ElectionID, 3, 2)
	keys, err := w.WriteCeremony(c)
	if err != nil {
		t.Fatal(err)
	}

	// Four voters' devices and one smart card make their keys; the
	// registrar sees public keys only.
	var signers []crypto.Signer
	var pubs []ed25519.PublicKey
	for range 4 {
		cr, err := ballot.GenerateCredential()
		if err != nil {
			t.Fatal(err)
		}
		signers = append(signers, cr.PrivateKey())
		pubs = append(pubs, cr.PublicKey())
	}
	_, cardKey, _ := ed25519.GenerateKey(rand.Reader)
	signers = append(signers, smartCard{cardKey})
	pubs = append(pubs, cardKey.Public().(ed25519.PublicKey))
	list, err := ballot.NewCredentialList(pubs)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := keys.ElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: keys.VerificationKeys, Threshold: keys.Threshold, Credentials: list})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteElection(e, keys); err != nil {
		t.Fatal(err)
	}

	box, err := w.OpenBox(e)
	if err != nil {
		t.Fatal(err)
	}
	// Voters 0, 1 and the card vote yes; voter 2 votes yes, then no;
	// voter 3 abstains.
	for k, v := range []struct {
		voter int
		code  uint32
	}{{0, 1}, {2, 1}, {1, 1}, {4, 1}, {2, 2}} {
		seed := make([]byte, 32)
		rand.Read(seed)
		h := ballot.Header{BallotID: fmt.Sprintf("remote/%d", k), Credential: pubs[v.voter]}
		pb, err := ballot.EncryptBallot(e, h, ballot.Vote{"motion": {v.code: 1}}, seed)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pb.Cast(signers[v.voter])
		if err != nil {
			t.Fatal(err)
		}
		if err := box.AcceptBallot(b); err != nil {
			t.Fatalf("voter %d: %v", v.voter, err)
		}
	}
	if err := box.Close(); err != nil {
		t.Fatal(err)
	}
	closed := boxDigest(t, dir)
	if _, err := w.FinishBallots(e); err != nil {
		t.Fatal(err)
	}

	rec, err := election.VerifyForDecryption(dir, closed, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lists []*trustee.ShareList
	for _, ks := range keyShares[1:] {
		l, err := rec.TallyShares(ks)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteShareList(l); err != nil {
			t.Fatal(err)
		}
		lists = append(lists, l)
	}
	totals, _, err := tally.Decrypt(e, keys, rec.Tally(), lists)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tally.NewResults(m, totals)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteResults(res); err != nil {
		t.Fatal(err)
	}

	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the record does not verify: %v", rep.Findings)
	}
	if rep.Ballots.Cast != 5 || rep.Ballots.Counted != 4 {
		t.Errorf("ballots %+v, want 5 cast and 4 counted", rep.Ballots)
	}
	if yes, no := totals.Contests[0].Selections[0].Count, totals.Contests[0].Selections[1].Count; yes != 3 || no != 1 {
		t.Errorf("%d yes, %d no; want 3 and 1", yes, no)
	}
}

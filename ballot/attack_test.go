package ballot_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/forge"
)

// Attacks of issue 10 on the ballot box, through the public API.

// attackElection is an election of one council contest (codes 1…60, up to
// 50, rows of two ciphertexts) and one up-to contest, with two listed
// credentials.
func attackElection(t *testing.T) (*ballot.Election, []*ballot.Credential) {
	t.Helper()
	var cands []ballot.Candidate
	for c := uint32(1); c <= 60; c++ {
		cands = append(cands, ballot.Candidate{Code: c, Name: fmt.Sprintf("Candidate %d", c)})
	}
	m := &ballot.Manifest{ElectionID: "attacks", Policy: ballot.LastBallotCounts, Contests: []ballot.Contest{
		{ID: "council", Kind: ballot.CodeList, Limit: 50, Seats: 5, MixStages: 1, Candidates: cands},
		{ID: "board", Kind: ballot.UpTo, Limit: 1, Seats: 1, Candidates: []ballot.Candidate{{Code: 1, Name: "A"}, {Code: 2, Name: "B"}}},
	}}
	if w := m.Contests[0].RowWidth(); w < 2 {
		t.Fatalf("rows of %d ciphertexts: the test needs two", w)
	}
	_, pk := elgamal.GenerateKey()
	var creds []*ballot.Credential
	var pubs []ed25519.PublicKey
	for i := range 2 {
		c, err := ballot.NewCredential(bytes.Repeat([]byte{byte(i + 1)}, 32))
		if err != nil {
			t.Fatal(err)
		}
		creds = append(creds, c)
		pubs = append(pubs, c.PublicKey())
	}
	list, err := ballot.NewCredentialList(pubs)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: []*group.Element{group.NewGeneratorElement()}, Threshold: 1, Credentials: list})
	if err != nil {
		t.Fatal(err)
	}
	return e, creds
}

// TestAttackRepeatedColumn (attack 1, codes): a voter repeats a column of
// her row (she knows its nonce, so she proves knowledge of it in both
// places) and signs. The box refuses the ballot for the repeated first
// component, naming the column.
func TestAttackRepeatedColumn(t *testing.T) {
	e, creds := attackElection(t)
	box, err := ballot.OpenBox(filepath.Join(t.TempDir(), "box.jsonl"), e)
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	h := ballot.Header{BallotID: "column twice", Credential: creds[0].PublicKey()}
	packed, err := elgamal.PackCodes([]uint32{7}, 50, 60)
	if err != nil {
		t.Fatal(err)
	}
	col := forge.EncryptElement(e, packed[0], "the column")
	row := forge.Row(e, h, 0, []forge.Selection{col, col}, "row proofs")
	board, err := forge.UpTo(e, h, 1, 1, []forge.Selection{forge.Encrypt(e, 0, "a"), forge.Encrypt(e, 1, "b")}, "board proofs")
	if err != nil {
		t.Fatal(err)
	}
	b, err := forge.Sign(e.BaseHash(), h, forge.Ballot(row, board), ballot.Cast, nil, creds[0].PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	_, err = box.Accept(b.Bytes())
	var r *ballot.Refusal
	if !errors.As(err, &r) || r.Step != ballot.StepDuplicate || r.Contest != 0 || r.Selection != 1 {
		t.Fatalf("a column repeated in a row: %v, want refused (duplicate) at contest 0, selection (column) 1", err)
	}
	if len(box.Counted()) != 0 {
		t.Fatal("the ballot counts")
	}
}

// TestAttackReusedSeed (attack 7): a client reuses a challenged ballot's
// seed, which is published, for the cast ballot that follows. The nonces
// are bound to the ballot's header, so no ciphertext of the cast ballot
// shares its nonce (its first component) with the challenged one, and the
// published seed does not open it; the box accepts both.
func TestAttackReusedSeed(t *testing.T) {
	e, creds := attackElection(t)
	box, err := ballot.OpenBox(filepath.Join(t.TempDir(), "box.jsonl"), e)
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	c := creds[1]
	seed := bytes.Repeat([]byte{7}, 32)
	pchallenged, err := ballot.EncryptBallot(e, ballot.Header{BallotID: "first", Credential: c.PublicKey()}, ballot.Vote{"board": {1: 1}}, seed)
	if err != nil {
		t.Fatal(err)
	}
	challenged, err := pchallenged.Challenge(c.PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	pcast, err := ballot.EncryptBallot(e, ballot.Header{BallotID: "second", Credential: c.PublicKey()}, ballot.Vote{"board": {2: 1}}, challenged.NonceSeed())
	if err != nil {
		t.Fatal(err)
	}
	cast, err := pcast.Cast(c.PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	for i := range cast.NumContests() {
		for j, ct := range cast.Ciphertexts(i) {
			if ct.A.Equal(&challenged.Ciphertexts(i)[j].A) == 1 {
				t.Errorf("contest %d, ciphertext %d: the cast ballot reuses the challenged ballot's nonce, which its published seed reveals", i, j)
			}
		}
	}
	if _, err := box.Accept(challenged.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, err := box.Accept(cast.Bytes()); err != nil {
		t.Fatal(err)
	}
}

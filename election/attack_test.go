package election_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/forge"
)

// Attacks 1 and 2 of issue 10 ("one rule for what counts"), performed
// through the public API against a ballot box and the verifier of the
// record written from it. Before the acceptance rule was written once, the
// box accepted what the verifier then rejected (attack 1), and the
// verifier dropped an honest ballot that a refused line had copied (attack
// 2).

// recordOf runs an election of w in which submit feeds the box, writes the
// record and verifies it.
func recordOf(t *testing.T, w *ruleWorld, submit func(box *ballot.Box)) (string, *election.Report) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "record")
	wr, err := election.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wr.WriteCeremony(w.ceremony); err != nil {
		t.Fatal(err)
	}
	if err := wr.WriteElection(w.e, w.keys); err != nil {
		t.Fatal(err)
	}
	box, err := wr.OpenBox(w.e)
	if err != nil {
		t.Fatal(err)
	}
	submit(box)
	box.Close()
	_, rep := w.finishRecord(t, wr, dir)
	return dir, rep
}

func wantValid(t *testing.T, rep *election.Report) {
	t.Helper()
	if !rep.Valid() {
		for _, f := range rep.Findings {
			t.Error(f)
		}
		t.Fatal("the record written from the box's file does not verify")
	}
}

// forgeWithFirst forges for credential k a cast ballot whose first
// selection of contest 0 is sel (a nonce its voter chose), every proof
// valid.
func forgeWithFirst(t *testing.T, w *ruleWorld, k int, id string, sel forge.Selection) *ballot.Ballot {
	c := w.creds[k]
	h := ballot.Header{BallotID: id, Credential: c.PublicKey()}
	return forgeBallot(t, w.e, h, c.PrivateKey(), []forge.Selection{sel, forge.Encrypt(w.e, 0, id+" 2"), forge.Encrypt(w.e, 0, id+" 3")})
}

// TestAttackSameCiphertextTwice (attack 1, "one voter spoils the record"):
// a voter puts one ciphertext in two selections of a contest, proves each
// (she knows its nonce) and signs; another voter casts, then casts again
// under last-ballot-counts reusing the nonce of her first ballot (the
// same first component with another vote). The box refuses both and the
// record written from its file verifies, counting the honest ballots.
func TestAttackSameCiphertextTwice(t *testing.T) {
	w := getRuleWorld(t, ballot.LastBallotCounts)
	var twiceErr, reuseErr error
	_, rep := recordOf(t, w, func(box *ballot.Box) {
		c := w.creds[0]
		twice := sameCiphertextTwice(t, w.e, ballot.Header{BallotID: "twice", Credential: c.PublicKey()}, c.PrivateKey())
		_, twiceErr = box.Accept(twice.Bytes())
		sel := forge.Encrypt(w.e, 1, "the nonce of voter 1")
		if _, err := box.Accept(forgeWithFirst(t, w, 1, "first", sel).Bytes()); err != nil {
			t.Fatalf("an honest ballot: %v", err)
		}
		// The same nonce, another value: B − B' would reveal the change.
		again := forge.Selection{Ct: w.e.PublicKey().Encrypt(group.NewScalar(), sel.R), M: 0, R: sel.R}
		_, reuseErr = box.Accept(forgeWithFirst(t, w, 1, "second", again).Bytes())
	})
	var r *ballot.Refusal
	if !errors.As(twiceErr, &r) || r.Step != ballot.StepDuplicate || r.Contest != 0 || r.Selection != 1 {
		t.Errorf("one ciphertext in two selections: %v, want refused (duplicate) at contest 0, selection 1", twiceErr)
	}
	if !errors.As(reuseErr, &r) || r.Step != ballot.StepDuplicate || r.Contest != 0 || r.Selection != 0 {
		t.Errorf("a first component reused: %v, want refused (duplicate) at contest 0, selection 0", reuseErr)
	}
	wantValid(t, rep)
	if rep.Ballots.Counted != 1 {
		t.Errorf("%d ballots counted, want the honest one", rep.Ballots.Counted)
	}
}

// TestAttackRefusedCopyBeforeHonest (attack 2, "a refused line knocks out
// an honest ballot"): a line that the box should have refused (signed by a
// credential that is not on the list) and that carries the content of a
// later honest ballot stands in the record before it. The verifier
// reports that line alone and still counts the honest ballot; and a box
// given the same copy first refuses it and then accepts the honest ballot.
func TestAttackRefusedCopyBeforeHonest(t *testing.T) {
	w := getRuleWorld(t, ballot.OneBallotPerCredential)
	honest := func() *ballot.Ballot {
		c := w.creds[2]
		pb, err := ballot.EncryptBallot(w.e, ballot.Header{BallotID: "honest", Credential: c.PublicKey()}, ballot.Vote{"board": {1: 1}}, make([]byte, 32))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := pb.Cast(c.PrivateKey())
		return b
	}()
	outsiderCopy := reheader(t, w.e, honest, ballot.Header{BallotID: "copy", Credential: w.outsider.PublicKey()}, w.outsider.PrivateKey())
	otherCopy := reheader(t, w.e, honest, ballot.Header{BallotID: "copy", Credential: w.creds[3].PublicKey()}, w.creds[3].PrivateKey())

	// The box: the copies first, then the honest ballot.
	dir, rep := recordOf(t, w, func(box *ballot.Box) {
		if _, err := box.Accept(outsiderCopy.Bytes()); err == nil {
			t.Error("a ballot of an unlisted credential was accepted")
		}
		if _, err := box.Accept(otherCopy.Bytes()); err == nil {
			t.Error("a copy whose proofs were made for another header was accepted")
		}
		if _, err := box.Accept(honest.Bytes()); err != nil {
			t.Errorf("the honest ballot after a refused copy: %v", err)
		}
	})
	wantValid(t, rep)
	if rep.Ballots.Counted != 1 {
		t.Errorf("%d ballots counted, want the honest one", rep.Ballots.Counted)
	}

	// The record: the outsider's copy put in before the honest ballot.
	path := filepath.Join(dir, "ballots.jsonl")
	lines := readLines(t, path)
	at := slices.IndexFunc(lines, func(l []byte) bool { return strings.Contains(string(l), `"ballotId":"honest"`) })
	raw, err := outsiderCopy.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	lines = slices.Insert(lines, at, append(append([]byte(`{"ballot":`), raw...), "}\n"...))
	writeLines(t, path, lines)
	rehash(t, dir)
	rep, err = election.Verify(dir, &election.Options{MaxFindings: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Line != at+1 {
			t.Errorf("a finding beyond the inserted line %d: %v", at+1, f)
		}
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Check != election.CheckEligibility {
		t.Errorf("findings %v, want one of check 8 on the inserted line", rep.Findings)
	}
	if rep.Ballots.Counted != 1 {
		t.Errorf("%d ballots counted, want the honest one", rep.Ballots.Counted)
	}
}

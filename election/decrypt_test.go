package election_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// The trustees' decryption (docs/spec.md, "Trustees", "What a trustee
// decrypts"): a trustee makes shares only of the tally it recomputed from
// the record of the closed ballot box, or of a complete cascade's output.
// A coordinator who hands a trustee anything else gets an error and no
// shares.

// beforeDecryption returns a copy of the record in src as it stands before
// the trustees decrypt: without share lists, decoded rows and results,
// and with its index listing what is left.
func beforeDecryption(t testing.TB, src string) string {
	t.Helper()
	dir := copyTree(t, src)
	for _, p := range []string{"tally/shares", "results.json", "mixnet/0/shares", "mixnet/0/decrypted.jsonl"} {
		if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
	}
	rehash(t, dir)
	return dir
}

// boxDigest is the SHA-256 of the ballot box's file in dir, which the
// election authority publishes when the box closes.
func boxDigest(t testing.TB, dir string) [sha256.Size]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "ballots.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// writeTally replaces tally/encrypted.json in dir, as a coordinator would.
func writeTally(t testing.TB, dir string, et *tally.EncryptedTally) {
	t.Helper()
	raw, err := et.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	json.Indent(&b, raw, "", "  ")
	b.WriteByte('\n')
	if err := os.WriteFile(filepath.Join(dir, "tally", "encrypted.json"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rehash(t, dir)
}

// castBallots returns the cast ballots of the record in dir, in order.
func castBallots(t testing.TB, dir string) (*ballot.Election, []*ballot.Ballot, []int) {
	t.Helper()
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	var out []*ballot.Ballot
	var lines []int
	for ent, err := range r.Ballots(e) {
		if err != nil {
			t.Fatal(err)
		}
		if ent.Ballot != nil && ent.Ballot.State() == ballot.Cast {
			out = append(out, ent.Ballot)
			lines = append(lines, ent.Line)
		}
	}
	return e, out, lines
}

// TestTrusteeDecryptsVerifiedTally: before decryption, the record passes
// the partial verification; every trustee's shares of the verified tally
// verify, and t of them decrypt it to the totals that the complete record
// publishes.
func TestTrusteeDecryptsVerifiedTally(t *testing.T) {
	src := sharedRecord(t)
	dir := beforeDecryption(t, src)
	rec, err := election.VerifyForDecryption(dir, boxDigest(t, src), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := rec.Report()
	if !rep.Partial || rep.Valid() || len(rep.Checks) != election.NumChecks || len(rep.Findings) != 0 {
		t.Fatalf("partial report: partial %v, valid %v, %d checks, findings %v", rep.Partial, rep.Valid(), len(rep.Checks), rep.Findings)
	}
	// Checks 1 to 11 pass, 16 and 17 do not apply (no CodeList contest),
	// and the checks of the decryption are not checked (18 to 20 do not
	// apply either).
	for _, c := range rep.Checks {
		want := election.Passed
		switch {
		case c.Check == election.CheckClosings, c.Check == election.CheckIncidents:
		case c.Check == election.CheckPollBook:
			want = election.NotChecked // not run before decryption
		case c.Check >= election.CheckMixInput:
			want = election.NotApplicable
		case c.Check > election.CheckAggregation:
			want = election.NotChecked
		}
		if c.Verdict != want {
			t.Errorf("check %d (%s): %+v, want %v", c.Check, c.Check, c, want)
		}
	}
	keys := rec.Keys()
	et := rec.Tally()
	bh := rec.Election().BaseHash()
	var lists []*trustee.ShareList
	for _, ks := range testRecord.out.KeyShares {
		l, err := rec.TallyShares(ks)
		if err != nil {
			t.Fatal(err)
		}
		if err := trustee.VerifyShareList(bh[:], keys.VerificationKey(ks.Index()), et.Ciphertexts(), l); err != nil {
			t.Fatal(err)
		}
		lists = append(lists, l)
	}
	totals, _, err := tally.Decrypt(rec.Election(), keys, et, lists)
	if err != nil {
		t.Fatal(err)
	}
	for j, s := range totals.Contests[0].Selections {
		var want uint64
		for _, st := range testRecord.out.Results.Contests[0].Standings {
			if st.Code == s.Code {
				want = st.Count
			}
		}
		if s.Count != want {
			t.Errorf("candidate %d (code %d): %d votes, the record publishes %d", j, s.Code, s.Count, want)
		}
	}
	// The CodeList contests of the guild election: none.
	if _, err := rec.FinalRows(0); err == nil {
		t.Error("final rows of a board contest")
	}
	// Tally() is a copy: changing it changes nothing the trustee decrypts.
	et.Contests[0].Selections[0].Ciphertext = et.Contests[0].Selections[1].Ciphertext
	l, _ := rec.TallyShares(testRecord.out.KeyShares[0])
	if err := trustee.VerifyShareList(bh[:], keys.VerificationKey(1), rec.Tally().Ciphertexts(), l); err != nil {
		t.Error(err)
	}
}

// TestTrusteeRefusesForgedTally is the attack: a coordinator hands the
// trustees the record with a tally file of its own: one ballot's
// ciphertexts, whose decryption is that voter's vote, or a tally that is
// not the sum of the ballots that count. Each gets a refusal that names
// check 11, and no shares.
func TestTrusteeRefusesForgedTally(t *testing.T) {
	src := sharedRecord(t)
	published := boxDigest(t, src)
	e, cast, _ := castBallots(t, src)
	one := tally.NewAggregator(e)
	if err := one.Add(cast[5]); err != nil {
		t.Fatal(err)
	}
	r, _ := election.Open(src)
	honest, err := r.EncryptedTally()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		et   func() *tally.EncryptedTally
	}{
		{"one ballot's ciphertexts", one.Tally},
		{"one ballot's ciphertexts, claimed as the whole count", func() *tally.EncryptedTally {
			et := one.Tally()
			et.Ballots = honest.Ballots
			return et
		}},
		{"the sum with one ballot left out", func() *tally.EncryptedTally {
			// Subtract the ballot from the published sum.
			et, _ := new(tally.EncryptedTally).SetCanonicalBytes(honest.Bytes())
			for i, s := range et.Contests[0].Selections {
				ct := cast[5].Ciphertexts(0)[i]
				s.Ciphertext.Subtract(s.Ciphertext, ct)
			}
			et.Ballots--
			return et
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := beforeDecryption(t, src)
			writeTally(t, dir, tc.et())
			rec, err := election.VerifyForDecryption(dir, published, nil)
			var re *election.RefusalError
			if !errors.As(err, &re) || rec != nil {
				t.Fatalf("got %v, %v; want a refusal", rec, err)
			}
			t.Log(err)
			if !slices.Equal(re.Checks, []election.Check{election.CheckAggregation}) || !strings.Contains(err.Error(), "check 11 (aggregation)") {
				t.Errorf("refused for %v: %v", re.Checks, err)
			}
		})
	}
}

// TestTrusteeRefusesTruncatedBox: a coordinator keeps the beginning of the
// box's file, up to one voter's ballot, and the tally of that ballot. Such
// a record passes checks 1 to 11 (a prefix of every chain is a chain), so
// the trustee also requires the file the authority published when the box
// closed, and refuses this one.
func TestTrusteeRefusesTruncatedBox(t *testing.T) {
	src := sharedRecord(t)
	published := boxDigest(t, src)
	e, cast, lines := castBallots(t, src)
	dir := beforeDecryption(t, src)
	all := readLines(t, filepath.Join(dir, "ballots.jsonl"))
	last := lines[0] // the first cast ballot's line, from 1
	writeLines(t, filepath.Join(dir, "ballots.jsonl"), all[:last])
	// The challenged ballots before it stay in challenged.jsonl.
	var chal [][]byte
	for _, l := range readLines(t, filepath.Join(dir, "challenged.jsonl")) {
		var c struct{ Line int }
		json.Unmarshal(l, &c)
		if c.Line < last {
			chal = append(chal, l)
		}
	}
	writeLines(t, filepath.Join(dir, "challenged.jsonl"), chal)
	one := tally.NewAggregator(e)
	if err := one.Add(cast[0]); err != nil {
		t.Fatal(err)
	}
	writeTally(t, dir, one.Tally())

	// Checks 1 to 11 do not tell: the truncated record passes them. The
	// stations' closing certificates, cut off with the ballots, do: check
	// 21 finds that the stations never closed.
	rep, err := election.Verify(dir, &election.Options{Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Failed(); len(f) != 1 || f[0] != election.CheckClosings {
		t.Fatalf("the truncated record fails checks %v, want only check 21: %v", f, rep.Findings)
	}
	if rep.Ballots.Counted != 1 {
		t.Fatalf("%d ballots count in the truncated record, want 1", rep.Ballots.Counted)
	}
	// The trustee, given the published digest, refuses it.
	rec, err := election.VerifyForDecryption(dir, published, nil)
	if err == nil || rec != nil || !strings.Contains(err.Error(), "not the published") {
		t.Fatalf("got %v, %v; want a refusal of the truncated box", rec, err)
	}
	t.Log(err)
}

// TestTrusteeRefusesForeignKeyShare: a key share of another ceremony, or
// of a trustee the record does not have, makes no shares of the record.
func TestTrusteeRefusesForeignKeyShare(t *testing.T) {
	src := sharedRecord(t)
	rec, err := election.VerifyForDecryption(beforeDecryption(t, src), boxDigest(t, src), nil)
	if err != nil {
		t.Fatal(err)
	}
	sharedCouncil(t)
	if l, err := rec.TallyShares(councilRecord.out.KeyShares[0]); err == nil || l != nil {
		t.Errorf("a key share of another ceremony made shares: %v", err)
	}
	if _, err := rec.TallyShares(nil); err == nil {
		t.Error("no key share made shares")
	}
}

// TestVerifyFileChangedDuringVerification: a tally file swapped after
// check 11 compared it (while the shares are checked, or a trustee's
// partial verification ends) changes nothing: the verifier and the trustee
// decrypt the tally that check 11 recomputed from the ballots, never a
// file read after the check.
func TestVerifyFileChangedDuringVerification(t *testing.T) {
	src := sharedRecord(t)
	e, cast, _ := castBallots(t, src)
	one := tally.NewAggregator(e)
	if err := one.Add(cast[0]); err != nil {
		t.Fatal(err)
	}
	forged, err := one.Tally().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, partial := range []bool{false, true} {
		dir := copyTree(t, src)
		if partial {
			dir = beforeDecryption(t, src)
		}
		swap := func(stage string, _, _ int64) {
			if stage == "decryption" {
				os.WriteFile(filepath.Join(dir, "tally", "encrypted.json"), forged, 0o644)
			}
		}
		opts := &election.Options{Partial: partial, Progress: swap}
		if partial {
			rec, err := election.VerifyForDecryption(dir, boxDigest(t, src), opts)
			if err != nil {
				t.Fatalf("trustee: %v", err)
			}
			if rec.Tally().Ballots == 1 {
				t.Error("the trustee would decrypt the tally swapped in after the check")
			}
			continue
		}
		rep, err := election.Verify(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			t.Errorf("the verifier read the swapped tally: %v", f)
		}
	}
}

// TestTrusteeDecryptsOnlyCompleteCascade: on the council record, the
// trustees decrypt the final list of the cascade, and only once it is
// complete: with a stage missing, or a forged stage in its place, the
// tally can still be decrypted but the rows cannot.
func TestTrusteeDecryptsOnlyCompleteCascade(t *testing.T) {
	src := sharedCouncil(t)
	published := boxDigest(t, src)
	ks := councilRecord.out.KeyShares

	dir := beforeDecryption(t, src)
	rec, err := election.VerifyForDecryption(dir, published, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := rec.Report().Cascades; len(c) != 1 || !c[0].Complete {
		t.Fatalf("cascades %+v", c)
	}
	final, err := rec.FinalRows(0)
	if err != nil || final == nil {
		t.Fatalf("final rows %v, %v", final, err)
	}
	r, _ := election.Open(src)
	want, err := r.RowShareLists(0)
	if err != nil {
		t.Fatal(err)
	}
	bh := rec.Election().BaseHash()
	var lists []*trustee.ShareList
	for _, w := range want {
		l, err := rec.RowShares(ks[w.Trustee()-1], 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := trustee.VerifyShareList(bh[:], rec.Keys().VerificationKey(w.Trustee()), tally.RowCiphertexts(final), l); err != nil {
			t.Fatal(err)
		}
		lists = append(lists, l)
	}
	rows, _, err := tally.DecryptRows(rec.Election(), rec.Keys(), 0, final, lists)
	if err != nil {
		t.Fatal(err)
	}
	published0, _ := r.DecodedRows(0)
	for k := range rows {
		if !slices.Equal(rows[k].Codes, published0[k].Codes) || rows[k].Invalid != published0[k].Invalid {
			t.Fatalf("row %d decrypts to %v, the record publishes %v", k, rows[k], published0[k])
		}
	}
	if _, err := rec.RowShares(ks[0], 1); err == nil {
		t.Error("shares of a contest that does not exist")
	}

	// The last stage is missing: the cascade is not complete.
	dir = beforeDecryption(t, src)
	stages, _ := filepath.Glob(filepath.Join(dir, "mixnet", "0", "stages", "*.bin"))
	slices.Sort(stages)
	lastStage := stages[len(stages)-1]
	os.Remove(lastStage)
	rehash(t, dir)
	rec, err = election.VerifyForDecryption(dir, published, nil)
	if err != nil {
		t.Fatal(err) // the tally still decrypts
	}
	if _, err := rec.TallyShares(ks[0]); err != nil {
		t.Fatal(err)
	}
	if l, err := rec.RowShares(ks[0], 0); err == nil || l != nil || !strings.Contains(err.Error(), "not complete") {
		t.Errorf("rows of an incomplete cascade: %v, %v", l, err)
	}
	if rep := rec.Report(); len(rep.Findings) != 0 || rep.Cascades[0].Complete {
		t.Errorf("a cascade in progress: findings %v, cascades %+v", rep.Findings, rep.Cascades)
	}

	// In its place, the first stage again: rejected, so not complete.
	first, _ := os.ReadFile(stages[0])
	os.WriteFile(lastStage, first, 0o644)
	rehash(t, dir)
	rec, err = election.VerifyForDecryption(dir, published, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := rec.RowShares(ks[0], 0); err == nil || l != nil {
		t.Errorf("rows of a cascade with a forged stage: %v, %v", l, err)
	}
}

package election

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// A trustee decrypts only what the record requires to be decrypted
// (docs/spec.md, "Trustees", "What a trustee decrypts"): the encrypted
// tally that it recomputed from the record's ballots itself, and the final
// list of a mix cascade that it verified complete. The primitive
// underneath, trustee.KeyShare.DecryptSharesUnchecked, decrypts whatever
// list it is given; a coordinator who handed a trustee tool one ballot's
// ciphertexts would learn that vote.

// VerifyForDecryption is a trustee's step before it decrypts: it verifies
// the election record in folder dir as it stands before decryption, with
// a partial verification (Options.Partial: checks 1 to 11, and checks 16
// and 17 of the mix cascades present), and returns the VerifiedRecord,
// from which the trustee's key share makes shares of exactly what the
// record requires to be decrypted: the encrypted tally of the ballots that
// count (TallyShares) and the final list of each complete mix cascade
// (RowShares). Shares, decoded rows and results already in the folder are
// neither read nor needed.
//
// ballots is the SHA-256 of ballots.jsonl that the election authority
// published when the ballot box closed (the file's line in SHA256SUMS),
// which the trustee must learn from that publication, not from whoever
// hands it the record. The checks cannot tell the box's file from a
// shorter file of the same election's ballots (a prefix of every chain
// verifies), and the tally of a file that holds one ballot is that
// ballot's vote.
//
// It returns a *RefusalError, whose Report holds every finding, if a check
// among 1 to 11 fails, or if check 21 or 22 fails (a station's device
// opened and has not closed: its late ballots would be revealed by the
// difference of two decrypted tallies), and another error if ballots.jsonl is not the
// published file or the record cannot be read (as Verify). The folder must
// not change while it runs: a trustee verifies its own copy. A file read
// twice with different content is an error.
func VerifyForDecryption(dir string, ballots [sha256.Size]byte, opts *Options) (*VerifiedRecord, error) {
	// A first look, so that the wrong file is refused in seconds; the
	// digest that counts is that of the bytes the verification read.
	if err := checkBallotsDigest(dir, ballots); err != nil {
		return nil, err
	}
	o := Options{}
	if opts != nil {
		o = *opts
	}
	o.Partial = true
	v, err := verify(dir, &o)
	if err != nil {
		return nil, err
	}
	rep := v.report()
	var failed []Check
	for c := CheckParameters; c <= CheckAggregation; c++ {
		if rep.Checks[c-1].Verdict != Passed {
			failed = append(failed, c) // failed, or not checked
		}
	}
	// Every polling station closed: a tally decrypted while a device may
	// still upload would, decrypted again with the late ballots, reveal
	// their sum (docs/spec.md, Trustees, "What a trustee decrypts").
	for _, c := range []Check{CheckClosings, CheckIncidents} {
		if v := rep.Checks[c-1].Verdict; v != Passed && v != NotApplicable {
			failed = append(failed, c)
		}
	}
	if len(failed) > 0 {
		return nil, &RefusalError{Checks: failed, Report: rep}
	}
	if got := v.hashes[fileBallots]; got != ballots {
		return nil, fmt.Errorf("election: %s: SHA-256 %x, not the published %x: the record does not hold the closed ballot box's file", fileBallots, got, ballots)
	}
	if v.e == nil || v.keys == nil || v.recomputed == nil {
		// Checks 1, 2 and 11 passed, so these are known.
		panic("election: internal error: a verified record without its election, keys or tally")
	}
	d := &VerifiedRecord{
		report: rep, e: v.e, keys: v.keys,
		tally: v.recomputed.Bytes(), cts: v.recomputed.Ciphertexts(),
		rows: make(map[int]*mixnet.Rows), why: make(map[int]string),
		next: make(map[int]nextStage), mixWhy: make(map[int]string),
	}
	for k, c := range v.manifest.Contests {
		if !c.Mixed() {
			continue
		}
		d.why[k] = v.cascadeProblem(k, &c)
		if d.why[k] == "" {
			d.rows[k] = v.final[k] // nil if no ballot counts
		}
		d.mixWhy[k] = v.mixFilesProblem(&c)
		if n, ok := v.current[k]; ok && d.mixWhy[k] == "" {
			d.next[k] = n
		}
	}
	return d, nil
}

// checkBallotsDigest hashes ballots.jsonl in dir and compares it with want.
func checkBallotsDigest(dir string, want [sha256.Size]byte) error {
	r, err := Open(dir)
	if err != nil {
		return err
	}
	// Opened without blocking: a named pipe is refused, not waited on.
	f, err := r.open(fileBallots)
	if err != nil {
		return fmt.Errorf("election: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("election: %v", err)
	}
	if got := [sha256.Size]byte(h.Sum(nil)); got != want {
		return fmt.Errorf("election: %s: SHA-256 %x, not the published %x: the record does not hold the closed ballot box's file", fileBallots, got, want)
	}
	return nil
}

// cascadeProblem says why the final list of CodeList or Ranked contest i, at index k of
// the manifest, is not to be decrypted after a partial verification, or
// returns "" if it is: its cascade must be complete, with no finding of
// check 16 or 17 about the contest or about no contest.
func (v *verifier) cascadeProblem(k int, c *ballot.Contest) string {
	if why := v.mixFilesProblem(c); why != "" {
		return why
	}
	for _, cr := range v.cascades {
		if cr.Contest != c.ID {
			continue
		}
		switch {
		case !cr.Complete:
			return fmt.Sprintf("its cascade is not complete: %d of %s accepted, %d required", countAccepted(cr.Stages), prose.Count(len(cr.Stages), "stage"), cr.Required)
		case cr.Rows > 0 && v.final[k] == nil:
			return "its final list is unavailable"
		}
		return ""
	}
	return "its cascade was not checked"
}

// mixFilesProblem says what checks 16 and 17 found wrong with the mixnet
// files of CodeList or Ranked contest c, or returns "" if they found nothing that
// names the contest or no contest.
func (v *verifier) mixFilesProblem(c *ballot.Contest) string {
	for _, ch := range []Check{CheckMixInput, CheckMixStages} {
		if n := v.contestFailures[checkContest{ch, c.ID}] + v.contestFailures[checkContest{ch, ""}]; n > 0 {
			return fmt.Sprintf("check %d (%s) found %s with its mixnet files", int(ch), ch, prose.Count(n, "problem"))
		}
		if len(v.notChecked[ch]) > 0 {
			return fmt.Sprintf("check %d (%s) was not checked: %s", int(ch), ch, v.notChecked[ch][0])
		}
	}
	return ""
}

// A nextStage is the next stage of a cascade and the list it is to mix.
type nextStage struct {
	index uint32
	in    *mixnet.Rows
}

// A RefusalError is returned by VerifyForDecryption when the record fails
// a check that the trustees' decryption requires: the trustee must not
// decrypt it.
type RefusalError struct {
	// Checks are the required checks that failed or were not checked,
	// ascending.
	Checks []Check
	// Report is the partial verification's report, with every finding.
	Report *Report
}

// Error names the failed checks and the first finding of each.
func (e *RefusalError) Error() string {
	var s []string
	for _, c := range e.Checks {
		what := fmt.Sprintf("check %d (%s) failed", int(c), c)
		if r := e.Report.Checks[c-1]; r.Verdict == NotChecked && len(r.NotChecked) > 0 {
			what = fmt.Sprintf("check %d (%s) was not checked: %s", int(c), c, r.NotChecked[0])
		}
		for _, f := range e.Report.Findings {
			if f.Check == c {
				what = f.String()
				break
			}
		}
		s = append(s, what)
	}
	return "election: the record fails checks that must pass before the trustees decrypt: " + strings.Join(s, "; ")
}

// A VerifiedRecord is an election record that VerifyForDecryption has
// verified up to what the trustees decrypt. It holds the encrypted tally
// that check 11 found equal to the sum of the ballots that count, and the
// final list of every complete cascade that checks 16 and 17 accepted, and
// makes a trustee's decryption shares of these and of nothing else. It
// never changes, and is safe for concurrent use.
type VerifiedRecord struct {
	report *Report
	e      *ballot.Election
	keys   *trustee.Result
	tally  []byte                // canonical encoding of the verified tally
	cts    []*elgamal.Ciphertext // its ciphertexts, in tally order
	rows   map[int]*mixnet.Rows  // final list of each decryptable CodeList contest (nil: no ballot counts)
	why    map[int]string        // for each CodeList contest, why its rows are not decryptable, or ""
	next   map[int]nextStage     // the next stage of each CodeList contest's cascade, if it can be mixed
	mixWhy map[int]string        // for each CodeList contest, what is wrong with its mixnet files, or ""
}

// Report returns the report of the partial verification.
func (d *VerifiedRecord) Report() *Report { return d.report }

// Election returns the verified election.
func (d *VerifiedRecord) Election() *ballot.Election { return d.e }

// Keys returns a copy of the outcome of the key ceremony, recomputed by
// check 2 (trustee.VerifyCeremony), which names the record's election
// (check 2 compared the roster's election identifier with the manifest's):
// tally.Decrypt and tally.DecryptRows combine the shares with it.
func (d *VerifiedRecord) Keys() *trustee.Result { return d.keys.Clone() }

// Tally returns a copy of the verified encrypted tally: tally.Decrypt
// combines the trustees' shares of it.
func (d *VerifiedRecord) Tally() *tally.EncryptedTally {
	t, err := new(tally.EncryptedTally).SetCanonicalBytes(d.tally)
	if err != nil {
		panic("election: internal error: " + err.Error())
	}
	return t
}

// FinalRows returns the final list of the cascade of CodeList or Ranked contest i (its
// index in the manifest), which tally.DecryptRows combines the trustees'
// shares of. It returns nil and no error if no ballot counts, and an
// error if i is not a CodeList or Ranked contest or its cascade was not verified
// complete.
func (d *VerifiedRecord) FinalRows(i int) (*mixnet.Rows, error) {
	why, ok := d.why[i]
	if !ok {
		return nil, fmt.Errorf("election: contest %d is not a codes contest of the manifest", i)
	}
	if why != "" {
		return nil, fmt.Errorf("election: contest %d (%s): the mixed rows are not decrypted: %s", i, d.e.Manifest().Contests[i].ID, why)
	}
	return d.rows[i], nil
}

// NextStage returns what the next mix server of the cascade of CodeList
// contest i (its index in the manifest) is to mix: the index of the next
// stage, which is the number of stages in the record, and the cascade's
// current list as checks 16 and 17 found it, which is the input list
// rebuilt from the ballots that count until a stage is accepted, then the
// output of the last accepted stage. A mix server mixes this list
// (mixnet.Mix, with MixParams and the index) and no list that someone
// hands it (docs/spec.md, "Trustees", "What a mix server mixes").
//
// It fails if i is not a CodeList or Ranked contest, if no ballot counts in it
// (there is nothing to mix), or if check 16 or 17 found a problem with
// the contest's mixnet files. A complete cascade has a next stage too:
// a cascade may accept more stages than its contest requires; the
// report's CascadeReport says whether it is complete, and which trustees
// have mixed.
func (d *VerifiedRecord) NextStage(i int) (uint32, *mixnet.Rows, error) {
	why, ok := d.mixWhy[i]
	if !ok {
		return 0, nil, fmt.Errorf("election: contest %d is not a codes contest of the manifest", i)
	}
	id := d.e.Manifest().Contests[i].ID
	if why != "" {
		return 0, nil, fmt.Errorf("election: contest %d (%s): the cascade is not mixed further: %s", i, id, why)
	}
	n, ok := d.next[i]
	switch {
	case !ok:
		return 0, nil, fmt.Errorf("election: contest %d (%s): its cascade was not checked", i, id)
	case n.in == nil:
		return 0, nil, fmt.Errorf("election: contest %d (%s): no ballot counts, so there are no rows to mix", i, id)
	}
	return n.index, n.in, nil
}

// checkKeyShare checks that k is the key share of a trustee of the
// record's ceremony.
func (d *VerifiedRecord) checkKeyShare(k *trustee.KeyShare) error {
	if k == nil {
		return errors.New("election: no key share")
	}
	if !bytes.Equal(k.Ceremony(), d.keys.Ceremony) {
		return fmt.Errorf("election: trustee %d's key share is of ceremony %x, and the record's ceremony (election %q) is %x", k.Index(), k.Ceremony(), d.keys.ElectionID(), d.keys.Ceremony)
	}
	vk := d.keys.VerificationKey(k.Index())
	if vk == nil || vk.Equal(k.VerificationKey()) != 1 {
		return fmt.Errorf("election: trustee %d's key share does not match the trustee's verification key in the record", k.Index())
	}
	return nil
}

// TallyShares returns trustee k's decryption shares of the verified
// encrypted tally, in tally order, with their proofs bound to the
// election's base hash (trustee.KeyShare.DecryptSharesUnchecked), for
// tally/shares/<j>.json (Writer.WriteShareList). k must be the key share of
// a trustee of the record's ceremony.
func (d *VerifiedRecord) TallyShares(k *trustee.KeyShare) (*trustee.ShareList, error) {
	if err := d.checkKeyShare(k); err != nil {
		return nil, err
	}
	bh := d.e.BaseHash()
	return k.DecryptSharesUnchecked(bh[:], d.cts)
}

// TallySharesFromSeed is TallyShares with the proof nonces derived from a
// 32-byte secret seed (trustee.KeyShare.DecryptSharesUncheckedFromSeed),
// for tests and reproducible demonstrations only.
func (d *VerifiedRecord) TallySharesFromSeed(k *trustee.KeyShare, seed []byte) (*trustee.ShareList, error) {
	if err := d.checkKeyShare(k); err != nil {
		return nil, err
	}
	bh := d.e.BaseHash()
	return k.DecryptSharesUncheckedFromSeed(bh[:], d.cts, seed)
}

// rowCiphertexts returns the ciphertexts of the final list of CodeList
// contest i, in row order, or an error if they are not to be decrypted.
func (d *VerifiedRecord) rowCiphertexts(k *trustee.KeyShare, i int) ([]*elgamal.Ciphertext, error) {
	if err := d.checkKeyShare(k); err != nil {
		return nil, err
	}
	rows, err := d.FinalRows(i)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		return nil, fmt.Errorf("election: contest %d (%s): no ballot counts, so there are no rows to decrypt", i, d.e.Manifest().Contests[i].ID)
	}
	return tally.RowCiphertexts(rows), nil
}

// RowShares returns trustee k's decryption shares of the final list of the
// cascade of CodeList or Ranked contest i (its index in the manifest), in row order
// (tally.RowCiphertexts), for mixnet/<i>/shares/<j>.bin
// (Writer.WriteRowShareList). It fails if the cascade was not verified
// complete (FinalRows), or no ballot counts in the contest.
func (d *VerifiedRecord) RowShares(k *trustee.KeyShare, i int) (*trustee.ShareList, error) {
	cts, err := d.rowCiphertexts(k, i)
	if err != nil {
		return nil, err
	}
	bh := d.e.BaseHash()
	return k.DecryptSharesUnchecked(bh[:], cts)
}

// RowSharesFromSeed is RowShares with the proof nonces derived from a
// 32-byte secret seed (trustee.KeyShare.DecryptSharesUncheckedFromSeed),
// for tests and reproducible demonstrations only.
func (d *VerifiedRecord) RowSharesFromSeed(k *trustee.KeyShare, i int, seed []byte) (*trustee.ShareList, error) {
	cts, err := d.rowCiphertexts(k, i)
	if err != nil {
		return nil, err
	}
	bh := d.e.BaseHash()
	return k.DecryptSharesUncheckedFromSeed(bh[:], cts, seed)
}

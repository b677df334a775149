package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/trustee"
)

var decryptCommand = &command{
	name: "decrypt",
	about: "Makes the trustee's decryption shares, each with its proof, of what the\n" +
		"election record requires to be decrypted, and of nothing else: it verifies its\n" +
		"own copy of the record first (election.VerifyForDecryption: checks 1 to 11 and,\n" +
		"for each codes or ranked contest, checks 16 and 17), with the SHA-256 of ballots.jsonl that\n" +
		"the election authority published when the box closed. It then writes the shares\n" +
		"of the encrypted tally that it recomputed from the ballots, to\n" +
		"SHARED/tally-shares-<j>.json (the form of the record's tally/shares/<j>.json),\n" +
		"and of the final list of each codes or ranked contest's cascade, to\n" +
		"SHARED/mixnet-<i>-shares-<j>.bin (as mixnet/<i>/shares/<j>.bin). It refuses, and\n" +
		"writes nothing, if the record fails a check or a cascade is not complete.\n" +
		"The key share is STATE/keyshare-<c>.sealed, of the record's ceremony.\n",
	run: runDecrypt,
}

func runDecrypt(c *cmdline) error {
	state, shared := c.folders("where the shares are written")
	rf := c.recordFlags()
	passFile := c.passphraseFlag()
	if err := c.parse(0, "state", "shared", "record"); err != nil {
		return err
	}
	digest, err := c.ballotsDigest(rf)
	if err != nil {
		return err
	}
	// The key share of the ceremony that the record's roster names, opened
	// first so that a wrong passphrase is known at once; the verification
	// then checks that it is the record's ceremony.
	r, err := election.Open(*rf.record)
	if err != nil {
		return err
	}
	cer, err := r.Ceremony()
	if err != nil {
		return refuseContent(err)
	}
	ksPath := filepath.Join(*state, keyShareFile(cer.Roster.Hash()))
	data, err := regular.ReadFile(ksPath, maxMessageFile)
	if err != nil {
		return fmt.Errorf("%v (the key share of the record's ceremony %x, which trustee result writes)", err, cer.Roster.Hash())
	}
	pass, err := c.passphrase(*passFile, false)
	if err != nil {
		return err
	}
	ks, err := trustee.OpenKeyShare(data, pass)
	if err != nil {
		return openError(ksPath, err)
	}
	j := ks.Index()
	if err := checkAbsent(filepath.Join(*shared, tallySharesFile(j))); err != nil {
		return err
	}

	rec, err := c.verifyRecord(rf, digest)
	if err != nil {
		return err
	}
	m := rec.Election().Manifest()
	type output struct {
		path, what string
		data       []byte
	}
	outs := []output{{path: filepath.Join(*shared, tallySharesFile(j))}}
	var contests []int
	for i, ct := range m.Contests {
		if !ct.Mixed() {
			continue
		}
		rows, err := rec.FinalRows(i)
		if err != nil {
			return refuse(err)
		}
		if rows == nil {
			c.printf("Contest %q: no ballot counts, so there are no rows to decrypt.", ct.ID)
			continue
		}
		contests = append(contests, i)
		outs = append(outs, output{path: filepath.Join(*shared, rowSharesFile(i, j))})
	}
	for _, o := range outs {
		if err := checkAbsent(o.path); err != nil {
			return err
		}
	}

	c.progress(*rf.quiet, "trustee %d: decrypting…", j)
	tl, err := rec.TallyShares(ks)
	if err != nil {
		return refuse(err)
	}
	if outs[0].data, err = indent(tl); err != nil {
		return err
	}
	outs[0].what = fmt.Sprintf("trustee %d's shares of the encrypted tally (%s)", j, prose.Count(tl.Len(), "ciphertext"))
	for k, i := range contests {
		rl, err := rec.RowShares(ks, i)
		if err != nil {
			return refuse(err)
		}
		outs[k+1].data = rl.Bytes()
		outs[k+1].what = fmt.Sprintf("trustee %d's shares of the final rows of contest %q (%s)", j, m.Contests[i].ID, prose.Count(rl.Len(), "ciphertext"))
	}
	// All of them or none.
	var written []string
	for _, o := range outs {
		if _, err := publish(o.path, o.data, 0o644); err != nil {
			for _, w := range written {
				os.Remove(w)
			}
			return err
		}
		written = append(written, o.path)
	}
	for _, o := range outs {
		c.printf("wrote %s: %s", o.path, o.what)
	}
	return nil
}

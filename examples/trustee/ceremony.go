package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/trustee"
)

var initCommand = &command{
	name: "init",
	about: "Creates the trustee's identity: an Ed25519 key that signs its messages and an\n" +
		"X25519 key to which the others encrypt its shares. It seals them under a new\n" +
		"passphrase in STATE/identity.sealed, and writes their public halves to\n" +
		"SHARED/member-<key>.json for the roster. Run again on an existing identity, it\n" +
		"writes the member file again.\n",
	run: runInit,
}

var rosterCommand = &command{
	name: "roster",
	args: " MEMBER-FILE...",
	about: "Makes the roster of the ceremony, SHARED/roster.json, from the members' files\n" +
		"that init wrote, in the order given: the first is trustee 1. Anyone can run it\n" +
		"(the coordinator, once); every trustee checks at round1 that the roster lists\n" +
		"its identity, and sees the whole roster there.\n",
	run: runRoster,
}

var round1Command = &command{
	name: "round1",
	about: "Round 1 of the key ceremony: draws the trustee's secret polynomial, seals its\n" +
		"state in STATE/ceremony-<c>.sealed and publishes the commitments to it, each\n" +
		"with a proof of knowledge, in SHARED/commitments-<j>.json. It reads\n" +
		"SHARED/roster.json and prints it: check that it is the roster agreed.\n",
	run: runRound1,
}

var round2Command = &command{
	name: "round2",
	about: "Round 2 of the key ceremony: publishes the trustee's share for each other\n" +
		"trustee, encrypted to that trustee's key and signed, in SHARED/shares-<j>.json.\n",
	run: func(c *cmdline) error { return runRound(c, roundShares) },
}

var round3Command = &command{
	name: "round3",
	about: "Round 3 of the key ceremony: reads every trustee's commitments and shares\n" +
		"(SHARED/commitments-<k>.json, SHARED/shares-<k>.json), decrypts and checks the\n" +
		"shares sent to this trustee, and publishes a complaint against each dealer\n" +
		"whose share is missing, undecryptable or inconsistent with its commitments in\n" +
		"SHARED/complaints-<j>.json (an empty list if there is none).\n",
	run: func(c *cmdline) error { return runRound(c, roundComplaints) },
}

var round4Command = &command{
	name: "round4",
	about: "Round 4 of the key ceremony: reads every trustee's complaints\n" +
		"(SHARED/complaints-<k>.json) and answers each one against this trustee by\n" +
		"revealing the share it accuses, in SHARED/responses-<j>.json (an empty list if\n" +
		"there is none).\n",
	run: func(c *cmdline) error { return runRound(c, roundResponses) },
}

var resultCommand = &command{
	name: "result",
	about: "Ends the key ceremony: reads every trustee's messages of the four rounds and\n" +
		"judges them (the judgment of trustee.VerifyCeremony: the qualified dealers, each\n" +
		"exclusion and complaint, the joint public key and every verification key),\n" +
		"publishes the outcome in SHARED/result-<j>.json, seals the trustee's key share\n" +
		"in STATE/keyshare-<c>.sealed and removes STATE/ceremony-<c>.sealed. Every\n" +
		"trustee's result file must be the same; the coordinator compares them.\n",
	run: func(c *cmdline) error { return runRound(c, roundResult) },
}

// folders defines -state and -shared on c's flags.
func (c *cmdline) folders(sharedUse string) (state, shared *string) {
	state = c.flags.String("state", "", "this trustee's own `DIR`ectory, holding its sealed identity, ceremony state and key shares (keep it private, and a backup of it)")
	shared = c.flags.String("shared", "", "the shared `DIR`ectory "+sharedUse)
	return state, shared
}

// wrote prints what publish did with path.
func (c *cmdline) wrote(path string, written bool) {
	if written {
		c.printf("wrote %s", path)
	} else {
		c.printf("%s: already published, unchanged", path)
	}
}

func runInit(c *cmdline) error {
	state, shared := c.folders("where the member file for the roster is written")
	name := c.flags.String("name", "", "the trustee's `NAME` in the roster, as people know it (UTF-8, 1 to 255 bytes, no control character)")
	passFile := c.passphraseFlag()
	if err := c.parse(0, "state", "shared", "name"); err != nil {
		return err
	}
	idPath := filepath.Join(*state, identityFile)
	var id *trustee.Identity
	old, err := regular.ReadFile(idPath, maxMessageFile)
	switch {
	case err == nil:
		// Run again: the member file of the existing identity.
		pass, err := c.passphrase(*passFile, false)
		if err != nil {
			return err
		}
		if id, err = trustee.OpenIdentity(old, pass); err != nil {
			return openError(idPath, err)
		}
		if id.Name() != *name {
			return fmt.Errorf("%s holds the identity of %q, not of %q: this folder has an identity already", idPath, id.Name(), *name)
		}
	case errors.Is(err, fs.ErrNotExist):
		if id, err = trustee.NewIdentity(*name); err != nil {
			return c.usageError("-name: %v", err)
		}
		pass, err := c.passphrase(*passFile, true)
		if err != nil {
			return err
		}
		data, err := id.Seal(pass)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*state, 0o700); err != nil {
			return err
		}
		if _, err := publish(idPath, data, 0o600); err != nil {
			return err
		}
		c.printf("wrote %s: the identity of %q, sealed under the passphrase", idPath, id.Name())
	default:
		return err
	}
	m := id.Member(0)
	data, err := indent(member{Name: m.Name, SigningKey: hex.EncodeToString(m.SigningKey), EncryptionKey: hex.EncodeToString(m.EncryptionKey)})
	if err != nil {
		return err
	}
	path := filepath.Join(*shared, memberFile(m.SigningKey))
	written, err := publish(path, data, 0o644)
	if err != nil {
		return err
	}
	c.wrote(path, written)
	c.printf("signing key %x: give the member file to the coordinator for the roster, and check at round1 that the roster lists this key", m.SigningKey)
	return nil
}

func runRoster(c *cmdline) error {
	shared := c.flags.String("shared", "", "the shared `DIR`ectory, where roster.json is written")
	electionID := c.flags.String("election", "", "the election's `ID`entifier, the ElectionID of its manifest")
	threshold := c.flags.Int("threshold", 0, "the number `t` of trustees needed to decrypt, 1 to the number of members")
	if err := c.parse(1, "shared", "election", "threshold"); err != nil {
		return err
	}
	files := c.flags.Args()
	if n := len(*electionID); n > trustee.MaxElectionIDSize {
		return c.usageError("-election: %d bytes, want 1 to %d", n, trustee.MaxElectionIDSize)
	}
	if *threshold < 1 || *threshold > len(files) {
		return c.usageError("-threshold %d: want 1 to the number of members, %d", *threshold, len(files))
	}
	members := make([]trustee.Member, len(files))
	for k, path := range files {
		var err error
		if members[k], err = readMember(path, k+1); err != nil {
			return err
		}
	}
	r, err := trustee.NewRoster(*electionID, *threshold, members)
	if err != nil {
		return refuse(err)
	}
	data, err := indent(r)
	if err != nil {
		return err
	}
	path := filepath.Join(*shared, rosterFile)
	written, err := publish(path, data, 0o644)
	if err != nil {
		return err
	}
	printRoster(c, r)
	c.wrote(path, written)
	return nil
}

// printRoster prints the roster for the trustee to check.
func printRoster(c *cmdline, r *trustee.Roster) {
	c.printf("Ceremony %x of election %q: %s, threshold %d.", r.Hash(), r.ElectionID(), prose.Count(r.Size(), "trustee"), r.Threshold())
	for j := 1; j <= r.Size(); j++ {
		m := r.Member(j)
		c.printf("  %3d  %-24q signing key %x", j, m.Name, m.SigningKey)
	}
}

// absentFlag defines -absent on c's flags.
func (c *cmdline) absentFlag() *string {
	return c.flags.String("absent", "", "comma-separated `LIST` of trustees (by index) whose files of the earlier rounds are not there and will not come: go on without them (what they did not send counts as missing)")
}

// parseAbsent parses the value of -absent: trustee indices.
func (c *cmdline) parseAbsent(s string) (map[int]bool, error) {
	absent := make(map[int]bool)
	if s == "" {
		return absent, nil
	}
	for _, f := range strings.Split(s, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return nil, c.usageError("-absent %q: %q is not a trustee's index", s, f)
		}
		absent[k] = true
	}
	return absent, nil
}

func runRound1(c *cmdline) error {
	state, shared := c.folders("holding roster.json, where the commitments are written")
	passFile := c.passphraseFlag()
	if err := c.parse(0, "state", "shared"); err != nil {
		return err
	}
	roster, err := readRoster(*shared)
	if err != nil {
		return err
	}
	pass, err := c.passphrase(*passFile, false)
	if err != nil {
		return err
	}
	statePath := filepath.Join(*state, ceremonyStateFile(roster.Hash()))
	var tr *trustee.Trustee
	data, err := regular.ReadFile(statePath, maxMessageFile)
	switch {
	case err == nil:
		// Run again: the same commitments.
		if tr, err = trustee.OpenTrustee(data, pass); err != nil {
			return openError(statePath, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		idPath := filepath.Join(*state, identityFile)
		idData, err := regular.ReadFile(idPath, maxMessageFile)
		if err != nil {
			return fmt.Errorf("%v (run trustee init first)", err)
		}
		id, err := trustee.OpenIdentity(idData, pass)
		if err != nil {
			return openError(idPath, err)
		}
		if tr, err = trustee.NewTrustee(roster, id); err != nil {
			return refusef("%s: %v", filepath.Join(*shared, rosterFile), err)
		}
	default:
		return err
	}
	if !bytes.Equal(tr.Roster().Hash(), roster.Hash()) {
		return refusef("%s is the state of another ceremony than %s", statePath, filepath.Join(*shared, rosterFile))
	}
	printRoster(c, roster)
	c.printf("This trustee is trustee %d, %q.", tr.Index(), roster.Member(tr.Index()).Name)
	m, err := tr.Round1()
	if err != nil {
		return err
	}
	return c.finishStep(tr, pass, statePath, filepath.Join(*shared, roundFile(roundCommitments, tr.Index())), m)
}

// finishStep seals the trustee's state and publishes the step's messages
// msgs at out. If out holds other messages already, nothing is written.
func (c *cmdline) finishStep(tr *trustee.Trustee, pass []byte, statePath, out string, msgs any) error {
	data, err := indent(msgs)
	if err != nil {
		return err
	}
	if old, err := regular.ReadFile(out, int64(len(data))); err == nil && !bytes.Equal(old, data) || err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &existsError{path: out, differs: true}
	}
	st, err := tr.Seal(pass)
	if err != nil {
		return err
	}
	if err := replace(statePath, st); err != nil {
		return err
	}
	written, err := publish(out, data, 0o644)
	if err != nil {
		return err
	}
	c.wrote(out, written)
	return nil
}

// runRound runs round 2, 3 or 4 of the ceremony, or its result.
func runRound(c *cmdline, rd round) error {
	use := "holding roster.json and the trustees' messages, where this trustee's are written"
	state, shared := c.folders(use)
	var absentList *string
	if rd >= roundComplaints {
		absentList = c.absentFlag()
	}
	passFile := c.passphraseFlag()
	if err := c.parse(0, "state", "shared"); err != nil {
		return err
	}
	absent := map[int]bool{}
	if absentList != nil {
		var err error
		if absent, err = c.parseAbsent(*absentList); err != nil {
			return err
		}
	}
	roster, err := readRoster(*shared)
	if err != nil {
		return err
	}
	statePath := filepath.Join(*state, ceremonyStateFile(roster.Hash()))
	data, err := regular.ReadFile(statePath, maxMessageFile)
	if errors.Is(err, fs.ErrNotExist) {
		ks := filepath.Join(*state, keyShareFile(roster.Hash()))
		if _, err := os.Lstat(ks); err == nil {
			return fmt.Errorf("the ceremony of %s is finished: %s holds this trustee's key share", filepath.Join(*shared, rosterFile), ks)
		}
		return fmt.Errorf("%s is not there: run round1 first (with the same -state and -shared)", statePath)
	}
	if err != nil {
		return err
	}
	pass, err := c.passphrase(*passFile, false)
	if err != nil {
		return err
	}
	tr, err := trustee.OpenTrustee(data, pass)
	if err != nil {
		return openError(statePath, err)
	}
	j := tr.Index()
	for k := range absent {
		if k > roster.Size() || k == j {
			return c.usageError("-absent: %d is not the index of another trustee of the roster, 1 to %d", k, roster.Size())
		}
	}
	out := filepath.Join(*shared, roundFile(rd, j))
	c.printf("Trustee %d, %q, in the ceremony %x of election %q.", j, roster.Member(j).Name, roster.Hash(), roster.ElectionID())
	switch rd {
	case roundShares:
		ms, err := tr.Round2()
		if err != nil {
			return err
		}
		return c.finishStep(tr, pass, statePath, out, ms)
	case roundComplaints:
		cer, err := readCeremony(*shared, roster, roundShares, absent)
		if err != nil {
			return err
		}
		ms, err := tr.ReceiveShares(cer.Commitments, cer.Shares)
		if err != nil {
			return refuse(err)
		}
		for _, m := range ms {
			c.printf("complaint against dealer %d: its share is %s", m.Dealer, m.Reason)
		}
		if ms == nil {
			ms = []*trustee.Complaint{}
			c.printf("every share received matches its dealer's commitments: no complaint")
		}
		return c.finishStep(tr, pass, statePath, out, ms)
	case roundResponses:
		cer, err := readCeremony(*shared, roster, roundComplaints, absent)
		if err != nil {
			return err
		}
		ms, err := tr.Respond(cer.Complaints)
		if err != nil {
			return refuse(err)
		}
		for _, m := range ms {
			c.printf("response to trustee %d's complaint: its share revealed", m.Complainant)
		}
		if ms == nil {
			ms = []*trustee.ComplaintResponse{}
			c.printf("no complaint against this trustee: no response")
		}
		return c.finishStep(tr, pass, statePath, out, ms)
	}
	return c.result(tr, pass, roster, *state, *shared, statePath, absent)
}

// result judges the ceremony, seals the key share and publishes the
// outcome.
func (c *cmdline) result(tr *trustee.Trustee, pass []byte, roster *trustee.Roster, state, shared, statePath string, absent map[int]bool) error {
	cer, err := readCeremony(shared, roster, roundResponses, absent)
	if err != nil {
		return err
	}
	res, ks, err := tr.Finish(cer)
	if err != nil {
		return refuse(err)
	}
	data, err := indent(res)
	if err != nil {
		return err
	}
	out := filepath.Join(shared, roundFile(roundResult, tr.Index()))
	ksPath := filepath.Join(state, keyShareFile(roster.Hash()))
	if err := checkAbsent(ksPath); err != nil {
		return err
	}
	if old, err := regular.ReadFile(out, int64(len(data))); err == nil && !bytes.Equal(old, data) || err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &existsError{path: out, differs: true}
	}
	sealedKS, err := ks.Seal(pass)
	if err != nil {
		return err
	}
	if _, err := publish(ksPath, sealedKS, 0o600); err != nil {
		return err
	}
	c.printf("wrote %s: this trustee's key share, sealed under the passphrase", ksPath)
	written, err := publish(out, data, 0o644)
	if err != nil {
		return err
	}
	c.wrote(out, written)
	// The state holds the secret polynomial, which nothing needs now.
	if err := os.Remove(statePath); err != nil {
		return err
	}
	c.printf("removed %s, the ceremony state, which is no longer needed", statePath)
	printResult(c, res)
	return nil
}

// printResult prints the outcome of the ceremony.
func printResult(c *cmdline, res *trustee.Result) {
	c.printf("The ceremony succeeded: qualified dealers %s of %d, threshold %d.", prose.List(res.Qualified), len(res.VerificationKeys), res.Threshold)
	for _, x := range res.Excluded {
		c.printf("  excluded: %s", x)
	}
	for _, jd := range res.Judgments {
		c.printf("  complaint of trustee %d against dealer %d: %s", jd.Complainant, jd.Dealer, jd.Outcome)
	}
	c.printf("Joint public key (the election key): %x", res.PublicKey.Bytes())
}

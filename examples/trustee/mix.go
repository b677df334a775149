package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/wire"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/proof"
	"github.com/sandogh/sandogh/trustee"
)

var mixCommand = &command{
	name: "mix",
	about: "Makes stage -stage of the mix cascade of a codes or ranked contest, as one of its mix\n" +
		"servers (every trustee of the roster is one, and mixes a cascade at most once):\n" +
		"it shuffles and re-encrypts the cascade's current list, proves the shuffle and\n" +
		"signs the stage with its identity's key, in SHARED/mixnet-<i>-stage-<t>.bin (the\n" +
		"form of the record's mixnet/<i>/stages/<t>.bin), for the coordinator to check\n" +
		"and add to the record. It verifies its own copy of the record first (checks 1\n" +
		"to 11, 16 and 17, with the published SHA-256 of ballots.jsonl) and takes the\n" +
		"current list from there: the rows of the ballots that count until a stage is\n" +
		"accepted, then the output of the last accepted stage. The coordinator's request\n" +
		"is -stage, and -input, the digest of the list it expects mixed; the trustee\n" +
		"refuses, and writes nothing, if they are not the next stage and the current list\n" +
		"it found, if the cascade is complete already, or if it has mixed it already.\n",
	run: runMix,
}

func runMix(c *cmdline) error {
	state, shared := c.folders("where the stage is written")
	rf := c.recordFlags()
	contest := c.flags.String("contest", "", "the codes or ranked contest, by its `ID` in the manifest (needed only if the election has several)")
	stage := c.flags.Int("stage", 0, "the stage `t` the coordinator asks for, from 0: the next stage of the cascade in the record")
	input := c.flags.String("input", "", "the digest of the list the coordinator asks to mix, in `HEX` (128 digits, mixnet's SHA-512 digest of the rows): checked against the cascade's current list in the record")
	passFile := c.passphraseFlag()
	if err := c.parse(0, "state", "shared", "record"); err != nil {
		return err
	}
	if !c.given("stage") || *stage < 0 {
		return c.usageError("flag -stage is required, a stage index from 0: %s", c.flags.Lookup("stage").Usage)
	}
	var want []byte
	if *input != "" {
		var err error
		if want, err = wire.DecodeHex("input", strings.TrimSpace(*input), mixnet.DigestSize); err != nil {
			return c.usageError("-input: %s", strings.TrimPrefix(err.Error(), "field input: "))
		}
	}
	digest, err := c.ballotsDigest(rf)
	if err != nil {
		return err
	}
	idPath := filepath.Join(*state, identityFile)
	data, err := regular.ReadFile(idPath, maxMessageFile)
	if err != nil {
		return err
	}
	pass, err := c.passphrase(*passFile, false)
	if err != nil {
		return err
	}
	id, err := trustee.OpenIdentity(data, pass)
	if err != nil {
		return openError(idPath, err)
	}

	rec, err := c.verifyRecord(rf, digest)
	if err != nil {
		return err
	}
	i, err := c.codesContest(rec, *contest)
	if err != nil {
		return err
	}
	cid := rec.Election().Manifest().Contests[i].ID
	j, err := mixServer(*rf.record, rec, id)
	if err != nil {
		return err
	}
	var cascade election.CascadeReport
	for _, cr := range rec.Report().Cascades {
		if cr.Contest == cid {
			cascade = cr
		}
	}
	accepted, last := 0, -1
	for _, s := range cascade.Stages {
		if s.Accepted {
			accepted, last = accepted+1, s.Index
		}
		if s.Trustee == j && (s.Accepted || s.Check == string(mixnet.CheckProof)) {
			return refusef("trustee %d mixed the cascade of contest %q already, in stage %d: a mix server mixes a cascade once (a second stage would be rejected)", j, cid, s.Index)
		}
	}
	if cascade.Complete {
		return refusef("the cascade of contest %q is complete (%d of %s accepted, %d required): it needs no stage", cid, accepted, prose.Count(len(cascade.Stages), "stage"), cascade.Required)
	}
	index, in, err := rec.NextStage(i)
	if err != nil {
		return refuse(err)
	}
	current := fmt.Sprintf("the input list, the rows of the %s that count", prose.Count(in.Len(), "ballot"))
	if last >= 0 {
		current = fmt.Sprintf("the output of stage %d, the last accepted", last)
	}
	d := in.Digest()
	switch {
	case int64(*stage) != int64(index):
		return refusef("the request is for stage %d of the cascade of contest %q, but the next stage in the record is stage %d, to mix %s", *stage, cid, index, current)
	case want != nil && !bytes.Equal(want, d[:]):
		return refusef("the request's input list %x is not the current list of the cascade of contest %q, %x (%s)", want, cid, d[:], current)
	}
	out := filepath.Join(*shared, stageFile(i, int(index)))
	if err := checkAbsent(out); err != nil {
		return err
	}

	c.progress(*rf.quiet, "trustee %d: mixing %s of contest %q as stage %d…", j, prose.Count(in.Len(), "row"), cid, index)
	p, err := election.MixParams(rec.Election(), i)
	if err != nil {
		return refuse(err)
	}
	s, err := mixnet.Mix(p, index, id.SigningKey(), in, proof.RandomNonces())
	if err != nil {
		return err
	}
	if _, err := publish(out, s.Bytes(), 0o644); err != nil {
		return err
	}
	od := s.Output.Digest()
	c.printf("wrote %s: stage %d of the cascade of contest %q, by trustee %d: %s mixed", out, index, cid, j, prose.Count(in.Len(), "row"))
	c.printf("input  %x (%s)", d[:], current)
	c.printf("output %x", od[:])
	return nil
}

// codesContest returns the index in the manifest of the codes or ranked contest
// named id, or of the election's only codes or ranked contest if id is "".
func (c *cmdline) codesContest(rec *election.VerifiedRecord, id string) (int, error) {
	var codes []string
	found := -1
	for i, ct := range rec.Election().Manifest().Contests {
		if !ct.Mixed() { // codes and ranked contests are mixed
			continue
		}
		codes = append(codes, fmt.Sprintf("%q", ct.ID))
		if ct.ID == id || id == "" {
			found = i
		}
	}
	switch {
	case len(codes) == 0:
		return 0, fmt.Errorf("the election has no codes or ranked contest, so no cascade to mix")
	case id == "" && len(codes) > 1:
		return 0, c.usageError("the election has %s (%s): name one with -contest", prose.Count(len(codes), "codes contest"), strings.Join(codes, ", "))
	case found < 0:
		return 0, c.usageError("-contest %q: not a codes or ranked contest of the election (%s)", id, strings.Join(codes, ", "))
	}
	return found, nil
}

// mixServer returns the index of identity id in the roster of the verified
// record in dir: the trustee whose signing key signs its stages.
func mixServer(dir string, rec *election.VerifiedRecord, id *trustee.Identity) (int, error) {
	r, err := election.Open(dir)
	if err != nil {
		return 0, err
	}
	cer, err := r.Ceremony()
	if err != nil {
		return 0, refuseContent(err)
	}
	roster := cer.Roster
	if !bytes.Equal(roster.Hash(), rec.Keys().Ceremony) {
		return 0, refusef("the record's roster changed while it was verified")
	}
	me := id.Member(0).SigningKey
	for j := 1; j <= roster.Size(); j++ {
		if bytes.Equal(roster.Member(j).SigningKey, me) {
			return j, nil
		}
	}
	return 0, refusef("the record's roster does not list this trustee's signing key %s: it is no mix server of this election", hex.EncodeToString(me))
}

package election

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// checkMixnet runs checks 16 to 19 for every Codes contest, one contest and
// one stage at a time: the cascade keeps only the current list, so memory
// is what one stage needs (its input, its output and its proof), and the
// decoded rows are compared with decrypted.jsonl as it is read.
func (v *verifier) checkMixnet() error {
	if v.manifest == nil {
		for _, c := range []Check{CheckMixInput, CheckMixStages, CheckRowShares, CheckRowDecoding} {
			v.skip(c, "the manifest is unavailable (check 1)")
		}
		return nil
	}
	codes := codesContests(v.manifest)
	if err := v.checkMixFolders(codes); err != nil {
		return err
	}
	if len(codes) == 0 {
		return nil
	}
	if v.e == nil || v.mixIn == nil {
		for _, c := range []Check{CheckMixInput, CheckMixStages, CheckRowShares, CheckRowDecoding} {
			v.skip(c, "the ballots that count are unavailable (checks 1 and 11)")
		}
		return nil
	}
	v.rowTotals = make(map[int]*tally.ContestTotals)
	for _, i := range codes {
		v.progress("mixnet", 0, 0)
		if err := v.checkContestMix(i); err != nil {
			return err
		}
	}
	return nil
}

// checkMixFolders reports folders under mixnet/ that are not a Codes
// contest's (check 16).
func (v *verifier) checkMixFolders(codes []int) error {
	ents, err := os.ReadDir(v.r.path(dirMixnet))
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return &ioError{fmt.Errorf("election: %v", err)}
	}
	for _, d := range ents {
		name := dirMixnet + "/" + d.Name()
		i, ok := parseDecimal(d.Name(), maxDecimalIndex)
		if !ok || !d.IsDir() || !slices.Contains(codes, i) {
			if isTemp(name) {
				continue
			}
			v.failf(CheckMixInput, name, "not the folder of a codes contest (mixnet/<index of a codes contest in the manifest>)")
		}
	}
	return nil
}

// checkContestMix runs checks 16 to 19 for Codes contest i.
func (v *verifier) checkContestMix(i int) error {
	c := &v.manifest.Contests[i]
	in := v.mixIn[i]
	mf, err := v.r.mixFiles(i)
	if err != nil {
		v.readErr(CheckMixStages, mixDir(i), err)
		return v.fatal
	}
	for _, name := range mf.others {
		v.fail(Finding{Check: CheckMixStages, File: name, Contest: c.ID, Reason: "not a file of the mixnet path (stages/<t>.bin, shares/<j>.bin, decrypted.jsonl)"})
	}
	rep := CascadeReport{Contest: c.ID, Required: int(c.MixStages), Stages: []StageVerdict{}}
	if in == nil {
		// No ballot counts: nothing to mix, decrypt or decode.
		rep.Complete = true
		v.cascades = append(v.cascades, rep)
		for _, t := range mf.stages {
			v.fail(Finding{Check: CheckMixInput, File: mixStageFile(i, t), Contest: c.ID, Reason: "no ballot counts, so there is nothing to mix"})
		}
		for _, j := range mf.shares {
			v.fail(Finding{Check: CheckRowShares, File: mixShareFile(i, j), Contest: c.ID, Trustee: j, Reason: "no ballot counts, so there is nothing to decrypt"})
		}
		ct, err := tally.CountRows(v.manifest, i, nil)
		if err != nil {
			return err
		}
		v.rowTotals[i] = &ct
		return v.checkDecodedRows(i, c, nil, nil, nil)
	}
	rep.Rows = in.Len()
	v.items(CheckMixInput, int64(in.Len()))
	v.mixIn[i] = nil // the cascade keeps the current list; nothing else does
	out := v.checkCascade(i, c, in, mf, &rep)
	v.cascades = append(v.cascades, rep)
	if v.fatal != nil {
		return v.fatal
	}
	if out == nil {
		why := fmt.Sprintf("the cascade of contest %q is not complete (check 17)", c.ID)
		v.skip(CheckRowShares, why)
		v.skip(CheckRowDecoding, why)
		return nil
	}
	plain := v.checkRowShares(i, c, out, mf)
	return v.checkDecodedRows(i, c, out, plain, mf)
}

// checkCascade runs checks 16 and 17: it adds every stage file to a
// mixnet.Cascade, in order, and returns its output, or nil if it is not
// complete.
func (v *verifier) checkCascade(i int, c *ballot.Contest, in *mixnet.Rows, mf *mixFiles, rep *CascadeReport) *mixnet.Rows {
	if len(mf.stages) == 0 || mf.stages[0] != 0 {
		v.fail(Finding{Check: CheckMixInput, File: mixStageFile(i, 0), Contest: c.ID, Reason: "the cascade has no stage 0, which mixes the rows of the ballots that count"})
	}
	if v.roster == nil {
		v.skip(CheckMixStages, "the trustees' roster, whose signing keys are the mix servers, is unavailable (check 2)")
		return nil
	}
	bh := v.e.BaseHash()
	p := &mixnet.Params{BaseHash: bh[:], PublicKey: v.e.PublicKey()}
	servers := make([]ed25519.PublicKey, v.roster.Size())
	trusteeOf := make(map[string]int, len(servers))
	for k := range servers {
		servers[k] = v.roster.Member(k + 1).SigningKey
		trusteeOf[string(servers[k])] = k + 1
	}
	if rep.Required > len(servers) {
		v.fail(Finding{Check: CheckMixStages, Contest: c.ID, Reason: fmt.Sprintf("the contest requires %d stages, but there are %d trustees", rep.Required, len(servers))})
		return nil
	}
	inDigest, inLen := in.Digest(), in.Len()
	cas, err := mixnet.NewCascade(p, servers, rep.Required, in)
	in = nil // the cascade holds the current list, and drops the input once a stage is accepted
	if err != nil {
		v.fail(Finding{Check: CheckMixStages, Contest: c.ID, Reason: err.Error()})
		return nil
	}
	last := -1
	if len(mf.stages) > 0 {
		last = mf.stages[len(mf.stages)-1]
	}
	present := make(map[int]bool, len(mf.stages))
	for _, t := range mf.stages {
		present[t] = true
	}
	for t := 0; t <= last; t++ {
		name := mixStageFile(i, t)
		sv := StageVerdict{Index: t, File: name}
		var s *mixnet.Stage
		var readErr error
		if !present[t] {
			readErr = errors.New("the stage file is missing")
			v.fail(Finding{Check: CheckMixStages, File: name, Contest: c.ID, Reason: "stage " + fmt.Sprint(t) + " is missing, and later stages are in the record"})
		} else {
			var sum [32]byte
			s, sum, readErr = v.r.readStage(name)
			v.hashes[name] = sum
			if readErr != nil && isIOError(readErr) {
				v.readErr(CheckMixStages, name, readErr)
				return nil
			}
		}
		v.items(CheckMixStages, 1)
		if t == 0 && s != nil && s.Input != inDigest {
			v.fail(Finding{Check: CheckMixInput, File: name, Contest: c.ID, Reason: fmt.Sprintf("stage 0 mixed the list with digest %x…, not the rows of the %d ballots that count (digest %x…)", s.Input[:8], inLen, inDigest[:8])})
		}
		v.progress("mixnet", int64(t), int64(last+1))
		verdict := cas.Add(s)
		sv.Accepted = verdict.Accepted
		sv.Trustee = trusteeOf[string(verdict.Server)]
		if !verdict.Accepted {
			sv.Check, sv.Reason = string(verdict.Check), strings.TrimPrefix(fmt.Sprint(verdict.Err), "mixnet: ")
			if readErr != nil {
				sv.Reason = strings.TrimPrefix(readErr.Error(), "election: ")
			}
		}
		rep.Stages = append(rep.Stages, sv)
	}
	out, err := cas.Output()
	if err != nil {
		// Name every stage that failed: one of them should not have.
		for _, sv := range rep.Stages {
			if !sv.Accepted {
				v.fail(Finding{Check: CheckMixStages, File: sv.File, Contest: c.ID, Trustee: sv.Trustee, Reason: sv.String()})
			}
		}
		v.fail(Finding{Check: CheckMixStages, File: mixDir(i) + "/" + mixStagesDir, Contest: c.ID, Reason: fmt.Sprintf("the cascade is not complete: %d of %d stages accepted, %d required", countAccepted(rep.Stages), len(rep.Stages), rep.Required)})
		return nil
	}
	rep.Complete = true
	return out
}

func countAccepted(ss []StageVerdict) int {
	n := 0
	for _, s := range ss {
		if s.Accepted {
			n++
		}
	}
	return n
}

// checkRowShares runs check 18 on the share lists of the final rows out
// of contest i and returns the combined plaintexts (w per row), or nil if
// fewer than t lists are valid.
func (v *verifier) checkRowShares(i int, c *ballot.Contest, out *mixnet.Rows, mf *mixFiles) []*group.Element {
	if v.keys == nil {
		v.skip(CheckRowShares, "the trustees' verification keys are unavailable (check 2)")
		return nil
	}
	bh := v.e.BaseHash()
	w := out.Width()
	cts := tally.RowCiphertexts(out)
	var lists []*trustee.ShareList
	for _, j := range mf.shares {
		name := mixShareFile(i, j)
		v.items(CheckRowShares, 1)
		l, err := v.r.rowShareList(i, j)
		if err != nil {
			if isIOError(err) {
				v.readErr(CheckRowShares, name, err)
			} else {
				v.fail(Finding{Check: CheckRowShares, File: name, Contest: c.ID, Trustee: j, Reason: err.Error()})
			}
			continue
		}
		lists = append(lists, l)
	}
	report := func(se *trustee.ShareListError) {
		name := mixShareFile(i, se.Trustee)
		if len(se.Entries) == 0 {
			v.fail(Finding{Check: CheckRowShares, File: name, Contest: c.ID, Trustee: se.Trustee, Reason: se.Reason})
			return
		}
		for _, k := range se.Entries {
			v.fail(Finding{Check: CheckRowShares, File: name, Contest: c.ID, Trustee: se.Trustee,
				Reason: fmt.Sprintf("the decryption share of row %d, column %d (entry %d) or its proof does not verify against the trustee's verification key", k/w, k%w, k)})
		}
	}
	// Combine verifies every list (one batch each) and names the bad ones,
	// so that the lists are verified once.
	dec, err := trustee.Combine(bh[:], v.keys, cts, lists)
	if err != nil {
		// Fewer than t valid lists: name what is wrong with each.
		valid := 0
		for _, l := range lists {
			vk := v.keys.VerificationKey(l.Trustee())
			if vk == nil {
				report(&trustee.ShareListError{Trustee: l.Trustee(), Reason: "not a trustee of the roster"})
				continue
			}
			if err := trustee.VerifyShareList(bh[:], vk, cts, l); err != nil {
				var se *trustee.ShareListError
				if errors.As(err, &se) {
					report(se)
				} else {
					report(&trustee.ShareListError{Trustee: l.Trustee(), Reason: err.Error()})
				}
				continue
			}
			valid++
		}
		v.fail(Finding{Check: CheckRowShares, File: mixDir(i) + "/" + mixSharesDir, Contest: c.ID,
			Reason: fmt.Sprintf("%d valid share lists of the final rows, the threshold is %d", valid, v.keys.Threshold)})
		return nil
	}
	for _, se := range dec.Rejected {
		report(se)
	}
	return dec.Plaintexts
}

// checkDecodedRows runs check 19 on mixnet/<i>/decrypted.jsonl, and the
// part of check 18 that compares its plaintexts with the combination:
// line k must be row k−1 of the final list out, with the plaintexts plain
// (nil if the combination failed) decoded by the contest's rules. It keeps
// the contest's totals, from the combined plaintexts, for check 20.
func (v *verifier) checkDecodedRows(i int, c *ballot.Contest, out *mixnet.Rows, plain []*group.Element, mf *mixFiles) error {
	name := mixDecryptedPath(i)
	d, err := tally.NewRowDecoder(c)
	if err != nil {
		v.fail(Finding{Check: CheckRowDecoding, File: name, Contest: c.ID, Reason: err.Error()})
		return nil
	}
	n, w := 0, d.Width()
	if out != nil {
		n = out.Len()
	}
	// The truth, from the combined plaintexts, for check 20.
	var truth []tally.DecodedRow
	if plain != nil {
		truth = make([]tally.DecodedRow, n)
		for k := range truth {
			truth[k] = d.Decode(plain[k*w : (k+1)*w])
		}
		ct, err := tally.CountRows(v.manifest, i, truth)
		if err != nil {
			v.fail(Finding{Check: CheckRowDecoding, Contest: c.ID, Reason: err.Error()})
		} else {
			v.rowTotals[i] = &ct
		}
	}
	f, err := os.Open(v.r.path(name))
	if err != nil {
		v.readErr(CheckRowDecoding, name, err)
		return nil
	}
	defer f.Close()
	lr := newLineReader(f)
	lines := 0
	for {
		l, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &ioError{fmt.Errorf("election: %s: %v", name, err)}
		}
		lines++
		row := l.num - 1
		at := func(c2 Check, format string, args ...any) {
			v.fail(Finding{Check: c2, File: name, Line: l.num, Contest: c.ID, Reason: fmt.Sprintf("row %d: ", row) + fmt.Sprintf(format, args...)})
		}
		if row >= n {
			if row == n {
				at(CheckRowDecoding, "the final list has %d rows; this line and those after it decode no row", n)
			}
			continue
		}
		v.items(CheckRowDecoding, 1)
		if l.err != nil {
			at(CheckRowDecoding, "%v", l.err)
			continue
		}
		var pub tally.DecodedRow
		if err := pub.UnmarshalJSON(l.data); err != nil {
			at(CheckRowDecoding, "%v", err)
			continue
		}
		// Check 18: the published plaintexts are the decryption.
		if plain != nil {
			if len(pub.Plaintexts) != w {
				at(CheckRowShares, "%d plaintexts, the rows have %d", len(pub.Plaintexts), w)
			} else {
				for k := range w {
					if pub.Plaintexts[k].Equal(plain[row*w+k]) != 1 {
						at(CheckRowShares, "plaintext %d is not what the trustees' shares decrypt the row's ciphertext %d to", k, k)
						break
					}
				}
			}
		}
		// Check 19: the codes and the verdict are the decoding of the
		// published plaintexts, and the line is in canonical form.
		want := d.Decode(pub.Plaintexts)
		switch {
		case (want.Codes == nil) != (pub.Codes == nil) || !slices.Equal(want.Codes, pub.Codes):
			at(CheckRowDecoding, "codes %s, but the plaintexts decode to %s", codesText(pub.Codes), codesText(want.Codes))
		case want.Invalid != pub.Invalid:
			at(CheckRowDecoding, "%s, but by its codes the row is %s", verdictText(pub.Invalid), verdictText(want.Invalid))
		case want.Reason != pub.Reason:
			at(CheckRowDecoding, "reason %q, but the decoding gives %q", pub.Reason, want.Reason)
		default:
			canon, err := compactJSON(want)
			if err == nil && !bytes.Equal(canon, l.data) {
				at(CheckRowDecoding, "not in the canonical form of a decoded row")
			}
		}
	}
	v.hashes[name] = lr.sum()
	if lines < n {
		v.fail(Finding{Check: CheckRowDecoding, File: name, Contest: c.ID, Reason: fmt.Sprintf("%d lines, but the final list has %d rows", lines, n)})
	}
	return nil
}

func codesText(c []uint32) string {
	if c == nil {
		return "none (not a packing of codes)"
	}
	return fmt.Sprint(c)
}

func verdictText(r tally.InvalidReason) string {
	if r == "" {
		return "valid"
	}
	return "invalid (" + string(r) + ")"
}

package election

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/tally/ranked"
	"github.com/sandogh/sandogh/trustee"
)

// checkMixnet runs checks 16 to 19 for every CodeList or Ranked contest, one contest and
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
	codeLists := mixedContests(v.manifest)
	if len(codeLists) == 0 {
		return nil
	}
	if v.e == nil || v.mixIn == nil {
		for _, c := range []Check{CheckMixInput, CheckMixStages, CheckRowShares, CheckRowDecoding} {
			v.skip(c, "the ballots that count are unavailable (checks 1 and 11)")
		}
		return nil
	}
	v.rowTotals = make(map[int]*tally.ContestTotals)
	v.rankings = make(map[int][]ranked.Ranking)
	for _, i := range codeLists {
		v.progress("mixnet", 0, 0)
		if err := v.checkContestMix(i); err != nil {
			return err
		}
	}
	return nil
}

// checkContestMix runs checks 16 to 19 for CodeList or Ranked contest i.
func (v *verifier) checkContestMix(i int) error {
	c := &v.manifest.Contests[i]
	in := v.mixIn[i]
	mf, err := v.r.mixFiles(i)
	if err != nil {
		v.readErr(CheckMixStages, mixDir(i), err)
		return v.fatal
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
		if v.opts.Partial {
			v.current[i] = nextStage{} // nothing to mix
		}
		if v.opts.Partial || v.notYetDecrypted(i, c) {
			return nil // checks 18 and 19 are not run
		}
		return v.checkMixedRows(i, c, nil, mf)
	}
	rep.Rows = in.Len()
	v.items(CheckMixInput, int64(in.Len()))
	v.mixIn[i] = nil // the cascade keeps the current list; nothing else does
	out := v.checkCascade(i, c, in, mf, &rep)
	v.cascades = append(v.cascades, rep)
	if v.fatal != nil {
		return v.fatal
	}
	if v.opts.Partial {
		// Checks 18 and 19 are not run; the trustees decrypt the output
		// (VerifiedRecord.RowShares).
		if out != nil {
			v.final[i] = out
		}
		return nil
	}
	if v.notYetDecrypted(i, c) {
		return nil
	}
	if out == nil {
		why := fmt.Sprintf("the cascade of contest %q is not complete (check 17)", c.ID)
		v.skip(CheckRowShares, why)
		v.skip(CheckRowDecoding, why)
		return nil
	}
	v.progress("mixed rows", 0, 0)
	return v.checkMixedRows(i, c, out, mf)
}

// checkCascade runs check 17 on the input list of check 16: it adds every
// stage file to a mixnet.Cascade whose input is that list, in order, and
// returns its output, or nil if it is not complete. Stage 0 is judged like
// every stage, against the current list: a missing stage 0, or one that
// mixed another list than the counted ballots' rows, is a stage that check
// 17 rejects and names, once; check 16 does not report it again.
func (v *verifier) checkCascade(i int, c *ballot.Contest, in *mixnet.Rows, mf *mixFiles, rep *CascadeReport) *mixnet.Rows {
	if v.roster == nil {
		v.skip(CheckMixStages, "the trustees' roster, whose signing keys are the mix servers, is unavailable (check 2)")
		return nil
	}
	p, err := MixParams(v.e, i)
	if err != nil {
		v.fail(Finding{Check: CheckMixStages, Contest: c.ID, Reason: err.Error()})
		return nil
	}
	servers := make([]ed25519.PublicKey, v.roster.Size())
	trusteeOf := make(map[string]int, len(servers))
	for k := range servers {
		servers[k] = v.roster.Member(k + 1).SigningKey
		trusteeOf[string(servers[k])] = k + 1
	}
	if rep.Required > len(servers) {
		v.fail(Finding{Check: CheckMixStages, Contest: c.ID, Reason: fmt.Sprintf("the contest requires %s, but there are %s", prose.Count(rep.Required, "stage"), prose.Count(len(servers), "trustee"))})
		return nil
	}
	inLen := in.Len()
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
	reported := map[int]bool{} // missing stage files, already a finding
	for _, t := range mf.stages {
		present[t] = true
	}
	missing := 0
	for t := 0; t <= last; t++ {
		name := mixStageFile(i, t)
		sv := StageVerdict{Index: t, File: name}
		var s *mixnet.Stage
		var readErr error
		if !present[t] {
			if missing++; missing > maxMissingStages {
				v.fail(Finding{Check: CheckMixStages, File: name, Contest: c.ID, Reason: fmt.Sprintf("more than %d stage files are missing before stage %d; the stages from %d on are not read", maxMissingStages, last, t)})
				break
			}
			readErr = errors.New("the stage file is missing")
			v.fail(Finding{Check: CheckMixStages, File: name, Contest: c.ID, Reason: "stage " + fmt.Sprint(t) + " is missing, and later stages are in the record"})
			reported[t] = true
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
		v.progress("mixnet", int64(t), int64(last+1))
		verdict := cas.Add(s)
		sv.Accepted = verdict.Accepted
		sv.Trustee = trusteeOf[string(verdict.Server)]
		if !verdict.Accepted {
			sv.Check, sv.Reason = string(verdict.Check), strings.TrimPrefix(fmt.Sprint(verdict.Err), "mixnet: ")
			if readErr != nil {
				sv.Reason = strings.TrimPrefix(readErr.Error(), "election: ")
			}
			if verdict.Check == mixnet.CheckInput && countAccepted(rep.Stages) == 0 {
				// The current list is still the input list (check 16).
				sv.Reason += fmt.Sprintf(", the rows of the %s that count", prose.Count(inLen, "ballot"))
			}
		}
		rep.Stages = append(rep.Stages, sv)
	}
	if v.opts.Partial {
		index, cur := cas.Next()
		v.current[i] = nextStage{index: index, in: cur}
	}
	out, err := cas.Output()
	if err != nil && v.opts.Partial {
		return nil // the cascade may complete with later stages
	}
	if err != nil && !v.expected(mixDecryptedPath(i)) {
		// A snapshot taken while the cascade runs.
		v.skip(CheckMixStages, fmt.Sprintf("the stages of contest %q that are not in the record yet (%d of %d accepted so far)", c.ID, countAccepted(rep.Stages), rep.Required))
		return nil
	}
	if err != nil {
		// Name every stage that failed (a missing one is named already):
		// one of them should not have.
		for _, sv := range rep.Stages {
			if !sv.Accepted && !reported[sv.Index] {
				v.fail(Finding{Check: CheckMixStages, File: sv.File, Contest: c.ID, Trustee: sv.Trustee, Reason: sv.String()})
			}
		}
		v.fail(Finding{Check: CheckMixStages, File: mixDir(i) + "/" + mixStagesDir, Contest: c.ID, Reason: fmt.Sprintf("the cascade is not complete: %d of %s accepted, %d required", countAccepted(rep.Stages), prose.Count(len(rep.Stages), "stage"), rep.Required)})
		return nil
	}
	rep.Complete = true
	return out
}

// notYetDecrypted reports whether the record is a snapshot that does not
// have the decoded rows of CodeList or Ranked contest i yet: checks 18 and 19 are then
// not checked for the contest (its share lists are checked by check 15
// only), and it says so.
func (v *verifier) notYetDecrypted(i int, c *ballot.Contest) bool {
	if v.expected(mixDecryptedPath(i)) {
		return false
	}
	why := fmt.Sprintf("the decryption of contest %q, whose decoded rows are not in the record yet", c.ID)
	v.skip(CheckRowShares, why)
	v.skip(CheckRowDecoding, why)
	return true
}

// maxMissingStages is how many missing stage files the verifier reports,
// each as a rejected stage, before it stops reading a cascade whose file
// names skip ahead (mixnet/0/stages/999999999.bin).
const maxMissingStages = 64

func countAccepted(ss []StageVerdict) int {
	n := 0
	for _, s := range ss {
		if s.Accepted {
			n++
		}
	}
	return n
}

// rowChunk is how many ciphertexts of the final rows checks 18 and 19
// handle at a time: the share lists are read, decoded, verified and
// combined, and the decoded rows compared, one chunk at a time, so that
// memory does not grow with the rows (about 40 MB for three lists).
var rowChunk = 1 << 14 // a variable for the tests, which make it small

// A rowShareFile is one trustee's share list of the final rows, read one
// chunk at a time.
type rowShareFile struct {
	j    int
	name string
	f    *os.File
	r    *bufio.Reader
	h    hash.Hash
	dead bool // refused as a whole
}

// checkMixedRows runs checks 18 and 19 on the final rows out of CodeList
// contest i (nil if no ballot counts), reading the share lists and
// decrypted.jsonl side by side, chunk by chunk: for each chunk of rows it
// decodes every trustee's shares of those rows, verifies them and combines
// any t valid ones (trustee.Combine, which names the bad lists and
// entries), decodes the combined plaintexts for the contest's totals
// (check 20), and compares the published lines of those rows with them
// (check 18) and with the decoding of their own plaintexts (check 19).
// A share is checked against the ciphertext it decrypts, and its
// Chaum–Pedersen transcript does not depend on its position in the list
// (Trustees, "Decryption shares"), so a chunk of a list is checked exactly
// as the list would be.
func (v *verifier) checkMixedRows(i int, c *ballot.Contest, out *mixnet.Rows, mf *mixFiles) error {
	d, err := mixRowDecoder(v.manifest, c)
	if err != nil {
		v.fail(Finding{Check: CheckRowDecoding, Contest: c.ID, Reason: err.Error()})
		return nil
	}
	n, w := 0, d.Width()
	if out != nil {
		n = out.Len()
		if out.Width() != w {
			v.fail(Finding{Check: CheckRowShares, Contest: c.ID, Reason: fmt.Sprintf("the final rows have width %d, the contest's rows %d", out.Width(), w)})
			return nil
		}
	}
	// The share lists.
	var files []*rowShareFile
	defer func() {
		for _, f := range files {
			f.f.Close()
		}
	}()
	combine := out != nil && v.keys != nil
	if out != nil && v.keys == nil {
		v.skip(CheckRowShares, "the trustees' verification keys are unavailable (check 2)")
	}
	if combine {
		for _, j := range mf.shares {
			name := mixShareFile(i, j)
			if v.keys.VerificationKey(j) == nil {
				continue // not a trustee of the roster: not in the layout (check 15)
			}
			v.items(CheckRowShares, 1)
			sf, why, err := openRowShares(v.r.path(name), j, n*w)
			if err != nil {
				v.readErr(CheckRowShares, name, fileErr(name, err))
				return v.fatal
			}
			if why != "" {
				v.fail(Finding{Check: CheckRowShares, File: name, Contest: c.ID, Trustee: j, Reason: why})
				if sf != nil {
					sf.f.Close()
				}
				continue
			}
			sf.name = name
			files = append(files, sf)
		}
	}
	// The published rows.
	name := mixDecryptedPath(i)
	pf, err := v.r.open(name)
	if err != nil {
		v.readErr(CheckRowDecoding, name, err)
		return v.fatal
	}
	defer pf.Close()
	lr := newLineReader(pf)
	bh := v.e.BaseHash()
	totals := tally.ContestTotals{ID: c.ID, Selections: make([]tally.SelectionTotal, len(c.Candidates))}
	for k, cand := range c.Candidates {
		totals.Selections[k].Code = cand.Code
	}
	var lists *tally.RowCounter // of a mixed list contest
	if c.Kind == ballot.ProportionalList {
		if lists, err = tally.NewRowCounter(v.manifest, i); err != nil {
			return fmt.Errorf("election: internal error: contest %d: %v", i, err)
		}
	}
	truthOK := combine
	pos := make(map[uint32]int, len(c.Candidates))
	for k, cand := range c.Candidates {
		pos[cand.Code] = k
	}
	var rankings []ranked.Ranking // of a Ranked contest
	perChunk := max(1, rowChunk/max(w, 1))
	for lo := 0; lo < n || lo == 0; lo += perChunk {
		hi := min(n, lo+perChunk)
		var plain []*group.Element
		if combine && hi > lo {
			v.progress("mixed rows", int64(lo), int64(n))
			cts := make([]*elgamal.Ciphertext, 0, (hi-lo)*w)
			for r := lo; r < hi; r++ {
				cts = append(cts, out.Row(r)...)
			}
			var lists []*trustee.ShareList
			for _, sf := range files {
				if sf.dead {
					continue
				}
				l, err := sf.next(len(cts))
				if err != nil {
					if isIOError(err) {
						v.readErr(CheckRowShares, sf.name, err)
						return v.fatal
					}
					v.fail(Finding{Check: CheckRowShares, File: sf.name, Contest: c.ID, Trustee: sf.j, Reason: fmt.Sprintf("rows %d to %d: %v", lo, hi-1, err)})
					continue
				}
				lists = append(lists, l)
			}
			dec, err := trustee.Combine(bh[:], v.keys, cts, lists)
			if dec != nil {
				for _, se := range dec.Rejected {
					v.rowShareFinding(i, c, se, lo*w, w)
				}
				plain = dec.Plaintexts
			}
			if err != nil {
				v.fail(Finding{Check: CheckRowShares, File: mixDir(i) + "/" + mixSharesDir, Contest: c.ID,
					Reason: fmt.Sprintf("rows %d to %d: %v", lo, hi-1, strings.TrimPrefix(err.Error(), "trustee: combine: "))})
				truthOK = false
			}
		}
		for r := lo; r < hi; r++ {
			var truth *tally.DecodedRow
			if plain != nil {
				t := d.Decode(plain[(r-lo)*w : (r-lo+1)*w])
				truth = &t
				if c.Kind == ballot.Ranked {
					rk, err := d.Ranking(&t)
					if err != nil {
						return fmt.Errorf("election: internal error: contest %d: %v", i, err)
					}
					rankings = append(rankings, rk)
					if len(rk) > 0 {
						totals.Selections[rk[0]].Count++ // first preferences
					} else if t.Invalid != "" {
						totals.Invalid++
					}
				} else if lists != nil {
					if err := lists.Add(&t); err != nil {
						return fmt.Errorf("election: internal error: contest %d: %v", i, err)
					}
				} else {
					countRow(&totals, &t, pos, v.manifest.MaxWeight > 0)
				}
			}
			if err := v.checkRowLine(lr, name, c, d, r, truth); err != nil {
				return err
			}
		}
		if hi >= n {
			break
		}
	}
	// Whatever follows the last row.
	for {
		l, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &ioError{fmt.Errorf("election: %s: %v", name, err)}
		}
		if l.num == n+1 {
			v.fail(Finding{Check: CheckRowDecoding, File: name, Line: l.num, Contest: c.ID, Reason: fmt.Sprintf("the final list has %s; this line and those after it decode no row", prose.Count(n, "row"))})
		}
	}
	v.hashes[name] = lr.sum()
	for _, sf := range files {
		if extra, err := sf.finish(); err != nil {
			v.readErr(CheckRowShares, sf.name, err)
			return v.fatal
		} else if extra > 0 && !sf.dead {
			v.fail(Finding{Check: CheckRowShares, File: sf.name, Contest: c.ID, Trustee: sf.j, Reason: fmt.Sprintf("%d bytes after the last share", extra)})
		}
		v.hashes[sf.name] = [32]byte(sf.h.Sum(nil))
	}
	if lists != nil {
		totals = lists.Totals()
	}
	if out == nil || truthOK {
		v.rowTotals[i] = &totals
		if c.Kind == ballot.Ranked {
			if rankings == nil {
				rankings = []ranked.Ranking{}
			}
			v.rankings[i] = rankings
		}
	}
	return nil
}

// mixRowDecoder returns the decoder of the mixed rows of CodeList contest c
// of manifest m: with the weight column in a weighted election.
func mixRowDecoder(m *ballot.Manifest, c *ballot.Contest) (*tally.RowDecoder, error) {
	if m.MaxWeight > 0 {
		return tally.NewWeightedRowDecoder(c, m.MaxWeight)
	}
	return tally.NewRowDecoder(c)
}

// countRow adds a decoded row to the contest's totals: in a weighted
// election, its weight to the count and 1 to the unweighted count of each
// of its codes.
func countRow(t *tally.ContestTotals, r *tally.DecodedRow, pos map[uint32]int, weighted bool) {
	if r.Invalid != "" {
		t.Invalid++
		return
	}
	for _, code := range r.Codes {
		s := &t.Selections[pos[code]]
		if weighted {
			s.Count += uint64(r.Weight)
			s.Unweighted++
		} else {
			s.Count++
		}
	}
}

// rowShareFinding reports a share list refused for a chunk whose first
// entry is entry base of the whole list.
func (v *verifier) rowShareFinding(i int, c *ballot.Contest, se *trustee.ShareListError, base, w int) {
	name := mixShareFile(i, se.Trustee)
	if len(se.Entries) == 0 {
		v.fail(Finding{Check: CheckRowShares, File: name, Contest: c.ID, Trustee: se.Trustee, Reason: se.Reason})
		return
	}
	for _, e := range se.Entries {
		k := base + e
		v.fail(Finding{Check: CheckRowShares, File: name, Contest: c.ID, Trustee: se.Trustee,
			Reason: fmt.Sprintf("the decryption share of row %d, column %d (entry %d) or its proof does not verify against the trustee's verification key", k/w, k%w, k)})
	}
}

// checkRowLine reads the next line of decrypted.jsonl, which must be row r,
// and compares it with the decryption truth (check 18; nil if the shares
// did not combine) and with the decoding of its own plaintexts (check 19).
func (v *verifier) checkRowLine(lr *lineReader, name string, c *ballot.Contest, d *tally.RowDecoder, r int, truth *tally.DecodedRow) error {
	l, err := lr.next()
	if err == io.EOF {
		if lr.num == r+1 { // report the first missing line only
			v.fail(Finding{Check: CheckRowDecoding, File: name, Contest: c.ID, Reason: fmt.Sprintf("%s, but the final list has more rows: row %d and those after it are missing", prose.Count(r, "line"), r)})
		}
		return nil
	}
	if err != nil {
		return &ioError{fmt.Errorf("election: %s: %v", name, err)}
	}
	at := func(ch Check, format string, args ...any) {
		v.fail(Finding{Check: ch, File: name, Line: l.num, Contest: c.ID, Reason: fmt.Sprintf("row %d: ", r) + fmt.Sprintf(format, args...)})
	}
	v.items(CheckRowDecoding, 1)
	if l.err != nil {
		at(CheckRowDecoding, "%v", l.err)
		return nil
	}
	var pub tally.DecodedRow
	if err := pub.UnmarshalJSON(l.data); err != nil {
		at(CheckRowDecoding, "%v", err)
		return nil
	}
	if truth != nil {
		if len(pub.Plaintexts) != len(truth.Plaintexts) {
			at(CheckRowShares, "%s, the rows have %d", prose.Count(len(pub.Plaintexts), "plaintext"), len(truth.Plaintexts))
		} else {
			for k := range pub.Plaintexts {
				if pub.Plaintexts[k].Equal(truth.Plaintexts[k]) != 1 {
					at(CheckRowShares, "plaintext %d is not what the trustees' shares decrypt the row's ciphertext %d to", k, k)
					break
				}
			}
		}
	}
	want := d.Decode(pub.Plaintexts)
	switch {
	case (want.Codes == nil) != (pub.Codes == nil) || !slices.Equal(want.Codes, pub.Codes):
		at(CheckRowDecoding, "codes %s, but the plaintexts decode to %s", codesText(pub.Codes), codesText(want.Codes))
	case want.Weight != pub.Weight:
		at(CheckRowDecoding, "%s, but the plaintexts decode to %s", weightText(pub.Weight), weightText(want.Weight))
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
	return nil
}

// openRowShares opens a share list file of the final rows and checks its
// header: trustee j and want entries. It returns the reader, or a reason
// to refuse the whole list, or an I/O error.
func openRowShares(path string, j, want int) (*rowShareFile, string, error) {
	f, err := regular.Open(path)
	if err != nil {
		return nil, "", err
	}
	h := sha256.New()
	sf := &rowShareFile{j: j, f: f, h: h, r: bufio.NewReaderSize(io.TeeReader(f, h), 1<<16)}
	var hdr [12]byte
	if _, err := io.ReadFull(sf.r, hdr[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			sf.dead = true
			return sf, "truncated: no 12-byte header", nil
		}
		f.Close()
		return nil, "", err
	}
	if got := int(binary.BigEndian.Uint32(hdr[:4])); got != j {
		sf.dead = true
		return sf, fmt.Sprintf("the list is trustee %d's, not trustee %d's", got, j), nil
	}
	if got := binary.BigEndian.Uint64(hdr[4:]); got != uint64(want) {
		sf.dead = true
		return sf, fmt.Sprintf("%s, but the final rows have %s", prose.Count(got, "share"), prose.Count(want, "ciphertext")), nil
	}
	return sf, "", nil
}

// next decodes the shares of the next m ciphertexts.
func (sf *rowShareFile) next(m int) (*trustee.ShareList, error) {
	buf := make([]byte, 12+128*m)
	binary.BigEndian.PutUint32(buf[0:], uint32(sf.j))
	binary.BigEndian.PutUint64(buf[4:], uint64(m))
	if _, err := io.ReadFull(sf.r, buf[12:]); err != nil {
		sf.dead = true
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, errors.New("the file ends before the last share")
		}
		return nil, &fs.PathError{Op: "read", Path: sf.name, Err: err}
	}
	l, err := new(trustee.ShareList).SetCanonicalBytes(buf)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// finish reads the rest of the file, for its hash, and returns how many
// bytes were left.
func (sf *rowShareFile) finish() (int64, error) {
	n, err := io.Copy(io.Discard, sf.r)
	if err != nil {
		return 0, &fs.PathError{Op: "read", Path: sf.name, Err: err}
	}
	return n, nil
}

func codesText(c []uint32) string {
	if c == nil {
		return "none (not a packing of codes)"
	}
	return fmt.Sprint(c)
}

func weightText(w uint32) string {
	if w == 0 {
		return "no weight"
	}
	return fmt.Sprintf("weight %d", w)
}

func verdictText(r tally.InvalidReason) string {
	if r == "" {
		return "valid"
	}
	return "invalid (" + string(r) + ")"
}

package election

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// The mixnet path of a CodeList or Ranked contest i in the record (docs/spec.md §The
// election record, "The mixnet path"):
//
//	mixnet/<i>/stages/<t>.bin   stage t of the contest's cascade, accepted or
//	                            not (mixnet.Stage's encoding, signed by its server)
//	mixnet/<i>/shares/<j>.bin   trustee j's decryption shares of the final
//	                            rows (trustee.ShareList's encoding)
//	mixnet/<i>/decrypted.jsonl  one decoded row per line (tally.DecodedRow)
//
// The input list of the cascade is not stored: it is the rows of the
// ballots that count, in order, each followed in a weighted election by its
// weight column (tally.WeightColumns), which a verifier rebuilds from
// ballots.jsonl and the credential list.

// MixInput returns the input list of the mix cascade of CodeList or Ranked contest i:
// the rows of the ballots that count, in the order of ballots.jsonl, as
// FinishBallots collected them, each followed in a weighted election by its
// weight column (tally.WeightColumns). It returns nil and no error if no ballot
// counts (the contest then has no cascade, and its decoded rows are an empty
// file), and an error if FinishBallots has not run in this process or i is not
// a CodeList or Ranked contest.
//
// The coordinator of the mixing takes the list to mixnet.NewCascade, with
// the parameters of MixParams, the trustees' signing keys as the
// authorised servers and the contest's MixStages as the number of stages
// required, and records each stage the servers post with WriteStage.
func (w *Writer) MixInput(i int) (*mixnet.Rows, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.mix == nil {
		return nil, errors.New("election: MixInput before FinishBallots")
	}
	in, ok := w.mix[i]
	if !ok {
		return nil, fmt.Errorf("election: contest %d is not a codes contest", i)
	}
	return in, nil
}

// MixParams returns the parameters of the mix cascade of CodeList or Ranked contest i
// of election e: its base hash, its joint public key and the cascade
// identifier mixnet.CascadeID(i, the contest's identifier) (docs/spec.md
// §The election record, "The mixnet path"). The coordinator, the mix
// servers (mixnet.Mix) and the verifier all use them, so that a stage
// signed for one contest's cascade is refused, for its signature, in any
// other. It fails if i is not the index of a CodeList or Ranked contest.
func MixParams(e *ballot.Election, i int) (*mixnet.Params, error) {
	m := e.Manifest()
	if i < 0 || i >= len(m.Contests) || !m.Contests[i].Mixed() {
		return nil, fmt.Errorf("election: contest %d is not a codes or ranked contest", i)
	}
	bh := e.BaseHash()
	return &mixnet.Params{BaseHash: bh[:], Cascade: mixnet.CascadeID(uint32(i), m.Contests[i].ID), PublicKey: e.PublicKey()}, nil
}

// WriteStage writes stage s of the cascade of CodeList or Ranked contest i to
// mixnet/<i>/stages/<t>.bin, t being s.Index, whether the cascade accepted
// it or not: the record keeps every stage a server posted, so that an
// auditor sees a rejected one. It needs FinishBallots. Stages are written
// in order: stage t needs stages 0 … t−1. It does not verify the stage
// (mixnet.Cascade does, for the coordinator and for the verifier).
func (w *Writer) WriteStage(i int, s *mixnet.Stage) error {
	if err := w.codeListContest("WriteStage", i); err != nil {
		return err
	}
	if s == nil || s.Output == nil || s.Proof == nil {
		return errors.New("election: an incomplete stage")
	}
	t := int(s.Index)
	if t > 0 {
		w.mu.Lock()
		_, ok := w.idx[mixStageFile(i, t-1)]
		w.mu.Unlock()
		if !ok {
			return fmt.Errorf("election: contest %d: stage %d before stage %d", i, t, t-1)
		}
	}
	return w.add(mixStageFile(i, t), func(f io.Writer) error {
		_, err := s.WriteTo(f)
		return err
	})
}

// WriteRowShareList writes trustee j's decryption shares of the final rows
// of CodeList or Ranked contest i (VerifiedRecord.RowShares) to
// mixnet/<i>/shares/<j>.bin, in the binary encoding of
// trustee.ShareList.Bytes. It needs a stage of the contest's cascade
// (WriteStage). It does not verify them; WriteDecodedRows decrypts the
// rows from the lists written here, and from no others.
func (w *Writer) WriteRowShareList(i int, l *trustee.ShareList) error {
	if err := w.codeListContest("WriteRowShareList", i); err != nil {
		return err
	}
	if l == nil {
		return errors.New("election: WriteRowShareList: no share list")
	}
	w.mu.Lock()
	_, ok := w.idx[mixStageFile(i, 0)]
	w.mu.Unlock()
	if !ok {
		return fmt.Errorf("election: WriteRowShareList before WriteStage: contest %d has no mix stage in the record, so no rows to decrypt", i)
	}
	return w.addBytes(mixShareFile(i, l.Trustee()), l.Bytes())
}

// WriteDecodedRows writes the decoded rows of CodeList or Ranked contest i
// (tally.DecryptRows), in the order of the cascade's final list, to
// mixnet/<i>/decrypted.jsonl: line k holds row k−1 in the JSON form of
// tally.DecodedRow. It needs FinishBallots and, if the contest has a
// cascade, at least t row share lists (WriteRowShareList); a contest in
// which no ballot counts has no stage and no rows (rows is empty).
//
// It decrypts the cascade's final list from the row share lists written
// so far (tally.DecryptRows: every list verified, any t valid ones
// combined, as check 18 does) and refuses rows that are not that
// decryption, naming the first that differs. The final list is the output
// of the last stage in the record that the lists decrypt (the last
// accepted stage; a stage the cascade rejected, written after it, is
// passed over).
func (w *Writer) WriteDecodedRows(i int, rows []tally.DecodedRow) error {
	if err := w.codeListContest("WriteDecodedRows", i); err != nil {
		return err
	}
	got, err := w.recordedRows(i)
	if err != nil {
		return err
	}
	var want, have bytes.Buffer
	if err := writeJSONLines(&want, got); err != nil {
		return fmt.Errorf("election: %v", err)
	}
	if err := writeJSONLines(&have, rows); err != nil {
		return fmt.Errorf("election: %v", err)
	}
	if !bytes.Equal(want.Bytes(), have.Bytes()) {
		k := 0
		for k < len(rows) && k < len(got) {
			a, _ := compactJSON(rows[k])
			b, _ := compactJSON(got[k])
			if !bytes.Equal(a, b) {
				break
			}
			k++
		}
		if len(rows) != len(got) && k == min(len(rows), len(got)) {
			return fmt.Errorf("election: WriteDecodedRows: contest %d: %s, but the decryption the record holds has %d", i, prose.Count(len(rows), "row"), len(got))
		}
		return fmt.Errorf("election: WriteDecodedRows: contest %d: row %d is not the decryption of the final list by the row share lists in the record", i, k)
	}
	return w.addBytes(mixDecryptedPath(i), want.Bytes())
}

// codeListContest checks that FinishBallots is done and that i is the
// index of a CodeList or Ranked contest of the recorded election.
func (w *Writer) codeListContest(method string, i int) error {
	if err := w.needLocked(method, stepBallots); err != nil {
		return err
	}
	e, _, err := w.recorded()
	if err != nil {
		return err
	}
	if m := e.Manifest(); i < 0 || i >= len(m.Contests) || !m.Contests[i].Mixed() {
		return fmt.Errorf("election: %s: contest %d is not a codes or ranked contest of the manifest", method, i)
	}
	return nil
}

// recordedRows decrypts the final list of CodeList or Ranked contest i's cascade from
// the row share lists listed in the index: the output of the last listed
// stage that they decrypt. A contest without stages has no rows.
func (w *Writer) recordedRows(i int) ([]tally.DecodedRow, error) {
	e, keys, err := w.recorded()
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	stages := w.listed(mixDir(i)+"/"+mixStagesDir, mixStageExt)
	js := w.listed(mixDir(i)+"/"+mixSharesDir, mixStageExt)
	w.mu.Unlock()
	if len(stages) == 0 {
		return nil, nil
	}
	if len(js) < keys.Threshold {
		return nil, fmt.Errorf("election: WriteDecodedRows before the decryption of the rows: %s holds %s, and the threshold is %d (WriteRowShareList)", mixDir(i)+"/"+mixSharesDir, prose.Count(len(js), "row share list"), keys.Threshold)
	}
	r := &Reader{dir: w.dir}
	lists := make([]*trustee.ShareList, len(js))
	for k, j := range js {
		if lists[k], err = r.rowShareList(i, j); err != nil {
			return nil, err
		}
	}
	var first error
	for k := len(stages) - 1; k >= 0; k-- {
		s, err := r.MixStage(i, stages[k])
		if err != nil {
			return nil, err
		}
		rows, _, err := tally.DecryptRows(e, keys, i, s.Output, lists)
		if err == nil {
			return rows, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, fmt.Errorf("election: WriteDecodedRows: the row share lists in %s decrypt the output of no stage in the record: %v", mixDir(i)+"/"+mixSharesDir, first)
}

// parseMixPath splits a path under mixnet/ into the contest index and the
// rest ("stages/3.bin"), or returns ok false.
func parseMixPath(name string) (contest int, rest string, ok bool) {
	rest, ok = strings.CutPrefix(name, dirMixnet+"/")
	if !ok {
		return 0, "", false
	}
	num, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, "", false
	}
	contest, ok = parseDecimal(num, maxDecimalIndex)
	return contest, rest, ok
}

// parseIndexedFile returns n if name is dir + "/" + n + ext.
func parseIndexedFile(name, dir, ext string) (int, bool) {
	rest, ok := strings.CutPrefix(name, dir+"/")
	if !ok {
		return 0, false
	}
	num, ok := strings.CutSuffix(rest, ext)
	if !ok {
		return 0, false
	}
	return parseDecimal(num, maxDecimalIndex)
}

// compactJSON is the JSON of v on one line.
func compactJSON(v json.Marshaler) ([]byte, error) {
	raw, err := v.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

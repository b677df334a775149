package election

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// The mixnet path of a CodeList contest i in the record (docs/spec.md §The
// election record, "The mixnet path"):
//
//	mixnet/<i>/stages/<t>.bin   stage t of the contest's cascade, accepted or
//	                            not (mixnet.Stage's encoding, signed by its server)
//	mixnet/<i>/shares/<j>.bin   trustee j's decryption shares of the final
//	                            rows (trustee.ShareList's encoding)
//	mixnet/<i>/decrypted.jsonl  one decoded row per line (tally.DecodedRow)
//
// The input list of the cascade is not stored: it is the rows of the
// ballots that count, in order, which a verifier rebuilds from
// ballots.jsonl.

// MixInput returns the input list of the mix cascade of CodeList contest i:
// the rows of the ballots that count, in the order of ballots.jsonl, as
// FinishBallots collected them. It returns nil and no error if no ballot
// counts (the contest then has no cascade, and its decoded rows are an empty
// file), and an error if FinishBallots has not run in this process or i is not
// a CodeList contest.
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

// MixParams returns the parameters of the mix cascade of CodeList contest i
// of election e: its base hash, its joint public key and the cascade
// identifier mixnet.CascadeID(i, the contest's identifier) (docs/spec.md
// §The election record, "The mixnet path"). The coordinator, the mix
// servers (mixnet.Mix) and the verifier all use them, so that a stage
// signed for one contest's cascade is refused, for its signature, in any
// other. It fails if i is not the index of a CodeList contest.
func MixParams(e *ballot.Election, i int) (*mixnet.Params, error) {
	m := e.Manifest()
	if i < 0 || i >= len(m.Contests) || m.Contests[i].Kind != ballot.CodeList {
		return nil, fmt.Errorf("election: contest %d is not a codes contest", i)
	}
	bh := e.BaseHash()
	return &mixnet.Params{BaseHash: bh[:], Cascade: mixnet.CascadeID(uint32(i), m.Contests[i].ID), PublicKey: e.PublicKey()}, nil
}

// WriteStage writes stage s of the cascade of CodeList contest i to
// mixnet/<i>/stages/<t>.bin, t being s.Index, whether the cascade accepted
// it or not: the record keeps every stage a server posted, so that an
// auditor sees a rejected one. Stages are written in order: stage t needs
// stages 0 … t−1. It does not verify the stage (mixnet.Cascade does, for
// the coordinator and for the verifier).
func (w *Writer) WriteStage(i int, s *mixnet.Stage) error {
	if i < 0 {
		return fmt.Errorf("election: contest %d", i)
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
// of CodeList contest i (VerifiedRecord.RowShares) to
// mixnet/<i>/shares/<j>.bin, in the binary encoding of
// trustee.ShareList.Bytes. It does not verify them.
func (w *Writer) WriteRowShareList(i int, l *trustee.ShareList) error {
	if i < 0 {
		return fmt.Errorf("election: contest %d", i)
	}
	return w.addBytes(mixShareFile(i, l.Trustee()), l.Bytes())
}

// WriteDecodedRows writes the decoded rows of CodeList contest i
// (tally.DecryptRows), in the order of the cascade's final list, to
// mixnet/<i>/decrypted.jsonl: line k holds row k−1 in the JSON form of
// tally.DecodedRow.
func (w *Writer) WriteDecodedRows(i int, rows []tally.DecodedRow) error {
	if i < 0 {
		return fmt.Errorf("election: contest %d", i)
	}
	return w.add(mixDecryptedPath(i), func(f io.Writer) error {
		return writeJSONLines(f, rows)
	})
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

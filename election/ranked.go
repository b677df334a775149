package election

import (
	"errors"
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/tally"
)

// RankedCount decodes the published count of Ranked contest i of election
// e (counts/<i>.json), strictly, as the form of the contest's method
// (tally.ParseRankedCount). It checks its encoding, not that it is the
// count of the contest's decoded rows (Verify does, check 24).
func (r *Reader) RankedCount(e *ballot.Election, i int) (*tally.RankedCount, error) {
	name := countsFile(i)
	data, err := r.readFile(name)
	if err != nil {
		return nil, fileErr(name, err)
	}
	k, err := tally.ParseRankedCount(e.Manifest(), i, data)
	if err != nil {
		return nil, fileErr(name, err)
	}
	return k, nil
}

// WriteRankedCount writes the count of Ranked contest i (tally.CountRanked)
// to counts/<i>.json, in the JSON form of its method. It needs the
// contest's decoded rows (WriteDecodedRows), and refuses a count that is
// not the count of those rows by the manifest's method, naming the first
// stage and field that differ (tally.CheckRankedCount, as check 24 does).
// WriteResults needs the count of every Ranked contest.
func (w *Writer) WriteRankedCount(i int, k *tally.RankedCount) error {
	if err := w.needLocked("WriteRankedCount", stepBallots); err != nil {
		return err
	}
	if k == nil {
		return errors.New("election: WriteRankedCount: no count")
	}
	e, _, err := w.recorded()
	if err != nil {
		return err
	}
	m := e.Manifest()
	if i < 0 || i >= len(m.Contests) || m.Contests[i].Kind != ballot.Ranked {
		return fmt.Errorf("election: WriteRankedCount: contest %d is not a ranked contest of the manifest", i)
	}
	w.mu.Lock()
	_, ok := w.idx[mixDecryptedPath(i)]
	w.mu.Unlock()
	if !ok {
		return fmt.Errorf("election: WriteRankedCount before WriteDecodedRows of contest %d (%s)", i, m.Contests[i].ID)
	}
	rows, err := (&Reader{dir: w.dir}).DecodedRows(i)
	if err != nil {
		return err
	}
	if err := tally.CheckRankedCount(e, i, rows, k); err != nil {
		return fmt.Errorf("election: WriteRankedCount: the count is not the count of the decoded rows the record holds: %v", err)
	}
	data, err := indentJSON(k)
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	return w.addBytes(countsFile(i), data)
}

// Check 24: for each Ranked contest, counts/<i>.json is the count of the
// rankings of the contest's decrypted rows (those that check 18
// decrypted) by the manifest's method with the manifest's tie-break seed,
// field by field; the order of its outcome then stands in the contest's
// totals, from which checkResults judges the contest's results (a
// disagreement there is also a finding of check 24).
func (v *verifier) checkRankedCounts() {
	if v.manifest == nil {
		v.skip(CheckRankedCounts, "the manifest is unavailable (check 1)")
		return
	}
	for _, i := range contestsOfKind(v.manifest, ballot.Ranked) {
		c := &v.manifest.Contests[i]
		name := countsFile(i)
		v.items(CheckRankedCounts, 1)
		rs, ok := v.rankings[i]
		if !ok || v.e == nil {
			v.skip(CheckRankedCounts, fmt.Sprintf("the decrypted rows of contest %q are unavailable (checks 17 to 19)", c.ID))
			continue
		}
		k, err := v.r.RankedCount(v.e, i)
		if err != nil {
			if v.notYet(name, err) {
				v.skip(CheckRankedCounts, name+" is not in the record yet")
				continue
			}
			if isIOError(err) {
				v.readErr(CheckRankedCounts, name, err)
				continue
			}
			reason := err.Error()
			var fe *fileError
			if errors.As(err, &fe) {
				reason = fe.err.Error() // the finding names the file
			}
			v.fail(Finding{Check: CheckRankedCounts, File: name, Contest: c.ID, Reason: reason})
			k = nil
		} else if err := tally.CheckRankings(v.e, i, rs, k); err != nil {
			v.fail(Finding{Check: CheckRankedCounts, File: name, Contest: c.ID, Reason: err.Error()})
			k = nil
		}
		if k == nil {
			// Judge the results by the verifier's own count.
			if k, err = tally.RecountRankings(v.e, i, rs); err != nil {
				v.fail(Finding{Check: CheckRankedCounts, Contest: c.ID, Reason: err.Error()})
				continue
			}
		}
		t := v.rowTotals[i]
		if t == nil {
			continue
		}
		order, err := tally.RankedOrder(c, t, k)
		if err != nil {
			v.fail(Finding{Check: CheckRankedCounts, File: name, Contest: c.ID, Reason: err.Error()})
			continue
		}
		t.Order = order
	}
}

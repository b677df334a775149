package election

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/filelock"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// A Writer writes an election record, step by step, in the order of
// docs/spec.md §The election record ("Writing order"):
//
//	WriteCeremony  → trustees/…
//	WriteElection  → election.json, devices.json, credentials.json
//	OpenBox        → the ballot box, on ballots.jsonl; close it when voting ends
//	FinishBallots  → ballots.jsonl listed and read-only, challenged.jsonl, tally/encrypted.json
//	WriteShareList → tally/shares/<j>.json, once per trustee
//	for each CodeList or Ranked contest i (the mixnet path, see MixInput):
//	  WriteStage         → mixnet/<i>/stages/<t>.bin, once per stage
//	  WriteRowShareList  → mixnet/<i>/shares/<j>.bin, once per trustee
//	  WriteDecodedRows   → mixnet/<i>/decrypted.jsonl
//	  WriteRankedCount   → counts/<i>.json, for a Ranked contest
//	WritePollBookSummary → pollbook.json, optional, any time between
//	                       FinishBallots and WriteResults
//	WriteResults   → results.json, the last file
//
// The order cannot be got wrong: the Writer knows which steps are done from
// its index (so does OpenWriter, after a crash or in another process), and
// each method refuses, with an error naming the step that is missing, to
// run before the steps it needs: WriteElection before WriteCeremony, a
// ballot box before WriteElection, FinishBallots while the box is open, a
// share list, a stage or the results before FinishBallots, anything new
// after WriteResults. What a step records must follow from what the
// record holds: WriteElection refuses keys of a ceremony run for another
// election, FinishBallots finishes the box for good (its file becomes
// read-only, and ballot.OpenBox never opens it again), WriteDecodedRows
// and WriteResults decrypt from the share lists in the record and refuse
// rows or results that do not follow from them.
//
// The record is append-only and crash-safe: each file is written under a
// temporary name, synced, renamed into place and its folder synced before
// the method returns, and is never rewritten; the index SHA256SUMS is then
// rewritten the same way to list it. A crash or a failed step leaves every
// earlier file intact and listed; OpenWriter resumes, and a step can be
// run again: writing a file that is already there with the same content
// does nothing.
//
// A Writer is safe for concurrent use. One Writer writes a record at a
// time: a Writer whose index on disk another Writer has rewritten since
// refuses to write (OpenWriter again to resume).
type Writer struct {
	dir string
	mu  sync.Mutex
	idx index
	// mix holds the input lists of the CodeList contests' cascades, from
	// FinishBallots (nil: FinishBallots has not run in this process).
	mix map[int]*mixnet.Rows
	// e and keys are the recorded election and the ceremony's outcome
	// (with its election identifier), once this process wrote, checked or
	// read them back (recorded).
	e    *ballot.Election
	keys *trustee.Result
}

// Create starts a new record in folder dir, which must not exist or be
// empty, and writes its (empty) index.
func Create(dir string) (*Writer, error) {
	if ents, err := regular.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("election: %s is not empty", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("election: %v", err)
	}
	if err := mkdirSynced(dir); err != nil {
		return nil, fmt.Errorf("election: %v", err)
	}
	w := &Writer{dir: dir, idx: make(index)}
	if err := w.writeIndex(); err != nil {
		return nil, err
	}
	return w, nil
}

// OpenWriter resumes writing the record in dir, after a crash or in
// another process: it reads the index, and removes the temporary files
// that an interrupted write left behind. Files listed in the index are not
// read again.
func OpenWriter(dir string) (*Writer, error) {
	data, err := regular.ReadFile(filepath.Join(dir, fileIndex), maxIndexSize)
	if err != nil {
		return nil, fmt.Errorf("election: %w", err)
	}
	x, err := parseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("election: %s: %v", fileIndex, err)
	}
	var rmErr error
	err = walkRecord(dir, func(rel string, typ fs.FileMode) bool {
		if !typ.IsDir() && isTemp(rel) && rmErr == nil {
			rmErr = os.Remove(filepath.Join(dir, filepath.FromSlash(rel)))
		}
		return typ.IsDir()
	})
	if err == nil {
		err = rmErr
	}
	if err != nil {
		return nil, fmt.Errorf("election: removing temporary files: %v", err)
	}
	return &Writer{dir: dir, idx: x}, nil
}

// Dir returns the record's folder.
func (w *Writer) Dir() string { return w.dir }

func (w *Writer) path(name string) string {
	return filepath.Join(w.dir, filepath.FromSlash(name))
}

// add writes file name with the content fill writes, and lists it. Adding
// a file again with the same content does nothing, so that a step
// interrupted by a crash can be run again; different content is an error.
func (w *Writer) add(name string, fill func(io.Writer) error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := checkRelPath(name); err != nil {
		return fmt.Errorf("election: %v", err)
	}
	if err := w.current(); err != nil {
		return err
	}
	if err := w.complete(name); err != nil {
		return err
	}
	hw := newHashingWriter(io.Discard)
	if err := fill(hw); err != nil {
		return fmt.Errorf("election: writing %s: %v", name, err)
	}
	sum := hw.sum()
	if listed, ok := w.idx[name]; ok {
		if listed != sum {
			return fmt.Errorf("election: %s is already written with other content, and the record is append-only", name)
		}
		return nil
	}
	p := w.path(name)
	if _, err := os.Lstat(p); err == nil {
		// A crash after the rename, before the index listed the file.
		h, err := hashFile(p)
		if err != nil {
			return fmt.Errorf("election: %w", err)
		}
		if h != sum {
			return fmt.Errorf("election: %s exists with other content, and the record is append-only", name)
		}
	} else {
		if err := mkdirSynced(filepath.Dir(p)); err != nil {
			return fmt.Errorf("election: %v", err)
		}
		err := writeAtomic(p, false, func(f io.Writer) error {
			bw := bufio.NewWriterSize(f, 1<<16)
			if err := fill(bw); err != nil {
				return err
			}
			return bw.Flush()
		})
		if err != nil {
			return fmt.Errorf("election: writing %s: %v", name, err)
		}
	}
	w.idx[name] = sum
	return w.writeIndex()
}

// addBytes writes a file whose content is data.
func (w *Writer) addBytes(name string, data []byte) error {
	return w.add(name, func(f io.Writer) error {
		_, err := f.Write(data)
		return err
	})
}

// current returns an error if SHA256SUMS is not the index this Writer
// last wrote or read: another Writer (another OpenWriter, in this process
// or another) has written the record since, and this one's view of the
// steps done is stale. w.mu is held.
func (w *Writer) current() error {
	data, err := regular.ReadFile(w.path(fileIndex), maxIndexSize)
	if err != nil {
		return fmt.Errorf("election: %w", err)
	}
	if !bytes.Equal(data, w.idx.Bytes()) {
		return fmt.Errorf("election: %s changed since this Writer last wrote it: another Writer is writing the record (one Writer at a time; OpenWriter again to resume)", fileIndex)
	}
	return nil
}

// writeIndex replaces SHA256SUMS with the current index. w.mu is held (or
// w is not shared yet).
func (w *Writer) writeIndex() error {
	data := w.idx.Bytes()
	err := writeAtomic(w.path(fileIndex), true, func(f io.Writer) error {
		_, err := f.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("election: writing %s: %v", fileIndex, err)
	}
	return nil
}

// indentJSON is the form of the record's small JSON files: the value's
// JSON indented by two spaces, with a final newline.
func indentJSON(v json.Marshaler) ([]byte, error) {
	raw, err := v.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// writeJSONLines writes one compact JSON value per line.
func writeJSONLines[T json.Marshaler](f io.Writer, vs []T) error {
	for _, v := range vs {
		raw, err := v.MarshalJSON()
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return err
		}
		b.WriteByte('\n')
		if _, err := f.Write(b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// WriteCeremony judges the key ceremony c with trustee.VerifyCeremony and,
// if it succeeded, writes its roster, its messages (one JSON-lines file per
// round) and its outcome: the first step of a record. It returns the
// outcome, whose joint key, verification keys and threshold the election's
// parameters must use (ballot.Parameters), and which WriteElection takes.
//
// WriteCeremony is the coordinator's way to the outcome: what the election
// uses is then what the record holds. A trustee's tool uses
// trustee.Trustee.Finish, which also computes its key share; a verifier
// uses trustee.VerifyCeremony on the published messages (Verify does, in
// check 2). The three return equal Results.
func (w *Writer) WriteCeremony(c *trustee.Ceremony) (*trustee.Result, error) {
	res, err := trustee.VerifyCeremony(c)
	if err != nil {
		return nil, fmt.Errorf("election: the ceremony cannot be recorded: %v", err)
	}
	roster, err := indentJSON(c.Roster)
	if err != nil {
		return nil, fmt.Errorf("election: %v", err)
	}
	if err := w.addBytes(fileRoster, roster); err != nil {
		return nil, err
	}
	steps := []struct {
		name string
		fill func(io.Writer) error
	}{
		{fileCommitments, func(f io.Writer) error { return writeJSONLines(f, c.Commitments) }},
		{fileShares, func(f io.Writer) error { return writeJSONLines(f, c.Shares) }},
		{fileComplaints, func(f io.Writer) error { return writeJSONLines(f, c.Complaints) }},
		{fileResponses, func(f io.Writer) error { return writeJSONLines(f, c.Responses) }},
	}
	for _, s := range steps {
		if err := w.add(s.name, s.fill); err != nil {
			return nil, err
		}
	}
	out, err := indentJSON(res)
	if err != nil {
		return nil, fmt.Errorf("election: %v", err)
	}
	if err := w.addBytes(fileCeremony, out); err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.keys = res
	w.mu.Unlock()
	return res.Clone(), nil
}

// WriteElection writes the election's parameters: election.json (the
// manifest, the joint key, the trustees' verification keys, the threshold,
// the credential list's hash and the base hash), devices.json and
// credentials.json. It needs WriteCeremony. keys is the outcome of the
// ceremony that WriteCeremony recorded (the Result it returned); e must be
// of the same election (the manifest's ElectionID is the roster's,
// trustee.Result.ElectionID) and made with its joint key, verification keys
// and threshold. A mismatch is an error naming both, so that a ceremony
// run for another election is refused here, not by check 2 of the
// verification of the finished record.
func (w *Writer) WriteElection(e *ballot.Election, keys *trustee.Result) error {
	if err := w.needLocked("WriteElection", stepCeremony); err != nil {
		return err
	}
	if e == nil {
		return errors.New("election: WriteElection: no election")
	}
	if err := checkIdentity("WriteElection", e, keys); err != nil {
		return err
	}
	out, err := indentJSON(keys)
	if err != nil {
		return fmt.Errorf("election: WriteElection: %v", err)
	}
	w.mu.Lock()
	same := sha256.Sum256(out) == w.idx[fileCeremony]
	w.mu.Unlock()
	if !same {
		return fmt.Errorf("election: WriteElection: the keys are not the outcome of the ceremony that WriteCeremony recorded in %s", fileCeremony)
	}
	if !sameKeys(e.VerificationKeys(), keys.VerificationKeys) {
		return errors.New("election: the election's trustees are not the verification keys of the ceremony")
	}
	if e.PublicKey().Element().Equal(keys.PublicKey) != 1 {
		return errors.New("election: the election's public key is not the joint key of the ceremony")
	}
	if e.Threshold() != keys.Threshold {
		return fmt.Errorf("election: the election's threshold %d is not the ceremony's %d", e.Threshold(), keys.Threshold)
	}
	if err := w.writeParameters(e); err != nil {
		return err
	}
	w.mu.Lock()
	w.e, w.keys = e, keys.Clone()
	w.mu.Unlock()
	return nil
}

// writeParameters writes election.json, devices.json and credentials.json
// for e, WriteElection's files, without its checks.
func (w *Writer) writeParameters(e *ballot.Election) error {
	el, err := encodeElection(e)
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	devs, err := encodeDevices(e)
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	creds, err := encodeCredentials(e.Credentials())
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{fileElection, el}, {fileDevices, devs}, {fileCredentials, creds}} {
		if err := w.addBytes(f.name, f.data); err != nil {
			return err
		}
	}
	return nil
}

// BallotsPath returns the path of ballots.jsonl, where the election's
// ballot box keeps its file (OpenBox), so that the record holds the box's
// own append-only, synced log. A box server in another process opens it
// with ballot.OpenBox; the election authority publishes its SHA-256 when
// the box closes (VerifyForDecryption).
func (w *Writer) BallotsPath() string { return w.path(fileBallots) }

// OpenBox opens the election's ballot box (ballot.OpenBox) on
// ballots.jsonl: after WriteElection, for the election it recorded, and
// before FinishBallots. The box holds its file locked until Box.Close (one
// file, one box, in this process or another), and a box reopened after a
// crash resumes the file. Close it when voting ends, then FinishBallots;
// after FinishBallots the box never opens again.
func (w *Writer) OpenBox(e *ballot.Election) (*ballot.Box, error) {
	w.mu.Lock()
	err := w.need("OpenBox", stepElection)
	if err == nil {
		if _, done := w.idx[fileBallots]; done {
			err = fmt.Errorf("election: OpenBox after FinishBallots: the ballot box was finished, and %s is in the record", fileBallots)
		}
	}
	if err == nil {
		err = w.checkElection("OpenBox", e)
	}
	w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return ballot.OpenBox(w.BallotsPath(), e)
}

// FinishBallots closes the voting part of the record once the ballot box
// is closed: it reads ballots.jsonl back (on all cores) through the
// acceptance rule, makes it read-only (mode 0444, so that ballot.OpenBox
// never opens it again: the box is finished), lists it in the index,
// writes challenged.jsonl with the vote each accepted challenged ballot's
// released nonce seed opens, and adds up the ballots that count into
// tally/encrypted.json. It returns that encrypted tally, which the
// trustees decrypt once each has verified it (VerifyForDecryption). For
// each CodeList contest it also collects the rows of the ballots that
// count, in order, which MixInput then returns.
//
// It needs WriteElection, and e must be the election recorded there. It
// refuses while a ballot box has the file open, in this process or
// another ("close the ballot box first"), and holds the file's lock while
// it runs. It can run again (after a crash, or in another process for
// MixInput): it then checks that the file is the one it listed.
//
// It trusts the ballot box for the proofs (each line's recorded verdict on
// them), but runs every other step of the rule: a line that does not
// decode, a challenged ballot that does not open, or a line whose
// recorded verdict is not the rule's is an error, and nothing is written.
func (w *Writer) FinishBallots(e *ballot.Election) (*tally.EncryptedTally, error) {
	w.mu.Lock()
	err := w.need("FinishBallots", stepElection)
	if err == nil {
		err = w.checkElection("FinishBallots", e)
	}
	w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	f, err := regular.Open(w.BallotsPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("election: FinishBallots before OpenBox: %s does not exist (open the ballot box, and close it when voting ends)", fileBallots)
	}
	if err != nil {
		return nil, fmt.Errorf("election: %v", err)
	}
	defer f.Close()
	if err := filelock.TryLock(f); errors.Is(err, filelock.ErrLocked) {
		return nil, fmt.Errorf("election: FinishBallots: a ballot box has %s open: close the ballot box first (Box.Close)", fileBallots)
	} else if err != nil {
		return nil, fmt.Errorf("election: FinishBallots: locking %s: %v", fileBallots, err)
	}
	defer filelock.Unlock(f)
	pass := newBallotPass(e, "", 0, false)
	count := newCounter(e)
	lr := newLineReader(f)
	var chal bytes.Buffer
	err = pipelineBatch(lr, 0, pass.work, func(l rawLine, o lineOut) error {
		if o.err != nil {
			return fmt.Errorf("line %d: %v", l.num, o.err)
		}
		switch {
		case l.num == 1:
			if o.l.Header == nil {
				return errors.New("line 1: not the ballot box's header")
			}
			return o.l.Header.Check(e)
		case o.l.Header != nil:
			return fmt.Errorf("line %d: a second header", l.num)
		case o.l.Opening != nil:
			if v := pass.rule.Opening(o.l.Opening); v.Outcome != ballot.Accepted {
				return fmt.Errorf("line %d: %v", l.num, v.Refusal)
			}
			return nil
		case o.l.Closing != nil:
			if v := pass.rule.Closing(o.l.Closing); v.Outcome != ballot.Accepted {
				return fmt.Errorf("line %d: %v", l.num, v.Refusal)
			}
			return nil
		case o.l.Incident != nil:
			if v := pass.rule.Incident(o.l.Incident); v.Outcome != ballot.Accepted {
				return fmt.Errorf("line %d: %v", l.num, v.Refusal)
			}
			return nil
		}
		b := o.l.Ballot
		v, err := pass.ballot(int64(l.num), &o)
		if err != nil {
			return fmt.Errorf("line %d: ballot %q: %v", l.num, b.ID(), err)
		}
		if v.Outcome == ballot.Accepted && b.State() == ballot.Challenged {
			if o.openErr != nil {
				return fmt.Errorf("line %d: %v", l.num, o.openErr)
			}
			raw, err := json.Marshal(challengedJSON{Line: l.num, BallotID: b.ID(), Code: b.ConfirmationCode(), Vote: o.vote})
			if err != nil {
				return err
			}
			chal.Write(raw)
			chal.WriteByte('\n')
		}
		return count.count(int64(l.num), b, v)
	})
	if err != nil {
		return nil, fmt.Errorf("election: %s: %v", fileBallots, err)
	}
	var broken error
	err = pass.set.check(func(c brokenClaim) {
		if broken == nil {
			broken = fmt.Errorf("election: %s: line %d: its verdict breaks the acceptance rule's uniqueness steps (6 and 9)", fileBallots, c.line)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("election: %v", err)
	}
	if broken != nil {
		return nil, broken
	}
	t, err := count.finish(w.BallotsPath())
	if err != nil {
		return nil, err
	}
	mix, err := count.mixInputs()
	if err != nil {
		return nil, err
	}
	tj, err := indentJSON(t)
	if err != nil {
		return nil, fmt.Errorf("election: %v", err)
	}
	// The box is finished: read-only, so that no box opens it again, and
	// synced, before the index lists it.
	if err := finishBox(f); err != nil {
		return nil, err
	}
	w.mu.Lock()
	if err := w.current(); err != nil {
		w.mu.Unlock()
		return nil, err
	}
	if listed, ok := w.idx[fileBallots]; ok {
		w.mu.Unlock()
		if listed != lr.sum() {
			return nil, fmt.Errorf("election: %s changed after it was listed", fileBallots)
		}
	} else {
		w.idx[fileBallots] = lr.sum()
		err = w.writeIndex()
		w.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	if err := w.addBytes(fileChallenged, chal.Bytes()); err != nil {
		return nil, err
	}
	if err := w.addBytes(fileTally, tj); err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.mix = mix
	w.mu.Unlock()
	return t, nil
}

// finishBox makes the ballot box's file f read-only (mode 0444), which
// ballot.OpenBox reads as a finished box, and syncs it (the box syncs every
// line; this is for a file copied in by other means, and for the mode) and
// its folder.
func finishBox(f *os.File) error {
	if err := f.Chmod(0o444); err != nil {
		return fmt.Errorf("election: making %s read-only: %v", fileBallots, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("election: syncing %s: %v", fileBallots, err)
	}
	if err := regular.SyncDir(filepath.Dir(f.Name())); err != nil {
		return fmt.Errorf("election: %v", err)
	}
	return nil
}

// WriteShareList writes trustee j's decryption shares of the encrypted
// tally to tally/shares/<j>.json. It needs FinishBallots. It does not
// verify them (the trustees' coordinator should, with
// trustee.VerifyShareList, before publishing); WriteResults decrypts the
// tally from the lists written here, and from no others.
func (w *Writer) WriteShareList(l *trustee.ShareList) error {
	if err := w.needLocked("WriteShareList", stepBallots); err != nil {
		return err
	}
	if l == nil {
		return errors.New("election: WriteShareList: no share list")
	}
	data, err := indentJSON(l)
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	return w.addBytes(shareListFile(l.Trustee()), data)
}

// WriteResults writes results.json, the last file of a record, after which
// the Writer adds nothing. It needs FinishBallots, at least t share lists
// (WriteShareList) and, for each CodeList contest, its decoded rows
// (WriteDecodedRows), for each Ranked contest its decoded rows and its
// count (WriteRankedCount). It decrypts the recorded encrypted tally from the
// share lists written so far (tally.Decrypt: it verifies every list and
// combines any t valid ones, as check 13 does), counts each CodeList
// contest's recorded decoded rows (tally.CountRows), and refuses results
// that do not follow from these totals (tally.CheckResults), naming the
// first difference. So results can only be written from the decryption
// that the record holds, not from a share list left out of it. Before
// results.json it writes, for each ProportionalList contest i, its seat
// allocation counts/<i>.json (tally.AllocateList of the same totals).
func (w *Writer) WriteResults(r *tally.Results) error {
	if err := w.needLocked("WriteResults", stepBallots); err != nil {
		return err
	}
	if r == nil {
		return errors.New("election: WriteResults: no results")
	}
	totals, err := w.recordedTotals()
	if err != nil {
		return err
	}
	e, _, err := w.recorded()
	if err != nil {
		return err
	}
	if err := tally.CheckResults(e.Manifest(), totals, r); err != nil {
		return fmt.Errorf("election: WriteResults: the results do not follow from the decryption the record holds: %v", err)
	}
	if err := w.writeListCounts(e.Manifest(), totals); err != nil {
		return err
	}
	data, err := indentJSON(r)
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	return w.addBytes(fileResults, data)
}

// recordedTotals decrypts the recorded encrypted tally from the share lists
// listed in the index and fills in each CodeList contest's totals from its
// listed decoded rows.
func (w *Writer) recordedTotals() (*tally.Totals, error) {
	e, keys, err := w.recorded()
	if err != nil {
		return nil, err
	}
	m := e.Manifest()
	w.mu.Lock()
	js := w.listed(dirShareLists, ".json")
	var missing []string
	var uncounted []string
	for i, c := range m.Contests {
		if _, ok := w.idx[mixDecryptedPath(i)]; c.Mixed() && !ok {
			missing = append(missing, fmt.Sprintf("%d (%s)", i, c.ID))
		}
		if _, ok := w.idx[countsFile(i)]; c.Kind == ballot.Ranked && !ok {
			uncounted = append(uncounted, fmt.Sprintf("%d (%s)", i, c.ID))
		}
	}
	w.mu.Unlock()
	if len(js) < keys.Threshold {
		return nil, fmt.Errorf("election: WriteResults before the decryption: %s holds %s, and the threshold is %d (WriteShareList)", dirShareLists, prose.Count(len(js), "share list"), keys.Threshold)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("election: WriteResults before WriteDecodedRows of CodeList or Ranked contest %s", strings.Join(missing, ", "))
	}
	if len(uncounted) > 0 {
		return nil, fmt.Errorf("election: WriteResults before WriteRankedCount of Ranked contest %s", strings.Join(uncounted, ", "))
	}
	r := &Reader{dir: w.dir}
	et, err := r.EncryptedTally()
	if err != nil {
		return nil, err
	}
	lists := make([]*trustee.ShareList, len(js))
	for k, j := range js {
		if lists[k], err = r.shareList(j); err != nil {
			return nil, err
		}
	}
	totals, _, err := tally.Decrypt(e, keys, et, lists)
	if err != nil {
		return nil, fmt.Errorf("election: WriteResults: the share lists in %s do not decrypt the recorded tally: %v", dirShareLists, err)
	}
	for i, c := range m.Contests {
		if !c.Mixed() {
			continue
		}
		rows, err := r.DecodedRows(i)
		if err != nil {
			return nil, err
		}
		if c.Kind == ballot.Ranked {
			// WriteRankedCount wrote the count of these rows.
			totals.Contests[i], _, err = tally.CountRanked(e, i, rows)
		} else {
			totals.Contests[i], err = tally.CountRows(m, i, rows)
		}
		if err != nil {
			return nil, fmt.Errorf("election: WriteResults: %v", err)
		}
	}
	return totals, nil
}

package election

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/sandogh/sandogh/ballot"
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
//	(the ballot box writes ballots.jsonl at BallotsPath)
//	FinishBallots  → challenged.jsonl, tally/encrypted.json
//	WriteShareList → tally/shares/<j>.json, once per trustee
//	for each CodeList contest i (the mixnet path, see MixInput):
//	  WriteStage         → mixnet/<i>/stages/<t>.bin, once per stage
//	  WriteRowShareList  → mixnet/<i>/shares/<j>.bin, once per trustee
//	  WriteDecodedRows   → mixnet/<i>/decrypted.jsonl
//	WriteResults   → results.json
//
// The record is append-only and crash-safe: each file is written under a
// temporary name, synced, renamed into place and its folder synced before
// the method returns, and is never rewritten; the index SHA256SUMS is then
// rewritten the same way to list it. A crash or a failed step leaves every
// earlier file intact and listed; OpenWriter resumes, and a step can be
// run again: writing a file that is already there with the same content
// does nothing.
//
// A Writer is safe for concurrent use, but the steps are meant to be taken
// in order.
type Writer struct {
	dir string
	mu  sync.Mutex
	idx index
	// mix holds the input lists of the CodeList contests' cascades, from
	// FinishBallots (nil: FinishBallots has not run in this process).
	mix map[int]*mixnet.Rows
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

// writeIndex replaces SHA256SUMS with the current index. w.mu is held (or
// w is not shared yet).
func (w *Writer) writeIndex() error {
	data := w.idx.bytes()
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
// round) and its outcome. It returns the outcome, whose joint key and
// verification keys the election's parameters must use.
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
	return res, nil
}

// WriteElection writes the election's parameters: election.json (the
// manifest, the joint key, the trustees' verification keys, the threshold,
// the credential list's hash and the base hash), devices.json and
// credentials.json. keys is the outcome of the ceremony (WriteCeremony); e
// must have been made with its joint key, verification keys and threshold.
func (w *Writer) WriteElection(e *ballot.Election, keys *trustee.Result) error {
	if !sameKeys(e.VerificationKeys(), keys.VerificationKeys) {
		return errors.New("election: the election's trustees are not the verification keys of the ceremony")
	}
	if e.PublicKey().Element().Equal(keys.PublicKey) != 1 {
		return errors.New("election: the election's public key is not the joint key of the ceremony")
	}
	if e.Threshold() != keys.Threshold {
		return fmt.Errorf("election: the election's threshold %d is not the ceremony's %d", e.Threshold(), keys.Threshold)
	}
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
// ballot box (ballot.OpenBox) keeps its file, so that the record holds the
// box's own append-only, synced log. Close the box before FinishBallots.
func (w *Writer) BallotsPath() string { return w.path(fileBallots) }

// FinishBallots closes the voting part of the record once the ballot box
// is closed: it reads ballots.jsonl back (on all cores) through the
// acceptance rule, lists it in the index, writes challenged.jsonl with the
// vote each accepted challenged ballot's released nonce seed opens, and
// adds up the ballots that count into tally/encrypted.json. It returns
// that encrypted tally, which the trustees decrypt once each has verified
// it (VerifyForDecryption). For each CodeList contest it also collects the
// rows of the ballots that count, in order, which MixInput then returns.
//
// It trusts the ballot box for the proofs (each line's recorded verdict on
// them), but runs every other step of the rule: a line that does not
// decode, a challenged ballot that does not open, or a line whose
// recorded verdict is not the rule's is an error, and nothing is written.
func (w *Writer) FinishBallots(e *ballot.Election) (*tally.EncryptedTally, error) {
	f, err := regular.Open(w.BallotsPath())
	if err != nil {
		return nil, fmt.Errorf("election: %v", err)
	}
	defer f.Close()
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
	w.mu.Lock()
	if listed, ok := w.idx[fileBallots]; ok {
		w.mu.Unlock()
		if listed != lr.sum() {
			return nil, fmt.Errorf("election: %s changed after it was listed", fileBallots)
		}
	} else {
		if err := syncFile(w.BallotsPath()); err != nil {
			w.mu.Unlock()
			return nil, err
		}
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

// syncFile syncs a file the ballot box wrote (it syncs every line; this is
// for a file copied in by other means) and its folder.
func syncFile(path string) error {
	f, err := regular.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	err = f.Sync()
	f.Close()
	if err != nil {
		return fmt.Errorf("election: syncing %s: %v", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// WriteShareList writes trustee j's decryption shares of the encrypted
// tally to tally/shares/<j>.json. It does not verify them (the trustees'
// coordinator should, with trustee.VerifyShareList, before publishing).
func (w *Writer) WriteShareList(l *trustee.ShareList) error {
	data, err := indentJSON(l)
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	return w.addBytes(shareListFile(l.Trustee()), data)
}

// WriteResults writes results.json, the last file of a record.
func (w *Writer) WriteResults(r *tally.Results) error {
	data, err := indentJSON(r)
	if err != nil {
		return fmt.Errorf("election: %v", err)
	}
	return w.addBytes(fileResults, data)
}

package ballot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/sandogh/sandogh/internal/filelock"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/wire"
)

// A Box is a ballot box: it runs the acceptance rule (Rule) on each
// submitted ballot, device-opening record, closing certificate and
// incident-log entry, and appends what the rule
// writes, accepted or refused, durably to an append-only file, one JSON
// object per line (docs/spec.md §Ballots, "The acceptance rule" and
// "Ballot-box file"). No answer is given before the line it answers, and
// every line decided before it, is synced to stable storage, so a crash
// never loses an acknowledged ballot; a line torn by a crash is dropped
// when the box is reopened, so it is never read as accepted.
//
// A submission the rule rejects (not attributable to an eligible signer, a
// repeated identifier, or out of order in its device's chain) leaves no line.
// The same submission sent again (the same signer, identifier, confirmation
// code and state) is answered as the first time and writes nothing, so uploads
// can be repeated safely.
//
// A Box is safe for concurrent use by many goroutines: proofs of different
// ballots are verified in parallel, and only the rule's decision is
// serialized. Lines are written by group commit: each decided line joins
// the batch of lines waiting to be written; one of the waiting callers
// writes the whole batch with one write and one fsync while the others
// wait for it, and the next batch gathers meanwhile, so that many
// concurrent submissions share one fsync and a lone one waits for no
// other. If a write or fsync fails, the box is broken: every caller whose
// line was not yet synced gets the error, and the box refuses everything
// until it is reopened.
type Box struct {
	e    *Election
	path string

	// mu guards everything below; synced releases it while a batch is
	// written and while waiting for one (cond).
	mu      sync.Mutex
	cond    sync.Cond // signalled when a batch is written or fails
	f       *os.File
	w       boxFile // where batches go: f, or a test's stand-in
	closing bool    // Close has begun: no more lines
	broken  error   // a failed write or sync: the box refuses everything until reopened
	lines   int64   // lines decided, the header included: synced, being written or pending
	durable int64   // lines on stable storage
	pending []byte  // the lines after those being written, waiting for the next batch
	spare   []byte  // the buffer of the last batch written, reused for the next one
	writing bool    // a caller is writing and syncing a batch
	waiting int     // callers waiting for a batch (tests look)
	syncs   int64   // successful fsyncs of batches (tests and benchmarks look)

	rule       *Rule
	set        *memorySet
	openings   map[string]ConfirmationCode // device → its opening's confirmation code
	closings   map[string]*DeviceClosing   // device → its accepted closing
	incidents  map[ConfirmationCode]bool   // codes of the accepted incidents
	counted    []countedBallot             // accepted cast ballots, in order
	superseded map[int64]bool              // lines of counted ballots superseded by a revote
	codes      map[ShortCode][]BoxEntry    // ballot lines by short code, for Lookup
}

// boxFile is what the box writes its batches to: its file, or in tests a
// stand-in that fails or counts.
type boxFile interface {
	Write(p []byte) (int, error)
	Sync() error
}

// A countedBallot is an accepted cast ballot: its line and confirmation code.
type countedBallot struct {
	line int64
	code ConfirmationCode
}

// A written is what the box remembers of a ballot line it wrote, to answer
// a repeated submission as the first time: its confirmation code and
// state, and the refusal of a refused line (nil for an accepted one).
type written struct {
	code    ConfirmationCode
	state   State
	refusal *Refusal
}

// memorySet is the Box's FingerprintSet: the identifiers of the lines
// written (with what was written) and the first components of the
// accepted ballots' ciphertexts, in memory: about 40 bytes per
// fingerprint, plus 80 per ballot line.
type memorySet struct {
	ids    map[[16]byte]*written
	nonces map[[16]byte]struct{}
}

func (s *memorySet) Find(fps []Fingerprint) int {
	for i, f := range fps {
		var ok bool
		if f.Kind == FingerprintIdentifier {
			_, ok = s.ids[f.Sum]
		} else {
			_, ok = s.nonces[f.Sum]
		}
		if ok {
			return i
		}
	}
	return -1
}

func (s *memorySet) Add(fps []Fingerprint) {
	for _, f := range fps {
		if f.Kind == FingerprintIdentifier {
			s.ids[f.Sum] = new(written)
		} else {
			s.nonces[f.Sum] = struct{}{}
		}
	}
}

const (
	boxVersion = 2
	maxBoxLine = 64 << 20
)

// OpenBox opens the ballot box file at path for election e, creating it if it
// does not exist. An existing file must belong to e. Its lines are read back
// through the acceptance rule to rebuild the box's state, with every step
// checked again: each line's confirmation code, signature and proofs (or a
// challenged ballot's opening), batched over all cores, and each line must
// get the verdict it was written with. A torn last line (unterminated, or
// not decoding), left by a crash during a write that was never
// acknowledged, is truncated away; any other damaged line is an error that
// names it, and so is a line that decodes but gets another verdict (a
// signature or a proof that fails, so that the file is not what the box
// wrote), even the last. The file is then synced, so that what the box
// answers from it is on stable storage even if the process that wrote it
// was killed before its last sync.
//
// Reading back costs what decoding and verifying the ballots cost, about
// 1.2 ms of one core per ballot of 15 selections, spread over all cores
// (BenchmarkBoxReload: a box of 10,000 such ballots reopens in about 6 s
// on two cores); the lines are read in batches of a few thousand, so that
// memory does not grow with the file beyond the box's own state.
// OpenBoxProgress reports how far it got.
//
// One file, one box: the Box holds an exclusive lock on its file until
// Close (flock(2) where the system has it), and a second OpenBox of the
// same file, in this process or another, fails at once. A finished box
// never opens again: election.Writer.FinishBallots makes the file
// read-only (mode 0444) once it has recorded it, and OpenBox refuses a
// file whose owner may not write it, saying that the box was finished,
// even for a user (root) whom the system would let write it.
func OpenBox(path string, e *Election) (*Box, error) {
	return OpenBoxProgress(path, e, nil)
}

// OpenBoxProgress is OpenBox, calling progress, if it is not nil, on the
// calling goroutine after each batch of lines read back (a few thousand):
// with the lines read back so far (the header included), the bytes they
// take, and the size of the file when it was opened. The last call has
// bytes equal to totalBytes, unless a torn last line was cut away.
func OpenBoxProgress(path string, e *Election, progress func(lines, bytes, totalBytes int64)) (*Box, error) {
	// A named pipe or a link in its place must not block the box or
	// send its lines elsewhere.
	f, err := regular.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		if fi, serr := os.Lstat(path); serr == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o200 == 0 {
			return nil, finishedError(path)
		}
		return nil, fmt.Errorf("ballot: box: %v", err)
	}
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		if errors.Is(err, filelock.ErrLocked) {
			return nil, fmt.Errorf("ballot: box %s is already open, in this process or another: one ballot box per file", path)
		}
		return nil, fmt.Errorf("ballot: box: locking %s: %v", path, err)
	}
	// Checked under the lock, which FinishBallots holds while it makes the
	// file read-only.
	if fi, err := f.Stat(); err != nil || fi.Mode().Perm()&0o200 == 0 {
		filelock.Unlock(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("ballot: box: %v", err)
		}
		return nil, finishedError(path)
	}
	set := &memorySet{ids: make(map[[16]byte]*written), nonces: make(map[[16]byte]struct{})}
	x := &Box{
		e:          e,
		path:       path,
		f:          f,
		w:          f,
		rule:       NewRule(e, set),
		set:        set,
		openings:   make(map[string]ConfirmationCode),
		closings:   make(map[string]*DeviceClosing),
		incidents:  make(map[ConfirmationCode]bool),
		superseded: make(map[int64]bool),
		codes:      make(map[ShortCode][]BoxEntry),
	}
	x.cond.L = &x.mu
	x.mu.Lock()
	err = x.load(progress)
	x.mu.Unlock()
	if err != nil {
		filelock.Unlock(f)
		f.Close()
		return nil, err
	}
	return x, nil
}

// finishedError is OpenBox's answer for the file of a finished box.
func finishedError(path string) error {
	return fmt.Errorf("ballot: box %s was finished (election.Writer.FinishBallots made it read-only): it accepts no more ballots", path)
}

// usable returns an error if the box takes no more lines: it is closed
// or broken by a failed write. x.mu is held.
func (x *Box) usable() error {
	if x.broken != nil {
		return x.broken
	}
	if x.closing {
		return fmt.Errorf("ballot: box %s is closed: it accepts no more ballots", x.path)
	}
	return nil
}

// load reads the file back in batches (readBack), truncates a torn tail,
// writes the header line into a new file and syncs the file and its
// directory. x.mu is held.
func (x *Box) load(progress func(lines, bytes, totalBytes int64)) error {
	info, err := x.f.Stat()
	if err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	good, err := x.readBack(info.Size(), progress)
	if err != nil {
		return err
	}
	if info.Size() != good {
		if err := x.f.Truncate(good); err != nil {
			return fmt.Errorf("ballot: box %s: truncating a torn last line: %v", x.path, err)
		}
	}
	if _, err := x.f.Seek(good, io.SeekStart); err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	x.durable = x.lines
	if x.lines == 0 {
		h := boxHeaderJSON{Version: boxVersion, ElectionID: x.e.manifest.ElectionID, BaseHash: x.e.baseHash}
		line, err := x.appendLine(boxLineJSON{Box: &h})
		if err != nil {
			return err
		}
		if err := x.synced(line); err != nil {
			return err
		}
	} else if err := x.f.Sync(); err != nil {
		// The lines read back may have been written by a process
		// killed before it synced them: sync them before answering
		// from them.
		return fmt.Errorf("ballot: box %s: sync failed: %v", x.path, err)
	}
	return syncDir(filepath.Dir(x.path))
}

func syncDir(dir string) error {
	if err := regular.SyncDir(dir); err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	return nil
}

// replay applies one line of an existing file, decoded as l, to the state:
// the rule must give it the verdict it was written with. c is what
// CheckBallots found about a ballot line's ballot, proofs included.
func (x *Box) replay(l *BoxLine, c *Checked) error {
	line := x.lines + 1
	switch {
	case line == 1:
		if l.Header == nil {
			return errors.New("ballot: box: the first line is not the box header")
		}
		return l.Header.Check(x.e)
	case l.Header != nil:
		return errors.New("ballot: box: a second box header")
	case l.Opening != nil:
		if v := x.rule.Opening(l.Opening); v.Outcome != Accepted {
			return fmt.Errorf("ballot: box: the rule rejects the opening written here: %v", v.Refusal)
		}
		x.openings[l.Opening.Device] = l.Opening.ConfirmationCode()
		return nil
	case l.Closing != nil:
		if v := x.rule.Closing(l.Closing); v.Outcome != Accepted {
			return fmt.Errorf("ballot: box: the rule rejects the closing written here: %v", v.Refusal)
		}
		x.closings[l.Closing.Device] = l.Closing
		return nil
	case l.Incident != nil:
		if v := x.rule.Incident(l.Incident); v.Outcome != Accepted {
			return fmt.Errorf("ballot: box: the rule rejects the incident written here: %v", v.Refusal)
		}
		x.incidents[l.Incident.Code()] = true
		return nil
	}
	v := x.rule.Peek(line, l.Ballot, c)
	if err := l.Verdict(v); err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	x.apply(line, l.Ballot, c, v)
	return nil
}

// appendLine adds line l to the batch waiting to be written and returns its
// number (x.lines is now that number). The caller applies the line's effect
// on the state at once, under x.mu, so that the next decision sees it,
// and answers only once synced(line) returns nil. x.mu is held.
func (x *Box) appendLine(l boxLineJSON) (int64, error) {
	data, err := marshalLine(l)
	if err != nil {
		return 0, err
	}
	return x.appendMarshaled(data)
}

// marshalLine returns the JSON of line l, without its newline.
//
// The two lines that carry a ballot are assembled around the ballot's JSON,
// which is compact already, rather than re-scanned by encoding/json (about
// 5 FBM a ballot); the bytes are encoding/json's (TestMarshalLine).
func marshalLine(l boxLineJSON) ([]byte, error) {
	switch {
	case l.Ballot != nil && l.Box == nil && l.Opening == nil && l.Refused == nil && l.Closing == nil && l.Incident == nil:
		out := make([]byte, 0, len(l.Ballot)+11)
		out = append(out, `{"ballot":`...)
		out = append(out, l.Ballot...)
		return append(out, '}'), nil
	case l.Refused != nil && l.Ballot == nil && l.Box == nil && l.Opening == nil && l.Closing == nil && l.Incident == nil:
		step, err := json.Marshal(l.Refused.Step)
		if err != nil {
			return nil, fmt.Errorf("ballot: box: %v", err)
		}
		out := make([]byte, 0, len(l.Refused.Ballot)+96)
		out = append(out, `{"refused":{"step":`...)
		out = append(out, step...)
		out = append(out, `,"contest":`...)
		out = strconv.AppendInt(out, int64(l.Refused.Contest), 10)
		out = append(out, `,"selection":`...)
		out = strconv.AppendInt(out, int64(l.Refused.Selection), 10)
		out = append(out, `,"ballot":`...)
		out = append(out, l.Refused.Ballot...)
		return append(out, "}}"...), nil
	}
	data, err := json.Marshal(l)
	if err != nil {
		return nil, fmt.Errorf("ballot: box: %v", err)
	}
	return data, nil
}

// appendMarshaled is appendLine for a line already marshaled
// (marshalLine), which an accepted ballot's is before the box's lock is
// taken. x.mu is held.
func (x *Box) appendMarshaled(data []byte) (int64, error) {
	if err := x.usable(); err != nil {
		return 0, err
	}
	x.pending = append(append(x.pending, data...), '\n')
	x.lines++
	return x.lines, nil
}

// synced waits until the first n lines are on stable storage, and returns
// nil then, or the box's failure if a write or sync failed before they
// were. If no batch is being written, the caller writes and syncs every
// line pending (its own and those of the callers waiting), releasing x.mu
// meanwhile; otherwise it waits for that batch, and then for (or writes)
// the next. x.mu is held; it is released while waiting and writing.
func (x *Box) synced(n int64) error {
	for x.durable < n {
		if x.broken != nil {
			return x.broken
		}
		if x.writing {
			x.waiting++
			x.cond.Wait()
			x.waiting--
			continue
		}
		batch, end := x.pending, x.lines
		x.pending, x.writing = x.spare[:0], true
		x.mu.Unlock()
		err := x.writeBatch(batch)
		x.mu.Lock()
		x.writing, x.spare = false, batch
		if err != nil {
			x.broken = err
		} else {
			x.durable = end
			x.syncs++
		}
		x.cond.Broadcast()
	}
	return nil
}

// writeBatch writes a batch of whole lines with one write and syncs it. A
// failure leaves at worst a partial last line, which the next OpenBox
// removes; after a failed sync the file's state is unknown, so either
// breaks the box. x.mu is not held.
func (x *Box) writeBatch(batch []byte) error {
	if _, err := x.w.Write(batch); err != nil {
		return fmt.Errorf("ballot: box %s: write failed, reopen the box: %v", x.path, err)
	}
	if err := x.w.Sync(); err != nil {
		return fmt.Errorf("ballot: box %s: sync failed, reopen the box: %v", x.path, err)
	}
	return nil
}

// answer returns answer once every line decided so far is on stable
// storage, so that no answer rests on a line that a crash could lose. x.mu
// is held.
func (x *Box) answer(answer error) error {
	if err := x.synced(x.lines); err != nil {
		return err
	}
	return answer
}

// AcceptOpening runs the acceptance rule on a device-opening record and
// appends it if the rule accepts it. It returns nil if the record is
// accepted, or was accepted before, and otherwise a *Refusal; either only
// once the record's line is on stable storage. Other errors mean the box
// cannot write.
func (x *Box) AcceptOpening(o *DeviceOpening) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.usable(); err != nil {
		return err
	}
	repeat := func() bool {
		c, ok := x.openings[o.Device]
		return ok && c == o.ConfirmationCode() && o.Verify(x.e) == nil
	}
	return x.acceptRecord(x.rule.PeekOpening(o), repeat, boxLineJSON{Opening: o}, func() {
		x.rule.Opening(o)
		x.openings[o.Device] = o.ConfirmationCode()
	})
}

// acceptRecord writes a record the rule accepts or rejects, never refuses
// (an opening, a closing, an incident): with v the rule's verdict on it,
// a record already written (repeat) is answered as accepted, one rejected
// with its refusal, and one accepted is appended as l and applied (apply);
// every answer waits for the box's lines to be synced. x.mu is held.
func (x *Box) acceptRecord(v Verdict, repeat func() bool, l boxLineJSON, apply func()) error {
	if v.Outcome != Accepted {
		if repeat() {
			return x.answer(nil)
		}
		return x.answer(v.Refusal)
	}
	line, err := x.appendLine(l)
	if err != nil {
		return err
	}
	apply()
	return x.synced(line)
}

// AcceptClosing runs the acceptance rule on a device's closing
// certificate and appends it if the rule accepts it: it must carry valid
// signatures (with the co-signatures the device's station requires), and
// name the last ballot of the device's chain in the box and the counts of
// its chain. It returns nil if the closing is accepted, or the same
// closing was accepted before, and otherwise a *Refusal (never Recorded:
// a closing is accepted or rejected). A closing ahead of the box's chain
// (StepChainGap) waits for the ballots that are still to come. After a
// closing, every ballot of the device is rejected (StepClosed).
func (x *Box) AcceptClosing(c *DeviceClosing) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.usable(); err != nil {
		return err
	}
	repeat := func() bool {
		old, ok := x.closings[c.Device]
		return ok && old.equal(c)
	}
	return x.acceptRecord(x.rule.PeekClosing(c), repeat, boxLineJSON{Closing: c}, func() {
		x.rule.Closing(c)
		kept := *c
		kept.Cosignatures = append([]Cosignature(nil), c.Cosignatures...)
		x.closings[c.Device] = &kept
	})
}

// AcceptIncident runs the acceptance rule on an entry of a station's
// incident log and appends it if the rule accepts it: it must be validly
// signed by an official of the station and be the next entry of the
// station's log. It returns nil if the entry is accepted, or was accepted
// before, and otherwise a *Refusal (an entry is accepted or rejected,
// never written as refused). An entry ahead of the log (StepChainGap)
// waits for the missing ones.
func (x *Box) AcceptIncident(i *Incident) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.usable(); err != nil {
		return err
	}
	repeat := func() bool { return x.incidents[i.Code()] && i.Verify(x.e) == nil }
	return x.acceptRecord(x.rule.PeekIncident(i), repeat, boxLineJSON{Incident: i}, func() {
		x.rule.Incident(i)
		x.incidents[i.Code()] = true
	})
}

// IncidentTip returns the sequence number and code of the last entry of
// station's incident log in the box (0 and IncidentLogStart if none), so
// that a station knows where its upload resumes; ok is false if the box is
// broken (Err), whose state may be ahead of its file.
func (x *Box) IncidentTip(station string) (sequence uint64, code ConfirmationCode, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	seq, c := x.rule.IncidentTip(station)
	if x.answer(nil) != nil {
		return 0, ConfirmationCode{}, false // broken: the state may be ahead of the file (Err)
	}
	return seq, c, true
}

// Accept decodes a ballot from its canonical binary encoding (Bytes) and
// runs AcceptBallot on it. It returns the decoded ballot (nil if it does
// not decode, which is a rejection for decoding).
func (x *Box) Accept(data []byte) (*Ballot, error) {
	x.mu.Lock()
	err := x.usable()
	x.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, err := ParseBallot(data)
	if err != nil {
		return nil, refuse(StepDecoding, "%v", err)
	}
	return b, x.AcceptBallot(b)
}

// AcceptBallot runs the acceptance rule on b (docs/spec.md §Ballots, "The
// acceptance rule") and writes what it decides. It returns nil if b is
// accepted, and a *Refusal otherwise, with Recorded set if the box wrote b
// as refused (a final verdict) and clear if it wrote nothing (a rejection:
// not attributable, a repeated identifier, or out of order in its chain,
// which the uploader fixes by sending the missing ballots first). A ballot
// submitted again after it was written gets the same answer, and nothing
// is written twice. Other errors mean the box cannot write. An answer that
// depends on the box's earlier lines (every answer but a rejection for
// decoding or attribution) is given only once the lines it depends on, and
// b's own, are on stable storage.
//
// The steps that need no earlier ballot except the proofs come first,
// with the JSON of b's line, then the rule's decision up to the proofs
// (under the box's lock), then
// the proofs (on the calling goroutine, in parallel with other
// submissions), then the decision again (under the lock), and the wait for
// the line's batch to be written (Box).
func (x *Box) AcceptBallot(b *Ballot) error {
	x.mu.Lock()
	err := x.usable()
	x.mu.Unlock()
	if err != nil {
		return err
	}
	c := CheckBallots(x.e, []*Ballot{b}, false)[0]
	if c.attribution != nil {
		return c.attribution
	}
	// The line of b accepted, marshaled before the lock is taken.
	raw, err := b.MarshalJSON()
	if err != nil {
		return err
	}
	accepted, err := marshalLine(boxLineJSON{Ballot: raw})
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.usable(); err != nil {
		return err
	}
	if done, err := x.repeat(b, c); done {
		return x.answer(err)
	}
	v := x.rule.Peek(x.lines+1, b, c)
	if v.Outcome == pending {
		x.mu.Unlock()
		x.e.finishChecks([]*Ballot{b}, []*Checked{c}, false)
		x.mu.Lock()
		if err := x.usable(); err != nil {
			return err
		}
		if done, err := x.repeat(b, c); done { // another goroutine wrote it
			return x.answer(err)
		}
		v = x.rule.Peek(x.lines+1, b, c)
	}
	return x.write(b, c, v, raw, accepted)
}

// repeat reports whether b repeats a ballot line already written (the same
// signer, identifier, confirmation code and state), and if so the answer the
// box gave it. x.mu is held.
func (x *Box) repeat(b *Ballot, c *Checked) (bool, error) {
	w, ok := x.set.ids[c.fps[0].Sum]
	if !ok || w.code != b.code || w.state != b.state {
		return false, nil
	}
	if w.refusal != nil {
		r := *w.refusal
		return true, &r
	}
	return true, nil
}

// write writes b with verdict v (from Peek, with the proofs' verdict in c
// when the rule reached them), applies it, and returns the answer once the
// line is on stable storage. raw is b's JSON, and accepted its line if
// accepted. x.mu is held.
func (x *Box) write(b *Ballot, c *Checked, v Verdict, raw, accepted []byte) error {
	if v.Outcome == Rejected {
		return x.answer(v.Refusal)
	}
	line, answer, err := x.record(b, c, v, raw, accepted)
	if err != nil {
		return err
	}
	if err := x.synced(line); err != nil {
		return err
	}
	return answer
}

// record appends the line of b with verdict v, accepted or refused (not
// rejected), to the batch being gathered and applies it, without waiting
// for the batch to be synced. It returns the line's number and the answer
// to give once it is: nil, or the recorded refusal. x.mu is held.
func (x *Box) record(b *Ballot, c *Checked, v Verdict, raw, accepted []byte) (line int64, answer, err error) {
	data := accepted
	if v.Outcome == Refused {
		data, err = marshalLine(boxLineJSON{Refused: &refusedLineJSON{Step: v.Refusal.Step, Contest: v.Refusal.Contest, Selection: v.Refusal.Selection, Ballot: raw}})
		if err != nil {
			return 0, nil, err
		}
	}
	line, err = x.appendMarshaled(data)
	if err != nil {
		return 0, nil, err
	}
	x.apply(line, b, c, v)
	if v.Outcome == Refused {
		r := *v.Refusal
		r.Recorded = true
		return line, &r, nil
	}
	return line, nil, nil
}

// apply applies verdict v of ballot b on line (written there) to the state.
// x.mu is held, or the box is being loaded.
func (x *Box) apply(line int64, b *Ballot, c *Checked, v Verdict) {
	x.rule.Ballot(line, b, c)
	x.index(line, b, v)
	w := x.set.ids[c.fps[0].Sum]
	w.code, w.state = b.code, b.state
	if v.Outcome == Refused {
		r := *v.Refusal
		r.Recorded = true
		w.refusal = &r
	}
	if v.Counted {
		x.counted = append(x.counted, countedBallot{line: line, code: b.code})
	}
	if v.Supersedes != 0 {
		x.superseded[v.Supersedes] = true
	}
}

// Counted returns the confirmation codes of the ballots that count, in the
// order they were accepted: every accepted cast ballot, except, under
// LastBallotCounts, a credential's ballots that a later one superseded.
// Challenged and refused ballots never count. It answers once the lines it
// reports are on stable storage, and returns nil if the box is broken (a
// write failed: its state is not trusted until it is reopened).
func (x *Box) Counted() []ConfirmationCode {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]ConfirmationCode, 0, len(x.counted))
	for _, c := range x.counted {
		if !x.superseded[c.line] {
			out = append(out, c.code)
		}
	}
	if x.answer(nil) != nil {
		return nil
	}
	return out
}

// Tip returns the sequence number and confirmation code of the last ballot of
// device's chain written to the box, accepted or refused (0 and the opening's
// confirmation code right after the opening), so that a device that worked
// offline knows where to resume its upload. ok is false if the device has not
// opened its chain, or if the box is broken (a write failed: its state is
// not trusted until it is reopened). It answers once the lines it reports
// are on stable storage.
func (x *Box) Tip(device string) (sequence uint64, code ConfirmationCode, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	sequence, code, ok = x.rule.Tip(device)
	if x.answer(nil) != nil {
		return 0, ConfirmationCode{}, false
	}
	return sequence, code, ok
}

// Counts returns the counts of device's chain in the box (accepted cast,
// accepted challenged, refused), which its closing must state, so that a
// device that lost its own (Device.SetCounts) can take them from the box;
// ok is false if the device has not opened.
func (x *Box) Counts(device string) (ClosingCounts, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	c, ok := x.rule.Counts(device)
	if x.answer(nil) != nil {
		return ClosingCounts{}, false // broken: the state may be ahead of the file (Err)
	}
	return c, ok
}

// Close writes the lines still waiting for their batch, closes the box file
// and releases its lock, after which every submission is refused. Accepted
// ballots are then on stable storage. It returns the error of a write or
// sync that failed, if any. Close the box before
// election.Writer.FinishBallots, which refuses to finish a box that is
// open.
func (x *Box) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.f == nil {
		return nil
	}
	x.closing = true
	err := x.synced(x.lines)
	for x.writing { // never true once synced returns; the file must not close under a batch
		x.cond.Wait()
	}
	if x.f == nil { // closed by another Close while this one waited
		return err
	}
	filelock.Unlock(x.f)
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	x.f, x.w = nil, nil
	return err
}

// idKey is the key under which a ballot identifier is unique: the signer
// (device or credential) and the identifier. Identifiers are unique per
// signer, so that no one can block a device's or a voter's ballot by
// submitting another ballot under its identifier first.
func idKey(h *Header) string {
	var e wire.Writer
	if h.Credential != nil {
		e.U8(signerCredential)
		e.Fixed(h.Credential)
	} else {
		e.U8(signerDevice)
		e.Str(h.Device)
	}
	e.Str(h.BallotID)
	return string(e.B)
}

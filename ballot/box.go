package ballot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
// "Ballot-box file"). A line is written and synced to stable storage
// before Accept returns, so a crash never loses an acknowledged ballot; a
// line torn by a crash is dropped when the box is reopened, so it is never
// read as accepted.
//
// A submission the rule rejects (not attributable to an eligible signer, a
// repeated identifier, or out of order in its device's chain) leaves no line.
// The same submission sent again (the same signer, identifier, confirmation
// code and state) is answered as the first time and writes nothing, so uploads
// can be repeated safely.
//
// A Box is safe for concurrent use by many goroutines: proofs of different
// ballots are verified in parallel, and only the rule's decision and the
// write are serialized.
type Box struct {
	e    *Election
	path string

	mu     sync.Mutex
	f      *os.File
	broken error // a failed write: the box refuses everything until reopened
	lines  int64 // lines in the file, the header included

	rule       *Rule
	set        *memorySet
	openings   map[string]ConfirmationCode // device → its opening's confirmation code
	closings   map[string]*DeviceClosing   // device → its accepted closing
	incidents  map[ConfirmationCode]bool   // codes of the accepted incidents
	counted    []countedBallot             // accepted cast ballots, in order
	superseded map[int64]bool              // lines of counted ballots superseded by a revote
	codes      map[ShortCode][]BoxEntry    // ballot lines by short code, for Lookup
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
// through the acceptance rule to rebuild the box's state; each line's
// confirmation code and signature are checked again, and each must get the
// verdict it was written with, but the proofs of accepted ballots are not
// checked again (the rule takes them as valid; those of the ballots refused
// for their proofs are). A torn last line, left by a crash during a write that
// was never acknowledged, is truncated away; any other damaged line is an
// error.
//
// One file, one box: the Box holds an exclusive lock on its file until
// Close (flock(2) where the system has it), and a second OpenBox of the
// same file, in this process or another, fails at once. A finished box
// never opens again: election.Writer.FinishBallots makes the file
// read-only (mode 0444) once it has recorded it, and OpenBox refuses a
// file whose owner may not write it, saying that the box was finished,
// even for a user (root) whom the system would let write it.
func OpenBox(path string, e *Election) (*Box, error) {
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
		rule:       NewRule(e, set),
		set:        set,
		openings:   make(map[string]ConfirmationCode),
		closings:   make(map[string]*DeviceClosing),
		incidents:  make(map[ConfirmationCode]bool),
		superseded: make(map[int64]bool),
		codes:      make(map[ShortCode][]BoxEntry),
	}
	if err := x.load(); err != nil {
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

// closed returns an error if the box is closed. x.mu is held.
func (x *Box) closed() error {
	if x.f == nil {
		return fmt.Errorf("ballot: box %s is closed: it accepts no more ballots", x.path)
	}
	return nil
}

// load reads the file, rebuilds the state, truncates a torn tail and writes
// the header line into a new file.
func (x *Box) load() error {
	r := bufio.NewReaderSize(x.f, 1<<16)
	var good int64 // offset after the last good line
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			var long []byte
			long = append(long, line...)
			for errors.Is(err, bufio.ErrBufferFull) && len(long) <= maxBoxLine {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err == io.EOF && len(line) == 0 {
			break
		}
		if err != nil && err != io.EOF {
			if len(line) > maxBoxLine {
				return fmt.Errorf("ballot: box %s: line %d is longer than %d bytes", x.path, x.lines+1, maxBoxLine)
			}
			return fmt.Errorf("ballot: box %s: %v", x.path, err)
		}
		if err == io.EOF {
			break // an unterminated last line: a torn write, never acknowledged
		}
		perr := x.replay(line)
		if perr == nil {
			good += int64(len(line))
			x.lines++
			continue
		}
		if _, err := r.Peek(1); err == io.EOF {
			break // a damaged last line: a torn write, never acknowledged
		}
		return fmt.Errorf("ballot: box %s: line %d: %v", x.path, x.lines+1, perr)
	}
	info, err := x.f.Stat()
	if err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	if info.Size() != good {
		if err := x.f.Truncate(good); err != nil {
			return fmt.Errorf("ballot: box %s: truncating a torn last line: %v", x.path, err)
		}
	}
	if _, err := x.f.Seek(good, io.SeekStart); err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	if x.lines == 0 {
		h := boxHeaderJSON{Version: boxVersion, ElectionID: x.e.manifest.ElectionID, BaseHash: x.e.baseHash}
		if err := x.appendLine(boxLineJSON{Box: &h}); err != nil {
			return err
		}
		x.lines = 1
		return syncDir(filepath.Dir(x.path))
	}
	if info.Size() != good {
		return x.f.Sync()
	}
	return nil
}

func syncDir(dir string) error {
	d, err := regular.OpenDir(dir)
	if err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("ballot: box: syncing directory %s: %v", dir, err)
	}
	return nil
}

// replay applies one line of an existing file to the state: the rule must
// give it the verdict it was written with.
func (x *Box) replay(data []byte) error {
	l, err := ParseBoxLine(bytes.TrimSuffix(data, []byte("\n")))
	if err != nil {
		return err
	}
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
	// The proofs of an accepted line are taken as valid; those of a line
	// refused for them (rare) are checked again, so that the box answers a
	// repeat of it with the reason.
	refusedProofs := l.Refusal.provedWrong() != nil
	c := CheckBallots(x.e, []*Ballot{l.Ballot}, refusedProofs)[0]
	if !refusedProofs {
		c.TrustProofs(nil)
	}
	v := x.rule.Peek(line, l.Ballot, c)
	if err := l.Verdict(v); err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	x.apply(line, l.Ballot, c, v)
	return nil
}

// appendLine writes one JSON line and syncs it. On failure the box is
// marked broken: the file may end with a partial line, which the next
// OpenBox removes.
func (x *Box) appendLine(l boxLineJSON) error {
	if x.broken != nil {
		return x.broken
	}
	data, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	data = append(data, '\n')
	if _, err := x.f.Write(data); err != nil {
		x.broken = fmt.Errorf("ballot: box %s: write failed, reopen the box: %v", x.path, err)
		return x.broken
	}
	if err := x.f.Sync(); err != nil {
		x.broken = fmt.Errorf("ballot: box %s: sync failed, reopen the box: %v", x.path, err)
		return x.broken
	}
	return nil
}

// AcceptOpening runs the acceptance rule on a device-opening record and
// appends it if the rule accepts it. It returns nil if the record is
// accepted, or was accepted before, and otherwise a *Refusal.
func (x *Box) AcceptOpening(o *DeviceOpening) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.usable(); err != nil {
		return err
	}
	v := x.rule.PeekOpening(o)
	if v.Outcome != Accepted {
		if c, ok := x.openings[o.Device]; ok && c == o.ConfirmationCode() && o.Verify(x.e) == nil {
			return nil // a repeat
		}
		return v.Refusal
	}
	if err := x.appendLine(boxLineJSON{Opening: o}); err != nil {
		return err
	}
	x.lines++
	x.rule.Opening(o)
	x.openings[o.Device] = o.ConfirmationCode()
	return nil
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
	v := x.rule.PeekClosing(c)
	if v.Outcome != Accepted {
		if old, ok := x.closings[c.Device]; ok && old.equal(c) {
			return nil // a repeat
		}
		return v.Refusal
	}
	if err := x.appendLine(boxLineJSON{Closing: c}); err != nil {
		return err
	}
	x.lines++
	x.rule.Closing(c)
	kept := *c
	kept.Cosignatures = append([]Cosignature(nil), c.Cosignatures...)
	x.closings[c.Device] = &kept
	return nil
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
	v := x.rule.PeekIncident(i)
	if v.Outcome != Accepted {
		if x.incidents[i.Code()] && i.Verify(x.e) == nil {
			return nil // a repeat
		}
		return v.Refusal
	}
	if err := x.appendLine(boxLineJSON{Incident: i}); err != nil {
		return err
	}
	x.lines++
	x.rule.Incident(i)
	x.incidents[i.Code()] = true
	return nil
}

// IncidentTip returns the sequence number and code of the last entry of
// station's incident log in the box (0 and IncidentLogStart if none), so
// that a station knows where its upload resumes; ok is false if the box is
// broken (Err), whose state may be ahead of its file.
func (x *Box) IncidentTip(station string) (sequence uint64, code ConfirmationCode, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.broken != nil && x.f != nil {
		return 0, ConfirmationCode{}, false
	}
	seq, c := x.rule.IncidentTip(station)
	return seq, c, true
}

// Accept decodes a ballot from its canonical binary encoding (Bytes) and
// runs AcceptBallot on it. It returns the decoded ballot (nil if it does
// not decode, which is a rejection for decoding).
func (x *Box) Accept(data []byte) (*Ballot, error) {
	x.mu.Lock()
	err := x.closed()
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
// is written twice. Other errors mean the box cannot write.
//
// The steps that need no earlier ballot except the proofs come first,
// then the rule's decision up to the proofs (under the box's lock), then
// the proofs (on the calling goroutine, in parallel with other
// submissions), then the decision again and the write (under the lock).
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
	x.mu.Lock()
	if err := x.usable(); err != nil {
		x.mu.Unlock()
		return err
	}
	if done, err := x.repeat(b, c); done {
		x.mu.Unlock()
		return err
	}
	if v := x.rule.Peek(x.lines+1, b, c); v.Outcome != pending {
		defer x.mu.Unlock()
		return x.write(b, c, v)
	}
	x.mu.Unlock()
	x.e.finishChecks([]*Ballot{b}, []*Checked{c})
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.usable(); err != nil {
		return err
	}
	if done, err := x.repeat(b, c); done { // another goroutine wrote it
		return err
	}
	return x.write(b, c, x.rule.Peek(x.lines+1, b, c))
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
// when the rule reached them) and applies it. x.mu is held.
func (x *Box) write(b *Ballot, c *Checked, v Verdict) error {
	if v.Outcome == Rejected {
		return v.Refusal
	}
	raw, err := b.MarshalJSON()
	if err != nil {
		return err
	}
	l := boxLineJSON{Ballot: raw}
	if v.Outcome == Refused {
		l = boxLineJSON{Refused: &refusedLineJSON{Step: v.Refusal.Step, Contest: v.Refusal.Contest, Selection: v.Refusal.Selection, Ballot: raw}}
	}
	if err := x.appendLine(l); err != nil {
		return err
	}
	x.lines++
	x.apply(x.lines, b, c, v)
	if v.Outcome == Refused {
		r := *v.Refusal
		r.Recorded = true
		return &r
	}
	return nil
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
// Challenged and refused ballots never count.
func (x *Box) Counted() []ConfirmationCode {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]ConfirmationCode, 0, len(x.counted))
	for _, c := range x.counted {
		if !x.superseded[c.line] {
			out = append(out, c.code)
		}
	}
	return out
}

// Tip returns the sequence number and confirmation code of the last ballot of
// device's chain written to the box, accepted or refused (0 and the opening's
// confirmation code right after the opening), so that a device that worked
// offline knows where to resume its upload. ok is false if the device has not
// opened its chain.
func (x *Box) Tip(device string) (sequence uint64, code ConfirmationCode, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.broken != nil && x.f != nil {
		return 0, ConfirmationCode{}, false // broken: the state may be ahead of the file (Err)
	}
	return x.rule.Tip(device)
}

// Counts returns the counts of device's chain in the box (accepted cast,
// accepted challenged, refused), which its closing must state, so that a
// device that lost its own (Device.SetCounts) can take them from the box;
// ok is false if the device has not opened.
func (x *Box) Counts(device string) (ClosingCounts, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.broken != nil && x.f != nil {
		return ClosingCounts{}, false // broken: the state may be ahead of the file (Err)
	}
	return x.rule.Counts(device)
}

// Close closes the box file and releases its lock, after which every
// submission is refused. Accepted ballots are already on stable storage.
// Close the box before election.Writer.FinishBallots, which refuses to
// finish a box that is open.
func (x *Box) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.f == nil {
		return nil
	}
	filelock.Unlock(x.f)
	err := x.f.Close()
	x.f = nil
	if x.broken == nil {
		x.broken = errors.New("ballot: box is closed")
	}
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

package ballot

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/sandogh/sandogh/internal/wire"
)

// A Box is a ballot box: it checks submitted ballots and device-opening
// records against every acceptance rule of the election and appends the
// accepted ones durably to an append-only file, one JSON object per line
// (docs/spec.md §Ballots, "Ballot box"). A line is written and
// synced to stable storage before Accept returns success, so a crash never
// loses an accepted ballot; a line torn by a crash is dropped when the box
// is reopened, so it is never read as accepted.
//
// A Box is safe for concurrent use by many goroutines: proofs of different
// ballots are verified in parallel, and only the final checks against
// earlier ballots and the write are serialized.
type Box struct {
	e    *Election
	path string

	mu     sync.Mutex
	f      *os.File
	broken error // a failed write: the box refuses everything until reopened

	ids      map[string]struct{}      // signer and ballot identifier, see idKey
	seen     map[fingerprint]struct{} // ciphertexts and proofs
	creds    map[[ed25519.PublicKeySize]byte]Code
	chains   map[string]*chain
	counted  []Code
	replaced map[Code]bool // cast ballots superseded by a revote
	lines    int
}

// A chain is the state of one device's chain of codes.
type chain struct {
	tip  Code
	seq  uint64
	next map[Code]Code // code → the code that names it as predecessor
	pos  map[Code]uint64
}

// fingerprint is the first 16 bytes of SHA-512/256 of a ciphertext or
// proof encoding, prefixed by a tag so the kinds do not collide.
type fingerprint [16]byte

func fingerprintOf(tag byte, b []byte) fingerprint {
	h := sha512.New512_256()
	h.Write([]byte{tag})
	h.Write(b)
	var f fingerprint
	copy(f[:], h.Sum(nil))
	return f
}

const (
	boxVersion  = 1
	maxBoxLine  = 64 << 20
	tagCipher   = 'c'
	tagProof    = 'p'
	tagSumProof = 's'
	// tagKnowledge fingerprints the proof of knowledge of a row's nonce.
	tagKnowledge = 'k'
)

// boxLine is one line of the box file: exactly one member is set.
type boxLine struct {
	Box     *boxHeader      `json:"box,omitempty"`
	Opening *DeviceOpening  `json:"opening,omitempty"`
	Ballot  json.RawMessage `json:"ballot,omitempty"`
}

type boxHeader struct {
	Version    int    `json:"version"`
	ElectionID string `json:"electionId"`
	BaseHash   Code   `json:"baseHash"`
}

// OpenBox opens the ballot box file at path for election e, creating it if
// it does not exist. An existing file must belong to e. Its lines are read
// back to rebuild the box's state (identifiers, fingerprints, chains,
// credentials); their signatures and codes are checked again, but not
// their proofs, which were checked when they were accepted. A torn last
// line, left by a crash during a write that was never acknowledged, is
// truncated away; any other damaged line is an error. Only one Box (in one
// process) may have a file open at a time.
func OpenBox(path string, e *Election) (*Box, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("ballot: box: %v", err)
	}
	x := &Box{
		e:        e,
		path:     path,
		f:        f,
		ids:      make(map[string]struct{}),
		seen:     make(map[fingerprint]struct{}),
		creds:    make(map[[ed25519.PublicKeySize]byte]Code),
		chains:   make(map[string]*chain),
		replaced: make(map[Code]bool),
	}
	if err := x.load(); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
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
		h := x.e.baseHash
		if err := x.appendLine(boxLine{Box: &boxHeader{Version: boxVersion, ElectionID: x.e.manifest.ElectionID, BaseHash: Code(h)}}); err != nil {
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
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("ballot: box: %v", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("ballot: box: syncing directory %s: %v", dir, err)
	}
	return nil
}

// replay applies one line of an existing file to the state.
func (x *Box) replay(line []byte) error {
	var l boxLine
	if err := strictJSON("box line", bytes.TrimSuffix(line, []byte("\n")), &l); err != nil {
		return err
	}
	n := 0
	if l.Box != nil {
		n++
	}
	if l.Opening != nil {
		n++
	}
	if l.Ballot != nil {
		n++
	}
	if n != 1 {
		return errors.New("ballot: box line: want exactly one of box, opening, ballot")
	}
	switch {
	case x.lines == 0:
		if l.Box == nil {
			return errors.New("ballot: box: the first line is not the box header")
		}
		if l.Box.Version != boxVersion || l.Box.BaseHash != Code(x.e.baseHash) {
			return fmt.Errorf("ballot: box: the file belongs to election %q (version %d, base hash %s), not to this election", l.Box.ElectionID, l.Box.Version, l.Box.BaseHash)
		}
		return nil
	case l.Box != nil:
		return errors.New("ballot: box: a second box header")
	case l.Opening != nil:
		if err := l.Opening.Verify(x.e); err != nil {
			return err
		}
		return x.checkOpening(l.Opening, (*Box).recordOpening)
	default:
		b := new(Ballot)
		if err := b.UnmarshalJSON(l.Ballot); err != nil {
			return err
		}
		if err := x.e.checkStatic(b); err != nil {
			return err
		}
		fps := b.Fingerprints()
		if err := x.checkState(b, fps); err != nil {
			return err
		}
		x.record(b, fps)
		return nil
	}
}

// appendLine writes one JSON line and syncs it. On failure the box is
// marked broken: the file may end with a partial line, which the next
// OpenBox removes.
func (x *Box) appendLine(l boxLine) error {
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

// AcceptOpening checks a device-opening record (registered device, valid
// signature, first opening of the device) and appends it. It returns a
// *Refusal if the record is refused.
func (x *Box) AcceptOpening(o *DeviceOpening) error {
	if err := o.Verify(x.e); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.checkOpening(o, func(x *Box, o *DeviceOpening) error {
		if err := x.appendLine(boxLine{Opening: o}); err != nil {
			return err
		}
		x.lines++
		return x.recordOpening(o)
	})
}

func (x *Box) checkOpening(o *DeviceOpening, then func(*Box, *DeviceOpening) error) error {
	if _, ok := x.chains[o.Device]; ok {
		return refuse(CheckDuplicate, "device %q has already opened its chain", o.Device)
	}
	return then(x, o)
}

func (x *Box) recordOpening(o *DeviceOpening) error {
	c := o.Code()
	x.chains[o.Device] = &chain{tip: c, next: map[Code]Code{}, pos: map[Code]uint64{c: 0}}
	return nil
}

// Accept decodes a ballot from its canonical binary encoding (Bytes),
// checks it, and appends it to the box if every check passes. It returns
// the decoded ballot, and a *Refusal naming the failed check (or another
// error if the box cannot write). The checks are: decoding; the election's
// base hash; conformance to the manifest; the device or credential is
// registered (and the device has opened its chain); the signature;
// replays (ballot identifier, ciphertexts and proofs seen before); the
// credential policy; chain continuity (gap or fork); and every proof, or
// for a challenged ballot that its nonce seed reproduces it.
func (x *Box) Accept(data []byte) (*Ballot, error) {
	b, err := ParseBallot(data)
	if err != nil {
		return nil, refuse(CheckDecoding, "%v", err)
	}
	return b, x.AcceptBallot(b)
}

// AcceptBallot is Accept for a ballot already decoded.
func (x *Box) AcceptBallot(b *Ballot) error {
	if err := x.e.checkStatic(b); err != nil {
		return err
	}
	// Refuse replays and chain breaks before the expensive proofs. The
	// fingerprints are hashed once, outside the lock.
	fps := b.Fingerprints()
	x.mu.Lock()
	err := x.checkState(b, fps)
	x.mu.Unlock()
	if err != nil {
		return err
	}
	if b.state == Challenged {
		if _, err := OpenChallenged(x.e, b); err != nil {
			return refuse(CheckChallenge, "%v", err)
		}
	} else if err := x.e.verifyProofs(b); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.checkState(b, fps); err != nil { // another goroutine may have won
		return err
	}
	raw, err := b.MarshalJSON()
	if err != nil {
		return err
	}
	if err := x.appendLine(boxLine{Ballot: raw}); err != nil {
		return err
	}
	x.lines++
	x.record(b, fps)
	return nil
}

// checkState runs the checks against earlier ballots, with fps the
// ballot's fingerprints (b.Fingerprints()). x.mu is held. For a device
// ballot the chain is checked first, so that two ballots with the same
// predecessor are reported as a fork rather than as a duplicate identifier.
func (x *Box) checkState(b *Ballot, fps []Fingerprint) error {
	h := &b.header
	if h.Credential == nil {
		if err := x.checkChain(b); err != nil {
			return err
		}
	}
	if _, ok := x.ids[idKey(h)]; ok {
		return refuse(CheckDuplicate, "ballot identifier %q was seen before from the same signer", h.BallotID)
	}
	for _, f := range fps {
		if f.Kind == FingerprintIdentifier {
			continue // checked exactly above
		}
		if _, ok := x.seen[fingerprint(f.Sum)]; ok {
			return refuseAt(CheckDuplicate, f.Contest, f.Selection, "%s was seen in an earlier ballot (replay)", replayedPart(b, f))
		}
	}
	if h.Credential != nil && b.state == Cast && x.e.manifest.Policy == OneBallotPerCredential {
		if _, used := x.creds[[ed25519.PublicKeySize]byte(h.Credential)]; used {
			return refuse(CheckPolicy, "credential %x has already cast a ballot and the election allows one per credential", []byte(h.Credential))
		}
	}
	return nil
}

// replayedPart names the part of b that f stands for, as a refusal says it.
func replayedPart(b *Ballot, f Fingerprint) string {
	switch f.Kind {
	case FingerprintKnowledgeProof:
		return "proof of knowledge"
	case FingerprintRangeProof:
		return "range proof"
	case FingerprintContestProof:
		return "contest proof"
	}
	if b.contests[f.Contest].layout == layoutRow {
		return "ciphertext of the row"
	}
	return "ciphertext"
}

// checkChain checks a device ballot's place in its device's chain.
func (x *Box) checkChain(b *Ballot) error {
	h := &b.header
	ch, ok := x.chains[h.Device]
	if !ok {
		return refuse(CheckEligibility, "device %q has not opened its chain", h.Device)
	}
	if _, ok := ch.pos[b.code]; ok {
		return refuse(CheckDuplicate, "ballot %s was accepted before", b.code)
	}
	seq, known := ch.pos[h.Previous]
	switch {
	case !known && h.Sequence > ch.seq+1:
		return refuse(CheckChainGap, "device %q: predecessor %s of sequence %d is not in the chain, whose last accepted ballot has sequence %d: ballots %d..%d are missing", h.Device, h.Previous, h.Sequence, ch.seq, ch.seq+1, h.Sequence-1)
	case !known:
		return refuse(CheckChainGap, "device %q: predecessor %s of sequence %d is not in the chain (whose last accepted ballot has sequence %d)", h.Device, h.Previous, h.Sequence, ch.seq)
	case h.Previous != ch.tip:
		return refuse(CheckChainFork, "device %q: predecessor %s (sequence %d) is already followed by %s", h.Device, h.Previous, seq, ch.next[h.Previous])
	case h.Sequence != seq+1:
		return refuse(CheckChainGap, "device %q: sequence %d does not follow the predecessor's sequence %d", h.Device, h.Sequence, seq)
	}
	return nil
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

// record adds an accepted ballot, with fps its fingerprints, to the
// state. x.mu is held.
func (x *Box) record(b *Ballot, fps []Fingerprint) {
	h := &b.header
	x.ids[idKey(h)] = struct{}{}
	for _, f := range fps {
		if f.Kind != FingerprintIdentifier {
			x.seen[fingerprint(f.Sum)] = struct{}{}
		}
	}
	if h.Credential == nil {
		ch := x.chains[h.Device]
		ch.next[ch.tip] = b.code
		ch.pos[b.code] = h.Sequence
		ch.tip, ch.seq = b.code, h.Sequence
	} else if b.state == Cast {
		k := [ed25519.PublicKeySize]byte(h.Credential)
		if prev, ok := x.creds[k]; ok {
			x.replaced[prev] = true
		}
		x.creds[k] = b.code
	}
	if b.state == Cast {
		x.counted = append(x.counted, b.code)
	}
}

// Counted returns the codes of the ballots that count, in the order they
// were accepted: every cast ballot, except, under LastBallotCounts, a
// credential's ballots that a later one replaced. Challenged ballots never
// count.
func (x *Box) Counted() []Code {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]Code, 0, len(x.counted))
	for _, c := range x.counted {
		if !x.replaced[c] {
			out = append(out, c)
		}
	}
	return out
}

// Tip returns the sequence number and code of the last accepted record of
// device's chain (0 and the opening's code right after the opening), so
// that a device that worked offline knows where to resume its upload.
// ok is false if the device has not opened its chain.
func (x *Box) Tip(device string) (sequence uint64, code Code, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	ch, ok := x.chains[device]
	if !ok {
		return 0, Code{}, false
	}
	return ch.seq, ch.tip, true
}

// Close closes the box file. Accepted ballots are already on stable
// storage.
func (x *Box) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.f == nil {
		return nil
	}
	err := x.f.Close()
	x.f = nil
	if x.broken == nil {
		x.broken = errors.New("ballot: box is closed")
	}
	return err
}

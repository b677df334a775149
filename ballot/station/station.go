package station

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/filelock"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/wire"
	"github.com/sandogh/sandogh/pollbook"
)

// The files of a station's folder.
const (
	fileLog     = "station.jsonl"
	filePending = "pending.json"
	logVersion  = 1
	maxLine     = 64 << 20
	seedSize    = 32
)

// A Station is one polling-station device in the field. It encrypts and
// signs ballots as ballot.Device does, and keeps, in its own folder:
//
//   - station.jsonl, its log: a header, its opening, every ballot the
//     voters cast or challenged, in chain order, each synced before the
//     voter is told it is cast, and notes of what the ballot box
//     acknowledged;
//   - pending.json, while a voter decides: the ballot just encrypted, with
//     its nonce seed and the voter's choices, so that a device restarted
//     before she decides can challenge it (a ballot the voter abandons is
//     challenged) instead of leaving a gap in its chain. It is removed as
//     soon as she decides.
//
// The ballots the box has not acknowledged are its outbox; Sync sends
// them, Run keeps sending them as the network allows. A station
// restarted mid-day (Open on its folder) resumes its chain and its outbox
// from the log. One process opens a station's folder at a time.
//
// A Station is safe for concurrent use: Sync (or Run) may run while
// voters vote, but one voter at a time: Encrypt, then Cast or Challenge.
type Station struct {
	e      *ballot.Election
	dir    string
	id     string
	key    ed25519.PrivateKey
	wake   chan struct{}
	syncMu sync.Mutex // one Sync at a time

	mu        sync.Mutex
	f         *os.File
	broken    error
	opening   *ballot.DeviceOpening
	openAcked bool
	seq       uint64                  // the last ballot encrypted
	tip       ballot.ConfirmationCode // its code
	pending   *ballot.Pending
	decided   uint64           // the last ballot cast or challenged
	outbox    []*ballot.Ballot // decided, not acknowledged, in chain order
	acked     uint64           // the box's tip: every ballot up to it is in the box
	ackedCode ballot.ConfirmationCode
	counts    Counts         // Cast and Challenged; Counts derives the rest
	book      *pollbook.Book // marks synced by Run, if attached
	loaded    []loadedBallot // while loading: the ballots whose proofs are to verify

	refusedCast, refusedChallenged uint64           // the box's refusals, by state
	unverified                     []*ballot.Ballot // acknowledged, verdict not seen (learnVerdicts)

	replaces      *ballot.Replacement   // the device this one replaces, for a new log
	closing       *ballot.DeviceClosing // the closing certificate, once closed
	closingAcked  bool                  // the box accepted it
	station       string                // the manifest's station of the device, or ""
	incidents     []*ballot.Incident    // the station's log entries made here, in order
	incidentLog   *ballot.IncidentLog   // the place of the log's next entry
	incidentAcked uint64                // the box holds the log up to this entry
}

// Counts are a station's ballots so far.
type Counts struct {
	// Cast and Challenged count the ballots the voters decided.
	Cast, Challenged uint64
	// Acknowledged counts those the box has written (accepted or
	// refused), and Refused those it refused.
	Acknowledged, Refused uint64
}

type headerJSON struct {
	Version  int    `json:"version"`
	Device   string `json:"device"`
	BaseHash string `json:"baseHash"`
}

type ackJSON struct {
	Sequence          uint64                  `json:"sequence"`
	Code              ballot.ConfirmationCode `json:"code"`
	RefusedCast       uint64                  `json:"refusedCast"`
	RefusedChallenged uint64                  `json:"refusedChallenged"`
}

type logLine struct {
	Station  *headerJSON           `json:"station,omitempty"`
	Opening  *ballot.DeviceOpening `json:"opening,omitempty"`
	Ballot   json.RawMessage       `json:"ballot,omitempty"`
	Ack      *ackJSON              `json:"ack,omitempty"`
	Closing  *ballot.DeviceClosing `json:"closing,omitempty"`
	Incident *ballot.Incident      `json:"incident,omitempty"`
}

// Open opens the station of device id, registered in election e with the
// public key of key, in folder dir: a new station if dir has no log (it
// opens the device's chain at time now), or the station as it was left,
// resumed from its log. A ballot left pending by a restart is challenged
// (Challenged reports its identifier). It fails if another process has
// the station open.
func Open(dir string, e *ballot.Election, id string, key ed25519.PrivateKey, now time.Time) (*Station, error) {
	return open(dir, e, id, key, now, nil)
}

// OpenReplacement opens, in folder dir, the station of device id, which
// replaces device r.Device of the same station of the manifest, whose
// chain ends at its ballot (r.Sequence, r.Tip): the box's tip of the old
// device (boxserver.Client.TipOf). A new station opens its chain with an
// opening that names the replaced device (ballot.ReplaceDevice); the
// station's officials must record a ballot.DeviceReplaced incident naming
// both devices (RecordIncident). On a folder that already has a log it is
// Open.
func OpenReplacement(dir string, e *ballot.Election, id string, key ed25519.PrivateKey, now time.Time, r ballot.Replacement) (*Station, error) {
	return open(dir, e, id, key, now, &r)
}

func open(dir string, e *ballot.Election, id string, key ed25519.PrivateKey, now time.Time, r *ballot.Replacement) (*Station, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("station: device %q: signing key is %d bytes, want %d", id, len(key), ed25519.PrivateKeySize)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("station: %v", err)
	}
	path := filepath.Join(dir, fileLog)
	f, err := filelock.OpenLocked(path, 0o600)
	if errors.Is(err, filelock.ErrLocked) {
		return nil, fmt.Errorf("station: %s is open in another process: one station per folder", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("station: %v", err)
	}
	s := &Station{e: e, dir: dir, id: id, key: key, f: f, wake: make(chan struct{}, 1), replaces: r}
	for _, st := range e.Manifest().Stations {
		for _, d := range st.Devices {
			if d == id {
				s.station = st.ID
			}
		}
	}
	if err := s.load(now); err != nil {
		filelock.Unlock(f)
		f.Close()
		return nil, err
	}
	return s, nil
}

// load reads the log (or starts it) and settles a pending ballot.
func (s *Station) load(now time.Time) error {
	r := bufio.NewReaderSize(s.f, 1<<16)
	var good int64
	n := 0
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			break // nothing, or a torn last line: never acknowledged to a voter
		}
		if err != nil {
			return fmt.Errorf("station: %s: %v", fileLog, err)
		}
		if len(line) > maxLine {
			return fmt.Errorf("station: %s: line %d is longer than %d bytes", fileLog, n+1, maxLine)
		}
		n++
		if err := s.replay(n, bytes.TrimSuffix(line, []byte("\n"))); err != nil {
			if _, perr := r.Peek(1); perr == io.EOF && n > 1 {
				break // a damaged last line: a torn write
			}
			return fmt.Errorf("station: %s: line %d: %v", fileLog, n, err)
		}
		good += int64(len(line))
	}
	if err := s.verifyLoaded(); err != nil {
		return err
	}
	if err := s.f.Truncate(good); err != nil {
		return fmt.Errorf("station: %v", err)
	}
	if _, err := s.f.Seek(good, io.SeekStart); err != nil {
		return fmt.Errorf("station: %v", err)
	}
	if s.opening == nil {
		if good == 0 {
			bh := s.e.BaseHash()
			if err := s.append(logLine{Station: &headerJSON{Version: logVersion, Device: s.id, BaseHash: fmt.Sprintf("%x", bh)}}); err != nil {
				return err
			}
		}
		var o *ballot.DeviceOpening
		var err error
		if s.replaces != nil {
			_, o, err = ballot.ReplaceDevice(s.e, s.id, s.key, now, *s.replaces)
		} else {
			_, o, err = ballot.OpenDevice(s.e, s.id, s.key, now)
		}
		if err != nil {
			return fmt.Errorf("station: %v", err)
		}
		if err := s.append(logLine{Opening: o}); err != nil {
			return err
		}
		if err := syncDir(s.dir); err != nil {
			return err
		}
		s.opening, s.tip = o, o.ConfirmationCode()
	}
	return s.settlePending()
}

// A loadedBallot is a ballot read from line n of the log, whose proofs
// load verifies once the log is read.
type loadedBallot struct {
	n int
	b *ballot.Ballot
}

// verifyLoaded verifies the ballots of the log, 64 to a batch
// (ballot.VerifyBallots), and names the line of the first that fails: the
// log was damaged or tampered with.
func (s *Station) verifyLoaded() error {
	defer func() { s.loaded = nil }()
	for lo := 0; lo < len(s.loaded); lo += 64 {
		batch := s.loaded[lo:min(lo+64, len(s.loaded))]
		bs := make([]*ballot.Ballot, len(batch))
		for i, l := range batch {
			bs[i] = l.b
		}
		for i, err := range ballot.VerifyBallots(s.e, bs) {
			if err != nil {
				return fmt.Errorf("station: %s: line %d: %v", fileLog, batch[i].n, err)
			}
		}
	}
	return nil
}

// replay applies line n of the log.
func (s *Station) replay(n int, data []byte) error {
	var l logLine
	if err := wire.StrictJSON(data, &l); err != nil {
		return err
	}
	switch {
	case n == 1:
		if l.Station == nil {
			return errors.New("not the station header")
		}
		if l.Station.Version != logVersion {
			return fmt.Errorf("version %d, this package reads version %d", l.Station.Version, logVersion)
		}
		bh := s.e.BaseHash()
		if l.Station.Device != s.id || l.Station.BaseHash != fmt.Sprintf("%x", bh) {
			return fmt.Errorf("the log is device %q's in election %s, not device %q's in this election (%x)", l.Station.Device, l.Station.BaseHash, s.id, bh)
		}
	case l.Opening != nil:
		if s.opening != nil {
			return errors.New("a second opening")
		}
		if err := l.Opening.Verify(s.e); err != nil || l.Opening.Device != s.id {
			return fmt.Errorf("the opening is not this device's in this election: %v", err)
		}
		s.opening, s.tip = l.Opening, l.Opening.ConfirmationCode()
	case l.Ballot != nil:
		b := new(ballot.Ballot)
		if err := b.UnmarshalJSON(l.Ballot); err != nil {
			return err
		}
		h := b.Header()
		if s.opening == nil || h.Device != s.id || h.Sequence != s.decided+1 || h.Previous != s.tip {
			return fmt.Errorf("ballot %q does not continue the chain after ballot %d", b.ID(), s.decided)
		}
		s.loaded = append(s.loaded, loadedBallot{n, b})
		s.seq, s.decided, s.tip = h.Sequence, h.Sequence, b.ConfirmationCode()
		s.count(b)
		s.outbox = append(s.outbox, b)
	case l.Closing != nil:
		if l.Closing.Device != s.id || l.Closing.Sequence != s.decided || l.Closing.Tip != s.tip {
			return errors.New("a closing that is not this device's at the end of its chain")
		}
		s.closing = l.Closing
	case l.Incident != nil:
		in := l.Incident
		if in.Station != s.station {
			return fmt.Errorf("an incident of station %q, not of this device's station %q", in.Station, s.station)
		}
		if n := len(s.incidents); n > 0 && (in.Sequence != s.incidents[n-1].Sequence+1 || in.Previous != s.incidents[n-1].Code()) {
			return fmt.Errorf("incident %d does not continue the station's log", in.Sequence)
		}
		il, err := ballot.ResumeIncidentLog(s.e, s.station, in.Sequence, in.Code())
		if err != nil {
			return err
		}
		s.incidents, s.incidentLog = append(s.incidents, in), il
	case l.Ack != nil:
		if l.Ack.Sequence > s.decided {
			return fmt.Errorf("an acknowledgement of ballot %d, after the last ballot %d", l.Ack.Sequence, s.decided)
		}
		s.openAcked = true
		s.ack(l.Ack.Sequence, l.Ack.Code)
		s.refusedCast, s.refusedChallenged = l.Ack.RefusedCast, l.Ack.RefusedChallenged
	default:
		return errors.New("an empty line")
	}
	return nil
}

func (s *Station) count(b *ballot.Ballot) {
	if b.State() == ballot.Cast {
		s.counts.Cast++
	} else {
		s.counts.Challenged++
	}
}

// ack drops from the outbox the ballots up to sequence. s.mu is held.
func (s *Station) ack(sequence uint64, code ballot.ConfirmationCode) {
	if sequence < s.acked {
		return
	}
	k := 0
	for k < len(s.outbox) && s.outbox[k].Header().Sequence <= sequence {
		k++
	}
	s.outbox = append(s.outbox[:0:0], s.outbox[k:]...)
	s.acked, s.ackedCode = sequence, code
}

// append writes one line of the log and syncs it.
func (s *Station) append(l logLine) error {
	if err := s.appendNoSync(l); err != nil {
		return err
	}
	if err := s.f.Sync(); err != nil {
		s.broken = fmt.Errorf("station: syncing %s: %v (reopen the station)", fileLog, err)
		return s.broken
	}
	return nil
}

// pendingJSON is pending.json: a ballot encrypted and not yet decided,
// with what re-encrypts it (its header follows from the log: the next
// place of the chain).
type pendingJSON struct {
	Sequence uint64                  `json:"sequence"`
	Vote     ballot.Vote             `json:"vote"`
	Seed     string                  `json:"seed"`
	Code     ballot.ConfirmationCode `json:"code"`
}

// marked returns v without its contests that have no marks (a nil map
// would be JSON null, which pending.json's strict decoder refuses); the
// plaintext is the same.
func marked(v ballot.Vote) ballot.Vote {
	out := ballot.Vote{}
	for id, marks := range v {
		if len(marks) > 0 {
			out[id] = marks
		}
	}
	return out
}

// nextHeader returns the header of the chain's next ballot. s.mu is held
// (or the station is being opened).
func (s *Station) nextHeader() ballot.Header {
	seq := s.seq + 1
	return ballot.Header{BallotID: s.id + "/" + strconv.FormatUint(seq, 10), Device: s.id, Sequence: seq, Previous: s.tip}
}

// settlePending challenges a ballot left pending by a restart, or removes
// pending.json if its ballot was decided and logged.
func (s *Station) settlePending() error {
	path := filepath.Join(s.dir, filePending)
	data, err := regular.ReadFile(path, maxLine)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("station: %v", err)
	}
	var p pendingJSON
	if err := wire.StrictJSON(data, &p); err != nil {
		return fmt.Errorf("station: %s: %v", filePending, err)
	}
	if p.Sequence <= s.decided {
		return removeSync(path) // decided and logged before the restart
	}
	if p.Sequence != s.decided+1 {
		return fmt.Errorf("station: %s: ballot %d does not continue the chain after ballot %d", filePending, p.Sequence, s.decided)
	}
	seed, err := hex.DecodeString(p.Seed)
	if err != nil || len(seed) != seedSize || hex.EncodeToString(seed) != p.Seed {
		return fmt.Errorf("station: %s: field seed: not %d bytes in lowercase hexadecimal", filePending, seedSize)
	}
	h := s.nextHeader()
	pb, err := ballot.EncryptBallot(s.e, h, p.Vote, seed)
	if err != nil {
		return fmt.Errorf("station: %s: %v", filePending, err)
	}
	if pb.ConfirmationCode() != p.Code {
		return fmt.Errorf("station: %s: the ballot does not encrypt to its confirmation code again", filePending)
	}
	s.seq, s.tip, s.pending = h.Sequence, p.Code, pb
	_, err = s.decide(pb, ballot.Challenged)
	return err
}

// Encrypt encrypts v as the station's next ballot and returns it pending:
// show its confirmation code to the voter, then Cast or Challenge it.
// Until she decides, the ballot's seed and choices are in pending.json,
// and Encrypt refuses another ballot.
func (s *Station) Encrypt(v ballot.Vote) (*ballot.Pending, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil, errors.New("station: the station is closed")
	}
	if s.pending != nil {
		return nil, fmt.Errorf("station: ballot %s is pending: cast or challenge it first", s.pending.ID())
	}
	if s.closing != nil {
		return nil, errors.New("station: the station closed its chain: it encrypts no more ballots")
	}
	seed := make([]byte, seedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	h := s.nextHeader()
	pb, err := ballot.EncryptBallot(s.e, h, v, seed)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(pendingJSON{Sequence: h.Sequence, Vote: marked(v), Seed: hex.EncodeToString(seed), Code: pb.ConfirmationCode()})
	if err != nil {
		return nil, err
	}
	if err := writeSync(filepath.Join(s.dir, filePending), data); err != nil {
		return nil, err
	}
	s.seq, s.tip, s.pending = h.Sequence, pb.ConfirmationCode(), pb
	return pb, nil
}

// Cast signs p, the pending ballot, as cast, logs it, and returns it. Once
// Cast returns, the ballot is on the station's stable storage and in its
// outbox: tell the voter her ballot is cast.
func (s *Station) Cast(p *ballot.Pending) (*ballot.Ballot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.decide(p, ballot.Cast)
}

// Challenge signs p, the pending ballot, as challenged (releasing its
// nonce seed, so that the voter can check it), logs it, and returns it.
func (s *Station) Challenge(p *ballot.Pending) (*ballot.Ballot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.decide(p, ballot.Challenged)
}

// decide signs and logs the pending ballot. s.mu is held.
func (s *Station) decide(p *ballot.Pending, state ballot.State) (*ballot.Ballot, error) {
	if p == nil || p != s.pending {
		return nil, errors.New("station: not this station's pending ballot")
	}
	var b *ballot.Ballot
	var err error
	if state == ballot.Cast {
		b, err = p.Cast(s.key)
	} else {
		b, err = p.Challenge(s.key)
	}
	if err != nil {
		return nil, err
	}
	raw, err := b.MarshalJSON()
	if err != nil {
		return nil, err
	}
	if err := s.append(logLine{Ballot: raw}); err != nil {
		return nil, err
	}
	s.pending = nil
	s.decided = b.Header().Sequence
	s.count(b)
	s.outbox = append(s.outbox, b)
	if err := removeSync(filepath.Join(s.dir, filePending)); err != nil {
		return nil, err
	}
	s.notify()
	return b, nil
}

// Counts returns the station's counts so far.
func (s *Station) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counts
	c.Acknowledged, c.Refused = s.acked, s.refusedCast+s.refusedChallenged
	return c
}

// Outbox returns the number of ballots the box has not acknowledged, or
// has acknowledged in an answer the station did not get (whose verdict
// it has yet to ask), and whether the box has the station's opening. The
// station is in step with the box when it returns 0 and true.
func (s *Station) Outbox() (ballots int, opened bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.outbox) + len(s.unverified), s.openAcked
}

// Tip returns the sequence number and confirmation code of the station's
// last ballot (0 and the opening's code before the first).
func (s *Station) Tip() (uint64, ballot.ConfirmationCode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq, s.tip
}

// Close closes the station's log. A ballot pending is challenged at the
// next Open.
func (s *Station) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	filelock.Unlock(s.f)
	err := s.f.Close()
	s.f = nil
	if s.broken == nil {
		s.broken = errors.New("station: the station is closed")
	}
	return err
}

// writeSync replaces path with data, durably: a temporary file, synced,
// renamed into place, and the folder synced.
func writeSync(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("station: %v", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("station: writing %s: %v", filepath.Base(path), err)
	}
	return syncDir(filepath.Dir(path))
}

// removeSync removes path (if it exists) and syncs its folder.
func removeSync(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("station: %v", err)
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	if err := regular.SyncDir(dir); err != nil {
		return fmt.Errorf("station: %v", err)
	}
	return nil
}

func jsonLine(l logLine) ([]byte, error) {
	data, err := json.Marshal(l)
	if err != nil {
		return nil, fmt.Errorf("station: %v", err)
	}
	return append(data, '\n'), nil
}

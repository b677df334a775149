package pollbook

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/sandogh/sandogh/ballot"
)

// ErrGap is wrapped by Merge's error for a mark whose sequence number is
// beyond the station's next one: the station sends the missing marks
// first, from Tip(station)+1.
var ErrGap = errors.New("marks are missing before this one")

// CentralParams are what the central book needs to judge marks.
type CentralParams struct {
	// Election is the election; its registered devices are the stations
	// whose marks the central book takes, and its base hash binds every
	// mark.
	Election *ballot.Election
	// List is the eligibility list, whose election identifier must be
	// the election's.
	List *List
	// Committees are the station committees by station (device)
	// identifier; a station without one admits no voter by decision.
	Committees map[string]*Committee
}

// A Central is the central poll book, kept at the ballot box: it merges
// the marks that stations upload, answers online checks ("has this
// pseudonym voted, and where?") and detects double votes, each returned
// as an Incident, counted in the Summary (docs/spec.md (§The poll book), "The central
// book").
//
// Its marks file holds every accepted mark, in the order merged; it is
// locked to one Central at a time and reread when opened. It is kept
// apart from the ballot box's file and is not published: only the
// Summary is.
//
// A Central is safe for concurrent use by many goroutines.
type Central struct {
	p        CentralParams
	baseHash [ballot.HashSize]byte
	keys     map[string]ed25519.PublicKey

	mu        sync.Mutex
	j         *journal
	stations  map[string]*stationState
	voters    map[Pseudonym]voterState
	incidents []Incident

	// Group commit: the lines of the marks taken and not yet on disk,
	// and the batches (tickets) appended and made durable. One Merge at a
	// time writes and syncs everything pending, without the lock; the
	// others wait on durable.
	durable     *sync.Cond
	pending     []byte
	pendingRefs []markRef
	tickets     uint64 // batches appended to pending
	synced      uint64 // batches on disk
	syncing     bool
}

// markRef is a station's mark by sequence number.
type markRef struct {
	s   *stationState
	seq uint64
}

// stationState is what the central book keeps of one station.
type stationState struct {
	id      string
	durable uint64              // the last sequence number on disk
	sums    [][sha256.Size]byte // digest of mark s at s−1
	refs    map[string]uint64   // decision reference → sequence
	c       StationCounts
}

// voterState is what the central book keeps of one pseudonym: its first
// mark and how many marks it has.
type voterState struct {
	station *stationState
	seq     uint64
	count   uint32
}

// An IncidentKind says what an Incident is.
type IncidentKind int

const (
	// DoubleVote: a pseudonym already marked (at another station, or
	// earlier at the same one) is marked again.
	DoubleVote IncidentKind = iota + 1
	// NotListed: a station marked a pseudonym that is not on the list.
	NotListed
	// ReusedDecision: a station admitted a second voter under a committee
	// decision reference it used before.
	ReusedDecision
)

func (k IncidentKind) String() string {
	switch k {
	case DoubleVote:
		return "double-vote"
	case NotListed:
		return "not-listed"
	case ReusedDecision:
		return "reused-decision"
	}
	return fmt.Sprintf("IncidentKind(%d)", int(k))
}

// An Incident is what the central book found when it merged a mark: the
// mark (Station, Sequence) and, for a double vote or a reused decision,
// the earlier mark it collides with (OtherStation, OtherSequence; the same
// station for a repeat there). It names marks, not pseudonyms: whoever
// holds the marks files can look the voter up; the published Summary only
// counts incidents. The caller signs and logs it for both stations.
type Incident struct {
	Kind          IncidentKind
	Station       string
	Sequence      uint64
	OtherStation  string
	OtherSequence uint64
}

// A Status is the central book's answer to an online check.
type Status struct {
	// Listed reports whether the pseudonym is on the eligibility list.
	Listed bool
	// Marked reports whether it has a mark; Station and Sequence are then
	// those of its first mark.
	Marked   bool
	Station  string
	Sequence uint64
}

// An OnlineChecker asks the central book whether a pseudonym is marked.
// A station's Book calls it with a deadline; the box's server implements
// it over the network, and a *Central implements it in process.
type OnlineChecker interface {
	CheckOnline(ctx context.Context, p Pseudonym) (Status, error)
}

// OpenCentral opens the central book's marks file at path, creating it if
// it does not exist, and rebuilds its state from the marks in it, each
// checked again (signatures included, in parallel). A last line torn by a
// crash is truncated away. The file is locked until Close: a second
// OpenCentral of it fails at once.
func OpenCentral(path string, p CentralParams) (*Central, error) {
	if p.Election == nil || p.List == nil {
		return nil, errors.New("pollbook: central book: no election or no list")
	}
	id := p.Election.Manifest().ElectionID
	if p.List.ElectionID() != id {
		return nil, fmt.Errorf("pollbook: central book: the list is of election %q, not %q", p.List.ElectionID(), id)
	}
	c := &Central{
		p:        p,
		baseHash: p.Election.BaseHash(),
		keys:     make(map[string]ed25519.PublicKey),
		stations: make(map[string]*stationState),
		voters:   make(map[Pseudonym]voterState),
	}
	c.durable = sync.NewCond(&c.mu)
	for _, d := range p.Election.Devices() {
		c.keys[d.ID] = d.PublicKey
	}
	// The marks are verified in batches, in parallel, and then applied
	// in file order.
	var batch []*Mark
	flush := func() error {
		n, err := c.verifyAll(batch)
		for _, m := range batch[:n] {
			repeat, _, err := c.apply(m)
			if err != nil {
				return err
			}
			if repeat {
				return fmt.Errorf("pollbook: mark %q/%d is written twice", m.Station, m.Sequence)
			}
		}
		batch = batch[:0]
		return err
	}
	j, err := openJournal(path, headerFor(p.Election, ""), func(m *Mark) error {
		if batch = append(batch, m); len(batch) == replayBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		if err = flush(); err != nil {
			j.close()
			err = fmt.Errorf("pollbook: marks file %s: %s", path, strings.TrimPrefix(err.Error(), "pollbook: "))
		}
	}
	if err != nil {
		return nil, err
	}
	for _, s := range c.stations {
		s.durable = uint64(len(s.sums))
	}
	c.j = j
	return c, nil
}

// replayBatch is how many marks OpenCentral verifies at once.
const replayBatch = 4096

// verify checks m's form and signatures.
func (c *Central) verify(m *Mark) error {
	key, ok := c.keys[m.Station]
	if !ok {
		return fmt.Errorf("pollbook: mark %q/%d: station %q is not a registered device", m.Station, m.Sequence, m.Station)
	}
	return m.verify(c.baseHash, key, c.p.Committees[m.Station])
}

// apply takes the verified mark m into the state: it reports whether m
// repeats a mark already taken (and changes nothing), and the incident m
// raises, if any. c.mu is held, or the book is being loaded.
func (c *Central) apply(m *Mark) (repeat bool, inc *Incident, err error) {
	s := c.stations[m.Station]
	if s == nil {
		// Kept only once it has a mark, so that a refused upload leaves
		// no station without marks in the summary.
		s = &stationState{id: m.Station, refs: make(map[string]uint64), c: StationCounts{Station: m.Station}}
	}
	tip := uint64(len(s.sums))
	switch {
	case m.Sequence <= tip:
		if s.sums[m.Sequence-1] == m.sum(c.baseHash) {
			return true, nil, nil
		}
		return false, nil, fmt.Errorf("pollbook: mark %q/%d: the station signed another mark at this place (a fork)", m.Station, m.Sequence)
	case m.Sequence > tip+1:
		return false, nil, fmt.Errorf("pollbook: mark %q/%d: the station's next mark is %d: %w", m.Station, m.Sequence, tip+1, ErrGap)
	}
	c.stations[m.Station] = s
	s.sums = append(s.sums, m.sum(c.baseHash))
	s.c.Marks++
	if m.Decision != nil {
		s.c.Committee++
		if first, ok := s.refs[m.Decision.Reference]; ok {
			s.c.ReusedDecisions++
			inc = &Incident{Kind: ReusedDecision, Station: s.id, Sequence: m.Sequence, OtherStation: s.id, OtherSequence: first}
		} else {
			s.refs[m.Decision.Reference] = m.Sequence
		}
	} else {
		v, ok := c.voters[m.Pseudonym]
		switch {
		case !ok:
			c.voters[m.Pseudonym] = voterState{station: s, seq: m.Sequence, count: 1}
			if !c.p.List.Contains(m.Pseudonym) {
				s.c.NotListed++
				inc = &Incident{Kind: NotListed, Station: s.id, Sequence: m.Sequence}
			}
		default:
			if v.count == 1 {
				v.station.c.DoubleVotes++
			}
			v.count++
			c.voters[m.Pseudonym] = v
			s.c.DoubleVotes++
			inc = &Incident{Kind: DoubleVote, Station: s.id, Sequence: m.Sequence, OtherStation: v.station.id, OtherSequence: v.seq}
		}
	}
	if inc != nil {
		c.incidents = append(c.incidents, *inc)
	}
	return false, inc, nil
}

// A MergeResult says what Merge did with the marks it was given.
type MergeResult struct {
	// Accepted is the number of marks taken and written.
	Accepted int
	// Repeats is the number of marks that repeat marks already taken,
	// acknowledged and not written again.
	Repeats int
	// Incidents are the incidents the accepted marks raised.
	Incidents []Incident
}

// Merge verifies marks and takes them into the book, in the order given:
// each station's marks must come in sequence order (marks of several
// stations may be interleaved in any way). A mark taken before is
// acknowledged again and changes nothing. Merge returns once the marks it
// took are written and synced to stable storage: an acknowledged mark
// survives a crash. Concurrent calls share their writes (group commit):
// one call writes and syncs the marks of all the calls waiting, so the
// book does not serialize behind one fsync per call.
//
// Merge stops at the first mark it cannot take and returns the result of
// the marks before it (which are written) and an error: one wrapping
// ErrGap if marks of the station are missing before it (send them from
// Tip+1), otherwise a final one (a bad signature, an unregistered station,
// a fork, an official not on the committee, a write failure). A double
// vote, an unlisted pseudonym or a reused decision reference is not an
// error: the mark is taken (the voter has voted) and the incident
// returned.
func (c *Central) Merge(marks []*Mark) (MergeResult, error) {
	// Signatures are checked first, without the lock and in parallel;
	// the first bad mark ends the batch there.
	n, verr := c.verifyAll(marks)
	c.mu.Lock()
	defer c.mu.Unlock()
	var res MergeResult
	if c.j == nil || c.j.broken != nil {
		return res, c.brokenErr()
	}
	var err error
	wait := false
	for _, m := range marks[:n] {
		repeat, inc, aerr := c.apply(m)
		if aerr != nil {
			err = aerr
			break
		}
		if repeat {
			res.Repeats++
			// A repeat of a mark still on its way to disk is
			// acknowledged once it is there.
			wait = wait || m.Sequence > c.stations[m.Station].durable
			continue
		}
		line, jerr := json.Marshal(journalLine{Mark: m})
		if jerr != nil {
			return MergeResult{}, fmt.Errorf("pollbook: marks file: %v", jerr)
		}
		c.pending = append(append(c.pending, line...), '\n')
		c.pendingRefs = append(c.pendingRefs, markRef{c.stations[m.Station], m.Sequence})
		res.Accepted++
		if inc != nil {
			res.Incidents = append(res.Incidents, *inc)
		}
	}
	if res.Accepted > 0 {
		c.tickets++
		wait = true
	}
	if err == nil {
		err = verr
	}
	if wait {
		if werr := c.waitDurable(c.tickets); werr != nil {
			return MergeResult{}, werr
		}
	}
	return res, err
}

// waitDurable returns once batch t is on disk, writing and syncing what
// is pending itself if no other call is. A failed write breaks the book:
// its state holds marks that may not be on disk, so it refuses
// everything until it is reopened. c.mu is held.
func (c *Central) waitDurable(t uint64) error {
	for c.synced < t {
		if c.j == nil || c.j.broken != nil {
			return c.brokenErr()
		}
		if c.syncing {
			c.durable.Wait()
			continue
		}
		c.syncing = true
		buf, refs, target := c.pending, c.pendingRefs, c.tickets
		c.pending, c.pendingRefs = nil, nil
		c.mu.Unlock()
		err := c.j.writeSynced(buf)
		c.mu.Lock()
		c.syncing = false
		if err != nil {
			c.j.broken = err
		} else {
			c.synced = target
			for _, r := range refs {
				r.s.durable = max(r.s.durable, r.seq)
			}
		}
		c.durable.Broadcast()
	}
	return nil
}

// verifyAll verifies marks in parallel and returns how many lead the
// slice verified, with the error of the first that does not.
func (c *Central) verifyAll(marks []*Mark) (int, error) {
	errs := make([]error, len(marks))
	workers := min(runtime.GOMAXPROCS(0), (len(marks)+31)/32)
	if workers <= 1 {
		for i, m := range marks {
			if errs[i] = c.verify(m); errs[i] != nil {
				return i, errs[i]
			}
		}
		return len(marks), nil
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(marks); i += workers {
				errs[i] = c.verify(marks[i])
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return i, err
		}
	}
	return len(marks), nil
}

func (c *Central) brokenErr() error {
	if c.j == nil {
		return errors.New("pollbook: central book is closed")
	}
	return c.j.broken
}

// Tip returns the sequence number of the last mark of station in the
// book and on disk (0 if none), from which the station resumes its
// upload.
func (c *Central) Tip(station string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.stations[station]; s != nil {
		return s.durable
	}
	return 0
}

// Check answers an online check: whether p is on the list and whether,
// and where first, it is marked (counting the marks on their way to
// disk: a voter is refused as soon as a mark of hers is taken).
func (c *Central) Check(p Pseudonym) (Status, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.j == nil || c.j.broken != nil {
		return Status{}, c.brokenErr()
	}
	st := Status{Listed: c.p.List.Contains(p)}
	if v, ok := c.voters[p]; ok {
		st.Marked, st.Station, st.Sequence = true, v.station.id, v.seq
	}
	return st, nil
}

// CheckOnline is Check, for a station in the same process.
func (c *Central) CheckOnline(ctx context.Context, p Pseudonym) (Status, error) {
	if err := ctx.Err(); err != nil {
		return Status{}, err
	}
	return c.Check(p)
}

// Incidents returns every incident the marks in the book raised, in the
// order merged, including those found when the file was reread, so that
// none is lost if the book stopped before the caller logged it.
func (c *Central) Incidents() []Incident {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Incident(nil), c.incidents...)
}

// Close writes the marks that concurrent Merge calls are waiting for,
// closes the marks file and releases its lock; the book then refuses
// every call.
func (c *Central) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.j == nil {
		return nil
	}
	// The marks of the calls still waiting are written first.
	var werr error
	if c.j.broken == nil {
		werr = c.waitDurable(c.tickets)
	}
	for c.syncing {
		c.durable.Wait()
	}
	err := c.j.close()
	if err == nil {
		err = werr
	}
	c.j = nil
	return err
}

// Err returns nil while the central book takes marks, and otherwise why
// not: it is closed, or a write or sync of its marks file failed (then
// it refuses everything until reopened).
func (c *Central) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.j == nil || c.j.broken != nil {
		return c.brokenErr()
	}
	return nil
}

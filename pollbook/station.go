package pollbook

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sandogh/sandogh/ballot"
)

// DefaultOnlineTimeout is how long a Book waits for the central book's
// answer before it decides from its local copy, unless BookParams says
// otherwise.
const DefaultOnlineTimeout = 2 * time.Second

// BookParams are what a station's poll book needs.
type BookParams struct {
	// Election is the election.
	Election *ballot.Election
	// Station is the identifier of the station's registered device, and
	// DeviceKey its Ed25519 key, which signs the marks.
	Station   string
	DeviceKey ed25519.PrivateKey
	// Key computes pseudonyms; the station holds the authority's key for
	// the day (docs/spec.md §The poll book, "Who holds the key").
	Key *Key
	// List is the station's copy of the eligibility list.
	List *List
	// Committee is the station's committee, whose decisions admit voters
	// without a national identifier; nil if there is none.
	Committee *Committee
	// Online asks the central book; nil for a station that is always
	// offline.
	Online OnlineChecker
	// OnlineTimeout bounds each online check (DefaultOnlineTimeout if
	// zero).
	OnlineTimeout time.Duration
}

// A Book is a station's poll book (docs/spec.md §The poll book, "The station"): it
// checks voters against the central book when it answers in time and
// against its local copy of the list and its own marks otherwise, and it
// records each admitted voter as a signed Mark in its own marks file,
// durably, before it answers. The station uploads its marks (Marks) to
// the central book as it uploads ballots.
//
// The marks file is locked to one Book at a time; reopened after a
// restart, the Book resumes its sequence from it. It is kept apart from
// the device's ballot chain.
//
// A Book is safe for concurrent use by many goroutines.
type Book struct {
	p        BookParams
	baseHash [ballot.HashSize]byte

	mu     sync.Mutex
	j      *journal
	marks  []*Mark // mark s at s−1
	marked map[Pseudonym]uint64
	refs   map[string]uint64
	// elsewhere holds the pseudonyms marked at other stations that the
	// Book learned (Learn), with the station of the first mark.
	elsewhere map[Pseudonym]string
	keys      map[string]ed25519.PublicKey
}

// OpenBook opens the station's marks file at path, creating it if it does
// not exist, and resumes from the marks in it (each checked again). A last
// line torn by a crash is truncated away.
func OpenBook(path string, p BookParams) (*Book, error) {
	if p.Election == nil || p.Key == nil || p.List == nil {
		return nil, errors.New("pollbook: book: no election, key or list")
	}
	id := p.Election.Manifest().ElectionID
	if p.Key.ElectionID() != id || p.List.ElectionID() != id {
		return nil, fmt.Errorf("pollbook: book: the key (%q) and the list (%q) must be of election %q", p.Key.ElectionID(), p.List.ElectionID(), id)
	}
	var pub ed25519.PublicKey
	for _, d := range p.Election.Devices() {
		if d.ID == p.Station {
			pub = d.PublicKey
		}
	}
	if pub == nil {
		return nil, fmt.Errorf("pollbook: book: station %q is not a registered device", p.Station)
	}
	if len(p.DeviceKey) != ed25519.PrivateKeySize || !pub.Equal(p.DeviceKey.Public()) {
		return nil, fmt.Errorf("pollbook: book: station %q: the signing key does not match the registered public key", p.Station)
	}
	if p.OnlineTimeout == 0 {
		p.OnlineTimeout = DefaultOnlineTimeout
	}
	b := &Book{p: p, baseHash: p.Election.BaseHash(), marked: make(map[Pseudonym]uint64), refs: make(map[string]uint64),
		elsewhere: make(map[Pseudonym]string), keys: make(map[string]ed25519.PublicKey)}
	for _, d := range p.Election.Devices() {
		b.keys[d.ID] = d.PublicKey
	}
	j, err := openJournal(path, headerFor(p.Election, p.Station), func(m *Mark) error {
		if m.Station != p.Station || m.Sequence != uint64(len(b.marks))+1 {
			return fmt.Errorf("pollbook: mark %q/%d where mark %q/%d belongs", m.Station, m.Sequence, p.Station, len(b.marks)+1)
		}
		if err := m.verify(b.baseHash, pub, p.Committee); err != nil {
			return err
		}
		b.take(m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.j = j
	return b, nil
}

// take adds m to the state. b.mu is held, or the book is being loaded.
func (b *Book) take(m *Mark) {
	b.marks = append(b.marks, m)
	if m.Decision != nil {
		b.refs[m.Decision.Reference] = m.Sequence
	} else if _, ok := b.marked[m.Pseudonym]; !ok {
		b.marked[m.Pseudonym] = m.Sequence
	}
}

// A Refusal says why a Book refuses a voter.
type Refusal int

const (
	// NotOnList: the pseudonym is not on the eligibility list.
	NotOnList Refusal = iota + 1
	// MarkedHere: the station has already marked the pseudonym.
	MarkedHere
	// MarkedElsewhere: the central book has a mark of the pseudonym from
	// another station.
	MarkedElsewhere
)

func (r Refusal) String() string {
	switch r {
	case NotOnList:
		return "not on the list"
	case MarkedHere:
		return "already voted at this station"
	case MarkedElsewhere:
		return "already voted at another station"
	}
	return fmt.Sprintf("Refusal(%d)", int(r))
}

// An Answer is the poll book's decision on one voter.
type Answer struct {
	// Pseudonym is the voter's pseudonym, to pass to Mark.
	Pseudonym Pseudonym
	// Admit reports whether the voter may vote; otherwise Refusal says why.
	Admit   bool
	Refusal Refusal
	// MarkedAt is, for MarkedHere and MarkedElsewhere, the station of the
	// voter's first mark.
	MarkedAt string
	// Online reports whether the central book answered (in time), and
	// OnlineErr, if it was asked and did not, why. Offline, the Book
	// decided from its copy of the list, its own marks and those it
	// learned, so a voter marked at another station since is admitted:
	// the double vote shows when the marks meet in the central book.
	Online    bool
	OnlineErr error
}

// Check decides whether the voter with nationalID may vote here. It
// normalizes the identifier and computes its pseudonym (an error for an
// identifier that is not valid, e.g. a mistyped digit), refuses a voter
// the station has marked, asks the central book (within the timeout) and,
// without its answer, decides from the local list and the marks it has
// learned (Learn). It marks nothing: call Mark when the voter is
// admitted.
func (b *Book) Check(ctx context.Context, nationalID string) (Answer, error) {
	p, err := b.p.Key.Pseudonym(nationalID)
	if err != nil {
		return Answer{}, err
	}
	return b.CheckPseudonym(ctx, p), nil
}

// CheckPseudonym is Check for a pseudonym already computed.
func (b *Book) CheckPseudonym(ctx context.Context, p Pseudonym) Answer {
	a := Answer{Pseudonym: p}
	b.mu.Lock()
	_, here := b.marked[p]
	b.mu.Unlock()
	if here {
		a.Refusal, a.MarkedAt = MarkedHere, b.p.Station
		return a
	}
	if b.p.Online != nil {
		cctx, cancel := context.WithTimeout(ctx, b.p.OnlineTimeout)
		st, err := b.p.Online.CheckOnline(cctx, p)
		cancel()
		if err == nil {
			a.Online = true
			switch {
			case st.Marked && st.Station == b.p.Station:
				a.Refusal, a.MarkedAt = MarkedHere, st.Station
			case st.Marked:
				a.Refusal, a.MarkedAt = MarkedElsewhere, st.Station
			case !st.Listed:
				a.Refusal = NotOnList
			default:
				a.Admit = true
			}
			return a
		}
		a.OnlineErr = err
	}
	if !b.p.List.Contains(p) {
		a.Refusal = NotOnList
		return a
	}
	b.mu.Lock()
	st, ok := b.elsewhere[p]
	b.mu.Unlock()
	if ok {
		a.Refusal, a.MarkedAt = MarkedElsewhere, st
		return a
	}
	a.Admit = true
	return a
}

// Learn gives the Book voter marks of other stations, so that it refuses
// those voters (MarkedElsewhere) even offline: the marks of the device a
// new one replaces (read from its marks file), or marks fetched from the
// central book while the link was up. Each mark's signature is checked
// against its station's registered key; decision marks, which carry no
// pseudonym, are skipped. What a Book learns is kept in memory only, not
// in its marks file: after a restart, learn again.
func (b *Book) Learn(marks []*Mark) error {
	for _, m := range marks {
		if m.Decision != nil {
			continue
		}
		key, ok := b.keys[m.Station]
		if !ok {
			return fmt.Errorf("pollbook: book: learning mark %q/%d: station %q is not a registered device", m.Station, m.Sequence, m.Station)
		}
		if err := m.verify(b.baseHash, key, nil); err != nil {
			return err
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range marks {
		if m.Decision != nil || m.Station == b.p.Station {
			continue
		}
		if _, ok := b.elsewhere[m.Pseudonym]; !ok {
			b.elsewhere[m.Pseudonym] = m.Station
		}
	}
	return nil
}

// Mark records that the voter with pseudonym p was admitted: it signs the
// station's next mark and writes it to the marks file, synced, before it
// returns it. It refuses a pseudonym not on the list or already marked
// here; it does not ask the central book (Check does).
func (b *Book) Mark(p Pseudonym) (*Mark, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.p.List.Contains(p) {
		return nil, fmt.Errorf("pollbook: book: pseudonym %s is not on the list", p)
	}
	if s, ok := b.marked[p]; ok {
		return nil, fmt.Errorf("pollbook: book: pseudonym %s is already marked here, mark %d", p, s)
	}
	return b.append(&Mark{Station: b.p.Station, Pseudonym: p})
}

// Admit records that a voter without a national identifier was admitted
// by the committee's decision reference, signed by the officials: it
// checks the signatures against the station's committee (a quorum of its
// officials), refuses a reference used before, and writes the mark as
// Mark does.
func (b *Book) Admit(reference string, signatures []OfficialSignature) (*Mark, error) {
	d := &CommitteeDecision{Reference: reference, Signatures: slices.Clone(signatures)}
	slices.SortFunc(d.Signatures, func(a, b OfficialSignature) int { return strings.Compare(a.Official, b.Official) })
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.refs[reference]; ok {
		return nil, fmt.Errorf("pollbook: book: decision %q already admitted a voter, mark %d", reference, s)
	}
	m := &Mark{Station: b.p.Station, Decision: d}
	m.Sequence = uint64(len(b.marks)) + 1
	m.Signature = make([]byte, ed25519.SignatureSize) // for check; signed below
	if err := m.check(); err != nil {
		return nil, err
	}
	if err := d.verify(b.baseHash, b.p.Station, b.p.Committee); err != nil {
		return nil, err
	}
	return b.append(m)
}

// append numbers, signs, writes and takes m. b.mu is held.
func (b *Book) append(m *Mark) (*Mark, error) {
	if b.j == nil {
		return nil, errors.New("pollbook: book is closed")
	}
	m.Sequence = uint64(len(b.marks)) + 1
	m.Signature = ed25519.Sign(b.p.DeviceKey, m.message(b.baseHash))
	if err := b.j.appendMarks([]*Mark{m}); err != nil {
		return nil, err
	}
	b.take(m)
	return m, nil
}

// Sequence returns the sequence number of the station's last mark (0 if
// none).
func (b *Book) Sequence() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return uint64(len(b.marks))
}

// Marks returns the station's marks after sequence number after (the
// central book's Tip), in order, for upload. The marks are the Book's own:
// the caller must not modify them.
func (b *Book) Marks(after uint64) []*Mark {
	b.mu.Lock()
	defer b.mu.Unlock()
	if after >= uint64(len(b.marks)) {
		return nil
	}
	return slices.Clone(b.marks[after:])
}

// Close closes the marks file and releases its lock.
func (b *Book) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.j == nil {
		return nil
	}
	err := b.j.close()
	b.j = nil
	return err
}

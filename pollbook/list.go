package pollbook

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/internal/wire"
)

const listLabel = "sandogh-v1/pollbook-list"

// Entry formats of the list file. Only entryPseudonym is defined; the
// byte leaves room for a later format (for example a public weight per
// voter, issue 13) that a reader of this version refuses rather than
// misreads.
const (
	entryPseudonym = 0
)

// maxListEntries bounds the count of a list file; it is far above any
// electorate and keeps a hostile count from meaning anything.
const maxListEntries = 1 << 32

// A List is the eligibility list of an election: the pseudonyms of the
// national identifiers of its voters, from the civil registry
// (docs/spec.md §The poll book, "The eligibility list"). It holds pseudonyms only, so
// a station can keep a copy; without the pseudonym Key it reveals the
// number of voters and nothing else about them.
//
// A List is immutable and safe for concurrent use. The zero value is an
// empty list of no election; use NewList or ParseList.
type List struct {
	electionID string
	entries    []Pseudonym // strictly ascending
}

// NewList returns the list of election electionID holding pseudonyms
// (in any order; they are copied). A pseudonym twice is an error: the
// registry gave one voter two entries, or two voters one identifier.
func NewList(electionID string, pseudonyms []Pseudonym) (*List, error) {
	if err := checkID("list: election identifier", electionID); err != nil {
		return nil, err
	}
	entries := slices.Clone(pseudonyms)
	slices.SortFunc(entries, func(a, b Pseudonym) int { return bytes.Compare(a[:], b[:]) })
	for i := 1; i < len(entries); i++ {
		if entries[i] == entries[i-1] {
			return nil, fmt.Errorf("pollbook: list: pseudonym %s appears twice", entries[i])
		}
	}
	return &List{electionID: electionID, entries: entries}, nil
}

// ElectionID returns the identifier of the list's election.
func (l *List) ElectionID() string { return l.electionID }

// Len returns the number of voters on the list.
func (l *List) Len() int { return len(l.entries) }

// Contains reports whether p is on the list.
func (l *List) Contains(p Pseudonym) bool {
	_, ok := slices.BinarySearchFunc(l.entries, p, func(a, b Pseudonym) int { return bytes.Compare(a[:], b[:]) })
	return ok
}

// Bytes returns the list file (docs/spec.md §The poll book, "The eligibility list"):
//
//	str("sandogh-v1/pollbook-list") ‖ str(election identifier) ‖ u8(0) ‖ u64(n) ‖
//	the n pseudonyms, 32 bytes each, in strictly ascending byte order
func (l *List) Bytes() []byte {
	var w wire.Writer
	w.B = make([]byte, 0, 64+len(l.electionID)+len(l.entries)*PseudonymSize)
	w.Str(listLabel)
	w.Str(l.electionID)
	w.U8(entryPseudonym)
	w.U64(uint64(len(l.entries)))
	for i := range l.entries {
		w.Fixed(l.entries[i][:])
	}
	return w.B
}

// Hash returns the SHA-256 of the list file, by which the authority can
// publish which list the stations were given without publishing the list.
func (l *List) Hash() [sha256.Size]byte { return sha256.Sum256(l.Bytes()) }

// ParseList decodes a list file. It refuses anything but the exact form of
// Bytes: another label, an unknown entry format, a count that does not
// match the bytes that follow, and pseudonyms out of order or repeated.
func ParseList(data []byte) (*List, error) {
	r := wire.Reader{Prefix: "pollbook: list file", B: data}
	r.Label(listLabel)
	id := r.Str("electionId", 1<<10)
	format := r.U8("entry format")
	if r.Err == nil && format != entryPseudonym {
		r.Off--
		r.Fail("entry format", "%d is not 0 (pseudonyms only): later formats (weights) are not read by this version", format)
	}
	start := r.Off
	n := r.U64("count")
	if r.Err != nil {
		return nil, r.Err
	}
	if left := uint64(len(data) - r.Off); n > maxListEntries || n*PseudonymSize != left {
		r.Off = start
		r.Fail("count", "%d entries, but %d bytes follow (%d bytes each)", n, left, PseudonymSize)
		return nil, r.Err
	}
	if err := checkID("list: election identifier", id); err != nil {
		return nil, err
	}
	l := &List{electionID: id, entries: make([]Pseudonym, n)}
	for i := range l.entries {
		off := r.Off
		copy(l.entries[i][:], r.Take("pseudonym", PseudonymSize))
		if i > 0 && bytes.Compare(l.entries[i-1][:], l.entries[i][:]) >= 0 {
			r.Off = off
			r.Fail("pseudonym", "entry %d is not above entry %d (the list is sorted, each pseudonym once)", i, i-1)
			return nil, r.Err
		}
	}
	r.End()
	if r.Err != nil {
		return nil, r.Err
	}
	return l, nil
}

// checkID checks an identifier: not empty, at most 255 bytes, and
// safetext's rules for identifiers.
func checkID(field, s string) error {
	if s == "" {
		return fmt.Errorf("pollbook: %s is empty", field)
	}
	if len(s) > 255 {
		return fmt.Errorf("pollbook: %s is %d bytes, more than 255", field, len(s))
	}
	if err := safetext.CheckIdentifier(s); err != nil {
		return fmt.Errorf("pollbook: %s %s: %v", field, safetext.Escape(s), err)
	}
	return nil
}

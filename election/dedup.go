package election

import (
	"bufio"
	"bytes"
	"cmp"
	"container/heap"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
)

// Steps 6 and 9 of the acceptance rule (docs/spec.md §Ballots, "The
// acceptance rule") ask whether a fingerprint (a ballot identifier for its
// signer, or the first component of a ciphertext) is on an earlier line
// of ballots.jsonl, among millions, without holding them all in memory.
// The verifier answers as the box did: it takes the answer the line's
// recorded verdict implies (claimSet), and records what that answer
// claims, one entry per fingerprint: absent from the earlier lines, absent
// and added by this line, or present on an earlier line. dedup then checks
// the claims with an external sort: it sorts runs of spillAt entries in
// memory, writes each run to a temporary file, and merges the runs at the
// end, where the entries of a fingerprint are adjacent in line order.
// Memory is bounded by one run (32 MiB by default) plus a read buffer per
// run; the temporary files take 30 bytes per entry (about 500 bytes per
// ballot of 15 candidates). The fingerprints are the ballot box's
// (ballot.Fingerprint: SHA-512/256 truncated to 128 bits), so two
// different items collide with probability about n²/2^129.

// What an entry claims about its fingerprint at its line.
const (
	opAbsent    = 'a' // not on an earlier line of the set's kind
	opAbsentAdd = 'x' // not on an earlier line, and on this one from now
	opPresent   = 'p' // on an earlier line
)

type dupEntry struct {
	key       [16]byte
	line      int64
	contest   int16 // −1 when not about a contest
	selection int16 // −1 when not about a selection
	kind      uint8 // ballot.FingerprintKind
	op        uint8
}

const dupEntrySize = 16 + 8 + 2 + 2 + 1 + 1

func compareDup(a, b dupEntry) int {
	if c := bytes.Compare(a.key[:], b.key[:]); c != 0 {
		return c
	}
	return cmp.Compare(a.line, b.line)
}

type dedup struct {
	spillAt int
	tmpDir  string
	buf     []dupEntry
	runs    []*os.File
}

func newDedup(tmpDir string, spillAt int) *dedup {
	if spillAt <= 0 {
		spillAt = 1 << 20
	}
	return &dedup{spillAt: spillAt, tmpDir: tmpDir}
}

func (d *dedup) add(e dupEntry) error {
	d.buf = append(d.buf, e)
	if len(d.buf) >= d.spillAt {
		return d.spill()
	}
	return nil
}

func (d *dedup) spill() error {
	slices.SortFunc(d.buf, compareDup)
	f, err := os.CreateTemp(d.tmpDir, "sandogh-verify-*.dedup")
	if err != nil {
		return fmt.Errorf("election: uniqueness check: %v", err)
	}
	// Unlinked at once where the system allows it, so that the file goes
	// away with the process; finish removes it otherwise.
	os.Remove(f.Name())
	d.runs = append(d.runs, f)
	w := bufio.NewWriterSize(f, 1<<16)
	var rec [dupEntrySize]byte
	for _, e := range d.buf {
		encodeDup(&rec, e)
		w.Write(rec[:])
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("election: uniqueness check: writing a temporary file: %v", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("election: uniqueness check: %v", err)
	}
	d.buf = d.buf[:0]
	return nil
}

func encodeDup(rec *[dupEntrySize]byte, e dupEntry) {
	copy(rec[:16], e.key[:])
	binary.BigEndian.PutUint64(rec[16:], uint64(e.line))
	binary.BigEndian.PutUint16(rec[24:], uint16(e.contest))
	binary.BigEndian.PutUint16(rec[26:], uint16(e.selection))
	rec[28] = e.kind
	rec[29] = e.op
}

func decodeDup(rec *[dupEntrySize]byte) dupEntry {
	return dupEntry{
		key:       [16]byte(rec[:16]),
		line:      int64(binary.BigEndian.Uint64(rec[16:])),
		contest:   int16(binary.BigEndian.Uint16(rec[24:])),
		selection: int16(binary.BigEndian.Uint16(rec[26:])),
		kind:      rec[28],
		op:        rec[29],
	}
}

// A dupSource yields sorted entries: the in-memory run or a spilled one.
type dupSource struct {
	head dupEntry
	mem  []dupEntry
	r    *bufio.Reader
}

func (s *dupSource) next() (bool, error) {
	if s.r == nil {
		if len(s.mem) == 0 {
			return false, nil
		}
		s.head, s.mem = s.mem[0], s.mem[1:]
		return true, nil
	}
	var rec [dupEntrySize]byte
	if _, err := io.ReadFull(s.r, rec[:]); err == io.EOF {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("election: uniqueness check: reading a temporary file: %v", err)
	}
	s.head = decodeDup(&rec)
	return true, nil
}

type dupHeap []*dupSource

func (h dupHeap) Len() int           { return len(h) }
func (h dupHeap) Less(i, j int) bool { return compareDup(h[i].head, h[j].head) < 0 }
func (h dupHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dupHeap) Push(x any)        { *h = append(*h, x.(*dupSource)) }
func (h *dupHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// finish merges everything added and calls visit for every entry, in the
// order of fingerprints and, for one fingerprint, of lines, with the line
// of the first entry of that fingerprint that added it (opAbsentAdd), or 0
// if no earlier entry did. It closes the temporary files.
func (d *dedup) finish(visit func(e dupEntry, added int64)) error {
	defer func() {
		for _, f := range d.runs {
			f.Close()
			os.Remove(f.Name())
		}
		d.runs = nil
	}()
	slices.SortFunc(d.buf, compareDup)
	var h dupHeap
	sources := []*dupSource{{mem: d.buf}}
	for _, f := range d.runs {
		sources = append(sources, &dupSource{r: bufio.NewReaderSize(f, 1<<16)})
	}
	for _, s := range sources {
		ok, err := s.next()
		if err != nil {
			return err
		}
		if ok {
			h = append(h, s)
		}
	}
	heap.Init(&h)
	var key [16]byte
	var added int64
	first := true
	for h.Len() > 0 {
		s := h[0]
		e := s.head
		if first || e.key != key {
			key, added, first = e.key, 0, false
		}
		visit(e, added)
		if e.op == opAbsentAdd && added == 0 {
			added = e.line
		}
		ok, err := s.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	d.buf = nil
	return nil
}

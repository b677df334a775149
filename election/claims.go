package election

import (
	"github.com/sandogh/sandogh/ballot"
)

// A claimSet is the ballot.FingerprintSet with which the verifier runs the
// acceptance rule over ballots.jsonl. It cannot look fingerprints up (they
// are sorted on disk only at the end), so it answers every question the way
// the current line's recorded verdict implies: a line recorded as refused
// for a repeated first component (step 9) at a contest and selection finds
// the fingerprint of that ciphertext, and nothing else is ever found (a
// box writes no line whose identifier is on an earlier line, step 6). Each
// answer is a claim about the earlier lines, which the set records in its
// dedup and check verifies after the pass. If every claim holds, every
// answer was the one a set of all the earlier lines would have given, line
// by line, so the rule's verdicts are exactly those of the box; if one
// fails, the record is invalid and check names the line.
type claimSet struct {
	dd      *dedup
	line    int64
	claim   *ballot.Refusal // the current line's recorded refusal, or nil
	pending []dupEntry      // the current line's claims, until next
	err     error           // of writing the dedup's runs
}

func newClaimSet(tmpDir string, spill int) *claimSet {
	return &claimSet{dd: newDedup(tmpDir, spill)}
}

// next records the claims of the previous line and starts line, whose
// recorded refusal is claim (nil for an accepted line).
func (s *claimSet) next(line int64, claim *ballot.Refusal) {
	s.flush()
	s.line, s.claim = line, claim
}

func (s *claimSet) flush() {
	for _, e := range s.pending {
		if err := s.dd.add(e); err != nil && s.err == nil {
			s.err = err
		}
	}
	s.pending = s.pending[:0]
}

func (s *claimSet) entry(f ballot.Fingerprint, op uint8) dupEntry {
	return dupEntry{key: f.Sum, line: s.line, contest: int16(f.Contest), selection: int16(f.Selection), kind: uint8(f.Kind), op: op}
}

// Find implements ballot.FingerprintSet.
func (s *claimSet) Find(fps []ballot.Fingerprint) int {
	hit := -1
	if c := s.claim; c != nil && c.Step == ballot.StepDuplicate && len(fps) > 0 && fps[0].Kind == ballot.FingerprintNonce {
		for i, f := range fps {
			if f.Contest == c.Contest && f.Selection == c.Selection {
				hit = i
				break
			}
		}
	}
	for i, f := range fps {
		switch {
		case i == hit:
			s.pending = append(s.pending, s.entry(f, opPresent))
			return hit
		default:
			s.pending = append(s.pending, s.entry(f, opAbsent))
		}
	}
	return -1
}

// Add implements ballot.FingerprintSet. The rule adds only fingerprints it
// has just found absent, in the same order: the claims become "absent
// until this line".
func (s *claimSet) Add(fps []ballot.Fingerprint) {
	if len(fps) == 0 {
		return
	}
	p := len(s.pending) - 1
	for p >= 0 && s.pending[p].key != fps[0].Sum {
		p--
	}
	for k, f := range fps {
		if p >= 0 && p+k < len(s.pending) && s.pending[p+k].key == f.Sum && s.pending[p+k].op == opAbsent {
			s.pending[p+k].op = opAbsentAdd
			continue
		}
		s.pending = append(s.pending, s.entry(f, opAbsentAdd))
	}
}

// A brokenClaim is a claim of the pass that the sorted fingerprints
// contradict: on line, the fingerprint of kind (ballot.FingerprintKind),
// at contest and selection, was added by line added (0: by no earlier
// line), against what the claim said.
type brokenClaim struct {
	line               int64
	kind               uint8
	contest, selection int
	added              int64
	present            bool // the claim was "present"; otherwise "absent"
}

// check sorts the claims and calls broken for each that does not hold.
func (s *claimSet) check(broken func(brokenClaim)) error {
	s.flush()
	if s.err != nil {
		return s.err
	}
	return s.dd.finish(func(e dupEntry, added int64) {
		switch {
		case e.op == opPresent && added == 0:
			broken(brokenClaim{line: e.line, kind: e.kind, contest: int(e.contest), selection: int(e.selection), present: true})
		case e.op != opPresent && added != 0:
			broken(brokenClaim{line: e.line, kind: e.kind, contest: int(e.contest), selection: int(e.selection), added: added})
		}
	})
}

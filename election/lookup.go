package election

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/prose"
)

// LookUp answers a voter's question "is my ballot in?" (docs/spec.md,
// Verification, "The voter's lookup"): it finds in the election record in
// folder dir the ballots whose confirmation code has the short form code
// (ballot.ParseShortCode reads one as the voter typed it), says what
// became of each according to the record's lines (counted, superseded by
// a later ballot of its credential, challenged and opened, or refused, and
// why), and verifies that ballot without verifying the whole record: its
// decoding, its signature and its proofs, or the opening of a challenged
// ballot (the acceptance rule's steps of one ballot, ballot.VerifyBallot),
// and its link in its device's chain. It also checks the election's
// parameters and that ballots.jsonl is the file the record's index lists.
//
// It reads ballots.jsonl as a stream, at most twice (the second time up to
// the ballot, for its predecessor in the chain or its credential's earlier
// ballots), and decodes only the lines that can concern the ballot, so that its memory does not grow
// with the record and its time is about that of reading the file.
//
// It returns an error if the record cannot be read: a missing folder or
// file, or election parameters that do not decode or whose stated hashes
// are wrong. A ballot that is not in the record is not an error: the
// Lookup then has no Ballots.
//
// Whether a ballot counts is decided by the verification of the whole
// record (Verify, checks 6 to 11: the acceptance rule over every line,
// which alone sees a replayed ciphertext, a repeated identifier or
// another line that should have superseded it); what LookUp reports as
// the ballot's fate is what the record's lines say, with the checks it
// could make on the ballot alone.
//
// Execution time depends on the inputs (all public).
func LookUp(dir string, code ballot.ShortCode) (*Lookup, error) {
	r, err := Open(dir)
	if err != nil {
		return nil, err
	}
	e, err := r.Election()
	if err != nil {
		return nil, err
	}
	m := e.Manifest()
	l := &Lookup{Code: code, ElectionID: m.ElectionID, BaseHash: e.BaseHash(), manifest: m}
	l.Checks = append(l.Checks, LookupCheck{Check: CheckParameters, Result: LookupPassed,
		What:   "the election's parameters",
		Detail: fmt.Sprintf("%s, %s and %s decode, and the manifest hash, the credential list's hash and the base hash they state are those of their contents", fileElection, fileDevices, fileCredentials)})
	s := &lookupScan{r: r, e: e, l: l, short: []byte(hex.EncodeToString(code[:]))}
	if err := s.first(); err != nil {
		return nil, err
	}
	if err := s.second(); err != nil {
		return nil, err
	}
	for _, b := range l.Ballots {
		s.verify(b)
	}
	if len(l.Ballots) > 1 {
		lines := make([]int, len(l.Ballots))
		for i, b := range l.Ballots {
			lines[i] = b.Line
		}
		l.Checks = append(l.Checks, LookupCheck{Check: CheckEligibility, What: "one ballot per short code", Result: LookupFailed,
			Detail: fmt.Sprintf("%s hold ballots with this short code: two honest ballots share one with negligible chance, so someone made them collide (a clash attack on voters' receipts) or wrote a ballot twice", prose.Counted("line", lines))})
	}
	return l, nil
}

// A Lookup is what LookUp found about a short confirmation code in a
// record.
type Lookup struct {
	// Code is the short code looked up.
	Code ballot.ShortCode
	// ElectionID and BaseHash identify the record's election.
	ElectionID string
	BaseHash   [ballot.HashSize]byte
	// Lines is the number of lines of ballots.jsonl, its header included.
	Lines int
	// Ballots are the ballots whose confirmation code has the short form
	// Code, in the order of their lines: none if the record has no such
	// ballot, one as a rule. Two honest ballots share a short code with
	// probability about n²/2^81 among n: more than one means that someone
	// made ballots collide on purpose, and the voter tells hers by the
	// full confirmation code (or the opened choices of a challenged one).
	Ballots []*FoundBallot
	// Checks are the checks of the record itself that the lookup made: its
	// parameters, the ballot box's header and ballots.jsonl against the
	// index. Each found ballot has its own.
	Checks []LookupCheck
	// Unreadable are the lines of ballots.jsonl that hold the short code's
	// bytes but do not decode (a record that the verification of the whole
	// record rejects in check 6), at most maxUnreadable of them, and
	// MoreUnreadable counts the others.
	Unreadable     []UnreadableLine
	MoreUnreadable int

	manifest *ballot.Manifest
}

// maxUnreadable is the most unreadable lines a Lookup lists.
const maxUnreadable = 10

// An UnreadableLine is a line of ballots.jsonl that holds the bytes of
// the short code looked up but does not decode.
type UnreadableLine struct {
	Line int
	Err  error
}

// Passed reports whether every check that ran passed, for the record and
// for every ballot found.
func (l *Lookup) Passed() bool {
	for _, c := range l.Checks {
		if c.Result == LookupFailed {
			return false
		}
	}
	for _, b := range l.Ballots {
		if !b.Passed() {
			return false
		}
	}
	return len(l.Unreadable) == 0
}

// Manifest returns the election's manifest, which names the contests and
// candidates of an opened challenged ballot's vote.
func (l *Lookup) Manifest() *ballot.Manifest { return l.manifest }

// A Fate is what became of a ballot, as the record's lines say.
type Fate uint8

const (
	// FateCounted: an accepted cast ballot that no later ballot
	// supersedes. Its encrypted choices are in the tally (or its rows in
	// the mix cascades).
	FateCounted Fate = iota + 1
	// FateSuperseded: an accepted cast ballot of a credential that cast
	// again later (revoting, under the last-ballot-counts policy): the
	// later ballot counts instead (FoundBallot.SupersededBy).
	FateSuperseded
	// FateChallenged: an accepted challenged ballot (Benaloh): never
	// counted; its released nonce seed opens it to the choices it
	// encrypts (FoundBallot.Vote), which the voter compares with hers.
	FateChallenged
	// FateRefused: a ballot the box wrote as refused, with the step of the
	// acceptance rule that refused it (FoundBallot.Refusal). It never
	// counts.
	FateRefused
)

// String returns "counted", "superseded", "challenged" or "refused".
func (f Fate) String() string {
	switch f {
	case FateCounted:
		return "counted"
	case FateSuperseded:
		return "superseded"
	case FateChallenged:
		return "challenged"
	case FateRefused:
		return "refused"
	}
	return fmt.Sprintf("Fate(%d)", uint8(f))
}

// A FoundBallot is a ballot that LookUp found, with its fate and what was
// checked about it.
type FoundBallot struct {
	// Line is its line in ballots.jsonl.
	Line int
	// Ballot is the ballot, decoded.
	Ballot *ballot.Ballot
	// Fate is what became of it, as the record's lines say.
	Fate Fate
	// Refusal is, for a refused ballot, the step and place of the
	// acceptance rule that its line records, and a reason: that of the
	// rule's steps of one ballot (ballot.VerifyBallot) where they refuse
	// it at the same step and place, and otherwise what the earlier lines
	// show (the ballot that took its place in the chain, the credential's
	// earlier ballot) or what the step means.
	Refusal *ballot.Refusal
	// SupersededBy is, for a superseded ballot, the line of the next cast
	// ballot of its credential, and Counting the line of the credential's
	// last one, which counts.
	SupersededBy, Counting int
	// Replaces is, for a cast ballot of a credential under the
	// last-ballot-counts policy, the line of the credential's cast ballot
	// before it, which this one supersedes, and 0 if there is none.
	Replaces int
	// Vote is, for a challenged ballot, the choices its nonce seed opens
	// it to (ballot.OpenChallenged), or nil if it does not open.
	Vote ballot.Vote
	// Previous is, for a device ballot, the line of its predecessor in the
	// device's chain (the device's opening for sequence 1), and 0 if no
	// earlier line holds it. Next is the line of the ballot of the same
	// device that names this one as its predecessor, and 0 if none does.
	Previous, Next int
	// Checks are the checks made on this ballot.
	Checks []LookupCheck

	// What the second pass finds.
	previousFork    bool // the line of Previous was refused as a fork
	previousOpening bool // the line of Previous is an opening
	previousSeq     uint64
	takenBy         int // for a fork: an earlier ballot of the same place and predecessor
	credLine        int // for a remote ballot: the credential's last accepted cast ballot before it
	laterCast       int // under one-ballot-per-credential, a later accepted cast ballot of the credential
}

// Passed reports whether every check that ran on b passed.
func (b *FoundBallot) Passed() bool {
	for _, c := range b.Checks {
		if c.Result == LookupFailed {
			return false
		}
	}
	return true
}

// A LookupResult is the outcome of one check of LookUp.
type LookupResult uint8

const (
	LookupPassed LookupResult = iota + 1
	LookupFailed
	// LookupNotChecked: the check could not run (for example, the record
	// has no index yet).
	LookupNotChecked
)

// String returns "ok", "FAILED" or "not checked".
func (r LookupResult) String() string {
	switch r {
	case LookupPassed:
		return "ok"
	case LookupFailed:
		return "FAILED"
	case LookupNotChecked:
		return "not checked"
	}
	return fmt.Sprintf("LookupResult(%d)", uint8(r))
}

// A LookupCheck is one check that LookUp made.
type LookupCheck struct {
	// Check is the verifier's check that this one is a part of, run here
	// on one ballot or one file.
	Check Check
	// What names what was checked.
	What string
	// Result is the outcome.
	Result LookupResult
	// Detail says what was found.
	Detail string
}

// lookupScan is LookUp's state across its passes over ballots.jsonl.
type lookupScan struct {
	r     *Reader
	e     *ballot.Election
	l     *Lookup
	short []byte // the short code's 10 bytes in lowercase hexadecimal
}

// concerns reports whether line may concern a ballot looked for: whether
// it holds one of needles, the lowercase hexadecimal of a code or key, or
// a backslash. A line without a backslash holds its JSON strings as they
// are, so a ballot line whose code, predecessor or credential is one of
// the needles holds it; one with a backslash may escape it, and is
// decoded in case.
func concerns(line []byte, needles [][]byte) bool {
	if bytes.IndexByte(line, '\\') >= 0 {
		return true
	}
	for _, n := range needles {
		if bytes.Contains(line, n) {
			return true
		}
	}
	return false
}

// openBallots opens ballots.jsonl.
func (s *lookupScan) openBallots() (io.ReadCloser, error) {
	f, err := s.r.open(fileBallots)
	if err != nil {
		return nil, fileErr(fileBallots, err)
	}
	return f, nil
}

// first reads the whole of ballots.jsonl: the header, the ballots with the
// short code, their successors in their chains and the later ballots of
// their credentials; then it compares the file's SHA-256 with the index.
func (s *lookupScan) first() error {
	f, err := s.openBallots()
	if err != nil {
		return err
	}
	defer f.Close()
	l := s.l
	lr := newLineReader(f)
	needles := [][]byte{s.short}
	header := LookupCheck{Check: CheckBallots, What: "the ballot box's header", Result: LookupFailed, Detail: fileBallots + " is empty"}
	for {
		raw, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fileErr(fileBallots, err)
		}
		l.Lines = raw.num
		if raw.num == 1 {
			header.Detail = s.header(raw)
			if header.Detail == "" {
				header.Result = LookupPassed
				header.Detail = fmt.Sprintf("line 1 of %s names this election and its base hash", fileBallots)
			}
			continue
		}
		if raw.err != nil || !concerns(raw.data, needles) {
			continue
		}
		bl, err := ballot.ParseBoxLine(raw.data)
		if err != nil {
			if bytes.Contains(raw.data, s.short) {
				if len(l.Unreadable) < maxUnreadable {
					l.Unreadable = append(l.Unreadable, UnreadableLine{raw.num, err})
				} else {
					l.MoreUnreadable++
				}
			}
			continue
		}
		b := bl.Ballot
		if b == nil {
			continue
		}
		code := b.ConfirmationCode()
		h := b.Header()
		for _, fb := range l.Ballots {
			s.later(fb, raw.num, bl)
		}
		if !s.l.Code.Matches(code) {
			continue
		}
		fb := &FoundBallot{Line: raw.num, Ballot: b, Refusal: bl.Refusal}
		switch {
		case bl.Refusal != nil:
			fb.Fate = FateRefused
		case b.State() == ballot.Challenged:
			fb.Fate = FateChallenged
		default:
			fb.Fate = FateCounted
		}
		l.Ballots = append(l.Ballots, fb)
		needles = append(needles, []byte(code.String()))
		if h.Credential != nil {
			needles = append(needles, []byte(hex.EncodeToString(h.Credential)))
		}
	}
	l.Checks = append(l.Checks, header, s.index(lr.sum()))
	return nil
}

// later notes what line num, bl, which comes after fb, says about fb: it
// may continue fb's chain, or be a later cast ballot of fb's credential.
func (s *lookupScan) later(fb *FoundBallot, num int, bl *ballot.BoxLine) {
	b := bl.Ballot
	if b == nil {
		return
	}
	h, fh := b.Header(), fb.Ballot.Header()
	switch {
	case h.Credential == nil && fh.Credential == nil:
		fork := bl.Refusal != nil && bl.Refusal.Step == ballot.StepChainFork
		if h.Device == fh.Device && h.Previous == fb.Ballot.ConfirmationCode() && !fork && fb.Next == 0 {
			fb.Next = num
		}
	case h.Credential == nil || !bytes.Equal(h.Credential, fh.Credential):
	case bl.Refusal != nil || b.State() != ballot.Cast || fb.Fate != FateCounted && fb.Fate != FateSuperseded:
	case s.e.Manifest().Policy != ballot.LastBallotCounts:
		if fb.laterCast == 0 {
			fb.laterCast = num
		}
	default:
		if fb.Fate == FateCounted {
			fb.Fate, fb.SupersededBy = FateSuperseded, num
		}
		fb.Counting = num
	}
}

// header checks line 1 of ballots.jsonl, and returns what is wrong with
// it, or "".
func (s *lookupScan) header(raw rawLine) string {
	if raw.err != nil {
		return fmt.Sprintf("line 1: %v", raw.err)
	}
	bl, err := ballot.ParseBoxLine(raw.data)
	switch {
	case err != nil:
		return fmt.Sprintf("line 1: %v", err)
	case bl.Header == nil:
		return "line 1 is not the ballot box's header"
	}
	if err := bl.Header.Check(s.e); err != nil {
		return fmt.Sprintf("line 1: %v", err)
	}
	return ""
}

// index compares sum, the SHA-256 of ballots.jsonl as it was read, with
// the one the record's index lists.
func (s *lookupScan) index(sum [32]byte) LookupCheck {
	c := LookupCheck{Check: CheckIndex, What: fileBallots + " is the file the index lists"}
	data, err := s.r.readFile(fileIndex)
	if errors.Is(err, fs.ErrNotExist) {
		c.Result, c.Detail = LookupNotChecked, "the record has no index ("+fileIndex+") yet"
		return c
	}
	if err != nil {
		c.Result, c.Detail = LookupFailed, fmt.Sprintf("%s: %v", fileIndex, err)
		return c
	}
	x, err := parseIndex(data)
	if err != nil {
		c.Result, c.Detail = LookupFailed, fmt.Sprintf("%s: %v", fileIndex, err)
		return c
	}
	want, ok := x[fileBallots]
	switch {
	case !ok:
		c.Result, c.Detail = LookupNotChecked, fmt.Sprintf("%s does not list %s yet (the ballot box is not closed)", fileIndex, fileBallots)
	case want != sum:
		c.Result, c.Detail = LookupFailed, fmt.Sprintf("the SHA-256 of %s is %x, but %s lists %x", fileBallots, sum, fileIndex, want)
	default:
		c.Result, c.Detail = LookupPassed, fmt.Sprintf("its SHA-256, %x, is the one %s lists", sum, fileIndex)
	}
	return c
}

// second reads ballots.jsonl again up to the last ballot found, for what
// the earlier lines say about the ballots: each device ballot's
// predecessor and, for one refused as a fork, the ballot that took its
// place; each remote ballot's credential's earlier cast ballot.
func (s *lookupScan) second() error {
	var needles [][]byte
	last := 0
	for _, fb := range s.l.Ballots {
		h := fb.Ballot.Header()
		if h.Credential == nil {
			needles = append(needles, []byte(h.Previous.String()))
		} else {
			needles = append(needles, []byte(hex.EncodeToString(h.Credential)))
		}
		last = max(last, fb.Line)
	}
	if len(needles) == 0 {
		return nil
	}
	f, err := s.openBallots()
	if err != nil {
		return err
	}
	defer f.Close()
	lr := newLineReader(f)
	for {
		raw, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fileErr(fileBallots, err)
		}
		if raw.num >= last {
			return nil
		}
		if raw.num == 1 || raw.err != nil || !concerns(raw.data, needles) {
			continue
		}
		bl, err := ballot.ParseBoxLine(raw.data)
		if err != nil {
			continue
		}
		for _, fb := range s.l.Ballots {
			if raw.num < fb.Line {
				s.earlier(fb, raw.num, bl)
			}
		}
	}
}

// earlier notes what line num, bl, which comes before fb, says about fb.
func (s *lookupScan) earlier(fb *FoundBallot, num int, bl *ballot.BoxLine) {
	h := fb.Ballot.Header()
	fork := bl.Refusal != nil && bl.Refusal.Step == ballot.StepChainFork
	if o := bl.Opening; o != nil {
		if h.Credential == nil && o.Device == h.Device && o.ConfirmationCode() == h.Previous {
			fb.Previous, fb.previousSeq, fb.previousOpening = num, 0, true
		}
		return
	}
	b := bl.Ballot
	if b == nil {
		return // a closing
	}
	bh := b.Header()
	switch {
	case h.Credential == nil && b.ConfirmationCode() == h.Previous:
		fb.Previous, fb.previousSeq, fb.previousFork = num, bh.Sequence, fork
		if bh.Credential != nil || bh.Device != h.Device {
			fb.previousSeq = 0 // not of the chain: no sequence of it matches
		}
	case h.Credential == nil && !fork && bh.Credential == nil && bh.Device == h.Device && bh.Sequence == h.Sequence && fb.takenBy == 0:
		fb.takenBy = num
	case h.Credential != nil && bytes.Equal(bh.Credential, h.Credential) && bl.Refusal == nil && b.State() == ballot.Cast:
		fb.credLine = num
	}
}

// verify makes the checks of one found ballot, and completes its refusal's
// reason.
func (s *lookupScan) verify(fb *FoundBallot) {
	b := fb.Ballot
	h := b.Header()
	fb.Checks = append(fb.Checks, LookupCheck{Check: CheckBallots, What: "decoding", Result: LookupPassed,
		Detail: fmt.Sprintf("line %d decodes, and its confirmation code %s is the hash of the ballot's body", fb.Line, b.ConfirmationCode())})
	var single *ballot.Refusal
	if err := ballot.VerifyBallot(s.e, b); err != nil {
		single, _ = err.(*ballot.Refusal)
		if single == nil { // VerifyBallot returns a *Refusal
			single = &ballot.Refusal{Step: ballot.StepDecoding, Contest: -1, Selection: -1, Reason: err.Error()}
		}
	}
	// Steps 2–5: every written line is attributable.
	signer := fmt.Sprintf("device %q", h.Device)
	if h.Credential != nil {
		signer = fmt.Sprintf("credential %x", []byte(h.Credential))
	}
	attribution := LookupCheck{Check: CheckSignatures, What: "election, signer and signature", Result: LookupPassed,
		Detail: fmt.Sprintf("it names this election's base hash, is %s, and is signed by %s, which the election registers", b.State(), signer)}
	if single != nil && (single.Step == ballot.StepElection || single.Step == ballot.StepSignature || single.Step == ballot.StepEligibility || single.Step == ballot.StepDecoding) {
		attribution.Check = stepCheck(single.Step)
		attribution.Result, attribution.Detail = LookupFailed, fmt.Sprintf("%s, and a box writes nothing of such a ballot", strings.TrimPrefix(single.Error(), "ballot: "))
		fb.Checks = append(fb.Checks, attribution)
		single = nil // the later steps were not reached
		if fb.Refusal != nil {
			fb.Refusal.Reason = "the ballot is not attributable: " + attribution.Detail
		}
	} else {
		fb.Checks = append(fb.Checks, attribution)
		fb.Checks = append(fb.Checks, s.content(fb, single))
	}
	if h.Credential == nil {
		fb.Checks = append(fb.Checks, s.chain(fb))
	}
	if fb.Refusal == nil && b.State() == ballot.Cast && fb.credLine != 0 {
		if s.e.Manifest().Policy == ballot.LastBallotCounts {
			fb.Replaces = fb.credLine
		} else {
			fb.Checks = append(fb.Checks, LookupCheck{Check: CheckEligibility, What: "the credential policy", Result: LookupFailed,
				Detail: fmt.Sprintf("line %d holds an earlier cast ballot of the same credential, accepted, and the election allows one per credential: the box should have refused this one (step 10)", fb.credLine)})
		}
	}
	if fb.laterCast != 0 {
		fb.Checks = append(fb.Checks, LookupCheck{Check: CheckEligibility, What: "the credential policy", Result: LookupFailed,
			Detail: fmt.Sprintf("line %d holds a later cast ballot of the same credential, accepted, but the election allows one per credential: the box should have refused that one", fb.laterCast)})
	}
}

// content checks the steps of one ballot after its attribution (the
// manifest, a nonce repeated within the ballot, the proofs or the
// opening) against the fate the record gives it; single is what
// ballot.VerifyBallot found (nil if nothing).
func (s *lookupScan) content(fb *FoundBallot, single *ballot.Refusal) LookupCheck {
	b := fb.Ballot
	c := LookupCheck{Check: CheckBallots, What: "shape and proofs", Result: LookupPassed}
	if b.State() == ballot.Challenged {
		c.Check, c.What = CheckChallenged, "shape and opening"
	}
	same := single != nil && fb.Refusal != nil && single.Step == fb.Refusal.Step && single.Contest == fb.Refusal.Contest && single.Selection == fb.Refusal.Selection
	switch {
	case fb.Refusal == nil && single == nil && b.State() == ballot.Challenged:
		v, err := ballot.OpenChallenged(s.e, b)
		if err != nil { // VerifyBallot opened it already
			c.Result, c.Detail = LookupFailed, err.Error()
			return c
		}
		fb.Vote = v
		c.Detail = "it has the manifest's shape, and its released nonce seed opens it: encrypting the opened choices again with that seed gives back the ballot, proofs included"
	case fb.Refusal == nil && single == nil:
		c.Detail = "it has the manifest's shape, no two of its ciphertexts share a first component, and every proof verifies"
	case fb.Refusal == nil:
		c.Check = stepCheck(single.Step)
		c.Result, c.Detail = LookupFailed, fmt.Sprintf("the record accepts it, but %s", strings.TrimPrefix(single.Error(), "ballot: "))
	case same:
		fb.Refusal.Reason = single.Reason
		c.Detail = fmt.Sprintf("the steps of one ballot refuse it at the step and place its line records: %s", strings.TrimPrefix(single.Error(), "ballot: "))
	default:
		s.explain(fb, single, &c)
	}
	return c
}

// explain completes the refusal of fb, refused at a step that the steps
// of one ballot do not decide, or did not decide the same way (single),
// and judges it in c.
func (s *lookupScan) explain(fb *FoundBallot, single *ballot.Refusal, c *LookupCheck) {
	r := fb.Refusal
	h := fb.Ballot.Header()
	found := "the steps of one ballot find nothing wrong with it"
	if single != nil {
		found = "by the steps of one ballot alone it is " + strings.TrimPrefix(single.Error(), "ballot: ")
	}
	switch r.Step {
	case ballot.StepChainFork:
		r.Reason = fmt.Sprintf("its place in device %q's chain, sequence %d after the ballot with confirmation code %s, was already taken (a fork)", h.Device, h.Sequence, h.Previous)
		if fb.takenBy != 0 {
			r.Reason = fmt.Sprintf("its place in device %q's chain, sequence %d, was already taken by the ballot on line %d (a fork)", h.Device, h.Sequence, fb.takenBy)
		}
		c.Detail = found + "; the chain's step (7) comes before the steps of one ballot (8 to 11)"
	case ballot.StepPolicy:
		r.Reason = "its credential had already cast a ballot, and the election allows one per credential"
		if fb.credLine != 0 {
			r.Reason = fmt.Sprintf("its credential had already cast the ballot on line %d, and the election allows one per credential", fb.credLine)
		}
		c.Detail = found
		switch {
		case single == nil:
		case single.Step == ballot.StepProof || single.Step == ballot.StepChallenge:
			c.Detail += ", a step after the credential policy's (10)"
		default:
			c.Result, c.Detail = LookupFailed, found+", a step before the credential policy's (10): the box should have refused it there"
		}
	case ballot.StepDuplicate:
		r.Reason = "the first component of a ciphertext repeats one of an earlier accepted ballot (a replay, or a reused nonce)"
		c.Detail = found + "; no first component repeats within the ballot, so the repeated one is in an earlier accepted ballot, which only the verification of the whole record checks (check 8)"
		if single != nil && single.Step != ballot.StepProof && single.Step != ballot.StepChallenge {
			c.Result, c.Detail = LookupFailed, found+", not what its line records"
		}
	default: // manifest, proof, challenge: steps of one ballot
		r.Reason = "not confirmed: " + found
		c.Result, c.Detail = LookupFailed, fmt.Sprintf("its line records a refusal (%s), but %s", r.Step, found)
	}
}

// chain checks a device ballot's link to its predecessor.
func (s *lookupScan) chain(fb *FoundBallot) LookupCheck {
	h := fb.Ballot.Header()
	c := LookupCheck{Check: CheckChains, What: "link in the device's chain", Result: LookupPassed}
	what := fmt.Sprintf("ballot %d of device %q's chain, confirmation code %s", h.Sequence-1, h.Device, h.Previous)
	if h.Sequence == 1 {
		what = fmt.Sprintf("device %q's opening, confirmation code %s", h.Device, h.Previous)
	}
	fork := fb.Refusal != nil && fb.Refusal.Step == ballot.StepChainFork
	switch {
	case h.Sequence == 0:
		c.Detail = "its sequence number is 0, the place of the device's opening"
		if !fork {
			c.Result = LookupFailed
		}
	case fb.Previous == 0:
		c.Detail = fmt.Sprintf("no line before it holds its predecessor, %s", what)
		if !fork {
			c.Result = LookupFailed
		}
	case h.Sequence == 1 && !fb.previousOpening:
		c.Detail = fmt.Sprintf("it is ballot 1 of device %q's chain, but its predecessor, confirmation code %s on line %d, is not the device's opening", h.Device, h.Previous, fb.Previous)
		if !fork {
			c.Result = LookupFailed
		}
	case h.Sequence > 1 && (fb.previousOpening || fb.previousSeq != h.Sequence-1):
		c.Detail = fmt.Sprintf("its predecessor, confirmation code %s on line %d, is not ballot %d of device %q's chain", h.Previous, fb.Previous, h.Sequence-1, h.Device)
		if !fork {
			c.Result = LookupFailed
		}
	case fb.previousFork:
		c.Detail = fmt.Sprintf("its predecessor, %s, is on line %d, which was refused as a fork and took no place in the chain", what, fb.Previous)
		if !fork {
			c.Result = LookupFailed
		}
	default:
		c.Detail = fmt.Sprintf("its predecessor, %s, is on line %d", what, fb.Previous)
	}
	if fb.Next != 0 {
		c.Detail += fmt.Sprintf("; the device's ballot on line %d names it as its predecessor", fb.Next)
	}
	return c
}

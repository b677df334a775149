package election

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/ballot"
)

// lineOut is what a worker finds about one line of ballots.jsonl.
type lineOut struct {
	err      error // the line does not decode
	l        boxLine
	openErr  error             // the opening's signature or registration
	refusals []*ballot.Refusal // every check the ballot fails, but the challenge's
	challErr error             // the seed does not reproduce a challenged ballot
	vote     ballot.Vote
	items    []dupEntry
}

// chainState is where a device's chain stands.
type chainState struct {
	tip ballot.Code
	seq uint64
}

// ballotScan holds the state of the ordered pass over ballots.jsonl.
type ballotScan struct {
	v      *verifier
	e      *ballot.Election
	size   int64 // of ballots.jsonl, for progress
	chains map[string]*chainState
	count  *counter
	dd     *dedup
	chal   *lineReader // challenged.jsonl, or nil
	lines  int64
}

// work decodes and verifies a batch of lines; it runs on many goroutines.
func (s *ballotScan) work(ls []rawLine) []lineOut {
	outs := make([]lineOut, len(ls))
	var bs []*ballot.Ballot
	var at []int
	for i, l := range ls {
		out := &outs[i]
		if l.err != nil {
			out.err = l.err
			continue
		}
		out.l, out.err = decodeBoxLine(l.data)
		switch {
		case out.err != nil:
		case out.l.opening != nil:
			out.openErr = out.l.opening.Verify(s.e)
		case out.l.ballot != nil:
			bs = append(bs, out.l.ballot)
			at = append(at, i)
		}
	}
	errs, votes := ballot.VerifyAndOpenBallots(s.e, bs)
	for k, err := range errs {
		s.finishBallot(&outs[at[k]], err, votes[k])
	}
	return outs
}

// finishBallot completes the worker's part for a ballot that
// ballot.VerifyAndOpenBallots checked with result err and, for a
// challenged ballot it opened, vote: the refusals, the challenged ballot's
// opening, and the fingerprints for the uniqueness check.
func (s *ballotScan) finishBallot(out *lineOut, err error, vote ballot.Vote) {
	b := out.l.ballot
	var rs []*ballot.Refusal
	var many ballot.Refusals
	var one *ballot.Refusal
	switch {
	case err == nil:
	case errors.As(err, &many):
		rs = many
	case errors.As(err, &one):
		rs = []*ballot.Refusal{one}
	default:
		rs = []*ballot.Refusal{{Check: ballot.CheckDecoding, Contest: -1, Selection: -1, Reason: err.Error()}}
	}
	opened := false
	for _, r := range rs {
		if r.Check == ballot.CheckChallenge {
			out.challErr, opened = errors.New(r.Reason), true
			continue
		}
		out.refusals = append(out.refusals, r)
	}
	if b.State() == ballot.Challenged && !opened {
		out.vote = vote
		if vote == nil {
			// VerifyAndOpenBallots stopped before the opening (a ballot
			// of another election or of the wrong shape): open it here,
			// so that check 10 reports why it does not open.
			out.vote, out.challErr = ballot.OpenChallenged(s.e, b)
		}
	}
	fps := b.Fingerprints()
	out.items = make([]dupEntry, len(fps))
	for i, fp := range fps {
		out.items[i] = dupEntry{key: fp.Sum, kind: byte(fp.Kind), contest: int16(fp.Contest), selection: int16(fp.Selection)}
	}
}

// refusalCheck maps the ballot package's acceptance rules to the
// verifier's checks.
func refusalCheck(c ballot.Check) Check {
	switch c {
	case ballot.CheckSignature:
		return CheckSignatures
	case ballot.CheckEligibility, ballot.CheckDuplicate, ballot.CheckPolicy:
		return CheckEligibility
	case ballot.CheckChainGap, ballot.CheckChainFork:
		return CheckChains
	case ballot.CheckChallenge:
		return CheckChallenged
	}
	return CheckBallots // decoding, election, manifest, proof
}

// sink handles one line in file order.
func (s *ballotScan) sink(l rawLine, out lineOut) error {
	v := s.v
	s.lines++
	if s.lines%1024 == 0 {
		v.progress("ballots", l.offset, s.size)
	}
	at := func(c Check, b *ballot.Ballot, format string, args ...any) Finding {
		f := Finding{Check: c, File: fileBallots, Line: l.num, Reason: fmt.Sprintf(format, args...)}
		if b != nil {
			f.Ballot = b.ID()
		}
		return f
	}
	if out.err != nil {
		v.fail(at(CheckBallots, nil, "%v", out.err))
		return nil
	}
	if l.num == 1 {
		if err := checkBoxHeader(out.l.header, s.e); err != nil {
			v.fail(at(CheckBallots, nil, "%v", err))
		}
		if out.l.header != nil {
			return nil
		}
	}
	switch {
	case out.l.header != nil:
		v.fail(at(CheckBallots, nil, "a second header line"))
	case out.l.opening != nil:
		s.opening(l, out)
	case out.l.ballot != nil:
		return s.ballot(l, out, at)
	}
	return nil
}

func (s *ballotScan) opening(l rawLine, out lineOut) {
	v, o := s.v, out.l.opening
	v.counts.Openings++
	v.items(CheckDevices, 1)
	f := Finding{Check: CheckDevices, File: fileBallots, Line: l.num, Device: o.Device}
	if out.openErr != nil {
		f.Reason = out.openErr.Error()
		v.fail(f)
		return
	}
	if _, ok := s.chains[o.Device]; ok {
		f.Reason = "a second opening record for the device"
		v.fail(f)
		return
	}
	s.chains[o.Device] = &chainState{tip: o.Code()}
}

func (s *ballotScan) ballot(l rawLine, out lineOut, at func(Check, *ballot.Ballot, string, ...any) Finding) error {
	v, b := s.v, out.l.ballot
	line := int64(l.num)
	h := b.Header()
	state := b.State()
	if state == ballot.Cast {
		v.counts.Cast++
	} else {
		v.counts.Challenged++
	}
	v.items(CheckBallots, 1)
	v.items(CheckSignatures, 1)
	v.items(CheckEligibility, 1)
	ok := len(out.refusals) == 0
	for _, r := range out.refusals {
		f := at(refusalCheck(r.Check), b, "%s", r.Reason)
		f.Contest, f.Candidate = v.contestName(r.Contest), v.candidateName(r.Contest, r.Selection)
		if h.Credential == nil && (r.Check == ballot.CheckEligibility || r.Check == ballot.CheckChainGap) {
			f.Device = h.Device
		}
		v.fail(f)
	}
	for _, it := range out.items {
		it.line = line
		if err := s.dd.add(it); err != nil {
			return err
		}
	}
	// Device chains.
	if h.Credential == nil && h.Sequence > 0 {
		v.items(CheckChains, 1)
		if !s.chain(l, b, h, at) {
			ok = false
		}
	}
	// Challenged ballots.
	if state == ballot.Challenged {
		v.items(CheckChallenged, 1)
		if out.challErr != nil {
			v.fail(at(CheckChallenged, b, "%v", out.challErr))
		}
		return s.matchChallenged(l, b, out)
	}
	if !ok {
		return nil
	}
	if err := s.count.cast(line, b); err != nil {
		v.fail(at(CheckEligibility, b, "%v", err))
		return nil
	}
	return nil
}

// chain checks that device ballot b continues its device's chain, and
// resynchronises the chain on b after a gap, so that one missing ballot
// gives one finding.
func (s *ballotScan) chain(l rawLine, b *ballot.Ballot, h ballot.Header, at func(Check, *ballot.Ballot, string, ...any) Finding) bool {
	v := s.v
	fail := func(format string, args ...any) {
		f := at(CheckChains, b, format, args...)
		f.Device = h.Device
		v.fail(f)
	}
	ch := s.chains[h.Device]
	switch {
	case ch == nil:
		fail("the device has no opening record before this ballot")
		s.chains[h.Device] = &chainState{tip: b.Code(), seq: h.Sequence}
		return false
	case h.Sequence == ch.seq+1 && h.Previous == ch.tip:
		ch.tip, ch.seq = b.Code(), h.Sequence
		return true
	case h.Sequence <= ch.seq:
		fail("sequence %d, but the chain is already at %d: a fork or a replay", h.Sequence, ch.seq)
		return false
	case h.Sequence > ch.seq+1:
		fail("sequence %d follows %d: ballots %d..%d of the chain are missing", h.Sequence, ch.seq, ch.seq+1, h.Sequence-1)
	default:
		fail("previous code %s is not the code %s of the chain's ballot %d: the chain is broken", h.Previous, ch.tip, ch.seq)
	}
	ch.tip, ch.seq = b.Code(), h.Sequence
	return false
}

// matchChallenged reads the next line of challenged.jsonl and checks that
// it lists challenged ballot b with the vote it opens to.
func (s *ballotScan) matchChallenged(l rawLine, b *ballot.Ballot, out lineOut) error {
	v := s.v
	if s.chal == nil {
		return nil
	}
	fail := func(cl int, format string, args ...any) {
		v.fail(Finding{Check: CheckChallenged, File: fileChallenged, Line: cl, Ballot: b.ID(), Reason: fmt.Sprintf(format, args...)})
	}
	cl, err := s.chal.next()
	if err == io.EOF {
		fail(0, "the challenged ballot on line %d of %s is not listed", l.num, fileBallots)
		return nil
	}
	if err != nil {
		return &ioError{fmt.Errorf("election: %s: %v", fileChallenged, err)}
	}
	if cl.err != nil {
		fail(cl.num, "%v", cl.err)
		return nil
	}
	var j challengedJSON
	if err := strictJSON(cl.data, &j); err != nil {
		fail(cl.num, "%v", err)
		return nil
	}
	switch {
	case j.Line != l.num || j.BallotID != b.ID() || j.Code != b.Code():
		fail(cl.num, "lists ballot %q (line %d, code %s), but the next challenged ballot is %q on line %d of %s (code %s)", j.BallotID, j.Line, j.Code, b.ID(), l.num, fileBallots, b.Code())
	case out.challErr == nil && !sameVote(j.Vote, out.vote):
		fail(cl.num, "the published vote is not the one the ballot's nonce seed opens")
	}
	return nil
}

// sameVote compares two votes, ignoring unmarked candidates and contests.
func sameVote(a, b ballot.Vote) bool {
	return reflect.DeepEqual(normalVote(a), normalVote(b))
}

func normalVote(v ballot.Vote) ballot.Vote {
	out := ballot.Vote{}
	for c, marks := range v {
		for code, val := range marks {
			if val == 0 {
				continue
			}
			if out[c] == nil {
				out[c] = map[uint32]uint64{}
			}
			out[c][code] = val
		}
	}
	return out
}

// checkBallots runs checks 4 (openings), 6 to 10 and 11 in one streaming
// pass over ballots.jsonl and challenged.jsonl.
func (v *verifier) checkBallots() error {
	if v.e == nil {
		for _, c := range []Check{CheckBallots, CheckSignatures, CheckEligibility, CheckChains, CheckChallenged, CheckAggregation} {
			v.skip(c, "the election's parameters are unavailable (check 1)")
		}
		return nil
	}
	path := v.r.path(fileBallots)
	f, err := openRegular(path)
	if err != nil {
		v.readErr(CheckBallots, fileBallots, err)
		for _, c := range []Check{CheckDevices, CheckSignatures, CheckEligibility, CheckChains, CheckChallenged, CheckAggregation} {
			v.skip(c, fileBallots+" is unavailable")
		}
		return nil
	}
	defer f.Close()
	s := &ballotScan{
		v:      v,
		e:      v.e,
		chains: make(map[string]*chainState),
		count:  newCounter(v.e),
		dd:     newDedup(v.opts.TempDir, v.opts.dedupSpill),
	}
	if fi, err := f.Stat(); err == nil {
		s.size = fi.Size()
	}
	if cf, err := v.r.open(fileChallenged); err != nil {
		v.readErr(CheckChallenged, fileChallenged, err)
	} else {
		defer cf.Close()
		s.chal = newLineReader(cf)
	}
	lr := newLineReader(f)
	err = pipelineBatch(lr, v.opts.Workers, s.work, s.sink)
	if err != nil {
		if errors.As(err, new(*ioError)) || errors.As(err, new(*fs.PathError)) {
			return err
		}
		return &ioError{fmt.Errorf("election: %s: %v", fileBallots, err)}
	}
	v.progress("ballots", s.size, s.size)
	v.hashes[fileBallots] = lr.sum()
	if s.lines == 0 {
		v.failf(CheckBallots, fileBallots, "empty: not even the ballot box's header")
	}
	if s.chal != nil {
		if err := s.finishChallenged(); err != nil {
			return err
		}
	}
	// Uniqueness: one finding per pair of lines that share something.
	type linePair struct{ dup, first int64 }
	type shared struct {
		kinds   map[byte]int
		contest int
		sel     int
	}
	pairs := make(map[linePair]*shared)
	var order []linePair
	names := make(map[int64]string)
	err = s.dd.finish(func(first, dup dupEntry) {
		s.count.drop(dup.line)
		p := linePair{dup.line, first.line}
		sh, ok := pairs[p]
		if !ok {
			if v.opts.MaxFindings >= 0 && len(order) >= v.opts.MaxFindings {
				v.results[CheckEligibility].Failures++
				return
			}
			sh = &shared{kinds: make(map[byte]int), contest: int(dup.contest), sel: int(dup.selection)}
			pairs[p] = sh
			order = append(order, p)
			names[dup.line], names[first.line] = "", ""
		}
		sh.kinds[dup.kind]++
	})
	if err != nil {
		return &ioError{err}
	}
	v.progress("aggregation", 0, 0)
	if len(order) > 0 {
		err := rereadLines(path, func(line int64) bool { _, ok := names[line]; return ok }, func(line int64, b *ballot.Ballot) error {
			names[line] = b.ID()
			return nil
		})
		if err != nil {
			return err
		}
	}
	slices.SortFunc(order, func(a, b linePair) int { return cmp.Compare(a.dup, b.dup) })
	for _, p := range order {
		sh := pairs[p]
		var what []string
		for _, k := range []struct {
			kind byte
			name string
		}{{dupBallotID, "ballot identifier (for the same signer)"}, {dupCiphertext, "ciphertext"}, {dupProof, "range proof"}, {dupSumProof, "contest proof"}, {dupKnowledge, "proof of knowledge"}} {
			switch n := sh.kinds[k.kind]; {
			case n == 1:
				what = append(what, "its "+k.name)
			case n > 1:
				what = append(what, fmt.Sprintf("%d %ss", n, k.name))
			}
		}
		f := Finding{Check: CheckEligibility, File: fileBallots, Line: int(p.dup), Ballot: names[p.dup],
			Reason: fmt.Sprintf("%s already appear in ballot %q on line %d (a replay)", strings.Join(what, ", "), names[p.first], p.first)}
		if len(sh.kinds) == 1 && (sh.kinds[dupCiphertext] == 1 || sh.kinds[dupProof] == 1 || sh.kinds[dupSumProof] == 1 || sh.kinds[dupKnowledge] == 1) {
			f.Contest, f.Candidate = v.contestName(sh.contest), v.candidateName(sh.contest, sh.sel)
		}
		v.fail(f)
	}
	// Aggregation (check 11).
	recomputed, err := s.count.finish(path)
	if err != nil {
		if errors.As(err, new(*ioError)) {
			return err
		}
		v.failf(CheckAggregation, fileBallots, "%v", err)
		return nil
	}
	v.counts.Counted = int64(recomputed.Ballots)
	v.items(CheckAggregation, int64(recomputed.Ballots))
	if v.mixIn, err = s.count.mixInputs(); err != nil {
		v.failf(CheckMixInput, fileBallots, "%v", err)
		v.mixIn = nil
	}
	pub, err := v.r.EncryptedTally()
	if err != nil {
		v.readErr(CheckAggregation, fileTally, err)
		return nil
	}
	if err := pub.Validate(v.e); err != nil {
		v.failf(CheckAggregation, fileTally, "%v", err)
		return nil
	}
	if err := pub.Compare(recomputed); err != nil {
		v.failf(CheckAggregation, fileTally, "the published tally is not the sum of the %d ballots that count: %v", recomputed.Ballots, err)
	}
	return nil
}

// finishChallenged reports the lines of challenged.jsonl left over after
// the last challenged ballot, and hashes the file.
func (s *ballotScan) finishChallenged() error {
	for {
		cl, err := s.chal.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &ioError{fmt.Errorf("election: %s: %v", fileChallenged, err)}
		}
		s.v.fail(Finding{Check: CheckChallenged, File: fileChallenged, Line: cl.num, Reason: "lists a ballot that is not a challenged ballot of " + fileBallots})
	}
	s.v.hashes[fileChallenged] = s.chal.sum()
	return nil
}

package election

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/prose"
)

// A ballotPass runs the acceptance rule (docs/spec.md §Ballots, "The
// acceptance rule") over the lines of ballots.jsonl, as the ballot box ran
// it over the submissions: workers decode batches of lines and run the
// steps that depend on one ballot alone (ballot.CheckBallots), and one
// goroutine takes the lines in file order through the steps that depend
// on the earlier lines (ballot.Rule), with a claimSet for the
// fingerprints. The verifier checks the proofs itself; the record's writer,
// which trusts the box that wrote the file, takes the verdict on the proofs
// that each line records.
type ballotPass struct {
	e      *ballot.Election
	rule   *ballot.Rule
	set    *claimSet
	proofs bool
}

func newBallotPass(e *ballot.Election, tmpDir string, spill int, proofs bool) *ballotPass {
	set := newClaimSet(tmpDir, spill)
	return &ballotPass{e: e, rule: ballot.NewRule(e, set), set: set, proofs: proofs}
}

// lineOut is what a worker finds about one line of ballots.jsonl.
type lineOut struct {
	err     error // the line does not decode
	l       *ballot.BoxLine
	checked *ballot.Checked
	vote    ballot.Vote // what a challenged ballot opens to, or nil
	openErr error       // why it does not open (the writer's pass)
}

// work decodes a batch of lines and runs the steps of each ballot alone; it
// runs on many goroutines.
func (p *ballotPass) work(ls []rawLine) []lineOut {
	outs := make([]lineOut, len(ls))
	var bs []*ballot.Ballot
	var at []int
	for i, l := range ls {
		out := &outs[i]
		if l.err != nil {
			out.err = l.err
			continue
		}
		out.l, out.err = ballot.ParseBoxLine(l.data)
		if out.err == nil && out.l.Ballot != nil {
			bs = append(bs, out.l.Ballot)
			at = append(at, i)
		}
	}
	for k, c := range ballot.CheckBallots(p.e, bs, p.proofs) {
		out := &outs[at[k]]
		out.checked = c
		out.vote = c.Vote()
		if p.proofs {
			continue
		}
		c.TrustProofs(out.l.TrustedProofs())
		if b := out.l.Ballot; out.l.Refusal == nil && b.State() == ballot.Challenged && c.Attributable() {
			out.vote, out.openErr = ballot.OpenChallenged(p.e, b)
		}
	}
	return outs
}

// ballot runs the rule on the ballot of line out (a ballot or refused
// line), and returns its verdict and whether it is the one the line
// records.
func (p *ballotPass) ballot(line int64, out *lineOut) (ballot.Verdict, error) {
	p.set.next(line, out.l.Refusal)
	v := p.rule.Ballot(line, out.l.Ballot, out.checked)
	return v, out.l.Verdict(v)
}

// ballotScan holds the verifier's state in its ordered pass over
// ballots.jsonl.
type ballotScan struct {
	v     *verifier
	pass  *ballotPass
	size  int64 // of ballots.jsonl, for progress
	count *counter
	chal  *lineReader // challenged.jsonl, or nil
	lines int64
	// mustClose are the devices of the manifest's stations.
	mustClose map[string]bool
	// replaced are the accepted replacements (old device → new device
	// and the line of the new device's opening), and reported the
	// replacements that accepted incidents of kind device-replaced
	// report (old → new → the incident's line).
	replaced map[string]replacement
	reported map[[2]string]int
}

type replacement struct {
	by   string
	line int
}

// stepCheck maps the acceptance rule's steps to the verifier's checks.
func stepCheck(s ballot.Step) Check {
	switch s {
	case ballot.StepSignature:
		return CheckSignatures
	case ballot.StepEligibility, ballot.StepDuplicate, ballot.StepPolicy:
		return CheckEligibility
	case ballot.StepChainGap, ballot.StepChainFork:
		return CheckChains
	case ballot.StepClosed:
		return CheckClosings
	case ballot.StepChallenge:
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
	at := func(c Check, format string, args ...any) Finding {
		return Finding{Check: c, File: fileBallots, Line: l.num, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case out.err != nil:
		v.fail(at(CheckBallots, "%v", out.err))
	case l.num == 1:
		if out.l.Header == nil {
			v.fail(at(CheckBallots, "the first line is not the ballot box's header"))
		} else if err := out.l.Header.Check(s.pass.e); err != nil {
			v.fail(at(CheckBallots, "%v", err))
		}
	case out.l.Header != nil:
		v.fail(at(CheckBallots, "a second header line"))
	case out.l.Opening != nil:
		o := out.l.Opening
		v.counts.Openings++
		v.items(CheckDevices, 1)
		if r := s.pass.rule.Opening(o); r.Outcome != ballot.Accepted {
			f := at(CheckDevices, "%s", r.Refusal.Reason)
			f.Device = o.Device
			v.fail(f)
		} else if o.Replaces != nil {
			s.replaced[o.Replaces.Device] = replacement{o.Device, l.num}
		}
	case out.l.Incident != nil:
		i := out.l.Incident
		v.counts.Incidents++
		v.items(CheckIncidents, 1)
		if r := s.pass.rule.Incident(i); r.Outcome != ballot.Accepted {
			v.fail(at(CheckIncidents, "%s (%s)", strings.TrimPrefix(r.Refusal.Reason, "ballot: "), r.Refusal.Step))
		} else if i.Kind == ballot.DeviceReplaced {
			s.reported[[2]string{i.Device, i.Replacement}] = l.num
		}
	case out.l.Closing != nil:
		c := out.l.Closing
		v.counts.Closings++
		v.items(CheckClosings, 1)
		if r := s.pass.rule.Closing(c); r.Outcome != ballot.Accepted {
			f := at(CheckClosings, "%s (%s)", strings.TrimPrefix(r.Refusal.Reason, "ballot: "), r.Refusal.Step)
			f.Device = c.Device
			v.fail(f)
		}
	default:
		return s.ballot(l, out)
	}
	return nil
}

func (s *ballotScan) ballot(l rawLine, out lineOut) error {
	v, b := s.v, out.l.Ballot
	h := b.Header()
	switch {
	case out.l.Refusal != nil:
		v.counts.Refused++
	case b.State() == ballot.Cast:
		v.counts.Cast++
	default:
		v.counts.Challenged++
	}
	v.items(CheckBallots, 1)
	v.items(CheckSignatures, 1)
	v.items(CheckEligibility, 1)
	if h.Credential == nil {
		v.items(CheckChains, 1)
	}
	verdict, mismatch := s.pass.ballot(int64(l.num), &out)
	if mismatch != nil {
		r := verdict.Refusal
		if verdict.Outcome == ballot.Accepted {
			r = out.l.Refusal
		}
		f := Finding{Check: stepCheck(r.Step), File: fileBallots, Line: l.num, Ballot: b.ID(), Reason: mismatch.Error(),
			Contest: v.contestName(r.Contest), Candidate: v.candidateName(r.Contest, r.Selection)}
		if h.Credential == nil && (r.Step == ballot.StepChainGap || r.Step == ballot.StepChainFork || r.Step == ballot.StepEligibility || r.Step == ballot.StepClosed) {
			f.Device = h.Device
		}
		v.fail(f)
	}
	if err := s.count.count(int64(l.num), b, verdict); err != nil {
		v.fail(Finding{Check: CheckAggregation, File: fileBallots, Line: l.num, Ballot: b.ID(), Reason: err.Error()})
	}
	if b.State() == ballot.Challenged && out.l.Refusal == nil {
		v.items(CheckChallenged, 1)
		return s.matchChallenged(l, b, out.vote)
	}
	return nil
}

// matchChallenged reads the next line of challenged.jsonl and checks that
// it lists challenged ballot b, accepted on line l, with vote, the vote
// its seed opens to (nil if it does not open, which the rule reports).
func (s *ballotScan) matchChallenged(l rawLine, b *ballot.Ballot, vote ballot.Vote) error {
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
	case j.Line != l.num || j.BallotID != b.ID() || j.Code != b.ConfirmationCode():
		fail(cl.num, "lists ballot %q (line %d, confirmation code %s), but the next challenged ballot is %q on line %d of %s (confirmation code %s)", j.BallotID, j.Line, j.Code, b.ID(), l.num, fileBallots, b.ConfirmationCode())
	case vote != nil && !reflect.DeepEqual(j.Vote, vote):
		fail(cl.num, "the published vote is not the one the ballot's nonce seed opens (every marked candidate with its value, no zero and no contest without marks)")
	}
	return nil
}

// checkBallots runs checks 4 (openings), 6 to 10 and 11 in one streaming
// pass over ballots.jsonl and challenged.jsonl.
func (v *verifier) checkBallots() error {
	if v.e == nil {
		for _, c := range []Check{CheckBallots, CheckSignatures, CheckEligibility, CheckChains, CheckChallenged, CheckAggregation, CheckClosings, CheckIncidents} {
			v.skip(c, "the election's parameters are unavailable (check 1)")
		}
		return nil
	}
	path := v.r.path(fileBallots)
	f, err := openRegular(path)
	if err != nil {
		v.readErr(CheckBallots, fileBallots, err)
		for _, c := range []Check{CheckDevices, CheckSignatures, CheckEligibility, CheckChains, CheckChallenged, CheckAggregation, CheckClosings, CheckIncidents} {
			v.skip(c, fileBallots+" is unavailable")
		}
		return nil
	}
	defer f.Close()
	s := &ballotScan{
		v:     v,
		pass:  newBallotPass(v.e, v.opts.TempDir, v.opts.dedupSpill, true),
		count: newCounter(v.e),
	}
	s.mustClose = make(map[string]bool)
	s.replaced, s.reported = make(map[string]replacement), make(map[[2]string]int)
	for _, st := range v.e.Manifest().Stations {
		for _, d := range st.Devices {
			s.mustClose[d] = true
		}
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
	err = pipelineBatch(lr, v.opts.Workers, s.pass.work, s.sink)
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
	s.checkAllClosed()
	s.checkReplacements()
	if s.chal != nil {
		if err := s.finishChallenged(); err != nil {
			return err
		}
	}
	if err := s.checkClaims(path); err != nil {
		return err
	}
	// Aggregation (check 11).
	v.progress("aggregation", 0, 0)
	recomputed, err := s.count.finish(path)
	if err != nil {
		if errors.As(err, new(*ioError)) {
			return err
		}
		v.failf(CheckAggregation, fileBallots, "%v", err)
		return nil
	}
	v.counts.Counted = int64(recomputed.Ballots)
	v.recomputed = recomputed // checks 12 and 13 decrypt this tally, bounded by its count
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
		v.failf(CheckAggregation, fileTally, "the published tally is not the sum of the %s that count: %v", prose.Count(recomputed.Ballots, "ballot"), err)
	}
	return nil
}

// checkClaims checks the answers the pass took from the lines' recorded
// verdicts for steps 6 and 9 of the rule (claimSet), and reports, under
// check 8, each line whose answer the earlier lines contradict.
func (s *ballotScan) checkClaims(path string) error {
	v := s.v
	var broken []brokenClaim
	err := s.pass.set.check(func(c brokenClaim) {
		if v.opts.MaxFindings >= 0 && len(broken) >= v.opts.MaxFindings {
			v.results[CheckEligibility].Failures++
			return
		}
		broken = append(broken, c)
	})
	if err != nil {
		return &ioError{fmt.Errorf("election: uniqueness check: %v", err)}
	}
	if len(broken) == 0 {
		return nil
	}
	slices.SortFunc(broken, func(a, b brokenClaim) int { return int(a.line - b.line) })
	names := make(map[int64]string)
	for _, c := range broken {
		names[c.line] = ""
	}
	err = rereadLines(path, func(line int64) bool { _, ok := names[line]; return ok }, func(line int64, b *ballot.Ballot) error {
		names[line] = b.ID()
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range broken {
		f := Finding{Check: CheckEligibility, File: fileBallots, Line: int(c.line), Ballot: names[c.line]}
		switch {
		case c.kind == uint8(ballot.FingerprintIdentifier):
			f.Reason = fmt.Sprintf("the ballot identifier of this signer is already on line %d: a box writes nothing of a repeated identifier (step 6)", c.added)
		case c.present:
			f.Contest, f.Candidate = v.contestName(c.contest), v.candidateName(c.contest, c.selection)
			f.Reason = "written as refused for a repeated first component, but no earlier accepted ballot has it (step 9)"
		default:
			f.Contest, f.Candidate = v.contestName(c.contest), v.candidateName(c.contest, c.selection)
			f.Reason = fmt.Sprintf("the first component of this ciphertext is in the ballot accepted on line %d: the rule refuses this ballot as a replay there (step 9)", c.added)
		}
		v.fail(f)
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
		reason := "lists a ballot that is not an accepted challenged ballot of " + fileBallots
		if cl.err != nil {
			reason = cl.err.Error()
		}
		s.v.fail(Finding{Check: CheckChallenged, File: fileChallenged, Line: cl.num, Reason: reason})
	}
	s.v.hashes[fileChallenged] = s.chal.sum()
	return nil
}

// checkAllClosed runs the last part of check 21: every device of a
// station of the manifest that opened its chain in ballots.jsonl also
// closed it (a device of no station may close, and its closing is
// checked, but need not). In a snapshot whose ballot
// box may still be open, a device that has not closed yet is not a
// finding, and the check says so.
func (s *ballotScan) checkAllClosed() {
	v := s.v
	open := 0
	for _, d := range s.pass.e.Devices() {
		if !s.mustClose[d.ID] {
			continue
		}
		if _, _, ok := s.pass.rule.Tip(d.ID); !ok || s.pass.rule.Closed(d.ID) || s.pass.rule.ReplacedBy(d.ID) != "" {
			continue
		}
		v.items(CheckClosings, 1)
		if v.snap != nil && v.snap.done <= stepOf(fileTally) {
			open++
			continue
		}
		seq, code, _ := s.pass.rule.Tip(d.ID)
		v.fail(Finding{Check: CheckClosings, File: fileBallots, Device: d.ID,
			Reason: fmt.Sprintf("device %q opened its chain but never closed it (its chain ends at sequence %d, confirmation code %s, with no closing certificate)", d.ID, seq, code)})
	}
	if open > 0 {
		v.skip(CheckClosings, fmt.Sprintf("whether %d devices that have not closed yet will close (the snapshot's ballot box may still be open)", open))
	}
}

// checkReplacements runs the last part of check 22: every device
// replacement in ballots.jsonl is reported by an accepted incident of kind
// device-replaced of the station that names both devices, and every such
// incident by a replacement.
func (s *ballotScan) checkReplacements() {
	v := s.v
	// In a snapshot whose box may still be open, an incident may follow
	// its replacement (or the reverse) in a later line.
	open := v.snap != nil && v.snap.done <= stepOf(fileTally)
	unmatched := 0
	olds := make([]string, 0, len(s.replaced))
	for old := range s.replaced {
		olds = append(olds, old)
	}
	slices.Sort(olds)
	for _, old := range olds {
		r := s.replaced[old]
		v.items(CheckIncidents, 1)
		if _, ok := s.reported[[2]string{old, r.by}]; !ok {
			if open {
				unmatched++
				continue
			}
			v.fail(Finding{Check: CheckIncidents, File: fileBallots, Line: r.line, Device: r.by,
				Reason: fmt.Sprintf("device %q replaces device %q, but no incident of kind device-replaced in its station's log names both", r.by, old)})
		}
	}
	pairs := make([][2]string, 0, len(s.reported))
	for p := range s.reported {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(a, b [2]string) int { return s.reported[a] - s.reported[b] })
	for _, p := range pairs {
		if r, ok := s.replaced[p[0]]; !ok || r.by != p[1] {
			if open {
				unmatched++
				continue
			}
			v.fail(Finding{Check: CheckIncidents, File: fileBallots, Line: s.reported[p], Device: p[0],
				Reason: fmt.Sprintf("the incident says device %q was replaced by %q, but no accepted opening of %q replaces %q", p[0], p[1], p[1], p[0])})
		}
	}
	if unmatched > 0 {
		v.skip(CheckIncidents, fmt.Sprintf("whether %d replacements and device-replaced incidents without their counterpart will be matched (the snapshot's ballot box may still be open)", unmatched))
	}
}

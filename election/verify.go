package election

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/pollbook"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/tally/ranked"
	"github.com/sandogh/sandogh/trustee"
)

// Options tune Verify. The zero value (or nil) is fine for most uses.
type Options struct {
	// Workers is the number of goroutines that decode and verify ballots;
	// 0 means runtime.GOMAXPROCS(0), every core.
	Workers int
	// MaxFindings is the most findings kept per check; the others are
	// counted in CheckResult.Failures. 0 means 100; a negative value keeps
	// every finding.
	MaxFindings int
	// TempDir is where the uniqueness check writes its sorted runs on
	// records too large to sort in memory; "" means os.TempDir().
	TempDir string
	// Progress, if set, is called from time to time with the stage
	// ("ballots", "ceremony"…) and how far it has got (for "ballots", in
	// bytes of ballots.jsonl). It is called on one goroutine at a time.
	Progress func(stage string, done, total int64)
	// Partial verifies a record that the trustees have not decrypted yet,
	// as a Writer leaves it after FinishBallots and while the mix
	// cascades run (docs/spec.md, "Verification", "Partial
	// verification"): only checks 1 to 11, 16, 17, 21 and 22 are run, and a
	// cascade with fewer accepted stages than its contest requires is not
	// a finding of check 17 (its CascadeReport says it is not complete).
	// The other checks are reported as not checked, so the report is
	// never Valid.
	// VerifyForDecryption verifies this way.
	Partial bool
	// Snapshot verifies a snapshot of a record that may not be complete:
	// one copied while the election runs (docs/spec.md, "Verification",
	// "Snapshots"). The steps done are those whose last file the index
	// lists; a file of a step not done yet may be absent, and what needs
	// it is not checked (a verdict of NotChecked, not a finding), while
	// every file present is checked. ballots.jsonl may be present and
	// unlisted until the index lists tally/encrypted.json. A snapshot of
	// a complete record is verified as Verify verifies any record. It
	// cannot be combined with Partial.
	Snapshot bool

	dedupSpill int // entries per uniqueness run; tests lower it
	// onDecrypt, if set, is called with the encrypted tally that check 13
	// hands to tally.Decrypt, whose number of ballots bounds every
	// discrete logarithm; tests use it to see that bound.
	onDecrypt func(*tally.EncryptedTally)
}

// partialChecks are the checks that a partial verification runs.
var partialChecks = []Check{
	CheckParameters, CheckCeremony, CheckKeys, CheckDevices, CheckCredentials, CheckBallots,
	CheckSignatures, CheckEligibility, CheckChains, CheckChallenged, CheckAggregation,
	CheckMixInput, CheckMixStages, CheckClosings, CheckIncidents,
}

// Verify checks the election record in folder dir and returns a Report
// with the verdict of every numbered check (docs/spec.md, section
// "Verification") and the findings. Each check runs even if an earlier one
// failed, as far as its inputs can be decoded; what a check cannot do
// because an input is unavailable is not a finding: the check is
// NotChecked, unless it failed, and CheckResult.NotChecked says what it
// could not do and why. A check never passes without its work done.
//
// It returns an error, and no report, only if the record cannot be read: dir
// does not exist, is not a record (ErrNotRecord), or an I/O error occurs.
// Everything wrong with the content of a readable record is a finding.
//
// Ballots are streamed from ballots.jsonl and verified on all cores;
// memory does not grow with the number of ballots, except for one bit per
// ballot, the credentials that voted, and the duplicates found (see
// docs/spec.md for the uniqueness check, which sorts on disk).
func Verify(dir string, opts *Options) (*Report, error) {
	v, err := verify(dir, opts)
	if err != nil {
		return nil, err
	}
	return v.report(), nil
}

// verify runs the verifier on the record in dir and returns it, with its
// state, for Verify and VerifyForDecryption.
func verify(dir string, opts *Options) (*verifier, error) {
	r, err := Open(dir)
	if err != nil {
		return nil, err
	}
	v := &verifier{r: r, hashes: make(map[string][sha256.Size]byte), contestFailures: make(map[checkContest]int64)}
	if opts != nil {
		v.opts = *opts
	}
	if v.opts.Workers <= 0 {
		v.opts.Workers = runtime.GOMAXPROCS(0)
	}
	if v.opts.MaxFindings == 0 {
		v.opts.MaxFindings = 100
	}
	if v.opts.Partial {
		if v.opts.Snapshot {
			panic("election: Options.Partial and Options.Snapshot exclude each other")
		}
		v.final = make(map[int]*mixnet.Rows)
		v.current = make(map[int]nextStage)
	}
	r = &Reader{dir: dir, onRead: v.recordHash}
	v.r = r
	if v.opts.Snapshot {
		if err := v.readSnapshotIndex(); err != nil {
			return nil, err
		}
	}
	if err := v.run(); err != nil {
		return nil, err
	}
	return v, nil
}

// report returns the report: the verdict of every check (those that a
// partial verification does not run are not checked), and what was
// verified.
func (v *verifier) report() *Report {
	rep := &Report{Dir: v.r.dir, Partial: v.opts.Partial, Snapshot: v.opts.Snapshot, Ballots: v.counts, Cascades: v.cascades, Results: v.res, PollBook: v.pollBook}
	if p := v.stated; p != nil {
		rep.Format, rep.Election, rep.Software = p.format, p.manifest.ElectionID, p.software
		rep.BaseHash = hex.EncodeToString(p.baseHash[:])
	}
	// Checks 16 to 19 have nothing to examine in an election without
	// mixed contests, check 20 without CodeList or mixed ProportionalList
	// contests, check 24 without Ranked contests and check 25 without
	// ProportionalList contests.
	noMixed := v.manifest != nil && len(mixedContests(v.manifest)) == 0
	noCodeLists := v.manifest != nil && len(rowCountedContests(v.manifest)) == 0
	noRanked := v.manifest != nil && len(contestsOfKind(v.manifest, ballot.Ranked)) == 0
	noLists := v.manifest != nil && len(listContests(v.manifest)) == 0
	for c := Check(1); c <= NumChecks; c++ {
		r := v.results[c]
		r.Check = c
		r.NotChecked = v.notChecked[c]
		switch {
		case r.Failures > 0:
			r.Verdict = Failed
		case len(r.NotChecked) > 0:
			r.Verdict = NotChecked
		case noMixed && c >= CheckMixInput && c <= CheckRowDecoding,
			noCodeLists && c == CheckRowResults, noRanked && c == CheckRankedCounts:
			r.Verdict = NotApplicable
		case c == CheckListAllocation && noLists:
			r.Verdict = NotApplicable
		case (c == CheckClosings || c == CheckIncidents) && r.Items == 0 && v.e != nil:
			// No closing in ballots.jsonl, and no device of a station
			// opened.
			r.Verdict = NotApplicable
		case c == CheckPollBook && r.Items == 0 && !v.opts.Partial:
			// No pollbook.json: an optional file.
			r.Verdict = NotApplicable
		case v.opts.Partial && !slices.Contains(partialChecks, c):
			r.NotChecked = []string{"a partial verification, before decryption, does not run this check"}
			r.Verdict = NotChecked
		default:
			r.Verdict = Passed
		}
		rep.Checks = append(rep.Checks, r)
		rep.Findings = append(rep.Findings, v.findings[c]...)
	}
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	return rep
}

// ioError marks an error that means the record cannot be read, as opposed
// to a record whose content is wrong.
type ioError struct{ err error }

func (e *ioError) Error() string { return e.err.Error() }
func (e *ioError) Unwrap() error { return e.err }

// isIOError reports whether err, from reading a file of the record, is an
// I/O failure rather than missing or malformed content. A path that is not
// a regular file (a named pipe, a device, a folder, a symbolic link) is
// content that is wrong, not an I/O failure.
func isIOError(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, regular.ErrNotRegular)
}

type verifier struct {
	r    *Reader
	opts Options

	results    [NumChecks + 1]CheckResult
	findings   [NumChecks + 1][]Finding
	notChecked [NumChecks + 1][]string // what each check could not do, and why
	counts     BallotCounts

	hashes map[string][sha256.Size]byte // SHA-256 of every file read

	// trustees is the number of trustees of the roster, if it decodes (0
	// if not): which share list files the layout allows.
	trustees int

	pub      *published
	stated   *published        // election.json decoded (check 1), for the report
	res      *tally.Results    // results.json decoded (check 14), for the report
	pollBook *pollbook.Summary // pollbook.json decoded (check 23), for the report
	e        *ballot.Election
	manifest *ballot.Manifest
	keys     *trustee.Result // recomputed by VerifyCeremony
	roster   *trustee.Roster // of a ceremony VerifyCeremony accepted
	totals   *tally.Totals
	fatal    error

	// recomputed is the encrypted tally of the ballots that count, as
	// check 11 added them up (nil if it could not). Checks 12 and 13
	// verify the shares against it and decrypt it, never the published
	// tally, which check 11 only compares with it: so every discrete
	// logarithm is bounded by the number of ballots the verifier counted,
	// not by a number a forger wrote.
	recomputed *tally.EncryptedTally

	// The mixnet path: the input list of each CodeList contest's cascade
	// (rebuilt from the ballots that count; nil for no rows), the verdicts
	// of the stages, and each contest's totals from its decoded rows.
	mixIn     map[int]*mixnet.Rows
	cascades  []CascadeReport
	rowTotals map[int]*tally.ContestTotals
	// rankings holds the rankings of each Ranked contest's decrypted rows
	// (tally.Rankings), which check 24 counts.
	rankings map[int][]ranked.Ranking
	// final holds, in a partial verification, the output of each
	// complete cascade, which the trustees decrypt (VerifiedRecord).
	final map[int]*mixnet.Rows
	// current holds, in a partial verification, the next stage of each
	// cascade that check 17 ran and the list it is to mix, complete or
	// not, which the next mix server mixes (VerifiedRecord.NextStage).
	current map[int]nextStage

	// contestFailures counts the findings of each check by contest ("" for
	// none), including those left out of the report by MaxFindings.
	contestFailures map[checkContest]int64

	// snap is, for a snapshot (Options.Snapshot), what its index says
	// the record has; nil otherwise.
	snap *snapshotIndex
}

type checkContest struct {
	check   Check
	contest string
}

// recordHash keeps the SHA-256 of a file the verifier read whole, for
// check 15. A file read twice must not have changed in between: the
// verdicts of two checks about it, and what a trustee decrypts after
// checking it (VerifyForDecryption), must be about the same bytes.
func (v *verifier) recordHash(name string, data []byte) {
	h := sha256.Sum256(data)
	if old, ok := v.hashes[name]; ok && old != h && v.fatal == nil {
		v.fatal = &ioError{fmt.Errorf("election: %s changed while the record was being verified", name)}
	}
	v.hashes[name] = h
}

// fail records a finding.
func (v *verifier) fail(f Finding) {
	c := f.Check
	v.results[c].Failures++
	v.contestFailures[checkContest{c, f.Contest}]++
	if v.opts.MaxFindings < 0 || len(v.findings[c]) < v.opts.MaxFindings {
		// The reason may quote any text of the record, by any package's
		// message: escape what is not printable.
		f.Reason = safetext.Escape(strings.TrimPrefix(f.Reason, "election: "))
		v.findings[c] = append(v.findings[c], f)
	}
}

func (v *verifier) failf(c Check, file, format string, args ...any) {
	v.fail(Finding{Check: c, File: file, Reason: fmt.Sprintf(format, args...)})
}

// readErr turns an error reading a file into a finding, or into a fatal
// error if the file exists but cannot be read.
func (v *verifier) readErr(c Check, file string, err error) {
	if v.notYet(file, err) {
		v.skip(c, file+" is not in the record yet")
		return
	}
	if isIOError(err) && v.fatal == nil {
		v.fatal = &ioError{err}
	}
	var fe *fileError
	if errors.As(err, &fe) && fe.name == file {
		err = fe.err // the finding names the file already
	}
	var ke *regular.KindError
	if errors.As(err, &ke) {
		err = ke // the path is the finding's file, or in the error's text
		if fe != nil && fe.name != file {
			err = fmt.Errorf("%s: %v", fe.name, ke)
		}
	}
	v.failf(c, file, "%v", err)
}

// skip says that check c, or part of it, could not be done because an
// input is unavailable: why says what was not checked and why. It is not a
// finding; the check's verdict is NotChecked unless it also failed.
func (v *verifier) skip(c Check, why string) {
	why = safetext.Escape(why)
	if !slices.Contains(v.notChecked[c], why) {
		v.notChecked[c] = append(v.notChecked[c], why)
	}
}

func (v *verifier) items(c Check, n int64) { v.results[c].Items += n }

func (v *verifier) progress(stage string, done, total int64) {
	if v.opts.Progress != nil {
		v.opts.Progress(stage, done, total)
	}
}

func (v *verifier) run() error {
	v.progress("parameters", 0, 0)
	v.checkParameters()
	v.progress("ceremony", 0, 0)
	v.checkCeremony()
	v.checkKeys()
	if err := v.checkBallots(); err != nil {
		return err
	}
	if v.opts.Partial {
		// What the trustees would decrypt: the tally that check 11
		// recomputed (and found equal to the published one), and the
		// cascades' outputs.
		v.progress("decryption", 0, 0)
		if err := v.checkMixnet(); err != nil {
			return err
		}
		return v.fatal
	}
	v.progress("decryption", 0, 0)
	lists := v.checkShares()
	v.checkCombination(lists)
	if err := v.checkMixnet(); err != nil {
		return err
	}
	v.checkRankedCounts()
	v.checkResults()
	v.checkListAllocation()
	v.checkPollBook()
	v.progress("index", 0, 0)
	if err := v.checkIndex(); err != nil {
		return err
	}
	return v.fatal
}

// Check 1 (and the decoding parts of checks 4 and 5).
func (v *verifier) checkParameters() {
	p := new(published)
	ok := true
	decoded := make(map[string]bool)
	for _, f := range []struct {
		check  Check
		name   string
		decode func([]byte, *published) error
	}{
		{CheckParameters, fileElection, decodeElectionFile},
		{CheckDevices, fileDevices, decodeDevicesFile},
		{CheckCredentials, fileCredentials, decodeCredentialsFile},
	} {
		v.items(f.check, 1)
		data, err := v.r.readFile(f.name)
		if err != nil {
			v.readErr(f.check, f.name, err)
			ok = false
			continue
		}
		if err := f.decode(data, p); err != nil {
			v.failf(f.check, f.name, "%v", err)
			ok = false
			continue
		}
		decoded[f.name] = true
	}
	if decoded[fileElection] {
		v.stated = p
	}
	if p.manifest != nil {
		v.manifest = p.manifest
	}
	// Check 5 needs credentials.json and, for credentialListHash,
	// election.json; whatever of it cannot be done is "not checked".
	if decoded[fileCredentials] {
		h := p.credentials.Hash()
		if h != p.credFileHash {
			v.failf(CheckCredentials, fileCredentials, "field hash: %x is not the hash %x of the keys", p.credFileHash, h)
		}
		if p.credCount != p.credentials.Len() {
			v.failf(CheckCredentials, fileCredentials, "field count: %d, but the list has %s", p.credCount, prose.Count(p.credentials.Len(), "key"))
		}
		if !decoded[fileElection] {
			v.skip(CheckCredentials, fmt.Sprintf("%s's credentialListHash cannot be compared with the list: %s does not decode (check 1)", fileElection, fileElection))
		} else if h != p.credHash {
			v.failf(CheckCredentials, fileElection, "field credentialListHash: %x is not the hash %x of the list in %s", p.credHash, h, fileCredentials)
		}
		v.items(CheckCredentials, int64(p.credentials.Len()))
	}
	if decoded[fileDevices] {
		v.items(CheckDevices, int64(len(p.devices)))
	}
	if !ok {
		v.skip(CheckParameters, "the base hash cannot be recomputed without every input")
		v.skip(CheckDevices, "the device openings in "+fileBallots+" cannot be checked without the election (check 1)")
		return
	}
	e, err := p.election()
	if err != nil {
		v.failf(CheckParameters, fileElection, "%v", err)
		v.skip(CheckDevices, "the device openings in "+fileBallots+" cannot be checked without the election (check 1)")
		return
	}
	if h := e.ManifestHash(); h != p.manifestHash {
		v.failf(CheckParameters, fileElection, "field manifestHash: %x is not the hash %x of the manifest", p.manifestHash, h)
	}
	if h := e.BaseHash(); h != p.baseHash {
		v.failf(CheckParameters, fileElection, "field baseHash: %x is not the base hash %x recomputed from the parameters", p.baseHash, h)
	}
	v.pub, v.e = p, e
}

// Check 2.
func (v *verifier) checkCeremony() {
	c, err := v.r.Ceremony()
	if err != nil {
		v.readErr(CheckCeremony, ceremonyFile(err), err)
		if ro, err := v.r.roster(); err == nil {
			v.trustees = ro.Size()
		}
		return
	}
	v.trustees = c.Roster.Size()
	v.items(CheckCeremony, int64(len(c.Commitments)+len(c.Shares)+len(c.Complaints)+len(c.Responses)))
	keys, err := trustee.VerifyCeremony(c)
	if err != nil {
		v.failf(CheckCeremony, "trustees", "%v", err)
		return
	}
	pubRes, err := v.r.CeremonyResult()
	if err != nil {
		v.readErr(CheckCeremony, fileCeremony, err)
	} else if why := compareCeremonyResults(keys, pubRes); why != "" {
		v.failf(CheckCeremony, fileCeremony, "%s", why)
	}
	if v.manifest == nil {
		v.skip(CheckCeremony, "the roster's election identifier cannot be compared with the manifest's: the manifest is unavailable (check 1)")
	} else if string(c.Roster.ElectionID()) != v.manifest.ElectionID {
		v.failf(CheckCeremony, fileRoster, "the roster's election identifier %q is not the manifest's %q", c.Roster.ElectionID(), v.manifest.ElectionID)
	}
	v.keys, v.roster = keys, c.Roster
}

// ceremonyFile guesses from a Reader.Ceremony error which file it is about.
func ceremonyFile(err error) string {
	msg := strings.TrimPrefix(err.Error(), "election: ")
	for _, f := range []string{fileRoster, fileCommitments, fileShares, fileComplaints, fileResponses} {
		if strings.HasPrefix(msg, f) {
			return f
		}
	}
	return "trustees"
}

// compareCeremonyResults names the first difference between the recomputed
// outcome of the ceremony and the published one.
func compareCeremonyResults(got, pub *trustee.Result) string {
	a, err1 := got.MarshalJSON()
	b, err2 := pub.MarshalJSON()
	if err1 != nil || err2 != nil {
		return fmt.Sprintf("cannot encode the outcome: %v %v", err1, err2)
	}
	if string(a) == string(b) {
		return ""
	}
	switch {
	case string(got.Ceremony) != string(pub.Ceremony):
		return "field ceremony: not the roster's ceremony hash"
	case got.Threshold != pub.Threshold:
		return fmt.Sprintf("field threshold: %d, the roster's is %d", pub.Threshold, got.Threshold)
	case !slices.Equal(got.Qualified, pub.Qualified):
		return fmt.Sprintf("field qualified: %s, but the ceremony qualifies %s", prose.Counted("dealer", pub.Qualified), prose.Counted("dealer", got.Qualified))
	case !slices.Equal(got.Excluded, pub.Excluded):
		return "field excluded: " + firstDifference(pub.Excluded, got.Excluded, trustee.Exclusion.String)
	case !slices.Equal(got.Judgments, pub.Judgments):
		return "field judgments: " + firstDifference(pub.Judgments, got.Judgments, func(j trustee.Judgment) string {
			return fmt.Sprintf("trustee %d against dealer %d: %s", j.Complainant, j.Dealer, j.Outcome)
		})
	case got.PublicKey.Equal(pub.PublicKey) != 1:
		return "field public_key: not the sum of the qualified dealers' constant terms"
	case !sameKeys(got.VerificationKeys, pub.VerificationKeys):
		for j := range got.VerificationKeys {
			if j >= len(pub.VerificationKeys) || got.VerificationKeys[j].Equal(pub.VerificationKeys[j]) != 1 {
				return fmt.Sprintf("field verification_keys: trustee %d's key is not the one the commitments give", j+1)
			}
		}
		return fmt.Sprintf("field verification_keys: %s, the roster has %s", prose.Count(len(pub.VerificationKeys), "key"), prose.Count(len(got.VerificationKeys), "trustee"))
	}
	return "the published outcome differs from the recomputed one"
}

// firstDifference names the first entry where the published list pub and
// the recomputed list got differ, each entry described by str.
func firstDifference[T comparable](pub, got []T, str func(T) string) string {
	for k := range max(len(pub), len(got)) {
		switch {
		case k >= len(pub):
			return fmt.Sprintf("%s, the ceremony also has entry %d: %s", prose.Count(len(pub), "entry"), k, str(got[k]))
		case k >= len(got):
			return fmt.Sprintf("entry %d: %s, which the ceremony does not have", k, str(pub[k]))
		case pub[k] != got[k]:
			return fmt.Sprintf("entry %d: %s, but the ceremony's is %s", k, str(pub[k]), str(got[k]))
		}
	}
	return "no difference"
}

// Check 3.
func (v *verifier) checkKeys() {
	if v.keys == nil {
		v.skip(CheckKeys, "the ceremony's outcome is unavailable (check 2)")
		return
	}
	p := v.pub
	if p == nil {
		// election.json may still have decoded: compare what is there.
		v.skip(CheckKeys, "the election's parameters are unavailable (check 1)")
		return
	}
	v.items(CheckKeys, int64(2+len(p.verificationKeys)))
	if p.publicKey.Element().Equal(v.keys.PublicKey) != 1 {
		v.failf(CheckKeys, fileElection, "field publicKey: not the joint key of the ceremony")
	}
	if p.threshold != v.keys.Threshold {
		v.failf(CheckKeys, fileElection, "field threshold: %d, but the ceremony's threshold is %d", p.threshold, v.keys.Threshold)
	}
	if len(p.verificationKeys) != len(v.keys.VerificationKeys) {
		v.failf(CheckKeys, fileElection, "field trustees: %s, the ceremony has %s", prose.Count(len(p.verificationKeys), "key"), prose.Count(len(v.keys.VerificationKeys), "trustee"))
		return
	}
	for j, k := range p.verificationKeys {
		if k.Equal(v.keys.VerificationKeys[j]) != 1 {
			v.fail(Finding{Check: CheckKeys, File: fileElection, Trustee: j + 1, Reason: "field trustees: not the trustee's verification key from the ceremony"})
		}
	}
}

// contestName and candidateName name places of the manifest for findings.
func (v *verifier) contestName(i int) string {
	if v.manifest == nil || i < 0 || i >= len(v.manifest.Contests) {
		if i < 0 {
			return ""
		}
		return "#" + strconv.Itoa(i)
	}
	return v.manifest.Contests[i].ID
}

func (v *verifier) candidateName(i, j int) string {
	if j < 0 {
		return ""
	}
	if v.manifest == nil || i < 0 || i >= len(v.manifest.Contests) {
		return "#" + strconv.Itoa(j)
	}
	// Selection j: a candidate's, or in a list contest a list's, its
	// additional votes' or a candidate's.
	codes := v.manifest.Contests[i].SelectionCodes()
	if j >= len(codes) {
		return "#" + strconv.Itoa(j)
	}
	return strconv.FormatUint(uint64(codes[j]), 10)
}

// Check 12: the share lists of the tally that check 11 recomputed. It
// returns the valid ones.
func (v *verifier) checkShares() []*trustee.ShareList {
	t := v.recomputed
	if t == nil {
		v.skip(CheckShares, "the tally of the ballots that count is unavailable (check 11)")
		return nil
	}
	if v.keys == nil {
		v.skip(CheckShares, "the trustees' verification keys are unavailable (check 2)")
		return nil
	}
	if v.e == nil {
		v.skip(CheckShares, "the election's base hash is unavailable (check 1)")
		return nil
	}
	js, err := v.r.shareListFiles()
	if err != nil {
		v.readErr(CheckShares, dirShareLists, err)
		return nil
	}
	cts := t.Ciphertexts()
	bh := v.e.BaseHash()
	var valid []*trustee.ShareList
	for _, j := range js {
		name := shareListFile(j)
		if v.keys.VerificationKey(j) == nil {
			continue // not a trustee of the roster: not in the layout (check 15)
		}
		v.items(CheckShares, 1)
		l, err := v.r.shareList(j)
		if err != nil {
			var ke *regular.KindError
			switch {
			case isIOError(err):
				v.readErr(CheckShares, name, err)
			case errors.As(err, &ke):
				v.fail(Finding{Check: CheckShares, File: name, Trustee: j, Reason: ke.Error()})
			default:
				v.fail(Finding{Check: CheckShares, File: name, Trustee: j, Reason: err.Error()})
			}
			continue
		}
		vk := v.keys.VerificationKey(j)
		if err := trustee.VerifyShareList(bh[:], vk, cts, l); err != nil {
			var se *trustee.ShareListError
			if errors.As(err, &se) && len(se.Entries) > 0 {
				for _, k := range se.Entries {
					ci, si := t.Locate(k)
					v.fail(Finding{Check: CheckShares, File: name, Trustee: j, Contest: v.contestName(ci), Candidate: v.candidateName(ci, si),
						Reason: fmt.Sprintf("decryption share %d or its proof does not verify against the trustee's verification key", k)})
				}
			} else {
				v.fail(Finding{Check: CheckShares, File: name, Trustee: j, Reason: err.Error()})
			}
			continue
		}
		valid = append(valid, l)
	}
	if !v.complete() {
		v.skip(CheckShares, fmt.Sprintf("the share lists that are not in the record yet (it has %s so far)", prose.Count(len(js), "share list")))
	}
	return valid
}

// Check 13: the combination of the valid share lists decrypts the tally
// that check 11 recomputed, with every total bounded by the ballots counted.
func (v *verifier) checkCombination(lists []*trustee.ShareList) {
	switch {
	case v.recomputed == nil:
		v.skip(CheckCombination, "the tally of the ballots that count is unavailable (check 11)")
		return
	case v.keys == nil:
		v.skip(CheckCombination, "the ceremony's outcome is unavailable (check 2)")
		return
	case v.e == nil:
		v.skip(CheckCombination, "the election is unavailable (check 1)")
		return
	}
	if len(lists) < v.keys.Threshold && !v.complete() {
		v.skip(CheckCombination, fmt.Sprintf("the record has %s so far, the threshold is %d", prose.Count(len(lists), "valid share list"), v.keys.Threshold))
		return
	}
	if len(lists) < v.keys.Threshold {
		v.failf(CheckCombination, dirShareLists, "%s, the threshold is %d", prose.Count(len(lists), "valid share list"), v.keys.Threshold)
		return
	}
	if v.opts.onDecrypt != nil {
		v.opts.onDecrypt(v.recomputed)
	}
	totals, dec, err := tally.Decrypt(v.e, v.keys, v.recomputed, lists)
	if err != nil {
		v.failf(CheckCombination, dirShareLists, "%v", err)
		return
	}
	v.items(CheckCombination, int64(len(dec.Trustees)))
	v.totals = totals
}

// Checks 14, 20 and 24: the results follow from the decrypted totals
// (check 13) and, for CodeList contests, from the decoded rows (check 19),
// for Ranked contests from the count of the decoded rows (check 24). A
// disagreement about a CodeList contest is a finding of check 20, about a
// Ranked contest of check 24, any other of check 14. When such a
// contest's rows could not be counted, its published results stand in for
// its totals, so that check 14 still checks the other contests, and check
// 20 or 24 is not checked.
func (v *verifier) checkResults() {
	v.items(CheckResults, 1)
	var codeLists, rankedOnes []int
	if v.manifest != nil {
		codeLists = rowCountedContests(v.manifest)
		rankedOnes = contestsOfKind(v.manifest, ballot.Ranked)
	} else {
		// Whether the election has CodeList contests is unknown.
		v.skip(CheckRowResults, "the manifest is unavailable (check 1)")
	}
	v.items(CheckRowResults, int64(len(codeLists)))
	rowCheck := func(i int) Check {
		if v.manifest.Contests[i].Kind == ballot.Ranked {
			return CheckRankedCounts
		}
		return CheckRowResults
	}
	res, err := v.r.Results()
	v.res = res
	if err != nil {
		v.readErr(CheckResults, fileResults, err)
		for _, c := range []struct {
			check Check
			n     int
		}{{CheckRowResults, len(codeLists)}, {CheckRankedCounts, len(rankedOnes)}} {
			if c.n > 0 && v.notYet(fileResults, err) {
				v.skip(c.check, fileResults+" is not in the record yet")
			} else if c.n > 0 {
				v.skip(c.check, fileResults+" does not decode (check 14)")
			}
		}
		return
	}
	if v.totals == nil || v.manifest == nil {
		v.skip(CheckResults, "the decrypted totals are unavailable (check 13)")
		if len(codeLists) > 0 {
			v.skip(CheckRowResults, "the decrypted totals are unavailable (check 13)")
		}
		if len(rankedOnes) > 0 {
			v.skip(CheckRankedCounts, "the decrypted totals are unavailable (check 13)")
		}
		return
	}
	totals := *v.totals
	totals.Contests = slices.Clone(v.totals.Contests)
	for _, i := range mixedContests(v.manifest) {
		if t := v.rowTotals[i]; t != nil && (v.manifest.Contests[i].Kind != ballot.Ranked || t.Order != nil) {
			totals.Contests[i] = *t
			continue
		}
		v.skip(rowCheck(i), fmt.Sprintf("the decoded rows or the count of contest %q are unavailable (checks 17 to 19, 24)", v.manifest.Contests[i].ID))
		if i < len(res.Contests) {
			totals.Contests[i] = totalsOf(&v.manifest.Contests[i], &res.Contests[i])
		}
	}
	err = tally.CheckResults(v.manifest, &totals, res)
	var re *tally.ResultsError
	if err == nil {
		return
	}
	if errors.As(err, &re) && re.Contest >= 0 && re.Contest < len(v.manifest.Contests) && v.manifest.Contests[re.Contest].Mixed() {
		if t := v.rowTotals[re.Contest]; t != nil && (v.manifest.Contests[re.Contest].Kind != ballot.Ranked || t.Order != nil) {
			v.fail(Finding{Check: rowCheck(re.Contest), File: fileResults, Contest: v.manifest.Contests[re.Contest].ID, Reason: err.Error()})
		}
		return
	}
	v.failf(CheckResults, fileResults, "%v", err)
}

// rowCountedContests returns the indices of m's contests whose results
// follow from their decoded rows counted per selection (check 20): its
// CodeList contests and its mixed ProportionalList contests, ascending.
func rowCountedContests(m *ballot.Manifest) []int {
	var out []int
	for i := range m.Contests {
		if c := &m.Contests[i]; c.Mixed() && c.Kind != ballot.Ranked {
			out = append(out, i)
		}
	}
	return out
}

// totalsOf returns the totals that the published results r of CodeList or
// Ranked contest c state, in ballot order (0 for a candidate they leave
// out), with the unweighted counts of a weighted election, and for a
// Ranked contest the order of its standings; for a mixed list contest,
// listTotalsOf.
func totalsOf(c *ballot.Contest, r *tally.ContestResult) tally.ContestTotals {
	count := make(map[uint32]tally.Standing, len(r.Standings))
	for _, s := range r.Standings {
		count[s.Code] = s
	}
	if c.Kind == ballot.ProportionalList {
		return listTotalsOf(c, r, count)
	}
	t := tally.ContestTotals{ID: c.ID, Invalid: r.Invalid, Selections: make([]tally.SelectionTotal, len(c.Candidates))}
	if c.Kind == ballot.Ranked {
		t.Order = make([]uint32, len(r.Standings))
		for p, s := range r.Standings {
			t.Order[p] = s.Code
		}
	}
	for j, cand := range c.Candidates {
		t.Selections[j] = tally.SelectionTotal{Code: cand.Code, Count: count[cand.Code].Count, Unweighted: count[cand.Code].Unweighted}
	}
	return t
}

// Check 15: the index lists every file of the record, with its SHA-256,
// and the folder holds nothing but the record's files (the layout), each a
// regular file.
func (v *verifier) checkIndex() error {
	data, err := v.r.readFile(fileIndex)
	if err != nil {
		v.readErr(CheckIndex, fileIndex, err)
		return nil
	}
	x, err := parseIndex(data)
	if err != nil {
		v.failf(CheckIndex, fileIndex, "%v", err)
		return nil
	}
	lay := &layout{trustees: v.trustees}
	if v.manifest != nil {
		lay.codeLists, lay.codeListsKnown = mixedContests(v.manifest), true
		lay.countContests = countedContests(v.manifest)
	}
	required := slices.Clone(fixedFiles)
	for _, i := range lay.codeLists {
		required = append(required, mixDecryptedPath(i))
	}
	for _, i := range lay.countContests {
		required = append(required, countsFile(i))
	}
	for _, name := range required {
		if _, ok := x[name]; !ok && v.expected(name) {
			v.failf(CheckIndex, fileIndex, "%s is not listed: the record is incomplete", name)
		}
	}
	if !v.complete() {
		v.skip(CheckIndex, fmt.Sprintf("the files of the steps that the snapshot has not done yet (its index does not list %s)", snapshotSteps[v.snap.done].last))
	}
	// A snapshot's box may still be open: ballots.jsonl is then present
	// and not listed yet.
	openBox := v.snap != nil && v.snap.done <= stepOf(fileTally)

	unknown := make(map[string]bool)
	if !lay.codeListsKnown {
		unknown[unknownCodeLists] = true
	}
	reported := make(map[string]bool) // paths with a finding already
	present := make(map[string]bool)  // regular files in the layout
	err = walkRecord(v.r.dir, func(rel string, typ fs.FileMode) bool {
		if rel == fileIndex {
			return false
		}
		why, unk := lay.judge(rel, typ.IsDir())
		if unk != "" {
			unknown[unk] = true
		}
		switch {
		case why != "":
			if _, listed := x[rel]; listed {
				why += " (" + fileIndex + " lists it)"
			}
			if typ.IsDir() {
				// One finding for the folder, whatever the index lists in it.
				inside := 0
				for name := range x {
					if strings.HasPrefix(name, rel+"/") {
						reported[name] = true
						inside++
					}
				}
				if inside > 0 {
					why += fmt.Sprintf(" (%s lists %s in it)", fileIndex, prose.Count(inside, "file"))
				}
			}
			v.failf(CheckIndex, rel, "%s", why)
			reported[rel] = true
			return false
		case typ.IsDir():
			return true
		case !typ.IsRegular():
			v.failf(CheckIndex, rel, "%v", &regular.KindError{Kind: regular.Kind(typ), Want: "a regular file"})
			reported[rel] = true
			return false
		}
		present[rel] = true
		if _, ok := x[rel]; !ok && !(openBox && rel == fileBallots) {
			v.failf(CheckIndex, rel, "the file is not listed in %s", fileIndex)
		}
		return false
	})
	if err != nil {
		return &ioError{fmt.Errorf("election: %v", err)}
	}
	names := make([]string, 0, len(x))
	for name := range x {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		want := x[name]
		v.items(CheckIndex, 1)
		if reported[name] {
			continue
		}
		if why, unk := lay.judge(name, false); why != "" {
			v.failf(CheckIndex, name, "%s (%s lists it, and it is absent)", why, fileIndex)
			continue
		} else if unk != "" {
			unknown[unk] = true
		}
		if !present[name] {
			v.failf(CheckIndex, name, "listed in %s but missing", fileIndex)
			continue
		}
		if why := v.snapshotOrder(name); why != "" {
			v.failf(CheckIndex, name, "%s", why)
		}
		got, ok := v.hashes[name]
		if !ok {
			h, err := hashFile(v.r.path(name))
			if errors.Is(err, regular.ErrNotRegular) {
				v.readErr(CheckIndex, name, err)
				continue
			}
			if err != nil {
				return &ioError{fmt.Errorf("election: %s: %v", name, err)}
			}
			got = h
		}
		if got != want {
			v.failf(CheckIndex, name, "SHA-256 %x, %s says %x: the file was changed, truncated or swapped", got, fileIndex, want)
		}
	}
	for _, why := range []string{unknownCodeLists, unknownTrustees} {
		if unknown[why] {
			v.skip(CheckIndex, why)
		}
	}
	return nil
}

func hashFile(path string) ([sha256.Size]byte, error) {
	var s [sha256.Size]byte
	f, err := regular.Open(path)
	if err != nil {
		return s, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return s, err
	}
	h.Sum(s[:0])
	return s, nil
}

// listTotalsOf returns totals in the layout of c.SelectionCodes that give
// the published results r of mixed list contest c: each candidate's
// preference votes; under the open rule each list's votes as its list
// selection; under panachage each list's votes less its candidates'
// preference votes (or 0) as its additional votes Z, and ⌈Z/P⌉ as its
// list selection. They stand in for the decoded rows' totals when those
// are unavailable, so that check 14 still checks the other contests.
func listTotalsOf(c *ballot.Contest, r *tally.ContestResult, count map[uint32]tally.Standing) tally.ContestTotals {
	codes := c.SelectionCodes()
	t := tally.ContestTotals{ID: c.ID, Selections: make([]tally.SelectionTotal, len(codes))}
	votes := make(map[uint32]uint64, len(r.Lists))
	for _, l := range r.Lists {
		votes[l.Code] = l.Votes
	}
	nl := len(c.Lists)
	for j, code := range codes {
		t.Selections[j].Code = code
		switch {
		case j < nl && c.ListRule == ballot.OpenList:
			t.Selections[j].Count = votes[code]
		case j < nl:
		case j < len(codes)-len(c.Candidates):
			z := votes[code]
			for _, cd := range c.Lists[j-nl].Candidates {
				z -= min(z, count[cd].Count)
			}
			t.Selections[j].Count = z
			p := uint64(c.Preferences)
			t.Selections[j-nl].Count = z/p + min(1, z%p)
		default:
			t.Selections[j].Count = count[code].Count
		}
	}
	return t
}

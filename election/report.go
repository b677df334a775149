package election

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/pollbook"
	"github.com/sandogh/sandogh/tally"
)

// A Check is the number of one of the verifier's checks. The numbers are
// stable: docs/spec.md, section "Verification", describes each check under
// its number, and a later version only adds numbers. The steps of the
// ballot box's acceptance rule that these checks run are named by
// ballot.Step.
type Check int

// The checks, in the order of the record. Verify runs them all and reports
// every one, passed or failed.
const (
	// CheckParameters: election.json decodes, its manifest is valid, and
	// the manifest hash and the base hash are recomputed from their
	// inputs.
	CheckParameters Check = 1
	// CheckCeremony: the trustees' roster and every ceremony message
	// decode and are signed, trustee.VerifyCeremony accepts the ceremony,
	// and trustees/result.json is its outcome.
	CheckCeremony Check = 2
	// CheckKeys: the joint key and the trustees' verification keys in
	// election.json are those of the ceremony, for the same election.
	CheckKeys Check = 3
	// CheckDevices: devices.json decodes, and every device opening in
	// ballots.jsonl names a registered device, is validly signed, and is
	// the device's only opening.
	CheckDevices Check = 4
	// CheckCredentials: credentials.json decodes, its keys are sorted and
	// distinct, and its count and hash are those of the keys and of
	// election.json.
	CheckCredentials Check = 5
	// CheckBallots: ballots.jsonl decodes line by line, every ballot names
	// the election, has the manifest's shape, and its proofs verify.
	CheckBallots Check = 6
	// CheckSignatures: every ballot carries a valid signature of its
	// device or credential.
	CheckSignatures Check = 7
	// CheckEligibility: every ballot comes from a registered device or a
	// listed credential; no ballot identifier, ciphertext or proof appears
	// twice; the credential policy holds.
	CheckEligibility Check = 8
	// CheckChains: every device's ballots form one chain from its
	// opening, without gaps or forks.
	CheckChains Check = 9
	// CheckChallenged: every challenged ballot is reproduced by its
	// released nonce seed, and challenged.jsonl lists exactly the
	// challenged ballots with the votes they open to.
	CheckChallenged Check = 10
	// CheckAggregation: tally/encrypted.json is the homomorphic sum of the
	// ballots that count.
	CheckAggregation Check = 11
	// CheckShares: every trustee's decryption share list decodes and its
	// proofs verify against the trustee's verification key, for the
	// encrypted tally that check 11 recomputed from the ballots.
	CheckShares Check = 12
	// CheckCombination: at least t valid share lists combine into totals
	// that are counts within their bounds.
	CheckCombination Check = 13
	// CheckResults: results.json follows from the decrypted totals
	// (tally.CheckResults): counts, order, seats, ties.
	CheckResults Check = 14
	// CheckIndex: SHA256SUMS lists every file of the record with its
	// SHA-256, and no other file is present.
	CheckIndex Check = 15
	// CheckMixInput: for each CodeList contest, the input list of its mix
	// cascade is rebuilt from ballots.jsonl (the rows of the ballots that
	// count, in order); it is the input against which check 17 judges the
	// stages, stage 0 included. No stage or share file for a contest in
	// which no ballot counts, and no folder under mixnet/ but the CodeList
	// contests'.
	CheckMixInput Check = 16
	// CheckMixStages: every stage of each cascade is checked
	// (mixnet.Cascade: decoding, index, authorised trustee, signature,
	// distinct servers, input, shuffle proof) with a verdict per stage,
	// and enough stages are accepted.
	CheckMixStages Check = 17
	// CheckRowShares: the trustees' decryption shares of each cascade's
	// final rows verify, at least t of them combine, and they decrypt to
	// the published plaintexts.
	CheckRowShares Check = 18
	// CheckRowDecoding: every published decoded row is the decoding of
	// its plaintexts: its codes, and whether and why it is invalid.
	CheckRowDecoding Check = 19
	// CheckRowResults: the results of each CodeList contest follow from its
	// decoded rows: every candidate's count, the invalid rows, the order,
	// the seats and ties; and those of each mixed list contest: the list
	// and preference votes, the seats of each list and its candidates.
	CheckRowResults Check = 20
	// CheckClosings: every closing certificate in ballots.jsonl is valid
	// (the device's signature, the co-signatures its station requires),
	// names the last ballot of its device's chain and the chain's counts;
	// no ballot of a device follows its closing; and every device that
	// opened also closed.
	CheckClosings Check = 21
	// CheckIncidents: every entry of the stations' incident logs in
	// ballots.jsonl is signed by an official of its station and is the
	// next entry of the station's log; every device replacement (an
	// opening that names a replaced device) has an incident of kind
	// device-replaced that names both devices, and every such incident
	// a replacement.
	CheckIncidents Check = 22
	// CheckPollBook: the poll book's summary (pollbook.json), if the
	// record has one, decodes strictly, is of this election (identifier
	// and base hash), its counts agree (pollbook.Summary.Check), and every
	// station it names is a registered device.
	CheckPollBook Check = 23
	// CheckRankedCounts: for each Ranked contest, counts/<i>.json is the
	// count of its decoded rows by the manifest's method, recomputed
	// stage by stage (or round by round) with the manifest's tie-break
	// seed, and the contest's entry in results.json follows from that
	// count: first preferences, invalid rows, the order of the outcome
	// and the seats.
	CheckRankedCounts Check = 24
	// CheckListAllocation: the seat allocation of each ProportionalList
	// contest (counts/<i>.json) is the one its method gives from the
	// decrypted totals, field by field (apportion.Check), and results.json
	// elects the candidates it elects. Not applicable without a
	// ProportionalList contest.
	CheckListAllocation Check = 25
)

// NumChecks is the number of checks; they are numbered 1..NumChecks.
const NumChecks = 25

var checkNames = [NumChecks + 1]string{
	CheckParameters:     "parameters and base hash",
	CheckCeremony:       "trustee key ceremony",
	CheckKeys:           "joint key and verification keys",
	CheckDevices:        "device registrations and openings",
	CheckCredentials:    "credential list",
	CheckBallots:        "ballot decoding, shape and proofs",
	CheckSignatures:     "ballot signatures",
	CheckEligibility:    "eligibility and uniqueness",
	CheckChains:         "device chains",
	CheckChallenged:     "challenged ballots",
	CheckAggregation:    "aggregation",
	CheckShares:         "decryption shares",
	CheckCombination:    "combination of shares",
	CheckResults:        "results",
	CheckIndex:          "record index",
	CheckMixInput:       "mixnet input",
	CheckMixStages:      "mixnet stages",
	CheckRowShares:      "decryption of mixed rows",
	CheckRowDecoding:    "decoding of mixed rows",
	CheckRowResults:     "results of codes contests",
	CheckClosings:       "device closings",
	CheckIncidents:      "incident logs",
	CheckPollBook:       "poll book summary",
	CheckRankedCounts:   "ranked counts",
	CheckListAllocation: "list allocation",
}

// String returns the check's name, such as "device chains".
func (c Check) String() string {
	if c < 1 || c > NumChecks {
		return "Check(" + strconv.Itoa(int(c)) + ")"
	}
	return checkNames[c]
}

// A Finding is one failure found by Verify: which check failed, in which
// file and where in it, and why. Fields that do not apply are zero.
//
// File, Ballot, Device and Contest hold what the record holds, and may be
// any text a forger chose; Reason is written by the verifier, with every
// character that is not printable (controls, bidirectional and other
// formatting characters) escaped. String and MarshalJSON quote or escape
// every field, so that printing a finding never lets the record's text
// reorder or break the output (docs/spec.md, "Findings and verdict").
type Finding struct {
	Check Check
	// File is the record file concerned, relative to the record's folder
	// with forward slashes ("ballots.jsonl", "tally/shares/3.json").
	File string
	// Line is the 1-based line number in a JSON-lines file.
	Line int
	// Ballot is the ballot identifier, Device a device identifier.
	Ballot, Device string
	// Contest is the contest identifier; Candidate the candidate's code
	// in decimal, or "" when the finding is not about one candidate.
	Contest, Candidate string
	// Trustee is the trustee's index (1..n), or 0.
	Trustee int
	// Reason says what is wrong.
	Reason string
}

// String formats the finding on one line:
//
//	check 9 (device chains): ballots.jsonl line 42: ballot "station-2/17": …
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "check %d (%s): ", int(f.Check), f.Check)
	if f.File != "" {
		if checkRelPath(f.File) == nil {
			b.WriteString(f.File)
		} else {
			fmt.Fprintf(&b, "%q", f.File) // a stray file's name: untrusted text
		}
		if f.Line > 0 {
			fmt.Fprintf(&b, " line %d", f.Line)
		}
		b.WriteString(": ")
	}
	if f.Ballot != "" {
		fmt.Fprintf(&b, "ballot %q: ", f.Ballot)
	}
	if f.Device != "" {
		fmt.Fprintf(&b, "device %q: ", f.Device)
	}
	if f.Trustee != 0 {
		fmt.Fprintf(&b, "trustee %d: ", f.Trustee)
	}
	if f.Contest != "" {
		fmt.Fprintf(&b, "contest %q: ", f.Contest)
	}
	if f.Candidate != "" {
		fmt.Fprintf(&b, "candidate %s: ", safetext.Escape(f.Candidate))
	}
	b.WriteString(safetext.Escape(f.Reason))
	return b.String()
}

type findingJSON struct {
	Check     int    `json:"check"`
	Name      string `json:"name"`
	File      string `json:"file,omitempty"`
	Line      int    `json:"line,omitempty"`
	Ballot    string `json:"ballot,omitempty"`
	Device    string `json:"device,omitempty"`
	Contest   string `json:"contest,omitempty"`
	Candidate string `json:"candidate,omitempty"`
	Trustee   int    `json:"trustee,omitempty"`
	Reason    string `json:"reason"`
}

// MarshalJSON encodes the finding as an object with the members check,
// name (the check's name), file, line, ballot, device, contest, candidate,
// trustee and reason; members that do not apply are left out. Every
// character that is not printable is written as a JSON escape (\uXXXX):
// the values are exact, and the text shows no control or bidirectional
// character.
func (f Finding) MarshalJSON() ([]byte, error) {
	data, err := json.Marshal(findingJSON{
		Check: int(f.Check), Name: f.Check.String(), File: f.File, Line: f.Line,
		Ballot: f.Ballot, Device: f.Device, Contest: f.Contest, Candidate: f.Candidate,
		Trustee: f.Trustee, Reason: f.Reason,
	})
	if err != nil {
		return nil, err
	}
	return safetext.EscapeJSON(data), nil
}

// A Verdict is the outcome of one check.
type Verdict int

// The verdicts. The zero Verdict is none of them: a CheckResult that no
// verification filled in is not mistaken for one that passed.
const (
	// Passed: the check ran on every input it needs and found nothing
	// wrong.
	Passed Verdict = 1 + iota
	// Failed: the check found at least one thing wrong (its findings
	// say what), whether or not it could examine everything.
	Failed
	// NotChecked: the check found nothing wrong, but some or all of its
	// work could not be done, because an input is unavailable (a file
	// that does not decode, the outcome of an earlier check that failed,
	// a file that a snapshot does not have yet) or because the
	// verification does not run it (Options.Partial).
	// CheckResult.NotChecked says what was not checked and why.
	NotChecked
	// NotApplicable: the check has nothing to examine in this election:
	// checks 16 to 19 in an election without CodeList or Ranked contests,
	// check 20 without CodeList contests, check 24 without Ranked
	// contests.
	NotApplicable
)

var verdictNames = [...]string{Passed: "passed", Failed: "failed", NotChecked: "not checked", NotApplicable: "not applicable"}

// String returns "passed", "failed", "not checked" or "not applicable".
func (v Verdict) String() string {
	if v < Passed || v > NotApplicable {
		return "Verdict(" + strconv.Itoa(int(v)) + ")"
	}
	return verdictNames[v]
}

// MarshalText returns the verdict's String.
func (v Verdict) MarshalText() ([]byte, error) {
	if v < Passed || v > NotApplicable {
		return nil, fmt.Errorf("election: no verdict %d", int(v))
	}
	return []byte(v.String()), nil
}

// A CheckResult is the verdict of one check.
type CheckResult struct {
	Check   Check
	Verdict Verdict
	// Items is how many things the check examined (ballots, share lists,
	// files…), for the reader's information.
	Items int64
	// Failures is how many findings the check produced, including those
	// left out of Report.Findings by Options.MaxFindings.
	Failures int64
	// NotChecked says what the check could not examine and why, one
	// sentence each ("the device openings in ballots.jsonl cannot be
	// checked without the election (check 1)"); empty when it examined
	// everything. The verdict is NotChecked when it is not empty and
	// the check found nothing wrong.
	NotChecked []string
}

// MarshalJSON encodes the result as {"check", "name", "verdict", "items",
// "failures", "notChecked"}, the last left out when it is empty.
func (c CheckResult) MarshalJSON() ([]byte, error) {
	data, err := json.Marshal(struct {
		Check      int      `json:"check"`
		Name       string   `json:"name"`
		Verdict    Verdict  `json:"verdict"`
		Items      int64    `json:"items"`
		Failures   int64    `json:"failures"`
		NotChecked []string `json:"notChecked,omitempty"`
	}{int(c.Check), c.Check.String(), c.Verdict, c.Items, c.Failures, c.NotChecked})
	if err != nil {
		return nil, err
	}
	return safetext.EscapeJSON(data), nil
}

// A Report is the outcome of Verify: what was verified, a verdict for
// every check, the findings, and the results.
type Report struct {
	// Dir is the record's folder.
	Dir string `json:"record"`
	// Format, Election and BaseHash are what election.json states: the
	// record format ("sandogh-v1/record-2"), the election's identifier
	// and its base hash in hexadecimal. They are empty if election.json
	// does not decode (check 1 fails); check 1's verdict says whether
	// the base hash is the one recomputed from the parameters.
	Format   string `json:"format,omitempty"`
	Election string `json:"election,omitempty"`
	BaseHash string `json:"baseHash,omitempty"`
	// Software is election.json's software member: the program that wrote
	// the record ("sandogh 0.2.0"), as it states it. It is informative,
	// bound into no hash but the index, and empty if election.json does
	// not decode.
	Software string `json:"software,omitempty"`
	// Checks holds the verdict of checks 1..NumChecks, in order.
	Checks []CheckResult `json:"checks"`
	// Findings are the failures found, by check then in the order found,
	// at most Options.MaxFindings per check.
	Findings []Finding `json:"findings"`
	// Ballots counts the lines of ballots.jsonl by kind.
	Ballots BallotCounts `json:"ballots"`
	// Cascades holds the verdict of every stage of the mix cascade of
	// each CodeList contest, in manifest order (check 17). A rejected stage
	// fails check 17 only if the cascade does not complete without it.
	Cascades []CascadeReport `json:"cascades,omitempty"`
	// Results are the results that results.json publishes, or nil if it
	// is absent or does not decode. They are verified when checks 14 and
	// 20 passed (ResultsVerified); otherwise they are only what the record
	// claims.
	Results *tally.Results `json:"results,omitempty"`
	// PollBook is the poll book's summary that pollbook.json publishes
	// (the counts of marks and double votes), or nil if the record has
	// none or it does not decode; check 23 says whether it is this
	// election's.
	PollBook *pollbook.Summary `json:"pollBook,omitempty"`
	// Partial is true for a partial verification (Options.Partial):
	// checks 12 to 15 and 18 to 20 are then not checked.
	Partial bool `json:"partial,omitempty"`
	// Snapshot is true for the verification of a snapshot
	// (Options.Snapshot), which may not be complete.
	Snapshot bool `json:"snapshot,omitempty"`
}

// A CascadeReport is what Verify found about the mix cascade of one CodeList
// contest.
type CascadeReport struct {
	// Contest is the contest's identifier.
	Contest string `json:"contest"`
	// Rows is the number of rows of the input list: the ballots that
	// count.
	Rows int `json:"rows"`
	// Required is the number of accepted stages the contest requires
	// (its MixStages).
	Required int `json:"required"`
	// Stages holds the verdict of every stage in the record, in order.
	Stages []StageVerdict `json:"stages"`
	// Complete is true if at least Required stages were accepted.
	Complete bool `json:"complete"`
}

// A StageVerdict is the verdict of one stage of a cascade.
type StageVerdict struct {
	// Index is the stage's position in the cascade, from 0, and File its
	// file in the record.
	Index int    `json:"index"`
	File  string `json:"file"`
	// Trustee is the index of the trustee whose key the stage names as
	// its server, or 0 if the key is no trustee's (or the stage does not
	// decode).
	Trustee  int  `json:"trustee,omitempty"`
	Accepted bool `json:"accepted"`
	// Check is the mixnet check that rejected the stage ("decoding",
	// "index", "server", "signature", "input" or "proof"), and Reason why;
	// both empty for an accepted stage.
	Check  string `json:"check,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// String returns "stage 1 (trustee 2): accepted" or "stage 1 (trustee 2):
// rejected by check proof: …".
func (s StageVerdict) String() string {
	who := ""
	if s.Trustee != 0 {
		who = fmt.Sprintf(" (trustee %d)", s.Trustee)
	}
	if s.Accepted {
		return fmt.Sprintf("stage %d%s: accepted", s.Index, who)
	}
	return fmt.Sprintf("stage %d%s: rejected by check %s: %s", s.Index, who, safetext.Escape(s.Check), safetext.Escape(s.Reason))
}

// BallotCounts are the numbers of entries of ballots.jsonl that Verify read.
type BallotCounts struct {
	// Openings, Closings and Incidents count the device-opening,
	// closing-certificate and incident-log lines.
	Openings  int64 `json:"openings"`
	Closings  int64 `json:"closings"`
	Incidents int64 `json:"incidents"`
	// Cast and Challenged count the ballots written as accepted, Refused
	// those written as refused.
	Cast       int64 `json:"cast"`
	Challenged int64 `json:"challenged"`
	Refused    int64 `json:"refused"`
	// Counted is the number of cast ballots that count: those that pass
	// every check, without the ballots replaced by a revote.
	Counted int64 `json:"counted"`
}

// Valid reports whether the record is valid: every one of the NumChecks
// checks passed or does not apply. A report with a check that failed or
// was not checked is not valid; so is a partial verification's, and a
// snapshot's until the record is complete.
func (r *Report) Valid() bool {
	if len(r.Checks) != NumChecks {
		return false
	}
	for _, c := range r.Checks {
		if c.Verdict != Passed && c.Verdict != NotApplicable {
			return false
		}
	}
	return true
}

// Failed returns the numbers of the checks that failed, ascending.
func (r *Report) Failed() []Check { return r.with(Failed) }

// NotChecked returns the numbers of the checks that were not checked,
// ascending.
func (r *Report) NotChecked() []Check { return r.with(NotChecked) }

func (r *Report) with(v Verdict) []Check {
	out := []Check{}
	for _, c := range r.Checks {
		if c.Verdict == v {
			out = append(out, c.Check)
		}
	}
	return out
}

// ResultsVerified reports whether Results are verified: checks 14, 20 and
// 24 passed (or checks 20 and 24 do not apply).
func (r *Report) ResultsVerified() bool {
	v20, v24 := r.Verdict(CheckRowResults), r.Verdict(CheckRankedCounts)
	return r.Results != nil && r.Verdict(CheckResults) == Passed && (v20 == Passed || v20 == NotApplicable) &&
		(v24 == Passed || v24 == NotApplicable)
}

// Verdict returns the verdict of check c, or the zero Verdict if the
// report does not hold it.
func (r *Report) Verdict(c Check) Verdict {
	for _, res := range r.Checks {
		if res.Check == c {
			return res.Verdict
		}
	}
	return 0
}

package speccheck

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	r255 "github.com/gtank/ristretto255"
)

// An independent check of a whole election record (80-record.md), in the
// order of 90-verification.md. Findings are strings "check N: …".

type recordCheck struct {
	dir      string
	findings []string
	e        *electionParams
	outcome  *ceremonyOutcome
	roster   rosterJSON
	counted  []*ballot
	stats    map[string]int        // how many of each thing were checked
	codes    map[int]*codesOutcome // checks 16–19, per codes contest (council_test.go)
}

func (rc *recordCheck) find(check int, format string, args ...any) {
	rc.findings = append(rc.findings, fmt.Sprintf("check %d: ", check)+fmt.Sprintf(format, args...))
}

func (rc *recordCheck) read(name string) []byte {
	b, err := readRegular(filepath.Join(rc.dir, filepath.FromSlash(name)))
	if err != nil {
		rc.find(0, "%s: %v", name, err)
	}
	return b
}

func (rc *recordCheck) readJSON(check int, name string, v any) bool {
	if err := decodeStrict(rc.read(name), v); err != nil {
		rc.find(check, "%s: %v", name, err)
		return false
	}
	return true
}

func (rc *recordCheck) lines(name string) [][]byte {
	data := rc.read(name)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		rc.find(0, "%s: last line is not terminated", name)
	}
	var out [][]byte
	s := bufio.NewScanner(bytes.NewReader(data))
	s.Buffer(nil, 64<<20)
	for s.Scan() {
		out = append(out, append([]byte(nil), s.Bytes()...))
	}
	return out
}

type electionFileJSON struct {
	Format             string       `json:"format"`
	Software           string       `json:"software"`
	Group              string       `json:"group"`
	Generator          string       `json:"generator"`
	Manifest           manifestJSON `json:"manifest"`
	ManifestHash       string       `json:"manifestHash"`
	PublicKey          string       `json:"publicKey"`
	Trustees           []string     `json:"trustees"`
	Threshold          uint32       `json:"threshold"`
	CredentialListHash string       `json:"credentialListHash"`
	BaseHash           string       `json:"baseHash"`
}

// checkRecord runs every check and returns the findings.
func checkRecord(dir string) []string { return runRecordCheck(dir).findings }

// runRecordCheck runs every check and returns its state, for tests that look
// at what was checked.
func runRecordCheck(dir string) *recordCheck {
	rc := &recordCheck{dir: dir, stats: map[string]int{}}
	if !rc.parameters() {
		return rc
	}
	rc.ceremony()
	rc.ballots()
	if rc.outcome != nil {
		rc.mixnet()
	}
	rc.tally()
	rc.pollBook()
	rc.index()
	return rc
}

// Checks 1, 4 (devices), 5: parameters and base hash.
func (rc *recordCheck) parameters() bool {
	var ef electionFileJSON
	var devices []deviceJSON
	var creds struct {
		Count   uint64          `json:"count"`
		Hash    string          `json:"hash"`
		RawKeys json.RawMessage `json:"keys"`
		Keys    []string        `json:"-"`
	}
	if !rc.readJSON(1, "election.json", &ef) || !rc.readJSON(4, "devices.json", &devices) || !rc.readJSON(5, "credentials.json", &creds) {
		return false
	}
	// "keys": an array of hexadecimal keys, or in a weighted election of
	// {"key", "weight"} objects (50-ballot.md, "Weighted voters").
	var weights []uint32
	if err := json.Unmarshal(creds.RawKeys, &creds.Keys); err != nil {
		var wk []struct {
			Key    *string `json:"key"`
			Weight *uint32 `json:"weight"`
		}
		if err := json.Unmarshal(creds.RawKeys, &wk); err != nil {
			rc.find(5, "credentials.json: keys: %v", err)
			return false
		}
		weights, creds.Keys = []uint32{}, nil
		for i, k := range wk {
			if k.Key == nil || k.Weight == nil {
				rc.find(5, "credentials.json: credential %d: key or weight missing", i)
				return false
			}
			creds.Keys, weights = append(creds.Keys, *k.Key), append(weights, *k.Weight)
		}
	}
	if ef.Format != "sandogh-v1/record-2" || ef.Group != "ristretto255" || ef.Generator != hex.EncodeToString(enc(gen())) {
		rc.find(1, "election.json: format, group or generator")
	}
	// "software": informative, 1 to 64 bytes of printable ASCII.
	if n := len(ef.Software); n < 1 || n > 64 || strings.IndexFunc(ef.Software, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
		rc.find(1, "election.json: software %q", ef.Software)
	}
	for k := 1; k < len(creds.Keys); k++ {
		if creds.Keys[k-1] >= creds.Keys[k] {
			rc.find(5, "credentials.json: keys not sorted and distinct at %d", k)
		}
	}
	for k := 1; k < len(devices); k++ {
		if devices[k-1].ID >= devices[k].ID {
			rc.find(4, "devices.json: not sorted and distinct at %d", k)
		}
	}
	// The text rule (50-ballot.md, "Encoding primitives").
	if err := manifestText(&ef.Manifest); err != nil {
		rc.find(1, "election.json: manifest: %v", err)
		return false
	}
	// An up-to or codes contest elects people: seats ≥ 1 (50-ballot.md,
	// "Manifest", "What seats = 0 means").
	for i, c := range ef.Manifest.Contests {
		if (c.Kind == "up-to" || mixedContest(&c)) && c.Seats == 0 {
			rc.find(1, "election.json: manifest: contest %d: kind %s with seats 0", i, c.Kind)
			return false
		}
	}
	for k, d := range devices {
		if err := textRule(d.ID, false); err != nil {
			rc.find(1, "devices.json: device %d: identifier: %v", k, err)
			return false
		}
	}
	e, err := newWeightedElectionParams(ef.Manifest, ef.PublicKey, ef.Trustees, ef.Threshold, devices, creds.Keys, weights)
	if err != nil {
		rc.find(1, "election.json: %v", err)
		return false
	}
	if e.key.Equal(r255.NewIdentityElement()) == 1 {
		rc.find(1, "election.json: the public key is the identity")
	}
	clh := hex.EncodeToString(weightedCredentialListHash(e.credentials, e.weights))
	if creds.Count != uint64(len(creds.Keys)) || creds.Hash != clh || ef.CredentialListHash != clh {
		rc.find(5, "credentials.json: count or hash")
	}
	if ef.ManifestHash != hex.EncodeToString(e.manifestHash) {
		rc.find(1, "election.json: manifestHash %s, recomputed %x", ef.ManifestHash, e.manifestHash)
	}
	if ef.BaseHash != hex.EncodeToString(e.baseHash) {
		rc.find(1, "election.json: baseHash %s, recomputed %x", ef.BaseHash, e.baseHash)
	}
	rc.e = e
	return true
}

// Checks 2 and 3: the key ceremony, the joint key and the verification keys.
func (rc *recordCheck) ceremony() {
	var in ceremonyInput
	if !rc.readJSON(2, "trustees/roster.json", &in.roster) {
		return
	}
	rc.roster = in.roster
	for k, m := range in.roster.Trustees {
		if len(m.Name) < 1 || len(m.Name) > 255 {
			rc.find(2, "roster: trustee %d: name of %d bytes", k+1, len(m.Name))
			return
		}
		if err := textRule(m.Name, true); err != nil {
			rc.find(2, "roster: trustee %d: name: %v", k+1, err)
			return
		}
	}
	for _, f := range []struct {
		name string
		add  func([]byte) error
	}{
		{"trustees/commitments.jsonl", func(b []byte) error {
			var m commitmentsJSON
			err := decodeStrict(b, &m)
			in.commitments = append(in.commitments, m)
			return err
		}},
		{"trustees/shares.jsonl", func(b []byte) error {
			var m encryptedShareJSON
			err := decodeStrict(b, &m)
			in.shares = append(in.shares, m)
			return err
		}},
		{"trustees/complaints.jsonl", func(b []byte) error {
			var m complaintJSON
			err := decodeStrict(b, &m)
			in.complaints = append(in.complaints, m)
			return err
		}},
		{"trustees/responses.jsonl", func(b []byte) error {
			var m responseJSON
			err := decodeStrict(b, &m)
			in.responses = append(in.responses, m)
			return err
		}},
	} {
		for n, l := range rc.lines(f.name) {
			if err := f.add(l); err != nil {
				rc.find(2, "%s line %d: %v", f.name, n+1, err)
				return
			}
		}
	}
	eid, _ := strictHex(in.roster.ElectionID)
	if string(eid) != rc.e.manifest.ElectionID {
		rc.find(2, "roster: election identifier %q is not the manifest's", eid)
	}
	out, err := judgeCeremony(&in)
	if err != nil {
		rc.find(2, "%v", err)
		return
	}
	rc.outcome = out
	var res struct {
		Ceremony  string   `json:"ceremony"`
		Threshold uint32   `json:"threshold"`
		Qualified []uint32 `json:"qualified"`
		Excluded  []struct {
			Dealer      uint32 `json:"dealer"`
			Reason      string `json:"reason"`
			Trustee     uint32 `json:"trustee"`
			Coefficient int    `json:"coefficient"`
		} `json:"excluded"`
		Judgments []struct {
			Complainant uint32 `json:"complainant"`
			Dealer      uint32 `json:"dealer"`
			Outcome     string `json:"outcome"`
		} `json:"judgments"`
		PublicKey        string   `json:"public_key"`
		VerificationKeys []string `json:"verification_keys"`
	}
	if rc.readJSON(2, "trustees/result.json", &res) {
		if res.Ceremony != hex.EncodeToString(out.hc) || res.Threshold != in.roster.Threshold ||
			fmt.Sprint(res.Qualified) != fmt.Sprint(out.qualified) || len(res.Excluded) != len(out.excluded) {
			rc.find(2, "trustees/result.json: ceremony, threshold, qualified or excluded dealers differ")
		}
		for _, x := range res.Excluded {
			if got := (exclusion{x.Reason, x.Trustee, x.Coefficient}); out.excluded[x.Dealer] != got {
				rc.find(2, "trustees/result.json: dealer %d excluded as %+v, recomputed %+v", x.Dealer, got, out.excluded[x.Dealer])
			}
		}
		if res.PublicKey != hex.EncodeToString(enc(out.K)) {
			rc.find(2, "trustees/result.json: joint key differs")
		}
		for j, k := range out.keys {
			if j >= len(res.VerificationKeys) || res.VerificationKeys[j] != hex.EncodeToString(enc(k)) {
				rc.find(2, "trustees/result.json: verification key of trustee %d differs", j+1)
			}
		}
	}
	if !bytes.Equal(rc.e.K, enc(out.K)) {
		rc.find(3, "election.json: publicKey is not the joint key Σ C_{i,0}")
	}
	for j, k := range out.keys {
		if j >= len(rc.e.trustees) || !bytes.Equal(rc.e.trustees[j], enc(k)) {
			rc.find(3, "election.json: trustee %d: key is not the ceremony's verification key", j+1)
		}
	}
	if rc.e.threshold != in.roster.Threshold {
		rc.find(3, "election.json: threshold %d is not the ceremony's %d", rc.e.threshold, in.roster.Threshold)
	}
}

type boxLine struct {
	Box *struct {
		Version    int    `json:"version"`
		ElectionID string `json:"electionId"`
		BaseHash   string `json:"baseHash"`
	} `json:"box,omitempty"`
	Opening  *deviceOpening  `json:"opening,omitempty"`
	Closing  *deviceClosing  `json:"closing,omitempty"`
	Incident *incidentEntry  `json:"incident,omitempty"`
	Ballot   json.RawMessage `json:"ballot,omitempty"`
	Refused  *struct {
		Step      *string         `json:"step"`
		Contest   *int            `json:"contest"`
		Selection *int            `json:"selection"`
		Ballot    json.RawMessage `json:"ballot"`
	} `json:"refused,omitempty"`
}

type challengedJSON struct {
	Line     int                          `json:"line"`
	BallotID string                       `json:"ballotId"`
	Code     string                       `json:"code"`
	Vote     map[string]map[uint32]uint64 `json:"vote"`
}

// A verdict of the acceptance rule (50-ballot.md, "The acceptance rule"):
// outcome "accepted", "refused" or "rejected", and for the last two the
// step's name, the place and why.
type verdict struct {
	outcome            string
	step               string
	contest, selection int
	why                string
}

// String returns "accepted", or the outcome, step and place: "refused
// proof (0, 3)".
func (v verdict) String() string {
	if v.outcome == "accepted" {
		return v.outcome
	}
	return fmt.Sprintf("%s %s (%d, %d)", v.outcome, v.step, v.contest, v.selection)
}

func accepted() verdict { return verdict{outcome: "accepted", contest: -1, selection: -1} }

func refusedAt(step string, contest, selection int, format string, args ...any) verdict {
	return verdict{"refused", step, contest, selection, fmt.Sprintf(format, args...)}
}

func rejected(step string, format string, args ...any) verdict {
	return verdict{"rejected", step, -1, -1, fmt.Sprintf(format, args...)}
}

// stepCheck maps the names of the rule's steps to the verifier's checks
// (90-verification.md, "Checks 4 and 6 to 11 run the acceptance rule").
var stepCheck = map[string]int{
	"decoding": 6, "election": 6, "manifest": 6, "proof": 6,
	"signature": 7, "eligibility": 8, "duplicate": 8, "credential-policy": 8,
	"chain-gap": 9, "chain-fork": 9, "challenge": 10,
	"closed": 21, "closing-counts": 21,
}

// aReplacement is an accepted replacement: the new device and the line
// of its opening.
type aReplacement struct {
	by   string
	line int
}

// ruleState is the state of the acceptance rule, kept in memory: the tip
// of every device, the line of every credential's last accepted cast
// ballot, the identifiers of the ballot lines written and the first
// components of the accepted ballots' ciphertexts.
type ruleState struct {
	e        *electionParams
	tips     map[string]*tip
	credLine map[string]int
	ids      map[string]bool
	nonces   map[string]int
	logs     map[string]*logTip

	proofsChecked int // cast ballots whose proofs were checked
}

type tip struct {
	seq  uint64
	code []byte
	// The counts of the ballots of places 1..seq, and whether the device
	// closed (spec.md, Ballots, "Closing certificates").
	cast, challenged, refused uint64
	closed                    bool
	replacedBy                string
}

// decide runs the acceptance rule's steps 2–11 on ballot b; the caller has
// decoded it (step 1). It does not change the state.
func (st *ruleState) decide(b *ballot) (verdict, *tip) {
	e := st.e
	if !bytes.Equal(b.baseHash, e.baseHash) {
		return rejected("election", "base hash"), nil
	}
	// Step 3: parseBallotJSON accepts the states cast and challenged only.
	pk, err := b.signerKey(e)
	if err != nil {
		return rejected("eligibility", "%v", err), nil
	}
	if !ed25519.Verify(pk, b.signedMessage(), b.sig) {
		return rejected("signature", "signature does not verify"), nil
	}
	if st.ids[b.idKey()] {
		return rejected("duplicate", "identifier of a line already written"), nil
	}
	var t *tip
	if b.j.Device != nil {
		t = st.tips[*b.j.Device]
		q := *b.j.Sequence
		switch {
		case t == nil:
			return rejected("chain-gap", "the device has not opened"), nil
		case t.closed || t.replacedBy != "":
			return rejected("closed", "the device has closed or was replaced"), nil
		case q > t.seq+1:
			return rejected("chain-gap", "sequence %d after %d", q, t.seq), nil
		case q <= t.seq:
			return refusedAt("chain-fork", -1, -1, "sequence %d taken", q), nil
		case *b.j.Previous != hex.EncodeToString(t.code):
			return refusedAt("chain-fork", -1, -1, "previous is not the tip"), nil
		}
	}
	if err := b.checkShape(e); err != nil {
		p := err.(*placed)
		return refusedAt("manifest", p.contest, p.selection, "%v", p.err), t
	}
	seen := map[string]bool{}
	for i, c := range b.contests {
		for j, ct := range c.cts {
			if seen[string(ct[:32])] {
				return refusedAt("duplicate", i, j, "a first component twice in the ballot"), t
			}
			seen[string(ct[:32])] = true
		}
	}
	for i, c := range b.contests {
		for j, ct := range c.cts {
			if l, ok := st.nonces[string(ct[:32])]; ok {
				return refusedAt("duplicate", i, j, "first component of the ballot on line %d", l), t
			}
		}
	}
	if b.j.Credential != nil && b.state == 1 && e.manifest.CredentialPolicy == "one-ballot-per-credential" {
		if _, voted := st.credLine[*b.j.Credential]; voted {
			return refusedAt("credential-policy", -1, -1, "second cast ballot"), t
		}
	}
	if b.state == 2 {
		if _, err := b.openChallenged(e); err != nil {
			return refusedAt("challenge", -1, -1, "%v", err), t
		}
	} else {
		st.proofsChecked++
		if errs := b.verifyProofs(e); len(errs) > 0 {
			p := errs[0].(*placed)
			return refusedAt("proof", p.contest, p.selection, "%v", p.err), t
		}
	}
	return accepted(), t
}

// idKey is the identifier's fingerprint input: signer and identifier.
func (b *ballot) idKey() string {
	if b.j.Credential != nil {
		return "c" + *b.j.Credential + "/" + b.j.BallotID
	}
	return "d" + strconv.Itoa(len(*b.j.Device)) + ":" + *b.j.Device + "/" + b.j.BallotID
}

// Checks 4 (openings) and 6–11: the acceptance rule over ballots.jsonl, every
// line with the verdict it records, and the ballots that count.
func (rc *recordCheck) ballots() {
	e := rc.e
	lines := rc.lines("ballots.jsonl")
	var challenged []challengedJSON
	for n, l := range rc.lines("challenged.jsonl") {
		var c challengedJSON
		if err := decodeStrict(l, &c); err != nil {
			rc.find(10, "challenged.jsonl line %d: %v", n+1, err)
		}
		challenged = append(challenged, c)
	}
	st := &ruleState{e: e, tips: map[string]*tip{}, credLine: map[string]int{}, ids: map[string]bool{}, nonces: map[string]int{}, logs: map[string]*logTip{}}
	replaced := map[string]aReplacement{} // old device → its replacement
	reported := map[[2]string]int{}       // (old, new) → line of the incident
	countedAt := map[int]*ballot{}
	var order []int
	nChallenged := 0
	for n, l := range lines {
		line := n + 1
		var bl boxLine
		if err := decodeStrict(l, &bl); err != nil {
			rc.find(6, "ballots.jsonl line %d: %v", line, err)
			continue
		}
		if line == 1 {
			if bl.Box == nil || bl.Box.Version != 2 || bl.Box.ElectionID != e.manifest.ElectionID || bl.Box.BaseHash != hex.EncodeToString(e.baseHash) {
				rc.find(6, "ballots.jsonl line 1: not this election's box header")
			}
			continue
		}
		raw := bl.Ballot
		var written verdict
		switch {
		case bl.Incident != nil && bl.Closing == nil && bl.Opening == nil && bl.Ballot == nil && bl.Refused == nil && bl.Box == nil:
			rc.stats["incidents"]++
			if v := st.incident(bl.Incident); v.outcome != "accepted" {
				rc.find(22, "ballots.jsonl line %d: incident %d of %q: the rule says %s: %s", line, bl.Incident.Sequence, bl.Incident.Station, v, v.why)
			} else if bl.Incident.Kind == "device-replaced" {
				reported[[2]string{*bl.Incident.Device, *bl.Incident.Replacement}] = line
			}
			continue
		case bl.Closing != nil && bl.Incident == nil && bl.Opening == nil && bl.Ballot == nil && bl.Refused == nil && bl.Box == nil:
			rc.stats["device closings"]++
			if v := st.closing(bl.Closing); v.outcome != "accepted" {
				rc.find(21, "ballots.jsonl line %d: closing of %q: the rule says %s: %s", line, bl.Closing.Device, v, v.why)
			} else {
				st.tips[bl.Closing.Device].closed = true
			}
			continue
		case bl.Opening != nil && bl.Closing == nil && bl.Ballot == nil && bl.Refused == nil && bl.Box == nil:
			// The text rule (50-ballot.md, "Encoding primitives"): a line
			// that breaks it does not decode.
			if err := textRule(bl.Opening.Device, false); err != nil {
				rc.find(6, "ballots.jsonl line %d: opening: device: %v", line, err)
				continue
			}
			code, err := bl.Opening.verify(e)
			switch {
			case err != nil:
				rc.find(4, "ballots.jsonl line %d: %v", line, err)
			case st.tips[bl.Opening.Device] != nil:
				rc.find(4, "ballots.jsonl line %d: second opening of %q", line, bl.Opening.Device)
			case bl.Opening.Replaces != nil && st.replaces(bl.Opening) != nil:
				v := st.replaces(bl.Opening)
				rc.find(4, "ballots.jsonl line %d: opening of %q replacing %q: the rule says %s: %s", line, bl.Opening.Device, bl.Opening.Replaces.Device, v, v.why)
			default:
				st.tips[bl.Opening.Device] = &tip{seq: 0, code: code}
				rc.stats["device openings"]++
				if r := bl.Opening.Replaces; r != nil {
					st.tips[r.Device].replacedBy = bl.Opening.Device
					replaced[r.Device] = aReplacement{bl.Opening.Device, line}
				}
			}
			continue
		case bl.Ballot != nil && bl.Opening == nil && bl.Refused == nil && bl.Box == nil:
			written = accepted()
		case bl.Refused != nil && bl.Opening == nil && bl.Ballot == nil && bl.Box == nil:
			r := bl.Refused
			if r.Step == nil || r.Contest == nil || r.Selection == nil || r.Ballot == nil {
				rc.find(6, "ballots.jsonl line %d: refused: a member is missing", line)
				continue
			}
			switch *r.Step {
			case "chain-fork", "manifest", "duplicate", "credential-policy", "proof", "challenge":
			default:
				rc.find(6, "ballots.jsonl line %d: refused: step %q is not one at which a ballot is written", line, *r.Step)
				continue
			}
			written = verdict{outcome: "refused", step: *r.Step, contest: *r.Contest, selection: *r.Selection}
			raw = r.Ballot
		default:
			rc.find(6, "ballots.jsonl line %d: not exactly one of box, opening, ballot, refused", line)
			continue
		}
		b, err := parseBallotJSON(raw)
		if err != nil {
			rc.find(6, "ballots.jsonl line %d: %v", line, err)
			continue
		}
		v, t := st.decide(b)
		matches := v.outcome == written.outcome && v.step == written.step && v.contest == written.contest && v.selection == written.selection
		if !matches {
			check := stepCheck[v.step]
			if v.outcome == "accepted" {
				check = stepCheck[written.step]
			}
			rc.find(check, "ballots.jsonl line %d: ballot %q: written %s, the rule says %s: %s", line, b.j.BallotID, written, v, v.why)
		}
		if v.outcome == "refused" && matches {
			rc.stats["refused ballots judged ("+v.step+")"]++
		}
		// The rule's verdict, not the written one, changes the state.
		if v.outcome == "rejected" {
			continue
		}
		st.ids[b.idKey()] = true
		if t != nil {
			t.seq, t.code = *b.j.Sequence, b.code
			switch {
			case v.outcome == "refused":
				t.refused++
			case b.state == 1:
				t.cast++
			default:
				t.challenged++
			}
		}
		if v.outcome == "accepted" {
			for _, c := range b.contests {
				for _, ct := range c.cts {
					st.nonces[string(ct[:32])] = line
				}
			}
			if b.state == 1 {
				if b.j.Credential != nil {
					if prev, ok := st.credLine[*b.j.Credential]; ok {
						delete(countedAt, prev)
					}
					st.credLine[*b.j.Credential] = line
				}
				countedAt[line] = b
				order = append(order, line)
			}
		}
		if written.outcome == "accepted" && b.state == 2 {
			nChallenged++
			rc.stats["challenged ballots opened"]++
			vote, err := b.openChallenged(e)
			if nChallenged > len(challenged) {
				rc.find(10, "challenged.jsonl: no line for ballots.jsonl line %d", line)
				continue
			}
			c := challenged[nChallenged-1]
			if c.Line != line || c.BallotID != b.j.BallotID || c.Code != hex.EncodeToString(b.code) || (err == nil && !reflect.DeepEqual(voteKeys(c.Vote), voteKeys(vote))) {
				rc.find(10, "challenged.jsonl line %d: does not match ballots.jsonl line %d (vote %v)", nChallenged, line, voteKeys(vote))
			}
		}
	}
	if nChallenged != len(challenged) {
		rc.find(10, "challenged.jsonl has %d lines for %d challenged ballots", len(challenged), nChallenged)
	}
	// Check 21: every device of a station that opened also closed.
	for d := range e.stations.ofDevice {
		if t := st.tips[d]; t != nil && !t.closed && t.replacedBy == "" {
			rc.find(21, "ballots.jsonl: device %q opened and never closed", d)
		}
	}
	// Check 22: replacements and device-replaced incidents match.
	for old, r := range replaced {
		if _, ok := reported[[2]string{old, r.by}]; !ok {
			rc.find(22, "ballots.jsonl line %d: %q replaces %q without a device-replaced incident", r.line, r.by, old)
		}
	}
	for p, line := range reported {
		if r, ok := replaced[p[0]]; !ok || r.by != p[1] {
			rc.find(22, "ballots.jsonl line %d: incident of %q replaced by %q without that replacement", line, p[0], p[1])
		}
	}
	rc.stats["cast ballots whose proofs were checked"] = st.proofsChecked
	for _, line := range order {
		if b, ok := countedAt[line]; ok {
			rc.counted = append(rc.counted, b)
		}
	}
}

// Checks 11–14: the encrypted tally, the shares, their combination, the
// results. The verifier adds up the counted ballots itself; the published
// tally is only compared with that sum (check 11), and the shares are
// checked against, and combined for, the sum (checks 12 and 13), so that
// every discrete logarithm is bounded by the ballots counted (90-verification.md).
func (rc *recordCheck) tally() {
	e := rc.e
	// The tally of the counted ballots: contest by contest, the sum of
	// each candidate's ciphertexts; no selections for a codes contest.
	var sums encryptedTallyJSON
	sums.BaseHash = hex.EncodeToString(e.baseHash)
	sums.Ballots = uint64(len(rc.counted))
	// In a weighted election, also Σ w_b·C_b and W = Σ w_b, w_b the weight
	// of ballot b's credential (70-tally.md, "Weighted tally").
	var ws []uint64
	if e.weights != nil {
		ws = []uint64{} // not nil: weighted, even without counted ballots
		var W uint64
		for _, b := range rc.counted {
			w := rc.weightOf(b)
			ws, W = append(ws, w), W+w
		}
		sums.Weight = &W
	}
	for i, mc := range e.manifest.Contests {
		c := struct {
			ID         string         `json:"id"`
			Selections []tallySelJSON `json:"selections"`
		}{ID: mc.ID}
		if !mixedContest(&mc) {
			// One per selection: the candidates, or a list contest's
			// lists, additional votes and candidates.
			codes := make([]uint32, len(mc.Candidates))
			for j, cand := range mc.Candidates {
				codes[j] = cand.Code
			}
			if mc.Kind == "list" {
				codes, _ = listSelections(&mc)
			}
			for j, code := range codes {
				var cts [][]byte
				for _, b := range rc.counted {
					cts = append(cts, b.contests[i].cts[j])
				}
				sel := tallySelJSON{Code: code, Ciphertext: hex.EncodeToString(sumCiphertext(cts, 0))}
				if ws != nil {
					w := hex.EncodeToString(weightedSum(cts, ws))
					sel.Weighted = &w
				}
				c.Selections = append(c.Selections, sel)
			}
		}
		sums.Contests = append(sums.Contests, c)
	}
	tallyHash := h256(sums.encode())

	// Check 11: the published tally decodes (a "hash" that is not the hash
	// of the other members is a decoding failure) and equals the sum.
	var et encryptedTallyJSON
	if rc.readJSON(11, "tally/encrypted.json", &et) {
		rc.compareTally(&et)
	}
	if rc.outcome == nil {
		rc.find(12, "not checked: the ceremony failed")
		return
	}
	// Check 12: the decryption shares of the sum.
	cts := sums.ciphertexts()
	shares := map[uint32][]*r255.Element{}
	// Only the names of the layout: tally/shares/<j>.json for a trustee j
	// of the roster; any other is check 15's.
	for _, j := range rc.listNames("tally/shares", ".json", len(rc.outcome.keys)) {
		name := "tally/shares/" + strconv.Itoa(j) + ".json"
		var l shareListJSON
		if !rc.readJSON(12, name, &l) {
			continue
		}
		if int(l.Trustee) != j {
			rc.find(12, "%s: trustee %d", name, l.Trustee)
			continue
		}
		ds, err := verifyShareList(&l, e.baseHash, rc.outcome.keys[l.Trustee-1], cts)
		if err != nil {
			rc.find(12, "%s: %v", name, err)
			continue
		}
		shares[l.Trustee] = ds
		rc.stats["share lists verified"]++
		rc.stats["shares verified"] += len(ds)
	}
	// Check 13: the combination.
	ms, err := combine(shares, rc.roster.Threshold, cts)
	if err != nil {
		rc.find(13, "%v", err)
		return
	}
	// Check 14: the results, starting with the counts against M = m·G.
	var res resultsJSON
	if !rc.readJSON(14, "results.json", &res) {
		return
	}
	seed, err := e.manifest.seed()
	if err != nil {
		rc.find(1, "election.json: manifest: %v", err)
		return
	}
	want := resultsJSON{
		ElectionID: e.manifest.ElectionID, BaseHash: hex.EncodeToString(e.baseHash),
		TallyHash: hex.EncodeToString(tallyHash), Ballots: uint64(len(rc.counted)), Weight: sums.Weight,
	}
	// The weighted totals are the second half of the combination.
	K := len(cts)
	if sums.Weight != nil {
		K /= 2
	}
	k := 0
	for i, mc := range e.manifest.Contests {
		if mc.Kind == "ranked" {
			// Check 24: the count of the rankings of checks 16–19.
			cr, ok := rc.rankedCount(i, &mc)
			if !ok {
				if i < len(res.Contests) {
					want.Contests = append(want.Contests, res.Contests[i])
				}
				continue
			}
			want.Contests = append(want.Contests, cr)
			continue
		}
		if mc.Kind == "list" && mixedContest(&mc) {
			// A mixed list contest ("Mixed list contests"): the totals of
			// its decoded rows (checks 16–19), allocated as a homomorphic
			// list contest's (check 25); the results' entry is check 20's.
			co := rc.codes[i]
			if co == nil {
				rc.find(20, "not checked: contest %q has no decrypted rows", mc.ID)
				if i < len(res.Contests) {
					want.Contests = append(want.Contests, res.Contests[i])
				}
				continue
			}
			r, err := apAllocate(listInput(e.baseHash, seed, i, &mc, co.totals))
			if err != nil {
				rc.find(25, "contest %q: %v", mc.ID, err)
				continue
			}
			rc.checkListCounts(i, r)
			rc.stats["mixed list contests recounted"]++
			want.Contests = append(want.Contests, contestResultJSON{
				ID: mc.ID, Kind: mc.Kind, Seats: mc.Seats, Alternates: mc.Alternates, Lists: listSeats(r), Standings: listStandings(&mc, r), Ties: []tieJSON{},
			})
			continue
		}
		if mc.Kind == "codes" {
			// Check 20: the counts of checks 16–19; without them, the
			// published entry, so that check 14 still checks the rest.
			co := rc.codes[i]
			if co == nil {
				rc.find(20, "not checked: contest %q has no decrypted rows", mc.ID)
				if i < len(res.Contests) {
					want.Contests = append(want.Contests, res.Contests[i])
				}
				continue
			}
			st, ties := standings(e.baseHash, seed, i, &mc, co.totals)
			if sums.Weight != nil {
				// Weighted rows (70-tally.md): the unweighted counts too.
				for p := range st {
					for j, cand := range mc.Candidates {
						if cand.Code == st[p].Code {
							u := co.unweighted[j]
							st[p].Unweighted = &u
						}
					}
				}
			}
			inv := co.invalid
			want.Contests = append(want.Contests, contestResultJSON{
				ID: mc.ID, Kind: mc.Kind, Seats: mc.Seats, Alternates: mc.Alternates, Invalid: &inv, Standings: st, Ties: ties,
			})
			continue
		}
		codes := make([]uint32, len(mc.Candidates))
		for j, cand := range mc.Candidates {
			codes[j] = cand.Code
		}
		limitV := uint64(1)
		if mc.Kind == "score" {
			limitV = uint64(mc.MaxScore)
		}
		if mc.Kind == "list" {
			codes, _ = listSelections(&mc)
			if mc.ListRule == "panachage" {
				limitV = uint64(mc.Preferences) // a list's additional votes
			}
		}
		totals := make([]uint64, len(codes))
		unweighted := make([]uint64, len(codes))
		var sum uint64
		for j, code := range codes {
			rc.stats["totals checked against the combination"]++
			m, ok := dlog(ms[k], want.Ballots*limitV)
			if !ok {
				rc.find(13, "contest %q: selection %d (code %d): the decrypted total is not in [0, ballots × maximum value]", mc.ID, j, code)
			}
			totals[j] = m
			sum += m
			if sums.Weight != nil {
				wm, ok := dlog(ms[K+k], *sums.Weight*limitV)
				if !ok || wm < m || wm > m*uint64(e.manifest.MaxWeight) {
					rc.find(13, "contest %q: candidate %d: the weighted total is not in [0, W × maximum value] or not between the unweighted total and maxWeight times it", mc.ID, code)
				}
				unweighted[j] = m
				totals[j] = wm
			}
			k++
		}
		L := uint64(mc.Limit)
		switch {
		case mc.Kind == "yes-no":
			L = 1
		case mc.Kind == "score" && mc.Limit == 0:
			L = uint64(len(mc.Candidates)) * uint64(mc.MaxScore)
		case mc.Kind == "list":
			L = 1 + uint64(mc.Preferences)
		}
		if sum > want.Ballots*L {
			rc.find(13, "contest %q: sum of totals above ballots × limit", mc.ID)
		}
		if mc.Kind == "list" {
			r, err := apAllocate(listInput(e.baseHash, seed, i, &mc, totals))
			if err != nil {
				rc.find(25, "contest %q: %v", mc.ID, err)
				continue
			}
			rc.checkListCounts(i, r)
			st := listStandings(&mc, r)
			if sums.Weight != nil {
				// The candidates' selections are the last ones.
				first := len(codes) - len(mc.Candidates)
				for p := range st {
					for j := first; j < len(codes); j++ {
						if codes[j] == st[p].Code {
							u := unweighted[j]
							st[p].Unweighted = &u
						}
					}
				}
			}
			want.Contests = append(want.Contests, contestResultJSON{
				ID: mc.ID, Kind: mc.Kind, Seats: mc.Seats, Alternates: mc.Alternates, Lists: listSeats(r), Standings: st, Ties: []tieJSON{},
			})
			continue
		}
		st, ties := standings(e.baseHash, seed, i, &mc, totals)
		if sums.Weight != nil {
			for p := range st {
				for j, cand := range mc.Candidates {
					if cand.Code == st[p].Code {
						u := unweighted[j]
						st[p].Unweighted = &u
					}
				}
			}
		}
		want.Contests = append(want.Contests, contestResultJSON{
			ID: mc.ID, Kind: mc.Kind, Seats: mc.Seats, Alternates: mc.Alternates, Standings: st, Ties: ties,
		})
	}
	for i := range want.Contests {
		check := 14
		switch e.manifest.Contests[i].Kind {
		case "codes":
			check = 20
		case "ranked":
			check = 24
		}
		var got []byte
		if i < len(res.Contests) {
			got, _ = json.Marshal(res.Contests[i])
		}
		if exp, _ := json.Marshal(want.Contests[i]); !bytes.Equal(got, exp) {
			rc.find(check, "results.json differs from the results recomputed from the totals in contest %d:\n got %s\nwant %s", i, got, exp)
		}
	}
	gotTop, wantTop := res, want
	gotTop.Contests, wantTop.Contests = nil, nil
	got, _ := json.Marshal(gotTop)
	exp, _ := json.Marshal(wantTop)
	if !bytes.Equal(got, exp) || len(res.Contests) != len(want.Contests) {
		rc.find(14, "results.json differs from the results recomputed from the totals:\n got %s\nwant %s", got, exp)
	}
	// The file's bytes: two-space indentation and a final newline (80-record.md).
	expIndented, _ := json.MarshalIndent(want, "", "  ")
	if !bytes.Equal(rc.read("results.json"), append(expIndented, '\n')) {
		rc.find(14, "results.json: not the canonical indented form of the results")
	}
}

// compareTally is check 11's comparison of the published tally with the sum
// of the counted ballots.
func (rc *recordCheck) compareTally(et *encryptedTallyJSON) {
	e := rc.e
	for i, c := range et.Contests {
		for j, s := range c.Selections {
			if ct, err := strictHex(s.Ciphertext); err != nil || len(ct) != 64 {
				rc.find(11, "tally/encrypted.json: contest %d: selection %d: ciphertext is not 64 bytes of hex", i, j)
				return
			} else if _, errA := element(ct[:32]); errA != nil {
				rc.find(11, "tally/encrypted.json: contest %d: selection %d: field A: %v", i, j, errA)
				return
			} else if _, errB := element(ct[32:]); errB != nil {
				rc.find(11, "tally/encrypted.json: contest %d: selection %d: field B: %v", i, j, errB)
				return
			}
			if (s.Weighted != nil) != (et.Weight != nil) {
				rc.find(11, "tally/encrypted.json does not decode: contest %d: selection %d: weighted present exactly when weight is", i, j)
				return
			}
			if s.Weighted != nil {
				w, err := strictHex(*s.Weighted)
				if err != nil || len(w) != 64 {
					rc.find(11, "tally/encrypted.json: contest %d: selection %d: weighted is not 64 bytes of hex", i, j)
					return
				}
				_, errA := element(w[:32])
				_, errB := element(w[32:])
				if errA != nil || errB != nil {
					rc.find(11, "tally/encrypted.json: contest %d: selection %d: weighted: not canonical elements", i, j)
					return
				}
			}
		}
	}
	if _, err := strictHex(et.BaseHash); err != nil || len(et.BaseHash) != 64 {
		rc.find(11, "tally/encrypted.json does not decode: baseHash")
		return
	}
	if got := h256(et.encode()); et.Hash != hex.EncodeToString(got) {
		rc.find(11, "tally/encrypted.json does not decode: hash %s is not the tally hash %x of the other members", et.Hash, got)
		return
	}
	if (et.Weight == nil) != (e.weights == nil) {
		rc.find(11, "tally/encrypted.json: weight present in an unweighted election, or missing in a weighted one")
		return
	}
	var ws []uint64
	if e.weights != nil {
		ws = []uint64{} // not nil: weighted, even without counted ballots
		var W uint64
		for _, b := range rc.counted {
			w := rc.weightOf(b)
			ws, W = append(ws, w), W+w
		}
		if *et.Weight != W {
			rc.find(11, "tally/encrypted.json: weight %d, but the counted ballots weigh %d", *et.Weight, W)
		}
	}
	if et.BaseHash != hex.EncodeToString(e.baseHash) || et.Ballots != uint64(len(rc.counted)) || len(et.Contests) != len(e.manifest.Contests) {
		rc.find(11, "tally/encrypted.json: base hash, %d ballots (counted %d) or contests", et.Ballots, len(rc.counted))
		return
	}
	for i, c := range et.Contests {
		mc := &e.manifest.Contests[i]
		codes := make([]uint32, len(mc.Candidates))
		for j, cand := range mc.Candidates {
			codes[j] = cand.Code
		}
		switch {
		case mixedContest(mc):
			codes = nil // its rows are mixed, not added
		case mc.Kind == "list":
			codes, _ = listSelections(mc)
		}
		if c.ID != mc.ID || len(c.Selections) != len(codes) {
			rc.find(11, "tally/encrypted.json: contest %d is not the manifest's", i)
			return
		}
		for j, s := range c.Selections {
			var cts [][]byte
			for _, b := range rc.counted {
				cts = append(cts, b.contests[i].cts[j])
			}
			if s.Code != codes[j] || s.Ciphertext != hex.EncodeToString(sumCiphertext(cts, 0)) {
				what := "candidate"
				if mc.Kind == "list" {
					what = "selection " + strconv.Itoa(j) + ", code"
				}
				rc.find(11, "tally/encrypted.json: contest %q: %s %d: not the sum of the counted ballots", c.ID, what, codes[j])
			}
			if ws != nil && (s.Weighted == nil || *s.Weighted != hex.EncodeToString(weightedSum(cts, ws))) {
				rc.find(11, "tally/encrypted.json: contest %q: candidate %d: not the weighted sum of the counted ballots", c.ID, mc.Candidates[j].Code)
			}
		}
	}
}

// Check 15: the index, and nothing but the record's layout in the folder.
func (rc *recordCheck) index() {
	data := rc.read("SHA256SUMS")
	listed := map[string]bool{}
	prev := ""
	var paths []string
	for n, l := range strings.SplitAfter(string(data), "\n") {
		if l == "" {
			continue
		}
		if !strings.HasSuffix(l, "\n") || len(l) < 68 || l[64:66] != "  " {
			rc.find(15, "SHA256SUMS line %d: malformed", n+1)
			continue
		}
		path := l[66 : len(l)-1]
		if path <= prev {
			rc.find(15, "SHA256SUMS line %d: paths not sorted", n+1)
		}
		prev = path
		listed[path] = true
		paths = append(paths, l)
	}
	var codes, rankedContests, lists []int
	for i, c := range rc.e.manifest.Contests {
		if mixedContest(&c) {
			codes = append(codes, i)
		}
		if c.Kind == "ranked" {
			rankedContests = append(rankedContests, i)
		}
	}
	if len(rankedContests) > 0 {
		for _, i := range rankedContests {
			if !listed[fmt.Sprintf("counts/%d.json", i)] {
				rc.find(15, "counts/%d.json is not listed: the record is incomplete", i)
			}
		}
	}
	for i, c := range rc.e.manifest.Contests {
		if c.Kind == "list" {
			lists = append(lists, i)
		}
	}
	n := len(rc.roster.Trustees)
	reported := map[string]bool{}
	walk(rc.dir, func(rel string, typ fs.FileMode) bool {
		switch {
		case rel == "SHA256SUMS":
			return false
		case !inLayout(rel, typ.IsDir(), codes, n) && !inCountsLayout(rel, typ.IsDir(), rankedContests) && !inCounts(rel, typ.IsDir(), lists):
			rc.find(15, "%q is not in the record's layout", rel)
			reported[rel] = true
			for p := range listed {
				if strings.HasPrefix(p, rel+"/") {
					reported[p] = true
				}
			}
			return false
		case typ.IsDir():
			return true
		case !typ.IsRegular():
			rc.find(15, "%s is %s", rel, kindName(typ))
			reported[rel] = true
		case !listed[rel]:
			rc.find(15, "%s is not listed in SHA256SUMS", rel)
		}
		return false
	})
	for _, l := range paths {
		sum, path := l[:64], l[66:len(l)-1]
		if reported[path] {
			continue
		}
		if !inLayout(path, false, codes, n) && !inCountsLayout(path, false, rankedContests) && !inCounts(path, false, lists) {
			rc.find(15, "SHA256SUMS: %q is not in the record's layout", path)
			continue
		}
		rc.stats["files hashed"]++
		b, err := readRegular(filepath.Join(rc.dir, filepath.FromSlash(path)))
		if err != nil {
			rc.find(15, "SHA256SUMS: %s: %v", path, err)
			continue
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			rc.find(15, "SHA256SUMS: %s: hash differs", path)
		}
	}
}

// dlog finds m in [0, bound] with m·G = M by walking the multiples of G (the
// records this package checks are small; 20-elgamal.md, "Bounded discrete
// logarithm": any method gives the same answer).
func dlog(M *r255.Element, bound uint64) (uint64, bool) {
	P := r255.NewIdentityElement()
	for m := uint64(0); m <= bound; m++ {
		if eq(P, M) {
			return m, true
		}
		P.Add(P, gen())
	}
	return 0, false
}

// weightOf is the weight of ballot b's credential on the weighted list.
func (rc *recordCheck) weightOf(b *ballot) uint64 {
	if b.j.Credential == nil {
		rc.find(11, "ballot %q: a device ballot in a weighted election", b.j.BallotID)
		return 0
	}
	k, _ := strictHex(*b.j.Credential)
	for i, c := range rc.e.credentials {
		if bytes.Equal(c, k) {
			return uint64(rc.e.weights[i])
		}
	}
	rc.find(11, "ballot %q: credential not on the list", b.j.BallotID)
	return 0
}

// weightedSum returns Σ w_k·cts[k] as 64 bytes (70-tally.md, "Weighted
// tally"), one scalar multiplication at a time.
func weightedSum(cts [][]byte, ws []uint64) []byte {
	A, B := r255.NewIdentityElement(), r255.NewIdentityElement()
	for k, ct := range cts {
		a, _ := element(ct[:32])
		b, _ := element(ct[32:])
		A.Add(A, mul(scalarUint(ws[k]), a))
		B.Add(B, mul(scalarUint(ws[k]), b))
	}
	return append(enc(A), enc(B)...)
}

package speccheck

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
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
	Group              string       `json:"group"`
	Generator          string       `json:"generator"`
	Manifest           manifestJSON `json:"manifest"`
	ManifestHash       string       `json:"manifestHash"`
	PublicKey          string       `json:"publicKey"`
	Trustees           []string     `json:"trustees"`
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
	rc.index()
	return rc
}

// Checks 1, 4 (devices), 5: parameters and base hash.
func (rc *recordCheck) parameters() bool {
	var ef electionFileJSON
	var devices []deviceJSON
	var creds struct {
		Count uint64   `json:"count"`
		Hash  string   `json:"hash"`
		Keys  []string `json:"keys"`
	}
	if !rc.readJSON(1, "election.json", &ef) || !rc.readJSON(4, "devices.json", &devices) || !rc.readJSON(5, "credentials.json", &creds) {
		return false
	}
	if ef.Format != "sandogh-v1/record" || ef.Group != "ristretto255" || ef.Generator != hex.EncodeToString(enc(gen())) {
		rc.find(1, "election.json: format, group or generator")
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
	for k, d := range devices {
		if err := textRule(d.ID, false); err != nil {
			rc.find(1, "devices.json: device %d: identifier: %v", k, err)
			return false
		}
	}
	e, err := newElectionParams(ef.Manifest, ef.PublicKey, ef.Trustees, devices, creds.Keys)
	if err != nil {
		rc.find(1, "election.json: %v", err)
		return false
	}
	if e.key.Equal(r255.NewIdentityElement()) == 1 {
		rc.find(1, "election.json: the public key is the identity")
	}
	clh := hex.EncodeToString(credentialListHash(e.credentials))
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
			if out.excluded[x.Dealer] != x.Reason {
				rc.find(2, "trustees/result.json: dealer %d excluded for %q, recomputed %q", x.Dealer, x.Reason, out.excluded[x.Dealer])
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
}

type boxLine struct {
	Box *struct {
		Version    int    `json:"version"`
		ElectionID string `json:"electionId"`
		BaseHash   string `json:"baseHash"`
	} `json:"box"`
	Opening *deviceOpening  `json:"opening"`
	Ballot  json.RawMessage `json:"ballot"`
}

type challengedJSON struct {
	Line     int                          `json:"line"`
	BallotID string                       `json:"ballotId"`
	Code     string                       `json:"code"`
	Vote     map[string]map[string]uint64 `json:"vote"`
}

// Checks 4 (openings) and 6–11 (ballots, signatures, eligibility and
// uniqueness, chains, challenged ballots, which ballots count).
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
	type tip struct {
		seq  uint64
		code []byte
	}
	tips := map[string]*tip{}
	seenID := map[string]int{}
	seenCT := map[string]int{}
	lastByCred := map[string]int{} // index into counted candidates
	var candidates []*ballot
	var dropped []bool
	nChallenged := 0
	for n, l := range lines {
		line := n + 1
		var bl boxLine
		if err := decodeStrict(l, &bl); err != nil {
			rc.find(6, "ballots.jsonl line %d: %v", line, err)
			continue
		}
		if line == 1 {
			if bl.Box == nil || bl.Box.Version != 1 || bl.Box.ElectionID != e.manifest.ElectionID || bl.Box.BaseHash != hex.EncodeToString(e.baseHash) {
				rc.find(6, "ballots.jsonl line 1: not this election's box header")
			}
			continue
		}
		if bl.Opening != nil {
			if err := textRule(bl.Opening.Device, false); err != nil {
				rc.find(6, "ballots.jsonl line %d: opening: device: %v", line, err)
				continue
			}
			code, err := bl.Opening.verify(e)
			if err != nil {
				rc.find(4, "ballots.jsonl line %d: %v", line, err)
				continue
			}
			if tips[bl.Opening.Device] != nil {
				rc.find(4, "ballots.jsonl line %d: second opening of %q", line, bl.Opening.Device)
				continue
			}
			tips[bl.Opening.Device] = &tip{0, code}
			rc.stats["device openings"]++
			continue
		}
		b, err := parseBallotJSON(bl.Ballot)
		if err != nil {
			rc.find(6, "ballots.jsonl line %d: %v", line, err)
			continue
		}
		ok := true
		if err := b.checkShape(e); err != nil {
			rc.find(6, "ballots.jsonl line %d: ballot %q: %v", line, b.j.BallotID, err)
			continue
		}
		if err := b.verifySignature(e); err != nil {
			rc.find(7, "ballots.jsonl line %d: ballot %q: %v", line, b.j.BallotID, err)
			ok = false
		}
		signer := "c:"
		if b.j.Device != nil {
			signer = "d:" + *b.j.Device
			t := tips[*b.j.Device]
			switch {
			case t == nil:
				rc.find(9, "ballots.jsonl line %d: no opening before the ballot", line)
				ok = false
			case *b.j.Sequence != t.seq+1 || *b.j.Previous != hex.EncodeToString(t.code):
				rc.find(9, "ballots.jsonl line %d: ballot %q: sequence %d after %d or previous code is not the tip", line, b.j.BallotID, *b.j.Sequence, t.seq)
				ok = false
				t.seq, t.code = *b.j.Sequence, b.code
			default:
				t.seq, t.code = *b.j.Sequence, b.code
			}
		} else {
			signer += *b.j.Credential
		}
		if prev, dup := seenID[signer+"/"+b.j.BallotID]; dup {
			rc.find(8, "ballots.jsonl line %d: ballot identifier repeats line %d", line, prev)
			ok = false
		}
		seenID[signer+"/"+b.j.BallotID] = line
		for _, c := range b.contests {
			for _, ct := range c.cts {
				if prev, dup := seenCT[string(ct)]; dup {
					rc.find(8, "ballots.jsonl line %d: a ciphertext repeats line %d", line, prev)
					ok = false
				}
				seenCT[string(ct)] = line
			}
		}
		if b.state == 2 {
			nChallenged++
			rc.stats["challenged ballots opened"]++
			vote, err := b.openChallenged(e)
			if err != nil {
				rc.find(10, "ballots.jsonl line %d: ballot %q: %v", line, b.j.BallotID, err)
				continue
			}
			if nChallenged > len(challenged) {
				rc.find(10, "challenged.jsonl: no line for ballots.jsonl line %d", line)
				continue
			}
			c := challenged[nChallenged-1]
			if c.Line != line || c.BallotID != b.j.BallotID || c.Code != hex.EncodeToString(b.code) || !sameVote(c.Vote, voteKeys(vote)) {
				rc.find(10, "challenged.jsonl line %d: does not match ballots.jsonl line %d (vote %v)", nChallenged, line, voteKeys(vote))
			}
			continue
		}
		rc.stats["cast ballots whose proofs were checked"]++
		if errs := b.verifyProofs(e); len(errs) > 0 {
			rc.find(6, "ballots.jsonl line %d: ballot %q: %s", line, b.j.BallotID, joinErrs(errs))
			ok = false
		}
		if !ok {
			continue
		}
		if b.j.Credential != nil {
			if prev, voted := lastByCred[*b.j.Credential]; voted {
				if e.manifest.CredentialPolicy == "one-ballot-per-credential" {
					rc.find(8, "ballots.jsonl line %d: second ballot of a credential", line)
					continue
				}
				dropped[prev] = true
			}
			lastByCred[*b.j.Credential] = len(candidates)
		}
		candidates = append(candidates, b)
		dropped = append(dropped, false)
	}
	if nChallenged != len(challenged) {
		rc.find(10, "challenged.jsonl has %d lines for %d challenged ballots", len(challenged), nChallenged)
	}
	for k, b := range candidates {
		if !dropped[k] {
			rc.counted = append(rc.counted, b)
		}
	}
}

// Checks 11–14: the encrypted tally, the shares, their combination, the results.
func (rc *recordCheck) tally() {
	e := rc.e
	var et encryptedTallyJSON
	if !rc.readJSON(11, "tally/encrypted.json", &et) {
		return
	}
	// Check 11: the sum of the counted ballots.
	if et.BaseHash != hex.EncodeToString(e.baseHash) || et.Ballots != uint64(len(rc.counted)) || len(et.Contests) != len(e.manifest.Contests) {
		rc.find(11, "tally/encrypted.json: base hash, %d ballots (counted %d) or contests", et.Ballots, len(rc.counted))
		return
	}
	for i, c := range et.Contests {
		mc := &e.manifest.Contests[i]
		if c.ID != mc.ID || (mc.Kind != "codes" && len(c.Selections) != len(mc.Candidates)) {
			rc.find(11, "tally/encrypted.json: contest %d is not the manifest's", i)
			return
		}
		for j, s := range c.Selections {
			if ct, err := strictHex(s.Ciphertext); err != nil || len(ct) != 64 {
				rc.find(11, "tally/encrypted.json: contest %q: selection %d: ciphertext is not 64 bytes of hex", c.ID, j)
				return
			} else if _, errA := element(ct[:32]); errA != nil {
				rc.find(11, "tally/encrypted.json: contest %q: selection %d: field A: %v", c.ID, j, errA)
				return
			} else if _, errB := element(ct[32:]); errB != nil {
				rc.find(11, "tally/encrypted.json: contest %q: selection %d: field B: %v", c.ID, j, errB)
				return
			}
			var cts [][]byte
			for _, b := range rc.counted {
				cts = append(cts, b.contests[i].cts[j])
			}
			if s.Code != mc.Candidates[j].Code || s.Ciphertext != hex.EncodeToString(sumCiphertext(cts, 0)) {
				rc.find(11, "tally/encrypted.json: contest %q: candidate %d: not the sum of the counted ballots", c.ID, mc.Candidates[j].Code)
			}
		}
	}
	tallyHash := h256(et.encode())
	if et.Hash != hex.EncodeToString(tallyHash) {
		rc.find(11, "tally/encrypted.json: hash %s, recomputed %x", et.Hash, tallyHash)
	}
	if rc.outcome == nil {
		rc.find(12, "not checked: the ceremony failed")
		return
	}
	// Check 12: the decryption shares.
	cts := et.ciphertexts()
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
	var seed []byte
	if res.TieBreakSeed != "" {
		var err error
		if seed, err = strictHex(res.TieBreakSeed); err != nil || len(seed) > 64 {
			rc.find(14, "results.json: tieBreakSeed is not 1 to 64 bytes of hex")
			return
		}
	}
	want := resultsJSON{
		ElectionID: e.manifest.ElectionID, BaseHash: hex.EncodeToString(e.baseHash),
		TallyHash: hex.EncodeToString(tallyHash), Ballots: uint64(len(rc.counted)),
		TieBreakSeed: res.TieBreakSeed,
	}
	k := 0
	for i, mc := range e.manifest.Contests {
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
			inv := co.invalid
			want.Contests = append(want.Contests, contestResultJSON{
				ID: mc.ID, Kind: mc.Kind, Seats: mc.Seats, Alternates: mc.Alternates, Invalid: &inv, Standings: st, Ties: ties,
			})
			continue
		}
		totals := make([]uint64, len(mc.Candidates))
		var sum uint64
		for j, cand := range mc.Candidates {
			rc.stats["totals checked against the combination"]++
			limitV := uint64(1)
			if mc.Kind == "score" {
				limitV = uint64(mc.MaxScore)
			}
			m, ok := dlog(ms[k], want.Ballots*limitV)
			if !ok {
				rc.find(13, "contest %q: candidate %d: the decrypted total is not in [0, ballots × maximum value]", mc.ID, cand.Code)
			}
			totals[j] = m
			sum += m
			k++
		}
		L := uint64(mc.Limit)
		switch {
		case mc.Kind == "yes-no":
			L = 1
		case mc.Kind == "score" && mc.Limit == 0:
			L = uint64(len(mc.Candidates)) * uint64(mc.MaxScore)
		}
		if sum > want.Ballots*L {
			rc.find(13, "contest %q: sum of totals above ballots × limit", mc.ID)
		}
		st, ties := standings(e.baseHash, seed, i, &mc, totals)
		want.Contests = append(want.Contests, contestResultJSON{
			ID: mc.ID, Kind: mc.Kind, Seats: mc.Seats, Alternates: mc.Alternates, Standings: st, Ties: ties,
		})
	}
	for i := range want.Contests {
		check := 14
		if e.manifest.Contests[i].Kind == "codes" {
			check = 20
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
	var codes []int
	for i, c := range rc.e.manifest.Contests {
		if c.Kind == "codes" {
			codes = append(codes, i)
		}
	}
	n := len(rc.roster.Trustees)
	reported := map[string]bool{}
	walk(rc.dir, func(rel string, typ fs.FileMode) bool {
		switch {
		case rel == "SHA256SUMS":
			return false
		case !inLayout(rel, typ.IsDir(), codes, n):
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
		if !inLayout(path, false, codes, n) {
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

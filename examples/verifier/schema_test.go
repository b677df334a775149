package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/trustee"
)

// The JSON Schemas of docs/schemas (draft 2020-12) describe every JSON and
// JSON-lines file of a record and the verifier's -json report. They are
// checked here with an independent validator (santhosh-tekuri/jsonschema,
// a test dependency) against every record the examples write and the
// reports the verifier prints, and each must reject obvious violations.

const schemaDir = "../../docs/schemas"

// schemaNames are the schemas, by file name without ".schema.json";
// "common" holds definitions only.
var schemaNames = []string{"election", "devices", "credentials", "roster", "commitments", "encrypted-share",
	"complaint", "complaint-response", "ceremony-result", "ballots-line", "challenged-line",
	"encrypted-tally", "share-list", "decoded-row", "results", "pollbook", "ranked-count", "report"}

// compileSchemas compiles every schema of docs/schemas.
func compileSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	ents, err := os.ReadDir(schemaDir)
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, e := range ents {
		if name, ok := strings.CutSuffix(e.Name(), ".schema.json"); ok && name != "common" {
			onDisk = append(onDisk, name)
		}
	}
	slices.Sort(onDisk)
	if want := slices.Sorted(slices.Values(schemaNames)); !slices.Equal(onDisk, want) {
		t.Fatalf("docs/schemas holds %v, the test knows %v", onDisk, want)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	out := make(map[string]*jsonschema.Schema)
	for _, name := range schemaNames {
		abs, err := filepath.Abs(filepath.Join(schemaDir, name+".schema.json"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(abs)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

// recordSchema returns the schema of the record file name (a path with
// forward slashes), whether the file is JSON lines, and false if the file
// is not JSON (SHA256SUMS, the binary files of the mixnet path).
func recordSchema(name string) (schema string, lines, ok bool) {
	switch {
	case name == "election.json", name == "devices.json", name == "credentials.json", name == "results.json", name == "pollbook.json":
		return strings.TrimSuffix(name, ".json"), false, true
	case name == "trustees/roster.json":
		return "roster", false, true
	case name == "trustees/result.json":
		return "ceremony-result", false, true
	case name == "trustees/commitments.jsonl":
		return "commitments", true, true
	case name == "trustees/shares.jsonl":
		return "encrypted-share", true, true
	case name == "trustees/complaints.jsonl":
		return "complaint", true, true
	case name == "trustees/responses.jsonl":
		return "complaint-response", true, true
	case name == "ballots.jsonl":
		return "ballots-line", true, true
	case name == "challenged.jsonl":
		return "challenged-line", true, true
	case name == "tally/encrypted.json":
		return "encrypted-tally", false, true
	case regexp.MustCompile(`^tally/shares/[1-9][0-9]*\.json$`).MatchString(name):
		return "share-list", false, true
	case regexp.MustCompile(`^mixnet/(0|[1-9][0-9]*)/decrypted\.jsonl$`).MatchString(name):
		return "decoded-row", true, true
	case regexp.MustCompile(`^counts/(0|[1-9][0-9]*)\.json$`).MatchString(name):
		return "ranked-count", false, true
	}
	return "", false, false
}

// validate checks the JSON text data against schema s.
func validate(s *jsonschema.Schema, data []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// TestSchemasRecords: every JSON file and every line of every JSON-lines
// file of the sample records in election/testdata and of a fresh record of
// each example is valid against its schema, and every schema of the record
// is used by some file.
func TestSchemasRecords(t *testing.T) {
	schemas := compileSchemas(t)
	used := make(map[string]int)
	records := map[string]string{
		"sample":         "../../election/testdata/sample",
		"council-sample": "../../election/testdata/council-sample",
		"rule-sample":    "../../election/testdata/rule-sample",
		"parameters":     "../../election/testdata/parameters",
		"guild run":      testRecord(t),
		"council run":    councilRecord(t),
		"poll book":      pollBookRecord(t),
	}
	for method, dir := range rankedRecords(t) {
		records["ranked "+method] = dir
	}
	for rec, dir := range records {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			rel = filepath.ToSlash(rel)
			schema, lines, ok := recordSchema(rel)
			if !ok {
				if strings.HasSuffix(rel, ".json") || strings.HasSuffix(rel, ".jsonl") {
					t.Errorf("%s: %s has no schema", rec, rel)
				}
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			docs := [][]byte{data}
			if lines {
				docs = bytes.SplitAfter(data, []byte("\n"))
				if len(docs[len(docs)-1]) == 0 {
					docs = docs[:len(docs)-1]
				}
			}
			for i, doc := range docs {
				if err := validate(schemas[schema], doc); err != nil {
					t.Errorf("%s: %s (line %d) is not valid against %s.schema.json: %v", rec, rel, i+1, schema, err)
				}
				used[schema]++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// No record of the examples has complaints: make some.
	for name, doc := range complaintMessages(t) {
		if err := validate(schemas[name], doc); err != nil {
			t.Errorf("%s: %v\n%s", name, err, doc)
		}
		used[name]++
	}
	for _, name := range schemaNames {
		if name != "report" && used[name] == 0 {
			t.Errorf("no record file was checked against %s.schema.json", name)
		}
	}
	t.Logf("documents checked per schema: %v", used)
}

// rankedRecords runs the council example with a ranked contest by each
// counting method and returns the records' folders by method.
func rankedRecords(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range []ballot.CountingMethod{ballot.STVScottish2007, ballot.STVMeek, ballot.IRV, ballot.Schulze} {
		dir := filepath.Join(t.TempDir(), "ranked")
		if _, err := council.Run(council.Config{Voters: 12, Candidates: 6, Seats: 2, Mixers: 2, Trustees: 3, Threshold: 2, Seed: "schema " + string(m), Method: m, Out: dir}); err != nil {
			t.Fatal(err)
		}
		out[string(m)] = dir
	}
	return out
}

// complaintMessages runs the first rounds of a key ceremony of three
// trustees in which dealer 2's share for trustee 1 is lost, and returns the
// JSON of trustee 1's complaint and of dealer 2's response.
func complaintMessages(t *testing.T) map[string][]byte {
	t.Helper()
	var members []trustee.Member
	var ids []*trustee.Identity
	for k := 1; k <= 3; k++ {
		seed := sha256.Sum256(fmt.Appendf(nil, "schema test trustee %d", k))
		id, err := trustee.NewIdentityFromSeed(fmt.Sprintf("trustee %d", k), seed[:])
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		members = append(members, id.Member(k))
	}
	ro, err := trustee.NewRoster("schema-test", 2, members)
	if err != nil {
		t.Fatal(err)
	}
	var ts []*trustee.Trustee
	var commitments []*trustee.Commitments
	var shares []*trustee.EncryptedShare
	for k, id := range ids {
		seed := sha256.Sum256(fmt.Appendf(nil, "schema test polynomial %d", k))
		tr, err := trustee.NewTrusteeFromSeed(ro, id, seed[:])
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tr)
		c, err := tr.Round1()
		if err != nil {
			t.Fatal(err)
		}
		commitments = append(commitments, c)
	}
	for _, tr := range ts {
		s, err := tr.Round2()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range s {
			if !(tr.Index() == 2 && m.Recipient == 1) {
				shares = append(shares, m)
			}
		}
	}
	complaints, err := ts[0].ReceiveShares(commitments, shares)
	if err != nil || len(complaints) != 1 {
		t.Fatalf("complaints %v, %v", complaints, err)
	}
	responses, err := ts[1].Respond(complaints)
	if err != nil || len(responses) != 1 {
		t.Fatalf("responses %v, %v", responses, err)
	}
	c, err := json.Marshal(complaints[0])
	if err != nil {
		t.Fatal(err)
	}
	r, err := json.Marshal(responses[0])
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{"complaint": c, "complaint-response": r}
}

// TestSchemasReport: the verifier's -json report is valid against
// report.schema.json for a valid record of each example, an invalid one, one
// whose checks are not checked, a snapshot compared with an earlier one (with
// and without changes), and a record that cannot be read.
func TestSchemasReport(t *testing.T) {
	s := compileSchemas(t)["report"]
	guild, council := testRecord(t), councilRecord(t)
	invalid := copyDir(t, guild)
	editFile(t, invalid, "results.json", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"count": `), []byte(`"count": 1`), 1)
	})
	broken := copyDir(t, guild)
	os.WriteFile(filepath.Join(broken, "election.json"), []byte("{}\n"), 0o644)
	s1, s2 := votingSnapshot(t, guild, 4), votingSnapshot(t, guild, 0)
	badCouncil := copyDir(t, council)
	editFile(t, badCouncil, "mixnet/0/stages/1.bin", func(b []byte) []byte { b[len(b)-1] ^= 1; return b })
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"valid guild", []string{guild}, 0},
		{"valid council", []string{council}, 0},
		{"valid with a poll book", []string{pollBookRecord(t)}, 0},
		{"invalid", []string{invalid}, 1},
		{"rejected stage", []string{badCouncil}, 1},
		{"election.json broken", []string{broken}, 1},
		{"snapshot", []string{"-since", s1, s2}, 0},
		{"snapshot changed", []string{"-since", s2, s1}, 1},
		{"unreadable", []string{filepath.Join(t.TempDir(), "absent")}, 2},
	} {
		stdout, _, code := verifier(t, append(tc.args, "-json", "-q", "-max-findings", "3")...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d", tc.name, code, tc.code)
		}
		if err := validate(s, []byte(stdout)); err != nil {
			t.Errorf("%s: the report is not valid against report.schema.json: %v\n%s", tc.name, err, stdout)
		}
	}
}

// TestSchemasRejectViolations: the schemas are not vacuous: each rejects
// documents that break it in an obvious way.
func TestSchemasRejectViolations(t *testing.T) {
	schemas := compileSchemas(t)
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join("../../election/testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	firstLine := func(name, part string) string {
		for _, line := range strings.Split(read(name), "\n") {
			if strings.Contains(line, part) {
				return line
			}
		}
		t.Fatalf("%s has no line with %s", name, part)
		return ""
	}
	election := read("sample/election.json")
	ballot := firstLine("sample/ballots.jsonl", `"state":"cast"`)
	refused := firstLine("rule-sample/ballots.jsonl", `{"refused":`)
	results := read("sample/results.json")
	row := firstLine("council-sample/mixnet/0/decrypted.jsonl", `{"plaintexts":`)
	invalidRow := firstLine("council-sample/mixnet/0/decrypted.jsonl", `{"plaintexts":`)
	for _, l := range strings.Split(read("council-sample/mixnet/0/decrypted.jsonl"), "\n") {
		if strings.Contains(l, `"invalid"`) {
			invalidRow = l
			break
		}
	}
	stdout, _, _ := verifier(t, "-json", "-q", testRecord(t))
	rep := stdout
	pbData, err := os.ReadFile(filepath.Join(pollBookRecord(t), "pollbook.json"))
	if err != nil {
		t.Fatal(err)
	}
	pollBook := string(pbData)
	sub := func(s, old, new string) string {
		t.Helper()
		if !strings.Contains(s, old) {
			t.Fatalf("%q is not in %.80s…", old, s)
		}
		return strings.Replace(s, old, new, 1)
	}
	hexRe := regexp.MustCompile(`"signature":"([0-9a-f]{4})`)
	for _, tc := range []struct {
		schema, doc, why string
	}{
		{"election", sub(election, `"group"`, `"groups": "x", "group"`), "an unknown member"},
		{"election", sub(election, `"threshold": 2`, `"threshold": 0`), "a threshold of 0"},
		{"election", sub(election, `"format": "sandogh-v1/record-2"`, `"format": "sandogh-v1/record"`), "format 1"},
		{"election", sub(election, `"kind": "up-to"`, `"kind": "ranked"`), "an unknown kind"},
		{"election", sub(election, `"credentialPolicy": "last-ballot-counts",`, ``), "a missing member"},
		{"ballots-line", hexRe.ReplaceAllStringFunc(ballot, strings.ToUpper), "uppercase hexadecimal"},
		{"ballots-line", sub(ballot, `"device":`, `"credential":"`+strings.Repeat("ab", 32)+`","device":`), "a device ballot with a credential"},
		{"ballots-line", sub(ballot, `"state":"cast"`, `"state":"cast","nonceSeed":"`+strings.Repeat("00", 32)+`"`), "a cast ballot with a nonce seed"},
		{"ballots-line", sub(refused, `"step":"duplicate"`, `"step":"because"`), "free text as a step"},
		{"ballots-line", `{"box":{"version":1,"electionId":"e","baseHash":"` + strings.Repeat("00", 32) + `"}}`, "box version 1"},
		{"ballots-line", `{"ballot":` + strings.TrimPrefix(ballot, `{"ballot":`) + `,"opening":{}}`, "two kinds of line"},
		{"results", sub(results, `"outcome": "main"`, `"outcome": "winner"`), "an unknown outcome"},
		{"results", sub(results, `"ties": [`, `"tieBreakSeed": "00", "ties": [`), "a tie-break seed in the results"},
		{"results", sub(results, `"kind": "up-to",`, `"kind": "up-to", "invalid": 0,`), "invalid rows in a contest that is not codes"},
		{"decoded-row", sub(row, `"plaintexts":`, `"invalid":"packing","plaintexts":`), "an invalid row without a reason"},
		{"decoded-row", sub(invalidRow, `"invalid":"`, `"invalid":"x`), "an unknown verdict"},
		{"challenged-line", sub(firstLine("sample/challenged.jsonl", "{"), `"103":1`, `"0103":1`), "a code not in canonical decimal"},
		{"challenged-line", sub(firstLine("sample/challenged.jsonl", "{"), `"103":1`, `"103":0`), "an unmarked candidate"},
		{"share-list", sub(read("sample/tally/shares/2.json"), `"trustee": 2,`, ``), "no trustee"},
		{"devices", sub(read("sample/devices.json"), `"publicKey": "f9`, `"publicKey": "`), "a short key"},
		{"credentials", sub(read("sample/credentials.json"), `"count": 2`, `"count": -2`), "a negative count"},
		{"roster", sub(read("sample/trustees/roster.json"), `"group": "ristretto255"`, `"group": "P-256"`), "another group"},
		{"ceremony-result", sub(read("sample/trustees/result.json"), `"qualified": [`, `"qualified": [0, `), "trustee 0"},
		{"encrypted-tally", sub(read("sample/tally/encrypted.json"), `"hash"`, `"digest"`), "a renamed member"},
		{"pollbook", sub(pollBook, `"doubleVotes": 1,`, `"doubleVotes": -1,`), "a negative count"},
		{"pollbook", sub(pollBook, `"voters": 9,`, `"voters": 9, "pseudonyms": [],`), "an unknown member"},
		{"pollbook", sub(pollBook, `"marks": 5,`, `"marks": 0,`), "a station without marks"},
		{"pollbook", sub(pollBook, `"station": "station-1",`, ``), "a station without its identifier"},
		{"report", sub(rep, `"verdict": "passed"`, `"verdict": "ok"`), "an unknown verdict"},
		{"report", sub(rep, `"failed": []`, `"failed": [3]`), "a valid report with a failed check"},
		{"report", sub(rep, `"verifier": "sandogh`, `"verifier": "other`), "another verifier"},
		{"report", `{"verifier": "sandogh 0.2.0", "record": "r", "valid": true, "error": "x"}`, "a valid record that cannot be read"},
	} {
		if err := validate(schemas[tc.schema], []byte(tc.doc)); err == nil {
			t.Errorf("%s.schema.json accepts %s", tc.schema, tc.why)
		}
	}
	for _, name := range schemaNames {
		for _, doc := range []string{"null", `{"x": 1}`, "[]", `"text"`} {
			if err := validate(schemas[name], []byte(doc)); err == nil && !(name == "devices" && doc == "[]") {
				t.Errorf("%s.schema.json accepts %s", name, doc)
			}
		}
	}
}

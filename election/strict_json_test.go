package election_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
)

// TestParserDifferentials: a file of the record that two JSON readers could
// read differently (a member twice, of which encoding/json keeps the last;
// a required member left out, which it reads as zero or empty; an integer
// key such as "0101", which it reads as 101) makes the record invalid, with
// a finding of the check that reads the file, naming the member and its
// place. Each edit keeps the value that the record needs last, so that a
// reader that keeps the last member finds the record valid, and the index
// is rewritten, as a forger would.
func TestParserDifferentials(t *testing.T) {
	sample := filepath.Join("testdata", "sample")
	council := filepath.Join("testdata", "council-sample")
	for _, tc := range []struct {
		name   string
		record string
		file   string
		edit   func(t *testing.T, data string) string
		check  election.Check
		want   string
	}{
		{"ballot sequence twice", sample, "ballots.jsonl", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"device":"station-1","sequence":3,`, `"device":"station-1","sequence":4,"sequence":3,`)
		}, election.CheckBallots, `ballot: box line JSON: ballot: member "sequence" appears twice`},
		{"ballot sequence twice, escaped", sample, "ballots.jsonl", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"device":"station-1","sequence":3,`, `"device":"station-1","sequ\u0065nce":4,"sequence":3,`)
		}, election.CheckBallots, `ballot: box line JSON: ballot: member "sequence" appears twice`},
		{"ballot without sequence", sample, "ballots.jsonl", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"device":"station-1","sequence":3,`, `"device":"station-1",`)
		}, election.CheckBallots, `ballot: ballot JSON: missing member "sequence"`},
		{"ballot selection proof twice", sample, "ballots.jsonl", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"selections":[{"ciphertext":`, `"selections":[{"proof":"00","ciphertext":`)
		}, election.CheckBallots, `ballot: box line JSON: ballot.contests[0].selections[0]: member "proof" appears twice`},
		{"box line ballot twice", sample, "ballots.jsonl", func(t *testing.T, data string) string {
			// Line 6 holds the ballots of lines 5 and 6 under one
			// member name: a reader that keeps the first and one that
			// keeps the last would count different ballots.
			lines := strings.SplitAfter(data, "\n")
			first := strings.TrimSuffix(strings.TrimPrefix(lines[4], `{"ballot":`), "}\n")
			lines[5] = `{"ballot":` + first + `,` + lines[5][1:]
			return strings.Join(lines, "")
		}, election.CheckBallots, `ballots.jsonl line 6: ballot: box line JSON: member "ballot" appears twice`},
		{"election publicKey twice", sample, "election.json", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `  "publicKey": `, `  "publicKey": "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",`+"\n"+`  "publicKey": `)
		}, election.CheckParameters, `member "publicKey" appears twice`},
		{"manifest limit twice", sample, "election.json", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"limit": 7,`, `"limit": 1, "limit": 7,`)
		}, election.CheckParameters, `manifest.contests[0]: member "limit" appears twice`},
		{"manifest candidate code as another member", sample, "election.json", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"code": 101,`, `"Code": 102, "code": 101,`)
		}, election.CheckParameters, `contests[0].candidates[0]: unknown member "Code"`},
		{"device publicKey twice", sample, "devices.json", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"publicKey": `, `"publicKey": "00", "publicKey": `)
		}, election.CheckDevices, `member "publicKey" appears twice`},
		{"credentials without count", council, "credentials.json", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `  "count": 0,`+"\n", ``)
		}, election.CheckCredentials, `missing member "count"`},
		{"credentials count null", council, "credentials.json", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"count": 0,`, `"count": null,`)
		}, election.CheckCredentials, `member "count": got null`},
		{"challenged vote key 0101", sample, "challenged.jsonl", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"103":1`, `"0103":1`)
		}, election.CheckChallenged, `vote["board"]: member "0103": not an integer in canonical decimal`},
		{"challenged vote key +103", sample, "challenged.jsonl", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"103":1`, `"+103":1`)
		}, election.CheckChallenged, `vote["board"]: member "+103": not an integer in canonical decimal`},
		{"challenged vote key twice", sample, "challenged.jsonl", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"103":1`, `"103":0,"103":1`)
		}, election.CheckChallenged, `vote["board"]: member "103" appears twice`},
		{"challenged line twice", sample, "challenged.jsonl", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `{"line":4,`, `{"line":3,"line":4,`)
		}, election.CheckChallenged, `member "line" appears twice`},
		{"results without ties", sample, "results.json", func(t *testing.T, data string) string {
			return regexp.MustCompile(`(?s),\s*"ties": \[.*?\n      \]`).ReplaceAllString(data, "")
		}, election.CheckResults, `contests[0]: missing member "ties"`},
		{"results count twice", sample, "results.json", func(t *testing.T, data string) string {
			return replaceOnce(t, data, `"count": 0,`, `"count": 5, "count": 0,`)
		}, election.CheckResults, `member "count" appears twice`},
		{"encrypted tally without selections", sample, "tally/encrypted.json", func(t *testing.T, data string) string {
			return regexp.MustCompile(`(?s),\s*"selections": \[.*?\n      \]`).ReplaceAllString(data, "")
		}, election.CheckAggregation, `contests[0]: missing member "selections"`},
		{"roster threshold twice", sample, "trustees/roster.json", func(t *testing.T, data string) string {
			return regexp.MustCompile(`"threshold": (\d+)`).ReplaceAllString(data, `"threshold": 9, "threshold": $1`)
		}, election.CheckCeremony, `member "threshold" appears twice`},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyTree(t, tc.record)
			p := filepath.Join(dir, filepath.FromSlash(tc.file))
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			edited := tc.edit(t, string(data))
			if edited == string(data) {
				t.Fatal("the edit changed nothing")
			}
			if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			rehash(t, dir)
			rep, err := election.Verify(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid() {
				t.Fatal("the record was accepted")
			}
			found := false
			for _, f := range rep.Findings {
				t.Logf("%s", f)
				found = found || f.Check == tc.check && strings.Contains(f.String(), tc.want)
			}
			if !found {
				t.Errorf("no finding of check %d (%s) containing %q", tc.check, tc.check, tc.want)
			}
		})
	}
}

// replaceOnce replaces the first old in s by new, which must be there.
func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("%q is not in the file", old)
	}
	return strings.Replace(s, old, new, 1)
}

// TestReaderElectionDuplicateKey: Reader.Election refuses election.json
// with two publicKey members (encoding/json kept the last), naming the
// file and the member.
func TestReaderElectionDuplicateKey(t *testing.T) {
	dir := copyTree(t, filepath.Join("testdata", "sample"))
	p := filepath.Join(dir, "election.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	edited := replaceOnce(t, string(data), "\n"+`  "publicKey": `, "\n"+`  "publicKey": "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",`+"\n"+`  "publicKey": `)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	rehash(t, dir)
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Election()
	if want := `election: election.json: member "publicKey" appears twice`; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

package speccheck

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Check 23: the poll book's summary (80-record.md, "pollbook.json"; the
// poll book section, "The summary"), an optional file.

type pollBookStationJSON struct {
	Station         string `json:"station"`
	Marks           uint64 `json:"marks"`
	Committee       uint64 `json:"committee"`
	DoubleVotes     uint64 `json:"doubleVotes"`
	NotListed       uint64 `json:"notListed"`
	ReusedDecisions uint64 `json:"reusedDecisions"`
}

type pollBookJSON struct {
	ElectionID      string                `json:"electionId"`
	BaseHash        string                `json:"baseHash"`
	Marks           uint64                `json:"marks"`
	Voters          uint64                `json:"voters"`
	Committee       uint64                `json:"committee"`
	DoubleVotes     uint64                `json:"doubleVotes"`
	NotListed       uint64                `json:"notListed"`
	ReusedDecisions uint64                `json:"reusedDecisions"`
	Stations        []pollBookStationJSON `json:"stations"`
}

// identifier is the rule for an identifier: non-empty, at most 255 bytes,
// the text rule.
func identifier(s string) error {
	if s == "" || len(s) > 255 {
		return errors.New("empty or longer than 255 bytes")
	}
	return textRule(s, false)
}

func (rc *recordCheck) pollBook() {
	name := "pollbook.json"
	if _, err := os.Lstat(filepath.Join(rc.dir, name)); errors.Is(err, fs.ErrNotExist) {
		return // optional: not applicable
	}
	var s pollBookJSON
	if !rc.readJSON(23, name, &s) {
		return
	}
	rc.stats["poll book summaries"]++
	if err := identifier(s.ElectionID); err != nil {
		rc.find(23, "%s: electionId: %v", name, err)
	}
	if s.ElectionID != rc.e.manifest.ElectionID {
		rc.find(23, "%s: electionId %q is not the election's", name, s.ElectionID)
	}
	if len(s.BaseHash) != 64 || strings.ToLower(s.BaseHash) != s.BaseHash {
		rc.find(23, "%s: baseHash is not 64 lowercase hexadecimal digits", name)
	} else if bh, err := hex.DecodeString(s.BaseHash); err != nil || string(bh) != string(rc.e.baseHash) {
		rc.find(23, "%s: baseHash is not the election's", name)
	}
	// The sums, each at most 2^64 − 1.
	var marks, committee, notListed, reused, double uint64
	overflow := false
	add := func(sum *uint64, v uint64) {
		var carry uint64
		*sum, carry = bits.Add64(*sum, v, 0)
		overflow = overflow || carry != 0
	}
	for i, st := range s.Stations {
		if err := identifier(st.Station); err != nil {
			rc.find(23, "%s: stations[%d]: station: %v", name, i, err)
		}
		if i > 0 && s.Stations[i-1].Station >= st.Station {
			rc.find(23, "%s: stations[%d]: not in strictly ascending order", name, i)
		}
		if _, ok := rc.e.deviceKeys[st.Station]; !ok {
			rc.find(23, "%s: stations[%d]: %q is not a registered device", name, i, st.Station)
		}
		if st.Marks == 0 || st.Committee > st.Marks || st.DoubleVotes > st.Marks-st.Committee ||
			st.NotListed > st.Marks-st.Committee || st.ReusedDecisions > st.Committee {
			rc.find(23, "%s: stations[%d]: counts do not fit in its marks", name, i)
		}
		add(&marks, st.Marks)
		add(&committee, st.Committee)
		add(&notListed, st.NotListed)
		add(&reused, st.ReusedDecisions)
		add(&double, st.DoubleVotes)
	}
	switch {
	case overflow:
		rc.find(23, "%s: the stations' counts overflow 64 bits", name)
	case marks != s.Marks || committee != s.Committee || notListed != s.NotListed || reused != s.ReusedDecisions:
		rc.find(23, "%s: a total is not the sum of the stations'", name)
	case s.Committee > s.Marks || s.Voters > s.Marks-s.Committee || s.Marks-s.Committee-s.Voters != s.DoubleVotes:
		rc.find(23, "%s: marks is not voters + doubleVotes + committee", name)
	case double < s.DoubleVotes || double-s.DoubleVotes > s.DoubleVotes:
		rc.find(23, "%s: the stations' doubleVotes are not between doubleVotes and twice it", name)
	case s.NotListed > s.Voters:
		rc.find(23, "%s: notListed exceeds voters", name)
	}
}

// pollBookSample writes to a copy of the sample record a summary whose
// counts agree (hall-1's station-1: 6 marks, one by committee decision;
// station-2: 5; one voter marked at both), listed in the index.
func pollBookSample(t *testing.T) string {
	t.Helper()
	dir := copyRecord(t)
	var ef electionFileJSON
	data, err := os.ReadFile(filepath.Join(dir, "election.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeStrict(data, &ef); err != nil {
		t.Fatal(err)
	}
	summary := `{
  "electionId": "` + ef.Manifest.ElectionID + `",
  "baseHash": "` + ef.BaseHash + `",
  "marks": 11,
  "voters": 9,
  "committee": 1,
  "doubleVotes": 1,
  "notListed": 0,
  "reusedDecisions": 0,
  "stations": [
    {"station": "station-1", "marks": 6, "committee": 1, "doubleVotes": 1, "notListed": 0, "reusedDecisions": 0},
    {"station": "station-2", "marks": 5, "committee": 0, "doubleVotes": 1, "notListed": 0, "reusedDecisions": 0}
  ]
}
`
	if err := os.WriteFile(filepath.Join(dir, "pollbook.json"), []byte(summary), 0o644); err != nil {
		t.Fatal(err)
	}
	relist(t, dir)
	return dir
}

// relist rewrites SHA256SUMS to list every file with its hash, as a
// forger would.
func relist(t *testing.T, dir string) {
	t.Helper()
	var lines []string
	walk(dir, func(rel string, typ fs.FileMode) bool {
		if typ.IsDir() {
			return true
		}
		if rel != "SHA256SUMS" {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256(b)
			lines = append(lines, hex.EncodeToString(h[:])+"  "+rel+"\n")
		}
		return false
	})
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPollBookSummary: a summary of the sample's election passes check 23,
// and the record without one passes too (the file is optional).
func TestPollBookSummary(t *testing.T) {
	dir := pollBookSample(t)
	rc := runRecordCheck(dir)
	for _, f := range rc.findings {
		t.Error(f)
	}
	if rc.stats["poll book summaries"] != 1 {
		t.Errorf("the summary was not checked: %v", rc.stats)
	}
}

// TestPollBookTampered: a summary with counts that do not agree, of
// another election, or naming a station that is not a registered device,
// fails check 23.
func TestPollBookTampered(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"inconsistent counts", `"marks": 11,`, `"marks": 12,`, "check 23: pollbook.json: a total is not the sum of the stations'"},
		{"double votes hidden", `"voters": 9,`, `"voters": 10,`, "check 23: pollbook.json: marks is not voters + doubleVotes + committee"},
		{"another election", `"electionId": "`, `"electionId": "x`, "check 23: pollbook.json: electionId"},
		{"unknown station", `"station": "station-2"`, `"station": "station-9"`, `check 23: pollbook.json: stations[1]: "station-9" is not a registered device`},
		{"stations out of order", `"station": "station-1"`, `"station": "station-3"`, "check 23: pollbook.json: stations[1]: not in strictly ascending order"},
		{"a member missing", `"notListed": 0,
  "reusedDecisions"`, `"reusedDecisions"`, "check 23: pollbook.json:"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := pollBookSample(t)
			editFile(t, dir, "pollbook.json", func(b []byte) []byte {
				return []byte(strings.Replace(string(b), tc.old, tc.new, 1))
			})
			relist(t, dir)
			found := false
			findings := checkRecord(dir)
			for _, f := range findings {
				if strings.HasPrefix(f, tc.want) {
					found = true
				} else if !strings.HasPrefix(f, "check 23: ") {
					t.Errorf("another check: %s", f)
				}
			}
			if !found {
				t.Errorf("no finding %q in %v", tc.want, findings)
			}
		})
	}
}

package election_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/pollbook"
)

// testSummary returns a poll book summary of the test record's election
// whose counts agree: station-1 admitted 6 voters (one by committee
// decision), station-2 5, and one voter was marked at both (a double vote,
// counted once in the total and once at each station).
func testSummary(t testing.TB, dir string) *pollbook.Summary {
	t.Helper()
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	s := &pollbook.Summary{ElectionID: e.Manifest().ElectionID, BaseHash: e.BaseHash(),
		Marks: 11, Voters: 9, Committee: 1, DoubleVotes: 1,
		Stations: []pollbook.StationCounts{
			{Station: "station-1", Marks: 6, Committee: 1, DoubleVotes: 1},
			{Station: "station-2", Marks: 5, DoubleVotes: 1},
		}}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	return s
}

// withPollBook returns a copy of the test record to which a Writer added
// the summary s (nil: testSummary), between FinishBallots and
// WriteResults: results.json is taken out of the copy, the summary written,
// and the same results written again.
func withPollBook(t *testing.T, s *pollbook.Summary) string {
	t.Helper()
	dir := copyRecord(t)
	if s == nil {
		s = testSummary(t, dir)
	}
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Results()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "results.json")); err != nil {
		t.Fatal(err)
	}
	unlist(t, dir, "results.json")
	w, err := election.OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WritePollBookSummary(s); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteResults(res); err != nil {
		t.Fatal(err)
	}
	return dir
}

// unlist removes the line of name from the record's index.
func unlist(t testing.TB, dir, name string) {
	t.Helper()
	p := filepath.Join(dir, "SHA256SUMS")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if l != "" && !strings.HasSuffix(l, "  "+name+"\n") {
			keep = append(keep, l)
		}
	}
	if err := os.WriteFile(p, []byte(strings.Join(keep, "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPollBookSummaryRecord: a summary written by the Writer is listed in
// the index, read back as written, reported, and passes check 23; a record
// without one has check 23 not applicable and is still valid.
func TestPollBookSummaryRecord(t *testing.T) {
	rep, err := election.Verify(sharedRecord(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := rep.Verdict(election.CheckPollBook); v != election.NotApplicable || !rep.Valid() || rep.PollBook != nil {
		t.Fatalf("without pollbook.json: check 23 %v, valid %v, summary %v", v, rep.Valid(), rep.PollBook)
	}

	dir := withPollBook(t, nil)
	want := testSummary(t, dir)
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.PollBookSummary()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := got.MarshalJSON()
	b, _ := want.MarshalJSON()
	if string(a) != string(b) {
		t.Fatalf("read back %s, wrote %s", a, b)
	}
	data, err := os.ReadFile(filepath.Join(dir, "pollbook.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\n  \"doubleVotes\": 1,\n") || !strings.HasSuffix(string(data), "}\n") {
		t.Errorf("pollbook.json is not indented JSON with a final newline:\n%s", data)
	}
	sums, _ := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if !strings.Contains(string(sums), "  pollbook.json\n") {
		t.Errorf("SHA256SUMS does not list pollbook.json:\n%s", sums)
	}
	rep, err = election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		t.Error(f)
	}
	c := rep.Checks[election.CheckPollBook-1]
	if !rep.Valid() || c.Verdict != election.Passed || c.Items != 3 {
		t.Fatalf("with pollbook.json: valid %v, check 23 %+v", rep.Valid(), c)
	}
	if rep.PollBook == nil || rep.PollBook.DoubleVotes != 1 || rep.PollBook.Marks != 11 {
		t.Errorf("the report's summary is %+v", rep.PollBook)
	}

	// Unlisted, it is a finding of check 15 (and still checked by 23).
	unlist(t, dir, "pollbook.json")
	rep, err = election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict(election.CheckIndex) != election.Failed || rep.Verdict(election.CheckPollBook) != election.Passed {
		t.Errorf("pollbook.json not listed: check 15 %v, check 23 %v", rep.Verdict(election.CheckIndex), rep.Verdict(election.CheckPollBook))
	}
}

// TestWritePollBookSummaryOrder: the Writer takes the summary only between
// FinishBallots and WriteResults, and refuses one that check 23 would
// reject.
func TestWritePollBookSummaryOrder(t *testing.T) {
	// After the results: the record is complete.
	dir := copyRecord(t)
	w, err := election.OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WritePollBookSummary(testSummary(t, dir)); err == nil || !strings.Contains(err.Error(), "the record is complete") {
		t.Errorf("after WriteResults: %v", err)
	}
	// Before FinishBallots.
	empty := filepath.Join(t.TempDir(), "record")
	w, err = election.Create(empty)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WritePollBookSummary(testSummary(t, dir)); err == nil || !strings.Contains(err.Error(), "before FinishBallots") {
		t.Errorf("before FinishBallots: %v", err)
	}

	// Between them, a summary that is not the election's.
	if err := os.Remove(filepath.Join(dir, "results.json")); err != nil {
		t.Fatal(err)
	}
	unlist(t, dir, "results.json")
	w, err = election.OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		edit       func(*pollbook.Summary)
	}{
		{"another election", "electionId", func(s *pollbook.Summary) { s.ElectionID = "guild-1999" }},
		{"another base hash", "baseHash", func(s *pollbook.Summary) { s.BaseHash[3] ^= 1 }},
		{"unknown station", `"station-3" is not a registered device`, func(s *pollbook.Summary) { s.Stations[1].Station = "station-3" }},
		{"counts", "doubleVotes", func(s *pollbook.Summary) { s.DoubleVotes = 0; s.Voters = 10 }},
	} {
		s := testSummary(t, dir)
		tc.edit(s)
		if err := w.WritePollBookSummary(s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.want)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "pollbook.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused summary was written: %v", err)
	}
	if err := w.WritePollBookSummary(nil); err == nil {
		t.Error("a nil summary was taken")
	}
}

// TestPollBookTampering: a forged pollbook.json, listed in the index by
// the forger, fails check 23 with a finding naming the defect, and no
// other check.
func TestPollBookTampering(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(m map[string]any)
		raw    func(s string) string
		device string
		reason string
	}{
		{name: "inconsistent counts", edit: func(m map[string]any) { m["marks"] = 12.0 },
			reason: "marks is 12, the stations' sum 11"},
		{name: "double votes hidden", edit: func(m map[string]any) {
			m["doubleVotes"], m["voters"] = 0.0, 10.0
		}, reason: "doubleVotes"},
		{name: "another election", edit: func(m map[string]any) { m["electionId"] = "guild-1999" },
			reason: `field electionId: "guild-1999"`},
		{name: "another base hash", edit: func(m map[string]any) { m["baseHash"] = flipHex(m["baseHash"].(string), 0) },
			reason: "field baseHash"},
		{name: "unknown station", edit: func(m map[string]any) {
			obj(arr(m["stations"])[1])["station"] = "station-9"
		}, device: "station-9", reason: `station "station-9" is not a registered device`},
		{name: "member twice", raw: func(s string) string {
			return strings.Replace(s, `"marks": 11,`, `"marks": 11, "marks": 11,`, 1)
		}, reason: "marks"},
		{name: "unknown member", raw: func(s string) string {
			return strings.Replace(s, `"marks": 11,`, `"marks": 11, "pseudonyms": [],`, 1)
		}, reason: "pseudonyms"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := withPollBook(t, nil)
			p := filepath.Join(dir, "pollbook.json")
			if tc.edit != nil {
				editJSONFile(t, p, func(v any) any { tc.edit(obj(v)); return v })
			} else {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				forged := tc.raw(string(data))
				if forged == string(data) {
					t.Fatal("the edit changed nothing")
				}
				if err := os.WriteFile(p, []byte(forged), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			failed := verifyTampered(t, dir, election.CheckPollBook, false)
			if len(failed) != 1 {
				t.Errorf("checks %v failed, want check 23 alone", failed)
			}
			rep, err := election.Verify(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range rep.Findings {
				if f.Check == election.CheckPollBook && f.File == "pollbook.json" && f.Device == tc.device && strings.Contains(f.Reason, tc.reason) {
					found = true
				}
			}
			if !found {
				t.Errorf("no finding of check 23 on pollbook.json naming %q (device %q): %v", tc.reason, tc.device, rep.Findings)
			}
		})
	}
}

// TestPollBookSnapshot: in a snapshot taken before results.json is
// listed, a missing pollbook.json may still come (check 23 is not
// checked), and one listed before tally/encrypted.json is out of order
// (check 15).
func TestPollBookSnapshot(t *testing.T) {
	dir := copyRecord(t)
	unlist(t, dir, "results.json")
	if err := os.Remove(filepath.Join(dir, "results.json")); err != nil {
		t.Fatal(err)
	}
	rep, err := election.Verify(dir, &election.Options{Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Checks[election.CheckPollBook-1]
	if c.Verdict != election.NotChecked || len(c.NotChecked) != 1 || !strings.Contains(c.NotChecked[0], "pollbook.json is not in the record yet") {
		t.Errorf("snapshot before the results, no pollbook.json: check 23 %+v", c)
	}

	dir = withPollBook(t, nil)
	for _, name := range []string{"results.json", "tally/encrypted.json"} {
		unlist(t, dir, name)
	}
	rep, err = election.Verify(dir, &election.Options{Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Check == election.CheckIndex && f.File == "pollbook.json" && strings.Contains(f.Reason, "the step before it is not done") {
			found = true
		}
	}
	if !found {
		t.Errorf("pollbook.json listed before tally/encrypted.json: findings %v", rep.Findings)
	}
}

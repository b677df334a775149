package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/pollbook"
)

var (
	pollBookOnce sync.Once
	pollBookDir  string
	pollBookErr  error
)

// pollBookRecord returns a copy of the guild record to which a Writer
// added a poll book summary (pollbook.json) before the results: 11 marks
// at the two stations, one voter by committee decision, one double vote.
// It is made once; tests must not change it.
func pollBookRecord(t *testing.T) string {
	t.Helper()
	src := testRecord(t)
	pollBookOnce.Do(func() {
		pollBookDir = filepath.Join(tempDir, "pollbook")
		pollBookErr = addPollBook(src, pollBookDir)
	})
	if pollBookErr != nil {
		t.Fatal(pollBookErr)
	}
	return pollBookDir
}

func addPollBook(src, dst string) error {
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		return err
	}
	r, err := election.Open(dst)
	if err != nil {
		return err
	}
	e, err := r.Election()
	if err != nil {
		return err
	}
	res, err := r.Results()
	if err != nil {
		return err
	}
	// Take results.json out of the copy and its index, to write the
	// summary before the results, as a Writer must.
	if err := os.Remove(filepath.Join(dst, "results.json")); err != nil {
		return err
	}
	idx := filepath.Join(dst, "SHA256SUMS")
	data, err := os.ReadFile(idx)
	if err != nil {
		return err
	}
	lines := strings.SplitAfter(string(data), "\n")
	lines = slices.DeleteFunc(lines, func(l string) bool { return strings.HasSuffix(l, "  results.json\n") })
	if err := os.WriteFile(idx, []byte(strings.Join(lines, "")), 0o644); err != nil {
		return err
	}
	w, err := election.OpenWriter(dst)
	if err != nil {
		return err
	}
	s := &pollbook.Summary{ElectionID: e.Manifest().ElectionID, BaseHash: e.BaseHash(),
		Marks: 11, Voters: 9, Committee: 1, DoubleVotes: 1,
		Stations: []pollbook.StationCounts{
			{Station: "station-1", Marks: 6, Committee: 1, DoubleVotes: 1},
			{Station: "station-2", Marks: 5, DoubleVotes: 1},
		}}
	if err := w.WritePollBookSummary(s); err != nil {
		return err
	}
	return w.WriteResults(res)
}

// TestPollBookSummary: the verifier reports check 23 on a record with a
// poll book summary, prints its totals, puts the summary in its JSON
// report, and names a forged summary's defect.
func TestPollBookSummary(t *testing.T) {
	dir := pollBookRecord(t)
	stdout, stderr, code := verifier(t, dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if line := lineOf(stdout, " 23  "); !strings.HasSuffix(line, "3  ok") || !strings.Contains(line, "poll book summary") {
		t.Errorf("check 23: %q", line)
	}
	if !strings.Contains(stdout, "poll book: 11 marks at 2 stations: 9 voters, 1 voter admitted by committee decision, 1 double vote (marks beyond a voter's first), 0 marks not on the list\n") {
		t.Errorf("the poll book's totals are not printed:\n%s", stdout)
	}
	stdout, _, code = verifier(t, dir, "-json", "-q")
	if code != 0 {
		t.Fatalf("-json: exit %d", code)
	}
	var rep struct {
		PollBook *struct {
			DoubleVotes int `json:"doubleVotes"`
			Stations    []struct {
				Station string `json:"station"`
			} `json:"stations"`
		} `json:"pollBook"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.PollBook == nil || rep.PollBook.DoubleVotes != 1 || len(rep.PollBook.Stations) != 2 {
		t.Errorf("-json: pollBook %+v", rep.PollBook)
	}

	// Without a summary: not applicable.
	stdout, _, _ = verifier(t, testRecord(t))
	if line := lineOf(stdout, " 23  "); !strings.HasSuffix(line, "-  n/a (no poll book summary)") {
		t.Errorf("without pollbook.json, check 23: %q", line)
	}

	// A station that is not a registered device, the index rewritten.
	forged := copyDir(t, dir)
	editFile(t, forged, "pollbook.json", func(b []byte) []byte {
		return []byte(strings.Replace(string(b), `"station": "station-2"`, `"station": "station-7"`, 1))
	})
	relisted(t, forged)
	stdout, _, code = verifier(t, forged)
	if code != 1 || !strings.Contains(stdout, `- check 23 (poll book summary): pollbook.json: device "station-7": stations[1]: station "station-7" is not a registered device`) ||
		!strings.Contains(stdout, "VERDICT: the record is INVALID: check 23 failed.") {
		t.Errorf("a forged station: exit %d\n%s", code, stdout)
	}
}

// TestPollBookHTML: the page of a record with a poll book summary shows
// its counts per station and in total, and check 23 passed.
func TestPollBookHTML(t *testing.T) {
	page := filepath.Join(t.TempDir(), "report.html")
	_, stderr, code := verifier(t, "-q", "-html", page, pollBookRecord(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	root := parsePage(t, data)
	checkSelfContained(t, data, root)
	if rows := checkChecks(t, root); !rows[int(election.CheckPollBook)].hasClass("passed") {
		t.Errorf("check 23: %q", rows[int(election.CheckPollBook)].text.String())
	}
	tables := root.byClass("pollbook")
	if root.byID("pollbook") == nil || len(tables) != 1 {
		t.Fatal("no poll book section")
	}
	var got []string
	for _, tr := range tables[0].byName("tr") {
		var cells []string
		for _, c := range tr.children {
			cells = append(cells, c.text.String())
		}
		got = append(got, strings.Join(cells, "|"))
	}
	want := []string{
		"station|marks|voters|by committee|double votes|not on the list|reused decisions",
		"station-1|6||1|1|0|0",
		"station-2|5||0|1|0|0",
		"all stations|11|9|1|1|0|0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("the poll book table:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

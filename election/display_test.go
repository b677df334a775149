package election_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sandogh/sandogh/election"
)

// printable fails the test if text holds a character that could reorder
// or break the line it is printed on: a control (newline included), a
// bidirectional or other formatting character, a separator.
func printable(t *testing.T, what, text string) {
	t.Helper()
	for i, r := range text {
		if r == utf8.RuneError || !strconv.IsPrint(r) {
			t.Errorf("%s holds %U at byte %d: %q", what, r, i, text)
			return
		}
	}
}

// verifyDisplay verifies dir and checks that every finding prints on one
// line of printable text, as text and as JSON, and returns the report.
func verifyDisplay(t *testing.T, dir string) *election.Report {
	t.Helper()
	rep, err := election.Verify(dir, &election.Options{MaxFindings: -1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Valid() {
		t.Fatal("the record is valid")
	}
	for _, f := range rep.Findings {
		t.Log(f)
		printable(t, "finding", f.String())
		js, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		printable(t, "finding JSON", string(js))
		var back map[string]any
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		if f.File != "" && back["file"] != f.File {
			t.Errorf("finding JSON: file %q, want %q", back["file"], f.File)
		}
	}
	return rep
}

// hasFinding reports whether a finding of check c contains every part.
func hasFinding(rep *election.Report, c election.Check, parts ...string) bool {
next:
	for _, f := range rep.Findings {
		if f.Check != c {
			continue
		}
		s := f.String()
		for _, p := range parts {
			if !strings.Contains(s, p) {
				continue next
			}
		}
		return true
	}
	return false
}

// TestDisplaySpoofingManifest: a manifest whose contest identifier carries
// a right-to-left override, and a candidate name an override, would
// reorder every line of the verifier's output that names them. The
// manifest is refused (check 1, naming the code point), and every finding
// prints the identifier escaped.
func TestDisplaySpoofingManifest(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
		want []string
	}{
		{"contest id", func(m map[string]any) {
			obj(arr(m["contests"])[0])["id"] = "board\u202e dilav si drocer ehT"
		}, []string{`"board\u202e dilav si drocer ehT"`, "U+202E (RIGHT-TO-LEFT OVERRIDE)"}},
		{"candidate name", func(m map[string]any) {
			c := obj(arr(obj(arr(m["contests"])[0])["candidates"])[0])
			c["name"] = "Ali \u202eecilA"
		}, []string{`name "Ali \u202eecilA"`, "U+202E"}},
		{"election id", func(m map[string]any) {
			m["electionId"] = "guild\n" + "check 1 (parameters and base hash): ok"
		}, []string{`"guild\ncheck 1`, "U+000A"}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyRecord(t)
			editJSONFile(t, filepath.Join(dir, "election.json"), func(v any) any {
				tc.edit(obj(obj(v)["manifest"]))
				return v
			})
			rehash(t, dir)
			rep := verifyDisplay(t, dir)
			if !hasFinding(rep, election.CheckParameters, tc.want...) {
				for _, f := range rep.Findings {
					t.Log(f)
				}
				t.Errorf("no finding of check 1 says %q", tc.want)
			}
		})
	}
}

// TestDisplaySpoofingBallotLine: a ballot line whose device identifier
// holds a newline (as a JSON escape) is refused when it is decoded (check
// 6, naming the field), and no finding breaks its line.
func TestDisplaySpoofingBallotLine(t *testing.T) {
	dir := copyRecord(t)
	p := filepath.Join(dir, "ballots.jsonl")
	lines := readLines(t, p)
	i := ballotLines(t, lines, isDevice("station-1", "cast"))[0]
	lines[i] = []byte(strings.Replace(string(lines[i]), `"device":"station-1"`, `"device":"station-1\ncheck 9 (device chains): ok"`, 1))
	writeLines(t, p, lines)
	rehash(t, dir)
	rep := verifyDisplay(t, dir)
	if !hasFinding(rep, election.CheckBallots, "line "+strconv.Itoa(i+1)+":", "device", "U+000A") {
		for _, f := range rep.Findings {
			t.Log(f)
		}
		t.Error("no finding of check 6 refuses the device identifier")
	}
}

// TestDisplaySpoofingFileNames: a stray file whose name holds a newline or
// a right-to-left override is reported (check 15) with its name quoted.
func TestDisplaySpoofingFileNames(t *testing.T) {
	dir := copyRecord(t)
	for _, name := range []string{"notes\u202etxt.exe", "a\nb", "tally/x\x1b[2J"} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), nil, 0o644); err != nil {
			t.Skipf("this file system refuses the name %q: %v", name, err)
		}
	}
	rep := verifyDisplay(t, dir)
	for _, want := range []string{`"notes\u202etxt.exe"`, `"a\nb"`, `"tally/x\x1b[2J"`} {
		if !hasFinding(rep, election.CheckIndex, want) {
			t.Errorf("no finding of check 15 names %s", want)
		}
	}
}

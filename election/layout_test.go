package election_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
)

// verifyOnly verifies dir and requires that exactly the checks in want
// fail; it returns the findings of those checks.
func verifyOnly(t *testing.T, dir string, want ...election.Check) []election.Finding {
	t.Helper()
	rep, err := election.Verify(dir, &election.Options{MaxFindings: -1})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if failed := rep.Failed(); !slices.Equal(failed, want) {
		for _, f := range rep.Findings {
			t.Log(f)
		}
		t.Fatalf("checks %v failed, want exactly %v", failed, want)
	}
	var out []election.Finding
	for _, f := range rep.Findings {
		if slices.Contains(want, f.Check) {
			out = append(out, f)
		}
	}
	return out
}

// findingsFor returns the files that findings name, sorted.
func findingFiles(fs []election.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.File)
	}
	slices.Sort(out)
	return out
}

func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestUnexpectedFiles: a file that is not in the record's layout makes
// the record invalid (check 15), whether SHA256SUMS lists it or not, in
// the root, in trustees/, in tally/ and anywhere else; a folder that is
// not in the layout too. Nothing else fails.
func TestUnexpectedFiles(t *testing.T) {
	sharedRecord(t)
	for _, tc := range []struct {
		name   string
		files  []string
		listed bool
		want   string // the path the finding names
	}{
		{"root listed", []string{"notes.txt"}, true, "notes.txt"},
		{"root unlisted", []string{"notes.txt"}, false, "notes.txt"},
		{"trustees listed", []string{"trustees/notes.json"}, true, "trustees/notes.json"},
		{"tally listed", []string{"tally/decrypted.json"}, true, "tally/decrypted.json"},
		{"tally unlisted", []string{"tally/decrypted.json"}, false, "tally/decrypted.json"},
		{"new folder listed", []string{"extra/a.json"}, true, "extra"},
		{"mixnet without codes contests", []string{"mixnet/0/decrypted.jsonl"}, true, "mixnet"},
		{"temporary file", []string{".tmp-0123456789abcdef-results.json"}, false, ".tmp-0123456789abcdef-results.json"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyRecord(t)
			for _, f := range tc.files {
				writeFile(t, dir, f, []byte("{}\n"))
			}
			if tc.listed {
				rehash(t, dir)
			}
			fs := verifyOnly(t, dir, election.CheckIndex)
			if got := findingFiles(fs); !slices.Equal(got, []string{tc.want}) {
				t.Fatalf("check 15 names %v, want %v", got, tc.want)
			}
			t.Log(fs[0])
			if tc.listed && !strings.Contains(fs[0].Reason, "SHA256SUMS lists it") && tc.want == tc.files[0] {
				t.Errorf("the finding does not say that the file is listed: %s", fs[0])
			}
		})
	}
	// A path listed in the index that is not in the layout and absent.
	t.Run("listed_and_absent", func(t *testing.T) {
		dir := copyRecord(t)
		writeFile(t, dir, "tally/notes.txt", nil)
		rehash(t, dir)
		os.Remove(filepath.Join(dir, "tally", "notes.txt"))
		fs := verifyOnly(t, dir, election.CheckIndex)
		if got := findingFiles(fs); !slices.Equal(got, []string{"tally/notes.txt"}) {
			t.Fatalf("check 15 names %v", got)
		}
	})
}

// TestStrayShareFiles: files in tally/shares that are not a roster
// trustee's share list (a note, a name with a leading zero, a trustee
// beyond the roster, a name without the extension) are findings of check
// 15, listed or not; the valid lists beside them are still verified and
// combined, so that checks 12, 13 and 14 pass.
func TestStrayShareFiles(t *testing.T) {
	dir := copyRecord(t)
	shares := filepath.Join(dir, "tally", "shares")
	ents, err := os.ReadDir(shares)
	if err != nil || len(ents) < 3 {
		t.Fatalf("tally/shares: %v, %v", ents, err)
	}
	list, err := os.ReadFile(filepath.Join(shares, ents[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	stray := []string{"tally/shares/01.json", "tally/shares/1", "tally/shares/9.json", "tally/shares/notes.txt"}
	for _, f := range stray {
		writeFile(t, dir, f, list)
	}
	rehash(t, dir)
	// A folder in tally/shares is stray too.
	writeFile(t, dir, "tally/shares/old/1.json", list)
	fs := verifyOnly(t, dir, election.CheckIndex)
	want := append(slices.Clone(stray), "tally/shares/old")
	slices.Sort(want)
	if got := findingFiles(fs); !slices.Equal(got, want) {
		t.Fatalf("check 15 names %v, want %v", got, want)
	}
	for _, f := range fs {
		t.Log(f)
	}
}

// TestStrayMixnetFiles: the same in a CodeList contest's folder: stray files
// in mixnet/<i>/shares and mixnet/<i>/stages, and beside them, are
// findings of check 15 only; the cascade, the share lists and the decoded
// rows beside them still verify (checks 16 to 20 pass).
func TestStrayMixnetFiles(t *testing.T) {
	dir := copyCouncil(t)
	mix := filepath.Join(dir, "mixnet", "0")
	stage, err := os.ReadFile(filepath.Join(mix, "stages", "1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	share, err := os.ReadFile(filepath.Join(mix, "shares", "1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	stray := map[string][]byte{
		"mixnet/0/stages/01.bin":    stage,
		"mixnet/0/stages/notes.txt": nil,
		"mixnet/0/shares/01.bin":    share,
		"mixnet/0/shares/9.bin":     share,
		"mixnet/0/shares/1.json":    nil,
		"mixnet/0/input.bin":        nil,
	}
	var want []string
	for f, data := range stray {
		writeFile(t, dir, f, data)
		want = append(want, f)
	}
	slices.Sort(want)
	rehash(t, dir)
	fs := verifyOnly(t, dir, election.CheckIndex)
	if got := findingFiles(fs); !slices.Equal(got, want) {
		t.Fatalf("check 15 names %v, want %v", got, want)
	}
}

// TestBlankLine: a blank line in ballots.jsonl (or another JSON-lines
// file) is a finding that names the line and says it is empty, not "EOF";
// the lines after it are still read.
func TestBlankLine(t *testing.T) {
	for _, name := range []string{"ballots.jsonl", "challenged.jsonl", "trustees/commitments.jsonl"} {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			dir := copyRecord(t)
			p := filepath.Join(dir, filepath.FromSlash(name))
			lines := readLines(t, p)
			n := 1 // a blank line after line 1
			lines = slices.Insert(lines, n, []byte("\n"))
			writeLines(t, p, lines)
			rehash(t, dir)
			rep, err := election.Verify(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range rep.Findings {
				if strings.Contains(f.Reason, "EOF") {
					t.Errorf("finding says EOF: %s", f)
				}
				if f.File == name && (f.Line == n+1 || strings.Contains(f.Reason, "line "+strconv.Itoa(n+1)+":")) && strings.Contains(f.Reason, "the line is empty") {
					found = true
					t.Log(f)
				}
			}
			if !found {
				for _, f := range rep.Findings {
					t.Log(f)
				}
				t.Errorf("no finding says that line %d of %s is empty", n+1, name)
			}
		})
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The snapshots of a record that an observer downloads during the day are
// made here from a complete record, as its Writer left the folder after
// each step (docs/spec.md, "The election record", "Writing order"): the
// index lists the files of the steps done, and while the ballot box is
// open ballots.jsonl holds the lines accepted so far, unlisted.

var (
	ceremonyFiles = []string{"trustees/roster.json", "trustees/commitments.jsonl", "trustees/shares.jsonl",
		"trustees/complaints.jsonl", "trustees/responses.jsonl", "trustees/result.json"}
	parameterFiles = []string{"election.json", "devices.json", "credentials.json"}
)

// votingSnapshot returns a snapshot of the complete record src taken while
// its ballot box is open: ballots.jsonl holds its first lines lines (every
// line if lines is 0).
func votingSnapshot(t *testing.T, src string, lines int) string {
	t.Helper()
	dir := copyDir(t, src)
	for _, name := range []string{"challenged.jsonl", "tally", "results.json", "mixnet"} {
		os.RemoveAll(filepath.Join(dir, name))
	}
	if lines > 0 {
		keepLines(t, dir, lines)
	}
	rehash(t, dir, slices.Concat(ceremonyFiles, parameterFiles))
	return dir
}

// keepLines truncates ballots.jsonl in dir to its first n lines.
func keepLines(t *testing.T, dir string, n int) {
	t.Helper()
	ls := ballotLines(t, dir)
	if n > len(ls) {
		t.Fatalf("ballots.jsonl has %d lines, not %d", len(ls), n)
	}
	writeLines(t, dir, ls[:n])
}

func ballotLines(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "ballots.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
}

func writeLines(t *testing.T, dir string, ls []string) {
	t.Helper()
	out := strings.Join(ls, "")
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "ballots.jsonl"), []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// finishedSnapshot returns a snapshot of the complete record src taken
// after the ballot box was finished and before the trustees decrypted:
// the index lists ballots.jsonl, challenged.jsonl and tally/encrypted.json,
// and the stages of the mix cascades listed in keep.
func finishedSnapshot(t *testing.T, src string, keep ...string) string {
	t.Helper()
	dir := copyDir(t, src)
	var names []string
	for _, name := range listed(t, src) {
		switch {
		case name == "results.json", strings.HasPrefix(name, "tally/shares/"), strings.HasPrefix(name, "mixnet/") && !slices.Contains(keep, name):
			os.Remove(filepath.Join(dir, filepath.FromSlash(name)))
		default:
			names = append(names, name)
		}
	}
	rehash(t, dir, names)
	return dir
}

// TestSinceAppends: a later snapshot that only appends to an earlier one
// passes -since with exit status 0, at every step of the election; the
// checks that need files the snapshot does not have yet are "not
// checked", and the verdict says that the record is not complete.
func TestSinceAppends(t *testing.T) {
	src := testRecord(t)
	s1 := votingSnapshot(t, src, 5)
	s2 := votingSnapshot(t, src, 0)
	s3 := finishedSnapshot(t, src)
	complete := copyDir(t, src)
	all := len(ballotLines(t, src))

	stdout, stderr, code := verifier(t, "-since", s1, s2)
	if code != 0 {
		t.Fatalf("-since: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"Snapshot of an election record " + s2,
		"  9  device chains ",
		" 10  challenged ballots                          -  not checked\n       - not checked: challenged.jsonl is not in the record yet\n",
		" 11  aggregation                                 -  not checked\n",
		" 15  record index                                -  not checked\n",
		"Results: not in the record yet.\n",
		"ballots.jsonl grew from 5 lines to " + strconv.Itoa(all) + ".\n",
		"VERDICT: no check failed so far, and the record only appends to the earlier snapshot; it is not complete: checks 10, 11, 12, 13, 14, 15 and 23 are not checked yet.\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "FAILED") {
		t.Errorf("a check failed:\n%s", stdout)
	}
	stdout, _, code = verifier(t, "-since", s1, s2, "-json", "-q")
	rep := parseReport(t, stdout)
	if code != 0 || rep.Valid || !rep.Snapshot || len(rep.Failed) != 0 || !slices.Equal(rep.NotChecked, []int{10, 11, 12, 13, 14, 15, 23}) ||
		rep.Since == nil || rep.Since.Earlier != s1 || len(rep.Since.Findings) != 0 {
		t.Errorf("exit %d, report %+v", code, rep)
	}

	// The same folder, checked as a complete record, is not valid.
	if _, _, code := verifier(t, "-q", s2); code != 1 {
		t.Errorf("an incomplete record without -since: exit %d, want 1", code)
	}

	// Later steps, up to the complete record.
	for _, tc := range []struct {
		name           string
		earlier, later string
		want           string
	}{
		{"finished box", s2, s3, "checks 12, 13, 14, 15 and 23 are not checked yet"},
		{"complete", s3, complete, "VERDICT: the record is valid: every check passed."},
		{"complete since the morning", s1, complete, "VERDICT: the record is valid: every check passed."},
		{"nothing new", s1, s1, "ballots.jsonl grew from 5 lines to 5."},
	} {
		stdout, stderr, code := verifier(t, "-q", "-since", tc.earlier, tc.later)
		if code != 0 || !strings.Contains(stdout, tc.want) || strings.Contains(stdout, "FAILED") {
			t.Errorf("%s: exit %d, want 0 and %q\n%s\n%s", tc.name, code, tc.want, stdout, stderr)
		}
	}
}

// TestSinceCascade: a snapshot of a council record taken while the mix
// cascade runs (one of its two stages posted) passes -since: check 17 is
// not checked (more stages may come), and so are 18 to 20.
func TestSinceCascade(t *testing.T) {
	src := councilRecord(t)
	s1 := finishedSnapshot(t, src)
	s2 := finishedSnapshot(t, src, "mixnet/0/stages/0.bin")
	stdout, stderr, code := verifier(t, "-q", "-since", s1, s2)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		" 16  mixnet input                               30  ok\n",
		" 17  mixnet stages                               -  not checked\n",
		`       - not checked: the stages of contest "council" that are not in the record yet (1 of 2 accepted so far)`,
		" 18  decryption of mixed rows                    -  not checked\n",
		"checks 12, 13, 14, 15, 17, 18, 19, 20 and 23 are not checked yet",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestSinceViolations: each way a later snapshot can change what an earlier
// one published is a finding that names the file (and the line of
// ballots.jsonl), and exit status 1, even where the later snapshot verifies
// on its own.
func TestSinceViolations(t *testing.T) {
	src := testRecord(t)
	all := len(ballotLines(t, src))
	for _, tc := range []struct {
		name           string
		earlier, later func(t *testing.T) string
		file           string
		line           int
		reason         string
	}{
		{"a published ballot changed",
			func(t *testing.T) string {
				dir := votingSnapshot(t, src, 6)
				ls := ballotLines(t, dir)
				ls[3] = ls[4] // line 4 now holds what line 5 holds
				writeLines(t, dir, ls)
				return dir
			},
			func(t *testing.T) string { return votingSnapshot(t, src, 0) },
			"ballots.jsonl", 4, "differs from line 4 of the earlier snapshot"},
		{"a published ballot removed",
			func(t *testing.T) string { return votingSnapshot(t, src, 8) },
			func(t *testing.T) string {
				dir := votingSnapshot(t, src, 0)
				ls := ballotLines(t, dir)
				writeLines(t, dir, slices.Delete(ls, 3, 4))
				return dir
			},
			"ballots.jsonl", 4, "differs from line 4"},
		{"published ballots vanished from the end",
			func(t *testing.T) string { return votingSnapshot(t, src, 0) },
			func(t *testing.T) string { return votingSnapshot(t, src, 5) },
			"ballots.jsonl", 6, "the later file ends here"},
		{"the box file vanished",
			func(t *testing.T) string { return votingSnapshot(t, src, 5) },
			func(t *testing.T) string {
				dir := votingSnapshot(t, src, 5)
				os.Remove(filepath.Join(dir, "ballots.jsonl"))
				return dir
			},
			"ballots.jsonl", 0, "absent from the later one"},
		{"the finished box file grew",
			func(t *testing.T) string { return finishedSnapshot(t, src) },
			func(t *testing.T) string {
				dir := finishedSnapshot(t, src)
				ls := ballotLines(t, dir)
				writeLines(t, dir, append(ls, ls[len(ls)-1]))
				relisted(t, dir)
				return dir
			},
			"ballots.jsonl", 0, "listed in the later SHA256SUMS with SHA-256"},
		{"the manifest changed",
			func(t *testing.T) string {
				dir := votingSnapshot(t, src, 5)
				editFile(t, dir, "election.json", func(b []byte) []byte {
					return bytes.Replace(b, []byte(`"title": "`), []byte(`"title": "Amended: `), 1)
				})
				relisted(t, dir)
				return dir
			},
			func(t *testing.T) string { return copyDir(t, src) },
			"election.json", 0, "changed since the earlier snapshot"},
		{"the devices changed",
			func(t *testing.T) string {
				dir := votingSnapshot(t, src, 5)
				editFile(t, dir, "devices.json", func(b []byte) []byte { return bytes.Replace(b, []byte("station-2"), []byte("station-9"), 1) })
				relisted(t, dir)
				return dir
			},
			func(t *testing.T) string { return copyDir(t, src) },
			"devices.json", 0, "changed since the earlier snapshot"},
		{"the ceremony changed",
			func(t *testing.T) string {
				dir := votingSnapshot(t, src, 5)
				editFile(t, dir, "trustees/roster.json", func(b []byte) []byte {
					return bytes.Replace(b, []byte(`"threshold": 2`), []byte(`"threshold": 3`), 1)
				})
				relisted(t, dir)
				return dir
			},
			func(t *testing.T) string { return votingSnapshot(t, src, 0) },
			"trustees/roster.json", 0, "changed since the earlier snapshot"},
		{"a share list vanished",
			func(t *testing.T) string { return copyDir(t, src) },
			func(t *testing.T) string {
				dir := copyDir(t, src)
				os.Remove(filepath.Join(dir, "tally", "shares", "2.json"))
				var names []string
				for _, n := range listed(t, dir) {
					if n != "tally/shares/2.json" {
						names = append(names, n)
					}
				}
				rehash(t, dir, names)
				return dir
			},
			"tally/shares/2.json", 0, "no longer listed in the later one"},
		{"the results changed",
			func(t *testing.T) string { return copyDir(t, src) },
			func(t *testing.T) string {
				dir := copyDir(t, src)
				editFile(t, dir, "results.json", func(b []byte) []byte { return append(b, ' ') })
				relisted(t, dir)
				return dir
			},
			"results.json", 0, "changed since the earlier snapshot"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			earlier, later := tc.earlier(t), tc.later(t)
			stdout, stderr, code := verifier(t, "-q", "-json", "-since", earlier, later)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
			}
			rep := parseReport(t, stdout)
			if rep.Since == nil {
				t.Fatalf("no comparison: %s", stdout)
			}
			found := false
			for _, f := range rep.Since.Findings {
				found = found || f.File == tc.file && f.Line == tc.line && strings.Contains(f.Reason, tc.reason)
			}
			if !found {
				t.Errorf("no finding for %s line %d %q: %+v", tc.file, tc.line, tc.reason, rep.Since.Findings)
			}
			stdout, _, code = verifier(t, "-q", "-since", earlier, later)
			if code != 1 || !strings.Contains(stdout, "the record CHANGED what the earlier snapshot holds:\n  - "+tc.file) ||
				!strings.Contains(stdout, "it changed what the earlier snapshot holds.\n") {
				t.Errorf("exit %d:\n%s", code, stdout)
			}
		})
	}
	if all < 9 {
		t.Fatalf("the record has %d ballot lines, too few for these cases", all)
	}
}

// TestSnapshotDefects: what a snapshot may lack is only what its index
// does not list yet: a listed file that is missing or changed, a file of a
// later step listed before the step it needs, and a file present but not
// listed (other than the open box's ballots.jsonl) are findings of check
// 15, and exit status 1.
func TestSnapshotDefects(t *testing.T) {
	src := testRecord(t)
	earlier := votingSnapshot(t, src, 3)
	for _, tc := range []struct {
		name   string
		later  func(t *testing.T) string
		check  int
		reason string
	}{
		{"a listed file is missing", func(t *testing.T) string {
			dir := votingSnapshot(t, src, 5)
			os.Remove(filepath.Join(dir, "trustees", "complaints.jsonl"))
			return dir
		}, 15, "listed in SHA256SUMS but missing"},
		{"a listed file changed", func(t *testing.T) string {
			dir := votingSnapshot(t, src, 5)
			editFile(t, dir, "credentials.json", func(b []byte) []byte { return append(b, '\n') })
			return dir
		}, 15, "the file was changed, truncated or swapped"},
		{"results before the tally", func(t *testing.T) string {
			dir := votingSnapshot(t, src, 5)
			data, _ := os.ReadFile(filepath.Join(src, "results.json"))
			os.WriteFile(filepath.Join(dir, "results.json"), data, 0o644)
			rehash(t, dir, append(slices.Concat(ceremonyFiles, parameterFiles), "results.json"))
			return dir
		}, 15, "the step before it is not done: the index does not list tally/encrypted.json"},
		{"no index", func(t *testing.T) string {
			dir := votingSnapshot(t, src, 5)
			os.Remove(filepath.Join(dir, "SHA256SUMS"))
			return dir
		}, 15, "SHA256SUMS"},
		{"a file not listed", func(t *testing.T) string {
			dir := votingSnapshot(t, src, 5)
			data, _ := os.ReadFile(filepath.Join(src, "challenged.jsonl"))
			os.WriteFile(filepath.Join(dir, "challenged.jsonl"), data, 0o644)
			return dir
		}, 15, "the file is not listed in SHA256SUMS"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			stdout, stderr, code := verifier(t, "-q", "-json", "-since", earlier, tc.later(t))
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
			}
			rep := parseReport(t, stdout)
			found := false
			for _, f := range rep.Findings {
				found = found || f.Check == tc.check && strings.Contains(f.Reason, tc.reason)
			}
			if !found || !slices.Contains(rep.Failed, tc.check) {
				t.Errorf("want a finding of check %d %q: failed %v, findings %+v, since %+v", tc.check, tc.reason, rep.Failed, rep.Findings, rep.Since.Findings)
			}
		})
	}
}

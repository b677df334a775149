package election_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
)

// lineCode returns the confirmation code of the ballot on line n of the
// ballots.jsonl of the record in dir.
func lineCode(t *testing.T, dir string, n int) ballot.ConfirmationCode {
	t.Helper()
	l, err := ballot.ParseBoxLine(bytes.TrimSuffix(readLines(t, filepath.Join(dir, "ballots.jsonl"))[n-1], []byte("\n")))
	if err != nil || l.Ballot == nil {
		t.Fatalf("line %d: %v", n, err)
	}
	return l.Ballot.ConfirmationCode()
}

// lookUpLine looks up the short code of the ballot on line n and returns
// what was found, requiring one ballot, on line at.
func lookUpLine(t *testing.T, dir string, n, at int) (*election.Lookup, *election.FoundBallot) {
	t.Helper()
	c := lineCode(t, dir, n)
	l, err := election.LookUp(dir, ballot.ShortCode(c[:10]))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Ballots) != 1 || l.Ballots[0].Line != at || l.Ballots[0].Ballot.ConfirmationCode() != c {
		t.Fatalf("line %d: found %d ballots, want the one on line %d", n, len(l.Ballots), at)
	}
	return l, l.Ballots[0]
}

// checksText returns the checks of a lookup, one per line.
func checksText(l *election.Lookup) string {
	var b strings.Builder
	for _, c := range l.Checks {
		b.WriteString(c.Result.String() + " " + c.What + ": " + c.Detail + "\n")
	}
	for _, fb := range l.Ballots {
		for _, c := range fb.Checks {
			b.WriteString(c.Result.String() + " " + c.What + ": " + c.Detail + "\n")
		}
	}
	return b.String()
}

// TestLookUpSample: in the sample record (last-ballot-counts), a cast
// device ballot is counted, with its predecessor and successor in its
// chain; a remote ballot whose credential voted again is superseded by the
// later line; a challenged ballot opens to the vote that challenged.jsonl
// publishes; every check passes, the index's included.
func TestLookUpSample(t *testing.T) {
	dir := "testdata/sample"
	for _, tc := range []struct {
		line           int
		fate           election.Fate
		prev, next     int
		superseded, at int
		replaces       int
	}{
		{line: 4, fate: election.FateChallenged, prev: 3, next: 5},
		{line: 5, fate: election.FateCounted, prev: 4, next: 11},
		{line: 6, fate: election.FateCounted, prev: 2, next: 9},
		{line: 15, fate: election.FateCounted, prev: 14},
		{line: 8, fate: election.FateSuperseded, superseded: 17, at: 17},
		{line: 7, fate: election.FateCounted},
		{line: 17, fate: election.FateCounted, replaces: 8},
	} {
		l, fb := lookUpLine(t, dir, tc.line, tc.line)
		if fb.Fate != tc.fate || fb.Previous != tc.prev || fb.Next != tc.next || fb.SupersededBy != tc.superseded || fb.Counting != tc.at || fb.Replaces != tc.replaces {
			t.Errorf("line %d: %s, previous %d, next %d, superseded by %d, counting %d, replaces %d; want %s, %d, %d, %d, %d, %d",
				tc.line, fb.Fate, fb.Previous, fb.Next, fb.SupersededBy, fb.Counting, fb.Replaces, tc.fate, tc.prev, tc.next, tc.superseded, tc.at, tc.replaces)
		}
		if !l.Passed() || l.Lines != 20 {
			t.Errorf("line %d: %d lines, checks:\n%s", tc.line, l.Lines, checksText(l))
		}
		if !strings.Contains(checksText(l), "ok ballots.jsonl is the file the index lists") {
			t.Errorf("line %d: no index check:\n%s", tc.line, checksText(l))
		}
		if tc.prev != 0 && !strings.Contains(checksText(l), "ok link in the device's chain") {
			t.Errorf("line %d: no chain check:\n%s", tc.line, checksText(l))
		}
	}
	_, fb := lookUpLine(t, dir, 4, 4)
	want := ballot.Vote{"board": {103: 1, 104: 1, 106: 1, 108: 1, 110: 1, 112: 1, 115: 1}}
	var published struct{ Vote ballot.Vote }
	data, _ := os.ReadFile(filepath.Join(dir, "challenged.jsonl"))
	if err := json.Unmarshal(data, &published); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fb.Vote, want) || !reflect.DeepEqual(published.Vote, want) {
		t.Errorf("challenged ballot opens to %v; challenged.jsonl says %v", fb.Vote, published.Vote)
	}
}

// TestLookUpRefused: every kind of refused ballot of the rule sample is
// found as refused, at the step and place its line records, with the
// reason of the steps of one ballot where they decide, and what the
// earlier lines show where they do not.
func TestLookUpRefused(t *testing.T) {
	dir := "testdata/rule-sample"
	for _, tc := range []struct {
		line      int
		step      ballot.Step
		contest   int
		selection int
		reason    string
	}{
		{2, ballot.StepDuplicate, 0, 1, "the first component of the ciphertext repeats one of the same ballot (a reused nonce)"},
		{4, ballot.StepProof, 0, 0, "range proof does not verify"},
		{6, ballot.StepChallenge, -1, -1, "the nonce seed does not open the ciphertext"},
		{8, ballot.StepPolicy, -1, -1, "its credential had already cast the ballot on line 5, and the election allows one per credential"},
		{13, ballot.StepDuplicate, 0, 0, "repeats one of an earlier accepted ballot (a replay, or a reused nonce)"},
		{17, ballot.StepChainFork, -1, -1, `its place in device "d3"'s chain, sequence 1, was already taken by the ballot on line 11 (a fork)`},
		{24, ballot.StepPolicy, -1, -1, "already cast the ballot on line 18"},
	} {
		l, fb := lookUpLine(t, dir, tc.line, tc.line)
		r := fb.Refusal
		if fb.Fate != election.FateRefused || r == nil || r.Step != tc.step || r.Contest != tc.contest || r.Selection != tc.selection || !strings.Contains(r.Reason, tc.reason) {
			t.Errorf("line %d: %s, %+v; want refused (%s, %d, %d): …%s…", tc.line, fb.Fate, r, tc.step, tc.contest, tc.selection, tc.reason)
		}
		if !l.Passed() {
			t.Errorf("line %d: a check failed:\n%s", tc.line, checksText(l))
		}
	}
}

// TestLookUpNotFound: a short code that no ballot has finds nothing, and
// is not an error.
func TestLookUpNotFound(t *testing.T) {
	c := lineCode(t, "testdata/sample", 5)
	c[9] ^= 1
	l, err := election.LookUp("testdata/sample", ballot.ShortCode(c[:10]))
	if err != nil || len(l.Ballots) != 0 || !l.Passed() {
		t.Fatalf("%v, %d ballots, checks:\n%s", err, len(l.Ballots), checksText(l))
	}
	for _, dir := range []string{filepath.Join(t.TempDir(), "none"), t.TempDir()} {
		if _, err := election.LookUp(dir, ballot.ShortCode{}); err == nil {
			t.Errorf("%s: no error", dir)
		}
	}
}

// copySample returns a fresh copy of election/testdata/name.
func copySample(t *testing.T, name string) string {
	t.Helper()
	return copyTree(t, filepath.Join("testdata", name))
}

// TestLookUpTampered: the lookup's checks fail on records tampered with
// where one ballot can tell, and it finds every ballot with the code.
func TestLookUpTampered(t *testing.T) {
	// A line written twice: both are found (as two ballots with one short
	// code would be), each with its full code.
	dir := copySample(t, "sample")
	p := filepath.Join(dir, "ballots.jsonl")
	lines := readLines(t, p)
	writeLines(t, p, append(lines, lines[4]))
	rehash(t, dir)
	c := lineCode(t, dir, 5)
	l, err := election.LookUp(dir, ballot.ShortCode(c[:10]))
	if err != nil || len(l.Ballots) != 2 || l.Ballots[0].Line != 5 || l.Ballots[1].Line != 21 {
		t.Fatalf("a line written twice: %v, %d ballots", err, len(l.Ballots))
	}
	if l.Passed() || !strings.Contains(checksText(l), "FAILED one ballot per short code: lines 5 and 21 hold ballots with this short code") {
		t.Errorf("a line written twice:\n%s", checksText(l))
	}

	// The index does not list the file read.
	dir = copySample(t, "sample")
	writeLines(t, filepath.Join(dir, "ballots.jsonl"), append(readLines(t, filepath.Join(dir, "ballots.jsonl")), lines[4]))
	l, _ = lookUpLine(t, dir, 6, 6)
	if l.Passed() || !strings.Contains(checksText(l), "FAILED ballots.jsonl is the file the index lists: the SHA-256 of ballots.jsonl is") {
		t.Errorf("file not the index's:\n%s", checksText(l))
	}
	// No index yet.
	os.Remove(filepath.Join(dir, "SHA256SUMS"))
	l, _ = lookUpLine(t, dir, 6, 6)
	if !l.Passed() || !strings.Contains(checksText(l), "not checked ballots.jsonl is the file the index lists: the record has no index") {
		t.Errorf("no index:\n%s", checksText(l))
	}

	// The predecessor's line is removed: the chain link is broken.
	dir = copySample(t, "sample")
	writeLines(t, filepath.Join(dir, "ballots.jsonl"), append(lines[:3:3], lines[4:]...))
	rehash(t, dir)
	l, fb := lookUpLine(t, dir, 4, 4)
	if l.Passed() || fb.Previous != 0 || !strings.Contains(checksText(l), `FAILED link in the device's chain: no line before it holds its predecessor, ballot 1 of device "station-2"'s chain`) {
		t.Errorf("predecessor removed:\n%s", checksText(l))
	}

	// A line escapes a character of the code: it is still found.
	dir = copySample(t, "sample")
	c = lineCode(t, dir, 5)
	hexCode := c.String()
	escaped := bytes.Replace(lines[4], []byte(`"code":"`+hexCode), []byte(`"code":"\u00`+hex2(hexCode[0])+hexCode[1:]), 1)
	if bytes.Equal(escaped, lines[4]) {
		t.Fatal("no code member")
	}
	writeLines(t, filepath.Join(dir, "ballots.jsonl"), append(append(lines[:4:4], escaped), lines[5:]...))
	rehash(t, dir)
	lookUpLine(t, dir, 5, 5)

	// An accepted line whose proofs do not verify (the rule sample's
	// refused line 4, written as accepted).
	dir = copySample(t, "rule-sample")
	p = filepath.Join(dir, "ballots.jsonl")
	rl := readLines(t, p)
	v := obj(decodeJSON(t, rl[3]))
	rl[3] = encodeJSONLine(t, map[string]any{"ballot": obj(v["refused"])["ballot"]})
	writeLines(t, p, rl)
	rehash(t, dir)
	l, fb = lookUpLine(t, dir, 4, 4)
	if l.Passed() || fb.Fate != election.FateCounted || !strings.Contains(checksText(l), "FAILED shape and proofs: the record accepts it, but refused (proof): contest 0: selection 0: range proof does not verify") {
		t.Errorf("accepted with bad proofs: %s\n%s", fb.Fate, checksText(l))
	}

	// A line refused for its proofs, whose proofs verify.
	dir = copySample(t, "sample")
	p = filepath.Join(dir, "ballots.jsonl")
	sl := readLines(t, p)
	v = obj(decodeJSON(t, sl[4]))
	sl[4] = encodeJSONLine(t, map[string]any{"refused": map[string]any{"step": "proof", "contest": 0, "selection": 0, "ballot": v["ballot"]}})
	writeLines(t, p, sl)
	rehash(t, dir)
	l, fb = lookUpLine(t, dir, 5, 5)
	if l.Passed() || fb.Fate != election.FateRefused || !strings.Contains(checksText(l), "FAILED shape and proofs: its line records a refusal (proof), but the steps of one ballot find nothing wrong with it") {
		t.Errorf("refused with good proofs: %s\n%s", fb.Fate, checksText(l))
	}

	// Under one-ballot-per-credential, a later cast ballot of the same
	// credential written as accepted (the rule sample's line 8, refused
	// by the policy).
	dir = copySample(t, "rule-sample")
	p = filepath.Join(dir, "ballots.jsonl")
	rl = readLines(t, p)
	v = obj(decodeJSON(t, rl[7]))
	rl[7] = encodeJSONLine(t, map[string]any{"ballot": obj(v["refused"])["ballot"]})
	writeLines(t, p, rl)
	rehash(t, dir)
	l, fb = lookUpLine(t, dir, 5, 5)
	if l.Passed() || fb.Fate != election.FateCounted || !strings.Contains(checksText(l), "FAILED the credential policy: line 8 holds a later cast ballot of the same credential, accepted") {
		t.Errorf("two accepted cast ballots of one credential: %s\n%s", fb.Fate, checksText(l))
	}
	l, fb = lookUpLine(t, dir, 8, 8)
	if l.Passed() || fb.Fate != election.FateCounted || !strings.Contains(checksText(l), "FAILED the credential policy: line 5 holds an earlier cast ballot of the same credential, accepted") {
		t.Errorf("the second accepted cast ballot of one credential: %s\n%s", fb.Fate, checksText(l))
	}
}

// hex2 returns the two hexadecimal digits of byte c, for a JSON escape.
func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

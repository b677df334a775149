package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/digits"
)

// TestLookupCommand builds the verifier once and runs its -code mode (and
// the checks of Persian names) as processes.
func TestLookupCommand(t *testing.T) {
	bin := buildVerifier(t)
	run := func(t *testing.T, args ...string) (int, string, string) {
		t.Helper()
		return runVerifier(t, bin, args...)
	}
	t.Run("fates", func(t *testing.T) { testLookupFates(t, run) })
	t.Run("persian", func(t *testing.T) { testLookupPersian(t, run) })
	t.Run("bad_input", func(t *testing.T) { testLookupBadInput(t, run) })
	t.Run("not_found", func(t *testing.T) { testLookupNotFound(t, run) })
	t.Run("failed_check", func(t *testing.T) { testLookupFailedCheck(t, run) })
	t.Run("two_ballots", func(t *testing.T) { testLookupTwoBallots(t, run) })
	t.Run("names", func(t *testing.T) { testNamesVotersCannotTellApart(t, run) })
}

// runner runs the verifier binary with args and returns its exit status,
// standard output and standard error.
type runner func(t *testing.T, args ...string) (int, string, string)

const (
	sampleRecord = "../../election/testdata/sample"
	ruleRecord   = "../../election/testdata/rule-sample"
)

// shortOfLine returns the short confirmation code of the ballot on line n
// of the record's ballots.jsonl, as a voter's receipt prints it.
func shortOfLine(t *testing.T, dir string, n int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "ballots.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := ballot.ParseBoxLine(bytes.Split(data, []byte("\n"))[n-1])
	if err != nil || l.Ballot == nil {
		t.Fatalf("line %d: %v", n, err)
	}
	return l.Ballot.ConfirmationCode().Short()
}

// TestLookupFates runs verifier -code as a process on the sample records:
// a cast ballot that counts, one superseded by a revote (naming the line),
// a challenged one (its opened choices with codes and names), and refused
// ones (the step, the place and why); each exits with 0. (Before -code,
// each exited with 2: "flag provided but not defined".)
func testLookupFates(t *testing.T, run runner) {
	for _, tc := range []struct {
		name string
		dir  string
		line int
		want []string
	}{
		{"counted", sampleRecord, 5, []string{
			`Ballot "station-2/2", line 5 of ballots.jsonl`,
			`signed by          device "station-2", ballot 2 of its chain`,
			"CAST AND COUNTED, as the record's lines say",
			`ok          link in the device's chain (part of check 9): its predecessor, ballot 1 of device "station-2"'s chain, confirmation code 1ec280af`,
			"is on line 4; the device's ballot on line 11 names it as its predecessor",
			"ok          shape and proofs (part of check 6)",
			"ok          ballots.jsonl is the file the index lists (part of check 15)",
			"Whether a ballot counts is decided by the verification of the whole record (checks 6 to 11",
		}},
		{"superseded", sampleRecord, 8, []string{
			`Ballot "remote/10-6a58a88d", line 8`,
			"signed by          credential e260754b",
			"CAST, THEN SUPERSEDED: the ballot box accepted this cast ballot, but its credential voted\n  again on line 17, which replaces it",
		}},
		{"revote that counts", sampleRecord, 17, []string{
			"CAST AND COUNTED, as the record's lines say",
			"It replaces the credential's earlier ballot, on line 8.",
		}},
		{"challenged", sampleRecord, 4, []string{
			"CHALLENGED AND OPENED: this ballot was challenged instead of cast, and is never counted.",
			"Compare them with what you chose",
			"Contest \"board\" (Board of directors: vote for up to 7): 7 chosen\n    103  Cyrus Tehrani\n    104  Darya Hosseini\n    106  Farhad Jafari\n    108  Hamid Rezaei\n    110  Jamshid Nouri\n    112  Laleh Bahrami\n    115  Omid Shirazi\n",
			"ok          shape and opening (part of check 10)",
		}},
		{"refused for a proof", ruleRecord, 4, []string{
			`REFUSED, NOT COUNTED: the ballot box refused this ballot at the acceptance rule's step "proof", contest "board", candidate 1 (A):`,
			"range proof does not verify (and 6 other proofs).",
		}},
		{"refused as a fork", ruleRecord, 17, []string{
			`step "chain-fork":`,
			`its place in device "d3"'s chain, sequence 1, was already taken by the ballot on line 11 (a fork).`,
		}},
		{"refused by the credential policy", ruleRecord, 8, []string{
			`step "credential-policy":`,
			"its credential had already cast the ballot on line 5, and the election allows one per credential.",
		}},
		{"refused for a repeated nonce", ruleRecord, 2, []string{
			`step "duplicate", contest "board", candidate 2 (B):`,
			"the first component of the ciphertext repeats one of the same ballot (a reused nonce).",
		}},
		{"refused challenged ballot", ruleRecord, 6, []string{
			`step "challenge":`,
			"the nonce seed does not open the ciphertext",
		}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			code, out, errOut := run(t, "-code", shortOfLine(t, tc.dir, tc.line), tc.dir)
			if code != 0 {
				t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// testLookupPersian: a short code typed with Persian or Arabic-Indic
// digits, lowercase, with Persian punctuation and marks between groups,
// finds the ballot (before, MatchesShort refused "۷"); with -digits fa
// the numbers of the text are in Persian digits, the hexadecimal codes
// and identifiers in theirs.
func testLookupPersian(t *testing.T, run runner) {
	short := shortOfLine(t, sampleRecord, 4) // challenged: its choices carry codes
	for _, typed := range []string{
		digits.Persian(short),
		strings.ToLower(strings.NewReplacer("2", "٢", "3", "٣", "-", "، ").Replace(short)),
		"\u200f" + strings.ReplaceAll(digits.Persian(short), "-", "ـ") + "\u200f",
	} {
		if typed == short {
			t.Fatalf("%s has no digit to write in Persian", short)
		}
		code, out, errOut := run(t, "-code", typed, sampleRecord)
		if code != 0 || !strings.Contains(out, `Ballot "station-2/1", line 4 of ballots.jsonl`) {
			t.Errorf("-code %q: exit %d\n%s%s", typed, code, out, errOut)
		}
	}
	code, out, errOut := run(t, "-digits", "fa", "-code", short, sampleRecord)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, w := range []string{
		"Looking up " + digits.Persian(short) + ` in the record of election "guild-union-board-1404"`,
		"ballots.jsonl has ۲۰ lines",
		`Ballot "station-2/1", line ۴ of ballots.jsonl`,
		"    ۱۰۳  Cyrus Tehrani\n",
		"(checks ۶ to ۱۱",
		"(in full: 1ec280afce05eb6dccc5ee9892f7cc6b1aa31d8972340a0de73e2339ba152288)",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("-digits fa: the output lacks %q:\n%s", w, out)
		}
	}
}

// testLookupBadInput: a code with a character that short codes do not
// use exits with 2 and names the character and its place; so does a code
// of the wrong length, -code with a flag of the record's verification, and
// a missing record. (Before -code, these exited with 2 naming the
// undefined flag, not the character: the messages are what is tested.)
func testLookupBadInput(t *testing.T, run runner) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-code", "KZ3Q-8MWA-PBXT-2D4E", sampleRecord},
			`verifier: -code: short confirmation code "KZ3Q-8MWA-PBXT-2D4E": character 6, '8' (U+0038 DIGIT EIGHT), is the digit 8, which short codes do not use (their digits are 2 to 7; 8 may be the letter B)`},
		{[]string{"-code", "KZ3Q-۷MWA-PBXT-۲D۴۰", sampleRecord},
			`character 19, '۰' (U+06F0 EXTENDED ARABIC-INDIC DIGIT ZERO), is the digit 0`},
		{[]string{"-code", "\u041aZ3Q-7MWA-PBXT-2D4E", sampleRecord},
			`character 1, 'К' (U+041A CYRILLIC CAPITAL LETTER KA), is not a letter A–Z, a digit 2–7 or a separator`},
		{[]string{"-code", "نظ۳ض-۷MWA-PBXT-2D4E", sampleRecord}, // typed with a Persian keyboard layout
			`character 1, 'ن' (U+0646 ARABIC LETTER NOON), is not a letter A–Z, a digit 2–7 or a separator (the code's letters are Latin: type them with the keyboard set to English)`},
		{[]string{"-code", "KZ3Q-7MWA-PBXT", sampleRecord},
			`"KZ3Q-7MWA-PBXT": 12 letters and digits, but a short code has 16 (four groups of four)`},
		{[]string{"-code", "", sampleRecord}, `verifier: -code: short confirmation code "": 0 letters and digits`},
		{[]string{"-code", "KZ3Q-7MWA-PBXT-2D4E", "-json", sampleRecord}, "verifier: -code looks up one ballot and prints text; it does not take -json"},
		{[]string{"-code", "KZ3Q-7MWA-PBXT-2D4E", filepath.Join(t.TempDir(), "none")}, "verifier: election: "},
		{[]string{"-code", "KZ3Q-7MWA-PBXT-2D4E"}, "Usage: verifier"},
		{[]string{"-digits", "ar", "-code", "KZ3Q-7MWA-PBXT-2D4E", sampleRecord}, `invalid value "ar" for flag -digits: "ar" is not latin or fa`},
	} {
		code, out, errOut := run(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%q: exit %d, want 2 and a message with\n%s\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.want, out, errOut)
		}
	}
}

// testLookupNotFound: a well-formed code that no ballot has exits with 3
// and says so (before -code: exit 2, flag not defined).
func testLookupNotFound(t *testing.T, run runner) {
	short := shortOfLine(t, sampleRecord, 5)
	other := strings.Replace(short, short[:1], map[bool]string{true: "B", false: "A"}[short[0] == 'A'], 1)
	code, out, errOut := run(t, "-code", other, sampleRecord)
	if code != 3 || !strings.Contains(out, "NOT FOUND: no ballot in ballots.jsonl has the confirmation code "+other+".") {
		t.Errorf("exit %d, want 3\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "Checked in the record:\n    ok          the election's parameters") {
		t.Errorf("the record's checks are not printed:\n%s", out)
	}
}

// testLookupFailedCheck: a ballot whose chain link the record breaks (its
// predecessor's line removed) is found, and the lookup exits with 1.
func testLookupFailedCheck(t *testing.T, run runner) {
	dir := copyDir(t, sampleRecord)
	p := filepath.Join(dir, "ballots.jsonl")
	data, _ := os.ReadFile(p)
	lines := bytes.SplitAfter(data, []byte("\n"))
	short := shortOfLine(t, dir, 5)
	os.WriteFile(p, bytes.Join(append(lines[:3:3], lines[4:]...), nil), 0o644)
	code, out, errOut := run(t, "-code", short, dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, w := range []string{
		`FAILED      link in the device's chain (part of check 9): no line before it holds its predecessor`,
		"FAILED      ballots.jsonl is the file the index lists (part of check 15): the SHA-256 of ballots.jsonl is",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("the output lacks %q:\n%s", w, out)
		}
	}
}

// testLookupTwoBallots: when two lines hold ballots with the code (a line
// written twice here; two different ballots would need an 80-bit
// collision), both are shown, and the lookup exits with 1.
func testLookupTwoBallots(t *testing.T, run runner) {
	dir := copyDir(t, sampleRecord)
	p := filepath.Join(dir, "ballots.jsonl")
	data, _ := os.ReadFile(p)
	lines := bytes.SplitAfter(data, []byte("\n"))
	os.WriteFile(p, append(data, lines[4]...), 0o644)
	code, out, errOut := run(t, "-code", shortOfLine(t, dir, 5), dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, w := range []string{
		"2 BALLOTS HAVE THIS SHORT CODE.",
		`Ballot "station-2/2", line 5 of ballots.jsonl`,
		`Ballot "station-2/2", line 21 of ballots.jsonl`,
		"FAILED      one ballot per short code (part of check 8): lines 5 and 21 hold ballots with this short code",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("the output lacks %q:\n%s", w, out)
		}
	}
}

// testNamesVotersCannotTellApart: the verifier refuses a record whose
// manifest has "علی" and "علي" as two candidates of one contest: check 1
// fails, naming both (before, check 1 failed only for the manifest hash
// that the edit changes).
func testNamesVotersCannotTellApart(t *testing.T, run runner) {
	dir := copyDir(t, sampleRecord)
	p := filepath.Join(dir, "election.json")
	data, _ := os.ReadFile(p)
	data = bytes.Replace(data, []byte(`"Azadeh Karimi"`), []byte(`"علی"`), 1)
	data = bytes.Replace(data, []byte(`"Bijan Moradi"`), []byte(`"علي"`), 1)
	os.WriteFile(p, data, 0o644)
	code, out, errOut := run(t, "-q", dir)
	if code != 1 || !strings.Contains(out, `candidate 1: name "علي" reads as the name "علی" of candidate 0: voters could not tell the two apart`) {
		t.Errorf("exit %d, want 1 and the names\n%s%s", code, out, errOut)
	}
}

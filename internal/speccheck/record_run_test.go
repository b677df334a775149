package speccheck

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const sampleRecord = "../../election/testdata/sample"

func TestSampleRecord(t *testing.T) {
	rc := runRecordCheck(sampleRecord)
	for _, f := range rc.findings {
		t.Error(f)
	}
	t.Logf("checked: %v, counted ballots %d", rc.stats, len(rc.counted))
	// The sample's description (80-record.md, "Test vectors"): 10 voters at two
	// stations, one challenged ballot, two remote voters of whom one votes
	// again, 3 trustees with threshold 2, one absent at decryption.
	want := map[string]int{
		"device openings":                        2,
		"challenged ballots opened":              1,
		"cast ballots whose proofs were checked": 13,
		"share lists verified":                   2,
		"totals checked against the combination": 15,
		"files hashed":                           15,
	}
	for k, v := range want {
		if rc.stats[k] != v {
			t.Errorf("%s: %d, want %d", k, rc.stats[k], v)
		}
	}
	if len(rc.counted) != 12 {
		t.Errorf("%d counted ballots, want 12", len(rc.counted))
	}
}

// ruleSample is a record with refused ballots of every kind the property
// test of the acceptance rule makes (80-record.md, "Test vectors").
const ruleSample = "../../election/testdata/rule-sample"

func TestRuleSampleRecord(t *testing.T) {
	rc := runRecordCheck(ruleSample)
	for _, f := range rc.findings {
		t.Error(f)
	}
	t.Logf("checked: %v, counted ballots %d", rc.stats, len(rc.counted))
	for _, check := range []string{"chain-fork", "duplicate", "credential-policy", "proof", "challenge"} {
		if rc.stats["refused ballots judged ("+check+")"] == 0 {
			t.Errorf("no ballot refused for %s was judged", check)
		}
	}
	if len(rc.counted) == 0 {
		t.Error("no ballot counts")
	}
}

// TestRuleSampleTampered: the verdicts of the acceptance rule are checked
// line by line; a box that writes another verdict is found out.
func TestRuleSampleTampered(t *testing.T) {
	lineWith := func(t *testing.T, dir, substr string) int {
		b, _ := os.ReadFile(filepath.Join(dir, "ballots.jsonl"))
		for i, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, substr) {
				return i + 1
			}
		}
		t.Fatalf("no line with %q", substr)
		return 0
	}
	for _, tc := range []struct {
		name, want string
		edit       func(t *testing.T, dir string)
	}{
		{"refused ballot written as accepted", "written accepted, the rule says refused proof", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", lineWith(t, dir, `"step":"proof"`), func(m map[string]any) {
				r := m["refused"].(map[string]any)
				delete(m, "refused")
				m["ballot"] = r["ballot"]
			})
		}},
		{"refused ballot, another check", "written refused duplicate", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", lineWith(t, dir, `"step":"proof"`), func(m map[string]any) {
				m["refused"].(map[string]any)["step"] = "duplicate"
			})
		}},
		{"refused ballot, another place", "the rule says refused duplicate", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", lineWith(t, dir, `"step":"duplicate"`), func(m map[string]any) {
				m["refused"].(map[string]any)["selection"] = json.Number("2")
			})
		}},
		{"accepted ballot written as refused", "the rule says accepted", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", lineWith(t, dir, `{"ballot":{"ballotId":"c`), func(m map[string]any) {
				m["refused"] = map[string]any{"step": "proof", "contest": json.Number("0"), "selection": json.Number("0"), "ballot": m["ballot"]}
				delete(m, "ballot")
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, ruleSample)
			tc.edit(t, dir)
			findings := checkRecord(dir)
			found := false
			for _, f := range findings {
				found = found || strings.Contains(f, tc.want)
			}
			if !found {
				t.Errorf("no finding says %q; findings:\n%s", tc.want, strings.Join(findings, "\n"))
			}
		})
	}
}

// TestGeneratedRecords checks records made by the example program, with other
// numbers of voters, trustees and thresholds than the sample, and a tie-break
// seed. It runs `go run ./examples/election`, so it is skipped with -short.
func TestGeneratedRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run ./examples/election")
	}
	for _, args := range [][]string{
		{"-voters", "30", "-seed", "speccheck"},
		{"-voters", "40", "-seed", "speccheck tie-break", "-trustees", "4", "-threshold", "2", "-tiebreak", "public draw 2025", "-replace-device"},
	} {
		out := filepath.Join(t.TempDir(), "record")
		cmd := exec.Command("go", append([]string{"run", "./examples/election", "-q", "-out", out}, args...)...)
		cmd.Dir = "../.."
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, b)
		}
		rc := runRecordCheck(out)
		for _, f := range rc.findings {
			t.Errorf("%v: %s", args, f)
		}
		t.Logf("%v: checked %v, counted ballots %d", args, rc.stats, len(rc.counted))
		if slices.Contains(args, "-replace-device") && (rc.stats["incidents"] != 2 || rc.stats["device openings"] != 3 || rc.stats["device closings"] != 2) {
			t.Errorf("%v: the replacement was not checked: %v", args, rc.stats)
		}
		if rc.stats["cast ballots whose proofs were checked"] < 30 || rc.stats["challenged ballots opened"] < 2 || rc.stats["totals checked against the combination"] != 15 {
			t.Errorf("%v: too little was checked: %v", args, rc.stats)
		}
	}
}

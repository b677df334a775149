package speccheck

import (
	"os/exec"
	"path/filepath"
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

// TestGeneratedRecords checks records made by the example program, with other
// numbers of voters, trustees and thresholds than the sample, and a tie-break
// seed. It runs `go run ./examples/election`, so it is skipped with -short.
func TestGeneratedRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run ./examples/election")
	}
	for _, args := range [][]string{
		{"-voters", "30", "-seed", "speccheck"},
		{"-voters", "40", "-seed", "speccheck tie-break", "-trustees", "4", "-threshold", "2", "-tiebreak", "public draw 2025"},
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
		if rc.stats["cast ballots whose proofs were checked"] < 30 || rc.stats["challenged ballots opened"] < 2 || rc.stats["totals checked against the combination"] != 15 {
			t.Errorf("%v: too little was checked: %v", args, rc.stats)
		}
	}
}

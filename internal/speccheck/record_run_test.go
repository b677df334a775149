package speccheck

import (
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

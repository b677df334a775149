package speccheck

import (
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// weightedSample is the record of a weighted election (80-record.md, "Test
// vectors"): six remote members with weights 1 … 1000, one of whom votes
// again, 3 trustees with threshold 2.
const weightedSample = "../../election/testdata/weighted-sample"

// TestWeightedSampleRecord checks the weighted sample from the spec alone:
// the weighted credential list and manifest in the base hash, the weighted
// sums Σ w·C of the counted ballots (each credential's last ballot, with
// its weight), the decryption of both halves of the list and the results'
// weighted and unweighted counts.
func TestWeightedSampleRecord(t *testing.T) {
	rc := runRecordCheck(weightedSample)
	for _, f := range rc.findings {
		t.Error(f)
	}
	if rc.e == nil || rc.e.weights == nil {
		t.Fatal("the weighted sample's credential list has no weights")
	}
	if len(rc.counted) != 6 {
		t.Errorf("%d counted ballots, want 6", len(rc.counted))
	}
	// 15 candidates, each with a weighted and an unweighted total.
	if got := rc.stats["shares verified"]; got != 2*2*15 {
		t.Errorf("%d shares verified, want 60 (2 trustees × 15 selections × 2)", got)
	}
}

// editTally rewrites tally/encrypted.json after f, with its "hash" member
// recomputed from the spec's encoding, so that the file decodes.
func editTally(t *testing.T, dir string, f func(et *encryptedTallyJSON)) {
	t.Helper()
	editFile(t, dir, "tally/encrypted.json", func(b []byte) []byte {
		var et encryptedTallyJSON
		if err := json.Unmarshal(b, &et); err != nil {
			t.Fatal(err)
		}
		f(&et)
		et.Hash = hex.EncodeToString(h256(et.encode()))
		out, _ := json.MarshalIndent(&et, "", "  ")
		return append(out, '\n')
	})
}

func TestWeightedSampleTampered(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(t *testing.T, dir string)
		wants []string
	}{
		{"weighted sum that ignores the weights", func(t *testing.T, dir string) {
			editTally(t, dir, func(et *encryptedTallyJSON) {
				s := &et.Contests[0].Selections[0]
				c := s.Ciphertext
				s.Weighted = &c
			})
		}, []string{`check 11: tally/encrypted.json: contest "board": candidate 101: not the weighted sum`}},
		{"a weight counted twice in the total weight", func(t *testing.T, dir string) {
			editTally(t, dir, func(et *encryptedTallyJSON) { *et.Weight += 7 })
		}, []string{"check 11: tally/encrypted.json: weight"}},
		{"weight changed in the credential list", func(t *testing.T, dir string) {
			editFile(t, dir, "credentials.json", func(b []byte) []byte {
				re := regexp.MustCompile(`"weight": ([0-9]+)`)
				m := re.FindSubmatch(b)
				w, _ := strconv.Atoi(string(m[1]))
				return []byte(strings.Replace(string(b), string(m[0]), `"weight": `+strconv.Itoa(w%1000+1), 1))
			})
		}, []string{"check 5: credentials.json: count or hash", "check 1: election.json: baseHash"}},
		{"unweighted count in the results", func(t *testing.T, dir string) {
			editFile(t, dir, "results.json", func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"unweighted": `, `"unweighted": 1`, 1))
			})
		}, []string{"check 14: results.json differs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, weightedSample)
			tc.edit(t, dir)
			findings := checkRecord(dir)
			for _, w := range tc.wants {
				found := false
				for _, f := range findings {
					found = found || strings.HasPrefix(f, w)
				}
				if !found {
					t.Errorf("no finding starts with %q; findings:\n%s", w, strings.Join(findings, "\n"))
				}
			}
		})
	}
}

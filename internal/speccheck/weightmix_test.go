package speccheck

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	r255 "github.com/gtank/ristretto255"
)

// weightedCouncilSample is the record of a weighted election with a codes
// contest (80-record.md, "Test vectors"): 12 remote members of weights 1,
// 4, 14 and 50, five of whose rows are forged invalid, 2 mix stages.
const weightedCouncilSample = "../../election/testdata/weighted-council-sample"

// TestWeightedCouncilSampleRecord checks the weighted council sample from
// the spec alone: the input list rebuilt with each counted ballot's weight
// column (its randomness hashed from the base hash, the contest and the
// confirmation code: stage 0 must have mixed exactly that list), the
// stages, the shares of the rows of width 3, the weight column decoded
// first and the codes after it, each line byte for byte, and the weighted
// and unweighted counts of the results.
func TestWeightedCouncilSampleRecord(t *testing.T) {
	rc := runRecordCheck(weightedCouncilSample)
	for _, f := range rc.findings {
		t.Error(f)
	}
	t.Logf("checked: %v", rc.stats)
	for k, v := range map[string]int{"weight columns made": 12, "mix stages accepted": 2, "rows decoded": 12, "row share lists verified": 2} {
		if rc.stats[k] != v {
			t.Errorf("%s: %d, want %d", k, rc.stats[k], v)
		}
	}
	co := rc.codes[0]
	if co == nil || co.invalid != 5 {
		t.Fatalf("codes outcome %+v, want 5 invalid rows", co)
	}
	var weighted, unweighted uint64
	for j := range co.totals {
		weighted += co.totals[j]
		unweighted += co.unweighted[j]
	}
	if weighted <= unweighted || rc.stats["row weight counted"] < 7 {
		t.Errorf("weighted %d, unweighted %d, weight of the valid rows %d", weighted, unweighted, rc.stats["row weight counted"])
	}
}

// TestWeightedCouncilSampleTampered: misstated weights are found by the
// check the spec names.
func TestWeightedCouncilSampleTampered(t *testing.T) {
	firstWeight := regexp.MustCompile(`"weight":([0-9]+)`)
	for _, tc := range []struct {
		name  string
		edit  func(t *testing.T, dir string)
		wants []string
	}{
		{"weight of a decoded row", func(t *testing.T, dir string) {
			editFile(t, dir, "mixnet/0/decrypted.jsonl", func(b []byte) []byte {
				m := firstWeight.FindSubmatch(b)
				w := "1"
				if string(m[1]) == "1" {
					w = "4"
				}
				return []byte(strings.Replace(string(b), string(m[0]), `"weight":`+w, 1))
			})
		}, []string{"check 19: mixnet/0/decrypted.jsonl line 1: row 0: published"}},
		{"weighted count in the results", func(t *testing.T, dir string) {
			editFile(t, dir, "results.json", func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"count": `, `"count": 1`, 1))
			})
		}, []string{"check 20: results.json differs"}},
		{"unweighted count in the results", func(t *testing.T, dir string) {
			editFile(t, dir, "results.json", func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"unweighted": `, `"unweighted": 1`, 1))
			})
		}, []string{"check 20: results.json differs"}},
		{"a weight changed in the credential list", func(t *testing.T, dir string) {
			// Another weight in the list: another list hash and base hash,
			// and the input list's weight column of that member changes,
			// so that stage 0 did not mix it.
			editFile(t, dir, "credentials.json", func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"weight": 4`, `"weight": 14`, 1))
			})
		}, []string{"check 5: credentials.json", "check 1: election.json: baseHash"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, weightedCouncilSample)
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

// TestWeightedRowsVectors decodes every row of
// tally/testdata/weighted-rows.json from its plaintexts alone, by
// "Weighted rows" (the weight column first) and "Decoding the rows", and
// must produce the stored line byte for byte: codes, weight, verdict and
// reason text.
func TestWeightedRowsVectors(t *testing.T) {
	var v struct {
		Comment   string      `json:"comment"`
		MaxWeight uint32      `json:"maxWeight"`
		Contest   contestJSON `json:"contest"`
		Rows      []struct {
			Name    string          `json:"name"`
			Decoded json.RawMessage `json:"decoded"`
		} `json:"rows"`
	}
	readJSON(t, "../../tally/testdata/weighted-rows.json", &v)
	verdicts := map[string]bool{}
	for _, rv := range v.Rows {
		var stored decodedRowJSON
		if err := decodeStrict(rv.Decoded, &stored); err != nil {
			t.Fatalf("%s: %v", rv.Name, err)
		}
		var ms []*r255.Element
		for _, p := range stored.Plaintexts {
			M, err := elementHex(p)
			if err != nil {
				t.Fatalf("%s: %v", rv.Name, err)
			}
			ms = append(ms, M)
		}
		got := decodedRowLine(&v.Contest, v.MaxWeight, ms)
		var line bytes.Buffer
		if err := json.Compact(&line, rv.Decoded); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, line.Bytes()) {
			t.Errorf("%s:\n got %s\nwant %s", rv.Name, got, line.Bytes())
		}
		verdicts[stored.Invalid] = true
	}
	for _, r := range []string{"", "weight", "packing", "too-many-codes", "unsorted-codes"} {
		if !verdicts[r] {
			t.Errorf("no row with verdict %q", r)
		}
	}
}

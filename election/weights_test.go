package election_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/examples/election/guild"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/tally"
)

// weightedRecord is a cooperative's weighted election: 12 remote members
// with weights 1 … 1000, two of whom vote again.
var weightedRecord sharedRun[*guild.Outcome]

func sharedWeightedRecord(t testing.TB) string {
	t.Helper()
	return weightedRecord.get(t, "sandogh-weighted-test-", func(dir string) (*guild.Outcome, error) {
		return guild.Run(guild.Config{Weighted: 1000, RemoteVoters: 12, Revotes: 2, Trustees: 3, Threshold: 2, Seed: "weighted record tests", Out: dir})
	})
}

// credentialWeights reads credentials.json of the record in dir: weight by
// hexadecimal key.
func credentialWeights(t testing.TB, dir string) map[string]uint64 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "credentials.json"))
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		Keys []struct {
			Key    string `json:"key"`
			Weight uint64 `json:"weight"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	out := map[string]uint64{}
	for _, k := range j.Keys {
		out[k.Key] = k.Weight
	}
	return out
}

// TestWeightedRecordVerifies: the record verifies, and its tally's total
// weight is the sum of the weights of the credentials that cast a ballot,
// each once although two of them voted twice (computed here from
// credentials.json and ballots.jsonl, not by the verifier).
func TestWeightedRecordVerifies(t *testing.T) {
	dir := sharedWeightedRecord(t)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the weighted record is invalid: %v", rep.Findings)
	}
	weights := credentialWeights(t, dir)
	voted := map[string]bool{}
	casts := 0
	for _, l := range readLines(t, filepath.Join(dir, "ballots.jsonl")) {
		if b, ok := obj(decodeJSON(t, l))["ballot"]; ok && obj(b)["state"] == "cast" {
			voted[obj(b)["credential"].(string)] = true
			casts++
		}
	}
	var want uint64
	for k := range voted {
		if weights[k] == 0 {
			t.Fatalf("credential %s has no weight", k)
		}
		want += weights[k]
	}
	if casts != len(voted)+2 {
		t.Fatalf("%d cast ballots of %d credentials, want 2 revotes", casts, len(voted))
	}
	var et tally.EncryptedTally
	data, _ := os.ReadFile(filepath.Join(dir, "tally", "encrypted.json"))
	if err := json.Unmarshal(data, &et); err != nil {
		t.Fatal(err)
	}
	if !et.Weighted || et.Weight != want || et.Ballots != uint64(len(voted)) {
		t.Fatalf("tally: weighted %t, weight %d, %d ballots; want weight %d of %d ballots", et.Weighted, et.Weight, et.Ballots, want, len(voted))
	}
	r := weightedRecord.out.Results
	if !r.Weighted || r.Weight != want {
		t.Fatalf("results weigh %d, want %d", r.Weight, want)
	}
}

// editTally rewrites tally/encrypted.json of dir after edit, with its hash
// member and SHA256SUMS made consistent, as a forger would.
func editTally(t testing.TB, dir string, edit func(et *tally.EncryptedTally)) {
	t.Helper()
	p := filepath.Join(dir, "tally", "encrypted.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var et tally.EncryptedTally
	if err := json.Unmarshal(data, &et); err != nil {
		t.Fatal(err)
	}
	edit(&et)
	out, err := json.MarshalIndent(&et, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	rehash(t, dir)
}

// lastCast returns the credential (hex) and the ciphertexts of the
// board contest of the last cast ballot of ballots.jsonl, which counts.
func lastCast(t testing.TB, dir string) (string, []*elgamal.Ciphertext) {
	t.Helper()
	var cred string
	var cts []*elgamal.Ciphertext
	for _, l := range readLines(t, filepath.Join(dir, "ballots.jsonl")) {
		b, ok := obj(decodeJSON(t, l))["ballot"]
		if !ok || obj(b)["state"] != "cast" {
			continue
		}
		cred = obj(b)["credential"].(string)
		cts = nil
		for _, c := range arr(obj(b)["contests"]) {
			for _, s := range arr(obj(c)["selections"]) {
				raw, _ := hex.DecodeString(obj(s)["ciphertext"].(string))
				ct, err := new(elgamal.Ciphertext).SetCanonicalBytes(raw)
				if err != nil {
					t.Fatal(err)
				}
				cts = append(cts, ct)
			}
		}
	}
	return cred, cts
}

// TestWeightedRecordTampered: a record whose tally ignores the weights,
// counts one ballot's weight twice, whose credential list changes a weight
// after the base hash was fixed, or whose results misstate a weighted or an
// unweighted count, is rejected with the check named.
func TestWeightedRecordTampered(t *testing.T) {
	src := sharedWeightedRecord(t)
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, dir string)
		check  election.Check
		parts  []string
	}{
		{"tally ignores the weights", func(t *testing.T, dir string) {
			editTally(t, dir, func(et *tally.EncryptedTally) {
				et.Weight = et.Ballots
				for i := range et.Contests {
					for j := range et.Contests[i].Selections {
						s := &et.Contests[i].Selections[j]
						s.Weighted = new(elgamal.Ciphertext).Set(s.Ciphertext)
					}
				}
			})
		}, election.CheckAggregation, []string{"tally/encrypted.json"}},
		{"tally doubles a weight", func(t *testing.T, dir string) {
			cred, cts := lastCast(t, dir)
			w := credentialWeights(t, dir)[cred]
			editTally(t, dir, func(et *tally.EncryptedTally) {
				et.Weight += w
				s := new(group.Scalar).SetUint64(w)
				for j := range et.Contests[0].Selections {
					sel := &et.Contests[0].Selections[j]
					sel.Weighted.Add(sel.Weighted, new(elgamal.Ciphertext).ScalarMult(s, cts[j]))
				}
			})
		}, election.CheckAggregation, []string{"tally/encrypted.json"}},
		{"a weight changed in the credential list", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "credentials.json")
			data, _ := os.ReadFile(p)
			cred, _ := lastCast(t, dir)
			w := credentialWeights(t, dir)[cred]
			old := `"key": "` + cred + `",` + "\n" + `      "weight": `
			i := strings.Index(string(data), old)
			if i < 0 {
				t.Fatalf("credentials.json does not list %s as expected:\n%.400s", cred, data)
			}
			j := i + len(old)
			k := j + strings.IndexAny(string(data[j:]), "\n}")
			// Another weight within maxWeight 1000, the only change.
			forged := string(data[:j]) + strconv.FormatUint(w%1000+1, 10) + string(data[k:])
			if err := os.WriteFile(p, []byte(forged), 0o644); err != nil {
				t.Fatal(err)
			}
			rehash(t, dir)
		}, election.CheckCredentials, []string{"credentials.json"}},
		{"results misstate an unweighted count", func(t *testing.T, dir string) {
			editJSONFile(t, filepath.Join(dir, "results.json"), func(v any) any {
				st := obj(arr(arr(obj(v)["contests"])[0].(map[string]any)["standings"])[0])
				n, _ := st["unweighted"].(json.Number).Int64()
				st["unweighted"] = json.Number(strconv.FormatInt(n+1, 10))
				return v
			})
			rehash(t, dir)
		}, election.CheckResults, []string{"unweighted"}},
		{"results count every ballot as 1", func(t *testing.T, dir string) {
			editJSONFile(t, filepath.Join(dir, "results.json"), func(v any) any {
				for _, st := range arr(obj(arr(obj(v)["contests"])[0])["standings"]) {
					obj(st)["count"] = obj(st)["unweighted"]
				}
				return v
			})
			rehash(t, dir)
		}, election.CheckResults, []string{"published count"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyTree(t, src)
			tc.tamper(t, dir)
			rep, err := election.Verify(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid() {
				t.Fatal("the tampered record verifies")
			}
			if !hasFinding(rep, tc.check, tc.parts...) {
				t.Fatalf("no finding of check %d (%s) with %q: %v", tc.check, tc.check, tc.parts, rep.Findings)
			}
		})
	}
}

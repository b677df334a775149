package speccheck

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// copyRecord copies the sample record to a temporary folder.
func copyRecord(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(sampleRecord, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(sampleRecord, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func editFile(t *testing.T, dir, name string, f func([]byte) []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	nb := f(b)
	if bytes.Equal(nb, b) {
		t.Fatalf("%s: the edit changed nothing", name)
	}
	if err := os.WriteFile(p, nb, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editLine rewrites line n (from 1) of a JSON-lines file through a JSON map.
func editLine(t *testing.T, dir, name string, n int, f func(map[string]any)) {
	editFile(t, dir, name, func(b []byte) []byte {
		lines := strings.SplitAfter(string(b), "\n")
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(lines[n-1]))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatal(err)
		}
		f(m)
		nb, _ := json.Marshal(m)
		lines[n-1] = string(nb) + "\n"
		return []byte(strings.Join(lines, ""))
	})
}

// recode sets a ballot map's code to the hash of its (changed) body, so that
// the change is found by the proofs or the signature, not by the code.
func recode(t *testing.T, b map[string]any) {
	raw, _ := json.Marshal(b)
	bb, err := buildBallot(raw)
	if err != nil {
		t.Fatal(err)
	}
	b["code"] = hex.EncodeToString(bb.code)
}

// resign signs a ballot map again, as its station would: a dishonest
// station signs whatever it likes. The sample's station keys are the
// demonstration's (examples/election, seeded with "sample record"): the
// Ed25519 seed of station id is SHA-256("sandogh guild example station
// key" ‖ 0x00 ‖ "sample record" ‖ 0x00 ‖ id).
func resign(t *testing.T, b map[string]any) {
	recode(t, b)
	raw, _ := json.Marshal(b)
	bb, err := buildBallot(raw)
	if err != nil {
		t.Fatal(err)
	}
	seed := sha256.Sum256([]byte("sandogh guild example station key\x00sample record\x00" + b["device"].(string)))
	b["signature"] = hex.EncodeToString(ed25519.Sign(ed25519.NewKeyFromSeed(seed[:]), bb.signedMessage()))
}

// firstCastLine is the line of the first cast ballot in the sample's box.
func lineOf(t *testing.T, dir, substr string) int {
	b, _ := os.ReadFile(filepath.Join(dir, "ballots.jsonl"))
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, substr) {
			return i + 1
		}
	}
	t.Fatalf("no line with %q", substr)
	return 0
}

func TestSampleRecordTampered(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(t *testing.T, dir string)
		wants []string // each must prefix some finding
	}{
		{"range proof response", func(t *testing.T, dir string) {
			line := lineOf(t, dir, `"state":"cast"`)
			editLine(t, dir, "ballots.jsonl", line, func(m map[string]any) {
				b := m["ballot"].(map[string]any)
				sel := b["contests"].([]any)[0].(map[string]any)["selections"].([]any)[3].(map[string]any)
				p := sel["proof"].(string)
				sel["proof"] = flipHex(p, len(p)/2-1)
				resign(t, b)
			})
		}, []string{"check 6: ballots.jsonl line 5: ballot \"station-2/2\": written accepted, the rule says refused proof (0, 3): range proof: branch"}},
		{"range proof response, not signed again", func(t *testing.T, dir string) {
			line := lineOf(t, dir, `"state":"cast"`)
			editLine(t, dir, "ballots.jsonl", line, func(m map[string]any) {
				b := m["ballot"].(map[string]any)
				sel := b["contests"].([]any)[0].(map[string]any)["selections"].([]any)[3].(map[string]any)
				p := sel["proof"].(string)
				sel["proof"] = flipHex(p, len(p)/2-1)
				recode(t, b)
			})
		}, []string{"check 7: ballots.jsonl line 5: ballot \"station-2/2\": written accepted, the rule says rejected signature", "check 9: ballots.jsonl line 11: ballot \"station-2/3\": written accepted, the rule says rejected chain-gap"}},
		{"contest proof challenge", func(t *testing.T, dir string) {
			line := lineOf(t, dir, `"state":"cast"`)
			editLine(t, dir, "ballots.jsonl", line, func(m map[string]any) {
				b := m["ballot"].(map[string]any)
				c := b["contests"].([]any)[0].(map[string]any)
				c["proof"] = flipHex(c["proof"].(string), 32*16+2)
				resign(t, b)
			})
		}, []string{"check 6: ballots.jsonl line 5: ballot \"station-2/2\": written accepted, the rule says refused proof (0, -1): contest proof: range proof"}},
		{"code", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", 5, func(m map[string]any) {
				b := m["ballot"].(map[string]any)
				b["code"] = flipHex(b["code"].(string), 0)
			})
		}, []string{"check 6: ballots.jsonl line 5: field code"}},
		{"signature", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", 5, func(m map[string]any) {
				b := m["ballot"].(map[string]any)
				b["signature"] = flipHex(b["signature"].(string), 10)
			})
		}, []string{"check 7: ballots.jsonl line 5:", "check 11:"}},
		{"ballot removed from a chain", func(t *testing.T, dir string) {
			line := lineOf(t, dir, `"ballotId":"station-1/2"`)
			editFile(t, dir, "ballots.jsonl", func(b []byte) []byte {
				lines := strings.SplitAfter(string(b), "\n")
				return []byte(strings.Join(append(lines[:line-1:line-1], lines[line:]...), ""))
			})
		}, []string{"check 9:", "check 11:", "check 15:"}},
		{"challenged ballot seed", func(t *testing.T, dir string) {
			line := lineOf(t, dir, `"state":"challenged"`)
			editLine(t, dir, "ballots.jsonl", line, func(m map[string]any) {
				b := m["ballot"].(map[string]any)
				b["nonceSeed"] = flipHex(b["nonceSeed"].(string), 0)
			})
		}, []string{"check 7:"}},
		{"challenged ballot seed, signed again", func(t *testing.T, dir string) {
			line := lineOf(t, dir, `"state":"challenged"`)
			editLine(t, dir, "ballots.jsonl", line, func(m map[string]any) {
				b := m["ballot"].(map[string]any)
				b["nonceSeed"] = flipHex(b["nonceSeed"].(string), 0)
				resign(t, b)
			})
		}, []string{"check 10: ballots.jsonl line 4: ballot \"station-2/1\": written accepted, the rule says refused challenge (-1, -1)"}},
		{"challenged vote", func(t *testing.T, dir string) {
			editLine(t, dir, "challenged.jsonl", 1, func(m map[string]any) {
				m["vote"].(map[string]any)["board"].(map[string]any)["101"] = 1
			})
		}, []string{"check 10: challenged.jsonl line 1"}},
		{"manifest", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte("Azadeh"), []byte("Azadah"), 1)
			})
		}, []string{"check 1: election.json: manifestHash", "check 1: election.json: baseHash"}},
		{"commitment proof", func(t *testing.T, dir string) {
			editLine(t, dir, "trustees/commitments.jsonl", 2, func(m map[string]any) {
				p := m["proofs"].([]any)[1].(map[string]any)
				p["response"] = flipHex(p["response"].(string), 1)
			})
		}, []string{"check 2: commitments of dealer 2: signature"}},
		// A ciphertext changed, "hash" left: the file does not decode
		// (70-tally.md, "Encrypted tally").
		{"tally ciphertext", func(t *testing.T, dir string) {
			editFile(t, dir, "tally/encrypted.json", func(b []byte) []byte {
				var et encryptedTallyJSON
				json.Unmarshal(b, &et)
				old := et.Contests[0].Selections[4].Ciphertext
				A, _ := elementHex(old[:64])
				return bytes.Replace(b, []byte(old), []byte(hex.EncodeToString(enc(add(A, gen())))+old[64:]), 1)
			})
		}, []string{`check 11: tally/encrypted.json does not decode: hash`}},
		// The same with "hash" recomputed: not the sum of the ballots.
		// Checks 12 and 13 decrypt the sum, so the shares still verify.
		{"tally ciphertext and hash", func(t *testing.T, dir string) {
			editFile(t, dir, "tally/encrypted.json", func(b []byte) []byte {
				var et encryptedTallyJSON
				json.Unmarshal(b, &et)
				oldHash := et.Hash
				old := et.Contests[0].Selections[4].Ciphertext
				A, _ := elementHex(old[:64])
				et.Contests[0].Selections[4].Ciphertext = hex.EncodeToString(enc(add(A, gen()))) + old[64:]
				b = bytes.Replace(b, []byte(old), []byte(et.Contests[0].Selections[4].Ciphertext), 1)
				return bytes.Replace(b, []byte(oldHash), []byte(hex.EncodeToString(h256(et.encode()))), 1)
			})
		}, []string{`check 11: tally/encrypted.json: contest "board": candidate 105`}},
		// A forged count of ballots: reported by check 11; the verifier's
		// discrete logarithms stay bounded by the ballots it counted.
		{"tally ballot count", func(t *testing.T, dir string) {
			editFile(t, dir, "tally/encrypted.json", func(b []byte) []byte {
				var et encryptedTallyJSON
				json.Unmarshal(b, &et)
				oldHash := et.Hash
				et.Ballots = 1 << 40
				b = bytes.Replace(b, []byte(`"ballots": 12,`), []byte(`"ballots": 1099511627776,`), 1)
				return bytes.Replace(b, []byte(oldHash), []byte(hex.EncodeToString(h256(et.encode()))), 1)
			})
		}, []string{`check 11: tally/encrypted.json: base hash, 1099511627776 ballots (counted 12)`}},
		{"threshold", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"threshold": 2,`), []byte(`"threshold": 3,`), 1)
			})
		}, []string{"check 1: election.json: baseHash", "check 3: election.json: threshold 3 is not the ceremony's 2"}},
		{"tie-break seed", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"tieBreakSeed": "73`), []byte(`"tieBreakSeed": "74`), 1)
			})
		}, []string{"check 1: election.json: manifestHash", "check 1: election.json: baseHash"}},
		// The results repeat a seed: not the form of "Results JSON".
		{"seed in the results", func(t *testing.T, dir string) {
			editFile(t, dir, "results.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"ballots": 12,`), []byte(`"ballots": 12, "tieBreakSeed": "00",`), 1)
			})
		}, []string{"check 14: results.json: value: unknown member \"tieBreakSeed\""}},
		{"decryption share response", func(t *testing.T, dir string) {
			editFile(t, dir, "tally/shares/3.json", func(b []byte) []byte {
				var l shareListJSON
				json.Unmarshal(b, &l)
				old := l.Shares[6].Proof.Response
				return bytes.Replace(b, []byte(old), []byte(flipHex(old, 3)), 1)
			})
		}, []string{"check 12: tally/shares/3.json: trustee 3: entry 6:", "check 13: 1 valid share lists, threshold 2"}},
		{"decryption share", func(t *testing.T, dir string) {
			editFile(t, dir, "tally/shares/2.json", func(b []byte) []byte {
				var l shareListJSON
				json.Unmarshal(b, &l)
				old := l.Shares[0].Share
				D, _ := elementHex(old)
				return bytes.Replace(b, []byte(old), []byte(hex.EncodeToString(enc(add(D, gen())))), 1)
			})
		}, []string{"check 12: tally/shares/2.json: trustee 2: entry 0:"}},
		{"count", func(t *testing.T, dir string) {
			editFile(t, dir, "results.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"count": 9,`), []byte(`"count": 10,`), 1)
			})
		}, []string{"check 14: results.json differs"}},
		{"outcome", func(t *testing.T, dir string) {
			editFile(t, dir, "results.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"outcome": "alternate"`), []byte(`"outcome": "main"`), 1)
			})
		}, []string{"check 14: results.json differs"}},
		// Results whose tie was broken by another seed than the
		// manifest's: the two tied candidates swapped, positions and all.
		{"tie broken by another seed", func(t *testing.T, dir string) {
			editFile(t, dir, "results.json", func(b []byte) []byte {
				var r resultsJSON
				if err := json.Unmarshal(b, &r); err != nil {
					t.Fatal(err)
				}
				tie := r.Contests[0].Ties[0]
				st := r.Contests[0].Standings
				f := tie.First - 1
				st[f].Code, st[f+1].Code = st[f+1].Code, st[f].Code
				st[f].Name, st[f+1].Name = st[f+1].Name, st[f].Name
				tie.Candidates[0], tie.Candidates[1] = tie.Candidates[1], tie.Candidates[0]
				out, _ := json.MarshalIndent(r, "", "  ")
				return append(out, '\n')
			})
		}, []string{"check 14: results.json differs"}},
		{"tie", func(t *testing.T, dir string) {
			editFile(t, dir, "results.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"alternateSeats": 3`), []byte(`"alternateSeats": 2`), 1)
			})
		}, []string{"check 14: results.json differs"}},
		// Parser differentials (80-record.md, "Reading JSON"): each edit
		// keeps last the value the record needs.
		{"ballot sequence twice", func(t *testing.T, dir string) {
			editFile(t, dir, "ballots.jsonl", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"device":"station-1","sequence":3,`), []byte(`"device":"station-1","sequence":4,"sequence":3,`), 1)
			})
		}, []string{`check 6: ballots.jsonl line 10: value.ballot: member "sequence" twice`}},
		{"ballot without sequence", func(t *testing.T, dir string) {
			editFile(t, dir, "ballots.jsonl", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"device":"station-1","sequence":3,`), []byte(`"device":"station-1",`), 1)
			})
		}, []string{`check 6: ballots.jsonl line 10: neither a device ballot nor a credential ballot`}},
		{"publicKey twice", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte("\n  \"publicKey\": "), []byte("\n  \"publicKey\": \"e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76\", \"publicKey\": "), 1)
			})
		}, []string{`check 1: election.json: value: member "publicKey" twice`}},
		{"software with an escape", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return regexp.MustCompile(`"software": "[^"]*"`).ReplaceAll(b, []byte(`"software": "sandogh \u001b[2J"`))
			})
		}, []string{`check 1: election.json: software "sandogh \x1b[2J"`}},
		{"software missing", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return regexp.MustCompile(`\s*"software": "[^"]*",`).ReplaceAll(b, nil)
			})
		}, []string{`check 1: election.json: value: required member "software" is missing`}},
		{"manifest limit twice", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"limit": 7,`), []byte(`"limit": 1, "limit": 7,`), 1)
			})
		}, []string{`check 1: election.json: value.manifest.contests[0]: member "limit" twice`}},
		{"vote key 0103", func(t *testing.T, dir string) {
			editFile(t, dir, "challenged.jsonl", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"103":1`), []byte(`"0103":1`), 1)
			})
		}, []string{`check 10: challenged.jsonl line 1: value.vote["board"]: key "0103" is not a u32 in canonical decimal`}},
		{"results without ties", func(t *testing.T, dir string) {
			editFile(t, dir, "results.json", func(b []byte) []byte {
				return regexp.MustCompile(`(?s),\s*"ties": \[.*?\n      \]`).ReplaceAll(b, nil)
			})
		}, []string{`check 14: results.json: value.contests[0]: required member "ties" is missing`}},
		{"credentials count null", func(t *testing.T, dir string) {
			editFile(t, dir, "credentials.json", func(b []byte) []byte {
				return regexp.MustCompile(`"count": \d+`).ReplaceAll(b, []byte(`"count": null`))
			})
		}, []string{`check 5: credentials.json: value.count: null`}},
		{"extra file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
		}, []string{`check 15: "notes.txt" is not in the record's layout`}},
		// A file outside the layout is refused even if the index lists it
		// (80-record.md, "Nothing else may be present").
		{"extra file listed", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "tally", "notes.txt"), []byte("x"), 0o644)
			editFile(t, dir, "SHA256SUMS", func(b []byte) []byte {
				return append(b, "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881  tally/notes.txt\n"...)
			})
		}, []string{`check 15: "tally/notes.txt" is not in the record's layout`}},
		{"blank line", func(t *testing.T, dir string) {
			editFile(t, dir, "ballots.jsonl", func(b []byte) []byte {
				i := bytes.IndexByte(b, '\n')
				return append(b[:i+1:i+1], append([]byte("\n"), b[i+1:]...)...)
			})
		}, []string{"check 6: ballots.jsonl line 2: the line is empty"}},
		// The text rule (50-ballot.md, "Encoding primitives").
		{"override in a contest identifier", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"id": "board"`), []byte(`"id": "board\u202e"`), 1)
			})
		}, []string{`check 1: election.json: manifest: contest 0: identifier: "board\u202e": U+202E at byte 5 is refused`}},
		// An up-to contest without seats (50-ballot.md, "Manifest").
		{"up-to contest without seats", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"seats": 7,`), nil, 1)
			})
		}, []string{"check 1: election.json: manifest: contest 0: kind up-to with seats 0"}},
		{"override in a candidate name", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte("Azadeh"), []byte("Azadeh \u202e"), 1)
			})
		}, []string{"check 1: election.json: manifest: contest 0: candidate"}},
		// Names voters cannot tell apart (50-ballot.md, "Manifest").
		{"Persian and Arabic yeh in two candidate names", func(t *testing.T, dir string) {
			editFile(t, dir, "election.json", func(b []byte) []byte {
				b = bytes.Replace(b, []byte(`"Azadeh Karimi"`), []byte(`"علی"`), 1)
				return bytes.Replace(b, []byte(`"Bijan Moradi"`), []byte(`"علي"`), 1)
			})
		}, []string{`check 1: election.json: manifest: contest 0: candidates 0 and 1: names "\u0639\u0644\u06cc" and "\u0639\u0644\u064a" have the same name key`}},
		{"newline in a device identifier", func(t *testing.T, dir string) {
			line := lineOf(t, dir, `"state":"cast"`)
			editLine(t, dir, "ballots.jsonl", line, func(m map[string]any) {
				m["ballot"].(map[string]any)["device"] = "station-2\nforged"
			})
		}, []string{"check 6: ballots.jsonl line 5: field device:"}},
		{"override in a trustee name", func(t *testing.T, dir string) {
			editFile(t, dir, "trustees/roster.json", func(b []byte) []byte {
				var r rosterJSON
				json.Unmarshal(b, &r)
				old := r.Trustees[0].Name
				return bytes.Replace(b, []byte(`"`+old+`"`), []byte(`"`+old+`\u202e"`), 1)
			})
		}, []string{"check 2: roster: trustee 1: name:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyRecord(t)
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

// The Schnorr proofs of the commitments cannot be tampered with in the record
// without breaking the dealer's signature first; check the proof itself.
func TestCeremonyProofTampered(t *testing.T) {
	dir := sampleRecord
	var roster rosterJSON
	readJSON(t, filepath.Join(dir, "trustees/roster.json"), &roster)
	hc, err := roster.hash()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "trustees/commitments.jsonl"))
	var c commitmentsJSON
	if err := decodeStrict(bytes.SplitN(b, []byte("\n"), 2)[0], &c); err != nil {
		t.Fatal(err)
	}
	for k := range c.Coefficients {
		C, _ := elementHex(c.Coefficients[k])
		for _, tamper := range []bool{false, true} {
			resp := c.Proofs[k].Response
			if tamper {
				resp = flipHex(resp, 2)
			}
			p, err := parseSchnorr(append(mustHex(c.Proofs[k].Commitment), mustHex(resp)...))
			if err != nil {
				t.Fatal(err)
			}
			tr := newTranscript("sandogh-v1 trustee coefficient", hc)
			tr.integer("dealer", uint64(c.Dealer))
			tr.integer("coefficient", uint64(k))
			if err := verifySchnorr(tr, gen(), C, p); (err == nil) == tamper {
				t.Errorf("coefficient %d, tampered %v: %v", k, tamper, err)
			}
		}
	}
}

// TestStrayShareFiles: files in tally/shares that are not a roster
// trustee's list are check 15's findings only; the lists beside them still
// verify and combine (checks 12 and 13 find nothing).
func TestStrayShareFiles(t *testing.T) {
	dir := copyRecord(t)
	list, err := os.ReadFile(filepath.Join(dir, "tally", "shares", "2.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"01.json", "9.json", "notes.txt", "1"} {
		os.WriteFile(filepath.Join(dir, "tally", "shares", name), list, 0o644)
	}
	findings := checkRecord(dir)
	n15 := 0
	for _, f := range findings {
		switch {
		case strings.HasPrefix(f, "check 15: "):
			n15++
		default:
			t.Errorf("unexpected finding: %s", f)
		}
	}
	if n15 != 4 {
		t.Errorf("%d findings of check 15, want one per stray file:\n%s", n15, strings.Join(findings, "\n"))
	}
}

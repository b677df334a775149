package ballot

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

func TestManifestValidateAccepts(t *testing.T) {
	if err := testManifest().Validate(); err != nil {
		t.Fatal(err)
	}
	if err := boardManifest().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestManifestValidateRefuses has one case per validation rule.
func TestManifestValidateRefuses(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *Manifest)
		want   string
	}{
		{"empty election id", func(m *Manifest) { m.ElectionID = "" }, "election identifier is empty"},
		{"long election id", func(m *Manifest) { m.ElectionID = strings.Repeat("x", maxText+1) }, "more than the maximum"},
		{"invalid UTF-8 title", func(m *Manifest) { m.Title = "\xff" }, `title "\xff": byte 0: not valid UTF-8`},
		// Text rules (docs/spec.md, "Encoding primitives"): identifiers hold
		// no control or bidirectional character, names no control and no
		// embedding or override, both are in NFC.
		{"newline in election id", func(m *Manifest) { m.ElectionID = "guild\n2025" }, `election identifier "guild\n2025": byte 5: character U+000A, a control character`},
		{"override in contest id", func(m *Manifest) { m.Contests[1].ID = "council\u202e" }, `contest 1: identifier "council\u202e": byte 7: character U+202E (RIGHT-TO-LEFT OVERRIDE)`},
		{"isolate in contest id", func(m *Manifest) { m.Contests[1].ID = "\u2067x\u2069" }, "which identifiers may not hold"},
		{"C1 in contest title", func(m *Manifest) { m.Contests[1].Title = "a\u009bb" }, "U+009B, a control character"},
		{"override in candidate name", func(m *Manifest) { m.Contests[0].Candidates[3].Name = "Bob \u202eecilA" }, `candidate 3: name "Bob \u202eecilA": byte 4: character U+202E (RIGHT-TO-LEFT OVERRIDE)`},
		{"open isolate in candidate name", func(m *Manifest) { m.Contests[0].Candidates[3].Name = "\u2067علی" }, "that no U+2069 (POP DIRECTIONAL ISOLATE) closes"},
		{"line separator in title", func(m *Manifest) { m.Title = "a\u2028b" }, "U+2028 (LINE SEPARATOR)"},
		{"NFD candidate name", func(m *Manifest) { m.Contests[0].Candidates[3].Name = "Rene\u0301" }, "not in Unicode Normalization Form C"},
		{"unknown policy", func(m *Manifest) { m.Policy = "many" }, "unknown credential policy"},
		{"long tie-break seed", func(m *Manifest) { m.TieBreakSeed = make(TieBreakSeed, MaxTieBreakSeedSize+1) }, "tie-break seed is 65 bytes, more than the maximum 64"},
		{"no contests", func(m *Manifest) { m.Contests = nil }, "no contests"},
		{"empty contest", func(m *Manifest) { m.Contests[2].Candidates = nil }, `contest 2 ("budget"): no candidates`},
		{"empty contest id", func(m *Manifest) { m.Contests[1].ID = "" }, "contest 1: identifier is empty"},
		{"duplicate contest id", func(m *Manifest) { m.Contests[3].ID = "board" }, `contest 3: identifier "board" is also the identifier of contest 0`},
		{"duplicate code", func(m *Manifest) { m.Contests[0].Candidates[9].Code = 102 }, "candidate 9: code 102 is also the code of candidate 1"},
		{"empty candidate name", func(m *Manifest) { m.Contests[1].Candidates[0].Name = "" }, "candidate 0: name is empty"},
		// Names voters cannot tell apart (docs/spec.md, "Manifest").
		{"Persian and Arabic yeh", func(m *Manifest) {
			m.Contests[0].Candidates[0].Name, m.Contests[0].Candidates[4].Name = "علی", "علي"
		}, `contest 0 ("board"): candidate 4: name "علي" reads as the name "علی" of candidate 0: voters could not tell the two apart ("\u0639\u0644\u064a" and "\u0639\u0644\u06cc" are the same`},
		{"Persian and Arabic kaf", func(m *Manifest) {
			m.Contests[0].Candidates[1].Name, m.Contests[0].Candidates[2].Name = "کاوه", "كاوه"
		}, "candidate 2: name \"كاوه\" reads as the name \"کاوه\" of candidate 1"},
		{"names differing in a mark", func(m *Manifest) {
			m.Contests[0].Candidates[1].Name, m.Contests[0].Candidates[2].Name = "Ana", "Ana\u200f"
		}, "candidate 2: name \"Ana\\u200f\" reads as the name \"Ana\" of candidate 1"},
		{"blank candidate name", func(m *Manifest) { m.Contests[1].Candidates[0].Name = " \u200f " }, `candidate 0: name " \u200f " is blank`},
		{"limit zero", func(m *Manifest) { m.Contests[0].Limit = 0 }, "limit is 0"},
		{"limit above candidates", func(m *Manifest) { m.Contests[0].Limit = 16 }, "limit 16 exceeds the 15 candidates"},
		{"exactly above candidates", func(m *Manifest) { m.Contests[1].Limit = 5 }, "limit 5 exceeds the 4 candidates"},
		{"seats and alternates", func(m *Manifest) { m.Contests[0].Alternates = 9 }, "7 seats and 9 alternates exceed the 15 candidates"},
		{"alternates without seats", func(m *Manifest) { m.Contests[1].Alternates = 1 }, "1 alternate but no seats"},
		// A single-winner (or any) up-to contest written without Seats.
		{"up-to without seats", func(m *Manifest) { m.Contests[0].Seats, m.Contests[0].Alternates = 0, 0 }, `contest 0 ("board"): seats is 0, but a contest of kind up-to elects 1 ≤ seats ≤ 15 candidates (seats 1 for a single winner)`},
		{"maxScore on up-to", func(m *Manifest) { m.Contests[0].MaxScore = 3 }, "maxScore is 3, but up-to contests do not use it"},
		{"yes-no with three", func(m *Manifest) { m.Contests[2].Candidates = append(m.Contests[2].Candidates, Candidate{3, "Maybe"}) }, "exactly 2 candidates"},
		{"yes-no with limit", func(m *Manifest) { m.Contests[2].Limit = 1 }, "limit is 1, but yes-no contests do not use it"},
		{"yes-no with seats", func(m *Manifest) { m.Contests[2].Seats = 1 }, "seats is 1, but yes-no contests"},
		{"score without max", func(m *Manifest) { m.Contests[3].MaxScore = 0 }, "maxScore 0 is outside 1..1000"},
		{"score max too large", func(m *Manifest) { m.Contests[3].MaxScore = MaxRange + 1 }, "maxScore 1001 is outside"},
		{"score limit no limit", func(m *Manifest) { m.Contests[3].Limit = 9 }, "is no limit"},
		{"missing kind", func(m *Manifest) { m.Contests[1].Kind = "" }, "kind is missing"},
		{"unknown kind", func(m *Manifest) { m.Contests[1].Kind = "write-in" }, `unknown kind "write-in"`},
		{"too many candidates", func(m *Manifest) {
			m.Contests[3].Candidates = make([]Candidate, MaxCandidates+1)
		}, "exceed the maximum 1000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := testManifest()
			c.mutate(m)
			err := m.Validate()
			if err == nil {
				t.Fatal("invalid manifest accepted")
			}
			if !strings.HasPrefix(err.Error(), "ballot: ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
			if _, err := NewElection(Parameters{Manifest: m}); err == nil {
				t.Fatal("NewElection accepted an invalid manifest")
			}
		})
	}
}

// TestManifestNamesVotersCannotTellApart: a manifest (its JSON form, as
// officials write it) with "علی" (Persian yeh) and "علي" (Arabic yeh) as
// two candidates of one contest is refused; the same name in two contests,
// and names that differ in a letter, are not.
func TestManifestNamesVotersCannotTellApart(t *testing.T) {
	manifest := func(a, b, c string) []byte {
		return []byte(`{"electionId": "coop-1404", "title": "", "credentialPolicy": "one-ballot-per-credential",
			"contests": [
				{"id": "board", "title": "", "kind": "up-to", "limit": 1, "seats": 1, "candidates": [{"code": 1, "name": "` + a + `"}, {"code": 2, "name": "` + b + `"}]},
				{"id": "audit", "title": "", "kind": "up-to", "limit": 1, "seats": 1, "candidates": [{"code": 1, "name": "` + c + `"}, {"code": 2, "name": "مریم"}]}]}`)
	}
	_, err := ParseManifest(manifest("علی", "علي", "رضا"))
	if err == nil || !strings.Contains(err.Error(), `contest 0 ("board"): candidate 1: name "علي" reads as the name "علی" of candidate 0`) {
		t.Errorf("علی and علي in one contest: %v", err)
	}
	for _, ok := range [][3]string{
		{"علی", "علیرضا", "علي"}, // two names; the same name in another contest
		{"علی", "رضا", "علی"},
		{"مهدی‌زاده", "مهدیزاده", "x"}, // ZWNJ shows
	} {
		if _, err := ParseManifest(manifest(ok[0], ok[1], ok[2])); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// TestManifestHashCoversEveryField changes each field of a valid manifest
// in a way that keeps it valid and checks that the hash changes.
func TestManifestHashCoversEveryField(t *testing.T) {
	base := testManifest().Hash()
	mutations := map[string]func(m *Manifest){
		"electionId":       func(m *Manifest) { m.ElectionID += "x" },
		"title":            func(m *Manifest) { m.Title += "x" },
		"policy":           func(m *Manifest) { m.Policy = LastBallotCounts },
		"tie-break seed":   func(m *Manifest) { m.TieBreakSeed[0] ^= 1 },
		"no seed":          func(m *Manifest) { m.TieBreakSeed = nil },
		"longer seed":      func(m *Manifest) { m.TieBreakSeed = append(m.TieBreakSeed, 0) },
		"contest order":    func(m *Manifest) { m.Contests[1], m.Contests[2] = m.Contests[2], m.Contests[1] },
		"contest id":       func(m *Manifest) { m.Contests[1].ID += "x" },
		"contest title":    func(m *Manifest) { m.Contests[1].Title += "x" },
		"kind":             func(m *Manifest) { m.Contests[0].Kind = Exactly },
		"seats on exactly": func(m *Manifest) { m.Contests[1].Seats = 1 },
		"limit":            func(m *Manifest) { m.Contests[0].Limit = 6 },
		"score limit":      func(m *Manifest) { m.Contests[3].Limit = 4 },
		"score no limit":   func(m *Manifest) { m.Contests[3].Limit = 0 },
		"maxScore":         func(m *Manifest) { m.Contests[3].MaxScore = 4 },
		"seats":            func(m *Manifest) { m.Contests[0].Seats = 6 },
		"alternates":       func(m *Manifest) { m.Contests[0].Alternates = 2 },
		"candidate code":   func(m *Manifest) { m.Contests[0].Candidates[3].Code = 999 },
		"candidate name":   func(m *Manifest) { m.Contests[0].Candidates[3].Name += "x" },
		"candidate order":  func(m *Manifest) { cs := m.Contests[1].Candidates; cs[0], cs[1] = cs[1], cs[0] },
		"one more":         func(m *Manifest) { m.Contests[1].Candidates = append(m.Contests[1].Candidates, Candidate{9, "Eve"}) },
		"name/title shift": func(m *Manifest) { m.Title, m.ElectionID = m.ElectionID[:1], m.Title+m.ElectionID[1:] },
	}
	seen := map[[HashSize]byte]string{base: "base"}
	for name, mutate := range mutations {
		m := testManifest()
		mutate(m)
		if err := m.Validate(); err != nil {
			t.Fatalf("%s: mutation made the manifest invalid: %v", name, err)
		}
		h := m.Hash()
		if other, ok := seen[h]; ok {
			t.Errorf("%s: same hash as %s", name, other)
		}
		seen[h] = name
	}
}

func TestManifestJSON(t *testing.T) {
	m := testManifest()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	// The seed is lowercase hexadecimal, after the policy; without a seed
	// the member is left out.
	if want := `"credentialPolicy":"one-ballot-per-credential","tieBreakSeed":"` + hex.EncodeToString(m.TieBreakSeed) + `","contests"`; !strings.Contains(string(data), want) {
		t.Errorf("JSON form %s does not contain %s", data, want)
	}
	m.TieBreakSeed = nil
	if none, _ := json.Marshal(m); strings.Contains(string(none), "tieBreakSeed") {
		t.Errorf("a manifest without a seed has the member: %s", none)
	}
	m = testManifest()
	m2, err := ParseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Hash() != m.Hash() {
		t.Fatal("JSON round trip changed the manifest")
	}
	for name, bad := range map[string]string{
		"unknown field": strings.Replace(string(data), `"title"`, `"titel"`, 1),
		"trailing data": string(data) + `{}`,
		"trailing junk": string(data) + `x`,
		"negative code": strings.Replace(string(data), `"code":101`, `"code":-101`, 1),
		"invalid":       strings.Replace(string(data), `"limit":7`, `"limit":70`, 1),
		"not an object": `[]`,
		"empty seed":    strings.Replace(string(data), `"tieBreakSeed":"`, `"tieBreakSeed":"","x":"`, 1),
		"odd seed":      strings.Replace(string(data), `"tieBreakSeed":"`, `"tieBreakSeed":"0`, 1),
		"upper seed":    strings.Replace(string(data), `"tieBreakSeed":"`, `"tieBreakSeed":"AB`, 1),
		"long seed":     strings.Replace(string(data), `"tieBreakSeed":"`, `"tieBreakSeed":"`+strings.Repeat("00", MaxTieBreakSeedSize), 1),
		"seed number":   strings.Replace(string(data), `"tieBreakSeed":"`, `"tieBreakSeed":7,"x":"`, 1),
	} {
		if _, err := ParseManifest([]byte(bad)); err == nil || !strings.HasPrefix(err.Error(), "ballot: ") {
			t.Errorf("%s: ParseManifest returned %v", name, err)
		}
	}
}

// TestManifestCopied checks that the Election keeps its own copy.
func TestManifestCopied(t *testing.T) {
	m := testManifest()
	f := newFixture(t, m)
	h := f.e.BaseHash()
	m.Contests[0].Candidates[0].Name = "changed"
	m.TieBreakSeed[0] ^= 1
	f.e.Manifest().TieBreakSeed[1] ^= 1
	f.e.Manifest().Contests[0].Limit = 1
	if f.e.ManifestHash() != testManifest().Hash() || f.e.BaseHash() != h || f.e.computeBaseHash() != h {
		t.Fatal("changing the caller's manifest changed the election")
	}
}

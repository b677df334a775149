package election_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
)

const replaceSeed = "replacement tests"

// replacementRecord writes a record of the guild example in which
// station-2's device is replaced mid-day (guild.Config.ReplaceDevice).
func replacementRecord(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "record")
	if _, err := guild.Run(guild.Config{Voters: 40, Challenged: 1, Trustees: 3, Threshold: 2, Seed: replaceSeed, ReplaceDevice: true, Out: dir}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// incidentLines returns the indexes of the incident lines.
func incidentLines(lines [][]byte) []int {
	var out []int
	for i, l := range lines {
		if bytes.HasPrefix(l, []byte(`{"incident":`)) {
			out = append(out, i)
		}
	}
	return out
}

func incidentAt(t *testing.T, l []byte) *ballot.Incident {
	t.Helper()
	var bl struct{ Incident *ballot.Incident }
	if err := json.Unmarshal(l, &bl); err != nil {
		t.Fatal(err)
	}
	return bl.Incident
}

// TestReplacementTampering: the attacks on device replacements and
// incident logs that checks 21 and 22 must catch.
func TestReplacementTampering(t *testing.T) {
	src := replacementRecord(t)
	for _, tc := range []struct {
		name  string
		edit  func(t *testing.T, e *ballot.Election, lines [][]byte) [][]byte
		check election.Check
		want  string
	}{
		{"a replacement without incident", func(t *testing.T, e *ballot.Election, lines [][]byte) [][]byte {
			is := incidentLines(lines)
			if incidentAt(t, lines[is[0]]).Kind != ballot.DeviceReplaced {
				t.Fatal("the first incident is not the replacement")
			}
			return slices.Delete(lines, is[0], is[0]+1)
		}, election.CheckIncidents, "no incident of kind device-replaced"},
		{"reordered incidents", func(t *testing.T, e *ballot.Election, lines [][]byte) [][]byte {
			is := incidentLines(lines)
			lines[is[0]], lines[is[1]] = lines[is[1]], lines[is[0]]
			return lines
		}, election.CheckIncidents, "entries 1..1 are missing"},
		{"a forged incident", func(t *testing.T, e *ballot.Election, lines [][]byte) [][]byte {
			is := incidentLines(lines)
			i := incidentAt(t, lines[is[1]])
			i.Signature[0] ^= 1
			lines[is[1]] = mustLine(t, "incident", i)
			return lines
		}, election.CheckIncidents, "invalid signature"},
		{"an incident of a replacement that did not happen", func(t *testing.T, e *ballot.Election, lines [][]byte) [][]byte {
			is := incidentLines(lines)
			last := incidentAt(t, lines[is[len(is)-1]])
			log, err := ballot.ResumeIncidentLog(e, "hall-2", last.Sequence, last.Code())
			if err != nil {
				t.Fatal(err)
			}
			i, err := log.Record(ballot.IncidentReport{Kind: ballot.DeviceReplaced, At: time.Unix(last.At, 0), Device: "station-2-spare", Replacement: "station-2"}, "hall-2/chair", guild.OfficialKey(replaceSeed, "hall-2/chair"))
			if err != nil {
				t.Fatal(err)
			}
			return append(lines, mustLine(t, "incident", i))
		}, election.CheckIncidents, "but no accepted opening"},
		{"a ballot of the replaced device", func(t *testing.T, e *ballot.Election, lines [][]byte) [][]byte {
			var o *ballot.DeviceOpening
			for _, l := range lines {
				var bl struct{ Opening *ballot.DeviceOpening }
				if bytes.HasPrefix(l, []byte(`{"opening":`)) && json.Unmarshal(l, &bl) == nil && bl.Opening.Replaces != nil {
					o = bl.Opening
				}
			}
			d, err := ballot.ResumeDevice(e, "station-2", guild.StationKey(replaceSeed, "station-2"), o.Replaces.Sequence, o.Replaces.Tip)
			if err != nil {
				t.Fatal(err)
			}
			p, err := d.EncryptBallot(ballot.Vote{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := d.Cast(p)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := b.MarshalJSON()
			return append(lines, append(append([]byte(`{"ballot":`), raw...), "}\n"...))
		}, election.CheckClosings, `was replaced by device "station-2-spare"`},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyTree(t, src)
			r, err := election.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			e, err := r.Election()
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "ballots.jsonl")
			writeLines(t, p, tc.edit(t, e, readLines(t, p)))
			rehash(t, dir)
			rep, err := election.Verify(dir, &election.Options{MaxFindings: -1})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range rep.Findings {
				found = found || f.Check == tc.check && strings.Contains(f.Reason, tc.want)
			}
			if rep.Valid() || !found {
				t.Errorf("no finding of check %d says %q: %v", tc.check, tc.want, rep.Findings)
			}
		})
	}
}

func mustLine(t *testing.T, member string, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(map[string]any{member: v})
	if err != nil {
		t.Fatal(err)
	}
	return append(raw, '\n')
}

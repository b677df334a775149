package guild_test

import (
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
)

// TestReplaceDevice: a run in which station-2's device is replaced mid-day
// writes a record that the verifier accepts, with the replacement's
// opening, the station's incident and the spare's closing.
func TestReplaceDevice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "record")
	out, err := guild.Run(guild.Config{Voters: 40, Challenged: 1, Trustees: 3, Threshold: 2, Seed: "replace device", ReplaceDevice: true, Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("invalid: %v", rep.Findings)
	}
	if rep.Ballots.Openings != 3 || rep.Ballots.Closings != 2 || rep.Ballots.Incidents != 2 || out.Counted == 0 {
		t.Errorf("ballots %+v", rep.Ballots)
	}
	for _, c := range rep.Checks {
		if (c.Check == election.CheckClosings || c.Check == election.CheckIncidents) && c.Verdict != election.Passed {
			t.Errorf("check %d: %v", c.Check, c.Verdict)
		}
	}
}

package election_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
)

// TestNotChecked: when a parameter file does not decode, every check
// whose inputs are unavailable says what it could not check instead of
// passing without its work: checks 2 (the roster's election identifier
// against the manifest's), 4 (the openings need the election), 5 (the
// credential list hash in election.json) and 20 (whether there are codes
// contests at all). Such a check is not checked, not failed, unless it
// found something wrong too; a failed check has a finding, and a check not
// checked says why.
func TestNotChecked(t *testing.T) {
	for _, tc := range []struct {
		file    string
		council bool
		want    []election.Check // each says what it could not check
	}{
		{"election.json", false, []election.Check{election.CheckCeremony, election.CheckDevices, election.CheckCredentials, election.CheckRowResults}},
		{"election.json", true, []election.Check{election.CheckCeremony, election.CheckDevices, election.CheckCredentials, election.CheckRowResults}},
		{"devices.json", false, []election.Check{election.CheckDevices, election.CheckParameters}},
		{"credentials.json", false, []election.Check{election.CheckDevices, election.CheckParameters}},
	} {
		name := tc.file
		if tc.council {
			name += "_council"
		}
		t.Run(name, func(t *testing.T) {
			var dir string
			if tc.council {
				dir = copyCouncil(t)
			} else {
				dir = copyRecord(t)
			}
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte("nonsense\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			rehash(t, dir)
			rep, err := election.Verify(dir, &election.Options{MaxFindings: -1})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid() {
				t.Fatal("the record is valid")
			}
			some := map[election.Check]bool{}
			for _, f := range rep.Findings {
				some[f.Check] = true
				if strings.HasPrefix(f.Reason, "not checked") {
					t.Errorf("a finding says it is not one: %v", f)
				}
			}
			for _, c := range tc.want {
				r := rep.Checks[c-1]
				if len(r.NotChecked) == 0 {
					t.Errorf("check %d (%s) does not say what it could not check", c, c)
				}
				if want := election.NotChecked; some[c] {
					want = election.Failed
				} else if r.Verdict != want {
					t.Errorf("check %d (%s): %v, want %v", c, c, r.Verdict, want)
				}
				t.Logf("check %d: %v: %q", c, r.Verdict, r.NotChecked)
			}
			for _, c := range rep.Checks {
				switch {
				case c.Verdict == election.Failed && !some[c.Check]:
					t.Errorf("check %d failed without a finding", c.Check)
				case c.Verdict != election.Failed && some[c.Check]:
					t.Errorf("check %d has findings and is %v", c.Check, c.Verdict)
				case c.Verdict == election.NotChecked && len(c.NotChecked) == 0:
					t.Errorf("check %d is not checked and does not say why", c.Check)
				case c.Verdict == election.Passed && len(c.NotChecked) > 0:
					t.Errorf("check %d passed, yet could not check %q", c.Check, c.NotChecked)
				}
			}
			// The checks whose inputs are all there still run: the
			// ceremony is verified, and only its comparison with the
			// manifest is not checked.
			if rep.Checks[election.CheckCeremony-1].Verdict == election.Failed {
				t.Errorf("check 2 failed: %v", rep.Findings)
			}
			if len(rep.NotChecked()) == 0 || len(rep.Failed()) == 0 {
				t.Errorf("failed %v, not checked %v", rep.Failed(), rep.NotChecked())
			}
		})
	}
}

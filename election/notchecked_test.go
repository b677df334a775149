package election_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
)

// TestNotChecked: when a parameter file does not decode, every check
// whose inputs are unavailable fails with a "not checked" finding instead
// of passing without its work: checks 2 (the roster's election identifier
// against the manifest's), 4 (the openings need the election), 5 (the
// credential list hash in election.json) and 20 (whether there are codes
// contests at all), and every failed check says why.
func TestNotChecked(t *testing.T) {
	for _, tc := range []struct {
		file    string
		council bool
		want    []election.Check // must fail, each with a "not checked" finding
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
			notChecked := map[election.Check]bool{}
			some := map[election.Check]bool{}
			for _, f := range rep.Findings {
				some[f.Check] = true
				if strings.HasPrefix(f.Reason, "not checked: ") {
					notChecked[f.Check] = true
				}
			}
			for _, c := range tc.want {
				if !notChecked[c] {
					t.Errorf("check %d (%s) has no \"not checked\" finding", c, c)
				}
			}
			for _, c := range rep.Checks {
				if !c.Passed() && !some[c.Check] {
					t.Errorf("check %d failed without a finding", c.Check)
				}
			}
			// The checks whose inputs are all there still run: the
			// ceremony is verified.
			if slices.Contains(rep.Failed(), election.CheckCeremony) && !notChecked[election.CheckCeremony] {
				t.Errorf("check 2 failed for another reason than an unavailable input")
			}
			for _, f := range rep.Findings {
				if slices.Contains(tc.want, f.Check) {
					t.Log(f)
				}
			}
		})
	}
}

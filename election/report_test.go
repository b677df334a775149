package election

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestReportVerdicts: Valid agrees with the verdicts: a report is valid
// only with all twenty checks, each passed or not applicable; one check
// not checked or failed makes it not valid, and Failed and NotChecked name
// them. The JSON form of a check gives its verdict by name.
func TestReportVerdicts(t *testing.T) {
	all := func(v Verdict) *Report {
		r := &Report{}
		for c := Check(1); c <= NumChecks; c++ {
			r.Checks = append(r.Checks, CheckResult{Check: c, Verdict: v})
		}
		return r
	}
	r := all(Passed)
	if !r.Valid() || len(r.Failed()) != 0 || len(r.NotChecked()) != 0 {
		t.Error("every check passed, and the report is not valid")
	}
	for c := CheckMixInput; c <= CheckRowResults; c++ {
		r.Checks[c-1].Verdict = NotApplicable
	}
	if !r.Valid() {
		t.Error("checks 16 to 20 not applicable make the report not valid")
	}
	r.Checks[3].Verdict, r.Checks[3].NotChecked = NotChecked, []string{"the election is unavailable (check 1)"}
	if r.Valid() || !slices.Equal(r.NotChecked(), []Check{CheckDevices}) || len(r.Failed()) != 0 {
		t.Errorf("a check not checked: valid %v, not checked %v", r.Valid(), r.NotChecked())
	}
	r.Checks[0].Verdict, r.Checks[0].Failures = Failed, 1
	if r.Valid() || !slices.Equal(r.Failed(), []Check{CheckParameters}) {
		t.Errorf("a failed check: valid %v, failed %v", r.Valid(), r.Failed())
	}
	if (&Report{Checks: all(Passed).Checks[:NumChecks-1]}).Valid() {
		t.Error("a report without every check is valid")
	}
	if (&Report{}).Valid() || all(0).Valid() {
		t.Error("an empty report, or one of zero verdicts, is valid")
	}
	data, err := json.Marshal(r.Checks[3])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"check":4,"name":"device registrations and openings","verdict":"not checked","items":0,"failures":0,"notChecked":["the election is unavailable (check 1)"]}`; string(data) != want {
		t.Errorf("JSON %s, want %s", data, want)
	}
	if _, err := json.Marshal(CheckResult{Check: 1}); err == nil {
		t.Error("a check result without a verdict encodes")
	}
	for v, want := range map[Verdict]string{Passed: "passed", Failed: "failed", NotChecked: "not checked", NotApplicable: "not applicable", 0: "Verdict(0)", 9: "Verdict(9)"} {
		if v.String() != want {
			t.Errorf("%d: %q, want %q", int(v), v.String(), want)
		}
	}
}

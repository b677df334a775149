package election_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/version"
)

// TestSoftwareMember: election.json names the software that wrote the
// record, "sandogh <version>", and the report carries it. The member is
// informative: another program's name changes no hash but the index's,
// and the record stays valid; a value that is empty, too long or not
// printable ASCII, or a missing member, is a finding of check 1 that names
// the field.
func TestSoftwareMember(t *testing.T) {
	dir := sharedRecord(t)
	data, err := os.ReadFile(filepath.Join(dir, "election.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `"software": "` + version.String() + `",`; !strings.Contains(string(data), want) {
		t.Errorf("election.json lacks %s", want)
	}
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Software != version.String() {
		t.Errorf("report: software %q, want %q", rep.Software, version.String())
	}

	other := copyRecord(t)
	editJSONFile(t, filepath.Join(other, "election.json"), func(v any) any {
		obj(v)["software"] = "another writer 7.1 (sandogh-v1/record-2)"
		return v
	})
	rehash(t, other)
	rep, err = election.Verify(other, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() || rep.Software != "another writer 7.1 (sandogh-v1/record-2)" {
		t.Errorf("another software: valid %v, software %q, findings %v", rep.Valid(), rep.Software, rep.Findings)
	}

	for _, tt := range []struct {
		name  string
		value any // nil: the member is removed
		want  string
	}{
		{"missing", nil, `missing member "software"`},
		{"empty", "", "field software: 0 bytes, want 1 to 64"},
		{"too long", strings.Repeat("s", 65), "field software: 65 bytes, want 1 to 64"},
		{"escape sequence", "sandogh \x1b[31m0.2.0", "field software: byte 9 (0x1b) is not printable ASCII"},
		{"right-to-left override", "sandogh \u202e0.2.0", "field software: byte 9 (0xe2) is not printable ASCII"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyRecord(t)
			editJSONFile(t, filepath.Join(dir, "election.json"), func(v any) any {
				if tt.value == nil {
					delete(obj(v), "software")
				} else {
					obj(v)["software"] = tt.value
				}
				return v
			})
			verifyTampered(t, dir, election.CheckParameters, false)
			rep, err := election.Verify(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range rep.Findings {
				found = found || f.Check == election.CheckParameters && strings.Contains(f.Reason, tt.want)
			}
			if !found || rep.Software != "" {
				t.Errorf("no finding of check 1 with %q (software %q): %v", tt.want, rep.Software, rep.Findings)
			}
		})
	}
}

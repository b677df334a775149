package speccheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// copyDir copies a record folder to a temporary folder.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
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

// TestCouncilRecordTampered changes one thing of the council sample at a
// time; the named check must report it, and no finding may start with
// absent[name].
func TestCouncilRecordTampered(t *testing.T) {
	absent := map[string]string{"stage 0 input digest changed": "check 16"}
	for _, tc := range []struct {
		name, file, want string
		edit             func([]byte) []byte
		// marker, if set, is a text on the line the finding names: "line
		// ?" in want becomes that line's number in the sample.
		marker string
	}{
		{"stage 1 output row 0 replaced by row 1", "mixnet/0/stages/1.bin", "check 17: mixnet/0/stages/1.bin: rejected",
			func(b []byte) []byte { copy(b[108:172], b[172:236]); return b }, ""},
		{"stage 0 proof byte flipped", "mixnet/0/stages/0.bin", "check 17: mixnet/0/stages/0.bin: rejected",
			func(b []byte) []byte { b[len(b)-100] ^= 1; return b }, ""},
		// The signature covers the input digest; the stage is rejected
		// once, by check 17, and check 16 (the input list) passes.
		{"stage 0 input digest changed", "mixnet/0/stages/0.bin", "check 17: mixnet/0/stages/0.bin: rejected (signature)",
			func(b []byte) []byte { b[40] ^= 1; return b }, ""},
		{"share of trustee 1 changed", "mixnet/0/shares/1.bin", "check 18: mixnet/0/shares/1.bin",
			func(b []byte) []byte { copy(b[12:44], b[12+128:12+160]); return b }, ""},
		{"decoded row codes changed", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line ?",
			func(b []byte) []byte { return []byte(strings.Replace(string(b), `"codes":[15]}`, `"codes":[14]}`, 1)) }, `"codes":[15]}`},
		{"invalid row published as valid", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line ?",
			func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `,"invalid":"repeated-code","reason":"code 7 is in slots 0 and 1"`, "", 1))
			}, `"invalid":"repeated-code"`},
		{"reason text changed", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line ?",
			func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"reason":"code 7 is in slots 0 and 1"`, `"reason":"code 7 is in slots 0 and 1."`, 1))
			}, `"invalid":"repeated-code"`},
		{"packing reason text changed", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line ?",
			func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `is 0xd0, not zero"`, `is 0xD0, not zero"`, 1))
			}, `is 0xd0, not zero"`},
		{"plaintext changed", "mixnet/0/decrypted.jsonl", "check 18: mixnet/0/decrypted.jsonl line ?",
			func(b []byte) []byte { return []byte(strings.Replace(string(b), `["3c2f`, `["3c2e`, 1)) }, `["3c2f`},
		{"count changed", "results.json", "check 20: results.json differs",
			func(b []byte) []byte { return []byte(strings.Replace(string(b), `"count": 5,`, `"count": 6,`, 1)) }, ""},
		{"invalid count changed", "results.json", "check 20: results.json differs",
			func(b []byte) []byte { return []byte(strings.Replace(string(b), `"invalid": 3,`, `"invalid": 2,`, 1)) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, councilSample)
			if tc.marker != "" {
				orig, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tc.file)))
				if err != nil {
					t.Fatal(err)
				}
				n := strings.Count(string(orig[:strings.Index(string(orig), tc.marker)]), "\n") + 1
				tc.want = strings.Replace(tc.want, "line ?", "line "+strconv.Itoa(n), 1)
			}
			editFile(t, dir, tc.file, func(b []byte) []byte { return tc.edit(append([]byte(nil), b...)) })
			fs := checkRecord(dir)
			found := false
			for _, f := range fs {
				found = found || strings.HasPrefix(f, tc.want)
				if a := absent[tc.name]; a != "" && strings.HasPrefix(f, a) {
					t.Errorf("finding %q", f)
				}
			}
			if !found {
				t.Errorf("no finding starts with %q; findings:\n%s", tc.want, strings.Join(fs, "\n"))
			}
		})
	}
}

// TestGeneratedCouncilRecord checks a record of `go run ./examples/council`
// with other numbers than the sample. Skipped with -short.
func TestGeneratedCouncilRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run ./examples/council")
	}
	out := filepath.Join(t.TempDir(), "record")
	args := []string{"run", "./examples/council", "-q", "-voters", "40", "-candidates", "30", "-seats", "5",
		"-mixers", "2", "-trustees", "3", "-threshold", "2", "-seed", "speccheck", "-out", out}
	cmd := exec.Command("go", args...)
	cmd.Dir = "../.."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, b)
	}
	rc := runRecordCheck(out)
	for _, f := range rc.findings {
		t.Error(f)
	}
	t.Logf("checked: %v", rc.stats)
	if rc.stats["mix stages accepted"] != 2 || rc.stats["rows decoded"] < 40 || rc.stats["row share lists verified"] < 2 {
		t.Errorf("too little was checked: %v", rc.stats)
	}
}

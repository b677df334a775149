package speccheck

import (
	"os"
	"os/exec"
	"path/filepath"
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
	}{
		{"stage 1 output row 0 replaced by row 1", "mixnet/0/stages/1.bin", "check 17: mixnet/0/stages/1.bin: rejected",
			func(b []byte) []byte { copy(b[108:172], b[172:236]); return b }},
		{"stage 0 proof byte flipped", "mixnet/0/stages/0.bin", "check 17: mixnet/0/stages/0.bin: rejected",
			func(b []byte) []byte { b[len(b)-100] ^= 1; return b }},
		// The signature covers the input digest; the stage is rejected
		// once, by check 17, and check 16 (the input list) passes.
		{"stage 0 input digest changed", "mixnet/0/stages/0.bin", "check 17: mixnet/0/stages/0.bin: rejected (signature)",
			func(b []byte) []byte { b[40] ^= 1; return b }},
		{"share of trustee 1 changed", "mixnet/0/shares/1.bin", "check 18: mixnet/0/shares/1.bin",
			func(b []byte) []byte { copy(b[12:44], b[12+128:12+160]); return b }},
		{"decoded row codes changed", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line 7",
			func(b []byte) []byte { return []byte(strings.Replace(string(b), `"codes":[15]}`, `"codes":[14]}`, 1)) }},
		{"invalid row published as valid", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line 6",
			func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `,"invalid":"repeated-code","reason":"code 7 is in slots 0 and 1"`, "", 1))
			}},
		{"reason text changed", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line 6",
			func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"reason":"code 7 is in slots 0 and 1"`, `"reason":"code 7 is in slots 0 and 1."`, 1))
			}},
		{"packing reason text changed", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line 12",
			func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `is 0xd0, not zero"`, `is 0xD0, not zero"`, 1))
			}},
		{"plaintext changed", "mixnet/0/decrypted.jsonl", "check 18: mixnet/0/decrypted.jsonl line 7",
			func(b []byte) []byte {
				lines := strings.SplitAfter(string(b), "\n")
				lines[6] = strings.Replace(lines[6], "3c0f", "3c0e", 1)
				return []byte(strings.Join(lines, ""))
			}},
		// The receipts of issue 10: a row in another order, or with other
		// counter bits, published as valid.
		{"unsorted row published as valid", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line 10",
			func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `,"invalid":"unsorted-codes","reason":"code 4 (slot 1) follows the larger code 9 (slot 0)"`, "", 1))
			}},
		{"non-canonical counter published as valid", "mixnet/0/decrypted.jsonl", "check 19: mixnet/0/decrypted.jsonl line 3",
			func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"invalid":"packing","reason":"element 0: counter 28 is not canonical: the smaller counter 3 also gives an element"`, `"codes":[2,5]`, 1))
			}},
		{"count changed", "results.json", "check 20: results.json differs",
			func(b []byte) []byte { return []byte(strings.Replace(string(b), `"count": 5,`, `"count": 6,`, 1)) }},
		{"invalid count changed", "results.json", "check 20: results.json differs",
			func(b []byte) []byte { return []byte(strings.Replace(string(b), `"invalid": 5,`, `"invalid": 4,`, 1)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, councilSample)
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

package election_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sandogh/sandogh/examples/election/guild"
)

// A sharedRun is a record that an example makes once per test binary,
// for the tests that only read it; the tests that change it copy it
// (copyTree).
type sharedRun[O any] struct {
	once sync.Once
	dir  string // the record's folder, inside a temporary folder
	out  O      // what the example returned
	err  error
}

// get returns the folder of the record, which run makes in the folder it
// is given on the first call.
func (s *sharedRun[O]) get(t testing.TB, tempPrefix string, run func(dir string) (O, error)) string {
	t.Helper()
	s.once.Do(func() {
		tmp, err := os.MkdirTemp("", tempPrefix)
		if err != nil {
			s.err = err
			return
		}
		s.dir = filepath.Join(tmp, "record")
		s.out, s.err = run(s.dir)
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.dir
}

// The test record: a small guild election with remote voters and a revote,
// made once per test binary by the election example, then copied for each
// test that changes it.
var testRecord sharedRun[*guild.Outcome]

// testConfig is the test election: 60 voters at the stations, 4 remote
// voters of whom one votes again, 5 trustees with threshold 3.
func testConfig(out string) guild.Config {
	return guild.Config{Voters: 60, Challenged: 3, RemoteVoters: 4, Revotes: 1, Trustees: 5, Threshold: 3, Seed: testSeed, Out: out}
}

const testSeed = "record tests"

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range []string{testRecord.dir, councilRecord.dir, weightedRecord.dir, listRecord.dir} {
		if d != "" {
			os.RemoveAll(filepath.Dir(d))
		}
	}
	os.Exit(code)
}

// sharedRecord returns the folder of the test record; tests must not
// change it (use copyRecord).
func sharedRecord(t testing.TB) string {
	t.Helper()
	return testRecord.get(t, "sandogh-record-test-", func(dir string) (*guild.Outcome, error) {
		return guild.Run(testConfig(dir))
	})
}

// copyRecord returns a fresh copy of the test record.
func copyRecord(t testing.TB) string {
	t.Helper()
	return copyTree(t, sharedRecord(t))
}

// copyTree returns a fresh copy of the record in src.
func copyTree(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "record")
	// The copies are writable, whatever the source files' modes.
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// rehash rewrites SHA256SUMS to list the files as they are now, as a
// forger who changes a file would.
func rehash(t testing.TB, dir string) {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "SHA256SUMS" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(data)
		lines = append(lines, hex.EncodeToString(h[:])+"  "+rel+"\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[66:], b[66:]) })
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readLines(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func writeLines(t testing.TB, path string, lines [][]byte) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Join(lines, nil), 0o644); err != nil {
		t.Fatal(err)
	}
}

// editJSONFile decodes a JSON file, lets edit change it and writes it back.
func editJSONFile(t testing.TB, path string, edit func(v any) any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := decodeJSON(t, data)
	out, err := json.MarshalIndent(edit(v), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func decodeJSON(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func encodeJSONLine(t testing.TB, v any) []byte {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// obj and arr walk decoded JSON.
func obj(v any) map[string]any { return v.(map[string]any) }
func arr(v any) []any          { return v.([]any) }

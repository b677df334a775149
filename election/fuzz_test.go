package election_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
)

// recordFiles lists the files of the test record, sorted.
func recordFiles(t testing.TB, dir string) []string {
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	slices.Sort(files)
	return files
}

// verifyReplaced replaces the file name of the record in dir with data and
// verifies the record: the verifier must not fail, other than by finding
// no record, and must not find the record valid if the file changed. It
// returns whether the verifier found a record.
func verifyReplaced(t *testing.T, dir, name string, data []byte) bool {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	orig, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := election.Verify(dir, &election.Options{Workers: 2})
	switch {
	case errors.Is(err, election.ErrNotRecord):
		return false
	case err != nil:
		t.Fatalf("Verify: %v", err)
	}
	if rep.Valid() && string(orig) != string(data) {
		t.Errorf("%s changed, and the record is still valid", name)
	}
	return true
}

// FuzzVerifyRecord replaces one file of a valid record with arbitrary bytes
// (the seeds truncate each file, or cut a byte out of its middle) and runs
// the reader and the verifier on it: they must never panic, and a record
// that is not the original must not be valid unless its files are.
func FuzzVerifyRecord(f *testing.F) {
	src := sharedRecord(f)
	files := recordFiles(f, src)
	for i, name := range files {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(name)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data[:len(data)/2])
		if name == "ballots.jsonl" || name == "election.json" || name == "SHA256SUMS" {
			mid := len(data) / 3
			f.Add(uint8(i), append(append([]byte(nil), data[:mid]...), data[mid+1:]...))
		}
	}
	f.Add(uint8(0), []byte{})
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		dir := copyRecord(t)
		if !verifyReplaced(t, dir, files[int(which)%len(files)], data) {
			return
		}
		// The Reader's decoders must not panic either.
		r, err := election.Open(dir)
		if err != nil {
			return
		}
		e, err := r.Election()
		r.Ceremony()
		r.CeremonyResult()
		r.EncryptedTally()
		r.ShareLists()
		r.Results()
		if err == nil {
			for range r.Ballots(e) {
			}
		}
	})
}

// FuzzVerifyCouncilRecord is FuzzVerifyRecord on the council record, whose
// mixnet files (binary stages and share lists, decoded rows) go through
// the mixnet, trustee and tally decoders and checks 16 to 20.
func FuzzVerifyCouncilRecord(f *testing.F) {
	src := sharedCouncil(f)
	files := recordFiles(f, src)
	for i, name := range files {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(name)))
		if err != nil {
			f.Fatal(err)
		}
		if strings.HasPrefix(name, "mixnet/") || name == "results.json" {
			f.Add(uint8(i), data[:len(data)/2])
			mid := len(data) / 3
			f.Add(uint8(i), append(append([]byte(nil), data[:mid]...), data[mid+1:]...))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		dir := copyCouncil(t)
		if !verifyReplaced(t, dir, files[int(which)%len(files)], data) {
			return
		}
		r, err := election.Open(dir)
		if err != nil {
			return
		}
		r.MixStage(0, 0)
		r.MixStage(0, 1)
		r.RowShareLists(0)
		r.DecodedRows(0)
	})
}

package demo

import (
	"crypto/sha256"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
)

// WriteResults computes the results of the election with manifest m from
// its totals (tally.NewResults, with the manifest's tie-break seed, if any)
// and writes them, the last file of the record, with w.
func WriteResults(w *election.Writer, m *ballot.Manifest, totals *tally.Totals) (*tally.Results, error) {
	res, err := tally.NewResults(m, totals)
	if err != nil {
		return nil, err
	}
	if err := w.WriteResults(res); err != nil {
		return nil, err
	}
	return res, nil
}

// BallotsDigest returns the SHA-256 of the ballot box's file at path, which
// the election authority publishes when the box closes, and which each
// trustee gives to election.VerifyForDecryption so as to decrypt the
// tally of that file and of no other.
func BallotsDigest(path string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	return [sha256.Size]byte(h.Sum(nil)), nil
}

// FileSums returns the SHA-256 of every file under dir, by slash path
// relative to dir, so that two records can be compared file by file.
func FileSums(dir string) (map[string][sha256.Size]byte, error) {
	out := map[string][sha256.Size]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

package main

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/pollbook"
)

// The files of a poll book folder (setup -pollbook): the eligibility
// list, the authority's key (the stations hold it for the day), and, for
// the server, the central book's marks and, when it stops, the summary.
const (
	fileList    = "eligibility.list"
	fileKey     = "key"
	fileMarks   = "marks.jsonl"
	fileSummary = "summary.json"
)

// writePollBook writes the eligibility list of voters 0..n-1 and the
// authority's key, derived from the seed, to a new folder.
func writePollBook(dir string, seeds demo.Seeds, electionID string, n int) error {
	secret := seeds.Secret("poll book key", 0)
	key, err := pollbook.NewKey(secret, electionID)
	if err != nil {
		return err
	}
	ps := make([]pollbook.Pseudonym, n)
	for k := range ps {
		if ps[k], err = key.Pseudonym(demo.NationalID(k)); err != nil {
			return err
		}
	}
	list, err := pollbook.NewList(electionID, ps)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, fileList), list.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, fileKey), []byte(hex.EncodeToString(secret)+"\n"), 0o600)
}

// readList reads a poll book folder's eligibility list.
func readList(dir string) (*pollbook.List, error) {
	data, err := os.ReadFile(filepath.Join(dir, fileList))
	if err != nil {
		return nil, err
	}
	return pollbook.ParseList(data)
}

// readKey reads a poll book folder's key.
func readKey(dir, electionID string) (*pollbook.Key, error) {
	data, err := os.ReadFile(filepath.Join(dir, fileKey))
	if err != nil {
		return nil, err
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, errors.New(fileKey + ": not hexadecimal")
	}
	return pollbook.NewKey(secret, electionID)
}

package election

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// A record is written in steps (docs/spec.md, "The election record",
// "Writing order and crash safety"), and a step is done when the index
// lists its last file. A snapshot of a record taken while the election
// runs (Options.Snapshot) has the files of the steps done, and may have
// some of the next one's.

// snapshotSteps are the steps whose files a snapshot must have once the
// step is done, in writing order, each with the file that marks it done.
// After tally/encrypted.json come the share lists and the mixnet files,
// which results.json, the last step, completes.
var snapshotSteps = []struct {
	last  string
	files []string
}{
	{fileCeremony, []string{fileRoster, fileCommitments, fileShares, fileComplaints, fileResponses, fileCeremony}},
	{fileCredentials, []string{fileElection, fileDevices, fileCredentials}},
	{fileTally, []string{fileBallots, fileChallenged, fileTally}},
	{fileResults, []string{fileResults}},
}

// stepOf returns the position in snapshotSteps of the step that writes
// file name: the share lists and the mixnet files are written after
// tally/encrypted.json and before results.json.
func stepOf(name string) int {
	for k, s := range snapshotSteps {
		if slices.Contains(s.files, name) {
			return k
		}
	}
	return len(snapshotSteps) - 1
}

// A snapshotIndex is what the index of a snapshot lists.
type snapshotIndex struct {
	listed index
	// done is the number of steps done, in order: step k is done if its
	// last file and those of every step before it are listed.
	done int
}

// readSnapshotIndex reads the index for a snapshot's verification. An
// index that cannot be decoded lists nothing (check 15 reports it).
func (v *verifier) readSnapshotIndex() error {
	v.snap = &snapshotIndex{listed: index{}}
	data, err := v.r.readFile(fileIndex)
	if err != nil {
		if isIOError(err) {
			return &ioError{err}
		}
		return nil
	}
	if x, err := parseIndex(data); err == nil {
		v.snap.listed = x
	}
	for _, s := range snapshotSteps {
		if _, ok := v.snap.listed[s.last]; !ok {
			break
		}
		v.snap.done++
	}
	return nil
}

// complete reports whether the record must be complete: it is not a
// snapshot, or its index lists results.json.
func (v *verifier) complete() bool {
	return v.snap == nil || v.snap.done == len(snapshotSteps)
}

// expected reports whether the record must have the file or folder name:
// always, unless it is a snapshot, which must have its index, the files it
// lists, those of the steps done, and every folder in which it lists a
// file.
func (v *verifier) expected(name string) bool {
	if v.complete() || name == fileIndex {
		return true // the index is the first file a Writer creates
	}
	if _, ok := v.snap.listed[name]; ok {
		return true
	}
	for _, s := range snapshotSteps[:v.snap.done] {
		if slices.Contains(s.files, name) {
			return true
		}
	}
	for f := range v.snap.listed {
		if strings.HasPrefix(f, name+"/") {
			return true
		}
	}
	return false
}

// notYet reports whether err, from reading file name, says only that a
// snapshot does not have the file yet.
func (v *verifier) notYet(name string, err error) bool {
	return v.snap != nil && errors.Is(err, fs.ErrNotExist) && !v.expected(name)
}

// snapshotOrder returns, for a snapshot, why its index may not list the
// file name yet, or "": a file is listed only after the steps before its
// own are done.
func (v *verifier) snapshotOrder(name string) string {
	if v.snap == nil {
		return ""
	}
	if k := stepOf(name); k > v.snap.done {
		return fmt.Sprintf("listed in %s, but the step before it is not done: the index does not list %s", fileIndex, snapshotSteps[v.snap.done].last)
	}
	return ""
}

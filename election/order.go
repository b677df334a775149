package election

import (
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/trustee"
)

// The writer's steps, in order (docs/spec.md §The election record,
// "Writing order"). Each is named by the method that takes it, and is done
// when the index lists its last file: the Writer knows which steps are done
// from its index alone, so that OpenWriter, after a crash or in another
// process, knows it too.
type step struct {
	method string // the Writer's method that takes the step
	file   string // its last file: listed in the index once the step is done
}

var (
	stepCeremony = step{"WriteCeremony", fileCeremony}
	stepElection = step{"WriteElection", fileCredentials}
	stepBallots  = step{"FinishBallots", fileTally}
	stepResults  = step{"WriteResults", fileResults}
)

// need returns an error naming the step that method needs if s is not done.
// w.mu is held.
func (w *Writer) need(method string, s step) error {
	if _, ok := w.idx[s.file]; !ok {
		return fmt.Errorf("election: %s before %s: the record has no %s yet", method, s.method, s.file)
	}
	return nil
}

// needLocked is need for a caller that does not hold w.mu.
func (w *Writer) needLocked(method string, steps ...step) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.current(); err != nil {
		return err
	}
	for _, s := range steps {
		if err := w.need(method, s); err != nil {
			return err
		}
	}
	return nil
}

// complete returns an error if results.json is written and name is not
// listed: the results are the record's last file, after which nothing is
// added (a file already listed may be written again with the same
// content, which does nothing). w.mu is held.
func (w *Writer) complete(name string) error {
	if _, done := w.idx[fileResults]; !done || name == fileResults {
		return nil
	}
	if _, ok := w.idx[name]; ok {
		return nil
	}
	return fmt.Errorf("election: %s cannot be added: the record is complete (WriteResults wrote %s, its last file)", name, fileResults)
}

// listed returns the indices n of the files dir/<n><ext> listed in the
// index, ascending. w.mu is held.
func (w *Writer) listed(dir, ext string) []int {
	var out []int
	for name := range w.idx {
		if n, ok := parseIndexedFile(name, dir, ext); ok {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// checkElection checks that e is the election recorded in election.json,
// by the hash of the file it would write. w.mu is held.
func (w *Writer) checkElection(method string, e *ballot.Election) error {
	if e == nil {
		return fmt.Errorf("election: %s: no election", method)
	}
	data, err := encodeElection(e)
	if err != nil {
		return fmt.Errorf("election: %s: %v", method, err)
	}
	if sha256.Sum256(data) != w.idx[fileElection] {
		return fmt.Errorf("election: %s: the election (%q, base hash %x) is not the one that WriteElection recorded in %s", method, e.Manifest().ElectionID, e.BaseHash(), fileElection)
	}
	if w.e == nil {
		w.e = e
	}
	return nil
}

// checkIdentity checks that keys, a ceremony's outcome, are of election e:
// the roster's election identifier is the manifest's.
func checkIdentity(method string, e *ballot.Election, keys *trustee.Result) error {
	if keys == nil {
		return fmt.Errorf("election: %s: no outcome of the key ceremony", method)
	}
	id := e.Manifest().ElectionID
	switch got := keys.ElectionID(); {
	case got == "":
		return fmt.Errorf("election: %s: the key ceremony's outcome names no election (it was decoded from JSON or built by hand), and the manifest's election is %q: use the outcome that WriteCeremony returns", method, id)
	case got != id:
		return fmt.Errorf("election: %s: the key ceremony is for election %q, and the manifest's election is %q: one election, one identifier", method, got, id)
	}
	return nil
}

// recorded returns the election recorded in election.json and the
// ceremony's outcome, with its election identifier: those this process
// wrote or checked, or else read back from the record and judged again
// (trustee.VerifyCeremony), as after OpenWriter.
func (w *Writer) recorded() (*ballot.Election, *trustee.Result, error) {
	w.mu.Lock()
	e, keys := w.e, w.keys
	w.mu.Unlock()
	r := &Reader{dir: w.dir}
	if keys == nil {
		c, err := r.Ceremony()
		if err != nil {
			return nil, nil, err
		}
		if keys, err = trustee.VerifyCeremony(c); err != nil {
			return nil, nil, fmt.Errorf("election: the recorded ceremony: %v", err)
		}
		out, err := indentJSON(keys)
		if err != nil {
			return nil, nil, fmt.Errorf("election: %v", err)
		}
		w.mu.Lock()
		ok := sha256.Sum256(out) == w.idx[fileCeremony]
		w.mu.Unlock()
		if !ok {
			return nil, nil, fmt.Errorf("election: %s is not the outcome of the recorded ceremony", fileCeremony)
		}
	}
	if e == nil {
		var err error
		if e, err = r.Election(); err != nil {
			return nil, nil, err
		}
	}
	if err := checkIdentity("the record", e, keys); err != nil {
		return nil, nil, err
	}
	w.mu.Lock()
	w.e, w.keys = e, keys
	w.mu.Unlock()
	return e, keys, nil
}

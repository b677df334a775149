package election

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// maxSmallFile bounds the files a Reader loads whole: every file but
// ballots.jsonl and challenged.jsonl, which it streams. The largest are the
// credential list (about 70 bytes per voter) and the ceremony's encrypted
// shares (n·(n−1) lines of about 450 bytes).
const maxSmallFile = 1 << 30

// A Reader reads an election record folder. Its methods decode one part of
// the record each, with the strict decoders of the packages that define
// them; they do not verify the record (Verify does). Ballots are streamed.
//
// A Reader holds no open files and is safe for concurrent use.
type Reader struct {
	dir    string
	onRead func(name string, data []byte) // the verifier hashes what it reads
}

// ErrNotRecord is returned by Open and Verify for a folder that is not an
// election record: it has neither an index (SHA256SUMS) nor election.json.
var ErrNotRecord = errors.New("election: not an election record (no SHA256SUMS and no election.json)")

// Open returns a Reader for the record in folder dir. It fails if dir
// cannot be read or is not a record (ErrNotRecord).
func Open(dir string) (*Reader, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("election: %v", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("election: %s is not a folder", dir)
	}
	_, err1 := os.Stat(filepath.Join(dir, fileIndex))
	_, err2 := os.Stat(filepath.Join(dir, fileElection))
	if errors.Is(err1, fs.ErrNotExist) && errors.Is(err2, fs.ErrNotExist) {
		return nil, ErrNotRecord
	}
	for _, err := range []error{err1, err2} {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("election: %v", err)
		}
	}
	return &Reader{dir: dir}, nil
}

// Dir returns the record's folder.
func (r *Reader) Dir() string { return r.dir }

func (r *Reader) path(name string) string {
	return filepath.Join(r.dir, filepath.FromSlash(name))
}

// openRegular opens the regular file at path for reading, without blocking
// or following a symbolic link (regular.Open).
func openRegular(path string) (*os.File, error) { return regular.Open(path) }

// open opens a file of the record for reading. It never blocks and never
// follows a symbolic link: anything but a regular file is refused with an
// error wrapping regular.ErrNotRegular (docs/spec.md, "The election
// record", "Conventions").
func (r *Reader) open(name string) (*os.File, error) {
	return regular.Open(r.path(name))
}

// readFile reads a small file of the record whole.
func (r *Reader) readFile(name string) ([]byte, error) {
	f, err := r.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSmallFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSmallFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, maxSmallFile)
	}
	if r.onRead != nil {
		r.onRead(name, data)
	}
	return data, nil
}

// A fileError is an error about one file of the record. It wraps the
// underlying error, so that callers can tell an I/O failure (an
// *fs.PathError) from malformed content.
type fileError struct {
	name string
	err  error
}

func (e *fileError) Error() string {
	return "election: " + e.name + ": " + strings.TrimPrefix(e.err.Error(), "election: ")
}

func (e *fileError) Unwrap() error { return e.err }

// fileErr wraps an error about file name of the record.
func fileErr(name string, err error) error {
	return &fileError{name, err}
}

// published decodes election.json, devices.json and credentials.json
// without checking them against each other. Errors name the file.
func (r *Reader) published() (*published, string, error) {
	p := new(published)
	for _, f := range []struct {
		name   string
		decode func([]byte, *published) error
	}{
		{fileElection, decodeElectionFile},
		{fileDevices, decodeDevicesFile},
		{fileCredentials, decodeCredentialsFile},
	} {
		data, err := r.readFile(f.name)
		if err != nil {
			return nil, f.name, fileErr(f.name, err)
		}
		if err := f.decode(data, p); err != nil {
			return nil, f.name, fileErr(f.name, err)
		}
	}
	return p, "", nil
}

// Election decodes the election's parameters (election.json, devices.json
// and credentials.json) and returns the election they define. It fails
// if a file does not decode, or if a hash that election.json or
// credentials.json states is not the hash of the inputs: the manifest hash,
// the credential list hash or the base hash.
func (r *Reader) Election() (*ballot.Election, error) {
	p, _, err := r.published()
	if err != nil {
		return nil, err
	}
	e, err := p.election()
	if err != nil {
		return nil, err
	}
	if err := p.checkHashes(e); err != nil {
		return nil, err
	}
	return e, nil
}

// election builds the election from the published inputs.
func (p *published) election() (*ballot.Election, error) {
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest:         p.manifest,
		PublicKey:        p.publicKey,
		VerificationKeys: p.verificationKeys,
		Threshold:        p.threshold,
		Devices:          p.devices,
		Credentials:      p.credentials,
	})
	if err != nil {
		return nil, fmt.Errorf("election: %s: %v", fileElection, err)
	}
	return e, nil
}

// checkHashes compares the stated hashes with those of the inputs.
func (p *published) checkHashes(e *ballot.Election) error {
	if h := e.ManifestHash(); h != p.manifestHash {
		return fmt.Errorf("election: %s: field manifestHash: %x is not the hash %x of the manifest", fileElection, p.manifestHash, h)
	}
	ch := p.credentials.Hash()
	if ch != p.credFileHash {
		return fmt.Errorf("election: %s: field hash: %x is not the hash %x of the keys", fileCredentials, p.credFileHash, ch)
	}
	if p.credCount != p.credentials.Len() {
		return fmt.Errorf("election: %s: field count: %d, but the list has %s", fileCredentials, p.credCount, prose.Count(p.credentials.Len(), "key"))
	}
	if ch != p.credHash {
		return fmt.Errorf("election: %s: field credentialListHash: %x is not the hash %x of the list in %s", fileElection, p.credHash, ch, fileCredentials)
	}
	if h := e.BaseHash(); h != p.baseHash {
		return fmt.Errorf("election: %s: field baseHash: %x is not the base hash %x recomputed from the parameters", fileElection, p.baseHash, h)
	}
	return nil
}

// Ceremony decodes the trustees' roster and the published messages of the
// key ceremony (the trustees folder). It checks their encodings, not their
// signatures or proofs (trustee.VerifyCeremony does).
func (r *Reader) Ceremony() (*trustee.Ceremony, error) {
	ro, err := r.roster()
	if err != nil {
		return nil, err
	}
	c := &trustee.Ceremony{Roster: ro}
	if c.Commitments, err = readJSONLines[trustee.Commitments](r, fileCommitments); err != nil {
		return nil, err
	}
	if c.Shares, err = readJSONLines[trustee.EncryptedShare](r, fileShares); err != nil {
		return nil, err
	}
	if c.Complaints, err = readJSONLines[trustee.Complaint](r, fileComplaints); err != nil {
		return nil, err
	}
	if c.Responses, err = readJSONLines[trustee.ComplaintResponse](r, fileResponses); err != nil {
		return nil, err
	}
	return c, nil
}

// roster decodes the trustees' roster.
func (r *Reader) roster() (*trustee.Roster, error) {
	data, err := r.readFile(fileRoster)
	if err != nil {
		return nil, fileErr(fileRoster, err)
	}
	ro := new(trustee.Roster)
	if err := ro.UnmarshalJSON(data); err != nil {
		return nil, fileErr(fileRoster, err)
	}
	return ro, nil
}

// readJSONLines decodes every line of a small JSON-lines file into a T.
func readJSONLines[T any, PT interface {
	*T
	UnmarshalJSON([]byte) error
}](r *Reader, name string) ([]PT, error) {
	data, err := r.readFile(name)
	if err != nil {
		return nil, fileErr(name, err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		return nil, fmt.Errorf("election: %s: the last line does not end with a newline", name)
	}
	var out []PT
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		if len(line) == 0 {
			continue // after the last newline
		}
		if len(line) == 1 {
			return nil, fileErr(name, fmt.Errorf("line %d: the line is empty (a JSON-lines file has no blank lines)", i+1))
		}
		v := PT(new(T))
		if err := v.UnmarshalJSON(line[:len(line)-1]); err != nil {
			return nil, fileErr(name, fmt.Errorf("line %d: %w", i+1, err))
		}
		out = append(out, v)
	}
	return out, nil
}

// CeremonyResult decodes the published outcome of the key ceremony
// (trustees/result.json). Verify recomputes it from the messages. The
// decoded outcome names no election (trustee.Result.ElectionID is ""),
// and tally.Decrypt refuses it: decrypt with trustee.VerifyCeremony's
// outcome of Ceremony's messages, or with VerifiedRecord.Keys.
func (r *Reader) CeremonyResult() (*trustee.Result, error) {
	data, err := r.readFile(fileCeremony)
	if err != nil {
		return nil, fileErr(fileCeremony, err)
	}
	res := new(trustee.Result)
	if err := res.UnmarshalJSON(data); err != nil {
		return nil, fileErr(fileCeremony, err)
	}
	return res, nil
}

// An Entry is one record of the ballot box's file ballots.jsonl after its
// header line: a device's opening record or closing certificate, an
// entry of a station's incident log, or a ballot (cast or
// challenged) that the box accepted or refused, in the order the box
// decided them.
type Entry struct {
	// Line is the 1-based line number in ballots.jsonl.
	Line int
	// Exactly one of Opening, Closing, Incident and Ballot is set.
	Opening  *ballot.DeviceOpening
	Closing  *ballot.DeviceClosing
	Incident *ballot.Incident
	Ballot   *ballot.Ballot
	// Refused is set for a ballot the box wrote as refused: the step of
	// the acceptance rule that refused it and where (its Reason is empty;
	// the acceptance rule gives it again).
	Refused *ballot.Refusal
}

// Ballots streams the entries of ballots.jsonl, decoding them on all cores
// and yielding them in file order; it holds only a few hundred lines in
// memory at a time. The header line is checked against e's base hash and
// not yielded. A line that cannot be decoded yields a nil Entry and an
// error naming the line, and iteration goes on with the next line; a
// failure to read the file yields a final error. Entries are decoded, not
// verified.
func (r *Reader) Ballots(e *ballot.Election) iter.Seq2[*Entry, error] {
	return func(yield func(*Entry, error) bool) {
		f, err := r.open(fileBallots)
		if err != nil {
			yield(nil, fileErr(fileBallots, err))
			return
		}
		defer f.Close()
		type res struct {
			l   *ballot.BoxLine
			err error
		}
		errStop := errors.New("stop")
		err = pipeline(newLineReader(f), 0, func(l rawLine) res {
			if l.err != nil {
				return res{err: l.err}
			}
			bl, err := ballot.ParseBoxLine(l.data)
			return res{bl, err}
		}, func(l rawLine, x res) error {
			var ent *Entry
			err := x.err
			switch {
			case err != nil:
			case l.num == 1:
				if x.l.Header == nil {
					err = errors.New("the first line is not the ballot box's header")
				} else if err = x.l.Header.Check(e); err == nil {
					return nil
				}
			case x.l.Header != nil:
				err = errors.New("a second header line")
			default:
				ent = &Entry{Line: l.num, Opening: x.l.Opening, Closing: x.l.Closing, Incident: x.l.Incident, Ballot: x.l.Ballot, Refused: x.l.Refusal}
			}
			if err != nil {
				err = fmt.Errorf("election: %s: line %d: %s", fileBallots, l.num, strings.TrimPrefix(err.Error(), "election: "))
			}
			if !yield(ent, err) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(nil, fileErr(fileBallots, err))
		}
	}
}

// EncryptedTally decodes the published encrypted tally
// (tally/encrypted.json).
func (r *Reader) EncryptedTally() (*tally.EncryptedTally, error) {
	data, err := r.readFile(fileTally)
	if err != nil {
		return nil, fileErr(fileTally, err)
	}
	t := new(tally.EncryptedTally)
	if err := t.UnmarshalJSON(data); err != nil {
		return nil, fileErr(fileTally, err)
	}
	return t, nil
}

// shareListFiles returns the trustee indices j of the share list files
// in tally/shares (named "<j>.json", j in decimal without leading zeros,
// 1 ≤ j ≤ trustee.MaxTrustees), ascending, whatever their type: reading
// one that is not a regular file fails. Every other name there is left
// out: it is not part of the record's layout, which Verify checks on its
// own (check 15), so that a stray file cannot hide the lists beside it.
func (r *Reader) shareListFiles() ([]int, error) {
	ents, err := regular.ReadDir(r.path(dirShareLists))
	if err != nil {
		return nil, fileErr(dirShareLists, err)
	}
	var js []int
	for _, d := range ents {
		if j, ok := parseShareListFile(dirShareLists + "/" + d.Name()); ok {
			js = append(js, j)
		}
	}
	slices.Sort(js)
	return js, nil
}

// ShareLists decodes the trustees' decryption share lists of the encrypted
// tally (tally/shares/<j>.json), ascending by trustee. Each file must hold
// the list of the trustee it is named after. Files in tally/shares whose
// names are not of that form are not read (Verify reports them).
func (r *Reader) ShareLists() ([]*trustee.ShareList, error) {
	js, err := r.shareListFiles()
	if err != nil {
		return nil, err
	}
	out := make([]*trustee.ShareList, 0, len(js))
	for _, j := range js {
		l, err := r.shareList(j)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func (r *Reader) shareList(j int) (*trustee.ShareList, error) {
	name := shareListFile(j)
	data, err := r.readFile(name)
	if err != nil {
		return nil, fileErr(name, err)
	}
	l := new(trustee.ShareList)
	if err := l.UnmarshalJSON(data); err != nil {
		return nil, fileErr(name, err)
	}
	if l.Trustee() != j {
		return nil, fmt.Errorf("election: %s: the list is trustee %d's, not trustee %d's", name, l.Trustee(), j)
	}
	return l, nil
}

// Results decodes the published results (results.json). Verify checks
// them against the decrypted totals.
func (r *Reader) Results() (*tally.Results, error) {
	data, err := r.readFile(fileResults)
	if err != nil {
		return nil, fileErr(fileResults, err)
	}
	res := new(tally.Results)
	if err := res.UnmarshalJSON(data); err != nil {
		return nil, fileErr(fileResults, err)
	}
	return res, nil
}

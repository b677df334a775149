package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/wire"
	"github.com/sandogh/sandogh/trustee"
)

// The files of the state folder (-state), the trustee's own.
const (
	identityFile = "identity.sealed"
)

// ceremonyTag names a ceremony in the names of the state's files: the
// first 16 hexadecimal digits of its hash.
func ceremonyTag(hash []byte) string { return hex.EncodeToString(hash[:8]) }

// ceremonyStateFile is the trustee's sealed state during the ceremony.
func ceremonyStateFile(hash []byte) string { return "ceremony-" + ceremonyTag(hash) + ".sealed" }

// keyShareFile is the trustee's sealed key share after the ceremony.
func keyShareFile(hash []byte) string { return "keyshare-" + ceremonyTag(hash) + ".sealed" }

// The files of the shared folder (-shared).
const rosterFile = "roster.json"

// memberFile is the file that init writes for the roster.
func memberFile(signingKey []byte) string {
	return "member-" + hex.EncodeToString(signingKey[:8]) + ".json"
}

// A round is one of the four rounds of the key ceremony, or its result.
type round int

const (
	roundCommitments round = 1
	roundShares      round = 2
	roundComplaints  round = 3
	roundResponses   round = 4
	roundResult      round = 5
)

var roundNames = [...]string{
	roundCommitments: "commitments",
	roundShares:      "shares",
	roundComplaints:  "complaints",
	roundResponses:   "responses",
	roundResult:      "result",
}

// roundFile is trustee j's file of round r in the shared folder.
func roundFile(r round, j int) string { return roundNames[r] + "-" + strconv.Itoa(j) + ".json" }

// tallySharesFile, rowSharesFile and stageFile are the files that decrypt
// and mix write in the shared folder.
func tallySharesFile(j int) string { return "tally-shares-" + strconv.Itoa(j) + ".json" }
func rowSharesFile(i, j int) string {
	return "mixnet-" + strconv.Itoa(i) + "-shares-" + strconv.Itoa(j) + ".bin"
}
func stageFile(i, t int) string {
	return "mixnet-" + strconv.Itoa(i) + "-stage-" + strconv.Itoa(t) + ".bin"
}

// maxMessageFile bounds the size of a file of the shared folder that is
// read whole: a round's messages of one trustee (MaxTrustees shares of
// about 300 bytes of JSON each) or the roster.
const maxMessageFile = 4 << 20

// readShared reads a file of the shared folder, which must be a regular
// file of at most maxMessageFile bytes.
func readShared(path string) ([]byte, error) {
	data, err := regular.ReadFile(path, maxMessageFile)
	var pe *fs.PathError
	if err != nil && !errors.As(err, &pe) {
		return nil, refuse(err) // too long: its content is wrong
	}
	return data, err
}

// indent returns v's JSON indented by two spaces, with a final newline, as
// the record's JSON files are written.
func indent(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// An existsError says that an output file is already there with other
// content; the command never replaces a file it did not make in this run.
type existsError struct {
	path    string
	differs bool // it was read, and differs from what the step writes
}

func (e *existsError) Error() string {
	what := "exists already"
	if e.differs {
		what += ", with other content"
	}
	return fmt.Sprintf("%s %s; it is left as it is (remove or move it yourself if it is not to be published)", e.path, what)
}

// checkAbsent fails with an existsError if path exists.
func checkAbsent(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return &existsError{path: path}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// publish writes data to path with permissions perm; path must not exist,
// or hold exactly data already (a step run again): then it writes nothing
// and returns false.
// The file appears whole or not at all: data is written to a new file
// beside it, synced, then linked to path, which fails if path appeared
// meanwhile; the temporary name is removed.
func publish(path string, data []byte, perm os.FileMode) (bool, error) {
	old, err := regular.ReadFile(path, int64(len(data)))
	switch {
	case err == nil && bytes.Equal(old, data):
		return false, nil
	case err == nil || !errors.Is(err, fs.ErrNotExist):
		return false, &existsError{path: path, differs: true}
	}
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, &existsError{path: path}
		}
		// A file system without hard links (FAT on a USB stick): rename,
		// after a last look.
		if err := checkAbsent(path); err != nil {
			return false, err
		}
		if err := os.Rename(tmp, path); err != nil {
			return false, err
		}
	}
	return true, syncDir(filepath.Dir(path))
}

// replace writes data to path, replacing the file there (one that this
// command made: a sealed state), atomically: the old file or the new, never
// half of one.
func replace(path string, data []byte) error {
	tmp, err := writeTemp(path, data, 0o600)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes data to a new file beside path and syncs it.
func writeTemp(path string, data []byte, perm os.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", err
	}
	name := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// syncDir makes a new name in dir durable. File systems that cannot sync a
// folder are not an error.
func syncDir(dir string) error {
	d, err := regular.OpenDir(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

// readRoster reads and checks SHARED/roster.json.
func readRoster(shared string) (*trustee.Roster, error) {
	path := filepath.Join(shared, rosterFile)
	data, err := readShared(path)
	if err != nil {
		return nil, err
	}
	r := new(trustee.Roster)
	if err := r.UnmarshalJSON(data); err != nil {
		return nil, refusef("%s: %v", path, err)
	}
	return r, nil
}

// A member is the public part of a trustee's identity, as init writes it
// for the roster.
type member struct {
	Name          string `json:"name"`
	SigningKey    string `json:"signing_key"`
	EncryptionKey string `json:"encryption_key"`
}

// readMember reads a member's file as trustee index of a roster.
func readMember(path string, index int) (trustee.Member, error) {
	data, err := readShared(path)
	if err != nil {
		return trustee.Member{}, err
	}
	var m member
	if err := wire.StrictJSON(data, &m); err != nil {
		return trustee.Member{}, refusef("%s: %v", path, err)
	}
	sk, err := wire.DecodeHex("signing_key", m.SigningKey, 32)
	if err != nil {
		return trustee.Member{}, refusef("%s: %v", path, err)
	}
	ek, err := wire.DecodeHex("encryption_key", m.EncryptionKey, 32)
	if err != nil {
		return trustee.Member{}, refusef("%s: %v", path, err)
	}
	return trustee.Member{Index: index, Name: m.Name, SigningKey: sk, EncryptionKey: ek}, nil
}

// readCeremony reads from the shared folder the messages of rounds 1 to
// upto of every trustee of roster r: round 1 from commitments-<j>.json
// (one message), rounds 2 to 4 from shares-, complaints- and
// responses-<j>.json (a list each). It refuses a file that holds a message
// of another trustee or of another ceremony, or with a bad signature,
// naming the file. Every trustee's file must be there, except for the
// trustees in absent: the steps go on without them, and the judgment
// treats what they did not send as missing.
func readCeremony(shared string, r *trustee.Roster, upto round, absent map[int]bool) (*trustee.Ceremony, error) {
	c := &trustee.Ceremony{Roster: r}
	for rd := roundCommitments; rd <= upto && rd <= roundResponses; rd++ {
		for j := 1; j <= r.Size(); j++ {
			path := filepath.Join(shared, roundFile(rd, j))
			data, err := readShared(path)
			if errors.Is(err, fs.ErrNotExist) {
				if absent[j] {
					continue
				}
				return nil, fmt.Errorf("%s is not there: trustee %d has not published its round-%d messages yet; wait for them or, if they will not come, go on without them with -absent %d", path, j, rd, j)
			}
			if err != nil {
				return nil, err
			}
			if err := readRound(c, rd, j, data); err != nil {
				return nil, refusef("%s: %v", path, err)
			}
		}
	}
	return c, nil
}

// readRound decodes and checks trustee j's messages of round rd, and adds
// them to c.
func readRound(c *trustee.Ceremony, rd round, j int, data []byte) error {
	r := c.Roster
	mine := func(what string, signer int) error {
		if signer != j {
			return fmt.Errorf("%s is trustee %d's, not trustee %d's", what, signer, j)
		}
		return nil
	}
	switch rd {
	case roundCommitments:
		var m *trustee.Commitments
		if err := wire.StrictJSON(data, &m); err != nil {
			return err
		}
		if err := mine("the commitments", m.Dealer); err != nil {
			return err
		}
		if err := m.VerifySignature(r); err != nil {
			return err
		}
		c.Commitments = append(c.Commitments, m)
	case roundShares:
		var ms []*trustee.EncryptedShare
		if err := wire.StrictJSON(data, &ms); err != nil {
			return err
		}
		for k, m := range ms {
			if err := mine(fmt.Sprintf("encrypted share %d", k), m.Dealer); err != nil {
				return err
			}
			if err := m.VerifySignature(r); err != nil {
				return err
			}
		}
		c.Shares = append(c.Shares, ms...)
	case roundComplaints:
		var ms []*trustee.Complaint
		if err := wire.StrictJSON(data, &ms); err != nil {
			return err
		}
		for k, m := range ms {
			if err := mine(fmt.Sprintf("complaint %d", k), m.Complainant); err != nil {
				return err
			}
			if err := m.VerifySignature(r); err != nil {
				return err
			}
		}
		c.Complaints = append(c.Complaints, ms...)
	case roundResponses:
		var ms []*trustee.ComplaintResponse
		if err := wire.StrictJSON(data, &ms); err != nil {
			return err
		}
		for k, m := range ms {
			if err := mine(fmt.Sprintf("complaint response %d", k), m.Dealer); err != nil {
				return err
			}
			if err := m.VerifySignature(r); err != nil {
				return err
			}
		}
		c.Responses = append(c.Responses, ms...)
	}
	return nil
}

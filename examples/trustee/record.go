package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/wire"
)

// The flags of the commands that verify a record before they mix or
// decrypt.
type recordFlags struct {
	record, digest, digestFile *string
	quiet                      *bool
}

func (c *cmdline) recordFlags() *recordFlags {
	return &recordFlags{
		record:     c.flags.String("record", "", "the trustee's own copy of the election record, the `DIR`ectory that it verifies first"),
		digest:     c.flags.String("ballots-sha256", "", "the SHA-256 of the record's ballots.jsonl, in `HEX`, as the election authority published it when the ballot box closed (learn it from that publication, not from whoever hands you the record)"),
		digestFile: c.flags.String("ballots-sha256-file", "", "read the SHA-256 of ballots.jsonl from `FILE`: the authority's published line \"<hex>  ballots.jsonl\" (as in SHA256SUMS; other lines are ignored), or the hexadecimal digest alone"),
		quiet:      c.flags.Bool("q", false, "do not print progress to standard error"),
	}
}

// ballotsDigest returns the published SHA-256 of ballots.jsonl, from
// -ballots-sha256 or -ballots-sha256-file (exactly one of them).
func (c *cmdline) ballotsDigest(rf *recordFlags) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	switch {
	case *rf.digest != "" && *rf.digestFile != "":
		return sum, c.usageError("give -ballots-sha256 or -ballots-sha256-file, not both")
	case *rf.digest != "":
		b, err := wire.DecodeHex("ballots-sha256", strings.TrimSpace(*rf.digest), sha256.Size)
		if err != nil {
			return sum, c.usageError("-ballots-sha256: %s", strings.TrimPrefix(err.Error(), "field ballots-sha256: "))
		}
		return [sha256.Size]byte(b), nil
	case *rf.digestFile != "":
		data, err := regular.ReadFile(*rf.digestFile, 1<<20)
		if err != nil {
			return sum, fmt.Errorf("-ballots-sha256-file: %w", err)
		}
		b, err := digestFromSums(data)
		if err != nil {
			return sum, fmt.Errorf("-ballots-sha256-file %s: %v", *rf.digestFile, err)
		}
		return [sha256.Size]byte(b), nil
	}
	return sum, c.usageError("the SHA-256 of ballots.jsonl that the election authority published is required: give -ballots-sha256 HEX or -ballots-sha256-file FILE")
}

// digestFromSums finds the digest of ballots.jsonl in the lines of a
// SHA256SUMS file ("<hex>  <name>" or "<hex> *<name>"), or takes the file's
// only digest if it names no file.
func digestFromSums(data []byte) ([]byte, error) {
	var digests []string
	var at []int
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		hexDigest, name, named := strings.Cut(line, " ")
		if named && strings.TrimPrefix(strings.TrimSpace(name), "*") != "ballots.jsonl" {
			continue
		}
		digests, at = append(digests, hexDigest), append(at, n+1)
	}
	switch len(digests) {
	case 0:
		return nil, errors.New("no line for ballots.jsonl")
	case 1:
	default:
		return nil, fmt.Errorf("%s for ballots.jsonl, lines %s", prose.Count(len(digests), "digest"), prose.List(at))
	}
	b, err := wire.DecodeHex("digest", digests[0], sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("line %d: %v", at[0], err)
	}
	return b, nil
}

// verifyRecord verifies the record for decryption (or mixing), with the
// published digest of its ballots.jsonl. A record that fails is refused
// (exit status 1); one that cannot be read is not (2).
func (c *cmdline) verifyRecord(rf *recordFlags, digest [sha256.Size]byte) (*election.VerifiedRecord, error) {
	c.progress(*rf.quiet, "verifying the record %s (checks 1 to 11, and 16 and 17 of each cascade)…", *rf.record)
	rec, err := election.VerifyForDecryption(*rf.record, digest, nil)
	if err != nil {
		return nil, refuseContent(err)
	}
	b := rec.Report().Ballots
	c.printf("The record %s verifies for decryption: checks 1 to 11 pass; %d ballots cast, %d counted; ballots.jsonl has the published SHA-256.", *rf.record, b.Cast, b.Counted)
	for _, cr := range rec.Report().Cascades {
		accepted := 0
		for _, s := range cr.Stages {
			if s.Accepted {
				accepted++
			}
		}
		state := "complete"
		if !cr.Complete {
			state = "not complete"
		}
		c.printf("Cascade of contest %q: %s, %d of %s accepted, %d required: %s.", cr.Contest, prose.Count(cr.Rows, "row"), accepted, prose.Count(len(cr.Stages), "stage"), cr.Required, state)
	}
	return rec, nil
}

// refuseContent marks an error of reading a record as a refusal, unless
// the record could not be read: it is not a record, or a file is missing
// or unreadable.
func refuseContent(err error) error {
	var pe *fs.PathError
	if errors.Is(err, election.ErrNotRecord) || errors.As(err, &pe) {
		return err
	}
	return refuse(err)
}

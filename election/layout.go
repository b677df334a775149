package election

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// The files of a record, relative to its folder, with forward slashes
// (docs/spec-parts/80-record.md, "Layout"). They are written in this order;
// the index is rewritten after each step.
const (
	fileRoster      = "trustees/roster.json"
	fileCommitments = "trustees/commitments.jsonl"
	fileShares      = "trustees/shares.jsonl"
	fileComplaints  = "trustees/complaints.jsonl"
	fileResponses   = "trustees/responses.jsonl"
	fileCeremony    = "trustees/result.json"
	fileElection    = "election.json"
	fileDevices     = "devices.json"
	fileCredentials = "credentials.json"
	fileBallots     = "ballots.jsonl"
	fileChallenged  = "challenged.jsonl"
	fileTally       = "tally/encrypted.json"
	dirShareLists   = "tally/shares"
	fileResults     = "results.json"
	fileIndex       = "SHA256SUMS"
)

// Format is the value of the "format" member of election.json: the version
// of the record layout.
const Format = "sandogh-v1/record"

// shareListFile returns the name of trustee j's decryption share list.
func shareListFile(j int) string {
	return dirShareLists + "/" + strconv.Itoa(j) + ".json"
}

// parseShareListFile returns j if name is the canonical name of trustee j's
// share list ("tally/shares/<j>.json", j in decimal without leading zeros).
func parseShareListFile(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, dirShareLists+"/")
	if !ok {
		return 0, false
	}
	num, ok := strings.CutSuffix(rest, ".json")
	if !ok || num == "" || num[0] == '0' || len(num) > 4 {
		return 0, false
	}
	j, err := strconv.Atoi(num)
	if err != nil || j < 1 || strconv.Itoa(j) != num {
		return 0, false
	}
	return j, true
}

// fixedFiles are the files every complete record has, in writing order.
var fixedFiles = []string{
	fileRoster, fileCommitments, fileShares, fileComplaints, fileResponses, fileCeremony,
	fileElection, fileDevices, fileCredentials,
	fileBallots, fileChallenged, fileTally,
	fileResults,
}

// checkRelPath checks that name is a clean relative path inside a record:
// forward slashes, no "." or ".." elements, no leading slash, printable
// ASCII without spaces, so that it is one line of the index.
func checkRelPath(name string) error {
	if name == "" || len(name) > 255 {
		return fmt.Errorf("path %q: empty or longer than 255 bytes", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || c == '\\' {
			return fmt.Errorf("path %q: byte %d is not a printable ASCII character other than space and backslash", name, i)
		}
	}
	if path.Clean(name) != name || strings.HasPrefix(name, "/") || name == "." || strings.HasPrefix(name, "../") || name == ".." {
		return fmt.Errorf("path %q: not a clean relative path", name)
	}
	return nil
}

package election

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// The files of a record, relative to its folder, with forward slashes
// (docs/spec.md §The election record, "Layout"). They are written in this order;
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

// The files of the mixnet path of a Codes contest, in folder
// mixnet/<i>/ for the contest's index i in the manifest.
const (
	dirMixnet        = "mixnet"
	mixStagesDir     = "stages"          // <t>.bin: stage t of the cascade
	mixSharesDir     = "shares"          // <j>.bin: trustee j's shares of the final rows
	mixDecryptedFile = "decrypted.jsonl" // one decoded row per line
	mixStageExt      = ".bin"
	maxDecimalIndex  = 10 // digits of a stage or contest index in a path
)

// mixDir returns the folder of Codes contest i's mixnet files.
func mixDir(i int) string { return dirMixnet + "/" + strconv.Itoa(i) }

// mixStageFile returns the name of stage t of contest i's cascade.
func mixStageFile(i, t int) string {
	return mixDir(i) + "/" + mixStagesDir + "/" + strconv.Itoa(t) + mixStageExt
}

// mixShareFile returns the name of trustee j's shares of contest i's final
// rows.
func mixShareFile(i, j int) string {
	return mixDir(i) + "/" + mixSharesDir + "/" + strconv.Itoa(j) + mixStageExt
}

// mixDecryptedPath returns the name of contest i's decoded rows.
func mixDecryptedPath(i int) string { return mixDir(i) + "/" + mixDecryptedFile }

// parseDecimal returns n if s is the decimal form of n ≥ 0 without leading
// zeros, of at most maxDigits digits.
func parseDecimal(s string, maxDigits int) (int, bool) {
	if s == "" || len(s) > maxDigits || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

// Format is the value of the "format" member of election.json: the version
// of the record layout. Format 2 (the acceptance rule written once, refused
// ballots in ballots.jsonl, nonces bound to the ballot's header, the
// uniqueness of first components) replaced "sandogh-v1/record", whose
// records this package rejects.
const Format = "sandogh-v1/record-2"

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

package election

import (
	"fmt"
	"github.com/sandogh/sandogh/internal/sums"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/trustee"
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
	// filePollBook is the poll book's summary, an optional file
	// (WritePollBookSummary, check 23).
	filePollBook = "pollbook.json"
)

// The files of the mixnet path of a CodeList contest, in folder
// mixnet/<i>/ for the contest's index i in the manifest.
const (
	dirMixnet        = "mixnet"
	mixStagesDir     = "stages"          // <t>.bin: stage t of the cascade
	mixSharesDir     = "shares"          // <j>.bin: trustee j's shares of the final rows
	mixDecryptedFile = "decrypted.jsonl" // one decoded row per line
	mixStageExt      = ".bin"
	maxDecimalIndex  = 10 // digits of a stage or contest index in a path
)

// mixDir returns the folder of CodeList contest i's mixnet files.
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

// dirCounts is the folder of the counts: counts/<i>.json is, for a Ranked
// contest i, its count published stage by stage (WriteRankedCount), and for
// a ProportionalList contest i, its seat allocation (written with the
// results).
const dirCounts = "counts"

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
	if err != nil || j < 1 || j > trustee.MaxTrustees || strconv.Itoa(j) != num {
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
func checkRelPath(name string) error { return sums.CheckPath(name) }

// A layout says which paths a record may hold (docs/spec.md, "The election
// record", "Layout"): the fixed files and folders, a share list
// tally/shares/<j>.json for each trustee j of the roster, the optional
// poll book summary pollbook.json, for each
// CodeList or Ranked contest i the folder mixnet/<i> with stages/<t>.bin,
// shares/<j>.bin and decrypted.jsonl, and for each Ranked contest i the
// count counts/<i>.json. Nothing else may be present.
type layout struct {
	// codeLists holds the indices of the CodeList and Ranked contests; codesKnown is false
	// when the manifest is unavailable.
	codeLists      []int
	codeListsKnown bool  // the manifest is known: codeLists and countContests are set
	countContests  []int // the contests with a file counts/<i>.json
	// trustees is the number of trustees of the roster, 0 if unknown.
	trustees int
}

// The reasons a path is not part of the record, and what a judgement that
// cannot be made lacks.
const (
	notInLayout      = "not a file of the record's layout; no other file may be present"
	notInLayoutDir   = "not a folder of the record's layout; no other file may be present"
	tempLeftover     = "a temporary file left by an interrupted write, not part of the record"
	unknownCodeLists = "which files the mixnet path has: the manifest is unavailable (check 1)"
	unknownTrustees  = "which share list files belong to a trustee: the roster is unavailable (check 2)"
)

// judge returns "" if name (relative to the record's folder; a folder if
// dir) may be part of a record, and otherwise why not. If the answer
// depends on an input that is unavailable, it returns "" and what is
// missing in unknown.
func (l *layout) judge(name string, dir bool) (why, unknown string) {
	if isTemp(name) {
		return tempLeftover, ""
	}
	notIt := notInLayout
	if dir {
		notIt = notInLayoutDir
	}
	if dir {
		switch name {
		case "trustees", "tally", dirShareLists:
			return "", ""
		}
	} else {
		if name == fileIndex || name == filePollBook || slices.Contains(fixedFiles, name) {
			return "", ""
		}
		if j, ok := parseShareListFile(name); ok {
			return l.trustee(j, notIt)
		}
	}
	if rest, ok := strings.CutPrefix(name, dirCounts); ok && (rest == "" || rest[0] == '/') {
		return l.judgeCounts(rest, dir, notIt)
	}
	rest, ok := strings.CutPrefix(name, dirMixnet)
	if !ok || (rest != "" && rest[0] != '/') {
		return notIt, ""
	}
	if !l.codeListsKnown {
		return "", unknownCodeLists
	}
	if len(l.codeLists) == 0 {
		return notIt, ""
	}
	if rest == "" {
		if dir {
			return "", ""
		}
		return notIt, ""
	}
	parts := strings.Split(rest[1:], "/")
	i, ok := parseDecimal(parts[0], maxDecimalIndex)
	if !ok || !slices.Contains(l.codeLists, i) {
		return notIt, ""
	}
	switch {
	case len(parts) == 1 && dir:
		return "", ""
	case len(parts) == 2 && dir && (parts[1] == mixStagesDir || parts[1] == mixSharesDir):
		return "", ""
	case len(parts) == 2 && !dir && parts[1] == mixDecryptedFile:
		return "", ""
	case len(parts) == 3 && !dir && parts[1] == mixStagesDir:
		if _, ok := parseIndexedFile(name, mixDir(i)+"/"+mixStagesDir, mixStageExt); ok {
			return "", ""
		}
	case len(parts) == 3 && !dir && parts[1] == mixSharesDir:
		if j, ok := parseIndexedFile(name, mixDir(i)+"/"+mixSharesDir, mixStageExt); ok && j >= 1 && j <= trustee.MaxTrustees {
			return l.trustee(j, notIt)
		}
	}
	return notIt, ""
}

// trustee judges a file named after trustee j.
func (l *layout) trustee(j int, notIt string) (why, unknown string) {
	switch {
	case l.trustees == 0:
		return "", unknownTrustees
	case j > l.trustees:
		return fmt.Sprintf("not a file of the record's layout: the roster has no trustee %d (it has %d)", j, l.trustees), ""
	}
	return "", ""
}

// walkRecord lists the record's folder root depth first, in name order,
// without following symbolic links and without opening anything but
// folders (regular.ReadDir, which never blocks). It calls visit with the
// path of every entry relative to root (forward slashes) and its type;
// visit returns whether to descend into a folder.
func walkRecord(root string, visit func(rel string, typ fs.FileMode) bool) error {
	var walk func(rel string) error
	walk = func(rel string) error {
		ents, err := regular.ReadDir(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		for _, d := range ents {
			name := d.Name()
			if rel != "" {
				name = rel + "/" + name
			}
			if visit(name, d.Type()) && d.IsDir() {
				if err := walk(name); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk("")
}

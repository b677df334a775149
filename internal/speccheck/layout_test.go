package speccheck

import (
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The record's layout (80-record.md, "Layout", "Nothing else may be
// present") and the text rule (50-ballot.md, "Encoding primitives").

func kindName(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a folder"
	}
	return "an irregular file"
}

// decimal parses a decimal number without leading zeros, of at most 10
// digits.
func decimal(s string) (int, bool) {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

var recordFiles = []string{
	"SHA256SUMS", "trustees/roster.json", "trustees/commitments.jsonl", "trustees/shares.jsonl",
	"trustees/complaints.jsonl", "trustees/responses.jsonl", "trustees/result.json",
	"election.json", "devices.json", "credentials.json", "ballots.jsonl", "challenged.jsonl",
	"tally/encrypted.json", "results.json",
	"pollbook.json", // optional (check 23)
}

// inLayout says whether path (a folder if dir) belongs to a record of an
// election whose codes contests are codes and whose roster has n trustees.
func inLayout(path string, dir bool, codes []int, n int) bool {
	parts := strings.Split(path, "/")
	trustee := func(s, ext string) bool {
		j, ok := decimal(strings.TrimSuffix(s, ext))
		return ok && strings.HasSuffix(s, ext) && j >= 1 && j <= n
	}
	if dir {
		switch path {
		case "trustees", "tally", "tally/shares":
			return true
		case "mixnet":
			return len(codes) > 0
		}
	} else if slices.Contains(recordFiles, path) {
		return true
	}
	if len(parts) == 3 && parts[0] == "tally" && parts[1] == "shares" && !dir {
		return trustee(parts[2], ".json")
	}
	if parts[0] != "mixnet" || len(parts) < 2 {
		return false
	}
	i, ok := decimal(parts[1])
	if !ok || !slices.Contains(codes, i) {
		return false
	}
	switch {
	case len(parts) == 2:
		return dir
	case len(parts) == 3 && dir:
		return parts[2] == "stages" || parts[2] == "shares"
	case len(parts) == 3:
		return parts[2] == "decrypted.jsonl"
	case len(parts) == 4 && !dir && parts[2] == "stages":
		_, ok := decimal(strings.TrimSuffix(parts[3], ".bin"))
		return ok && strings.HasSuffix(parts[3], ".bin")
	case len(parts) == 4 && !dir && parts[2] == "shares":
		return trustee(parts[3], ".bin")
	}
	return false
}

// walk lists every path under dir without following links: folders
// through listDir, which never blocks.
func walk(dir string, visit func(rel string, typ fs.FileMode) bool) error {
	var rec func(rel string) error
	rec = func(rel string) error {
		ents, err := listDir(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		for _, d := range ents {
			p := d.Name()
			if rel != "" {
				p = rel + "/" + p
			}
			if visit(p, d.Type()) && d.IsDir() {
				if err := rec(p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return rec("")
}

// listNames returns the names in folder rel of the record whose form is
// <j>ext with 1 ≤ j ≤ n, sorted by j; the check that reads them ignores
// every other name (check 15 reports it).
func (rc *recordCheck) listNames(rel, ext string, n int) []int {
	ents, _ := listDir(filepath.Join(rc.dir, filepath.FromSlash(rel)))
	var out []int
	for _, d := range ents {
		j, ok := decimal(strings.TrimSuffix(d.Name(), ext))
		if ok && strings.HasSuffix(d.Name(), ext) && (n < 0 || (j >= 1 && j <= n)) {
			out = append(out, j)
		}
	}
	slices.Sort(out)
	return out
}

// Package sums is the text form of an election record's index,
// SHA256SUMS (docs/spec.md §The election record, "Index"): the SHA-256 of
// every other file of the record, by path, in the form of GNU coreutils'
// sha256sum, so that
//
//	cd record && sha256sum --check SHA256SUMS
//
// checks a downloaded record without sandogh:
//
//	<64 lowercase hexadecimal characters> ␠ ␠ <path> LF
//
// one line per file, sorted by path in byte order, each path once. The
// record's writer and verifier (package election), the examples' -out
// folders and the ballot box server's public side read and write it
// here. This package is for sandogh's own use.
package sums

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strings"
)

// FileName is the index's own name, which it never lists.
const FileName = "SHA256SUMS"

// An Index maps each path of a record to the SHA-256 of its file.
type Index map[string][sha256.Size]byte

// Bytes returns the text form of the index.
func (x Index) Bytes() []byte {
	names := make([]string, 0, len(x))
	for n := range x {
		names = append(names, n)
	}
	slices.Sort(names)
	var b bytes.Buffer
	for _, n := range names {
		h := x[n]
		b.WriteString(hex.EncodeToString(h[:]))
		b.WriteString("  ")
		b.WriteString(n)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Parse decodes the text form of an index strictly: at most max bytes,
// every line as above with a path CheckPath accepts, sorted, no path
// twice, lowercase digits, a final newline, and not the index itself.
func Parse(data []byte, max int) (Index, error) {
	if len(data) > max {
		return nil, fmt.Errorf("%d bytes, more than the maximum %d", len(data), max)
	}
	x := make(Index)
	if len(data) == 0 {
		return x, nil
	}
	if data[len(data)-1] != '\n' {
		return nil, fmt.Errorf("the last line does not end with a newline")
	}
	prev := ""
	for i, line := range strings.Split(string(data[:len(data)-1]), "\n") {
		hexHash, name, ok := strings.Cut(line, "  ")
		if !ok || len(hexHash) != 2*sha256.Size {
			return nil, fmt.Errorf("line %d: not \"<64 hexadecimal digits>  <path>\"", i+1)
		}
		var h [sha256.Size]byte
		for k := 0; k < len(hexHash); k++ {
			if c := hexHash[k]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return nil, fmt.Errorf("line %d: character %d of the hash is not a lowercase hexadecimal digit", i+1, k+1)
			}
		}
		if _, err := hex.Decode(h[:], []byte(hexHash)); err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		if err := CheckPath(name); err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		if name == FileName {
			return nil, fmt.Errorf("line %d: the index lists itself", i+1)
		}
		if i > 0 && name <= prev {
			if name == prev {
				return nil, fmt.Errorf("line %d: %s is listed twice", i+1, name)
			}
			return nil, fmt.Errorf("line %d: %s is not in sorted order after %s", i+1, name, prev)
		}
		x[name] = h
		prev = name
	}
	return x, nil
}

// CheckPath returns an error unless name is a path a record may hold: 1 to
// 255 bytes of printable ASCII other than space and backslash, clean and
// relative (no empty, "." or ".." element, no leading "/").
func CheckPath(name string) error {
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

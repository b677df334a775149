package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFakeRecord writes in dir the files of a small record whose content
// depends on tag, with its index: what readOldRecord recognises, and what
// OutDir moves and removes. It returns the record's files with their
// content, the index included.
func writeFakeRecord(t *testing.T, dir, tag string) map[string]string {
	t.Helper()
	files := map[string]string{
		"election.json":        `{"format": "sandogh-v1/record-2", "tag": "` + tag + `"}` + "\n",
		"trustees/roster.json": "roster " + tag + "\n",
		"tally/encrypted.json": "tally " + tag + "\n",
		"tally/shares/1.json":  "shares " + tag + "\n",
	}
	var index strings.Builder
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	}) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(files[name]), 0o644); err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256([]byte(files[name]))
		index.WriteString(hex.EncodeToString(h[:]) + "  " + name + "\n")
	}
	files["SHA256SUMS"] = index.String()
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(index.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return files
}

// snapshot returns the content of every file under dir by slash path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// siblings returns the names in dir's parent other than dir's.
func siblings(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Name() != filepath.Base(dir) {
			out = append(out, e.Name())
		}
	}
	return out
}

func sameMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func isUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// TestOutDirNew: a folder that does not exist, or is empty, receives the
// record, written in a sibling folder that is gone afterwards.
func TestOutDirNew(t *testing.T) {
	for _, exists := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "parent", "rec")
		if exists {
			os.MkdirAll(dir, 0o750)
		}
		o, err := PrepareOut(dir, false)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(o.Stage) != filepath.Dir(dir) || !strings.HasPrefix(filepath.Base(o.Stage), ".rec.sandogh-new-") {
			t.Errorf("stage %s is not a hidden sibling of %s", o.Stage, dir)
		}
		want := writeFakeRecord(t, o.Stage, "new")
		kept, left, err := o.Commit()
		if err != nil || kept != nil || left != "" {
			t.Fatalf("exists %v: Commit: %v %v %q", exists, err, kept, left)
		}
		if got := snapshot(t, dir); !sameMaps(got, want) {
			t.Errorf("exists %v: the folder holds %v", exists, got)
		}
		if s := siblings(t, dir); len(s) != 0 {
			t.Errorf("exists %v: left beside the record: %v", exists, s)
		}
		if fi, err := os.Stat(dir); err != nil || exists && fi.Mode().Perm() != 0o750 {
			t.Errorf("exists %v: %v %v", exists, fi.Mode(), err)
		}
	}
}

// TestOutDirRefused: folders that may not be written to are refused with
// a UsageError naming -out, and nothing in them changes: a non-empty
// folder without force, and with force a folder that is not a record (a
// downloads folder with its own SHA256SUMS, an index that lists a missing
// or changed file, a record whose election.json is not sandogh's), a
// file, and the empty name.
func TestOutDirRefused(t *testing.T) {
	type setup func(t *testing.T, dir string)
	write := func(name, content string) setup {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	record := func(t *testing.T, dir string) { writeFakeRecord(t, dir, "old") }
	iso := "an installer image"
	isoSum := sha256.Sum256([]byte(iso))
	for _, tt := range []struct {
		name  string
		force bool
		setup []setup
		want  string
	}{
		{"notes without -force", false, []setup{write("notes.txt", "mine")}, "is not empty"},
		{"a record without -force", false, []setup{record}, "give -force"},
		{"a folder without index", true, []setup{write("notes.txt", "mine")}, "no SHA256SUMS"},
		{"a downloads folder", true, []setup{write("debian.iso", iso), write("README", "r"),
			write("SHA256SUMS", hex.EncodeToString(isoSum[:])+"  debian.iso\n")}, "does not list election.json"},
		{"a binary-mode index", true, []setup{write("debian.iso", iso),
			write("SHA256SUMS", hex.EncodeToString(isoSum[:])+" *debian.iso\n")}, "line 1: not"},
		{"a listed file missing", true, []setup{record, func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "tally", "shares", "1.json"))
		}}, "lists tally/shares/1.json, which is not there"},
		{"a listed file changed", true, []setup{record, write("trustees/roster.json", "edited\n")}, "trustees/roster.json is not the file its SHA256SUMS lists"},
		{"a listed file replaced by a link", true, []setup{record, func(t *testing.T, dir string) {
			p := filepath.Join(dir, "trustees", "roster.json")
			os.Remove(p)
			if err := os.Symlink("/etc/passwd", p); err != nil {
				t.Skip(err)
			}
		}}, "symbolic link"},
		{"another program's election.json", true, []setup{record, func(t *testing.T, dir string) {
			// Rewrite election.json and its line of the index.
			data := `{"format": "other"}` + "\n"
			os.WriteFile(filepath.Join(dir, "election.json"), []byte(data), 0o644)
			idx, _ := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
			h := sha256.Sum256([]byte(data))
			lines := strings.Split(string(idx), "\n")
			for i, l := range lines {
				if strings.HasSuffix(l, "  election.json") {
					lines[i] = hex.EncodeToString(h[:]) + "  election.json"
				}
			}
			os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(strings.Join(lines, "\n")), 0o644)
		}}, "not a sandogh record's"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			os.Mkdir(dir, 0o755)
			for _, s := range tt.setup {
				s(t, dir)
			}
			before := snapshot(t, dir)
			o, err := PrepareOut(dir, tt.force)
			if err == nil || !isUsage(err) || !strings.Contains(err.Error(), "-out "+dir) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("PrepareOut: %v (%v), want a usage error with %q", err, o, tt.want)
			}
			if after := snapshot(t, dir); !sameMaps(before, after) {
				t.Errorf("the folder changed: %v, then %v", before, after)
			}
			if s := siblings(t, dir); len(s) != 0 {
				t.Errorf("created beside the folder: %v", s)
			}
		})
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := PrepareOut(file, true); !isUsage(err) || !strings.Contains(err.Error(), "is a regular file, not a folder") {
		t.Errorf("a file: %v", err)
	}
	if _, err := PrepareOut("", false); !isUsage(err) || !strings.Contains(err.Error(), "-out is empty") {
		t.Errorf("the empty name: %v", err)
	}
}

// TestOutDirForce: with force, a record is replaced, and the files its
// index does not list (notes beside it, in a folder of their own, and in
// one of the record's folders) stay: the same files, under the same
// names; no sibling folder is left.
func TestOutDirForce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	os.Mkdir(dir, 0o755)
	writeFakeRecord(t, dir, "old")
	notes := map[string]string{"notes.txt": "my notes", "mine/sub/a.txt": "a", "tally/remark.txt": "r"}
	for n, c := range notes {
		p := filepath.Join(dir, filepath.FromSlash(n))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(c), 0o600)
	}
	os.Mkdir(filepath.Join(dir, "empty"), 0o700)
	before := map[string]os.FileInfo{}
	for n := range notes {
		before[n], _ = os.Lstat(filepath.Join(dir, filepath.FromSlash(n)))
	}
	o, err := PrepareOut(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	want := writeFakeRecord(t, o.Stage, "new")
	kept, left, err := o.Commit()
	if err != nil || left != "" {
		t.Fatalf("Commit: %v, left %q", err, left)
	}
	slices.Sort(kept)
	if !slices.Equal(kept, []string{"mine/sub/a.txt", "notes.txt", "tally/remark.txt"}) {
		t.Errorf("kept %v", kept)
	}
	for n, c := range notes {
		want[n] = c
	}
	if got := snapshot(t, dir); !sameMaps(got, want) {
		t.Errorf("the folder holds %v, want %v", got, want)
	}
	for n, fi := range before {
		now, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(n)))
		if err != nil || !os.SameFile(fi, now) || now.Mode() != fi.Mode() {
			t.Errorf("%s is not the same file: %v", n, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "empty")); err != nil || !fi.IsDir() {
		t.Errorf("the empty folder of the user is gone: %v", err)
	}
	if s := siblings(t, dir); len(s) != 0 {
		t.Errorf("left beside the record: %v", s)
	}
}

// TestOutDirCommitRefused: Commit changes nothing if the old record
// changed while the new one was written, or if a note has the name of a
// file of the new record; the new record stays in Stage.
func TestOutDirCommitRefused(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(dir, stage string)
		want   string
	}{
		{"old record changed", func(dir, stage string) {
			os.WriteFile(filepath.Join(dir, "election.json"), []byte(`{"format": "sandogh-v1/record-2", "edited": 1}`), 0o644)
		}, "changed while the new one was written"},
		{"a note has a record's name", func(dir, stage string) {
			os.MkdirAll(filepath.Join(dir, "tally", "shares"), 0o755)
			os.WriteFile(filepath.Join(dir, "tally", "shares", "2.json"), []byte("mine"), 0o644)
			os.WriteFile(filepath.Join(stage, "tally", "shares", "2.json"), []byte("theirs"), 0o644)
		}, "cannot keep tally/shares/2.json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rec")
			os.Mkdir(dir, 0o755)
			writeFakeRecord(t, dir, "old")
			o, err := PrepareOut(dir, true)
			if err != nil {
				t.Fatal(err)
			}
			writeFakeRecord(t, o.Stage, "new")
			tt.change(dir, o.Stage)
			before := snapshot(t, dir)
			if _, _, err := o.Commit(); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), o.Stage) {
				t.Fatalf("Commit: %v, want %q", err, tt.want)
			}
			if after := snapshot(t, dir); !sameMaps(before, after) {
				t.Errorf("the folder changed")
			}
			if got := snapshot(t, o.Stage)["election.json"]; !strings.Contains(got, `"new"`) {
				t.Errorf("the new record is not in %s: %q", o.Stage, got)
			}
		})
	}
}

// TestOutDirSymlink: -out may be a link to a folder; the record goes where
// it points, and the link stays.
func TestOutDirSymlink(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "target")
	os.Mkdir(target, 0o755)
	link := filepath.Join(root, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	o, err := PrepareOut(link, false)
	if err != nil {
		t.Fatal(err)
	}
	writeFakeRecord(t, o.Stage, "new")
	if _, _, err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is gone: %v", err)
	}
	if _, err := os.Stat(filepath.Join(target, "election.json")); err != nil {
		t.Errorf("the record is not in the link's target: %v", err)
	}
	if _, err := PrepareOut(filepath.Join(root, "nowhere-link"), false); err != nil {
		t.Errorf("a missing folder: %v", err)
	}
	os.Symlink(filepath.Join(root, "missing"), filepath.Join(root, "dangling"))
	if _, err := PrepareOut(filepath.Join(root, "dangling"), false); !isUsage(err) {
		t.Errorf("a dangling link: %v", err)
	}
}

// TestOutDirAbandon: Abandon removes the stage and nothing else; the
// folder keeps its old record; Leftovers names the sibling folders of
// interrupted runs.
func TestOutDirAbandon(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	os.Mkdir(dir, 0o755)
	old := writeFakeRecord(t, dir, "old")
	o, err := PrepareOut(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	writeFakeRecord(t, o.Stage, "new")
	if err := o.Abandon(); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, dir); !sameMaps(got, old) {
		t.Errorf("the old record changed")
	}
	if s := siblings(t, dir); len(s) != 0 {
		t.Errorf("left beside the record: %v", s)
	}
	leftover := siblingName(dir, oldTag, "0123")
	os.Mkdir(leftover, 0o755)
	o, err = PrepareOut(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Abandon()
	if got := o.Leftovers(); !slices.Equal(got, []string{leftover}) {
		t.Errorf("Leftovers: %v, want %v", got, leftover)
	}
}

// TestOutDirEmptyFilled: a folder that was empty when the run began and
// holds a file when the record is complete is left as it is.
func TestOutDirEmptyFilled(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	os.Mkdir(dir, 0o755)
	o, err := PrepareOut(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	writeFakeRecord(t, o.Stage, "new")
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	if _, _, err := o.Commit(); err == nil || !strings.Contains(err.Error(), "was empty and is no longer") {
		t.Fatalf("Commit: %v", err)
	}
	if got := snapshot(t, dir); !sameMaps(got, map[string]string{"notes.txt": "mine"}) {
		t.Errorf("the folder holds %v", got)
	}
}

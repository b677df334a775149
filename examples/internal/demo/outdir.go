package demo

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/sums"
)

// An OutDir is the folder that a command writes its election record to
// (-out), prepared so that no file is ever lost:
//
//   - A folder that does not exist, or is empty, receives the new record.
//   - A folder that holds anything is refused, unless force is given and
//     the folder holds an election record: a SHA256SUMS file in the form of
//     a record's index that lists election.json (whose format is a sandogh
//     record's) and files that are all there, regular, with the SHA-256 the
//     index gives. Any other folder is refused even with force: a downloads
//     folder with its own SHA256SUMS, a project folder, a record changed
//     since it was written.
//   - The new record is written in a temporary folder beside the old one
//     (Stage), and takes its place only when it is complete (Commit): the
//     files of the folder that the old index does not list (the user's
//     notes) are hard-linked into the new record's folder, the two folders
//     are exchanged in one rename (renameat2 RENAME_EXCHANGE where the
//     system has it; two renames elsewhere), and only then are the files
//     that the old index lists removed from the old folder, each after
//     checking its SHA-256 again.
//
// At every moment the folder holds a complete record (the old one, then
// the new one) and the user's notes; a crash leaves at most a hidden
// sibling folder, ".<name>.sandogh-new-…" (a new record not yet in place)
// or ".<name>.sandogh-old-…" (the old record, not yet removed), which the
// next run names (Leftovers) and never removes.
type OutDir struct {
	// Path is the folder as the user gave it, and Abs its absolute path
	// with symbolic links resolved, where the record ends up.
	Path, Abs string
	// Stage is the temporary folder, a sibling of Abs, in which the
	// record is written before Commit.
	Stage string

	exists bool        // Abs exists (empty, or with an old record)
	old    *oldRecord  // the old record, with force
	mode   fs.FileMode // Abs's permissions, given to the new folder if it exists
}

// A UsageError is a mistake of the command line: the command prints it and
// exits with status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// errNoExchange says that the system cannot exchange two folders in one
// step.
var errNoExchange = errors.New("exchanging folders is not supported here")

// Name parts of the temporary sibling folders.
const (
	stageTag = ".sandogh-new-"
	oldTag   = ".sandogh-old-"
)

// PrepareOut checks that a record can be written to the folder dir (the
// value of the flag -out) with the rules of OutDir, and creates the
// temporary folder Stage to write it in. Refusals are *UsageError values
// naming -out (and -force); other errors are the file system's.
func PrepareOut(dir string, force bool) (*OutDir, error) {
	if dir == "" {
		return nil, usagef("-out is empty; give the folder to write the record to")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	o := &OutDir{Path: dir, Abs: abs}
	fi, err := os.Lstat(abs)
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// A link to a folder: the record goes where it points.
		if o.Abs, err = filepath.EvalSymlinks(abs); err != nil {
			return nil, usagef("-out %s is a symbolic link that leads nowhere (%v)", dir, err)
		}
		fi, err = os.Lstat(o.Abs)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, usagef("-out %s is %s, not a folder", dir, regular.Kind(fi.Mode()))
	default:
		o.exists, o.mode = true, fi.Mode().Perm()
		ents, err := regular.ReadDir(o.Abs)
		if err != nil {
			return nil, err
		}
		if len(ents) > 0 {
			if !force {
				return nil, usagef("-out %s is not empty; choose another folder, or give -force to replace the election record in it (only the files its SHA256SUMS lists are removed, after the new record is complete)", dir)
			}
			if o.old, err = readOldRecord(o.Abs); err != nil {
				return nil, usagef("-out %s (with -force): %v; nothing was removed", dir, err)
			}
		}
	}
	parent := filepath.Dir(o.Abs)
	if parent == o.Abs {
		return nil, usagef("-out %s is the root folder; choose a folder in it", dir)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if o.Stage, err = newSibling(o.Abs, stageTag); err != nil {
		return nil, err
	}
	return o, nil
}

// newSibling creates a new empty folder beside path, named
// ".<base of path><tag><16 hexadecimal digits>".
func newSibling(path, tag string) (string, error) {
	for range 10 {
		var rnd [8]byte
		if _, err := rand.Read(rnd[:]); err != nil {
			return "", err
		}
		p := siblingName(path, tag, hex.EncodeToString(rnd[:]))
		err := os.Mkdir(p, 0o755)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("cannot create a temporary folder beside %s", path)
}

func siblingName(path, tag, suffix string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+tag+suffix)
}

// Leftovers returns the temporary folders beside the record's folder that
// an interrupted run left: new records not yet in place and old records
// not yet removed. Nothing removes them but the user.
func (o *OutDir) Leftovers() []string {
	ents, err := os.ReadDir(filepath.Dir(o.Abs))
	if err != nil {
		return nil
	}
	var out []string
	base := "." + filepath.Base(o.Abs)
	for _, e := range ents {
		n := e.Name()
		if p := filepath.Join(filepath.Dir(o.Abs), n); p != o.Stage && (strings.HasPrefix(n, base+stageTag) || strings.HasPrefix(n, base+oldTag)) {
			out = append(out, p)
		}
	}
	return out
}

// Abandon removes the temporary folder and everything in it: the files of
// a record that was not completed, all written by this run.
func (o *OutDir) Abandon() error {
	return os.RemoveAll(o.Stage)
}

// Commit puts the record written in Stage in place of the folder's
// content, keeping the files that the old record's index does not list.
// It returns those kept files (slash paths relative to the folder), and
// Left, the old record's folder if something in it could not be removed
// (it names what). If Commit fails before the new record is in place, the
// folder is unchanged and Stage still holds the new record.
func (o *OutDir) Commit() (kept []string, left string, err error) {
	if !o.exists {
		if err := os.Rename(o.Stage, o.Abs); err != nil {
			return nil, "", fmt.Errorf("putting the record in place: %v; it is in %s", err, o.Stage)
		}
		return nil, "", regular.SyncDir(filepath.Dir(o.Abs))
	}
	if err := os.Chmod(o.Stage, o.mode); err != nil {
		return nil, "", err
	}
	if o.old == nil {
		// An empty folder: take its place, if it is still empty.
		if ents, err := regular.ReadDir(o.Abs); err != nil {
			return nil, "", fmt.Errorf("%v; nothing was changed, and the new record is in %s", err, o.Stage)
		} else if len(ents) > 0 {
			return nil, "", fmt.Errorf("-out %s was empty and is no longer; nothing was changed, and the new record is in %s", o.Path, o.Stage)
		}
		if err := o.swap(); err != nil {
			return nil, "", err
		}
		if err := os.Remove(o.Stage); err != nil {
			return nil, o.Stage, fmt.Errorf("the record is in place; the empty folder it replaced is left as %s: %v", o.Stage, err)
		}
		return nil, "", nil
	}
	// Check the old record again: it may have changed while the new one
	// was written.
	old, err := readOldRecord(o.Abs)
	if err != nil {
		return nil, "", fmt.Errorf("the old record in %s changed while the new one was written: %v; nothing was removed, and the new record is in %s", o.Path, err, o.Stage)
	}
	notes, dirs, err := old.notes()
	if err != nil {
		return nil, "", err
	}
	if err := o.linkNotes(notes, dirs); err != nil {
		return nil, "", fmt.Errorf("%v; nothing was changed, and the new record is in %s", err, o.Stage)
	}
	crashPoint("staged")
	if err := o.swap(); err != nil {
		return nil, "", err
	}
	// o.Stage now holds the old record and the notes' original names.
	crashPoint("swapped")
	left = o.Stage
	if err := old.remove(o.Stage, o.Abs, notes, dirs); err != nil {
		return notes, left, err
	}
	return notes, "", nil
}

// linkNotes makes the user's folders dirs and files notes, found in the
// old record's folder, in the new record's temporary folder: folders are
// created, files hard-linked (the same file under a second name, so that
// the folder holds them at every moment of the swap).
func (o *OutDir) linkNotes(notes, dirs []string) error {
	for _, d := range dirs {
		fi, err := os.Lstat(filepath.Join(o.Abs, filepath.FromSlash(d)))
		if err != nil {
			return err
		}
		p := filepath.Join(o.Stage, filepath.FromSlash(d))
		if st, err := os.Lstat(p); err == nil {
			if !st.IsDir() {
				return fmt.Errorf("cannot keep the folder %s: the new record has a file of that name", d)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("cannot keep the folder %s: %v", d, err)
		}
		if err := os.Mkdir(p, fi.Mode().Perm()); err != nil {
			return fmt.Errorf("cannot keep the folder %s: %v", d, err)
		}
	}
	for _, n := range notes {
		src := filepath.Join(o.Abs, filepath.FromSlash(n))
		dst := filepath.Join(o.Stage, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("cannot keep %s beside the new record: %v", n, err)
		}
		if err := os.Link(src, dst); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("cannot keep %s beside the new record, which has a file of that name; move it out of %s", n, o.Path)
			}
			return fmt.Errorf("cannot keep %s beside the new record (a hard link is needed, so that the file stays in the folder at every moment): %v; move it out of %s", n, err, o.Path)
		}
	}
	return syncTree(o.Stage, dirs, notes)
}

// syncTree syncs the folder root and the folders that hold the given
// slash paths, so that new entries in them survive a crash.
func syncTree(root string, dirs, files []string) error {
	seen := map[string]bool{".": true}
	todo := []string{"."}
	for _, p := range slices.Concat(dirs, files) {
		for d := pathDir(p); !seen[d]; d = pathDir(d) {
			seen[d] = true
			todo = append(todo, d)
		}
	}
	for _, d := range todo {
		if err := regular.SyncDir(filepath.Join(root, filepath.FromSlash(d))); err != nil {
			return err
		}
	}
	return nil
}

func pathDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// swap exchanges the folders Abs and Stage: afterwards Abs holds the new
// record, and what Abs held is in a new hidden sibling ".<name>.sandogh-
// old-…", which o.Stage then names. Where the system cannot exchange two
// folders in one step, it renames Abs to that sibling and Stage to Abs, and
// moves the old folder back if the second rename fails.
func (o *OutDir) swap() error {
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return err
	}
	old := siblingName(o.Abs, oldTag, hex.EncodeToString(rnd[:]))
	err := exchange(o.Stage, o.Abs)
	if err == nil {
		// The old content now has the stage's name: give it a name that
		// says what it is, in case it is left behind.
		if os.Rename(o.Stage, old) == nil {
			o.Stage = old
		}
		return regular.SyncDir(filepath.Dir(o.Abs))
	}
	if !errors.Is(err, errNoExchange) {
		return fmt.Errorf("exchanging %s and %s: %v; nothing was changed", o.Stage, o.Abs, err)
	}
	if err := os.Rename(o.Abs, old); err != nil {
		return fmt.Errorf("moving the old record aside: %v; nothing was changed, and the new record is in %s", err, o.Stage)
	}
	crashPoint("moved-old")
	if err := os.Rename(o.Stage, o.Abs); err != nil {
		if err2 := os.Rename(old, o.Abs); err2 != nil {
			return fmt.Errorf("putting the new record in place: %v; the old record is in %s and the new one in %s", err, old, o.Stage)
		}
		return fmt.Errorf("putting the new record in place: %v; nothing was changed, and the new record is in %s", err, o.Stage)
	}
	o.Stage = old
	return regular.SyncDir(filepath.Dir(o.Abs))
}

// An oldRecord is an election record found in an -out folder.
type oldRecord struct {
	dir   string
	files map[string][sha256.Size]byte // the index: slash path → SHA-256
}

// Limits of what readOldRecord reads.
const (
	maxOldIndex    = 1 << 20 // as package election's reader
	maxOldElection = 1 << 30
)

// readOldRecord reads the record in dir: its index must be one (strict
// coreutils sha256sum form, sorted, clean paths), list election.json with
// a sandogh record format, and every file it lists must be a regular file
// with the listed SHA-256. Its errors say why the folder is not a record
// that may be replaced.
func readOldRecord(dir string) (*oldRecord, error) {
	data, err := regular.ReadFile(filepath.Join(dir, sums.FileName), maxOldIndex)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("it holds no election record (no SHA256SUMS)")
	}
	if err != nil {
		return nil, fmt.Errorf("its SHA256SUMS cannot be read as an election record's index: %v", err)
	}
	files, err := sums.Parse(data, maxOldIndex)
	if err != nil {
		return nil, fmt.Errorf("its SHA256SUMS is not an election record's index: %v", err)
	}
	if _, ok := files["election.json"]; !ok {
		return nil, errors.New("its SHA256SUMS is not an election record's index: it does not list election.json")
	}
	r := &oldRecord{dir: dir, files: files}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := r.check(name); err != nil {
			return nil, err
		}
	}
	ej, err := regular.ReadFile(filepath.Join(dir, "election.json"), maxOldElection)
	if err != nil {
		return nil, err
	}
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(ej, &head); err != nil || !strings.HasPrefix(head.Format, "sandogh-") {
		return nil, errors.New("its election.json is not a sandogh record's (no \"format\" member \"sandogh-…\")")
	}
	return r, nil
}

// check checks that the listed file name is in the folder, a regular file
// with the SHA-256 that the index gives.
func (r *oldRecord) check(name string) error {
	f, err := regular.Open(filepath.Join(r.dir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("its SHA256SUMS lists %s, which is not there", name)
	}
	if err != nil {
		return fmt.Errorf("its SHA256SUMS lists %s: %v", name, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("reading %s: %v", name, err)
	}
	if [sha256.Size]byte(h.Sum(nil)) != r.files[name] {
		return fmt.Errorf("%s is not the file its SHA256SUMS lists (its SHA-256 differs: it changed after the record was written)", name)
	}
	return nil
}

// notes walks the record's folder and returns the files that the index
// does not list (the user's), and the folders that hold no listed file
// (the user's too), as slash paths, parents before their content.
func (r *oldRecord) notes() (notes, dirs []string, err error) {
	recordDirs := r.recordDirs()
	err = filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(r.dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch _, listed := r.files[rel]; {
		case d.IsDir():
			if !recordDirs[rel] {
				dirs = append(dirs, rel)
			}
		case listed || rel == "SHA256SUMS":
		default:
			notes = append(notes, rel)
		}
		return nil
	})
	return notes, dirs, err
}

// remove removes the old record from the folder old, where it now is, once
// the new one is in place at cur: each listed file after checking its
// SHA-256 again, the index, the names of the notes (which cur holds: only
// a name that is the same file as in cur is removed), then the folders
// that are left empty, and the folder old itself. A file that fails a
// check stays, and old with it; the error names the first.
func (r *oldRecord) remove(old, cur string, notes, dirs []string) error {
	r.dir = old
	var kept []string
	names := slices.Sorted(maps.Keys(r.files))
	for i, name := range names {
		if err := r.check(name); err != nil {
			kept = append(kept, name)
			continue
		}
		if err := os.Remove(filepath.Join(old, filepath.FromSlash(name))); err != nil {
			kept = append(kept, name)
		}
		if i == 0 {
			crashPoint("removing")
		}
	}
	if len(kept) == 0 {
		if err := os.Remove(filepath.Join(old, "SHA256SUMS")); err != nil {
			kept = append(kept, "SHA256SUMS")
		}
	} else {
		kept = append(kept, "SHA256SUMS")
	}
	for _, n := range notes {
		a, errA := os.Lstat(filepath.Join(old, filepath.FromSlash(n)))
		b, errB := os.Lstat(filepath.Join(cur, filepath.FromSlash(n)))
		if errA != nil || errB != nil || !os.SameFile(a, b) || os.Remove(filepath.Join(old, filepath.FromSlash(n))) != nil {
			kept = append(kept, n)
		}
	}
	// Empty folders, deepest first; a folder that is not empty stays.
	var all []string
	for d := range r.recordDirs() {
		all = append(all, d)
	}
	all = append(all, dirs...)
	slices.SortFunc(all, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, d := range all {
		os.Remove(filepath.Join(old, filepath.FromSlash(d)))
	}
	if err := os.Remove(old); err != nil {
		if len(kept) == 0 {
			return fmt.Errorf("the old record's folder %s is not empty: %v", old, err)
		}
		return fmt.Errorf("the old record's folder %s keeps %s, which could not be removed safely", old, prose.Count(len(kept), "file"))
	}
	return regular.SyncDir(filepath.Dir(old))
}

// recordDirs returns the folders that hold listed files.
func (r *oldRecord) recordDirs() map[string]bool {
	out := map[string]bool{}
	for name := range r.files {
		for d := pathDir(name); d != "."; d = pathDir(d) {
			out[d] = true
		}
	}
	return out
}

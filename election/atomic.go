package election

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sandogh/sandogh/internal/regular"
)

// tmpPrefix starts the name of every temporary file the writer creates, so
// that a crash leftover is recognisable (and removed by OpenWriter).
const tmpPrefix = ".tmp-"

// writeAtomic writes the file at path by calling fill on a temporary file
// in the same folder, syncing it, renaming it to path and syncing the
// folder, so that path either does not exist or holds the complete
// content, even after a crash. If replace is false and path exists, it
// fails without writing anything.
func writeAtomic(path string, replace bool, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if !replace {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s already exists, and the record is append-only", path)
		} else if !os.IsNotExist(err) {
			return err
		}
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return err
	}
	tmp := filepath.Join(dir, tmpPrefix+hex.EncodeToString(rnd[:])+"-"+filepath.Base(path))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %v", tmp, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if !replace {
		// Check again just before the rename: Rename replaces silently.
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s already exists, and the record is append-only", path)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return regular.SyncDir(dir)
}

// mkdirSynced creates dir and its missing parents, syncing each parent in
// which it creates an entry, so that the new folders survive a crash.
func mkdirSynced(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a folder", dir)
		}
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirSynced(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
		return err
	}
	return regular.SyncDir(parent)
}

// isTemp reports whether the base name of a file is one of the writer's
// temporary files.
func isTemp(name string) bool {
	return strings.HasPrefix(filepath.Base(name), tmpPrefix)
}

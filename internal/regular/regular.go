package regular

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by every error about a path that is not a
// regular file (or, for ReadDir, not a folder).
var ErrNotRegular = errors.New("not a regular file")

// A KindError says what a path is instead of a regular file (or a folder).
// It matches ErrNotRegular with errors.Is.
type KindError struct {
	// Kind is "a named pipe", "a symbolic link", "a folder", "a device",
	// "a socket", "a regular file" (for ReadDir) or "an irregular file".
	Kind string
	// Want is "a regular file" or "a folder".
	Want string
}

func (e *KindError) Error() string {
	return "not " + e.Want + " but " + e.Kind
}

// Is reports whether target is ErrNotRegular.
func (e *KindError) Is(target error) bool { return target == ErrNotRegular }

// Kind names the type of a file mode: "a regular file", "a folder", "a
// symbolic link", "a named pipe", "a socket", "a device" or "an irregular
// file".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "an irregular file"
}

func notRegular(op, path string, m fs.FileMode) error {
	return &fs.PathError{Op: op, Path: path, Err: &KindError{Kind: Kind(m), Want: "a regular file"}}
}

func notDir(op, path string, m fs.FileMode) error {
	return &fs.PathError{Op: op, Path: path, Err: &KindError{Kind: Kind(m), Want: "a folder"}}
}

// Open opens the regular file at path for reading (OpenFile with
// os.O_RDONLY).
func Open(path string) (*os.File, error) {
	return OpenFile(path, os.O_RDONLY, 0)
}

// OpenFile is os.OpenFile for regular files only. It never blocks on a
// named pipe or a device, does not follow a symbolic link in the last
// element of path, and refuses anything but a regular file with an
// *fs.PathError wrapping a *KindError (ErrNotRegular). Other errors are
// os.OpenFile's. The file returned is in blocking mode.
func OpenFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	return openFile(path, flag, perm)
}

// ReadFile reads the whole regular file at path, as os.ReadFile does, but
// fails if it is longer than max bytes (with an error that is not an
// *fs.PathError: the content is wrong, the file could be read).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is longer than %d bytes", path, max)
	}
	return data, nil
}

// ReadDir returns the entries of the folder at path, sorted by name, as
// os.ReadDir does, without blocking if path names a named pipe or a
// device: anything that is not a folder is refused with an error wrapping
// ErrNotRegular. A symbolic link in the last element is followed (a
// record's folder may be one); callers check the types of the entries.
func ReadDir(path string) ([]fs.DirEntry, error) {
	f, err := OpenDir(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	sortEntries(ents)
	return ents, err
}

// OpenDir opens the folder at path (to list it or to sync it) without
// blocking on anything that is not a folder.
func OpenDir(path string) (*os.File, error) {
	return openDir(path)
}

// SyncDir makes the creation, removal or renaming of entries in the
// folder dir durable (fsync of the folder).
func SyncDir(dir string) error {
	d, err := OpenDir(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing folder %s: %v", dir, err)
	}
	return nil
}

package filelock

import (
	"errors"
	"fmt"
	"os"

	"github.com/sandogh/sandogh/internal/regular"
)

// OpenLocked opens the regular file at path for reading and writing,
// creating it with perm if it does not exist (without blocking on a pipe
// or following a link: regular.OpenFile), and takes its lock without
// waiting. It returns an error wrapping ErrLocked if another open of the
// file holds the lock; the file is then closed.
func OpenLocked(path string, perm os.FileMode) (*os.File, error) {
	f, err := regular.OpenFile(path, os.O_RDWR|os.O_CREATE, perm)
	if err != nil {
		return nil, err
	}
	if err := TryLock(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, err
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return f, nil
}

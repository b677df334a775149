//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package filelock

import (
	"os"
	"slices"
	"sync"
)

// Without flock, the locks are kept in this process: a list of the locked
// files, compared by os.SameFile.
var (
	mu     sync.Mutex
	locked []lockedFile
)

type lockedFile struct {
	f  *os.File
	fi os.FileInfo
}

// TryLock takes an exclusive lock on f without waiting. It returns
// ErrLocked if another open of the file in this process holds it. Unlock
// releases it; call it before closing f.
func TryLock(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	for _, l := range locked {
		if os.SameFile(l.fi, fi) {
			if l.f == f {
				return nil
			}
			return ErrLocked
		}
	}
	locked = append(locked, lockedFile{f, fi})
	return nil
}

// Unlock releases the lock that TryLock took on f.
func Unlock(f *os.File) error {
	mu.Lock()
	defer mu.Unlock()
	locked = slices.DeleteFunc(locked, func(l lockedFile) bool { return l.f == f })
	return nil
}

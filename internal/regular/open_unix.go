//go:build unix

package regular

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// openFile opens with O_NONBLOCK (so that opening a named pipe or a
// device does not wait), O_NOFOLLOW (so that a symbolic link is refused,
// not followed) and O_CLOEXEC, checks the descriptor's type with fstat,
// and puts a regular file back in blocking mode.
func openFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	fd, err := open(path, flag|syscall.O_NONBLOCK|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, syscallMode(perm))
	if err != nil {
		// O_NOFOLLOW on a symbolic link fails with ELOOP (EMLINK on some
		// BSDs), and a write-only open of a pipe without a reader with
		// ENXIO: say what the path is.
		if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
			return nil, notRegular("open", path, fi.Mode())
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if err := fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, &fs.PathError{Op: "fstat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		syscall.Close(fd)
		return nil, notRegular("open", path, modeOf(uint32(st.Mode)))
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		syscall.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// openDir opens a folder with O_DIRECTORY, which fails with ENOTDIR on
// anything else before a named pipe or a device is opened.
func openDir(path string) (*os.File, error) {
	fd, err := open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, syscall.ENOTDIR) {
			if fi, serr := os.Stat(path); serr == nil && !fi.IsDir() {
				return nil, notDir("open", path, fi.Mode())
			}
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		syscall.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

func open(path string, flag int, mode uint32) (int, error) {
	for {
		fd, err := syscall.Open(path, flag, mode)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

func fstat(fd int, st *syscall.Stat_t) error {
	for {
		err := syscall.Fstat(fd, st)
		if err != syscall.EINTR {
			return err
		}
	}
}

// syscallMode converts permission bits (and the setuid, setgid and sticky
// bits) as os.OpenFile does.
func syscallMode(m fs.FileMode) uint32 {
	o := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		o |= syscall.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		o |= syscall.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		o |= syscall.S_ISVTX
	}
	return o
}

// modeOf returns the fs.FileMode type bits of a stat mode.
func modeOf(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return fs.ModeDevice
	}
	return fs.ModeIrregular
}

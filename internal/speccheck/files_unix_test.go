//go:build unix

package speccheck

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// readRegular reads the file at path as the record's conventions say
// (80-record.md, "Regular files only"): opened without blocking and
// without following a link, and read only if fstat says it is a regular
// file.
func readRegular(path string) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("not a regular file but %s", kindName(fi.Mode()))
		}
		return nil, err
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		syscall.Close(fd)
		kind := "an irregular file"
		switch st.Mode & syscall.S_IFMT {
		case syscall.S_IFIFO:
			kind = "a named pipe"
		case syscall.S_IFDIR:
			kind = "a folder"
		case syscall.S_IFCHR, syscall.S_IFBLK:
			kind = "a device"
		case syscall.S_IFSOCK:
			kind = "a socket"
		}
		return nil, fmt.Errorf("not a regular file but %s", kind)
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	return io.ReadAll(f)
}

// listDir lists a folder opened with O_DIRECTORY, which fails at once on
// a named pipe.
func listDir(path string) ([]fs.DirEntry, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	return f.ReadDir(-1)
}

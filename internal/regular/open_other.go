//go:build !unix

package regular

import (
	"io/fs"
	"os"
)

// openFile checks the path with Lstat before opening it and the file with
// Stat after, and refuses it unless both are the same regular file. These
// systems have no O_NONBLOCK or O_NOFOLLOW to make the open itself safe.
func openFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	before, err := os.Lstat(path)
	if err == nil && !before.Mode().IsRegular() {
		return nil, notRegular("open", path, before.Mode())
	}
	if err != nil && (flag&os.O_CREATE == 0 || !os.IsNotExist(err)) {
		return nil, err
	}
	f, err := os.OpenFile(path, flag, perm)
	if err != nil {
		return nil, err
	}
	after, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !after.Mode().IsRegular() || (before != nil && !os.SameFile(before, after)) {
		f.Close()
		return nil, notRegular("open", path, after.Mode())
	}
	return f, nil
}

func openDir(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, notDir("open", path, fi.Mode())
	}
	return os.Open(path)
}

//go:build !unix

package speccheck

import (
	"fmt"
	"io/fs"
	"os"
)

func readRegular(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file but %s", kindName(fi.Mode()))
	}
	return os.ReadFile(path)
}

func listDir(path string) ([]fs.DirEntry, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("not a folder")
	}
	return os.ReadDir(path)
}

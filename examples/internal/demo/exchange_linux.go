package demo

import (
	"errors"
	"runtime"
	"syscall"
	"unsafe"
)

// renameat2 is the number of the renameat2 system call (Linux 3.15) on
// each architecture; package syscall names it on a few only.
var renameat2 = map[string]uintptr{
	"amd64": 316, "386": 353, "arm": 382, "arm64": 276, "riscv64": 276, "loong64": 276,
	"ppc64": 357, "ppc64le": 357, "s390x": 347, "mips": 4351, "mipsle": 4351, "mips64": 5311, "mips64le": 5311,
}

// renameExchange is renameat2's flag RENAME_EXCHANGE.
const renameExchange = 2

// exchange swaps the folders a and b in one step (renameat2 with
// RENAME_EXCHANGE): at every moment each path names one of the two. It
// returns errNoExchange where the kernel or the file system cannot.
func exchange(a, b string) error {
	nr, ok := renameat2[runtime.GOARCH]
	if !ok || noExchange {
		return errNoExchange
	}
	pa, err := syscall.BytePtrFromString(a)
	if err != nil {
		return err
	}
	pb, err := syscall.BytePtrFromString(b)
	if err != nil {
		return err
	}
	const atFDCWD = -100
	fd := atFDCWD
	_, _, e := syscall.Syscall6(nr, uintptr(fd), uintptr(unsafe.Pointer(pa)), uintptr(fd), uintptr(unsafe.Pointer(pb)), renameExchange, 0)
	switch {
	case e == 0:
		return nil
	case errors.Is(e, syscall.ENOSYS), errors.Is(e, syscall.EINVAL), errors.Is(e, syscall.EPERM), errors.Is(e, syscall.ENOTSUP):
		return errNoExchange
	}
	return e
}

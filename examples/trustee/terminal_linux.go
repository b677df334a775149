//go:build linux

package main

import (
	"errors"
	"os"
	"os/signal"
	"syscall"
	"unsafe"
)

// isTerminal reports whether f is a terminal: whether it has terminal
// attributes (the TCGETS ioctl of termios(3)).
func isTerminal(f *os.File) bool {
	_, err := getTermios(f.Fd())
	return err == nil
}

func getTermios(fd uintptr) (*syscall.Termios, error) {
	var t syscall.Termios
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCGETS, uintptr(unsafe.Pointer(&t))); e != 0 {
		return nil, e
	}
	return &t, nil
}

func setTermios(fd uintptr, t *syscall.Termios) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCSETS, uintptr(unsafe.Pointer(t))); e != 0 {
		return e
	}
	return nil
}

// readNoEcho turns echo off on the terminal f, then calls prompt, then
// reads one line and returns it without its line ending; so that nothing
// typed after the prompt appears is echoed. The terminal's attributes are
// restored afterwards, also if the process is interrupted meanwhile (it
// then exits with status 130, as a shell reports an interrupt).
func readNoEcho(f *os.File, prompt func()) ([]byte, error) {
	fd := f.Fd()
	old, err := getTermios(fd)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Lflag &^= syscall.ECHO
	t.Lflag |= syscall.ICANON | syscall.ISIG
	t.Iflag |= syscall.ICRNL
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	defer func() {
		signal.Stop(interrupted)
		close(done)
	}()
	go func() {
		select {
		case <-interrupted:
			setTermios(fd, old)
			os.Exit(130)
		case <-done:
		}
	}()
	if err := setTermios(fd, &t); err != nil {
		return nil, err
	}
	defer setTermios(fd, old)
	prompt()
	var line []byte
	var b [1]byte
	for {
		n, err := syscall.Read(int(fd), b[:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			if len(line) == 0 {
				return nil, errors.New("end of input")
			}
			return line, nil
		}
		if b[0] == '\n' {
			return line, nil
		}
		if len(line) >= maxPassphrase {
			return nil, errors.New("the passphrase is too long")
		}
		line = append(line, b[0])
	}
}

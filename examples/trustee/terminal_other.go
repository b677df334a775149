//go:build !linux

package main

import (
	"errors"
	"os"
)

// isTerminal reports whether f is a terminal. Reading a passphrase from
// the terminal with echo off is written for Linux only (termios ioctls);
// elsewhere the passphrase comes from -passphrase-file, and standard input
// counts as no terminal.
func isTerminal(f *os.File) bool { return false }

func readNoEcho(f *os.File, prompt func()) ([]byte, error) {
	return nil, errors.New("reading a passphrase from the terminal is not supported on this system")
}

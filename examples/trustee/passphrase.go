package main

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/sealed"
)

// maxPassphrase is the longest passphrase, in bytes.
const maxPassphrase = 1024

// passphraseFlag defines -passphrase-file on c's flags.
func (c *cmdline) passphraseFlag() *string {
	return c.flags.String("passphrase-file", "", "read the passphrase from the first line of `FILE` instead of asking on the terminal (for a trustee whose standard input is not a terminal)")
}

// passphrase returns the trustee's passphrase: the first line of file,
// without its line ending, if file is not empty; otherwise it asks on the
// terminal, with echo off (twice if confirm, for a new passphrase). It
// refuses to read a passphrase from a standard input that is not a
// terminal: a passphrase in a pipe or a file given as standard input ends
// up in shell histories and scripts, so it must be named as a file.
func (c *cmdline) passphrase(file string, confirm bool) ([]byte, error) {
	if file != "" {
		data, err := regular.ReadFile(file, maxPassphrase+2)
		if err != nil {
			return nil, fmt.Errorf("-passphrase-file: %w", err)
		}
		line, _, _ := bytes.Cut(data, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		switch {
		case len(line) == 0:
			return nil, fmt.Errorf("-passphrase-file %s: the first line is empty; it must hold the passphrase", file)
		case len(line) > maxPassphrase:
			return nil, fmt.Errorf("-passphrase-file %s: the passphrase is longer than %d bytes", file, maxPassphrase)
		}
		return line, nil
	}
	if !isTerminal(c.stdin) {
		return nil, errors.New("standard input is not a terminal, so the passphrase cannot be asked with echo off: give it in a file with -passphrase-file FILE (it is never a flag's value)")
	}
	prompt := "Passphrase: "
	if confirm {
		prompt = "New passphrase (it seals this trustee's secrets; there is no way to recover them without it): "
	}
	p, err := c.ask(prompt)
	if err != nil {
		return nil, err
	}
	if confirm {
		again, err := c.ask("The same passphrase again: ")
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(p, again) {
			return nil, errors.New("the two passphrases differ")
		}
	}
	return p, nil
}

// ask reads a line from the terminal on standard input with echo off,
// after printing prompt on standard error once echo is off.
func (c *cmdline) ask(prompt string) ([]byte, error) {
	p, err := readNoEcho(c.stdin, func() { fmt.Fprint(c.stderr, prompt) })
	fmt.Fprintln(c.stderr)
	if err != nil {
		return nil, fmt.Errorf("reading the passphrase from the terminal: %v", err)
	}
	if len(p) == 0 {
		return nil, errors.New("empty passphrase")
	}
	return p, nil
}

// openError describes an error of opening the sealed file path.
func openError(path string, err error) error {
	if errors.Is(err, sealed.ErrWrongPassphrase) {
		return fmt.Errorf("%s: wrong passphrase (or the file was modified)", path)
	}
	return fmt.Errorf("%s: %v", path, err)
}

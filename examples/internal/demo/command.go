package demo

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// A Command is the command line of an example: the command defines its
// flags on Flags, then calls Parse. Every command also takes -q (no
// progress on standard error) and -h (the usage).
type Command struct {
	// Flags is the command's flag set; it writes its messages to stderr.
	Flags *flag.FlagSet

	name   string
	pkg    string
	stderr io.Writer
	quiet  *bool
}

// NewCommand returns the command line of the command name, which runs the
// election of the example package pkg (whose errors start with "pkg: "),
// and whose usage message is "Usage: <name> [flags]", a blank line, about
// (which ends in a newline), a blank line and the flags.
func NewCommand(name, pkg, about string, stderr io.Writer) *Command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &Command{Flags: fs, name: name, pkg: pkg, stderr: stderr}
	c.quiet = fs.Bool("q", false, "do not print progress to standard error")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s [flags]\n\n%s\nFlags:\n", name, about)
		fs.PrintDefaults()
	}
	return c
}

// Parse parses args. It refuses arguments that are not flags, and the
// integer flags named in atLeastOne below 1. If the command is to stop, ok
// is false and code is its exit code: 0 after -h, 2 for a bad command line
// (after a message on stderr).
func (c *Command) Parse(args []string, atLeastOne ...string) (code int, ok bool) {
	if err := c.Flags.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0, false
		}
		return 2, false
	}
	if c.Flags.NArg() > 0 {
		fmt.Fprintf(c.stderr, "%s: unexpected argument %q\n", c.name, c.Flags.Arg(0))
		c.Flags.Usage()
		return 2, false
	}
	for _, name := range atLeastOne {
		if v := c.Flags.Lookup(name).Value.(flag.Getter).Get().(int); v < 1 {
			fmt.Fprintf(c.stderr, "%s: -%s must be at least 1\n", c.name, name)
			return 2, false
		}
	}
	return 0, true
}

// Progress returns where progress goes: stderr, or nil with -q.
func (c *Command) Progress() io.Writer {
	if *c.quiet {
		return nil
	}
	return c.stderr
}

// Failed prints err, prefixed with the command's name, and returns the exit
// code 1. The prefix replaces the name of the example's package, which
// means nothing to the command's user ("election: threshold 9 …", not
// "election: guild: threshold 9 …"), and is not repeated when err already
// starts with it ("council: …", not "council: council: …").
func (c *Command) Failed(err error) int {
	msg := err.Error()
	if c.pkg != "" {
		msg = strings.TrimPrefix(msg, c.pkg+": ")
	}
	if !strings.HasPrefix(msg, c.name+": ") {
		msg = c.name + ": " + msg
	}
	fmt.Fprintln(c.stderr, msg)
	return 1
}

// Done prints the time since start unless -q was given.
func (c *Command) Done(start time.Time) {
	if !*c.quiet {
		fmt.Fprintf(c.stderr, "done in %v\n", time.Since(start).Round(time.Millisecond))
	}
}

// AbsPath returns the absolute path of dir, or dir itself if it has none.
func AbsPath(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

package demo

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/version"
)

// Exit statuses of the examples' commands.
const (
	// ExitOK: the election ran and its record is in the -out folder.
	ExitOK = 0
	// ExitFailed: the election could not be run or its record not
	// written; the -out folder is as it was.
	ExitFailed = 1
	// ExitUsage: the command line is wrong (a flag's value, or an -out
	// folder that may not be written to); nothing was written.
	ExitUsage = 2
)

// A Command is the command line of an example: the command defines its
// flags on Flags, then calls Parse. Every command also takes -out and
// -force (the record's folder, see OutDir), -q (no progress on standard
// error), -version and -h.
//
// The rules of the flags, which the usage text repeats: a flag that is not
// given has its documented default; a value that is given is used as it
// is, or refused with exit status 2 and a message that names the flag,
// never replaced by another value.
type Command struct {
	// Flags is the command's flag set; it writes its messages to stderr.
	Flags *flag.FlagSet

	name    string
	pkg     string
	stdout  io.Writer
	stderr  io.Writer
	quiet   *bool
	version *bool
	out     *string
	force   *bool
	given   map[string]bool
}

// NewCommand returns the command line of the command name, which runs the
// election of the example package pkg (whose errors start with "pkg: ")
// and writes its record to the folder -out, by default defaultOut. Its
// usage message is "Usage: <name> [flags]", a blank line, about (which
// ends in a newline), the flags, and the exit statuses.
func NewCommand(name, pkg, about, defaultOut string, stdout, stderr io.Writer) *Command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &Command{Flags: fs, name: name, pkg: pkg, stdout: stdout, stderr: stderr}
	c.out = fs.String("out", defaultOut, "folder `DIR` to write the election record to; it must not exist or be\n"+
		"empty, unless -force is given. The record is written in a hidden folder\n"+
		"beside DIR and put in place when it is complete")
	c.force = fs.Bool("force", false, "replace the election record in -out: only the files listed in its SHA256SUMS\n"+
		"are removed, once the new record is in place; other files (your notes) stay.\n"+
		"A folder whose SHA256SUMS is not a record's index, or that lacks a listed\n"+
		"file or holds one changed since, is refused even with -force")
	c.quiet = fs.Bool("q", false, "do not print progress to standard error")
	c.version = fs.Bool("version", false, "print the version ("+version.String()+") and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s [flags]\n\n%s\nFlags (a flag not given has its default; a value given is used, or\nrefused with exit status 2, never replaced):\n\n", name, about)
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nExit status:\n"+
			"  0  the election ran, and its record is in -out\n"+
			"  1  the election could not be run or its record not written; -out is as it was\n"+
			"  2  the command line is wrong (a flag's value, or an -out folder that may not\n"+
			"     be written to); nothing was written\n")
	}
	return c
}

// Parse parses args. It refuses arguments that are not flags. If the
// command is to stop, ok is false and code is its exit status: 0 after -h
// or -version (which prints version.String() on stdout), 2 for a bad
// command line (after a message on stderr).
func (c *Command) Parse(args []string) (code int, ok bool) {
	if err := c.Flags.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	if *c.version {
		fmt.Fprintln(c.stdout, version.String())
		return ExitOK, false
	}
	if c.Flags.NArg() > 0 {
		return c.Usagef("unexpected argument %q (every option is a flag; see -h)", c.Flags.Arg(0)), false
	}
	c.given = map[string]bool{}
	c.Flags.Visit(func(f *flag.Flag) { c.given[f.Name] = true })
	return ExitOK, true
}

// Given reports whether the flag name was on the command line.
func (c *Command) Given(name string) bool { return c.given[name] }

// Usagef prints a mistake of the command line, prefixed with the
// command's name, and returns the exit status 2.
func (c *Command) Usagef(format string, args ...any) int {
	fmt.Fprintf(c.stderr, "%s: %s\n", c.name, fmt.Sprintf(format, args...))
	return ExitUsage
}

// AtLeast checks that the integer flag name, whose value is v, is at
// least lo, and prints a message naming it if not.
func (c *Command) AtLeast(name string, v, lo int) bool {
	if v < lo {
		c.Usagef("-%s %d: must be at least %d", name, v, lo)
		return false
	}
	return true
}

// Between checks that the integer flag name, whose value is v, is between
// lo and hi, and prints a message naming it if not; why says what hi is
// (", the number of trustees (-trustees 5)").
func (c *Command) Between(name string, v, lo, hi int, why string) bool {
	if v < lo || v > hi {
		c.Usagef("-%s %d: must be between %d and %d%s", name, v, lo, hi, why)
		return false
	}
	return true
}

// Value names the integer flag name with its value, and says if the value
// is its default: "-trustees 2", "-trustees 5, its default".
func (c *Command) Value(name string) string {
	f := c.Flags.Lookup(name)
	if c.given[name] {
		return "-" + name + " " + f.Value.String()
	}
	return "-" + name + " " + f.Value.String() + ", its default"
}

// Out prepares the folder -out (PrepareOut with -force) and names on
// stderr the temporary folders that earlier interrupted runs left beside
// it. It returns the exit status and false if the command is to stop.
func (c *Command) Out() (*OutDir, int, bool) {
	o, err := PrepareOut(*c.out, *c.force)
	if err != nil {
		return nil, c.Failed(err), false
	}
	for _, p := range o.Leftovers() {
		what := "a new record, complete or not, that was never put in place"
		if strings.Contains(filepath.Base(p), oldTag) {
			what = "an old record that was replaced but not yet removed"
		}
		fmt.Fprintf(c.stderr, "%s: note: %s was left by an interrupted run (%s); nothing removes it but you\n", c.name, p, what)
	}
	return o, ExitOK, true
}

// Commit puts the record in place (OutDir.Commit) and says on stderr which
// of the user's files it kept in the folder and what it could not remove.
// On failure before the record is in place, it prints the error and
// returns 1.
func (c *Command) Commit(o *OutDir) int {
	kept, left, err := o.Commit()
	if len(kept) > 0 {
		fmt.Fprintf(c.stderr, "%s: kept %s that the old record's SHA256SUMS did not list, in %s: %s (the verifier reports each under check 15 while it is in the record's folder)\n",
			c.name, prose.Count(len(kept), "file"), o.Path, strings.Join(kept, ", "))
	}
	switch {
	case err != nil && left != "":
		fmt.Fprintf(c.stderr, "%s: the new record is in place; the old one's folder is left as %s: %v\n", c.name, left, err)
	case err != nil:
		return c.Failed(err)
	}
	return ExitOK
}

// Progress returns where progress goes: stderr, or nil with -q.
func (c *Command) Progress() io.Writer {
	if *c.quiet {
		return nil
	}
	return c.stderr
}

// Failed prints err, prefixed with the command's name, and returns the exit
// status: 2 for a *UsageError, 1 otherwise. The prefix replaces the name
// of the example's package, which means nothing to the command's user
// ("election: threshold 9 …", not "election: guild: threshold 9 …"), and
// is not repeated when err already starts with it ("council: …", not
// "council: council: …").
func (c *Command) Failed(err error) int {
	msg := err.Error()
	if c.pkg != "" {
		msg = strings.TrimPrefix(msg, c.pkg+": ")
	}
	if !strings.HasPrefix(msg, c.name+": ") {
		msg = c.name + ": " + msg
	}
	fmt.Fprintln(c.stderr, msg)
	var u *UsageError
	if errors.As(err, &u) {
		return ExitUsage
	}
	return ExitFailed
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

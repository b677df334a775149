// Command trustee runs one trustee's side of a sandogh election on the
// trustee's own machine: its identity, the key ceremony round by round,
// the mix stages it makes as a mix server of a codes contest, and its
// decryption shares. It exchanges nothing but files: it reads the other
// trustees' messages from a folder that the coordinator and the trustees
// share (or into which files carried between machines are copied), and
// writes its own there. Its secrets stay in its own folder, sealed under
// a passphrase (Argon2id and XChaCha20-Poly1305) that it asks for on the
// terminal, with echo off, or reads from a file; never from a flag.
//
//	trustee init     -state ~/trustee -shared /mnt/ceremony -name "Trustee 1"
//	trustee roster   -shared /mnt/ceremony -election ID -threshold 3 member-….json …   (once, by anyone)
//	trustee round1   -state ~/trustee -shared /mnt/ceremony
//	trustee round2   … round3 … round4 … result
//	trustee mix      -state ~/trustee -record RECORD -ballots-sha256 HEX -shared /mnt/mix -stage 1
//	trustee decrypt  -state ~/trustee -record RECORD -ballots-sha256 HEX -shared /mnt/decryption
//
// Before it mixes or decrypts, the trustee verifies its own copy of the
// election record (election.VerifyForDecryption): it mixes only the
// current list of the cascade as it finds it there
// (VerifiedRecord.NextStage), and decrypts only the tally it recomputed
// from the ballots and the final list of a complete cascade
// (VerifiedRecord.TallyShares, RowShares). Run "trustee -h" for the
// files each command reads and writes, and the exit statuses.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/internal/version"
)

// Exit statuses.
const (
	exitDone    = 0 // the step is done; the files written are listed on standard output
	exitRefused = 1 // an input does not verify; nothing was written
	exitCannot  = 2 // the command line is wrong, or a file is missing, unreadable or in the way
)

const usage = `Usage: trustee COMMAND [flags]
       trustee -version

Runs one trustee's side of a sandogh election on the trustee's own machine.
It exchanges nothing but files: it reads the other trustees' messages from
the folder -shared DIR, which the coordinator and the trustees share (or
into which files carried between machines are copied), and writes its own
there; it never writes into an election record. Its secrets stay in its own
folder -state DIR, sealed under its passphrase.

The key ceremony; the coordinator says when each step may start, once every
trustee's file of the step before is in the shared folder (j is the
trustee's index in the roster, <c> the start of the ceremony's hash):
  init     create the identity: STATE/identity.sealed, and
           SHARED/member-<key>.json, its public keys for the roster
  roster   (anyone, once) SHARED/roster.json from the members' files
  round1   SHARED/commitments-<j>.json, commitments to its polynomial;
           STATE/ceremony-<c>.sealed, its state through the ceremony
  round2   SHARED/shares-<j>.json, its share for each other trustee, encrypted
  round3   SHARED/complaints-<j>.json, against the dealers whose share to it
           is missing or wrong (reads every commitments- and shares- file)
  round4   SHARED/responses-<j>.json, revealing the shares it is accused of
           (reads every complaints- file)
  result   judges the whole ceremony (trustee.VerifyCeremony's judgment):
           SHARED/result-<j>.json, and its key share STATE/keyshare-<c>.sealed
The files are the JSON forms of package trustee's messages, those of the
record's trustees/ files. Run again, init and round1 to round4 write the
same files.

After the election, on the trustee's own copy of the record (-record DIR),
verified first, with the SHA-256 of ballots.jsonl that the election
authority published when the ballot box closed (-ballots-sha256):
  mix      SHARED/mixnet-<i>-stage-<t>.bin: stage t of the cascade of codes
           contest i, mixing its current list (as mixnet/<i>/stages/<t>.bin)
  decrypt  SHARED/tally-shares-<j>.json: shares of the encrypted tally (as
           tally/shares/<j>.json), and SHARED/mixnet-<i>-shares-<j>.bin: of
           each complete cascade's final list (as mixnet/<i>/shares/<j>.bin)

Run "trustee COMMAND -h" for a command's flags.

The passphrase is asked on the terminal, with echo off. Without a terminal,
give a file whose first line is the passphrase: -passphrase-file FILE. It
is never a flag's value.

Exit status: 0 if the step is done (the files written are listed on
standard output); 1 if it is refused because an input does not verify (a
message of another ceremony or with a bad signature, a failed ceremony, a
record that fails a check, a stage request that is not the cascade's
current list), and then nothing is written; 2 if it cannot run (the command
line is wrong, a file is missing or cannot be read, an output file exists
with other content, the passphrase is wrong).
`

// A command is one subcommand of trustee.
type command struct {
	name  string
	about string // after "Usage: trustee NAME [flags]", before the flags
	args  string // the positional arguments in the usage line, or ""
	run   func(c *cmdline) error
}

var commands = []*command{
	initCommand, rosterCommand,
	round1Command, round2Command, round3Command, round4Command, resultCommand,
	mixCommand, decryptCommand,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCannot
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitDone
	case "-version", "--version":
		fmt.Fprintln(stdout, version.String())
		return exitDone
	}
	var cmd *command
	for _, c := range commands {
		if c.name == args[0] {
			cmd = c
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "trustee: unknown command %q\n\n%s", args[0], usage)
		return exitCannot
	}
	c := &cmdline{cmd: cmd, stdin: stdin, stdout: stdout, stderr: stderr}
	c.flags = flag.NewFlagSet("trustee "+cmd.name, flag.ContinueOnError)
	c.flags.SetOutput(stderr)
	c.flags.Usage = func() {
		fmt.Fprintf(stderr, "Usage: trustee %s [flags]%s\n\n%s\nFlags:\n", cmd.name, cmd.args, cmd.about)
		c.flags.PrintDefaults()
		fmt.Fprintf(stderr, "\nExit status: 0 done, 1 refused (an input does not verify), 2 cannot run.\n")
	}
	c.args = args[1:]
	err := cmd.run(c)
	switch {
	case err == nil:
		return exitDone
	case errors.Is(err, errHelp):
		return exitDone
	case errors.Is(err, errUsage):
		return exitCannot
	}
	fmt.Fprintf(stderr, "trustee %s: %s\n", cmd.name, safetext.Escape(err.Error()))
	var r *refusal
	if errors.As(err, &r) {
		return exitRefused
	}
	return exitCannot
}

// errHelp and errUsage stop a command after -h, or after a message about
// its command line.
var (
	errHelp  = errors.New("help")
	errUsage = errors.New("usage")
)

// A refusal is an error about an input that does not verify: exit status 1.
// Every other error means that the step cannot run: exit status 2.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// refuse marks err as a refusal; nil stays nil.
func refuse(err error) error {
	if err == nil {
		return nil
	}
	return &refusal{err}
}

// refusef is refuse(fmt.Errorf(format, args...)).
func refusef(format string, args ...any) error {
	return &refusal{fmt.Errorf(format, args...)}
}

// A cmdline is one run of a command: its flags, arguments and streams.
type cmdline struct {
	cmd    *command
	flags  *flag.FlagSet
	args   []string
	stdin  *os.File
	stdout io.Writer
	stderr io.Writer
}

// parse parses the command's flags, which it has defined, and checks that
// every flag named in required was given a non-empty value and that there
// are as many positional arguments as the command takes (none, or at least
// minArgs if the usage names some).
func (c *cmdline) parse(minArgs int, required ...string) error {
	showVersion := c.flags.Bool("version", false, "print the version of sandogh and stop")
	if err := c.flags.Parse(c.args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return errUsage
	}
	if *showVersion {
		fmt.Fprintln(c.stdout, version.String())
		return errHelp
	}
	for _, name := range required {
		if c.flags.Lookup(name).Value.String() == "" {
			return c.usageError("flag -%s is required: %s", name, c.flags.Lookup(name).Usage)
		}
	}
	switch {
	case c.cmd.args == "" && c.flags.NArg() > 0:
		return c.usageError("unexpected argument %q (this command takes flags only)", c.flags.Arg(0))
	case c.flags.NArg() < minArgs:
		return c.usageError("%s missing", strings.TrimSpace(c.cmd.args))
	}
	return nil
}

// given reports whether the flag name was set on the command line.
func (c *cmdline) given(name string) bool {
	set := false
	c.flags.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// usageError prints a message about the command line and the usage, and
// returns errUsage.
func (c *cmdline) usageError(format string, args ...any) error {
	fmt.Fprintf(c.stderr, "trustee %s: %s\n", c.cmd.name, fmt.Sprintf(format, args...))
	c.flags.Usage()
	return errUsage
}

// printf prints a line of the command's report on standard output.
func (c *cmdline) printf(format string, args ...any) {
	fmt.Fprintf(c.stdout, format+"\n", args...)
}

// progress prints a line on standard error unless quiet.
func (c *cmdline) progress(quiet bool, format string, args ...any) {
	if !quiet {
		fmt.Fprintf(c.stderr, format+"\n", args...)
	}
}

// Command ballotbox runs sandogh's ballot box as a network service for
// polling stations (package ballot/boxserver), and, for a demonstration,
// sets up the election it serves and tallies it afterwards:
//
//	ballotbox setup -out DIR -seed S [-stations 3] [-spares 1]   the election's parameters
//	ballotbox serve -election DIR [-addr 127.0.0.1:8080]          the box, until SIGINT or SIGTERM
//	ballotbox tally -election DIR -seed S                        close, decrypt, results
//
// serve is the real thing: it opens the ballot box of the record in
// -election (DIR/ballots.jsonl, or -box), re-verifies every ballot it
// holds, proofs included, and serves it over HTTP (HTTPS with -tls-cert
// and -tls-key): the stations' signed submissions, and for observers and
// voters the record as it grows, its index, each device's tip and the
// lookup of a short confirmation code. It prints each decision. It holds
// the box's file locked: a second server on the same box fails at once.
//
// setup and tally simulate what the trustees (examples/trustee) and the
// election authority do in a real election, deriving every secret from
// the public string -seed, as the other examples' seeded runs do: never
// for a real election. The stations are examples/station processes, with
// the same -seed for their keys.
//
// Exit statuses: 0 done (serve: stopped by a signal, box closed cleanly),
// 1 failed, 2 a wrong command line.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/sandogh/sandogh/internal/version"
)

const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

const usage = `Usage: ballotbox COMMAND [flags]
       ballotbox -version

Commands:
  setup   -out DIR -seed S     write a demonstration election's parameters to DIR
                               (simulated key ceremony; registered stations)
  serve   -election DIR        serve the ballot box of the election in DIR over HTTP
  tally   -election DIR -seed S  close the box's file, decrypt the tally with the
                               simulated trustees, write the results

Run "ballotbox COMMAND -h" for the flags of each command.

Exit status:
  0  done (serve: stopped by SIGINT or SIGTERM after closing the box cleanly)
  1  failed
  2  the command line is wrong
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-version", "--version":
		fmt.Fprintln(stdout, version.String())
		return exitOK
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stderr, usage)
		return exitOK
	case "setup":
		return setup(args[1:], stdout, stderr)
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "tally":
		return tallyCmd(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "ballotbox: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

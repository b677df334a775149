package main

import (
	"testing"

	"github.com/sandogh/sandogh/examples/internal/demotest"
)

// TestHelpAndFlags: -h and -version of both commands; wrong command lines
// are refused with status 2, a message naming the mistake, and no file
// written.
func TestHelpAndFlags(t *testing.T) {
	bin.Help(t, []string{"Usage: ballotbox COMMAND", "setup", "serve", "tally", "Exit status"})
	stBin.Help(t, []string{"Usage: station", "-server", "-election", "-device", "-state", "-offline", "Exit status"})
	bin.RefuseFlags(t, []demotest.FlagError{
		{Args: []string{}, Want: "Usage: ballotbox"},
		{Args: []string{"launch"}, Want: `unknown command "launch"`},
		{Args: []string{"setup", "-out", "x"}, Want: "-seed is required"},
		{Args: []string{"setup", "-seed", "s"}, Want: "-out is required"},
		{Args: []string{"setup", "-out", "x", "-seed", "s", "-stations", "0"}, Want: "-stations is 1 to 1000"},
		{Args: []string{"setup", "-out", "x", "-seed", "s", "-trustees", "3", "-threshold", "4"}, Want: "threshold"},
		{Args: []string{"serve"}, Want: "-election is required"},
		{Args: []string{"serve", "-election", "x", "-tls-cert", "c"}, Want: "-tls-cert and -tls-key go together"},
		{Args: []string{"serve", "-election", "x", "extra"}, Want: `unexpected argument "extra"`},
		{Args: []string{"tally", "-election", "x"}, Want: "-election and -seed are required"},
	})
	stBin.RefuseFlags(t, []demotest.FlagError{
		{Args: []string{"-device", "station-1", "-state", "s", "-seed", "x"}, Want: "-election, -device and -state are required"},
		{Args: []string{"-election", "e", "-device", "station-1", "-state", "s"}, Want: "exactly one of -seed and -key"},
		{Args: []string{"-election", "e", "-device", "station-1", "-state", "s", "-seed", "x", "-offline", "0.7-0.2"}, Want: `-offline "0.7-0.2"`},
		{Args: []string{"-election", "e", "-device", "station-1", "-state", "s", "-seed", "x", "-voters", "2", "-challenged", "3"}, Want: "-challenged between 0 and -voters"},
		{Args: []string{"-election", "e", "-device", "station-1", "-state", "s", "-seed", "x", "-day", "0s"}, Want: "-day must be positive"},
	})
}

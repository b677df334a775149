package main

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
	"github.com/sandogh/sandogh/examples/internal/demo"
)

// seedTag separates this example's derivations from the others'.
const seedTag = "sandogh ballotbox example"

// parse parses a subcommand's flags; ok false means stop with code.
func parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "ballotbox %s: unexpected argument %q (every option is a flag; see -h)\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return exitOK, true
}

// StationIDs returns the registered devices of a setup: station-1 to
// station-n, then the spares spare-1 to spare-k, which replace a station's
// device that fails.
func stationIDs(n, spares int) []string {
	var ids []string
	for i := range n {
		ids = append(ids, fmt.Sprintf("station-%d", i+1))
	}
	for i := range spares {
		ids = append(ids, fmt.Sprintf("spare-%d", i+1))
	}
	return ids
}

func setup(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "the folder `DIR` of the new election record (must not exist, or be empty)")
	seed := fs.String("seed", "", "the public string `S` every secret derives from (demonstration only)")
	stations := fs.Int("stations", 3, "the number of polling stations")
	spares := fs.Int("spares", 1, "the number of spare devices")
	trustees := fs.Int("trustees", 5, "the number of trustees")
	threshold := fs.Int("threshold", 0, "the trustees needed to decrypt (default: a majority)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: ballotbox setup -out DIR -seed S [flags]\n\n"+
			"Writes the parameters of a demonstration board election (15 candidates, vote for\n"+
			"up to 7) to the new record folder DIR: a simulated key ceremony, and the\n"+
			"registered devices station-1..N and spare-1..K, whose keys derive from -seed.\n\n")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	switch {
	case *out == "":
		fmt.Fprintln(stderr, "ballotbox setup: -out is required")
		return exitUsage
	case *seed == "":
		fmt.Fprintln(stderr, "ballotbox setup: -seed is required: this demonstration derives the trustees' and stations' secrets from it")
		return exitUsage
	case *stations < 1 || *stations > 1000 || *spares < 0 || *spares > 100:
		fmt.Fprintln(stderr, "ballotbox setup: -stations is 1 to 1000 and -spares 0 to 100")
		return exitUsage
	}
	t := *threshold
	if t == 0 {
		t = *trustees/2 + 1
	}
	if err := demo.CheckTrustees("ballotbox setup", *trustees, t); err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	if ents, err := os.ReadDir(*out); err == nil && len(ents) > 0 {
		fmt.Fprintf(stderr, "ballotbox setup: -out %s is not empty: give a new folder\n", *out)
		return exitUsage
	}
	seeds := demo.Seeds{Tag: seedTag, Seed: *seed}
	manifest := guild.Manifest(ballot.OneBallotPerCredential)
	manifest.ElectionID = "ballotbox-demo"
	w, err := election.Create(*out)
	if err != nil {
		fmt.Fprintln(stderr, "ballotbox setup:", err)
		return exitFailed
	}
	ceremony, _, _, err := demo.RunCeremony(seeds, manifest.ElectionID, *trustees, t)
	if err != nil {
		fmt.Fprintln(stderr, "ballotbox setup:", err)
		return exitFailed
	}
	keys, err := w.WriteCeremony(ceremony)
	if err != nil {
		fmt.Fprintln(stderr, "ballotbox setup:", err)
		return exitFailed
	}
	ids := stationIDs(*stations, *spares)
	var devices []ballot.RegisteredDevice
	for _, id := range ids {
		k := seeds.StationKey(id)
		devices = append(devices, ballot.RegisteredDevice{ID: id, PublicKey: k.Public().(ed25519.PublicKey)})
	}
	pk, err := keys.ElectionKey()
	if err != nil {
		fmt.Fprintln(stderr, "ballotbox setup:", err)
		return exitFailed
	}
	e, err := ballot.NewElection(ballot.Parameters{Manifest: manifest, PublicKey: pk, VerificationKeys: keys.VerificationKeys, Threshold: keys.Threshold, Devices: devices})
	if err != nil {
		fmt.Fprintln(stderr, "ballotbox setup:", err)
		return exitFailed
	}
	if err := w.WriteElection(e, keys); err != nil {
		fmt.Fprintln(stderr, "ballotbox setup:", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "election %s in %s: base hash %x\n", manifest.ElectionID, *out, e.BaseHash())
	fmt.Fprintf(stdout, "devices: %v\n", ids)
	return exitOK
}

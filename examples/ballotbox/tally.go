package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/pollbook"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

func tallyCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tally", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("election", "", "the folder `DIR` of the election record, its box closed (no server running)")
	seed := fs.String("seed", "", "the -seed of setup: the simulated trustees' secrets derive from it")
	bookDir := fs.String("pollbook", "", "put the poll book's summary of counts, PDIR/summary.json (written by serve\n-pollbook PDIR when it stopped), into the record as pollbook.json")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: ballotbox tally -election DIR -seed S [-pollbook PDIR]\n\n"+
			"Finishes the voting part of the record in DIR (the box must be closed: stop\n"+
			"the server first), has the simulated trustees of setup verify the record and\n"+
			"decrypt the tally, and writes and prints the results. Then check the record\n"+
			"with examples/verifier.\n\n")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dir == "" || *seed == "" {
		fmt.Fprintln(stderr, "ballotbox tally: -election and -seed are required")
		return exitUsage
	}
	if err := tallyRecord(*dir, *seed, *bookDir, stdout); err != nil {
		fmt.Fprintln(stderr, "ballotbox tally:", err)
		return exitFailed
	}
	return exitOK
}

func tallyRecord(dir, seed, bookDir string, stdout io.Writer) error {
	r, err := election.Open(dir)
	if err != nil {
		return err
	}
	e, err := r.Election()
	if err != nil {
		return err
	}
	w, err := election.OpenWriter(dir)
	if err != nil {
		return err
	}
	closed, err := demo.BallotsDigest(w.BallotsPath())
	if err != nil {
		return err
	}
	et, err := w.FinishBallots(e)
	if err != nil {
		return err
	}
	if bookDir != "" {
		// After the ballots, before the results (check 23).
		data, err := os.ReadFile(filepath.Join(bookDir, fileSummary))
		if err != nil {
			return fmt.Errorf("poll book summary: %v (stop the server, which writes it)", err)
		}
		sum, err := pollbook.ParseSummary(data)
		if err != nil {
			return err
		}
		if err := w.WritePollBookSummary(sum); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "poll book: %d voters marked, %d double votes; the summary is in the record (pollbook.json)\n", sum.Voters, sum.DoubleVotes)
	}
	rec, err := election.VerifyForDecryption(dir, closed, nil)
	if err != nil {
		return err
	}
	keys := rec.Keys()
	// The simulated trustees: the ceremony of setup, run again from the
	// seed, must give the record's joint key.
	seeds := demo.Seeds{Tag: seedTag, Seed: seed}
	n := len(keys.VerificationKeys)
	_, shares, _, err := demo.RunCeremony(seeds, e.Manifest().ElectionID, n, keys.Threshold)
	if err != nil {
		return err
	}
	var lists []*trustee.ShareList
	for _, ks := range shares[:keys.Threshold] {
		l, err := demo.TallyShares(seeds, "decryption shares", rec, ks)
		if err != nil {
			return fmt.Errorf("trustee %d: %v (is -seed the one of setup?)", ks.Index(), err)
		}
		if err := w.WriteShareList(l); err != nil {
			return err
		}
		lists = append(lists, l)
	}
	totals, _, err := tally.Decrypt(e, keys, et, lists)
	if err != nil {
		return err
	}
	res, err := demo.WriteResults(w, e.Manifest(), totals)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d ballots counted\n", et.Ballots)
	return res.WriteText(stdout)
}

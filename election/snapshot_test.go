package election_test

import (
	mrand "math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// TestSnapshots: a copy of a record taken after each step of its Writer,
// and twice while the ballot box is open, verifies as a snapshot
// (Options.Snapshot) with no failed check: what needs a file of a later
// step is not checked, and the complete record is valid. Every later
// snapshot only appends to every earlier one (VerifyAppendOnly), and no
// earlier one appends to a later one.
func TestSnapshots(t *testing.T) {
	w := getRuleWorld(t, ballot.LastBallotCounts)
	dir := filepath.Join(t.TempDir(), "record")
	var snaps []string
	var names []string
	snap := func(name string) {
		snaps, names = append(snaps, copyTree(t, dir)), append(names, name)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s := &stream{t: t, w: w, r: mrand.New(mrand.NewPCG(11, 0x5eed)), dir: dir, dev: map[string]*devState{}}
	var err error
	s.wr, err = election.Create(dir)
	must(err)
	snap("created")
	_, err = s.wr.WriteCeremony(w.ceremony)
	must(err)
	snap("ceremony")
	must(s.wr.WriteElection(w.e, w.keys))
	snap("election")
	s.box, err = s.wr.OpenBox(w.e)
	must(err)
	for _, id := range w.devices {
		s.dev[id] = &devState{}
	}
	snap("box opened")
	for range 25 {
		s.step()
	}
	snap("voting")
	for range 25 {
		s.step()
	}
	snap("more voting")
	must(s.box.Close())
	closed := boxDigest(t, dir)
	_, err = s.wr.FinishBallots(w.e)
	must(err)
	snap("box finished")
	rec, err := election.VerifyForDecryption(dir, closed, nil)
	must(err)
	var lists []*trustee.ShareList
	for _, ks := range w.shares {
		l, err := rec.TallySharesFromSeed(ks, w.seeds.secret("decryption shares", strconv.Itoa(ks.Index())))
		must(err)
		must(s.wr.WriteShareList(l))
		lists = append(lists, l)
		snap("share list " + strconv.Itoa(ks.Index()))
	}
	totals, _, err := tally.Decrypt(w.e, w.keys, rec.Tally(), lists)
	must(err)
	res, err := tally.NewResults(w.m, totals)
	must(err)
	must(s.wr.WriteResults(res))
	snap("complete")

	for k, d := range snaps {
		rep, err := election.Verify(d, &election.Options{Snapshot: true, MaxFindings: -1})
		if err != nil {
			t.Fatalf("%s: %v", names[k], err)
		}
		for _, f := range rep.Findings {
			t.Errorf("%s: %v", names[k], f)
		}
		last := k == len(snaps)-1
		if rep.Valid() != last || last != (len(rep.NotChecked()) == 0) || !rep.Snapshot {
			t.Errorf("%s: valid %v, not checked %v", names[k], rep.Valid(), rep.NotChecked())
		}
		t.Logf("%s: not checked %v", names[k], rep.NotChecked())
	}
	for i := range snaps {
		for j := i + 1; j < len(snaps); j++ {
			if a, err := election.VerifyAppendOnly(snaps[i], snaps[j]); err != nil || !a.AppendOnly() {
				t.Errorf("%s, then %s: %v %+v", names[i], names[j], err, a)
			}
			if a, err := election.VerifyAppendOnly(snaps[j], snaps[i]); err != nil || a.AppendOnly() {
				t.Errorf("%s, then %s: %v, appends", names[j], names[i], err)
			}
		}
	}
	// Without Options.Snapshot, a snapshot before the end is not valid,
	// and a check fails: the record is incomplete.
	rep, err := election.Verify(snaps[len(snaps)-2], nil)
	if err != nil || rep.Valid() || len(rep.Failed()) == 0 {
		t.Errorf("an incomplete record verified as complete: %v, failed %v", err, rep.Failed())
	}
}

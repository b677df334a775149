package election_test

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

// An orderElection is a small election written step by step through a
// Writer, for the tests of the order of its steps: three trustees with
// threshold 2, one station, a board contest.
type orderElection struct {
	dir     string
	w       *election.Writer
	c       *trustee.Ceremony
	shares  []*trustee.KeyShare
	m       *ballot.Manifest
	station ed25519.PrivateKey
	seeds   testSeeds
}

func orderManifest(id string) *ballot.Manifest {
	return &ballot.Manifest{ElectionID: id, Title: "Order test", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{
		{ID: "board", Kind: ballot.UpTo, Limit: 2, Seats: 1, Candidates: []ballot.Candidate{{Code: 1, Name: "A"}, {Code: 2, Name: "B"}, {Code: 3, Name: "C"}}},
	}}
}

// newOrderElection runs the ceremony of election ceremonyID and creates
// the record; the manifest is for election manifestID.
func newOrderElection(t *testing.T, ceremonyID, manifestID string) *orderElection {
	t.Helper()
	s := testSeeds{tag: "sandogh order test", seed: ceremonyID}
	c, shares := runCeremony(t, s, ceremonyID, 3, 2)
	dir := filepath.Join(t.TempDir(), "record")
	w, err := election.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &orderElection{dir: dir, w: w, c: c, shares: shares, m: orderManifest(manifestID), station: s.stationKey("s1"), seeds: s}
}

// election returns the election of the manifest with the keys of the
// ceremony's outcome keys.
func (o *orderElection) election(t *testing.T, keys *trustee.Result) *ballot.Election {
	t.Helper()
	pk, err := keys.ElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	e, err := ballot.NewElection(ballot.Parameters{Manifest: o.m, PublicKey: pk, VerificationKeys: keys.VerificationKeys, Threshold: keys.Threshold,
		Devices: []ballot.RegisteredDevice{{ID: "s1", PublicKey: o.station.Public().(ed25519.PublicKey)}}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// vote opens the station on box and casts one ballot per vote; it returns
// the station's device.
func (o *orderElection) vote(t *testing.T, e *ballot.Election, box *ballot.Box, votes ...ballot.Vote) *ballot.Device {
	t.Helper()
	d, opening, err := ballot.OpenDevice(e, "s1", o.station, time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := box.AcceptOpening(opening); err != nil {
		t.Fatal(err)
	}
	for _, v := range votes {
		castOnBox(t, d, box, v)
	}
	return d
}

func castOnBox(t *testing.T, d *ballot.Device, box *ballot.Box, v ballot.Vote) {
	t.Helper()
	p, err := d.EncryptBallot(v)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Cast(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := box.AcceptBallot(b); err != nil {
		t.Fatal(err)
	}
}

// wantErr fails unless err is an error whose message contains every one of
// want.
func wantErr(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want one saying %q", what, want)
		return
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: %v, want an error saying %q", what, err, w)
			return
		}
	}
}

// TestWriterIdentity: a ceremony run for election "election-a" and a
// manifest for election "election-b" are refused where they meet, at
// WriteElection and at the decryption, by an error naming both, not by the
// verification of the finished record. So are keys decoded from
// result.json (which names no election) and keys of another ceremony.
func TestWriterIdentity(t *testing.T) {
	o := newOrderElection(t, "election-a", "election-b")
	keys, err := o.w.WriteCeremony(o.c)
	if err != nil {
		t.Fatal(err)
	}
	if keys.ElectionID() != "election-a" {
		t.Fatalf("the outcome names election %q", keys.ElectionID())
	}
	e := o.election(t, keys) // ballot.NewElection cannot tell: it takes keys, not the outcome
	err = o.w.WriteElection(e, keys)
	wantErr(t, "WriteElection of another election's ceremony", err, `election: WriteElection: the key ceremony is for election "election-a", and the manifest's election is "election-b"`)
	_, _, err = tally.Decrypt(e, keys, tally.NewAggregator(e).Tally(), nil)
	wantErr(t, "Decrypt with another election's ceremony", err, `tally: the key ceremony is for election "election-a", and the election is "election-b"`)

	// The right election, with keys that are not the recorded outcome.
	o.m = orderManifest("election-a")
	e = o.election(t, keys)
	raw, err := keys.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	decoded := new(trustee.Result)
	if err := decoded.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "WriteElection with keys decoded from JSON", o.w.WriteElection(e, decoded), "names no election")
	other := newOrderElection(t, "election-a", "election-a")
	other.seeds.seed = "another ceremony"
	oc, _ := runCeremony(t, other.seeds, "election-a", 3, 2)
	otherKeys, err := trustee.VerifyCeremony(oc)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "WriteElection with another ceremony's keys", o.w.WriteElection(o.election(t, otherKeys), otherKeys), "not the outcome of the ceremony that WriteCeremony recorded")
	// An election made with other verification keys than the ceremony's.
	swapped := keys.Clone()
	swapped.VerificationKeys[0], swapped.VerificationKeys[1] = swapped.VerificationKeys[1], swapped.VerificationKeys[0]
	wantErr(t, "WriteElection of an election with the trustees' keys swapped", o.w.WriteElection(o.election(t, swapped), keys), "not the verification keys of the ceremony")
	// And the right one is written; the verifier's ceremony outcome names
	// it too.
	if err := o.w.WriteElection(e, keys); err != nil {
		t.Fatal(err)
	}
}

// TestWriterOrder: every step of the Writer refuses to run before the
// steps it needs, with an error naming the missing step, in the process
// that wrote them and in another (OpenWriter); a ballot box cannot be
// finished while open, and a finished box accepts no ballot; results are
// written only from the share lists the record holds, and nothing after
// them.
func TestWriterOrder(t *testing.T) {
	o := newOrderElection(t, "order-1", "order-1")
	w := o.w
	wantErr(t, "WriteElection first", w.WriteElection(nil, nil), "election: WriteElection before WriteCeremony")
	wantErr(t, "WriteShareList first", w.WriteShareList(nil), "election: WriteShareList before FinishBallots")
	wantErr(t, "WriteResults first", w.WriteResults(nil), "election: WriteResults before FinishBallots")
	wantErr(t, "WriteStage first", w.WriteStage(0, nil), "election: WriteStage before FinishBallots")
	wantErr(t, "WriteRowShareList first", w.WriteRowShareList(0, nil), "election: WriteRowShareList before FinishBallots")
	wantErr(t, "WriteDecodedRows first", w.WriteDecodedRows(0, nil), "election: WriteDecodedRows before FinishBallots")
	keys, err := w.WriteCeremony(o.c)
	if err != nil {
		t.Fatal(err)
	}
	e := o.election(t, keys)
	_, err = w.OpenBox(e)
	wantErr(t, "OpenBox before WriteElection", err, "election: OpenBox before WriteElection")
	_, err = w.FinishBallots(e)
	wantErr(t, "FinishBallots before WriteElection", err, "election: FinishBallots before WriteElection")
	if err := w.WriteElection(e, keys); err != nil {
		t.Fatal(err)
	}
	_, err = w.FinishBallots(e)
	wantErr(t, "FinishBallots before OpenBox", err, "election: FinishBallots before OpenBox")
	o.m = orderManifest("order-1")
	o.m.Title = "Another election"
	_, err = w.OpenBox(o.election(t, keys))
	wantErr(t, "OpenBox of another election", err, "is not the one that WriteElection recorded")

	box, err := w.OpenBox(e)
	if err != nil {
		t.Fatal(err)
	}
	d := o.vote(t, e, box, ballot.Vote{"board": {1: 1, 2: 1}}, ballot.Vote{"board": {2: 1}}, ballot.Vote{"board": {2: 1, 3: 1}})
	// One file, one box; and the box must be closed before it is finished.
	_, err = w.OpenBox(e)
	wantErr(t, "a second OpenBox", err, "is already open")
	_, err = w.FinishBallots(e)
	wantErr(t, "FinishBallots with the box open", err, "close the ballot box first")
	if err := box.Close(); err != nil {
		t.Fatal(err)
	}
	closed := boxDigest(t, o.dir)
	et, err := w.FinishBallots(e)
	if err != nil {
		t.Fatal(err)
	}
	if et.Ballots != 3 {
		t.Fatalf("%d ballots in the tally", et.Ballots)
	}

	// A ballot after FinishBallots fails at once: on the closed box, on
	// the Writer's box and on a box reopened on the path.
	late, err := d.EncryptBallot(ballot.Vote{"board": {3: 1}})
	if err != nil {
		t.Fatal(err)
	}
	lateBallot, err := d.Cast(late)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "a ballot on the closed box", box.AcceptBallot(lateBallot), "is closed")
	_, err = w.OpenBox(e)
	wantErr(t, "OpenBox after FinishBallots", err, "election: OpenBox after FinishBallots")
	reopened, err := ballot.OpenBox(w.BallotsPath(), e)
	if err == nil {
		reopened.Close()
	}
	wantErr(t, "ballot.OpenBox on the finished file", err, "was finished")
	if fi, err := os.Stat(w.BallotsPath()); err != nil || fi.Mode().Perm() != 0o444 {
		t.Errorf("ballots.jsonl after FinishBallots: %v, %v", fi.Mode(), err)
	}
	if boxDigest(t, o.dir) != closed {
		t.Fatal("FinishBallots changed the box's file")
	}

	// The trustees decrypt; the results are refused until the record holds
	// t share lists, and must follow from those it holds.
	rec, err := election.VerifyForDecryption(o.dir, closed, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id := rec.Keys().ElectionID(); id != "order-1" {
		t.Errorf("the verified record's keys name election %q", id)
	}
	var lists []*trustee.ShareList
	for _, ks := range o.shares {
		l, err := rec.TallyShares(ks)
		if err != nil {
			t.Fatal(err)
		}
		lists = append(lists, l)
	}
	totals, _, err := tally.Decrypt(rec.Election(), rec.Keys(), rec.Tally(), lists[:2])
	if err != nil {
		t.Fatal(err)
	}
	res, err := tally.NewResults(o.m, totals)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "results before shares", w.WriteResults(res), "election: WriteResults before the decryption: tally/shares holds 0 share lists, and the threshold is 2 (WriteShareList)")
	// Decrypted from lists 1 and 2, but list 2 is not written.
	if err := w.WriteShareList(lists[0]); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "results from a list the record does not hold", w.WriteResults(res), "tally/shares holds 1 share list, and the threshold is 2")
	// Another process resumes: it knows the steps done from the index.
	w2, err := election.OpenWriter(o.dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w2.OpenBox(e)
	wantErr(t, "OpenBox after FinishBallots, resumed", err, "election: OpenBox after FinishBallots")
	wantErr(t, "results before shares, resumed", w2.WriteResults(res), "tally/shares holds 1 share list, and the threshold is 2")
	if err := w2.WriteShareList(lists[2]); err != nil {
		t.Fatal(err)
	}
	// Results that do not follow from the recorded decryption.
	forged, err := tally.NewResults(o.m, totals)
	if err != nil {
		t.Fatal(err)
	}
	forged.Contests[0].Standings[0].Count++
	wantErr(t, "forged results", w2.WriteResults(forged), "election: WriteResults: the results do not follow from the decryption the record holds")
	if err := w2.WriteResults(res); err != nil {
		t.Fatal(err)
	}
	// The record is complete: nothing is added after the results.
	wantErr(t, "a share list after the results", w2.WriteShareList(lists[1]), "the record is complete")
	if err := w2.WriteShareList(lists[0]); err != nil {
		t.Errorf("a share list written again, after the results: %v", err)
	}
	// The first Writer's view is stale: it refuses to write.
	wantErr(t, "a stale Writer", w.WriteShareList(lists[1]), "another Writer is writing the record")
	rep, err := election.Verify(o.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the record is invalid: %v", rep.Findings)
	}
}

// TestWriterDecodedRows: on the mixnet path, the decoded rows are refused
// before t row share lists are written, and must be the decryption of the
// final list by the lists the record holds; the results need the decoded
// rows. The record is the council test record taken back to before its
// rows were decrypted.
func TestWriterDecodedRows(t *testing.T) {
	dir := copyCouncil(t)
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := r.DecodedRows(0)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := r.RowShareLists(0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Results()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || len(lists) < 2 {
		t.Fatalf("%d rows, %d row share lists", len(rows), len(lists))
	}
	for _, f := range []string{"results.json", "mixnet/0/decrypted.jsonl"} {
		os.Remove(filepath.Join(dir, filepath.FromSlash(f)))
	}
	os.RemoveAll(filepath.Join(dir, "mixnet", "0", "shares"))
	rehash(t, dir)
	w, err := election.OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "rows before their shares", w.WriteDecodedRows(0, rows), "election: WriteDecodedRows before the decryption of the rows: mixnet/0/shares holds 0 row share lists, and the threshold is 2 (WriteRowShareList)")
	wantErr(t, "rows of a contest that is not a codes contest", w.WriteDecodedRows(1, rows), "contest 1 is not a codes or ranked contest")
	if err := w.WriteRowShareList(0, lists[0]); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "rows from one list of two", w.WriteDecodedRows(0, rows), "mixnet/0/shares holds 1 row share list, and the threshold is 2")
	for _, l := range lists[1:] {
		if err := w.WriteRowShareList(0, l); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, "results before the decoded rows", w.WriteResults(res), "election: WriteResults before WriteDecodedRows of CodeList or Ranked contest 0 (council)")
	swapped := append([]tally.DecodedRow(nil), rows...)
	swapped[0], swapped[1] = swapped[1], swapped[0]
	wantErr(t, "rows out of order", w.WriteDecodedRows(0, swapped), "row 0 is not the decryption of the final list")
	wantErr(t, "a row left out", w.WriteDecodedRows(0, rows[:len(rows)-1]), fmt.Sprintf("%d rows, but the decryption the record holds has %d", len(rows)-1, len(rows)))
	if err := w.WriteDecodedRows(0, rows); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteResults(res); err != nil {
		t.Fatal(err)
	}
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the record is invalid: %v", rep.Findings)
	}
}

// TestManifestWithoutSeats: a record whose up-to contest has no seats (the
// single-winner mistake, written into election.json by hand) fails check 1:
// the manifest does not validate.
func TestManifestWithoutSeats(t *testing.T) {
	dir := copyRecord(t)
	editJSONFile(t, filepath.Join(dir, "election.json"), func(v any) any {
		c := obj(arr(obj(obj(v)["manifest"])["contests"])[0])
		delete(c, "seats")
		delete(c, "alternates")
		return v
	})
	rehash(t, dir)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Check == election.CheckParameters && strings.Contains(f.Reason, `contest 0 ("board"): seats is 0, but a contest of kind up-to elects`) {
			return
		}
	}
	t.Errorf("no finding of check 1 about the seats: %v", rep.Findings)
}

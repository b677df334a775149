package ballot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"testing"
)

// TestAcceptBallotsSameAsOneByOne submits one stream of ballots (two
// devices' chains interleaved, with repeats, ballots out of their chain's
// order, challenged ballots and a voter's ballot) once
// ballot by ballot through AcceptBallot and once in random batches through
// AcceptBallots: the answers and the files must be the same.
func TestAcceptBallotsSameAsOneByOne(t *testing.T) {
	f := newFixture(t, testManifest())
	var openings []*DeviceOpening
	var stream []*Ballot
	for _, id := range []string{"station-1", "station-2"} {
		d, o, err := OpenDevice(f.e, id, f.deviceKeys[id], testTime)
		if err != nil {
			t.Fatal(err)
		}
		openings = append(openings, o)
		for i := range 5 {
			pb, err := d.EncryptBallot(Vote{"board": {uint32(101 + i%3): 1}})
			if err != nil {
				t.Fatal(err)
			}
			var b *Ballot
			if i == 2 {
				b, err = d.Challenge(pb)
			} else {
				b, err = d.Cast(pb)
			}
			if err != nil {
				t.Fatal(err)
			}
			stream = append(stream, b)
		}
	}
	rng := mrand.New(mrand.NewPCG(1, 2))
	// Interleave the chains, repeat some ballots, and move some a few
	// places early (gaps: rejected, then accepted when resent in order).
	var subs []*Ballot
	a, b := stream[:5], stream[5:]
	for len(a)+len(b) > 0 {
		var next *Ballot
		if len(b) == 0 || (len(a) > 0 && rng.IntN(2) == 0) {
			next, a = a[0], a[1:]
		} else {
			next, b = b[0], b[1:]
		}
		if rng.IntN(4) == 0 && len(a) > 0 {
			subs = append(subs, a[0]) // early: a gap
		}
		subs = append(subs, next)
		if rng.IntN(3) == 0 {
			subs = append(subs, next) // a repeat
		}
	}
	subs = append(subs, f.credentialBallot(t, "voter", 0, testVote()))

	run := func(batched bool) ([]string, []byte) {
		path := t.TempDir() + "/box.jsonl"
		x, err := OpenBox(path, f.e)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range openings {
			if err := x.AcceptOpening(o); err != nil {
				t.Fatal(err)
			}
		}
		var answers []string
		if !batched {
			for _, b := range subs {
				answers = append(answers, fmt.Sprint(x.AcceptBallot(b)))
			}
		} else {
			r := mrand.New(mrand.NewPCG(3, 4))
			for i := 0; i < len(subs); {
				n := min(1+r.IntN(6), len(subs)-i)
				for _, err := range x.AcceptBallots(subs[i : i+n]) {
					answers = append(answers, fmt.Sprint(err))
				}
				i += n
			}
		}
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return answers, data
	}
	one, oneFile := run(false)
	batch, batchFile := run(true)
	for i := range one {
		if one[i] != batch[i] {
			t.Errorf("submission %d: one by one %q, batched %q", i, one[i], batch[i])
		}
	}
	// Credential ballots are the only ones whose lines could differ
	// (none here): the files are byte for byte the same.
	if !bytes.Equal(oneFile, batchFile) {
		t.Fatal("the batched box wrote another file")
	}
	if n := bytes.Count(oneFile, []byte("\n")); n != 1+2+11 {
		t.Fatalf("%d lines, want the header, 2 openings and 11 ballots", n)
	}
}

// TestBoxLookup: a voter finds her ballot by its short code while the box
// is open, and after the box is reopened; a code never written is not
// found.
func TestBoxLookup(t *testing.T) {
	m := testManifest()
	m.Policy = LastBallotCounts
	f := newFixture(t, m)
	x, path := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	first := f.credentialBallot(t, "c1", 0, testVote())
	second := f.credentialBallot(t, "c2", 0, testVote())
	chain := castOn(t, d, testVote())
	for _, err := range x.AcceptBallots([]*Ballot{first, second, chain}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	check := func(x *Box) {
		t.Helper()
		got := x.Lookup(shortOf(first.ConfirmationCode()))
		if len(got) != 1 || got[0].Code != first.ConfirmationCode() || got[0].Line != 3 || !got[0].Superseded || got[0].Refusal != nil {
			t.Fatalf("Lookup(first) = %+v", got)
		}
		got = x.Lookup(shortOf(chain.ConfirmationCode()))
		if len(got) != 1 || got[0].Superseded || got[0].State != Cast || got[0].Line != 5 {
			t.Fatalf("Lookup(chain) = %+v", got)
		}
		var none ShortCode
		if got := x.Lookup(none); len(got) != 0 {
			t.Fatalf("Lookup of a code never written = %+v", got)
		}
	}
	check(x)
	x.Close()
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	check(y)
}

// TestAcceptBallotsClosed: a closed box answers every ballot of a batch
// with an error.
func TestAcceptBallotsClosed(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	x.Close()
	for _, err := range x.AcceptBallots([]*Ballot{f.credentialBallot(t, "c", 0, testVote())}) {
		var r *Refusal
		if err == nil || errors.As(err, &r) {
			t.Fatalf("closed box answered %v", err)
		}
	}
}

func shortOf(c ConfirmationCode) ShortCode { return ShortCode(c[:shortBytes]) }

// TestAcceptBallotsWriteFails: when the write of a batch fails, none of
// its ballots is acknowledged, and the box answers nothing from its state
// in memory, which is ahead of its file: a repeat is not acknowledged,
// Tip reports no chain, Lookup finds nothing, Err says why. Reopened, the
// box holds what was written before.
func TestAcceptBallotsWriteFails(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	first := castOn(t, d, testVote())
	if err := x.AcceptBallots([]*Ballot{first})[0]; err != nil {
		t.Fatal(err)
	}
	second := castOn(t, d, testVote())
	x.f.Close() // the disk goes away
	for _, err := range x.AcceptBallots([]*Ballot{second}) {
		var r *Refusal
		if err == nil || errors.As(err, &r) {
			t.Fatalf("a failed write answered %v", err)
		}
	}
	if err := x.AcceptBallots([]*Ballot{second})[0]; err == nil {
		t.Fatal("a repeat of the unwritten ballot was acknowledged")
	}
	if err := x.AcceptBallot(second); err == nil {
		t.Fatal("AcceptBallot acknowledged the unwritten ballot")
	}
	if _, _, ok := x.Tip("station-1"); ok {
		t.Fatal("a broken box reported a tip")
	}
	if got := x.Lookup(shortOf(second.ConfirmationCode())); len(got) != 0 {
		t.Fatalf("a broken box found %+v", got)
	}
	if x.Err() == nil {
		t.Fatal("Err is nil on a broken box")
	}
	x.f = nil
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if seq, _, _ := y.Tip("station-1"); seq != 1 {
		t.Fatalf("reopened, the box's tip is %d, want 1", seq)
	}
}

// TestMarshalLine: the ballot lines the box assembles are those that
// encoding/json writes, accepted and refused.
func TestMarshalLine(t *testing.T) {
	f := newFixture(t, testManifest())
	raw, _ := f.credentialBallot(t, "c", 0, testVote()).MarshalJSON()
	for _, l := range []boxLineJSON{
		{Ballot: raw},
		{Refused: &refusedLineJSON{Step: StepProof, Contest: 0, Selection: 3, Ballot: raw}},
		{Refused: &refusedLineJSON{Step: StepDuplicate, Contest: -1, Selection: -1, Ballot: raw}},
	} {
		want, _ := json.Marshal(l)
		got, err := marshalLine(l)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("marshalLine\n%.200s\nencoding/json\n%.200s", got, want)
		}
	}
}

package ballot_test

import (
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/fieldtest"
	"github.com/sandogh/sandogh/internal/forge"
)

// asyncWorld is a box of the field's test election, open, with one
// device per station opened in it, and each device's first ballots.
type asyncWorld struct {
	f      *fieldtest.Election
	box    *ballot.Box
	path   string
	chains [][]*ballot.Ballot
}

func newAsyncWorld(t *testing.T, devices, per int) *asyncWorld {
	t.Helper()
	f, err := fieldtest.New(devices)
	if err != nil {
		t.Fatal(err)
	}
	w := &asyncWorld{f: f, path: t.TempDir() + "/ballots.jsonl"}
	if w.box, err = ballot.OpenBox(w.path, f.E); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.box.Close() })
	for i, id := range f.IDs[:devices] {
		d, o, err := ballot.OpenDevice(f.E, id, f.Keys[id], time.Unix(1700000000, 0))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.box.AcceptOpening(o); err != nil {
			t.Fatal(err)
		}
		r := mrand.New(mrand.NewPCG(uint64(i), 7))
		var chain []*ballot.Ballot
		for range per {
			p, err := d.EncryptBallot(fieldtest.Vote(r))
			if err != nil {
				t.Fatal(err)
			}
			b, err := d.Cast(p)
			if err != nil {
				t.Fatal(err)
			}
			chain = append(chain, b)
		}
		w.chains = append(w.chains, chain)
	}
	return w
}

// TestAcceptBallotsNamesEachBadProof: a batch of ballots from 12 devices,
// checked on all cores in chunks whose proofs are appended into one batch
// verification, with forged proofs at chunk boundaries and inside chunks.
// Each forged ballot, and only it, is refused at the proof step, its
// refusal the one that AcceptBallot gives it alone.
func TestAcceptBallotsNamesEachBadProof(t *testing.T) {
	for _, bad := range [][]int{{0}, {3}, {4}, {11}, {2, 9}, {0, 5, 6, 11}} {
		t.Run(fmt.Sprint(bad), func(t *testing.T) {
			w := newAsyncWorld(t, 12, 1)
			alone := newAsyncWorld(t, 12, 1)
			batch := make([]*ballot.Ballot, 12)
			for i := range batch {
				batch[i] = w.chains[i][0]
			}
			forged := map[int]bool{}
			for _, i := range bad {
				id := w.f.IDs[i]
				b, err := forge.CorruptProof(w.f.E, batch[i], w.f.Keys[id])
				if err != nil {
					t.Fatal(err)
				}
				batch[i], forged[i] = b, true
			}
			errs := w.box.AcceptBallots(batch)
			for i, err := range errs {
				want := alone.box.AcceptBallot(batch[i])
				if !forged[i] {
					if err != nil || want != nil {
						t.Errorf("ballot %d: %v (alone: %v), want accepted", i, err, want)
					}
					continue
				}
				var r *ballot.Refusal
				if !errors.As(err, &r) || r.Step != ballot.StepProof || !r.Recorded {
					t.Errorf("ballot %d: %v, want refused (recorded) at the proof step", i, err)
					continue
				}
				if err.Error() != want.Error() {
					t.Errorf("ballot %d: %q, alone %q", i, err, want)
				}
			}
		})
	}
}

// TestAcceptBallotsAsyncPipelines decides two batches before waiting for
// either, then waits for them in the wrong order: each wait returns its
// own batch's answers, every accepted line is in the file once the waits
// return, and a second call of a wait returns the same answers.
func TestAcceptBallotsAsyncPipelines(t *testing.T) {
	w := newAsyncWorld(t, 6, 2)
	var first, second []*ballot.Ballot
	for _, c := range w.chains {
		first = append(first, c[0])
		second = append(second, c[1])
	}
	// The second batch repeats a ballot of the first, whose line is not
	// yet known to be durable: it is answered as a repeat once it is.
	second = append(second, first[2])
	wait1 := w.box.AcceptBallotsAsync(first)
	wait2 := w.box.AcceptBallotsAsync(second)
	errs2 := wait2()
	errs1 := wait1()
	for i, err := range errs1 {
		if err != nil {
			t.Errorf("first batch, ballot %d: %v", i, err)
		}
	}
	for i, err := range errs2 {
		if err != nil {
			t.Errorf("second batch, ballot %d: %v", i, err)
		}
	}
	if again := wait1(); len(again) != len(errs1) {
		t.Errorf("second call of wait: %d answers, want %d", len(again), len(errs1))
	}
	data, err := os.ReadFile(w.path)
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, c := range data {
		if c == '\n' {
			lines++
		}
	}
	// The header, six openings and twelve ballots; the repeat writes nothing.
	if want := 1 + 6 + 12; lines != want {
		t.Errorf("the box's file has %d lines once both waits returned, want %d", lines, want)
	}
}

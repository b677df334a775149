package boxserver_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/internal/fieldtest"
)

// TestRefusedFlood: a device whose key was stolen signs ballot after
// ballot at the first place of its chain (forks, each written as
// refused); past MaxRefusedPerMinute its submissions are answered 429 and
// the box writes no more of its lines, while another device still votes.
func TestRefusedFlood(t *testing.T) {
	f, err := fieldtest.New(2)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ballots.jsonl")
	box, err := ballot.OpenBox(path, f.E)
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	srv := boxserver.New(f.E, box, boxserver.Config{MaxRefusedPerMinute: 5})
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ctx := context.Background()
	w := &world{f: f}
	o, honest := w.chain(t, "station-1", 1, 1)
	c := w.clientAt(hs.URL, "station-1")
	if _, err := c.Open(ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Submit(ctx, honest); err != nil {
		t.Fatal(err)
	}
	fork := func(k int) *ballot.Ballot {
		h := ballot.Header{BallotID: fmt.Sprintf("station-1/fork-%d", k), Device: "station-1", Sequence: 1, Previous: o.ConfirmationCode()}
		p, err := ballot.EncryptBallot(f.E, h, ballot.Vote{"board": {uint32(101 + k%15): 1}}, bytes.Repeat([]byte{byte(k)}, 32))
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.Cast(f.Keys["station-1"])
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	refused := 0
	var limited error
	for k := range 12 {
		a, err := c.Submit(ctx, []*ballot.Ballot{fork(k)})
		if err != nil {
			limited = err
			break
		}
		if a.Results[0].Outcome != boxserver.Refused || a.Results[0].Step != ballot.StepChainFork {
			t.Fatalf("fork %d: %+v", k, a.Results[0])
		}
		refused++
	}
	var se *boxserver.StatusError
	if refused != 5 || !errors.As(limited, &se) || se.StatusCode != http.StatusTooManyRequests || !se.Temporary() {
		t.Fatalf("%d forks refused, then %v", refused, limited)
	}
	data, _ := os.ReadFile(path)
	if n := bytes.Count(data, []byte("\n")); n != 1+1+1+5 {
		t.Fatalf("%d lines in the box", n)
	}
	// Another device is not concerned.
	o2, bs2 := w.chain(t, "station-2", 2, 2)
	c2 := w.clientAt(hs.URL, "station-2")
	if _, err := c2.Open(ctx, o2); err != nil {
		t.Fatal(err)
	}
	if a, err := c2.Submit(ctx, bs2); err != nil || a.Results[1].Outcome != boxserver.Accepted {
		t.Fatalf("station-2: %+v, %v", a, err)
	}
}

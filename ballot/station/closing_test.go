package station_test

import (
	"context"
	"errors"
	mrand "math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/station"
	"github.com/sandogh/sandogh/internal/fieldtest"
)

// TestReplaceAndClose: station-1's device fails mid-day; the spare of its
// polling station takes over, its opening naming the failed device's last
// ballot in the box, and an official records the replacement in the
// station's incident log; at the end of the day every device that voted
// closes, co-signed by an official, and the box holds the closings and the
// incident log; a device that closed encrypts nothing more, and a ballot
// of the replaced device is rejected.
func TestReplaceAndClose(t *testing.T) {
	f, err := fieldtest.NewWithStations(2)
	if err != nil {
		t.Fatal(err)
	}
	x := startBox(t, f, filepath.Join(t.TempDir(), "ballots.jsonl"))
	defer x.stop()
	ctx := context.Background()
	r := mrand.New(mrand.NewPCG(6, 6))
	cosign := func(station int) func(*ballot.DeviceClosing) error {
		return func(c *ballot.DeviceClosing) error {
			id := []string{"official-1-a", "official-2-b"}[station]
			return c.Cosign(f.E, id, f.Officials[id])
		}
	}

	s1, err := station.Open(t.TempDir(), f.E, "station-1", f.Keys["station-1"], day)
	if err != nil {
		t.Fatal(err)
	}
	c1 := client(f, x.hs.URL, "station-1")
	for range 3 {
		vote(t, s1, r, false)
	}
	if _, err := s1.Sync(ctx, c1); err != nil {
		t.Fatal(err)
	}
	// An outage, recorded; then the device fails for good (it is never
	// opened again).
	if _, err := s1.RecordIncident(ballot.IncidentReport{Kind: ballot.NetworkOutage, At: day, Text: "link down 10:00–10:20"}, "official-1-a", f.Officials["official-1-a"]); err != nil {
		t.Fatal(err)
	}
	if _, err := s1.Sync(ctx, c1); err != nil {
		t.Fatal(err)
	}
	s1.Close()

	cs := client(f, x.hs.URL, "spare-1")
	old, err := cs.TipOf(ctx, "station-1")
	if err != nil {
		t.Fatal(err)
	}
	spare, err := station.OpenReplacement(t.TempDir(), f.E, "spare-1", f.Keys["spare-1"], day.Add(time.Hour),
		ballot.Replacement{Device: "station-1", Sequence: old.Sequence, Tip: old.Code})
	if err != nil {
		t.Fatal(err)
	}
	defer spare.Close()
	it, err := cs.IncidentTip(ctx, "ps-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := spare.ResumeIncidents(it.Sequence, it.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := spare.RecordIncident(ballot.IncidentReport{Kind: ballot.DeviceReplaced, At: day.Add(time.Hour), Device: "station-1", Replacement: "spare-1", Text: "screen broken"}, "official-1-b", f.Officials["official-1-b"]); err != nil {
		t.Fatal(err)
	}
	vote(t, spare, r, true)
	vote(t, spare, r, false)
	if _, err := spare.Sync(ctx, cs); err != nil {
		t.Fatal(err)
	}
	s2, err := station.Open(t.TempDir(), f.E, "station-2", f.Keys["station-2"], day)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	c2 := client(f, x.hs.URL, "station-2")
	vote(t, s2, r, false)
	if _, err := s2.CloseChain(day, cosign(1)); err == nil {
		t.Fatal("a station closed with a ballot not acknowledged")
	}
	if _, err := s2.Sync(ctx, c2); err != nil {
		t.Fatal(err)
	}
	for i, st := range []*station.Station{spare, s2} {
		if _, err := st.CloseChain(day.Add(10*time.Hour), cosign(i)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Encrypt(fieldtest.Vote(r)); err == nil {
			t.Fatal("a closed station encrypted a ballot")
		}
	}
	if _, err := spare.Sync(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Sync(ctx, c2); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*station.Station{spare, s2} {
		if closed, accepted := st.Closed(); !closed || !accepted {
			t.Fatalf("closed %v, accepted %v", closed, accepted)
		}
	}
	if seq, _, _ := x.b.IncidentTip("ps-1"); seq != 2 {
		t.Fatalf("the box holds %d entries of ps-1's incident log, want 2", seq)
	}
	// A ballot of the replaced device, made after its replacement, is
	// rejected.
	d, err := ballot.ResumeDevice(f.E, "station-1", f.Keys["station-1"], old.Sequence, old.Code)
	if err != nil {
		t.Fatal(err)
	}
	late := castOn(t, d)
	err = x.b.AcceptBallot(late)
	var ref *ballot.Refusal
	if !errors.As(err, &ref) || ref.Recorded {
		t.Fatalf("a ballot of the replaced device: %v", err)
	}
}

func castOn(t *testing.T, d *ballot.Device) *ballot.Ballot {
	t.Helper()
	p, err := d.EncryptBallot(ballot.Vote{"board": {101: 1}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Cast(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

package station_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/ballot/station"
	"github.com/sandogh/sandogh/internal/fieldtest"
	"github.com/sandogh/sandogh/pollbook"
)

// TestPollBookThroughTheBox: two stations keep poll books synced with the
// central book that the box's server keeps. An online station refuses a
// voter marked at the other; an offline one admits her, and the double
// vote appears as an incident when its marks reach the central book; the
// summary counts it, and names nobody.
func TestPollBookThroughTheBox(t *testing.T) {
	f, _ := fieldtest.New(2)
	key, err := pollbook.NewKey(make([]byte, 32), f.E.Manifest().ElectionID)
	if err != nil {
		t.Fatal(err)
	}
	var ps []pollbook.Pseudonym
	for k := range 20 {
		p, err := key.Pseudonym(fieldtest.NationalID(k))
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	list, err := pollbook.NewList(f.E.Manifest().ElectionID, ps)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	central, err := pollbook.OpenCentral(filepath.Join(dir, "marks.jsonl"), pollbook.CentralParams{Election: f.E, List: list})
	if err != nil {
		t.Fatal(err)
	}
	defer central.Close()
	box, err := ballot.OpenBox(filepath.Join(dir, "ballots.jsonl"), f.E)
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	srv := boxserver.New(f.E, box, boxserver.Config{PollBook: central})
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ctx := context.Background()

	book := func(id string, online bool) (*pollbook.Book, *boxserver.Client) {
		c := client(f, hs.URL, id)
		p := pollbook.BookParams{Election: f.E, Station: id, DeviceKey: f.Keys[id], Key: key, List: list, OnlineTimeout: 5 * time.Second}
		if online {
			p.Online = c
		}
		b, err := pollbook.OpenBook(filepath.Join(t.TempDir(), "marks.jsonl"), p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b, c
	}
	b1, c1 := book("station-1", true)
	b2, c2 := book("station-2", false) // offline all morning
	admit := func(b *pollbook.Book, id string) pollbook.Answer {
		a, err := b.Check(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Admit {
			if _, err := b.Mark(a.Pseudonym); err != nil {
				t.Fatal(err)
			}
		}
		return a
	}
	for k := range 5 {
		if a := admit(b1, fieldtest.NationalID(k)); !a.Admit || !a.Online {
			t.Fatalf("voter %d at station 1: %+v", k, a)
		}
	}
	if _, _, err := station.SyncMarks(ctx, b1, c1); err != nil {
		t.Fatal(err)
	}
	// Voter 3 goes to station 2, offline: admitted (a double vote).
	if a := admit(b2, fieldtest.NationalID(3)); !a.Admit || a.Online {
		t.Fatalf("voter 3 at offline station 2: %+v", a)
	}
	admit(b2, fieldtest.NationalID(10))
	sent, incidents, err := station.SyncMarks(ctx, b2, c2)
	if err != nil || sent != 2 || incidents != 1 {
		t.Fatalf("station 2's sync: sent %d, incidents %d, %v", sent, incidents, err)
	}
	// Sent again: repeats, nothing new.
	if sent, _, err := station.SyncMarks(ctx, b2, c2); err != nil || sent != 0 {
		t.Fatalf("a second sync sent %d, %v", sent, err)
	}
	// Online, station 1 refuses voter 10, marked at station 2.
	if a := admit(b1, fieldtest.NationalID(10)); a.Admit || !a.Online || a.MarkedAt != "station-2" {
		t.Fatalf("voter 10 at online station 1: %+v", a)
	}
	s := central.Summary()
	if s.Marks != 7 || s.Voters != 6 || s.DoubleVotes != 1 {
		t.Fatalf("summary %+v", s)
	}
	data, _ := s.MarshalJSON()
	for _, p := range ps {
		if strings.Contains(string(data), p.String()) {
			t.Fatal("the summary names a pseudonym")
		}
	}
}

package pollbook_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandogh/sandogh/pollbook"
)

// offlineChecker is a network that does not answer: it waits for the
// deadline.
type offlineChecker struct{ calls int }

func (o *offlineChecker) CheckOnline(ctx context.Context, p pollbook.Pseudonym) (pollbook.Status, error) {
	o.calls++
	<-ctx.Done()
	return pollbook.Status{}, ctx.Err()
}

// An online station refuses a voter marked at another station; offline,
// it admits her from its copy of the list and says so; the double vote
// shows at the merge, for both stations.
func TestOnlineAndOffline(t *testing.T) {
	f := newFixture(t, 2, 10)
	c := f.openCentral(t)
	a := f.openBook(t, "station-1", c)
	net := &offlineChecker{}
	b, err := pollbook.OpenBook(filepath.Join(f.dir, "b.marks"), pollbook.BookParams{
		Election: f.e, Station: "station-2", DeviceKey: f.keys["station-2"], Key: f.key, List: f.list,
		Online: net, OnlineTimeout: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()

	ans, err := a.Check(ctx, f.ids[0])
	if err != nil || !ans.Admit || !ans.Online {
		t.Fatalf("first check: %+v, %v", ans, err)
	}
	m, err := a.Mark(ans.Pseudonym)
	if err != nil || m.Sequence != 1 {
		t.Fatalf("mark: %+v, %v", m, err)
	}
	// Not uploaded yet: the central book does not know; the station does.
	if ans, _ := a.Check(ctx, f.ids[0]); ans.Admit || ans.Refusal != pollbook.MarkedHere || ans.Online {
		t.Fatalf("check at the same station: %+v", ans)
	}
	if _, err := a.Mark(ans.Pseudonym); err == nil {
		t.Fatal("a second mark of one voter at one station")
	}
	if r, err := c.Merge(a.Marks(c.Tip("station-1"))); err != nil || r.Accepted != 1 {
		t.Fatalf("merge: %+v, %v", r, err)
	}

	// Station 2 is offline: it admits the voter, and says it decided
	// offline.
	ans, err = b.Check(ctx, "۰"+f.ids[0][1:]) // typed in Persian digits
	if err != nil || !ans.Admit || ans.Online || !errors.Is(ans.OnlineErr, context.DeadlineExceeded) || net.calls != 1 {
		t.Fatalf("offline check: %+v, %v", ans, err)
	}
	if _, err := b.Mark(ans.Pseudonym); err != nil {
		t.Fatal(err)
	}
	// Back online, station 2 would have been refused.
	b2 := f.openBook(t, "station-2", c)
	if ans, _ := b2.Check(ctx, f.ids[0]); ans.Admit || ans.Refusal != pollbook.MarkedElsewhere || ans.MarkedAt != "station-1" || !ans.Online {
		t.Fatalf("online check at another station: %+v", ans)
	}
	// The sync of the offline station's marks finds the double vote.
	r, err := c.Merge(b.Marks(c.Tip("station-2")))
	if err != nil || r.Accepted != 1 || len(r.Incidents) != 1 {
		t.Fatalf("merge: %+v, %v", r, err)
	}
	want := pollbook.Incident{Kind: pollbook.DoubleVote, Station: "station-2", Sequence: 1, OtherStation: "station-1", OtherSequence: 1}
	if r.Incidents[0] != want {
		t.Fatalf("incident %+v, want %+v", r.Incidents[0], want)
	}
	s := c.Summary()
	if s.Marks != 2 || s.Voters != 1 || s.DoubleVotes != 1 || s.Stations[0].DoubleVotes != 1 || s.Stations[1].DoubleVotes != 1 {
		t.Fatalf("summary %+v", s)
	}

	// Not on the list, online and offline.
	other := nationalID(999999999)
	if ans, err := a.Check(ctx, other); err != nil || ans.Admit || ans.Refusal != pollbook.NotOnList || !ans.Online {
		t.Fatalf("unlisted voter online: %+v, %v", ans, err)
	}
	if ans, err := b.Check(ctx, other); err != nil || ans.Admit || ans.Refusal != pollbook.NotOnList || ans.Online {
		t.Fatalf("unlisted voter offline: %+v, %v", ans, err)
	}
	if _, err := b.Check(ctx, "0013542418"); err == nil {
		t.Fatal("a mistyped identifier is checked")
	}
}

// The central book answers an online check that arrives after the
// caller's deadline with the deadline's error, and a Book without an
// OnlineChecker decides offline without waiting.
func TestOnlineCheckDeadline(t *testing.T) {
	f := newFixture(t, 1, 3)
	c := f.openCentral(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.CheckOnline(ctx, f.pseudonym(t, 0)); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled check: %v", err)
	}
	b := f.openBook(t, "station-1", nil)
	if ans, _ := b.Check(context.Background(), f.ids[1]); !ans.Admit || ans.Online || ans.OnlineErr != nil {
		t.Fatalf("a station without network: %+v", ans)
	}
}

// A restarted station resumes its sequence from its file; a second Book
// of the same file is refused while the first is open.
func TestBookRestart(t *testing.T) {
	f := newFixture(t, 1, 5)
	path := filepath.Join(f.dir, "s.marks")
	params := pollbook.BookParams{Election: f.e, Station: "station-1", DeviceKey: f.keys["station-1"], Key: f.key, List: f.list, Committee: f.committee}
	b, err := pollbook.OpenBook(path, params)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := b.Mark(f.pseudonym(t, i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pollbook.OpenBook(path, params); err == nil || !strings.Contains(err.Error(), "already open") {
		t.Fatalf("a second Book of one file: %v", err)
	}
	b.Close()
	if _, err := b.Mark(f.pseudonym(t, 3)); err == nil {
		t.Fatal("a closed Book marks")
	}
	b, err = pollbook.OpenBook(path, params)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Sequence() != 3 {
		t.Fatalf("resumed at %d, want 3", b.Sequence())
	}
	if _, err := b.Mark(f.pseudonym(t, 1)); err == nil {
		t.Fatal("a voter marked before the restart is marked again")
	}
	m, err := b.Mark(f.pseudonym(t, 3))
	if err != nil || m.Sequence != 4 {
		t.Fatalf("after restart: %+v, %v", m, err)
	}
	if ms := b.Marks(2); len(ms) != 2 || ms[0].Sequence != 3 || ms[1].Sequence != 4 {
		t.Fatalf("Marks(2) = %v", ms)
	}
	// Another station's key, or a file of another station, is refused.
	params.Station = "station-2"
	if _, err := pollbook.OpenBook(filepath.Join(f.dir, "x.marks"), params); err == nil {
		t.Fatal("an unregistered station opens a Book")
	}
}

// A crash during a write leaves a torn last line: reopening drops it (the
// mark was never acknowledged) and the station goes on from the mark
// before it; a damaged line before the last is an error.
func TestTornLastLine(t *testing.T) {
	f := newFixture(t, 1, 5)
	path := filepath.Join(f.dir, "s.marks")
	params := pollbook.BookParams{Election: f.e, Station: "station-1", DeviceKey: f.keys["station-1"], Key: f.key, List: f.list}
	b, _ := pollbook.OpenBook(path, params)
	for i := range 3 {
		if _, err := b.Mark(f.pseudonym(t, i)); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(data), "\n")
	good := strings.Join(lines[:3], "") // the header and two marks
	last := lines[3]
	for _, torn := range []string{last[:len(last)/2], last[:len(last)-1], last[:len(last)-3] + "}\n", "\n"} {
		if err := os.WriteFile(path, []byte(good+torn), 0o600); err != nil {
			t.Fatal(err)
		}
		b, err := pollbook.OpenBook(path, params)
		if err != nil {
			t.Fatalf("torn %q: %v", torn, err)
		}
		if b.Sequence() != 2 {
			t.Fatalf("torn %q: sequence %d, want 2", torn, b.Sequence())
		}
		m, err := b.Mark(f.pseudonym(t, 2)) // the voter whose mark was torn
		if err != nil || m.Sequence != 3 {
			t.Fatalf("torn %q: %+v, %v", torn, m, err)
		}
		b.Close()
		if got, _ := os.ReadFile(path); string(got) != string(data) {
			t.Fatalf("torn %q: the file is not the one before the tear", torn)
		}
	}
	// Damage before the last line is an error, not a truncation.
	bad := lines[0] + lines[1][:len(lines[1])/2] + "\n" + lines[2] + lines[3]
	os.WriteFile(path, []byte(bad), 0o600)
	if _, err := pollbook.OpenBook(path, params); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("a damaged middle line: %v", err)
	}
	// So is a last line that decodes but is not the station's next mark:
	// nothing acknowledged is dropped.
	os.WriteFile(path, []byte(lines[0]+lines[1]+lines[3]), 0o600)
	if _, err := pollbook.OpenBook(path, params); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("a mark out of sequence: %v", err)
	}
	// A file of another election or station is refused.
	os.WriteFile(path, []byte(strings.Replace(string(data), "station-1", "station-2", 1)), 0o600)
	if _, err := pollbook.OpenBook(path, params); err == nil || !strings.Contains(err.Error(), "header") {
		t.Fatalf("another station's file: %v", err)
	}
}

// A voter without a national identifier is admitted by a quorum of the
// committee's officials; too few signatures, an outsider's or a forged
// one, and a decision reference used before are refused.
func TestCommitteeAdmission(t *testing.T) {
	f := newFixture(t, 2, 3)
	c := f.openCentral(t)
	b := f.openBook(t, "station-1", c)
	if _, err := b.Admit("1405-17", f.decision("station-1", "1405-17", "chair")); err == nil || !strings.Contains(err.Error(), "quorum") {
		t.Fatalf("one signature of a quorum of two: %v", err)
	}
	sigs := f.decision("station-1", "1405-17", "secretary", "chair")
	if _, err := b.Admit("1405-17", append(sigs[:1:1], f.decision("station-2", "1405-17", "chair")...)); err == nil || !strings.Contains(err.Error(), "invalid signature") {
		t.Fatalf("a signature of another station's decision: %v", err)
	}
	if _, err := b.Admit("1405-17", append(sigs, f.decision("station-1", "1405-17", "chair")...)); err == nil {
		t.Fatal("an official signs twice")
	}
	m, err := b.Admit("1405-17", sigs)
	if err != nil || !m.IsDecision() || m.Sequence != 1 {
		t.Fatalf("admission: %+v, %v", m, err)
	}
	if _, err := b.Admit("1405-17", sigs); err == nil || !strings.Contains(err.Error(), "already admitted") {
		t.Fatalf("a decision used twice: %v", err)
	}
	if _, err := b.Mark(f.pseudonym(t, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Merge(b.Marks(0)); err != nil {
		t.Fatal(err)
	}
	s := c.Summary()
	if s.Marks != 2 || s.Committee != 1 || s.Voters != 1 || s.Stations[0].Committee != 1 {
		t.Fatalf("summary %+v", s)
	}
	// A central book without the station's committee refuses the mark.
	c.Close()
	_, err = pollbook.OpenCentral(f.centralPath(), pollbook.CentralParams{Election: f.e, List: f.list})
	if err == nil || !strings.Contains(err.Error(), "no committee") {
		t.Fatalf("reopened without committees: %v", err)
	}
}

// A replacement device learns the marks of the device it replaces and
// refuses, offline, the voters that device admitted; a forged mark is not
// learned.
func TestLearn(t *testing.T) {
	f := newFixture(t, 2, 4)
	old := f.openBook(t, "station-1", nil)
	old.Mark(f.pseudonym(t, 0))
	old.Admit("r", f.decision("station-1", "r", "chair", "secretary"))
	repl := f.openBook(t, "station-2", &offlineChecker{})
	forged := *old.Marks(0)[0]
	forged.Pseudonym = f.pseudonym(t, 1)
	if err := repl.Learn([]*pollbook.Mark{&forged}); err == nil {
		t.Fatal("a forged mark is learned")
	}
	if err := repl.Learn(old.Marks(0)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if ans, _ := repl.Check(ctx, f.ids[0]); ans.Admit || ans.Refusal != pollbook.MarkedElsewhere || ans.MarkedAt != "station-1" || ans.Online {
		t.Fatalf("a voter of the replaced device: %+v", ans)
	}
	if ans, _ := repl.Check(ctx, f.ids[1]); !ans.Admit || ans.Online {
		t.Fatalf("another voter: %+v", ans)
	}
}

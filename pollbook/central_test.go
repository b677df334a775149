package pollbook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/pollbook"
)

type markRef struct {
	station string
	seq     uint64
}

// day is a simulated election day at offline stations: which voters
// voted where, and the stations' marks.
type day struct {
	f      *fixture
	books  map[string]*pollbook.Book
	marks  map[string][]*pollbook.Mark
	where  map[pollbook.Pseudonym][]markRef // the marks of each voter
	admits int
}

// newDay has each voter vote at 0, 1, 2 or 3 stations, all offline, and
// some voters admitted by committee decision.
func newDay(t *testing.T, f *fixture, rng *rand.Rand) *day {
	d := &day{f: f, books: make(map[string]*pollbook.Book), marks: make(map[string][]*pollbook.Mark), where: make(map[pollbook.Pseudonym][]markRef)}
	for _, s := range f.stations {
		d.books[s] = f.openBook(t, s, nil)
	}
	type visit struct {
		station string
		voter   int
	}
	var visits []visit
	for v := range f.ids {
		k := []int{0, 1, 1, 1, 1, 2, 2, 3}[rng.IntN(8)]
		for _, i := range rng.Perm(len(f.stations))[:k] {
			visits = append(visits, visit{f.stations[i], v})
		}
	}
	for i := range 5 {
		visits = append(visits, visit{f.stations[rng.IntN(len(f.stations))], -1 - i})
	}
	rng.Shuffle(len(visits), func(i, j int) { visits[i], visits[j] = visits[j], visits[i] })
	for _, v := range visits {
		b := d.books[v.station]
		if v.voter < 0 {
			ref := fmt.Sprintf("decision-%d", -v.voter)
			if _, err := b.Admit(ref, f.decision(v.station, ref, "chair", "observer")); err != nil {
				t.Fatal(err)
			}
			d.admits++
			continue
		}
		ans, err := b.Check(t.Context(), f.ids[v.voter])
		if err != nil || !ans.Admit || ans.Online {
			t.Fatalf("offline check: %+v, %v", ans, err)
		}
		m, err := b.Mark(ans.Pseudonym)
		if err != nil {
			t.Fatal(err)
		}
		d.where[m.Pseudonym] = append(d.where[m.Pseudonym], markRef{m.Station, m.Sequence})
	}
	for s, b := range d.books {
		d.marks[s] = b.Marks(0)
	}
	return d
}

// upload merges every station's marks into c in a random interleaving of
// random chunks, some of which repeat marks already merged and some of
// which skip ahead (and are answered with ErrGap), and returns the
// incidents Merge returned.
func (d *day) upload(t *testing.T, c *pollbook.Central, rng *rand.Rand) []pollbook.Incident {
	var incs []pollbook.Incident
	for {
		var open []string
		for _, s := range d.f.stations {
			if c.Tip(s) < uint64(len(d.marks[s])) {
				open = append(open, s)
			}
		}
		if len(open) == 0 {
			return incs
		}
		// Sometimes a batch mixes two stations' chunks.
		var batch []*pollbook.Mark
		gap := false
		for range 1 + rng.IntN(2) {
			s := open[rng.IntN(len(open))]
			tip := int(c.Tip(s))
			start := max(0, tip-3+rng.IntN(6)) // tip−3 … tip+2
			start = min(start, len(d.marks[s])-1)
			end := min(len(d.marks[s]), start+1+rng.IntN(5))
			gap = gap || start > tip
			batch = append(batch, d.marks[s][start:end]...)
		}
		r, err := c.Merge(batch)
		if err != nil && !errors.Is(err, pollbook.ErrGap) {
			t.Fatal(err)
		}
		if err != nil && !gap {
			t.Fatalf("ErrGap without a gap: %v", err)
		}
		incs = append(incs, r.Incidents...)
	}
}

// Soundness of the central book: a double vote is found exactly when a
// voter is marked at two or more stations, for both (all) stations; every
// mark is taken once however the uploads are cut, repeated, interleaved or
// reordered across stations; and the summary is the same for every order
// and after the book is reopened.
func TestDoubleVotesExactly(t *testing.T) {
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 7))
		f := newFixture(t, 4, 30)
		d := newDay(t, f, rng)
		var summaries [][]byte
		for order := range 2 {
			path := filepath.Join(f.dir, fmt.Sprintf("central-%d.marks", order))
			c, err := pollbook.OpenCentral(path, pollbook.CentralParams{Election: f.e, List: f.list, Committees: f.committees()})
			if err != nil {
				t.Fatal(err)
			}
			incs := d.upload(t, c, rng)
			if !slices.Equal(incs, c.Incidents()) {
				t.Fatalf("seed %d: Merge returned %v, Incidents says %v", seed, incs, c.Incidents())
			}
			d.checkIncidents(t, incs)
			sum, _ := json.Marshal(c.Summary())
			summaries = append(summaries, sum)

			// Everything again: all repeats, nothing written.
			before, _ := os.ReadFile(path)
			for _, s := range f.stations {
				r, err := c.Merge(d.marks[s])
				if err != nil || r.Accepted != 0 || r.Repeats != len(d.marks[s]) || len(r.Incidents) != 0 {
					t.Fatalf("seed %d: repeat of %s: %+v, %v", seed, s, r, err)
				}
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Fatalf("seed %d: repeats changed the file", seed)
			}
			// Reopened, the book has the same state.
			c.Close()
			c, err = pollbook.OpenCentral(path, pollbook.CentralParams{Election: f.e, List: f.list, Committees: f.committees()})
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := json.Marshal(c.Summary()); !bytes.Equal(again, sum) || !slices.Equal(incs, c.Incidents()) {
				t.Fatalf("seed %d: reopened: %s, want %s", seed, again, sum)
			}
			c.Close()
		}
		if !bytes.Equal(summaries[0], summaries[1]) {
			t.Fatalf("seed %d: two upload orders give two summaries:\n%s\n%s", seed, summaries[0], summaries[1])
		}
		d.checkSummary(t, summaries[0])
	}
}

// checkIncidents checks that the double votes name exactly the marks of
// the voters marked more than once, each such later mark once.
func (d *day) checkIncidents(t *testing.T, incs []pollbook.Incident) {
	t.Helper()
	want := make(map[markRef]bool) // marks of voters marked twice or more
	extra := 0
	for _, refs := range d.where {
		if len(refs) > 1 {
			for _, r := range refs {
				want[r] = true
			}
			extra += len(refs) - 1
		}
	}
	got := make(map[markRef]bool)
	doubles := 0
	for _, in := range incs {
		if in.Kind != pollbook.DoubleVote {
			t.Fatalf("unexpected incident %+v", in)
		}
		doubles++
		a, b := markRef{in.Station, in.Sequence}, markRef{in.OtherStation, in.OtherSequence}
		if !want[a] || !want[b] || a == b {
			t.Fatalf("incident %+v names a mark of a voter marked once", in)
		}
		if d.pseudonymOf(a) != d.pseudonymOf(b) {
			t.Fatalf("incident %+v names two voters", in)
		}
		got[a], got[b] = true, true
	}
	if doubles != extra || len(got) != len(want) {
		t.Fatalf("%d double-vote incidents naming %d marks, want %d naming %d", doubles, len(got), extra, len(want))
	}
}

func (d *day) pseudonymOf(r markRef) pollbook.Pseudonym {
	return d.marks[r.station][r.seq-1].Pseudonym
}

// checkSummary checks the published counts against the day.
func (d *day) checkSummary(t *testing.T, data []byte) {
	t.Helper()
	s, err := pollbook.ParseSummary(data)
	if err != nil {
		t.Fatal(err)
	}
	var marks, double uint64
	perStation := make(map[string]uint64)
	for _, refs := range d.where {
		marks += uint64(len(refs))
		double += uint64(len(refs) - 1)
		if len(refs) > 1 {
			for _, r := range refs {
				perStation[r.station]++
			}
		}
	}
	if s.Voters != uint64(len(d.where)) || s.DoubleVotes != double || s.Committee != uint64(d.admits) || s.Marks != marks+uint64(d.admits) {
		t.Fatalf("summary %s; want %d voters, %d double votes, %d admitted, %d marks", data, len(d.where), double, d.admits, marks+uint64(d.admits))
	}
	for _, st := range s.Stations {
		if st.DoubleVotes != perStation[st.Station] || st.Marks != uint64(len(d.marks[st.Station])) {
			t.Fatalf("station %+v, want %d double votes, %d marks", st, perStation[st.Station], len(d.marks[st.Station]))
		}
	}
	// Counts only: no pseudonym or mark appears in it.
	for p := range d.where {
		if bytes.Contains(data, []byte(p.String())) {
			t.Fatal("the summary holds a pseudonym")
		}
	}
}

// Merge refuses a gap (ErrGap), a fork, a mark with a bad signature or of
// an unregistered station, and takes the marks before the bad one.
func TestMergeRefusals(t *testing.T) {
	f := newFixture(t, 2, 6)
	c := f.openCentral(t)
	a := f.openBook(t, "station-1", nil)
	for i := range 3 {
		a.Mark(f.pseudonym(t, i))
	}
	ms := a.Marks(0)
	if r, err := c.Merge(ms[1:]); !errors.Is(err, pollbook.ErrGap) || r.Accepted != 0 || c.Tip("station-1") != 0 {
		t.Fatalf("a gap: %+v, %v", r, err)
	}
	if s := c.Summary(); len(s.Stations) != 0 || s.Check() != nil {
		t.Fatalf("after a refused upload, the summary is %+v (%v)", s, s.Check())
	}
	// A second file of the same station signs another mark 2: a fork.
	other, err := pollbook.OpenBook(filepath.Join(f.dir, "fork.marks"), pollbook.BookParams{Election: f.e, Station: "station-1", DeviceKey: f.keys["station-1"], Key: f.key, List: f.list})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Mark(f.pseudonym(t, 0))
	fork, _ := other.Mark(f.pseudonym(t, 4))
	if r, err := c.Merge([]*pollbook.Mark{ms[0], ms[1], fork}); err == nil || errors.Is(err, pollbook.ErrGap) || !strings.Contains(err.Error(), "fork") || r.Accepted != 2 {
		t.Fatalf("a fork: %+v, %v", r, err)
	}
	tampered := *ms[2]
	tampered.Pseudonym = f.pseudonym(t, 5)
	if r, err := c.Merge([]*pollbook.Mark{&tampered}); err == nil || !strings.Contains(err.Error(), "invalid station signature") || r.Accepted != 0 {
		t.Fatalf("a tampered mark: %+v, %v", r, err)
	}
	stranger := *ms[2]
	stranger.Station = "station-9"
	if _, err := c.Merge([]*pollbook.Mark{&stranger}); err == nil || !strings.Contains(err.Error(), "not a registered device") {
		t.Fatalf("an unregistered station: %v", err)
	}
	// Station 2's key cannot sign for station 1.
	b := f.openBook(t, "station-2", nil)
	m, _ := b.Mark(f.pseudonym(t, 1))
	m2 := *m
	m2.Station = "station-1"
	m2.Sequence = 3
	if _, err := c.Merge([]*pollbook.Mark{&m2}); err == nil {
		t.Fatal("a mark of station 2 passes for station 1's")
	}
	if r, err := c.Merge(ms); err != nil || r.Accepted != 1 || r.Repeats != 2 {
		t.Fatalf("the rest: %+v, %v", r, err)
	}
	if _, err := pollbook.OpenCentral(f.centralPath(), pollbook.CentralParams{Election: f.e, List: f.list}); err == nil || !strings.Contains(err.Error(), "already open") {
		t.Fatalf("a second central book of one file: %v", err)
	}
	c.Close()
	if _, err := c.Merge(ms); err == nil {
		t.Fatal("a closed central book merges")
	}
	if _, err := c.Check(ms[0].Pseudonym); err == nil {
		t.Fatal("a closed central book answers")
	}
}

// A torn last line of the central book's file is dropped on reopening;
// the station uploads the mark again from the book's tip.
func TestCentralTornLastLine(t *testing.T) {
	f := newFixture(t, 1, 4)
	c := f.openCentral(t)
	a := f.openBook(t, "station-1", nil)
	for i := range 3 {
		a.Mark(f.pseudonym(t, i))
	}
	if _, err := c.Merge(a.Marks(0)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	data, _ := os.ReadFile(f.centralPath())
	os.WriteFile(f.centralPath(), data[:len(data)-10], 0o600)
	c = f.openCentral(t)
	if c.Tip("station-1") != 2 {
		t.Fatalf("tip %d after a torn last line, want 2", c.Tip("station-1"))
	}
	if r, err := c.Merge(a.Marks(c.Tip("station-1"))); err != nil || r.Accepted != 1 {
		t.Fatalf("resume: %+v, %v", r, err)
	}
	c.Close()
	if got, _ := os.ReadFile(f.centralPath()); !bytes.Equal(got, data) {
		t.Fatal("the file differs from the one before the tear")
	}
}

func TestSummaryJSON(t *testing.T) {
	good := `{"electionId":"e","baseHash":"` + strings.Repeat("ab", 32) + `","marks":7,"voters":4,"committee":1,"doubleVotes":2,"notListed":0,"reusedDecisions":0,` +
		`"stations":[{"station":"a","marks":4,"committee":1,"doubleVotes":2,"notListed":0,"reusedDecisions":0},{"station":"b","marks":3,"committee":0,"doubleVotes":1,"notListed":0,"reusedDecisions":0}]}`
	s, err := pollbook.ParseSummary([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := json.Marshal(s); string(out) != good {
		t.Fatalf("round trip:\n%s\n%s", out, good)
	}
	for _, c := range []struct{ from, to, msg string }{
		{`"marks":7`, `"marks":8`, "stations' sum"},
		{`"voters":4`, `"voters":3`, "is not voters"},
		{`"doubleVotes":2,"notListed":0,"reusedDecisions":0,"stations"`, `"doubleVotes":2,"notListed":0,"reusedDecisions":0,"doubleVotes":2,"stations"`, "appears twice"},
		{`"committee":1,"doubleVotes":2,"notListed":0,"reusedDecisions":0}`, `"committee":1,"doubleVotes":0,"notListed":0,"reusedDecisions":0}`, "between it and twice"},
		{`"station":"b"`, `"station":"a"`, "ascending"},
		{`"reusedDecisions":0,"stations"`, `"stations"`, `missing member "reusedDecisions"`},
		{`"marks":7`, `"marks":7.0`, ""},
		{`"voters":4`, `"voters":4,"pseudonyms":[]`, "unknown"},
		{`"electionId":"e"`, `"electionId":"e\u202e"`, ""},
	} {
		bad := strings.Replace(good, c.from, c.to, 1)
		if bad == good {
			t.Fatalf("%q not found", c.from)
		}
		if _, err := pollbook.ParseSummary([]byte(bad)); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s → %s: %v, want an error with %q", c.from, c.to, err, c.msg)
		}
	}
}

func FuzzParseSummary(f *testing.F) {
	f.Add([]byte(`{"electionId":"e","baseHash":"` + strings.Repeat("ab", 32) + `","marks":3,"voters":1,"committee":0,"doubleVotes":2,"notListed":0,"reusedDecisions":0,"stations":[{"station":"a","marks":3,"committee":0,"doubleVotes":3,"notListed":0,"reusedDecisions":0}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := pollbook.ParseSummary(data)
		if err != nil {
			return
		}
		if err := s.Check(); err != nil {
			t.Fatalf("decoded but does not check: %v", err)
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		again, err := pollbook.ParseSummary(out)
		if err != nil {
			t.Fatalf("re-encoding does not decode: %v\n%s", err, out)
		}
		if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}

// Stations upload one mark at a time, concurrently, with repeats and
// online checks in between (group commit): every mark is acknowledged
// once on disk, and the reopened book holds them all.
func TestConcurrentMerge(t *testing.T) {
	f := newFixture(t, 6, 60)
	c := f.openCentral(t)
	marks := make(map[string][]*pollbook.Mark)
	for i, s := range f.stations {
		b := f.openBook(t, s, nil)
		for v := i; v < len(f.ids); v += len(f.stations) {
			if _, err := b.Mark(f.pseudonym(t, v)); err != nil {
				t.Fatal(err)
			}
		}
		b.Mark(f.pseudonym(t, (i+1)%len(f.ids))) // a double vote each
		marks[s] = b.Marks(0)
	}
	errs := make(chan error, len(f.stations))
	for _, s := range f.stations {
		go func() {
			for i, m := range marks[s] {
				r, err := c.Merge([]*pollbook.Mark{m})
				if err != nil || r.Accepted != 1 {
					errs <- fmt.Errorf("%s mark %d: %+v, %v", s, m.Sequence, r, err)
					return
				}
				if c.Tip(s) < m.Sequence {
					errs <- fmt.Errorf("%s: acknowledged mark %d, tip %d", s, m.Sequence, c.Tip(s))
					return
				}
				if r, err := c.Merge(marks[s][:i+1]); err != nil || r.Repeats != i+1 {
					errs <- fmt.Errorf("%s: repeat: %+v, %v", s, r, err)
					return
				}
				if st, err := c.Check(m.Pseudonym); err != nil || !st.Marked {
					errs <- fmt.Errorf("%s: check: %+v, %v", s, st, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range f.stations {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	sum, _ := json.Marshal(c.Summary())
	incs := c.Incidents()
	c.Close()
	c = f.openCentral(t)
	if again, _ := json.Marshal(c.Summary()); !bytes.Equal(again, sum) || len(c.Incidents()) != len(incs) || len(incs) != len(f.stations) {
		t.Fatalf("reopened: %s, %d incidents; before: %s, %d incidents", again, len(c.Incidents()), sum, len(incs))
	}
}

// A central book's file with a mark written twice, or a station's marks
// out of order, is refused when reopened.
func TestCentralFileDamage(t *testing.T) {
	f := newFixture(t, 1, 3)
	c := f.openCentral(t)
	a := f.openBook(t, "station-1", nil)
	for i := range 3 {
		a.Mark(f.pseudonym(t, i))
	}
	c.Merge(a.Marks(0))
	c.Close()
	data, _ := os.ReadFile(f.centralPath())
	lines := strings.SplitAfter(string(data), "\n")
	for _, c := range []struct {
		lines []string
		msg   string
	}{
		{[]string{lines[0], lines[1], lines[1], lines[2]}, "written twice"},
		{[]string{lines[0], lines[2], lines[1]}, "next mark is 1"},
	} {
		os.WriteFile(f.centralPath(), []byte(strings.Join(c.lines, "")), 0o600)
		_, err := pollbook.OpenCentral(f.centralPath(), pollbook.CentralParams{Election: f.e, List: f.list})
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v, want an error with %q", err, c.msg)
		}
	}
}

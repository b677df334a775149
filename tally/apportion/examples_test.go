package apportion

import (
	"fmt"
	"slices"
	"testing"
)

type workedExample struct {
	Name      string   `json:"name"`
	Source    string   `json:"source"`
	Method    Method   `json:"method"`
	Seats     int      `json:"seats"`
	Threshold uint32   `json:"threshold"`
	Lists     []List   `json:"lists"`
	WantSeats []int    `json:"wantSeats"`
	WantOrder []uint32 `json:"wantOrder"`
	WantQuota string   `json:"wantQuota"`
}

// TestWorkedExamples allocates the published worked examples of
// testdata/worked-examples.json (each case cites its source) and compares
// the seats per list, the order of the seats and the quota where the source
// gives them.
func TestWorkedExamples(t *testing.T) {
	var file struct {
		Cases []workedExample `json:"cases"`
	}
	readJSON(t, "worked-examples.json", &file)
	if len(file.Cases) < 8 {
		t.Fatalf("%d cases", len(file.Cases))
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			in := &Input{Method: c.Method, Seats: c.Seats, Threshold: c.Threshold, Lists: staff(c.Lists, c.Seats)}
			r := mustAllocate(t, in)
			if got := seatsOf(r); !slices.Equal(got, c.WantSeats) {
				t.Errorf("seats %v, want %v (%s)", got, c.WantSeats, c.Source)
			}
			if c.WantOrder != nil && !slices.Equal(orderOf(r), c.WantOrder) {
				t.Errorf("order %v, want %v", orderOf(r), c.WantOrder)
			}
			if c.WantQuota != "" && ratOrNone(r.Quota) != c.WantQuota {
				t.Errorf("quota %s, want %s", ratOrNone(r.Quota), c.WantQuota)
			}
			if len(r.Ties) != 0 || r.Undecided != 0 || r.Unfilled != 0 {
				t.Errorf("ties %v, undecided %d, unfilled %d", r.Ties, r.Undecided, r.Unfilled)
			}
		})
	}
}

// TestNorway2005 recomputes the national settlement of the Norwegian
// Storting election of 2005 (testdata/norway-2005-storting.json, from Innst.
// S. nr. 1 (2005–2006), Vedlegg 1.3) with the modified Sainte-Laguë method
// and the 4% threshold: the threshold in votes and the parties above it as
// published, and, with the exclusion rule of the leveling seats (a party
// with more district seats than the calculation gives keeps those and
// leaves the calculation, which is repeated for the others), the published
// seats of every party.
func TestNorway2005(t *testing.T) {
	var file struct {
		Seats          int    `json:"seats"`
		Threshold      uint32 `json:"threshold"`
		ValidVotes     uint64 `json:"validVotes"`
		ThresholdVotes string `json:"thresholdVotes"`
		Parties        []struct {
			Code          uint32 `json:"code"`
			Name          string `json:"name"`
			Votes         uint64 `json:"votes"`
			DistrictSeats int    `json:"districtSeats"`
			FinalSeats    int    `json:"finalSeats"`
		} `json:"parties"`
	}
	readJSON(t, "norway-2005-storting.json", &file)
	var lists []List
	for _, p := range file.Parties {
		lists = append(lists, List{Code: p.Code, Name: p.Name, Votes: p.Votes})
	}
	staff(lists, file.Seats)
	in := &Input{Method: ModifiedSainteLague, Seats: file.Seats, Threshold: file.Threshold, Lists: lists}
	r := mustAllocate(t, in)
	if r.ValidVotes != file.ValidVotes || r.ThresholdVotes.String() != file.ThresholdVotes {
		t.Fatalf("valid votes %d, threshold %s; published %d, %s", r.ValidVotes, r.ThresholdVotes, file.ValidVotes, file.ThresholdVotes)
	}
	// "At least 105 531 approved votes are needed": the seven parties
	// above it, and no other, qualify.
	for i, l := range r.Lists {
		if want := file.Parties[i].Votes >= 105531; l.Qualified != want {
			t.Errorf("%s: qualified %v, want %v", l.Name, l.Qualified, want)
		}
	}
	// The leveling-seat rule: repeat without the parties whose district seats
	// exceed their share.
	final := make(map[uint32]int)
	seats := file.Seats
	active := slices.Clone(lists[:7])
	for round := 1; ; round++ {
		r := mustAllocate(t, &Input{Method: ModifiedSainteLague, Seats: seats, Lists: active})
		var keep []List
		for i, l := range r.Lists {
			d := file.Parties[l.Code-1].DistrictSeats
			if l.Seats < d {
				final[l.Code] = d
				seats -= d
				continue
			}
			keep = append(keep, active[i])
		}
		if len(keep) == len(active) {
			for _, l := range r.Lists {
				final[l.Code] = l.Seats
			}
			break
		}
		if round > 7 {
			t.Fatal("no fixed point")
		}
		active = keep
	}
	for _, p := range file.Parties {
		if final[p.Code] != p.FinalSeats {
			t.Errorf("%s: %d seats, published %d", p.Name, final[p.Code], p.FinalSeats)
		}
	}
	if testing.Verbose() {
		fmt.Println(final)
	}
}

// TestSametinget2005 allocates the 43 seats of the Sámi parliament election
// of 2005 in Norway, constituency by constituency, by the modified
// Sainte-Laguë method, and compares them with the seats Statistics Norway
// published (testdata/sametinget-2005.json cites the tables). In five of
// the thirteen constituencies the first divisor 1.4 decides a seat: plain
// Sainte-Laguë gives other seats there, which the test also checks.
func TestSametinget2005(t *testing.T) {
	var file struct {
		Constituencies []struct {
			Name           string         `json:"name"`
			Seats          int            `json:"seats"`
			Lists          []List         `json:"lists"`
			PublishedSeats map[string]int `json:"publishedSeats"`
		} `json:"constituencies"`
	}
	readJSON(t, "sametinget-2005.json", &file)
	total, differ := 0, 0
	for _, c := range file.Constituencies {
		lists := staff(c.Lists, c.Seats)
		r := mustAllocate(t, &Input{Method: ModifiedSainteLague, Seats: c.Seats, Lists: lists})
		for _, l := range r.Lists {
			if want := c.PublishedSeats[fmt.Sprint(l.Code)]; l.Seats != want {
				t.Errorf("%s: %s: %d seats, published %d", c.Name, l.Name, l.Seats, want)
			}
			total += l.Seats
		}
		plain := mustAllocate(t, &Input{Method: SainteLague, Seats: c.Seats, Lists: lists})
		if !slices.Equal(seatsOf(plain), seatsOf(r)) {
			differ++
		}
	}
	if total != 43 || differ != 5 {
		t.Errorf("%d seats in all (want 43); plain Sainte-Laguë differs in %d constituencies (want 5)", total, differ)
	}
}

package ranked

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// schulzeExample is testdata/schulze.json: examples with their published
// figures.
type schulzeExample struct {
	Name    string     `json:"name"`
	Source  string     `json:"source"`
	Names   string     `json:"candidates"`
	Ballots []string   `json:"ballots"` // "5 ACBED"
	D       [][]uint64 `json:"d"`
	P       [][]uint64 `json:"p"`
	Tiers   []string   `json:"tiers"`   // "E", "A", … or "BD" for a tie
	Winners string     `json:"winners"` // the first tier, where only it is published
}

func letters(t *testing.T, names, s string) []int {
	var out []int
	for _, ch := range s {
		i := strings.IndexRune(names, ch)
		if i < 0 {
			t.Fatalf("unknown candidate %q", ch)
		}
		out = append(out, i)
	}
	return out
}

func readSchulzeExamples(t *testing.T) []schulzeExample {
	b, err := os.ReadFile("testdata/schulze.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex []schulzeExample
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

func exampleRows(t *testing.T, names string, ballots []string) []Ranking {
	var rows []Ranking
	for _, b := range ballots {
		var w int
		var order string
		f := strings.Fields(b)
		if len(f) != 2 {
			t.Fatalf("ballot %q", b)
		}
		for _, ch := range f[0] {
			w = 10*w + int(ch-'0')
		}
		order = f[1]
		r := Ranking(letters(t, names, order))
		for range w {
			rows = append(rows, r)
		}
	}
	return rows
}

func TestSchulzeExamples(t *testing.T) {
	for _, ex := range readSchulzeExamples(t) {
		t.Run(ex.Name, func(t *testing.T) {
			n := len(ex.Names)
			c := Contest{Candidates: n, MaxRanks: n}
			got, err := Schulze(c, exampleRows(t, ex.Names, ex.Ballots), nil)
			if err != nil {
				t.Fatal(err)
			}
			if ex.D != nil && !slices.EqualFunc(got.D, ex.D, slices.Equal) {
				t.Errorf("d = %v, want %v", got.D, ex.D)
			}
			if ex.P != nil && !slices.EqualFunc(got.P, ex.P, slices.Equal) {
				t.Errorf("p = %v, want %v", got.P, ex.P)
			}
			var tiers [][]int
			for _, s := range ex.Tiers {
				tier := letters(t, ex.Names, s)
				slices.Sort(tier)
				tiers = append(tiers, tier)
			}
			if ex.Tiers != nil && !slices.EqualFunc(got.Tiers, tiers, slices.Equal) {
				t.Errorf("tiers = %v, want %v", got.Tiers, tiers)
			}
			if ex.Winners != "" {
				w := letters(t, ex.Names, ex.Winners)
				slices.Sort(w)
				if !slices.Equal(got.Tiers[0], w) {
					t.Errorf("winners = %v, want %v", got.Tiers[0], w)
				}
			}
			if len(got.Order) != 0 {
				t.Errorf("order %v without a lot", got.Order)
			}
			lot := &Lot{Seed: []byte("seed"), Contest: 3}
			withLot, err := Schulze(c, exampleRows(t, ex.Names, ex.Ballots), lot)
			if err != nil {
				t.Fatal(err)
			}
			var flat []int
			for _, tier := range got.Tiers {
				flat = append(flat, tier...)
			}
			if len(withLot.Order) != n || !slices.Equal(slices.Sorted(slices.Values(withLot.Order)), slices.Sorted(slices.Values(flat))) {
				t.Errorf("order %v with a lot", withLot.Order)
			}
		})
	}
}

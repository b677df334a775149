package speccheck

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
)

// TestTieBreakVectors recomputes tally/testdata/tiebreak.json: the keys, the
// order of each vector's candidates, and the whole results of a board
// contest from its totals and seed (70-tally.md, "Results").
func TestTieBreakVectors(t *testing.T) {
	var v struct {
		Vectors []struct {
			BaseHash   string `json:"baseHash"`
			Seed       string `json:"seed"`
			Contest    int    `json:"contest"`
			Candidates []struct {
				Code uint32 `json:"code"`
				Key  string `json:"key"`
			} `json:"candidates"`
			Order []uint32 `json:"order"`
		} `json:"vectors"`
		ResultsSeed   string      `json:"resultsSeed"`
		ResultsTotals []uint64    `json:"resultsTotals"`
		Results       resultsJSON `json:"results"`
	}
	readJSON(t, "../../tally/testdata/tiebreak.json", &v)
	if len(v.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for i, x := range v.Vectors {
		type ck struct {
			code uint32
			key  []byte
		}
		var cks []ck
		for _, c := range x.Candidates {
			key := tieBreakKey(mustHex(x.BaseHash), mustHex(x.Seed), x.Contest, c.Code)
			if hex.EncodeToString(key) != c.Key {
				t.Errorf("vector %d: code %d: key differs", i, c.Code)
			}
			cks = append(cks, ck{c.Code, key})
		}
		sort.SliceStable(cks, func(a, b int) bool { return bytes.Compare(cks[a].key, cks[b].key) < 0 })
		var order []uint32
		for _, c := range cks {
			order = append(order, c.code)
		}
		if fmt.Sprint(order) != fmt.Sprint(x.Order) {
			t.Errorf("vector %d: order %v, want %v", i, order, x.Order)
		}
	}

	// The results: candidates 101…115 in ballot order with the names of the
	// published standings.
	res := v.Results
	c := contestJSON{ID: res.Contests[0].ID, Kind: res.Contests[0].Kind, Seats: res.Contests[0].Seats, Alternates: res.Contests[0].Alternates}
	names := map[uint32]string{}
	for _, s := range res.Contests[0].Standings {
		names[s.Code] = s.Name
	}
	for k := range v.ResultsTotals {
		code := uint32(101 + k)
		c.Candidates = append(c.Candidates, candidateJSON{Code: code, Name: names[code]})
	}
	check := func(totals []uint64, seed []byte) bool {
		st, ties := standings(mustHex(res.BaseHash), seed, 0, &c, totals)
		want := res
		want.Contests = []contestResultJSON{res.Contests[0]}
		want.Contests[0].Standings, want.Contests[0].Ties = st, ties
		a, _ := json.Marshal(res)
		b, _ := json.Marshal(want)
		return bytes.Equal(a, b)
	}
	seed := mustHex(v.ResultsSeed)
	if !check(v.ResultsTotals, seed) {
		t.Error("results recomputed from the totals and the seed differ from the vector")
	}
	// Tampered: another seed, or one more vote for a tied candidate.
	other := append([]byte(nil), seed...)
	other[0] ^= 1
	if check(v.ResultsTotals, other) {
		t.Error("results do not depend on the seed")
	}
	totals := append([]uint64(nil), v.ResultsTotals...)
	totals[5]++
	if check(totals, seed) {
		t.Error("results do not depend on the totals")
	}
}

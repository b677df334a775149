package tally

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/tally/ranked"
)

// rankedContest is councilContest as a ranked contest counted by method:
// 30 candidates with codes 2..31, up to 5 ranks, 3 seats.
func rankedCouncil(method ballot.CountingMethod) ballot.Contest {
	c := councilContest()
	c.Kind, c.Method, c.Alternates = ballot.Ranked, method, 0
	if method == ballot.IRV {
		c.Seats = 1
	}
	return c
}

// rankedManifest has the board contest and a ranked council contest, and a
// tie-break seed, which a ranked contest needs.
func rankedManifest(method ballot.CountingMethod) *ballot.Manifest {
	m := councilManifest()
	m.Contests[1] = rankedCouncil(method)
	m.TieBreakSeed = ballot.TieBreakSeed("lots drawn in public")
	return m
}

// TestRankedRowDecoder: a ranked contest's rows are decoded by the rules
// of a codes contest without unsorted-codes: the voter's order is kept, a
// repeated or unknown code or more than N codes is invalid with the
// specified reason, and the blank row is valid.
func TestRankedRowDecoder(t *testing.T) {
	c := rankedCouncil(ballot.STVScottish2007)
	d, err := NewRowDecoder(&c)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		codes   []uint32
		invalid InvalidReason
		reason  string
	}{
		{[]uint32{9, 4, 31}, "", ""},
		{[]uint32{}, "", ""},
		{[]uint32{7, 7}, InvalidRepeatedCode, "code 7 is in slots 0 and 1"},
		{[]uint32{9, 4, 9}, InvalidRepeatedCode, "code 9 is in slots 0 and 2"},
		{[]uint32{5, 1}, InvalidUnknownCode, "code 1 (slot 1) is no candidate's code"},
		{[]uint32{2, 3, 4, 5, 6, 7}, InvalidTooManyCodes, "6 codes, more than the limit 5"},
	} {
		r := d.Decode(packed(t, tc.codes...))
		if r.Invalid != tc.invalid || r.Reason != tc.reason || !slices.Equal(r.Codes, tc.codes) {
			t.Errorf("codes %v: %q %q %v, want %q %q", tc.codes, r.Invalid, r.Reason, r.Codes, tc.invalid, tc.reason)
		}
	}
	// The same row in a codes contest is unsorted.
	cc := councilContest()
	dc, _ := NewRowDecoder(&cc)
	if r := dc.Decode(packed(t, 9, 4)); r.Invalid != InvalidUnsortedCodes {
		t.Errorf("codes contest: %q", r.Invalid)
	}
}

// TestRankingsFromRows: valid rows become candidate indices in slot
// order, invalid and blank rows the empty ranking; the totals are first
// preferences and invalid rows.
func TestRankingsFromRows(t *testing.T) {
	c := rankedCouncil(ballot.STVScottish2007)
	d, _ := NewRowDecoder(&c)
	rows := []DecodedRow{d.Decode(packed(t, 9, 4)), d.Decode(packed(t)), d.Decode(packed(t, 7, 7)), d.Decode(packed(t, 4))}
	rs, err := Rankings(&c, rows)
	if err != nil {
		t.Fatal(err)
	}
	want := []ranked.Ranking{{7, 2}, {}, {}, {2}} // code x is candidate x-2
	for k := range want {
		if !slices.Equal(rs[k], want[k]) {
			t.Errorf("row %d: %v, want %v", k, rs[k], want[k])
		}
		if r, err := d.Ranking(&rows[k]); err != nil || !slices.Equal(r, want[k]) {
			t.Errorf("RowDecoder.Ranking row %d: %v %v", k, r, err)
		}
	}
	tot := RankedTotals(&c, rows, rs)
	if tot.Invalid != 1 || tot.Selections[7].Count != 1 || tot.Selections[2].Count != 1 {
		t.Errorf("totals %+v", tot)
	}
	// A row said to be valid that is not is refused.
	bad := rows[0]
	bad.Codes = []uint32{9, 9}
	if _, err := Rankings(&c, []DecodedRow{bad}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a repeated code said valid: %v", err)
	}
}

// rankedRows draws n decoded rows of contest c: random rankings of up to
// N codes, a few blank and a few with a repeated code.
func rankedRows(t testing.TB, c *ballot.Contest, n int, rng *rand.Rand) []DecodedRow {
	d, err := NewRowDecoder(c)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]DecodedRow, n)
	for k := range rows {
		perm := rng.Perm(len(c.Candidates))[:rng.IntN(int(c.Limit)+1)]
		codes := make([]uint32, len(perm))
		for s, j := range perm {
			codes[s] = c.Candidates[j].Code
		}
		if len(codes) > 1 && rng.IntN(20) == 0 {
			codes[1] = codes[0]
		}
		els, err := elgamal.PackCodes(codes, int(c.Limit), c.MaxCode())
		if err != nil {
			t.Fatal(err)
		}
		rows[k] = d.Decode(els)
	}
	return rows
}

// TestCountRankedResults counts rows by every method and checks that the
// count is what tally/ranked gives for the rankings, that CheckRankedCount
// accepts it and names a changed field, that its JSON decodes back by the
// manifest's method only, and that the results follow the count's order.
func TestCountRankedResults(t *testing.T) {
	for _, method := range []ballot.CountingMethod{ballot.STVScottish2007, ballot.STVMeek, ballot.IRV, ballot.Schulze} {
		t.Run(string(method), func(t *testing.T) {
			m := rankedManifest(method)
			f := newFixture(t, m, 3, 2)
			e := f.e
			rows := rankedRows(t, &m.Contests[1], 200, rand.New(rand.NewPCG(1, uint64(len(method)))))
			ct, k, err := CountRanked(e, 1, rows)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckRankedCount(e, 1, rows, k); err != nil {
				t.Fatalf("the count does not check: %v", err)
			}
			data, err := json.Marshal(k)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseRankedCount(m, 1, data)
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := json.Marshal(back); string(again) != string(data) {
				t.Error("the count's JSON does not round-trip")
			}
			other := rankedManifest(ballot.Schulze)
			if method == ballot.Schulze {
				other = rankedManifest(ballot.STVScottish2007)
			}
			if _, err := ParseRankedCount(other, 1, data); err == nil {
				t.Error("a count decoded as another method's")
			}
			// A changed count is named.
			var bad *RankedCount
			switch {
			case k.STV != nil:
				c := *k.STV
				c.Elected = slices.Clone(c.Elected)
				c.Elected[0] = (c.Elected[0] + 1) % c.Candidates
				bad = &RankedCount{STV: &c}
			case k.Meek != nil:
				c := *k.Meek
				c.Valid++
				bad = &RankedCount{Meek: &c}
			default:
				c := *k.Schulze
				c.Order = slices.Clone(c.Order)
				c.Order[0], c.Order[1] = c.Order[1], c.Order[0]
				bad = &RankedCount{Schulze: &c}
			}
			if err := CheckRankedCount(e, 1, rows, bad); err == nil || !strings.Contains(err.Error(), "field ") {
				t.Errorf("a changed count: %v", err)
			}
			// The results: the count's order, first preferences, seats.
			totals := &Totals{BaseHash: e.BaseHash(), Contests: []ContestTotals{{ID: "board", Selections: make([]SelectionTotal, len(m.Contests[0].Candidates))}, ct}, Ballots: uint64(len(rows))}
			for j, cand := range m.Contests[0].Candidates {
				totals.Contests[0].Selections[j].Code = cand.Code
			}
			res, err := NewResults(m, totals)
			if err != nil {
				t.Fatal(err)
			}
			cr := res.Contests[1]
			var elected []int
			switch {
			case k.STV != nil:
				elected = k.STV.Elected
			case k.Meek != nil:
				elected = k.Meek.Elected
			default:
				elected = k.Schulze.Order[:m.Contests[1].Seats]
			}
			for p, j := range elected {
				if s := cr.Standings[p]; s.Code != m.Contests[1].Candidates[j].Code || s.Outcome != Main {
					t.Errorf("position %d: %+v, elected %d", p+1, s, j)
				}
			}
			if cr.Standings[len(elected)].Outcome != NotElected || len(cr.Ties) != 0 || cr.Invalid != ct.Invalid {
				t.Errorf("results %+v", cr)
			}
			var back2 Results
			if data, err := json.Marshal(res); err != nil {
				t.Fatal(err)
			} else if err := json.Unmarshal(data, &back2); err != nil {
				t.Fatal(err)
			}
			if err := CheckResults(m, totals, &back2); err != nil {
				t.Error(err)
			}
			// Results that swap an elected candidate with one not elected.
			back2.Contests[1].Standings[0], back2.Contests[1].Standings[len(elected)] = back2.Contests[1].Standings[len(elected)], back2.Contests[1].Standings[0]
			if err := CheckResults(m, totals, &back2); err == nil {
				t.Error("swapped standings accepted")
			}
		})
	}
}

// FuzzRankedRowDecoder decodes arbitrary plaintexts of a ranked contest: it
// never panics, a valid row is canonical (its plaintexts are PackCodes of
// its codes in the same order) and its ranking is distinct candidates.
func FuzzRankedRowDecoder(f *testing.F) {
	c := rankedCouncil(ballot.STVScottish2007)
	d, err := NewRowDecoder(&c)
	if err != nil {
		f.Fatal(err)
	}
	for _, codes := range [][]uint32{{9, 4}, {}, {7, 7}, {2, 3, 4, 5, 6, 7}, {1}} {
		els, _ := elgamal.PackCodes(codes, 48, 31)
		f.Add(els[0].Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != group.ElementSize {
			return
		}
		el, err := group.NewElement().SetCanonicalBytes(b)
		if err != nil {
			return
		}
		r := d.Decode([]*group.Element{el})
		if r.Invalid != "" {
			if r.Reason == "" {
				t.Fatal("an invalid row without a reason")
			}
			return
		}
		again, err := elgamal.PackCodes(r.Codes, int(c.Limit), c.MaxCode())
		if err != nil || again[0].Equal(el) != 1 {
			t.Fatalf("a valid row that is not canonical: %v %v", r.Codes, err)
		}
		rk, err := d.Ranking(&r)
		if err != nil || ranked.ValidateRanking(ranked.Contest{Candidates: len(c.Candidates), MaxRanks: int(c.Limit)}, rk) != nil && len(rk) > 0 {
			t.Fatalf("a valid row's ranking %v: %v", rk, err)
		}
	})
}

// BenchmarkDecodeRankedRows decodes 1,000,000 ranked rows of 21 ranks from
// 400 candidates into rankings, the input of BenchmarkCountSTV.
func BenchmarkDecodeRankedRows(b *testing.B) {
	c := ballot.Contest{ID: "council", Kind: ballot.Ranked, Method: ballot.STVScottish2007, Limit: 21, Seats: 21, MixStages: 3}
	for code := uint32(1); code <= 400; code++ {
		c.Candidates = append(c.Candidates, ballot.Candidate{Code: code, Name: "x"})
	}
	d, err := NewRowDecoder(&c)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var rows [][]*group.Element
	for range 256 {
		codes := make([]uint32, 0, 21)
		for _, j := range rng.Perm(400)[:1+rng.IntN(21)] {
			codes = append(codes, uint32(j+1))
		}
		els, err := elgamal.PackCodes(codes, 21, 400)
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, els)
	}
	b.Run("rows=1000000", func(b *testing.B) {
		for b.Loop() {
			for i := range 1000000 {
				r := d.Decode(rows[i%len(rows)])
				if _, err := d.Ranking(&r); err != nil || r.Invalid != "" {
					b.Fatal(r.Reason, err)
				}
			}
		}
	})
}

// FuzzParseRankedCount decodes arbitrary counts/<i>.json contents by each
// method of the manifest: it never panics, and what it accepts re-encodes
// to a count that decodes to the same bytes.
func FuzzParseRankedCount(f *testing.F) {
	methods := []ballot.CountingMethod{ballot.STVScottish2007, ballot.STVMeek, ballot.IRV, ballot.Schulze}
	manifests := make([]*ballot.Manifest, len(methods))
	for k, method := range methods {
		manifests[k] = rankedManifest(method)
		m := manifests[k]
		c, rc, _ := rankedContest(m, 1)
		rs, err := Rankings(c, rankedRows(f, c, 20, rand.New(rand.NewPCG(7, uint64(k)))))
		if err != nil {
			f.Fatal(err)
		}
		lot := &ranked.Lot{Seed: m.TieBreakSeed, Contest: 1}
		count := new(RankedCount)
		switch method {
		case ballot.STVScottish2007:
			count.STV, err = ranked.CountSTV(rc, rs, lot)
		case ballot.IRV:
			count.STV, err = ranked.CountIRV(rc, rs, lot)
		case ballot.STVMeek:
			count.Meek, err = ranked.CountMeek(rc, rs, lot)
		default:
			count.Schulze, err = ranked.Schulze(rc, rs, lot)
		}
		if err != nil {
			f.Fatal(err)
		}
		data, _ := json.Marshal(count)
		f.Add(uint8(k), data)
	}
	f.Add(uint8(0), []byte(`{"method":"irv"}`))
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		m := manifests[int(k)%len(manifests)]
		c, err := ParseRankedCount(m, 1, data)
		if err != nil {
			return
		}
		j, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := ParseRankedCount(m, 1, j)
		if err != nil {
			t.Fatalf("re-encoding not accepted: %v", err)
		}
		if j2, _ := json.Marshal(c2); !bytes.Equal(j, j2) {
			t.Fatal("the canonical form does not round-trip")
		}
	})
}

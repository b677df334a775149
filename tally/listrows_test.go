package tally

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// mixedListContest is a mixed list contest of three lists (codes 1..3) of
// three candidates each (11..13, 21..23, 31..33), two preferences, under
// rule: codes of 6 bits, 40 slots per element, a row of one ciphertext.
func mixedListContest(rule ballot.ListRule, candidatesOnly, strict bool) ballot.Contest {
	c := ballot.Contest{ID: "council", Title: "City council", Kind: ballot.ProportionalList, Seats: 3, Alternates: 1,
		ListRule: rule, Preferences: 2, CandidatesOnly: candidatesOnly, Strict: strict, Method: ballot.DHondt, MixStages: 2}
	for l := uint32(1); l <= 3; l++ {
		pl := ballot.PartyList{Code: l, Name: fmt.Sprintf("List %d", l)}
		for k := uint32(1); k <= 3; k++ {
			code := 10*l + k
			c.Candidates = append(c.Candidates, ballot.Candidate{Code: code, Name: fmt.Sprintf("Candidate %d", code)})
			pl.Candidates = append(pl.Candidates, code)
		}
		c.Lists = append(c.Lists, pl)
	}
	return c
}

func mixedListManifest(rule ballot.ListRule, candidatesOnly, strict bool) *ballot.Manifest {
	return &ballot.Manifest{ElectionID: "city-2026", Title: "City elections 2026", Policy: ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{mixedListContest(rule, candidatesOnly, strict)}}
}

// listPacked packs codes with room for every slot of the row (40 slots of
// 6 bits), so that rows with too many codes can be made too.
func listPacked(t testing.TB, codes ...uint32) []*group.Element {
	t.Helper()
	els, err := elgamal.PackCodes(codes, 40, 33)
	if err != nil {
		t.Fatal(err)
	}
	return els
}

// TestListRowVerdicts decodes a row of each verdict of a mixed list
// contest and checks its reason text, byte for byte as docs/spec.md
// (§Tally, "Decoding the rows of a list contest") states it.
func TestListRowVerdicts(t *testing.T) {
	type rc struct {
		rule           ballot.ListRule
		candidatesOnly bool
		strict         bool
		codes          []uint32
		invalid        InvalidReason
		reason         string
	}
	for _, c := range []rc{
		{ballot.OpenList, false, false, []uint32{}, "", ""},
		{ballot.OpenList, false, false, []uint32{2}, "", ""},
		{ballot.OpenList, false, false, []uint32{2, 21, 23}, "", ""},
		{ballot.Panachage, false, false, []uint32{2, 11, 33}, "", ""},
		{ballot.Panachage, true, false, []uint32{11, 33}, "", ""},
		{ballot.OpenList, false, false, []uint32{1, 11, 12, 13}, InvalidTooManyCodes, "4 codes, more than the limit 3"},
		{ballot.OpenList, false, false, []uint32{1, 14}, InvalidUnknownCode, "code 14 (slot 1) is no list's or candidate's code"},
		{ballot.OpenList, false, false, []uint32{1, 11, 11}, InvalidRepeatedCode, "code 11 is in slots 1 and 2"},
		{ballot.OpenList, false, false, []uint32{11, 1}, InvalidUnsortedCodes, "code 1 (slot 1) follows the larger code 11 (slot 0)"},
		{ballot.Panachage, true, false, []uint32{1, 3, 11}, InvalidTwoLists, "list codes 1 (slot 0) and 3 (slot 1): a ballot chooses at most one list"},
		{ballot.Panachage, true, false, []uint32{11, 21, 31}, InvalidTooManyCandidates, "3 candidate codes, more than the 2 preferences"},
		{ballot.OpenList, true, false, []uint32{11, 12}, InvalidNoList, "candidate codes without a list code: under the open rule a ballot holds the code of its candidates' list"},
		{ballot.Panachage, false, false, []uint32{11}, InvalidNoList, "candidate codes without a list code: the contest does not allow a ballot of candidates only"},
		{ballot.OpenList, false, true, []uint32{}, InvalidNoList, "no list code: the contest is strict, a ballot chooses a list"},
		{ballot.Panachage, false, true, []uint32{}, InvalidNoList, "no list code: the contest is strict, a ballot chooses a list"},
		{ballot.OpenList, false, false, []uint32{1, 11, 21}, InvalidCandidateOfAnotherList, "candidate 21 (slot 2) is on list 2, not on the chosen list 1"},
		{ballot.OpenList, true, false, []uint32{2, 13}, InvalidCandidateOfAnotherList, "candidate 13 (slot 1) is on list 1, not on the chosen list 2"},
	} {
		ct := mixedListContest(c.rule, c.candidatesOnly, c.strict)
		d, err := NewRowDecoder(&ct)
		if err != nil {
			t.Fatal(err)
		}
		r := d.Decode(listPacked(t, c.codes...))
		if r.Invalid != c.invalid || r.Reason != c.reason {
			t.Errorf("%s %v: got %q %q, want %q %q", c.rule, c.codes, r.Invalid, r.Reason, c.invalid, c.reason)
		}
	}
}

// TestListRowsAgainstEncryptBallot is a differential test against the
// voter's device: under each rule, every set of at most three codes of the
// contest is a valid row exactly when ballot.EncryptBallot accepts the
// vote that marks those codes and the row it packs holds them (under the
// open rule a ballot of candidates only gets its list's code), and a valid
// row counts, by CountRows, what the homomorphic list kind would: 1 for
// the list, under panachage P − |C| additional votes, 1 per candidate.
func TestListRowsAgainstEncryptBallot(t *testing.T) {
	for _, v := range []struct {
		rule                   ballot.ListRule
		candidatesOnly, strict bool
	}{
		{ballot.OpenList, false, false}, {ballot.OpenList, true, false}, {ballot.OpenList, true, true},
		{ballot.Panachage, false, false}, {ballot.Panachage, true, false}, {ballot.Panachage, false, true},
	} {
		m := mixedListManifest(v.rule, v.candidatesOnly, v.strict)
		f := newFixture(t, m, 3, 2)
		c := &f.e.Manifest().Contests[0]
		d, err := NewRowDecoder(c)
		if err != nil {
			t.Fatal(err)
		}
		var all []uint32
		for _, l := range c.Lists {
			all = append(all, l.Code)
		}
		for _, cd := range c.Candidates {
			all = append(all, cd.Code)
		}
		slices.Sort(all)
		listOf := map[uint32]uint32{}
		for _, l := range c.Lists {
			for _, code := range l.Candidates {
				listOf[code] = l.Code
			}
		}
		isList := func(code uint32) bool { return code < 10 }
		var rows []DecodedRow
		want := make(map[uint32]uint64) // by "selection key": list code, 100+list code (Z), candidate code
		for mask := 0; mask < 1<<len(all); mask++ {
			var codes []uint32
			for k, code := range all {
				if mask>>k&1 == 1 {
					codes = append(codes, code)
				}
			}
			if len(codes) > 3 {
				continue
			}
			marks := map[uint32]uint64{}
			for _, code := range codes {
				marks[code] = 1
			}
			_, encErr := f.device.EncryptBallot(ballot.Vote{"council": marks})
			canonical := slices.Clone(codes)
			hasList := slices.ContainsFunc(codes, isList)
			if v.rule == ballot.OpenList && !hasList && len(codes) > 0 {
				canonical = append(canonical, listOf[codes[0]])
				slices.Sort(canonical)
			}
			wantValid := encErr == nil && slices.Equal(canonical, codes)
			r := d.Decode(listPacked(t, codes...))
			if (r.Invalid == "") != wantValid {
				t.Fatalf("%s candidatesOnly=%t strict=%t: row %v is %q (%s), but EncryptBallot says %v", v.rule, v.candidatesOnly, v.strict, codes, r.Invalid, r.Reason, encErr)
			}
			rows = append(rows, r)
			if !wantValid {
				continue
			}
			n := 0
			for _, code := range codes {
				if isList(code) {
					want[code]++
				} else {
					want[code]++
					n++
				}
			}
			for _, code := range codes {
				if isList(code) && v.rule == ballot.Panachage {
					want[100+code] += uint64(int(c.Preferences) - n)
				}
			}
		}
		ct, err := CountRows(m, 0, rows)
		if err != nil {
			t.Fatal(err)
		}
		codes := c.SelectionCodes()
		for j, s := range ct.Selections {
			key := codes[j]
			if v.rule == ballot.Panachage && j >= len(c.Lists) && j < 2*len(c.Lists) {
				key += 100
			}
			if s.Code != codes[j] || s.Count != want[key] {
				t.Fatalf("%s: selection %d (code %d): %d, want %d", v.rule, j, s.Code, s.Count, want[key])
			}
		}
		var invalid uint64
		for _, r := range rows {
			if r.Invalid != "" {
				invalid++
			}
		}
		if ct.Invalid != invalid {
			t.Fatalf("invalid %d, want %d", ct.Invalid, invalid)
		}
		// The totals allocate seats as a homomorphic list contest's do.
		totals := &Totals{Ballots: uint64(len(rows)), Contests: []ContestTotals{ct}}
		if _, err := AllocateList(m, 0, totals); err != nil {
			t.Fatal(err)
		}
		if _, err := NewResults(m, totals); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCountListRowsRefusesForgedVerdicts: CountRows refuses a row said to
// be valid that breaks the list rules, naming the reason.
func TestCountListRowsRefusesForgedVerdicts(t *testing.T) {
	m := mixedListManifest(ballot.OpenList, false, false)
	for _, codes := range [][]uint32{{1, 2}, {1, 21}, {11}, {1, 11, 12, 13}} {
		r := DecodedRow{Plaintexts: listPacked(t, codes...), Codes: codes}
		_, err := CountRows(m, 0, []DecodedRow{r})
		if err == nil || !strings.Contains(err.Error(), "is said to be valid but") {
			t.Errorf("%v: got %v", codes, err)
		}
	}
	// A homomorphic list contest has no rows.
	m.Contests[0].MixStages = 0
	if _, err := CountRows(m, 0, nil); err == nil {
		t.Error("CountRows of a homomorphic list contest")
	}
}

// TestListRowTotalsBounds: NewResults refuses totals that no set of rows
// gives.
func TestListRowTotalsBounds(t *testing.T) {
	m := mixedListManifest(ballot.Panachage, true, false)
	base := func() *Totals {
		rc, _ := NewRowCounter(m, 0)
		return &Totals{Ballots: 4, Contests: []ContestTotals{rc.Totals()}}
	}
	for _, c := range []struct {
		edit func(t *ContestTotals)
		want string
	}{
		{func(t *ContestTotals) { t.Invalid = 5 }, "5 invalid rows among 4"},
		{func(t *ContestTotals) { t.Selections[0].Count = 5 }, "list 1 chosen in 5 rows, but there are 4 valid rows"},
		{func(t *ContestTotals) { t.Selections[0].Count, t.Selections[1].Count = 3, 2 }, "lists chosen in 5 rows together"},
		{func(t *ContestTotals) { t.Selections[0].Count, t.Selections[3].Count = 1, 3 }, "list 1: 3 additional votes, but 1 row choosing it give at most 2"},
		{func(t *ContestTotals) { t.Selections[6].Count = 5 }, "candidate 11 in 5 rows"},
		{func(t *ContestTotals) { t.Selections[6].Count, t.Selections[7].Count, t.Selections[8].Count = 3, 3, 3 }, "9 preference votes, but 4 valid rows give at most 8"},
	} {
		tt := base()
		c.edit(&tt.Contests[0])
		if _, err := NewResults(m, tt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// FuzzListRowDecoder decodes arbitrary plaintexts of a mixed list contest
// under panachage: it never panics, a valid row is canonical (its
// plaintexts are PackCodes of its codes), holds one list code, or none if
// it is blank, and at most P candidate codes, and counts without error.
func FuzzListRowDecoder(f *testing.F) {
	m := mixedListManifest(ballot.Panachage, false, false)
	c := &m.Contests[0]
	d, err := NewRowDecoder(c)
	if err != nil {
		f.Fatal(err)
	}
	for _, codes := range [][]uint32{{1, 11}, {}, {1, 2}, {11}, {1, 11, 12, 13}, {2, 11, 33}, {14}} {
		els, _ := elgamal.PackCodes(codes, 40, 33)
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
		again, err := elgamal.PackCodes(r.Codes, c.RowCodes(), c.MaxCode())
		if err != nil || again[0].Equal(el) != 1 {
			t.Fatalf("a valid row that is not canonical: %v %v", r.Codes, err)
		}
		lists := 0
		for _, code := range r.Codes {
			if code < 10 {
				lists++
			}
		}
		if lists > 1 || len(r.Codes)-lists > int(c.Preferences) || (lists == 0 && len(r.Codes) > 0) {
			t.Fatalf("a valid row %v", r.Codes)
		}
		if _, err := CountRows(m, 0, []DecodedRow{r}); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkCountListRows decodes and counts 100,000 rows of a mixed
// panachage list contest of 20 lists of 100 candidates (codes 1..20 and
// 101..2100, 12 bits, a row of one element) with 10 preferences.
func BenchmarkCountListRows(b *testing.B) {
	c := ballot.Contest{ID: "council", Title: "Council", Kind: ballot.ProportionalList, Seats: 51, ListRule: ballot.Panachage,
		Preferences: 10, CandidatesOnly: true, Method: ballot.SainteLague, MixStages: 3}
	for l := range 20 {
		pl := ballot.PartyList{Code: uint32(l + 1), Name: fmt.Sprintf("List %d", l+1)}
		for k := range 100 {
			code := uint32(101 + 100*l + k)
			c.Candidates = append(c.Candidates, ballot.Candidate{Code: code, Name: fmt.Sprintf("Candidate %d", code)})
			pl.Candidates = append(pl.Candidates, code)
		}
		c.Lists = append(c.Lists, pl)
	}
	m := &ballot.Manifest{ElectionID: "city", Title: "City", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{c}}
	if err := m.Validate(); err != nil {
		b.Fatal(err)
	}
	d, err := NewRowDecoder(&m.Contests[0])
	if err != nil {
		b.Fatal(err)
	}
	var rows [][]*group.Element
	for r := range 256 {
		codes := []uint32{uint32(1 + r%20)}
		for k := range r % 11 {
			codes = append(codes, uint32(101+(r*37+k*211)%2000))
		}
		slices.Sort(codes)
		codes = slices.Compact(codes)
		els, err := elgamal.PackCodes(codes, m.Contests[0].RowCodes(), m.Contests[0].MaxCode())
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, els)
	}
	b.Run("rows=100000", func(b *testing.B) {
		for b.Loop() {
			rc, err := NewRowCounter(m, 0)
			if err != nil {
				b.Fatal(err)
			}
			for i := range 100000 {
				r := d.Decode(rows[i%len(rows)])
				if r.Invalid != "" {
					b.Fatal(r.Reason)
				}
				if err := rc.Add(&r); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

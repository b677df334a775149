package tally

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/proof"
	"github.com/sandogh/sandogh/trustee"
)

// councilContest is a CodeList contest of 30 candidates with codes 2..31
// (5 bits, 48 slots per element), up to 5 codes per ballot, 3 seats and 1
// alternate: a row of one ciphertext. Code 1 is no candidate's.
func councilContest() ballot.Contest {
	c := ballot.Contest{ID: "council", Title: "Council", Kind: ballot.CodeList, Limit: 5, Seats: 3, Alternates: 1, MixStages: 2}
	for i := range 30 {
		c.Candidates = append(c.Candidates, ballot.Candidate{Code: uint32(2 + i), Name: fmt.Sprintf("Candidate %d", 2+i)})
	}
	return c
}

// councilManifest has the guild's board contest and the council contest.
func councilManifest() *ballot.Manifest {
	m := testManifest()
	m.ElectionID = "city-2025"
	m.Contests = []ballot.Contest{m.Contests[0], councilContest()}
	return m
}

// packed returns the plaintexts of a row holding codes, packed with room
// for every slot of the row (48), so that rows with too many codes can be
// made too.
func packed(t testing.TB, codes ...uint32) []*group.Element {
	t.Helper()
	els, err := elgamal.PackCodes(codes, 48, 31)
	if err != nil {
		t.Fatal(err)
	}
	return els
}

// A rowCase is a row's plaintexts and the decoding they must get.
type rowCase struct {
	name    string
	pts     []*group.Element
	codes   []uint32
	invalid InvalidReason
	reason  string
}

// rawRow embeds the slot values of a row of w elements with b-bit slots, k
// per element, without PackCodes' checks (slot s of the row is slots[s]);
// edit, if not nil, changes element e's 30 data bytes before they are
// embedded.
func rawRow(t testing.TB, b, k, w int, slots []uint32, edit func(e int, d []byte)) []*group.Element {
	t.Helper()
	out := make([]*group.Element, w)
	for e := range w {
		d := make([]byte, elgamal.MaxEmbedSize)
		for p := range k {
			if s := e*k + p; s < len(slots) {
				for i := range b {
					if slots[s]>>i&1 == 1 {
						bit := b*p + i
						d[bit/8] |= 1 << (bit % 8)
					}
				}
			}
		}
		if edit != nil {
			edit(e, d)
		}
		M, err := elgamal.Embed(d)
		if err != nil {
			t.Fatal(err)
		}
		out[e] = M
	}
	return out
}

// paddedElement returns an element whose encoding has the length field L,
// data bytes 0xaa, and the byte at index pad (in L+1..30) set to v: what
// Extract refuses for its padding. The counter bits are the first that
// make the encoding decode.
func paddedElement(t testing.TB, L, pad int, v byte) *group.Element {
	t.Helper()
	for c := range 512 {
		var E [32]byte
		E[0] = byte(L*2 + c/128*64)
		for i := 1; i <= L; i++ {
			E[i] = 0xaa
		}
		E[pad] = v
		E[31] = byte(c % 128)
		if M, err := group.NewElement().SetCanonicalBytes(E[:]); err == nil {
			return M
		}
	}
	t.Fatal("no counter decodes")
	return nil
}

// recounted returns the elements of row with element e re-embedded under
// the next counter above its own that gives an element: the same data,
// which Extract and UnpackCodes accept, but not the canonical embedding.
// It also returns the two counters.
func recounted(t testing.TB, row []*group.Element, e int) (out []*group.Element, counter, canonical int) {
	t.Helper()
	E := [32]byte(row[e].Bytes())
	canonical = int(E[0]>>6)<<7 | int(E[31]&0x7f)
	for c := canonical + 1; c < 512; c++ {
		E[0] = E[0]&0x3f | byte(c>>7)<<6
		E[31] = byte(c & 0x7f)
		if M, err := group.NewElement().SetCanonicalBytes(E[:]); err == nil {
			out = slices.Clone(row)
			out[e] = M
			return out, c, canonical
		}
	}
	t.Fatal("no larger counter decodes")
	return nil, 0, 0
}

// rowCases are rows of every kind for councilContest, with the decoding
// they must get and the exact reason text of docs/spec.md, Tally,
// "Decoding the rows".
func rowCases(t testing.TB) []rowCase {
	short, err := elgamal.Embed([]byte("twenty-nine bytes, not thirty"))
	if err != nil {
		t.Fatal(err)
	}
	counted, c, c0 := recounted(t, packed(t, 2, 17), 0)
	return []rowCase{
		{"valid", packed(t, 2, 17, 31), []uint32{2, 17, 31}, "", ""},
		{"unsorted", packed(t, 9, 4), []uint32{9, 4}, InvalidUnsortedCodes, "code 4 (slot 1) follows the larger code 9 (slot 0)"},
		{"unsorted and repeated", packed(t, 5, 3, 5), []uint32{5, 3, 5}, InvalidRepeatedCode, "code 5 is in slots 0 and 2"},
		{"unsorted and unknown", packed(t, 9, 4, 1), []uint32{9, 4, 1}, InvalidUnknownCode, "code 1 (slot 2) is no candidate's code"},
		{"non-canonical counter", counted, nil, InvalidPacking, fmt.Sprintf("element 0: counter %d is not canonical: the smaller counter %d also gives an element", c, c0)},
		{"blank", packed(t), []uint32{}, "", ""},
		{"full", packed(t, 2, 3, 4, 5, 6), []uint32{2, 3, 4, 5, 6}, "", ""},
		{"too many", packed(t, 2, 3, 4, 5, 6, 7), []uint32{2, 3, 4, 5, 6, 7}, InvalidTooManyCodes, "6 codes, more than the limit 5"},
		{"unknown", packed(t, 5, 1, 8), []uint32{5, 1, 8}, InvalidUnknownCode, "code 1 (slot 1) is no candidate's code"},
		{"repeated", packed(t, 5, 8, 5), []uint32{5, 8, 5}, InvalidRepeatedCode, "code 5 is in slots 0 and 2"},
		{"too many and unknown", packed(t, 1, 1, 1, 1, 1, 1), []uint32{1, 1, 1, 1, 1, 1}, InvalidTooManyCodes, "6 codes, more than the limit 5"},
		{"not 30 bytes", []*group.Element{short}, nil, InvalidPacking, "elgamal: unpack codes: element 0: data is 29 bytes, want 30"},
		{"identity", []*group.Element{group.NewElement()}, nil, InvalidPacking, "elgamal: unpack codes: element 0: data is 0 bytes, want 30"},
		{"random", []*group.Element{group.HashToElement([]byte("x"), []byte("tally test"))}, nil, InvalidPacking, "elgamal: unpack codes: element 0: extract: length field is 31, more than MaxEmbedSize = 30"},
		{"two elements", append(packed(t, 2), packed(t, 3)...), nil, InvalidPacking, "elgamal: unpack codes: 2 elements, want 1"},
		{"padding", []*group.Element{paddedElement(t, 3, 17, 0x01)}, nil, InvalidPacking, "elgamal: unpack codes: element 0: extract: padding byte 17 (data length 3) is 0x01, not zero"},
		{"code after an empty slot", rawRow(t, 5, 48, 1, []uint32{5, 0, 7}, nil), nil, InvalidPacking, "elgamal: unpack codes: element 0, slot 2: code 7 follows the empty slot 1"},
	}
}

// wideContest is a CodeList contest of two columns: codes 10, 20, …, 400 (9
// bits, 26 slots per element, so that bits 234–239 of an element are
// above its last slot and slot values 401–511 are above the largest code),
// up to 30 codes per ballot, 52 slots in a row.
func wideContest() ballot.Contest {
	c := ballot.Contest{ID: "wide", Title: "Wide", Kind: ballot.CodeList, Limit: 30, Seats: 5, MixStages: 2}
	for i := range 40 {
		c.Candidates = append(c.Candidates, ballot.Candidate{Code: uint32(10 * (i + 1)), Name: fmt.Sprintf("Candidate %d", 10*(i+1))})
	}
	return c
}

// wideCases are rows of every kind for wideContest, with defects in its
// second element, where a slot number of the row differs from the
// position in the element.
func wideCases(t testing.TB) []rowCase {
	codes := func(n int, more ...uint32) []uint32 {
		var out []uint32
		for i := range n {
			out = append(out, uint32(10*(i+1)))
		}
		return append(out, more...)
	}
	row := func(slots []uint32, edit func(e int, d []byte)) []*group.Element {
		return rawRow(t, 9, 26, 2, slots, edit)
	}
	good := row(codes(3), nil)
	short, _ := elgamal.Embed(bytes.Repeat([]byte{1}, 29))
	counted, c, c0 := recounted(t, good, 1)
	slotsFirst, _, _ := recounted(t, row([]uint32{401}, nil), 1)
	gap := make([]uint32, 27) // code 10 in slot 0, code 20 in slot 26
	gap[0], gap[26] = 10, 20
	return []rowCase{
		{"valid across elements", row(codes(27), nil), codes(27), "", ""},
		{"blank", row(nil, nil), []uint32{}, "", ""},
		{"too many", row(codes(31), nil), codes(31), InvalidTooManyCodes, "31 codes, more than the limit 30"},
		{"unknown in element 1", row(codes(26, 11), nil), codes(26, 11), InvalidUnknownCode, "code 11 (slot 26) is no candidate's code"},
		{"repeated across elements", row(codes(26, 10), nil), codes(26, 10), InvalidRepeatedCode, "code 10 is in slots 0 and 26"},
		{"unsorted across elements", row(append(codes(27)[1:], 10), nil), append(codes(27)[1:], 10), InvalidUnsortedCodes, "code 10 (slot 26) follows the larger code 270 (slot 25)"},
		{"non-canonical counter in element 1", counted, nil, InvalidPacking, fmt.Sprintf("element 1: counter %d is not canonical: the smaller counter %d also gives an element", c, c0)},
		// The counters are checked after the slots are read: the defect of
		// slot 0 is reported, not the later one of element 1's counter.
		{"slots before counters", slotsFirst, nil, InvalidPacking, "elgamal: unpack codes: element 0, slot 0: code 401 is above maxCode = 400"},
		{"one element", good[:1], nil, InvalidPacking, "elgamal: unpack codes: 1 element, want 2"},
		{"length field", []*group.Element{good[0], group.HashToElement([]byte("x"), []byte("tally test"))}, nil, InvalidPacking, "elgamal: unpack codes: element 1: extract: length field is 31, more than MaxEmbedSize = 30"},
		{"padding", []*group.Element{good[0], paddedElement(t, 19, 20, 0xd0)}, nil, InvalidPacking, "elgamal: unpack codes: element 1: extract: padding byte 20 (data length 19) is 0xd0, not zero"},
		{"not 30 bytes", []*group.Element{good[0], short}, nil, InvalidPacking, "elgamal: unpack codes: element 1: data is 29 bytes, want 30"},
		{"bits above the last slot", row(codes(3), func(e int, d []byte) {
			if e == 1 {
				d[29] |= 0x80
			}
		}), nil, InvalidPacking, "elgamal: unpack codes: element 1: bits above slot 51 are not zero"},
		{"above the largest code", row(codes(27, 401), nil), nil, InvalidPacking, "elgamal: unpack codes: element 1, slot 27: code 401 is above maxCode = 400"},
		{"code after an empty slot", row(gap, nil), nil, InvalidPacking, "elgamal: unpack codes: element 1, slot 26: code 20 follows the empty slot 1"},
		// Every element is extracted, then every element's high bits are
		// checked, then the slots are read: the defect of element 1 is
		// reported, not the earlier one of slot 0.
		{"high bits before slots", row([]uint32{401}, func(e int, d []byte) {
			if e == 1 {
				d[29] |= 0x80
			}
		}), nil, InvalidPacking, "elgamal: unpack codes: element 1: bits above slot 51 are not zero"},
	}
}

func TestRowDecoder(t *testing.T) {
	c := councilContest()
	d, err := NewRowDecoder(&c)
	if err != nil {
		t.Fatal(err)
	}
	if d.Width() != 1 {
		t.Fatalf("width %d", d.Width())
	}
	for _, tc := range rowCases(t) {
		r := d.Decode(tc.pts)
		if !slices.Equal(r.Codes, tc.codes) || (r.Codes == nil) != (tc.codes == nil) || r.Invalid != tc.invalid || r.Reason != tc.reason {
			t.Errorf("%s: decoded %v %q %q, want %v %q %q", tc.name, r.Codes, r.Invalid, r.Reason, tc.codes, tc.invalid, tc.reason)
		}
		// The JSON form round-trips and is canonical.
		j, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back DecodedRow
		if err := json.Unmarshal(j, &back); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		j2, _ := json.Marshal(back)
		if !bytes.Equal(j, j2) {
			t.Errorf("%s: %s decodes and encodes to %s", tc.name, j, j2)
		}
	}
	up := ballot.Contest{ID: "x", Kind: ballot.UpTo}
	if _, err := NewRowDecoder(&up); err == nil {
		t.Error("a row decoder for an up-to contest")
	}
}

// TestRowReasons: every kind of invalid row gets exactly the verdict and
// reason text that docs/spec.md (Tally, "Decoding the rows") gives, in a
// contest of one column and in one of two, and a valid row none; the
// decoded row's JSON carries the text unchanged.
func TestRowReasons(t *testing.T) {
	for _, set := range []struct {
		contest ballot.Contest
		cases   []rowCase
	}{{councilContest(), rowCases(t)}, {wideContest(), wideCases(t)}} {
		d, err := NewRowDecoder(&set.contest)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[InvalidReason]bool{}
		for _, tc := range set.cases {
			r := d.Decode(tc.pts)
			if !slices.Equal(r.Codes, tc.codes) || (r.Codes == nil) != (tc.codes == nil) || r.Invalid != tc.invalid || r.Reason != tc.reason {
				t.Errorf("%s: %s: decoded %v %q %q, want %v %q %q", set.contest.ID, tc.name, r.Codes, r.Invalid, r.Reason, tc.codes, tc.invalid, tc.reason)
			}
			kinds[r.Invalid] = true
			j, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if tc.invalid != "" && !strings.HasSuffix(string(j), fmt.Sprintf(`,"invalid":%q,"reason":%q}`, tc.invalid, tc.reason)) {
				t.Errorf("%s: %s: JSON %s", set.contest.ID, tc.name, j)
			}
		}
		for _, k := range []InvalidReason{"", InvalidPacking, InvalidTooManyCodes, InvalidUnknownCode, InvalidRepeatedCode, InvalidUnsortedCodes} {
			if !kinds[k] {
				t.Errorf("%s: no case of verdict %q", set.contest.ID, k)
			}
		}
	}
}

func TestDecodedRowJSONRefused(t *testing.T) {
	p := `"e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"`
	for _, tc := range []struct{ json, want string }{
		{`{"plaintexts":[],"codes":[]}`, "0 plaintexts"},
		{`{"plaintexts":["zz"],"codes":[]}`, "plaintexts[0]"},
		{`{"plaintexts":["` + strings.Repeat("ff", 32) + `"],"codes":[]}`, "field plaintexts[0]"},
		{`{"plaintexts":[` + p + `],"codes":[],"reason":"x"}`, "present in a valid row"},
		{`{"plaintexts":[` + p + `],"invalid":"packing"}`, "missing for an invalid row"},
		{`{"plaintexts":[` + p + `],"invalid":"odd","reason":"x"}`, `unknown reason "odd"`},
		{`{"plaintexts":[` + p + `],"codes":[],"extra":1}`, `unknown member "extra"`},
		{`{"plaintexts":[` + p + `],"codes":[]} {}`, "data after"},
		{`{"plaintexts":[` + p + `],"invalid":"packing","reason":"` + strings.Repeat("a", 1025) + `"}`, "1025 bytes"},
	} {
		var r DecodedRow
		err := r.UnmarshalJSON([]byte(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.json, err, tc.want)
		}
	}
}

// TestCountRowsResults: the rows' counts become results with seats as for
// boards, the invalid rows are counted and published, and CheckResults
// catches a changed count or number of invalid rows.
func TestCountRowsResults(t *testing.T) {
	m := councilManifest()
	c := m.Contests[1]
	d, _ := NewRowDecoder(&c)
	var rows []DecodedRow
	for _, codes := range [][]uint32{{2, 3, 4}, {2, 3}, {2}, {2, 5}, {}, {1}, {3, 3}, {9, 8, 7, 6, 5, 4}} {
		rows = append(rows, d.Decode(packed(t, codes...)))
	}
	ct, err := CountRows(m, 1, rows)
	if err != nil {
		t.Fatal(err)
	}
	if ct.Invalid != 3 {
		t.Errorf("%d invalid rows, want 3", ct.Invalid)
	}
	want := map[uint32]uint64{2: 4, 3: 2, 4: 1, 5: 1}
	for _, s := range ct.Selections {
		if s.Count != want[s.Code] {
			t.Errorf("code %d: %d, want %d", s.Code, s.Count, want[s.Code])
		}
	}
	totals := &Totals{BaseHash: [32]byte{1}, TallyHash: [32]byte{2}, Ballots: uint64(len(rows)), Contests: []ContestTotals{
		{ID: "board", Selections: make([]SelectionTotal, 15)}, ct,
	}}
	for j := range 15 {
		totals.Contests[0].Selections[j].Code = uint32(101 + j)
	}
	// Without the rows counted, the results cannot be made.
	empty := *totals
	empty.Contests = []ContestTotals{totals.Contests[0], {ID: "council"}}
	if _, err := NewResults(m, &empty); err == nil || !strings.Contains(err.Error(), "not counted (CountRows)") {
		t.Errorf("uncounted rows: %v", err)
	}
	r, err := NewResults(m, totals)
	if err != nil {
		t.Fatal(err)
	}
	cr := r.Contests[1]
	if cr.Invalid != 3 || cr.Kind != ballot.CodeList || cr.Standings[0].Code != 2 || cr.Standings[0].Outcome != Main || cr.Standings[1].Code != 3 {
		t.Errorf("results %+v", cr)
	}
	// Candidates 4 and 5 tie for the third seat.
	if len(cr.Ties) != 1 || cr.Ties[0].First != 3 || cr.Ties[0].Last != 4 {
		t.Errorf("ties %+v", cr.Ties)
	}
	j, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(j, []byte(`"kind":"codes","seats":3,"alternates":1,"invalid":3,"standings"`)) || bytes.Count(j, []byte(`"invalid"`)) != 1 {
		t.Errorf("results JSON %s", j)
	}
	var back Results
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if err := CheckResults(m, totals, &back); err != nil {
		t.Fatal(err)
	}
	back.Contests[1].Invalid = 2
	var re *ResultsError
	if err := CheckResults(m, totals, &back); !errors.As(err, &re) || re.Contest != 1 || !strings.Contains(err.Error(), "2 invalid rows published, but the decoded rows have 3") {
		t.Errorf("changed invalid count: %v", err)
	}
	back.Contests[1].Invalid = 3
	back.Contests[1].Standings[0].Count++
	if err := CheckResults(m, totals, &back); !errors.As(err, &re) || re.Contest != 1 {
		t.Errorf("changed count: %v", err)
	}
	back.Contests[1].Standings[0].Count--
	back.Ballots++
	if err := CheckResults(m, totals, &back); !errors.As(err, &re) || re.Contest != -1 {
		t.Errorf("changed number of ballots: %v", err)
	}
	// The JSON decoder requires "invalid" in CodeList contests only.
	for _, bad := range [][]byte{
		bytes.Replace(j, []byte(`"invalid":3,`), nil, 1),
		bytes.Replace(j, []byte(`"kind":"up-to","seats":7,"alternates":3,`), []byte(`"kind":"up-to","seats":7,"alternates":3,"invalid":0,`), 1),
	} {
		if bytes.Equal(bad, j) {
			t.Fatal("no change")
		}
		if err := json.Unmarshal(bad, new(Results)); err == nil || !strings.Contains(err.Error(), "field invalid") {
			t.Errorf("%v", err)
		}
	}
	// Totals that no rows can give are refused.
	totals.Contests[1].Invalid = uint64(len(rows)) + 1
	if _, err := NewResults(m, totals); err == nil {
		t.Error("more invalid rows than ballots")
	}
}

// TestAggregatorSkipsRows: the encrypted tally of an election with a codes
// contest adds the homomorphic contests only, and has no selections for the
// CodeList contest.
func TestAggregatorSkipsRows(t *testing.T) {
	f := newFixture(t, councilManifest(), 3, 2)
	v := ballot.Vote{"board": {101: 1}}
	v.SetCodes("council", []uint32{4, 5})
	a := NewAggregator(f.e)
	for range 3 {
		if err := a.Add(f.ballot(t, v, false)); err != nil {
			t.Fatal(err)
		}
	}
	et := a.Tally()
	if len(et.Contests[1].Selections) != 0 || len(et.Ciphertexts()) != 15 {
		t.Fatalf("the tally has %d selections for the codes contest", len(et.Contests[1].Selections))
	}
	if err := et.Validate(f.e); err != nil {
		t.Fatal(err)
	}
	totals, _, err := Decrypt(f.e, f.keys.result, et, f.shareLists(t, et, 1, 3))
	if err != nil {
		t.Fatal(err)
	}
	if totals.Contests[0].Selections[0].Count != 3 || totals.Contests[1].Selections != nil {
		t.Errorf("totals %+v", totals.Contests)
	}
	// A tally that adds the CodeList contest's rows is not this election's.
	bad := *et
	bad.Contests = slices.Clone(et.Contests)
	bad.Contests[1].Selections = []EncryptedSelection{{Code: 2, Ciphertext: elgamal.NewCiphertext()}}
	if err := bad.Validate(f.e); err == nil || !strings.Contains(err.Error(), "mixed and decrypted one by one") {
		t.Errorf("tally with rows: %v", err)
	}
}

// TestDecryptRows runs the mixnet path on a small election: the counted
// ballots' rows are shuffled by two stages, decrypted by two of three
// trustees, decoded and counted; a bad share list is left out and named.
func TestDecryptRows(t *testing.T) {
	f := newFixture(t, councilManifest(), 3, 2)
	votes := [][]uint32{{2, 3, 4}, {3}, {}, {31, 30, 29, 28, 27}, {3, 4}}
	var rows [][]*elgamal.Ciphertext
	for _, codes := range votes {
		v := ballot.Vote{}
		v.SetCodes("council", codes)
		rows = append(rows, f.ballot(t, v, false).Ciphertexts(1))
	}
	in, err := mixnet.NewRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	bh := f.e.BaseHash()
	p := &mixnet.Params{BaseHash: bh[:], Cascade: mixnet.CascadeID(1, f.e.Manifest().Contests[1].ID), PublicKey: f.e.PublicKey()}
	out := in
	for stage := range 2 {
		nonces, _ := proof.NewNonces(seedOf(fmt.Sprint("mix ", stage)))
		if out, _, err = mixnet.Shuffle(p, uint32(stage), out, nonces); err != nil {
			t.Fatal(err)
		}
	}
	var lists []*trustee.ShareList
	for _, j := range []int{1, 3} {
		l, err := f.keys.shares[j-1].DecryptSharesUnchecked(bh[:], RowCiphertexts(out))
		if err != nil {
			t.Fatal(err)
		}
		lists = append(lists, l)
	}
	// A list of the input rows' shares is not a list of the output's.
	wrong, err := f.keys.shares[1].DecryptSharesUnchecked(bh[:], RowCiphertexts(in))
	if err != nil {
		t.Fatal(err)
	}
	decoded, dec, err := DecryptRows(f.e, f.keys.result, 1, out, append([]*trustee.ShareList{wrong}, lists...))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dec.Trustees, []int{1, 3}) || len(dec.Rejected) != 1 || dec.Rejected[0].Trustee != 2 {
		t.Errorf("combined %v, rejected %v", dec.Trustees, dec.Rejected)
	}
	var got, want []string
	for _, r := range decoded {
		if r.Invalid != "" {
			t.Errorf("row %v invalid: %s", r.Codes, r.Reason)
		}
		s := slices.Clone(r.Codes)
		slices.Sort(s)
		got = append(got, fmt.Sprint(s))
	}
	for _, v := range votes {
		s := slices.Clone(v)
		slices.Sort(s)
		want = append(want, fmt.Sprint(s))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("decoded %v, want %v", got, want)
	}
	// Only a CodeList contest's rows, of its width, are decrypted this way.
	if _, _, err := DecryptRows(f.e, f.keys.result, 0, out, lists); err == nil {
		t.Error("rows decrypted for the board contest")
	}
}

const rowsVectorsFile = "testdata/codes-rows.json"

type rowsVector struct {
	Name    string          `json:"name"`
	Decoded json.RawMessage `json:"decoded"`
}

type rowsContestVectors struct {
	Contest ballot.Contest `json:"contest"`
	Rows    []rowsVector   `json:"rows"`
}

type rowsVectors struct {
	Comment  string               `json:"comment"`
	Contests []rowsContestVectors `json:"contests"`
}

// TestRowsVectors regenerates testdata/codes-rows.json, the decoding of
// rows of every kind for the council contest and the two-column wide
// contest (-update rewrites it), and decodes the stored rows' plaintexts
// again: each must give exactly the stored line, reason included.
func TestRowsVectors(t *testing.T) {
	v := rowsVectors{
		Comment: "sandogh-v1 decoding of mixed rows of codes contests: docs/spec.md §Tally, \"Decoding the rows\". Each row's decoded JSON form holds its plaintexts; decoding them must give exactly this line: the codes, the verdict and the reason text.",
	}
	for _, set := range []struct {
		contest ballot.Contest
		cases   []rowCase
	}{{councilContest(), rowCases(t)}, {wideContest(), wideCases(t)}} {
		d, err := NewRowDecoder(&set.contest)
		if err != nil {
			t.Fatal(err)
		}
		cv := rowsContestVectors{Contest: set.contest}
		for _, tc := range set.cases {
			j, err := json.Marshal(d.Decode(tc.pts))
			if err != nil {
				t.Fatal(err)
			}
			cv.Rows = append(cv.Rows, rowsVector{Name: tc.name, Decoded: j})
		}
		v.Contests = append(v.Contests, cv)
	}
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(rowsVectorsFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(rowsVectorsFile)
	if err != nil {
		t.Fatalf("%v (run go test -run TestRowsVectors -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("regenerated vectors differ from %s (run with -update if the change is intended)", rowsVectorsFile)
	}
	var stored rowsVectors
	if err := json.Unmarshal(want, &stored); err != nil {
		t.Fatal(err)
	}
	for _, cv := range stored.Contests {
		d, err := NewRowDecoder(&cv.Contest)
		if err != nil {
			t.Fatal(err)
		}
		for _, rv := range cv.Rows {
			var r DecodedRow
			if err := json.Unmarshal(rv.Decoded, &r); err != nil {
				t.Fatal(err)
			}
			again, err := json.Marshal(d.Decode(r.Plaintexts))
			if err != nil {
				t.Fatal(err)
			}
			var line bytes.Buffer
			if err := json.Compact(&line, rv.Decoded); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, line.Bytes()) {
				t.Errorf("%s: %s: the stored plaintexts decode to %s, the vector says %s", cv.Contest.ID, rv.Name, again, line.Bytes())
			}
		}
	}
}

// FuzzDecodedRowJSON: the decoder of a decrypted row's JSON form never
// panics, and what it accepts encodes back to the same bytes or to a form
// that decodes to the same row.
func FuzzDecodedRowJSON(f *testing.F) {
	c := councilContest()
	d, _ := NewRowDecoder(&c)
	for _, tc := range rowCases(f) {
		j, _ := json.Marshal(d.Decode(tc.pts))
		f.Add(j)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r DecodedRow
		if err := r.UnmarshalJSON(data); err != nil {
			return
		}
		j, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var r2 DecodedRow
		if err := r2.UnmarshalJSON(j); err != nil {
			t.Fatal(err)
		}
		j2, _ := r2.MarshalJSON()
		if !bytes.Equal(j, j2) {
			t.Fatal("the canonical form does not round-trip")
		}
		d.Decode(r.Plaintexts)
	})
}

// TestPropertyRowVerdicts: for random rows (random numbers of random codes
// in the 5-bit range, repeats and any order allowed), the decoder's verdict
// is valid exactly when the row holds at most N distinct candidates' codes
// in ascending order, and the codes are those packed; CountRows counts
// exactly the valid rows' codes.
func TestPropertyRowVerdicts(t *testing.T) {
	m := councilManifest()
	c := m.Contests[1]
	d, _ := NewRowDecoder(&c)
	rng := rand.New(rand.NewPCG(9, 9))
	var rows []DecodedRow
	want := map[uint32]uint64{}
	invalid := uint64(0)
	for range 400 {
		n := rng.IntN(9)
		codes := make([]uint32, n)
		for k := range codes {
			codes[k] = uint32(1 + rng.IntN(31)) // 1 is no candidate's
		}
		if rng.IntN(2) == 0 {
			slices.Sort(codes) // half the rows in ascending order
		}
		r := d.Decode(packed(t, codes...))
		if !slices.Equal(r.Codes, codes) {
			t.Fatalf("packed %v, decoded %v", codes, r.Codes)
		}
		distinct := map[uint32]bool{}
		ok := n <= 5
		for k, code := range codes {
			ok = ok && code != 1 && !distinct[code] && (k == 0 || code > codes[k-1])
			distinct[code] = true
		}
		if (r.Invalid == "") != ok {
			t.Fatalf("codes %v: verdict %q", codes, r.Invalid)
		}
		if ok {
			for _, code := range codes {
				want[code]++
			}
		} else {
			invalid++
		}
		rows = append(rows, r)
	}
	ct, err := CountRows(m, 1, rows)
	if err != nil {
		t.Fatal(err)
	}
	if ct.Invalid != invalid {
		t.Errorf("%d invalid, want %d", ct.Invalid, invalid)
	}
	for _, s := range ct.Selections {
		if s.Count != want[s.Code] {
			t.Errorf("code %d: %d, want %d", s.Code, s.Count, want[s.Code])
		}
	}
}

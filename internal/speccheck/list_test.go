package speccheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	r255 "github.com/gtank/ristretto255"
)

// List contests, from docs/spec.md §Ballots ("Manifest", "List contests")
// and §Counting methods ("List contests: from the totals to the seats"),
// written from the text alone.

type partyListJSON struct {
	Code       uint32   `json:"code"`
	Name       string   `json:"name"`
	Candidates []uint32 `json:"candidates"`
}

// listParams is the parameter block of a list contest: u32(seats) ‖
// u32(alternates) ‖ str(listRule) ‖ u32(preferences) ‖ u8(candidatesOnly) ‖
// u8(strict) ‖ str(method) ‖ u32(threshold) ‖ u32(lists) ‖ each list.
func listParams(c *contestJSON) []byte {
	p := u32(u32(nil, c.Seats), c.Alternates)
	p = str(p, c.ListRule)
	p = u32(p, c.Preferences)
	p = u8(p, boolByte(c.CandidatesOnly))
	p = u8(p, boolByte(c.Strict))
	p = str(p, c.Method)
	p = u32(p, c.Threshold)
	p = u32(p, uint32(len(c.Lists)))
	for _, l := range c.Lists {
		p = u32(p, l.Code)
		p = str(p, l.Name)
		p = u32(p, uint32(len(l.Candidates)))
		for _, code := range l.Candidates {
			p = u32(p, code)
		}
	}
	if c.MixStages > 0 {
		p = u32(p, c.MixStages) // a mixed list contest's block only
	}
	return p
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// listSelections returns, for each selection of list contest c in ballot
// order, the code it counts for and its range: the lists (0..1), under
// panachage the lists' additional votes (0..P), then the candidates (0..1).
func listSelections(c *contestJSON) (codes []uint32, ranges []int) {
	for _, l := range c.Lists {
		codes, ranges = append(codes, l.Code), append(ranges, 1)
	}
	if c.ListRule == "panachage" {
		for _, l := range c.Lists {
			codes, ranges = append(codes, l.Code), append(ranges, int(c.Preferences))
		}
	}
	for _, k := range c.Candidates {
		codes, ranges = append(codes, k.Code), append(ranges, 1)
	}
	return codes, ranges
}

// A statement is one row of the table of "List contests": coefficient a_j
// of each selection, the offset o and the range 0..R.
type statement struct {
	name   string
	coef   []int64
	offset int64
	R      int
}

// listStatements is the table of "List contests", in its order.
func listStatements(c *contestJSON) []statement {
	codes, _ := listSelections(c)
	n := len(codes)
	q := len(c.Lists)
	P := int64(c.Preferences)
	firstCand := n - len(c.Candidates)
	pos := map[uint32]int{}
	for j, k := range c.Candidates {
		pos[k.Code] = firstCand + j
	}
	sumX := make([]int64, n)
	for l := 0; l < q; l++ {
		sumX[l] = 1
	}
	choice := statement{name: "list-choice", coef: sumX, R: 1}
	if c.Strict {
		choice.offset, choice.R = -1, 0
	}
	out := []statement{choice}
	if c.ListRule == "open" {
		for l, pl := range c.Lists {
			a := make([]int64, n)
			a[l] = P
			for _, code := range pl.Candidates {
				a[pos[code]] = -1
			}
			out = append(out, statement{name: "open-list", coef: a, R: int(P)})
		}
		return out
	}
	for l := 0; l < q; l++ {
		a := make([]int64, n)
		a[l], a[q+l] = P, -1
		out = append(out, statement{name: "additional", coef: a, R: int(P)})
	}
	lines := make([]int64, n)
	designated := make([]int64, n)
	for j := q; j < n; j++ {
		lines[j], designated[j] = 1, 1
	}
	for l := 0; l < q; l++ {
		designated[l] = -P
	}
	if !c.CandidatesOnly {
		return append(out, statement{name: "lines-exact", coef: designated, R: 0})
	}
	return append(out, statement{name: "lines", coef: lines, R: int(P)}, statement{name: "designated", coef: designated, R: int(P)})
}

// signedScalar is the scalar of the integer x.
func signedScalar(x int64) *r255.Scalar {
	if x >= 0 {
		return scalarUint(uint64(x))
	}
	return r255.NewScalar().Negate(scalarUint(uint64(-x)))
}

// combine returns Σ a_j·C_j + (0, o·G) as 64 bytes.
func (s *statement) combine(cts [][]byte) []byte {
	A, B := r255.NewIdentityElement(), r255.NewIdentityElement()
	for j, ct := range cts {
		if s.coef[j] == 0 {
			continue
		}
		a, _ := element(ct[:32])
		b, _ := element(ct[32:])
		k := signedScalar(s.coef[j])
		A, B = add(A, mul(k, a)), add(B, mul(k, b))
	}
	B = add(B, mulG(signedScalar(s.offset)))
	return append(enc(A), enc(B)...)
}

// statementContext appends the fields of statement k to the contest's
// context tr.
func statementContext(tr *transcript, cts [][]byte, k int, s *statement) {
	var all []byte
	for _, ct := range cts {
		all = append(all, ct...)
	}
	tr.bytes("selections", all)
	tr.integer("list-statement", uint64(k))
	tr.bytes("list-statement-name", []byte(s.name))
	tr.integer("list-statement-bound", uint64(s.R))
}

// verifyListProofs checks the statements' proofs of list contest i.
func (b *ballot) verifyListProofs(e *electionParams, i int, c *ballotContest, mc *contestJSON) []error {
	var errs []error
	for k, s := range listStatements(mc) {
		tr := b.context(i)
		statementContext(tr, c.cts, k, &s)
		p, _ := parseRange(c.listProofs[k])
		if err := verifyRange(tr, e.K, s.combine(c.cts), s.R, p); err != nil {
			errs = append(errs, &placed{i, -1, fmt.Errorf("contest proof %q (statement %d): %w", s.name, k, err)})
		}
	}
	return errs
}

// reproveList makes the statements' proofs of list contest i again from
// the values ms and nonces rs of its selections (cts) and the contest's
// nonce seed: the flag 2, the count and each proof, as the body holds them.
func (b *ballot) reproveList(e *electionParams, i int, mc *contestJSON, cts [][]byte, ms []uint64, rs []*r255.Scalar, seedI []byte) []byte {
	sts := listStatements(mc)
	out := u32(u8(nil, 2), uint32(len(sts)))
	for k, s := range sts {
		m := s.offset
		r := r255.NewScalar()
		for j, a := range s.coef {
			m += a * int64(ms[j])
			r.Add(r, smul(signedScalar(a), rs[j]))
		}
		if m < 0 || m > int64(s.R) {
			m = 0 // a value out of range: the body will differ
		}
		tr := b.context(i)
		statementContext(tr, cts, k, &s)
		out = bytesField(out, proveRange(tr, nonceChild(seedI, "statement", uint64(k)), e.key, s.combine(cts), uint64(m), r, s.R))
	}
	return out
}

// checkListShape is step 8 for list contest i.
func checkListShape(i int, c *ballotContest, mc *contestJSON) error {
	_, ranges := listSelections(mc)
	if len(c.cts) != len(ranges) {
		return placedf(i, -1, "%d selections, the list contest has %d", len(c.cts), len(ranges))
	}
	for k, p := range c.proofs {
		rp, _ := parseRange(p)
		if rp.R != ranges[k] {
			return placedf(i, k, "R = %d, want %d", rp.R, ranges[k])
		}
	}
	if c.sumProof != nil || c.listProofs == nil {
		return placedf(i, -1, "a list contest has contest-proof flag 2")
	}
	sts := listStatements(mc)
	if len(c.listProofs) != len(sts) {
		return placedf(i, -1, "%d statement proofs, want %d", len(c.listProofs), len(sts))
	}
	for k, p := range c.listProofs {
		rp, _ := parseRange(p)
		if rp.R != sts[k].R {
			return placedf(i, -1, "statement %d: R = %d, want %d", k, rp.R, sts[k].R)
		}
	}
	return nil
}

// listInput is the allocation's input from the decrypted totals of list
// contest i (Counting methods, "List contests: from the totals to the
// seats"): votes(l) = X_l (open) or Z_l + Σ_{c on l} Y_c (panachage),
// preference(c) = Y_c.
func listInput(h, seed []byte, i int, mc *contestJSON, totals []uint64) *apInput {
	q := len(mc.Lists)
	first := len(totals) - len(mc.Candidates)
	pref := map[uint32]uint64{}
	name := map[uint32]string{}
	for j, k := range mc.Candidates {
		pref[k.Code], name[k.Code] = totals[first+j], k.Name
	}
	in := &apInput{method: mc.Method, seats: int(mc.Seats), threshold: mc.Threshold}
	for l, pl := range mc.Lists {
		al := apList{code: pl.Code, name: pl.Name}
		if mc.ListRule == "open" {
			al.votes = totals[l]
		} else {
			al.votes = totals[q+l]
		}
		for _, code := range pl.Candidates {
			al.cands = append(al.cands, apCand{code: code, name: name[code], votes: pref[code]})
			if mc.ListRule == "panachage" {
				al.votes += pref[code]
			}
		}
		in.lists = append(in.lists, al)
	}
	if seed != nil {
		in.tieBreak = &apTieBreak{baseHash: h, seed: seed, contest: uint32(i)}
	}
	return in
}

// listStandings is the results' entry of a list contest ("List contests:
// from the totals to the seats", results.json): list by list, the
// elected candidates then the others, main, alternate (the list's first
// Alternates others) or not-elected, the first other of each list of an
// unbroken tie that left seats undecided tied.
func listStandings(mc *contestJSON, r *apResult) []standingJSON {
	tied := map[uint32]bool{}
	if r.undecided > 0 {
		for _, t := range r.ties {
			if !t.broken {
				for _, code := range t.lists {
					tied[code] = true
				}
			}
		}
	}
	var st []standingJSON
	for l, al := range r.in.lists {
		votes := map[uint32]apCand{}
		for _, c := range al.cands {
			votes[c.code] = c
		}
		elected, others := apWithin(al, r.seats[l])
		add := func(code uint32, o string) {
			st = append(st, standingJSON{Position: len(st) + 1, Code: code, Name: votes[code].name, Count: votes[code].votes, Outcome: o})
		}
		for _, code := range elected {
			add(code, "main")
		}
		for k, code := range others {
			o := "not-elected"
			if k < int(mc.Alternates) {
				o = "alternate"
			}
			if k == 0 && tied[al.code] {
				o = "tied"
			}
			add(code, o)
		}
	}
	return st
}

// checkListCounts is check 25 for list contest i: counts/<i>.json is the
// indented canonical JSON of the allocation recomputed from the totals.
func (rc *recordCheck) checkListCounts(i int, r *apResult) {
	name := "counts/" + fmt.Sprint(i) + ".json"
	var want bytes.Buffer
	if err := json.Indent(&want, r.json(), "", "  "); err != nil {
		rc.find(25, "%s: %v", name, err)
		return
	}
	want.WriteByte('\n')
	if got := rc.read(name); !bytes.Equal(got, want.Bytes()) {
		rc.find(25, "%s differs from the allocation recomputed from the totals:\n got %s\nwant %s", name, got, want.Bytes())
		return
	}
	rc.stats["list allocations recomputed"]++
}

// inCounts says whether path is in the counts folder of the layout
// (election record, "Layout"): the folder counts, in an election with
// list contests, and counts/<i>.json for each list contest i.
func inCounts(path string, dir bool, lists []int) bool {
	if len(lists) == 0 {
		return false
	}
	if path == "counts" {
		return dir
	}
	num, ok := strings.CutPrefix(path, "counts/")
	if !ok || dir {
		return false
	}
	num, ok = strings.CutSuffix(num, ".json")
	i, okd := decimal(num)
	return ok && okd && slices.Contains(lists, i)
}

const listSample = "../../election/testdata/list-sample"

// TestListSampleRecord checks the list sample record from the spec alone:
// the list ballots' proofs, the tally of their selections, the decrypted
// totals, the allocation (counts/0.json, byte for byte) and results.json.
func TestListSampleRecord(t *testing.T) {
	rc := runRecordCheck(listSample)
	for _, f := range rc.findings {
		t.Error(f)
	}
	t.Logf("checked: %v", rc.stats)
	for k, v := range map[string]int{"list allocations recomputed": 1, "totals checked against the combination": 9 + 2*3} {
		if rc.stats[k] != v {
			t.Errorf("%s: %d, want %d", k, rc.stats[k], v)
		}
	}
}

// TestListSampleTampered: a seat moved in counts/0.json (re-indexed, as
// editFile does) is found by check 25.
func TestListSampleTampered(t *testing.T) {
	dir := copyDir(t, listSample)
	editFile(t, dir, "counts/0.json", func(b []byte) []byte {
		out := bytes.Replace(b, []byte(`"seats": 1,`), []byte(`"seats": 2,`), 1)
		if bytes.Equal(out, b) {
			t.Fatal("no list with 1 seat to tamper with")
		}
		return out
	})
	var found bool
	for _, f := range checkRecord(dir) {
		found = found || strings.HasPrefix(f, "check 25: counts/0.json differs")
	}
	if !found {
		t.Fatalf("no finding of check 25: %v", checkRecord(dir))
	}
}

// listSeatsJSON is a list's line of results.json ("List contests: from the
// totals to the seats").
type listSeatsJSON struct {
	Code       uint32 `json:"code"`
	Name       string `json:"name"`
	Votes      uint64 `json:"votes"`
	Seats      int    `json:"seats"`
	Candidates int    `json:"candidates"`
}

func listSeats(r *apResult) []listSeatsJSON {
	var out []listSeatsJSON
	for l, al := range r.in.lists {
		out = append(out, listSeatsJSON{Code: al.code, Name: al.name, Votes: al.votes, Seats: r.seats[l], Candidates: len(al.cands)})
	}
	return out
}

// judgeListCodes applies the rules of a mixed list contest's row after the
// codes' ("Mixed list contests", "Reason texts"), in their order:
// two-lists, too-many-candidates, no-list, candidate-of-another-list.
func judgeListCodes(mc *contestJSON, codes []uint32) (string, string) {
	listOf := map[uint32]uint32{} // candidate code → its list's code
	isList := map[uint32]bool{}
	for _, l := range mc.Lists {
		isList[l.Code] = true
		for _, c := range l.Candidates {
			listOf[c] = l.Code
		}
	}
	var lists []int // slots of list codes
	for s, c := range codes {
		if isList[c] {
			lists = append(lists, s)
		}
	}
	if len(lists) >= 2 {
		return "two-lists", fmt.Sprintf("list codes %d (slot %d) and %d (slot %d): a ballot chooses at most one list", codes[lists[0]], lists[0], codes[lists[1]], lists[1])
	}
	n := len(codes) - len(lists)
	if n > int(mc.Preferences) {
		return "too-many-candidates", fmt.Sprintf("%d candidate codes, more than the %d preferences", n, mc.Preferences)
	}
	if len(lists) == 0 {
		switch {
		case n > 0 && mc.ListRule == "open":
			return "no-list", "candidate codes without a list code: under the open rule a ballot holds the code of its candidates' list"
		case n > 0 && !mc.CandidatesOnly:
			return "no-list", "candidate codes without a list code: the contest does not allow a ballot of candidates only"
		case n == 0 && mc.Strict:
			return "no-list", "no list code: the contest is strict, a ballot chooses a list"
		}
		return "", ""
	}
	L := codes[lists[0]]
	if mc.ListRule == "open" {
		for s, c := range codes {
			if !isList[c] && listOf[c] != L {
				return "candidate-of-another-list", fmt.Sprintf("candidate %d (slot %d) is on list %d, not on the chosen list %d", c, s, listOf[c], L)
			}
		}
	}
	return "", ""
}

// countListRow adds a valid row of a mixed list contest to totals, in the
// order of listSelections ("Mixed list contests", "Counting"): with L the
// row's list code and C its candidate codes, X_L += 1, under panachage
// Z_L += P − |C|, and Y_c += 1 for each c in C.
func countListRow(mc *contestJSON, totals []uint64, codes []uint32) {
	sel, _ := listSelections(mc)
	q := len(mc.Lists)
	first := len(sel) - len(mc.Candidates)
	var L = -1
	n := 0
	for _, c := range codes {
		found := false
		for l, pl := range mc.Lists {
			if pl.Code == c {
				L, found = l, true
			}
		}
		if found {
			continue
		}
		for j, k := range mc.Candidates {
			if k.Code == c {
				totals[first+j]++
			}
		}
		n++
	}
	if L < 0 {
		return
	}
	totals[L]++
	if mc.ListRule == "panachage" {
		totals[q+L] += uint64(int(mc.Preferences) - n)
	}
}

// TestGeneratedMixedListRecords checks records of `go run ./examples/council
// -method … -mixed` (a list election through the mixnet), open and
// panachage, from the spec alone: the rows decoded and judged, the totals
// recounted, the allocation and the results. Skipped with -short.
func TestGeneratedMixedListRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run ./examples/council")
	}
	for _, c := range []struct{ method, rule string }{{"sainte-lague", "open"}, {"droop", "panachage"}} {
		t.Run(c.rule, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "record")
			args := []string{"run", "./examples/council", "-q", "-method", c.method, "-list-rule", c.rule, "-mixed", "-voters", "60", "-candidates", "15",
				"-seats", "6", "-lists", "3", "-mixers", "2", "-trustees", "3", "-threshold", "2", "-seed", "speccheck " + c.rule, "-out", out}
			cmd := exec.Command("go", args...)
			cmd.Dir = "../.."
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, b)
			}
			rc := runRecordCheck(out)
			for _, f := range rc.findings {
				t.Error(f)
			}
			t.Logf("checked: %v", rc.stats)
			if rc.stats["mix stages accepted"] != 2 || rc.stats["rows decoded"] != 60 || rc.stats["mixed list contests recounted"] != 1 || rc.stats["list allocations recomputed"] != 1 {
				t.Errorf("too little was checked: %v", rc.stats)
			}
			// A seat moved in counts/0.json, and a row's verdict changed,
			// are found by checks 25 and 19.
			d := copyDir(t, out)
			editFile(t, d, "counts/0.json", func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"seats": 1`), []byte(`"seats": 2`), 1)
			})
			if fs := checkRecord(d); !hasPrefix(fs, "check 25") {
				t.Errorf("a tampered allocation: findings %q", fs)
			}
		})
	}
}

func hasPrefix(fs []string, p string) bool {
	for _, f := range fs {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}

// TestMixedListVerdictTable applies "Mixed list contests" to rows of each
// verdict of a contest of three lists (codes 1..3) of three candidates
// (11..13, 21..23, 31..33) with two preferences, and checks the verdicts
// and reason texts that the spec's table gives.
func TestMixedListVerdictTable(t *testing.T) {
	contest := func(rule string, candidatesOnly, strict bool) *contestJSON {
		c := &contestJSON{Kind: "list", ListRule: rule, Preferences: 2, CandidatesOnly: candidatesOnly, Strict: strict, MixStages: 2}
		for l := uint32(1); l <= 3; l++ {
			pl := partyListJSON{Code: l}
			for k := uint32(1); k <= 3; k++ {
				c.Candidates = append(c.Candidates, candidateJSON{Code: 10*l + k})
				pl.Candidates = append(pl.Candidates, 10*l+k)
			}
			c.Lists = append(c.Lists, pl)
		}
		return c
	}
	for _, tc := range []struct {
		rule                   string
		candidatesOnly, strict bool
		codes                  []uint32
		verdict, reason        string
	}{
		{"open", false, false, []uint32{2, 21, 23}, "", ""},
		{"open", false, false, []uint32{}, "", ""},
		{"panachage", true, false, []uint32{11, 33}, "", ""},
		{"open", false, false, []uint32{1, 11, 12, 13}, "too-many-codes", "4 codes, more than the limit 3"},
		{"open", false, false, []uint32{1, 14}, "unknown-code", "code 14 (slot 1) is no list's or candidate's code"},
		{"panachage", true, false, []uint32{1, 3, 11}, "two-lists", "list codes 1 (slot 0) and 3 (slot 1): a ballot chooses at most one list"},
		{"panachage", true, false, []uint32{11, 21, 31}, "too-many-candidates", "3 candidate codes, more than the 2 preferences"},
		{"open", true, false, []uint32{11, 12}, "no-list", "candidate codes without a list code: under the open rule a ballot holds the code of its candidates' list"},
		{"panachage", false, false, []uint32{11}, "no-list", "candidate codes without a list code: the contest does not allow a ballot of candidates only"},
		{"open", false, true, []uint32{}, "no-list", "no list code: the contest is strict, a ballot chooses a list"},
		{"open", false, false, []uint32{1, 11, 21}, "candidate-of-another-list", "candidate 21 (slot 2) is on list 2, not on the chosen list 1"},
	} {
		v, r := judgeCodes(contest(tc.rule, tc.candidatesOnly, tc.strict), tc.codes)
		if v != tc.verdict || r != tc.reason {
			t.Errorf("%s %v: %q %q, want %q %q", tc.rule, tc.codes, v, r, tc.verdict, tc.reason)
		}
	}
	// Counting a valid panachage row: X_2 = 1, Z_2 = 2 − 2 = 0, Y_11 = Y_33 = 1.
	c := contest("panachage", true, false)
	totals := make([]uint64, 3+3+9)
	countListRow(c, totals, []uint32{2, 11, 33})
	countListRow(c, totals, []uint32{3})
	if fmt.Sprint(totals) != "[0 1 1 0 0 2 1 0 0 0 0 0 0 0 1]" {
		t.Errorf("totals %v", totals)
	}
}

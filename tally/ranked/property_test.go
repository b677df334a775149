package ranked

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// randomRows returns rows for n candidates, most of them valid rankings
// with a skew towards a few candidates, some invalid.
func randomRows(rng *rand.Rand, n, maxRanks, count int) []Ranking {
	rows := make([]Ranking, count)
	for i := range rows {
		k := 1 + rng.IntN(maxRanks)
		perm := rng.Perm(n)
		if rng.IntN(3) == 0 { // a popular first choice
			j := slices.Index(perm, rng.IntN(min(n, 3)))
			perm[0], perm[j] = perm[j], perm[0]
		}
		r := Ranking(perm[:k])
		switch rng.IntN(50) {
		case 0:
			r = append(r, r[0]) // repeated, or too many
		case 1:
			r = Ranking{}
		case 2:
			r = Ranking{n}
		}
		rows[i] = r
	}
	return rows
}

// TestCountProperties: on random elections, every Count has the
// invariants (checkInvariants: quota, votes conserved with the
// non-transferable and the lost, each stage's totals), does not depend on
// the order of the rows, passes Check, survives its JSON form, and Check
// names a tampered field.
func TestCountProperties(t *testing.T) {
	rng := newTestRand()
	lot := &Lot{Seed: []byte("property"), Contest: 1}
	for trial := range 60 {
		n := 2 + rng.IntN(9)
		c := Contest{Candidates: n, MaxRanks: 1 + rng.IntN(n), Seats: 1 + rng.IntN(n-1)}
		rows := randomRows(rng, n, c.MaxRanks, 1+rng.IntN(300))
		for _, method := range []string{MethodScottishSTV, MethodIRV} {
			count := CountSTV
			if method == MethodIRV {
				count = CountIRV
			}
			got, err := count(c, rows, lot)
			if err != nil {
				t.Fatalf("trial %d %s: %v", trial, method, err)
			}
			checkInvariants(t, got)
			if got.Unresolved != nil {
				t.Fatalf("trial %d: unresolved with a lot", trial)
			}
			var invalid uint64
			for _, r := range rows {
				if ValidateRanking(c, r) != nil {
					invalid++
				}
			}
			if got.Invalid != invalid || got.Valid+got.Invalid != uint64(len(rows)) {
				t.Fatalf("trial %d: valid %d invalid %d of %d rows", trial, got.Valid, got.Invalid, len(rows))
			}
			shuffled := slices.Clone(rows)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			if err := Check(c, shuffled, lot, got); err != nil {
				t.Fatalf("trial %d %s: shuffled rows: %v", trial, method, err)
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			var back Count
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("trial %d: %v\n%s", trial, err, b)
			}
			b2, _ := json.Marshal(&back)
			if !bytes.Equal(b, b2) {
				t.Fatalf("trial %d: JSON not stable", trial)
			}
			// Tamper with the last stage's votes.
			st := &back.Stages[len(back.Stages)-1]
			st.Votes[n-1]++
			err = Check(c, rows, lot, &back)
			want := "stage " + itoa(len(back.Stages)) + ": field votes[" + itoa(n-1) + "]"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("trial %d: tampered count: %v, want %q", trial, err, want)
			}
		}
		s, err := Schulze(c, rows, lot)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckSchulze(c, rows, lot, s); err != nil {
			t.Fatal(err)
		}
		// d by its definition, row by row.
		for _, r := range rows {
			if ValidateRanking(c, r) != nil {
				continue
			}
			pos := make([]int, n)
			for i := range pos {
				pos[i] = n // unranked
			}
			for i, x := range r {
				pos[x] = i
			}
			for x := range n {
				for y := range n {
					if pos[x] < pos[y] {
						s.D[x][y]--
					}
				}
			}
		}
		for x := range n {
			for y := range n {
				if s.D[x][y] != 0 {
					t.Fatalf("trial %d: d[%d][%d] off by %d", trial, x, y, s.D[x][y])
				}
			}
		}
		s, _ = Schulze(c, rows, lot)
		// A Condorcet winner, if any, is the only potential winner.
		for i := range n {
			wins := true
			for j := range n {
				if i != j && s.D[i][j] <= s.D[j][i] {
					wins = false
				}
			}
			if wins && !slices.Equal(s.Tiers[0], []int{i}) {
				t.Fatalf("trial %d: Condorcet winner %d, tiers %v", trial, i, s.Tiers)
			}
		}
		s.D[0][n-1]++
		if err := CheckSchulze(c, rows, lot, s); err == nil || !strings.Contains(err.Error(), "field d[0]") {
			t.Fatalf("tampered d: %v", err)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestValidateRanking(t *testing.T) {
	c := Contest{Candidates: 4, MaxRanks: 3}
	for _, tc := range []struct {
		r      Ranking
		reason string
		pos    int
	}{
		{Ranking{2, 0, 3}, "", 0},
		{Ranking{}, ReasonEmpty, -1},
		{Ranking{0, 1, 2, 3}, ReasonTooMany, -1},
		{Ranking{0, 4}, ReasonUnknown, 1},
		{Ranking{-1}, ReasonUnknown, 0},
		{Ranking{1, 2, 1}, ReasonRepeated, 2},
	} {
		err := ValidateRanking(c, tc.r)
		if tc.reason == "" {
			if err != nil {
				t.Errorf("%v: %v", tc.r, err)
			}
			continue
		}
		e, ok := err.(*InvalidRankingError)
		if !ok || e.Reason != tc.reason || e.Position != tc.pos {
			t.Errorf("%v: %v, want %s at %d", tc.r, err, tc.reason, tc.pos)
		}
	}
	if _, err := RankingFromSlots(c, []int{1, -1, 2}, -1); err == nil || err.(*InvalidRankingError).Reason != ReasonGap {
		t.Errorf("gap: %v", err)
	}
	if r, err := RankingFromSlots(c, []int{1, 2, -1}, -1); err != nil || !slices.Equal(r, Ranking{1, 2}) {
		t.Errorf("slots: %v %v", r, err)
	}
}

func TestValueText(t *testing.T) {
	for _, tc := range []struct {
		v Value
		s string
	}{{0, "0.00000"}, {Unit, "1.00000"}, {-682 * Unit, "-682.00000"}, {13040863, "130.40863"}, {7, "0.00007"}} {
		if tc.v.String() != tc.s {
			t.Errorf("%d: %s, want %s", tc.v, tc.v.String(), tc.s)
		}
		if v, err := parseValue(tc.s); err != nil || v != tc.v {
			t.Errorf("%s: %d %v", tc.s, v, err)
		}
	}
	for _, s := range []string{"", "1", "1.0000", "1.000000", "01.00000", "-0.00000", "+1.00000", "1,00000", ".00000", "1.0000a", "99999999999999999999.00000"} {
		if _, err := parseValue(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	// Rule 48(3) rounds down.
	if got := transferValue(682*Unit, Unit, 1982*Unit); got != 34409 { // 0.344096… → 0.34409
		t.Errorf("transfer value %v", got)
	}
}

// TestCountJSONGolden fixes the bytes of the JSON form (docs/spec.md (§Counting methods, "Ranked ballots"))
// with the Tennessee example counted by instant-runoff and Droop's
// weak-defeat election counted by the Scottish rules.
func TestCountJSONGolden(t *testing.T) {
	irv, err := CountIRV(Contest{Candidates: 4, MaxRanks: 4}, exampleRows(t, "MNCK", []string{"42 MNCK", "26 NCKM", "15 CKNM", "17 KCNM"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, rows := readBLT(t, "testdata/scotland/weak-defeat.blt")
	stv, err := CountSTV(c, rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, k := range []*Count{irv, stv} {
		b, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if os.Getenv("RANKED_UPDATE_GOLDEN") != "" {
		os.WriteFile("testdata/count-json.golden", buf.Bytes(), 0o644)
	}
	want, err := os.ReadFile("testdata/count-json.golden")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("JSON:\n%s\nwant\n%s", buf.Bytes(), want)
	}
}

func TestCountJSONStrict(t *testing.T) {
	good := `{"method":"irv","candidates":2,"maxRanks":2,"seats":1,"valid":1,"invalid":0,"quota":"0.00000","stages":[{"number":1,"kind":"first","candidate":-1,"ties":[],"transfers":["1.00000","0.00000"],"nonTransferable":"0.00000","lost":"0.00000","votes":["1.00000","0.00000"],"elected":[0],"lastVacancies":[]}],"elected":[0]}`
	var k Count
	if err := json.Unmarshal([]byte(good), &k); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		strings.Replace(good, `"quota":"0.00000"`, `"quota":"0.0"`, 1),
		strings.Replace(good, `"quota":"0.00000",`, ``, 1),
		strings.Replace(good, `"seats":1`, `"seats":1,"seats":1`, 1),
		strings.Replace(good, `"method":"irv"`, `"method":"borda"`, 1),
		strings.Replace(good, `"candidate":-1`, `"candidate":0`, 1),
		strings.Replace(good, `"votes":["1.00000","0.00000"]`, `"votes":["1.00000"]`, 1),
		strings.Replace(good, `"elected":[0]}`, `"elected":[2]}`, 1),
		strings.Replace(good, `"number":1`, `"number":2`, 1),
		strings.Replace(good, `"ties":[]`, `"ties":null`, 1),
		strings.Replace(good, `}`, `,"extra":1}`, 1),
	} {
		var k2 Count
		if err := json.Unmarshal([]byte(bad), &k2); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func newTestRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

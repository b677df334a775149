package ranked

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/internal/wire"
)

// A MeekCount encodes as
//
//	{"method":"meek","candidates":n,"maxRanks":N,"seats":k,"valid":v,"invalid":i,
//	 "rounds":[{"number":1,"iterations":1,"quota":"1000.750000001",
//	   "votes":["1001.000000000",…],"keepFactors":["1.000000000",…],
//	   "surplus":"0.500000000","residual":"0.000000000",
//	   "elected":[0,1],"excluded":-1,"ties":[],"lastVacancies":[]},…],
//	 "elected":[0,1,3]}
//
// with "unresolved" after "elected" only if the count stopped at a tie (as
// for a Count). No whitespace; members in this order; Meeks as strings
// with nine decimals.
type meekJSON MeekCount

// MarshalJSON encodes k in its canonical JSON form.
func (k *MeekCount) MarshalJSON() ([]byte, error) {
	if err := k.validate(); err != nil {
		return nil, err
	}
	return json.Marshal((*meekJSON)(k))
}

// UnmarshalJSON decodes the form of MarshalJSON with wire.StrictJSON and
// checks its shape (rounds numbered in order, one value per candidate,
// candidates in range); whether the figures are right is for CheckMeek.
// On error k is unchanged.
func (k *MeekCount) UnmarshalJSON(data []byte) error {
	var j meekJSON
	if err := wire.StrictJSON(data, &j); err != nil {
		return fmt.Errorf("ranked: Meek count JSON: %v", err)
	}
	m := MeekCount(j)
	if err := m.validate(); err != nil {
		return err
	}
	*k = m
	return nil
}

func (k *MeekCount) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("ranked: Meek count: "+format, args...)
	}
	if k.Method != MethodMeek {
		return bad("field method: %q", k.Method)
	}
	if err := (Contest{Candidates: k.Candidates, MaxRanks: k.MaxRanks, Seats: k.Seats}).check(MethodMeek); err != nil {
		return err
	}
	if k.Valid > MaxMeekRows || k.Invalid > MaxRows {
		return bad("fields valid, invalid: out of range")
	}
	n := k.Candidates
	if len(k.Rounds) == 0 || len(k.Rounds) > n {
		return bad("field rounds: %d rounds, want 1..%d", len(k.Rounds), n)
	}
	inRange := func(where string, cs []int) error {
		for i, c := range cs {
			if c < 0 || c >= n {
				return bad("%s[%d]: candidate %d out of range", where, i, c)
			}
		}
		return nil
	}
	tie := func(where string, t *Tie, by string) error {
		if t.Decides != DecidesExclusion || t.By != by || t.Stage != 0 {
			return bad("%s: fields decides, by, stage: %q %q %d", where, t.Decides, t.By, t.Stage)
		}
		if len(t.Candidates) < 2 || !slices.IsSorted(t.Candidates) || len(slices.Compact(slices.Clone(t.Candidates))) != len(t.Candidates) {
			return bad("%s: field candidates: want two or more distinct candidates, ascending", where)
		}
		if err := inRange(where+".candidates", t.Candidates); err != nil {
			return err
		}
		if (by == ByLot && !slices.Contains(t.Candidates, t.Chosen)) || (by == Unresolved && t.Chosen != -1) {
			return bad("%s: field chosen: %d", where, t.Chosen)
		}
		return nil
	}
	for i := range k.Rounds {
		r := &k.Rounds[i]
		where := fmt.Sprintf("round %d", i+1)
		if r.Number != i+1 {
			return bad("%s: field number: %d", where, r.Number)
		}
		if r.Iterations < 1 {
			return bad("%s: field iterations: %d", where, r.Iterations)
		}
		if len(r.Votes) != n || len(r.KeepFactors) != n {
			return bad("%s: fields votes, keepFactors: %d and %d values for %d candidates", where, len(r.Votes), len(r.KeepFactors), n)
		}
		if r.Excluded < -1 || r.Excluded >= n {
			return bad("%s: field excluded: %d", where, r.Excluded)
		}
		if len(r.Ties) > 1 || (len(r.Ties) == 1 && r.Excluded == -1) {
			return bad("%s: field ties: %d ties", where, len(r.Ties))
		}
		for t := range r.Ties {
			if err := tie(fmt.Sprintf("%s.ties[%d]", where, t), &r.Ties[t], ByLot); err != nil {
				return err
			}
		}
		if len(r.Elected) > k.Seats || len(r.LastVacancies) > k.Seats {
			return bad("%s: fields elected, lastVacancies: more than the seats", where)
		}
		if err := inRange(where+".elected", r.Elected); err != nil {
			return err
		}
		if err := inRange(where+".lastVacancies", r.LastVacancies); err != nil {
			return err
		}
	}
	if len(k.Elected) > k.Seats {
		return bad("field elected: %d candidates for %d seats", len(k.Elected), k.Seats)
	}
	if err := inRange("elected", k.Elected); err != nil {
		return err
	}
	if k.Unresolved != nil {
		return tie("unresolved", k.Unresolved, Unresolved)
	}
	return nil
}

// CheckMeek is the verifier's check of a published MeekCount: it recounts
// the rows with CountMeek and returns nil if every field is the same, or
// an error naming the first round and field that differ.
func CheckMeek(c Contest, rows []Ranking, lot *Lot, published *MeekCount) error {
	g, err := CountMeek(c, rows, lot)
	if err != nil {
		return err
	}
	p := published
	for _, f := range []struct {
		name string
		p, g any
	}{{"method", p.Method, g.Method}, {"candidates", p.Candidates, g.Candidates}, {"maxRanks", p.MaxRanks, g.MaxRanks},
		{"seats", p.Seats, g.Seats}, {"valid", p.Valid, g.Valid}, {"invalid", p.Invalid, g.Invalid}} {
		if f.p != f.g {
			return differ("", f.name, f.p, f.g)
		}
	}
	meeks := func(where, field string, p, g []Meek) error {
		for i := range min(len(p), len(g)) {
			if p[i] != g[i] {
				return differ(where, fmt.Sprintf("%s[%d]", field, i), p[i], g[i])
			}
		}
		if len(p) != len(g) {
			return differ(where, field+" length", len(p), len(g))
		}
		return nil
	}
	for i := range min(len(p.Rounds), len(g.Rounds)) {
		pr, gr := &p.Rounds[i], &g.Rounds[i]
		where := fmt.Sprintf("round %d", i+1)
		for _, f := range []struct {
			name string
			p, g any
		}{{"number", pr.Number, gr.Number}, {"iterations", pr.Iterations, gr.Iterations}, {"quota", pr.Quota, gr.Quota}} {
			if f.p != f.g {
				return differ(where, f.name, f.p, f.g)
			}
		}
		if err := meeks(where, "votes", pr.Votes, gr.Votes); err != nil {
			return err
		}
		if err := meeks(where, "keepFactors", pr.KeepFactors, gr.KeepFactors); err != nil {
			return err
		}
		for _, f := range []struct {
			name string
			p, g any
		}{{"surplus", pr.Surplus, gr.Surplus}, {"residual", pr.Residual, gr.Residual}} {
			if f.p != f.g {
				return differ(where, f.name, f.p, f.g)
			}
		}
		if err := diffInts(where, "elected", pr.Elected, gr.Elected); err != nil {
			return err
		}
		if pr.Excluded != gr.Excluded {
			return differ(where, "excluded", pr.Excluded, gr.Excluded)
		}
		if len(pr.Ties) != len(gr.Ties) {
			return differ(where, "ties length", len(pr.Ties), len(gr.Ties))
		}
		for t := range pr.Ties {
			if err := diffTie(where, fmt.Sprintf("ties[%d]", t), &pr.Ties[t], &gr.Ties[t]); err != nil {
				return err
			}
		}
		if err := diffInts(where, "lastVacancies", pr.LastVacancies, gr.LastVacancies); err != nil {
			return err
		}
	}
	if len(p.Rounds) != len(g.Rounds) {
		return differ("", "rounds length", len(p.Rounds), len(g.Rounds))
	}
	if err := diffInts("", "elected", p.Elected, g.Elected); err != nil {
		return err
	}
	return diffTie("", "unresolved", p.Unresolved, g.Unresolved)
}

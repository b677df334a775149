package ranked

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/internal/wire"
)

// MarshalText writes v as String does. In JSON a Value is a string.
func (v Value) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads the form of String and only that form (exactly five
// decimal places, no leading zero, no "+", no "-0.00000"); on error v is
// unchanged.
func (v *Value) UnmarshalText(b []byte) error {
	x, err := parseValue(string(b))
	if err != nil {
		return err
	}
	*v = x
	return nil
}

// The JSON forms. A Count encodes as
//
//	{"method":"scottish-stv","candidates":n,"maxRanks":N,"seats":k,
//	 "valid":v,"invalid":i,"quota":"1300.00000",
//	 "stages":[{"number":1,"kind":"first","candidate":-1,"ties":[],
//	   "transfers":["128.00000",…],"nonTransferable":"0.00000","lost":"0.00000",
//	   "votes":["128.00000",…],"elected":[7],"lastVacancies":[]},…],
//	 "elected":[7,9,8]}
//
// with a member "unresolved":{"decides":…,"candidates":[…],"by":"unresolved",
// "stage":0,"chosen":-1} after "elected" only if the count stopped at a
// tie, and each tie in "ties" as {"decides":"surplus"|"exclusion",
// "candidates":[…],"by":"earlier stage"|"lot","stage":s,"chosen":c}. No
// whitespace; members in this order; numbers in canonical decimal; Values
// as strings with five decimals. docs/ranked.md gives it to the byte.
type countJSON Count

// MarshalJSON encodes k in its canonical JSON form (see countJSON).
func (k *Count) MarshalJSON() ([]byte, error) {
	if err := k.validate(); err != nil {
		return nil, err
	}
	return json.Marshal((*countJSON)(k))
}

// UnmarshalJSON decodes the form of MarshalJSON with wire.StrictJSON (no
// member twice, none unknown or missing, no null) and checks its shape:
// a known method, counts within the limits, every stage numbered in
// order with one value per candidate, candidates in range. Whether the
// figures are right is for Check. On error k is unchanged.
func (k *Count) UnmarshalJSON(data []byte) error {
	var j countJSON
	if err := wire.StrictJSON(data, &j); err != nil {
		return fmt.Errorf("ranked: count JSON: %v", err)
	}
	c := Count(j)
	if err := c.validate(); err != nil {
		return err
	}
	*k = c
	return nil
}

// validate checks the shape of a Count.
func (k *Count) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("ranked: count: "+format, args...)
	}
	switch k.Method {
	case MethodScottishSTV, MethodIRV:
	default:
		return bad("field method: unknown method %q", k.Method)
	}
	cont := Contest{Candidates: k.Candidates, MaxRanks: k.MaxRanks, Seats: k.Seats}
	if err := cont.check(k.Method); err != nil {
		return err
	}
	if k.Method == MethodIRV && k.Seats != 1 {
		return bad("field seats: %d, want 1 for %q", k.Seats, k.Method)
	}
	if k.Valid > MaxRows || k.Invalid > MaxRows {
		return bad("fields valid, invalid: more than MaxRows")
	}
	n := k.Candidates
	if len(k.Stages) == 0 || len(k.Stages) > 2*n+1 {
		return bad("field stages: %d stages, want 1..%d", len(k.Stages), 2*n+1)
	}
	inRange := func(where string, cs []int) error {
		for i, c := range cs {
			if c < 0 || c >= n {
				return bad("%s[%d]: candidate %d out of range", where, i, c)
			}
		}
		return nil
	}
	checkTie := func(where string, t *Tie) error {
		if t.Decides != DecidesSurplus && t.Decides != DecidesExclusion {
			return bad("%s: field decides: %q", where, t.Decides)
		}
		if len(t.Candidates) < 2 || !slices.IsSorted(t.Candidates) || len(slices.Compact(slices.Clone(t.Candidates))) != len(t.Candidates) {
			return bad("%s: field candidates: want two or more distinct candidates, ascending", where)
		}
		if err := inRange(where+".candidates", t.Candidates); err != nil {
			return err
		}
		switch t.By {
		case ByEarlierStage, ByLot:
			if !slices.Contains(t.Candidates, t.Chosen) {
				return bad("%s: field chosen: %d is not a tied candidate", where, t.Chosen)
			}
		case Unresolved:
			if t.Chosen != -1 {
				return bad("%s: field chosen: %d for an unresolved tie", where, t.Chosen)
			}
		default:
			return bad("%s: field by: %q", where, t.By)
		}
		if (t.By == ByEarlierStage) != (t.Stage > 0) || t.Stage < 0 || t.Stage > len(k.Stages) {
			return bad("%s: field stage: %d for a tie decided by %q", where, t.Stage, t.By)
		}
		return nil
	}
	for i := range k.Stages {
		st := &k.Stages[i]
		where := fmt.Sprintf("stage %d", i+1)
		if st.Number != i+1 {
			return bad("%s: field number: %d", where, st.Number)
		}
		switch {
		case i == 0 && st.Kind == StageFirst && st.Candidate == -1:
		case i > 0 && (st.Kind == StageExclusion || (st.Kind == StageSurplus && k.Method == MethodScottishSTV)) && st.Candidate >= 0 && st.Candidate < n:
		default:
			return bad("%s: fields kind, candidate: %q %d", where, st.Kind, st.Candidate)
		}
		if len(st.Transfers) != n || len(st.Votes) != n {
			return bad("%s: fields transfers, votes: %d and %d values for %d candidates", where, len(st.Transfers), len(st.Votes), n)
		}
		if len(st.Ties) > 1 {
			return bad("%s: field ties: %d ties", where, len(st.Ties))
		}
		for t := range st.Ties {
			if err := checkTie(fmt.Sprintf("%s.ties[%d]", where, t), &st.Ties[t]); err != nil {
				return err
			}
		}
		for _, x := range [][]int{st.Elected, st.LastVacancies} {
			if len(x) > n {
				return bad("%s: fields elected, lastVacancies: more than the candidates", where)
			}
		}
		if err := inRange(where+".elected", st.Elected); err != nil {
			return err
		}
		if err := inRange(where+".lastVacancies", st.LastVacancies); err != nil {
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
		if err := checkTie("unresolved", k.Unresolved); err != nil {
			return err
		}
		if k.Unresolved.By != Unresolved {
			return bad("unresolved: field by: %q", k.Unresolved.By)
		}
	}
	return nil
}

// A SchulzeResult encodes as
//
//	{"method":"schulze","candidates":n,"maxRanks":N,"valid":v,"invalid":i,
//	 "d":[[0,20,…],…],"p":[[0,28,…],…],"tiers":[[4],[0],…],"order":[…]}
//
// with "order" empty ([]) without a lot. No whitespace; members in this
// order.
type schulzeJSON SchulzeResult

// MarshalJSON encodes r in its canonical JSON form.
func (r *SchulzeResult) MarshalJSON() ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	return json.Marshal((*schulzeJSON)(r))
}

// UnmarshalJSON decodes the form of MarshalJSON with wire.StrictJSON and
// checks its shape: n×n matrices with a zero diagonal, tiers that
// partition the candidates, an order that is empty or lists each
// candidate once. On error r is unchanged.
func (r *SchulzeResult) UnmarshalJSON(data []byte) error {
	var j schulzeJSON
	if err := wire.StrictJSON(data, &j); err != nil {
		return fmt.Errorf("ranked: Schulze JSON: %v", err)
	}
	s := SchulzeResult(j)
	if err := s.validate(); err != nil {
		return err
	}
	*r = s
	return nil
}

func (r *SchulzeResult) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("ranked: Schulze result: "+format, args...)
	}
	if r.Method != MethodSchulze {
		return bad("field method: %q", r.Method)
	}
	if err := (Contest{Candidates: r.Candidates, MaxRanks: r.MaxRanks}).check(MethodSchulze); err != nil {
		return err
	}
	n := r.Candidates
	for _, m := range []struct {
		name string
		m    [][]uint64
	}{{"d", r.D}, {"p", r.P}} {
		if len(m.m) != n {
			return bad("field %s: %d rows for %d candidates", m.name, len(m.m), n)
		}
		for i, row := range m.m {
			if len(row) != n {
				return bad("field %s[%d]: %d entries for %d candidates", m.name, i, len(row), n)
			}
			if row[i] != 0 {
				return bad("field %s[%d][%d]: %d on the diagonal", m.name, i, i, row[i])
			}
		}
	}
	seen := make([]bool, n)
	total := 0
	for t, tier := range r.Tiers {
		if len(tier) == 0 || !slices.IsSorted(tier) {
			return bad("field tiers[%d]: empty or not ascending", t)
		}
		for _, c := range tier {
			if c < 0 || c >= n || seen[c] {
				return bad("field tiers[%d]: candidate %d out of range or twice", t, c)
			}
			seen[c] = true
			total++
		}
	}
	if total != n {
		return bad("field tiers: %d of %d candidates", total, n)
	}
	if len(r.Order) != 0 {
		if len(r.Order) != n {
			return bad("field order: %d of %d candidates", len(r.Order), n)
		}
		clear(seen)
		for i, c := range r.Order {
			if c < 0 || c >= n || seen[c] {
				return bad("field order[%d]: candidate %d out of range or twice", i, c)
			}
			seen[c] = true
		}
	}
	return nil
}

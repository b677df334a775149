package apportion

import (
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/sandogh/sandogh/internal/wire"
)

type jsonResult struct {
	Method         Method     `json:"method"`
	Seats          int        `json:"seats"`
	Threshold      uint32     `json:"threshold"`
	ValidVotes     uint64     `json:"validVotes"`
	ThresholdVotes string     `json:"thresholdVotes"`
	QualifiedVotes uint64     `json:"qualifiedVotes"`
	Quota          string     `json:"quota,omitempty"`
	TieBreak       bool       `json:"tieBreak"`
	Lists          []jsonList `json:"lists"`
	Allocation     []jsonSeat `json:"allocation"`
	Ties           []jsonTie  `json:"ties"`
	Undecided      int        `json:"undecided"`
	Unfilled       int        `json:"unfilled"`
}

type jsonList struct {
	Code         uint32          `json:"code"`
	Name         string          `json:"name"`
	Votes        uint64          `json:"votes"`
	Qualified    bool            `json:"qualified"`
	Seats        int             `json:"seats"`
	QuotaSeats   *int            `json:"quotaSeats,omitempty"`
	Remainder    string          `json:"remainder,omitempty"`
	NextQuotient string          `json:"nextQuotient,omitempty"`
	Candidates   []jsonCandidate `json:"candidates"`
	Elected      []uint32        `json:"elected"`
	Alternates   []uint32        `json:"alternates"`
}

type jsonCandidate struct {
	Code  uint32 `json:"code"`
	Name  string `json:"name"`
	Votes uint64 `json:"votes"`
}

type jsonSeat struct {
	Seat      int    `json:"seat"`
	List      uint32 `json:"list"`
	Reason    Reason `json:"reason"`
	Round     int    `json:"round"`
	Value     string `json:"value"`
	TieBroken bool   `json:"tieBroken"`
}

type jsonTie struct {
	Reason Reason   `json:"reason"`
	Value  string   `json:"value"`
	Seats  int      `json:"seats"`
	Lists  []uint32 `json:"lists"`
	Broken bool     `json:"broken"`
}

// MarshalJSON encodes r as one JSON object without whitespace, members in
// this order (docs/apportion.md, "JSON form", gives every member):
//
//	{"method":"dhondt","seats":8,"threshold":0,"validVotes":230000,
//	 "thresholdVotes":"0/1","qualifiedVotes":230000,"quota":"…" (largest
//	 remainder only),"tieBreak":false,
//	 "lists":[{"code":1,"name":"A","votes":100000,"qualified":true,"seats":4,
//	   "quotaSeats":…,"remainder":"…" (qualified, largest remainder only),
//	   "nextQuotient":"20000/1" (qualified, divisor methods only),
//	   "candidates":[{"code":101,"name":"…","votes":9}],"elected":[101],
//	   "alternates":[]}],
//	 "allocation":[{"seat":1,"list":1,"reason":"divisor","round":1,
//	   "value":"100000/1","tieBroken":false}],
//	 "ties":[{"reason":"divisor","value":"…","seats":1,"lists":[3,4],
//	   "broken":false}],
//	 "undecided":0,"unfilled":0}
//
// Every rational is a string "n/d" in lowest terms, d ≥ 1, both in
// canonical decimal ("0/1" for zero). Equal results have equal encodings.
func (r *Result) MarshalJSON() ([]byte, error) {
	j := jsonResult{Method: r.Method, Seats: r.Seats, Threshold: r.Threshold, ValidVotes: r.ValidVotes,
		ThresholdVotes: ratText(r.ThresholdVotes), QualifiedVotes: r.QualifiedVotes, TieBreak: r.TieBreak,
		Lists: make([]jsonList, len(r.Lists)), Allocation: make([]jsonSeat, len(r.Allocation)), Ties: make([]jsonTie, len(r.Ties)),
		Undecided: r.Undecided, Unfilled: r.Unfilled}
	if r.Quota != nil {
		j.Quota = ratText(r.Quota)
	}
	for i := range r.Lists {
		l := &r.Lists[i]
		jl := jsonList{Code: l.Code, Name: l.Name, Votes: l.Votes, Qualified: l.Qualified, Seats: l.Seats,
			Candidates: make([]jsonCandidate, len(l.Candidates)), Elected: nonNil(l.Elected), Alternates: nonNil(l.Alternates)}
		if l.Remainder != nil {
			n := l.QuotaSeats
			jl.QuotaSeats, jl.Remainder = &n, ratText(l.Remainder)
		}
		if l.NextQuotient != nil {
			jl.NextQuotient = ratText(l.NextQuotient)
		}
		for k, c := range l.Candidates {
			jl.Candidates[k] = jsonCandidate(c)
		}
		j.Lists[i] = jl
	}
	for k, s := range r.Allocation {
		j.Allocation[k] = jsonSeat{Seat: s.Number, List: s.List, Reason: s.Reason, Round: s.Round, Value: ratText(s.Value), TieBroken: s.TieBroken}
	}
	for k, t := range r.Ties {
		j.Ties[k] = jsonTie{Reason: t.Reason, Value: ratText(t.Value), Seats: t.Seats, Lists: nonNil(t.Lists), Broken: t.Broken}
	}
	return json.Marshal(j)
}

func nonNil(x []uint32) []uint32 {
	if x == nil {
		return []uint32{}
	}
	return x
}

// ratText returns x as "n/d" in lowest terms; nil, which no valid Result
// holds where a rational is required, as "".
func ratText(x *big.Rat) string {
	if x == nil {
		return ""
	}
	return x.String()
}

// maxRatDigits bounds each side of a rational's text: no figure of a valid
// result has more than 21 digits on either side.
const maxRatDigits = 40

// parseRat decodes the text of ratText strictly: "n/d", n and d in
// canonical decimal (no sign, no leading zero), d ≥ 1, in lowest terms.
func parseRat(field, s string) (*big.Rat, error) {
	slash := -1
	for k := 0; k < len(s); k++ {
		switch c := s[k]; {
		case c == '/' && slash < 0:
			slash = k
		case c < '0' || c > '9':
			return nil, fmt.Errorf("field %s: %q is not a fraction n/d in decimal", field, s)
		}
	}
	if slash < 0 {
		return nil, fmt.Errorf("field %s: %q is not a fraction n/d in decimal", field, s)
	}
	n, d := s[:slash], s[slash+1:]
	for _, part := range []string{n, d} {
		if len(part) == 0 || len(part) > maxRatDigits || (len(part) > 1 && part[0] == '0') {
			return nil, fmt.Errorf("field %s: %q is not a fraction of canonical decimals of at most %d digits", field, s, maxRatDigits)
		}
	}
	num, _ := new(big.Int).SetString(n, 10)
	den, _ := new(big.Int).SetString(d, 10)
	if den.Sign() == 0 {
		return nil, fmt.Errorf("field %s: %q has denominator zero", field, s)
	}
	x := new(big.Rat).SetFrac(num, den)
	if x.String() != s {
		return nil, fmt.Errorf("field %s: %q is not in lowest terms (%s)", field, s, x.String())
	}
	return x, nil
}

// UnmarshalJSON decodes the form of MarshalJSON strictly (wire.StrictJSON:
// no unknown, duplicate, missing or null member), and rejects unknown
// methods and reasons, rationals not in lowest terms, members present or
// missing against the method, and more lists, candidates, seats or ties
// than the bounds allow, with errors naming the field. Whether the result
// is right is for Check. On error r is unchanged.
func (r *Result) UnmarshalJSON(data []byte) error {
	var j jsonResult
	if err := wire.StrictJSON(data, &j); err != nil {
		return fmt.Errorf("apportion: result JSON: %v", err)
	}
	out, err := j.result()
	if err != nil {
		return fmt.Errorf("apportion: result JSON: %v", err)
	}
	*r = *out
	return nil
}

func (j *jsonResult) result() (*Result, error) {
	if !j.Method.known() {
		return nil, fmt.Errorf("field method: unknown method %q", j.Method)
	}
	switch {
	case j.Seats < 1 || j.Seats > MaxSeats:
		return nil, fmt.Errorf("field seats: %d is not between 1 and %d", j.Seats, MaxSeats)
	case j.Threshold > MaxThreshold:
		return nil, fmt.Errorf("field threshold: %d basis points exceed %d", j.Threshold, MaxThreshold)
	case len(j.Lists) == 0 || len(j.Lists) > MaxLists:
		return nil, fmt.Errorf("field lists: %d lists, want 1 to %d", len(j.Lists), MaxLists)
	case len(j.Allocation) > j.Seats:
		return nil, fmt.Errorf("field allocation: %d seats, more than the %d to allocate", len(j.Allocation), j.Seats)
	case len(j.Ties) > 1:
		return nil, fmt.Errorf("field ties: %d ties, but at most one tie decides the last seats", len(j.Ties))
	case j.Undecided < 0 || j.Undecided > j.Seats:
		return nil, fmt.Errorf("field undecided: %d is not between 0 and %d", j.Undecided, j.Seats)
	case j.Unfilled < 0 || j.Unfilled > j.Seats:
		return nil, fmt.Errorf("field unfilled: %d is not between 0 and %d", j.Unfilled, j.Seats)
	}
	lr := !j.Method.divisor()
	r := &Result{Method: j.Method, Seats: j.Seats, Threshold: j.Threshold, ValidVotes: j.ValidVotes,
		QualifiedVotes: j.QualifiedVotes, TieBreak: j.TieBreak, Undecided: j.Undecided, Unfilled: j.Unfilled,
		Lists: make([]ListResult, len(j.Lists)), Allocation: make([]Seat, len(j.Allocation)), Ties: make([]Tie, len(j.Ties))}
	var err error
	if r.ThresholdVotes, err = parseRat("thresholdVotes", j.ThresholdVotes); err != nil {
		return nil, err
	}
	switch {
	case lr && j.Quota == "":
		return nil, fmt.Errorf("field quota: missing for method %q", j.Method)
	case !lr && j.Quota != "":
		return nil, fmt.Errorf("field quota: present for method %q, which has no quota", j.Method)
	case lr:
		if r.Quota, err = parseRat("quota", j.Quota); err != nil {
			return nil, err
		}
	}
	candidates := 0
	for i := range j.Lists {
		jl := &j.Lists[i]
		where := fmt.Sprintf("lists[%d]", i)
		if len(jl.Name) > MaxName {
			return nil, fmt.Errorf("%s: field name: %d bytes exceed the maximum %d", where, len(jl.Name), MaxName)
		}
		candidates += len(jl.Candidates)
		if candidates > MaxCandidates {
			return nil, fmt.Errorf("%s: field candidates: more than %d candidates in all", where, MaxCandidates)
		}
		if len(jl.Elected)+len(jl.Alternates) != len(jl.Candidates) {
			return nil, fmt.Errorf("%s: %d elected and %d alternates, but %d candidates", where, len(jl.Elected), len(jl.Alternates), len(jl.Candidates))
		}
		l := ListResult{Code: jl.Code, Name: jl.Name, Votes: jl.Votes, Qualified: jl.Qualified, Seats: jl.Seats,
			Candidates: make([]Candidate, len(jl.Candidates)), Elected: jl.Elected, Alternates: jl.Alternates}
		for k, c := range jl.Candidates {
			if len(c.Name) > MaxName {
				return nil, fmt.Errorf("%s.candidates[%d]: field name: %d bytes exceed the maximum %d", where, k, len(c.Name), MaxName)
			}
			l.Candidates[k] = Candidate(c)
		}
		lrFields := jl.QuotaSeats != nil || jl.Remainder != ""
		switch {
		case jl.Qualified && lr && (jl.QuotaSeats == nil || jl.Remainder == ""):
			return nil, fmt.Errorf("%s: members quotaSeats and remainder: required for a qualified list under method %q", where, j.Method)
		case (!jl.Qualified || !lr) && lrFields:
			return nil, fmt.Errorf("%s: members quotaSeats and remainder: present for a list that is not qualified under a largest remainder method", where)
		case jl.Qualified && !lr && jl.NextQuotient == "":
			return nil, fmt.Errorf("%s: member nextQuotient: required for a qualified list under method %q", where, j.Method)
		case (!jl.Qualified || lr) && jl.NextQuotient != "":
			return nil, fmt.Errorf("%s: member nextQuotient: present for a list that is not qualified under a divisor method", where)
		}
		if jl.QuotaSeats != nil {
			if *jl.QuotaSeats < 0 || *jl.QuotaSeats > j.Seats {
				return nil, fmt.Errorf("%s: field quotaSeats: %d is not between 0 and %d", where, *jl.QuotaSeats, j.Seats)
			}
			l.QuotaSeats = *jl.QuotaSeats
			if l.Remainder, err = parseRat(where+".remainder", jl.Remainder); err != nil {
				return nil, err
			}
		}
		if jl.NextQuotient != "" {
			if l.NextQuotient, err = parseRat(where+".nextQuotient", jl.NextQuotient); err != nil {
				return nil, err
			}
		}
		r.Lists[i] = l
	}
	for k, js := range j.Allocation {
		where := fmt.Sprintf("allocation[%d]", k)
		if err := checkReason(where, js.Reason); err != nil {
			return nil, err
		}
		s := Seat{Number: js.Seat, List: js.List, Reason: js.Reason, Round: js.Round, TieBroken: js.TieBroken}
		if s.Value, err = parseRat(where+".value", js.Value); err != nil {
			return nil, err
		}
		r.Allocation[k] = s
	}
	for k, jt := range j.Ties {
		where := fmt.Sprintf("ties[%d]", k)
		if err := checkReason(where, jt.Reason); err != nil {
			return nil, err
		}
		if len(jt.Lists) > len(j.Lists) {
			return nil, fmt.Errorf("%s: field lists: %d lists tied among %d", where, len(jt.Lists), len(j.Lists))
		}
		t := Tie{Reason: jt.Reason, Seats: jt.Seats, Lists: jt.Lists, Broken: jt.Broken}
		if t.Value, err = parseRat(where+".value", jt.Value); err != nil {
			return nil, err
		}
		r.Ties[k] = t
	}
	return r, nil
}

func checkReason(where string, r Reason) error {
	switch r {
	case Divisor, Quota, Remainder:
		return nil
	}
	return fmt.Errorf("%s: field reason: unknown reason %q", where, r)
}

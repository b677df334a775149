package apportion

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
)

// Check recomputes the allocation from in (Allocate) and compares it with
// the published result r, field by field in the order of the JSON form. It
// returns nil if they agree, the error of Allocate if in is not valid, and
// otherwise a *Mismatch naming the first field that differs, such as
// "allocation[6].list" or "lists[2].elected".
func Check(in *Input, r *Result) error {
	want, err := Allocate(in)
	if err != nil {
		return err
	}
	c := &checker{}
	c.result(r, want)
	if c.m != nil {
		return c.m
	}
	return nil
}

// A Mismatch is the first field where a published result differs from the
// recomputed one.
type Mismatch struct {
	// Field is the path of the field in the JSON form, for example
	// "allocation[6].list", "lists[2].seats" or "ties".
	Field string
	// Got is the published value, Want the recomputed one, as text.
	Got, Want string
}

// Error returns, for example, "apportion: check: allocation[6].list:
// published 3, but the votes give 5".
func (m *Mismatch) Error() string {
	return fmt.Sprintf("apportion: check: %s: published %s, but the votes give %s", m.Field, m.Got, m.Want)
}

type checker struct{ m *Mismatch }

func (c *checker) diff(field string, got, want any) {
	if c.m == nil {
		c.m = &Mismatch{Field: field, Got: text(got), Want: text(want)}
	}
}

// text returns x as the message shows it: strings quoted.
func text(x any) string {
	switch v := x.(type) {
	case string:
		return strconv.Quote(v)
	case Method:
		return strconv.Quote(string(v))
	case Reason:
		return strconv.Quote(string(v))
	}
	return fmt.Sprint(x)
}

func (c *checker) eq(field string, got, want any) {
	if c.m == nil && got != want {
		c.diff(field, got, want)
	}
}

func (c *checker) rat(field string, got, want *big.Rat) {
	if c.m != nil {
		return
	}
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil || got.Cmp(want) != 0:
		c.diff(field, ratOrNone(got), ratOrNone(want))
	}
}

func ratOrNone(x *big.Rat) string {
	if x == nil {
		return "none"
	}
	return x.String()
}

func (c *checker) codes(field string, got, want []uint32) {
	if c.m == nil && !slices.Equal(got, want) {
		c.diff(field, fmt.Sprint(got), fmt.Sprint(want))
	}
}

func (c *checker) result(r, w *Result) {
	c.eq("method", r.Method, w.Method)
	c.eq("seats", r.Seats, w.Seats)
	c.eq("threshold", r.Threshold, w.Threshold)
	c.eq("validVotes", r.ValidVotes, w.ValidVotes)
	c.rat("thresholdVotes", r.ThresholdVotes, w.ThresholdVotes)
	c.eq("qualifiedVotes", r.QualifiedVotes, w.QualifiedVotes)
	c.rat("quota", r.Quota, w.Quota)
	c.eq("tieBreak", r.TieBreak, w.TieBreak)
	c.eq("lists (count)", len(r.Lists), len(w.Lists))
	for i := 0; c.m == nil && i < len(w.Lists); i++ {
		c.list(fmt.Sprintf("lists[%d]", i), &r.Lists[i], &w.Lists[i])
	}
	c.eq("allocation (count)", len(r.Allocation), len(w.Allocation))
	for k := 0; c.m == nil && k < len(w.Allocation); k++ {
		g, s := &r.Allocation[k], &w.Allocation[k]
		at := fmt.Sprintf("allocation[%d]", k)
		c.eq(at+".seat", g.Number, s.Number)
		c.eq(at+".list", g.List, s.List)
		c.eq(at+".reason", g.Reason, s.Reason)
		c.eq(at+".round", g.Round, s.Round)
		c.rat(at+".value", g.Value, s.Value)
		c.eq(at+".tieBroken", g.TieBroken, s.TieBroken)
	}
	c.eq("ties (count)", len(r.Ties), len(w.Ties))
	for k := 0; c.m == nil && k < len(w.Ties); k++ {
		g, t := &r.Ties[k], &w.Ties[k]
		at := fmt.Sprintf("ties[%d]", k)
		c.eq(at+".reason", g.Reason, t.Reason)
		c.rat(at+".value", g.Value, t.Value)
		c.eq(at+".seats", g.Seats, t.Seats)
		c.codes(at+".lists", g.Lists, t.Lists)
		c.eq(at+".broken", g.Broken, t.Broken)
	}
	c.eq("undecided", r.Undecided, w.Undecided)
	c.eq("unfilled", r.Unfilled, w.Unfilled)
}

func (c *checker) list(at string, g, w *ListResult) {
	c.eq(at+".code", g.Code, w.Code)
	c.eq(at+".name", g.Name, w.Name)
	c.eq(at+".votes", g.Votes, w.Votes)
	c.eq(at+".qualified", g.Qualified, w.Qualified)
	c.eq(at+".seats", g.Seats, w.Seats)
	c.eq(at+".quotaSeats", g.QuotaSeats, w.QuotaSeats)
	c.rat(at+".remainder", g.Remainder, w.Remainder)
	c.rat(at+".nextQuotient", g.NextQuotient, w.NextQuotient)
	c.eq(at+".candidates (count)", len(g.Candidates), len(w.Candidates))
	for k := 0; c.m == nil && k < len(w.Candidates); k++ {
		ck := fmt.Sprintf("%s.candidates[%d]", at, k)
		c.eq(ck+".code", g.Candidates[k].Code, w.Candidates[k].Code)
		c.eq(ck+".name", g.Candidates[k].Name, w.Candidates[k].Name)
		c.eq(ck+".votes", g.Candidates[k].Votes, w.Candidates[k].Votes)
	}
	c.codes(at+".elected", g.Elected, w.Elected)
	c.codes(at+".alternates", g.Alternates, w.Alternates)
}

package ranked

import (
	"fmt"
	"slices"
)

// Check is the verifier's check of a published Count: it recounts the rows
// by the published method (CountSTV or CountIRV) for contest c and lot,
// and returns nil if the published count is the same in every field, or
// an error naming the first field that differs, stage by stage, e.g.
//
//	ranked: check: stage 5: field votes[3]: published 12.34567, recomputed 12.34568
func Check(c Contest, rows []Ranking, lot *Lot, published *Count) error {
	var got *Count
	var err error
	switch published.Method {
	case MethodScottishSTV:
		got, err = CountSTV(c, rows, lot)
	case MethodIRV:
		got, err = CountIRV(c, rows, lot)
	default:
		return fmt.Errorf("ranked: check: field method: unknown method %q", published.Method)
	}
	if err != nil {
		return err
	}
	return diffCount(published, got)
}

func differ(where, field string, published, recomputed any) error {
	if where != "" {
		where += ": "
	}
	return fmt.Errorf("ranked: check: %sfield %s: published %v, recomputed %v", where, field, published, recomputed)
}

func diffInts(where, field string, p, g []int) error {
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

func diffValues(where, field string, p, g []Value) error {
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

func diffTie(where, field string, p, g *Tie) error {
	switch {
	case p == nil && g == nil:
		return nil
	case p == nil:
		return differ(where, field, "none", fmt.Sprintf("%+v", *g))
	case g == nil:
		return differ(where, field, fmt.Sprintf("%+v", *p), "none")
	}
	for _, f := range []struct {
		name string
		p, g any
	}{{"decides", p.Decides, g.Decides}, {"by", p.By, g.By}, {"stage", p.Stage, g.Stage}, {"chosen", p.Chosen, g.Chosen}} {
		if f.p != f.g {
			return differ(where, field+"."+f.name, f.p, f.g)
		}
	}
	return diffInts(where, field+".candidates", p.Candidates, g.Candidates)
}

func diffCount(p, g *Count) error {
	for _, f := range []struct {
		name string
		p, g any
	}{{"method", p.Method, g.Method}, {"candidates", p.Candidates, g.Candidates}, {"maxRanks", p.MaxRanks, g.MaxRanks},
		{"seats", p.Seats, g.Seats}, {"valid", p.Valid, g.Valid}, {"invalid", p.Invalid, g.Invalid}, {"quota", p.Quota, g.Quota}} {
		if f.p != f.g {
			return differ("", f.name, f.p, f.g)
		}
	}
	for i := range min(len(p.Stages), len(g.Stages)) {
		ps, gs := &p.Stages[i], &g.Stages[i]
		where := fmt.Sprintf("stage %d", i+1)
		for _, f := range []struct {
			name string
			p, g any
		}{{"number", ps.Number, gs.Number}, {"kind", ps.Kind, gs.Kind}, {"candidate", ps.Candidate, gs.Candidate}} {
			if f.p != f.g {
				return differ(where, f.name, f.p, f.g)
			}
		}
		if len(ps.Ties) != len(gs.Ties) {
			return differ(where, "ties length", len(ps.Ties), len(gs.Ties))
		}
		for t := range ps.Ties {
			if err := diffTie(where, fmt.Sprintf("ties[%d]", t), &ps.Ties[t], &gs.Ties[t]); err != nil {
				return err
			}
		}
		if err := diffValues(where, "transfers", ps.Transfers, gs.Transfers); err != nil {
			return err
		}
		if ps.NonTransferable != gs.NonTransferable {
			return differ(where, "nonTransferable", ps.NonTransferable, gs.NonTransferable)
		}
		if ps.Lost != gs.Lost {
			return differ(where, "lost", ps.Lost, gs.Lost)
		}
		if err := diffValues(where, "votes", ps.Votes, gs.Votes); err != nil {
			return err
		}
		if err := diffInts(where, "elected", ps.Elected, gs.Elected); err != nil {
			return err
		}
		if err := diffInts(where, "lastVacancies", ps.LastVacancies, gs.LastVacancies); err != nil {
			return err
		}
	}
	if len(p.Stages) != len(g.Stages) {
		return differ("", "stages length", len(p.Stages), len(g.Stages))
	}
	if err := diffInts("", "elected", p.Elected, g.Elected); err != nil {
		return err
	}
	return diffTie("", "unresolved", p.Unresolved, g.Unresolved)
}

// CheckSchulze is the verifier's check of a published SchulzeResult: it
// recomputes Schulze from the rows and returns nil if every field is the
// same, or an error naming the first that differs (d, then p, tiers,
// order).
func CheckSchulze(c Contest, rows []Ranking, lot *Lot, published *SchulzeResult) error {
	g, err := Schulze(c, rows, lot)
	if err != nil {
		return err
	}
	p := published
	for _, f := range []struct {
		name string
		p, g any
	}{{"method", p.Method, g.Method}, {"candidates", p.Candidates, g.Candidates}, {"maxRanks", p.MaxRanks, g.MaxRanks},
		{"valid", p.Valid, g.Valid}, {"invalid", p.Invalid, g.Invalid}} {
		if f.p != f.g {
			return differ("", f.name, f.p, f.g)
		}
	}
	for _, m := range []struct {
		name string
		p, g [][]uint64
	}{{"d", p.D, g.D}, {"p", p.P, g.P}} {
		if len(m.p) != len(m.g) {
			return differ("", m.name+" length", len(m.p), len(m.g))
		}
		for i := range m.p {
			if !slices.Equal(m.p[i], m.g[i]) {
				for j := range min(len(m.p[i]), len(m.g[i])) {
					if m.p[i][j] != m.g[i][j] {
						return differ("", fmt.Sprintf("%s[%d][%d]", m.name, i, j), m.p[i][j], m.g[i][j])
					}
				}
				return differ("", fmt.Sprintf("%s[%d] length", m.name, i), len(m.p[i]), len(m.g[i]))
			}
		}
	}
	if len(p.Tiers) != len(g.Tiers) {
		return differ("", "tiers length", len(p.Tiers), len(g.Tiers))
	}
	for t := range p.Tiers {
		if err := diffInts("", fmt.Sprintf("tiers[%d]", t), p.Tiers[t], g.Tiers[t]); err != nil {
			return err
		}
	}
	return diffInts("", "order", p.Order, g.Order)
}

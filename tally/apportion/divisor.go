package apportion

import (
	"math/big"
	"math/bits"
)

// scaledDivisor returns the divisor for a list's (k+1)-th seat, multiplied
// by the method's scale so that it is an integer: D'Hondt k+1; Sainte-Laguë
// 2k+1; modified Sainte-Laguë 7 for k = 0 and 5(2k+1) after (the divisors
// 1.4, 3, 5, … times 5). Quotients of one method compare the same whether
// divided by the divisors or by the scaled ones.
func scaledDivisor(m Method, k int) uint64 {
	switch m {
	case DHondt:
		return uint64(k) + 1
	case SainteLague:
		return 2*uint64(k) + 1
	default: // ModifiedSainteLague
		if k == 0 {
			return 7
		}
		return 5 * (2*uint64(k) + 1)
	}
}

// quotient returns votes divided by the divisor of a list's (k+1)-th seat,
// exactly: votes/(k+1), votes/(2k+1), or 5·votes/7 for the first divisor
// 1.4 of the modified method.
func quotient(m Method, votes uint64, k int) *big.Rat {
	if m == ModifiedSainteLague {
		return new(big.Rat).SetFrac(new(big.Int).Mul(u(votes), u(5)), u(scaledDivisor(m, k)))
	}
	return new(big.Rat).SetFrac(u(votes), u(scaledDivisor(m, k)))
}

// cmp128 compares a·b with c·d, exactly.
func cmp128(a, b, c, d uint64) int {
	h1, l1 := bits.Mul64(a, b)
	h2, l2 := bits.Mul64(c, d)
	switch {
	case h1 < h2:
		return -1
	case h1 > h2:
		return 1
	case l1 < l2:
		return -1
	case l1 > l2:
		return 1
	}
	return 0
}

// divisorMethod allocates the seats one at a time: each goes to the open
// list with the highest quotient votes/divisor(seats won so far); lists
// with equal highest quotients are settled by contest.
func (a *allocation) divisorMethod() {
	m := a.in.Method
	lists := a.in.Lists
	group := make([]int, 0, len(lists))
	for a.remaining > 0 {
		group = group[:0]
		var bv, bd uint64 // the best quotient so far is bv/bd
		for i := range lists {
			if !a.open(i) {
				continue
			}
			v, d := lists[i].Votes, scaledDivisor(m, a.seats[i])
			if len(group) == 0 {
				group, bv, bd = append(group, i), v, d
				continue
			}
			switch cmp128(v, bd, bv, d) { // v/d against bv/bd
			case 1:
				group, bv, bd = append(group[:0], i), v, d
			case 0:
				group = append(group, i)
			}
		}
		if len(group) == 0 {
			return // every list is closed: the rest is unfilled
		}
		value := quotient(m, lists[group[0]].Votes, a.seats[group[0]])
		a.contest(group, Divisor, value, func(i int, broken bool) {
			a.seat(i, Divisor, a.seats[i]+1, quotient(m, lists[i].Votes, a.seats[i]), broken)
		})
	}
}

// listFigures sets each qualified list's next quotient (divisor methods)
// or its whole quotas and remainder (largest remainder methods).
func (a *allocation) listFigures() {
	for i := range a.in.Lists {
		if !a.qualified[i] {
			continue
		}
		lr := &a.res.Lists[i]
		if a.in.Method.divisor() {
			lr.NextQuotient = quotient(a.in.Method, lr.Votes, a.seats[i])
			continue
		}
		lr.QuotaSeats = a.quotaSeats[i]
		lr.Remainder = a.remainder(i)
	}
}

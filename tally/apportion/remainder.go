package apportion

import (
	"math/big"
	"math/bits"
	"slices"
)

// largestRemainder allocates by whole quotas, then by largest remainders.
//
// V is the sum of the qualified lists' votes and S the number of seats.
// The Hare quota is V/S (exact); a list's whole quotas are floor(v·S/V)
// and its remainder (v·S mod V)/S votes. The Droop quota is q =
// floor(V/(S+1)) + 1; whole quotas floor(v/q), remainder v mod q. Neither
// quota gives more whole quotas than seats (Σ floor(v·S/V) ≤ S, and
// Σ floor(v/q) ≤ V/q < S+1). A list takes at most as many seats as it has
// candidates. The seats left go in passes over the qualified lists with
// votes, in descending order of remainder: in each pass each list that can
// take a seat takes one, until the seats run out (lists with equal
// remainders are settled by contest) or no list can take one.
func (a *allocation) largestRemainder() {
	lists := a.in.Lists
	S, V := uint64(a.in.Seats), a.qvotes
	hare := a.in.Method == LargestRemainderHare
	a.quotaSeats = make([]int, len(lists))
	a.rem = make([]uint64, len(lists))
	if hare {
		a.res.Quota = new(big.Rat).SetFrac(u(V), u(S))
	} else {
		a.droop = V/(S+1) + 1
		a.res.Quota = new(big.Rat).SetInt(u(a.droop))
	}
	var order []int
	for i := range lists {
		if !a.qualified[i] || lists[i].Votes == 0 {
			continue
		}
		v := lists[i].Votes
		var whole uint64
		if hare {
			hi, lo := bits.Mul64(v, S)
			whole, a.rem[i] = bits.Div64(hi, lo, V) // hi < V as v ≤ V and S < 2^64
		} else {
			whole, a.rem[i] = v/a.droop, v%a.droop
		}
		k := min(whole, uint64(a.cap[i]))
		a.quotaSeats[i] = int(k)
		for j := 1; j <= int(k); j++ {
			a.seat(i, Quota, j, a.quotas(i), false)
		}
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(x, y int) int {
		switch rx, ry := a.rem[x], a.rem[y]; {
		case rx > ry:
			return -1
		case rx < ry:
			return 1
		}
		return 0
	})
	for pass := 1; a.remaining > 0; pass++ {
		seated := false
		for k := 0; k < len(order) && a.remaining > 0; {
			j := k
			var group []int
			for ; j < len(order) && a.rem[order[j]] == a.rem[order[k]]; j++ {
				if a.open(order[j]) {
					group = append(group, order[j])
				}
			}
			k = j
			if len(group) == 0 {
				continue
			}
			seated = true
			a.contest(group, Remainder, a.remainder(group[0]), func(i int, broken bool) {
				a.seat(i, Remainder, pass, a.remainder(i), broken)
			})
		}
		if !seated {
			return // no list can take a seat: the rest is unfilled
		}
	}
}

// quotas returns list i's votes divided by the quota: v·S/V (Hare) or v/q
// (Droop).
func (a *allocation) quotas(i int) *big.Rat {
	v := a.in.Lists[i].Votes
	if a.in.Method == LargestRemainderHare {
		return new(big.Rat).SetFrac(new(big.Int).Mul(u(v), u(uint64(a.in.Seats))), u(a.qvotes))
	}
	return new(big.Rat).SetFrac(u(v), u(a.droop))
}

// remainder returns list i's remainder in votes: (v·S mod V)/S (Hare) or
// v mod q (Droop).
func (a *allocation) remainder(i int) *big.Rat {
	if a.in.Method == LargestRemainderHare {
		return new(big.Rat).SetFrac(u(a.rem[i]), u(uint64(a.in.Seats)))
	}
	return new(big.Rat).SetInt(u(a.rem[i]))
}

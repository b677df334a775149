package ranked

import "slices"

// A SchulzeResult is the result of Schulze: the pairwise matrix, the
// strongest paths and the order they give.
type SchulzeResult struct {
	Method     string `json:"method"` // MethodSchulze
	Candidates int    `json:"candidates"`
	MaxRanks   int    `json:"maxRanks"`
	Valid      uint64 `json:"valid"`   // rows that are valid rankings
	Invalid    uint64 `json:"invalid"` // rows that are not
	// D[i][j] is the number of valid rows that rank candidate i above
	// candidate j (Schulze 2011, §2.1: a ranked candidate is above every
	// unranked one; unranked candidates are equal). D[i][i] is 0.
	D [][]uint64 `json:"d"`
	// P[i][j] is the strength of the strongest path from i to j, by
	// winning votes (§2.2): the widest path over the links i→j of strength
	// D[i][j] where D[i][j] > D[j][i], and 0 if there is no path. P[i][i]
	// is 0.
	P [][]uint64 `json:"p"`
	// Tiers is the Schulze order (§4.1): i is better than j if P[i][j] >
	// P[j][i]. Tiers[0] are the candidates that no candidate is better
	// than (the potential winners); each next tier those that only
	// candidates of earlier tiers are better than. Within a tier, by
	// ascending index.
	Tiers [][]int `json:"tiers"`
	// Order, with a Lot, is every candidate in the order of the tiers,
	// those within a tier by ascending lot key; Order[0] is the winner.
	// Without a Lot it is empty, and a first tier of more than one
	// candidate is a tie that the result reports and does not break.
	Order []int `json:"order"`
}

// Schulze computes the Schulze method (Markus Schulze, "A new monotonic,
// clone-independent, reversal symmetric, and Condorcet-consistent
// single-winner election method", Social Choice and Welfare 36 (2011)
// 267-303) with the strength of a link measured by winning votes, from the
// valid rows (rows that are not valid rankings are not counted). With a
// Lot, ties in the order are broken by the lot (see SchulzeResult.Order).
//
// It takes time proportional to the distinct rankings times the square
// of their length, plus the cube of the candidates (at most
// MaxSchulzeCandidates).
func Schulze(c Contest, rows []Ranking, lot *Lot) (*SchulzeResult, error) {
	if err := c.check(MethodSchulze); err != nil {
		return nil, err
	}
	if err := lot.check(); err != nil {
		return nil, err
	}
	p, err := groupRows(c, rows)
	if err != nil {
		return nil, err
	}
	n := c.Candidates
	res := &SchulzeResult{Method: MethodSchulze, Candidates: n, MaxRanks: c.MaxRanks, Valid: p.valid, Invalid: p.invalid,
		D: square(n), P: square(n), Tiers: [][]int{}, Order: []int{}}
	d := res.D
	// With R[x] the rows that rank x and P[x][y] those that rank both, x
	// before y: d[x][y] = P[x][y] + (rows that rank x and not y)
	// = P[x][y] + R[x] - P[x][y] - P[y][x] = R[x] - P[y][x]. So each row
	// costs the square of its length, not of the candidates. P is
	// accumulated in d itself, transposed at the end.
	ranked := make([]uint64, n)
	for g := range p.groups() {
		r, w := p.ranking(int32(g)), p.count[g]
		for k, x := range r {
			ranked[x] += w
			for _, y := range r[k+1:] {
				d[y][x] += w // P[x][y], stored at [y][x]
			}
		}
	}
	for x := range n {
		for y := range n {
			if x != y {
				d[x][y] = ranked[x] - d[x][y] // d[x][y] held P[y][x]
			}
		}
	}
	// Widest paths (§2.3, the Floyd-Warshall variant).
	pp := res.P
	for i := range n {
		for j := range n {
			if i != j && d[i][j] > d[j][i] {
				pp[i][j] = d[i][j]
			}
		}
	}
	for i := range n {
		for j := range n {
			if i == j || pp[j][i] == 0 {
				continue
			}
			pji := pp[j][i]
			rowj, rowi := pp[j], pp[i]
			for k := range n {
				if k != i && k != j {
					if s := min(pji, rowi[k]); s > rowj[k] {
						rowj[k] = s
					}
				}
			}
		}
	}
	// The order: peel off the candidates no remaining candidate beats.
	left := make([]int, n)
	for i := range n {
		left[i] = i
	}
	for len(left) > 0 {
		var tier, rest []int
		for _, i := range left {
			beaten := false
			for _, j := range left {
				if pp[j][i] > pp[i][j] {
					beaten = true
					break
				}
			}
			if beaten {
				rest = append(rest, i)
			} else {
				tier = append(tier, i)
			}
		}
		// The relation is a strict partial order (§4.1), so some
		// candidate is unbeaten and tier is never empty.
		res.Tiers = append(res.Tiers, tier)
		left = rest
	}
	if lot != nil {
		for _, t := range res.Tiers {
			t = slices.Clone(t)
			lot.order(t)
			res.Order = append(res.Order, t...)
		}
	}
	return res, nil
}

func square(n int) [][]uint64 {
	flat := make([]uint64, n*n)
	m := make([][]uint64, n)
	for i := range m {
		m[i] = flat[i*n : (i+1)*n : (i+1)*n]
	}
	return m
}

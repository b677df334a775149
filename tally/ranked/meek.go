package ranked

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
)

// MethodMeek is single transferable vote by Meek's method (Hill,
// Wichmann, Woodall, "Algorithm 123: Single Transferable Vote by Meek's
// method", The Computer Journal 30(3), 1987) in the form of the
// Proportional Representation Foundation's "Meek STV Reference Rule",
// whose fixed-point arithmetic, nine decimal places, follows the New
// Zealand STV calculation rules (CountMeek).
const MethodMeek = "meek"

// A Meek is a number in units of 10^-9: the arithmetic of CountMeek, whose
// votes and keep factors are "to 9 decimal places". One paper is MeekUnit,
// and so is a keep factor of one.
type Meek int64

// MeekUnit is 1.000000000.
const MeekUnit Meek = 1000000000

// meekOmega is the iteration limit omega = 10^-6 (rule A).
const meekOmega Meek = 1000

// MaxMeekRows is the most rows CountMeek takes: 2^32, so that every total
// of votes fits a Meek.
const MaxMeekRows = 1 << 32

// String writes m with exactly nine decimal places: "1000.750000001",
// "0.999749750". In JSON a Meek is such a string.
func (m Meek) String() string {
	var b []byte
	u := uint64(m)
	if m < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/uint64(MeekUnit), 10)
	frac := strconv.FormatUint(u%uint64(MeekUnit)+uint64(MeekUnit), 10)
	return string(append(append(b, '.'), frac[1:]...))
}

// MarshalText writes m as String does.
func (m Meek) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads the form of String only (nine decimal places, no
// leading zero, no "+", no "-0"); on error m is unchanged.
func (m *Meek) UnmarshalText(b []byte) error {
	s := string(b)
	neg := len(s) > 0 && s[0] == '-'
	t := s
	if neg {
		t = s[1:]
	}
	dot := len(t) - 10
	if dot < 1 || t[dot] != '.' || (t[0] == '0' && dot > 1) {
		return fmt.Errorf("%q is not a number with exactly nine decimal places", s)
	}
	var v uint64
	for i := 0; i < len(t); i++ {
		if i == dot {
			continue
		}
		c := t[i]
		if c < '0' || c > '9' {
			return fmt.Errorf("%q is not a number with exactly nine decimal places", s)
		}
		hi, lo := bits.Mul64(v, 10)
		lo, carry := bits.Add64(lo, uint64(c-'0'), 0)
		if hi != 0 || carry != 0 || lo > 1<<62 {
			return fmt.Errorf("%q is out of range", s)
		}
		v = lo
	}
	if neg && v == 0 {
		return fmt.Errorf("%q is a negative zero", s)
	}
	x := Meek(v)
	if neg {
		x = -x
	}
	*m = x
	return nil
}

// mulUp is a·b in units, "to 9 decimal places, rounded up":
// ceil(a·b / 10^9). a, b >= 0 and the result must fit (it does for the
// operands of CountMeek: see there).
func mulUp(a, b Meek) Meek {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	return Meek(divUp128(hi, lo, uint64(MeekUnit)))
}

// divUp is a/b in units, rounded up: ceil(a·10^9 / b), b > 0.
func divUp(a, b Meek) Meek {
	hi, lo := bits.Mul64(uint64(a), uint64(MeekUnit))
	return Meek(divUp128(hi, lo, uint64(b)))
}

// divUp128 is ceil((hi·2^64 + lo) / d), saturated at 2^62 if it does not
// fit (never for CountMeek's operands).
func divUp128(hi, lo, d uint64) uint64 {
	if hi >= d {
		return 1 << 62
	}
	q, r := bits.Div64(hi, lo, d)
	if r != 0 {
		q++
	}
	return min(q, 1<<62)
}

// A MeekCount is the result of CountMeek, every round of it.
type MeekCount struct {
	Method     string      `json:"method"` // MethodMeek
	Candidates int         `json:"candidates"`
	MaxRanks   int         `json:"maxRanks"`
	Seats      int         `json:"seats"`
	Valid      uint64      `json:"valid"`
	Invalid    uint64      `json:"invalid"`
	Rounds     []MeekRound `json:"rounds"`
	// Elected are the candidates elected, in the order of election
	// (within one round, most votes first, then ascending index).
	Elected    []int `json:"elected"`
	Unresolved *Tie  `json:"unresolved,omitempty"`
}

// A MeekRound is one round of CountMeek (rule B): iterations until a
// candidate is elected or the surplus is small or stable, then an election
// or an exclusion.
type MeekRound struct {
	Number     int `json:"number"`
	Iterations int `json:"iterations"`
	// Quota, Votes, KeepFactors, Surplus and Residual are as computed in the
	// last iteration of the round (B.2): the keep factors with which the
	// votes were distributed, the quota from those votes, the total surplus
	// of the elected candidates, and the residual (the valid papers less
	// the votes of all candidates: exhausted papers and rounding).
	Quota       Meek   `json:"quota"`
	Votes       []Meek `json:"votes"`
	KeepFactors []Meek `json:"keepFactors"`
	Surplus     Meek   `json:"surplus"`
	Residual    Meek   `json:"residual"`
	// Elected are the candidates elected in this round (B.2.c).
	Elected []int `json:"elected"`
	// Excluded is the candidate excluded in this round (B.3), or -1.
	Excluded int `json:"excluded"`
	// Ties are the tie decided in choosing Excluded (at most one).
	Ties []Tie `json:"ties"`
	// LastVacancies are the candidates elected at the end of the count
	// because no more remained than the unfilled seats (rule C.1).
	LastVacancies []int `json:"lastVacancies"`
}

// CountMeek counts rows by Meek's method under the PR Foundation's Meek
// STV Reference Rule, for c.Seats seats. The rule, with its step names:
//
//	A.   Every candidate is hopeful with keep factor kf = 1. omega = 10^-6.
//	B.1  While the hopeful candidates are more than the unfilled seats and
//	     a seat is unfilled, hold a round:
//	B.2  iterate:
//	  a. each paper starts with weight w = 1; for each candidate in its
//	     ranking in turn whose kf is not 0, the candidate gets w·kf
//	     (to 9 decimal places, rounded up) and w is reduced by as much,
//	     until the ranking ends or w is 0;
//	  b. the quota q is the sum of the votes of all candidates divided by
//	     seats + 1, truncated to 9 decimal places, plus 10^-9;
//	  c. each hopeful candidate with votes >= q is elected;
//	  d. the surplus s is the sum of (votes - q) over the elected
//	     candidates, but not less than 0;
//	  e. if c elected a candidate, the round ends (back to B.1);
//	     otherwise, if s < omega, or (after the round's first iteration)
//	     s >= the surplus of the previous iteration, go to B.3;
//	  f. each elected candidate's kf becomes kf·q (to 9 decimal places,
//	     rounded up) divided by its votes (to 9 decimal places, rounded
//	     up); iterate again.
//	B.3  Exclude the hopeful candidate with the fewest votes v: every
//	     hopeful candidate whose votes are <= v + s is tied with it, and
//	     the lot decides among them (procedure T: see Lot; without a lot
//	     the count stops and reports the tie). Its kf becomes 0.
//	C.   If seats are unfilled, the hopeful candidates left are elected.
//
// Values are Meeks, integers in units of 10^-9, and products and
// quotients are taken in 128 bits. Each round's iterations end because the
// surplus, an integer, must fall at every iteration. Rows that are not
// valid rankings are not counted; at most MaxMeekRows rows.
func CountMeek(c Contest, rows []Ranking, lot *Lot) (*MeekCount, error) {
	if err := c.check(MethodMeek); err != nil {
		return nil, err
	}
	if err := lot.check(); err != nil {
		return nil, err
	}
	if uint64(len(rows)) > MaxMeekRows {
		return nil, errors.New("ranked: meek: more rows than MaxMeekRows")
	}
	p, err := groupRows(c, rows)
	if err != nil {
		return nil, err
	}
	var order func([]int)
	if lot != nil {
		order = lot.order
	}
	return countMeek(c, p, order), nil
}

// countMeek is CountMeek with the lot as a function that orders tied
// candidates (nil: no lot).
func countMeek(c Contest, p *papers, lotOrder func([]int)) *MeekCount {
	n := c.Candidates
	out := &MeekCount{Method: MethodMeek, Candidates: n, MaxRanks: c.MaxRanks, Seats: c.Seats,
		Valid: p.valid, Invalid: p.invalid, Rounds: []MeekRound{}, Elected: []int{}}
	state := make([]uint8, n)
	kf := make([]Meek, n)
	for i := range kf {
		kf[i] = MeekUnit // rule A
	}
	total := Meek(p.valid) * MeekUnit
	votes := make([]Meek, n)
	inState := func(s uint8) []int {
		var out []int
		for i, x := range state {
			if x == s {
				out = append(out, i)
			}
		}
		return out
	}
	for len(inState(continuing)) > c.Seats-len(out.Elected) && c.Seats-len(out.Elected) > 0 { // B.1
		r := MeekRound{Number: len(out.Rounds) + 1, Elected: []int{}, Excluded: -1, Ties: []Tie{}, LastVacancies: []int{}}
		lastSurplus := total
		var quota, surplus Meek
		elected := false
		for {
			r.Iterations++
			// B.2.a
			clear(votes)
			for g := range p.groups() {
				w, m := MeekUnit, Meek(p.count[g])
				for _, x := range p.ranking(int32(g)) {
					if kf[x] == 0 {
						continue
					}
					kw := mulUp(w, kf[x])
					votes[x] += kw * m
					w -= kw
					if w <= 0 {
						break
					}
				}
			}
			// B.2.b
			var sum Meek
			for _, v := range votes {
				sum += v
			}
			quota = sum/Meek(c.Seats+1) + 1
			// B.2.c
			var now []int
			for _, x := range inState(continuing) {
				if votes[x] >= quota && len(out.Elected)+len(now) < c.Seats {
					now = append(now, x)
				}
			}
			slices.SortStableFunc(now, func(a, b int) int {
				if votes[a] != votes[b] {
					if votes[a] > votes[b] {
						return -1
					}
					return 1
				}
				return a - b
			})
			for _, x := range now {
				state[x] = electedState
				out.Elected = append(out.Elected, x)
				r.Elected = append(r.Elected, x)
			}
			// B.2.d
			surplus = 0
			for _, x := range inState(electedState) {
				surplus += votes[x] - quota
			}
			surplus = max(surplus, 0)
			// B.2.e
			if len(now) > 0 {
				elected = true
				break
			}
			if surplus < meekOmega || surplus >= lastSurplus {
				break
			}
			lastSurplus = surplus
			// B.2.f
			for _, x := range inState(electedState) {
				kf[x] = divUp(mulUp(kf[x], quota), votes[x])
			}
		}
		r.Quota, r.Surplus = quota, surplus
		r.Votes, r.KeepFactors = slices.Clone(votes), slices.Clone(kf)
		var sum Meek
		for _, v := range votes {
			sum += v
		}
		r.Residual = total - sum
		if !elected {
			// B.3
			hopeful := inState(continuing)
			low := votes[hopeful[0]]
			for _, x := range hopeful {
				low = min(low, votes[x])
			}
			var tied []int
			for _, x := range hopeful {
				if votes[x] <= low+surplus {
					tied = append(tied, x)
				}
			}
			x := tied[0]
			if len(tied) > 1 {
				t := Tie{Decides: DecidesExclusion, Candidates: tied, By: Unresolved, Chosen: -1}
				if lotOrder == nil {
					out.Rounds = append(out.Rounds, r)
					out.Unresolved = &t
					return out
				}
				drawn := slices.Clone(tied)
				lotOrder(drawn)
				t.By, t.Chosen = ByLot, drawn[0]
				r.Ties = append(r.Ties, t)
				x = drawn[0]
			}
			state[x] = excludedState
			kf[x] = 0
			r.Excluded = x
		}
		out.Rounds = append(out.Rounds, r)
	}
	// C.1
	if len(out.Elected) < c.Seats && len(out.Rounds) > 0 {
		last := &out.Rounds[len(out.Rounds)-1]
		for _, x := range inState(continuing) {
			state[x] = electedState
			out.Elected = append(out.Elected, x)
			last.LastVacancies = append(last.LastVacancies, x)
		}
	}
	return out
}

package apportion

import (
	"bytes"
	"crypto/sha512"
	"fmt"
	"math/big"
	"slices"
	"unicode/utf8"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/wire"
)

// A Method is a rule that allocates seats to lists. Its string is the name
// a manifest uses.
type Method string

const (
	// DHondt is the D'Hondt method (Jefferson's method): divisors 1, 2, 3, …
	DHondt Method = "dhondt"
	// SainteLague is the Sainte-Laguë method (Webster's method): divisors
	// 1, 3, 5, 7, …
	SainteLague Method = "sainte-lague"
	// ModifiedSainteLague is the Sainte-Laguë method with first divisor
	// 1.4: divisors 1.4, 3, 5, 7, … (Norway's election act of 2002; Sweden
	// until the election of 2014).
	ModifiedSainteLague Method = "modified-sainte-lague"
	// LargestRemainderHare is the largest remainder method (Hamilton,
	// Hare–Niemeyer) with the Hare quota V/S, an exact fraction.
	LargestRemainderHare Method = "largest-remainder-hare"
	// LargestRemainderDroop is the largest remainder method with the Droop
	// quota floor(V/(S+1)) + 1, an integer.
	LargestRemainderDroop Method = "largest-remainder-droop"
)

// Methods lists the methods, in the order of the constants.
var Methods = []Method{DHondt, SainteLague, ModifiedSainteLague, LargestRemainderHare, LargestRemainderDroop}

func (m Method) divisor() bool {
	return m == DHondt || m == SainteLague || m == ModifiedSainteLague
}

func (m Method) known() bool {
	return m.divisor() || m == LargestRemainderHare || m == LargestRemainderDroop
}

// Bounds on the input, checked by Allocate and by the JSON decoder.
const (
	// MaxLists is the largest number of lists.
	MaxLists = 1000
	// MaxCandidates is the largest number of candidates, all lists together.
	MaxCandidates = 10000
	// MaxSeats is the largest number of seats.
	MaxSeats = 10000
	// MaxVotes bounds every vote count and the sum of the lists' votes
	// (2^63), so that every product the rules compare fits in 128 bits.
	MaxVotes = 1 << 63
	// MaxThreshold is the threshold of 100% in basis points.
	MaxThreshold = 10000
	// MaxName is the longest name of a list or candidate, in bytes.
	MaxName = 1024
)

// Input is what the allocation is a function of: the method, the number of
// seats, the threshold and the published votes of every list and of its
// candidates. The zero value is not valid.
type Input struct {
	Method Method
	// Seats is the number of seats to allocate, 1 to MaxSeats.
	Seats int
	// Threshold is the electoral threshold in basis points of the valid
	// votes (500 is 5%), 0 to MaxThreshold; 0 is no threshold. The valid
	// votes are the sum of the Votes of all Lists. A list qualifies if its
	// votes × 10000 ≥ Threshold × valid votes: reaching the threshold
	// exactly qualifies.
	Threshold uint32
	// Lists are the lists in ballot order, each with a distinct code.
	Lists []List
	// TieBreak, if not nil, breaks the ties that decide a seat; nil
	// reports them unbroken.
	TieBreak *TieBreak
}

// A List is a party list: its votes, and its candidates in list order.
type List struct {
	Code  uint32
	Name  string
	Votes uint64
	// Candidates are in the order of the list (position 1 first); their
	// codes are distinct across all lists. A list can win at most
	// len(Candidates) seats.
	Candidates []Candidate
}

// A Candidate is a candidate on a list with its preference votes.
type Candidate struct {
	Code  uint32
	Name  string
	Votes uint64
}

// A TieBreak is the public seed that orders tied lists, fixed in the
// manifest before voting (ballot.Manifest.TieBreakSeed), with the
// election's base hash and the contest's index.
type TieBreak struct {
	BaseHash [ballot.HashSize]byte
	Seed     []byte // 1 to ballot.MaxTieBreakSeedSize bytes
	Contest  uint32
}

// tieBreakLabel is the label of the key that orders tied lists.
const tieBreakLabel = "sandogh-v1/list-tie-break"

// key returns SHA-512(str("sandogh-v1/list-tie-break") ‖ fixed(base hash) ‖
// bytes(seed) ‖ u32(contest) ‖ u32(list code)).
func (t *TieBreak) key(code uint32) [sha512.Size]byte {
	var e wire.Writer
	e.Str(tieBreakLabel)
	e.Fixed(t.BaseHash[:])
	e.Bytes(t.Seed)
	e.U32(t.Contest)
	e.U32(code)
	return sha512.Sum512(e.B)
}

// A Reason says why a seat went to its list.
type Reason string

const (
	// Divisor is a seat won by the highest quotient votes/divisor.
	Divisor Reason = "divisor"
	// Quota is a seat won automatically by a whole quota.
	Quota Reason = "quota"
	// Remainder is a seat won by a largest remainder.
	Remainder Reason = "remainder"
)

// Result is the allocation of seats: the Input's votes, the quota or
// quotients, every seat in allocation order with its reason, the ties, and
// within each list its elected candidates and alternates. Rationals are
// exact and reduced; a Result from Allocate shares no memory with its Input.
type Result struct {
	Method    Method
	Seats     int
	Threshold uint32 // basis points
	// ValidVotes is the sum of the votes of all lists.
	ValidVotes uint64
	// ThresholdVotes is Threshold/10000 × ValidVotes, the votes a list
	// needs at least to qualify.
	ThresholdVotes *big.Rat
	// QualifiedVotes is the sum of the votes of the qualified lists, the V
	// of the quotas.
	QualifiedVotes uint64
	// Quota is the quota of a largest remainder method (Hare V/S, Droop
	// floor(V/(S+1)) + 1), nil for a divisor method.
	Quota *big.Rat
	// TieBreak says whether a tie-break seed was given.
	TieBreak bool
	// Lists are the lists in the order of the Input.
	Lists []ListResult
	// Allocation holds the decided seats in allocation order.
	Allocation []Seat
	// Ties are the ties that decided a seat (at most one: the last seats).
	Ties []Tie
	// Undecided is the number of seats of an unbroken tie, not allocated.
	Undecided int
	// Unfilled is the number of seats no list could take: every qualified
	// list with votes has as many seats as candidates.
	Unfilled int
}

// A ListResult is one list's share.
type ListResult struct {
	Code      uint32
	Name      string
	Votes     uint64
	Qualified bool
	// Seats is the number of seats the list won.
	Seats int
	// QuotaSeats is the number of its seats won by whole quotas (largest
	// remainder methods; 0 for divisor methods).
	QuotaSeats int
	// Remainder is votes − floor(votes/quota) × quota, for a qualified list
	// under a largest remainder method; nil otherwise.
	Remainder *big.Rat
	// NextQuotient is votes divided by the divisor of the list's next seat
	// (the highest quotient it did not win), for a qualified list under a
	// divisor method; nil otherwise.
	NextQuotient *big.Rat
	// Candidates are the list's candidates in list order, with their
	// preference votes.
	Candidates []Candidate
	// Elected are the codes of the candidates who take the list's seats,
	// Alternates those of the others, each in order of preference votes,
	// highest first, equal votes in list order.
	Elected    []uint32
	Alternates []uint32
}

// A Seat is one seat in allocation order.
type Seat struct {
	// Number is the seat's place in allocation order, from 1.
	Number int
	// List is the code of the list that won it.
	List   uint32
	Reason Reason
	// Round is, for Divisor, k when this is the list's k-th seat (it won
	// with the k-th divisor); for Quota, k for its k-th whole quota; for
	// Remainder, the pass over the remainders (1 unless lists were full).
	Round int
	// Value is, for Divisor, the quotient votes/divisor; for Quota, the
	// list's votes/quota; for Remainder, the list's remainder.
	Value *big.Rat
	// TieBroken says the seat was won by the tie-break seed.
	TieBroken bool
}

// A Tie is a set of lists with equal quotients (or remainders) competing
// for fewer seats than they are.
type Tie struct {
	Reason Reason // Divisor or Remainder
	Value  *big.Rat
	// Seats is the number of seats the tied lists compete for.
	Seats int
	// Lists are the tied lists' codes: in ascending order of tie-break key
	// when Broken (the first Seats of them won), in input order otherwise.
	Lists  []uint32
	Broken bool
}

// Allocate allocates in.Seats seats to the lists of in by in.Method
// (docs/apportion.md states the rules). It returns an error naming the
// field if the input is out of bounds or inconsistent.
func Allocate(in *Input) (*Result, error) {
	if err := validate(in); err != nil {
		return nil, err
	}
	a := newAllocation(in)
	if in.Method.divisor() {
		a.divisorMethod()
	} else {
		a.largestRemainder()
	}
	return a.result(), nil
}

func validate(in *Input) error {
	if !in.Method.known() {
		return fmt.Errorf("apportion: field method: unknown method %q", in.Method)
	}
	if in.Seats < 1 || in.Seats > MaxSeats {
		return fmt.Errorf("apportion: field seats: %d is not between 1 and %d", in.Seats, MaxSeats)
	}
	if in.Threshold > MaxThreshold {
		return fmt.Errorf("apportion: field threshold: %d basis points exceed %d", in.Threshold, MaxThreshold)
	}
	if len(in.Lists) == 0 || len(in.Lists) > MaxLists {
		return fmt.Errorf("apportion: field lists: %d lists, want 1 to %d", len(in.Lists), MaxLists)
	}
	if t := in.TieBreak; t != nil && (len(t.Seed) == 0 || len(t.Seed) > ballot.MaxTieBreakSeedSize) {
		return fmt.Errorf("apportion: field tieBreak.seed: %d bytes, want 1 to %d", len(t.Seed), ballot.MaxTieBreakSeedSize)
	}
	lists := make(map[uint32]int, len(in.Lists))
	cands := make(map[uint32]int)
	var total uint64
	n := 0
	for i := range in.Lists {
		l := &in.Lists[i]
		where := fmt.Sprintf("apportion: list %d (code %d)", i, l.Code)
		if j, dup := lists[l.Code]; dup {
			return fmt.Errorf("%s: field code: the code of list %d too", where, j)
		}
		lists[l.Code] = i
		if err := checkName(l.Name); err != nil {
			return fmt.Errorf("%s: field name: %v", where, err)
		}
		if l.Votes > MaxVotes-total { // total ≤ MaxVotes, so no overflow
			return fmt.Errorf("%s: field votes: %d brings the lists' votes over the maximum 2^63", where, l.Votes)
		}
		total += l.Votes
		n += len(l.Candidates)
		if n > MaxCandidates {
			return fmt.Errorf("%s: field candidates: more than %d candidates in all", where, MaxCandidates)
		}
		for k := range l.Candidates {
			c := &l.Candidates[k]
			if j, dup := cands[c.Code]; dup {
				return fmt.Errorf("%s: candidate %d (code %d): field code: also a candidate of list %d", where, k, c.Code, j)
			}
			cands[c.Code] = i
			if err := checkName(c.Name); err != nil {
				return fmt.Errorf("%s: candidate %d (code %d): field name: %v", where, k, c.Code, err)
			}
			if c.Votes > MaxVotes {
				return fmt.Errorf("%s: candidate %d (code %d): field votes: %d exceeds the maximum 2^63", where, k, c.Code, c.Votes)
			}
		}
	}
	return nil
}

func checkName(s string) error {
	if len(s) > MaxName {
		return fmt.Errorf("%d bytes exceed the maximum %d", len(s), MaxName)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	return nil
}

// allocation is the state of one run of Allocate.
type allocation struct {
	in        *Input
	qualified []bool
	seats     []int // per list
	cap       []int // per list: its number of candidates
	valid     uint64
	qvotes    uint64
	remaining int
	res       *Result
	keys      [][sha512.Size]byte // tie-break keys, when a seed is given

	// Largest remainder methods only.
	quotaSeats []int    // per list: seats won by whole quotas
	rem        []uint64 // per list: remainder numerator (over S for Hare)
	droop      uint64   // the Droop quota
}

func newAllocation(in *Input) *allocation {
	n := len(in.Lists)
	a := &allocation{in: in, qualified: make([]bool, n), seats: make([]int, n), cap: make([]int, n), remaining: in.Seats}
	for i := range in.Lists {
		a.valid += in.Lists[i].Votes
		a.cap[i] = len(in.Lists[i].Candidates)
	}
	for i := range in.Lists {
		// votes × 10000 ≥ threshold × valid, in 128 bits.
		a.qualified[i] = cmp128(in.Lists[i].Votes, MaxThreshold, a.valid, uint64(in.Threshold)) >= 0
		if a.qualified[i] {
			a.qvotes += in.Lists[i].Votes
		}
	}
	if in.TieBreak != nil {
		a.keys = make([][sha512.Size]byte, n)
		for i := range in.Lists {
			a.keys[i] = in.TieBreak.key(in.Lists[i].Code)
		}
	}
	a.res = &Result{
		Method: in.Method, Seats: in.Seats, Threshold: in.Threshold,
		ValidVotes: a.valid, QualifiedVotes: a.qvotes, TieBreak: in.TieBreak != nil,
		ThresholdVotes: new(big.Rat).SetFrac(new(big.Int).Mul(u(a.valid), u(uint64(in.Threshold))), u(MaxThreshold)),
		Allocation:     []Seat{}, Ties: []Tie{},
	}
	return a
}

// open reports whether list i can take another seat: it qualified, has
// votes, and has a candidate left for the seat.
func (a *allocation) open(i int) bool {
	return a.qualified[i] && a.in.Lists[i].Votes > 0 && a.seats[i] < a.cap[i]
}

// seat gives list i the next seat.
func (a *allocation) seat(i int, r Reason, round int, value *big.Rat, broken bool) {
	a.seats[i]++
	a.remaining--
	a.res.Allocation = append(a.res.Allocation, Seat{Number: len(a.res.Allocation) + 1, List: a.in.Lists[i].Code,
		Reason: r, Round: round, Value: value, TieBroken: broken})
}

// contest settles a group of lists with equal value competing for the
// remaining seats, in input order: all of them take a seat if the seats
// suffice; otherwise the group is a Tie, broken by the seed if one is given.
// It calls give for each list that takes a seat, in order.
func (a *allocation) contest(group []int, r Reason, value *big.Rat, give func(i int, broken bool)) {
	if a.keys != nil {
		slices.SortStableFunc(group, func(x, y int) int { return bytes.Compare(a.keys[x][:], a.keys[y][:]) })
	}
	if len(group) <= a.remaining {
		for _, i := range group {
			give(i, false)
		}
		return
	}
	t := Tie{Reason: r, Value: value, Seats: a.remaining, Lists: make([]uint32, len(group)), Broken: a.keys != nil}
	for k, i := range group {
		t.Lists[k] = a.in.Lists[i].Code
	}
	a.res.Ties = append(a.res.Ties, t)
	if a.keys == nil {
		a.res.Undecided = a.remaining
		a.remaining = 0
		return
	}
	for _, i := range group[:a.remaining] {
		give(i, true)
	}
}

// result finishes the Result: the lists' shares and, within each list, its
// elected candidates and alternates.
func (a *allocation) result() *Result {
	r := a.res
	r.Unfilled = a.remaining
	r.Lists = make([]ListResult, len(a.in.Lists))
	for i := range a.in.Lists {
		l := &a.in.Lists[i]
		lr := &r.Lists[i]
		lr.Code, lr.Name, lr.Votes, lr.Qualified, lr.Seats = l.Code, l.Name, l.Votes, a.qualified[i], a.seats[i]
		lr.Candidates = slices.Clone(l.Candidates)
		if lr.Candidates == nil {
			lr.Candidates = []Candidate{}
		}
		order := make([]int, len(l.Candidates))
		for k := range order {
			order[k] = k
		}
		slices.SortStableFunc(order, func(x, y int) int {
			vx, vy := l.Candidates[x].Votes, l.Candidates[y].Votes
			switch {
			case vx > vy:
				return -1
			case vx < vy:
				return 1
			}
			return 0
		})
		lr.Elected, lr.Alternates = make([]uint32, 0, a.seats[i]), make([]uint32, 0, len(order)-a.seats[i])
		for k, c := range order {
			if k < a.seats[i] {
				lr.Elected = append(lr.Elected, l.Candidates[c].Code)
			} else {
				lr.Alternates = append(lr.Alternates, l.Candidates[c].Code)
			}
		}
	}
	a.listFigures()
	return r
}

// u returns x as a big.Int.
func u(x uint64) *big.Int { return new(big.Int).SetUint64(x) }

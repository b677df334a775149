package ranked

import (
	"errors"
	"slices"
)

// Counting methods (Count.Method).
const (
	// MethodScottishSTV is single transferable vote by the Scottish rules,
	// SSI 2007/42, Schedule 1, Part III, rules 45-52 (CountSTV).
	MethodScottishSTV = "scottish-stv"
	// MethodIRV is instant-runoff voting for one seat (CountIRV).
	MethodIRV = "irv"
	// MethodSchulze is the Schulze method by winning votes (Schulze).
	MethodSchulze = "schulze"
)

// Kinds of stage (Stage.Kind).
const (
	// StageFirst is the first stage: first preferences (rule 45).
	StageFirst = "first"
	// StageSurplus transfers the surplus of Stage.Candidate (rules 48, 49).
	StageSurplus = "surplus"
	// StageExclusion excludes Stage.Candidate and transfers its papers
	// (rules 50, 51), unless rule 52 fills the last vacancies.
	StageExclusion = "exclusion"
)

// A Count is the result of CountSTV or CountIRV, every stage of it.
//
// Invariants, which Check and the tests verify: in every stage the
// Transfers, NonTransferable and Lost add up to zero; the Votes after a
// stage are the Votes before it plus its Transfers; the Votes, all
// NonTransferable and all Lost up to a stage add up to Valid·Unit.
type Count struct {
	Method     string `json:"method"` // MethodScottishSTV or MethodIRV
	Candidates int    `json:"candidates"`
	MaxRanks   int    `json:"maxRanks"`
	Seats      int    `json:"seats"`   // 1 for MethodIRV
	Valid      uint64 `json:"valid"`   // rows that are valid rankings: the valid ballot papers
	Invalid    uint64 `json:"invalid"` // rows that are not
	// Quota is the quota of rule 46, a whole number of votes; zero for
	// instant-runoff, whose winner needs a majority of the continuing
	// votes instead.
	Quota  Value   `json:"quota"`
	Stages []Stage `json:"stages"`
	// Elected are the candidates elected, in the order of election
	// (within one stage, most votes first, then ascending index).
	Elected []int `json:"elected"`
	// Unresolved is the tie at which the count stopped because the rules
	// leave it to lot and there was no Lot; nil if the count is complete.
	Unresolved *Tie `json:"unresolved,omitempty"`
}

// A Stage is one stage of the count (rule 45: the first stage; then each
// transfer of a surplus and each exclusion).
type Stage struct {
	Number    int    `json:"number"`    // 1, 2, …
	Kind      string `json:"kind"`      // StageFirst, StageSurplus or StageExclusion
	Candidate int    `json:"candidate"` // whose surplus is transferred, or who is excluded; -1 in the first stage
	// Ties are the ties decided in choosing Candidate (at most one).
	Ties []Tie `json:"ties"`
	// Transfers are the votes each candidate gained (or, for Candidate,
	// lost: the negative of the surplus or of its votes) at this stage; in
	// the first stage, the first preferences.
	Transfers []Value `json:"transfers"`
	// NonTransferable is the value of the papers of this stage with no
	// next available preference for a continuing candidate.
	NonTransferable Value `json:"nonTransferable"`
	// Lost is the value lost by ignoring the remainders of rule 48(3): the
	// surplus less what was transferred and what became non-transferable.
	Lost Value `json:"lost"`
	// Votes are each candidate's votes at the end of the stage.
	Votes []Value `json:"votes"`
	// Elected are the candidates who reached the quota at this stage
	// (rule 47; for instant-runoff, the winner), most votes first.
	Elected []int `json:"elected"`
	// LastVacancies are the continuing candidates deemed elected at the end
	// of this stage because they were as many as the vacancies (rule 52).
	LastVacancies []int `json:"lastVacancies"`
}

// candidate states
const (
	continuing = iota
	electedState
	excludedState
)

// counter holds the state of a count.
type counter struct {
	c       Contest
	p       *papers
	lot     *Lot
	state   []uint8
	votes   []Value
	piles   [][]int32 // the groups each candidate holds
	pos     []uint16  // group g's next preference is ranking(g)[pos[g]]
	value   []Value   // the value of each paper of group g
	history [][]Value // votes at the end of each stage
	out     *Count
}

func newCounter(method string, c Contest, rows []Ranking, lot *Lot) (*counter, error) {
	if err := c.check(method); err != nil {
		return nil, err
	}
	if err := lot.check(); err != nil {
		return nil, err
	}
	p, err := groupRows(c, rows)
	if err != nil {
		return nil, err
	}
	k := &counter{c: c, p: p, lot: lot,
		state: make([]uint8, c.Candidates),
		votes: make([]Value, c.Candidates),
		piles: make([][]int32, c.Candidates),
		pos:   make([]uint16, p.groups()),
		value: make([]Value, p.groups()),
		out: &Count{Method: method, Candidates: c.Candidates, MaxRanks: c.MaxRanks, Seats: c.Seats,
			Valid: p.valid, Invalid: p.invalid, Elected: []int{}},
	}
	if method == MethodIRV {
		k.out.Seats = 1
	}
	return k, nil
}

// firstStage is rule 45: each paper to its first preference at value one.
func (k *counter) firstStage() {
	st := k.newStage(StageFirst, -1)
	for g := range k.p.groups() {
		c := k.p.ranking(int32(g))[0]
		k.value[g] = Unit
		k.piles[c] = append(k.piles[c], int32(g))
		st.Transfers[c] += Value(k.p.count[g]) * Unit
	}
	k.endStage(st)
}

func (k *counter) newStage(kind string, cand int) *Stage {
	return &Stage{Number: len(k.out.Stages) + 1, Kind: kind, Candidate: cand, Ties: []Tie{},
		Transfers: make([]Value, k.c.Candidates), Elected: []int{}, LastVacancies: []int{}}
}

func (k *counter) endStage(st *Stage) {
	for i, t := range st.Transfers {
		k.votes[i] += t
	}
	st.Votes = slices.Clone(k.votes)
	k.history = append(k.history, st.Votes)
	k.out.Stages = append(k.out.Stages, *st)
}

func (k *counter) stage() *Stage { return &k.out.Stages[len(k.out.Stages)-1] }

// transfer moves the papers of candidate from to their next available
// preferences for continuing candidates, each at the value newValue gives
// it, into st. It returns the value transferred and non-transferable.
func (k *counter) transfer(st *Stage, from int, newValue func(Value) Value) (moved Value) {
	for _, g := range k.piles[from] {
		v := newValue(k.value[g])
		k.value[g] = v
		r := k.p.ranking(g)
		i := int(k.pos[g])
		for i < len(r) && k.state[r[i]] != continuing {
			i++
		}
		k.pos[g] = uint16(i)
		total := Value(k.p.count[g]) * v
		if i == len(r) {
			st.NonTransferable += total
		} else {
			to := r[i]
			k.piles[to] = append(k.piles[to], g)
			st.Transfers[to] += total
		}
		moved += total
	}
	k.piles[from] = nil
	return moved
}

// breakTie chooses among tied candidates (ascending), the one with the
// most votes (highest, for rule 49(2)) or the fewest (rule 51(2)(a)) at
// the end of the most recent preceding stage at which their votes were
// unequal. With three or more tied candidates, those that are not at the
// extreme at that stage drop out and the rest are compared at earlier
// stages in the same way. If the votes were equal at all stages, the lot
// decides (rules 49(3), 51(2)(b)), or the tie is Unresolved.
func (k *counter) breakTie(decides string, tied []int, highest bool) Tie {
	t := Tie{Decides: decides, Candidates: slices.Clone(tied), Chosen: -1}
	rest := slices.Clone(tied)
	// The current votes are history[len-1], equal by assumption.
	for s := len(k.history) - 2; s >= 0 && len(rest) > 1; s-- {
		h := k.history[s]
		best := h[rest[0]]
		for _, c := range rest[1:] {
			if (highest && h[c] > best) || (!highest && h[c] < best) {
				best = h[c]
			}
		}
		next := rest[:0:0]
		for _, c := range rest {
			if h[c] == best {
				next = append(next, c)
			}
		}
		if len(next) < len(rest) {
			rest = next
			t.Stage = s + 1
		}
	}
	if len(rest) == 1 {
		t.By, t.Chosen = ByEarlierStage, rest[0]
		return t
	}
	t.Stage = 0
	if k.lot == nil {
		t.By = Unresolved
		return t
	}
	// A tie narrowed at earlier stages but still open goes to lot among
	// those left.
	k.lot.order(rest)
	t.By, t.Chosen = ByLot, rest[0]
	return t
}

// pick returns the candidate among cands with the most (highest) or
// fewest votes, deciding a tie by breakTie.
func (k *counter) pick(decides string, cands []int, highest bool) (int, *Tie) {
	best := k.votes[cands[0]]
	for _, c := range cands[1:] {
		if (highest && k.votes[c] > best) || (!highest && k.votes[c] < best) {
			best = k.votes[c]
		}
	}
	var tied []int
	for _, c := range cands {
		if k.votes[c] == best {
			tied = append(tied, c)
		}
	}
	if len(tied) == 1 {
		return tied[0], nil
	}
	t := k.breakTie(decides, tied, highest)
	return t.Chosen, &t
}

// byVotes returns cands ordered by votes, most first, then by index.
func (k *counter) byVotes(cands []int) []int {
	slices.SortStableFunc(cands, func(a, b int) int {
		switch {
		case k.votes[a] > k.votes[b]:
			return -1
		case k.votes[a] < k.votes[b]:
			return 1
		}
		return a - b
	})
	return cands
}

func (k *counter) candidatesIn(state uint8) []int {
	var out []int
	for c, s := range k.state {
		if s == state {
			out = append(out, c)
		}
	}
	return out
}

// CountSTV counts rows by single transferable vote under the Scottish
// rules, The Scottish Local Government Elections Order 2007 (SSI 2007/42),
// Schedule 1, Part III, rules 45-52, for c.Seats seats. Rows that are not
// valid rankings (ValidateRanking) are not counted; the valid ones are the
// valid ballot papers. Ties that the rules leave to lot are drawn by lot
// (see Lot), or, with a nil lot, stop the count (Count.Unresolved).
//
// The arithmetic is exact: votes are Values in units of 10^-5 and the
// transfer value of rule 48(3) is rounded down to a unit. The count is a
// function of the multiset of rows (and the lot): their order does not
// change it.
func CountSTV(c Contest, rows []Ranking, lot *Lot) (*Count, error) {
	k, err := newCounter(MethodScottishSTV, c, rows, lot)
	if err != nil {
		return nil, err
	}
	// Rule 46: the quota is the number of valid papers divided by one more
	// than the seats, decimal places ignored, increased by one. With no
	// valid paper (every row blank or invalid) it is 1: nobody reaches it,
	// the candidates are excluded by lot (rule 51) until rule 52 fills the
	// vacancies, so that a contest nobody ranked in still has its count.
	quota := Value(k.p.valid/uint64(c.Seats+1)+1) * Unit
	k.out.Quota = quota
	k.firstStage()     // rule 45
	pending := []int{} // elected with a surplus not yet transferred (rule 48(1))
	for {
		// Rule 47(1): a continuing candidate whose votes equal or exceed
		// the quota is deemed elected.
		var reached []int
		for _, c := range k.candidatesIn(continuing) {
			if k.votes[c] >= quota {
				reached = append(reached, c)
			}
		}
		st := k.stage()
		for _, c := range k.byVotes(reached) {
			if len(k.out.Elected) == k.c.Seats {
				// Not reached: more than Seats candidates cannot
				// reach a Droop quota together. Kept so that the
				// elected never exceed the seats.
				break
			}
			k.state[c] = electedState
			k.out.Elected = append(k.out.Elected, c)
			st.Elected = append(st.Elected, c)
			if k.votes[c] > quota {
				pending = append(pending, c)
			}
		}
		vacancies := k.c.Seats - len(k.out.Elected)
		if vacancies == 0 {
			break // rule 48(1): no vacancy remains; no further transfer
		}
		cont := k.candidatesIn(continuing)
		if len(cont) <= vacancies {
			// Rule 52: the continuing candidates are deemed elected, and
			// no further transfer is made.
			for _, c := range k.byVotes(cont) {
				k.state[c] = electedState
				k.out.Elected = append(k.out.Elected, c)
				st.LastVacancies = append(st.LastVacancies, c)
			}
			break
		}
		if len(pending) > 0 {
			// Rule 49(1): the highest surplus first; equal surpluses by
			// rule 49(2)-(3).
			from, tie := k.pick(DecidesSurplus, slices.Sorted(slices.Values(pending)), true)
			if tie != nil && tie.By == Unresolved {
				k.out.Unresolved = tie
				break
			}
			pending = slices.DeleteFunc(pending, func(c int) bool { return c == from })
			st := k.newStage(StageSurplus, from)
			if tie != nil {
				st.Ties = append(st.Ties, *tie)
			}
			// Rule 48(3)-(4): each paper of the candidate, of value v
			// when received, goes on at floor(surplus·v / votes).
			total := k.votes[from]
			surplus := total - quota
			moved := k.transfer(st, from, func(v Value) Value { return transferValue(surplus, v, total) })
			st.Transfers[from] = -surplus
			st.Lost = surplus - moved
			k.endStage(st)
			continue
		}
		// Rule 50(1): exclude the continuing candidate with the fewest
		// votes; equal fewest by rule 51.
		out, tie := k.pick(DecidesExclusion, cont, false)
		if tie != nil && tie.By == Unresolved {
			k.out.Unresolved = tie
			break
		}
		k.state[out] = excludedState
		st = k.newStage(StageExclusion, out)
		if tie != nil {
			st.Ties = append(st.Ties, *tie)
		}
		if len(cont)-1 > vacancies {
			// Rule 50(2)-(4): every paper goes on at the value it had.
			moved := k.transfer(st, out, func(v Value) Value { return v })
			st.Transfers[out] = -moved
		}
		// Otherwise rule 52 fills the last vacancies at the end of this
		// stage (rule 50(5)), and no further transfer is made.
		k.endStage(st)
	}
	return k.out, nil
}

var errBadSeed = errors.New("ranked: the lot's seed must be 1..64 bytes")

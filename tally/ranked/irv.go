package ranked

// CountIRV counts rows by instant-runoff voting for one seat:
//
//  1. Each valid row counts one vote for its first preference (the first
//     stage).
//  2. At the end of each stage, a continuing candidate with more than half
//     of the votes of all continuing candidates is elected (rows whose
//     preferences are used up are exhausted: NonTransferable, and no longer
//     in the total); so is the last continuing candidate.
//  3. Otherwise the continuing candidate with the fewest votes is
//     excluded, and each of its rows goes to its next preference for a
//     continuing candidate, or is exhausted. Candidates tied for fewest
//     votes are decided as in Scottish rule 51: the one with the fewest
//     votes at the end of the most recent preceding stage at which their
//     votes were unequal (narrowing, with three or more, as CountSTV does),
//     and if they were equal at every stage, by lot (see Lot), or with a
//     nil lot the count stops (Count.Unresolved).
//
// Votes are whole: the Values of the Count are multiples of Unit, its
// Quota and Lost are zero, and c.Seats is ignored (the Count has Seats 1).
func CountIRV(c Contest, rows []Ranking, lot *Lot) (*Count, error) {
	k, err := newCounter(MethodIRV, c, rows, lot)
	if err != nil {
		return nil, err
	}
	k.firstStage()
	for {
		cont := k.candidatesIn(continuing)
		var sum Value
		for _, c := range cont {
			sum += k.votes[c]
		}
		st := k.stage()
		if len(cont) == 1 {
			k.state[cont[0]] = electedState
			k.out.Elected = append(k.out.Elected, cont[0])
			st.Elected = append(st.Elected, cont[0])
			break
		}
		won := false
		for _, c := range cont {
			if 2*k.votes[c] > sum {
				k.state[c] = electedState
				k.out.Elected = append(k.out.Elected, c)
				st.Elected = append(st.Elected, c)
				won = true
			}
		}
		if won {
			break
		}
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
		moved := k.transfer(st, out, func(v Value) Value { return v })
		st.Transfers[out] = -moved
		k.endStage(st)
	}
	return k.out, nil
}

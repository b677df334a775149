package ballot

import (
	"crypto/subtle"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"

	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/safetext"
)

// This file holds what is particular to ProportionalList contests: their
// validation, the layout of their selections on a ballot and the linear
// statements their contest proofs show (docs/spec.md §Ballots, "List
// contests").

// listMembersUnused returns an error if a contest that is not a ProportionalList
// contest sets a member that only ProportionalList contests use.
func (c *Contest) listMembersUnused(where string) error {
	switch {
	case len(c.Lists) > 0:
		return fmt.Errorf("ballot: %s: lists are given, but %s contests have none (leave them out)", where, c.Kind)
	case c.ListRule != "":
		return fmt.Errorf("ballot: %s: listRule is %q, but %s contests do not use it (leave it out)", where, c.ListRule, c.Kind)
	case c.Preferences != 0:
		return fmt.Errorf("ballot: %s: preferences is %d, but %s contests do not use it (leave it out)", where, c.Preferences, c.Kind)
	case c.CandidatesOnly:
		return fmt.Errorf("ballot: %s: candidatesOnly is true, but %s contests do not use it (leave it out)", where, c.Kind)
	case c.Threshold != 0:
		return fmt.Errorf("ballot: %s: threshold is %d, but %s contests do not use it (leave it out)", where, c.Threshold, c.Kind)
	}
	return nil
}

// validateLists checks the members of a ProportionalList contest whose candidates
// validate has checked already.
func (c *Contest) validateLists(where string) error {
	n := len(c.Candidates)
	if len(c.Lists) == 0 {
		return fmt.Errorf("ballot: %s: no lists; a %q contest has at least one", where, ProportionalList)
	}
	switch c.ListRule {
	case OpenList, Panachage:
	case "":
		return fmt.Errorf("ballot: %s: listRule is missing (want %q or %q)", where, OpenList, Panachage)
	default:
		return fmt.Errorf("ballot: %s: unknown listRule %q (want %q or %q)", where, c.ListRule, OpenList, Panachage)
	}
	if c.Preferences == 0 || c.Preferences > MaxRange || int(c.Preferences) > n {
		return fmt.Errorf("ballot: %s: preferences %d is outside 1..%d (the number of candidates, at most %d)", where, c.Preferences, min(n, MaxRange), MaxRange)
	}
	if !slices.Contains(ListMethods, c.Method) {
		if c.Method == "" {
			return fmt.Errorf("ballot: %s: method is missing (want one of %q)", where, ListMethods)
		}
		return fmt.Errorf("ballot: %s: unknown method %q (want one of %q)", where, c.Method, ListMethods)
	}
	if c.Threshold > MaxThreshold {
		return fmt.Errorf("ballot: %s: threshold %d basis points exceeds %d (100%%)", where, c.Threshold, MaxThreshold)
	}
	if c.Strict && c.CandidatesOnly && c.ListRule == Panachage {
		return fmt.Errorf("ballot: %s: strict and candidatesOnly are both true: a strict %s contest requires a list, which a ballot of candidates only has not", where, Panachage)
	}
	if c.Seats == 0 || int(c.Seats) > n {
		return fmt.Errorf("ballot: %s: seats %d is outside 1..%d (the number of candidates)", where, c.Seats, n)
	}
	if int(c.Alternates) > n {
		return fmt.Errorf("ballot: %s: %s per list exceed the %s", where, prose.Count(c.Alternates, "alternate"), prose.Count(n, "candidate"))
	}
	if s := c.NumSelections(); s > MaxCandidates && !c.Mixed() {
		return fmt.Errorf("ballot: %s: %s and %s make %d selections on a ballot, more than the maximum %d (with mixStages the ballots go through the mixnet, which takes up to %d candidates)", where, prose.Count(len(c.Lists), "list"), prose.Count(n, "candidate"), s, MaxCandidates, MaxCodeListCandidates)
	}
	if len(c.Lists) > MaxCandidates {
		return fmt.Errorf("ballot: %s: %d lists exceed the maximum %d", where, len(c.Lists), MaxCandidates)
	}
	cand := make(map[uint32]int, n)
	for j, cd := range c.Candidates {
		cand[cd.Code] = j
	}
	onList := make([]int, n) // 1 + the index of the candidate's list, 0 for none
	codes := make(map[uint32]int, len(c.Lists))
	names := make(map[string]int, len(c.Lists))
	for l, pl := range c.Lists {
		at := fmt.Sprintf("%s: list %d", where, l)
		if k, ok := codes[pl.Code]; ok {
			return fmt.Errorf("ballot: %s: code %d is also the code of list %d", at, pl.Code, k)
		}
		if j, ok := cand[pl.Code]; ok {
			return fmt.Errorf("ballot: %s: code %d is also the code of candidate %d (a vote names lists and candidates by their codes)", at, pl.Code, j)
		}
		if c.Mixed() && (pl.Code == 0 || pl.Code > MaxCandidateCode) {
			return fmt.Errorf("ballot: %s: code %d is outside 1..%d (0 marks an empty slot of a packed row)", at, pl.Code, MaxCandidateCode)
		}
		codes[pl.Code] = l
		if err := checkName(at+": name", pl.Name, false); err != nil {
			return err
		}
		key := safetext.NameKey(pl.Name)
		if key == "" {
			return fmt.Errorf("ballot: %s: name %+q is blank: it holds only white space and characters that show nothing", at, pl.Name)
		}
		if k, ok := names[key]; ok {
			return fmt.Errorf("ballot: %s: name %q reads as the name %q of list %d: voters could not tell the two apart", at, pl.Name, c.Lists[k].Name, k)
		}
		names[key] = l
		if len(pl.Candidates) == 0 {
			return fmt.Errorf("ballot: %s (%q): no candidates", at, pl.Name)
		}
		for p, code := range pl.Candidates {
			j, ok := cand[code]
			if !ok {
				return fmt.Errorf("ballot: %s (%q): position %d: code %d is not a candidate of the contest", at, pl.Name, p+1, code)
			}
			if onList[j] != 0 {
				return fmt.Errorf("ballot: %s (%q): position %d: candidate %d is also on list %d; a candidate is on one list", at, pl.Name, p+1, code, onList[j]-1)
			}
			onList[j] = l + 1
		}
	}
	for j, l := range onList {
		if l == 0 {
			return fmt.Errorf("ballot: %s: candidate %d (code %d) is on no list", where, j, c.Candidates[j].Code)
		}
	}
	return nil
}

// NumSelections returns the number of selections (ciphertexts) of contest
// c on a ballot: one per candidate, or for a ProportionalList contest one per
// list, then under Panachage one more per list (its additional votes),
// then one per candidate; 0 for a CodeList contest, whose ballots hold a
// row (RowWidth).
func (c *Contest) NumSelections() int {
	switch c.Kind {
	case CodeList:
		return 0
	case ProportionalList:
		n := len(c.Lists) + len(c.Candidates)
		if c.ListRule == Panachage {
			n += len(c.Lists)
		}
		return n
	}
	return len(c.Candidates)
}

// SelectionCodes returns, for each selection of contest c on a ballot in
// ballot order (NumSelections), the code it counts for: the candidate's
// code, or in a ProportionalList contest the list's code for a list's selection
// and for its additional votes. c must be valid.
func (c *Contest) SelectionCodes() []uint32 {
	out := make([]uint32, 0, c.NumSelections())
	if c.Kind == ProportionalList {
		for _, l := range c.Lists {
			out = append(out, l.Code)
		}
		if c.ListRule == Panachage {
			for _, l := range c.Lists {
				out = append(out, l.Code)
			}
		}
	}
	for _, cd := range c.Candidates {
		out = append(out, cd.Code)
	}
	return out
}

// SelectionMax returns the largest value of selection j of contest c: 1,
// MaxScore in a Score contest, and Preferences for the additional votes of
// a list under Panachage.
func (c *Contest) SelectionMax(j int) uint64 {
	if c.Kind == ProportionalList && c.ListRule == Panachage && j >= len(c.Lists) && j < 2*len(c.Lists) {
		return uint64(c.Preferences)
	}
	return c.maxValue()
}

// candidateOffset returns the index of the first candidate's selection in
// a ProportionalList contest.
func (c *Contest) candidateOffset() int {
	return c.NumSelections() - len(c.Candidates)
}

// listOf returns, for each candidate of ProportionalList contest c in candidate
// order, the index of its list. c must be valid.
func (c *Contest) listOf() []int {
	pos := make(map[uint32]int, len(c.Candidates))
	for j, cd := range c.Candidates {
		pos[cd.Code] = j
	}
	out := make([]int, len(c.Candidates))
	for l, pl := range c.Lists {
		for _, code := range pl.Candidates {
			out[pos[code]] = l
		}
	}
	return out
}

// A term is a coefficient times a selection.
type term struct {
	sel  int
	coef int64
}

// A listStatement is one contest proof of a ProportionalList contest: a range
// proof that the integer combination Σ coef·v_sel + offset of the
// selections' values lies in 0..bound, shown on the same combination of
// the selections' ciphertexts (plus offset·G).
type listStatement struct {
	name   string // the statement's name in the transcript and in refusals
	list   int    // the list it is about, or −1
	terms  []term
	offset int64
	bound  uint64
}

// describe returns the statement's name for a refusal.
func (s *listStatement) describe(c *Contest) string {
	if s.list < 0 {
		return fmt.Sprintf("%q", s.name)
	}
	return fmt.Sprintf("%q of list %d (code %d)", s.name, s.list, c.Lists[s.list].Code)
}

// listStatements returns the statements of the contest proofs of ProportionalList
// contest c, in ballot order (docs/spec.md §Ballots, "List contests").
// With x_L the selection of list L, z_L its additional votes (Panachage),
// y_c the selection of candidate c and P = Preferences:
//
//	"list-choice"   Σx ∈ 0..1, or Σx − 1 ∈ 0..0 when Strict
//	open:
//	"open-list" L   P·x_L − Σ_{c∈L} y_c ∈ 0..P, for each list L
//	panachage:
//	"additional" L  P·x_L − z_L ∈ 0..P, for each list L
//	"lines"         Σz + Σy ∈ 0..P
//	"designated"    Σz + Σy − P·Σx ∈ 0..P
//	or, without CandidatesOnly, instead of the last two:
//	"lines-exact"   Σz + Σy − P·Σx ∈ 0..0
func (c *Contest) listStatements() []listStatement {
	nl := len(c.Lists)
	P := int64(c.Preferences)
	off := c.candidateOffset()
	choice := listStatement{name: "list-choice", list: -1, bound: 1}
	for l := range nl {
		choice.terms = append(choice.terms, term{l, 1})
	}
	if c.Strict {
		choice.offset, choice.bound = -1, 0
	}
	out := []listStatement{choice}
	if c.ListRule == OpenList {
		of := c.listOf()
		for l := range nl {
			s := listStatement{name: "open-list", list: l, terms: []term{{l, P}}, bound: uint64(P)}
			for j, lj := range of {
				if lj == l {
					s.terms = append(s.terms, term{off + j, -1})
				}
			}
			out = append(out, s)
		}
		return out
	}
	for l := range nl {
		out = append(out, listStatement{name: "additional", list: l, terms: []term{{l, P}, {nl + l, -1}}, bound: uint64(P)})
	}
	var lines []term
	for j := nl; j < c.NumSelections(); j++ {
		lines = append(lines, term{j, 1})
	}
	designated := slices.Clone(lines)
	for l := range nl {
		designated = append(designated, term{l, -P})
	}
	if !c.CandidatesOnly {
		return append(out, listStatement{name: "lines-exact", list: -1, terms: designated, bound: 0})
	}
	return append(out,
		listStatement{name: "lines", list: -1, terms: lines, bound: uint64(P)},
		listStatement{name: "designated", list: -1, terms: designated, bound: uint64(P)})
}

// listPlaintext checks the marks of PartyList contest c (index i) and
// returns the values of its selections (NumSelections): 1 for the chosen
// list, under Panachage P − (candidates marked) additional votes for it,
// and 1 for each marked candidate. A list or a candidate is marked by its
// code with the value 1. It refuses two lists, more than P candidates, a
// candidate of another list than the chosen one (OpenList), candidates
// without a list when the contest does not allow it, and a blank strict
// contest. Like plaintext, it runs on the voter's device before
// encryption and branches on the vote.
func (c *Contest) listPlaintext(i int, marks map[uint32]uint64) ([]uint64, error) {
	where := fmt.Sprintf("ballot: vote: contest %d (%q)", i, c.ID)
	vals := make([]uint64, c.NumSelections())
	listIdx := make(map[uint32]int, len(c.Lists))
	for l, pl := range c.Lists {
		listIdx[pl.Code] = l
	}
	candIdx := make(map[uint32]int, len(c.Candidates))
	for j, cd := range c.Candidates {
		candIdx[cd.Code] = j
	}
	of := c.listOf()
	codes := make([]uint32, 0, len(marks))
	for code := range marks {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	chosen := -1
	var marked []int // candidates, by index
	for _, code := range codes {
		val := marks[code]
		l, isList := listIdx[code]
		j, isCand := candIdx[code]
		switch {
		case !isList && !isCand:
			return nil, fmt.Errorf("%s: no list or candidate with code %d", where, code)
		case val > 1:
			return nil, fmt.Errorf("%s: code %d: value %d exceeds the maximum 1 (a list or a candidate is marked once)", where, code, val)
		case val == 0:
		case isList && chosen >= 0:
			return nil, fmt.Errorf("%s: lists %d and %d both chosen; a ballot chooses at most one list", where, c.Lists[chosen].Code, code)
		case isList:
			chosen = l
		default:
			marked = append(marked, j)
		}
	}
	if len(marked) > int(c.Preferences) {
		return nil, fmt.Errorf("%s: %d candidates marked, more than the %d preferences (overvote)", where, len(marked), c.Preferences)
	}
	if chosen < 0 && len(marked) > 0 {
		if !c.CandidatesOnly {
			return nil, fmt.Errorf("%s: candidates marked without a list, which this contest does not allow (candidatesOnly is false)", where)
		}
		if c.ListRule == OpenList {
			chosen = of[marked[0]] // the ballot is the list of its candidates
		}
	}
	if c.ListRule == OpenList {
		for _, j := range marked {
			if of[j] != chosen {
				return nil, fmt.Errorf("%s: candidate %d is on list %d, not on list %d: under the %q rule preferences go to candidates of the chosen list", where, c.Candidates[j].Code, c.Lists[of[j]].Code, c.Lists[chosen].Code, OpenList)
			}
		}
	}
	if chosen < 0 && c.Strict && len(marked) == 0 {
		return nil, fmt.Errorf("%s: no list chosen; this strict %q contest requires one (no blank)", where, ProportionalList)
	}
	if chosen < 0 && c.Strict {
		return nil, fmt.Errorf("%s: no list chosen; this strict %q contest requires one", where, ProportionalList)
	}
	if chosen >= 0 {
		vals[chosen] = 1
		if c.ListRule == Panachage {
			vals[len(c.Lists)+chosen] = uint64(c.Preferences) - uint64(len(marked))
		}
	}
	off := c.candidateOffset()
	for _, j := range marked {
		vals[off+j] = 1
	}
	return vals, nil
}

// listTranscript returns the transcript of statement k of a list contest,
// from the contest's prefix tc (docs/spec.md §Ballots, "Proof
// transcripts"): the contest's ciphertexts, the statement's name, index
// and bound. The combination's ciphertext is then appended by the range
// proof itself.
func listTranscript(tc *proof.Transcript, c *encryptedContest, k int, s *listStatement) *proof.Transcript {
	t := tc.Clone()
	cts := make([]byte, 0, len(c.selections)*elgamal.CiphertextSize)
	for j := range c.selections {
		cts = append(cts, c.selections[j].ctBytes...)
	}
	t.AppendBytes("selections", cts)
	t.AppendUint64("list-statement", uint64(k))
	t.AppendBytes("list-statement-name", []byte(s.name))
	t.AppendUint64("list-statement-bound", s.bound)
	return t
}

// scalarOf returns the scalar of the integer x.
func scalarOf(x int64) *group.Scalar {
	if x >= 0 {
		return new(group.Scalar).SetUint64(uint64(x))
	}
	s := new(group.Scalar).SetUint64(uint64(-x))
	return s.Negate(s)
}

// combination returns the ciphertext Σ coef·ct_sel + offset·(0, G) of
// statement s over the contest's selections. The ciphertexts and the
// coefficients are public.
func (s *listStatement) combination(c *encryptedContest) *elgamal.Ciphertext {
	out := elgamal.NewCiphertext()
	tmp := elgamal.NewCiphertext()
	for _, t := range s.terms {
		ct := &c.selections[t.sel].ct
		switch t.coef {
		case 1:
			out.Add(out, ct)
		case -1:
			out.Subtract(out, ct)
		default:
			out.Add(out, tmp.ScalarMult(scalarOf(t.coef), ct))
		}
	}
	if s.offset != 0 {
		out.B.Add(&out.B, new(group.Element).ScalarBaseMult(scalarOf(s.offset)))
	}
	return out
}

// proveListStatements makes the contest proofs of list contest i, whose
// selections c holds, from their values vals and nonces: for each
// statement, a range proof on its combination, whose nonce is Σ coef·r_sel,
// made with the nonce source nc.Child("statement", k). A vote that breaks
// the statement (a caller that skipped the vote's checks) gives a proof
// that does not verify: the claimed value is clamped to 0..bound without
// branching on the vote.
func (e *Election) proveListStatements(i int, c *encryptedContest, vals []uint64, nonces []*group.Scalar, tc *proof.Transcript, nc *proof.Nonces) error {
	mc := &e.manifest.Contests[i]
	sts := e.statements[i]
	c.listProofs = make([]*proof.RangeProof, len(sts))
	for k := range sts {
		s := &sts[k]
		r := group.NewScalar()
		m := s.offset
		for _, t := range s.terms {
			r.Add(r, new(group.Scalar).Multiply(scalarOf(t.coef), nonces[t.sel]))
			m += t.coef * int64(vals[t.sel])
		}
		neg := int(uint64(m) >> 63)
		over := subtle.ConstantTimeLessOrEq(int(s.bound)+1, int(m)) & (1 - neg)
		claim := subtle.ConstantTimeSelect(over, int(s.bound), int(m))
		claim = subtle.ConstantTimeSelect(neg, 0, claim)
		p, err := proof.ProveRange(listTranscript(tc, c, k, s), e.pk, s.combination(c), uint64(claim), r, s.bound, nc.Child("statement", uint64(k)))
		if err != nil {
			return fmt.Errorf("ballot: contest %d: contest proof %s: %v", i, s.describe(mc), err)
		}
		c.listProofs[k] = p
	}
	return nil
}

// checkListShape is step 8 of the acceptance rule for list contest i: one
// selection per list, additional votes and candidate (NumSelections), each
// with a range proof for 0..SelectionMax, and one contest proof per
// statement with the statement's range.
func checkListShape(i int, c *encryptedContest, mc *Contest, sts []listStatement) *Refusal {
	if n := mc.NumSelections(); len(c.selections) != n {
		return refuseAt(StepManifest, i, -1, "%s, the list contest has %d (lists, additional votes and candidates)", prose.Count(len(c.selections), "selection"), n)
	}
	for j := range c.selections {
		if got, want := c.selections[j].proof.Range(), mc.SelectionMax(j); got != want {
			return refuseAt(StepManifest, i, j, "range proof for 0..%d, the selection ranges over 0..%d", got, want)
		}
	}
	if c.sum != nil {
		return refuseAt(StepManifest, i, -1, "a single contest proof, but a list contest has one per statement")
	}
	if len(c.listProofs) != len(sts) {
		return refuseAt(StepManifest, i, -1, "%s, the list contest has %d statements", prose.Count(len(c.listProofs), "contest proof"), len(sts))
	}
	for k := range sts {
		if got := c.listProofs[k].Range(); got != sts[k].bound {
			return refuseAt(StepManifest, i, -1, "contest proof %s for 0..%d, the statement is for 0..%d", sts[k].describe(mc), got, sts[k].bound)
		}
	}
	return nil
}

// addListProofs adds the contest proofs of list contest i to bv and
// returns places with theirs appended.
func (e *Election) addListProofs(bv *proof.BatchVerifier, places []proofPlace, i int, c *encryptedContest, tc *proof.Transcript) []proofPlace {
	mc := &e.manifest.Contests[i]
	sts := e.statements[i]
	for k := range sts {
		s := &sts[k]
		bv.AddRange(listTranscript(tc, c, k, s), e.pk, s.combination(c), s.bound, c.listProofs[k])
		places = append(places, proofPlace{contest: i, selection: -1, statement: s.describe(mc)})
	}
	return places
}

// openListRow returns the values, in the layout of listPlaintext, of the
// codes that the row of mixed list contest i of challenged ballot b opens
// to: 1 for the list and for each candidate whose code the row holds, and
// no additional votes (they are not marks; EncryptBallot recomputes them
// from the vote). A code that is neither a list's nor a candidate's, or a
// code held twice, is an error.
func openListRow(b *Ballot, i int, mc *Contest, codes []uint32) ([]uint64, error) {
	pos := make(map[uint32]int, mc.NumSelections())
	for j, code := range mc.SelectionCodes() {
		if j < len(mc.Lists) || j >= mc.candidateOffset() {
			pos[code] = j
		}
	}
	return rowValues(b, i, codes, pos, mc.NumSelections(), "a list's or a candidate's", false)
}

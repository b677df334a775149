package ballot

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/proof"
)

// VerifyBallot runs on ballot b the steps of the acceptance rule that
// depend on b alone (docs/spec.md §Ballots, "The acceptance rule"): the
// election (step 2), the state (3), the signer's registration (4), the
// signature (5), the manifest (8), no first component repeated within the
// ballot (9), and every proof, or for a challenged ballot that its nonce
// seed reproduces it (11). It returns nil if b passes them, and otherwise
// a *Refusal for the first step it fails. The steps that involve earlier
// ballots (identifiers, chains, replays, credential policy) are the
// Rule's.
//
// Execution time depends on the inputs (all public).
func VerifyBallot(e *Election, b *Ballot) error {
	return VerifyBallots(e, []*Ballot{b})[0]
}

// VerifyBallots is VerifyBallot for many ballots at once: it returns, for
// each ballot of bs, what VerifyBallot returns for it. The proofs of all
// the cast ballots are checked in one proof.BatchVerifier (one
// multi-scalar multiplication), which costs less per ballot than checking
// them ballot by ballot; if the batch fails, the failing proofs are found
// (proof.BatchVerifier.Verify) and each ballot is refused for its own
// first failing proof. Batches of about 64 ballots of 15 selections take
// most of the gain.
//
// It runs on the calling goroutine: to use several cores, verify several
// batches at once, one per core, as package election does.
//
// Execution time depends on the inputs (all public).
func VerifyBallots(e *Election, bs []*Ballot) []error {
	errs := make([]error, len(bs))
	for i, c := range CheckBallots(e, bs, true) {
		if r := c.first(); r != nil {
			errs[i] = r
		}
	}
	return errs
}

// first returns the first refusal of the steps that c holds, in the order
// of the acceptance rule, or nil.
func (c *Checked) first() *Refusal {
	for _, r := range []*Refusal{c.attribution, c.shape, c.inner, c.proofs} {
		if r != nil {
			return r
		}
	}
	return nil
}

// checkAttribution runs steps 2–5 of the acceptance rule: b is for
// election e, cast or challenged, from a registered device or a listed
// credential, and its signature verifies. A ballot that fails them is not
// attributable to an eligible signer, and a box writes nothing of it.
func (e *Election) checkAttribution(b *Ballot) *Refusal {
	if b.baseHash != e.baseHash {
		return refuse(StepElection, "base hash %x is not this election's %x", b.baseHash, e.baseHash)
	}
	if b.state != Cast && b.state != Challenged {
		return refuse(StepSignature, "ballot is %s: neither cast nor challenged", b.state)
	}
	h := &b.header
	msg := signatureMessage(b.code, b.state, b.seed)
	var ok bool
	if h.Credential != nil {
		if !e.credentials.Contains(h.Credential) {
			return refuse(StepEligibility, "credential %x is not on the election's list", []byte(h.Credential))
		}
		ok = group.VarTimeVerifyEd25519(h.Credential, msg, b.signature)
	} else if v, registered := e.DeviceVerifier(h.Device); !registered {
		return refuse(StepEligibility, "device %q is not registered", h.Device)
	} else {
		ok = v != nil && v.VarTimeVerify(msg, b.signature)
	}
	if !ok {
		return refuse(StepSignature, "invalid signature")
	}
	return nil
}

// checkShape runs step 8 of the acceptance rule: b has the manifest's
// contests, selections and proof ranges, the conditions under which its
// proofs can be checked at all.
func (e *Election) checkShape(b *Ballot) *Refusal {
	if len(b.contests) != len(e.manifest.Contests) {
		return refuse(StepManifest, "%s, the manifest has %d", prose.Count(len(b.contests), "contest"), len(e.manifest.Contests))
	}
	for i := range b.contests {
		c, mc := &b.contests[i], &e.manifest.Contests[i]
		if mc.Mixed() {
			if c.layout != layoutRow {
				return refuseAt(StepManifest, i, -1, "selections, but the contest is a %q contest, whose ballots hold a row of codes", mc.Kind)
			}
			if w := e.rowWidth[i]; len(c.row) != w {
				return refuseAt(StepManifest, i, -1, "a row of %s, the contest's rows have %d", prose.Count(len(c.row), "ciphertext"), w)
			}
			continue
		}
		if c.layout == layoutRow {
			return refuseAt(StepManifest, i, -1, "a row of codes, but the contest is a %q contest", mc.Kind)
		}
		if mc.Kind == ProportionalList {
			if r := checkListShape(i, c, mc, e.statements[i]); r != nil {
				return r
			}
			continue
		}
		if c.listProofs != nil {
			return refuseAt(StepManifest, i, -1, "the contest proofs of a list contest, but the contest is a %q contest", mc.Kind)
		}
		if len(c.selections) != len(mc.Candidates) {
			return refuseAt(StepManifest, i, -1, "%s, the contest has %s", prose.Count(len(c.selections), "selection"), prose.Count(len(mc.Candidates), "candidate"))
		}
		for j := range c.selections {
			if got, want := c.selections[j].proof.Range(), mc.maxValue(); got != want {
				return refuseAt(StepManifest, i, j, "range proof for 0..%d, the contest's selections range over 0..%d", got, want)
			}
		}
		rule, bound := mc.sumRule()
		switch {
		case rule == sumNone && c.sum != nil:
			return refuseAt(StepManifest, i, -1, "a contest proof, but the contest has no limit on its sum")
		case rule != sumNone && c.sum == nil:
			return refuseAt(StepManifest, i, -1, "no contest proof")
		case rule == sumAtMost && c.sum.Range() != bound:
			return refuseAt(StepManifest, i, -1, "contest proof for 0..%d, the contest's limit is %d", c.sum.Range(), bound)
		case rule == sumZeroOrAll && c.sum.Range() != 1:
			return refuseAt(StepManifest, i, -1, "contest proof for 0..%d, an %q contest's proof is for 0..1", c.sum.Range(), Exactly)
		case rule == sumExact && c.sum.Range() != 0:
			return refuseAt(StepManifest, i, -1, "contest proof for 0..%d, a strict %q contest's proof is for 0..0 (the sum is exactly %d)", c.sum.Range(), Exactly, bound)
		}
	}
	return nil
}

// A proofPlace is where a proof sits on a ballot: a selection's range
// proof, a contest proof (selection −1), or the proof of knowledge of a
// column of a row of codes (selection = column).
type proofPlace struct {
	contest, selection int
	knowledge          bool
	statement          string // a list contest's contest proof: its statement, described
}

// A proofSpan is the entries lo.. of a batch that hold one ballot's
// proofs, in the order of places.
type proofSpan struct {
	ballot int
	lo     int
	places []proofPlace
}

// refusal returns the refusal of the span's ballot after a failed batch
// verification that returned bad and err, or nil if none of its proofs is
// bad. If the batch failed without naming any proof (possible only with
// probability 2^-128), every ballot is refused: the verdict fails closed.
func (sp *proofSpan) refusal(bad []int, err error) *Refusal {
	if len(bad) == 0 {
		return refuse(StepProof, "%v", err)
	}
	hi := sp.lo + len(sp.places)
	k := sort.SearchInts(bad, sp.lo)
	first, n := -1, 0
	for ; k < len(bad) && bad[k] < hi; k++ {
		if first < 0 {
			first = bad[k] - sp.lo
		}
		n++
	}
	if n == 0 {
		return nil
	}
	p := sp.places[first]
	what := "range proof"
	switch {
	case p.knowledge:
		what = "proof of knowledge of the nonce"
	case p.statement != "":
		what = "contest proof " + p.statement
	case p.selection < 0:
		what = "contest proof"
	}
	more := ""
	if n > 1 {
		more = fmt.Sprintf(" (and %d other proofs)", n-1)
	}
	return refuseAt(StepProof, p.contest, p.selection, "%s does not verify%s", what, more)
}

// addProofs adds every proof of b (whose shape checkShape accepted) to bv,
// in ballot order, and returns their places. The ciphertexts' transcript
// fields are the bytes b was decoded from (or encoded to).
func (e *Election) addProofs(bv *proof.BatchVerifier, b *Ballot) []proofPlace {
	n := 0
	for i := range b.contests {
		n += len(b.contests[i].selections) + len(b.contests[i].row) + 1
	}
	places := make([]proofPlace, 0, n)
	t0 := e.transcript(&b.header)
	var G *group.Element
	for i := range b.contests {
		c, mc := &b.contests[i], &e.manifest.Contests[i]
		tc := t0.Clone()
		tc.AppendUint64("contest", uint64(i))
		if c.layout == layoutRow {
			if G == nil {
				G = group.NewGeneratorElement()
			}
			for k := range c.row {
				col := &c.row[k]
				bv.AddSchnorr(columnTranscript(tc, k, col.ctBytes), G, &col.ct.A, col.pok)
				places = append(places, proofPlace{contest: i, selection: k, knowledge: true})
			}
			continue
		}
		for j := range c.selections {
			s := &c.selections[j]
			ts := tc.Clone()
			ts.AppendUint64("selection", uint64(j))
			bv.AddRangeEncoded(ts, e.pk, &s.ct, s.ctBytes, mc.SelectionMax(j), s.proof)
			places = append(places, proofPlace{contest: i, selection: j})
		}
		if mc.Kind == ProportionalList {
			places = e.addListProofs(bv, places, i, c, tc)
			continue
		}
		rule, bound := mc.sumRule()
		if rule == sumNone {
			continue
		}
		sum := elgamal.NewCiphertext()
		for j := range c.selections {
			sum.Add(sum, &c.selections[j].ct)
		}
		ts := sumTranscript(tc, c, rule, bound)
		switch rule {
		case sumAtMost:
			bv.AddRange(ts, e.pk, sum, bound, c.sum)
		case sumExact:
			// sum − k·G encrypts 0.
			kG := new(group.Element).ScalarBaseMult(new(group.Scalar).SetUint64(bound))
			sum.B.Subtract(&sum.B, kG)
			bv.AddRange(ts, e.pk, sum, 0, c.sum)
		default:
			kInv := new(group.Scalar).Invert(new(group.Scalar).SetUint64(bound))
			var zero group.Scalar
			sum.A.VarTimeDoubleScalarBaseMult(kInv, &sum.A, &zero)
			sum.B.VarTimeDoubleScalarBaseMult(kInv, &sum.B, &zero)
			bv.AddRange(ts, e.pk, sum, 1, c.sum)
		}
		places = append(places, proofPlace{contest: i, selection: -1})
	}
	return places
}

// verifyProofsBatch checks every proof of the cast ballots bs (whose
// shape checkShape accepted) in one batch verification, and returns for
// each ballot the refusal for its first failing proof, or nil. If parallel,
// the proofs' statements and challenges are computed on all cores, and the
// batch's multi-scalar multiplication shares its windows among them;
// otherwise all runs on the calling goroutine. Execution time depends on
// the inputs.
func (e *Election) verifyProofsBatch(bs []*Ballot, parallel bool) []*Refusal {
	out := make([]*Refusal, len(bs))
	if len(bs) == 0 {
		return out
	}
	bv := proof.NewBatchVerifier()
	bv.SetParallel(parallel)
	spans := make([]proofSpan, len(bs))
	if !parallel {
		for i, b := range bs {
			spans[i] = proofSpan{ballot: i, lo: bv.Len(), places: e.addProofs(bv, b)}
		}
	} else {
		// One batch verifier per chunk of ballots, kept at the chunk's
		// first ballot and appended in order: a span's lo is then its
		// index in its chunk plus the number of proofs of the chunks
		// before it.
		parts := make([]*proof.BatchVerifier, len(bs))
		par.For(len(bs), 4, func(lo, hi int) {
			sub := proof.NewBatchVerifier()
			for i := lo; i < hi; i++ {
				spans[i] = proofSpan{ballot: i, lo: sub.Len(), places: e.addProofs(sub, bs[i])}
			}
			parts[lo] = sub
		})
		base := 0
		for i, sub := range parts {
			if sub != nil {
				base = bv.Len()
				bv.Append(sub)
			}
			spans[i].lo += base
		}
	}
	if bad, err := bv.Verify(); err != nil {
		for i := range spans {
			out[i] = spans[i].refusal(bad, err)
		}
	}
	return out
}

// OpenChallenged opens a challenged ballot with its released nonce seed: it
// recomputes the encryption nonces, reads the value of every selection,
// then encrypts those values again with the seed and checks that the result
// is the ballot, proofs and all. It returns the vote the ballot encrypts
// (only the non-zero marks), or an error if the seed does not reproduce the
// ballot. Anyone can run it: the seed of a challenged ballot is public.
//
// Execution time depends on the inputs (the ballot and its released seed).
func OpenChallenged(e *Election, b *Ballot) (Vote, error) {
	if b.state != Challenged || len(b.seed) != proof.NonceSeedSize {
		return nil, fmt.Errorf("ballot: ballot %q is %s, not challenged with a released nonce seed", b.header.BallotID, b.state)
	}
	if len(b.contests) != len(e.manifest.Contests) {
		return nil, fmt.Errorf("ballot: ballot %q: %s, the manifest has %d", b.header.BallotID, prose.Count(len(b.contests), "contest"), len(e.manifest.Contests))
	}
	n, err := proof.NewNonces(b.seed)
	if err != nil {
		return nil, fmt.Errorf("ballot: %v", err)
	}
	n = ballotNonces(e, &b.header, n)
	vals := make([][]uint64, len(b.contests))
	M, jG, rK := group.NewElement(), group.NewElement(), group.NewElement()
	G := group.NewGeneratorElement()
	for i := range b.contests {
		c, mc := &b.contests[i], &e.manifest.Contests[i]
		nc := n.Child("contest", uint64(i))
		if mc.Mixed() {
			v, err := openRow(e, b, i, nc)
			if err != nil {
				return nil, err
			}
			vals[i] = v
			continue
		}
		if c.layout != layoutSelections || len(c.selections) != mc.NumSelections() {
			return nil, fmt.Errorf("ballot: ballot %q: contest %d: %s, the contest has %d", b.header.BallotID, i, prose.Count(len(c.selections), "selection"), mc.NumSelections())
		}
		vals[i] = make([]uint64, len(c.selections))
		for j := range c.selections {
			ct := &c.selections[j].ct
			r := nc.Child("selection", uint64(j)).Scalar("encryption", 0)
			e.pk.ScalarMult(rK, r)
			M.Subtract(&ct.B, rK) // m·G
			found := false
			jG.Zero()
			for m := uint64(0); m <= mc.SelectionMax(j); m++ {
				if M.Equal(jG) == 1 {
					vals[i][j], found = m, true
					break
				}
				jG.Add(jG, G)
			}
			if !found {
				return nil, fmt.Errorf("ballot: ballot %q: contest %d: selection %d: the nonce seed does not open the ciphertext to a value in 0..%d", b.header.BallotID, i, j, mc.SelectionMax(j))
			}
		}
	}
	v := e.manifest.voteFromValues(vals)
	again, err := EncryptBallot(e, b.header, v, b.seed)
	if err != nil {
		return nil, fmt.Errorf("ballot: ballot %q: the opened vote is not a valid vote: %w", b.header.BallotID, err)
	}
	if !bytes.Equal(again.b.body, b.body) {
		return nil, fmt.Errorf("ballot: ballot %q: encrypting the opened vote with the nonce seed does not reproduce the ballot", b.header.BallotID)
	}
	return v, nil
}

// openRow opens the row of CodeList contest i of challenged ballot b with the
// contest's nonce source nc: it recomputes each column's nonce r_k, reads
// the plaintext M_k = B_k − r_k·K, unpacks the codes and returns the values
// of the contest's candidates (1 for each code written; in a Ranked
// contest the rank, 1 for the code of slot 0, 2 for slot 1, …). A code that is
// not a candidate, or a row that does not unpack, is an error; so is a
// repeated code, which EncryptBallot never packs.
func openRow(e *Election, b *Ballot, i int, nc *proof.Nonces) ([]uint64, error) {
	c, mc := &b.contests[i], &e.manifest.Contests[i]
	if c.layout != layoutRow || len(c.row) != e.rowWidth[i] {
		return nil, fmt.Errorf("ballot: ballot %q: contest %d: not a row of %s", b.header.BallotID, i, prose.Count(e.rowWidth[i], "ciphertext"))
	}
	rK := group.NewElement()
	elems := make([]*group.Element, len(c.row))
	for k := range c.row {
		r := nc.Child("column", uint64(k)).Scalar("encryption", 0)
		e.pk.ScalarMult(rK, r)
		elems[k] = group.NewElement().Subtract(&c.row[k].ct.B, rK)
	}
	codes, err := elgamal.UnpackCodes(elems, mc.RowCodes(), e.maxCode[i])
	if err != nil {
		return nil, fmt.Errorf("ballot: ballot %q: contest %d: the nonce seed does not open the row to packed codes: %v", b.header.BallotID, i, err)
	}
	if mc.Kind == ProportionalList {
		return openListRow(b, i, mc, codes)
	}
	pos := make(map[uint32]int, len(mc.Candidates))
	for j, cand := range mc.Candidates {
		pos[cand.Code] = j
	}
	return rowValues(b, i, codes, pos, len(mc.Candidates), "a candidate's", mc.Kind == Ranked)
}

// rowValues returns the n values of contest i's row that opened to codes:
// at pos[code] for each code, 1, or the code's rank if ranked; 0 elsewhere.
// A code not in pos (what says whose code it should have been) or a code
// twice is an error.
func rowValues(b *Ballot, i int, codes []uint32, pos map[uint32]int, n int, what string, ranked bool) ([]uint64, error) {
	vals := make([]uint64, n)
	for k, code := range codes {
		j, ok := pos[code]
		if !ok {
			return nil, fmt.Errorf("ballot: ballot %q: contest %d: the row opens to code %d, which is not %s", b.header.BallotID, i, code, what)
		}
		if vals[j] != 0 {
			return nil, fmt.Errorf("ballot: ballot %q: contest %d: the row opens to code %d twice", b.header.BallotID, i, code)
		}
		vals[j] = 1
		if ranked {
			vals[j] = uint64(k + 1)
		}
	}
	return vals, nil
}

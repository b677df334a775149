package trustee

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/proof"
)

// A Ceremony is everything a key ceremony published: the roster and the
// signed messages of the four rounds, in any order. It is the input of
// VerifyCeremony and of Trustee.Finish, and the part of the election record
// that documents the key.
type Ceremony struct {
	Roster      *Roster
	Commitments []*Commitments
	Shares      []*EncryptedShare
	Complaints  []*Complaint
	Responses   []*ComplaintResponse
}

// An ExclusionReason says why a dealer was left out of the qualified set.
type ExclusionReason uint8

// The reasons for excluding a dealer. VerifyCeremony lists a dealer with the
// first problem it finds: first in its round-1 message (NoCommitments,
// Equivocation, InvalidCommitments, InvalidProof, in this order), then for
// each other trustee j in increasing order (UnansweredComplaint or
// InvalidResponse if j complained, MissingShare otherwise).
const (
	NoCommitments       ExclusionReason = iota + 1 // no round-1 message
	Equivocation                                   // two different signed messages for one slot
	InvalidCommitments                             // not t coefficients, or a coefficient is the identity
	InvalidProof                                   // a Schnorr proof of a coefficient does not verify
	UnansweredComplaint                            // a complaint got no response
	InvalidResponse                                // a revealed share does not match the commitments
	MissingShare                                   // no encrypted share for a trustee, and no complaint
)

var exclusionNames = [...]string{
	NoCommitments:       "no-commitments",
	Equivocation:        "equivocation",
	InvalidCommitments:  "invalid-commitments",
	InvalidProof:        "invalid-proof",
	UnansweredComplaint: "unanswered-complaint",
	InvalidResponse:     "invalid-response",
	MissingShare:        "missing-share",
}

// String returns the reason's name in the election record, such as
// "unanswered-complaint".
func (r ExclusionReason) String() string {
	if int(r) < len(exclusionNames) && exclusionNames[r] != "" {
		return exclusionNames[r]
	}
	return fmt.Sprintf("ExclusionReason(%d)", uint8(r))
}

// An Exclusion is a finding of VerifyCeremony: a dealer left out of the
// qualified set, and why.
type Exclusion struct {
	Dealer int
	Reason ExclusionReason
	// Trustee is the other trustee concerned, or 0: the complainant for
	// UnansweredComplaint and InvalidResponse, the recipient for
	// MissingShare, and for Equivocation 0 if the dealer equivocated in
	// round 1, otherwise the lowest recipient j whose round-2 slot (dealer,
	// j) holds two different messages, otherwise the lowest complainant j
	// whose round-4 slot does. It does not depend on the order of the
	// messages.
	Trustee int
	// Coefficient is the index k of the first bad coefficient for
	// InvalidCommitments and InvalidProof, and −1 otherwise.
	Coefficient int
}

// String describes the exclusion for people.
func (e Exclusion) String() string {
	s := fmt.Sprintf("dealer %d: %s", e.Dealer, e.Reason)
	if e.Trustee != 0 {
		s += fmt.Sprintf(" (trustee %d)", e.Trustee)
	}
	if e.Coefficient >= 0 {
		s += fmt.Sprintf(" (coefficient %d)", e.Coefficient)
	}
	return s
}

// A ComplaintOutcome says how a complaint was judged.
type ComplaintOutcome uint8

// The outcomes of a complaint.
const (
	// ComplaintUpheld: the dealer gave no response, or revealed a share
	// that does not match its commitments; the dealer is excluded.
	ComplaintUpheld ComplaintOutcome = iota + 1
	// ComplaintDismissed: the dealer revealed a share that matches its
	// commitments; the dealer stays and the complainant uses that share.
	ComplaintDismissed
	// ComplaintMoot: the dealer was excluded for an earlier reason.
	ComplaintMoot
)

var outcomeNames = [...]string{
	ComplaintUpheld:    "upheld",
	ComplaintDismissed: "dismissed",
	ComplaintMoot:      "moot",
}

// String returns "upheld", "dismissed" or "moot".
func (o ComplaintOutcome) String() string {
	if int(o) < len(outcomeNames) && outcomeNames[o] != "" {
		return outcomeNames[o]
	}
	return fmt.Sprintf("ComplaintOutcome(%d)", uint8(o))
}

// A Judgment is the outcome of one complaint.
type Judgment struct {
	Complainant, Dealer int
	Outcome             ComplaintOutcome
}

// A Result is the public outcome of a key ceremony, computable by anyone from
// the published messages. Three functions return one, each for its user:
//
//   - Trustee.Finish, for a trustee tool: the trustee's own judgment of
//     the published ceremony, together with its KeyShare, which only it
//     can compute; it trusts no one else's verdict.
//   - VerifyCeremony, for a verifier or an auditor (and for anyone who
//     holds no key share): the same judgment from the published messages
//     alone.
//   - election.Writer.WriteCeremony, for the coordinator who writes the
//     election record: VerifyCeremony, then the ceremony and its outcome
//     written to the record, so that what the election uses is what the
//     record holds.
//
// All three judge the messages the same way and return equal Results.
// A Result also knows the election its roster names (ElectionID), which is
// not part of its JSON form: one decoded from JSON (UnmarshalJSON, as
// trustees/result.json is read) names no election, and the functions that
// meet an election (election.Writer.WriteElection, tally.Decrypt,
// tally.DecryptRows) refuse it. Use one of the three above.
type Result struct {
	Ceremony  []byte      // the roster's ceremony hash
	Threshold int         // t
	Qualified []int       // the dealers whose polynomials make the key, ascending
	Excluded  []Exclusion // the other dealers, ascending
	Judgments []Judgment  // every complaint, by dealer then complainant
	PublicKey *group.Element
	// VerificationKeys[j−1] is K_j = s_j·G for trustee j = 1..n: the public
	// key against which its decryption shares are checked.
	VerificationKeys []*group.Element

	// electionID is the roster's election identifier, set by judge; ""
	// for a Result decoded from JSON or built by hand.
	electionID string
}

// ElectionID returns the election identifier of the ceremony's roster
// (Roster.ElectionID), the manifest's ElectionID of the election the key
// belongs to. It is "" for a Result that no judgment of a ceremony made:
// decoded from JSON, or built field by field.
func (r *Result) ElectionID() string { return r.electionID }

// Clone returns a deep copy of r, with its election identifier.
func (r *Result) Clone() *Result {
	q := &Result{
		Ceremony:   bytes.Clone(r.Ceremony),
		Threshold:  r.Threshold,
		Qualified:  slices.Clone(r.Qualified),
		Excluded:   slices.Clone(r.Excluded),
		Judgments:  slices.Clone(r.Judgments),
		electionID: r.electionID,
	}
	if r.PublicKey != nil {
		q.PublicKey = group.NewElement().Set(r.PublicKey)
	}
	if r.VerificationKeys != nil {
		q.VerificationKeys = make([]*group.Element, len(r.VerificationKeys))
		for j, K := range r.VerificationKeys {
			if K != nil {
				q.VerificationKeys[j] = group.NewElement().Set(K)
			}
		}
	}
	return q
}

// ElectionKey returns the joint public key as an ElGamal public key.
func (r *Result) ElectionKey() (*elgamal.PublicKey, error) {
	pk, err := elgamal.NewPublicKey(r.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("trustee: joint public key: %w", err)
	}
	return pk, nil
}

// VerificationKey returns a copy of K_j, or nil if j is not a trustee.
func (r *Result) VerificationKey(j int) *group.Element {
	if j < 1 || j > len(r.VerificationKeys) {
		return nil
	}
	return group.NewElement().Set(r.VerificationKeys[j-1])
}

// A CeremonyError is returned by VerifyCeremony when fewer than t dealers
// qualify: the ceremony failed and must be run again without the excluded
// trustees' influence.
type CeremonyError struct {
	Threshold int
	Qualified []int
	Excluded  []Exclusion
}

// Error says that the ceremony failed and lists the exclusions.
func (e *CeremonyError) Error() string {
	var why []string
	for _, x := range e.Excluded {
		why = append(why, x.String())
	}
	return fmt.Sprintf("trustee: ceremony failed: %s, fewer than the threshold %d; excluded: %s",
		prose.Count(len(e.Qualified), "qualified dealer"), e.Threshold, strings.Join(why, "; "))
}

// Transcript labels of the ceremony's proofs.
const coefficientProtocol = "sandogh-v1 trustee coefficient"

// coefficientTranscript is the transcript of the Schnorr proof of
// coefficient k of dealer i: protocol label, base hash = ceremony hash,
// then u64 fields "dealer" = i and "coefficient" = k.
func coefficientTranscript(ceremony []byte, dealer, k int) *proof.Transcript {
	t := proof.NewTranscript(coefficientProtocol, ceremony)
	t.AppendUint64("dealer", uint64(dealer))
	t.AppendUint64("coefficient", uint64(k))
	return t
}

type pair struct{ a, b int }

// published is a Ceremony with signatures checked, duplicates merged and
// equivocations found.
type published struct {
	roster      *Roster
	commitments map[int]*Commitments
	shares      map[pair]*EncryptedShare // (dealer, recipient)
	complaints  map[pair]*Complaint      // (dealer, complainant)
	responses   map[pair]*ComplaintResponse
	equivocated map[int]int // dealer → the other trustee its Exclusion names (Exclusion.Trustee)
}

// collect checks every message of c and indexes them by slot. A message with a
// bad signature, from another ceremony or with an index outside the roster
// is an error: it was not published by a trustee, and the record must not
// hold it.
func collect(c *Ceremony) (*published, error) {
	r := c.Roster
	if r == nil || r.hash == nil {
		return nil, errors.New("trustee: ceremony: no roster")
	}
	p := &published{
		roster:      r,
		commitments: make(map[int]*Commitments),
		shares:      make(map[pair]*EncryptedShare),
		complaints:  make(map[pair]*Complaint),
		responses:   make(map[pair]*ComplaintResponse),
		equivocated: make(map[int]int),
	}
	// The slots where each dealer equivocated, by round: round 1, and the
	// lowest other trustee of its round-2 and round-4 slots, so that the
	// exclusion does not depend on the order of the messages.
	eq1 := make(map[int]bool)
	eq2, eq4 := make(map[int]int), make(map[int]int)
	lowest := func(m map[int]int, dealer, other int) {
		if j, ok := m[dealer]; !ok || other < j {
			m[dealer] = other
		}
	}
	for k, m := range c.Commitments {
		if m == nil {
			return nil, fmt.Errorf("trustee: ceremony: commitments %d: nil", k)
		}
		if err := m.VerifySignature(r); err != nil {
			return nil, err
		}
		if old, ok := p.commitments[m.Dealer]; ok {
			if !bytes.Equal(old.body(), m.body()) {
				eq1[m.Dealer] = true
			}
			continue
		}
		p.commitments[m.Dealer] = m
	}
	for k, m := range c.Shares {
		if m == nil {
			return nil, fmt.Errorf("trustee: ceremony: encrypted share %d: nil", k)
		}
		if err := m.VerifySignature(r); err != nil {
			return nil, err
		}
		key := pair{m.Dealer, m.Recipient}
		if old, ok := p.shares[key]; ok {
			if !bytes.Equal(old.body(), m.body()) {
				lowest(eq2, m.Dealer, m.Recipient)
			}
			continue
		}
		p.shares[key] = m
	}
	for k, m := range c.Complaints {
		if m == nil {
			return nil, fmt.Errorf("trustee: ceremony: complaint %d: nil", k)
		}
		if err := m.VerifySignature(r); err != nil {
			return nil, err
		}
		// Complaints with different reasons are one complaint: the
		// judgment does not depend on the reason.
		key := pair{m.Dealer, m.Complainant}
		if _, ok := p.complaints[key]; !ok {
			p.complaints[key] = m
		}
	}
	for k, m := range c.Responses {
		if m == nil {
			return nil, fmt.Errorf("trustee: ceremony: complaint response %d: nil", k)
		}
		if err := m.VerifySignature(r); err != nil {
			return nil, err
		}
		key := pair{m.Dealer, m.Complainant}
		if old, ok := p.responses[key]; ok {
			if !bytes.Equal(old.body(), m.body()) {
				lowest(eq4, m.Dealer, m.Complainant)
			}
			continue
		}
		p.responses[key] = m
	}
	for i, j := range eq4 {
		p.equivocated[i] = j
	}
	for i, j := range eq2 {
		p.equivocated[i] = j
	}
	for i := range eq1 {
		p.equivocated[i] = 0
	}
	return p, nil
}

// judgeCommitments returns the exclusion of a dealer whose round-1 message
// is missing or invalid, or nil.
func (p *published) judgeCommitments(i int) *Exclusion {
	m, ok := p.commitments[i]
	if !ok {
		return &Exclusion{Dealer: i, Reason: NoCommitments, Coefficient: -1}
	}
	if other, ok := p.equivocated[i]; ok {
		return &Exclusion{Dealer: i, Reason: Equivocation, Trustee: other, Coefficient: -1}
	}
	t := p.roster.threshold
	if len(m.Coefficients) != t {
		return &Exclusion{Dealer: i, Reason: InvalidCommitments, Coefficient: min(len(m.Coefficients), t)}
	}
	for k, C := range m.Coefficients {
		if C.IsIdentity() == 1 {
			return &Exclusion{Dealer: i, Reason: InvalidCommitments, Coefficient: k}
		}
	}
	G := group.NewGeneratorElement()
	for k, C := range m.Coefficients {
		if m.Proofs[k].Verify(coefficientTranscript(p.roster.hash, i, k), G, C) != nil {
			return &Exclusion{Dealer: i, Reason: InvalidProof, Coefficient: k}
		}
	}
	return nil
}

// judgeDealing returns the exclusion of a dealer with valid commitments that
// did not deliver a share: an upheld complaint or a missing share.
func (p *published) judgeDealing(i int) *Exclusion {
	C := p.commitments[i].Coefficients
	for j := 1; j <= p.roster.Size(); j++ {
		if j == i {
			continue
		}
		if _, ok := p.complaints[pair{i, j}]; ok {
			resp, ok := p.responses[pair{i, j}]
			if !ok {
				return &Exclusion{Dealer: i, Reason: UnansweredComplaint, Trustee: j, Coefficient: -1}
			}
			if !varTimeShareMatches(&resp.Share, C, j) {
				return &Exclusion{Dealer: i, Reason: InvalidResponse, Trustee: j, Coefficient: -1}
			}
			continue
		}
		if _, ok := p.shares[pair{i, j}]; !ok {
			return &Exclusion{Dealer: i, Reason: MissingShare, Trustee: j, Coefficient: -1}
		}
	}
	return nil
}

// varTimeShareMatches reports whether s·G = Σ_k j^k·C_k.
//
// Execution time depends on the inputs: use it only for shares that are
// public (revealed in a response).
func varTimeShareMatches(s *group.Scalar, C []*group.Element, j int) bool {
	var zero group.Scalar
	lhs := group.NewElement().VarTimeDoubleScalarBaseMult(&zero, group.NewElement(), s)
	return lhs.Equal(varTimeEvalCommitments(C, j)) == 1
}

// shareMatches reports whether s·G = Σ_k j^k·C_k, computing s·G in constant
// time for a secret share s.
func shareMatches(s *group.Scalar, C []*group.Element, j int) bool {
	return group.NewElement().ScalarBaseMult(s).Equal(varTimeEvalCommitments(C, j)) == 1
}

// VerifyCeremony decides the outcome of a key ceremony from its published
// messages alone (docs/spec.md, "Trustees", "Judging the ceremony"):
// it checks every signature, excludes every dealer that misbehaved, and
// computes the joint public key and every trustee's verification key from
// the commitments of the qualified dealers.
//
// A message that is not validly signed by a roster trustee for this ceremony
// is an error (it must not be in the record). If fewer than t dealers
// qualify, the error is a *CeremonyError that lists the exclusions.
//
// VerifyCeremony is for whoever holds no key share of the ceremony: a
// verifier, an auditor, an election official who checks the published
// messages. A trustee uses Trustee.Finish, which runs the same judgment
// and computes its key share; the coordinator who writes the election
// record uses election.Writer.WriteCeremony, which runs VerifyCeremony
// and records the ceremony with its outcome. The Result names the roster's
// election (Result.ElectionID).
func VerifyCeremony(c *Ceremony) (*Result, error) {
	p, err := collect(c)
	if err != nil {
		return nil, err
	}
	return p.judge()
}

func (p *published) judge() (*Result, error) {
	r := p.roster
	n, t := r.Size(), r.threshold
	res := &Result{Ceremony: bytes.Clone(r.hash), Threshold: t, electionID: r.electionID}
	badCommitments := make(map[int]bool)
	for i := 1; i <= n; i++ {
		x := p.judgeCommitments(i)
		if x != nil {
			badCommitments[i] = true
		} else {
			x = p.judgeDealing(i)
		}
		if x != nil {
			res.Excluded = append(res.Excluded, *x)
			continue
		}
		res.Qualified = append(res.Qualified, i)
	}
	for key := range p.complaints {
		i, j := key.a, key.b
		o := ComplaintDismissed
		if badCommitments[i] {
			o = ComplaintMoot
		} else if resp, ok := p.responses[key]; !ok || !varTimeShareMatches(&resp.Share, p.commitments[i].Coefficients, j) {
			o = ComplaintUpheld
		}
		res.Judgments = append(res.Judgments, Judgment{Complainant: j, Dealer: i, Outcome: o})
	}
	sort.Slice(res.Judgments, func(a, b int) bool {
		x, y := res.Judgments[a], res.Judgments[b]
		return x.Dealer < y.Dealer || x.Dealer == y.Dealer && x.Complainant < y.Complainant
	})
	if len(res.Qualified) < t {
		return nil, &CeremonyError{Threshold: t, Qualified: res.Qualified, Excluded: res.Excluded}
	}

	// C_k = Σ_{i ∈ QUAL} C_{i,k}; the joint key is C_0 and K_j = Σ_k j^k·C_k.
	sum := make([]*group.Element, t)
	for k := range sum {
		sum[k] = group.NewElement()
		for _, i := range res.Qualified {
			sum[k].Add(sum[k], p.commitments[i].Coefficients[k])
		}
	}
	if sum[0].IsIdentity() == 1 {
		return nil, errors.New("trustee: ceremony failed: the joint public key is the identity")
	}
	res.PublicKey = group.NewElement().Set(sum[0])
	res.VerificationKeys = make([]*group.Element, n)
	for j := 1; j <= n; j++ {
		res.VerificationKeys[j-1] = varTimeEvalCommitments(sum, j)
	}
	return res, nil
}

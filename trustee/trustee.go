package trustee

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sort"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// The phases of a trustee's ceremony state: the last round it completed.
const (
	phaseNew      = 0
	phaseRound1   = 1 // commitments published
	phaseRound2   = 2 // shares sent
	phaseReceived = 3 // shares received and checked, complaints made
)

// A Trustee runs one trustee's side of the key ceremony, message by message:
//
//	Round1        → its Commitments
//	Round2        → its EncryptedShares, one per other trustee
//	ReceiveShares ← all Commitments and the shares sent to it → its Complaints
//	Respond       ← all Complaints → its ComplaintResponses
//	Finish        ← the whole published Ceremony → the Result and its KeyShare
//
// Between two steps the caller publishes the outputs of every trustee (in a
// shared folder, on a bulletin board, by any transport) and waits until all
// of a round is published; the state can be sealed to disk with Seal and
// restored with OpenTrustee, so that each trustee runs on its own machine
// and each step in its own process. Every step may be repeated: it returns
// the same messages.
//
// The state holds the trustee's secret polynomial; once Finish has returned
// and the KeyShare is sealed, the ceremony state should be destroyed.
//
// The zero value is NOT valid: use NewTrustee or OpenTrustee. A Trustee is
// not safe for concurrent use.
type Trustee struct {
	roster *Roster
	id     *Identity
	index  int
	phase  int
	coeffs []*group.Scalar // a_0 … a_{t−1}, secret
	seed   []byte          // proof nonce seed, secret
	sent   []*EncryptedShare
	recv   map[int]*group.Scalar // dealer → f_dealer(index), checked
}

// NewTrustee starts the ceremony for the trustee of roster r whose identity
// is id: it finds the trustee's index by its signing key and draws a random
// polynomial of degree t−1 from crypto/rand.
func NewTrustee(r *Roster, id *Identity) (*Trustee, error) {
	coeffs := make([]*group.Scalar, r.threshold)
	for k := range coeffs {
		coeffs[k] = group.RandomScalar()
	}
	seed := make([]byte, proof.NonceSeedSize)
	rand.Read(seed)
	return newTrustee(r, id, coeffs, seed)
}

func newTrustee(r *Roster, id *Identity, coeffs []*group.Scalar, seed []byte) (*Trustee, error) {
	index, err := rosterIndex(r, id)
	if err != nil {
		return nil, err
	}
	if len(coeffs) != r.threshold {
		panic("trustee: internal error: wrong number of coefficients")
	}
	return &Trustee{roster: r, id: id, index: index, coeffs: coeffs, seed: seed, recv: make(map[int]*group.Scalar)}, nil
}

// rosterIndex returns the index of identity id in roster r, found by its
// signing key, after checking that the roster lists its encryption key.
func rosterIndex(r *Roster, id *Identity) (int, error) {
	if r == nil || r.hash == nil {
		return 0, errors.New("trustee: no roster")
	}
	me := id.Member(0)
	index := 0
	for _, m := range r.members {
		if string(m.SigningKey) == string(me.SigningKey) {
			index = m.Index
		}
	}
	if index == 0 {
		return 0, fmt.Errorf("trustee: identity %q is not in the roster", id.name)
	}
	if m := r.member(index); string(m.EncryptionKey) != string(me.EncryptionKey) {
		return 0, fmt.Errorf("trustee: identity %q: the roster lists another encryption key for trustee %d", id.name, index)
	}
	return index, nil
}

// Index returns the trustee's index j in the roster.
func (t *Trustee) Index() int { return t.index }

// Roster returns the roster of the ceremony.
func (t *Trustee) Roster() *Roster { return t.roster }

// Round1 returns the trustee's signed commitments C_k = a_k·G to its
// polynomial, each with a Schnorr proof of knowledge of a_k.
func (t *Trustee) Round1() (*Commitments, error) {
	nonces, err := proof.NewNonces(t.seed)
	if err != nil {
		panic("trustee: internal error: " + err.Error())
	}
	G := group.NewGeneratorElement()
	c := &Commitments{
		Ceremony:     t.roster.Hash(),
		Dealer:       t.index,
		Coefficients: make([]*group.Element, len(t.coeffs)),
		Proofs:       make([]*proof.Schnorr, len(t.coeffs)),
	}
	for k, a := range t.coeffs {
		c.Coefficients[k] = group.NewElement().ScalarBaseMult(a)
		c.Proofs[k] = proof.ProveSchnorr(coefficientTranscript(c.Ceremony, t.index, k), G, c.Coefficients[k], a, nonces.Child("coefficient", uint64(k)))
	}
	c.Signature = sign(t.id.signing, commitmentsLabel, c.body())
	t.phase = max(t.phase, phaseRound1)
	return c, nil
}

// Round2 returns the trustee's share f(j) for every other trustee j,
// encrypted to j's key with HPKE and signed. Calling it again returns the
// same messages (HPKE encryption is randomized, so they are kept in the
// state: two different messages for one recipient would exclude the
// trustee for equivocation).
func (t *Trustee) Round2() ([]*EncryptedShare, error) {
	if t.phase < phaseRound1 {
		return nil, errors.New("trustee: Round2 before Round1")
	}
	if t.sent == nil {
		sent, err := t.makeShares(encryptShare)
		if err != nil {
			return nil, err
		}
		t.sent = sent
	}
	t.phase = max(t.phase, phaseRound2)
	out := make([]*EncryptedShare, len(t.sent))
	copy(out, t.sent)
	return out, nil
}

// makeShares returns the trustee's signed shares for every other trustee,
// each encrypted with encrypt.
func (t *Trustee) makeShares(encrypt func(recipientKey, ceremony []byte, dealer, recipient int, share *group.Scalar) ([]byte, error)) ([]*EncryptedShare, error) {
	ceremony := t.roster.Hash()
	var sent []*EncryptedShare
	for _, m := range t.roster.members {
		if m.Index == t.index {
			continue
		}
		ct, err := encrypt(m.EncryptionKey, ceremony, t.index, m.Index, evalPolynomial(t.coeffs, m.Index))
		if err != nil {
			return nil, err
		}
		s := &EncryptedShare{Ceremony: ceremony, Dealer: t.index, Recipient: m.Index, Ciphertext: ct}
		s.Signature = sign(t.id.signing, shareLabel, s.body())
		sent = append(sent, s)
	}
	return sent, nil
}

// ReceiveShares checks the shares sent to this trustee against the dealers'
// commitments and returns a signed complaint against every dealer with valid
// commitments whose share is missing, does not decrypt, or does not match
// its commitments. commitments should hold every published round-1 message;
// shares may hold all round-2 messages (those for other trustees are
// ignored). A message with a bad signature is an error: it was not sent by a
// trustee and must be removed from the record.
func (t *Trustee) ReceiveShares(commitments []*Commitments, shares []*EncryptedShare) ([]*Complaint, error) {
	if t.phase < phaseRound2 {
		return nil, errors.New("trustee: ReceiveShares before Round2")
	}
	var mine []*EncryptedShare
	for k, s := range shares {
		if s == nil {
			return nil, fmt.Errorf("trustee: encrypted share %d: nil", k)
		}
		if s.Recipient == t.index {
			mine = append(mine, s)
		}
	}
	p, err := collect(&Ceremony{Roster: t.roster, Commitments: commitments, Shares: mine})
	if err != nil {
		return nil, err
	}
	ceremony := t.roster.Hash()
	var complaints []*Complaint
	recv := make(map[int]*group.Scalar)
	for i := 1; i <= t.roster.Size(); i++ {
		if i == t.index || p.judgeCommitments(i) != nil {
			continue // the dealer is excluded anyway
		}
		reason := ComplaintReason(0)
		if s, ok := p.shares[pair{i, t.index}]; !ok {
			reason = ShareMissing
		} else if f, err := decryptShare(t.id.encryption, ceremony, i, t.index, s.Ciphertext); err != nil {
			reason = ShareUndecryptable
		} else if !shareMatches(f, p.commitments[i].Coefficients, t.index) {
			reason = ShareInconsistent
		} else {
			recv[i] = f
		}
		if reason != 0 {
			c := &Complaint{Ceremony: ceremony, Complainant: t.index, Dealer: i, Reason: reason}
			c.Signature = sign(t.id.signing, complaintLabel, c.body())
			complaints = append(complaints, c)
		}
	}
	t.recv = recv
	t.phase = max(t.phase, phaseReceived)
	return complaints, nil
}

// Respond answers every complaint against this trustee by revealing the
// complainant's share, signed. Complaints against other dealers are
// ignored; a complaint against this trustee with a bad signature is an
// error.
func (t *Trustee) Respond(complaints []*Complaint) ([]*ComplaintResponse, error) {
	if t.phase < phaseRound2 {
		return nil, errors.New("trustee: Respond before Round2")
	}
	ceremony := t.roster.Hash()
	answered := make(map[int]bool)
	var out []*ComplaintResponse
	for k, c := range complaints {
		if c == nil {
			return nil, fmt.Errorf("trustee: complaint %d: nil", k)
		}
		if c.Dealer != t.index {
			continue
		}
		if err := c.VerifySignature(t.roster); err != nil {
			return nil, err
		}
		if answered[c.Complainant] {
			continue
		}
		answered[c.Complainant] = true
		r := &ComplaintResponse{Ceremony: ceremony, Dealer: t.index, Complainant: c.Complainant}
		r.Share.Set(evalPolynomial(t.coeffs, c.Complainant))
		r.Signature = sign(t.id.signing, responseLabel, r.body())
		out = append(out, r)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Complainant < out[b].Complainant })
	return out, nil
}

// Finish judges the published ceremony exactly as VerifyCeremony does and
// computes this trustee's key share s_j = Σ_{i ∈ QUAL} f_i(j) from its own
// polynomial, the shares it received and the shares revealed in responses
// to its complaints. It fails if the ceremony failed, or if a qualified
// dealer's share is unknown to this trustee (it did not receive it and did
// not complain).
//
// Finish is for the trustee's own tool: the trustee trusts no one else's
// judgment of the ceremony, and only it can compute its key share. A
// verifier, who holds no key share, uses VerifyCeremony; the coordinator
// who writes the election record uses election.Writer.WriteCeremony. All
// three return equal Results, naming the roster's election
// (Result.ElectionID).
func (t *Trustee) Finish(c *Ceremony) (*Result, *KeyShare, error) {
	if t.phase < phaseReceived {
		return nil, nil, errors.New("trustee: Finish before ReceiveShares")
	}
	if c.Roster == nil || string(c.Roster.hash) != string(t.roster.hash) {
		return nil, nil, errors.New("trustee: Finish: the ceremony's roster is not this trustee's roster")
	}
	p, err := collect(c)
	if err != nil {
		return nil, nil, err
	}
	res, err := p.judge()
	if err != nil {
		return nil, nil, err
	}
	s := new(group.Scalar)
	for _, i := range res.Qualified {
		var f *group.Scalar
		switch {
		case i == t.index:
			f = evalPolynomial(t.coeffs, t.index)
		case p.complaints[pair{i, t.index}] != nil:
			// i is qualified, so its response verified.
			f = &p.responses[pair{i, t.index}].Share
		case t.recv[i] != nil:
			if !shareMatches(t.recv[i], p.commitments[i].Coefficients, t.index) {
				return nil, nil, fmt.Errorf("trustee: the share received from dealer %d does not match its published commitments, and this trustee did not complain", i)
			}
			f = t.recv[i]
		default:
			return nil, nil, fmt.Errorf("trustee: no valid share from qualified dealer %d and no complaint against it: this trustee cannot compute its key share", i)
		}
		s.Add(s, f)
	}
	ks := &KeyShare{ceremony: t.roster.Hash(), index: t.index}
	ks.secret.Set(s)
	ks.vk.Set(res.VerificationKeys[t.index-1])
	if group.NewElement().ScalarBaseMult(s).Equal(&ks.vk) != 1 {
		return nil, nil, errors.New("trustee: internal error: the key share does not match its verification key")
	}
	return res, ks, nil
}

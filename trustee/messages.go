package trustee

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/proof"
)

// Signature labels: a trustee signs u16(len(label)) ‖ label ‖ body with
// Ed25519 (RFC 8032, pure), where body is the message's canonical encoding
// without the signature.
const (
	commitmentsLabel = "sandogh-v1 trustee commitments"
	shareLabel       = "sandogh-v1 trustee encrypted share"
	complaintLabel   = "sandogh-v1 trustee complaint"
	responseLabel    = "sandogh-v1 trustee complaint response"
)

func signedMessage(label string, body []byte) []byte {
	return append(appendLabel(nil, label), body...)
}

func sign(key ed25519.PrivateKey, label string, body []byte) []byte {
	return ed25519.Sign(key, signedMessage(label, body))
}

// checkSigned checks the ceremony hash, the signer's index and the signature
// of a message.
func checkSigned(r *Roster, what string, ceremony []byte, signer int, label string, body, sig []byte) error {
	if err := r.sameCeremony(what, ceremony); err != nil {
		return err
	}
	m := r.member(signer)
	if m == nil {
		return fmt.Errorf("trustee: %s: signer index %d outside 1..%d", what, signer, r.Size())
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(m.SigningKey, signedMessage(label, body), sig) {
		return fmt.Errorf("trustee: %s: field signature: invalid Ed25519 signature of trustee %d", what, signer)
	}
	return nil
}

// checkHeader checks the signature length and the index ranges of a
// message before it is encoded.
func checkHeader(what string, sig []byte, indices ...int) error {
	if len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("trustee: %s: field signature: %d bytes, want %d", what, len(sig), ed25519.SignatureSize)
	}
	for _, i := range indices {
		if i < 1 || i > MaxTrustees {
			return fmt.Errorf("trustee: %s: trustee index %d outside 1..%d", what, i, MaxTrustees)
		}
	}
	return nil
}

// Commitments is a dealer's round-1 message: the commitments C_k = a_k·G to
// the coefficients of its secret polynomial f(x) = a_0 + a_1·x + … +
// a_{t−1}·x^{t−1}, each with a Schnorr proof of knowledge of a_k bound to
// the ceremony, the dealer and k, signed by the dealer.
type Commitments struct {
	Ceremony     []byte           // the roster's ceremony hash, 32 bytes
	Dealer       int              // index of the dealer, 1..n
	Coefficients []*group.Element // C_0 … C_{t−1}
	Proofs       []*proof.Schnorr // one per coefficient
	Signature    []byte           // Ed25519 signature of the dealer, 64 bytes
}

// body is ceremony ‖ u32(dealer) ‖ u32(t) ‖ C_0 ‖ … ‖ C_{t−1} ‖ proof_0 ‖ … ‖ proof_{t−1}
// with each proof Commitment ‖ Response (64 bytes).
func (c *Commitments) body() []byte {
	b := make([]byte, 0, CeremonyHashSize+8+len(c.Coefficients)*(32+64))
	b = append(b, c.Ceremony...)
	b = binary.BigEndian.AppendUint32(b, uint32(c.Dealer))
	b = binary.BigEndian.AppendUint32(b, uint32(len(c.Coefficients)))
	for _, C := range c.Coefficients {
		b = C.AppendBytes(b)
	}
	for _, p := range c.Proofs {
		b = append(b, p.Bytes()...)
	}
	return b
}

func (c *Commitments) wellFormed() error {
	if len(c.Ceremony) != CeremonyHashSize {
		return fmt.Errorf("trustee: commitments: field ceremony: %d bytes, want %d", len(c.Ceremony), CeremonyHashSize)
	}
	if err := checkHeader("commitments", c.Signature, c.Dealer); err != nil {
		return err
	}
	if len(c.Coefficients) != len(c.Proofs) {
		return fmt.Errorf("trustee: commitments of dealer %d: %s but %s", c.Dealer, prose.Count(len(c.Coefficients), "coefficient"), prose.Count(len(c.Proofs), "proof"))
	}
	for k := range c.Coefficients {
		if c.Coefficients[k] == nil || c.Proofs[k] == nil {
			return fmt.Errorf("trustee: commitments of dealer %d: coefficient %d: nil", c.Dealer, k)
		}
	}
	return nil
}

// Bytes returns the canonical encoding: the signed body (docs/spec.md,
// "Trustees") followed by the 64-byte signature.
func (c *Commitments) Bytes() []byte {
	if err := c.wellFormed(); err != nil {
		panic(err.Error())
	}
	return append(c.body(), c.Signature...)
}

// SetCanonicalBytes decodes the encoding of Bytes. It checks lengths, counts
// and that every element and scalar is canonical, not the signature or the
// proofs (see VerifySignature and VerifyCeremony). On error the receiver is
// unchanged.
func (c *Commitments) SetCanonicalBytes(b []byte) (*Commitments, error) {
	r := &reader{what: "commitments", b: b}
	var q Commitments
	q.Ceremony = bytes.Clone(r.take("ceremony", CeremonyHashSize))
	q.Dealer = r.index("dealer")
	t := r.u32("count")
	if r.err == nil && (t < 1 || t > MaxTrustees) {
		r.fail("count", "%d coefficients, want 1..%d", t, MaxTrustees)
	}
	if r.err == nil {
		q.Coefficients = make([]*group.Element, t)
		q.Proofs = make([]*proof.Schnorr, t)
	}
	for k := range q.Coefficients {
		q.Coefficients[k] = group.NewElement()
		r.element(fmt.Sprintf("coefficients[%d]", k), q.Coefficients[k])
	}
	for k := range q.Proofs {
		pb := r.take(fmt.Sprintf("proofs[%d]", k), proof.SchnorrSize)
		if r.err != nil {
			break
		}
		p, err := new(proof.Schnorr).SetCanonicalBytes(pb)
		if err != nil {
			r.fail(fmt.Sprintf("proofs[%d]", k), "%v", err)
			break
		}
		q.Proofs[k] = p
	}
	q.Signature = bytes.Clone(r.take("signature", ed25519.SignatureSize))
	if err := r.end(); err != nil {
		return nil, err
	}
	*c = q
	return c, nil
}

// VerifySignature checks that c belongs to the ceremony of roster r and is
// signed by its dealer. It does not check the proofs; VerifyCeremony does.
func (c *Commitments) VerifySignature(r *Roster) error {
	if err := c.wellFormed(); err != nil {
		return err
	}
	what := fmt.Sprintf("commitments of dealer %d", c.Dealer)
	return checkSigned(r, what, c.Ceremony, c.Dealer, commitmentsLabel, c.body(), c.Signature)
}

// MarshalJSON encodes c as {"ceremony": hex, "dealer": i, "coefficients":
// [hex, …], "proofs": [{"commitment": hex, "response": hex}, …],
// "signature": hex}.
func (c *Commitments) MarshalJSON() ([]byte, error) {
	if err := c.wellFormed(); err != nil {
		return nil, err
	}
	cs := make([]string, len(c.Coefficients))
	for k, C := range c.Coefficients {
		cs[k] = hexString(C.Bytes())
	}
	return marshalObject(
		"ceremony", hexString(c.Ceremony),
		"dealer", c.Dealer,
		"coefficients", cs,
		"proofs", c.Proofs,
		"signature", hexString(c.Signature),
	)
}

// UnmarshalJSON decodes the form of MarshalJSON with the checks of
// SetCanonicalBytes. On error the receiver is unchanged.
func (c *Commitments) UnmarshalJSON(data []byte) error {
	const what = "commitments"
	obj, err := jsonObject(data, what, "ceremony", "dealer", "coefficients", "proofs", "signature")
	if err != nil {
		return err
	}
	var q Commitments
	if q.Ceremony, err = jsonHex(obj, what, "ceremony", CeremonyHashSize); err != nil {
		return err
	}
	if q.Dealer, err = jsonIndex(obj, what, "dealer"); err != nil {
		return err
	}
	var cs []string
	if err := jsonField(obj, what, "coefficients", &cs); err != nil {
		return err
	}
	var ps []json.RawMessage
	if err := jsonField(obj, what, "proofs", &ps); err != nil {
		return err
	}
	if len(cs) < 1 || len(cs) > MaxTrustees {
		return fmt.Errorf("trustee: commitments: field coefficients: %d coefficients, want 1..%d", len(cs), MaxTrustees)
	}
	if len(ps) != len(cs) {
		return fmt.Errorf("trustee: commitments: field proofs: %s for %s", prose.Count(len(ps), "proof"), prose.Count(len(cs), "coefficient"))
	}
	q.Coefficients = make([]*group.Element, len(cs))
	q.Proofs = make([]*proof.Schnorr, len(ps))
	for k := range cs {
		q.Coefficients[k] = group.NewElement()
		if err := parseHexElement(what, fmt.Sprintf("coefficients[%d]", k), cs[k], q.Coefficients[k]); err != nil {
			return err
		}
		q.Proofs[k] = new(proof.Schnorr)
		if err := q.Proofs[k].UnmarshalJSON(ps[k]); err != nil {
			return fmt.Errorf("trustee: commitments: field proofs[%d]: %w", k, err)
		}
	}
	if q.Signature, err = jsonHex(obj, what, "signature", ed25519.SignatureSize); err != nil {
		return err
	}
	*c = q
	return nil
}

// EncryptedShare is a dealer's round-2 message to one recipient: the share
// f(recipient) encrypted to the recipient's X25519 key with HPKE, signed by
// the dealer. It is published, so that anyone can see that it was sent.
type EncryptedShare struct {
	Ceremony   []byte // the roster's ceremony hash, 32 bytes
	Dealer     int    // index of the dealer
	Recipient  int    // index of the recipient, not the dealer
	Ciphertext []byte // HPKE enc ‖ ciphertext, EncryptedShareSize bytes
	Signature  []byte // Ed25519 signature of the dealer
}

// body is ceremony ‖ u32(dealer) ‖ u32(recipient) ‖ ciphertext.
func (s *EncryptedShare) body() []byte {
	b := make([]byte, 0, CeremonyHashSize+8+EncryptedShareSize)
	b = append(b, s.Ceremony...)
	b = binary.BigEndian.AppendUint32(b, uint32(s.Dealer))
	b = binary.BigEndian.AppendUint32(b, uint32(s.Recipient))
	return append(b, s.Ciphertext...)
}

func (s *EncryptedShare) wellFormed() error {
	switch {
	case len(s.Ceremony) != CeremonyHashSize:
		return fmt.Errorf("trustee: encrypted share: field ceremony: %d bytes, want %d", len(s.Ceremony), CeremonyHashSize)
	case len(s.Ciphertext) != EncryptedShareSize:
		return fmt.Errorf("trustee: encrypted share from dealer %d to trustee %d: field ciphertext: %d bytes, want %d", s.Dealer, s.Recipient, len(s.Ciphertext), EncryptedShareSize)
	case s.Dealer == s.Recipient:
		return fmt.Errorf("trustee: encrypted share from dealer %d to itself", s.Dealer)
	}
	return checkHeader("encrypted share", s.Signature, s.Dealer, s.Recipient)
}

// Bytes returns the canonical encoding: the signed body followed by the
// signature.
func (s *EncryptedShare) Bytes() []byte {
	if err := s.wellFormed(); err != nil {
		panic(err.Error())
	}
	return append(s.body(), s.Signature...)
}

// SetCanonicalBytes decodes the encoding of Bytes. It checks lengths and
// indices, not the signature. On error the receiver is unchanged.
func (s *EncryptedShare) SetCanonicalBytes(b []byte) (*EncryptedShare, error) {
	r := &reader{what: "encrypted share", b: b}
	var q EncryptedShare
	q.Ceremony = bytes.Clone(r.take("ceremony", CeremonyHashSize))
	q.Dealer = r.index("dealer")
	q.Recipient = r.index("recipient")
	if r.err == nil && q.Dealer == q.Recipient {
		r.fail("recipient", "equals the dealer %d", q.Dealer)
	}
	q.Ciphertext = bytes.Clone(r.take("ciphertext", EncryptedShareSize))
	q.Signature = bytes.Clone(r.take("signature", ed25519.SignatureSize))
	if err := r.end(); err != nil {
		return nil, err
	}
	*s = q
	return s, nil
}

// VerifySignature checks that s belongs to the ceremony of roster r, that
// its recipient is in the roster, and that it is signed by its dealer.
func (s *EncryptedShare) VerifySignature(r *Roster) error {
	if err := s.wellFormed(); err != nil {
		return err
	}
	what := fmt.Sprintf("encrypted share from dealer %d to trustee %d", s.Dealer, s.Recipient)
	if r.member(s.Recipient) == nil {
		return fmt.Errorf("trustee: %s: recipient index outside 1..%d", what, r.Size())
	}
	return checkSigned(r, what, s.Ceremony, s.Dealer, shareLabel, s.body(), s.Signature)
}

// MarshalJSON encodes s as {"ceremony": hex, "dealer": i, "recipient": j,
// "ciphertext": hex, "signature": hex}.
func (s *EncryptedShare) MarshalJSON() ([]byte, error) {
	if err := s.wellFormed(); err != nil {
		return nil, err
	}
	return marshalObject(
		"ceremony", hexString(s.Ceremony),
		"dealer", s.Dealer,
		"recipient", s.Recipient,
		"ciphertext", hexString(s.Ciphertext),
		"signature", hexString(s.Signature),
	)
}

// UnmarshalJSON decodes the form of MarshalJSON with the checks of
// SetCanonicalBytes. On error the receiver is unchanged.
func (s *EncryptedShare) UnmarshalJSON(data []byte) error {
	const what = "encrypted share"
	obj, err := jsonObject(data, what, "ceremony", "dealer", "recipient", "ciphertext", "signature")
	if err != nil {
		return err
	}
	var q EncryptedShare
	if q.Ceremony, err = jsonHex(obj, what, "ceremony", CeremonyHashSize); err != nil {
		return err
	}
	if q.Dealer, err = jsonIndex(obj, what, "dealer"); err != nil {
		return err
	}
	if q.Recipient, err = jsonIndex(obj, what, "recipient"); err != nil {
		return err
	}
	if q.Dealer == q.Recipient {
		return fmt.Errorf("trustee: encrypted share: field recipient: equals the dealer %d", q.Dealer)
	}
	if q.Ciphertext, err = jsonHex(obj, what, "ciphertext", EncryptedShareSize); err != nil {
		return err
	}
	if q.Signature, err = jsonHex(obj, what, "signature", ed25519.SignatureSize); err != nil {
		return err
	}
	*s = q
	return nil
}

// A ComplaintReason says why a recipient complains. It is informative: the
// judgment depends only on the dealer's response.
type ComplaintReason uint8

// The reasons for a complaint.
const (
	ShareMissing       ComplaintReason = 1 // no encrypted share from the dealer
	ShareUndecryptable ComplaintReason = 2 // HPKE decryption failed, or not a canonical scalar
	ShareInconsistent  ComplaintReason = 3 // f(j)·G ≠ Σ_k j^k·C_k
)

var reasonNames = map[ComplaintReason]string{
	ShareMissing:       "missing",
	ShareUndecryptable: "undecryptable",
	ShareInconsistent:  "inconsistent",
}

// String returns "missing", "undecryptable" or "inconsistent".
func (r ComplaintReason) String() string {
	if s, ok := reasonNames[r]; ok {
		return s
	}
	return fmt.Sprintf("ComplaintReason(%d)", uint8(r))
}

// Complaint is a recipient's round-3 message: it accuses a dealer of not
// delivering a valid share, and obliges the dealer to reveal the share in a
// ComplaintResponse.
type Complaint struct {
	Ceremony    []byte          // the roster's ceremony hash, 32 bytes
	Complainant int             // index of the recipient who complains; it signs
	Dealer      int             // index of the accused dealer
	Reason      ComplaintReason // informative
	Signature   []byte          // Ed25519 signature of the complainant
}

// body is ceremony ‖ u32(complainant) ‖ u32(dealer) ‖ u8(reason).
func (c *Complaint) body() []byte {
	b := make([]byte, 0, CeremonyHashSize+9)
	b = append(b, c.Ceremony...)
	b = binary.BigEndian.AppendUint32(b, uint32(c.Complainant))
	b = binary.BigEndian.AppendUint32(b, uint32(c.Dealer))
	return append(b, byte(c.Reason))
}

func (c *Complaint) wellFormed() error {
	switch {
	case len(c.Ceremony) != CeremonyHashSize:
		return fmt.Errorf("trustee: complaint: field ceremony: %d bytes, want %d", len(c.Ceremony), CeremonyHashSize)
	case c.Complainant == c.Dealer:
		return fmt.Errorf("trustee: complaint of trustee %d against itself", c.Dealer)
	case reasonNames[c.Reason] == "":
		return fmt.Errorf("trustee: complaint of trustee %d against dealer %d: field reason: unknown reason %d", c.Complainant, c.Dealer, c.Reason)
	}
	return checkHeader("complaint", c.Signature, c.Complainant, c.Dealer)
}

// Bytes returns the canonical encoding: the signed body followed by the
// signature.
func (c *Complaint) Bytes() []byte {
	if err := c.wellFormed(); err != nil {
		panic(err.Error())
	}
	return append(c.body(), c.Signature...)
}

// SetCanonicalBytes decodes the encoding of Bytes. It checks lengths,
// indices and the reason, not the signature. On error the receiver is
// unchanged.
func (c *Complaint) SetCanonicalBytes(b []byte) (*Complaint, error) {
	r := &reader{what: "complaint", b: b}
	var q Complaint
	q.Ceremony = bytes.Clone(r.take("ceremony", CeremonyHashSize))
	q.Complainant = r.index("complainant")
	q.Dealer = r.index("dealer")
	if r.err == nil && q.Dealer == q.Complainant {
		r.fail("dealer", "equals the complainant %d", q.Dealer)
	}
	q.Reason = ComplaintReason(r.u8("reason"))
	if r.err == nil && reasonNames[q.Reason] == "" {
		r.fail("reason", "unknown reason %d", q.Reason)
	}
	q.Signature = bytes.Clone(r.take("signature", ed25519.SignatureSize))
	if err := r.end(); err != nil {
		return nil, err
	}
	*c = q
	return c, nil
}

// VerifySignature checks that c belongs to the ceremony of roster r, that
// the dealer is in the roster, and that it is signed by the complainant.
func (c *Complaint) VerifySignature(r *Roster) error {
	if err := c.wellFormed(); err != nil {
		return err
	}
	what := fmt.Sprintf("complaint of trustee %d against dealer %d", c.Complainant, c.Dealer)
	if r.member(c.Dealer) == nil {
		return fmt.Errorf("trustee: %s: dealer index outside 1..%d", what, r.Size())
	}
	return checkSigned(r, what, c.Ceremony, c.Complainant, complaintLabel, c.body(), c.Signature)
}

// MarshalJSON encodes c as {"ceremony": hex, "complainant": j, "dealer": i,
// "reason": "missing" | "undecryptable" | "inconsistent", "signature": hex}.
func (c *Complaint) MarshalJSON() ([]byte, error) {
	if err := c.wellFormed(); err != nil {
		return nil, err
	}
	return marshalObject(
		"ceremony", hexString(c.Ceremony),
		"complainant", c.Complainant,
		"dealer", c.Dealer,
		"reason", c.Reason.String(),
		"signature", hexString(c.Signature),
	)
}

// UnmarshalJSON decodes the form of MarshalJSON with the checks of
// SetCanonicalBytes. On error the receiver is unchanged.
func (c *Complaint) UnmarshalJSON(data []byte) error {
	const what = "complaint"
	obj, err := jsonObject(data, what, "ceremony", "complainant", "dealer", "reason", "signature")
	if err != nil {
		return err
	}
	var q Complaint
	if q.Ceremony, err = jsonHex(obj, what, "ceremony", CeremonyHashSize); err != nil {
		return err
	}
	if q.Complainant, err = jsonIndex(obj, what, "complainant"); err != nil {
		return err
	}
	if q.Dealer, err = jsonIndex(obj, what, "dealer"); err != nil {
		return err
	}
	if q.Dealer == q.Complainant {
		return fmt.Errorf("trustee: complaint: field dealer: equals the complainant %d", q.Dealer)
	}
	var reason string
	if err := jsonField(obj, what, "reason", &reason); err != nil {
		return err
	}
	for r, name := range reasonNames {
		if name == reason {
			q.Reason = r
		}
	}
	if q.Reason == 0 {
		return fmt.Errorf("trustee: complaint: field reason: unknown reason %q", reason)
	}
	if q.Signature, err = jsonHex(obj, what, "signature", ed25519.SignatureSize); err != nil {
		return err
	}
	*c = q
	return nil
}

// ComplaintResponse is a dealer's round-4 answer to a complaint: it reveals
// the complainant's share f(complainant) in the clear, so that anyone can
// check it against the dealer's commitments.
type ComplaintResponse struct {
	Ceremony    []byte       // the roster's ceremony hash, 32 bytes
	Dealer      int          // index of the dealer; it signs
	Complainant int          // index of the trustee who complained
	Share       group.Scalar // f_dealer(complainant)
	Signature   []byte       // Ed25519 signature of the dealer
}

// body is ceremony ‖ u32(dealer) ‖ u32(complainant) ‖ share.
func (c *ComplaintResponse) body() []byte {
	b := make([]byte, 0, CeremonyHashSize+8+group.ScalarSize)
	b = append(b, c.Ceremony...)
	b = binary.BigEndian.AppendUint32(b, uint32(c.Dealer))
	b = binary.BigEndian.AppendUint32(b, uint32(c.Complainant))
	return append(b, c.Share.Bytes()...)
}

func (c *ComplaintResponse) wellFormed() error {
	switch {
	case len(c.Ceremony) != CeremonyHashSize:
		return fmt.Errorf("trustee: complaint response: field ceremony: %d bytes, want %d", len(c.Ceremony), CeremonyHashSize)
	case c.Complainant == c.Dealer:
		return fmt.Errorf("trustee: complaint response of dealer %d to itself", c.Dealer)
	}
	return checkHeader("complaint response", c.Signature, c.Dealer, c.Complainant)
}

// Bytes returns the canonical encoding: the signed body followed by the
// signature.
func (c *ComplaintResponse) Bytes() []byte {
	if err := c.wellFormed(); err != nil {
		panic(err.Error())
	}
	return append(c.body(), c.Signature...)
}

// SetCanonicalBytes decodes the encoding of Bytes. It checks lengths,
// indices and that the share is a canonical scalar, not the signature. On
// error the receiver is unchanged.
func (c *ComplaintResponse) SetCanonicalBytes(b []byte) (*ComplaintResponse, error) {
	r := &reader{what: "complaint response", b: b}
	var q ComplaintResponse
	q.Ceremony = bytes.Clone(r.take("ceremony", CeremonyHashSize))
	q.Dealer = r.index("dealer")
	q.Complainant = r.index("complainant")
	if r.err == nil && q.Dealer == q.Complainant {
		r.fail("complainant", "equals the dealer %d", q.Dealer)
	}
	r.scalar("share", &q.Share)
	q.Signature = bytes.Clone(r.take("signature", ed25519.SignatureSize))
	if err := r.end(); err != nil {
		return nil, err
	}
	*c = q
	return c, nil
}

// VerifySignature checks that c belongs to the ceremony of roster r, that
// the complainant is in the roster, and that it is signed by its dealer. It
// does not check the share against the commitments; VerifyCeremony does.
func (c *ComplaintResponse) VerifySignature(r *Roster) error {
	if err := c.wellFormed(); err != nil {
		return err
	}
	what := fmt.Sprintf("complaint response of dealer %d to trustee %d", c.Dealer, c.Complainant)
	if r.member(c.Complainant) == nil {
		return fmt.Errorf("trustee: %s: complainant index outside 1..%d", what, r.Size())
	}
	return checkSigned(r, what, c.Ceremony, c.Dealer, responseLabel, c.body(), c.Signature)
}

// MarshalJSON encodes c as {"ceremony": hex, "dealer": i, "complainant": j,
// "share": hex, "signature": hex}.
func (c *ComplaintResponse) MarshalJSON() ([]byte, error) {
	if err := c.wellFormed(); err != nil {
		return nil, err
	}
	return marshalObject(
		"ceremony", hexString(c.Ceremony),
		"dealer", c.Dealer,
		"complainant", c.Complainant,
		"share", hexString(c.Share.Bytes()),
		"signature", hexString(c.Signature),
	)
}

// UnmarshalJSON decodes the form of MarshalJSON with the checks of
// SetCanonicalBytes. On error the receiver is unchanged.
func (c *ComplaintResponse) UnmarshalJSON(data []byte) error {
	const what = "complaint response"
	obj, err := jsonObject(data, what, "ceremony", "dealer", "complainant", "share", "signature")
	if err != nil {
		return err
	}
	var q ComplaintResponse
	if q.Ceremony, err = jsonHex(obj, what, "ceremony", CeremonyHashSize); err != nil {
		return err
	}
	if q.Dealer, err = jsonIndex(obj, what, "dealer"); err != nil {
		return err
	}
	if q.Complainant, err = jsonIndex(obj, what, "complainant"); err != nil {
		return err
	}
	if q.Dealer == q.Complainant {
		return fmt.Errorf("trustee: complaint response: field complainant: equals the dealer %d", q.Dealer)
	}
	var share string
	if err := jsonField(obj, what, "share", &share); err != nil {
		return err
	}
	if err := parseHexScalar(what, "share", share, &q.Share); err != nil {
		return err
	}
	if q.Signature, err = jsonHex(obj, what, "signature", ed25519.SignatureSize); err != nil {
		return err
	}
	*c = q
	return nil
}

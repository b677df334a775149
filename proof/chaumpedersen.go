package proof

import (
	"fmt"

	"github.com/sandogh/sandogh/group"
)

// ChaumPedersenSize is the length of a Chaum–Pedersen proof encoding:
// Commitment1 ‖ Commitment2 ‖ Response.
const ChaumPedersenSize = 2*group.ElementSize + group.ScalarSize

// A ChaumPedersen proof shows that log_G1(X1) = log_G2(X2), that is, knowledge
// of x with X1 = x·G1 and X2 = x·G2, in the batchable form (commitments,
// response): the verifier recomputes the challenge c and checks
// Response·G1 = Commitment1 + c·X1 and Response·G2 = Commitment2 + c·X2.
// The relation of a decryption share d = x·A of a trustee with public share
// X = x·G is the statement G1 = G, X1 = X, G2 = A, X2 = d; package
// trustee proves it with a transcript of its own, which binds 2·A and
// batches the encodings of a whole list (docs/spec.md, "Trustees",
// "Decryption shares"), not with this proof.
//
// The zero value is NOT valid, and it may be used only as a receiver of
// SetCanonicalBytes or UnmarshalJSON.
type ChaumPedersen struct {
	Commitment1 group.Element // u·G1
	Commitment2 group.Element // u·G2
	Response    group.Scalar  // u + c·x
}

// appendChaumPedersenStatement appends the statement log_G1(X1) =
// log_G2(X2), given by the canonical encodings of G1, X1, G2 and X2, for the
// prover, the verifier and BatchVerifier.AddChaumPedersen.
func appendChaumPedersenStatement(t *Transcript, g1Enc, x1Enc, g2Enc, x2Enc []byte) {
	t.AppendBytes("proof", []byte("chaum-pedersen"))
	t.appendElementBytes("base1", g1Enc)
	t.appendElementBytes("public1", x1Enc)
	t.appendElementBytes("base2", g2Enc)
	t.appendElementBytes("public2", x2Enc)
}

// ProveChaumPedersen returns a proof that X1 = x·G1 and X2 = x·G2. It appends
// the statement and the commitments to t and draws the challenge from t, so
// t is consumed. The nonce is derived from n and the transcript. Operations
// on x and the nonce are constant time. ProveChaumPedersen does not check the
// statement; if it is false, the proof will not verify.
func ProveChaumPedersen(t *Transcript, G1, X1, G2, X2 *group.Element, x *group.Scalar, n *Nonces) *ChaumPedersen {
	appendChaumPedersenStatement(t, G1.Bytes(), X1.Bytes(), G2.Bytes(), X2.Bytes())
	u := n.Bind(t).Scalar("chaum-pedersen commitment", 0)
	p := new(ChaumPedersen)
	if isGenerator(G1) {
		p.Commitment1.ScalarBaseMult(u)
	} else {
		p.Commitment1.ScalarMult(u, G1)
	}
	if isGenerator(G2) {
		p.Commitment2.ScalarBaseMult(u)
	} else {
		p.Commitment2.ScalarMult(u, G2)
	}
	t.AppendElement("commitment1", &p.Commitment1)
	t.AppendElement("commitment2", &p.Commitment2)
	c := t.Challenge("challenge")
	p.Response.MultiplyAdd(c, x, u)
	return p
}

// Verify checks p against the statement log_G1(X1) = log_G2(X2), appending
// the statement and the commitments to t and drawing the challenge from it
// (t is consumed). It returns nil if the proof is valid.
func (p *ChaumPedersen) Verify(t *Transcript, G1, X1, G2, X2 *group.Element) error {
	appendChaumPedersenStatement(t, G1.Bytes(), X1.Bytes(), G2.Bytes(), X2.Bytes())
	t.AppendElement("commitment1", &p.Commitment1)
	t.AppendElement("commitment2", &p.Commitment2)
	c := t.Challenge("challenge")
	negC := new(group.Scalar).Negate(c)
	check := func(B, X *group.Element) *group.Element {
		if isGenerator(B) {
			return group.NewElement().VarTimeDoubleScalarBaseMult(negC, X, &p.Response)
		}
		return varTimeMSM([]*group.Scalar{&p.Response, negC}, []*group.Element{B, X})
	}
	if check(G1, X1).Equal(&p.Commitment1) != 1 {
		return fmt.Errorf("proof: Chaum–Pedersen %w (first equation)", errInvalidProof)
	}
	if check(G2, X2).Equal(&p.Commitment2) != 1 {
		return fmt.Errorf("proof: Chaum–Pedersen %w (second equation)", errInvalidProof)
	}
	return nil
}

// Bytes returns the 96-byte encoding Commitment1 ‖ Commitment2 ‖ Response.
func (p *ChaumPedersen) Bytes() []byte {
	b := make([]byte, 0, ChaumPedersenSize)
	b = p.Commitment1.AppendBytes(b)
	b = p.Commitment2.AppendBytes(b)
	return append(b, p.Response.Bytes()...)
}

// SetCanonicalBytes sets p to the proof encoded by the 96 bytes b =
// Commitment1 ‖ Commitment2 ‖ Response, each canonical. If b is not a valid
// encoding, it returns nil and an error naming the field, and p is unchanged.
func (p *ChaumPedersen) SetCanonicalBytes(b []byte) (*ChaumPedersen, error) {
	if len(b) != ChaumPedersenSize {
		return nil, fmt.Errorf("proof: Chaum–Pedersen proof encoding is %d bytes, want %d", len(b), ChaumPedersenSize)
	}
	var q ChaumPedersen
	if _, err := q.Commitment1.SetCanonicalBytes(b[:32]); err != nil {
		return nil, fmt.Errorf("proof: Chaum–Pedersen proof: field commitment1: %w", err)
	}
	if _, err := q.Commitment2.SetCanonicalBytes(b[32:64]); err != nil {
		return nil, fmt.Errorf("proof: Chaum–Pedersen proof: field commitment2: %w", err)
	}
	if _, err := q.Response.SetCanonicalBytes(b[64:]); err != nil {
		return nil, fmt.Errorf("proof: Chaum–Pedersen proof: field response: %w", err)
	}
	*p = q
	return p, nil
}

// MarshalJSON encodes p as {"commitment1": hex, "commitment2": hex,
// "response": hex} with lowercase hexadecimal canonical encodings.
// It has a value receiver so that a proof held by value in a struct is
// encoded the same way.
func (p ChaumPedersen) MarshalJSON() ([]byte, error) {
	return marshalJSONFields([]jsonField{
		{"commitment1", hexOf(p.Commitment1.Bytes())},
		{"commitment2", hexOf(p.Commitment2.Bytes())},
		{"response", hexOf(p.Response.Bytes())},
	})
}

// UnmarshalJSON decodes the form of MarshalJSON. It rejects unknown,
// duplicate and missing members and non-canonical values; on error p is
// unchanged.
func (p *ChaumPedersen) UnmarshalJSON(data []byte) error {
	const what = "Chaum–Pedersen proof"
	obj, err := readJSONObject(data, what, "commitment1", "commitment2", "response")
	if err != nil {
		return err
	}
	var q ChaumPedersen
	if err := jsonElement(obj, what, "commitment1", &q.Commitment1); err != nil {
		return err
	}
	if err := jsonElement(obj, what, "commitment2", &q.Commitment2); err != nil {
		return err
	}
	if err := jsonScalar(obj, what, "response", &q.Response); err != nil {
		return err
	}
	*p = q
	return nil
}

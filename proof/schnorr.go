package proof

import (
	"errors"
	"fmt"

	"github.com/sandogh/sandogh/group"
)

// SchnorrSize is the length of a Schnorr proof encoding: Commitment ‖ Response.
const SchnorrSize = group.ElementSize + group.ScalarSize

// A Schnorr proof shows knowledge of x such that X = x·B for a public base B
// (usually the generator G), in the batchable form (commitment, response):
// the verifier recomputes the challenge c from the transcript and checks
// Response·B = Commitment + c·X.
//
// The zero value is NOT valid, and it may be used only as a receiver of
// SetCanonicalBytes or UnmarshalJSON.
type Schnorr struct {
	Commitment group.Element // a = u·B for the prover's secret nonce u
	Response   group.Scalar  // z = u + c·x
}

// appendSchnorrStatement appends the statement X = x·B, given by the
// canonical encodings of B and X, for the prover, the verifier and
// BatchVerifier.AddSchnorr.
func appendSchnorrStatement(t *Transcript, bEnc, xEnc []byte) {
	t.AppendBytes("proof", []byte("schnorr"))
	t.appendElementBytes("base", bEnc)
	t.appendElementBytes("public", xEnc)
}

// isGenerator reports whether B is the canonical generator. B is public.
func isGenerator(B *group.Element) bool {
	return B.Equal(group.NewGeneratorElement()) == 1
}

// ProveSchnorr returns a proof of knowledge of x with X = x·B. It appends the
// statement and the commitment to t and draws the challenge from t, so t is
// consumed. The nonce is derived from n and the transcript. Operations on x
// and the nonce are constant time. ProveSchnorr does not check that X = x·B;
// if it does not, the proof will not verify.
func ProveSchnorr(t *Transcript, B, X *group.Element, x *group.Scalar, n *Nonces) *Schnorr {
	appendSchnorrStatement(t, B.Bytes(), X.Bytes())
	u := n.Bind(t).Scalar("schnorr commitment", 0)
	p := new(Schnorr)
	if isGenerator(B) {
		p.Commitment.ScalarBaseMult(u)
	} else {
		p.Commitment.ScalarMult(u, B)
	}
	t.AppendElement("commitment", &p.Commitment)
	c := t.Challenge("challenge")
	p.Response.MultiplyAdd(c, x, u)
	return p
}

// errInvalidProof is wrapped by every verification failure of a well-formed
// proof, as opposed to an encoding error.
var errInvalidProof = errors.New("proof does not verify")

// Verify checks p against the statement X = x·B, appending the statement and
// the commitment to t and drawing the challenge from it (t is consumed). It
// returns nil if the proof is valid.
func (p *Schnorr) Verify(t *Transcript, B, X *group.Element) error {
	appendSchnorrStatement(t, B.Bytes(), X.Bytes())
	t.AppendElement("commitment", &p.Commitment)
	c := t.Challenge("challenge")
	// Check z·B − c·X = a.
	negC := new(group.Scalar).Negate(c)
	var lhs *group.Element
	if isGenerator(B) {
		lhs = group.NewElement().VarTimeDoubleScalarBaseMult(negC, X, &p.Response)
	} else {
		lhs = varTimeMSM([]*group.Scalar{&p.Response, negC}, []*group.Element{B, X})
	}
	if lhs.Equal(&p.Commitment) != 1 {
		return fmt.Errorf("proof: Schnorr %w", errInvalidProof)
	}
	return nil
}

// Bytes returns the 64-byte encoding Commitment ‖ Response.
func (p *Schnorr) Bytes() []byte {
	b := make([]byte, 0, SchnorrSize)
	b = p.Commitment.AppendBytes(b)
	return append(b, p.Response.Bytes()...)
}

// SetCanonicalBytes sets p to the proof encoded by the 64 bytes b =
// Commitment ‖ Response, each canonical. If b is not a valid encoding, it
// returns nil and an error naming the field, and p is unchanged.
func (p *Schnorr) SetCanonicalBytes(b []byte) (*Schnorr, error) {
	return p.SetCanonicalBytesWith(nil, b)
}

// SetCanonicalBytesWith is SetCanonicalBytes decoding the commitment with
// d, which may hold a decoding hint for it (group.Decoder); the outcome is
// the same with any hint.
func (p *Schnorr) SetCanonicalBytesWith(d *group.Decoder, b []byte) (*Schnorr, error) {
	if len(b) != SchnorrSize {
		return nil, fmt.Errorf("proof: Schnorr proof encoding is %d bytes, want %d", len(b), SchnorrSize)
	}
	var q Schnorr
	if _, err := d.Decode(&q.Commitment, b[:32]); err != nil {
		return nil, fmt.Errorf("proof: Schnorr proof: field commitment: %w", err)
	}
	if _, err := q.Response.SetCanonicalBytes(b[32:]); err != nil {
		return nil, fmt.Errorf("proof: Schnorr proof: field response: %w", err)
	}
	*p = q
	return p, nil
}

// MarshalJSON encodes p as {"commitment": hex, "response": hex} with
// lowercase hexadecimal canonical encodings.
// It has a value receiver so that a proof held by value in a struct is
// encoded the same way.
func (p Schnorr) MarshalJSON() ([]byte, error) {
	return marshalJSONFields([]jsonField{
		{"commitment", hexOf(p.Commitment.Bytes())},
		{"response", hexOf(p.Response.Bytes())},
	})
}

// UnmarshalJSON decodes the form of MarshalJSON. It rejects unknown,
// duplicate and missing members and non-canonical values; on error p is
// unchanged.
func (p *Schnorr) UnmarshalJSON(data []byte) error {
	const what = "Schnorr proof"
	obj, err := readJSONObject(data, what, "commitment", "response")
	if err != nil {
		return err
	}
	var q Schnorr
	if err := jsonElement(obj, what, "commitment", &q.Commitment); err != nil {
		return err
	}
	if err := jsonScalar(obj, what, "response", &q.Response); err != nil {
		return err
	}
	*p = q
	return nil
}

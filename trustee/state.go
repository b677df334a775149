package trustee

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/sealed"
	"github.com/sandogh/sandogh/proof"
)

const (
	trusteeKind    = "sandogh trustee ceremony state"
	stateVersion   = 1
	sentShareSize  = CeremonyHashSize + 8 + EncryptedShareSize + 64
	maxRosterBytes = 1 << 20
)

// Seal returns the trustee's ceremony state encrypted under passphrase
// (Argon2id and XChaCha20-Poly1305; docs/spec.md, "Secret state at rest").
func (t *Trustee) Seal(passphrase []byte) ([]byte, error) {
	b, err := t.encode()
	if err != nil {
		return nil, err
	}
	return sealed.SealWithParams(trusteeKind, b, passphrase, sealParams)
}

// OpenTrustee restores a ceremony state sealed by Trustee.Seal. A wrong
// passphrase or a modified file gives an error that says so.
func OpenTrustee(data, passphrase []byte) (*Trustee, error) {
	pt, err := sealed.Open(trusteeKind, data, passphrase)
	if err != nil {
		return nil, fmt.Errorf("trustee: opening ceremony state: %w", err)
	}
	return decodeTrustee(pt)
}

// encode returns
//
//	u8(version) ‖ u8(phase) ‖ u32(len) ‖ identity ‖ u32(len) ‖ roster JSON ‖
//	u32(t) ‖ a_0 ‖ … ‖ a_{t−1} ‖ nonce seed ‖
//	u32(count) ‖ sent encrypted shares ‖ u32(count) ‖ (u32(dealer) ‖ share)…
func (t *Trustee) encode() ([]byte, error) {
	roster, err := t.roster.MarshalJSON()
	if err != nil {
		return nil, err
	}
	id := t.id.encode()
	b := []byte{stateVersion, byte(t.phase)}
	b = binary.BigEndian.AppendUint32(b, uint32(len(id)))
	b = append(b, id...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(roster)))
	b = append(b, roster...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(t.coeffs)))
	for _, a := range t.coeffs {
		b = append(b, a.Bytes()...)
	}
	b = append(b, t.seed...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(t.sent)))
	for _, s := range t.sent {
		b = append(b, s.Bytes()...)
	}
	dealers := make([]int, 0, len(t.recv))
	for i := range t.recv {
		dealers = append(dealers, i)
	}
	sort.Ints(dealers)
	b = binary.BigEndian.AppendUint32(b, uint32(len(dealers)))
	for _, i := range dealers {
		b = binary.BigEndian.AppendUint32(b, uint32(i))
		b = append(b, t.recv[i].Bytes()...)
	}
	return b, nil
}

func decodeTrustee(b []byte) (*Trustee, error) {
	r := &reader{what: "ceremony state", b: b}
	if v := r.u8("version"); r.err == nil && v != stateVersion {
		return nil, fmt.Errorf("trustee: ceremony state: unsupported version %d", v)
	}
	phase := int(r.u8("phase"))
	if r.err == nil && phase > phaseReceived {
		r.fail("phase", "unknown phase %d", phase)
	}
	idBytes := r.take("identity", int(r.u32("identity length")))
	rosterBytes := r.take("roster", int(min(r.u32("roster length"), maxRosterBytes+1)))
	if r.err != nil {
		return nil, r.err
	}
	id, err := decodeIdentity(idBytes)
	if err != nil {
		return nil, fmt.Errorf("trustee: ceremony state: %w", err)
	}
	roster := new(Roster)
	if err := roster.UnmarshalJSON(rosterBytes); err != nil {
		return nil, fmt.Errorf("trustee: ceremony state: %w", err)
	}
	if n := r.u32("coefficient count"); r.err == nil && int(n) != roster.threshold {
		return nil, fmt.Errorf("trustee: ceremony state: %s for threshold %d", prose.Count(n, "coefficient"), roster.threshold)
	}
	coeffs := make([]*group.Scalar, roster.threshold)
	for k := range coeffs {
		coeffs[k] = new(group.Scalar)
		r.scalar(fmt.Sprintf("coefficients[%d]", k), coeffs[k])
	}
	seed := r.take("nonce seed", proof.NonceSeedSize)
	if r.err != nil {
		return nil, r.err
	}
	t, err := newTrustee(roster, id, coeffs, append([]byte(nil), seed...))
	if err != nil {
		return nil, fmt.Errorf("trustee: ceremony state: %w", err)
	}
	t.phase = phase
	nSent := r.u32("sent count")
	if r.err == nil && int(nSent) >= roster.Size() {
		return nil, fmt.Errorf("trustee: ceremony state: %s for %s", prose.Count(nSent, "sent share"), prose.Count(roster.Size(), "trustee"))
	}
	for k := 0; k < int(nSent) && r.err == nil; k++ {
		s, err := new(EncryptedShare).SetCanonicalBytes(r.take("sent share", sentShareSize))
		if r.err != nil {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("trustee: ceremony state: %w", err)
		}
		t.sent = append(t.sent, s)
	}
	nRecv := r.u32("received count")
	if r.err == nil && int(nRecv) >= roster.Size() {
		return nil, fmt.Errorf("trustee: ceremony state: %s for %s", prose.Count(nRecv, "received share"), prose.Count(roster.Size(), "trustee"))
	}
	for k := 0; k < int(nRecv) && r.err == nil; k++ {
		i := r.index("received dealer")
		s := new(group.Scalar)
		r.scalar("received share", s)
		t.recv[i] = s
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	return t, nil
}

package pollbook

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/wire"
)

const (
	markLabel     = "sandogh-v1/pollbook-mark"
	decisionLabel = "sandogh-v1/pollbook-committee-decision"
)

// The kinds of mark, as they are signed.
const (
	kindVoter     = 1
	kindCommittee = 2
)

// maxOfficials bounds the signatures of a committee decision.
const maxOfficials = 64

// A Mark is a station's signed record that one voter was admitted to vote
// there (docs/spec.md §The poll book, "Marks"): either a voter on the list, by the
// pseudonym of her national identifier, or a voter without a national
// identifier, admitted by a decision of the station committee (Decision
// set, Pseudonym zero). A mark carries no time and nothing of the ballot
// the voter then casts.
//
// Station is the identifier of the station's device registered in the
// election (ballot.Parameters.Devices), whose key signs the mark; Sequence
// numbers the station's marks from 1 without gaps.
type Mark struct {
	Station   string
	Sequence  uint64
	Pseudonym Pseudonym
	// Decision is the committee's decision for a voter without a national
	// identifier, and nil for a voter on the list.
	Decision *CommitteeDecision
	// Signature is the station device's Ed25519 signature of the mark's
	// message.
	Signature []byte
}

// A CommitteeDecision is a station committee's decision to admit a voter who has
// no national identifier: the decision's reference number, unique at the
// station, and the signatures of the officials who took it.
type CommitteeDecision struct {
	Reference string
	// Signatures are the officials' signatures of the decision, at most
	// one per official, in ascending order of Official.
	Signatures []OfficialSignature
}

// An OfficialSignature is one official's Ed25519 signature of a committee
// decision.
type OfficialSignature struct {
	Official  string
	Signature []byte
}

// A Committee is the set of officials of one station whose signatures
// admit a voter without a national identifier, and how many of them must
// sign (Quorum, at least 1).
type Committee struct {
	Officials map[string]ed25519.PublicKey
	Quorum    int
}

// IsDecision reports whether m admits a voter by committee decision
// rather than by pseudonym.
func (m *Mark) IsDecision() bool { return m.Decision != nil }

// DecisionMessage returns the bytes each official signs to admit a voter
// without a national identifier at station under reference:
//
//	str("sandogh-v1/pollbook-committee-decision") ‖ base hash ‖ str(station) ‖ str(reference)
func DecisionMessage(baseHash [ballot.HashSize]byte, station, reference string) []byte {
	var w wire.Writer
	w.Str(decisionLabel)
	w.Fixed(baseHash[:])
	w.Str(station)
	w.Str(reference)
	return w.B
}

// message returns the bytes the station's device signs:
//
//	str("sandogh-v1/pollbook-mark") ‖ base hash ‖ str(station) ‖ u64(sequence) ‖ u8(kind) ‖ body
//
// with body the pseudonym (kind 1) or str(reference) ‖ u32(k) ‖
// (str(official) ‖ signature)… (kind 2).
func (m *Mark) message(baseHash [ballot.HashSize]byte) []byte {
	var w wire.Writer
	w.Str(markLabel)
	w.Fixed(baseHash[:])
	w.Str(m.Station)
	w.U64(m.Sequence)
	if m.Decision == nil {
		w.U8(kindVoter)
		w.Fixed(m.Pseudonym[:])
		return w.B
	}
	w.U8(kindCommittee)
	w.Str(m.Decision.Reference)
	w.U32(uint32(len(m.Decision.Signatures)))
	for _, s := range m.Decision.Signatures {
		w.Str(s.Official)
		w.Fixed(s.Signature)
	}
	return w.B
}

// check checks the form of m: identifiers, sequence, signature lengths,
// officials in order. It checks no signature.
func (m *Mark) check() error {
	if err := checkID("mark: station", m.Station); err != nil {
		return err
	}
	if m.Sequence == 0 {
		return fmt.Errorf("pollbook: mark of station %q: sequence 0 (marks are numbered from 1)", m.Station)
	}
	if len(m.Signature) != ed25519.SignatureSize {
		return fmt.Errorf("pollbook: mark %q/%d: signature is %d bytes, want %d", m.Station, m.Sequence, len(m.Signature), ed25519.SignatureSize)
	}
	if m.Decision == nil {
		return nil
	}
	if m.Pseudonym != (Pseudonym{}) {
		return fmt.Errorf("pollbook: mark %q/%d: a committee decision with a pseudonym", m.Station, m.Sequence)
	}
	d := m.Decision
	if err := checkID(fmt.Sprintf("mark %q/%d: decision reference", m.Station, m.Sequence), d.Reference); err != nil {
		return err
	}
	if len(d.Signatures) == 0 || len(d.Signatures) > maxOfficials {
		return fmt.Errorf("pollbook: mark %q/%d: decision has %d signatures, want 1 to %d", m.Station, m.Sequence, len(d.Signatures), maxOfficials)
	}
	for i, s := range d.Signatures {
		if err := checkID(fmt.Sprintf("mark %q/%d: decision signature %d: official", m.Station, m.Sequence, i), s.Official); err != nil {
			return err
		}
		if i > 0 && strings.Compare(d.Signatures[i-1].Official, s.Official) >= 0 {
			return fmt.Errorf("pollbook: mark %q/%d: decision signature %d: official %q is not after %q (ascending, each once)", m.Station, m.Sequence, i, s.Official, d.Signatures[i-1].Official)
		}
		if len(s.Signature) != ed25519.SignatureSize {
			return fmt.Errorf("pollbook: mark %q/%d: decision signature %d: %d bytes, want %d", m.Station, m.Sequence, i, len(s.Signature), ed25519.SignatureSize)
		}
	}
	return nil
}

// verify checks m's form, the station's signature with key and, for a
// decision, the officials' signatures against committee.
func (m *Mark) verify(baseHash [ballot.HashSize]byte, key ed25519.PublicKey, committee *Committee) error {
	if err := m.check(); err != nil {
		return err
	}
	if !ed25519.Verify(key, m.message(baseHash), m.Signature) {
		return fmt.Errorf("pollbook: mark %q/%d: invalid station signature", m.Station, m.Sequence)
	}
	if m.Decision == nil {
		return nil
	}
	return m.Decision.verify(baseHash, m.Station, committee)
}

// verify checks the officials' signatures of d at station against
// committee: each signer an official of it, each signature valid, at
// least its quorum.
func (d *CommitteeDecision) verify(baseHash [ballot.HashSize]byte, station string, committee *Committee) error {
	if committee == nil || committee.Quorum < 1 {
		return fmt.Errorf("pollbook: decision %q of station %q: the station has no committee", d.Reference, station)
	}
	msg := DecisionMessage(baseHash, station, d.Reference)
	for i, s := range d.Signatures {
		k, ok := committee.Officials[s.Official]
		if !ok || len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("pollbook: decision %q of station %q: signature %d: %q is not an official of the station's committee", d.Reference, station, i, s.Official)
		}
		if len(s.Signature) != ed25519.SignatureSize || !ed25519.Verify(k, msg, s.Signature) {
			return fmt.Errorf("pollbook: decision %q of station %q: signature %d: invalid signature of official %q", d.Reference, station, i, s.Official)
		}
	}
	if len(d.Signatures) < committee.Quorum {
		return fmt.Errorf("pollbook: decision %q of station %q: %d signatures, the committee's quorum is %d", d.Reference, station, len(d.Signatures), committee.Quorum)
	}
	return nil
}

// SignDecision returns official's signature, with key, of the committee
// decision reference at station (DecisionMessage). Each official signs on
// his own device; the station collects the signatures (Book.Admit).
func SignDecision(baseHash [ballot.HashSize]byte, station, reference, official string, key ed25519.PrivateKey) OfficialSignature {
	return OfficialSignature{Official: official, Signature: ed25519.Sign(key, DecisionMessage(baseHash, station, reference))}
}

// sum returns the digest of m's signed message, by which the central
// book tells a repeated mark (the same message) from a different one at
// the same place.
func (m *Mark) sum(baseHash [ballot.HashSize]byte) [sha256.Size]byte {
	return sha256.Sum256(m.message(baseHash))
}

type markJSON struct {
	Station   string        `json:"station"`
	Sequence  uint64        `json:"sequence"`
	Pseudonym *Pseudonym    `json:"pseudonym,omitempty"`
	Decision  *decisionJSON `json:"decision,omitempty"`
	Signature string        `json:"signature"`
}

type decisionJSON struct {
	Reference  string              `json:"reference"`
	Signatures []officialSignature `json:"signatures"`
}

type officialSignature struct {
	Official  string `json:"official"`
	Signature string `json:"signature"`
}

// MarshalJSON encodes m as (docs/spec.md §The poll book, "Marks")
//
//	{"station": …, "sequence": n, "pseudonym": hex, "signature": hex}
//	{"station": …, "sequence": n, "decision": {"reference": …,
//	 "signatures": [{"official": …, "signature": hex}, …]}, "signature": hex}
func (m *Mark) MarshalJSON() ([]byte, error) {
	j := markJSON{Station: m.Station, Sequence: m.Sequence, Signature: hex.EncodeToString(m.Signature)}
	if m.Decision == nil {
		p := m.Pseudonym
		j.Pseudonym = &p
	} else {
		j.Decision = &decisionJSON{Reference: m.Decision.Reference, Signatures: []officialSignature{}}
		for _, s := range m.Decision.Signatures {
			j.Decision.Signatures = append(j.Decision.Signatures, officialSignature{Official: s.Official, Signature: hex.EncodeToString(s.Signature)})
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the form of MarshalJSON strictly (StrictJSON's
// rules; exactly one of pseudonym and decision) and checks the mark's
// form, but no signature: the station or the central book that takes the
// mark verifies it.
func (m *Mark) UnmarshalJSON(data []byte) error {
	var j markJSON
	if err := wire.StrictJSON(data, &j); err != nil {
		return fmt.Errorf("pollbook: mark JSON: %v", err)
	}
	if (j.Pseudonym == nil) == (j.Decision == nil) {
		return fmt.Errorf("pollbook: mark JSON: want exactly one of the members \"pseudonym\" and \"decision\"")
	}
	sig, err := wire.DecodeHex("signature", j.Signature, ed25519.SignatureSize)
	if err != nil {
		return fmt.Errorf("pollbook: mark JSON: %v", err)
	}
	n := Mark{Station: j.Station, Sequence: j.Sequence, Signature: sig}
	if j.Pseudonym != nil {
		n.Pseudonym = *j.Pseudonym
	} else {
		n.Decision = &CommitteeDecision{Reference: j.Decision.Reference}
		for i, s := range j.Decision.Signatures {
			b, err := wire.DecodeHex("signature", s.Signature, ed25519.SignatureSize)
			if err != nil {
				return fmt.Errorf("pollbook: mark JSON: decision.signatures[%d]: %v", i, err)
			}
			n.Decision.Signatures = append(n.Decision.Signatures, OfficialSignature{Official: s.Official, Signature: b})
		}
	}
	if err := n.check(); err != nil {
		return err
	}
	*m = n
	return nil
}

// ParseMark decodes a mark from its JSON form (UnmarshalJSON).
func ParseMark(data []byte) (*Mark, error) {
	m := new(Mark)
	if err := m.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return m, nil
}

package trustee

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/internal/safetext"
)

// MaxTrustees is the largest number of trustees in a roster. The ceremony
// exchanges n·(n−1) shares, so this bounds the work a malformed record can
// cause.
const MaxTrustees = 1024

// MaxNameSize is the longest trustee name, in bytes.
const MaxNameSize = 255

// MaxElectionIDSize is the longest election identifier, in bytes.
const MaxElectionIDSize = 1024

// CeremonyHashSize is the length of a ceremony hash.
const CeremonyHashSize = 32

// Group is the name of the group that the roster hashes.
const Group = "ristretto255"

// The HPKE ciphersuite of the shares (RFC 9180, Section 7).
const (
	kemID  = 0x0020 // DHKEM(X25519, HKDF-SHA256)
	kdfID  = 0x0001 // HKDF-SHA256
	aeadID = 0x0003 // ChaCha20Poly1305

	// Suite names the HPKE ciphersuite in the roster's JSON form.
	Suite = "DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305"
)

// Domain separation labels of the ceremony (docs/spec.md, "Trustees").
const (
	rosterLabel = "sandogh-v1 trustee roster"
)

// A Member is one trustee of a roster: its index, a name for people, and its
// two long-term public keys.
type Member struct {
	Index         int               // 1..n, the x-coordinate of its key share
	Name          string            // UTF-8, 1..MaxNameSize bytes
	SigningKey    ed25519.PublicKey // 32 bytes; signs every message of this trustee
	EncryptionKey []byte            // 32 bytes, X25519; HPKE recipient key for shares
}

// A Roster is the fixed, published list of the trustees of one election and
// the threshold: the input of the key ceremony. Every ceremony message, proof
// and signature binds its hash (Hash), so a message of one ceremony is
// worthless in another.
//
// A Roster is immutable and safe for concurrent use. The zero value is NOT
// valid, and it may be used only as a receiver of UnmarshalJSON; use
// NewRoster.
type Roster struct {
	electionID string
	threshold  int
	members    []Member
	hash       []byte
}

// NewRoster checks and returns the roster of the trustees members[0..n-1]
// with threshold t: members[k].Index must be k+1, 1 ≤ t ≤ n ≤ MaxTrustees,
// names must be names of 1..MaxNameSize bytes by the text rule of
// docs/spec.md (Ballots, "Encoding primitives": valid UTF-8 in NFC, no
// control character, bidirectional marks and balanced isolates only), and
// names, signing keys and encryption keys must be distinct (names
// compared byte for byte, which for NFC text is canonical equivalence).
// The election identifier is 1..MaxElectionIDSize bytes: the manifest's
// ElectionID (ballot.Manifest), of the same type, so that the ceremony's
// outcome (Result.ElectionID) is compared with the election wherever the
// two meet (election.Writer.WriteElection, tally.Decrypt, and check 2 of
// the verifier). Everything is copied.
func NewRoster(electionID string, threshold int, members []Member) (*Roster, error) {
	n := len(members)
	switch {
	case len(electionID) < 1 || len(electionID) > MaxElectionIDSize:
		return nil, fmt.Errorf("trustee: roster: field election_id: %d bytes, want 1..%d", len(electionID), MaxElectionIDSize)
	case n < 1 || n > MaxTrustees:
		return nil, fmt.Errorf("trustee: roster: %d trustees, want 1..%d", n, MaxTrustees)
	case threshold < 1 || threshold > n:
		return nil, fmt.Errorf("trustee: roster: threshold %d outside 1..%d", threshold, n)
	}
	r := &Roster{electionID: electionID, threshold: threshold, members: make([]Member, n)}
	names := make(map[string]int, n)
	keys := make(map[string]int, 2*n)
	for k, m := range members {
		where := fmt.Sprintf("trustee: roster: trustee %d", k+1)
		if m.Index != k+1 {
			return nil, fmt.Errorf("%s: field index is %d, want %d", where, m.Index, k+1)
		}
		if err := checkName(m.Name); err != nil {
			return nil, fmt.Errorf("%s: field name: %v", where, err)
		}
		if len(m.SigningKey) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%s: field signing_key: %d bytes, want %d", where, len(m.SigningKey), ed25519.PublicKeySize)
		}
		if len(m.EncryptionKey) != 32 {
			return nil, fmt.Errorf("%s: field encryption_key: %d bytes, want 32", where, len(m.EncryptionKey))
		}
		if _, err := hpkeKEM.NewPublicKey(m.EncryptionKey); err != nil {
			return nil, fmt.Errorf("%s: field encryption_key: %v", where, err)
		}
		if j, dup := names[m.Name]; dup {
			return nil, fmt.Errorf("%s: field name: %q is also the name of trustee %d", where, m.Name, j)
		}
		names[m.Name] = k + 1
		for _, key := range []string{"s" + string(m.SigningKey), "e" + string(m.EncryptionKey)} {
			if j, dup := keys[key]; dup {
				return nil, fmt.Errorf("%s: a public key is also a key of trustee %d", where, j)
			}
			keys[key] = k + 1
		}
		r.members[k] = Member{
			Index:         m.Index,
			Name:          m.Name,
			SigningKey:    bytes.Clone(m.SigningKey),
			EncryptionKey: bytes.Clone(m.EncryptionKey),
		}
	}
	h := sha512.Sum512_256(r.encode())
	r.hash = h[:]
	return r, nil
}

func checkName(name string) error {
	if len(name) < 1 || len(name) > MaxNameSize {
		return fmt.Errorf("%d bytes, want 1..%d", len(name), MaxNameSize)
	}
	if err := safetext.CheckName(name); err != nil {
		return fmt.Errorf("%q: %v", name, err)
	}
	return nil
}

// encode returns the byte string that Hash hashes:
//
//	u16(len(label)) ‖ label ‖ u32(len(electionID)) ‖ electionID ‖
//	u16(len(group)) ‖ group ‖ u16(kem) ‖ u16(kdf) ‖ u16(aead) ‖ u32(n) ‖ u32(t) ‖
//	for j = 1..n: u32(j) ‖ u16(len(name_j)) ‖ name_j ‖ signing_key_j ‖ encryption_key_j
func (r *Roster) encode() []byte {
	b := appendLabel(nil, rosterLabel)
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.electionID)))
	b = append(b, r.electionID...)
	b = appendLabel(b, Group)
	b = binary.BigEndian.AppendUint16(b, kemID)
	b = binary.BigEndian.AppendUint16(b, kdfID)
	b = binary.BigEndian.AppendUint16(b, aeadID)
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.members)))
	b = binary.BigEndian.AppendUint32(b, uint32(r.threshold))
	for _, m := range r.members {
		b = binary.BigEndian.AppendUint32(b, uint32(m.Index))
		b = appendLabel(b, m.Name)
		b = append(b, m.SigningKey...)
		b = append(b, m.EncryptionKey...)
	}
	return b
}

// Hash returns the 32-byte ceremony hash SHA-512/256 of the roster's
// encoding (docs/spec.md, "Trustees", "The roster"). It binds the protocol
// version, the election identifier, the group, the HPKE suite, n, t and
// every trustee's index, name and keys.
func (r *Roster) Hash() []byte { return bytes.Clone(r.hash) }

// ElectionID returns the election identifier, the manifest's ElectionID.
func (r *Roster) ElectionID() string { return r.electionID }

// Threshold returns t, the number of trustees needed to decrypt.
func (r *Roster) Threshold() int { return r.threshold }

// Size returns n, the number of trustees.
func (r *Roster) Size() int { return len(r.members) }

// Member returns a copy of trustee index (1..n). It panics if index is out of
// range.
func (r *Roster) Member(index int) Member {
	m := r.members[index-1]
	m.SigningKey = bytes.Clone(m.SigningKey)
	m.EncryptionKey = bytes.Clone(m.EncryptionKey)
	return m
}

// member returns trustee index without copying, or nil if index is out of
// range.
func (r *Roster) member(index int) *Member {
	if index < 1 || index > len(r.members) {
		return nil
	}
	return &r.members[index-1]
}

func (r *Roster) sameCeremony(what string, ceremony []byte) error {
	if !bytes.Equal(ceremony, r.hash) {
		return fmt.Errorf("trustee: %s: field ceremony: %x is not the hash of this roster (%x)", what, ceremony, r.hash)
	}
	return nil
}

type memberJSON struct {
	Index         int    `json:"index"`
	Name          string `json:"name"`
	SigningKey    string `json:"signing_key"`
	EncryptionKey string `json:"encryption_key"`
}

// MarshalJSON encodes the roster as
//
//	{"election_id": hex, "group": "ristretto255", "suite": Suite,
//	 "threshold": t, "ceremony": hex of Hash,
//	 "trustees": [{"index": 1, "name": ..., "signing_key": hex, "encryption_key": hex}, ...]}
//
// The "ceremony" member is informative; UnmarshalJSON recomputes it and
// rejects a roster whose stated hash differs.
func (r *Roster) MarshalJSON() ([]byte, error) {
	ms := make([]memberJSON, len(r.members))
	for k, m := range r.members {
		ms[k] = memberJSON{m.Index, m.Name, hexString(m.SigningKey), hexString(m.EncryptionKey)}
	}
	return marshalObject(
		"election_id", hexString([]byte(r.electionID)),
		"group", Group,
		"suite", Suite,
		"threshold", r.threshold,
		"ceremony", hexString(r.hash),
		"trustees", ms,
	)
}

// UnmarshalJSON decodes and checks a roster in the form of MarshalJSON, with
// the checks of NewRoster. On error the receiver is unchanged.
func (r *Roster) UnmarshalJSON(data []byte) error {
	const what = "roster"
	obj, err := jsonObject(data, what, "election_id", "group", "suite", "threshold", "ceremony", "trustees")
	if err != nil {
		return err
	}
	id, err := jsonHex(obj, what, "election_id", -MaxElectionIDSize)
	if err != nil {
		return err
	}
	var groupName, suite string
	if err := jsonField(obj, what, "group", &groupName); err != nil {
		return err
	}
	if groupName != Group {
		return fmt.Errorf("trustee: roster: field group: %q, want %q", groupName, Group)
	}
	if err := jsonField(obj, what, "suite", &suite); err != nil {
		return err
	}
	if suite != Suite {
		return fmt.Errorf("trustee: roster: field suite: %q, want %q", suite, Suite)
	}
	var t int64
	if err := jsonField(obj, what, "threshold", &t); err != nil {
		return err
	}
	if t < 1 || t > MaxTrustees {
		return fmt.Errorf("trustee: roster: field threshold: %d outside 1..%d", t, MaxTrustees)
	}
	stated, err := jsonHex(obj, what, "ceremony", CeremonyHashSize)
	if err != nil {
		return err
	}
	var raws []json.RawMessage
	if err := jsonField(obj, what, "trustees", &raws); err != nil {
		return err
	}
	if len(raws) > MaxTrustees {
		return fmt.Errorf("trustee: roster: field trustees: %d trustees, more than %d", len(raws), MaxTrustees)
	}
	members := make([]Member, len(raws))
	for k, raw := range raws {
		w := fmt.Sprintf("roster: trustee %d", k+1)
		o, err := jsonObject(raw, w, "index", "name", "signing_key", "encryption_key")
		if err != nil {
			return err
		}
		if members[k].Index, err = jsonIndex(o, w, "index"); err != nil {
			return err
		}
		if err := jsonField(o, w, "name", &members[k].Name); err != nil {
			return err
		}
		if members[k].SigningKey, err = jsonHex(o, w, "signing_key", ed25519.PublicKeySize); err != nil {
			return err
		}
		if members[k].EncryptionKey, err = jsonHex(o, w, "encryption_key", 32); err != nil {
			return err
		}
	}
	q, err := NewRoster(string(id), int(t), members)
	if err != nil {
		return err
	}
	if !bytes.Equal(stated, q.hash) {
		return fmt.Errorf("trustee: roster: field ceremony: stated hash %x, but the roster hashes to %x", stated, q.hash)
	}
	*r = *q
	return nil
}

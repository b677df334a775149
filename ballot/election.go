package ballot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/wire"
)

// A RegisteredDevice is a polling-station device registered in the
// election: its identifier and its Ed25519 public key, with which it signs
// its chain-opening record and every ballot it emits.
type RegisteredDevice struct {
	ID        string            `json:"id"`
	PublicKey ed25519.PublicKey `json:"publicKey"`
}

// Parameters are the public inputs that define an election for this
// package. All of them enter the base hash.
type Parameters struct {
	// Manifest is the election's manifest; it must be valid.
	Manifest *Manifest
	// PublicKey is the joint election public key from the key ceremony.
	PublicKey *elgamal.PublicKey
	// VerificationKeys are the trustees' public verification keys K_j, in
	// trustee order (trustee j's at j−1): trustee.Result.VerificationKeys.
	// None may be the identity.
	VerificationKeys []*group.Element
	// Threshold is t, the number of trustees whose shares decrypt (the key
	// ceremony's threshold): 1 ≤ t ≤ len(VerificationKeys). Every CodeList
	// contest needs at least t mix stages.
	Threshold int
	// Devices are the registered polling-station devices (none for a
	// remote-only election). Identifiers and keys must be distinct.
	Devices []RegisteredDevice
	// Credentials is the published list of voter credentials; nil or
	// empty for an election without remote voting.
	Credentials *CredentialList
}

// An Election is a validated set of Parameters with its base hash. It is
// immutable and safe for concurrent use by many goroutines.
type Election struct {
	manifest         *Manifest
	manifestHash     [HashSize]byte
	pk               *elgamal.PublicKey
	verificationKeys []*group.Element
	threshold        int
	devices          []RegisteredDevice // sorted by ID
	deviceKeys       map[string]ed25519.PublicKey
	// deviceVerifiers are the devices' keys decoded for their signatures'
	// verification (nil for a key that is not a point, whose signatures
	// never verify).
	deviceVerifiers map[string]*group.Ed25519PublicKey
	stations        *stationIndex
	credentials     *CredentialList
	baseHash        [HashSize]byte
	// rowWidth and maxCode are, for each CodeList contest, its row width and
	// largest candidate code (0 for the other contests).
	rowWidth []int
	maxCode  []uint32
	// statements are, for each ProportionalList contest, the statements
	// of its contest proofs (nil for the other contests).
	statements [][]listStatement
}

const baseHashLabel = "sandogh-v1/base-hash"

// GroupName is the name of the group in the base hash.
const GroupName = "ristretto255"

// NewElection validates p and computes the base hash. The parameters are
// copied; later changes to p do not affect the Election.
func NewElection(p Parameters) (*Election, error) {
	if p.Manifest == nil {
		return nil, fmt.Errorf("ballot: election: no manifest")
	}
	if err := p.Manifest.Validate(); err != nil {
		return nil, err
	}
	if p.PublicKey == nil {
		return nil, fmt.Errorf("ballot: election: no joint public key")
	}
	if p.Threshold < 1 || p.Threshold > len(p.VerificationKeys) {
		return nil, fmt.Errorf("ballot: election: threshold %d is outside 1..%d, the number of trustees", p.Threshold, len(p.VerificationKeys))
	}
	e := &Election{
		manifest:        p.Manifest.clone(),
		pk:              p.PublicKey,
		threshold:       p.Threshold,
		credentials:     p.Credentials,
		deviceKeys:      make(map[string]ed25519.PublicKey, len(p.Devices)),
		deviceVerifiers: make(map[string]*group.Ed25519PublicKey, len(p.Devices)),
	}
	if e.credentials == nil {
		e.credentials = &CredentialList{}
	}
	if err := checkWeights(e.manifest, e.credentials, len(p.Devices)); err != nil {
		return nil, err
	}
	e.rowWidth = make([]int, len(e.manifest.Contests))
	e.maxCode = make([]uint32, len(e.manifest.Contests))
	e.statements = make([][]listStatement, len(e.manifest.Contests))
	for i := range e.manifest.Contests {
		c := &e.manifest.Contests[i]
		if c.Kind == ProportionalList && !c.Mixed() {
			e.statements[i] = c.listStatements()
		}
		if !c.Mixed() {
			continue
		}
		if uint64(c.MixStages) > uint64(len(p.VerificationKeys)) {
			return nil, fmt.Errorf("ballot: contest %d (%q): mixStages %d exceeds the %s, who are the mix servers", i, c.ID, c.MixStages, prose.Count(len(p.VerificationKeys), "trustee"))
		}
		if uint64(c.MixStages) < uint64(p.Threshold) {
			return nil, fmt.Errorf("ballot: contest %d (%q): mixStages %d is less than the threshold %d: %s, too few to decrypt, could make every stage and link every row to its ballot", i, c.ID, c.MixStages, p.Threshold, prose.Count(c.MixStages, "corrupt trustee"))
		}
		e.rowWidth[i], e.maxCode[i] = c.RowWidth(), c.MaxCode()
	}
	e.manifestHash = e.manifest.Hash()
	for i, t := range p.VerificationKeys {
		if t == nil || t.IsIdentity() == 1 {
			return nil, fmt.Errorf("ballot: election: the verification key of trustee %d is missing or the identity", i+1)
		}
		e.verificationKeys = append(e.verificationKeys, new(group.Element).Set(t))
	}
	keys := make(map[[ed25519.PublicKeySize]byte]string, len(p.Devices))
	for i, d := range p.Devices {
		if err := checkText(fmt.Sprintf("election: device %d: identifier", i), d.ID, false); err != nil {
			return nil, err
		}
		if len(d.PublicKey) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("ballot: election: device %d (%q): public key is %d bytes, want %d", i, d.ID, len(d.PublicKey), ed25519.PublicKeySize)
		}
		if _, ok := e.deviceKeys[d.ID]; ok {
			return nil, fmt.Errorf("ballot: election: device %d: identifier %q registered twice", i, d.ID)
		}
		k := [ed25519.PublicKeySize]byte(d.PublicKey)
		if other, ok := keys[k]; ok {
			return nil, fmt.Errorf("ballot: election: device %d (%q): public key is also the key of device %q", i, d.ID, other)
		}
		keys[k] = d.ID
		d.PublicKey = bytes.Clone(d.PublicKey)
		e.devices = append(e.devices, d)
		e.deviceKeys[d.ID] = d.PublicKey
		e.deviceVerifiers[d.ID], _ = group.NewEd25519PublicKey(d.PublicKey)
	}
	for _, s := range e.manifest.Stations {
		for _, d := range s.Devices {
			if e.deviceKeys[d] == nil {
				return nil, fmt.Errorf("ballot: manifest: station %q: device %q is not a registered device", s.ID, d)
			}
		}
	}
	e.stations = newStationIndex(e.manifest.Stations)
	slices.SortFunc(e.devices, func(a, b RegisteredDevice) int { return strings.Compare(a.ID, b.ID) })
	e.baseHash = e.computeBaseHash()
	return e, nil
}

// checkWeights checks the credential list and the devices against the
// manifest's MaxWeight: a weighted election has a weighted list whose
// weights are at most MaxWeight and whose total weight keeps every tally
// decryptable, and no devices, and if it has a CodeList contest no weight
// held by one credential only; an unweighted election has an unweighted
// list.
func checkWeights(m *Manifest, l *CredentialList, devices int) error {
	if m.MaxWeight == 0 {
		if l.Weighted() {
			return fmt.Errorf("ballot: election: the credential list has weights, but the manifest has no maxWeight (an unweighted election)")
		}
		return nil
	}
	if devices > 0 {
		return fmt.Errorf("ballot: election: maxWeight is %d, but the election registers %s: a weighted election has remote voters only, since a station ballot's weight could not be checked against the eligibility list without linking the ballot to its voter", m.MaxWeight, prose.Count(devices, "device"))
	}
	if !l.Weighted() {
		return fmt.Errorf("ballot: election: maxWeight is %d, but the credential list has no weights (make it with NewWeightedCredentialList)", m.MaxWeight)
	}
	for i, w := range l.weights {
		if w > m.MaxWeight {
			return fmt.Errorf("ballot: election: credential %d (%x): weight %d exceeds the manifest's maxWeight %d", i, l.keys[i], w, m.MaxWeight)
		}
	}
	for i := range m.Contests {
		c := &m.Contests[i]
		if v := c.maxValue(); l.total > elgamal.MaxDLogBound/v {
			return fmt.Errorf("ballot: contest %d (%q): the total weight %d × the maximum value %d of a selection exceeds %d, the largest total that can be decrypted", i, c.ID, l.total, v, uint64(elgamal.MaxDLogBound))
		}
	}
	return checkWeightsShared(m, l)
}

// checkWeightsShared refuses, in a weighted election with a CodeList
// contest, a weight held by one credential only: each decrypted row of the
// contest shows its weight beside its codes (docs/spec.md §Ballots,
// "Weighted voters"), so that credential's row, if it votes, would be its
// vote in the clear. The credential named is the first, in list order,
// whose weight no other credential has.
func checkWeightsShared(m *Manifest, l *CredentialList) error {
	mixed := -1
	for i := range m.Contests {
		if m.Contests[i].Kind == CodeList {
			mixed = i
			break
		}
	}
	if mixed < 0 {
		return nil
	}
	holders := make(map[uint32]int, len(l.weights))
	for _, w := range l.weights {
		holders[w]++
	}
	for i, w := range l.weights {
		if holders[w] == 1 {
			return fmt.Errorf("ballot: election: credential %d (%x) is the only one of weight %d, and contest %d (%q) is a %s contest, whose decrypted rows show each ballot's weight beside its codes: that voter's row would be her vote in the clear; give every weight to several credentials (bands of shares), or let the contest be counted homomorphically", i, l.keys[i], w, mixed, m.Contests[mixed].ID, CodeList)
		}
	}
	return nil
}

// computeBaseHash hashes (docs/spec.md §Ballots, "Base hash"):
//
//	str("sandogh-v1/base-hash") ‖ str("ristretto255") ‖ G ‖ manifest hash ‖ K ‖
//	u32(#trustees) ‖ trustee keys ‖ u32(threshold) ‖
//	u32(#devices) ‖ (str(id) ‖ key)… ‖ credential list hash
func (e *Election) computeBaseHash() [HashSize]byte {
	var enc wire.Writer
	enc.Str(baseHashLabel)
	enc.Str(GroupName)
	enc.Fixed(group.NewGeneratorElement().Bytes())
	enc.Fixed(e.manifestHash[:])
	enc.Fixed(e.pk.Bytes())
	enc.U32(uint32(len(e.verificationKeys)))
	for _, t := range e.verificationKeys {
		enc.Fixed(t.Bytes())
	}
	enc.U32(uint32(e.threshold))
	enc.U32(uint32(len(e.devices)))
	for _, d := range e.devices {
		enc.Str(d.ID)
		enc.Fixed(d.PublicKey)
	}
	ch := e.credentials.Hash()
	enc.Fixed(ch[:])
	return hashOf(&enc)
}

// BaseHash returns the election's base hash, which every proof transcript,
// confirmation code and signature of the election binds.
func (e *Election) BaseHash() [HashSize]byte { return e.baseHash }

// ManifestHash returns the hash of the election's manifest.
func (e *Election) ManifestHash() [HashSize]byte { return e.manifestHash }

// Manifest returns a copy of the election's manifest.
func (e *Election) Manifest() *Manifest { return e.manifest.clone() }

// PublicKey returns the joint election public key.
func (e *Election) PublicKey() *elgamal.PublicKey { return e.pk }

// Threshold returns t, the number of trustees whose shares decrypt.
func (e *Election) Threshold() int { return e.threshold }

// Credentials returns the election's credential list.
func (e *Election) Credentials() *CredentialList { return e.credentials }

// Devices returns the registered devices, sorted by identifier.
func (e *Election) Devices() []RegisteredDevice {
	out := make([]RegisteredDevice, len(e.devices))
	for i, d := range e.devices {
		out[i] = RegisteredDevice{ID: d.ID, PublicKey: bytes.Clone(d.PublicKey)}
	}
	return out
}

// DeviceVerifier returns the key of the registered device id decoded for
// the verification of its signatures, exactly as crypto/ed25519.Verify
// (group.Ed25519PublicKey), and whether id is registered. The key is nil
// for a registered key that is not a point: no signature by it verifies.
// It is decoded once, with the election; the ballot box over HTTP checks
// requests' signatures with it.
func (e *Election) DeviceVerifier(id string) (key *group.Ed25519PublicKey, registered bool) {
	key, registered = e.deviceVerifiers[id]
	return key, registered
}

// deviceKey returns the key of the registered device id, or nil.
func (e *Election) deviceKey(id string) ed25519.PublicKey { return e.deviceKeys[id] }

type registeredDeviceJSON struct {
	ID        string `json:"id"`
	PublicKey string `json:"publicKey"`
}

// MarshalJSON encodes d as {"id": …, "publicKey": lowercase hex}.
func (d RegisteredDevice) MarshalJSON() ([]byte, error) {
	return json.Marshal(registeredDeviceJSON{ID: d.ID, PublicKey: hex.EncodeToString(d.PublicKey)})
}

// UnmarshalJSON decodes the form of MarshalJSON, with a 32-byte key.
func (d *RegisteredDevice) UnmarshalJSON(data []byte) error {
	var j registeredDeviceJSON
	if err := strictJSON("registered device", data, &j); err != nil {
		return err
	}
	k, err := decodeHex("publicKey", j.PublicKey, ed25519.PublicKeySize)
	if err != nil {
		return err
	}
	d.ID, d.PublicKey = j.ID, k
	return nil
}

// VerificationKeys returns copies of the trustees' public verification
// keys, in trustee order (trustee j's at j−1).
func (e *Election) VerificationKeys() []*group.Element {
	out := make([]*group.Element, len(e.verificationKeys))
	for i, t := range e.verificationKeys {
		out[i] = new(group.Element).Set(t)
	}
	return out
}

// electionJSON is the published form of an election's parameters.
type electionJSON struct {
	Manifest         *Manifest          `json:"manifest"`
	PublicKey        *elgamal.PublicKey `json:"publicKey"`
	VerificationKeys []*group.Element   `json:"trustees"`
	Threshold        int                `json:"threshold"`
	Devices          []RegisteredDevice `json:"devices"`
	Credentials      *CredentialList    `json:"credentials"`
	ManifestHash     hexHash            `json:"manifestHash"`
	BaseHash         hexHash            `json:"baseHash"`
}

// MarshalJSON encodes the election's parameters with their manifest hash
// and base hash, as published in the election record: keys, elements and
// hashes in lowercase hexadecimal.
func (e *Election) MarshalJSON() ([]byte, error) {
	devices := e.devices
	if devices == nil {
		devices = []RegisteredDevice{} // "devices": [], which ParseElection requires
	}
	return json.Marshal(electionJSON{
		Manifest:         e.manifest,
		PublicKey:        e.pk,
		VerificationKeys: e.verificationKeys,
		Threshold:        e.threshold,
		Devices:          devices,
		Credentials:      e.credentials,
		ManifestHash:     e.manifestHash,
		BaseHash:         e.baseHash,
	})
}

// ParseElection decodes the form of Election.MarshalJSON, validates the
// parameters with NewElection and checks that the manifest hash and base
// hash it states are the ones recomputed from the parameters.
func ParseElection(data []byte) (*Election, error) {
	var j electionJSON
	if err := strictJSON("election", data, &j); err != nil {
		return nil, err
	}
	if j.Credentials == nil {
		return nil, fmt.Errorf("ballot: election JSON: field credentials: missing (an empty list is [])")
	}
	e, err := NewElection(Parameters{Manifest: j.Manifest, PublicKey: j.PublicKey, VerificationKeys: j.VerificationKeys, Threshold: j.Threshold, Devices: j.Devices, Credentials: j.Credentials})
	if err != nil {
		return nil, err
	}
	if hexHash(e.manifestHash) != j.ManifestHash {
		return nil, fmt.Errorf("ballot: election JSON: field manifestHash: %s is not the hash %x of the manifest", j.ManifestHash, e.manifestHash)
	}
	if hexHash(e.baseHash) != j.BaseHash {
		return nil, fmt.Errorf("ballot: election JSON: field baseHash: %s is not the base hash %x of the parameters", j.BaseHash, e.baseHash)
	}
	return e, nil
}

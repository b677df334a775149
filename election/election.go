package election

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/version"
	"github.com/sandogh/sandogh/internal/wire"
)

// electionJSON is the form of election.json: the manifest and every other
// input of the base hash except the devices (devices.json) and the
// credential keys (credentials.json, named here by their hash), and the
// hashes the election official computed from them.
type electionJSON struct {
	Format             string          `json:"format"`
	Software           string          `json:"software"` // informative: the program that wrote the record
	Group              string          `json:"group"`
	Generator          string          `json:"generator"`
	Manifest           json.RawMessage `json:"manifest"`
	ManifestHash       string          `json:"manifestHash"`
	PublicKey          string          `json:"publicKey"`
	Trustees           []string        `json:"trustees"` // the trustees' verification keys, in trustee order
	Threshold          int             `json:"threshold"`
	CredentialListHash string          `json:"credentialListHash"`
	BaseHash           string          `json:"baseHash"`
}

// deviceJSON is one entry of devices.json.
type deviceJSON struct {
	ID        string `json:"id"`
	PublicKey string `json:"publicKey"`
}

// credentialsJSON is the form of credentials.json.
type credentialsJSON struct {
	Count int                    `json:"count"`
	Hash  string                 `json:"hash"`
	Keys  *ballot.CredentialList `json:"keys"`
}

// challengedJSON is one line of challenged.jsonl: a challenged ballot named by
// its identifier and confirmation code, and the vote its released nonce seed
// opens.
type challengedJSON struct {
	Line     int                     `json:"line"`
	BallotID string                  `json:"ballotId"`
	Code     ballot.ConfirmationCode `json:"code"`
	Vote     ballot.Vote             `json:"vote"`
}

// published is what election.json, devices.json and credentials.json state,
// decoded but not yet checked against each other.
type published struct {
	format           string // election.json's format
	software         string // election.json's software member
	manifest         *ballot.Manifest
	manifestHash     [ballot.HashSize]byte
	publicKey        *elgamal.PublicKey
	verificationKeys []*group.Element
	threshold        int
	devices          []ballot.RegisteredDevice
	credHash         [ballot.HashSize]byte // as stated in election.json
	baseHash         [ballot.HashSize]byte
	credentials      *ballot.CredentialList
	credFileHash     [ballot.HashSize]byte // as stated in credentials.json
	credCount        int
}

func encodeElection(e *ballot.Election) ([]byte, error) {
	trustees := e.VerificationKeys()
	m, err := json.Marshal(e.Manifest())
	if err != nil {
		return nil, err
	}
	mh, ch, bh := e.ManifestHash(), e.Credentials().Hash(), e.BaseHash()
	j := electionJSON{
		Format:             Format,
		Software:           version.String(),
		Group:              ballot.GroupName,
		Generator:          hex.EncodeToString(group.NewGeneratorElement().Bytes()),
		Manifest:           m,
		ManifestHash:       hex.EncodeToString(mh[:]),
		PublicKey:          hex.EncodeToString(e.PublicKey().Bytes()),
		Trustees:           make([]string, len(trustees)),
		Threshold:          e.Threshold(),
		CredentialListHash: hex.EncodeToString(ch[:]),
		BaseHash:           hex.EncodeToString(bh[:]),
	}
	for i, t := range trustees {
		j.Trustees[i] = hex.EncodeToString(t.Bytes())
	}
	return marshalIndent(j)
}

func encodeDevices(e *ballot.Election) ([]byte, error) {
	ds := e.Devices()
	out := make([]deviceJSON, len(ds))
	for i, d := range ds {
		out[i] = deviceJSON{ID: d.ID, PublicKey: hex.EncodeToString(d.PublicKey)}
	}
	return marshalIndent(out)
}

func encodeCredentials(l *ballot.CredentialList) ([]byte, error) {
	h := l.Hash()
	return marshalIndent(credentialsJSON{Count: l.Len(), Hash: hex.EncodeToString(h[:]), Keys: l})
}

// marshalIndent is the JSON form of the record's small files: two-space
// indentation and a final newline, so that they read well and diff well.
func marshalIndent(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// strictJSON decodes one JSON value from data into v with the record's
// rules (docs/spec.md, "The election record", "Conventions"): no member
// twice, none unknown, none of the required ones missing, no null, integer
// keys in canonical decimal, nothing after the value (wire.StrictJSON).
func strictJSON(data []byte, v any) error {
	return wire.StrictJSON(data, v)
}

// decodeHexField decodes exactly size bytes of lowercase hexadecimal.
func decodeHexField(field, text string, size int) ([]byte, error) {
	if len(text) != 2*size {
		return nil, fmt.Errorf("field %s: %s, want %d hexadecimal digits", field, prose.Count(len(text), "character"), 2*size)
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, fmt.Errorf("field %s: character %d is not a lowercase hexadecimal digit", field, i+1)
		}
	}
	return hex.DecodeString(text)
}

func decodeHash(field, text string) ([ballot.HashSize]byte, error) {
	var h [ballot.HashSize]byte
	b, err := decodeHexField(field, text, ballot.HashSize)
	if err != nil {
		return h, err
	}
	copy(h[:], b)
	return h, nil
}

// decodeElectionFile decodes election.json. Errors name the field.
func decodeElectionFile(data []byte, p *published) error {
	var j electionJSON
	if err := strictJSON(data, &j); err != nil {
		return err
	}
	if j.Format != Format {
		if j.Format == "sandogh-v1/record" {
			return fmt.Errorf("field format: %q is format 1, written before the acceptance rule was written once; this verifier reads %q only", j.Format, Format)
		}
		return fmt.Errorf("field format: %q, want %q", j.Format, Format)
	}
	p.format = j.Format
	if err := checkSoftware(j.Software); err != nil {
		return err
	}
	p.software = j.Software
	if j.Group != ballot.GroupName {
		return fmt.Errorf("field group: %q, want %q", j.Group, ballot.GroupName)
	}
	if want := hex.EncodeToString(group.NewGeneratorElement().Bytes()); j.Generator != want {
		return fmt.Errorf("field generator: %q is not the ristretto255 generator %s", j.Generator, want)
	}
	if len(j.Manifest) == 0 {
		return fmt.Errorf("field manifest: missing")
	}
	m, err := ballot.ParseManifest(j.Manifest)
	if err != nil {
		return fmt.Errorf("field manifest: %v", err)
	}
	p.manifest = m
	if p.manifestHash, err = decodeHash("manifestHash", j.ManifestHash); err != nil {
		return err
	}
	pk, err := decodeHexField("publicKey", j.PublicKey, group.ElementSize)
	if err != nil {
		return err
	}
	if p.publicKey, err = elgamal.ParsePublicKey(pk); err != nil {
		return fmt.Errorf("field publicKey: %v", err)
	}
	if len(j.Trustees) == 0 {
		return fmt.Errorf("field trustees: empty")
	}
	p.verificationKeys = make([]*group.Element, len(j.Trustees))
	for i, t := range j.Trustees {
		e := group.NewElement()
		if err := e.UnmarshalText([]byte(t)); err != nil {
			return fmt.Errorf("field trustees: entry %d: %v", i, err)
		}
		if e.IsIdentity() == 1 {
			return fmt.Errorf("field trustees: entry %d: the identity", i)
		}
		p.verificationKeys[i] = e
	}
	if j.Threshold < 1 || j.Threshold > len(j.Trustees) {
		return fmt.Errorf("field threshold: %d is outside 1..%d, the number of trustees", j.Threshold, len(j.Trustees))
	}
	p.threshold = j.Threshold
	if p.credHash, err = decodeHash("credentialListHash", j.CredentialListHash); err != nil {
		return err
	}
	if p.baseHash, err = decodeHash("baseHash", j.BaseHash); err != nil {
		return err
	}
	return nil
}

// maxSoftwareSize bounds election.json's software member.
const maxSoftwareSize = 64

// checkSoftware checks election.json's software member: 1 to
// maxSoftwareSize characters of printable ASCII (docs/spec.md,
// "election.json"), so that it prints as it is.
func checkSoftware(s string) error {
	if len(s) == 0 || len(s) > maxSoftwareSize {
		return fmt.Errorf("field software: %s, want 1 to %d", prose.Count(len(s), "byte"), maxSoftwareSize)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("field software: byte %d (0x%02x) is not printable ASCII", i+1, c)
		}
	}
	return nil
}

// decodeDevicesFile decodes devices.json: registered devices sorted by
// identifier, each with a 32-byte Ed25519 public key.
func decodeDevicesFile(data []byte, p *published) error {
	var js []deviceJSON
	if err := strictJSON(data, &js); err != nil {
		return err
	}
	if js == nil {
		return fmt.Errorf("not a JSON array")
	}
	p.devices = make([]ballot.RegisteredDevice, len(js))
	for i, d := range js {
		if i > 0 && d.ID <= js[i-1].ID {
			return fmt.Errorf("device %d (%q): not sorted after %q, or listed twice", i, d.ID, js[i-1].ID)
		}
		k, err := decodeHexField(fmt.Sprintf("device %d (%q): publicKey", i, d.ID), d.PublicKey, ed25519.PublicKeySize)
		if err != nil {
			return err
		}
		p.devices[i] = ballot.RegisteredDevice{ID: d.ID, PublicKey: k}
	}
	return nil
}

// decodeCredentialsFile decodes credentials.json (the keys must be sorted
// and distinct; ballot.CredentialList checks that).
func decodeCredentialsFile(data []byte, p *published) error {
	var j credentialsJSON
	if err := strictJSON(data, &j); err != nil {
		return err
	}
	if j.Keys == nil {
		return fmt.Errorf("field keys: missing")
	}
	var err error
	if p.credFileHash, err = decodeHash("hash", j.Hash); err != nil {
		return err
	}
	p.credentials, p.credCount = j.Keys, j.Count
	return nil
}

// sameKeys reports whether the trustees' keys are the same, in order.
func sameKeys(a, b []*group.Element) bool {
	return slices.EqualFunc(a, b, func(x, y *group.Element) bool { return x.Equal(y) == 1 })
}

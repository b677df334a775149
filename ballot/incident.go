package ballot

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/sandogh/sandogh/internal/wire"
)

// An IncidentKind says what an incident of a station's log is about.
type IncidentKind string

// The kinds of incidents.
const (
	// DeviceReplaced: a device of the station was replaced by another
	// (Device, Replacement), whose opening names the old device's last
	// ballot (ReplaceDevice).
	DeviceReplaced IncidentKind = "device-replaced"
	// NetworkOutage: the station lost its link to the ballot box.
	NetworkOutage IncidentKind = "network-outage"
	// VoterComplaint: a voter's complaint.
	VoterComplaint IncidentKind = "voter-complaint"
	// SuspectedViolation: a suspected violation of the election rules.
	SuspectedViolation IncidentKind = "suspected-violation"
	// AdmittedWithoutIdentifier: a voter without a national identifier
	// was admitted by the committee's decision.
	AdmittedWithoutIdentifier IncidentKind = "admitted-without-identifier"
	// OtherIncident: anything else, said in the text.
	OtherIncident IncidentKind = "other"
)

func (k IncidentKind) known() bool {
	switch k {
	case DeviceReplaced, NetworkOutage, VoterComplaint, SuspectedViolation, AdmittedWithoutIdentifier, OtherIncident:
		return true
	}
	return false
}

// MaxIncidentText is the longest text of an incident, in bytes.
const MaxIncidentText = 2000

// An Incident is one entry of a station's incident log (docs/spec.md
// §Ballots, "Incident logs"): signed by an official of the station, and
// chained to the station's previous entry, so that an entry can be neither
// removed nor reordered without breaking the chain. Its text is written by
// an official (never by a voter), at most MaxIncidentText bytes of text
// that passes the rules for names (no control characters, balanced
// bidirectional marks), so that it displays safely.
type Incident struct {
	BaseHash [HashSize]byte
	// Station is the identifier of a station of the manifest.
	Station string
	// Sequence is the entry's place in the station's log, from 1.
	Sequence uint64
	// Previous is the code of the station's previous entry, or the log's
	// start code (IncidentLogStart) for the first.
	Previous ConfirmationCode
	Kind     IncidentKind
	// At is when the incident happened, in seconds since the Unix epoch
	// (informational).
	At int64
	// Device is the station's device concerned (the replaced device for
	// DeviceReplaced, which requires it), or empty.
	Device string
	// Replacement is, for DeviceReplaced only, the device that replaced
	// Device.
	Replacement string
	// Text is the officials' free text (may be empty).
	Text string
	// Official is the identifier of the official who signs the entry.
	Official string
	// Signature is the official's Ed25519 signature of the entry's code.
	Signature []byte
}

const (
	incidentLogLabel       = "sandogh-v1/incident-log"
	incidentLabel          = "sandogh-v1/incident"
	incidentSignatureLabel = "sandogh-v1/incident-signature"
)

// IncidentLogStart returns the code that the first entry of station's log
// names as its predecessor:
//
//	H(str("sandogh-v1/incident-log") ‖ base hash ‖ str(station))
func IncidentLogStart(e *Election, station string) ConfirmationCode {
	return incidentLogStart(e.baseHash, station)
}

func incidentLogStart(bh [HashSize]byte, station string) ConfirmationCode {
	var w wire.Writer
	w.Str(incidentLogLabel)
	w.Fixed(bh[:])
	w.Str(station)
	return ConfirmationCode(hashOf(&w))
}

// Code returns the entry's code, which its official signs and the next
// entry names:
//
//	H(str("sandogh-v1/incident") ‖ base hash ‖ str(station) ‖ u64(sequence) ‖
//	  previous ‖ str(kind) ‖ u64(at) ‖ str(device) ‖ str(replacement) ‖
//	  str(official) ‖ str(text))
func (i *Incident) Code() ConfirmationCode {
	var w wire.Writer
	w.Str(incidentLabel)
	w.Fixed(i.BaseHash[:])
	w.Str(i.Station)
	w.U64(i.Sequence)
	w.Fixed(i.Previous[:])
	w.Str(string(i.Kind))
	w.U64(uint64(i.At))
	w.Str(i.Device)
	w.Str(i.Replacement)
	w.Str(i.Official)
	w.Str(i.Text)
	return ConfirmationCode(hashOf(&w))
}

func incidentMessage(c ConfirmationCode) []byte {
	var w wire.Writer
	w.Str(incidentSignatureLabel)
	w.Fixed(c[:])
	return w.B
}

// checkForm checks what needs no election: the kind, the texts, the time,
// the devices the kind requires.
func (i *Incident) checkForm() error {
	if !i.Kind.known() {
		return fmt.Errorf("ballot: incident: unknown kind %q", i.Kind)
	}
	if err := checkText("incident: station", i.Station, false); err != nil {
		return err
	}
	if err := checkText("incident: official", i.Official, false); err != nil {
		return err
	}
	if err := checkText("incident: device", i.Device, true); err != nil {
		return err
	}
	if err := checkText("incident: replacement", i.Replacement, true); err != nil {
		return err
	}
	if len(i.Text) > MaxIncidentText {
		return fmt.Errorf("ballot: incident: text is %d bytes, more than the maximum %d", len(i.Text), MaxIncidentText)
	}
	if err := checkName("incident: text", i.Text, true); err != nil {
		return err
	}
	if i.At < 0 {
		return fmt.Errorf("ballot: incident: negative time %d", i.At)
	}
	if i.Sequence == 0 {
		return fmt.Errorf("ballot: incident: sequence 0 (entries are numbered from 1)")
	}
	switch {
	case i.Kind == DeviceReplaced && (i.Device == "" || i.Replacement == "" || i.Device == i.Replacement):
		return fmt.Errorf("ballot: incident: a device-replaced incident names two different devices, the replaced one and its replacement")
	case i.Kind != DeviceReplaced && i.Replacement != "":
		return fmt.Errorf("ballot: incident: only a device-replaced incident names a replacement")
	}
	return nil
}

// Verify checks that i belongs to election e, is well formed, names a
// station of the manifest, devices of that station and an official of it,
// and carries that official's valid signature. It does not check the
// entry's place in the log (the acceptance rule does). It returns a
// *Refusal.
func (i *Incident) Verify(e *Election) error {
	if err := i.checkForm(); err != nil {
		return refuse(StepDecoding, "%v", err)
	}
	if i.BaseHash != e.baseHash {
		return refuse(StepElection, "incident: base hash %x is not this election's %x", i.BaseHash, e.baseHash)
	}
	s := e.stations.byID[i.Station]
	if s == nil {
		return refuse(StepEligibility, "incident: %q is not a station of the manifest", i.Station)
	}
	if e.stations.officialOf[i.Official] != s {
		return refuse(StepEligibility, "incident: %q is not an official of station %q", i.Official, i.Station)
	}
	for _, d := range []string{i.Device, i.Replacement} {
		if d != "" && e.stations.ofDevice[d] != s {
			return refuse(StepEligibility, "incident: %q is not a device of station %q", d, i.Station)
		}
	}
	if len(i.Signature) != ed25519.SignatureSize || !ed25519.Verify(e.stations.keyOf[i.Official], incidentMessage(i.Code()), i.Signature) {
		return refuse(StepSignature, "incident: station %q, entry %d: official %q: invalid signature", i.Station, i.Sequence, i.Official)
	}
	return nil
}

// An IncidentReport is what an official reports: the content of an
// incident, which IncidentLog.Record places in the log and signs.
type IncidentReport struct {
	Kind        IncidentKind
	At          time.Time
	Device      string
	Replacement string
	Text        string
}

// An IncidentLog is a station's side of its incident log: the place and
// code of its last entry. It is safe for concurrent use.
type IncidentLog struct {
	e       *Election
	station string

	mu  sync.Mutex
	seq uint64
	tip ConfirmationCode
}

// OpenIncidentLog starts the incident log of station, a station of e's
// manifest.
func OpenIncidentLog(e *Election, station string) (*IncidentLog, error) {
	return ResumeIncidentLog(e, station, 0, IncidentLogStart(e, station))
}

// ResumeIncidentLog continues station's log after the entry with the given
// sequence number and code (the values of Tip saved before a restart, or
// the ballot box's).
func ResumeIncidentLog(e *Election, station string, sequence uint64, tip ConfirmationCode) (*IncidentLog, error) {
	if e.stations.byID[station] == nil {
		return nil, fmt.Errorf("ballot: incident log: %q is not a station of the manifest", station)
	}
	return &IncidentLog{e: e, station: station, seq: sequence, tip: tip}, nil
}

// Tip returns the sequence number and code of the log's last entry (0 and
// IncidentLogStart at first).
func (l *IncidentLog) Tip() (sequence uint64, code ConfirmationCode) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq, l.tip
}

// Record appends r to the log as the next entry, signed by official with
// key, and returns it for the ballot box (Box.AcceptIncident).
func (l *IncidentLog) Record(r IncidentReport, official string, key ed25519.PrivateKey) (*Incident, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("ballot: incident: official %q: signing key is %d bytes, want %d", official, len(key), ed25519.PrivateKeySize)
	}
	if pub := l.e.stations.keyOf[official]; pub == nil || !pub.Equal(key.Public()) {
		return nil, fmt.Errorf("ballot: incident: %q is not an official of the manifest with this key", official)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i := &Incident{BaseHash: l.e.baseHash, Station: l.station, Sequence: l.seq + 1, Previous: l.tip,
		Kind: r.Kind, At: r.At.Unix(), Device: r.Device, Replacement: r.Replacement, Text: r.Text, Official: official}
	i.Signature = ed25519.Sign(key, incidentMessage(i.Code()))
	if err := i.Verify(l.e); err != nil {
		return nil, err
	}
	l.seq, l.tip = i.Sequence, i.Code()
	return i, nil
}

type incidentJSON struct {
	BaseHash    hexHash          `json:"baseHash"`
	Station     string           `json:"station"`
	Sequence    uint64           `json:"sequence"`
	Previous    ConfirmationCode `json:"previous"`
	Kind        IncidentKind     `json:"kind"`
	At          int64            `json:"at"`
	Device      string           `json:"device,omitempty"`
	Replacement string           `json:"replacement,omitempty"`
	Text        string           `json:"text"`
	Official    string           `json:"official"`
	Signature   string           `json:"signature"`
	Code        ConfirmationCode `json:"code"`
}

// MarshalJSON encodes i with hexadecimal hashes and signature, and its code.
func (i *Incident) MarshalJSON() ([]byte, error) {
	return json.Marshal(incidentJSON{BaseHash: i.BaseHash, Station: i.Station, Sequence: i.Sequence, Previous: i.Previous,
		Kind: i.Kind, At: i.At, Device: i.Device, Replacement: i.Replacement, Text: i.Text, Official: i.Official,
		Signature: fmt.Sprintf("%x", i.Signature), Code: i.Code()})
}

// UnmarshalJSON decodes the form of MarshalJSON: it rejects unknown or
// missing members, an unknown kind, text that breaks the rules, and a code
// that does not match the record. It does not verify the signature.
func (i *Incident) UnmarshalJSON(data []byte) error {
	var j incidentJSON
	if err := strictJSON("incident", data, &j); err != nil {
		return err
	}
	sig, err := decodeHex("incident: signature", j.Signature, ed25519.SignatureSize)
	if err != nil {
		return err
	}
	n := Incident{BaseHash: j.BaseHash, Station: j.Station, Sequence: j.Sequence, Previous: j.Previous, Kind: j.Kind, At: j.At,
		Device: j.Device, Replacement: j.Replacement, Text: j.Text, Official: j.Official, Signature: sig}
	if err := n.checkForm(); err != nil {
		return err
	}
	if n.Code() != j.Code {
		return fmt.Errorf("ballot: incident: field code: %s is not the code %s of the record", j.Code, n.Code())
	}
	*i = n
	return nil
}

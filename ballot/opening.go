package ballot

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sandogh/sandogh/internal/wire"
)

// A DeviceOpening is the signed record with which a polling-station device
// starts its chain of confirmation codes in an election: the first ballot the
// device emits names the opening's confirmation code as its predecessor, and
// has sequence number 1. The ballot box accepts a device's ballots only after
// its opening.
type DeviceOpening struct {
	// BaseHash is the base hash of the election.
	BaseHash [HashSize]byte
	// Device is the identifier of a registered device.
	Device string
	// OpenedAt is when the device opened, in seconds since the Unix epoch
	// (informational: the box does not trust device clocks).
	OpenedAt int64
	// Replaces is, for a device that replaces another of its station
	// (ReplaceDevice), the replaced device and the last ballot of its
	// chain; nil otherwise.
	Replaces *Replacement
	// Signature is the device's Ed25519 signature of the opening's
	// confirmation code.
	Signature []byte
}

// A Replacement names a replaced device and where its chain ends: the
// sequence number and confirmation code of its last ballot (0 and its
// opening's code if it emitted none).
type Replacement struct {
	Device   string
	Sequence uint64
	Tip      ConfirmationCode
}

const (
	openingLabel          = "sandogh-v1/device-opening"
	openingSignatureLabel = "sandogh-v1/device-opening-signature"
)

// ConfirmationCode returns the opening's confirmation code, the first link of
// the device's chain:
//
//	SHA-512/256(str("sandogh-v1/device-opening") ‖ base hash ‖ str(device) ‖ u64(openedAt)
//	            [‖ str(replaced device) ‖ u64(its last sequence) ‖ its last code])
//
// The bracketed part is present only in the opening of a replacement.
func (o *DeviceOpening) ConfirmationCode() ConfirmationCode {
	var e wire.Writer
	e.Str(openingLabel)
	e.Fixed(o.BaseHash[:])
	e.Str(o.Device)
	e.U64(uint64(o.OpenedAt))
	if r := o.Replaces; r != nil {
		e.Str(r.Device)
		e.U64(r.Sequence)
		e.Fixed(r.Tip[:])
	}
	return ConfirmationCode(hashOf(&e))
}

func openingMessage(c ConfirmationCode) []byte {
	var e wire.Writer
	e.Str(openingSignatureLabel)
	e.Fixed(c[:])
	return e.B
}

// newOpening returns the signed opening of device id at time t.
func newOpening(e *Election, id string, key ed25519.PrivateKey, t time.Time, r *Replacement) (*DeviceOpening, error) {
	pub := e.deviceKey(id)
	if pub == nil {
		return nil, fmt.Errorf("ballot: device %q is not registered in the election", id)
	}
	if !pub.Equal(key.Public()) {
		return nil, fmt.Errorf("ballot: device %q: the signing key does not match the registered public key", id)
	}
	if t.Unix() < 0 {
		return nil, fmt.Errorf("ballot: device %q: opening time %v is before 1970", id, t)
	}
	o := &DeviceOpening{BaseHash: e.baseHash, Device: id, OpenedAt: t.Unix(), Replaces: r}
	if err := o.Verify(e); r != nil && err != nil && err.(*Refusal).Step != StepSignature {
		return nil, err
	}
	o.Signature = ed25519.Sign(key, openingMessage(o.ConfirmationCode()))
	return o, nil
}

// Verify checks that o belongs to election e, names a registered device and
// carries that device's valid signature. It returns a *Refusal.
func (o *DeviceOpening) Verify(e *Election) error {
	if o.BaseHash != e.baseHash {
		return refuse(StepElection, "device opening: base hash %x is not this election's %x", o.BaseHash, e.baseHash)
	}
	pub := e.deviceKey(o.Device)
	if pub == nil {
		return refuse(StepEligibility, "device opening: device %q is not registered", o.Device)
	}
	if o.OpenedAt < 0 {
		return refuse(StepDecoding, "device opening: negative opening time %d", o.OpenedAt)
	}
	if r := o.Replaces; r != nil {
		if err := checkText("device opening: replaces: device", r.Device, false); err != nil {
			return refuse(StepDecoding, "%v", err)
		}
		if r.Device == o.Device {
			return refuse(StepDecoding, "device opening: device %q replaces itself", o.Device)
		}
		if e.deviceKey(r.Device) == nil {
			return refuse(StepEligibility, "device opening: replaced device %q is not registered", r.Device)
		}
		if s := e.stations.ofDevice[o.Device]; s == nil || e.stations.ofDevice[r.Device] != s {
			return refuse(StepEligibility, "device opening: device %q replaces %q, which is not a device of its station", o.Device, r.Device)
		}
	}
	if len(o.Signature) != ed25519.SignatureSize || !ed25519.Verify(pub, openingMessage(o.ConfirmationCode()), o.Signature) {
		return refuse(StepSignature, "device opening: device %q: invalid signature", o.Device)
	}
	return nil
}

type openingJSON struct {
	BaseHash  hexHash          `json:"baseHash"`
	Device    string           `json:"device"`
	OpenedAt  int64            `json:"openedAt"`
	Replaces  *replacementJSON `json:"replaces,omitempty"`
	Signature string           `json:"signature"`
	Code      ConfirmationCode `json:"code"`
}

type replacementJSON struct {
	Device   string           `json:"device"`
	Sequence uint64           `json:"sequence"`
	Tip      ConfirmationCode `json:"tip"`
}

// MarshalJSON encodes o with hexadecimal hashes and signature, and its
// confirmation code for readers.
func (o *DeviceOpening) MarshalJSON() ([]byte, error) {
	var r *replacementJSON
	if o.Replaces != nil {
		r = &replacementJSON{Device: o.Replaces.Device, Sequence: o.Replaces.Sequence, Tip: o.Replaces.Tip}
	}
	return json.Marshal(openingJSON{
		Replaces:  r,
		BaseHash:  o.BaseHash,
		Device:    o.Device,
		OpenedAt:  o.OpenedAt,
		Signature: fmt.Sprintf("%x", o.Signature),
		Code:      o.ConfirmationCode(),
	})
}

// UnmarshalJSON decodes the form of MarshalJSON. It rejects unknown fields, a
// malformed signature and a confirmation code that does not match the record.
// It does not verify the signature (use Verify).
func (o *DeviceOpening) UnmarshalJSON(data []byte) error {
	var j openingJSON
	if err := strictJSON("device opening", data, &j); err != nil {
		return err
	}
	if err := checkText("device opening: device", j.Device, false); err != nil {
		return err
	}
	if j.OpenedAt < 0 {
		return fmt.Errorf("ballot: device opening: field openedAt: negative time %d", j.OpenedAt)
	}
	sig, err := decodeHex("device opening: signature", j.Signature, ed25519.SignatureSize)
	if err != nil {
		return err
	}
	n := DeviceOpening{BaseHash: j.BaseHash, Device: j.Device, OpenedAt: j.OpenedAt, Signature: sig}
	if r := j.Replaces; r != nil {
		if err := checkText("device opening: replaces: device", r.Device, false); err != nil {
			return err
		}
		n.Replaces = &Replacement{Device: r.Device, Sequence: r.Sequence, Tip: r.Tip}
	}
	if n.ConfirmationCode() != j.Code {
		return fmt.Errorf("ballot: device opening: field code: %s is not the confirmation code %s of the record", j.Code, n.ConfirmationCode())
	}
	*o = n
	return nil
}

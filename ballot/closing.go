package ballot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/sandogh/sandogh/internal/wire"
)

// A DeviceClosing is the closing certificate with which a polling-station
// device ends its chain (docs/spec.md §Ballots, "Closing certificates"): the
// sequence number and confirmation code of its last ballot, and how many of
// its chain's ballots the box wrote as accepted cast, accepted challenged
// and refused. The device signs it; the officials of its station may
// co-sign it, and the manifest may require k of them. Once the box has
// accepted a closing, the acceptance rule rejects every later ballot of the
// device.
type DeviceClosing struct {
	// BaseHash is the base hash of the election.
	BaseHash [HashSize]byte
	// Device is the identifier of a registered device.
	Device string
	// Sequence is the sequence number of the device's last ballot (0 for
	// a device that emitted none).
	Sequence uint64
	// Tip is the confirmation code of that ballot (the opening's code for
	// sequence 0).
	Tip ConfirmationCode
	// Counts are the ballots of places 1 … Sequence of the chain, by the
	// box's verdict; they sum to Sequence.
	Counts ClosingCounts
	// ClosedAt is when the device closed, in seconds since the Unix epoch
	// (informational: the box does not trust device clocks).
	ClosedAt int64
	// Signature is the device's Ed25519 signature of the closing's code.
	Signature []byte
	// Cosignatures are the co-signatures of officials of the device's
	// station, in ascending order of official identifier, each official
	// once.
	Cosignatures []Cosignature
}

// ClosingCounts are the ballots that hold the places 1 … n of a device's
// chain, by the verdict the box wrote for each: Cast and Challenged count
// the accepted ballots of each state, Refused the ballots refused at steps
// 8–11 of the acceptance rule (which take their place in the chain). A
// ballot refused as a fork (step 7) holds no place and is not counted.
type ClosingCounts struct {
	Cast       uint64
	Challenged uint64
	Refused    uint64
}

func (c ClosingCounts) sum() (uint64, bool) {
	s := c.Cast + c.Challenged
	if s < c.Cast {
		return 0, false
	}
	t := s + c.Refused
	return t, t >= s
}

// A Cosignature is an official's Ed25519 signature of a closing's code.
type Cosignature struct {
	Official  string
	Signature []byte
}

const (
	closingLabel            = "sandogh-v1/device-closing"
	closingSignatureLabel   = "sandogh-v1/device-closing-signature"
	closingCosignatureLabel = "sandogh-v1/device-closing-cosignature"
)

// Code returns the closing's code, which the device and the officials
// sign:
//
//	H(str("sandogh-v1/device-closing") ‖ base hash ‖ str(device) ‖ u64(sequence) ‖
//	  tip ‖ u64(cast) ‖ u64(challenged) ‖ u64(refused) ‖ u64(closedAt))
func (c *DeviceClosing) Code() ConfirmationCode {
	var e wire.Writer
	e.Str(closingLabel)
	e.Fixed(c.BaseHash[:])
	e.Str(c.Device)
	e.U64(c.Sequence)
	e.Fixed(c.Tip[:])
	e.U64(c.Counts.Cast)
	e.U64(c.Counts.Challenged)
	e.U64(c.Counts.Refused)
	e.U64(uint64(c.ClosedAt))
	return ConfirmationCode(hashOf(&e))
}

func closingMessage(code ConfirmationCode) []byte {
	var e wire.Writer
	e.Str(closingSignatureLabel)
	e.Fixed(code[:])
	return e.B
}

func cosignatureMessage(official string, code ConfirmationCode) []byte {
	var e wire.Writer
	e.Str(closingCosignatureLabel)
	e.Str(official)
	e.Fixed(code[:])
	return e.B
}

// Cosign adds the co-signature of official, an official of the station of
// c's device in election e, whose key is key. It refuses an official who
// is not of that station, a key that is not the official's, and an
// official who has already co-signed.
func (c *DeviceClosing) Cosign(e *Election, official string, key ed25519.PrivateKey) error {
	if len(key) != ed25519.PrivateKeySize {
		return fmt.Errorf("ballot: device closing: official %q: signing key is %d bytes, want %d", official, len(key), ed25519.PrivateKeySize)
	}
	s := e.stations.ofDevice[c.Device]
	if s == nil || e.stations.officialOf[official] != s {
		return fmt.Errorf("ballot: device closing: %q is not an official of the station of device %q", official, c.Device)
	}
	if !e.stations.keyOf[official].Equal(key.Public()) {
		return fmt.Errorf("ballot: device closing: official %q: the signing key does not match the registered public key", official)
	}
	i := sort.Search(len(c.Cosignatures), func(i int) bool { return c.Cosignatures[i].Official >= official })
	if i < len(c.Cosignatures) && c.Cosignatures[i].Official == official {
		return fmt.Errorf("ballot: device closing: official %q has already co-signed", official)
	}
	sig := ed25519.Sign(key, cosignatureMessage(official, c.Code()))
	c.Cosignatures = append(c.Cosignatures, Cosignature{})
	copy(c.Cosignatures[i+1:], c.Cosignatures[i:])
	c.Cosignatures[i] = Cosignature{Official: official, Signature: sig}
	return nil
}

// Verify checks that c belongs to election e, names a registered device,
// has counts that sum to its sequence number, carries the device's valid
// signature and valid co-signatures of distinct officials of the device's
// station, in order, at least as many as the station requires. It does not
// compare c with the device's chain (the acceptance rule does). It returns
// a *Refusal.
func (c *DeviceClosing) Verify(e *Election) error {
	if c.BaseHash != e.baseHash {
		return refuse(StepElection, "device closing: base hash %x is not this election's %x", c.BaseHash, e.baseHash)
	}
	pub := e.deviceKey(c.Device)
	if pub == nil {
		return refuse(StepEligibility, "device closing: device %q is not registered", c.Device)
	}
	if c.ClosedAt < 0 {
		return refuse(StepDecoding, "device closing: device %q: negative closing time %d", c.Device, c.ClosedAt)
	}
	if n, ok := c.Counts.sum(); !ok || n != c.Sequence {
		return refuse(StepDecoding, "device closing: device %q: counts cast %d, challenged %d, refused %d do not sum to the sequence number %d", c.Device, c.Counts.Cast, c.Counts.Challenged, c.Counts.Refused, c.Sequence)
	}
	code := c.Code()
	if len(c.Signature) != ed25519.SignatureSize || !ed25519.Verify(pub, closingMessage(code), c.Signature) {
		return refuse(StepSignature, "device closing: device %q: invalid signature", c.Device)
	}
	s := e.stations.ofDevice[c.Device]
	for i, cs := range c.Cosignatures {
		if i > 0 && cs.Official <= c.Cosignatures[i-1].Official {
			return refuse(StepDecoding, "device closing: device %q: co-signature %d: official %q is not after %q (co-signatures are in ascending order of official, each once)", c.Device, i, cs.Official, c.Cosignatures[i-1].Official)
		}
		if s == nil || e.stations.officialOf[cs.Official] != s {
			return refuse(StepEligibility, "device closing: device %q: co-signature %d: %q is not an official of the device's station", c.Device, i, cs.Official)
		}
		if len(cs.Signature) != ed25519.SignatureSize || !ed25519.Verify(e.stations.keyOf[cs.Official], cosignatureMessage(cs.Official, code), cs.Signature) {
			return refuse(StepSignature, "device closing: device %q: co-signature %d: official %q: invalid signature", c.Device, i, cs.Official)
		}
	}
	if s != nil && uint64(len(c.Cosignatures)) < uint64(s.ClosingCosignatures) {
		return refuse(StepSignature, "device closing: device %q: %d co-signatures, but station %q requires %d", c.Device, len(c.Cosignatures), s.ID, s.ClosingCosignatures)
	}
	return nil
}

type closingJSON struct {
	BaseHash     hexHash           `json:"baseHash"`
	Device       string            `json:"device"`
	Sequence     uint64            `json:"sequence"`
	Tip          ConfirmationCode  `json:"tip"`
	Cast         uint64            `json:"cast"`
	Challenged   uint64            `json:"challenged"`
	Refused      uint64            `json:"refused"`
	ClosedAt     int64             `json:"closedAt"`
	Signature    string            `json:"signature"`
	Cosignatures []cosignatureJSON `json:"cosignatures"`
	Code         ConfirmationCode  `json:"code"`
}

type cosignatureJSON struct {
	Official  string `json:"official"`
	Signature string `json:"signature"`
}

// MarshalJSON encodes c with hexadecimal hashes and signatures, and its
// code for readers.
func (c *DeviceClosing) MarshalJSON() ([]byte, error) {
	j := closingJSON{
		BaseHash: c.BaseHash, Device: c.Device, Sequence: c.Sequence, Tip: c.Tip,
		Cast: c.Counts.Cast, Challenged: c.Counts.Challenged, Refused: c.Counts.Refused,
		ClosedAt: c.ClosedAt, Signature: fmt.Sprintf("%x", c.Signature),
		Cosignatures: make([]cosignatureJSON, len(c.Cosignatures)), Code: c.Code(),
	}
	for i, s := range c.Cosignatures {
		j.Cosignatures[i] = cosignatureJSON{Official: s.Official, Signature: fmt.Sprintf("%x", s.Signature)}
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the form of MarshalJSON. It rejects unknown or
// missing members, malformed signatures, more co-signatures than
// MaxOfficials and a code that does not match the record. It does not
// verify the signatures (use Verify).
func (c *DeviceClosing) UnmarshalJSON(data []byte) error {
	var j closingJSON
	if err := strictJSON("device closing", data, &j); err != nil {
		return err
	}
	if err := checkText("device closing: device", j.Device, false); err != nil {
		return err
	}
	if j.ClosedAt < 0 {
		return fmt.Errorf("ballot: device closing: field closedAt: negative time %d", j.ClosedAt)
	}
	if j.Cosignatures == nil {
		return fmt.Errorf("ballot: device closing: field cosignatures: missing (none is [])")
	}
	if len(j.Cosignatures) > MaxOfficials {
		return fmt.Errorf("ballot: device closing: %d co-signatures exceed the maximum %d", len(j.Cosignatures), MaxOfficials)
	}
	sig, err := decodeHex("device closing: signature", j.Signature, ed25519.SignatureSize)
	if err != nil {
		return err
	}
	n := DeviceClosing{BaseHash: j.BaseHash, Device: j.Device, Sequence: j.Sequence, Tip: j.Tip,
		Counts: ClosingCounts{Cast: j.Cast, Challenged: j.Challenged, Refused: j.Refused}, ClosedAt: j.ClosedAt, Signature: sig}
	for i, s := range j.Cosignatures {
		if err := checkText(fmt.Sprintf("device closing: co-signature %d: official", i), s.Official, false); err != nil {
			return err
		}
		sig, err := decodeHex(fmt.Sprintf("device closing: co-signature %d: signature", i), s.Signature, ed25519.SignatureSize)
		if err != nil {
			return err
		}
		n.Cosignatures = append(n.Cosignatures, Cosignature{Official: s.Official, Signature: sig})
	}
	if n.Code() != j.Code {
		return fmt.Errorf("ballot: device closing: field code: %s is not the code %s of the record", j.Code, n.Code())
	}
	*c = n
	return nil
}

// equal reports whether c and d are the same closing, co-signatures
// included.
func (c *DeviceClosing) equal(d *DeviceClosing) bool {
	if c.Code() != d.Code() || !bytes.Equal(c.Signature, d.Signature) || len(c.Cosignatures) != len(d.Cosignatures) {
		return false
	}
	for i := range c.Cosignatures {
		if c.Cosignatures[i].Official != d.Cosignatures[i].Official || !bytes.Equal(c.Cosignatures[i].Signature, d.Cosignatures[i].Signature) {
			return false
		}
	}
	return true
}

// Close ends the device's chain: it returns the device's signed closing
// certificate at time now, with its last ballot and its counts (Counts),
// for the officials to co-sign (Cosign) and the ballot box to accept
// (Box.AcceptClosing) after the device's last ballot. It fails if a ballot
// the device encrypted was neither cast nor challenged, or if the device
// was resumed without its counts (SetCounts). The device encrypts nothing
// after it closed.
func (d *Device) Close(now time.Time) (*DeviceClosing, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if now.Unix() < 0 {
		return nil, fmt.Errorf("ballot: device %q: closing time %v is before 1970", d.id, now)
	}
	counts, err := d.countsLocked()
	if err != nil {
		return nil, err
	}
	c := &DeviceClosing{BaseHash: d.e.baseHash, Device: d.id, Sequence: d.seq, Tip: d.tip, Counts: counts, ClosedAt: now.Unix()}
	c.Signature = ed25519.Sign(d.key, closingMessage(c.Code()))
	d.closed = true
	return c, nil
}

// Counts returns the counts of the device's chain so far, as its closing
// would state them: its ballots by the state it signed, less those the box
// refused (RecordRefusal). It fails if a ballot the device encrypted was
// neither cast nor challenged yet, or if the device was resumed without
// its counts. A device saves them with its tip.
func (d *Device) Counts() (ClosingCounts, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.countsLocked()
}

func (d *Device) countsLocked() (ClosingCounts, error) {
	if !d.countsKnown {
		return ClosingCounts{}, fmt.Errorf("ballot: device %q was resumed at sequence %d without its counts (SetCounts)", d.id, d.base)
	}
	c := d.baseCounts
	for q := d.base + 1; q <= d.seq; q++ {
		st, ok := d.decided[q]
		switch {
		case !ok:
			return ClosingCounts{}, fmt.Errorf("ballot: device %q: ballot %d was encrypted but neither cast nor challenged", d.id, q)
		case d.refused[q]:
			c.Refused++
		case st == Cast:
			c.Cast++
		default:
			c.Challenged++
		}
	}
	return c, nil
}

// SetCounts gives a resumed device (ResumeDevice) the counts of its chain
// up to the place it resumed at, which it saved with its tip. They must sum
// to that sequence number.
func (d *Device) SetCounts(c ClosingCounts) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n, ok := c.sum(); !ok || n != d.base {
		return fmt.Errorf("ballot: device %q: counts cast %d, challenged %d, refused %d do not sum to the sequence number %d it resumed at", d.id, c.Cast, c.Challenged, c.Refused, d.base)
	}
	d.baseCounts, d.countsKnown = c, true
	return nil
}

// RecordRefusal notes that the box wrote b, a ballot of this device, as
// refused (a *Refusal with Recorded set), so that the device's closing
// counts it as refused. A refusal at the chain step (a fork), which holds
// no place in the chain, and a repeated call change nothing.
func (d *Device) RecordRefusal(b *Ballot, r *Refusal) error {
	h := b.Header()
	if h.Credential != nil || h.Device != d.id {
		return fmt.Errorf("ballot: device %q: ballot %q is not a ballot of this device", d.id, b.ID())
	}
	if r == nil || !r.Recorded {
		return fmt.Errorf("ballot: device %q: ballot %q: not a refusal that the box wrote", d.id, b.ID())
	}
	if r.Step == StepChainFork {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if h.Sequence <= d.base || h.Sequence > d.seq {
		return fmt.Errorf("ballot: device %q: ballot %q: sequence %d is not a place the device filled since it opened or resumed", d.id, b.ID(), h.Sequence)
	}
	d.refused[h.Sequence] = true
	return nil
}

// decide notes that the device signed its ballot of place q in state st.
func (d *Device) decide(q uint64, st State) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.decided[q] = st
}

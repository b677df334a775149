package ballot

import (
	"crypto/ed25519"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/sandogh/sandogh/proof"
)

// A Device is a polling-station device's side of the protocol: it holds the
// device's Ed25519 key and the tip of its chain of confirmation codes,
// encrypts ballots in chain order and signs the voter's cast-or-challenge
// decisions. Every ballot it encrypts must then be cast or challenged (a
// ballot the voter abandons is challenged), and every ballot and the opening
// must reach the ballot box, in order, or the box reports a gap.
//
// A Device is safe for concurrent use, but encrypts one ballot at a time:
// each ballot's confirmation code depends on the previous one.
type Device struct {
	e   *Election
	id  string
	key ed25519.PrivateKey

	mu  sync.Mutex
	seq uint64
	tip ConfirmationCode

	// For the closing's counts: the place the device opened or resumed
	// at (base) and the counts up to it, whether they are known, and the
	// state signed and the box's refusals for the places after it.
	base        uint64
	baseCounts  ClosingCounts
	countsKnown bool
	decided     map[uint64]State
	refused     map[uint64]bool
	closed      bool
}

// OpenDevice starts the chain of device id, registered in e with the
// public key of key, and returns the device and its signed opening record,
// which must be submitted to the ballot box first.
func OpenDevice(e *Election, id string, key ed25519.PrivateKey, now time.Time) (*Device, *DeviceOpening, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, nil, fmt.Errorf("ballot: device %q: signing key is %d bytes, want %d", id, len(key), ed25519.PrivateKeySize)
	}
	return openDevice(e, id, key, now, nil)
}

// ReplaceDevice starts the chain of device id, which replaces device
// r.Device of the same station, whose chain ends at its ballot
// (r.Sequence, r.Tip): the old device's last ballot the ballot box holds
// (Box.Tip), or 0 and its opening's code. It returns the new device and
// its opening, which names the replaced device and its last ballot: the
// box then rejects every later ballot of the old device, and the verifier
// requires an incident of kind DeviceReplaced in the station's log that
// names both devices (docs/spec.md §Ballots, "Device replacement").
func ReplaceDevice(e *Election, id string, key ed25519.PrivateKey, now time.Time, r Replacement) (*Device, *DeviceOpening, error) {
	return openDevice(e, id, key, now, &r)
}

func openDevice(e *Election, id string, key ed25519.PrivateKey, now time.Time, r *Replacement) (*Device, *DeviceOpening, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, nil, fmt.Errorf("ballot: device %q: signing key is %d bytes, want %d", id, len(key), ed25519.PrivateKeySize)
	}
	o, err := newOpening(e, id, key, now, r)
	if err != nil {
		return nil, nil, err
	}
	d := &Device{e: e, id: id, key: key, tip: o.ConfirmationCode(), countsKnown: true}
	d.decided, d.refused = make(map[uint64]State), make(map[uint64]bool)
	return d, o, nil
}

// ResumeDevice returns device id continuing its chain after the ballot with
// the given sequence number and confirmation code (the values of Tip saved
// before a restart, or the ballot box's Tip for the device). To close, a
// device resumed after sequence 0 needs the counts saved with its tip
// (SetCounts).
func ResumeDevice(e *Election, id string, key ed25519.PrivateKey, sequence uint64, tip ConfirmationCode) (*Device, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("ballot: device %q: signing key is %d bytes, want %d", id, len(key), ed25519.PrivateKeySize)
	}
	pub := e.deviceKey(id)
	if pub == nil {
		return nil, fmt.Errorf("ballot: device %q is not registered in the election", id)
	}
	if !pub.Equal(key.Public()) {
		return nil, fmt.Errorf("ballot: device %q: the signing key does not match the registered public key", id)
	}
	d := &Device{e: e, id: id, key: key, seq: sequence, tip: tip, base: sequence, countsKnown: sequence == 0}
	d.decided, d.refused = make(map[uint64]State), make(map[uint64]bool)
	return d, nil
}

// Tip returns the sequence number and confirmation code of the device's last
// ballot (or 0 and the opening's confirmation code). A device saves them to
// stable storage after each ballot so that it can resume its chain after a
// restart.
func (d *Device) Tip() (sequence uint64, code ConfirmationCode) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.seq, d.tip
}

// EncryptBallot encrypts v as the device's next ballot, with a fresh nonce
// seed from crypto/rand and the ballot identifier "<device>/<sequence>",
// and advances the chain. The ballot is pending: show its confirmation
// code to the voter, then Cast or Challenge it (with the device's Cast and
// Challenge), which returns the signed Ballot for the ballot box.
func (d *Device) EncryptBallot(v Vote) (*Pending, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, fmt.Errorf("ballot: device %q has closed its chain: it encrypts no more ballots", d.id)
	}
	seq := d.seq + 1
	h := Header{
		BallotID: d.id + "/" + strconv.FormatUint(seq, 10),
		Device:   d.id,
		Sequence: seq,
		Previous: d.tip,
	}
	p, err := EncryptBallot(d.e, h, v, proof.RandomNonces().Seed())
	if err != nil {
		return nil, err
	}
	d.seq, d.tip = seq, p.ConfirmationCode()
	return p, nil
}

// Cast signs p, a pending ballot of this device, as cast, and returns the
// cast Ballot (Pending.Cast).
func (d *Device) Cast(p *Pending) (*Ballot, error) { return d.sign(p, Cast) }

// Challenge signs p, a pending ballot of this device, as challenged,
// releases its nonce seed and returns the challenged Ballot
// (Pending.Challenge).
func (d *Device) Challenge(p *Pending) (*Ballot, error) { return d.sign(p, Challenged) }

func (d *Device) sign(p *Pending, st State) (*Ballot, error) {
	b, err := p.decide(st, d.key)
	if err != nil {
		return nil, err
	}
	if h := &b.header; h.Credential == nil && h.Device == d.id {
		d.decide(h.Sequence, st)
	}
	return b, nil
}

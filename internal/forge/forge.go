// Package forge builds ballots the way an adversary who holds a signing
// key (a device's, or a voter's credential) can: from chosen ciphertexts,
// nonces and proofs, assembled with the public API and the encodings of
// docs/spec.md (§Ballots, "Ballot encoding", "Proof transcripts"), without
// package ballot's encryption. The tests of the acceptance rule use it to
// perform attacks through the public API, and the verifier's test of its
// HTML report to write a ballot of an unregistered device; nothing else
// does.
package forge

import (
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

const ballotLabel = "sandogh-v1/ballot"

func appendStr(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// signer is a header's identifier and signer, as the body encodes them.
func signer(h ballot.Header) []byte {
	b := appendStr(nil, h.BallotID)
	if h.Credential != nil {
		return append(append(b, 2), h.Credential...)
	}
	b = appendStr(append(b, 1), h.Device)
	b = binary.BigEndian.AppendUint64(b, h.Sequence)
	return append(b, h.Previous[:]...)
}

// Contests returns the part of b's encoding after its header: the number
// of contests and the contests.
func Contests(b *ballot.Ballot) []byte {
	enc := b.Bytes()
	start := 4 + len(ballotLabel) + ballot.HashSize + len(signer(b.Header()))
	end := len(enc) - 1 - ed25519.SignatureSize
	if b.State() == ballot.Challenged {
		end -= 32
	}
	return enc[start:end]
}

// Sign assembles a signed ballot of the election with base hash bh from
// its header, contests part, state and (for a challenged ballot) nonce
// seed, signs it with key and decodes it: the body, then u8(state) ‖
// [seed] ‖ the Ed25519 signature of str("sandogh-v1/ballot-signature") ‖
// code ‖ u8(state) ‖ [seed].
func Sign(bh [ballot.HashSize]byte, h ballot.Header, contests []byte, state ballot.State, seed []byte, key ed25519.PrivateKey) (*ballot.Ballot, error) {
	body := appendStr(nil, ballotLabel)
	body = append(body, bh[:]...)
	body = append(body, signer(h)...)
	body = append(body, contests...)
	code := sha512.Sum512_256(body)
	msg := appendStr(nil, "sandogh-v1/ballot-signature")
	msg = append(append(msg, code[:]...), byte(state))
	msg = append(msg, seed...)
	enc := append(append(body, byte(state)), seed...)
	enc = append(enc, ed25519.Sign(key, msg)...)
	b, err := ballot.ParseBallot(enc)
	if err != nil {
		return nil, fmt.Errorf("forge: the ballot does not decode: %v", err)
	}
	return b, nil
}

// Reheader returns the contests of src under header h, cast and signed by
// key: a replay (the proofs were made for src's header, so they fail
// unless h is src's).
func Reheader(e *ballot.Election, src *ballot.Ballot, h ballot.Header, key ed25519.PrivateKey) (*ballot.Ballot, error) {
	return Sign(e.BaseHash(), h, Contests(src), ballot.Cast, nil, key)
}

// CorruptProof returns the cast ballot b with one bit of its first range
// proof flipped, signed again by key: a ballot its signer vouches for but
// whose proof fails. b's first contest must hold selections.
func CorruptProof(e *ballot.Election, b *ballot.Ballot, key ed25519.PrivateKey) (*ballot.Ballot, error) {
	c := append([]byte(nil), Contests(b)...)
	// u32(contests) ‖ u8(layout) ‖ u32(selections) ‖ C (64) ‖ u32(len) ‖ proof
	proofLen := int(binary.BigEndian.Uint32(c[4+1+4+64:]))
	c[4+1+4+64+4+proofLen-1] ^= 0x01
	return Sign(e.BaseHash(), b.Header(), c, ballot.Cast, nil, key)
}

// Rechallenge returns the challenged ballot b with a released seed that
// does not open it, signed again by key.
func Rechallenge(e *ballot.Election, b *ballot.Ballot, key ed25519.PrivateKey) (*ballot.Ballot, error) {
	seed := b.NonceSeed()
	seed[0] ^= 1
	return Sign(e.BaseHash(), b.Header(), Contests(b), ballot.Challenged, seed, key)
}

// Context is the transcript prefix of contest i of a ballot with header h
// (docs/spec.md §Ballots, "Proof transcripts").
func Context(e *ballot.Election, h ballot.Header, i int) *proof.Transcript {
	bh := e.BaseHash()
	t := proof.NewTranscript(ballot.BallotProtocol, bh[:])
	t.AppendBytes("ballot-id", []byte(h.BallotID))
	if h.Credential != nil {
		t.AppendBytes("credential", h.Credential)
	} else {
		t.AppendBytes("device", []byte(h.Device))
		t.AppendUint64("sequence", h.Sequence)
		t.AppendBytes("previous", h.Previous[:])
	}
	t.AppendUint64("contest", uint64(i))
	return t
}

// A Selection is one ciphertext of a forged contest with its plaintext
// and nonce: Ct = (R·G, M·G + R·K), or for a row, M is unused and Ct
// encrypts an element.
type Selection struct {
	Ct *elgamal.Ciphertext
	M  uint64
	R  *group.Scalar
}

// nonce returns the scalar derived from label.
func nonce(label string) *group.Scalar {
	d := sha512.Sum512([]byte(label))
	r, _ := group.NewScalar().SetUniformBytes(d[:])
	return r
}

// Encrypt encrypts m under e's key with a nonce derived from label.
func Encrypt(e *ballot.Election, m uint64, label string) Selection {
	r := nonce(label)
	return Selection{Ct: e.PublicKey().Encrypt(group.NewScalar().SetUint64(m), r), M: m, R: r}
}

// EncryptElement encrypts the element M under e's key with a nonce
// derived from label, as a column of a row.
func EncryptElement(e *ballot.Election, M *group.Element, label string) Selection {
	r := nonce(label)
	return Selection{Ct: e.PublicKey().EncryptElement(M, r), R: r}
}

// UpTo encodes contest i, with header h, as an up-to contest (layout 1,
// range proofs for 0..1, a contest proof for 0..limit) whose selections
// are sels, every proof made honestly for its ciphertext and place, so
// that only the rules about the ciphertexts themselves can refuse it. The
// provers' nonces derive from label.
func UpTo(e *ballot.Election, h ballot.Header, i int, limit uint64, sels []Selection, label string) ([]byte, error) {
	ns := sha512.Sum512_256([]byte(label))
	n, _ := proof.NewNonces(ns[:])
	out := append([]byte{1}, binary.BigEndian.AppendUint32(nil, uint32(len(sels)))...)
	sum := elgamal.NewCiphertext()
	rSum := group.NewScalar()
	var mSum uint64
	var cts []byte
	for j, s := range sels {
		ts := Context(e, h, i)
		ts.AppendUint64("selection", uint64(j))
		p, err := proof.ProveRange(ts, e.PublicKey(), s.Ct, s.M, s.R, 1, n.Child("selection", uint64(j)))
		if err != nil {
			return nil, err
		}
		pb := p.Bytes()
		out = append(out, s.Ct.Bytes()...)
		out = binary.BigEndian.AppendUint32(out, uint32(len(pb)))
		out = append(out, pb...)
		sum.Add(sum, s.Ct)
		rSum.Add(rSum, s.R)
		mSum += s.M
		cts = append(cts, s.Ct.Bytes()...)
	}
	ts := Context(e, h, i)
	ts.AppendBytes("selections", cts)
	ts.AppendBytes("sum-rule", []byte("at-most"))
	ts.AppendUint64("sum-bound", limit)
	p, err := proof.ProveRange(ts, e.PublicKey(), sum, mSum, rSum, limit, n.Child("sum", 0))
	if err != nil {
		return nil, err
	}
	pb := p.Bytes()
	out = append(out, 1)
	out = binary.BigEndian.AppendUint32(out, uint32(len(pb)))
	return append(out, pb...), nil
}

// Row encodes CodeList contest i, with header h, as a row (layout 2) of the
// columns cols, each with its proof of knowledge of its nonce made
// honestly. The provers' nonces derive from label.
func Row(e *ballot.Election, h ballot.Header, i int, cols []Selection, label string) []byte {
	ns := sha512.Sum512_256([]byte(label))
	n, _ := proof.NewNonces(ns[:])
	out := append([]byte{2}, binary.BigEndian.AppendUint32(nil, uint32(len(cols)))...)
	G := group.NewGeneratorElement()
	for k, c := range cols {
		ct := c.Ct.Bytes()
		t := Context(e, h, i)
		t.AppendUint64("column", uint64(k))
		t.AppendBytes("ciphertext", ct)
		p := proof.ProveSchnorr(t, G, &c.Ct.A, c.R, n.Child("column", uint64(k)))
		out = append(append(out, ct...), p.Bytes()...)
	}
	return out
}

// Ballot joins encoded contests into the contests part of a ballot.
func Ballot(contests ...[]byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(contests)))
	for _, c := range contests {
		out = append(out, c...)
	}
	return out
}

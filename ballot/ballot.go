package ballot

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha512"
	"fmt"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/internal/wire"
	"github.com/sandogh/sandogh/proof"
)

// A State says what the voter decided for an encrypted ballot: to cast it
// or to challenge it (Benaloh). Only cast ballots are counted. A ballot
// that is encrypted but not yet decided is a Pending, not a Ballot, so
// that it cannot be encoded or submitted.
type State uint8

const (
	// Cast is a ballot the voter cast; it counts.
	Cast State = 1
	// Challenged is a ballot the voter challenged: its nonce seed is
	// released so that anyone can check what it encrypts. It is published
	// and never counted.
	Challenged State = 2
)

// String returns "cast" or "challenged", the state's name in the JSON
// form.
func (s State) String() string {
	switch s {
	case Cast:
		return "cast"
	case Challenged:
		return "challenged"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// A Header identifies a ballot and its signer: either a polling-station
// device (Device, Sequence, Previous) or a voter credential (Credential),
// never both.
type Header struct {
	// BallotID is unique in the election.
	BallotID string
	// Device is the identifier of the registered device that emits the
	// ballot, or "" for a remote ballot.
	Device string
	// Sequence is the ballot's position in the device's chain: 1 for the
	// first ballot after the device opening.
	Sequence uint64
	// Previous is the confirmation code of the device's previous ballot,
	// or of its opening record for the first ballot.
	Previous ConfirmationCode
	// Credential is the public key of the voter credential that signs a
	// remote ballot, or nil for a device ballot.
	Credential ed25519.PublicKey
}

// A Ballot is an encrypted ballot that its device or credential signed as
// cast or challenged: for each contest of the manifest, one ciphertext per
// candidate with a range proof, and a proof about the contest's sum (or,
// for a CodeList contest, one row of ciphertexts of packed codes, each
// with a proof of knowledge of its nonce); the header that binds it to its
// device chain or credential; its state and signature. Its canonical
// encoding and confirmation code are in docs/spec.md §Ballots ("Ballot").
//
// A Ballot is made by Pending.Cast or Pending.Challenge (from
// EncryptBallot or Device.EncryptBallot), or decoded by ParseBallot or
// UnmarshalJSON, so it is always signed: Bytes and MarshalJSON encode it,
// and the ballot box accepts it. Its content cannot be changed, so its
// confirmation code always matches it. The zero value is NOT valid.
type Ballot struct {
	baseHash   [HashSize]byte
	header     Header
	contests   []encryptedContest
	body       []byte // canonical body encoding; the confirmation code is its hash
	code       ConfirmationCode
	state      State  // Cast or Challenged; 0 only inside a Pending
	seed       []byte // released nonce seed of a challenged ballot
	signature  []byte
	signerKind uint8
}

// A Pending is a ballot just encrypted (EncryptBallot, Device.EncryptBallot)
// that the voter has neither cast nor challenged: it is not signed, so it
// has no encoding and cannot reach a ballot box. Show its
// ConfirmationCode (or its Short form) to the voter, then Cast or
// Challenge it, once: each returns the signed *Ballot that the ballot box
// accepts. A ballot the voter abandons is challenged.
//
// A Pending holds the ballot's nonce seed until Cast (which forgets it) or
// Challenge (which releases it in the Ballot). It is not safe for
// concurrent use. The zero value is NOT valid.
type Pending struct {
	b         *Ballot       // encrypted, not signed (state 0)
	nonces    *proof.Nonces // the nonce seed until Cast or Challenge
	signerPub ed25519.PublicKey
	decided   State // Cast or Challenged once decided, 0 before
}

// ID returns the ballot identifier.
func (p *Pending) ID() string { return p.b.header.BallotID }

// Header returns a copy of the ballot's header.
func (p *Pending) Header() Header { return p.b.Header() }

// BaseHash returns the base hash of the election the ballot was made for.
func (p *Pending) BaseHash() [HashSize]byte { return p.b.baseHash }

// ConfirmationCode returns the ballot's confirmation code, which is the
// same once the ballot is cast or challenged: show it (or its Short form)
// to the voter before she decides.
func (p *Pending) ConfirmationCode() ConfirmationCode { return p.b.code }

type encryptedContest struct {
	layout     uint8                // layoutSelections or layoutRow
	selections []encryptedSelection // layoutSelections
	sum        *proof.RangeProof    // nil when the contest has no sum rule
	sumBytes   []byte
	// listProofs are the contest proofs of a ProportionalList contest, one
	// per statement of Contest.listStatements (sum is nil then).
	listProofs     []*proof.RangeProof
	listProofBytes [][]byte
	row            []encryptedColumn // layoutRow: the packed codes of a CodeList contest
}

// An encryptedColumn is one ciphertext of a CodeList contest's row, with the
// proof of knowledge of its encryption nonce.
type encryptedColumn struct {
	ct       elgamal.Ciphertext
	ctBytes  []byte // 64 bytes, a slice of the body
	pok      *proof.Schnorr
	pokBytes []byte // 64 bytes, a slice of the body
}

type encryptedSelection struct {
	ct         elgamal.Ciphertext
	ctBytes    []byte // 64 bytes, a slice of the body
	proof      *proof.RangeProof
	proofBytes []byte // a slice of the body
}

const (
	ballotLabel          = "sandogh-v1/ballot"
	ballotSignatureLabel = "sandogh-v1/ballot-signature"

	signerDevice     = 1
	signerCredential = 2

	// layoutSelections is the layout of a contest on a ballot: one
	// ciphertext and range proof per candidate, and an optional contest
	// proof.
	layoutSelections = 1
	// layoutRow is the layout of a CodeList contest: one row of ciphertexts
	// of packed codes, each with a Schnorr proof of knowledge of its
	// nonce.
	layoutRow = 2
	// maxRowWidth bounds the width of a row when decoding, before the
	// manifest is known (a valid CodeList contest has at most 834).
	maxRowWidth = 1024

	maxBallotID = 255
	maxProof    = 1 << 20
)

// ID returns the ballot identifier.
func (b *Ballot) ID() string { return b.header.BallotID }

// Header returns a copy of the ballot's header.
func (b *Ballot) Header() Header {
	h := b.header
	h.Credential = bytes.Clone(h.Credential)
	return h
}

// BaseHash returns the base hash of the election the ballot was made for.
func (b *Ballot) BaseHash() [HashSize]byte { return b.baseHash }

// ConfirmationCode returns the ballot's confirmation code.
func (b *Ballot) ConfirmationCode() ConfirmationCode { return b.code }

// State returns whether the ballot was cast or challenged.
func (b *Ballot) State() State { return b.state }

// NonceSeed returns the released nonce seed of a challenged ballot, and
// nil for other ballots.
func (b *Ballot) NonceSeed() []byte { return bytes.Clone(b.seed) }

// NumContests returns the number of contests on the ballot.
func (b *Ballot) NumContests() int { return len(b.contests) }

// Ciphertexts returns copies of the ciphertexts of contest i: one per
// candidate in manifest order (for a ProportionalList contest, one per
// selection: Contest.SelectionCodes), or for a CodeList contest the row of
// packed codes, one per column. It panics if i is out of range.
func (b *Ballot) Ciphertexts(i int) []*elgamal.Ciphertext {
	c := &b.contests[i]
	if c.layout == layoutRow {
		out := make([]*elgamal.Ciphertext, len(c.row))
		for k := range c.row {
			out[k] = new(elgamal.Ciphertext).Set(&c.row[k].ct)
		}
		return out
	}
	sels := c.selections
	out := make([]*elgamal.Ciphertext, len(sels))
	for j := range sels {
		out[j] = new(elgamal.Ciphertext).Set(&sels[j].ct)
	}
	return out
}

// CiphertextBytes returns the canonical encodings of the ciphertexts of
// contest i, as Ciphertexts orders them, concatenated (64 bytes each): the
// bytes the ballot was decoded from, or encoded to. For a CodeList contest
// they are the ballot's row as a mix cascade's input list encodes it
// (mixnet.Rows), which a verifier collects without encoding the
// ciphertexts again. It panics if i is out of range.
func (b *Ballot) CiphertextBytes(i int) []byte {
	c := &b.contests[i]
	var out []byte
	if c.layout == layoutRow {
		out = make([]byte, 0, len(c.row)*elgamal.CiphertextSize)
		for k := range c.row {
			out = append(out, c.row[k].ctBytes...)
		}
		return out
	}
	out = make([]byte, 0, len(c.selections)*elgamal.CiphertextSize)
	for j := range c.selections {
		out = append(out, c.selections[j].ctBytes...)
	}
	return out
}

// encodeBody builds the canonical body and the confirmation code, and
// points the selections' byte fields into it.
func (b *Ballot) encodeBody() {
	var e wire.Writer
	e.Str(ballotLabel)
	e.Fixed(b.baseHash[:])
	e.Str(b.header.BallotID)
	if b.header.Credential != nil {
		b.signerKind = signerCredential
		e.U8(signerCredential)
		e.Fixed(b.header.Credential)
	} else {
		b.signerKind = signerDevice
		e.U8(signerDevice)
		e.Str(b.header.Device)
		e.U64(b.header.Sequence)
		e.Fixed(b.header.Previous[:])
	}
	type span struct{ ct, p [2]int }
	spans := make([][]span, len(b.contests))
	sumSpans := make([][2]int, len(b.contests))
	e.U32(uint32(len(b.contests)))
	for i := range b.contests {
		c := &b.contests[i]
		if c.layout == layoutRow {
			e.U8(layoutRow)
			e.U32(uint32(len(c.row)))
			spans[i] = make([]span, len(c.row))
			for k := range c.row {
				col := &c.row[k]
				start := len(e.B)
				if col.ctBytes != nil {
					e.Fixed(col.ctBytes)
				} else {
					e.B = col.ct.AppendBytes(e.B)
				}
				spans[i][k].ct = [2]int{start, len(e.B)}
				if col.pokBytes == nil {
					col.pokBytes = col.pok.Bytes()
				}
				spans[i][k].p = [2]int{len(e.B), len(e.B) + len(col.pokBytes)}
				e.Fixed(col.pokBytes)
			}
			continue
		}
		e.U8(layoutSelections)
		e.U32(uint32(len(c.selections)))
		spans[i] = make([]span, len(c.selections))
		for j := range c.selections {
			s := &c.selections[j]
			start := len(e.B)
			if s.ctBytes != nil {
				e.Fixed(s.ctBytes)
			} else {
				e.B = s.ct.AppendBytes(e.B)
			}
			spans[i][j].ct = [2]int{start, len(e.B)}
			if s.proofBytes == nil {
				s.proofBytes = s.proof.Bytes()
			}
			e.U32(uint32(len(s.proofBytes)))
			spans[i][j].p = [2]int{len(e.B), len(e.B) + len(s.proofBytes)}
			e.Fixed(s.proofBytes)
		}
		if c.listProofs != nil {
			e.U8(2)
			e.U32(uint32(len(c.listProofs)))
			for k, p := range c.listProofs {
				if len(c.listProofBytes) <= k {
					c.listProofBytes = append(c.listProofBytes, p.Bytes())
				}
				e.Bytes(c.listProofBytes[k])
			}
		} else if c.sum == nil {
			e.U8(0)
		} else {
			e.U8(1)
			if c.sumBytes == nil {
				c.sumBytes = c.sum.Bytes()
			}
			e.U32(uint32(len(c.sumBytes)))
			sumSpans[i] = [2]int{len(e.B), len(e.B) + len(c.sumBytes)}
			e.Fixed(c.sumBytes)
		}
	}
	b.body = e.B
	for i := range b.contests {
		c := &b.contests[i]
		if c.layout == layoutRow {
			for k := range c.row {
				col := &c.row[k]
				col.ctBytes = b.body[spans[i][k].ct[0]:spans[i][k].ct[1]:spans[i][k].ct[1]]
				col.pokBytes = b.body[spans[i][k].p[0]:spans[i][k].p[1]:spans[i][k].p[1]]
			}
			continue
		}
		for j := range c.selections {
			s := &c.selections[j]
			s.ctBytes = b.body[spans[i][j].ct[0]:spans[i][j].ct[1]:spans[i][j].ct[1]]
			s.proofBytes = b.body[spans[i][j].p[0]:spans[i][j].p[1]:spans[i][j].p[1]]
		}
		if c.sum != nil {
			c.sumBytes = b.body[sumSpans[i][0]:sumSpans[i][1]:sumSpans[i][1]]
		}
	}
	b.code = ConfirmationCode(sha512.Sum512_256(b.body))
}

// signatureMessage is what the device or credential signs:
//
//	str("sandogh-v1/ballot-signature") ‖ code ‖ u8(state) ‖ [nonce seed, if challenged]
func signatureMessage(code ConfirmationCode, state State, seed []byte) []byte {
	var e wire.Writer
	e.Str(ballotSignatureLabel)
	e.Fixed(code[:])
	e.U8(uint8(state))
	if state == Challenged {
		e.Fixed(seed)
	}
	return e.B
}

// signerKey returns the public key that must sign b in election e, or nil
// if the device is not registered or the credential not on the list.
func (e *Election) signerKey(h *Header) ed25519.PublicKey {
	if h.Credential != nil {
		if e.credentials.Contains(h.Credential) {
			return h.Credential
		}
		return nil
	}
	return e.deviceKey(h.Device)
}

// Cast records the voter's decision to cast the ballot and signs it with
// key, the signing key of its device or credential: an ed25519.PrivateKey,
// or any crypto.Signer whose public key is an ed25519.PublicKey and which
// signs with pure Ed25519 (opts crypto.Hash(0)), such as a smart card that
// keeps a voter's credential. The nonce seed is forgotten. It returns the
// cast Ballot, or an error, and p is unchanged, if p was already cast or
// challenged, key is not the ballot's signer, or its signature does not
// verify.
func (p *Pending) Cast(key crypto.Signer) (*Ballot, error) {
	return p.decide(Cast, key)
}

// Challenge records the voter's decision to challenge the ballot, releases
// its nonce seed and signs it with key, as Cast does. Anyone can then
// recompute the encryption with OpenChallenged. A challenged ballot is
// never counted.
func (p *Pending) Challenge(key crypto.Signer) (*Ballot, error) {
	return p.decide(Challenged, key)
}

func (p *Pending) decide(s State, key crypto.Signer) (*Ballot, error) {
	b := p.b
	if p.decided != 0 || p.nonces == nil {
		return nil, fmt.Errorf("ballot: ballot %q was already %s", b.header.BallotID, p.decided)
	}
	if k, ok := key.(ed25519.PrivateKey); key == nil || ok && len(k) != ed25519.PrivateKeySize {
		n := 0
		if ok {
			n = len(k)
		}
		return nil, fmt.Errorf("ballot: signing key is %d bytes, want %d", n, ed25519.PrivateKeySize)
	}
	want := b.header.Credential
	what := "credential"
	if want == nil {
		want = p.signerPub
		what = "device"
	}
	pub, ok := key.Public().(ed25519.PublicKey)
	if !ok || !bytes.Equal(pub, want) {
		return nil, fmt.Errorf("ballot: ballot %q: the signing key is not the %s's key", b.header.BallotID, what)
	}
	var seed []byte
	if s == Challenged {
		seed = p.nonces.Seed()
	}
	msg := signatureMessage(b.code, s, seed)
	sig, err := key.Sign(rand.Reader, msg, crypto.Hash(0))
	if err != nil {
		return nil, fmt.Errorf("ballot: ballot %q: signing: %v", b.header.BallotID, err)
	}
	if !ed25519.Verify(want, msg, sig) {
		return nil, fmt.Errorf("ballot: ballot %q: the %s's signer returned a signature that does not verify", b.header.BallotID, what)
	}
	out := *b
	out.seed, out.state, out.signature = seed, s, sig
	p.decided, p.nonces = s, nil
	return &out, nil
}

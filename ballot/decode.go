package ballot

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/internal/wire"
	"github.com/sandogh/sandogh/proof"
)

// Bytes returns the canonical encoding of the ballot, cast or challenged:
// its body, then u8(state), the 32-byte nonce seed if challenged, and the
// 64-byte signature. (A ballot not yet cast or challenged is a Pending,
// which has no encoding.)
func (b *Ballot) Bytes() []byte {
	if b.state != Cast && b.state != Challenged {
		panic("ballot: Bytes of the zero Ballot; a Ballot comes from Pending.Cast, Pending.Challenge or ParseBallot")
	}
	out := make([]byte, 0, len(b.body)+1+len(b.seed)+ed25519.SignatureSize)
	out = append(out, b.body...)
	out = append(out, uint8(b.state))
	out = append(out, b.seed...)
	return append(out, b.signature...)
}

// ParseBallot decodes the canonical encoding of a cast or challenged ballot
// (Bytes). It checks the structure and that every element, scalar and
// proof is canonically encoded, with errors that name the field and its
// offset; it does not check the ballot against an election (the ballot
// box and VerifyBallot do).
func ParseBallot(data []byte) (*Ballot, error) {
	return parseBallot(bytes.Clone(data), nil)
}

// ParseBallotHinted is ParseBallot with decoding hints for the ballot's
// elements, as DecodingHints returns them (docs/spec.md, "Decoding
// hints"). The hints change only the time decoding takes: the ballot, or
// the error, is the same as ParseBallot's whatever they are. A ballot box
// can then decode ballots about six times faster than in full
// (BenchmarkDecodeBallot); what a wrong hint costs is one element decoded
// in full.
func ParseBallotHinted(data, hints []byte) (*Ballot, error) {
	return parseBallot(bytes.Clone(data), group.NewHintedDecoder(hints))
}

// DecodingHints returns the decoding hints of the ballot's elements, in the
// order in which they appear in its encoding, group.HintSize bytes each: for
// whoever sends the ballot to a box that decodes with ParseBallotHinted.
// It costs about as much as ParseBallot; a station computes them when the
// ballot is cast, on its own time.
func (b *Ballot) DecodingHints() []byte {
	rec := group.NewHintRecorder()
	if _, err := parseBallot(b.Bytes(), rec); err != nil {
		panic("ballot: internal error: a ballot does not decode: " + err.Error())
	}
	return rec.Hints()
}

// parseBallot is ParseBallot for data that the ballot may keep: the byte
// fields of the ballot alias it. gd decodes the elements (nil: in full).
func parseBallot(data []byte, gd *group.Decoder) (*Ballot, error) {
	d := newReader("ballot", data)
	b := new(Ballot)
	b.decodeBody(d, gd)
	bodyEnd := d.Off
	b.state = State(d.U8("state"))
	switch {
	case d.Err != nil:
	case b.state == Cast:
	case b.state == Challenged:
		b.seed = d.Take("nonce seed", proof.NonceSeedSize)
	default:
		d.Off--
		d.Fail("state", "%d is neither cast (1) nor challenged (2)", uint8(b.state))
	}
	b.signature = d.Take("signature", ed25519.SignatureSize)
	d.End()
	if d.Err != nil {
		return nil, d.Err
	}
	b.body = data[:bodyEnd:bodyEnd]
	b.code = ConfirmationCode(sha512.Sum512_256(b.body))
	return b, nil
}

// decodeBody reads the body fields into b. The ciphertext and proof byte
// fields alias d's input.
func (b *Ballot) decodeBody(d *wire.Reader, gd *group.Decoder) {
	d.Label(ballotLabel)
	copy(b.baseHash[:], d.Take("base hash", HashSize))
	start := d.Off
	b.header.BallotID = d.Str("ballot identifier", maxBallotID)
	if d.Err == nil && b.header.BallotID == "" {
		d.Off = start
		d.Fail("ballot identifier", "empty")
	} else if d.Err == nil {
		if err := safetext.CheckIdentifier(b.header.BallotID); err != nil {
			d.Off = start
			d.Fail("ballot identifier", "%q: %v", b.header.BallotID, err)
		}
	}
	start = d.Off
	b.signerKind = d.U8("signer kind")
	switch {
	case d.Err != nil:
		return
	case b.signerKind == signerDevice:
		start := d.Off
		b.header.Device = d.Str("device", maxText)
		if d.Err == nil && b.header.Device == "" {
			d.Off = start
			d.Fail("device", "empty")
		} else if d.Err == nil {
			if err := safetext.CheckIdentifier(b.header.Device); err != nil {
				d.Off = start
				d.Fail("device", "%q: %v", b.header.Device, err)
			}
		}
		b.header.Sequence = d.U64("sequence")
		copy(b.header.Previous[:], d.Take("previous", HashSize))
	case b.signerKind == signerCredential:
		b.header.Credential = d.Take("credential", ed25519.PublicKeySize)
	default:
		d.Off = start
		d.Fail("signer kind", "%d is neither device (1) nor credential (2)", b.signerKind)
		return
	}
	// Each contest takes at least 6 bytes, each selection at least 68.
	n := d.Count("contest count", MaxContests, 6)
	b.contests = make([]encryptedContest, n)
	for i := 0; i < n && d.Err == nil; i++ {
		c := &b.contests[i]
		start := d.Off
		layout := d.U8(fmt.Sprintf("contest %d: layout", i))
		if d.Err == nil && layout != layoutSelections && layout != layoutRow {
			d.Off = start
			d.Fail(fmt.Sprintf("contest %d: layout", i), "%d is not a known contest layout (1: selections, 2: row of codes)", layout)
			break
		}
		c.layout = layout
		if layout == layoutRow {
			decodeRow(d, i, c, gd)
			continue
		}
		m := d.Count(fmt.Sprintf("contest %d: selection count", i), MaxCandidates, elgamal.CiphertextSize+4)
		c.selections = make([]encryptedSelection, m)
		for j := 0; j < m && d.Err == nil; j++ {
			s := &c.selections[j]
			where := fmt.Sprintf("contest %d: selection %d: ", i, j)
			start := d.Off
			s.ctBytes = d.Take(where+"ciphertext", elgamal.CiphertextSize)
			if d.Err == nil {
				if _, err := s.ct.SetCanonicalBytesWith(gd, s.ctBytes); err != nil {
					d.Off = start
					d.Fail(where+"ciphertext", "%v", err)
				} else if s.ct.A.IsIdentity() == 1 {
					d.Off = start
					d.Fail(where+"ciphertext", "component A is the identity: a nonce of 0 reveals the vote")
				}
			}
			start = d.Off
			s.proofBytes = d.Bytes(where+"range proof", maxProof)
			if d.Err == nil {
				p, err := decodeRangeProof(gd, s.proofBytes)
				if err != nil {
					d.Off = start
					d.Fail(where+"range proof", "%v", err)
				}
				s.proof = p
			}
		}
		start = d.Off
		switch has := d.U8(fmt.Sprintf("contest %d: has contest proof", i)); {
		case d.Err != nil:
		case has == 0:
		case has == 1:
			start := d.Off
			c.sumBytes = d.Bytes(fmt.Sprintf("contest %d: contest proof", i), maxProof)
			if d.Err == nil {
				p, err := decodeRangeProof(gd, c.sumBytes)
				if err != nil {
					d.Off = start
					d.Fail(fmt.Sprintf("contest %d: contest proof", i), "%v", err)
				}
				c.sum = p
			}
		case has == 2:
			decodeListProofs(d, i, c, gd)
		default:
			d.Off = start
			d.Fail(fmt.Sprintf("contest %d: has contest proof", i), "%d is neither 0, 1 nor 2 (the proofs of a list contest)", has)
		}
	}
}

// decodeRow reads the row of a CodeList contest (layout 2): u32(width), then
// for each column the 64-byte ciphertext and the 64-byte Schnorr proof.
func decodeRow(d *wire.Reader, i int, c *encryptedContest, gd *group.Decoder) {
	w := d.Count(fmt.Sprintf("contest %d: row width", i), maxRowWidth, elgamal.CiphertextSize+schnorrSize)
	if d.Err == nil && w == 0 {
		d.Off -= 4
		d.Fail(fmt.Sprintf("contest %d: row width", i), "0: a row has at least one ciphertext")
		return
	}
	c.row = make([]encryptedColumn, w)
	for k := 0; k < w && d.Err == nil; k++ {
		col := &c.row[k]
		where := fmt.Sprintf("contest %d: column %d: ", i, k)
		start := d.Off
		col.ctBytes = d.Take(where+"ciphertext", elgamal.CiphertextSize)
		if d.Err == nil {
			if _, err := col.ct.SetCanonicalBytesWith(gd, col.ctBytes); err != nil {
				d.Off = start
				d.Fail(where+"ciphertext", "%v", err)
			} else if col.ct.A.IsIdentity() == 1 {
				d.Off = start
				d.Fail(where+"ciphertext", "component A is the identity: a nonce of 0 reveals the codes")
			}
		}
		start = d.Off
		col.pokBytes = d.Take(where+"proof of knowledge", schnorrSize)
		if d.Err == nil {
			p, err := new(proof.Schnorr).SetCanonicalBytesWith(gd, col.pokBytes)
			if err != nil {
				d.Off = start
				d.Fail(where+"proof of knowledge", "%v", err)
			}
			col.pok = p
		}
	}
}

// decodeListProofs reads the contest proofs of a list contest (after the
// byte 2): u32(count), then each range proof as bytes.
func decodeListProofs(d *wire.Reader, i int, c *encryptedContest, gd *group.Decoder) {
	n := d.Count(fmt.Sprintf("contest %d: list proof count", i), MaxCandidates+4, 4)
	if d.Err == nil && n == 0 {
		d.Off -= 4
		d.Fail(fmt.Sprintf("contest %d: list proof count", i), "0: a list contest has at least one contest proof")
		return
	}
	c.listProofs = make([]*proof.RangeProof, 0, n)
	c.listProofBytes = make([][]byte, 0, n)
	for k := 0; k < n && d.Err == nil; k++ {
		where := fmt.Sprintf("contest %d: list proof %d", i, k)
		start := d.Off
		b := d.Bytes(where, maxProof)
		if d.Err != nil {
			return
		}
		p, err := decodeRangeProof(gd, b)
		if err != nil {
			d.Off = start
			d.Fail(where, "%v", err)
			return
		}
		c.listProofs = append(c.listProofs, p)
		c.listProofBytes = append(c.listProofBytes, b)
	}
}

// schnorrSize is the length of a Schnorr proof's encoding.
const schnorrSize = 64

func decodeRangeProof(gd *group.Decoder, b []byte) (*proof.RangeProof, error) {
	p := new(proof.RangeProof)
	if _, err := p.SetCanonicalBytesWith(gd, b); err != nil {
		return nil, err
	}
	return p, nil
}

// The JSON form of a ballot, one line of the ballot box file. The members
// with omitempty are those that depend on the kind of ballot: a device
// ballot has device, sequence and previous, a remote ballot credential; a
// contest has selections (with an optional contest proof) or a row; a
// challenged ballot has nonceSeed. decodeBallotJSON checks which are
// present; wire.StrictJSON requires every other member.
type ballotJSON struct {
	BallotID   string            `json:"ballotId"`
	BaseHash   hexHash           `json:"baseHash"`
	Device     *string           `json:"device,omitempty"`
	Sequence   *uint64           `json:"sequence,omitempty"`
	Previous   *ConfirmationCode `json:"previous,omitempty"`
	Credential *string           `json:"credential,omitempty"`
	Contests   []contestJSON     `json:"contests"`
	State      string            `json:"state"`
	NonceSeed  *string           `json:"nonceSeed,omitempty"`
	Signature  string            `json:"signature"`
	Code       ConfirmationCode  `json:"code"`
}

type contestJSON struct {
	Selections *[]selectionJSON `json:"selections,omitempty"`
	Proof      *string          `json:"proof,omitempty"`
	Proofs     *[]string        `json:"proofs,omitempty"` // a list contest's contest proofs
	Row        *[]selectionJSON `json:"row,omitempty"`    // a CodeList contest: "proof" is the proof of knowledge
}

type selectionJSON struct {
	Ciphertext string `json:"ciphertext"`
	Proof      string `json:"proof"`
}

// MarshalJSON encodes a cast or challenged ballot as a JSON object whose
// ciphertexts, proofs, hashes, keys and signature are the lowercase
// hexadecimal of their canonical encodings, with the ballot's
// confirmation code for readers (docs/spec.md §Ballots, "JSON form"). The
// bytes are those encoding/json writes for the ballotJSON form (the tests
// compare them); they are appended directly, a line of the ballot box
// being written for every ballot it decides.
func (b *Ballot) MarshalJSON() ([]byte, error) {
	if b.state != Cast && b.state != Challenged {
		return nil, errors.New("ballot: MarshalJSON of the zero Ballot")
	}
	return b.appendJSON(make([]byte, 0, b.jsonSize())), nil
}

// jsonSize is an upper bound of the length of b's JSON form, for its
// buffer: twice the encoding's length for the hexadecimal, and room for
// the member names.
func (b *Ballot) jsonSize() int {
	n := 2*(len(b.body)+len(b.seed)+len(b.signature)) + 512
	for i := range b.contests {
		c := &b.contests[i]
		n += 48 * (len(c.selections) + len(c.row) + len(c.listProofBytes) + 2)
	}
	return n + 2*len(b.header.BallotID) + 2*len(b.header.Device)
}

func (b *Ballot) appendJSON(out []byte) []byte {
	out = append(out, `{"ballotId":`...)
	out = appendJSONString(out, b.header.BallotID)
	out = appendHexMember(out, `,"baseHash":`, b.baseHash[:])
	if b.signerKind == signerCredential {
		out = appendHexMember(out, `,"credential":`, b.header.Credential)
	} else {
		out = append(out, `,"device":`...)
		out = appendJSONString(out, b.header.Device)
		out = append(out, `,"sequence":`...)
		out = strconv.AppendUint(out, b.header.Sequence, 10)
		out = appendHexMember(out, `,"previous":`, b.header.Previous[:])
	}
	out = append(out, `,"contests":[`...)
	for i := range b.contests {
		c := &b.contests[i]
		if i > 0 {
			out = append(out, ',')
		}
		if c.layout == layoutRow {
			out = append(out, `{"row":[`...)
			for k := range c.row {
				out = appendSelectionJSON(out, k, c.row[k].ctBytes, c.row[k].pokBytes)
			}
			out = append(out, "]}"...)
			continue
		}
		out = append(out, `{"selections":[`...)
		for k := range c.selections {
			out = appendSelectionJSON(out, k, c.selections[k].ctBytes, c.selections[k].proofBytes)
		}
		out = append(out, ']')
		if c.sum != nil {
			out = appendHexMember(out, `,"proof":`, c.sumBytes)
		}
		if c.listProofs != nil {
			out = append(out, `,"proofs":[`...)
			for k, pb := range c.listProofBytes {
				if k > 0 {
					out = append(out, ',')
				}
				out = appendHexString(out, pb)
			}
			out = append(out, ']')
		}
		out = append(out, '}')
	}
	out = append(out, `],"state":"`...)
	out = append(out, b.state.String()...)
	out = append(out, '"')
	if b.state == Challenged {
		out = appendHexMember(out, `,"nonceSeed":`, b.seed)
	}
	out = appendHexMember(out, `,"signature":`, b.signature)
	out = appendHexMember(out, `,"code":`, b.code[:])
	return append(out, '}')
}

func appendSelectionJSON(out []byte, k int, ct, proof []byte) []byte {
	if k > 0 {
		out = append(out, ',')
	}
	out = appendHexMember(out, `{"ciphertext":`, ct)
	out = appendHexMember(out, `,"proof":`, proof)
	return append(out, '}')
}

// appendHexMember appends name (with its colon) and the lowercase
// hexadecimal of v as a JSON string.
func appendHexMember(out []byte, name string, v []byte) []byte {
	return appendHexString(append(out, name...), v)
}

func appendHexString(out, v []byte) []byte {
	out = append(out, '"')
	out = hex.AppendEncode(out, v)
	return append(out, '"')
}

// appendJSONString appends s as encoding/json writes it: printable ASCII
// other than the characters it escapes directly, and anything else through
// encoding/json itself. (Identifiers are printable ASCII by the text rule.)
func appendJSONString(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(out, q...)
		}
	}
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"')
}

// UnmarshalJSON decodes the form of MarshalJSON with the checks of
// ParseBallot, and checks that the code member (the confirmation code) matches
// the ballot. It rejects unknown members. On error b is unchanged.
func (b *Ballot) UnmarshalJSON(data []byte) error {
	enc, code, ok := scanBallotJSON(data)
	if !ok {
		var err error
		if enc, code, err = decodeBallotJSON(data); err != nil {
			return err
		}
	}
	nb, err := parseBallot(enc, nil)
	if err != nil {
		return err
	}
	if nb.code != code {
		return fmt.Errorf("ballot: ballot JSON: field code: %s is not the confirmation code %s of the ballot", code, nb.code)
	}
	*b = *nb
	return nil
}

// decodeBallotJSON is the general decoder of the JSON form: it decodes data
// strictly and returns the canonical encoding of the ballot it describes
// and its code member (the confirmation code).
func decodeBallotJSON(data []byte) (enc []byte, code ConfirmationCode, err error) {
	var j ballotJSON
	if err := strictJSON("ballot", data, &j); err != nil {
		return nil, ConfirmationCode{}, err
	}
	// Rebuild the binary encoding and decode it, so that both forms share
	// one decoder and one set of checks.
	var e wire.Writer
	e.Str(ballotLabel)
	e.Fixed(j.BaseHash[:])
	e.Str(j.BallotID)
	switch {
	case j.Credential != nil:
		for _, m := range []struct {
			name    string
			present bool
		}{{"device", j.Device != nil}, {"sequence", j.Sequence != nil}, {"previous", j.Previous != nil}} {
			if m.present {
				return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: member %q: present in a remote ballot (one with a credential)", m.name)
			}
		}
		k, err := decodeHex("credential", *j.Credential, ed25519.PublicKeySize)
		if err != nil {
			return nil, ConfirmationCode{}, err
		}
		e.U8(signerCredential)
		e.Fixed(k)
	case j.Device == nil:
		return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: missing member \"device\" (a device ballot) or \"credential\" (a remote ballot)")
	default:
		for _, m := range []struct {
			name    string
			present bool
		}{{"sequence", j.Sequence != nil}, {"previous", j.Previous != nil}} {
			if !m.present {
				return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: missing member %q (a device ballot)", m.name)
			}
		}
		e.U8(signerDevice)
		e.Str(*j.Device)
		e.U64(*j.Sequence)
		e.Fixed(j.Previous[:])
	}
	e.U32(uint32(len(j.Contests)))
	for i, c := range j.Contests {
		switch {
		case c.Row != nil && (c.Selections != nil || c.Proof != nil || c.Proofs != nil):
			return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: contest %d: a row of codes with selections or a contest proof", i)
		case c.Row != nil:
			e.U8(layoutRow)
			e.U32(uint32(len(*c.Row)))
			for k, s := range *c.Row {
				ct, err := decodeHex(fmt.Sprintf("contest %d: column %d: ciphertext", i, k), s.Ciphertext, elgamal.CiphertextSize)
				if err != nil {
					return nil, ConfirmationCode{}, err
				}
				p, err := decodeHex(fmt.Sprintf("contest %d: column %d: proof", i, k), s.Proof, schnorrSize)
				if err != nil {
					return nil, ConfirmationCode{}, err
				}
				e.Fixed(ct)
				e.Fixed(p)
			}
			continue
		case c.Selections == nil:
			return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: contest %d: neither selections nor a row", i)
		}
		e.U8(layoutSelections)
		e.U32(uint32(len(*c.Selections)))
		for k, s := range *c.Selections {
			ct, err := decodeHex(fmt.Sprintf("contest %d: selection %d: ciphertext", i, k), s.Ciphertext, elgamal.CiphertextSize)
			if err != nil {
				return nil, ConfirmationCode{}, err
			}
			p, err := decodeHexAny(fmt.Sprintf("contest %d: selection %d: proof", i, k), s.Proof)
			if err != nil {
				return nil, ConfirmationCode{}, err
			}
			e.Fixed(ct)
			e.Bytes(p)
		}
		if c.Proofs != nil {
			if c.Proof != nil {
				return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: contest %d: both \"proof\" and \"proofs\" (a list contest has only proofs)", i)
			}
			e.U8(2)
			e.U32(uint32(len(*c.Proofs)))
			for k, ph := range *c.Proofs {
				p, err := decodeHexAny(fmt.Sprintf("contest %d: proofs %d", i, k), ph)
				if err != nil {
					return nil, ConfirmationCode{}, err
				}
				e.Bytes(p)
			}
		} else if c.Proof == nil {
			e.U8(0)
		} else {
			if *c.Proof == "" {
				return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: contest %d: member \"proof\": empty (a contest without a contest proof leaves the member out)", i)
			}
			p, err := decodeHexAny(fmt.Sprintf("contest %d: proof", i), *c.Proof)
			if err != nil {
				return nil, ConfirmationCode{}, err
			}
			e.U8(1)
			e.Bytes(p)
		}
	}
	switch j.State {
	case "cast":
		e.U8(uint8(Cast))
		if j.NonceSeed != nil {
			return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: member \"nonceSeed\": present in a cast ballot")
		}
	case "challenged":
		e.U8(uint8(Challenged))
		if j.NonceSeed == nil {
			return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: missing member \"nonceSeed\" (a challenged ballot)")
		}
		seed, err := decodeHex("nonceSeed", *j.NonceSeed, proof.NonceSeedSize)
		if err != nil {
			return nil, ConfirmationCode{}, err
		}
		e.Fixed(seed)
	default:
		return nil, ConfirmationCode{}, fmt.Errorf("ballot: ballot JSON: field state: %q is neither \"cast\" nor \"challenged\"", j.State)
	}
	sig, err := decodeHex("signature", j.Signature, ed25519.SignatureSize)
	if err != nil {
		return nil, ConfirmationCode{}, err
	}
	e.Fixed(sig)
	return e.B, j.Code, nil
}

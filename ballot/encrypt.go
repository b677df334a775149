package ballot

import (
	"crypto/ed25519"
	"crypto/subtle"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// BallotProtocol is the protocol label of every proof transcript of a
// ballot.
const BallotProtocol = "sandogh-v1/ballot"

// transcript returns the transcript prefix shared by every proof of a
// ballot with header h: the protocol and base hash, then the ballot
// identifier and the signer (docs/spec.md §Ballots, "Proof
// transcripts").
func (e *Election) transcript(h *Header) *proof.Transcript {
	t := proof.NewTranscript(BallotProtocol, e.baseHash[:])
	t.AppendBytes("ballot-id", []byte(h.BallotID))
	if h.Credential != nil {
		t.AppendBytes("credential", h.Credential)
	} else {
		t.AppendBytes("device", []byte(h.Device))
		t.AppendUint64("sequence", h.Sequence)
		t.AppendBytes("previous", h.Previous[:])
	}
	return t
}

// sumTranscript returns the transcript of contest i's sum proof, from the
// contest's prefix tc.
func sumTranscript(tc *proof.Transcript, c *encryptedContest, rule sumRule, bound uint64) *proof.Transcript {
	t := tc.Clone()
	cts := make([]byte, 0, len(c.selections)*elgamal.CiphertextSize)
	for j := range c.selections {
		cts = append(cts, c.selections[j].ctBytes...)
	}
	t.AppendBytes("selections", cts)
	switch rule {
	case sumZeroOrAll:
		t.AppendBytes("sum-rule", []byte("zero-or"))
	case sumExact:
		t.AppendBytes("sum-rule", []byte("exact"))
	default:
		t.AppendBytes("sum-rule", []byte("at-most"))
	}
	t.AppendUint64("sum-bound", bound)
	return t
}

// checkHeader checks h against e: a non-empty identifier, and either a
// registered device or a listed credential.
func (e *Election) checkHeader(h *Header) error {
	if h.BallotID == "" || len(h.BallotID) > maxBallotID {
		return fmt.Errorf("ballot: ballot identifier must be 1 to %d bytes long", maxBallotID)
	}
	if err := checkText("ballot identifier", h.BallotID, false); err != nil {
		return err
	}
	switch {
	case h.Credential != nil && h.Device != "":
		return fmt.Errorf("ballot: ballot %q names both a device and a credential", h.BallotID)
	case h.Credential != nil:
		if len(h.Credential) != ed25519.PublicKeySize {
			return fmt.Errorf("ballot: ballot %q: credential is %d bytes, want %d", h.BallotID, len(h.Credential), ed25519.PublicKeySize)
		}
		if !e.credentials.Contains(h.Credential) {
			return fmt.Errorf("ballot: ballot %q: credential %x is not on the election's list", h.BallotID, []byte(h.Credential))
		}
	case h.Device == "":
		return fmt.Errorf("ballot: ballot %q names neither a device nor a credential", h.BallotID)
	default:
		if e.deviceKey(h.Device) == nil {
			return fmt.Errorf("ballot: ballot %q: device %q is not registered", h.BallotID, h.Device)
		}
		if h.Sequence == 0 {
			return fmt.Errorf("ballot: ballot %q: device sequence numbers start at 1", h.BallotID)
		}
	}
	return nil
}

// ballotNonces returns the nonce source of every encryption nonce of the
// ballot with header h: the seed bound to the ballot's context (base hash,
// identifier, signer and chain position; docs/spec.md §Ballots,
// "Encryption and nonces"), so that a seed reused for another ballot, for
// example a challenged ballot's published seed, gives other nonces.
func ballotNonces(e *Election, h *Header, n *proof.Nonces) *proof.Nonces {
	return n.Bind(e.transcript(h))
}

// EncryptBallot encrypts the vote v as a ballot with header h for election
// e. Every nonce derives from the 32-byte nonce seed (draw it from
// crypto/rand; it is released only if the voter challenges the ballot),
// bound to the ballot's context: with s the seed bound to the transcript
// prefix of the ballot's proofs (proof.Nonces.Bind), the selection j of
// contest i is encrypted with
// s.Child("contest", i).Child("selection", j).Scalar("encryption", 0),
// and column k of the row of a CodeList contest i with
// s.Child("contest", i).Child("column", k).Scalar("encryption", 0). A seed
// reused under another header therefore gives other nonces.
// The candidate codes of a CodeList contest are packed in ascending order
// (elgamal.PackCodes), whatever the order in which the voter wrote them;
// those of a Ranked contest in the voter's order of preference, rank 1
// first (Vote.SetRanking).
//
// It refuses, before encrypting anything, a vote that does not conform to
// the manifest: unknown contests or candidate codes, values above the
// maximum, overvotes, more candidate codes than a CodeList contest's limit
// (and for Exactly contests a number of marks other than 0 or k).
// Undervotes and blank contests are encrypted as zeros. The returned
// Pending is not signed and cannot be submitted: show its
// ConfirmationCode to the voter, then Cast or Challenge it, which returns
// the signed Ballot for the ballot box.
//
// Encryption runs in constant time in the vote and the nonces; the
// conformance checks before it branch on the vote, on the voter's own
// device.
func EncryptBallot(e *Election, h Header, v Vote, seed []byte) (*Pending, error) {
	vals, err := e.manifest.plaintext(v)
	if err != nil {
		return nil, err
	}
	h.Credential = append(ed25519.PublicKey(nil), h.Credential...)
	if len(h.Credential) == 0 {
		h.Credential = nil
	}
	if err := e.checkHeader(&h); err != nil {
		return nil, err
	}
	n, err := proof.NewNonces(seed)
	if err != nil {
		return nil, fmt.Errorf("ballot: nonce seed: %v", err)
	}
	b := &Ballot{baseHash: e.baseHash, header: h}
	if err := b.encrypt(e, vals, ballotNonces(e, &h, n)); err != nil {
		return nil, err
	}
	b.encodeBody()
	return &Pending{b: b, nonces: n, signerPub: e.signerKey(&h)}, nil
}

func (b *Ballot) encrypt(e *Election, vals [][]uint64, n *proof.Nonces) error {
	t0 := e.transcript(&b.header)
	b.contests = make([]encryptedContest, len(e.manifest.Contests))
	for i := range e.manifest.Contests {
		mc := &e.manifest.Contests[i]
		c := &b.contests[i]
		nc := n.Child("contest", uint64(i))
		tc := t0.Clone()
		tc.AppendUint64("contest", uint64(i))
		if mc.Mixed() {
			c.layout = layoutRow
			if err := b.encryptRow(e, i, c, writtenCodes(mc, vals[i]), tc, nc); err != nil {
				return err
			}
			continue
		}
		c.layout = layoutSelections
		c.selections = make([]encryptedSelection, mc.NumSelections())
		var nonces []*group.Scalar // a list contest's, for its statements
		if mc.Kind == ProportionalList {
			nonces = make([]*group.Scalar, len(c.selections))
		}
		rSum := group.NewScalar()
		var mSum uint64
		sum := elgamal.NewCiphertext()
		for j := range c.selections {
			s := &c.selections[j]
			ns := nc.Child("selection", uint64(j))
			ts := tc.Clone()
			ts.AppendUint64("selection", uint64(j))
			ct, p, err := proof.EncryptWithRangeProof(ts, e.pk, vals[i][j], mc.SelectionMax(j), ns)
			if err != nil {
				return fmt.Errorf("ballot: contest %d: selection %d: %v", i, j, err)
			}
			s.ct.Set(ct)
			s.proof = p
			s.ctBytes = ct.Bytes()
			rSum.Add(rSum, ns.Scalar("encryption", 0))
			if nonces != nil {
				nonces[j] = ns.Scalar("encryption", 0)
			}
			mSum += vals[i][j]
			sum.Add(sum, ct)
		}
		if mc.Kind == ProportionalList {
			if err := e.proveListStatements(i, c, vals[i], nonces, tc, nc); err != nil {
				return err
			}
			continue
		}
		rule, bound := mc.sumRule()
		if rule == sumNone {
			continue
		}
		ts := sumTranscript(tc, c, rule, bound)
		nsum := nc.Child("sum", 0)
		var (
			p   *proof.RangeProof
			err error
		)
		// EncryptBallot has refused overvotes already. A caller that skipped
		// that check gets a proof of a false statement, which does not
		// verify: claim min(s, bound), without branching on the vote.
		over := subtle.ConstantTimeLessOrEq(int(bound)+1, int(mSum))
		claim := uint64(subtle.ConstantTimeSelect(over, int(bound), int(mSum)))
		switch rule {
		case sumAtMost:
			p, err = proof.ProveRange(ts, e.pk, sum, claim, rSum, bound, nsum)
		case sumExact:
			// The sum s is k: sum − k·G = Enc(0; ρ) encrypts 0. Compute it
			// by encryption; a sum other than k (a caller that skipped
			// the vote's checks) gives a proof that does not verify.
			zero := e.pk.Encrypt(new(group.Scalar), rSum)
			p, err = proof.ProveRange(ts, e.pk, zero, 0, rSum, 0, nsum)
		default:
			// The sum s is 0 or k: bound⁻¹·sum = Enc(s/k; ρ/k) encrypts 0 or
			// 1. Compute it by encryption rather than by scalar
			// multiplication; it is the same ciphertext.
			kInv := new(group.Scalar).Invert(new(group.Scalar).SetUint64(bound))
			m := uint64(subtle.ConstantTimeEq(int32(claim), int32(bound)))
			rScaled := new(group.Scalar).Multiply(rSum, kInv)
			scaled := e.pk.Encrypt(new(group.Scalar).SetUint64(m), rScaled)
			p, err = proof.ProveRange(ts, e.pk, scaled, m, rScaled, 1, nsum)
		}
		if err != nil {
			return fmt.Errorf("ballot: contest %d: contest proof: %v", i, err)
		}
		c.sum = p
	}
	return nil
}

// writtenCodes returns the codes of the candidates of CodeList or Ranked
// contest c whose value in vals (in candidate order) is not 0, in the order
// in which a ballot packs them: ascending for a CodeList contest, by rank
// (the value, 1 first) for a Ranked contest, whose values plaintext has
// checked to be the ranks 1..len(codes). For a mixed ProportionalList
// contest vals are listPlaintext's, and the codes are the chosen list's
// (if any) and the marked candidates', ascending: the row's canonical form
// (docs/spec.md §Ballots, "Mixed list contests"). It runs on the voter's device,
// before encryption, and branches on the vote like the other checks there.
func writtenCodes(c *Contest, vals []uint64) []uint32 {
	var codes []uint32
	if c.Kind == ProportionalList {
		// vals in the layout of listPlaintext: the chosen list's code
		// and the marked candidates' codes, ascending.
		sel := c.SelectionCodes()
		off := c.candidateOffset()
		for j, v := range vals {
			if v != 0 && (j < len(c.Lists) || j >= off) {
				codes = append(codes, sel[j])
			}
		}
		slices.Sort(codes)
		return codes
	}
	if c.Kind == Ranked {
		n := 0
		for _, v := range vals {
			if v != 0 {
				n++
			}
		}
		codes = make([]uint32, n)
		for j, v := range vals {
			if v != 0 {
				codes[v-1] = c.Candidates[j].Code
			}
		}
		return codes
	}
	for j, v := range vals {
		if v != 0 {
			codes = append(codes, c.Candidates[j].Code)
		}
	}
	slices.Sort(codes)
	return codes
}

// columnTranscript returns the transcript of the proof of knowledge of the
// nonce of column k of a CodeList contest, from the contest's prefix tc
// (docs/spec.md §Ballots, "Proof transcripts"): the column and the
// ciphertext's 64-byte encoding, so that the proof is bound to the whole
// ciphertext, its place and its ballot.
func columnTranscript(tc *proof.Transcript, k int, ctBytes []byte) *proof.Transcript {
	t := tc.Clone()
	t.AppendUint64("column", uint64(k))
	t.AppendBytes("ciphertext", ctBytes)
	return t
}

// encryptRow encrypts the codes of CodeList contest i as one row: the codes
// packed by elgamal.PackCodes into c.RowWidth() elements M_k, each
// encrypted as (r_k·G, M_k + r_k·K) with r_k from the nonce source
// nc.Child("column", k), and a Schnorr proof of knowledge of r_k for
// A_k = r_k·G. Packing and encryption run in constant time in the codes.
func (b *Ballot) encryptRow(e *Election, i int, c *encryptedContest, codes []uint32, tc *proof.Transcript, nc *proof.Nonces) error {
	mc := &e.manifest.Contests[i]
	elems, err := elgamal.PackCodes(codes, mc.RowCodes(), e.maxCode[i])
	if err != nil {
		return fmt.Errorf("ballot: contest %d: %v", i, err)
	}
	G := group.NewGeneratorElement()
	c.row = make([]encryptedColumn, len(elems))
	for k, M := range elems {
		col := &c.row[k]
		nk := nc.Child("column", uint64(k))
		r := nk.Scalar("encryption", 0)
		col.ct.Set(e.pk.EncryptElement(M, r))
		col.ctBytes = col.ct.Bytes()
		col.pok = proof.ProveSchnorr(columnTranscript(tc, k, col.ctBytes), G, &col.ct.A, r, nk)
	}
	return nil
}

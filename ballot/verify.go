package ballot

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// VerifyBallot checks ballot b against election e without reference to any
// other ballot: the base hash, conformance to the manifest, the signer's
// registration, the signature, and every proof (batched into one
// multi-scalar multiplication), or for a challenged ballot that its nonce
// seed reproduces it. It returns nil or a *Refusal. The checks that involve
// earlier ballots (replays, credential policy, device chains) are the
// ballot box's.
func VerifyBallot(e *Election, b *Ballot) error {
	if err := e.checkStatic(b); err != nil {
		return err
	}
	if b.state == Challenged {
		if _, err := OpenChallenged(e, b); err != nil {
			return refuse(CheckChallenge, "%v", err)
		}
		return nil
	}
	return e.verifyProofs(b)
}

// checkStatic runs the cheap checks of b against e: election, shape,
// eligibility and signature.
func (e *Election) checkStatic(b *Ballot) error {
	if b.baseHash != e.baseHash {
		return refuse(CheckElection, "base hash %x is not this election's %x", b.baseHash, e.baseHash)
	}
	if b.state != Cast && b.state != Challenged {
		return refuse(CheckSignature, "ballot is %s: neither cast nor challenged", b.state)
	}
	if len(b.contests) != len(e.manifest.Contests) {
		return refuse(CheckManifest, "%d contests, the manifest has %d", len(b.contests), len(e.manifest.Contests))
	}
	for i := range b.contests {
		c, mc := &b.contests[i], &e.manifest.Contests[i]
		if len(c.selections) != len(mc.Candidates) {
			return refuseAt(CheckManifest, i, -1, "%d selections, the contest has %d candidates", len(c.selections), len(mc.Candidates))
		}
		for j := range c.selections {
			if got, want := c.selections[j].proof.Range(), mc.maxValue(); got != want {
				return refuseAt(CheckManifest, i, j, "range proof for 0..%d, the contest's selections range over 0..%d", got, want)
			}
		}
		rule, bound := mc.sumRule()
		switch {
		case rule == sumNone && c.sum != nil:
			return refuseAt(CheckManifest, i, -1, "a contest proof, but the contest has no limit on its sum")
		case rule != sumNone && c.sum == nil:
			return refuseAt(CheckManifest, i, -1, "no contest proof")
		case rule == sumAtMost && c.sum.Range() != bound:
			return refuseAt(CheckManifest, i, -1, "contest proof for 0..%d, the contest's limit is %d", c.sum.Range(), bound)
		case rule == sumZeroOrAll && c.sum.Range() != 1:
			return refuseAt(CheckManifest, i, -1, "contest proof for 0..%d, an %q contest's proof is for 0..1", c.sum.Range(), Exactly)
		}
	}
	h := &b.header
	var pub ed25519.PublicKey
	if h.Credential != nil {
		if !e.credentials.Contains(h.Credential) {
			return refuse(CheckEligibility, "credential %x is not on the election's list", []byte(h.Credential))
		}
		pub = h.Credential
	} else {
		if pub = e.deviceKey(h.Device); pub == nil {
			return refuse(CheckEligibility, "device %q is not registered", h.Device)
		}
		if h.Sequence == 0 {
			return refuse(CheckChainGap, "device %q: sequence 0 is the opening's, ballots start at 1", h.Device)
		}
	}
	if !ed25519.Verify(pub, signatureMessage(b.code, b.state, b.seed), b.signature) {
		return refuse(CheckSignature, "invalid signature")
	}
	return nil
}

// verifyProofs checks every proof of b (whose shape checkStatic accepted)
// with one batch verification. Execution time depends on the inputs.
func (e *Election) verifyProofs(b *Ballot) error {
	bv := proof.NewBatchVerifier()
	type place struct{ contest, selection int }
	places := make([]place, 0, 16)
	t0 := e.transcript(&b.header)
	for i := range b.contests {
		c, mc := &b.contests[i], &e.manifest.Contests[i]
		tc := t0.Clone()
		tc.AppendUint64("contest", uint64(i))
		for j := range c.selections {
			s := &c.selections[j]
			ts := tc.Clone()
			ts.AppendUint64("selection", uint64(j))
			bv.AddRange(ts, e.pk, &s.ct, mc.maxValue(), s.proof)
			places = append(places, place{i, j})
		}
		rule, bound := mc.sumRule()
		if rule == sumNone {
			continue
		}
		sum := elgamal.NewCiphertext()
		for j := range c.selections {
			sum.Add(sum, &c.selections[j].ct)
		}
		ts := sumTranscript(tc, c, rule, bound)
		if rule == sumAtMost {
			bv.AddRange(ts, e.pk, sum, bound, c.sum)
		} else {
			kInv := new(group.Scalar).Invert(new(group.Scalar).SetUint64(bound))
			var zero group.Scalar
			sum.A.VarTimeDoubleScalarBaseMult(kInv, &sum.A, &zero)
			sum.B.VarTimeDoubleScalarBaseMult(kInv, &sum.B, &zero)
			bv.AddRange(ts, e.pk, sum, 1, c.sum)
		}
		places = append(places, place{i, -1})
	}
	bad, err := bv.Verify()
	if err == nil {
		return nil
	}
	if len(bad) == 0 {
		return refuse(CheckProof, "%v", err)
	}
	p := places[bad[0]]
	what := "range proof"
	if p.selection < 0 {
		what = "contest proof"
	}
	more := ""
	if len(bad) > 1 {
		more = fmt.Sprintf(" (and %d other proofs)", len(bad)-1)
	}
	return refuseAt(CheckProof, p.contest, p.selection, "%s does not verify%s", what, more)
}

// OpenChallenged opens a challenged ballot with its released nonce seed: it
// recomputes the encryption nonces, reads the value of every selection,
// then encrypts those values again with the seed and checks that the result
// is the ballot, proofs and all. It returns the vote the ballot encrypts
// (only the non-zero marks), or an error if the seed does not reproduce the
// ballot. Anyone can run it: the seed of a challenged ballot is public.
//
// Execution time depends on the inputs (the ballot and its released seed).
func OpenChallenged(e *Election, b *Ballot) (Vote, error) {
	if b.state != Challenged || len(b.seed) != proof.NonceSeedSize {
		return nil, fmt.Errorf("ballot: ballot %q is %s, not challenged with a released nonce seed", b.header.BallotID, b.state)
	}
	if len(b.contests) != len(e.manifest.Contests) {
		return nil, fmt.Errorf("ballot: ballot %q: %d contests, the manifest has %d", b.header.BallotID, len(b.contests), len(e.manifest.Contests))
	}
	n, err := proof.NewNonces(b.seed)
	if err != nil {
		return nil, fmt.Errorf("ballot: %v", err)
	}
	vals := make([][]uint64, len(b.contests))
	M, jG, rK := group.NewElement(), group.NewElement(), group.NewElement()
	G := group.NewGeneratorElement()
	for i := range b.contests {
		c, mc := &b.contests[i], &e.manifest.Contests[i]
		if len(c.selections) != len(mc.Candidates) {
			return nil, fmt.Errorf("ballot: ballot %q: contest %d: %d selections, the contest has %d candidates", b.header.BallotID, i, len(c.selections), len(mc.Candidates))
		}
		nc := n.Child("contest", uint64(i))
		vals[i] = make([]uint64, len(c.selections))
		for j := range c.selections {
			ct := &c.selections[j].ct
			r := nc.Child("selection", uint64(j)).Scalar("encryption", 0)
			e.pk.ScalarMult(rK, r)
			M.Subtract(&ct.B, rK) // m·G
			found := false
			jG.Zero()
			for m := uint64(0); m <= mc.maxValue(); m++ {
				if M.Equal(jG) == 1 {
					vals[i][j], found = m, true
					break
				}
				jG.Add(jG, G)
			}
			if !found {
				return nil, fmt.Errorf("ballot: ballot %q: contest %d: selection %d: the nonce seed does not open the ciphertext to a value in 0..%d", b.header.BallotID, i, j, mc.maxValue())
			}
		}
	}
	v := e.manifest.voteFromValues(vals)
	again, err := EncryptBallot(e, b.header, v, b.seed)
	if err != nil {
		return nil, fmt.Errorf("ballot: ballot %q: the opened vote is not a valid vote: %w", b.header.BallotID, err)
	}
	if !bytes.Equal(again.body, b.body) {
		return nil, fmt.Errorf("ballot: ballot %q: encrypting the opened vote with the nonce seed does not reproduce the ballot", b.header.BallotID)
	}
	return v, nil
}

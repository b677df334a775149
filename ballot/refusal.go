package ballot

import (
	"fmt"
	"strings"
)

// A Check names one of the acceptance rules of a ballot box
// (docs/spec.md §Ballots, "Acceptance").
type Check string

// The acceptance checks, in the order the ballot box runs them.
const (
	// CheckDecoding: the ballot is not a well-formed encoding.
	CheckDecoding Check = "decoding"
	// CheckElection: the ballot names another election's base hash.
	CheckElection Check = "election"
	// CheckManifest: the ballot's shape (contests, selections, proofs)
	// does not conform to the manifest.
	CheckManifest Check = "manifest"
	// CheckEligibility: the device is not registered or has not opened
	// its chain, or the credential is not on the list.
	CheckEligibility Check = "eligibility"
	// CheckSignature: the device's or credential's signature is missing or
	// invalid.
	CheckSignature Check = "signature"
	// CheckDuplicate: a replay: the ballot identifier, a ciphertext or a
	// proof was seen before.
	CheckDuplicate Check = "duplicate"
	// CheckPolicy: the credential has already cast a ballot and the
	// election allows one per credential.
	CheckPolicy Check = "credential-policy"
	// CheckChainGap: the ballot's predecessor in its device chain is
	// missing (not received yet, or never emitted).
	CheckChainGap Check = "chain-gap"
	// CheckChainFork: the ballot's predecessor already has a successor.
	CheckChainFork Check = "chain-fork"
	// CheckProof: a validity proof does not verify.
	CheckProof Check = "proof"
	// CheckChallenge: the nonce seed of a challenged ballot does not
	// reproduce it.
	CheckChallenge Check = "challenge"
)

// A Refusal is the reason a ballot (or a device-opening record) was not
// accepted: which check failed, where, and why. Contest and Selection are
// indices in manifest order, or -1 when the refusal is not about one
// contest or selection; in a Codes contest, Selection is the column of the
// row. Errors returned for refused ballots have type
// *Refusal; use errors.As to read them.
type Refusal struct {
	Check     Check
	Contest   int
	Selection int
	Reason    string
}

// Error returns the refusal as one line, for example
// "ballot: refused (proof): contest 0: selection 3: range proof does not verify".
func (r *Refusal) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ballot: refused (%s)", r.Check)
	if r.Contest >= 0 {
		fmt.Fprintf(&b, ": contest %d", r.Contest)
	}
	if r.Selection >= 0 {
		fmt.Fprintf(&b, ": selection %d", r.Selection)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(r.Reason, "ballot: "))
	return b.String()
}

func refuse(check Check, format string, args ...any) *Refusal {
	return &Refusal{Check: check, Contest: -1, Selection: -1, Reason: fmt.Sprintf(format, args...)}
}

func refuseAt(check Check, contest, selection int, format string, args ...any) *Refusal {
	return &Refusal{Check: check, Contest: contest, Selection: selection, Reason: fmt.Sprintf(format, args...)}
}

// Refusals is the error of VerifyBallot and VerifyBallots for a ballot that
// fails several independent checks, in the order of the checks: for
// example a signature refusal and a proof refusal. errors.As with a
// *Refusal target finds the first; errors.As with a Refusals target finds
// them all.
type Refusals []*Refusal

// Error returns the refusals on one line, separated by "; ".
func (rs Refusals) Error() string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.Error())
	}
	return b.String()
}

// Unwrap returns the refusals, for errors.Is and errors.As.
func (rs Refusals) Unwrap() []error {
	out := make([]error, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

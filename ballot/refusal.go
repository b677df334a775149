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
// contest or selection; in a CodeList contest, Selection is the column of the
// row. Errors returned for refused ballots have type
// *Refusal; use errors.As to read them.
type Refusal struct {
	Check     Check
	Contest   int
	Selection int
	Reason    string
	// Recorded is set by a Box for a ballot it wrote to its file as
	// refused (a final verdict), and clear for one it wrote nothing of
	// (rejected: see Box.AcceptBallot).
	Recorded bool
}

// where returns the check and the place, "proof, contest 0, selection 3".
func (r *Refusal) where() string {
	s := string(r.Check)
	if r.Contest >= 0 {
		s += fmt.Sprintf(", contest %d", r.Contest)
	}
	if r.Selection >= 0 {
		s += fmt.Sprintf(", selection %d", r.Selection)
	}
	return s
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

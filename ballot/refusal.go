package ballot

import (
	"fmt"
	"strings"
)

// A Step names a step of the acceptance rule (docs/spec.md §Ballots, "The
// acceptance rule"), the one that refused or rejected a ballot or an
// opening. Several numbered steps of the rule share a name (steps 3 and 5
// are both StepSignature, steps 6 and 9 StepDuplicate). It is not a check
// of the verifier (election.Check), which runs the whole rule as checks 4
// and 6 to 11.
type Step string

// The names of the steps.
const (
	// StepDecoding: the ballot is not a well-formed encoding.
	StepDecoding Step = "decoding"
	// StepElection: the ballot names another election's base hash.
	StepElection Step = "election"
	// StepManifest: the ballot's shape (contests, selections, proofs)
	// does not conform to the manifest.
	StepManifest Step = "manifest"
	// StepEligibility: the device is not registered or has not opened
	// its chain, or the credential is not on the list.
	StepEligibility Step = "eligibility"
	// StepSignature: the device's or credential's signature is missing or
	// invalid.
	StepSignature Step = "signature"
	// StepDuplicate: a replay: the ballot identifier, a ciphertext or a
	// proof was seen before.
	StepDuplicate Step = "duplicate"
	// StepPolicy: the credential has already cast a ballot and the
	// election allows one per credential.
	StepPolicy Step = "credential-policy"
	// StepChainGap: the ballot's predecessor in its device chain is
	// missing (not received yet, or never emitted).
	StepChainGap Step = "chain-gap"
	// StepChainFork: the ballot's predecessor already has a successor.
	StepChainFork Step = "chain-fork"
	// StepClosed: the ballot's device has closed its chain (a closing
	// certificate was accepted before it).
	StepClosed Step = "closed"
	// StepClosingCounts: a closing certificate's counts are not those of
	// the ballots of the device's chain.
	StepClosingCounts Step = "closing-counts"
	// StepProof: a validity proof does not verify.
	StepProof Step = "proof"
	// StepChallenge: the nonce seed of a challenged ballot does not
	// reproduce it.
	StepChallenge Step = "challenge"
)

// A Refusal is the reason a ballot (or a device-opening record) was not
// accepted: which step of the acceptance rule failed, where, and why. Contest
// and Selection are indices in manifest order, or -1 when the refusal is not
// about one contest or selection; in a CodeList contest, Selection is the
// column of the row. Errors returned for refused ballots have type *Refusal;
// use errors.As to read them.
type Refusal struct {
	Step      Step
	Contest   int
	Selection int
	Reason    string
	// Recorded is set by a Box for a ballot it wrote to its file as
	// refused (a final verdict), and clear for one it wrote nothing of
	// (rejected: see Box.AcceptBallot).
	Recorded bool
}

// where returns the step and the place, "proof, contest 0, selection 3".
func (r *Refusal) where() string {
	s := string(r.Step)
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
	fmt.Fprintf(&b, "ballot: refused (%s)", r.Step)
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

func refuse(step Step, format string, args ...any) *Refusal {
	return &Refusal{Step: step, Contest: -1, Selection: -1, Reason: fmt.Sprintf(format, args...)}
}

func refuseAt(step Step, contest, selection int, format string, args ...any) *Refusal {
	return &Refusal{Step: step, Contest: contest, Selection: selection, Reason: fmt.Sprintf(format, args...)}
}

package ballot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The lines of a ballot-box file (docs/spec.md §Ballots, "Ballot-box
// file"), as the Box writes them and as ParseBoxLine reads them back for
// the Box itself and for the verifier of an election record:
//
//	{"box": {"version": 2, "electionId": "…", "baseHash": "…"}}          line 1
//	{"opening": <device-opening JSON>}                                   accepted
//	{"closing": <device-closing JSON>}                                   accepted
//	{"incident": <incident JSON>}                                        accepted
//	{"ballot": <ballot JSON>}                                            accepted
//	{"refused": {"step": "…", "contest": i, "selection": j, "ballot": <ballot JSON>}}

// BoxVersion is the version of the ballot-box file that this package
// writes and reads.
const BoxVersion = boxVersion

// A BoxHeader is the first line of a ballot-box file.
type BoxHeader struct {
	Version    int
	ElectionID string
	BaseHash   [HashSize]byte
}

type boxHeaderJSON struct {
	Version    int     `json:"version"`
	ElectionID string  `json:"electionId"`
	BaseHash   hexHash `json:"baseHash"`
}

// Check reports whether h is the header of a box of election e, in the
// version this package reads.
func (h *BoxHeader) Check(e *Election) error {
	if h.Version != boxVersion {
		return fmt.Errorf("ballot: box header: version %d, this package reads version %d (a box of version 1 was written before the acceptance rule recorded refusals)", h.Version, boxVersion)
	}
	if h.ElectionID != e.manifest.ElectionID || h.BaseHash != e.baseHash {
		return fmt.Errorf("ballot: box header: the box belongs to election %q (base hash %x), not to this election (%q, %x)", h.ElectionID, h.BaseHash, e.manifest.ElectionID, e.baseHash)
	}
	return nil
}

// A BoxLine is one decoded line of a ballot-box file: exactly one of
// Header, Opening, Closing, Incident and Ballot is set. Refusal is set (with an empty Reason)
// for a refused ballot: the step that refused it and where.
type BoxLine struct {
	Header   *BoxHeader
	Opening  *DeviceOpening
	Closing  *DeviceClosing
	Incident *Incident
	Ballot   *Ballot
	Refusal  *Refusal
}

type boxLineJSON struct {
	Box      *boxHeaderJSON   `json:"box,omitempty"`
	Opening  *DeviceOpening   `json:"opening,omitempty"`
	Closing  *DeviceClosing   `json:"closing,omitempty"`
	Incident *Incident        `json:"incident,omitempty"`
	Ballot   json.RawMessage  `json:"ballot,omitempty"`
	Refused  *refusedLineJSON `json:"refused,omitempty"`
}

type refusedLineJSON struct {
	Step      Step            `json:"step"`
	Contest   int             `json:"contest"`
	Selection int             `json:"selection"`
	Ballot    json.RawMessage `json:"ballot"`
}

// recordedSteps are the steps for which the acceptance rule writes a
// ballot as refused (steps 7–11); the others reject it.
var recordedSteps = map[Step]bool{
	StepChainFork: true, StepManifest: true, StepDuplicate: true,
	StepPolicy: true, StepProof: true, StepChallenge: true,
}

var ballotLinePrefix = []byte(`{"ballot":`)

// ParseBoxLine decodes one line of a ballot-box file (without its final
// newline). It checks the form of each member (a refused line's step is
// one for which the rule writes a refusal, its contest and selection are
// −1 or more) but nothing about the election: the acceptance rule does.
func ParseBoxLine(data []byte) (*BoxLine, error) {
	// The box writes a ballot line as {"ballot":<ballot>}: decode the
	// ballot directly rather than scanning it twice. Anything else (other
	// spacing, other members) takes the general path, which is as strict;
	// so does a line that fails here, so that its error is the general
	// path's (a second "ballot" member is named as such).
	if bytes.HasPrefix(data, ballotLinePrefix) && len(data) > len(ballotLinePrefix)+1 && data[len(data)-1] == '}' {
		raw := data[len(ballotLinePrefix) : len(data)-1]
		if raw[0] == '{' {
			b := new(Ballot)
			if err := b.UnmarshalJSON(raw); err == nil {
				return &BoxLine{Ballot: b}, nil
			}
		}
	}
	var j boxLineJSON
	if err := strictJSON("box line", data, &j); err != nil {
		return nil, err
	}
	n := 0
	out := new(BoxLine)
	if j.Box != nil {
		n++
		out.Header = &BoxHeader{Version: j.Box.Version, ElectionID: j.Box.ElectionID, BaseHash: j.Box.BaseHash}
	}
	if j.Opening != nil {
		n++
		out.Opening = j.Opening
	}
	if j.Closing != nil {
		n++
		out.Closing = j.Closing
	}
	if j.Incident != nil {
		n++
		out.Incident = j.Incident
	}
	if j.Ballot != nil {
		n++
		out.Ballot = new(Ballot)
		if err := out.Ballot.UnmarshalJSON(j.Ballot); err != nil {
			return nil, err
		}
	}
	if r := j.Refused; r != nil {
		n++
		if !recordedSteps[r.Step] {
			return nil, fmt.Errorf("ballot: box line: refused: field step: %q is not a step at which a ballot is written as refused", string(r.Step))
		}
		if r.Contest < -1 || r.Selection < -1 {
			return nil, fmt.Errorf("ballot: box line: refused: contest %d, selection %d: want −1 or more", r.Contest, r.Selection)
		}
		if r.Ballot == nil {
			return nil, errors.New("ballot: box line: refused: field ballot: missing")
		}
		out.Ballot = new(Ballot)
		if err := out.Ballot.UnmarshalJSON(r.Ballot); err != nil {
			return nil, err
		}
		out.Refusal = &Refusal{Step: r.Step, Contest: r.Contest, Selection: r.Selection}
	}
	if n != 1 {
		return nil, fmt.Errorf("ballot: box line: want exactly one of the members box, opening, closing, incident, ballot and refused, have %d", n)
	}
	return out, nil
}

// Verdict checks that v, the acceptance rule's verdict on the line's
// ballot, is the verdict the line records: accepted for a ballot line,
// refused at the same step, contest and selection for a refused line. It
// returns an error that says both otherwise.
func (l *BoxLine) Verdict(v Verdict) error {
	if l.Ballot == nil {
		return errors.New("ballot: not a ballot line")
	}
	written := "accepted"
	if l.Refusal != nil {
		written = "refused (" + l.Refusal.where() + ")"
	}
	switch v.Outcome {
	case Accepted:
		if l.Refusal == nil {
			return nil
		}
		return fmt.Errorf("written as %s, but the acceptance rule accepts it", written)
	case Refused:
		r := v.Refusal
		if l.Refusal != nil && l.Refusal.Step == r.Step && l.Refusal.Contest == r.Contest && l.Refusal.Selection == r.Selection {
			return nil
		}
		return fmt.Errorf("written as %s, but the acceptance rule refuses it (%s): %s", written, r.where(), strings.TrimPrefix(r.Reason, "ballot: "))
	default:
		r := v.Refusal
		return fmt.Errorf("written as %s, but the acceptance rule rejects it (%s), and a box writes nothing of a rejected ballot: %s", written, r.where(), strings.TrimPrefix(r.Reason, "ballot: "))
	}
}

// provedWrong returns r if it is the refusal of a refused line at the
// proofs' step (11), the verdict on the proofs that such a line records,
// and nil otherwise (an accepted line, whose proofs are valid, or one
// refused earlier, whose proofs were not reached).
func (r *Refusal) provedWrong() *Refusal {
	if r != nil && (r.Step == StepProof || r.Step == StepChallenge) {
		return r
	}
	return nil
}

// TrustedProofs returns the verdict on the proofs that line l records, for
// Checked.TrustProofs: nil for an accepted line or one refused before the
// proofs' step, and the line's refusal for one refused at it.
func (l *BoxLine) TrustedProofs() *Refusal { return l.Refusal.provedWrong() }

package election

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/ballot"
)

// ballots.jsonl is the ballot box's own file (ballot.Box): a header line,
// then one line per accepted device opening or ballot, in the order the box
// accepted them (docs/spec.md §Ballots, "Ballot box"). These are the
// forms of its lines.

type boxLineJSON struct {
	Box     *boxHeaderJSON        `json:"box,omitempty"`
	Opening *ballot.DeviceOpening `json:"opening,omitempty"`
	Ballot  json.RawMessage       `json:"ballot,omitempty"`
}

type boxHeaderJSON struct {
	Version    int         `json:"version"`
	ElectionID string      `json:"electionId"`
	BaseHash   ballot.Code `json:"baseHash"`
}

// boxVersion is the version of the ballot box file this package reads.
const boxVersion = 1

// A boxLine is one decoded line of ballots.jsonl: exactly one of header,
// opening and ballot is set.
type boxLine struct {
	header  *boxHeaderJSON
	opening *ballot.DeviceOpening
	ballot  *ballot.Ballot
}

var ballotPrefix = []byte(`{"ballot":`)

// decodeBoxLine decodes one line of ballots.jsonl.
func decodeBoxLine(data []byte) (boxLine, error) {
	// The box writes a ballot line as {"ballot":<ballot>}: decode the
	// ballot directly rather than scanning it twice. Anything else (other
	// spacing, other members) takes the general path, which is as strict.
	if bytes.HasPrefix(data, ballotPrefix) && len(data) > len(ballotPrefix)+1 && data[len(data)-1] == '}' {
		raw := data[len(ballotPrefix) : len(data)-1]
		if len(raw) > 0 && raw[0] == '{' {
			b := new(ballot.Ballot)
			if err := b.UnmarshalJSON(raw); err != nil {
				return boxLine{}, err
			}
			return boxLine{ballot: b}, nil
		}
	}
	var l boxLineJSON
	if err := strictJSON(data, &l); err != nil {
		return boxLine{}, fmt.Errorf("election: %v", err)
	}
	n := 0
	var out boxLine
	if l.Box != nil {
		n++
		out.header = l.Box
	}
	if l.Opening != nil {
		n++
		out.opening = l.Opening
	}
	if l.Ballot != nil {
		n++
		b := new(ballot.Ballot)
		if err := b.UnmarshalJSON(l.Ballot); err != nil {
			return boxLine{}, err
		}
		out.ballot = b
	}
	if n != 1 {
		return boxLine{}, fmt.Errorf("election: want exactly one of the members box, opening and ballot, have %d", n)
	}
	return out, nil
}

package boxserver

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/group"
)

// The outcomes of one submission in an Answer.
const (
	// Accepted: the box wrote the ballot (or the opening) as accepted,
	// now or before.
	Accepted = "accepted"
	// Refused: the box wrote the ballot as refused, a final verdict; the
	// device's chain goes on after it.
	Refused = "refused"
	// Rejected: the box wrote nothing (not attributable, a repeated
	// identifier, a gap in the chain: send the missing ballots first).
	Rejected = "rejected"
)

// A Tip is the end of a device's chain in the box: the sequence number
// and confirmation code of its last ballot written, accepted or refused
// (0 and the opening's code after the opening). Opened is false if the
// box has no opening of the device.
type Tip struct {
	Device   string                  `json:"device"`
	Opened   bool                    `json:"opened"`
	Sequence uint64                  `json:"sequence"`
	Code     ballot.ConfirmationCode `json:"code"`
}

// A Result is the box's answer to one ballot of a submission.
type Result struct {
	// Sequence and Code identify the ballot in its device's chain.
	Sequence uint64                  `json:"sequence"`
	Code     ballot.ConfirmationCode `json:"code"`
	// Outcome is Accepted, Refused or Rejected.
	Outcome string `json:"outcome"`
	// Step, Contest, Selection and Reason say why a ballot was refused or
	// rejected (ballot.Refusal); Contest and Selection are -1 when the
	// refusal is not about one.
	Step      ballot.Step `json:"step,omitempty"`
	Contest   int         `json:"contest"`
	Selection int         `json:"selection"`
	Reason    string      `json:"reason,omitempty"`
}

// An Answer is the box's answer to a submission: one Result per ballot, in
// the order sent, and the device's Tip after them. A Result of Accepted or
// Refused is durable: the line is on the box's stable storage.
type Answer struct {
	Tip     Tip      `json:"tip"`
	Results []Result `json:"results"`
}

// result turns the box's answer to ballot b into a Result. It returns
// the error itself when the box could not write.
func result(b *ballot.Ballot, err error) (Result, error) {
	r := Result{Sequence: b.Header().Sequence, Code: b.ConfirmationCode(), Outcome: Accepted, Contest: -1, Selection: -1}
	if err == nil {
		return r, nil
	}
	var ref *ballot.Refusal
	if !errors.As(err, &ref) {
		return r, err
	}
	r.Outcome = Rejected
	if ref.Recorded {
		r.Outcome = Refused
	}
	r.Step, r.Contest, r.Selection, r.Reason = ref.Step, ref.Contest, ref.Selection, ref.Reason
	return r, nil
}

// MaxBallots is the largest number of ballots in one submission, and
// maxBallotSize the largest encoded ballot.
const (
	MaxBallots    = 1024
	maxBallotSize = 4 << 20
	maxBody       = 32 << 20
)

// encodeBallots returns the body of a ballot submission: for each ballot,
// its encoding and then its decoding hints (hints[i], or none when hints
// is nil), each after its length as u32.
func encodeBallots(bs []*ballot.Ballot, hints [][]byte) []byte {
	var out []byte
	for i, b := range bs {
		data := b.Bytes()
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		out = append(out, data...)
		var h []byte
		if hints != nil {
			h = hints[i]
		}
		out = binary.BigEndian.AppendUint32(out, uint32(len(h)))
		out = append(out, h...)
	}
	return out
}

// decodeBallots decodes the body of a ballot submission. Every ballot
// must decode (ballot.ParseBallotHinted, with the hints sent with it) and
// belong to device. It returns the ballots and the hints as sent.
func decodeBallots(body []byte, device string) ([]*ballot.Ballot, [][]byte, error) {
	var out []*ballot.Ballot
	var hints [][]byte
	for i := 0; len(body) > 0; i++ {
		if i == MaxBallots {
			return nil, nil, fmt.Errorf("boxserver: more than %d ballots in one submission", MaxBallots)
		}
		data, rest, err := lengthPrefixed(body, maxBallotSize)
		if err != nil {
			return nil, nil, fmt.Errorf("boxserver: ballot %d: %v", i, err)
		}
		h, rest, err := lengthPrefixed(rest, len(data))
		if err != nil {
			return nil, nil, fmt.Errorf("boxserver: ballot %d: decoding hints: %v", i, err)
		}
		if len(h)%group.HintSize != 0 {
			return nil, nil, fmt.Errorf("boxserver: ballot %d: decoding hints: %d bytes, not a multiple of %d", i, len(h), group.HintSize)
		}
		b, err := ballot.ParseBallotHinted(data, h)
		if err != nil {
			return nil, nil, fmt.Errorf("boxserver: ballot %d: %v", i, err)
		}
		if hd := b.Header(); hd.Device != device {
			return nil, nil, fmt.Errorf("boxserver: ballot %d (%q) is not a ballot of device %q, which signed the request", i, b.ID(), device)
		}
		out = append(out, b)
		hints = append(hints, h)
		body = rest
	}
	if len(out) == 0 {
		return nil, nil, errors.New("boxserver: a submission of no ballots")
	}
	return out, hints, nil
}

// lengthPrefixed splits body into the field that starts it, a u32 length
// (at most limit) and that many bytes, and the rest.
func lengthPrefixed(body []byte, limit int) (field, rest []byte, err error) {
	if len(body) < 4 {
		return nil, nil, errors.New("the body ends inside its length")
	}
	n := binary.BigEndian.Uint32(body)
	if uint64(n) > uint64(limit) || uint64(n) > uint64(len(body)-4) {
		return nil, nil, fmt.Errorf("length %d is longer than the rest of the body (%d bytes) or than %d", n, len(body)-4, limit)
	}
	return body[4 : 4+n], body[4+n:], nil
}

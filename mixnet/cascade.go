package mixnet

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/sandogh/sandogh/internal/prose"
)

// A Check names one of the checks a stage of a cascade must pass
// (docs/spec.md §Mixnet, "Cascade").
type Check string

// The checks of a stage, in the order Cascade.Add applies them.
const (
	CheckDecoding  Check = "decoding"  // the stage is complete and well formed
	CheckIndex     Check = "index"     // its index is its position in the cascade
	CheckServer    Check = "server"    // its server is authorised and has not mixed yet
	CheckSignature Check = "signature" // its server's signature is valid for this cascade
	CheckInput     Check = "input"     // it mixed the current list
	CheckProof     Check = "proof"     // its shuffle proof is valid
)

// A Verdict is the outcome of one stage of a cascade.
type Verdict struct {
	Stage    int               // position of the stage in the cascade
	Server   ed25519.PublicKey // the server the stage names
	Accepted bool
	Check    Check // the first check that failed, if rejected
	Err      error // why, if rejected
}

// String returns "stage N: accepted" or "stage N: rejected by check …: why".
func (v Verdict) String() string {
	if v.Accepted {
		return fmt.Sprintf("stage %d: accepted", v.Stage)
	}
	return fmt.Sprintf("stage %d: rejected by check %q: %v", v.Stage, v.Check, v.Err)
}

// A Cascade checks the stages of a mix cascade as they arrive and keeps the
// current list: the input list until a stage is accepted, then the output
// of the last accepted stage.
//
// A stage that fails any check is rejected, and the cascade continues from
// the list it should have mixed, as Verificatum does: the next server mixes
// the output of the last accepted stage. A server has mixed once a stage
// it signed for this cascade, at its position, mixed the current list;
// from then on it may not mix again, whether that stage's proof verified
// or not. Mixing is complete once at least the required number of stages
// have been accepted; Output fails before that. So one failing server
// neither stops the election nor changes its result, and the ballots stay
// unlinkable as long as one accepted stage was made by an honest server
// (docs/spec.md §Mixnet, "When a stage fails").
//
// A Cascade keeps only the current list and the verdicts, so that a
// verifier can read the stages one at a time. It is not safe for concurrent
// use.
type Cascade struct {
	p           *Params
	servers     map[string]bool // authorised server keys
	used        map[string]int  // server key → the stage by which it mixed
	minAccepted int
	current     *Rows
	verdicts    []Verdict
	accepted    int
}

// NewCascade starts a cascade that mixes input with the given authorised
// servers (distinct Ed25519 public keys), of which at least minAccepted,
// between 1 and len(servers), must produce an accepted stage.
func NewCascade(p *Params, servers []ed25519.PublicKey, minAccepted int, input *Rows) (*Cascade, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if input == nil {
		return nil, errors.New("mixnet: cascade: no input rows")
	}
	if minAccepted < 1 || minAccepted > len(servers) {
		return nil, fmt.Errorf("mixnet: cascade: %d accepted stages required of %s; want between 1 and the number of servers", minAccepted, prose.Count(len(servers), "server"))
	}
	c := &Cascade{p: p, servers: make(map[string]bool, len(servers)), used: make(map[string]int),
		minAccepted: minAccepted, current: input}
	for i, s := range servers {
		if len(s) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("mixnet: cascade: server %d: key is %d bytes, want %d", i, len(s), ed25519.PublicKeySize)
		}
		if c.servers[string(s)] {
			return nil, fmt.Errorf("mixnet: cascade: server %d: key appears twice", i)
		}
		c.servers[string(s)] = true
	}
	return c, nil
}

// Next returns the index of the next stage and the rows it must mix.
func (c *Cascade) Next() (index uint32, in *Rows) {
	return uint32(len(c.verdicts)), c.current
}

// Add checks the next stage and records its verdict, which it returns.
// The checks are, in order (docs/spec.md §Mixnet, "Cascade"):
//
//  1. decoding: the stage is complete;
//  2. index: its index is its position in the cascade;
//  3. server: its server is authorised;
//  4. signature: the server's signature of Stage.Hash for this cascade
//     verifies;
//  5. server: the server has not mixed yet (no earlier stage of it passed
//     check 6);
//  6. input: its input is the current list; the server has now mixed;
//  7. proof: its proof verifies.
//
// If they all pass, the stage's output becomes the current list. Only a
// stage that passes checks 1 to 6 counts as its server's turn: one that
// fails its proof excludes the server, since the server signed a proof for
// exactly this cascade, position and list; one rejected earlier does not,
// so that nobody can exclude an honest server by posting, in its name, a
// stage with a bad signature, or a stage it genuinely signed for another
// cascade, position or list (a copy from another contest, or a replay from
// an earlier run).
func (c *Cascade) Add(s *Stage) Verdict {
	v := Verdict{Stage: len(c.verdicts)}
	if s != nil {
		v.Server = s.Server
	}
	check, err := c.check(s)
	if err != nil {
		v.Check, v.Err = check, err
	} else {
		v.Accepted = true
		c.current = s.Output
		c.accepted++
	}
	c.verdicts = append(c.verdicts, v)
	return v
}

func (c *Cascade) check(s *Stage) (Check, error) {
	pos := len(c.verdicts)
	if s.complete() != nil {
		return CheckDecoding, fmt.Errorf("mixnet: stage %d: incomplete stage (missing output, proof or 32-byte server key)", pos)
	}
	if int64(s.Index) != int64(pos) {
		return CheckIndex, fmt.Errorf("mixnet: stage %d: index is %d, want its position %d", pos, s.Index, pos)
	}
	key := string(s.Server)
	if !c.servers[key] {
		return CheckServer, fmt.Errorf("mixnet: stage %d: server %x… is not an authorised mix server", pos, []byte(s.Server[:8]))
	}
	if err := s.checkSignature(c.p); err != nil {
		return CheckSignature, err
	}
	if prev, dup := c.used[key]; dup {
		return CheckServer, fmt.Errorf("mixnet: stage %d: server %x… already mixed, in stage %d", pos, []byte(s.Server[:8]), prev)
	}
	if err := s.checkInput(c.current); err != nil {
		return CheckInput, err
	}
	c.used[key] = pos
	if err := s.checkProof(c.p, c.current); err != nil {
		return CheckProof, err
	}
	return "", nil
}

// Verdicts returns the verdicts of the stages added so far, in order.
func (c *Cascade) Verdicts() []Verdict { return append([]Verdict(nil), c.verdicts...) }

// Output returns the current list if at least the required number of
// stages have been accepted, and an error otherwise.
func (c *Cascade) Output() (*Rows, error) {
	if c.accepted < c.minAccepted {
		return nil, fmt.Errorf("mixnet: cascade: %d of %s accepted, %d required", c.accepted, prose.Count(len(c.verdicts), "stage"), c.minAccepted)
	}
	return c.current, nil
}

// VerifyCascade checks a whole cascade: it adds the stages in order to a
// new Cascade and returns its output and the verdict of every stage. The
// error is nil if the cascade is complete (enough stages accepted), even if
// some stages were rejected; the verdicts say which, and why.
func VerifyCascade(p *Params, servers []ed25519.PublicKey, minAccepted int, input *Rows, stages []*Stage) (*Rows, []Verdict, error) {
	c, err := NewCascade(p, servers, minAccepted, input)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range stages {
		c.Add(s)
	}
	out, err := c.Output()
	return out, c.Verdicts(), err
}

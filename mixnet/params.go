package mixnet

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// ProtocolLabel is the protocol label of the shuffle proof's transcript.
const ProtocolLabel = "sandogh-v1 mixnet shuffle"

// GeneratorTag is the purpose tag of the commitment generators, passed to
// group.Generator.
const GeneratorTag = "sandogh-v1 mixnet"

// CascadeDomain is the domain separation string of CascadeID.
const CascadeDomain = "sandogh-v1 mixnet cascade"

// Params are the public inputs shared by every stage of a cascade: the
// election's base hash and the cascade's identifier, which every proof and
// signature binds, and the election's joint public key, under which the
// rows are encrypted and re-encrypted.
type Params struct {
	BaseHash []byte // the election's base hash (ballot.Election.BaseHash)
	// Cascade identifies the cascade within the election: which list it
	// mixes. An election with one cascade per CodeList contest uses CascadeID;
	// two cascades of one election must have different identifiers, so
	// that a stage signed for one is not a stage of the other. It must not
	// be empty.
	Cascade   []byte
	PublicKey *elgamal.PublicKey // the election's joint public key
}

// CascadeID returns the identifier of the cascade that mixes the rows of
// the contest at position contest of the election's manifest, whose
// identifier is id:
//
//	u16(len(CascadeDomain)) ‖ CascadeDomain ‖ u32(contest) ‖ u32(len(id)) ‖ id
//
// The base hash, which Params binds alongside, fixes the manifest, so the
// pair names one contest of one election.
func CascadeID(contest uint32, id string) []byte {
	b := make([]byte, 0, 2+len(CascadeDomain)+8+len(id))
	b = binary.BigEndian.AppendUint16(b, uint16(len(CascadeDomain)))
	b = append(b, CascadeDomain...)
	b = binary.BigEndian.AppendUint32(b, contest)
	b = binary.BigEndian.AppendUint32(b, uint32(len(id)))
	return append(b, id...)
}

// check reports a missing parameter, a programmer error that the caller
// receives as an error because Params often come from configuration.
func (p *Params) check() error {
	switch {
	case p == nil:
		return errors.New("mixnet: no parameters")
	case len(p.BaseHash) == 0:
		return errors.New("mixnet: parameters: empty base hash")
	case len(p.BaseHash) > 1<<16:
		return fmt.Errorf("mixnet: parameters: base hash of %d bytes is too long", len(p.BaseHash))
	case len(p.Cascade) == 0:
		return errors.New("mixnet: parameters: empty cascade identifier")
	case len(p.Cascade) > 1<<16:
		return fmt.Errorf("mixnet: parameters: cascade identifier of %d bytes is too long", len(p.Cascade))
	case p.PublicKey == nil:
		return errors.New("mixnet: parameters: no public key")
	}
	return nil
}

// generatorID returns the election identifier that stage's generators are
// derived for: BaseHash ‖ u32(stage).
func generatorID(baseHash []byte, stage uint32) []byte {
	id := make([]byte, 0, len(baseHash)+4)
	id = append(id, baseHash...)
	return binary.BigEndian.AppendUint32(id, stage)
}

// CommitmentGenerators returns the n+1 commitment generators of the given
// stage: out[0] is h, the base of the commitment chain, and out[i] for
// i = 1..n is h_i, the generator of row i−1 in the permutation commitment:
//
//	out[i] = 2·group.Generator(GeneratorTag, baseHash ‖ u32(stage), i).
//
// The doubling lets a prover encode its permutation commitments
// C = r·G + h_i as 2·((r/2)·G + group.Generator(…)) with the batched
// doubling encoding (group.DoubleAndEncodeBatch) instead of an inverse
// square root each; the doubled generators are as independent as the
// hashed ones.
//
// The prover and the verifier both derive them; a proof never carries them,
// so a prover cannot choose generators with a known relation (Lewis,
// Pereira, Teague 2019). They are computed on all cores. Verifiers do not
// need to call it; it is exported for independent implementations to
// compare against.
func CommitmentGenerators(baseHash []byte, stage uint32, n int) []*group.Element {
	gs := group.Generators(GeneratorTag, generatorID(baseHash, stage), n+1)
	for _, g := range gs {
		g.Add(g, g)
	}
	return gs
}

// statementTranscript returns the transcript of a stage's statement: the
// protocol label, the base hash, the cascade identifier, the stage index,
// the number of rows, the width, the public key and the digests of the
// input and output lists.
func statementTranscript(p *Params, stage uint32, n, w int, in, out Digest) *proof.Transcript {
	t := proverContext(p, stage, n, w, in)
	t.AppendBytes("output", out[:])
	return t
}

// proverContext is the prefix of statementTranscript before the output.
func proverContext(p *Params, stage uint32, n, w int, in Digest) *proof.Transcript {
	t := proof.NewTranscript(ProtocolLabel, p.BaseHash)
	t.AppendBytes("cascade", p.Cascade)
	t.AppendUint64("stage", uint64(stage))
	t.AppendUint64("rows", uint64(n))
	t.AppendUint64("width", uint64(w))
	t.AppendElement("public-key", p.PublicKey.Element())
	t.AppendBytes("input", in[:])
	return t
}

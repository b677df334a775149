package mixnet

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/proof"
)

// StageDomain is the domain separation string of Stage.Hash.
const StageDomain = "sandogh-v1 mixnet stage"

// stageHeaderSize is the length of u32(index) ‖ server ‖ input.
const stageHeaderSize = 4 + ed25519.PublicKeySize + DigestSize

// A Stage is the signed artefact of one mix server: the rows it produced
// from the current list, the proof that they are a shuffle of it, and the
// server's Ed25519 signature over all of it.
//
// Its encoding (Bytes, WriteTo, ParseStage, ReadStage) is
//
//	u32(Index) ‖ Server (32 bytes) ‖ Input (64 bytes) ‖ Output (Rows encoding) ‖
//	Proof (Proof encoding) ‖ Signature (64 bytes)
//
// The zero value is NOT valid: stages come from Mix, ParseStage or
// ReadStage. A Stage must not be modified once signed; a changed field makes
// the signature or the proof fail.
type Stage struct {
	// Index is the stage's position in the cascade, from 0. The commitment
	// generators and the proof are bound to it.
	Index uint32
	// Server is the Ed25519 public key of the mix server.
	Server ed25519.PublicKey
	// Input is the digest of the rows the server mixed: the cascade's input
	// list or the output of the last accepted stage before this one.
	Input Digest
	// Output are the shuffled, re-encrypted rows.
	Output *Rows
	// Proof proves that Output is a shuffle of the rows named by Input.
	Proof *Proof
	// Signature is the server's Ed25519 signature of Hash.
	Signature []byte
}

// Mix is the work of one mix server in a cascade: it shuffles in with
// Shuffle for the stage index (the position the cascade's Next returns) and
// signs the result with the server's key. See Shuffle for n.
func Mix(p *Params, index uint32, key ed25519.PrivateKey, in *Rows, n *proof.Nonces) (*Stage, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("mixnet: mix: private key is %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	out, pr, err := Shuffle(p, index, in, n)
	if err != nil {
		return nil, err
	}
	s := &Stage{
		Index:  index,
		Server: append(ed25519.PublicKey(nil), key.Public().(ed25519.PublicKey)...),
		Input:  in.Digest(),
		Output: out,
		Proof:  pr,
	}
	h := s.Hash(p)
	s.Signature = ed25519.Sign(key, h[:])
	return s, nil
}

// Hash returns the digest that the server signs, for the cascade of p:
//
//	SHA-512(u16(len(StageDomain)) ‖ StageDomain ‖ u32(len(BaseHash)) ‖ BaseHash ‖
//	        u32(len(Cascade)) ‖ Cascade ‖ u32(Index) ‖ Server ‖ Input ‖
//	        Output.Digest() ‖ Proof.Digest())
//
// with BaseHash and Cascade from p. The cascade identifier is not in the
// stage's encoding: a verifier takes it from the place of the stage (the
// contest whose folder holds it), so a stage copied into another cascade
// of the election fails its signature check there.
//
// It panics if Output or Proof is nil or Server is not 32 bytes.
func (s *Stage) Hash(p *Params) Digest {
	if len(s.Server) != ed25519.PublicKeySize || s.Output == nil || s.Proof == nil {
		panic("mixnet: Stage.Hash of an incomplete stage")
	}
	h := sha512.New()
	writeDomain(h, StageDomain)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(len(p.BaseHash)))
	h.Write(b[:])
	h.Write(p.BaseHash)
	binary.BigEndian.PutUint32(b[:], uint32(len(p.Cascade)))
	h.Write(b[:])
	h.Write(p.Cascade)
	binary.BigEndian.PutUint32(b[:], s.Index)
	h.Write(b[:])
	h.Write(s.Server)
	h.Write(s.Input[:])
	od, pd := s.Output.Digest(), s.Proof.Digest()
	h.Write(od[:])
	h.Write(pd[:])
	var d Digest
	h.Sum(d[:0])
	return d
}

// Verify checks one stage on its own: that its signature by Server of its
// Hash for p's cascade is valid, that it mixed in, and that its proof is
// valid for its index. It does not check that the server is authorised or
// has not mixed before: Cascade does. The error names the check that
// failed.
func (s *Stage) Verify(p *Params, in *Rows) error {
	if err := p.check(); err != nil {
		return err
	}
	if err := s.complete(); err != nil {
		return err
	}
	if err := s.checkSignature(p); err != nil {
		return err
	}
	if err := s.checkInput(in); err != nil {
		return err
	}
	return s.checkProof(p, in)
}

func (s *Stage) complete() error {
	if s == nil || s.Output == nil || s.Proof == nil || len(s.Server) != ed25519.PublicKeySize {
		return errors.New("mixnet: stage: incomplete stage (missing output, proof or 32-byte server key)")
	}
	return nil
}

func (s *Stage) checkSignature(p *Params) error {
	h := s.Hash(p)
	if len(s.Signature) != ed25519.SignatureSize || !ed25519.Verify(s.Server, h[:], s.Signature) {
		return fmt.Errorf("mixnet: stage %d: signature by server %x… does not verify for this election and cascade", s.Index, []byte(s.Server[:8]))
	}
	return nil
}

func (s *Stage) checkInput(in *Rows) error {
	if in == nil {
		return fmt.Errorf("mixnet: stage %d: no input rows", s.Index)
	}
	if d := in.Digest(); s.Input != d {
		return fmt.Errorf("mixnet: stage %d: input digest %x… is not the digest %x… of the list it must mix", s.Index, s.Input[:8], d[:8])
	}
	return nil
}

func (s *Stage) checkProof(p *Params, in *Rows) error {
	if err := VerifyShuffle(p, s.Index, in, s.Output, s.Proof); err != nil {
		return fmt.Errorf("mixnet: stage %d: %s", s.Index, trimPkg(err))
	}
	return nil
}

// trimPkg removes the "mixnet: " prefix of an error of this package, to
// nest it in another.
func trimPkg(err error) string {
	return string(bytes.TrimPrefix([]byte(err.Error()), []byte("mixnet: ")))
}

// Bytes returns the encoding of the stage. It panics if the stage is
// incomplete.
func (s *Stage) Bytes() []byte {
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		panic("mixnet: " + err.Error())
	}
	return buf.Bytes()
}

// WriteTo writes the encoding of the stage to w.
func (s *Stage) WriteTo(w io.Writer) (int64, error) {
	if s.Output == nil || s.Proof == nil || len(s.Server) != ed25519.PublicKeySize || len(s.Signature) != ed25519.SignatureSize {
		return 0, errors.New("mixnet: stage: cannot encode an incomplete stage")
	}
	var hdr [stageHeaderSize]byte
	binary.BigEndian.PutUint32(hdr[0:], s.Index)
	copy(hdr[4:], s.Server)
	copy(hdr[4+ed25519.PublicKeySize:], s.Input[:])
	var total int64
	n, err := w.Write(hdr[:])
	total += int64(n)
	if err != nil {
		return total, err
	}
	m, err := s.Output.WriteTo(w)
	total += m
	if err != nil {
		return total, err
	}
	m, err = s.Proof.WriteTo(w)
	total += m
	if err != nil {
		return total, err
	}
	n, err = w.Write(s.Signature)
	return total + int64(n), err
}

// ParseStage decodes a stage from its encoding. It checks the encoding
// only (lengths, canonical elements and scalars, that the proof is about as
// many rows of the same width as the output); Cascade.Add and Stage.Verify
// check what it means. Errors name the field.
func ParseStage(b []byte) (*Stage, error) {
	r := bytes.NewReader(b)
	s, err := ReadStage(r)
	if err != nil {
		return nil, err
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("mixnet: stage %d: %d bytes of trailing data after the signature", s.Index, r.Len())
	}
	return s, nil
}

// ReadStage reads one stage in the encoding of Stage.Bytes from rd, and no
// more, decoding each element once.
func ReadStage(rd io.Reader) (*Stage, error) {
	var hdr [stageHeaderSize]byte
	if _, err := io.ReadFull(rd, hdr[:]); err != nil {
		return nil, fmt.Errorf("mixnet: stage: header: %w", noEOF(err))
	}
	s := &Stage{
		Index:  binary.BigEndian.Uint32(hdr[0:]),
		Server: append(ed25519.PublicKey(nil), hdr[4:4+ed25519.PublicKeySize]...),
	}
	copy(s.Input[:], hdr[4+ed25519.PublicKeySize:])
	var err error
	if s.Output, err = ReadRows(rd); err != nil {
		return nil, fmt.Errorf("mixnet: stage %d: output: %s", s.Index, trimPkg(err))
	}
	if s.Proof, err = ReadProof(rd); err != nil {
		return nil, fmt.Errorf("mixnet: stage %d: %s", s.Index, trimPkg(err))
	}
	if s.Proof.Len() != s.Output.Len() || s.Proof.Width() != s.Output.Width() {
		return nil, fmt.Errorf("mixnet: stage %d: proof is for %s of width %d, output has %s of width %d",
			s.Index, prose.Count(s.Proof.Len(), "row"), s.Proof.Width(), prose.Count(s.Output.Len(), "row"), s.Output.Width())
	}
	s.Signature = make([]byte, ed25519.SignatureSize)
	if _, err := io.ReadFull(rd, s.Signature); err != nil {
		return nil, fmt.Errorf("mixnet: stage %d: signature: %w", s.Index, noEOF(err))
	}
	return s, nil
}

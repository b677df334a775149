package speccheck

import (
	"crypto/rand"
	"math/big"
	"testing"

	r255 "github.com/gtank/ristretto255"

	sballot "github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/group"
)

// The field of ristretto255, for the hint check of "Decoding hints" (The
// group), computed with math/big from the specification's formula.
var (
	fieldP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	// d = -121665/121666 mod p (RFC 7748, RFC 9496 Section 4.1).
	edD = func() *big.Int {
		n := new(big.Int).Neg(big.NewInt(121665))
		inv := new(big.Int).ModInverse(big.NewInt(121666), fieldP)
		return n.Mod(n.Mul(n, inv), fieldP)
	}()
)

// leInt reads b as a little-endian integer with bit 255 cleared.
func leInt(b []byte) *big.Int {
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	r[0] &= 0x7f
	return new(big.Int).SetBytes(r)
}

func leBytes(x *big.Int) []byte {
	be := x.FillBytes(make([]byte, 32))
	for i, j := 0, 31; i < j; i, j = i+1, j-1 {
		be[i], be[j] = be[j], be[i]
	}
	return be
}

// hintChecks is the check of "Decoding hints": I²·v·u2² = 1 (mod p), with
// u1 = 1 − s², u2 = 1 + s², v = −d·u1² − u2².
func hintChecks(enc, hint []byte) bool {
	p := fieldP
	s := leInt(enc)
	I := new(big.Int).Mod(leInt(hint), p)
	ss := new(big.Int).Mul(s, s)
	u1 := new(big.Int).Sub(big.NewInt(1), ss)
	u2 := new(big.Int).Add(big.NewInt(1), ss)
	u2sq := new(big.Int).Mul(u2, u2)
	v := new(big.Int).Mul(u1, u1)
	v.Mul(v, edD).Neg(v).Sub(v, u2sq)
	w := new(big.Int).Mul(v, u2sq)
	w.Mul(w, I).Mul(w, I).Mod(w, p)
	return w.Cmp(big.NewInt(1)) == 0
}

// TestDecodingHintsSpec: the hints sandogh computes pass the check of the
// specification (and so does the other square root), random hints do not,
// sandogh's decoder uses a hint exactly when the specification's check
// holds, and decodes every encoding, valid or not, as a full decoding does
// (gtank/ristretto255 as the reference).
func TestDecodingHintsSpec(t *testing.T) {
	var encs [][]byte
	for i := range 40 {
		var u [64]byte
		rand.Read(u[:])
		e := r255.NewElement().FromUniformBytes(u[:])
		encs = append(encs, enc(e))
		if i%4 == 0 { // an encoding that is not an element, most likely
			bad := enc(e)
			bad[0] ^= 0x02
			encs = append(encs, bad)
		}
	}
	for _, b := range encs {
		rec := group.NewHintRecorder()
		_, err := rec.Decode(group.NewElement(), b)
		_, refErr := r255.NewElement().SetCanonicalBytes(b)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("%x: sandogh %v, reference %v", b, err, refErr)
		}
		var candidates [][]byte
		if err == nil {
			h := rec.Hints()
			if !hintChecks(b, h) {
				t.Fatalf("%x: sandogh's hint %x fails the specification's check", b, h)
			}
			neg := new(big.Int).Sub(fieldP, new(big.Int).Mod(leInt(h), fieldP))
			if !hintChecks(b, leBytes(neg)) {
				t.Fatalf("%x: the other square root fails the check", b)
			}
			candidates = append(candidates, h, leBytes(neg))
		}
		random := make([]byte, 32)
		rand.Read(random)
		candidates = append(candidates, random)
		for _, h := range candidates {
			d := group.NewHintedDecoder(h)
			e, derr := d.Decode(group.NewElement(), b)
			if (derr == nil) != (refErr == nil) {
				t.Fatalf("%x with hint %x: sandogh %v, reference %v", b, h, derr, refErr)
			}
			if derr == nil && string(e.Bytes()) != string(b) {
				t.Fatalf("%x with hint %x: decodes to another element", b, h)
			}
			if used := d.Misses() == 0; used != hintChecks(b, h) {
				t.Fatalf("%x with hint %x: sandogh used the hint: %v, the specification's check: %v", b, h, used, !used)
			}
		}
	}
}

// TestBallotHintsSpec: the hints of the known-answer ballots, one per
// element in the order of the encoding (Ballots, "Ballot encoding"), all
// pass the specification's check.
func TestBallotHintsSpec(t *testing.T) {
	var v ballotVectors
	readJSON(t, "../../ballot/testdata/ballot-vectors.json", &v)
	for _, bv := range []ballotVector{v.CredentialBallot, v.DeviceBallot} {
		sb, err := buildBallot(bv.JSON)
		if err != nil {
			t.Fatal(err)
		}
		var elems [][]byte
		for _, c := range sb.contests {
			for k, ct := range c.cts {
				elems = append(elems, ct[:32], ct[32:])
				pr := c.proofs[k]
				if c.layout == 2 { // a row: the Schnorr proof's commitment
					elems = append(elems, pr[:32])
					continue
				}
				elems = append(elems, rangeCommitments(pr)...)
			}
			if c.sumProof != nil {
				elems = append(elems, rangeCommitments(c.sumProof)...)
			}
		}
		b, err := sballot.ParseBallot(mustHex(bv.Encoding))
		if err != nil {
			t.Fatal(err)
		}
		h := b.DecodingHints()
		if len(h) != 32*len(elems) {
			t.Fatalf("%d hints for %d elements", len(h)/32, len(elems))
		}
		for k, e := range elems {
			if !hintChecks(e, h[32*k:32*k+32]) {
				t.Fatalf("element %d: its hint fails the check", k)
			}
		}
	}
}

// rangeCommitments returns the commitments a_0, b_0, …, a_R, b_R of a range
// proof of 32·(4R+3) bytes.
func rangeCommitments(p []byte) [][]byte {
	k := (len(p)/32-3)/4 + 1
	var out [][]byte
	for j := range 2 * k {
		out = append(out, p[32*j:32*j+32])
	}
	return out
}

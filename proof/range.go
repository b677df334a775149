package proof

import (
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// MaxRange is the largest R of a range proof 0..R. A proof has R+1 branches;
// for larger ranges, split the value.
const MaxRange = 1 << 16

// RangeProofSize returns the length of the encoding of a range proof for
// 0..R: 2(R+1) commitments, R challenges and R+1 responses of 32 bytes each,
// that is 32·(4R+3) bytes (224 for R = 1). R must be at most MaxRange.
func RangeProofSize(R uint64) int {
	return 32 * (4*int(R) + 3)
}

// A RangeProof is a disjunctive Chaum–Pedersen proof that an exponential
// ElGamal ciphertext (A, B) under a key K encrypts m·G for some m in 0..R,
// in the batchable form. Branch j (j = 0..R) proves that (A, B − j·G) is an
// encryption of zero, that is, log_G(A) = log_K(B − j·G); the prover knows
// the witness for branch m only and simulates the others. It has for every
// branch j the commitments a_j, b_j and the response v_j, and the challenges
// c_0..c_{R−1}; the verifier derives c_R = c − Σ_{j<R} c_j from the
// transcript challenge c and checks, for every j,
//
//	v_j·G = a_j + c_j·A   and   v_j·K = b_j + c_j·(B − j·G).
//
// The zero value is NOT valid, and it may be used only as a receiver of
// SetCanonicalBytes or UnmarshalJSON. A RangeProof is immutable once built.
type RangeProof struct {
	max         uint64          // R
	commitments []byte          // a_0 ‖ b_0 ‖ … ‖ a_R ‖ b_R, canonical encodings
	a, b        []group.Element // the commitments, or their halves if halved
	halved      bool            // a and b hold a_j/2 and b_j/2 (as computed by the prover)
	c           []group.Scalar  // c_0..c_{R−1}
	v           []group.Scalar  // v_0..v_R
}

// Range returns R, the upper end of the range 0..R that p is for.
func (p *RangeProof) Range() uint64 { return p.max }

var (
	inv2     = sync.OnceValue(func() *group.Scalar { return new(group.Scalar).Invert(new(group.Scalar).SetUint64(2)) })
	halfBase = sync.OnceValue(func() *group.Element { return group.NewElement().ScalarBaseMult(inv2()) })
)

// baseMult sets e = s·G in constant time through group.BaseTable and
// returns e.
func baseMult(e *group.Element, s *group.Scalar) *group.Element {
	return e.FixedBaseMult(group.BaseTable(), s)
}

// checkRange returns an error if R is above MaxRange or m > R, for the
// provers. R = 0 is allowed: a proof that the ciphertext encrypts 0 (one
// Chaum–Pedersen branch, whose challenge is the transcript's).
func checkRange(m, R uint64) error {
	if R > MaxRange {
		return fmt.Errorf("proof: range 0..%d: R must be at most %d", R, MaxRange)
	}
	if m > R {
		return fmt.Errorf("proof: value out of range 0..%d", R)
	}
	return nil
}

func appendRangeStatement(t *Transcript, kEnc, aEnc, bEnc []byte, R uint64) {
	t.AppendBytes("proof", []byte("range"))
	t.appendElementBytes("public-key", kEnc)
	t.appendElementBytes("ciphertext-a", aEnc)
	t.appendElementBytes("ciphertext-b", bEnc)
	t.AppendUint64("range-max", R)
}

// ProveRange returns a proof that ct = (r·G, m·G + r·K) encrypts m in 0..R
// under pk. It appends the statement (K, A, B, R) and the commitments to t
// and draws the challenge from t, so t is consumed. The proof nonces are
// derived from n, the transcript before the statement, K, R, m and r. It runs
// in constant time in m and r: every branch is computed with the same
// operations and the real one is chosen with constant-time selections.
//
// It returns an error if R is above MaxRange or m > R. It does not check
// that ct encrypts m with nonce r; if it does not, the proof will not verify.
func ProveRange(t *Transcript, pk *elgamal.PublicKey, ct *elgamal.Ciphertext, m uint64, r *group.Scalar, R uint64, n *Nonces) (*RangeProof, error) {
	if err := checkRange(m, R); err != nil {
		return nil, err
	}
	return proveRange(t, pk, m, r, R, n, nil, nil, ct.Bytes()), nil
}

// EncryptWithRangeProof encrypts m under pk with the nonce r =
// n.Scalar("encryption", 0) and proves that the result encrypts a value in
// 0..R, as ProveRange does. Releasing the seed of n later reveals r and so m
// (the opening of a challenged ballot). Use one n per ciphertext: two
// ciphertexts with the same n share r, which reveals the difference of their
// plaintexts.
//
// It returns an error if R is above MaxRange or m > R. It runs in
// constant time in m.
func EncryptWithRangeProof(t *Transcript, pk *elgamal.PublicKey, m uint64, R uint64, n *Nonces) (*elgamal.Ciphertext, *RangeProof, error) {
	if err := checkRange(m, R); err != nil {
		return nil, nil, err
	}
	r := n.Scalar("encryption", 0)
	// Compute A/2 and B/2, so that the batched double-and-encode of the
	// proof yields the encodings of A and B too.
	rh := new(group.Scalar).Multiply(r, inv2())
	var Ah, Bh, Mh group.Element
	baseMult(&Ah, rh)
	pk.ScalarMult(&Bh, rh)
	multipleOfHalfBase(&Mh, m, R)
	Bh.Add(&Bh, &Mh)
	p := proveRange(t, pk, m, r, R, n, &Ah, &Bh, nil)
	ct := elgamal.NewCiphertext()
	ct.A.Double(&Ah)
	ct.B.Double(&Bh)
	return ct, p, nil
}

// multipleOfHalfBase sets e = m·(G/2) in constant time in m, for m ≤ R.
func multipleOfHalfBase(e *group.Element, m, R uint64) {
	if R > 64 {
		baseMult(e, new(group.Scalar).Multiply(new(group.Scalar).SetUint64(m), inv2()))
		return
	}
	H := halfBase()
	jH := group.NewElement()
	e.Zero()
	for j := uint64(0); j <= R; j++ {
		e.Select(jH, e, ctEq(j, m))
		jH.Add(jH, H)
	}
}

// rangeNonces returns the nonce source of a range proof's branches: its seed
// is the first 32 bytes of
//
//	SHA-512(u16(23) ‖ "sandogh-v1 range nonces" ‖ seed ‖ d ‖ K ‖ u64(R) ‖ u64(m) ‖ r)
//
// where d is the SHA-512 digest of the transcript before the statement. Since
// the ciphertext is Enc(m; r) under K, this binds the nonces to the whole
// statement and its context, even if a caller reuses n.
func rangeNonces(n *Nonces, t *Transcript, kEnc []byte, R, m uint64, r *group.Scalar) *Nonces {
	var d [64]byte
	t.digest(&d)
	const domain = "sandogh-v1 range nonces"
	in := make([]byte, 0, 2+len(domain)+32+64+32+8+8+32)
	in = binary.BigEndian.AppendUint16(in, uint16(len(domain)))
	in = append(in, domain...)
	in = append(in, n.seed[:]...)
	in = append(in, d[:]...)
	in = append(in, kEnc...)
	in = binary.BigEndian.AppendUint64(in, R)
	in = binary.BigEndian.AppendUint64(in, m)
	in = append(in, r.Bytes()...)
	out := sha512.Sum512(in)
	nn := new(Nonces)
	copy(nn.seed[:], out[:NonceSeedSize])
	return nn
}

// proveRange computes the proof, with the transcript t just before the
// statement. The ciphertext is given either as A/2 and B/2 (Ah, Bh), whose
// doubles are then encoded in the same batch as the commitments, or by its
// encoding ctEnc.
//
// Every branch j has a_j = u_j·G, b_j = u_j·K + c_j·(j − m)·G and
// v_j = u_j + c_j·r, with u_j and (for j ≠ m) c_j from the nonces; for j = m
// the extra term vanishes and c_m is set after the challenge. Points are
// computed at half scale so that one batched double-and-encode gives all
// their encodings.
func proveRange(t *Transcript, pk *elgamal.PublicKey, m uint64, r *group.Scalar, R uint64, n *Nonces, Ah, Bh *group.Element, ctEnc []byte) *RangeProof {
	kEnc := pk.Bytes()
	nn := rangeNonces(n, t, kEnc, R, m, r)
	k := int(R) + 1
	uh := make([]group.Scalar, k) // u_j / 2
	ci := make([]group.Scalar, k) // the drawn challenges; ci[m] is replaced
	half := make([]group.Element, 2*k)
	for j := range k {
		uh[j].Set(nn.Scalar("range commitment", uint64(j)))
		ci[j].Set(nn.Scalar("range challenge", uint64(j)))
		baseMult(&half[2*j], &uh[j])
		pk.ScalarMult(&half[2*j+1], &uh[j])
	}
	// The R simulated branches s = 0..R except m, in order: the i-th of them
	// is branch i if i < m and branch i+1 otherwise. Compute its term
	// T_i = c_s·(s − m)/2·G, then add it to b_s by constant-time selection.
	T := make([]group.Element, R)
	ms := new(group.Scalar).SetUint64(m)
	var cs, d group.Scalar
	for i := range R {
		ge := ctGE(i, m)
		s := i + uint64(ge)
		scalarSelect(&cs, &ci[i+1], &ci[i], ge)
		d.SetUint64(s)
		d.Subtract(&d, ms)
		d.Multiply(&d, &cs)
		d.Multiply(&d, inv2())
		baseMult(&T[i], &d)
	}
	X := group.NewElement()
	for j := range uint64(k) {
		X.Zero()
		if j < R {
			X.Select(&T[j], X, 1^ctGE(j, m)) // j < m: branch j is simulated term j
		}
		if j >= 1 {
			X.Select(&T[j-1], X, 1^ctGE(m, j)) // j > m: branch j is simulated term j−1
		}
		half[2*j+1].Add(&half[2*j+1], X)
	}
	ptrs := make([]*group.Element, 0, 2+2*k)
	if Ah != nil {
		ptrs = append(ptrs, Ah, Bh)
	}
	for i := range half {
		ptrs = append(ptrs, &half[i])
	}
	encs := group.DoubleAndEncodeBatch(ptrs)
	if Ah != nil {
		ctEnc = append(encs[0][:], encs[1][:]...)
		encs = encs[2:]
	}
	p := &RangeProof{
		max:         R,
		commitments: make([]byte, 0, 2*k*group.ElementSize),
		a:           make([]group.Element, k),
		b:           make([]group.Element, k),
		halved:      true, // doubled only if the proof is verified
		c:           make([]group.Scalar, R),
		v:           make([]group.Scalar, k),
	}
	for j := range k {
		p.commitments = append(p.commitments, encs[2*j][:]...)
		p.commitments = append(p.commitments, encs[2*j+1][:]...)
		p.a[j].Set(&half[2*j])
		p.b[j].Set(&half[2*j+1])
	}
	appendRangeStatement(t, kEnc, ctEnc[:32], ctEnc[32:], R)
	t.appendElementsBytes("commitments", p.commitments)
	c := t.Challenge("challenge")

	// c_m = c − Σ_{j≠m} ci_j, computed without branching on m.
	var sum, cim, cm, eq group.Scalar
	for j := range k {
		sum.Add(&sum, &ci[j])
		eq.SetUint64(uint64(ctEq(uint64(j), m)))
		cim.MultiplyAdd(&eq, &ci[j], &cim)
	}
	cm.Subtract(c, &sum)
	cm.Add(&cm, &cim)
	var cj, u group.Scalar
	for j := range k {
		scalarSelect(&cj, &cm, &ci[j], ctEq(uint64(j), m))
		u.Add(&uh[j], &uh[j])
		p.v[j].MultiplyAdd(&cj, r, &u)
		if j < int(R) {
			p.c[j].Set(&cj)
		}
	}
	return p
}

// Verify checks p against the statement "ct encrypts a value in 0..R under
// pk", appending the statement and the commitments to t and drawing the
// challenge from it (t is consumed). It returns nil if the proof is valid.
func (p *RangeProof) Verify(t *Transcript, pk *elgamal.PublicKey, ct *elgamal.Ciphertext, R uint64) error {
	K, kEnc := pk.Element(), pk.Bytes()
	e := newRangeEntry(t, kEnc, K, ct, nil, R, p)
	return e.check()
}

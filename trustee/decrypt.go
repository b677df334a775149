package trustee

import (
	"crypto/rand"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/proof"
)

// decryptionProtocol is the transcript label of decryption-share proofs.
const decryptionProtocol = "sandogh-v1 decryption share"

// shareNonceLabel is the Nonces label of the proof nonce of entry i.
const shareNonceLabel = "decryption share"

// shareEntrySize is the length of one entry of a share list encoding:
// D ‖ Commitment1 ‖ Commitment2 ‖ Response.
const shareEntrySize = 3*group.ElementSize + group.ScalarSize

// A ShareList is one trustee's decryption shares of a list of ciphertexts
// (A_i, B_i): D_i = s_j·A_i, each with a Chaum–Pedersen proof that
// log_G(K_j) = log_{A_i}(D_i) for the trustee's verification key K_j.
//
// A ShareList is immutable: it comes from KeyShare.DecryptSharesUnchecked,
// SetCanonicalBytes or UnmarshalJSON, and keeps the canonical encodings of
// its elements next to them, so that verification hashes them without
// re-encoding. The zero value is an empty list of trustee 0, usable only as
// a receiver of SetCanonicalBytes or UnmarshalJSON.
type ShareList struct {
	trustee int
	entries []shareEntry
}

type shareEntry struct {
	d, a1, a2 group.Element
	z         group.Scalar
	enc       [3 * group.ElementSize]byte // D ‖ Commitment1 ‖ Commitment2
}

// Trustee returns the index j of the trustee whose shares these are.
func (l *ShareList) Trustee() int { return l.trustee }

// Len returns the number of shares.
func (l *ShareList) Len() int { return len(l.entries) }

// Share returns a copy of D_i. It panics if i is out of range.
func (l *ShareList) Share(i int) *group.Element { return group.NewElement().Set(&l.entries[i].d) }

// Proof returns a copy of the proof of D_i. It panics if i is out of range.
func (l *ShareList) Proof(i int) *proof.ChaumPedersen {
	e := &l.entries[i]
	p := new(proof.ChaumPedersen)
	p.Commitment1.Set(&e.a1)
	p.Commitment2.Set(&e.a2)
	p.Response.Set(&e.z)
	return p
}

// shareTranscript is the transcript prefix of trustee j's proofs: protocol
// label, base hash, then "trustee" = u64(j) and "verification-key" = K_j.
func shareTranscript(baseHash []byte, j int, K *group.Element) *proof.Transcript {
	t := proof.NewTranscript(decryptionProtocol, baseHash)
	t.AppendUint64("trustee", uint64(j))
	t.AppendElement("verification-key", K)
	return t
}

// shareChallenge returns the challenge of one entry: it appends to a clone
// of prefix the bytes fields "ciphertext-2a" (the encoding of 2·A_i, which
// determines A_i), "share" (D_i), "commitment1" and "commitment2", and
// draws the challenge "challenge".
func shareChallenge(prefix *proof.Transcript, enc2A *[group.ElementSize]byte, enc *[3 * group.ElementSize]byte) *group.Scalar {
	t := prefix.Clone()
	t.AppendBytes("ciphertext-2a", enc2A[:])
	t.AppendBytes("share", enc[0:32])
	t.AppendBytes("commitment1", enc[32:64])
	t.AppendBytes("commitment2", enc[64:96])
	return t.Challenge("challenge")
}

func checkCiphertexts(cts []*elgamal.Ciphertext) error {
	for i, ct := range cts {
		if ct == nil {
			return fmt.Errorf("trustee: ciphertext %d: nil", i)
		}
	}
	return nil
}

// doubleAndEncodeA returns the encodings of 2·A_i, on all cores.
func doubleAndEncodeA(cts []*elgamal.Ciphertext) [][group.ElementSize]byte {
	out := make([][group.ElementSize]byte, len(cts))
	par.For(len(cts), 256, func(lo, hi int) {
		pts := make([]*group.Element, hi-lo)
		for i := range pts {
			pts[i] = &cts[lo+i].A
		}
		copy(out[lo:hi], group.DoubleAndEncodeBatch(pts))
	})
	return out
}

// DecryptSharesUnchecked returns the trustee's decryption shares D_i =
// s_j·A_i of the ciphertexts cts, whatever they are, with their
// Chaum–Pedersen proofs bound to the election's base hash (docs/spec.md,
// "Trustees", "Decryption shares").
//
// It is the primitive under a trustee's decryption, and it checks nothing
// about cts: a coordinator who hands it one ballot's ciphertexts learns, from
// any t such lists, how that voter voted. A trustee tool never calls it
// directly. It uses package election instead, whose VerifyForDecryption
// verifies the election record itself and produces shares only of the
// encrypted tally of the ballots that count, or of the final list of a
// complete mix cascade (docs/spec.md, "Trustees", "What a trustee
// decrypts"). This function is for that package, for tests, and for
// libraries that rebuild the same checks.
//
// It runs on all cores; the proof nonces come from a fresh random seed.
// Operations on s_j and the nonces are constant time. Per ciphertext it
// computes s_j·A_i and u_i·A_i together with group.ScalarMultSameBase,
// which shares the doublings of A_i, and u_i·G with a fixed-base table of
// G: about six ScalarBaseMult in all.
func (k *KeyShare) DecryptSharesUnchecked(baseHash []byte, cts []*elgamal.Ciphertext) (*ShareList, error) {
	return k.decryptShares(baseHash, cts, proof.RandomNonces())
}

// decryptShares is DecryptSharesUnchecked with the nonce of entry i taken as
// nonces.Scalar(shareNonceLabel, i). nonces must never be used for another
// call: two proofs with one nonce reveal s_j.
func (k *KeyShare) decryptShares(baseHash []byte, cts []*elgamal.Ciphertext, nonces *proof.Nonces) (*ShareList, error) {
	if err := checkCiphertexts(cts); err != nil {
		return nil, err
	}
	// A prover that wants the encoding of x·P computes (x/2)·P and
	// encodes it with DoubleAndEncodeBatch, which shares one inversion.
	half := new(group.Scalar).Invert(new(group.Scalar).SetUint64(2))
	sHalf := new(group.Scalar).Multiply(&k.secret, half)
	list := &ShareList{trustee: k.index, entries: make([]shareEntry, len(cts))}
	const batch = 128
	par.For(len(cts), 32, func(lo, hi int) {
		prefix := shareTranscript(baseHash, k.index, &k.vk)
		pts := make([]*group.Element, 4*batch)
		halves := make([]group.Element, 3*batch)
		us := make([]group.Scalar, batch)
		uh := new(group.Scalar)
		scalars := []*group.Scalar{sHalf, uh}
		dst := make([]*group.Element, 2)
		for blo := lo; blo < hi; blo += batch {
			bhi := min(blo+batch, hi)
			m := bhi - blo
			for i := 0; i < m; i++ {
				A := &cts[blo+i].A
				us[i].Set(nonces.Scalar(shareNonceLabel, uint64(blo+i)))
				uh.Multiply(&us[i], half)
				// (s_j/2)·A_i and (u_i/2)·A_i share their doublings.
				dst[0], dst[1] = &halves[3*i], &halves[3*i+2]
				group.ScalarMultSameBase(dst, scalars, A)
				halves[3*i+1].FixedBaseMult(group.BaseTable(), uh)
				pts[4*i] = A
				pts[4*i+1] = &halves[3*i]
				pts[4*i+2] = &halves[3*i+1]
				pts[4*i+3] = &halves[3*i+2]
			}
			encs := group.DoubleAndEncodeBatch(pts[:4*m])
			for i := 0; i < m; i++ {
				e := &list.entries[blo+i]
				e.d.Double(&halves[3*i])
				e.a1.Double(&halves[3*i+1])
				e.a2.Double(&halves[3*i+2])
				copy(e.enc[0:32], encs[4*i+1][:])
				copy(e.enc[32:64], encs[4*i+2][:])
				copy(e.enc[64:96], encs[4*i+3][:])
				c := shareChallenge(prefix, &encs[4*i], &e.enc)
				e.z.MultiplyAdd(c, &k.secret, &us[i])
			}
		}
		for i := range us {
			us[i] = group.Scalar{}
		}
		*uh = group.Scalar{}
	})
	return list, nil
}

// A ShareListError names a trustee whose share list is invalid, and the
// entries at fault when individual shares are.
type ShareListError struct {
	Trustee int
	// Entries lists the indices of the ciphertexts whose shares or proofs
	// are invalid, ascending; it is empty when the list as a whole is
	// unusable (wrong length, unknown or repeated trustee).
	Entries []int
	Reason  string
}

// Error names the trustee, the reason and up to ten bad entries.
func (e *ShareListError) Error() string {
	if len(e.Entries) == 0 {
		return fmt.Sprintf("trustee: share list of trustee %d: %s", e.Trustee, e.Reason)
	}
	const show = 10
	var s []string
	for _, i := range e.Entries[:min(len(e.Entries), show)] {
		s = append(s, fmt.Sprint(i))
	}
	more := ""
	if len(e.Entries) > show {
		more = fmt.Sprintf(" and %d more", len(e.Entries)-show)
	}
	noun := "entries"
	if len(e.Entries) == 1 {
		noun = "entry"
	}
	return fmt.Sprintf("trustee: share list of trustee %d: %s at %s %s%s", e.Trustee, e.Reason, noun, strings.Join(s, ", "), more)
}

// VerifyShareList checks every share and proof of list, a trustee's shares
// of cts under its verification key vk, in one batch: a random linear
// combination of all the proofs' equations, one VarTime multi-scalar
// multiplication per core (docs/spec.md, "Trustees", "Verifying share
// lists"). If the batch fails, it checks the entries one by one and returns
// a *ShareListError that lists the bad ones.
//
// Execution time depends on the inputs, which are all public.
func VerifyShareList(baseHash []byte, vk *group.Element, cts []*elgamal.Ciphertext, list *ShareList) error {
	if err := checkCiphertexts(cts); err != nil {
		return err
	}
	return verifyShareList(baseHash, vk, cts, doubleAndEncodeA(cts), list)
}

func verifyShareList(baseHash []byte, vk *group.Element, cts []*elgamal.Ciphertext, enc2A [][group.ElementSize]byte, list *ShareList) error {
	if list.Len() != len(cts) {
		return &ShareListError{Trustee: list.trustee, Reason: fmt.Sprintf("%s for %s", prose.Count(list.Len(), "share"), prose.Count(len(cts), "ciphertext"))}
	}
	var seed [32]byte
	rand.Read(seed[:])
	challenges := make([]group.Scalar, len(cts))

	var mu sync.Mutex
	total := group.NewElement()
	sumRZ, sumRC := new(group.Scalar), new(group.Scalar)
	par.For(len(cts), 256, func(lo, hi int) {
		prefix := shareTranscript(baseHash, list.trustee, vk)
		m := hi - lo
		scalars := make([]*group.Scalar, 4*m)
		points := make([]*group.Element, 4*m)
		sBacking := make([]group.Scalar, 4*m)
		pBacking := make([]group.Element, 2*m)
		rz, rc := new(group.Scalar), new(group.Scalar)
		var in [40]byte
		copy(in[:], seed[:])
		rho, sigma, t := new(group.Scalar), new(group.Scalar), new(group.Scalar)
		for i := lo; i < hi; i++ {
			e := &list.entries[i]
			c := shareChallenge(prefix, &enc2A[i], &e.enc)
			challenges[i].Set(c)
			binary.BigEndian.PutUint64(in[32:], uint64(i))
			weights(sha512.Sum512(in[:]), rho, sigma)
			// ρ·(z·G − a1 − c·K) + σ·(z·A − a2 − c·D) = 0, with the G
			// and K terms summed over the whole list.
			rz.MultiplyAdd(rho, &e.z, rz)
			rc.MultiplyAdd(rho, c, rc)
			k := 4 * (i - lo)
			sBacking[k].Set(rho)
			points[k] = pBacking[2*(i-lo)].Negate(&e.a1)
			sBacking[k+1].Set(sigma)
			points[k+1] = pBacking[2*(i-lo)+1].Negate(&e.a2)
			sBacking[k+2].Multiply(sigma, &e.z)
			points[k+2] = &cts[i].A
			sBacking[k+3].Negate(t.Multiply(sigma, c))
			points[k+3] = &e.d
			for j := k; j < k+4; j++ {
				scalars[j] = &sBacking[j]
			}
		}
		part := group.NewElement().VarTimeMultiScalarMult(scalars, points)
		mu.Lock()
		total.Add(total, part)
		sumRZ.Add(sumRZ, rz)
		sumRC.Add(sumRC, rc)
		mu.Unlock()
	})
	total.Add(total, group.NewElement().VarTimeDoubleScalarBaseMult(new(group.Scalar).Negate(sumRC), vk, sumRZ))
	if total.IsIdentity() == 1 {
		return nil
	}

	// The batch failed: find the bad entries one by one.
	bad := make([]bool, len(cts))
	par.For(len(cts), 64, func(lo, hi int) {
		negC := new(group.Scalar)
		lhs := group.NewElement()
		for i := lo; i < hi; i++ {
			e := &list.entries[i]
			negC.Negate(&challenges[i])
			lhs.VarTimeDoubleScalarBaseMult(negC, vk, &e.z)
			if lhs.Equal(&e.a1) != 1 {
				bad[i] = true
				continue
			}
			lhs.VarTimeMultiScalarMult([]*group.Scalar{&e.z, negC}, []*group.Element{&cts[i].A, &e.d})
			if lhs.Equal(&e.a2) != 1 {
				bad[i] = true
			}
		}
	})
	err := &ShareListError{Trustee: list.trustee, Reason: "invalid decryption share proof"}
	for i, b := range bad {
		if b {
			err.Entries = append(err.Entries, i)
		}
	}
	if len(err.Entries) == 0 {
		// Cannot happen: the batch equation is a combination of the
		// individual ones.
		panic("trustee: internal error: batch verification failed but every entry verifies")
	}
	return err
}

// weights sets ρ and σ to the two 128-bit little-endian integers in the first
// 32 bytes of d.
func weights(d [64]byte, rho, sigma *group.Scalar) {
	var b [32]byte
	copy(b[:16], d[:16])
	if _, err := rho.SetCanonicalBytes(b[:]); err != nil {
		panic("trustee: internal error: " + err.Error())
	}
	copy(b[:16], d[16:32])
	if _, err := sigma.SetCanonicalBytes(b[:]); err != nil {
		panic("trustee: internal error: " + err.Error())
	}
}

// A Decryption is the result of Combine.
type Decryption struct {
	// Plaintexts[i] is M_i = B_i − Σ_j λ_j·D_{j,i}: m·G for an exponential
	// ciphertext, or an embedded message.
	Plaintexts []*group.Element
	// Trustees are the t trustees whose shares were combined, ascending.
	Trustees []int
	// Rejected names every share list that was left out, and why.
	Rejected []*ShareListError
}

// Combine verifies the share lists of any trustees of a ceremony for the
// ciphertexts cts, leaves out and names every invalid one, and combines the
// valid lists of the t lowest-indexed trustees with Lagrange coefficients:
// M_i = B_i − Σ_{j ∈ S} λ_j·D_{j,i} with λ_j = Π_{m ∈ S, m ≠ j} m/(m − j).
// It fails, naming every rejected list, if fewer than t valid lists remain.
//
// Execution time depends on the inputs, which are all public.
func Combine(baseHash []byte, keys *Result, cts []*elgamal.Ciphertext, lists []*ShareList) (*Decryption, error) {
	if err := checkCiphertexts(cts); err != nil {
		return nil, err
	}
	enc2A := doubleAndEncodeA(cts)
	dec := &Decryption{}
	valid := make(map[int]*ShareList)
	for _, l := range lists {
		if l == nil {
			continue
		}
		j := l.trustee
		vk := keys.VerificationKey(j)
		switch {
		case vk == nil:
			dec.Rejected = append(dec.Rejected, &ShareListError{Trustee: j, Reason: fmt.Sprintf("not a trustee index (1..%d)", len(keys.VerificationKeys))})
		case valid[j] != nil:
			dec.Rejected = append(dec.Rejected, &ShareListError{Trustee: j, Reason: "a second share list of this trustee"})
		default:
			if err := verifyShareList(baseHash, vk, cts, enc2A, l); err != nil {
				dec.Rejected = append(dec.Rejected, err.(*ShareListError))
				continue
			}
			valid[j] = l
		}
	}
	for j := range valid {
		dec.Trustees = append(dec.Trustees, j)
	}
	sort.Ints(dec.Trustees)
	if len(dec.Trustees) < keys.Threshold {
		if len(dec.Rejected) == 0 {
			return nil, fmt.Errorf("trustee: combine: %s, fewer than the threshold %d; none was rejected",
				prose.Count(len(dec.Trustees), "valid share list"), keys.Threshold)
		}
		errs := make([]error, len(dec.Rejected))
		for k, r := range dec.Rejected {
			errs[k] = r
		}
		return nil, fmt.Errorf("trustee: combine: %s, fewer than the threshold %d: %w",
			prose.Count(len(dec.Trustees), "valid share list"), keys.Threshold, errors.Join(errs...))
	}
	dec.Trustees = dec.Trustees[:keys.Threshold]
	lambda, err := lagrange(dec.Trustees)
	if err != nil {
		panic("trustee: internal error: " + err.Error())
	}
	negLambda := make([]*group.Scalar, len(lambda))
	for k := range lambda {
		negLambda[k] = new(group.Scalar).Negate(lambda[k])
	}
	dec.Plaintexts = make([]*group.Element, len(cts))
	par.For(len(cts), 64, func(lo, hi int) {
		ds := make([]*group.Element, len(dec.Trustees))
		for i := lo; i < hi; i++ {
			for k, j := range dec.Trustees {
				ds[k] = &valid[j].entries[i].d
			}
			M := group.NewElement().VarTimeMultiScalarMult(negLambda, ds)
			dec.Plaintexts[i] = M.Add(M, &cts[i].B)
		}
	})
	return dec, nil
}

package mixnet

import (
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"hash"
	"sync"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/proof"
)

// scalarHalf is 1/2 mod ℓ.
var scalarHalf = sync.OnceValue(func() *group.Scalar {
	return group.NewScalar().Invert(group.NewScalar().SetUint64(2))
})

// Shuffle is the work of one mix server: it permutes the rows of in with a
// secret random permutation (the same for every column), re-encrypts every
// ciphertext under p.PublicKey, and proves that it did so with a
// Terelius–Wikström proof bound to p.BaseHash and to the stage index.
// Output row i is input row π(i) re-encrypted.
//
// All the randomness (the permutation, the re-encryption nonces and the
// proof's nonces) is derived from n, bound to the statement: a mix server
// passes proof.RandomNonces(); fixed seeds give reproducible known-answer
// tests. Shuffling the same input twice with the same seed yields the same
// output, never two related ones.
//
// Every operation on the permutation's exponents, the nonces and the
// randomisers is constant time; applying the permutation reads rows at
// secret indices (docs/spec.md §Mixnet, "Side channels"). It runs on
// all cores; for rows of width 1 its peak memory is about 2 KiB per row,
// the input list included.
func Shuffle(p *Params, stage uint32, in *Rows, n *proof.Nonces) (*Rows, *Proof, error) {
	if err := p.check(); err != nil {
		return nil, nil, err
	}
	if in == nil {
		return nil, nil, errors.New("mixnet: shuffle: no input rows")
	}
	if n == nil {
		return nil, nil, errors.New("mixnet: shuffle: no nonces")
	}
	sn := stageNonces(p, stage, in, n)
	wit := drawWitness(sn, in.Len(), in.Width())
	out, pr := shuffleAndProve(p, stage, in, nil, wit, sn, stageGenerators(p, stage))
	return out, pr, nil
}

// A witness is the secret of a shuffle: output row i is input row pi[i]
// re-encrypted with rTilde[i·w+k] in column k.
type witness struct {
	pi     []uint32
	rTilde []group.Scalar
}

// stageNonces returns the nonce source of one shuffle: the child of n with
// index 0 and the 71-byte label "mixnet " ‖ hex(e), where e is the 32-byte
// canonical encoding of the scalar proverChallenge returns (64 lowercase
// hexadecimal digits). Everything the prover draws depends on the seed and
// on the statement, so one seed never serves two statements.
func stageNonces(p *Params, stage uint32, in *Rows, n *proof.Nonces) *proof.Nonces {
	e := proverChallenge(p, stage, in).Bytes()
	return n.Child("mixnet "+hex.EncodeToString(e), 0)
}

// proverChallenge returns the challenge "prover-nonces" drawn from a
// transcript of its own that holds the statement's fields up to the input
// digest (proverContext): the scalar SHA-512(…) mod ℓ, as every challenge.
// The proof's transcript does not contain it.
func proverChallenge(p *Params, stage uint32, in *Rows) *group.Scalar {
	t := proverContext(p, stage, in.Len(), in.Width(), in.Digest())
	return t.Challenge("prover-nonces")
}

// drawWitness derives the permutation and the re-encryption nonces.
func drawWitness(sn *proof.Nonces, n, w int) *witness {
	wit := &witness{
		pi:     randomPermutation(sn.Child("permutation", 0).Seed(), n),
		rTilde: make([]group.Scalar, n*w),
	}
	fillScalars(wit.rTilde, sn, "reencryption")
	return wit
}

// fillScalars sets dst[i] = sn.Scalar(label, i) on all cores.
func fillScalars(dst []group.Scalar, sn *proof.Nonces, label string) {
	par.For(len(dst), 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dst[i].Set(sn.Scalar(label, uint64(i)))
		}
	})
}

// applyShuffle returns the rows Ẽ_i = E_{π(i)} + (r̃·G, r̃·K), column by
// column, with their encoding and digest. Shuffle computes them together
// with the proof; tests use this to build false statements.
func applyShuffle(pk *elgamal.PublicKey, in *Rows, wit *witness) *Rows {
	w, n := in.Width(), in.Len()
	cts := make([]elgamal.Ciphertext, n*w)
	enc := make([]byte, n*w*elgamal.CiphertextSize)
	par.For(n, 64, func(lo, hi int) {
		reencryptRows(pk, in, wit, cts, enc, lo, hi)
	})
	return newRowsFromValues(w, cts, enc)
}

// reencryptRows sets the output rows [lo, hi): Ẽ_{i,k} = E_{π(i),k} +
// (r̃_{i,k}·G, r̃_{i,k}·K), and their encodings. It is constant time in the
// nonces; the rows it reads are at the secret positions π(i).
func reencryptRows(pk *elgamal.PublicKey, in *Rows, wit *witness, cts []elgamal.Ciphertext, enc []byte, lo, hi int) {
	w := in.Width()
	tg := group.BaseTable()
	var rG, rK group.Element
	for i := lo; i < hi; i++ {
		src := int(wit.pi[i]) * w
		for k := 0; k < w; k++ {
			r := &wit.rTilde[i*w+k]
			rG.FixedBaseMult(tg, r)
			pk.ScalarMult(&rK, r)
			ct := &cts[i*w+k]
			ct.A.Add(&in.cts[src+k].A, &rG)
			ct.B.Add(&in.cts[src+k].B, &rK)
			off := (i*w + k) * elgamal.CiphertextSize
			ct.AppendBytes(enc[off:off:(off + elgamal.CiphertextSize)])
		}
	}
}

// proverSecrets are the prover's random values besides the witness.
type proverSecrets struct {
	r          []group.Scalar // r_j, commitment randomness, by input row
	rHat       []group.Scalar // r̂_i, chain randomness
	omegaHat   []group.Scalar // ω̂_i
	omegaPrime []group.Scalar // ω'_i
	omega      [3]group.Scalar
	omega4     []group.Scalar // ω4_k
}

func drawSecrets(sn *proof.Nonces, n, w int) *proverSecrets {
	s := &proverSecrets{
		r:          make([]group.Scalar, n),
		rHat:       make([]group.Scalar, n),
		omegaHat:   make([]group.Scalar, n),
		omegaPrime: make([]group.Scalar, n),
		omega4:     make([]group.Scalar, w),
	}
	fillScalars(s.r, sn, "commitment")
	fillScalars(s.rHat, sn, "chain")
	fillScalars(s.omegaHat, sn, "omega-hat")
	fillScalars(s.omegaPrime, sn, "omega-prime")
	fillScalars(s.omega[:], sn, "omega")
	fillScalars(s.omega4, sn, "omega-4")
	return s
}

// prove computes the proof that out is a shuffle of in with witness wit.
// It does not check the witness: with a false one, the proof does not
// verify. Tests use it to prove false statements; Shuffle computes the
// output rows and the proof together with shuffleAndProve.
func prove(p *Params, stage uint32, in, out *Rows, wit *witness, sn *proof.Nonces, gens generatorSource) *Proof {
	_, pr := shuffleAndProve(p, stage, in, out, wit, sn, gens)
	return pr
}

// shuffleAndProve computes the output rows of the shuffle with witness wit,
// unless out is given, and the proof that they are a shuffle of in. The
// equations are in docs/spec.md §Mixnet; in short, with h = h_0,
// Ĉ_0 = h, u~_i = u_{π(i)}:
//
//	C_{π(i)} = r_{π(i)}·G + h_i
//	Ĉ_i = r̂_i·G + u~_i·Ĉ_{i−1} = R̂_i·G + U_i·h,  U_i = Π_{l≤i} u~_l,  R̂_i = r̂_i + u~_i·R̂_{i−1}
//	T1 = ω1·G, T2 = ω2·G, T3 = ω3·G + Σ ω'_i·h_i
//	T4_k = Σ ω'_i·Ẽ_{i,k} − ω4_k·(G, K)
//	T̂_i = ω̂_i·G + ω'_i·Ĉ_{i−1} = (ω̂_i + ω'_i·R̂_{i−1})·G + ω'_i·U_{i−1}·h
//
// so that every commitment is a fixed-base computation from known
// exponents, except the sums over ω'_i, which use the constant-time
// multi-scalar multiplication. It runs in four passes over the rows, each
// on all cores: (A) the output rows, the permutation commitments and the
// sums over ω'_i, chunk by chunk; (B) the vector challenge and the running
// products U_i and R̂_i, by chunks; (C) Ĉ_i and T̂_i; (D) the responses.
func shuffleAndProve(p *Params, stage uint32, in, out *Rows, wit *witness, sn *proof.Nonces, gens generatorSource) (*Rows, *Proof) {
	w, n := in.Width(), in.Len()
	sec := drawSecrets(sn, n, w)
	pr := &Proof{w: w, n: n, enc: make([]byte, proofSize(w, n))}
	hdr := rowsHeader(w, n)
	copy(pr.enc, hdr[:])
	l := layout(w, n)

	// Phase A.
	var outCts []elgamal.Ciphertext
	var outEnc []byte
	if out == nil {
		outCts = make([]elgamal.Ciphertext, n*w)
		outEnc = make([]byte, n*w*elgamal.CiphertextSize)
	} else {
		outCts = out.cts
	}
	var outHash *orderedHasher
	if out == nil {
		outHash = newOrderedHasher(rowsHasher(w, n), outEnc, proveChunk*w*elgamal.CiphertextSize)
	}
	t3, t4 := commitPermutation(p, in, wit, sec, gens, outCts, outEnc, outHash, pr.enc[l.perm:l.chain])
	if out == nil {
		out = &Rows{width: w, cts: outCts, enc: outEnc}
		outHash.finish().Sum(out.digest[:0])
	}

	// The proof's digest, which the stage signs, hashes the encoding in
	// order; a goroutine hashes each part as soon as it is final, while
	// this one goes on with the parts of the proof that are serial (the
	// transcript's hashing) or short.
	chainDone := make(chan struct{})
	proofHash := make(chan hash.Hash, 1)
	go func() {
		h := sha512.New()
		writeDomain(h, ProofDomain)
		h.Write(pr.enc[:l.chain])
		<-chainDone
		h.Write(pr.enc[l.chain:l.s1])
		proofHash <- h
	}()
	tg := group.BaseTable()
	var tmp group.Element
	t3.Add(t3, tmp.FixedBaseMult(tg, &sec.omega[2]))
	for k := range t4 {
		t4[k].A.Subtract(&t4[k].A, tmp.FixedBaseMult(tg, &sec.omega4[k]))
		t4[k].B.Subtract(&t4[k].B, p.PublicKey.ScalarMult(&tmp, &sec.omega4[k]))
	}
	t1 := group.NewElement().FixedBaseMult(tg, &sec.omega[0])
	t2 := group.NewElement().FixedBaseMult(tg, &sec.omega[1])

	// Phase B: the vector challenge u, u~_i = u_{π(i)}, and the running
	// products U_i and R̂_i at the start of every chunk of phase C.
	t := statementTranscript(p, stage, n, w, in.Digest(), out.Digest())
	t.AppendBytes("C", pr.enc[l.perm:l.chain])
	u := t.Challenges("u", n)
	uT := make([]group.Scalar, n)
	starts := chainStarts(u, wit.pi, sec.rHat, uT)

	// Phase C.
	commitChain(gens, sec, uT, starts, pr.enc[l.chain:l.t1], pr.enc[l.chainT:l.s1])

	// The commitments of the sigma protocol, and the challenge c.
	t1.AppendBytes(pr.enc[l.t1:l.t1])
	t2.AppendBytes(pr.enc[l.t2:l.t2])
	t3.AppendBytes(pr.enc[l.t3:l.t3])
	for k := range t4 {
		t4[k].AppendBytes(pr.enc[l.t4+k*2*es : l.t4+k*2*es])
	}
	close(chainDone)
	appendCommitments(t, pr.enc, l)
	c := t.Challenge("c")

	// Phase D: the responses.
	respond(pr.enc, l, c, u, uT, wit, sec, &starts[len(starts)-1].r, w, n)
	h := <-proofHash
	h.Write(pr.enc[l.s1:])
	h.Sum(pr.digest[:0])
	pr.hasDigest = true
	return out, pr
}

// Rows per chunk of phase A: a constant-time multi-scalar multiplication
// and one batch of generators.
const proveChunk = 256

// commitPermutation is phase A. For every output row i, on all cores and by
// chunks of rows, it derives h_i/2 (the hashed element, see
// CommitmentGenerators); if outHash is set, it re-encrypts the row
// into cts and enc and hands each finished chunk of enc to outHash, which
// hashes them in order meanwhile (otherwise cts already holds the output
// rows); it writes the encoding of C_{π(i)} = r_{π(i)}·G + h_i, computed as
// 2·((r_{π(i)}/2)·G + h_i/2) and encoded with the batched doubling, into
// perm at position π(i), and returns Σ ω'_i·h_i and, for every column k, Σ ω'_i·Ẽ_{i,k}.
func commitPermutation(p *Params, in *Rows, wit *witness, sec *proverSecrets, gens generatorSource,
	cts []elgamal.Ciphertext, enc []byte, outHash *orderedHasher, perm []byte) (*group.Element, []elgamal.Ciphertext) {
	w, n := in.Width(), in.Len()
	tg := group.BaseTable()
	half := scalarHalf()
	type state struct {
		t3          group.Element
		t4          []elgamal.Ciphertext
		hs, cs      []group.Element
		hp, pts, cp []*group.Element
		sp, sp2     []*group.Scalar
		twoOmega    []group.Scalar
	}
	states := make([]*state, chunkWorkers(n, proveChunk))
	forChunks(n, proveChunk, len(states), func(worker, b, e int) {
		st := states[worker]
		if st == nil {
			st = &state{
				t4:       make([]elgamal.Ciphertext, w),
				hs:       make([]group.Element, proveChunk),
				cs:       make([]group.Element, proveChunk),
				hp:       make([]*group.Element, proveChunk),
				pts:      make([]*group.Element, proveChunk),
				cp:       make([]*group.Element, proveChunk),
				sp:       make([]*group.Scalar, proveChunk),
				sp2:      make([]*group.Scalar, proveChunk),
				twoOmega: make([]group.Scalar, proveChunk),
			}
			st.t3.Zero()
			for k := range st.t4 {
				st.t4[k].Zero()
			}
			states[worker] = st
		}
		m := e - b
		gens.halvesInto(st.hs[:m], uint64(b)+1) // h_i/2
		if outHash != nil {
			reencryptRows(p.PublicKey, in, wit, cts, enc, b, e)
			outHash.complete(b / proveChunk)
		}
		var rHalf group.Scalar
		var part group.Element
		for i := b; i < e; i++ {
			j := int(wit.pi[i])
			rHalf.Multiply(&sec.r[j], half)
			st.cs[i-b].FixedBaseMult(tg, &rHalf)
			st.cs[i-b].Add(&st.cs[i-b], &st.hs[i-b]) // C_j/2
			st.cp[i-b] = &st.cs[i-b]
			st.hp[i-b] = &st.hs[i-b]
			st.sp[i-b] = &sec.omegaPrime[i]
			st.twoOmega[i-b].Add(&sec.omegaPrime[i], &sec.omegaPrime[i])
			st.sp2[i-b] = &st.twoOmega[i-b]
		}
		for k, c := range group.DoubleAndEncodeBatch(st.cp[:m]) {
			j := int(wit.pi[b+k])
			copy(perm[j*es:(j+1)*es], c[:])
		}
		part.MultiScalarMult(st.sp2[:m], st.hp[:m]) // Σ 2ω'_i·(h_i/2)
		st.t3.Add(&st.t3, &part)
		for k := 0; k < w; k++ {
			for i := b; i < e; i++ {
				st.pts[i-b] = &cts[i*w+k].A
			}
			part.MultiScalarMult(st.sp[:m], st.pts[:m])
			st.t4[k].A.Add(&st.t4[k].A, &part)
			for i := b; i < e; i++ {
				st.pts[i-b] = &cts[i*w+k].B
			}
			part.MultiScalarMult(st.sp[:m], st.pts[:m])
			st.t4[k].B.Add(&st.t4[k].B, &part)
		}
	})
	t3 := group.NewElement()
	t4 := make([]elgamal.Ciphertext, w)
	for k := range t4 {
		t4[k].Zero()
	}
	for _, st := range states {
		if st == nil {
			continue
		}
		t3.Add(t3, &st.t3)
		for k := range t4 {
			t4[k].Add(&t4[k], &st.t4[k])
		}
	}
	return t3, t4
}

// Rows per batch of phase C: two points per row are encoded together with
// one shared inversion. Phase B computes the running products at the start
// of every batch.
const chainChunk = 256

// A chainStart holds U_s = Π_{l≤s} u~_l and R̂_s (with U_0 = 1, R̂_0 = 0) for
// the first row s of a chunk of phase C, or for s = n after the last one.
type chainStart struct{ u, r group.Scalar }

// chainStarts is phase B: it sets uT[i] = u_{π(i)} and returns the values
// of U and R̂ at the start of every chunk of chainChunk rows and at n, in
// two passes, so that no pass over the rows is serial. R̂ follows the
// affine recurrence R̂_i = u~_i·R̂_{i−1} + r̂_i: over a chunk it composes to
// R̂_end = a·R̂_start + b with a = Π u~_i (the chunk's factor of U), so the
// first pass computes (a, b) for every chunk on all cores and the second
// chains them, one step per chunk.
func chainStarts(u []*group.Scalar, pi []uint32, rHat, uT []group.Scalar) []chainStart {
	n := len(uT)
	chunks := (n + chainChunk - 1) / chainChunk
	ab := make([]chainStart, chunks) // (a, b) of every chunk
	forChunks(n, chainChunk, chunkWorkers(n, chainChunk), func(_, s, e int) {
		a, b := &ab[s/chainChunk].u, &ab[s/chainChunk].r
		a.SetUint64(1)
		for i := s; i < e; i++ {
			uT[i].Set(u[pi[i]])
			a.Multiply(a, &uT[i])
			b.MultiplyAdd(&uT[i], b, &rHat[i])
		}
	})
	starts := make([]chainStart, chunks+1)
	starts[0].u.SetUint64(1)
	for k := range ab {
		starts[k+1].u.Multiply(&starts[k].u, &ab[k].u)
		starts[k+1].r.MultiplyAdd(&ab[k].u, &starts[k].r, &ab[k].r)
	}
	return starts
}

// commitChain is phase C: it writes the encodings of Ĉ_1 … Ĉ_n into chain
// and of T̂_1 … T̂_n into chainT, computed from their exponents at half the
// exponents and encoded by batch doubling:
//
//	Ĉ_i = 2·((R̂_i/2)·G + (U_i/2)·h)
//	T̂_i = 2·(((ω̂_i + ω'_i·R̂_{i−1})/2)·G + ((ω'_i·U_{i−1})/2)·h)
//
// Each chunk runs U and R̂ forward from its start.
func commitChain(gens generatorSource, sec *proverSecrets, uT []group.Scalar, starts []chainStart, chain, chainT []byte) {
	n := len(uT)
	tables := []*group.FixedBaseTable{group.BaseTable(), group.NewFixedBaseTable(gens.at(0))}
	half := scalarHalf()
	type state struct {
		pts  []group.Element
		ptrs []*group.Element
	}
	states := make([]*state, chunkWorkers(n, chainChunk))
	forChunks(n, chainChunk, len(states), func(worker, s, e int) {
		st := states[worker]
		if st == nil {
			st = &state{pts: make([]group.Element, 2*chainChunk), ptrs: make([]*group.Element, 2*chainChunk)}
			states[worker] = st
		}
		var a, b, bigU, bigR group.Scalar
		ab := []*group.Scalar{&a, &b}
		bigU.Set(&starts[s/chainChunk].u) // U_{i−1} and R̂_{i−1} of row i (0-based), then U_i and R̂_i
		bigR.Set(&starts[s/chainChunk].r)
		m := e - s
		for i := s; i < e; i++ {
			a.MultiplyAdd(&sec.omegaPrime[i], &bigR, &sec.omegaHat[i])
			a.Multiply(&a, half)
			b.Multiply(&sec.omegaPrime[i], &bigU)
			b.Multiply(&b, half)
			st.pts[m+i-s].FixedBaseMultiScalarMult(ab, tables)
			bigU.Multiply(&bigU, &uT[i])
			bigR.MultiplyAdd(&uT[i], &bigR, &sec.rHat[i])
			a.Multiply(&bigR, half)
			b.Multiply(&bigU, half)
			st.pts[i-s].FixedBaseMultiScalarMult(ab, tables)
		}
		for q := 0; q < 2*m; q++ {
			st.ptrs[q] = &st.pts[q]
		}
		encs := group.DoubleAndEncodeBatch(st.ptrs[:2*m])
		for i := s; i < e; i++ {
			copy(chain[i*es:], encs[i-s][:])
			copy(chainT[i*es:], encs[m+i-s][:])
		}
	})
}

// respond is phase D: it writes the responses
//
//	s1 = ω1 + c·Σ r_j,  s2 = ω2 + c·R̂_n,  s3 = ω3 + c·Σ r_j·u_j,
//	s4_k = ω4_k + c·Σ r̃_{i,k}·u~_i,  ŝ_i = ω̂_i + c·r̂_i,  s'_i = ω'_i + c·u~_i
//
// into enc, computing the sums and the per-row responses on all cores.
func respond(enc []byte, l proofLayout, c *group.Scalar, u []*group.Scalar, uT []group.Scalar, wit *witness,
	sec *proverSecrets, rHatN *group.Scalar, w, n int) {
	var mu sync.Mutex
	var sumR, sumRU group.Scalar
	sumRT := make([]group.Scalar, w)
	par.For(n, 1024, func(lo, hi int) {
		var sR, sRU, s group.Scalar
		sRT := make([]group.Scalar, w)
		for i := lo; i < hi; i++ {
			sR.Add(&sR, &sec.r[i])
			sRU.MultiplyAdd(&sec.r[i], u[i], &sRU)
			for k := 0; k < w; k++ {
				sRT[k].MultiplyAdd(&wit.rTilde[i*w+k], &uT[i], &sRT[k])
			}
			putScalar(enc[l.sHat+i*ss:], s.MultiplyAdd(c, &sec.rHat[i], &sec.omegaHat[i]))
			putScalar(enc[l.sPrime+i*ss:], s.MultiplyAdd(c, &uT[i], &sec.omegaPrime[i]))
		}
		mu.Lock()
		sumR.Add(&sumR, &sR)
		sumRU.Add(&sumRU, &sRU)
		for k := range sumRT {
			sumRT[k].Add(&sumRT[k], &sRT[k])
		}
		mu.Unlock()
	})
	var s group.Scalar
	putScalar(enc[l.s1:], s.MultiplyAdd(c, &sumR, &sec.omega[0]))
	putScalar(enc[l.s2:], s.MultiplyAdd(c, rHatN, &sec.omega[1]))
	putScalar(enc[l.s3:], s.MultiplyAdd(c, &sumRU, &sec.omega[2]))
	for k := 0; k < w; k++ {
		putScalar(enc[l.s4+k*ss:], s.MultiplyAdd(c, &sumRT[k], &sec.omega4[k]))
	}
}

// appendCommitments appends the fields of the proof after the vector
// challenge and before c: Ĉ, T1, T2, T3, T4 and T̂, as they are encoded in
// enc.
func appendCommitments(t *proof.Transcript, enc []byte, l proofLayout) {
	t.AppendBytes("Chat", enc[l.chain:l.t1])
	t.AppendBytes("T1", enc[l.t1:l.t2])
	t.AppendBytes("T2", enc[l.t2:l.t3])
	t.AppendBytes("T3", enc[l.t3:l.t4])
	t.AppendBytes("T4", enc[l.t4:l.chainT])
	t.AppendBytes("That", enc[l.chainT:l.s1])
}

func putScalar(dst []byte, s *group.Scalar) { copy(dst[:ss], s.Bytes()) }

// generatorSource derives the commitment generators of one stage.
type generatorSource struct {
	id []byte
	// other, if set, replaces the derivation; tests use it to play a
	// prover that chooses its own generators.
	other func(i uint64) *group.Element
}

func stageGenerators(p *Params, stage uint32) generatorSource {
	return generatorSource{id: generatorID(p.BaseHash, stage)}
}

// at returns generator i (see CommitmentGenerators).
func (g generatorSource) at(i uint64) *group.Element {
	if g.other != nil {
		return g.other(i)
	}
	e := group.Generator(GeneratorTag, g.id, i)
	return e.Add(e, e)
}

// into sets dst[k] to generator first+k.
func (g generatorSource) into(dst []group.Element, first uint64) {
	g.halvesInto(dst, first)
	for k := range dst {
		dst[k].Add(&dst[k], &dst[k])
	}
}

// halvesInto sets dst[k] to half of generator first+k, which is the hashed
// element itself (see CommitmentGenerators).
func (g generatorSource) halvesInto(dst []group.Element, first uint64) {
	if g.other != nil {
		for k := range dst {
			dst[k].ScalarMult(scalarHalf(), g.other(first+uint64(k)))
		}
		return
	}
	group.GeneratorsInto(dst, GeneratorTag, g.id, first)
}

package trustee

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// decryptWith decrypts test ciphertexts with the key shares of the given
// trustees (all of keys if set is nil) and checks the plaintexts.
func decryptWith(t *testing.T, res *Result, keys []*KeyShare, set []int) {
	t.Helper()
	pk, err := res.ElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	cts, ms := testCiphertexts(pk, 9)
	var lists []*ShareList
	for _, ks := range keys {
		if set != nil && !slices.Contains(set, ks.index) {
			continue
		}
		l, err := ks.DecryptSharesUnchecked([]byte("base"), cts)
		if err != nil {
			t.Fatal(err)
		}
		lists = append(lists, l)
	}
	dec, err := Combine([]byte("base"), res, cts, lists)
	if err != nil {
		t.Fatal(err)
	}
	for i, M := range dec.Plaintexts {
		if M.Equal(group.NewElement().ScalarBaseMult(new(group.Scalar).SetUint64(ms[i]))) != 1 {
			t.Fatalf("ciphertext %d does not decrypt to %d·G", i, ms[i])
		}
	}
}

// setup runs an honest ceremony and returns its result, the key shares,
// ciphertexts and every trustee's share list.
func setup(t *testing.T, n, th, m int) (*Result, []*KeyShare, []*elgamal.Ciphertext, []uint64, []*ShareList) {
	t.Helper()
	r, ts := testTrustees(t, n, th)
	res, keys := finishAll(t, runCeremony(t, r, ts, hooks{}), ts)
	pk, _ := res.ElectionKey()
	cts, ms := testCiphertexts(pk, m)
	lists := make([]*ShareList, n)
	for k, ks := range keys {
		var err error
		if lists[k], err = ks.DecryptSharesUnchecked([]byte("base"), cts); err != nil {
			t.Fatal(err)
		}
	}
	return res, keys, cts, ms, lists
}

// tamper returns a copy of list with entry i's field (0 share, 1
// commitment1, 2 commitment2, 3 response) changed to another valid value.
func tamper(t *testing.T, list *ShareList, i, field int) *ShareList {
	t.Helper()
	b := list.Bytes()
	off := 12 + i*shareEntrySize + 32*field
	if field < 3 {
		var e group.Element
		e.SetCanonicalBytes(b[off : off+32])
		e.Add(&e, group.NewGeneratorElement())
		copy(b[off:], e.Bytes())
	} else {
		var s group.Scalar
		s.SetCanonicalBytes(b[off : off+32])
		s.Add(&s, new(group.Scalar).SetUint64(1))
		copy(b[off:], s.Bytes())
	}
	out, err := new(ShareList).SetCanonicalBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWrongDecryptionShareExcluded is the test: a trustee who
// publishes a wrong decryption share is named and excluded, and decryption
// proceeds with the others.
func TestWrongDecryptionShareExcluded(t *testing.T) {
	res, _, cts, ms, lists := setup(t, 5, 3, 12)
	bad := tamper(t, lists[1], 7, 0)
	dec, err := Combine([]byte("base"), res, cts, []*ShareList{lists[0], bad, lists[2], lists[4]})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dec.Trustees, []int{1, 3, 5}) {
		t.Fatalf("used %v", dec.Trustees)
	}
	if len(dec.Rejected) != 1 || dec.Rejected[0].Trustee != 2 || !slices.Equal(dec.Rejected[0].Entries, []int{7}) {
		t.Fatalf("rejected %v", dec.Rejected)
	}
	t.Log(dec.Rejected[0])
	for i, M := range dec.Plaintexts {
		if M.Equal(group.NewElement().ScalarBaseMult(new(group.Scalar).SetUint64(ms[i]))) != 1 {
			t.Fatalf("ciphertext %d", i)
		}
	}
	// With only two valid lists left, decryption fails and names the bad
	// trustee.
	_, err = Combine([]byte("base"), res, cts, []*ShareList{lists[0], bad, lists[2]})
	var sle *ShareListError
	if err == nil || !errors.As(err, &sle) || sle.Trustee != 2 {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
	// Two valid lists and none rejected: the error says so, and has no
	// empty wrapped error ("%!w(<nil>)").
	_, err = Combine([]byte("base"), res, cts, []*ShareList{lists[0], lists[2]})
	if err == nil || strings.Contains(err.Error(), "%!") || !strings.Contains(err.Error(), "2 valid share lists, fewer than the threshold 3; none was rejected") {
		t.Fatalf("err = %v", err)
	}
	// One list is "1 valid share list", not "1 valid share lists".
	_, err = Combine([]byte("base"), res, cts, []*ShareList{lists[0]})
	if err == nil || !strings.Contains(err.Error(), "trustee: combine: 1 valid share list, fewer than the threshold 3; none was rejected") {
		t.Fatalf("err = %v", err)
	}
}

// TestBatchNamesEveryBadEntry: whatever fields of whichever entries are
// wrong, the batch fails and the fallback names exactly those entries.
func TestBatchNamesEveryBadEntry(t *testing.T) {
	res, _, cts, _, lists := setup(t, 3, 2, 40)
	vk := res.VerificationKey(2)
	for _, tc := range []struct {
		entries, fields []int
	}{
		{[]int{0}, []int{0}},
		{[]int{39}, []int{1}},
		{[]int{5}, []int{2}},
		{[]int{17}, []int{3}},
		{[]int{3, 4, 30}, []int{0, 3, 1}},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
	} {
		l := lists[1]
		for k, i := range tc.entries {
			l = tamper(t, l, i, tc.fields[k])
		}
		err := VerifyShareList([]byte("base"), vk, cts, l)
		var sle *ShareListError
		if !errors.As(err, &sle) || sle.Trustee != 2 || !slices.Equal(sle.Entries, tc.entries) {
			t.Fatalf("tampered %v: err = %v", tc.entries, err)
		}
	}
	// The list is bound to its trustee, its key, its base hash and its
	// ciphertexts.
	if VerifyShareList([]byte("base"), res.VerificationKey(1), cts, lists[1]) == nil {
		t.Fatal("accepted under another trustee's key")
	}
	if VerifyShareList([]byte("other base"), vk, cts, lists[1]) == nil {
		t.Fatal("accepted under another base hash")
	}
	swapped := slices.Clone(cts)
	swapped[3], swapped[4] = swapped[4], swapped[3]
	err := VerifyShareList([]byte("base"), vk, swapped, lists[1])
	var sle *ShareListError
	if !errors.As(err, &sle) || !slices.Equal(sle.Entries, []int{3, 4}) {
		t.Fatalf("swapped ciphertexts: err = %v", err)
	}
	if VerifyShareList([]byte("base"), vk, cts[:39], lists[1]) == nil {
		t.Fatal("accepted a list longer than the ciphertexts")
	}
	relabel := new(ShareList)
	b := lists[1].Bytes()
	b[3] = 1
	relabel.SetCanonicalBytes(b)
	if VerifyShareList([]byte("base"), vk, cts, relabel) == nil {
		t.Fatal("accepted trustee 2's list relabelled as trustee 1's under trustee 2's key")
	}
}

// TestCombineRejections: lists of unknown trustees, repeated lists and
// lists of the wrong length are named and left out.
func TestCombineRejections(t *testing.T) {
	res, _, cts, _, lists := setup(t, 4, 2, 5)
	short := &ShareList{trustee: 3, entries: lists[2].entries[:4]}
	stranger := &ShareList{trustee: 9, entries: lists[0].entries}
	dec, err := Combine([]byte("base"), res, cts, []*ShareList{stranger, lists[3], lists[3], short, nil, lists[1]})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dec.Trustees, []int{2, 4}) || len(dec.Rejected) != 3 {
		t.Fatalf("used %v, rejected %v", dec.Trustees, dec.Rejected)
	}
	for k, want := range []string{"not a trustee", "second share list", "4 shares for 5 ciphertexts"} {
		if !strings.Contains(dec.Rejected[k].Error(), want) {
			t.Errorf("rejection %d: %v, want %q", k, dec.Rejected[k], want)
		}
	}
}

// referenceVerify checks one decryption share exactly as docs/spec.md
// describes it, written independently of the batch verifier: the transcript
// from its fields, then the two equations with plain scalar
// multiplications.
func referenceVerify(base []byte, j int, K *group.Element, ct *elgamal.Ciphertext, D *group.Element, p *proof.ChaumPedersen) bool {
	tr := proof.NewTranscript("sandogh-v1 decryption share", base)
	tr.AppendUint64("trustee", uint64(j))
	tr.AppendElement("verification-key", K)
	tr.AppendBytes("ciphertext-2a", group.NewElement().Add(&ct.A, &ct.A).Bytes())
	tr.AppendBytes("share", D.Bytes())
	tr.AppendBytes("commitment1", p.Commitment1.Bytes())
	tr.AppendBytes("commitment2", p.Commitment2.Bytes())
	c := tr.Challenge("challenge")
	lhs1 := group.NewElement().ScalarBaseMult(&p.Response)
	rhs1 := group.NewElement().Add(&p.Commitment1, group.NewElement().ScalarMult(c, K))
	lhs2 := group.NewElement().ScalarMult(&p.Response, &ct.A)
	rhs2 := group.NewElement().Add(&p.Commitment2, group.NewElement().ScalarMult(c, D))
	return lhs1.Equal(rhs1) == 1 && lhs2.Equal(rhs2) == 1
}

// TestDecryptionShareDifferential: the shares are s_j·A_i, the fast prover's
// proofs verify with the reference verifier, and the batch verifier agrees
// with it on tampered entries.
func TestDecryptionShareDifferential(t *testing.T) {
	res, keys, cts, _, lists := setup(t, 3, 2, 300)
	for k, l := range lists {
		ks := keys[k]
		if l.Trustee() != ks.Index() || l.Len() != len(cts) {
			t.Fatal("list header")
		}
		for i := range cts {
			if group.NewElement().ScalarMult(&ks.secret, &cts[i].A).Equal(l.Share(i)) != 1 {
				t.Fatalf("trustee %d entry %d: D ≠ s·A", ks.index, i)
			}
			if i%10 == 0 && !referenceVerify([]byte("base"), ks.index, res.VerificationKey(ks.index), cts[i], l.Share(i), l.Proof(i)) {
				t.Fatalf("trustee %d entry %d: the reference verifier rejects the proof", ks.index, i)
			}
		}
	}
	bad := tamper(t, lists[0], 42, 3)
	if referenceVerify([]byte("base"), 1, res.VerificationKey(1), cts[42], bad.Share(42), bad.Proof(42)) {
		t.Fatal("reference verifier accepts a tampered response")
	}
	// Nonces are fresh per call: two share lists of the same ciphertexts
	// have the same shares and different proofs.
	again, _ := keys[0].DecryptSharesUnchecked([]byte("base"), cts)
	if again.Share(5).Equal(lists[0].Share(5)) != 1 || again.Proof(5).Response.Equal(&lists[0].Proof(5).Response) == 1 {
		t.Fatal("proof nonces repeat across calls")
	}
}

// TestEmptyShareList: zero ciphertexts give an empty list that verifies.
func TestEmptyShareList(t *testing.T) {
	res, keys, _, _, _ := setup(t, 2, 1, 0)
	l, err := keys[0].DecryptSharesUnchecked([]byte("base"), nil)
	if err != nil || l.Len() != 0 {
		t.Fatal(l, err)
	}
	if err := VerifyShareList([]byte("base"), res.VerificationKey(1), nil, l); err != nil {
		t.Fatal(err)
	}
	dec, err := Combine([]byte("base"), res, nil, []*ShareList{l})
	if err != nil || len(dec.Plaintexts) != 0 {
		t.Fatal(dec, err)
	}
	if _, err := keys[0].DecryptSharesUnchecked([]byte("base"), []*elgamal.Ciphertext{nil}); err == nil {
		t.Fatal("accepted a nil ciphertext")
	}
}

// TestLagrangeDifferential compares the Lagrange coefficients and
// polynomial evaluation with interpolation in the exponent: for random
// polynomials of degree t−1, Σ λ_j f(j) = f(0) for every subset of size t.
func TestLagrangeDifferential(t *testing.T) {
	for th := 1; th <= 6; th++ {
		coeffs := make([]*group.Scalar, th)
		for k := range coeffs {
			coeffs[k] = seededScalar(fmt.Sprint("poly ", th, " ", k))
		}
		for _, set := range subsets(8, th) {
			lambda, err := lagrange(set)
			if err != nil {
				t.Fatal(err)
			}
			sum := new(group.Scalar)
			for k, j := range set {
				sum.MultiplyAdd(lambda[k], evalPolynomial(coeffs, j), sum)
			}
			if sum.Equal(coeffs[0]) != 1 {
				t.Fatalf("t=%d set %v: interpolation at 0 is not a_0", th, set)
			}
		}
	}
	// Commitments evaluate like the polynomial.
	coeffs := []*group.Scalar{seededScalar("a"), seededScalar("b"), seededScalar("c")}
	C := make([]*group.Element, 3)
	for k := range C {
		C[k] = group.NewElement().ScalarBaseMult(coeffs[k])
	}
	for j := 1; j < 10; j++ {
		if !shareMatches(evalPolynomial(coeffs, j), C, j) || !varTimeShareMatches(evalPolynomial(coeffs, j), C, j) {
			t.Fatalf("f(%d)·G ≠ Σ j^k C_k", j)
		}
		if shareMatches(evalPolynomial(coeffs, j+1), C, j) {
			t.Fatalf("f(%d) matches at %d", j+1, j)
		}
	}
	// Small known values: for {1, 2}, λ = (2, −1); for {1, 2, 3}, λ = (3, −3, 1).
	for _, tc := range []struct {
		set  []int
		want []int64
	}{{[]int{1, 2}, []int64{2, -1}}, {[]int{1, 2, 3}, []int64{3, -3, 1}}, {[]int{2, 4}, []int64{2, -1}}} {
		lambda, _ := lagrange(tc.set)
		for k := range lambda {
			if lambda[k].Equal(new(group.Scalar).SetInt64(tc.want[k])) != 1 {
				t.Fatalf("λ for %v: entry %d is not %d", tc.set, k, tc.want[k])
			}
		}
	}
	if _, err := lagrange([]int{1, 1}); err == nil {
		t.Fatal("repeated index accepted")
	}
	if _, err := lagrange([]int{0, 1}); err == nil {
		t.Fatal("index 0 accepted")
	}
}

// TestDecryptionSharesEdgeCiphertexts: ciphertexts whose A is the identity,
// G, −G or a multiple of G by an edge scalar get the shares s_j·A and proofs
// that both the batch and the reference verifier accept.
func TestDecryptionSharesEdgeCiphertexts(t *testing.T) {
	res, keys, _, _, _ := setup(t, 2, 2, 0)
	var cts []*elgamal.Ciphertext
	for _, r := range []int64{0, 1, -1, 2, 1 << 62, -(1 << 62)} {
		ct := elgamal.NewCiphertext()
		ct.A.ScalarBaseMult(new(group.Scalar).SetInt64(r))
		ct.B.ScalarBaseMult(new(group.Scalar).SetInt64(r + 5))
		cts = append(cts, ct)
	}
	for _, ks := range keys {
		l, err := ks.DecryptSharesUnchecked([]byte("base"), cts)
		if err != nil {
			t.Fatal(err)
		}
		vk := res.VerificationKey(ks.index)
		if err := VerifyShareList([]byte("base"), vk, cts, l); err != nil {
			t.Fatalf("trustee %d: %v", ks.index, err)
		}
		for i, ct := range cts {
			if group.NewElement().ScalarMult(&ks.secret, &ct.A).Equal(l.Share(i)) != 1 {
				t.Errorf("trustee %d entry %d: D ≠ s·A", ks.index, i)
			}
			if !referenceVerify([]byte("base"), ks.index, vk, ct, l.Share(i), l.Proof(i)) {
				t.Errorf("trustee %d entry %d: the reference verifier rejects the proof", ks.index, i)
			}
		}
	}
}

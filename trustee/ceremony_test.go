package trustee

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// forgeShare returns a share message of dealer tr for recipient j holding
// the value v, signed by the dealer: a dealer that cheats.
func forgeShare(tb testing.TB, tr *Trustee, j int, v *group.Scalar) *EncryptedShare {
	ct, err := encryptShare(tr.roster.member(j).EncryptionKey, tr.roster.hash, tr.index, j, v)
	if err != nil {
		tb.Fatal(err)
	}
	s := &EncryptedShare{Ceremony: tr.roster.Hash(), Dealer: tr.index, Recipient: j, Ciphertext: ct}
	s.Signature = sign(tr.id.signing, shareLabel, s.body())
	return s
}

func replaceShare(c *Ceremony, s *EncryptedShare) {
	for k, old := range c.Shares {
		if old.Dealer == s.Dealer && old.Recipient == s.Recipient {
			c.Shares[k] = s
		}
	}
}

func removeShare(c *Ceremony, dealer, recipient int) {
	c.Shares = slices.DeleteFunc(c.Shares, func(s *EncryptedShare) bool { return s.Dealer == dealer && s.Recipient == recipient })
}

func forgeResponse(tr *Trustee, j int, v *group.Scalar) *ComplaintResponse {
	r := &ComplaintResponse{Ceremony: tr.roster.Hash(), Dealer: tr.index, Complainant: j}
	r.Share.Set(v)
	r.Signature = sign(tr.id.signing, responseLabel, r.body())
	return r
}

func forgeComplaint(tr *Trustee, dealer int, reason ComplaintReason) *Complaint {
	c := &Complaint{Ceremony: tr.roster.Hash(), Complainant: tr.index, Dealer: dealer, Reason: reason}
	c.Signature = sign(tr.id.signing, complaintLabel, c.body())
	return c
}

func resign(tr *Trustee, c *Commitments) {
	c.Signature = sign(tr.id.signing, commitmentsLabel, c.body())
}

// jointSecret returns Σ_{i ∈ qual} a_{i,0}, known to the test only.
func jointSecret(ts []*Trustee, qual []int) *group.Scalar {
	x := new(group.Scalar)
	for _, i := range qual {
		x.Add(x, ts[i-1].coeffs[0])
	}
	return x
}

func checkKeys(t *testing.T, res *Result, keys []*KeyShare, ts []*Trustee) {
	t.Helper()
	x := jointSecret(ts, res.Qualified)
	if group.NewElement().ScalarBaseMult(x).Equal(res.PublicKey) != 1 {
		t.Fatal("the joint public key is not Σ a_{i,0}·G over the qualified dealers")
	}
	for _, ks := range keys {
		want := new(group.Scalar)
		for _, i := range res.Qualified {
			want.Add(want, evalPolynomial(ts[i-1].coeffs, ks.index))
		}
		if ks.secret.Equal(want) != 1 {
			t.Fatalf("trustee %d: key share is not Σ f_i(j)", ks.index)
		}
	}
}

func subsets(n, k int) [][]int {
	var out [][]int
	var rec func(start int, cur []int)
	rec = func(start int, cur []int) {
		if len(cur) == k {
			out = append(out, slices.Clone(cur))
			return
		}
		for i := start; i <= n; i++ {
			rec(i+1, append(cur, i))
		}
	}
	rec(1, nil)
	return out
}

// TestThresholdSubsets is the test: n = 5, t = 3; every one of the
// 10 subsets of three trustees decrypts identically, and two cannot.
func TestThresholdSubsets(t *testing.T) {
	r, ts := testTrustees(t, 5, 3)
	c := runCeremony(t, r, ts, hooks{})
	if len(c.Complaints) != 0 {
		t.Fatalf("honest ceremony produced complaints: %v", c.Complaints)
	}
	res, keys := finishAll(t, c, ts)
	if !slices.Equal(res.Qualified, []int{1, 2, 3, 4, 5}) || len(res.Excluded) != 0 {
		t.Fatalf("qualified %v, excluded %v", res.Qualified, res.Excluded)
	}
	checkKeys(t, res, keys, ts)

	pk, err := res.ElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	cts, ms := testCiphertexts(pk, 20)
	base := []byte("election base hash")
	lists := make([]*ShareList, 5)
	for k, ks := range keys {
		if lists[k], err = ks.DecryptSharesUnchecked(base, cts); err != nil {
			t.Fatal(err)
		}
		if err := VerifyShareList(base, res.VerificationKey(k+1), cts, lists[k]); err != nil {
			t.Fatal(err)
		}
	}
	all := subsets(5, 3)
	if len(all) != 10 {
		t.Fatalf("%d subsets", len(all))
	}
	var first []*group.Element
	for _, set := range all {
		var chosen []*ShareList
		for _, j := range set {
			chosen = append(chosen, lists[j-1])
		}
		dec, err := Combine(base, res, cts, chosen)
		if err != nil {
			t.Fatalf("subset %v: %v", set, err)
		}
		if !slices.Equal(dec.Trustees, set) || len(dec.Rejected) != 0 {
			t.Fatalf("subset %v: used %v, rejected %v", set, dec.Trustees, dec.Rejected)
		}
		for i, M := range dec.Plaintexts {
			want := group.NewElement().ScalarBaseMult(new(group.Scalar).SetUint64(ms[i]))
			if M.Equal(want) != 1 {
				t.Fatalf("subset %v: ciphertext %d does not decrypt to %d·G", set, i, ms[i])
			}
			if first != nil && M.Equal(first[i]) != 1 {
				t.Fatalf("subset %v decrypts ciphertext %d differently", set, i)
			}
		}
		first = dec.Plaintexts
	}
	for _, set := range subsets(5, 2) {
		_, err := Combine(base, res, cts, []*ShareList{lists[set[0]-1], lists[set[1]-1]})
		if err == nil {
			t.Fatalf("two trustees %v decrypted", set)
		}
		// Two shares interpolated as if the threshold were two give
		// garbage, not the plaintext.
		lambda, _ := lagrange(set)
		M := group.NewElement().Set(&cts[1].B)
		for k, j := range set {
			M.Subtract(M, group.NewElement().ScalarMult(lambda[k], lists[j-1].Share(1)))
		}
		if M.Equal(group.NewElement().ScalarBaseMult(new(group.Scalar).SetUint64(ms[1]))) == 1 {
			t.Fatalf("two trustees %v recovered a plaintext by interpolation", set)
		}
	}
}

// TestWrongShareExcluded: a dealer sends one wrong share; the recipient
// complains; the dealer stands by the wrong value, or stays silent, and is
// excluded. Decryption works with the others.
func TestWrongShareExcluded(t *testing.T) {
	for _, silent := range []bool{false, true} {
		t.Run(fmt.Sprintf("silent=%v", silent), func(t *testing.T) {
			r, ts := testTrustees(t, 5, 3)
			bad := new(group.Scalar).Add(evalPolynomial(ts[1].coeffs, 4), new(group.Scalar).SetUint64(1))
			h := hooks{
				round2:    func(c *Ceremony) { replaceShare(c, forgeShare(t, ts[1], 4, bad)) },
				skipReply: map[int]bool{2: true},
			}
			if !silent {
				h.respond = func(c *Ceremony) { c.Responses = append(c.Responses, forgeResponse(ts[1], 4, bad)) }
			}
			c := runCeremony(t, r, ts, h)
			if len(c.Complaints) != 1 || c.Complaints[0].Complainant != 4 || c.Complaints[0].Dealer != 2 || c.Complaints[0].Reason != ShareInconsistent {
				t.Fatalf("complaints: %+v", c.Complaints)
			}
			res, keys := finishAll(t, c, ts)
			want := Exclusion{Dealer: 2, Reason: InvalidResponse, Trustee: 4, Coefficient: -1}
			if silent {
				want.Reason = UnansweredComplaint
			}
			if !slices.Equal(res.Qualified, []int{1, 3, 4, 5}) || len(res.Excluded) != 1 || res.Excluded[0] != want {
				t.Fatalf("qualified %v, excluded %v, want %v", res.Qualified, res.Excluded, want)
			}
			if len(res.Judgments) != 1 || res.Judgments[0] != (Judgment{4, 2, ComplaintUpheld}) {
				t.Fatalf("judgments %v", res.Judgments)
			}
			checkKeys(t, res, keys, ts)
			decryptWith(t, res, keys, []int{2, 4, 5})
		})
	}
}

// TestWrongShareCorrected: a dealer whose share did not arrive intact
// reveals the right one; the complaint is dismissed, the dealer stays and
// the recipient uses the revealed share.
func TestWrongShareCorrected(t *testing.T) {
	r, ts := testTrustees(t, 5, 3)
	c := runCeremony(t, r, ts, hooks{
		round2: func(c *Ceremony) {
			replaceShare(c, forgeShare(t, ts[0], 3, seededScalar("garbage")))
			removeShare(c, 5, 2)
		},
	})
	if len(c.Complaints) != 2 {
		t.Fatalf("complaints: %+v", c.Complaints)
	}
	res, keys := finishAll(t, c, ts)
	if len(res.Qualified) != 5 {
		t.Fatalf("excluded %v", res.Excluded)
	}
	want := []Judgment{{3, 1, ComplaintDismissed}, {2, 5, ComplaintDismissed}}
	if !slices.Equal(res.Judgments, want) {
		t.Fatalf("judgments %v, want %v", res.Judgments, want)
	}
	checkKeys(t, res, keys, ts)
}

// TestFalseComplaintRejected: a trustee complains against an honest
// dealer; the dealer's revealed share verifies, the complaint is dismissed
// and the dealer stays.
func TestFalseComplaintRejected(t *testing.T) {
	r, ts := testTrustees(t, 5, 3)
	c := runCeremony(t, r, ts, hooks{
		complain: func(c *Ceremony) { c.Complaints = append(c.Complaints, forgeComplaint(ts[2], 1, ShareInconsistent)) },
	})
	res, keys := finishAll(t, c, ts)
	if len(res.Qualified) != 5 || len(res.Excluded) != 0 {
		t.Fatalf("qualified %v, excluded %v", res.Qualified, res.Excluded)
	}
	if !slices.Equal(res.Judgments, []Judgment{{3, 1, ComplaintDismissed}}) {
		t.Fatalf("judgments %v", res.Judgments)
	}
	checkKeys(t, res, keys, ts)
	decryptWith(t, res, keys, []int{1, 3, 5})
}

// TestExclusions covers every other reason for excluding a dealer.
func TestExclusions(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    func(ts []*Trustee) hooks
		want Exclusion
	}{
		{"no commitments", func(ts []*Trustee) hooks {
			return hooks{round1: func(c *Ceremony) { c.Commitments = slices.Delete(c.Commitments, 3, 4) }}
		}, Exclusion{4, NoCommitments, 0, -1}},
		{"invalid proof", func(ts []*Trustee) hooks {
			return hooks{round1: func(c *Ceremony) {
				m := c.Commitments[4]
				m.Proofs[1].Response.Add(&m.Proofs[1].Response, new(group.Scalar).SetUint64(1))
				resign(ts[4], m)
			}}
		}, Exclusion{5, InvalidProof, 0, 1}},
		{"proof of another coefficient", func(ts []*Trustee) hooks {
			return hooks{round1: func(c *Ceremony) {
				m := c.Commitments[0]
				m.Proofs[0], m.Proofs[2] = m.Proofs[2], m.Proofs[0]
				resign(ts[0], m)
			}}
		}, Exclusion{1, InvalidProof, 0, 0}},
		{"too few coefficients", func(ts []*Trustee) hooks {
			return hooks{round1: func(c *Ceremony) {
				m := c.Commitments[2]
				m.Coefficients, m.Proofs = m.Coefficients[:2], m.Proofs[:2]
				resign(ts[2], m)
			}}
		}, Exclusion{3, InvalidCommitments, 0, 2}},
		{"identity coefficient", func(ts []*Trustee) hooks {
			return hooks{round1: func(c *Ceremony) {
				m := c.Commitments[1]
				zero := new(group.Scalar)
				m.Coefficients[2] = group.NewElement()
				m.Proofs[2] = proof.ProveSchnorr(coefficientTranscript(m.Ceremony, 2, 2), group.NewGeneratorElement(), m.Coefficients[2], zero, proof.RandomNonces())
				resign(ts[1], m)
			}}
		}, Exclusion{2, InvalidCommitments, 0, 2}},
		{"identity coefficient after a bad proof", func(ts []*Trustee) hooks {
			// Rule 3 comes before rule 4 whatever the coefficients'
			// order.
			return hooks{round1: func(c *Ceremony) {
				m := c.Commitments[1]
				m.Proofs[0].Response.Add(&m.Proofs[0].Response, new(group.Scalar).SetUint64(1))
				m.Coefficients[2] = group.NewElement()
				m.Proofs[2] = proof.ProveSchnorr(coefficientTranscript(m.Ceremony, 2, 2), group.NewGeneratorElement(), m.Coefficients[2], new(group.Scalar), proof.RandomNonces())
				resign(ts[1], m)
			}}
		}, Exclusion{2, InvalidCommitments, 0, 2}},
		{"equivocating commitments", func(ts []*Trustee) hooks {
			return hooks{round1: func(c *Ceremony) {
				m := *c.Commitments[1]
				m.Coefficients = slices.Clone(m.Coefficients)
				m.Coefficients[0] = group.NewElement().ScalarBaseMult(seededScalar("other"))
				resign(ts[1], &m)
				c.Commitments = append(c.Commitments, &m)
			}}
		}, Exclusion{2, Equivocation, 0, -1}},
		{"equivocating share", func(ts []*Trustee) hooks {
			return hooks{round2: func(c *Ceremony) {
				c.Shares = append(c.Shares, forgeShare(t, ts[2], 1, evalPolynomial(ts[2].coeffs, 1)))
			}}
		}, Exclusion{3, Equivocation, 1, -1}},
		{"missing share without complaint", func(ts []*Trustee) hooks {
			return hooks{
				round2:   func(c *Ceremony) { removeShare(c, 1, 5) },
				skipRecv: map[int]bool{5: true},
			}
		}, Exclusion{1, MissingShare, 5, -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ts := testTrustees(t, 5, 3)
			c := runCeremony(t, r, ts, tc.h(ts))
			res, err := VerifyCeremony(c)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Excluded) != 1 || res.Excluded[0] != tc.want {
				t.Fatalf("excluded %v, want %v", res.Excluded, tc.want)
			}
			if len(res.Qualified) != 4 || slices.Contains(res.Qualified, tc.want.Dealer) {
				t.Fatalf("qualified %v", res.Qualified)
			}
			// Everyone who received its shares finishes with the same
			// result, including the excluded dealer.
			var keys []*KeyShare
			for _, tr := range ts {
				if tc.want.Reason == MissingShare && tr.index == 5 {
					if _, _, err := tr.Finish(c); err == nil {
						t.Fatal("trustee 5 finished without running ReceiveShares")
					}
					continue
				}
				r2, ks, err := tr.Finish(c)
				if err != nil {
					t.Fatalf("trustee %d: %v", tr.index, err)
				}
				a, _ := r2.MarshalJSON()
				b, _ := res.MarshalJSON()
				if string(a) != string(b) {
					t.Fatalf("trustee %d: another result", tr.index)
				}
				keys = append(keys, ks)
			}
			checkKeys(t, res, keys, ts)
			decryptWith(t, res, keys, nil)
		})
	}
}

// TestCeremonyFails: with fewer than t qualified dealers the ceremony fails
// and says who was excluded and why.
func TestCeremonyFails(t *testing.T) {
	r, ts := testTrustees(t, 3, 3)
	c := runCeremony(t, r, ts, hooks{round1: func(c *Ceremony) { c.Commitments = c.Commitments[1:] }})
	_, err := VerifyCeremony(c)
	var ce *CeremonyError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CeremonyError", err)
	}
	if !slices.Equal(ce.Qualified, []int{2, 3}) || len(ce.Excluded) != 1 || ce.Excluded[0].Reason != NoCommitments {
		t.Fatalf("%+v", ce)
	}
	if _, _, err := ts[1].Finish(c); !errors.As(err, &ce) {
		t.Fatalf("Finish: err = %v", err)
	}
	t.Log(err)
}

// TestForeignMessagesRejected: a message of another ceremony, or with a bad
// signature, or signed by the wrong trustee, makes VerifyCeremony fail with
// an error naming it.
func TestForeignMessagesRejected(t *testing.T) {
	r, ts := testTrustees(t, 3, 2)
	c := runCeremony(t, r, ts, hooks{})
	if _, err := VerifyCeremony(c); err != nil {
		t.Fatal(err)
	}
	// Another roster with the same trustees and another threshold.
	other := testRoster(t, testIdentities(t, 3), 3)
	_, ots := testTrustees(t, 3, 3)
	ots[0].roster = other
	m, _ := ots[0].Round1()
	c2 := *c
	c2.Commitments = append(slices.Clone(c.Commitments), m)
	if _, err := VerifyCeremony(&c2); err == nil {
		t.Fatal("accepted commitments of another ceremony")
	}
	// A share signed by its recipient instead of its dealer.
	s := *c.Shares[0]
	s.Signature = sign(ts[s.Recipient-1].id.signing, shareLabel, s.body())
	c3 := *c
	c3.Shares = append(slices.Clone(c.Shares), &s)
	if _, err := VerifyCeremony(&c3); err == nil {
		t.Fatal("accepted a share signed by its recipient")
	}
	// A complaint whose signature is for another label (a response body
	// is not a complaint).
	cm := forgeComplaint(ts[0], 2, ShareMissing)
	cm.Signature = sign(ts[0].id.signing, commitmentsLabel, cm.body())
	c4 := *c
	c4.Complaints = []*Complaint{cm}
	if _, err := VerifyCeremony(&c4); err == nil {
		t.Fatal("accepted a complaint signed under another label")
	}
}

// TestNewRosterChecks covers the roster's validation.
func TestNewRosterChecks(t *testing.T) {
	ids := testIdentities(t, 3)
	ms := func() []Member {
		out := make([]Member, 3)
		for k, id := range ids {
			out[k] = id.Member(k + 1)
		}
		return out
	}
	if _, err := NewRoster("e", 2, ms()); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() ([]byte, int, []Member){
		"threshold 0":       func() ([]byte, int, []Member) { return []byte("e"), 0, ms() },
		"threshold above n": func() ([]byte, int, []Member) { return []byte("e"), 4, ms() },
		"empty election id": func() ([]byte, int, []Member) { return nil, 2, ms() },
		"no trustees":       func() ([]byte, int, []Member) { return []byte("e"), 1, nil },
		"wrong index": func() ([]byte, int, []Member) {
			m := ms()
			m[1].Index = 3
			return []byte("e"), 2, m
		},
		"duplicate name": func() ([]byte, int, []Member) {
			m := ms()
			m[2].Name = m[0].Name
			return []byte("e"), 2, m
		},
		"duplicate signing key": func() ([]byte, int, []Member) {
			m := ms()
			m[2].SigningKey = m[0].SigningKey
			return []byte("e"), 2, m
		},
		"duplicate encryption key": func() ([]byte, int, []Member) {
			m := ms()
			m[1].EncryptionKey = m[0].EncryptionKey
			return []byte("e"), 2, m
		},
		"short key": func() ([]byte, int, []Member) {
			m := ms()
			m[1].SigningKey = m[1].SigningKey[:31]
			return []byte("e"), 2, m
		},
		"control character": func() ([]byte, int, []Member) {
			m := ms()
			m[1].Name = "a\nb"
			return []byte("e"), 2, m
		},
		"invalid UTF-8": func() ([]byte, int, []Member) {
			m := ms()
			m[1].Name = "a\xffb"
			return []byte("e"), 2, m
		},
		"bidi override": func() ([]byte, int, []Member) {
			m := ms()
			m[1].Name = "Trustee \u202e2"
			return []byte("e"), 2, m
		},
		"unclosed isolate": func() ([]byte, int, []Member) {
			m := ms()
			m[1].Name = "\u2067علی"
			return []byte("e"), 2, m
		},
		"not NFC": func() ([]byte, int, []Member) {
			// "René" in NFD: the same name as an NFC "René" to a reader,
			// another byte string to a comparison.
			m := ms()
			m[1].Name = "Rene\u0301"
			return []byte("e"), 2, m
		},
	} {
		id, th, m := f()
		if _, err := NewRoster(string(id), th, m); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// TestRosterHashBindsEverything: every input of the roster changes its hash.
func TestRosterHashBindsEverything(t *testing.T) {
	ids := testIdentities(t, 4)
	base := testRoster(t, ids[:3], 2)
	seen := map[string]string{string(base.hash): "base"}
	add := func(what string, r *Roster, err error) {
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := seen[string(r.hash)]; ok {
			t.Fatalf("%s has the same hash as %s", what, prev)
		}
		seen[string(r.hash)] = what
	}
	ms := []Member{ids[0].Member(1), ids[1].Member(2), ids[2].Member(3)}
	r, err := NewRoster("test election 1405", 2, ms)
	add("election id", r, err)
	r, err = NewRoster("test election 1404", 3, ms)
	add("threshold", r, err)
	r, err = NewRoster("test election 1404", 2, []Member{ids[1].Member(1), ids[0].Member(2), ids[2].Member(3)})
	add("order", r, err)
	m := slices.Clone(ms)
	m[2].Name = "someone else"
	r, err = NewRoster("test election 1404", 2, m)
	add("name", r, err)
	m = slices.Clone(ms)
	m[2].EncryptionKey = ids[3].Member(3).EncryptionKey
	r, err = NewRoster("test election 1404", 2, m)
	add("encryption key", r, err)
	r, err = NewRoster("test election 1404", 2, append(slices.Clone(ms), ids[3].Member(4)))
	add("size", r, err)
}

// TestSingleTrustee: n = t = 1 is a degenerate but valid ceremony.
func TestSingleTrustee(t *testing.T) {
	r, ts := testTrustees(t, 1, 1)
	c := runCeremony(t, r, ts, hooks{})
	if len(c.Shares) != 0 {
		t.Fatalf("%d shares", len(c.Shares))
	}
	res, keys := finishAll(t, c, ts)
	checkKeys(t, res, keys, ts)
	decryptWith(t, res, keys, nil)
	// Finish refuses the record of another ceremony.
	r2, ts2 := testTrustees(t, 2, 1)
	if _, _, err := ts[0].Finish(runCeremony(t, r2, ts2, hooks{})); err == nil {
		t.Fatal("finished on another roster's record")
	}
}

// TestResultElectionID: the outcome of VerifyCeremony and of every
// trustee's Finish names the roster's election; one decoded from JSON names
// none (result.json does not hold it); Clone keeps it and copies deeply.
func TestResultElectionID(t *testing.T) {
	r, ts := testTrustees(t, 3, 2)
	c := runCeremony(t, r, ts, hooks{})
	res, err := VerifyCeremony(c)
	if err != nil {
		t.Fatal(err)
	}
	if res.ElectionID() != "test election 1404" || r.ElectionID() != "test election 1404" {
		t.Errorf("VerifyCeremony's outcome names %q, the roster %q", res.ElectionID(), r.ElectionID())
	}
	for _, tr := range ts {
		got, _, err := tr.Finish(c)
		if err != nil {
			t.Fatal(err)
		}
		if got.ElectionID() != r.ElectionID() {
			t.Errorf("trustee %d's outcome names %q", tr.index, got.ElectionID())
		}
	}
	raw, err := res.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	decoded := new(Result)
	if err := decoded.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	if decoded.ElectionID() != "" {
		t.Errorf("an outcome decoded from JSON names %q", decoded.ElectionID())
	}
	cl := res.Clone()
	again, _ := cl.MarshalJSON()
	if cl.ElectionID() != res.ElectionID() || string(again) != string(raw) {
		t.Fatal("Clone differs from the original")
	}
	cl.VerificationKeys[0].Add(cl.VerificationKeys[0], cl.PublicKey)
	cl.Qualified[0] = 99
	cl.Ceremony[0] ^= 1
	if after, _ := res.MarshalJSON(); string(after) != string(raw) {
		t.Error("changing the clone changed the original")
	}
}

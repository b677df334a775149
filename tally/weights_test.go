package tally

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// weightedFixture is a weighted election (maxWeight 1000, revoting
// allowed) of remote voters with credentials of random weights.
type weightedFixture struct {
	*fixture
	creds   []*ballot.Credential
	weights []uint64 // weights[k] of creds[k]
	seq     int
}

func newWeightedFixture(tb testing.TB, voters int) *weightedFixture {
	tb.Helper()
	return newWeightedFixturePolicy(tb, voters, ballot.LastBallotCounts)
}

func newWeightedFixturePolicy(tb testing.TB, voters int, policy ballot.CredentialPolicy) *weightedFixture {
	tb.Helper()
	m := testManifest()
	m.ElectionID = "coop-2025"
	m.Policy = policy
	m.MaxWeight = 1000
	cer := runCeremony(tb, m.ElectionID, 3, 2)
	pk, err := cer.result.ElectionKey()
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(13, 13))
	f := &weightedFixture{}
	var keys []ed25519.PublicKey
	var ws []uint32
	for k := range voters {
		c, err := ballot.NewCredential(seedOf(fmt.Sprintf("weighted voter %d", k)))
		if err != nil {
			tb.Fatal(err)
		}
		w := uint32(1 + rng.IntN(1000))
		if k == 0 {
			w = 1000 // the largest weight
		}
		f.creds, f.weights = append(f.creds, c), append(f.weights, uint64(w))
		keys, ws = append(keys, c.PublicKey()), append(ws, w)
	}
	list, err := ballot.NewWeightedCredentialList(keys, ws)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: cer.result.VerificationKeys, Threshold: cer.result.Threshold, Credentials: list})
	if err != nil {
		tb.Fatal(err)
	}
	f.fixture = &fixture{e: e, keys: cer}
	return f
}

// cast returns a cast ballot of voter k for v.
func (f *weightedFixture) cast(tb testing.TB, k int, v ballot.Vote) *ballot.Ballot {
	tb.Helper()
	f.seq++
	c := f.creds[k]
	p, err := ballot.EncryptBallot(f.e, ballot.Header{BallotID: fmt.Sprintf("remote-%d", f.seq), Credential: c.PublicKey()}, v, seedOf(fmt.Sprintf("weighted nonce %d", f.seq)))
	if err != nil {
		tb.Fatal(err)
	}
	b, err := p.Cast(c.PrivateKey())
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestWeightedAggregationDifferential compares the Aggregator's batched
// weighted sums with Σ w·C computed one ballot at a time by the
// constant-time ScalarMult, over ballots of more distinct weights than the
// buckets hold (the same ballots added again: the Aggregator does not look
// for duplicates).
func TestWeightedAggregationDifferential(t *testing.T) {
	f := newWeightedFixture(t, 8)
	rng := rand.New(rand.NewPCG(1, 7))
	var ballots []*ballot.Ballot
	for k := range f.creds {
		ballots = append(ballots, f.cast(t, k, randomVote(rng)))
	}
	m := f.e.Manifest()
	want := make([][]*elgamal.Ciphertext, len(m.Contests))
	for i, c := range m.Contests {
		for range c.Candidates {
			want[i] = append(want[i], elgamal.NewCiphertext())
		}
	}
	// Buckets of at most 3 weights at a time (24 selections): the 8 voters'
	// distinct weights make the Aggregator flush every few ballots.
	defer func(b int) { bucketBudget = b }(bucketBudget)
	bucketBudget = 3 * 24
	a := NewAggregator(f.e)
	n := 3*len(ballots) + 5
	var weight uint64
	times := make([]uint64, len(ballots))
	for k := range n {
		v := k % len(ballots)
		if err := a.Add(ballots[v]); err != nil {
			t.Fatal(err)
		}
		weight += f.weights[v]
		times[v]++
	}
	// Σ over the additions of w·C = Σ over the distinct ballots of (times × w)·C.
	for v, b := range ballots {
		w := new(group.Scalar).SetUint64(times[v] * f.weights[v])
		for i := range want {
			cts := b.Ciphertexts(i)
			for j := range want[i] {
				want[i][j].Add(want[i][j], new(elgamal.Ciphertext).ScalarMult(w, cts[j]))
			}
		}
	}
	got := a.Tally()
	if !got.Weighted || got.Weight != weight || got.Ballots != uint64(n) {
		t.Fatalf("weighted %t, weight %d, ballots %d; want true, %d, %d", got.Weighted, got.Weight, got.Ballots, weight, n)
	}
	for i := range want {
		for j := range want[i] {
			if got.Contests[i].Selections[j].Weighted.Equal(want[i][j]) != 1 {
				t.Fatalf("contest %d, selection %d: the weighted sum differs", i, j)
			}
		}
	}
	// Aggregating in two parts and merging gives the same tally.
	p, q := NewAggregator(f.e), NewAggregator(f.e)
	for k := range n {
		part := p
		if k%3 == 0 {
			part = q
		}
		part.Add(ballots[k%len(ballots)])
	}
	if err := p.Merge(q); err != nil {
		t.Fatal(err)
	}
	if err := p.Tally().Compare(got); err != nil {
		t.Fatalf("merged: %v", err)
	}
}

// TestWeightedDecryptAndResults runs a weighted election: one ballot per
// voter, decrypted by 2 of 3 trustees; the totals are the weighted and the
// unweighted sums of the votes, the results rank by the weighted ones, and
// published results that drop or change either are refused.
func TestWeightedDecryptAndResults(t *testing.T) {
	f := newWeightedFixture(t, 10)
	m := f.e.Manifest()
	rng := rand.New(rand.NewPCG(2, 9))
	sums, wsums := zeroSums(m), zeroSums(m)
	a := NewAggregator(f.e)
	for k := range f.creds {
		v := randomVote(rng)
		if err := a.Add(f.cast(t, k, v)); err != nil {
			t.Fatal(err)
		}
		addVote(m, sums, v)
		for i, c := range m.Contests {
			for j, cand := range c.Candidates {
				wsums[i][j] += f.weights[k] * v[c.ID][cand.Code]
			}
		}
	}
	et := a.Tally()
	totals, _, err := Decrypt(f.e, f.keys.result, et, f.shareLists(t, et, 1, 3))
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, m, totals, wsums)
	for i, c := range m.Contests {
		for j := range c.Candidates {
			if got := totals.Contests[i].Selections[j].Unweighted; got != sums[i][j] {
				t.Fatalf("contest %d, candidate %d: unweighted %d, want %d", i, j, got, sums[i][j])
			}
		}
	}
	r, err := NewResults(m, totals)
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Contests {
		st := r.Contests[i].Standings
		for p := 1; p < len(st); p++ {
			if st[p].Count > st[p-1].Count {
				t.Fatalf("contest %d: standings not ordered by weighted count", i)
			}
		}
	}
	j, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(j), fmt.Sprintf(`"ballots":10,"weight":%d,`, totals.Weight)) || !strings.Contains(string(j), `"unweighted":`) {
		t.Fatalf("results JSON lacks the weighted members: %.300s", j)
	}
	var back Results
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	if err := back.WriteText(&text); err != nil || !strings.HasPrefix(text.String(), fmt.Sprintf("Results of coop-2025: 10 ballots counted, of total weight %d; every count is weighted", totals.Weight)) {
		t.Fatalf("text: %v\n%.200s", err, text.String())
	}
	if err := CheckResults(m, totals, &back); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(*Results)
		want   string
	}{
		{"unweighted count", func(r *Results) { r.Contests[0].Standings[0].Unweighted++ }, "published unweighted count"},
		{"weighted count", func(r *Results) { r.Contests[0].Standings[0].Count++ }, "published count"},
		{"weight", func(r *Results) { r.Weight-- }, "total weight"},
		{"counted unweighted", func(r *Results) {
			r.Weighted, r.Weight = false, 0
			for i := range r.Contests {
				for k := range r.Contests[i].Standings {
					r.Contests[i].Standings[k].Unweighted = 0
				}
			}
		}, "weighted is false"},
	} {
		var x Results
		json.Unmarshal(j, &x)
		tc.tamper(&x)
		if err := CheckResults(m, totals, &x); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// The JSON form has "unweighted" exactly when it has "weight".
	for _, bad := range []string{
		strings.Replace(string(j), fmt.Sprintf(`"weight":%d,`, totals.Weight), "", 1),
		strings.Replace(string(j), `,"unweighted":`, `,"x":`, 1),
	} {
		var x Results
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("accepted %.200s", bad)
		}
	}
}

// TestWeightedRevote: under last-ballot-counts a credential's replaced
// ballot is removed with its weight, so the credential's last ballot
// counts its weight once; adding a ballot twice (a duplicate) doubles its
// weight, which the comparison of tallies reports.
func TestWeightedRevote(t *testing.T) {
	f := newWeightedFixture(t, 3)
	yes := ballot.Vote{"budget": {1: 1}}
	no := ballot.Vote{"budget": {2: 1}}
	first, last, other := f.cast(t, 1, yes), f.cast(t, 1, no), f.cast(t, 2, yes)

	revoted := NewAggregator(f.e)
	for _, b := range []*ballot.Ballot{first, other, last} {
		if err := revoted.Add(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := revoted.Remove(first); err != nil {
		t.Fatal(err)
	}
	once := NewAggregator(f.e)
	once.Add(other)
	once.Add(last)
	want := once.Tally()
	if err := revoted.Tally().Compare(want); err != nil {
		t.Fatalf("revote: %v", err)
	}
	if want.Weight != f.weights[1]+f.weights[2] {
		t.Fatalf("weight %d, want %d", want.Weight, f.weights[1]+f.weights[2])
	}
	totals, _, err := Decrypt(f.e, f.keys.result, want, f.shareLists(t, want, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	budget := totals.Contests[2].Selections
	if budget[0].Count != f.weights[2] || budget[1].Count != f.weights[1] || budget[0].Unweighted != 1 || budget[1].Unweighted != 1 {
		t.Fatalf("budget totals %+v, want yes %d, no %d (weights), 1 and 1 (ballots)", budget, f.weights[2], f.weights[1])
	}

	doubled := NewAggregator(f.e)
	doubled.Add(other)
	doubled.Add(last)
	doubled.Add(last)
	if err := doubled.Tally().Compare(want); err == nil {
		t.Fatal("a ballot counted twice gives the same tally")
	}
}

// weightedIdentityTally is a small weighted tally whose ciphertexts are the
// identity, to seed the fuzz targets.
func weightedIdentityTally() *EncryptedTally {
	return &EncryptedTally{Weighted: true, Ballots: 2, Weight: 7, Contests: []EncryptedContest{{ID: "budget", Selections: []EncryptedSelection{
		{Code: 1, Ciphertext: elgamal.NewCiphertext(), Weighted: elgamal.NewCiphertext()},
		{Code: 2, Ciphertext: elgamal.NewCiphertext(), Weighted: elgamal.NewCiphertext()},
	}}}}
}

// TestWeightedTallyEncoding: the weighted encoding is the spec's, it round
// trips through both forms, an unweighted tally keeps its label, and the
// decoders refuse a tally that mixes the two forms.
func TestWeightedTallyEncoding(t *testing.T) {
	wt := weightedIdentityTally()
	b := wt.Bytes()
	var want []byte
	want = append(want, specStr("sandogh-v1/weighted-encrypted-tally")...)
	want = append(want, make([]byte, 32)...)
	want = append(want, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1)
	want = append(want, specStr("budget")...)
	want = append(want, 0, 0, 0, 2)
	for code := range 2 {
		want = append(want, 0, 0, 0, byte(code+1))
		want = append(want, make([]byte, 128)...)
	}
	if string(b) != string(want) {
		t.Fatalf("encoding\n got %x\nwant %x", b, want)
	}
	back, err := new(EncryptedTally).SetCanonicalBytes(b)
	if err != nil || back.Compare(wt) != nil || !back.Weighted {
		t.Fatalf("round trip: %v", err)
	}
	if n := len(wt.Ciphertexts()); n != 4 {
		t.Fatalf("%d ciphertexts to decrypt, want 4 (2 unweighted, then 2 weighted)", n)
	}
	if c, s := wt.Locate(3); c != 0 || s != 1 {
		t.Fatalf("Locate(3) = %d, %d; want 0, 1", c, s)
	}
	j, _ := json.Marshal(wt)
	var jb EncryptedTally
	if err := json.Unmarshal(j, &jb); err != nil || jb.Compare(wt) != nil {
		t.Fatalf("JSON round trip: %v", err)
	}
	for _, bad := range []string{
		strings.Replace(string(j), `"weight":7,`, ``, 1),
		strings.Replace(string(j), `,"weighted":"`, `,"x":"`, 1),
	} {
		var x EncryptedTally
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("accepted %.200s", bad)
		}
	}
}

func specStr(s string) []byte {
	return append([]byte{byte(len(s) >> 24), byte(len(s) >> 16), byte(len(s) >> 8), byte(len(s))}, s...)
}

// TestWeightedTallyValidate: a tally whose weight no ballots of the list can
// give, or whose form is not the election's, is refused before decryption.
func TestWeightedTallyValidate(t *testing.T) {
	f := newWeightedFixture(t, 3)
	a := NewAggregator(f.e)
	a.Add(f.cast(t, 0, ballot.Vote{}))
	good := a.Tally()
	if err := good.Validate(f.e); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(*EncryptedTally)
		want   string
	}{
		{"weight below the ballots", func(t *EncryptedTally) { t.Weight = 0 }, "less than the 1 ballot"},
		{"weight above maxWeight × ballots", func(t *EncryptedTally) { t.Weight = 1001 }, "more than 1 ballot of weight at most 1000"},
		{"weight above the list's", func(t *EncryptedTally) { t.Ballots, t.Weight = 3, 3000 }, "more than the credential list's"},
		{"unweighted", func(t *EncryptedTally) {
			t.Weighted = false
			for i := range t.Contests {
				for j := range t.Contests[i].Selections {
					t.Contests[i].Selections[j].Weighted = nil
				}
			}
		}, "unweighted, but the election is weighted"},
	} {
		x := a.Tally()
		tc.tamper(x)
		if err := x.Validate(f.e); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestWeightedBoxProperty runs random days of voting through the ballot
// box (the one acceptance rule) under both credential policies: voters
// cast, revote, and their software resubmits a ballot already sent. The
// ballots the box counts, aggregated and decrypted, must give for every
// candidate Σ over credentials of weight × the vote of the credential's
// counted ballot (its last one under last-ballot-counts, its first under
// one-ballot-per-credential), and the unweighted sums likewise: a weight is
// the credential's, counted once.
func TestWeightedBoxProperty(t *testing.T) {
	for _, policy := range []ballot.CredentialPolicy{ballot.LastBallotCounts, ballot.OneBallotPerCredential} {
		f := newWeightedFixturePolicy(t, 4, policy)
		m := f.e.Manifest()
		for seed := range uint64(2) {
			rng := rand.New(rand.NewPCG(seed, 99))
			box, err := ballot.OpenBox(filepath.Join(t.TempDir(), "ballots.jsonl"), f.e)
			if err != nil {
				t.Fatal(err)
			}
			byCode := map[ballot.ConfirmationCode]*ballot.Ballot{}
			model := map[int]ballot.Vote{} // the vote that counts, by voter
			var sent []*ballot.Ballot
			for range 8 {
				if len(sent) > 0 && rng.IntN(4) == 0 {
					// The voter's software sends a ballot again.
					if err := box.AcceptBallot(sent[rng.IntN(len(sent))]); err != nil && policy == ballot.LastBallotCounts {
						t.Fatalf("resubmission: %v", err)
					}
					continue
				}
				k := rng.IntN(len(f.creds))
				v := randomVote(rng)
				b := f.cast(t, k, v)
				err := box.AcceptBallot(b)
				_, voted := model[k]
				switch {
				case policy == ballot.OneBallotPerCredential && voted:
					if err == nil {
						t.Fatal("a second ballot of a credential accepted under one-ballot-per-credential")
					}
					continue
				case err != nil:
					t.Fatal(err)
				}
				model[k] = v
				byCode[b.ConfirmationCode()] = b
				sent = append(sent, b)
			}
			a := NewAggregator(f.e)
			for _, code := range box.Counted() {
				if err := a.Add(byCode[code]); err != nil {
					t.Fatal(err)
				}
			}
			box.Close()
			et := a.Tally()
			totals, _, err := Decrypt(f.e, f.keys.result, et, f.shareLists(t, et, 2, 3))
			if err != nil {
				t.Fatal(err)
			}
			sums, wsums := zeroSums(m), zeroSums(m)
			var weight uint64
			for k, v := range model {
				addVote(m, sums, v)
				weight += f.weights[k]
				for i, c := range m.Contests {
					for j, cand := range c.Candidates {
						wsums[i][j] += f.weights[k] * v[c.ID][cand.Code]
					}
				}
			}
			if et.Ballots != uint64(len(model)) || et.Weight != weight {
				t.Fatalf("%s, seed %d: %d ballots of weight %d counted, want %d of weight %d", policy, seed, et.Ballots, et.Weight, len(model), weight)
			}
			checkTotals(t, m, totals, wsums)
			for i := range m.Contests {
				for j := range m.Contests[i].Candidates {
					if got := totals.Contests[i].Selections[j].Unweighted; got != sums[i][j] {
						t.Fatalf("%s, seed %d: contest %d, candidate %d: unweighted %d, want %d", policy, seed, i, j, got, sums[i][j])
					}
				}
			}
		}
	}
}

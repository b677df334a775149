package tally

import (
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/trustee"
)

// election is a small election of random votes: the ballots cast, and the
// plaintext totals they encrypt, computed from the votes.
type election struct {
	f      *fixture
	m      *ballot.Manifest
	cast   []*ballot.Ballot
	chal   []*ballot.Ballot
	sums   [][]uint64
	tallyE *EncryptedTally
}

func newElection(t testing.TB, n, thr, voters int, seed uint64) *election {
	t.Helper()
	m := testManifest()
	el := &election{f: newFixture(t, m, n, thr), m: m, sums: zeroSums(m)}
	rng := rand.New(rand.NewPCG(seed, 1))
	for k := range voters {
		v := randomVote(rng)
		if k%7 == 3 { // a challenged ballot, then the voter's cast one
			el.chal = append(el.chal, el.f.ballot(t, randomVote(rng), true))
		}
		el.cast = append(el.cast, el.f.ballot(t, v, false))
		addVote(m, el.sums, v)
	}
	a := NewAggregator(el.f.e)
	for _, b := range el.cast {
		if err := a.Add(b); err != nil {
			t.Fatal(err)
		}
	}
	el.tallyE = a.Tally()
	return el
}

func TestDecryptThreshold(t *testing.T) {
	el := newElection(t, 5, 3, 24, 1)
	if el.tallyE.Ballots != 24 {
		t.Fatalf("tally of %d ballots, want 24", el.tallyE.Ballots)
	}
	all := el.f.shareLists(t, el.tallyE, 1, 2, 3, 4, 5)
	// Every set of 3 or more of the 5 trustees, given in reverse order.
	var sets [][]int
	for mask := 1; mask < 32; mask++ {
		var set []int
		for j := 5; j >= 1; j-- {
			if mask&(1<<(j-1)) != 0 {
				set = append(set, j)
			}
		}
		if len(set) >= 3 {
			sets = append(sets, set)
		}
	}
	if len(sets) != 16 {
		t.Fatalf("%d sets", len(sets))
	}
	for _, set := range sets {
		var lists []*trustee.ShareList
		for _, j := range set {
			lists = append(lists, all[j-1])
		}
		totals, dec, err := Decrypt(el.f.e, el.f.keys.result, el.tallyE, lists)
		if err != nil {
			t.Fatalf("trustees %v: %v", set, err)
		}
		checkTotals(t, el.m, totals, el.sums)
		want := slices.Clone(set)
		slices.Sort(want)
		if !slices.Equal(dec.Trustees, want[:3]) || len(dec.Rejected) != 0 {
			t.Errorf("trustees %v: combined %v, rejected %v", set, dec.Trustees, dec.Rejected)
		}
		if totals.TallyHash != el.tallyE.Hash() || totals.BaseHash != el.f.e.BaseHash() || totals.Ballots != 24 {
			t.Errorf("trustees %v: totals header %x %x %d", set, totals.TallyHash, totals.BaseHash, totals.Ballots)
		}
	}
	// Two trustees are not enough.
	if _, _, err := Decrypt(el.f.e, el.f.keys.result, el.tallyE, all[:2]); err == nil || !strings.Contains(err.Error(), "threshold") {
		t.Errorf("2 of 5 trustees: got %v, want an error about the threshold", err)
	}
}

func TestDecryptSingleKey(t *testing.T) {
	el := newElection(t, 1, 1, 10, 2)
	totals, _, err := Decrypt(el.f.e, el.f.keys.result, el.tallyE, el.f.shareLists(t, el.tallyE, 1))
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, el.m, totals, el.sums)
}

func TestDecryptRejectsBadShareList(t *testing.T) {
	el := newElection(t, 5, 3, 6, 3)
	lists := el.f.shareLists(t, el.tallyE, 1, 2, 3, 4)
	// Trustee 2's shares of another tally (one ballot fewer): its proofs are
	// about other ciphertexts.
	a := NewAggregator(el.f.e)
	for _, b := range el.cast[1:] {
		if err := a.Add(b); err != nil {
			t.Fatal(err)
		}
	}
	lists[1] = el.f.shareLists(t, a.Tally(), 2)[0]
	totals, dec, err := Decrypt(el.f.e, el.f.keys.result, el.tallyE, lists)
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, el.m, totals, el.sums)
	if !slices.Equal(dec.Trustees, []int{1, 3, 4}) || len(dec.Rejected) != 1 || dec.Rejected[0].Trustee != 2 {
		t.Fatalf("combined %v, rejected %v; want 1, 3, 4 and trustee 2 rejected", dec.Trustees, dec.Rejected)
	}
	for _, i := range dec.Rejected[0].Entries {
		if c, s := el.tallyE.Locate(i); c < 0 || s < 0 {
			t.Errorf("entry %d not located", i)
		}
	}
	// With only two valid lists left, decryption fails and names trustee 2.
	_, _, err = Decrypt(el.f.e, el.f.keys.result, el.tallyE, lists[:3])
	if err == nil || !strings.Contains(err.Error(), "trustee 2") {
		t.Errorf("got %v, want an error naming trustee 2", err)
	}
}

func TestDecryptOutOfRange(t *testing.T) {
	el := newElection(t, 5, 3, 12, 4)
	// The published number of ballots is too small for the aggregate: the
	// board totals cannot be reached by 1 ballot.
	bad := *el.tallyE
	bad.Ballots = 1
	lists := el.f.shareLists(t, &bad, 1, 2, 3)
	_, dec, err := Decrypt(el.f.e, el.f.keys.result, &bad, lists)
	if err == nil || !strings.Contains(err.Error(), "contest 0 (board): candidate") || !strings.Contains(err.Error(), "not in [0, 1]") {
		t.Fatalf("got %v, want an out-of-range error naming the board contest and a candidate", err)
	}
	if dec == nil {
		t.Error("the combination is not returned with the out-of-range error")
	}

	// A tally whose board selections each encrypt 1 under the joint key,
	// for 1 ballot: every selection is in range, but the sum 15 exceeds the
	// limit 7.
	forged := el.f.e
	pk := forged.PublicKey()
	ft := NewAggregator(forged).Tally()
	ft.Ballots = 1
	for j := range ft.Contests[0].Selections {
		ft.Contests[0].Selections[j].Ciphertext = pk.Encrypt(new(group.Scalar).SetUint64(1), group.RandomScalar())
	}
	_, _, err = Decrypt(forged, el.f.keys.result, ft, el.f.shareLists(t, ft, 1, 2, 3))
	if err == nil || !strings.Contains(err.Error(), "contest 0 (board): the totals add up to 15, more than the 7") {
		t.Fatalf("got %v, want the contest-sum error", err)
	}
}

func TestDecryptWrongElection(t *testing.T) {
	el := newElection(t, 5, 3, 2, 5)
	lists := el.f.shareLists(t, el.tallyE, 1, 2, 3)
	other := runCeremony(t, el.f.e.Manifest().ElectionID, 3, 2)
	if _, _, err := Decrypt(el.f.e, other.result, el.tallyE, lists); err == nil || !strings.Contains(err.Error(), "public key") {
		t.Errorf("keys of another ceremony: got %v", err)
	}
	// A ceremony run for another election is refused by name, before its
	// key is compared.
	foreign := runCeremony(t, "guild-2026", 5, 3)
	_, _, err := Decrypt(el.f.e, foreign.result, el.tallyE, lists)
	if want := `tally: the key ceremony is for election "guild-2026", and the election is "guild-2025"`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("keys of another election's ceremony: got %v, want %q", err, want)
	}
	// The outcome decoded from result.json names no election: refused.
	raw, err := el.f.keys.result.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	decoded := new(trustee.Result)
	if err := decoded.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Decrypt(el.f.e, decoded, el.tallyE, lists); err == nil || !strings.Contains(err.Error(), "names no election") {
		t.Errorf("keys decoded from JSON: got %v", err)
	}
	if _, _, err := Decrypt(el.f.e, decoded.Clone(), el.tallyE, lists); err == nil || !strings.Contains(err.Error(), "names no election") {
		t.Errorf("a clone of keys decoded from JSON: got %v", err)
	}
	if _, _, err := Decrypt(el.f.e, el.f.keys.result.Clone(), el.tallyE, lists); err != nil {
		t.Errorf("a clone of the ceremony's outcome: %v", err)
	}
	bad := *el.tallyE
	bad.BaseHash[0] ^= 1
	if _, _, err := Decrypt(el.f.e, el.f.keys.result, &bad, lists); err == nil || !strings.Contains(err.Error(), "base hash") {
		t.Errorf("tally of another election: got %v", err)
	}
}

func TestAggregatorRefuses(t *testing.T) {
	el := newElection(t, 5, 3, 1, 6)
	a := NewAggregator(el.f.e)
	chal := el.f.ballot(t, ballot.Vote{}, true)
	if err := a.Add(chal); err == nil || !strings.Contains(err.Error(), "state is challenged") {
		t.Errorf("challenged ballot: got %v", err)
	}
	// (A pending ballot is a ballot.Pending, which Add does not take.)
	pending, err := el.f.device.EncryptBallot(ballot.Vote{})
	if err != nil {
		t.Fatal(err)
	}
	cast, err := el.f.device.Cast(pending)
	if err != nil {
		t.Fatal(err)
	}
	// A ballot of another election (another manifest, so another base hash).
	m2 := testManifest()
	m2.ElectionID = "guild-2026"
	f2 := newFixture(t, m2, 5, 3)
	if err := a.Add(f2.ballot(t, ballot.Vote{}, false)); err == nil || !strings.Contains(err.Error(), "base hash") {
		t.Errorf("ballot of another election: got %v", err)
	}
	if a.Count() != 0 {
		t.Errorf("refused ballots were counted: %d", a.Count())
	}
	if err := a.Merge(NewAggregator(f2.e)); err == nil {
		t.Error("merged an aggregator of another election")
	}
	if err := a.Add(cast); err != nil || a.Count() != 1 {
		t.Errorf("cast ballot: %v, count %d", err, a.Count())
	}
}

// TestChallengedExcluded checks that a stream of cast and challenged
// ballots, filtered like the ballot box's Counted list, decrypts to the sum
// of the cast votes only, and that Aggregate refuses the unfiltered stream.
func TestChallengedExcluded(t *testing.T) {
	el := newElection(t, 5, 3, 15, 7)
	if len(el.chal) == 0 {
		t.Fatal("no challenged ballots")
	}
	stream := append(slices.Clone(el.cast[:3]), el.chal[0])
	stream = append(stream, el.cast[3:]...)
	k := 0
	_, err := Aggregate(el.f.e, func() (*ballot.Ballot, error) {
		if k == len(stream) {
			return nil, io.EOF
		}
		k++
		return stream[k-1], nil
	})
	if err == nil || !strings.Contains(err.Error(), "tally: stream position 3: ballot") || !strings.Contains(err.Error(), "challenged") {
		t.Fatalf("got %v, want a refusal of the challenged ballot at position 3", err)
	}
	k = 0
	counted := func() (*ballot.Ballot, error) {
		for k < len(stream) {
			k++
			if b := stream[k-1]; b.State() == ballot.Cast {
				return b, nil
			}
		}
		return nil, io.EOF
	}
	tl, err := Aggregate(el.f.e, counted)
	if err != nil {
		t.Fatal(err)
	}
	if err := tl.Compare(el.tallyE); err != nil {
		t.Fatal(err)
	}
	totals, _, err := Decrypt(el.f.e, el.f.keys.result, tl, el.f.shareLists(t, tl, 2, 3, 5))
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, el.m, totals, el.sums)

	// An error of the stream is passed on.
	boom := errors.New("disk on fire")
	if _, err := Aggregate(el.f.e, func() (*ballot.Ballot, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("got %v, want the stream's error", err)
	}
}

// TestMerge checks that aggregating in parts and merging gives the tally of
// the whole, in any order, and that Merge may alias its receiver.
func TestMerge(t *testing.T) {
	el := newElection(t, 5, 3, 9, 8)
	parts := []*Aggregator{NewAggregator(el.f.e), NewAggregator(el.f.e), NewAggregator(el.f.e)}
	for k, b := range el.cast {
		if err := parts[k%3].Add(b); err != nil {
			t.Fatal(err)
		}
	}
	for _, order := range [][]int{{0, 1, 2}, {2, 0, 1}} {
		a := NewAggregator(el.f.e)
		for _, p := range order {
			if err := a.Merge(parts[p]); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Tally().Compare(el.tallyE); err != nil {
			t.Errorf("order %v: %v", order, err)
		}
	}
	// a.Merge(a) doubles a.
	a := NewAggregator(el.f.e)
	b := NewAggregator(el.f.e)
	for _, bl := range el.cast[:4] {
		a.Add(bl)
		b.Add(bl)
		b.Add(bl)
	}
	if err := a.Merge(a); err != nil {
		t.Fatal(err)
	}
	if err := a.Tally().Compare(b.Tally()); err != nil || a.Count() != 8 {
		t.Errorf("self-merge: %v, count %d", err, a.Count())
	}
	// The tally does not change when the aggregator goes on.
	tl := a.Tally()
	before := tl.Bytes()
	a.Add(el.cast[5])
	if string(tl.Bytes()) != string(before) {
		t.Error("the tally changed after Add")
	}
	// Compare names the selection that differs.
	tl2 := a.Tally()
	tl2.Ballots = tl.Ballots
	if err := tl2.Compare(tl); err == nil || !strings.Contains(err.Error(), "contest 0 (board): selection") {
		t.Errorf("Compare: got %v", err)
	}
}

// TestEmptyTally checks that a tally of no ballots decrypts to zeros.
func TestEmptyTally(t *testing.T) {
	f := newFixture(t, testManifest(), 5, 3)
	tl := NewAggregator(f.e).Tally()
	totals, _, err := Decrypt(f.e, f.keys.result, tl, f.shareLists(t, tl, 1, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, f.e.Manifest(), totals, zeroSums(f.e.Manifest()))
	for _, c := range tl.Ciphertexts() {
		if c.Equal(elgamal.NewCiphertext()) != 1 {
			t.Fatal("an empty tally is not (identity, identity)")
		}
	}
}

// TestRemove checks that removing an added ballot gives the tally of the
// others, as when a revote replaces a credential's ballot.
func TestRemove(t *testing.T) {
	el := newElection(t, 5, 3, 6, 9)
	a := NewAggregator(el.f.e)
	if err := a.Remove(el.cast[0]); err == nil || !strings.Contains(err.Error(), "empty aggregate") {
		t.Errorf("remove from an empty aggregate: got %v", err)
	}
	for _, b := range el.cast {
		a.Add(b)
	}
	if err := a.Remove(el.chal[0]); err == nil || !strings.Contains(err.Error(), "challenged") {
		t.Errorf("remove a challenged ballot: got %v", err)
	}
	if err := a.Remove(el.cast[2]); err != nil {
		t.Fatal(err)
	}
	want := NewAggregator(el.f.e)
	for k, b := range el.cast {
		if k != 2 {
			want.Add(b)
		}
	}
	if err := a.Tally().Compare(want.Tally()); err != nil {
		t.Fatal(err)
	}
	// Remove everything: back to the empty tally.
	for k, b := range el.cast {
		if k != 2 {
			if err := a.Remove(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := a.Tally().Compare(NewAggregator(el.f.e).Tally()); err != nil || a.Count() != 0 {
		t.Fatalf("%v, count %d", err, a.Count())
	}
}

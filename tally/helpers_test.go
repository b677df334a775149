package tally

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/trustee"
)

// seedOf returns 32 bytes derived from a label, for reproducible tests.
func seedOf(label string) []byte {
	h := sha256.Sum256([]byte("sandogh-v1 tally test " + label))
	return h[:]
}

// testManifest is a guild-union election: a board contest (15 candidates,
// vote for up to 7, 7 main members and 3 alternates) and one contest of
// each other kind.
func testManifest() *ballot.Manifest {
	board := ballot.Contest{ID: "board", Title: "Board of directors", Kind: ballot.UpTo, Limit: 7, Seats: 7, Alternates: 3}
	for i := range 15 {
		board.Candidates = append(board.Candidates, ballot.Candidate{Code: uint32(101 + i), Name: fmt.Sprintf("Candidate %d", 101+i)})
	}
	return &ballot.Manifest{
		ElectionID: "guild-2025",
		Title:      "Guild union elections 2025",
		Policy:     ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{
			board,
			{ID: "inspectors", Title: "Inspectors", Kind: ballot.Exactly, Limit: 2, Candidates: []ballot.Candidate{{Code: 1, Name: "Ana"}, {Code: 2, Name: "Babak"}, {Code: 3, Name: "Chen"}, {Code: 4, Name: "Dara"}}},
			{ID: "budget", Title: "Approve the budget?", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "Yes"}, {Code: 2, Name: "No"}}},
			{ID: "projects", Title: "Rate the projects", Kind: ballot.Score, MaxScore: 3, Limit: 5, Candidates: []ballot.Candidate{{Code: 10, Name: "Library"}, {Code: 11, Name: "Garden"}, {Code: 12, Name: "Clinic"}}},
		},
	}
}

// ceremony is the public outcome of a key ceremony and the key shares.
type ceremony struct {
	result *trustee.Result
	shares []*trustee.KeyShare // shares[j-1] is trustee j's
}

var (
	ceremoniesMu sync.Mutex
	ceremonies   = map[ceremonyKey]*ceremony{}
)

type ceremonyKey struct {
	election string
	n, t     int
}

// runCeremony runs (once per election, n, t for the whole test binary) a
// key ceremony of n trustees with threshold t for election electionID
// through the public API of package trustee.
func runCeremony(tb testing.TB, electionID string, n, t int) *ceremony {
	tb.Helper()
	ceremoniesMu.Lock()
	defer ceremoniesMu.Unlock()
	key := ceremonyKey{electionID, n, t}
	if c, ok := ceremonies[key]; ok {
		return c
	}
	ids := make([]*trustee.Identity, n)
	members := make([]trustee.Member, n)
	for k := range ids {
		id, err := trustee.NewIdentity(fmt.Sprintf("Trustee %d", k+1))
		if err != nil {
			tb.Fatal(err)
		}
		ids[k], members[k] = id, id.Member(k+1)
	}
	r, err := trustee.NewRoster(electionID, t, members)
	if err != nil {
		tb.Fatal(err)
	}
	ts := make([]*trustee.Trustee, n)
	c := &trustee.Ceremony{Roster: r}
	for k := range ts {
		if ts[k], err = trustee.NewTrustee(r, ids[k]); err != nil {
			tb.Fatal(err)
		}
		m, err := ts[k].Round1()
		if err != nil {
			tb.Fatal(err)
		}
		c.Commitments = append(c.Commitments, m)
	}
	for _, tr := range ts {
		ms, err := tr.Round2()
		if err != nil {
			tb.Fatal(err)
		}
		c.Shares = append(c.Shares, ms...)
	}
	for _, tr := range ts {
		ms, err := tr.ReceiveShares(c.Commitments, c.Shares)
		if err != nil || len(ms) != 0 {
			tb.Fatalf("complaints %v, error %v", ms, err)
		}
	}
	out := &ceremony{}
	for _, tr := range ts {
		res, ks, err := tr.Finish(c)
		if err != nil {
			tb.Fatal(err)
		}
		out.result = res
		out.shares = append(out.shares, ks)
	}
	ceremonies[key] = out
	return out
}

// fixture is an election with a device that encrypts ballots.
type fixture struct {
	e      *ballot.Election
	keys   *ceremony
	device *ballot.Device
}

func newFixture(tb testing.TB, m *ballot.Manifest, n, t int) *fixture {
	tb.Helper()
	cer := runCeremony(tb, m.ElectionID, n, t)
	pk, err := cer.result.ElectionKey()
	if err != nil {
		tb.Fatal(err)
	}
	key := ed25519.NewKeyFromSeed(seedOf("device station-1"))
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest:         m,
		PublicKey:        pk,
		VerificationKeys: cer.result.VerificationKeys,
		Threshold:        cer.result.Threshold,
		Devices:          []ballot.RegisteredDevice{{ID: "station-1", PublicKey: key.Public().(ed25519.PublicKey)}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	d, _, err := ballot.OpenDevice(e, "station-1", key, time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{e: e, keys: cer, device: d}
}

// ballot encrypts v on the fixture's device and casts it, or challenges it
// if challenge is set.
func (f *fixture) ballot(tb testing.TB, v ballot.Vote, challenge bool) *ballot.Ballot {
	tb.Helper()
	p, err := f.device.EncryptBallot(v)
	if err != nil {
		tb.Fatal(err)
	}
	var b *ballot.Ballot
	if challenge {
		b, err = f.device.Challenge(p)
	} else {
		b, err = f.device.Cast(p)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// randomVote returns a random valid vote for testManifest.
func randomVote(rng *rand.Rand) ballot.Vote {
	v := ballot.Vote{}
	board := map[uint32]uint64{}
	for _, j := range rng.Perm(15)[:rng.IntN(8)] {
		board[uint32(101+j)] = 1
	}
	v["board"] = board
	if rng.IntN(4) > 0 {
		p := rng.Perm(4)
		v["inspectors"] = map[uint32]uint64{uint32(1 + p[0]): 1, uint32(1 + p[1]): 1}
	}
	switch rng.IntN(3) {
	case 1:
		v["budget"] = map[uint32]uint64{1: 1}
	case 2:
		v["budget"] = map[uint32]uint64{2: 1}
	}
	scores, left := map[uint32]uint64{}, uint64(5)
	for _, code := range []uint32{10, 11, 12} {
		s := min(uint64(rng.IntN(4)), left)
		left -= s
		if s > 0 {
			scores[code] = s
		}
	}
	v["projects"] = scores
	return v
}

// addVote adds v to the plaintext totals sums[contest][selection].
func addVote(m *ballot.Manifest, sums [][]uint64, v ballot.Vote) {
	for i, c := range m.Contests {
		for j, cand := range c.Candidates {
			sums[i][j] += v[c.ID][cand.Code]
		}
	}
}

func zeroSums(m *ballot.Manifest) [][]uint64 {
	sums := make([][]uint64, len(m.Contests))
	for i, c := range m.Contests {
		sums[i] = make([]uint64, len(c.Candidates))
	}
	return sums
}

// shareLists returns the decryption share lists of the given trustees.
func (f *fixture) shareLists(tb testing.TB, t *EncryptedTally, trustees ...int) []*trustee.ShareList {
	tb.Helper()
	var lists []*trustee.ShareList
	bh := f.e.BaseHash()
	for _, j := range trustees {
		l, err := f.keys.shares[j-1].DecryptSharesUnchecked(bh[:], t.Ciphertexts())
		if err != nil {
			tb.Fatal(err)
		}
		lists = append(lists, l)
	}
	return lists
}

// checkTotals fails tb unless totals hold sums.
func checkTotals(tb testing.TB, m *ballot.Manifest, totals *Totals, sums [][]uint64) {
	tb.Helper()
	for i, c := range m.Contests {
		if totals.Contests[i].ID != c.ID {
			tb.Fatalf("contest %d: id %q, want %q", i, totals.Contests[i].ID, c.ID)
		}
		for j, cand := range c.Candidates {
			got := totals.Contests[i].Selections[j]
			if got.Code != cand.Code || got.Count != sums[i][j] {
				tb.Errorf("contest %s, candidate %d: got code %d count %d, want count %d", c.ID, cand.Code, got.Code, got.Count, sums[i][j])
			}
		}
	}
}

package ballot

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// fixture is a small fixed election: every key derives from a label, so
// that known-answer vectors are reproducible.
type fixture struct {
	e           *Election
	sk          *elgamal.SecretKey
	deviceKeys  map[string]ed25519.PrivateKey
	credentials []*Credential
}

func seedOf(label string) []byte {
	h := sha256.Sum256([]byte("sandogh-v1 ballot test " + label))
	return h[:]
}

func testManifest() *Manifest {
	board := Contest{ID: "board", Title: "Board of directors", Kind: UpTo, Limit: 7, Seats: 7, Alternates: 3}
	for i := range 15 {
		board.Candidates = append(board.Candidates, Candidate{Code: uint32(101 + i), Name: fmt.Sprintf("Candidate %d", 101+i)})
	}
	return &Manifest{
		ElectionID: "guild-2025",
		Title:      "Guild union elections 2025",
		Policy:     OneBallotPerCredential,
		// Drawn in public before the polls opened (a fixed value for the
		// known-answer vectors).
		TieBreakSeed: TieBreakSeed("guild-2025 tie-break draw"),
		Contests: []Contest{
			board,
			{ID: "inspectors", Title: "Inspectors", Kind: Exactly, Limit: 2, Candidates: []Candidate{{1, "Ana"}, {2, "Babak"}, {3, "Chen"}, {4, "Dara"}}},
			{ID: "budget", Title: "Approve the budget?", Kind: YesNo, Candidates: []Candidate{{1, "Yes"}, {2, "No"}}},
			{ID: "projects", Title: "Rate the projects", Kind: Score, MaxScore: 3, Limit: 5, Candidates: []Candidate{{10, "Library"}, {11, "Garden"}, {12, "Clinic"}}},
		},
	}
}

func newFixture(t testing.TB, m *Manifest) *fixture {
	t.Helper()
	x, _ := new(group.Scalar).SetUniformBytes(append(seedOf("election key"), seedOf("election key 2")...))
	sk, err := elgamal.NewSecretKey(x)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{sk: sk, deviceKeys: map[string]ed25519.PrivateKey{}}
	var devices []RegisteredDevice
	for _, id := range []string{"station-1", "station-2"} {
		k := ed25519.NewKeyFromSeed(seedOf("device " + id))
		f.deviceKeys[id] = k
		devices = append(devices, RegisteredDevice{ID: id, PublicKey: k.Public().(ed25519.PublicKey)})
	}
	var pubs []ed25519.PublicKey
	for i := range 3 {
		c, err := NewCredential(seedOf(fmt.Sprintf("credential %d", i)))
		if err != nil {
			t.Fatal(err)
		}
		f.credentials = append(f.credentials, c)
		pubs = append(pubs, c.PublicKey())
	}
	list, err := NewCredentialList(pubs)
	if err != nil {
		t.Fatal(err)
	}
	var trustees []*group.Element
	for i := range 3 {
		s := group.HashToScalar([]byte(fmt.Sprintf("trustee %d", i)), []byte("sandogh-v1 ballot test"))
		trustees = append(trustees, group.NewElement().ScalarBaseMult(s))
	}
	f.e, err = NewElection(Parameters{Manifest: m, PublicKey: sk.PublicKey(), VerificationKeys: trustees, Threshold: 2, Devices: devices, Credentials: list})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var testTime = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

// testVote marks 7 board candidates, 2 inspectors, "yes", and scores.
func testVote() Vote {
	return Vote{
		"board":      {101: 1, 103: 1, 104: 1, 108: 1, 110: 1, 113: 1, 115: 1},
		"inspectors": {2: 1, 4: 1},
		"budget":     {1: 1},
		"projects":   {10: 3, 12: 2},
	}
}

// credentialBallot returns a cast ballot of credential i with a fixed seed.
func (f *fixture) credentialBallot(t testing.TB, id string, i int, v Vote) *Ballot {
	t.Helper()
	c := f.credentials[i]
	p, err := EncryptBallot(f.e, Header{BallotID: id, Credential: c.PublicKey()}, v, seedOf(fmt.Sprintf("nonce %s %d", id, i)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Cast(c.PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func NewNoncesForTest(seed []byte) (*proof.Nonces, error) { return proof.NewNonces(seed) }

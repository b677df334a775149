package ballot_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// A card is a voter's smart card: it makes its Ed25519 key itself, exports
// only the public key, and signs what it is given. The test never reads
// its secret.
type card struct {
	key    ed25519.PrivateKey // inside the card
	broken bool               // returns a wrong signature
}

func newCard(t *testing.T) *card {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &card{key: k}
}

func (c *card) Public() crypto.PublicKey { return c.key.Public() }

func (c *card) Sign(r io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, err := c.key.Sign(r, msg, opts)
	if c.broken && err == nil {
		sig[0] ^= 1
	}
	return sig, err
}

// TestSelfGeneratedCredentials is the voters' flow: each voter's device
// (GenerateCredential) or smart card makes her key; the registrar builds
// the list from public keys alone; each voter finds her key on it; the
// ballot box accepts the ballots they sign, and the credential list alone
// tells which credentials voted. A smart card that signs badly, or a key
// of another kind, signs nothing and leaves the ballot pending.
func TestSelfGeneratedCredentials(t *testing.T) {
	var devices []*ballot.Credential
	for range 3 {
		c, err := ballot.GenerateCredential()
		if err != nil {
			t.Fatal(err)
		}
		devices = append(devices, c)
	}
	cards := []*card{newCard(t), newCard(t)}
	// What reaches the registrar: public keys only.
	var keys []ed25519.PublicKey
	for _, c := range devices {
		keys = append(keys, c.PublicKey())
	}
	for _, c := range cards {
		keys = append(keys, c.Public().(ed25519.PublicKey))
	}
	list, err := ballot.NewCredentialList(keys)
	if err != nil {
		t.Fatal(err)
	}
	// A key registered twice (copied by another voter) is refused.
	if _, err := ballot.NewCredentialList(append(keys, keys[1])); err == nil {
		t.Error("a key listed twice")
	}
	for i, k := range keys {
		if !list.Contains(k) {
			t.Errorf("voter %d's key is not on the list", i)
		}
	}
	if devices[0].PublicKey().Equal(devices[1].PublicKey()) {
		t.Fatal("two voters generated the same key")
	}

	_, pk := elgamal.GenerateKey()
	m := &ballot.Manifest{ElectionID: "remote-2025", Title: "Remote vote", Policy: ballot.LastBallotCounts, Contests: []ballot.Contest{
		{ID: "motion", Title: "Adopt the motion?", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "Yes"}, {Code: 2, Name: "No"}}},
	}}
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: []*group.Element{group.NewGeneratorElement()}, Threshold: 1, Credentials: list})
	if err != nil {
		t.Fatal(err)
	}
	box, err := ballot.OpenBox(filepath.Join(t.TempDir(), "ballots.jsonl"), e)
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	signers := []crypto.Signer{devices[0].PrivateKey(), devices[1].PrivateKey(), devices[2].PrivateKey(), cards[0], cards[1]}
	for i, s := range signers {
		h := ballot.Header{BallotID: "remote/" + string(rune('a'+i)), Credential: keys[i]}
		seed := make([]byte, 32)
		rand.Read(seed)
		pb, err := ballot.EncryptBallot(e, h, ballot.Vote{"motion": {1 + uint32(i%2): 1}}, seed)
		if err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			// A broken card, then a key of another kind, sign nothing.
			cards[0].broken = true
			if _, err := pb.Cast(cards[0]); err == nil || !strings.Contains(err.Error(), "does not verify") {
				t.Errorf("a broken card's signature: %v", err)
			}
			cards[0].broken = false
			ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if _, err := pb.Cast(ek); err == nil {
				t.Error("an ECDSA key signed a ballot")
			}
			if _, err := pb.Cast(signers[4]); err == nil {
				t.Error("another voter's card signed the ballot")
			}
			// The ballot is still pending: the right card casts it below.
		}
		b, err := pb.Cast(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := box.AcceptBallot(b); err != nil {
			t.Fatalf("voter %d: %v", i, err)
		}
	}
	if n := len(box.Counted()); n != len(signers) {
		t.Errorf("%d ballots count, want %d", n, len(signers))
	}
}

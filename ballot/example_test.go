package ballot_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// A polling-station device encrypts ballots into a ballot box; the voter
// challenges one ballot to audit the device, then casts another.
func Example() {
	manifest := &ballot.Manifest{
		ElectionID: "coop-2025",
		Title:      "Cooperative board election",
		Policy:     ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{
			{ID: "board", Kind: ballot.UpTo, Limit: 2, Seats: 2, Alternates: 1, Candidates: []ballot.Candidate{
				{Code: 11, Name: "Azadeh"}, {Code: 12, Name: "Bijan"}, {Code: 13, Name: "Cyrus"}, {Code: 14, Name: "Darya"},
			}},
			{ID: "budget", Title: "Approve the budget?", Kind: ballot.YesNo, Candidates: []ballot.Candidate{
				{Code: 1, Name: "Yes"}, {Code: 2, Name: "No"},
			}},
		},
	}
	// In practice the election key, the trustees' verification keys and
	// the threshold come from the trustees' key ceremony.
	_, electionKey := elgamal.GenerateKey()
	trusteeKey, _ := elgamal.GenerateKey()
	devicePub, deviceKey, _ := ed25519.GenerateKey(nil)
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest:         manifest,
		PublicKey:        electionKey,
		VerificationKeys: []*group.Element{trusteeKey.PublicKey().Element()},
		Threshold:        1,
		Devices:          []ballot.RegisteredDevice{{ID: "station-1", PublicKey: devicePub}},
	})
	if err != nil {
		panic(err)
	}

	dir, _ := os.MkdirTemp("", "sandogh-box")
	defer os.RemoveAll(dir)
	box, err := ballot.OpenBox(filepath.Join(dir, "box.jsonl"), e)
	if err != nil {
		panic(err)
	}
	defer box.Close()

	// The device opens its chain of confirmation codes.
	device, opening, _ := ballot.OpenDevice(e, "station-1", deviceKey, time.Now())
	if err := box.AcceptOpening(opening); err != nil {
		panic(err)
	}

	// The voter challenges the first encryption: its nonce seed is released
	// and anyone can read what it encrypts.
	pb, _ := device.EncryptBallot(ballot.Vote{"board": {12: 1, 14: 1}})
	b, _ := device.Challenge(pb)
	vote, _ := ballot.OpenChallenged(e, b)
	fmt.Println("challenged ballot encrypts", vote)
	if _, err := box.Accept(b.Bytes()); err != nil {
		panic(err)
	}

	// Then casts a new encryption, and keeps its confirmation code.
	pb, _ = device.EncryptBallot(ballot.Vote{"board": {12: 1, 14: 1}, "budget": {1: 1}})
	b, _ = device.Cast(pb)
	_, err = box.Accept(b.Bytes())
	fmt.Println("cast ballot accepted:", err == nil, "short confirmation code length:", len(b.ConfirmationCode().Short()))

	// Submitting it again (a station that lost the acknowledgement) is
	// answered as the first time, and the ballot is written once.
	_, err = box.Accept(b.Bytes())
	fmt.Println("sent again, acknowledged:", err == nil)

	// An overvote is refused before anything is encrypted.
	_, err = device.EncryptBallot(ballot.Vote{"board": {11: 1, 12: 1, 13: 1}})
	fmt.Println(err)

	fmt.Println("ballots counted:", len(box.Counted()))
	// Output:
	// challenged ballot encrypts map[board:map[12:1 14:1]]
	// cast ballot accepted: true short confirmation code length: 19
	// sent again, acknowledged: true
	// ballot: vote: contest 0 ("board"): 3 candidates marked, more than the limit 2 (overvote)
	// ballots counted: 1
}

// A council voter writes candidate codes: the device refuses a list it
// cannot encrypt, and a challenged ballot opens to the codes written.
func ExampleVote_SetCodes() {
	council := ballot.Contest{ID: "council", Kind: ballot.CodeList, Limit: 3, Seats: 3, MixStages: 1}
	for code := uint32(1); code <= 400; code++ {
		council.Candidates = append(council.Candidates, ballot.Candidate{Code: code, Name: fmt.Sprint("Candidate ", code)})
	}
	m := &ballot.Manifest{ElectionID: "city-2025", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{council}}
	_, electionKey := elgamal.GenerateKey()
	trusteeKey, _ := elgamal.GenerateKey() // in practice, the trustees' verification keys
	devicePub, deviceKey, _ := ed25519.GenerateKey(nil)
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest: m, PublicKey: electionKey, VerificationKeys: []*group.Element{trusteeKey.PublicKey().Element()}, Threshold: 1,
		Devices: []ballot.RegisteredDevice{{ID: "station-1", PublicKey: devicePub}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("row width:", council.RowWidth())
	device, _, _ := ballot.OpenDevice(e, "station-1", deviceKey, time.Now())

	v := ballot.Vote{}
	fmt.Println(v.SetCodes("council", []uint32{212, 17, 212}))
	_, err = device.EncryptBallot(ballot.Vote{"council": {17: 1, 212: 1, 305: 1, 398: 1}})
	fmt.Println(err)

	v.SetCodes("council", []uint32{212, 17})
	pb, _ := device.EncryptBallot(v)
	b, _ := device.Challenge(pb)
	opened, _ := ballot.OpenChallenged(e, b)
	fmt.Println("challenged ballot encrypts", opened)
	// Output:
	// row width: 1
	// ballot: vote: contest "council": candidate code 212 is written twice (position 2)
	// ballot: vote: contest 0 ("council"): 4 candidate codes written, more than the limit 3 (overvote)
	// challenged ballot encrypts map[council:map[17:1 212:1]]
}

// Remote voters make their own credentials: each voter's device keeps its
// secret key and sends only the public key to the registrar, who publishes
// the list of public keys. Nobody else can sign a voter's ballot, so nobody
// else can vote for her, or replace her ballot under last-ballot-counts.
func ExampleGenerateCredential() {
	// On each voter's own device (or smart card).
	azadeh, _ := ballot.GenerateCredential()
	bijan, _ := ballot.GenerateCredential()

	// The registrar receives public keys only, and publishes the list.
	list, err := ballot.NewCredentialList([]ed25519.PublicKey{azadeh.PublicKey(), bijan.PublicKey()})
	if err != nil {
		panic(err)
	}
	fmt.Println("credentials listed:", list.Len())
	// Each voter checks that her key is on the published list.
	fmt.Println("Azadeh's key is listed:", list.Contains(azadeh.PublicKey()))

	m := &ballot.Manifest{ElectionID: "assembly-2025", Policy: ballot.LastBallotCounts, Contests: []ballot.Contest{
		{ID: "motion", Title: "Adopt the motion?", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "Yes"}, {Code: 2, Name: "No"}}},
	}}
	_, electionKey := elgamal.GenerateKey() // in practice, from the trustees' key ceremony
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: electionKey, VerificationKeys: []*group.Element{group.NewGeneratorElement()}, Threshold: 1, Credentials: list})
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "sandogh-box")
	defer os.RemoveAll(dir)
	box, err := ballot.OpenBox(filepath.Join(dir, "box.jsonl"), e)
	if err != nil {
		panic(err)
	}
	defer box.Close()

	// Azadeh votes from home, signing with the credential her device made.
	vote := func(c *ballot.Credential, id string, v ballot.Vote) error {
		seed := make([]byte, 32)
		rand.Read(seed)
		pb, err := ballot.EncryptBallot(e, ballot.Header{BallotID: id, Credential: c.PublicKey()}, v, seed)
		if err != nil {
			return err
		}
		b, err := pb.Cast(c.PrivateKey())
		if err != nil {
			return err
		}
		return box.AcceptBallot(b)
	}
	fmt.Println("Azadeh's ballot accepted:", vote(azadeh, "azadeh/1", ballot.Vote{"motion": {1: 1}}) == nil)

	// A credential that is not on the list votes for nobody.
	outsider, _ := ballot.GenerateCredential()
	fmt.Println("an unlisted credential refused:", vote(outsider, "outsider/1", ballot.Vote{"motion": {2: 1}}) != nil)
	fmt.Println("ballots counted:", len(box.Counted()))
	// Output:
	// credentials listed: 2
	// Azadeh's key is listed: true
	// Azadeh's ballot accepted: true
	// an unlisted credential refused: true
	// ballots counted: 1
}

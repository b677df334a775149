package ballot_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
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
	pending, _ := device.EncryptBallot(ballot.Vote{"board": {12: 1, 14: 1}})
	b, _ := device.Challenge(pending)
	vote, _ := ballot.OpenChallenged(e, b)
	fmt.Println("challenged ballot encrypts", vote)
	if _, err := box.Accept(b.Bytes()); err != nil {
		panic(err)
	}

	// Then casts a new encryption, and keeps its confirmation code.
	pending, _ = device.EncryptBallot(ballot.Vote{"board": {12: 1, 14: 1}, "budget": {1: 1}})
	b, _ = device.Cast(pending)
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
	pending, _ := device.EncryptBallot(v)
	b, _ := device.Challenge(pending)
	opened, _ := ballot.OpenChallenged(e, b)
	fmt.Println("challenged ballot encrypts", opened)
	// Output:
	// row width: 1
	// ballot: vote: contest "council": candidate code 212 is written twice (position 2)
	// ballot: vote: contest 0 ("council"): 4 candidate codes written, more than the limit 3 (overvote)
	// challenged ballot encrypts map[council:map[17:1 212:1]]
}

// A list election: the voter chooses a party list by its code and marks up
// to P of its candidates (the open rule). The device refuses a candidate of
// another list, and a vote of candidates only is the vote for their list.
func ExampleProportionalList() {
	council := ballot.Contest{ID: "council", Kind: ballot.ProportionalList, Seats: 3, ListRule: ballot.OpenList,
		Preferences: 2, CandidatesOnly: true, Method: ballot.DHondt, Threshold: 500}
	for l, party := range []string{"Greens", "Workers"} {
		pl := ballot.PartyList{Code: uint32(l + 1), Name: party}
		for k := range 3 {
			code := uint32(10*(l+1) + k + 1)
			council.Candidates = append(council.Candidates, ballot.Candidate{Code: code, Name: fmt.Sprint("Candidate ", code)})
			pl.Candidates = append(pl.Candidates, code)
		}
		council.Lists = append(council.Lists, pl)
	}
	m := &ballot.Manifest{ElectionID: "city-2026", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{council}}
	_, electionKey := elgamal.GenerateKey()
	trusteeKey, _ := elgamal.GenerateKey()
	devicePub, deviceKey, _ := ed25519.GenerateKey(nil)
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest: m, PublicKey: electionKey, VerificationKeys: []*group.Element{trusteeKey.PublicKey().Element()}, Threshold: 1,
		Devices: []ballot.RegisteredDevice{{ID: "station-1", PublicKey: devicePub}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("selections:", council.NumSelections(), council.SelectionCodes())
	device, _, _ := ballot.OpenDevice(e, "station-1", deviceKey, time.Now())

	_, err = device.EncryptBallot(ballot.Vote{"council": {1: 1, 11: 1, 21: 1}})
	fmt.Println(err)

	pending, _ := device.EncryptBallot(ballot.Vote{"council": {22: 1, 23: 1}})
	b, _ := device.Challenge(pending)
	opened, _ := ballot.OpenChallenged(e, b)
	fmt.Println("challenged ballot encrypts", opened)
	fmt.Println("verifies:", ballot.VerifyBallot(e, b) == nil)
	// Output:
	// selections: 8 [1 2 11 12 13 21 22 23]
	// ballot: vote: contest 0 ("council"): candidate 21 is on list 2, not on list 1: under the "open" rule preferences go to candidates of the chosen list
	// challenged ballot encrypts map[council:map[2:1 22:1 23:1]]
	// verifies: true
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
		pending, err := ballot.EncryptBallot(e, ballot.Header{BallotID: id, Credential: c.PublicKey()}, v, seed)
		if err != nil {
			return err
		}
		b, err := pending.Cast(c.PrivateKey())
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

// coopElection is the election of the examples below: a board contest
// (up to 2 of 4, 2 seats), one registered polling station whose signing
// key is stationKey. Its keys would come from the trustees' key ceremony
// (election.Writer.WriteCeremony); here one made-up trustee holds them.
func coopElection() (e *ballot.Election, stationKey ed25519.PrivateKey) {
	stationKey = ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)) // a demonstration key
	trustee, electionKey := elgamal.GenerateKey()
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest: &ballot.Manifest{ElectionID: "coop-2025", Title: "Cooperative board", Policy: ballot.OneBallotPerCredential,
			Contests: []ballot.Contest{{ID: "board", Kind: ballot.UpTo, Limit: 2, Seats: 2, Candidates: []ballot.Candidate{
				{Code: 11, Name: "Azadeh"}, {Code: 12, Name: "Bijan"}, {Code: 13, Name: "Cyrus"}, {Code: 14, Name: "Darya"},
			}}}},
		PublicKey:        electionKey,
		VerificationKeys: []*group.Element{trustee.PublicKey().Element()},
		Threshold:        1,
		Devices:          []ballot.RegisteredDevice{{ID: "station-1", PublicKey: stationKey.Public().(ed25519.PublicKey)}},
	})
	if err != nil {
		panic(err)
	}
	return e, stationKey
}

// A polling station encrypts a voter's choices, shows the confirmation
// code while the voter decides, and signs the decision. The pending ballot
// is not signed and cannot be submitted; Cast returns the signed ballot,
// whose encoding goes to the ballot box. The station saves its chain's tip
// after each ballot, so that it can resume after a restart.
func ExampleDevice_EncryptBallot() {
	e, stationKey := coopElection()
	station, opening, err := ballot.OpenDevice(e, "station-1", stationKey, time.Date(2025, 6, 12, 8, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	_ = opening // sent to the ballot box before the first ballot

	pending, err := station.EncryptBallot(ballot.Vote{"board": {11: 1, 13: 1}})
	if err != nil {
		panic(err)
	}
	shown := pending.ConfirmationCode().Short() // on the station's screen
	fmt.Println("ballot", pending.ID(), "shows a code of", len(shown), "characters")

	// The voter casts it (Challenge instead would release its nonce seed).
	b, err := station.Cast(pending)
	if err != nil {
		panic(err)
	}
	fmt.Println("state:", b.State(), "- same code:", b.ConfirmationCode().MatchesShort(shown))
	_, err = station.Cast(pending)
	fmt.Println("cast again:", err)

	// The station's chain: its last ballot's sequence number and code.
	seq, tip := station.Tip()
	fmt.Println("tip:", seq, tip == b.ConfirmationCode())
	// Output:
	// ballot station-1/1 shows a code of 19 characters
	// state: cast - same code: true
	// cast again: ballot: ballot "station-1/1" was already cast
	// tip: 1 true
}

// A ballot box accepts a station's opening and ballots, answers a repeated
// upload as the first time, and refuses what the acceptance rule refuses,
// saying which step refused it and whether the box recorded it: here a
// station's ballots uploaded out of order after it worked offline, which
// the box rejects without recording, until the missing ballot arrives.
func ExampleBox_Accept() {
	e, stationKey := coopElection()
	dir, _ := os.MkdirTemp("", "sandogh-box")
	defer os.RemoveAll(dir)
	box, err := ballot.OpenBox(filepath.Join(dir, "ballots.jsonl"), e)
	if err != nil {
		panic(err)
	}
	defer box.Close()

	station, opening, _ := ballot.OpenDevice(e, "station-1", stationKey, time.Date(2025, 6, 12, 8, 0, 0, 0, time.UTC))
	if err := box.AcceptOpening(opening); err != nil {
		panic(err)
	}
	var offline [][]byte // encoded ballots the station kept while offline
	for _, marks := range []map[uint32]uint64{{11: 1}, {12: 1, 14: 1}} {
		pending, _ := station.EncryptBallot(ballot.Vote{"board": marks})
		b, _ := station.Cast(pending)
		offline = append(offline, b.Bytes())
	}

	// The second ballot arrives first: a gap in the station's chain.
	_, err = box.Accept(offline[1])
	var refusal *ballot.Refusal
	if errors.As(err, &refusal) {
		fmt.Println("refused by step", refusal.Step, "- recorded:", refusal.Recorded)
	}
	// In order, both are accepted; a repeated upload is acknowledged.
	for _, data := range append(offline, offline[1]) {
		if _, err := box.Accept(data); err != nil {
			panic(err)
		}
	}
	fmt.Println("ballots counted:", len(box.Counted()))
	// Output:
	// refused by step chain-gap - recorded: false
	// ballots counted: 2
}

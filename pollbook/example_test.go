package pollbook_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/pollbook"
)

// Two stations, one of them offline, admit the same voter; the central
// book finds the double vote when the offline station syncs, and
// publishes the counts.
func Example() {
	// The election, with two registered station devices.
	keyA := ed25519.NewKeyFromSeed(make([]byte, 32))
	keyB := ed25519.NewKeyFromSeed(append(make([]byte, 31), 1))
	_, electionKey := elgamal.GenerateKey()
	trustee, _ := elgamal.GenerateKey()
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest: &ballot.Manifest{ElectionID: "council-1405", Title: "Council", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{
			{ID: "q", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "Yes"}, {Code: 2, Name: "No"}}},
		}},
		PublicKey:        electionKey,
		VerificationKeys: []*group.Element{trustee.PublicKey().Element()},
		Threshold:        1,
		Devices: []ballot.RegisteredDevice{
			{ID: "station-a", PublicKey: keyA.Public().(ed25519.PublicKey)},
			{ID: "station-b", PublicKey: keyB.Public().(ed25519.PublicKey)},
		},
	})
	if err != nil {
		panic(err)
	}

	// The authority's secret key (from crypto/rand in practice) and the
	// list it computes from the civil registry's identifiers.
	secret := sha256.Sum256([]byte("example only"))
	key, _ := pollbook.NewKey(secret[:], "council-1405")
	var pseudonyms []pollbook.Pseudonym
	for _, id := range []string{"0013542419", "1234567891", "0000000000"} {
		p, _ := key.Pseudonym(id)
		pseudonyms = append(pseudonyms, p)
	}
	list, _ := pollbook.NewList("council-1405", pseudonyms)
	fmt.Println("voters on the list:", list.Len())

	dir, _ := os.MkdirTemp("", "pollbook")
	defer os.RemoveAll(dir)
	central, err := pollbook.OpenCentral(filepath.Join(dir, "central.marks"), pollbook.CentralParams{Election: e, List: list})
	if err != nil {
		panic(err)
	}
	defer central.Close()

	// Station A is online (here the central book in process; over HTTP
	// in the field), station B offline.
	a, _ := pollbook.OpenBook(filepath.Join(dir, "a.marks"), pollbook.BookParams{
		Election: e, Station: "station-a", DeviceKey: keyA, Key: key, List: list, Online: central})
	defer a.Close()
	b, _ := pollbook.OpenBook(filepath.Join(dir, "b.marks"), pollbook.BookParams{
		Election: e, Station: "station-b", DeviceKey: keyB, Key: key, List: list})
	defer b.Close()

	ctx := context.Background()
	ans, _ := a.Check(ctx, "001-354241-9")
	fmt.Println("station A admits:", ans.Admit, "online:", ans.Online)
	a.Mark(ans.Pseudonym)
	central.Merge(a.Marks(central.Tip("station-a")))

	ans, _ = b.Check(ctx, "۰۰۱۳۵۴۲۴۱۹") // the same voter, in Persian digits
	fmt.Println("station B admits:", ans.Admit, "online:", ans.Online)
	b.Mark(ans.Pseudonym)

	// Station B syncs: a double vote, an incident for both stations.
	r, _ := central.Merge(b.Marks(central.Tip("station-b")))
	for _, in := range r.Incidents {
		fmt.Printf("%v: %s mark %d and %s mark %d\n", in.Kind, in.Station, in.Sequence, in.OtherStation, in.OtherSequence)
	}

	// Online, station A refuses the voter already marked.
	ans, _ = a.Check(ctx, "0013542419")
	fmt.Println("station A again:", ans.Refusal)

	s := central.Summary()
	out, _ := json.Marshal(struct {
		Marks, Voters, DoubleVotes uint64
		Stations                   []pollbook.StationCounts
	}{s.Marks, s.Voters, s.DoubleVotes, s.Stations})
	fmt.Println(string(out))
	// Output:
	// voters on the list: 3
	// station A admits: true online: true
	// station B admits: true online: false
	// double-vote: station-b mark 1 and station-a mark 1
	// station A again: already voted at this station
	// {"Marks":2,"Voters":1,"DoubleVotes":1,"Stations":[{"station":"station-a","marks":1,"committee":0,"doubleVotes":1,"notListed":0,"reusedDecisions":0},{"station":"station-b","marks":1,"committee":0,"doubleVotes":1,"notListed":0,"reusedDecisions":0}]}
}

func ExampleNormalizeNationalID() {
	for _, s := range []string{"۰۰۱-۳۵۴۲۴۱-۹", "0013542418", "13542419"} {
		n, err := pollbook.NormalizeNationalID(s)
		fmt.Println(n, err)
	}
	// Output:
	// 0013542419 <nil>
	//  pollbook: national identifier: check digit 8 does not match the other nine digits (a digit is mistyped)
	//  pollbook: national identifier: 8 digits, want 10
}

// A voter without a national identifier is admitted by the station
// committee: two of its three officials sign the decision, the station
// records it, and the summary counts it apart.
func ExampleBook_Admit() {
	station := ed25519.NewKeyFromSeed(make([]byte, 32))
	_, electionKey := elgamal.GenerateKey()
	trustee, _ := elgamal.GenerateKey()
	e, _ := ballot.NewElection(ballot.Parameters{
		Manifest: &ballot.Manifest{ElectionID: "village-7", Title: "Village council", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{
			{ID: "q", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "Yes"}, {Code: 2, Name: "No"}}},
		}},
		PublicKey:        electionKey,
		VerificationKeys: []*group.Element{trustee.PublicKey().Element()},
		Threshold:        1,
		Devices:          []ballot.RegisteredDevice{{ID: "village-7/1", PublicKey: station.Public().(ed25519.PublicKey)}},
	})
	officials := map[string]ed25519.PrivateKey{}
	committee := &pollbook.Committee{Officials: map[string]ed25519.PublicKey{}, Quorum: 2}
	for i, name := range []string{"chair", "secretary", "member"} {
		officials[name] = ed25519.NewKeyFromSeed(append(make([]byte, 31), byte(10+i)))
		committee.Officials[name] = officials[name].Public().(ed25519.PublicKey)
	}
	secret := sha256.Sum256([]byte("example only"))
	key, _ := pollbook.NewKey(secret[:], "village-7")
	list, _ := pollbook.NewList("village-7", nil)

	dir, _ := os.MkdirTemp("", "pollbook")
	defer os.RemoveAll(dir)
	book, err := pollbook.OpenBook(filepath.Join(dir, "station.marks"), pollbook.BookParams{
		Election: e, Station: "village-7/1", DeviceKey: station, Key: key, List: list, Committee: committee})
	if err != nil {
		panic(err)
	}
	defer book.Close()

	// Each official signs decision 1405/12 on his own device.
	sigs := []pollbook.OfficialSignature{
		pollbook.SignDecision(e.BaseHash(), "village-7/1", "1405/12", "secretary", officials["secretary"]),
		pollbook.SignDecision(e.BaseHash(), "village-7/1", "1405/12", "chair", officials["chair"]),
	}
	m, err := book.Admit("1405/12", sigs)
	fmt.Println("admitted as mark", m.Sequence, "by decision:", m.IsDecision(), err)
	_, err = book.Admit("1405/12", sigs)
	fmt.Println(err)

	central, _ := pollbook.OpenCentral(filepath.Join(dir, "central.marks"), pollbook.CentralParams{
		Election: e, List: list, Committees: map[string]*pollbook.Committee{"village-7/1": committee}})
	defer central.Close()
	central.Merge(book.Marks(0))
	s := central.Summary()
	fmt.Println("marks:", s.Marks, "admitted by committee:", s.Committee, "voters on the list:", s.Voters)
	// Output:
	// admitted as mark 1 by decision: true <nil>
	// pollbook: book: decision "1405/12" already admitted a voter, mark 1
	// marks: 1 admitted by committee: 1 voters on the list: 0
}

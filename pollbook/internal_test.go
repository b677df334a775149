package pollbook

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// testElection returns an election with n registered stations and their
// keys.
func testElection(t testing.TB, n int) (*ballot.Election, []string, []ed25519.PrivateKey) {
	var devs []ballot.RegisteredDevice
	var ids []string
	var keys []ed25519.PrivateKey
	for i := range n {
		id := fmt.Sprintf("station-%d", i+1)
		seed := sha256.Sum256([]byte(id))
		k := ed25519.NewKeyFromSeed(seed[:])
		ids, keys = append(ids, id), append(keys, k)
		devs = append(devs, ballot.RegisteredDevice{ID: id, PublicKey: k.Public().(ed25519.PublicKey)})
	}
	_, pk := elgamal.GenerateKey()
	tk, _ := elgamal.GenerateKey()
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest: &ballot.Manifest{ElectionID: "e", Title: "E", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{
			{ID: "q", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "Yes"}, {Code: 2, Name: "No"}}},
		}},
		PublicKey:        pk,
		VerificationKeys: []*group.Element{tk.PublicKey().Element()},
		Threshold:        1,
		Devices:          devs,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e, ids, keys
}

// sign returns m signed by key, as a station that does not run a Book
// (or runs a faulty one) could sign it.
func sign(e *ballot.Election, m *Mark, key ed25519.PrivateKey) *Mark {
	m.Signature = ed25519.Sign(key, m.message(e.BaseHash()))
	return m
}

func pseudonymOf(i uint64) Pseudonym {
	var p Pseudonym
	binary.BigEndian.PutUint64(p[:], i)
	return Pseudonym(sha256.Sum256(p[:]))
}

// Marks that an honest Book never writes, but a faulty station could
// sign: a pseudonym not on the list, a voter marked twice at one station,
// a committee decision reference used twice. The central book takes them
// (the voters have voted) and raises an incident for each.
func TestIncidentsOfFaultyStations(t *testing.T) {
	e, ids, keys := testElection(t, 2)
	list, _ := NewList("e", []Pseudonym{pseudonymOf(1), pseudonymOf(2)})
	officials := map[string]ed25519.PrivateKey{"chair": ed25519.NewKeyFromSeed(make([]byte, 32))}
	committee := &Committee{Officials: map[string]ed25519.PublicKey{"chair": officials["chair"].Public().(ed25519.PublicKey)}, Quorum: 1}
	c, err := OpenCentral(filepath.Join(t.TempDir(), "c"), CentralParams{Election: e, List: list, Committees: map[string]*Committee{ids[0]: committee}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dec := func(ref string) *CommitteeDecision {
		return &CommitteeDecision{Reference: ref, Signatures: []OfficialSignature{SignDecision(e.BaseHash(), ids[0], ref, "chair", officials["chair"])}}
	}
	marks := []*Mark{
		sign(e, &Mark{Station: ids[0], Sequence: 1, Pseudonym: pseudonymOf(1)}, keys[0]),
		sign(e, &Mark{Station: ids[0], Sequence: 2, Pseudonym: pseudonymOf(9)}, keys[0]),
		sign(e, &Mark{Station: ids[0], Sequence: 3, Pseudonym: pseudonymOf(1)}, keys[0]),
		sign(e, &Mark{Station: ids[0], Sequence: 4, Decision: dec("r")}, keys[0]),
		sign(e, &Mark{Station: ids[0], Sequence: 5, Decision: dec("r")}, keys[0]),
		sign(e, &Mark{Station: ids[1], Sequence: 1, Pseudonym: pseudonymOf(1)}, keys[1]),
	}
	r, err := c.Merge(marks)
	if err != nil || r.Accepted != 6 {
		t.Fatalf("%+v, %v", r, err)
	}
	want := []Incident{
		{Kind: NotListed, Station: ids[0], Sequence: 2},
		{Kind: DoubleVote, Station: ids[0], Sequence: 3, OtherStation: ids[0], OtherSequence: 1},
		{Kind: ReusedDecision, Station: ids[0], Sequence: 5, OtherStation: ids[0], OtherSequence: 4},
		{Kind: DoubleVote, Station: ids[1], Sequence: 1, OtherStation: ids[0], OtherSequence: 1},
	}
	if fmt.Sprint(r.Incidents) != fmt.Sprint(want) {
		t.Fatalf("incidents %v, want %v", r.Incidents, want)
	}
	s := c.Summary()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if s.Marks != 6 || s.Voters != 2 || s.DoubleVotes != 2 || s.NotListed != 1 || s.ReusedDecisions != 1 || s.Committee != 2 ||
		s.Stations[0].DoubleVotes != 2 || s.Stations[1].DoubleVotes != 1 {
		t.Fatalf("summary %+v", s)
	}
	// Station 2 has no committee: its decision mark is refused.
	if _, err := c.Merge([]*Mark{sign(e, &Mark{Station: ids[1], Sequence: 2, Decision: dec("r")}, keys[1])}); err == nil {
		t.Fatal("a decision of a station without a committee")
	}
}

// A write that fails (a full disk, an I/O error) leaves the central book
// refusing everything until it is reopened, and the reopened book holds
// what was acknowledged and nothing else.
func TestCentralWriteFailure(t *testing.T) {
	e, ids, keys := testElection(t, 1)
	list, _ := NewList("e", []Pseudonym{pseudonymOf(1), pseudonymOf(2)})
	path := filepath.Join(t.TempDir(), "c")
	c, err := OpenCentral(path, CentralParams{Election: e, List: list})
	if err != nil {
		t.Fatal(err)
	}
	m1 := sign(e, &Mark{Station: ids[0], Sequence: 1, Pseudonym: pseudonymOf(1)}, keys[0])
	m2 := sign(e, &Mark{Station: ids[0], Sequence: 2, Pseudonym: pseudonymOf(2)}, keys[0])
	if _, err := c.Merge([]*Mark{m1}); err != nil {
		t.Fatal(err)
	}
	c.j.f.Close() // every later write fails
	if r, err := c.Merge([]*Mark{m2}); err == nil || r.Accepted != 0 {
		t.Fatalf("a failed write: %+v, %v", r, err)
	}
	if _, err := c.Merge([]*Mark{m1}); err == nil || !strings.Contains(err.Error(), "reopen") {
		t.Fatalf("after a failed write: %v", err)
	}
	if _, err := c.Check(pseudonymOf(2)); err == nil {
		t.Fatal("a broken book answers online checks")
	}
	c.j.f = nil // already closed
	c.Close()
	c, err = OpenCentral(path, CentralParams{Election: e, List: list})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Tip(ids[0]) != 1 {
		t.Fatalf("tip %d after reopening, want 1", c.Tip(ids[0]))
	}
	if r, err := c.Merge([]*Mark{m1, m2}); err != nil || r.Accepted != 1 || r.Repeats != 1 {
		t.Fatalf("resume: %+v, %v", r, err)
	}
}

package pollbook_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/pollbook"
)

// fixture is an election with registered stations, the authority's key,
// the national identifiers of the voters and their list.
type fixture struct {
	e         *ballot.Election
	key       *pollbook.Key
	list      *pollbook.List
	ids       []string // national identifiers of the listed voters
	stations  []string
	keys      map[string]ed25519.PrivateKey
	officials map[string]ed25519.PrivateKey
	committee *pollbook.Committee
	dir       string
}

func seedKey(s string) ed25519.PrivateKey {
	h := sha256.Sum256([]byte(s))
	return ed25519.NewKeyFromSeed(h[:])
}

// nationalID returns the valid national identifier whose first nine digits
// are n, from the check-digit rule as the outside references state it
// (see TestNormalizeNationalID).
func nationalID(n int) string {
	s := fmt.Sprintf("%09d", n)
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(s[i]-'0') * (10 - i)
	}
	r := sum % 11
	c := r
	if r >= 2 {
		c = 11 - r
	}
	return fmt.Sprintf("%s%d", s, c)
}

func newFixture(t testing.TB, stations, voters int) *fixture {
	t.Helper()
	f := &fixture{keys: make(map[string]ed25519.PrivateKey), officials: make(map[string]ed25519.PrivateKey), dir: t.TempDir()}
	var devs []ballot.RegisteredDevice
	for i := range stations {
		id := fmt.Sprintf("station-%d", i+1)
		f.stations = append(f.stations, id)
		f.keys[id] = seedKey(id)
		devs = append(devs, ballot.RegisteredDevice{ID: id, PublicKey: f.keys[id].Public().(ed25519.PublicKey)})
	}
	_, pk := elgamal.GenerateKey()
	tk, _ := elgamal.GenerateKey()
	e, err := ballot.NewElection(ballot.Parameters{
		Manifest: &ballot.Manifest{ElectionID: "council-1405", Title: "Council", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{
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
	f.e = e
	secret := sha256.Sum256([]byte("the authority's secret"))
	if f.key, err = pollbook.NewKey(secret[:], "council-1405"); err != nil {
		t.Fatal(err)
	}
	ps := make([]pollbook.Pseudonym, voters)
	for i := range voters {
		f.ids = append(f.ids, nationalID(1000+i*7919))
		if ps[i], err = f.key.Pseudonym(f.ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	if f.list, err = pollbook.NewList("council-1405", ps); err != nil {
		t.Fatal(err)
	}
	f.committee = &pollbook.Committee{Officials: map[string]ed25519.PublicKey{}, Quorum: 2}
	for _, o := range []string{"chair", "secretary", "observer"} {
		f.officials[o] = seedKey(o)
		f.committee.Officials[o] = f.officials[o].Public().(ed25519.PublicKey)
	}
	return f
}

func (f *fixture) pseudonym(t testing.TB, i int) pollbook.Pseudonym {
	p, err := f.key.Pseudonym(f.ids[i])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) committees() map[string]*pollbook.Committee {
	m := make(map[string]*pollbook.Committee)
	for _, s := range f.stations {
		m[s] = f.committee
	}
	return m
}

func (f *fixture) openBook(t testing.TB, station string, online pollbook.OnlineChecker) *pollbook.Book {
	t.Helper()
	b, err := pollbook.OpenBook(filepath.Join(f.dir, station+".marks"), pollbook.BookParams{
		Election: f.e, Station: station, DeviceKey: f.keys[station], Key: f.key, List: f.list,
		Committee: f.committee, Online: online,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func (f *fixture) centralPath() string { return filepath.Join(f.dir, "central.marks") }

func (f *fixture) openCentral(t testing.TB) *pollbook.Central {
	t.Helper()
	c, err := pollbook.OpenCentral(f.centralPath(), pollbook.CentralParams{Election: f.e, List: f.list, Committees: f.committees()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// decision returns the signatures of the named officials of decision ref
// at station.
func (f *fixture) decision(station, ref string, officials ...string) []pollbook.OfficialSignature {
	var sigs []pollbook.OfficialSignature
	for _, o := range officials {
		sigs = append(sigs, pollbook.SignDecision(f.e.BaseHash(), station, ref, o, f.officials[o]))
	}
	return sigs
}

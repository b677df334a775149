// Package fieldtest builds the elections that the tests and benchmarks of
// the networked ballot box (ballot/boxserver) and the station
// (ballot/station) run: a board contest (15 candidates, vote for up to 7)
// with registered polling-station devices, every key derived from a public
// label, and a simulated civil registry (NationalID), which the examples'
// demonstrations use too. It is for tests and demonstrations only: its keys
// are public.
package fieldtest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	mrand "math/rand/v2"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// An Election is a test election and the signing keys of its devices
// (and of its officials, for NewWithStations).
type Election struct {
	E         *ballot.Election
	Keys      map[string]ed25519.PrivateKey
	IDs       []string
	Officials map[string]ed25519.PrivateKey
}

func seedOf(label string) []byte {
	h := sha256.Sum256([]byte("sandogh-v1 field test " + label))
	return h[:]
}

// Manifest is the board election: 15 candidates, codes 101 to 115, up to 7
// marks, 7 seats and 3 alternates.
func Manifest() *ballot.Manifest {
	board := ballot.Contest{ID: "board", Title: "Board of directors", Kind: ballot.UpTo, Limit: 7, Seats: 7, Alternates: 3}
	for i := range 15 {
		board.Candidates = append(board.Candidates, ballot.Candidate{Code: uint32(101 + i), Name: fmt.Sprintf("Candidate %d", 101+i)})
	}
	return &ballot.Manifest{ElectionID: "field-test", Title: "Field test", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{board}}
}

// New returns the board election with devices station-1 to station-n.
func New(n int) (*Election, error) { return build(n, false) }

// NewWithStations returns the board election with devices station-1 to
// station-n and spare-1, and in its manifest the polling stations ps-1 to
// ps-n: ps-i runs station-i (ps-1 also spare-1), and has officials
// official-i-a and official-i-b, one of whom co-signs each closing.
func NewWithStations(n int) (*Election, error) { return build(n, true) }

func build(n int, stations bool) (*Election, error) {
	x, err := new(group.Scalar).SetUniformBytes(append(seedOf("election key"), seedOf("election key 2")...))
	if err != nil {
		return nil, err
	}
	sk, err := elgamal.NewSecretKey(x)
	if err != nil {
		return nil, err
	}
	out := &Election{Keys: make(map[string]ed25519.PrivateKey), Officials: make(map[string]ed25519.PrivateKey)}
	var devices []ballot.RegisteredDevice
	ids := make([]string, 0, n+1)
	for i := range n {
		ids = append(ids, fmt.Sprintf("station-%d", i+1))
	}
	if stations {
		ids = append(ids, "spare-1")
	}
	for _, id := range ids {
		k := ed25519.NewKeyFromSeed(seedOf("device " + id))
		out.Keys[id] = k
		out.IDs = append(out.IDs, id)
		devices = append(devices, ballot.RegisteredDevice{ID: id, PublicKey: k.Public().(ed25519.PublicKey)})
	}
	m := Manifest()
	for i := range n {
		if !stations {
			break
		}
		st := ballot.Station{ID: fmt.Sprintf("ps-%d", i+1), Devices: []string{fmt.Sprintf("station-%d", i+1)}, ClosingCosignatures: 1}
		if i == 0 {
			st.Devices = append(st.Devices, "spare-1")
		}
		for _, o := range []string{"a", "b"} {
			id := fmt.Sprintf("official-%d-%s", i+1, o)
			k := ed25519.NewKeyFromSeed(seedOf("official " + id))
			out.Officials[id] = k
			st.Officials = append(st.Officials, ballot.Official{ID: id, PublicKey: k.Public().(ed25519.PublicKey)})
		}
		m.Stations = append(m.Stations, st)
	}
	var trustees []*group.Element
	for i := range 3 {
		s := group.HashToScalar([]byte(fmt.Sprintf("trustee %d", i)), []byte("sandogh-v1 field test"))
		trustees = append(trustees, group.NewElement().ScalarBaseMult(s))
	}
	out.E, err = ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: sk.PublicKey(), VerificationKeys: trustees, Threshold: 2, Devices: devices})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Vote draws a board vote: 0 to 7 distinct candidates.
func Vote(r *mrand.Rand) ballot.Vote {
	marks := map[uint32]uint64{}
	for _, i := range r.Perm(15)[:r.IntN(8)] {
		marks[uint32(101+i)] = 1
	}
	return ballot.Vote{"board": marks}
}

// NationalID returns the k-th identifier of a simulated civil registry:
// nine digits from k and the check digit of Iranian national identifiers
// (pollbook.NormalizeNationalID's rule: the sum of the first nine digits
// weighted 10 down to 2, modulo 11; the check digit is that remainder if
// it is below 2, and 11 minus it otherwise).
func NationalID(k int) string {
	d := fmt.Sprintf("%09d", (k*7919+100000)%1000000000)
	sum := 0
	for i := range 9 {
		sum += int(d[i]-'0') * (10 - i)
	}
	r := sum % 11
	if r >= 2 {
		r = 11 - r
	}
	return d + fmt.Sprint(r)
}

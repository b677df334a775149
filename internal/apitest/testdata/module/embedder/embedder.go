// Package embedder is what the programs of this module share: the steps of
// a small election (three trustees with threshold 2, one polling station,
// a board contest), written as an embedder of sandogh writes them, with
// exported names only.
package embedder

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/trustee"
)

// Check stops the program on an error that the program did not expect.
func Check(err error) {
	if err != nil {
		fmt.Println("unexpected error:", err)
		os.Exit(2)
	}
}

// Secret derives a demonstration secret, so that runs are reproducible.
func Secret(what string, k int) []byte {
	h := sha256.Sum256(fmt.Appendf(nil, "embedder %s %d", what, k))
	return h[:]
}

// Ceremony runs the key ceremony of three trustees, threshold 2, for
// election electionID, and returns its messages and the key shares.
func Ceremony(electionID string) (*trustee.Ceremony, []*trustee.KeyShare) {
	var ids []*trustee.Identity
	var members []trustee.Member
	for k := 1; k <= 3; k++ {
		id, err := trustee.NewIdentityFromSeed(fmt.Sprint("Trustee ", k), Secret("identity", k))
		Check(err)
		ids, members = append(ids, id), append(members, id.Member(k))
	}
	roster, err := trustee.NewRoster(electionID, 2, members)
	Check(err)
	c := &trustee.Ceremony{Roster: roster}
	var ts []*trustee.Trustee
	for k, id := range ids {
		tr, err := trustee.NewTrusteeFromSeed(roster, id, Secret("ceremony", k+1))
		Check(err)
		m, err := tr.Round1()
		Check(err)
		ts, c.Commitments = append(ts, tr), append(c.Commitments, m)
	}
	for _, tr := range ts {
		sh, err := tr.Round2()
		Check(err)
		c.Shares = append(c.Shares, sh...)
	}
	for _, tr := range ts {
		cs, err := tr.ReceiveShares(c.Commitments, c.Shares)
		Check(err)
		c.Complaints = append(c.Complaints, cs...)
	}
	for _, tr := range ts {
		rs, err := tr.Respond(c.Complaints)
		Check(err)
		c.Responses = append(c.Responses, rs...)
	}
	var shares []*trustee.KeyShare
	for _, tr := range ts {
		_, ks, err := tr.Finish(c)
		Check(err)
		shares = append(shares, ks)
	}
	return c, shares
}

// Manifest is the election's manifest: vote for up to 2 of 3, one seat.
func Manifest(electionID string) *ballot.Manifest {
	return &ballot.Manifest{ElectionID: electionID, Title: "Embedder test", Policy: ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{{ID: "board", Kind: ballot.UpTo, Limit: 2, Seats: 1, Candidates: []ballot.Candidate{
			{Code: 1, Name: "Azadeh"}, {Code: 2, Name: "Bijan"}, {Code: 3, Name: "Cyrus"},
		}}}}
}

// StationKey is the polling station's signing key.
func StationKey() ed25519.PrivateKey { return ed25519.NewKeyFromSeed(Secret("station", 1)) }

// NewElection returns the election of manifest m with the ceremony's keys.
func NewElection(m *ballot.Manifest, keys *trustee.Result) (*ballot.Election, error) {
	pk, err := keys.ElectionKey()
	if err != nil {
		return nil, err
	}
	return ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: keys.VerificationKeys, Threshold: keys.Threshold,
		Devices: []ballot.RegisteredDevice{{ID: "station-1", PublicKey: StationKey().Public().(ed25519.PublicKey)}}})
}

// A Record is an election record being written.
type Record struct {
	W      *election.Writer
	E      *ballot.Election
	Keys   *trustee.Result
	Shares []*trustee.KeyShare
}

// Start creates a record in a new temporary folder and writes the
// ceremony and the election of electionID.
func Start(electionID string) *Record {
	dir, err := os.MkdirTemp("", "embedder-")
	Check(err)
	w, err := election.Create(filepath.Join(dir, "record"))
	Check(err)
	c, shares := Ceremony(electionID)
	keys, err := w.WriteCeremony(c)
	Check(err)
	e, err := NewElection(Manifest(electionID), keys)
	Check(err)
	Check(w.WriteElection(e, keys))
	return &Record{W: w, E: e, Keys: keys, Shares: shares}
}

// Remove removes the record's temporary folder.
func (r *Record) Remove() { os.RemoveAll(filepath.Dir(r.W.Dir())) }

// Station opens the polling station on box.
func Station(e *ballot.Election, box *ballot.Box) *ballot.Device {
	d, opening, err := ballot.OpenDevice(e, "station-1", StationKey(), time.Date(2025, 6, 12, 8, 0, 0, 0, time.UTC))
	Check(err)
	Check(box.AcceptOpening(opening))
	return d
}

// Cast encrypts v on station d and casts it.
func Cast(d *ballot.Device, v ballot.Vote) *ballot.Ballot {
	p, err := d.EncryptBallot(v)
	Check(err)
	b, err := d.Cast(p)
	Check(err)
	return b
}

// Votes are the voters' choices.
var Votes = []ballot.Vote{{"board": {1: 1, 2: 1}}, {"board": {2: 1}}, {"board": {3: 1}}, {"board": {2: 1, 3: 1}}}

// Vote opens the ballot box, has the station cast Votes into it, and
// returns the open box and the station.
func (r *Record) Vote() (*ballot.Box, *ballot.Device) {
	box, err := r.W.OpenBox(r.E)
	Check(err)
	d := Station(r.E, box)
	for _, v := range Votes {
		Check(box.AcceptBallot(Cast(d, v)))
	}
	return box, d
}

// Finish closes box, publishes the box file's SHA-256 and finishes the
// ballots.
func (r *Record) Finish(box *ballot.Box) [sha256.Size]byte {
	Check(box.Close())
	data, err := os.ReadFile(r.W.BallotsPath())
	Check(err)
	_, err = r.W.FinishBallots(r.E)
	Check(err)
	return sha256.Sum256(data)
}

// Command seats makes the fourth mistake: a single-winner contest written
// without Seats. The manifest is refused before the election.
package main

import (
	"fmt"

	"example.com/embedder/embedder"
	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/trustee"
)

func main() {
	c, _ := embedder.Ceremony("mayor-2025")
	keys, err := trustee.VerifyCeremony(c)
	embedder.Check(err)
	m := &ballot.Manifest{ElectionID: "mayor-2025", Title: "Mayor", Policy: ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{{ID: "mayor", Kind: ballot.UpTo, Limit: 1, Candidates: []ballot.Candidate{
			{Code: 1, Name: "Azadeh"}, {Code: 2, Name: "Bijan"},
		}}}}
	fmt.Println("Validate:", m.Validate())
	_, err = embedder.NewElection(m, keys)
	fmt.Println("NewElection:", err)
}

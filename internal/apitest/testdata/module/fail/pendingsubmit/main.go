// Command pendingsubmit makes the third mistake another way: it hands a
// ballot that was never cast to the box. It does not compile.
package main

import (
	"example.com/embedder/embedder"
	"github.com/sandogh/sandogh/ballot"
)

func main() {
	r := embedder.Start("coop-2025")
	defer r.Remove()
	box, err := r.W.OpenBox(r.E)
	embedder.Check(err)
	station := embedder.Station(r.E, box)
	p, err := station.EncryptBallot(ballot.Vote{"board": {1: 1}})
	embedder.Check(err)
	box.AcceptBallot(p) // forgot station.Cast(p)
}

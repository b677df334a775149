// Command pendingbytes makes the third mistake: it submits a ballot that
// was never cast. It does not compile: a pending ballot has no encoding.
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
	box.Accept(p.Bytes()) // forgot station.Cast(p)
}

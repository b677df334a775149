// Command finished makes the second mistake: a ballot submitted after
// FinishBallots, to the closed box and to a box reopened on its file.
package main

import (
	"fmt"

	"example.com/embedder/embedder"
	"github.com/sandogh/sandogh/ballot"
)

func main() {
	r := embedder.Start("coop-2025")
	defer r.Remove()
	box, station := r.Vote()
	r.Finish(box)
	late := embedder.Cast(station, ballot.Vote{"board": {3: 1}})
	fmt.Println("closed box:", box.AcceptBallot(late))
	_, err := ballot.OpenBox(r.W.BallotsPath(), r.E)
	fmt.Println("box reopened on its file:", err)
	_, err = r.W.OpenBox(r.E)
	fmt.Println("box reopened by the writer:", err)
}

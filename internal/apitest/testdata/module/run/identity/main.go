// Command identity makes the first mistake: a key ceremony run for one
// election and a manifest of another. WriteElection and tally.Decrypt
// refuse them at once, naming both elections.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"example.com/embedder/embedder"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
)

func main() {
	dir, err := os.MkdirTemp("", "embedder-")
	embedder.Check(err)
	defer os.RemoveAll(dir)
	w, err := election.Create(filepath.Join(dir, "record"))
	embedder.Check(err)
	c, _ := embedder.Ceremony("election-a")
	keys, err := w.WriteCeremony(c)
	embedder.Check(err)
	e, err := embedder.NewElection(embedder.Manifest("election-b"), keys)
	embedder.Check(err)
	fmt.Println("WriteElection:", w.WriteElection(e, keys))
	_, _, err = tally.Decrypt(e, keys, tally.NewAggregator(e).Tally(), nil)
	fmt.Println("Decrypt:", err)
}

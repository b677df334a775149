// Command order takes the writer's steps out of order: each is refused with
// an error naming the step it needs.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"example.com/embedder/embedder"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

func main() {
	dir, err := os.MkdirTemp("", "embedder-")
	embedder.Check(err)
	defer os.RemoveAll(dir)
	w, err := election.Create(filepath.Join(dir, "record"))
	embedder.Check(err)
	c, shares := embedder.Ceremony("coop-2025")
	keys, err := trustee.VerifyCeremony(c)
	embedder.Check(err)
	e, err := embedder.NewElection(embedder.Manifest("coop-2025"), keys)
	embedder.Check(err)

	fmt.Println("1:", w.WriteElection(e, keys))
	_, err = w.OpenBox(e)
	fmt.Println("2:", err)
	keys, err = w.WriteCeremony(c)
	embedder.Check(err)
	fmt.Println("3:", w.WriteShareList(nil))
	embedder.Check(w.WriteElection(e, keys))
	_, err = w.FinishBallots(e)
	fmt.Println("4:", err)

	r := &embedder.Record{W: w, E: e, Keys: keys, Shares: shares}
	box, _ := r.Vote()
	closed := r.Finish(box)
	// The trustees decrypt, but their share lists are not written before
	// the results.
	rec, err := election.VerifyForDecryption(w.Dir(), closed, nil)
	embedder.Check(err)
	var lists []*trustee.ShareList
	for _, ks := range shares[:2] {
		l, err := rec.TallyShares(ks)
		embedder.Check(err)
		lists = append(lists, l)
	}
	totals, _, err := tally.Decrypt(e, keys, rec.Tally(), lists)
	embedder.Check(err)
	res, err := tally.NewResults(e.Manifest(), totals)
	embedder.Check(err)
	fmt.Println("5:", w.WriteResults(res))
}

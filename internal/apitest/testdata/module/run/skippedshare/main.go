// Command skippedshare makes the fifth mistake: the results are decrypted
// from two share lists, and one of them is not written to the record.
package main

import (
	"fmt"

	"example.com/embedder/embedder"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/tally"
	"github.com/sandogh/sandogh/trustee"
)

func main() {
	r := embedder.Start("coop-2025")
	defer r.Remove()
	box, _ := r.Vote()
	closed := r.Finish(box)
	rec, err := election.VerifyForDecryption(r.W.Dir(), closed, nil)
	embedder.Check(err)
	var lists []*trustee.ShareList
	for _, ks := range r.Shares[:2] {
		l, err := rec.TallyShares(ks)
		embedder.Check(err)
		lists = append(lists, l)
	}
	embedder.Check(r.W.WriteShareList(lists[0])) // lists[1] is forgotten
	totals, _, err := tally.Decrypt(rec.Election(), rec.Keys(), rec.Tally(), lists)
	embedder.Check(err)
	res, err := tally.NewResults(rec.Election().Manifest(), totals)
	embedder.Check(err)
	fmt.Println("WriteResults:", r.W.WriteResults(res))
}

// Command election runs a whole election through election.Writer and
// verifies its record.
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
		embedder.Check(r.W.WriteShareList(l))
		lists = append(lists, l)
	}
	totals, _, err := tally.Decrypt(rec.Election(), rec.Keys(), rec.Tally(), lists)
	embedder.Check(err)
	res, err := tally.NewResults(rec.Election().Manifest(), totals)
	embedder.Check(err)
	embedder.Check(r.W.WriteResults(res))
	for _, s := range res.Contests[0].Standings {
		fmt.Println(s.Position, s.Name, s.Count, s.Outcome)
	}
	rep, err := election.Verify(r.W.Dir(), nil)
	embedder.Check(err)
	fmt.Println("valid:", rep.Valid())
}

// Command boxopen makes the second mistake the other way round:
// FinishBallots while the ballot box is still open.
package main

import (
	"fmt"

	"example.com/embedder/embedder"
)

func main() {
	r := embedder.Start("coop-2025")
	defer r.Remove()
	box, _ := r.Vote()
	defer box.Close()
	_, err := r.W.FinishBallots(r.E)
	fmt.Println("FinishBallots:", err)
}

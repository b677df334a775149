package mixnet

import (
	"fmt"
	"testing"
)

func TestShuffleVerifies(t *testing.T) {
	p, _ := testParams(t)
	for _, w := range []int{1, 2, 3} {
		for _, n := range []int{1, 2, 3, 10, 100} {
			t.Run(fmt.Sprintf("w=%d/n=%d", w, n), func(t *testing.T) {
				in := testRows(t, p.PublicKey, n, w)
				out, pr, err := Shuffle(p, 2, in, testNonces(t, "shuffle"))
				if err != nil {
					t.Fatal(err)
				}
				if err := VerifyShuffle(p, 2, in, out, pr); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

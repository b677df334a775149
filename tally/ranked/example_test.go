package ranked_test

import (
	"fmt"

	"github.com/sandogh/sandogh/tally/ranked"
)

// Example counts a small election for two seats by the Scottish rules:
// 33 valid papers, quota 12; Ann's surplus of 6 goes on at a transfer
// value of 6/18 = 0.33333 (rule 48(3), the remainder ignored, so 0.00006
// is lost); Dan and then Cat are excluded, and Cat's exclusion leaves Bob
// alone for the last seat (rule 52: no further transfer).
func Example() {
	c := ranked.Contest{Candidates: 4, MaxRanks: 4, Seats: 2} // 0 Ann, 1 Bob, 2 Cat, 3 Dan
	var rows []ranked.Ranking
	add := func(n int, r ranked.Ranking) {
		for range n {
			rows = append(rows, r)
		}
	}
	add(14, ranked.Ranking{0, 1})
	add(4, ranked.Ranking{0, 2})
	add(7, ranked.Ranking{1})
	add(6, ranked.Ranking{2})
	add(2, ranked.Ranking{3, 2})
	add(1, ranked.Ranking{1, 1}) // not a valid ranking
	k, err := ranked.CountSTV(c, rows, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("valid", k.Valid, "invalid", k.Invalid, "quota", k.Quota)
	for _, st := range k.Stages {
		fmt.Println(st.Number, st.Kind, st.Candidate, st.Votes, "non-transferable", st.NonTransferable, "lost", st.Lost, "elected", st.Elected, st.LastVacancies)
	}
	fmt.Println("elected", k.Elected)
	// Output:
	// valid 33 invalid 1 quota 12.00000
	// 1 first -1 [18.00000 7.00000 6.00000 2.00000] non-transferable 0.00000 lost 0.00000 elected [0] []
	// 2 surplus 0 [12.00000 11.66662 7.33332 2.00000] non-transferable 0.00000 lost 0.00006 elected [] []
	// 3 exclusion 3 [12.00000 11.66662 9.33332 0.00000] non-transferable 0.00000 lost 0.00000 elected [] []
	// 4 exclusion 2 [12.00000 11.66662 9.33332 0.00000] non-transferable 0.00000 lost 0.00000 elected [] [1]
	// elected [0 1]
}

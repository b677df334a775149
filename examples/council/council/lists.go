package council

import (
	"fmt"
	mrand "math/rand/v2"
	"sort"

	"github.com/sandogh/sandogh/ballot"
)

// This file holds the list election: with Config.Method one of
// ballot.ListMethods, the council is elected by proportional
// representation from party lists (a ballot.ProportionalList contest),
// counted homomorphically, or with Config.MixedList through the mixnet.

// ParseMethod returns the counting method a command names: "" for the
// block vote, dhondt, sainte-lague, modified-sainte-lague, and hare or
// droop for the largest remainder methods (their full names too).
func ParseMethod(name string) (ballot.CountingMethod, bool) {
	switch name {
	case "":
		return "", true
	case "hare":
		return ballot.LargestRemainderHare, true
	case "droop":
		return ballot.LargestRemainderDroop, true
	}
	m := ballot.CountingMethod(name)
	return m, IsListMethod(m)
}

// listNames are the parties of the list election.
var listNames = []string{"Green Valley", "Workers' Union", "Merchants' Guild", "Neighbourhood Alliance", "Young City", "Farmers' League", "Teachers' Circle", "Harbour Party"}

// Preferences is the most candidates a voter marks in a list election.
const Preferences = 3

// IsListMethod reports whether method is a seat allocation method of a
// list election (ballot.ListMethods).
func IsListMethod(method ballot.CountingMethod) bool {
	for _, m := range ballot.ListMethods {
		if m == method {
			return true
		}
	}
	return false
}

// ListManifest returns the manifest of a list election: one
// ProportionalList contest of lists lists sharing m candidates (codes
// 101.., list k holding the candidates j with j mod lists = k, in order),
// up to Preferences preferences (fewer if a list is shorter), seats seats
// by method under rule, ⌊seats/3⌋ alternates per list, and list codes
// 1..lists.
func ListManifest(m, lists, seats int, method ballot.CountingMethod, rule ballot.ListRule) *ballot.Manifest {
	c := ballot.Contest{
		ID:             ContestID,
		Title:          fmt.Sprintf("City council: choose a list and up to %d of its candidates", Preferences),
		Kind:           ballot.ProportionalList,
		Seats:          uint32(seats),
		Alternates:     uint32(seats / 3),
		ListRule:       rule,
		Preferences:    uint32(min(Preferences, m/lists)),
		CandidatesOnly: true,
		Method:         method,
		Threshold:      500, // 5%
	}
	for k := range lists {
		c.Lists = append(c.Lists, ballot.PartyList{Code: uint32(k + 1), Name: listNames[k%len(listNames)] + suffix(k/len(listNames))})
	}
	for j := range m {
		name := firstNames[j%len(firstNames)] + " " + lastNames[(j/len(firstNames))%len(lastNames)] + suffix(j/(len(firstNames)*len(lastNames)))
		code := uint32(101 + j)
		c.Candidates = append(c.Candidates, ballot.Candidate{Code: code, Name: name})
		c.Lists[j%lists].Candidates = append(c.Lists[j%lists].Candidates, code)
	}
	return &ballot.Manifest{
		ElectionID: "city-council-1404-lists",
		Title:      "City council election 1404 (party lists)",
		Policy:     ballot.OneBallotPerCredential,
		Contests:   []ballot.Contest{c},
	}
}

func suffix(k int) string {
	if k == 0 {
		return ""
	}
	return fmt.Sprintf(" %d", k+1)
}

// randomListVote draws a voter's list ballot: usually a list (by the
// parties' popularity, cum) with up to P of its candidates (under
// panachage, now and then one of another list), sometimes candidates
// only, rarely a blank ballot.
func randomListVote(r *mrand.Rand, c *ballot.Contest, cum []float64) map[uint32]uint64 {
	marks := map[uint32]uint64{}
	x := r.IntN(100)
	if x < 3 {
		return marks
	}
	l := min(sort.SearchFloat64s(cum, r.Float64()*cum[len(cum)-1]), len(cum)-1)
	pl := &c.Lists[l]
	if x >= 10 {
		marks[pl.Code] = 1
	}
	n := r.IntN(int(c.Preferences) + 1)
	if x < 10 {
		n = max(n, 1) // candidates only
	}
	for _, k := range r.Perm(len(pl.Candidates))[:n] {
		code := pl.Candidates[k]
		if c.ListRule == ballot.Panachage && r.IntN(4) == 0 {
			other := &c.Lists[r.IntN(len(c.Lists))]
			code = other.Candidates[r.IntN(len(other.Candidates))]
		}
		marks[code] = 1
	}
	return marks
}

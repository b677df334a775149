package ballot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/proof"
)

// listManifest is a council election of three lists of three candidates
// (list codes 1..3, candidates 11..13, 21..23, 31..33), two preferences,
// three seats by D'Hondt, under rule.
func listManifest(rule ListRule, candidatesOnly, strict bool) *Manifest {
	c := Contest{ID: "council", Title: "City council", Kind: ProportionalList, Seats: 3, Alternates: 1,
		ListRule: rule, Preferences: 2, CandidatesOnly: candidatesOnly, Strict: strict, Method: DHondt, Threshold: 500}
	for l := uint32(1); l <= 3; l++ {
		pl := PartyList{Code: l, Name: fmt.Sprintf("List %d", l)}
		for k := uint32(1); k <= 3; k++ {
			code := 10*l + k
			c.Candidates = append(c.Candidates, Candidate{Code: code, Name: fmt.Sprintf("Candidate %d", code)})
			pl.Candidates = append(pl.Candidates, code)
		}
		c.Lists = append(c.Lists, pl)
	}
	return &Manifest{ElectionID: "city-2026", Title: "City elections 2026", Policy: OneBallotPerCredential,
		Contests: []Contest{c, {ID: "budget", Title: "Approve the budget?", Kind: YesNo, Candidates: []Candidate{{1, "Yes"}, {2, "No"}}}}}
}

// TestListBallots encrypts valid votes of each rule, verifies them, opens
// them as challenged ballots and decodes their binary and JSON forms.
func TestListBallots(t *testing.T) {
	cases := []struct {
		rule           ListRule
		candidatesOnly bool
		marks          map[uint32]uint64
		want           []uint64 // the selections' values
	}{
		{OpenList, false, map[uint32]uint64{2: 1, 21: 1, 23: 1}, []uint64{0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0}},
		{OpenList, false, map[uint32]uint64{3: 1}, []uint64{0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{OpenList, false, map[uint32]uint64{}, make([]uint64, 12)},
		{OpenList, true, map[uint32]uint64{12: 1}, []uint64{1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}},
		{Panachage, false, map[uint32]uint64{1: 1, 22: 1}, []uint64{1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}},
		{Panachage, false, map[uint32]uint64{2: 1}, []uint64{0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{Panachage, false, map[uint32]uint64{2: 1, 11: 1, 33: 1}, []uint64{0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}},
		{Panachage, true, map[uint32]uint64{11: 1, 33: 1}, []uint64{0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}},
		{Panachage, true, map[uint32]uint64{}, make([]uint64, 15)},
	}
	for k, c := range cases {
		t.Run(fmt.Sprintf("%s-%d", c.rule, k), func(t *testing.T) {
			f := newFixture(t, listManifest(c.rule, c.candidatesOnly, false))
			v := Vote{"council": c.marks}
			vals, err := f.e.manifest.plaintext(v)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(vals[0]) != fmt.Sprint(c.want) {
				t.Fatalf("values %v, want %v", vals[0], c.want)
			}
			b := f.credentialBallot(t, "list", 0, v)
			if err := VerifyBallot(f.e, b); err != nil {
				t.Fatal(err)
			}
			back, err := ParseBallot(b.Bytes())
			if err != nil || !bytes.Equal(back.Bytes(), b.Bytes()) {
				t.Fatalf("binary round trip: %v", err)
			}
			j, err := json.Marshal(b)
			if err != nil {
				t.Fatal(err)
			}
			var bj Ballot
			if err := json.Unmarshal(j, &bj); err != nil || !bytes.Equal(bj.Bytes(), b.Bytes()) {
				t.Fatalf("JSON round trip: %v", err)
			}
			if err := VerifyBallot(f.e, &bj); err != nil {
				t.Fatal(err)
			}
			p, err := EncryptBallot(f.e, Header{BallotID: "chal", Credential: f.credentials[1].PublicKey()}, v, seedOf("chal"))
			if err != nil {
				t.Fatal(err)
			}
			ch, err := p.Challenge(f.credentials[1].PrivateKey())
			if err != nil {
				t.Fatal(err)
			}
			opened, err := OpenChallenged(f.e, ch)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := f.e.manifest.plaintext(opened)
			if fmt.Sprint(again[0]) != fmt.Sprint(c.want) {
				t.Fatalf("opened %v, want %v", opened, c.want)
			}
		})
	}
}

// TestListVoteRefused: votes that break a list contest's rules are refused
// before anything is encrypted, with a message that says why.
func TestListVoteRefused(t *testing.T) {
	for _, c := range []struct {
		rule                   ListRule
		candidatesOnly, strict bool
		marks                  map[uint32]uint64
		want                   string
	}{
		{OpenList, false, false, map[uint32]uint64{1: 1, 2: 1}, "lists 1 and 2 both chosen"},
		{OpenList, false, false, map[uint32]uint64{1: 1, 11: 1, 12: 1, 13: 1}, "3 candidates marked, more than the 2 preferences"},
		{OpenList, false, false, map[uint32]uint64{1: 1, 21: 1}, "candidate 21 is on list 2, not on list 1"},
		{OpenList, true, false, map[uint32]uint64{11: 1, 21: 1}, "candidate 21 is on list 2, not on list 1"},
		{OpenList, false, false, map[uint32]uint64{11: 1}, "candidates marked without a list"},
		{OpenList, false, true, map[uint32]uint64{}, "strict"},
		{Panachage, false, false, map[uint32]uint64{11: 1}, "candidates marked without a list"},
		{Panachage, false, false, map[uint32]uint64{1: 1, 11: 2}, "value 2 exceeds the maximum 1"},
		{Panachage, false, false, map[uint32]uint64{99: 1}, "no list or candidate with code 99"},
	} {
		f := newFixture(t, listManifest(c.rule, c.candidatesOnly, c.strict))
		_, err := EncryptBallot(f.e, Header{BallotID: "x", Credential: f.credentials[0].PublicKey()}, Vote{"council": c.marks}, seedOf("x"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: got %v, want %q", c.rule, c.marks, err, c.want)
		}
	}
}

// TestListSoundness encrypts votes that break the rules with a prover that
// skips the vote's checks: each ballot is refused at the proof step, and
// the refusal names the contest proof whose statement fails.
func TestListSoundness(t *testing.T) {
	cases := []struct {
		name                   string
		rule                   ListRule
		candidatesOnly, strict bool
		vals                   []uint64
		want                   string
	}{
		{"two lists", OpenList, false, false, []uint64{1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, `"list-choice"`},
		{"three preferences", OpenList, false, false, []uint64{1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}, `"open-list" of list 0 (code 1)`},
		{"candidate of another list", OpenList, false, false, []uint64{1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0}, `"open-list" of list 1 (code 2)`},
		{"candidate without a list", OpenList, true, false, []uint64{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, `"open-list" of list 1 (code 2)`},
		{"blank strict", OpenList, false, true, make([]uint64, 12), `"list-choice"`},
		{"two lists panachage", Panachage, false, false, []uint64{1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, `"list-choice"`},
		{"three preferences panachage", Panachage, true, false, []uint64{0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0}, `"lines"`},
		{"additional votes without a list", Panachage, true, false, []uint64{0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, `"additional" of list 1 (code 2)`},
		{"additional votes to another list", Panachage, false, false, []uint64{1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, `"additional" of list 1 (code 2)`},
		{"unused lines not given", Panachage, true, false, []uint64{1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, `"designated"`},
		{"too many additional votes", Panachage, false, false, []uint64{1, 0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, `"lines-exact"`},
		{"candidates without a list", Panachage, false, false, []uint64{0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, `"lines-exact"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, listManifest(c.rule, c.candidatesOnly, c.strict))
			vals := [][]uint64{c.vals, {0, 0}}
			h := Header{BallotID: "cheat", Credential: f.credentials[0].PublicKey()}
			n, _ := proof.NewNonces(seedOf("cheat"))
			enc := &Ballot{baseHash: f.e.baseHash, header: h}
			if err := enc.encrypt(f.e, vals, n); err != nil {
				t.Fatal(err)
			}
			enc.encodeBody()
			b, err := (&Pending{b: enc, nonces: n, signerPub: h.Credential}).Cast(f.credentials[0].PrivateKey())
			if err != nil {
				t.Fatal(err)
			}
			err = VerifyBallot(f.e, b)
			wantRefusal(t, err, StepProof, 0, -1)
			if !strings.Contains(err.Error(), "contest proof "+c.want+" does not verify") {
				t.Fatalf("refusal %q does not name %s first", err, c.want)
			}
		})
	}
}

// TestListManifest: the validation of a list contest names the member at
// fault, its JSON form round-trips, and its parameter block is the kind's
// own (the other kinds' encodings do not change: the known-answer vectors
// of vectors_test.go hold).
func TestListManifest(t *testing.T) {
	for _, c := range []struct {
		edit func(c *Contest)
		want string
	}{
		{func(c *Contest) { c.Lists = nil }, "no lists"},
		{func(c *Contest) { c.ListRule = "" }, "listRule is missing"},
		{func(c *Contest) { c.ListRule = "closed" }, `unknown listRule "closed"`},
		{func(c *Contest) { c.Preferences = 0 }, "preferences 0 is outside 1..9"},
		{func(c *Contest) { c.Preferences = 10 }, "preferences 10 is outside 1..9"},
		{func(c *Contest) { c.Method = "" }, "method is missing"},
		{func(c *Contest) { c.Method = "hare" }, `unknown method "hare"`},
		{func(c *Contest) { c.Threshold = 10001 }, "threshold 10001 basis points exceeds 10000"},
		{func(c *Contest) { c.Seats = 0 }, "seats 0 is outside 1..9"},
		{func(c *Contest) { c.Limit = 2 }, "limit is 2, but list contests do not use it"},
		{func(c *Contest) { c.Lists[1].Code = 1 }, "list 1: code 1 is also the code of list 0"},
		{func(c *Contest) { c.Lists[1].Code = 11 }, "list 1: code 11 is also the code of candidate 0"},
		{func(c *Contest) { c.Lists[1].Name = "List 1" }, `list 1: name "List 1" reads as the name "List 1" of list 0`},
		{func(c *Contest) { c.Lists[1].Candidates = append(c.Lists[1].Candidates, 11) }, "candidate 11 is also on list 0"},
		{func(c *Contest) { c.Lists[2].Candidates = c.Lists[2].Candidates[:2] }, "candidate 8 (code 33) is on no list"},
		{func(c *Contest) { c.Lists[2].Candidates = append(c.Lists[2].Candidates, 99) }, "code 99 is not a candidate of the contest"},
		{func(c *Contest) { c.Lists[2].Candidates = nil }, `list 2 ("List 3"): no candidates`},
		{func(c *Contest) { c.ListRule, c.CandidatesOnly, c.Strict = Panachage, true, true }, "strict and candidatesOnly are both true"},
		{func(c *Contest) { c.Kind = UpTo; c.Limit = 2 }, "lists are given, but up-to contests have none"},
	} {
		m := listManifest(OpenList, false, false)
		c.edit(&m.Contests[0])
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	for _, m := range []*Manifest{listManifest(OpenList, true, false), listManifest(Panachage, false, true)} {
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		j, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseManifest(j)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back.Encode(), m.Encode()) {
			t.Fatal("JSON round trip changes the encoding")
		}
	}
	// Every member of the parameter block changes the hash.
	base := listManifest(OpenList, false, false).Hash()
	for k, edit := range []func(c *Contest){
		func(c *Contest) { c.Seats = 4 }, func(c *Contest) { c.Alternates = 2 }, func(c *Contest) { c.ListRule = Panachage },
		func(c *Contest) { c.Preferences = 3 }, func(c *Contest) { c.CandidatesOnly = true }, func(c *Contest) { c.Strict = true },
		func(c *Contest) { c.Method = SainteLague }, func(c *Contest) { c.Threshold = 0 }, func(c *Contest) { c.Lists[0].Code = 4 },
		func(c *Contest) { c.Lists[0].Name = "Greens" }, func(c *Contest) { c.Lists[0].Candidates[0], c.Lists[0].Candidates[1] = 12, 11 },
	} {
		m := listManifest(OpenList, false, false)
		edit(&m.Contests[0])
		if m.Hash() == base {
			t.Errorf("edit %d does not change the manifest hash", k)
		}
	}
}

// legalList says, from the rule text alone (docs/spec.md §Ballots, "List
// contests", "Votes"), whether the selection values vals of list contest c
// are a ballot a voter may cast: at most one list (one when strict); under
// open, at most P candidates, all of the chosen list; under panachage,
// additional votes only for the chosen list, which with the marks fill
// exactly its P lines, and without a list at most P marks, only when
// candidatesOnly.
func legalList(c *Contest, vals []uint64) bool {
	q, P := len(c.Lists), uint64(c.Preferences)
	chosen, lists := -1, 0
	for l := range q {
		if vals[l] == 1 {
			chosen, lists = l, lists+1
		}
	}
	if lists > 1 || (c.Strict && lists == 0) {
		return false
	}
	first := len(vals) - len(c.Candidates)
	var marks uint64
	for j, cd := range c.Candidates {
		if vals[first+j] == 0 {
			continue
		}
		marks++
		if c.ListRule == OpenList && (chosen < 0 || !slices.Contains(c.Lists[chosen].Candidates, cd.Code)) {
			return false
		}
	}
	if marks > P {
		return false
	}
	if c.ListRule == OpenList {
		return true
	}
	for l := range q {
		if l != chosen && vals[q+l] != 0 {
			return false
		}
	}
	if chosen >= 0 {
		return vals[q+chosen]+marks == P
	}
	return marks == 0 || c.CandidatesOnly
}

// TestListProofsDecideTheRule draws selection values in their ranges,
// legal or not, encrypts them with a prover that skips the vote's checks,
// and requires that the ballot verifies exactly when the values are a
// legal ballot (legalList): the statements are neither too weak (soundness)
// nor too strong (completeness).
func TestListProofsDecideTheRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 25))
	n := 0
	for _, rule := range []ListRule{OpenList, Panachage} {
		for _, co := range []bool{false, true} {
			for _, strict := range []bool{false, true} {
				if rule == Panachage && co && strict {
					continue
				}
				m := listManifest(rule, co, strict)
				m.Contests[0].Lists[2].Candidates = m.Contests[0].Lists[2].Candidates[:1] // lists of unequal length
				m.Contests[0].Candidates = slices.DeleteFunc(m.Contests[0].Candidates, func(c Candidate) bool { return c.Code == 32 || c.Code == 33 })
				f := newFixture(t, m)
				c := &f.e.manifest.Contests[0]
				legal, illegal := 0, 0
				for k := range 12 {
					vals := make([]uint64, c.NumSelections())
					if k%2 == 0 {
						// A legal vote, drawn from the marks.
						v, err := c.listPlaintext(0, randomMarks(rng, c))
						if err != nil {
							continue
						}
						vals = v
					} else {
						for j := range vals {
							if rng.IntN(3) == 0 {
								vals[j] = uint64(rng.IntN(int(c.SelectionMax(j)) + 1))
							}
						}
					}
					want := legalList(c, vals)
					if want {
						legal++
					} else {
						illegal++
					}
					h := Header{BallotID: fmt.Sprintf("p%d", k), Credential: f.credentials[0].PublicKey()}
					nc, _ := proof.NewNonces(seedOf(h.BallotID))
					enc := &Ballot{baseHash: f.e.baseHash, header: h}
					if err := enc.encrypt(f.e, [][]uint64{vals, {0, 0}}, nc); err != nil {
						t.Fatal(err)
					}
					enc.encodeBody()
					b, err := (&Pending{b: enc, nonces: nc, signerPub: h.Credential}).Cast(f.credentials[0].PrivateKey())
					if err != nil {
						t.Fatal(err)
					}
					if err := VerifyBallot(f.e, b); (err == nil) != want {
						t.Fatalf("%s candidatesOnly=%v strict=%v: values %v: legal %v, but VerifyBallot: %v", rule, co, strict, vals, want, err)
					}
					n++
				}
				if legal == 0 || illegal == 0 {
					t.Errorf("%s candidatesOnly=%v strict=%v: %d legal and %d illegal ballots drawn", rule, co, strict, legal, illegal)
				}
			}
		}
	}
	t.Logf("%d ballots", n)
}

// randomMarks draws a vote's marks for list contest c: maybe a list, and
// up to P candidates (of that list under open).
func randomMarks(rng *rand.Rand, c *Contest) map[uint32]uint64 {
	marks := map[uint32]uint64{}
	l := rng.IntN(len(c.Lists) + 1)
	pool := c.Candidates
	if l < len(c.Lists) {
		marks[c.Lists[l].Code] = 1
		if c.ListRule == OpenList {
			pool = nil
			for _, code := range c.Lists[l].Candidates {
				pool = append(pool, Candidate{Code: code})
			}
		}
	} else if c.ListRule == OpenList {
		l = rng.IntN(len(c.Lists))
		pool = nil
		for _, code := range c.Lists[l].Candidates {
			pool = append(pool, Candidate{Code: code})
		}
	}
	for _, k := range rng.Perm(len(pool))[:rng.IntN(min(len(pool), int(c.Preferences))+1)] {
		marks[pool[k].Code] = 1
	}
	return marks
}

// TestListProofsBound: a list ballot's statement proofs are bound to its
// ciphertexts, its contest and its ballot: the proofs of another ballot
// with the same values, or of another statement of the same ballot, do not
// verify in their place, and the refusal names the statement.
func TestListProofsBound(t *testing.T) {
	f := newFixture(t, listManifest(Panachage, true, false))
	v := Vote{"council": {1: 1, 21: 1}}
	a := f.credentialBallot(t, "a", 0, v)
	b := f.credentialBallot(t, "b", 1, v)
	for name, edit := range map[string]func(c *encryptedContest){
		"another ballot's proofs": func(c *encryptedContest) {
			c.listProofs = b.contests[0].listProofs
			c.listProofBytes = b.contests[0].listProofBytes
		},
		"two statements swapped": func(c *encryptedContest) {
			// "additional" of lists 0 and 1 have the same range.
			c.listProofs = append([]*proof.RangeProof(nil), c.listProofs...)
			c.listProofBytes = append([][]byte(nil), c.listProofBytes...)
			c.listProofs[1], c.listProofs[2] = c.listProofs[2], c.listProofs[1]
			c.listProofBytes[1], c.listProofBytes[2] = c.listProofBytes[2], c.listProofBytes[1]
		},
	} {
		forged := resign(t, f.e, a, a.header, f.credentials[0].PrivateKey())
		edit(&forged.contests[0])
		forged = resign(t, f.e, forged, forged.header, f.credentials[0].PrivateKey())
		err := VerifyBallot(f.e, forged)
		wantRefusal(t, err, StepProof, 0, -1)
		if !strings.Contains(err.Error(), `contest proof "`) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

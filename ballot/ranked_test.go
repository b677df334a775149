package ballot

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// rankedManifest has the board contest and the council contest as a Ranked
// contest counted by the Scottish STV rules, with the tie-break seed that
// a Ranked contest needs.
func rankedManifest() *Manifest {
	m := codeListManifest()
	c := &m.Contests[1]
	c.Kind, c.Method, c.Alternates = Ranked, STVScottish2007, 0
	m.TieBreakSeed = TieBreakSeed("public draw")
	return m
}

func rankedVote(codes ...uint32) Vote {
	v := Vote{"board": {101: 1, 104: 1}}
	if err := v.SetRanking("council", codes); err != nil {
		panic(err)
	}
	return v
}

func TestRankedManifestValidate(t *testing.T) {
	if err := rankedManifest().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(m *Manifest, c *Contest)
		want string
	}{
		{"no method", func(m *Manifest, c *Contest) { c.Method = "" }, `method is missing; a "ranked" contest names its counting method`},
		{"unknown method", func(m *Manifest, c *Contest) { c.Method = "borda" }, `unknown method "borda"`},
		{"no seed", func(m *Manifest, c *Contest) { m.TieBreakSeed = nil }, `needs the manifest's tieBreakSeed`},
		{"STV alternates", func(m *Manifest, c *Contest) { c.Alternates = 1 }, `alternates is 1, but the method "stv-scottish-2007" elects no alternates`},
		{"STV every candidate", func(m *Manifest, c *Contest) { c.Seats = 30 }, `seats is 30; the method "stv-scottish-2007" elects 1 ≤ seats ≤ 29`},
		{"STV no seats", func(m *Manifest, c *Contest) { c.Seats = 0 }, `seats is 0`},
		{"IRV two seats", func(m *Manifest, c *Contest) { c.Method, c.Seats = IRV, 2 }, `seats is 2; the method "irv" elects one candidate (seats 1)`},
		{"Schulze too many", func(m *Manifest, c *Contest) { c.Method, c.Seats, c.Alternates = Schulze, 25, 6 }, "25 seats and 6 alternates exceed the 30 candidates"},
		{"Schulze candidates", func(m *Manifest, c *Contest) {
			c.Method = Schulze
			for i := range 1000 {
				c.Candidates = append(c.Candidates, Candidate{Code: uint32(100 + i), Name: "y" + strings.Repeat("z", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))})
			}
		}, "1030 candidates exceed the maximum 1000 of the method"},
		{"limit 0", func(m *Manifest, c *Contest) { c.Limit = 0 }, "limit is 0"},
		{"no mix stages", func(m *Manifest, c *Contest) { c.MixStages = 0 }, "mixStages is 0"},
		{"max score", func(m *Manifest, c *Contest) { c.MaxScore = 2 }, "maxScore is 2, but ranked contests do not use it"},
		{"code 0", func(m *Manifest, c *Contest) { c.Candidates[3].Code = 0 }, "candidate 3: code 0 is outside 1..1048575"},
		{"method on a codes contest", func(m *Manifest, c *Contest) { c.Kind = CodeList }, `method is "stv-scottish-2007", but only a "ranked" contest has a counting method`},
	} {
		m := rankedManifest()
		tc.edit(m, &m.Contests[1])
		err := m.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	// The mixnet path does not carry weights.
	wm := rankedManifest()
	wm.MaxWeight = 10
	if err := wm.Validate(); err == nil || !strings.Contains(err.Error(), "a ranked contest in a weighted election") {
		t.Errorf("a weighted election with a ranked contest: %v", err)
	}
	for _, ok := range []func(c *Contest){
		func(c *Contest) { c.Method, c.Seats = IRV, 1 },
		func(c *Contest) { c.Method, c.Seats, c.Alternates = Schulze, 5, 3 },
		func(c *Contest) { c.Method, c.Seats = STVMeek, 29 },
	} {
		m := rankedManifest()
		ok(&m.Contests[1])
		if err := m.Validate(); err != nil {
			t.Error(err)
		}
	}
}

// TestRankedManifestEncoding: a Ranked contest's block is the codes block
// and str(method), after its own kind string; the codes contest's bytes
// do not change, and the method changes the hash.
func TestRankedManifestEncoding(t *testing.T) {
	m := rankedManifest()
	enc := m.Encode()
	block := []byte{0, 0, 0, 6, 'r', 'a', 'n', 'k', 'e', 'd', 0, 0, 0, 37, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 17}
	block = append(block, "stv-scottish-2007"...)
	if !bytes.Contains(enc, block) {
		t.Fatalf("the encoding does not hold the ranked contest's kind and block %x", block)
	}
	m2 := rankedManifest()
	m2.Contests[1].Method = STVMeek
	if m2.Hash() == m.Hash() {
		t.Error("the method does not change the hash")
	}
	j, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(j, []byte(`"kind":"ranked","limit":5,"seats":5,"mixStages":2,"candidates":`)) || !bytes.Contains(j, []byte(`}],"method":"stv-scottish-2007"}`)) {
		t.Errorf("JSON form %s", j)
	}
	back, err := ParseManifest(j)
	if err != nil {
		t.Fatal(err)
	}
	if back.Hash() != m.Hash() {
		t.Error("the JSON form decodes to another manifest")
	}
}

// TestEncryptRankedBallot: the row holds the codes in the voter's order,
// and a challenged ballot opens to the ranks.
func TestEncryptRankedBallot(t *testing.T) {
	f := newFixture(t, rankedManifest())
	b := f.credentialBallot(t, "remote-1", 0, rankedVote(17, 3, 29))
	if err := VerifyBallot(f.e, b); err != nil {
		t.Fatal(err)
	}
	var elems []*group.Element
	for _, ct := range b.Ciphertexts(1) {
		elems = append(elems, f.sk.Decrypt(ct))
	}
	codes, err := elgamal.UnpackCodes(elems, 5, 30)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes, []uint32{17, 3, 29}) {
		t.Errorf("the row holds %v, want the ranking [17 3 29]", codes)
	}
	d, _, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	want := rankedVote(30, 1, 12)
	pb, err := d.EncryptBallot(want)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := d.Challenge(pb)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenChallenged(f.e, cb)
	if err != nil {
		t.Fatal(err)
	}
	if !equalVotes(got, want) || !slices.Equal(got.Ranking("council"), []uint32{30, 1, 12}) {
		t.Fatalf("opened %v, want %v", got, want)
	}
	// A blank ranked contest is a row of empty slots.
	if err := VerifyBallot(f.e, f.credentialBallot(t, "remote-2", 1, Vote{})); err != nil {
		t.Fatal(err)
	}
}

// TestRankedVoteRefused: a code ranked twice, ranks with a gap or shared,
// a rank above the limit, more ranks than the limit and unknown codes are
// refused before anything is encrypted.
func TestRankedVoteRefused(t *testing.T) {
	f := newFixture(t, rankedManifest())
	if err := (Vote{}).SetRanking("council", []uint32{4, 9, 4}); err == nil || !strings.Contains(err.Error(), "ranked twice (ranks 1 and 3)") {
		t.Errorf("a repeated code: %v", err)
	}
	for _, tc := range []struct {
		name  string
		ranks map[uint32]uint64
		want  string
	}{
		{"gap", map[uint32]uint64{4: 1, 9: 3}, "the ranks are not 1..2, each given once"},
		{"shared", map[uint32]uint64{4: 1, 9: 1}, "the ranks are not 1..2, each given once"},
		{"above limit", map[uint32]uint64{4: 6}, "rank 6 exceeds the limit 5"},
		{"too many", map[uint32]uint64{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}, "rank 6 exceeds the limit 5"},
		{"unknown", map[uint32]uint64{31: 1}, "no candidate with code 31"},
	} {
		_, err := EncryptBallot(f.e, Header{BallotID: "x", Credential: f.credentials[0].PublicKey()}, Vote{"council": tc.ranks}, seedOf(tc.name))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

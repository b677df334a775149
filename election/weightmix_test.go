package election_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/proof"
	"github.com/sandogh/sandogh/tally"
)

// The weighted council sample record, testdata/weighted-council-sample: a
// cooperative's council elected on the mixnet path by 12 remote members
// whose credentials carry weights in bands of 1 … 50 (1, 4, 14, 50, each
// held by at least two members), 20 candidates, up to 4 codes, 2 mix
// stages, 3 trustees with threshold 2; the devices of voters 3, 5, 7, 9
// and 11 forge rows that are not valid ballots (forgedRows), whose weights
// still show in the decoded rows.
const weightedCouncilSeed = "weighted council sample record"

func weightedCouncilSampleConfig(out string) council.Config {
	return council.Config{Voters: 12, Candidates: 20, Seats: 4, Mixers: 2, Trustees: 3, Threshold: 2, Weighted: 50,
		Seed: weightedCouncilSeed, Out: out, Forge: forgeRow}
}

// TestWeightedCouncilSampleRecord: the weighted council example makes the
// sample record again byte for byte (-update rewrites it), the verifier
// accepts it, and its decoded rows and results carry the weights: every
// row has the weight of a counted ballot's credential (the multiset of
// the input), and each candidate's weighted count is the sum of the
// weights of the valid rows that hold its code.
func TestWeightedCouncilSampleRecord(t *testing.T) {
	rep := checkSampleRecord(t, "weighted-council-sample", func(out string) error {
		_, err := council.Run(weightedCouncilSampleConfig(out))
		return err
	})
	for _, c := range rep.Checks {
		if c.Check >= election.CheckMixInput && c.Check <= election.CheckRowResults && c.Items == 0 {
			t.Errorf("check %d (%s) examined nothing", c.Check, c.Check)
		}
	}
	dir := filepath.Join("testdata", "weighted-council-sample")
	r, _ := election.Open(dir)
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	var want []uint32
	for ent, err := range r.Ballots(e) {
		if err != nil {
			t.Fatal(err)
		}
		if ent.Ballot != nil {
			want = append(want, e.Credentials().Weight(ent.Ballot.Header().Credential))
		}
	}
	rows, err := r.DecodedRows(0)
	if err != nil {
		t.Fatal(err)
	}
	var got []uint32
	counts := map[uint32][2]uint64{}
	invalid := 0
	for _, row := range rows {
		got = append(got, row.Weight)
		if row.Invalid != "" {
			invalid++
			continue
		}
		for _, c := range row.Codes {
			counts[c] = [2]uint64{counts[c][0] + uint64(row.Weight), counts[c][1] + 1}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(want) != 12 {
		t.Errorf("decoded rows' weights %v, the counted ballots' %v", got, want)
	}
	if invalid != len(forgedRows) {
		t.Errorf("%d invalid rows, want the %d forged ones", invalid, len(forgedRows))
	}
	res, err := r.Results()
	if err != nil {
		t.Fatal(err)
	}
	var total uint64
	for _, w := range want {
		total += uint64(w)
	}
	if !res.Weighted || res.Weight != total {
		t.Errorf("results: weighted %t, weight %d, want %d", res.Weighted, res.Weight, total)
	}
	for _, s := range res.Contests[0].Standings {
		if c := counts[s.Code]; s.Count != c[0] || s.Unweighted != c[1] {
			t.Errorf("candidate %d: count %d, unweighted %d, want %v", s.Code, s.Count, s.Unweighted, c)
		}
	}
}

// copyWeightedCouncil returns a fresh copy of the weighted council sample.
func copyWeightedCouncil(t *testing.T) string {
	t.Helper()
	return copyTree(t, filepath.Join("testdata", "weighted-council-sample"))
}

// weightedInput rebuilds the input list of the weighted council record in
// dir from its ballots, as check 16 does, with edit applied to the weight
// column of each ballot's row (row r, the credential's weight w, the
// ballot's confirmation code) before the list is made.
func weightedInput(t *testing.T, dir string, edit func(r int, w *uint32, code *ballot.ConfirmationCode)) *mixnet.Rows {
	t.Helper()
	e, _ := councilElection(t, dir)
	r, _ := election.Open(dir)
	var rows [][]*elgamal.Ciphertext
	for ent, err := range r.Ballots(e) {
		if err != nil {
			t.Fatal(err)
		}
		b := ent.Ballot
		if b == nil || b.State() != ballot.Cast {
			continue
		}
		w, code := e.Credentials().Weight(b.Header().Credential), b.ConfirmationCode()
		edit(len(rows), &w, &code)
		col, err := tally.WeightColumns(e, 0, []ballot.ConfirmationCode{code}, []uint32{w})
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, append(b.Ciphertexts(0), col[0]))
	}
	list, err := mixnet.NewRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// mixWeightedList replaces both stages of the weighted council record by
// honest shuffles of list, signed by trustees 1 and 2.
func mixWeightedList(t *testing.T, dir string, list *mixnet.Rows) {
	t.Helper()
	_, p := councilElection(t, dir)
	for k := range 2 {
		s, err := mixnet.Mix(p, uint32(k), council.MixServerKey(weightedCouncilSeed, k+1), list, proof.RandomNonces())
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "mixnet", "0", "stages", fmt.Sprintf("%d.bin", k)), s.Bytes(), 0o644)
		list = s.Output
	}
}

// TestWeightedCouncilInput: check 16's input list is the ballots' rows
// with their weight columns; a cascade that mixed a list giving one ballot
// another weight, or the right weight under other randomness than the
// public one, is rejected by check 17 (input) at every stage, and is
// incomplete. The list rebuilt with the true weights is the one the
// record's stage 0 mixed.
func TestWeightedCouncilInput(t *testing.T) {
	dir := copyWeightedCouncil(t)
	r, _ := election.Open(dir)
	s0, err := r.MixStage(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if honest := weightedInput(t, dir, func(int, *uint32, *ballot.ConfirmationCode) {}); honest.Digest() != s0.Input {
		t.Fatal("the input list rebuilt with the credentials' weights is not the one stage 0 mixed")
	}
	for _, tc := range []struct {
		name string
		edit func(r int, w *uint32, code *ballot.ConfirmationCode)
	}{
		{"another weight", func(r int, w *uint32, _ *ballot.ConfirmationCode) {
			if r == 4 {
				*w = map[uint32]uint32{1: 50, 4: 50, 14: 50, 50: 14}[*w]
			}
		}},
		{"other randomness", func(r int, _ *uint32, code *ballot.ConfirmationCode) {
			if r == 4 {
				code[0] ^= 1
			}
		}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyWeightedCouncil(t)
			mixWeightedList(t, dir, weightedInput(t, dir, tc.edit))
			rehash(t, dir)
			rep, err := election.Verify(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if failed := rep.Failed(); !slices.Equal(failed, []election.Check{election.CheckMixStages}) {
				t.Errorf("checks %v failed, want exactly [17]; findings %v", failed, rep.Findings)
			}
			c := rep.Cascades[0]
			if c.Complete || len(c.Stages) != 2 {
				t.Fatalf("cascade %+v", c)
			}
			for _, s := range c.Stages {
				if s.Accepted || s.Check != "input" || !strings.Contains(s.Reason, "the rows of the 12 ballots that count") {
					t.Errorf("stage %d: %+v", s.Index, s)
				}
			}
		})
	}
}

// rowWeight is the weight member of a decoded row line, 0 if none.
func rowWeight(m map[string]any) int {
	w, _ := m["weight"].(json.Number).Int64()
	return int(w)
}

var weightedCouncilTampers = []tamper{
	{"weight of a decoded row", election.CheckRowDecoding, false, func(t *testing.T, dir string) {
		// The weight member no longer says what the weight column holds.
		editDecrypted(t, dir, isValidRow, func(m map[string]any, _ [][]byte) {
			m["weight"] = json.Number(fmt.Sprint(rowWeight(m) + 1))
		})
	}},
	{"weight of a decoded row left out", election.CheckRowDecoding, false, func(t *testing.T, dir string) {
		editDecrypted(t, dir, isValidRow, func(m map[string]any, _ [][]byte) { delete(m, "weight") })
	}},
	{"weight column of another weight", election.CheckRowShares, false, func(t *testing.T, dir string) {
		// A valid row published with another weight's plaintext and that
		// weight: consistent, but not what the shares decrypt.
		editDecrypted(t, dir, isValidRow, func(m map[string]any, _ [][]byte) {
			w := map[int]uint32{1: 50, 4: 50, 14: 50, 50: 14}[rowWeight(m)]
			M, err := elgamal.Embed([]byte{byte(w >> 24), byte(w >> 16), byte(w >> 8), byte(w)})
			if err != nil {
				t.Fatal(err)
			}
			p := arr(m["plaintexts"])
			p[len(p)-1] = fmt.Sprintf("%x", M.Bytes())
			m["weight"] = json.Number(fmt.Sprint(w))
		})
	}},
	{"weight column not a weight", election.CheckRowShares, false, func(t *testing.T, dir string) {
		// A hashed element as the weight column: the row is published,
		// rightly for its plaintexts, as invalid (weight), but they are not
		// the decryption.
		e, _ := councilElection(t, dir)
		m := e.Manifest()
		d, err := tally.NewWeightedRowDecoder(&m.Contests[0], m.MaxWeight)
		if err != nil {
			t.Fatal(err)
		}
		editDecrypted(t, dir, isValidRow, func(row map[string]any, _ [][]byte) {
			var pts []*group.Element
			for _, h := range arr(row["plaintexts"]) {
				b, _ := hex.DecodeString(h.(string))
				M, err := group.NewElement().SetCanonicalBytes(b)
				if err != nil {
					t.Fatal(err)
				}
				pts = append(pts, M)
			}
			pts[len(pts)-1] = group.HashToElement([]byte("not a weight"), []byte("sandogh election test"))
			dec := d.Decode(pts)
			if dec.Invalid != tally.InvalidWeight {
				t.Fatalf("a hashed weight column decodes as %+v", dec)
			}
			j, _ := json.Marshal(dec)
			for k := range row {
				delete(row, k)
			}
			for k, v := range obj(decodeJSON(t, j)) {
				row[k] = v
			}
		})
	}},
	{"weighted count", election.CheckRowResults, false, func(t *testing.T, dir string) {
		editCouncilResults(t, dir, func(c *tally.ContestResult) { c.Standings[0].Count++ })
	}},
	{"unweighted count", election.CheckRowResults, false, func(t *testing.T, dir string) {
		editCouncilResults(t, dir, func(c *tally.ContestResult) { c.Standings[0].Unweighted++ })
	}},
	{"rows counted without their weights", election.CheckRowResults, false, func(t *testing.T, dir string) {
		editCouncilResults(t, dir, func(c *tally.ContestResult) {
			for k := range c.Standings {
				c.Standings[k].Count = c.Standings[k].Unweighted
			}
		})
	}},
}

// TestWeightedCouncilTampering makes one change to a copy of the weighted
// council sample per case and checks that the verifier rejects it, naming
// the right check, and that nothing before the mixnet path fails.
func TestWeightedCouncilTampering(t *testing.T) {
	for _, tc := range weightedCouncilTampers {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyWeightedCouncil(t)
			tc.edit(t, dir)
			failed := verifyTampered(t, dir, tc.want, tc.keepIndex)
			for _, c := range failed {
				if c < election.CheckMixInput {
					t.Errorf("check %d failed: the change was in the mixnet path", c)
				}
			}
		})
	}
}

package election_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/tally"
)

// TestForgedBallotCount is the verifier denial-of-service attack of issue
// 10: a forger publishes an encrypted tally that claims 2^40 ballots, whose
// selections encrypt totals of about 2^37. A verifier that bounded its
// discrete logarithms by the published count would search up to 2^40 for
// every total (a baby-step giant-step table of 2^20 entries and up to 2^20
// giant steps per candidate; far longer for larger counts or scores).
//
// The verifier decrypts only the tally it recomputed from the ballots
// (check 11), so the bound it hands to the discrete logarithm is the 12
// ballots it counted, whatever the record claims. The test reads that
// bound through an internal hook, never a clock, in two forgeries:
//
//   - "forged shares": the share lists are what the trustees' keys really
//     make for the forged tally (here the sample election's trustees, whose
//     key shares derive from the seed), as a coordinator who fed them its
//     ciphertexts would obtain. A verifier that trusted the published
//     tally would accept them and run the long search; this one finds that
//     they are not shares of the tally of the ballots (check 12) and
//     decrypts nothing.
//   - "genuine shares": the share lists are left as the trustees made them,
//     for the tally of the ballots; the verifier accepts them, decrypts the
//     recomputed tally with the bound 12, and reports the forged tally
//     under check 11.
func TestForgedBallotCount(t *testing.T) {
	original := filepath.Join(t.TempDir(), "sample")
	out, err := guild.Run(sampleConfig(original))
	if err != nil {
		t.Fatal(err)
	}
	for _, forgeShares := range []bool{true, false} {
		name := "genuine shares"
		if forgeShares {
			name = "forged shares"
		}
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			dir := copyTree(t, original)
			forgeBallotCount(t, dir, out, forgeShares)
			var bounds []uint64
			rep, err := election.Verify(dir, election.OnDecrypt(func(t *tally.EncryptedTally) { bounds = append(bounds, t.Ballots) }))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid() {
				t.Fatal("the record with a forged ballot count was accepted")
			}
			if rep.Ballots.Counted != 12 {
				t.Fatalf("%d ballots counted, want 12", rep.Ballots.Counted)
			}
			for _, b := range bounds {
				if b != uint64(rep.Ballots.Counted) {
					t.Errorf("the verifier decrypted a tally of %d ballots, not the %d it counted", b, rep.Ballots.Counted)
				}
			}
			failed := rep.Failed()
			want := []election.Check{election.CheckAggregation}
			if forgeShares {
				want = append(want, election.CheckShares, election.CheckCombination)
				if len(bounds) != 0 {
					t.Errorf("the verifier decrypted %d tallies with shares that are not shares of the ballots' tally", len(bounds))
				}
			} else {
				if len(bounds) != 1 {
					t.Errorf("the verifier decrypted %d tallies, want 1", len(bounds))
				}
				for _, c := range []election.Check{election.CheckShares, election.CheckCombination} {
					if slices.Contains(failed, c) {
						t.Errorf("check %d (%s) failed although the shares are the trustees' shares of the ballots' tally", c, c)
					}
				}
			}
			for _, c := range want {
				if !slices.Contains(failed, c) {
					t.Errorf("check %d (%s) passed; failed: %v", c, c, failed)
				}
			}
			for _, f := range rep.Findings {
				if f.Check <= election.CheckCombination && f.Check >= election.CheckAggregation {
					t.Logf("%s", f)
				}
			}
		})
	}
}

// forgeBallotCount rewrites the encrypted tally of the sample record in dir
// to claim 2^40 ballots, adds an encryption of 2^37 to every selection,
// and, if forgeShares, replaces the share lists by the trustees' shares of
// the forged tally; then it rehashes the index.
func forgeBallotCount(t *testing.T, dir string, out *guild.Outcome, forgeShares bool) {
	t.Helper()
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "tally", "encrypted.json")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	et := new(tally.EncryptedTally)
	if err := et.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	et.Ballots = 1 << 40
	big := e.PublicKey().Encrypt(group.NewScalar().SetUint64(1<<37), group.NewScalar().SetUint64(1))
	for i := range et.Contests {
		for j := range et.Contests[i].Selections {
			c := et.Contests[i].Selections[j].Ciphertext
			c.Add(c, big)
		}
	}
	if data, err = et.MarshalJSON(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if forgeShares {
		bh := e.BaseHash()
		files, _ := filepath.Glob(filepath.Join(dir, "tally", "shares", "*.json"))
		if len(files) < e.Threshold() {
			t.Fatalf("%d share lists", len(files))
		}
		for _, f := range files {
			j, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(f), ".json"))
			if err != nil {
				t.Fatal(err)
			}
			l, err := out.KeyShares[j-1].DecryptSharesUnchecked(bh[:], et.Ciphertexts())
			if err != nil {
				t.Fatal(err)
			}
			data, err := json.MarshalIndent(l, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, append(data, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	rehash(t, dir)
}

// TestTallyHashMismatch: an encrypted tally whose "hash" member is not the
// hash of its other members does not decode (docs/spec.md, Tally,
// "Encrypted tally"): check 11 reports the file, naming the field, and
// compares nothing in it; checks 12 to 14 do not need it, since they work
// on the tally the verifier recomputed, and pass.
func TestTallyHashMismatch(t *testing.T) {
	dir := copyRecord(t)
	editJSONFile(t, filepath.Join(dir, "tally", "encrypted.json"), func(v any) any {
		obj(v)["hash"] = flipHex(obj(v)["hash"].(string), 5)
		return v
	})
	rehash(t, dir)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if failed := rep.Failed(); !slices.Equal(failed, []election.Check{election.CheckAggregation}) {
		t.Errorf("checks %v failed, want only check 11", failed)
	}
	for _, f := range rep.Findings {
		if f.Check != election.CheckAggregation || f.File != "tally/encrypted.json" || !strings.Contains(f.Reason, "field hash") {
			t.Errorf("finding %s", f)
		}
	}
}

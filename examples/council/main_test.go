package main

import (
	"bytes"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/examples/internal/demotest"
)

// TestCouncilEndToEnd runs the example with a small election and checks
// that the verifier accepts the record it writes, with every mixnet check
// examining something, and that it prints the results and the record's
// path.
func TestCouncilEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rec")
	var stdout, stderr bytes.Buffer
	args := []string{"-voters", "40", "-candidates", "30", "-seats", "5", "-mixers", "2", "-trustees", "4", "-threshold", "2", "-seed", "e2e", "-out", out}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	for _, want := range []string{"Main members\n", "5 seats, 1 alternate\n", "Election record: ", out, "40 ballots cast", "2 mix stages accepted"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	for _, want := range []string{"key ceremony", "mixnet: trustee 1 mixed 40 rows as stage 0", "mixnet: trustee 2 mixed 40 rows as stage 1"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, stderr.String())
		}
	}
	rep, err := election.Verify(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the record is invalid: %v", rep.Findings)
	}
	for _, c := range rep.Checks {
		if c.Check >= election.CheckMixInput && c.Check != election.CheckIncidents && c.Check != election.CheckPollBook && c.Check < election.CheckRankedCounts && c.Items == 0 { // no incident, no poll book, no ranked or list contest: checks 22 to 25 are n/a
			t.Errorf("check %d (%s) examined nothing", c.Check, c.Check)
		}
	}
	if len(rep.Cascades) != 1 || len(rep.Cascades[0].Stages) != 2 || !rep.Cascades[0].Complete || rep.Cascades[0].Rows != 40 {
		t.Errorf("cascades %+v", rep.Cascades)
	}
	// A second run replaces the previous record with -force.
	if code := run([]string{"-voters", "5", "-candidates", "10", "-seats", "3", "-q", "-force", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr.String())
	}
}

// TestCouncilMethods runs the example with a ranked contest for each
// counting method of -method: the record, with its count in counts/0.json,
// is valid, check 24 examines the count and check 20 does not apply, and
// the elected are the count's.
func TestCouncilMethods(t *testing.T) {
	for _, m := range methodNames() {
		t.Run(m, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "rec")
			var stdout, stderr bytes.Buffer
			args := []string{"-method", m, "-voters", "30", "-candidates", "8", "-seats", "3", "-mixers", "2", "-trustees", "3", "-threshold", "2", "-seed", "m-" + m, "-q", "-out", out}
			if code := run(args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), "In the order of the count") || !strings.Contains(stdout.String(), "first preferences") {
				t.Errorf("the output does not say the order is the count's:\n%s", stdout.String())
			}
			rep, err := election.Verify(out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Valid() {
				t.Fatalf("the record is invalid: %v", rep.Findings)
			}
			if c := rep.Checks[election.CheckRankedCounts-1]; c.Verdict != election.Passed || c.Items != 1 {
				t.Errorf("check 24: %v, %d items", c.Verdict, c.Items)
			}
			if v := rep.Verdict(election.CheckRowResults); v != election.NotApplicable {
				t.Errorf("check 20: %v, want not applicable", v)
			}
			res := rep.Results.Contests[0]
			if res.Kind != "ranked" || res.Standings[0].Outcome != "main" {
				t.Errorf("results %+v", res)
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-method", "borda", "-q", "-out", filepath.Join(t.TempDir(), "r")}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), `-method "borda": unknown method`) {
		t.Errorf("exit %d, %q", code, stderr.String())
	}
}

// TestCouncilListEndToEnd runs the example as a list election under each
// method and list rule, and checks that the verifier accepts the record,
// with check 25 (list allocation) examining the contest, and that the
// output shows the seats by list.
func TestCouncilListEndToEnd(t *testing.T) {
	for _, c := range []struct{ method, rule string }{{"dhondt", "open"}, {"sainte-lague", "panachage"}, {"hare", "open"}, {"droop", "panachage"}} {
		out := filepath.Join(t.TempDir(), "rec")
		var stdout, stderr bytes.Buffer
		args := []string{"-method", c.method, "-list-rule", c.rule, "-lists", "3", "-voters", "24", "-candidates", "12", "-seats", "5", "-trustees", "3", "-threshold", "2", "-seed", "lists", "-q", "-out", out}
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d\n%s", c.method, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), "Seats by list") {
			t.Errorf("%s: output lacks the seats by list:\n%s", c.method, stdout.String())
		}
		rep, err := election.Verify(out, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Valid() {
			t.Fatalf("%s %s: the record is invalid: %v", c.method, c.rule, rep.Findings)
		}
		if r := rep.Checks[election.CheckListAllocation-1]; r.Verdict != election.Passed || r.Items != 1 {
			t.Errorf("%s: check 25: %+v", c.method, r)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-method", "borda", "-out", filepath.Join(t.TempDir(), "x")}, &stdout, &stderr); code != demo.ExitUsage {
		t.Errorf("-method borda: exit %d", code)
	}
}

// TestCouncilMixedListEndToEnd runs the example as a list election through
// the mixnet (-mixed) under each list rule, and checks that the verifier
// accepts the record with checks 16 to 20 and 25 examining the contest,
// and that -mixed without a list method is refused.
func TestCouncilMixedListEndToEnd(t *testing.T) {
	for _, c := range []struct{ method, rule string }{{"dhondt", "open"}, {"modified-sainte-lague", "panachage"}} {
		out := filepath.Join(t.TempDir(), "rec")
		var stdout, stderr bytes.Buffer
		args := []string{"-method", c.method, "-list-rule", c.rule, "-mixed", "-lists", "3", "-voters", "24", "-candidates", "12", "-seats", "5", "-mixers", "2", "-trustees", "3", "-threshold", "2", "-seed", "mixed lists", "-q", "-out", out}
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d\n%s", c.method, code, stderr.String())
		}
		for _, want := range []string{"Seats by list", "2 mix stages accepted", "decrypted the mixed rows"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("%s: output lacks %q:\n%s", c.method, want, stdout.String())
			}
		}
		rep, err := election.Verify(out, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Valid() {
			t.Fatalf("%s %s: the record is invalid: %v", c.method, c.rule, rep.Findings)
		}
		for _, ch := range []election.Check{election.CheckMixInput, election.CheckMixStages, election.CheckRowShares, election.CheckRowDecoding, election.CheckRowResults, election.CheckListAllocation} {
			if r := rep.Checks[ch-1]; r.Verdict != election.Passed || r.Items == 0 {
				t.Errorf("%s: check %d: %+v", c.method, ch, r)
			}
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-mixed", "-q", "-out", filepath.Join(t.TempDir(), "x")}, &stdout, &stderr); code != demo.ExitUsage || !strings.Contains(stderr.String(), "-mixed without a list -method") {
		t.Errorf("-mixed alone: exit %d: %s", code, stderr.String())
	}
}

// TestCouncilSeedReproducible: two runs with the same -seed write the same
// record, byte for byte (stages, proofs and shares included), and a run
// with another seed writes a different one.
func TestCouncilSeedReproducible(t *testing.T) {
	demotest.SeedReproducible(t, run, []string{"-voters", "20", "-candidates", "40", "-seats", "6", "-mixers", "2", "-trustees", "3", "-threshold", "2"}, []string{"ballots.jsonl", "mixnet/0/stages/0.bin", "mixnet/0/stages/1.bin", "mixnet/0/shares/2.bin", "mixnet/0/decrypted.jsonl", "results.json"})
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden runs the command with args and compares its output with
// testdata/name (demotest.Golden).
func golden(t *testing.T, name string, args ...string) string {
	t.Helper()
	return demotest.Golden(t, run, *update, name, args...)
}

// TestCouncilOutputGolden: a seeded run with a tie-break seed prints every
// candidate in the order of the standings, as tally's Results.WriteText
// writes them, with the tie across the last main and alternate seats at
// its place and what the seed made of each tied candidate, the invalid
// rows, and the summary.
func TestCouncilOutputGolden(t *testing.T) {
	golden(t, "output.golden", "-voters", "50", "-candidates", "24", "-seats", "4", "-mixers", "2", "-trustees", "3", "-threshold", "2", "-seed", "g1", "-tiebreak", "draw 1404")
}

// TestCouncilOutputOne: with one voter, one seat and one absent trustee,
// counts of one are singular and lists of trustees are prose (the old
// output said "1 ballots cast", "1 mix stages accepted" and "Trustee [2]
// was absent").
func TestCouncilOutputOne(t *testing.T) {
	got := golden(t, "output-one.golden", "-voters", "1", "-candidates", "3", "-seats", "1", "-mixers", "1", "-trustees", "2", "-threshold", "1", "-seed", "one")
	for _, bad := range []string{"[", "1 ballots", "1 votes", "1 mix stages", "1 seats"} {
		if strings.Contains(got, bad) {
			t.Errorf("the output holds %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"1 ballot counted", "1 ballot cast", "1 mix stage accepted", " was absent; trustee "} {
		if !strings.Contains(got, want) {
			t.Errorf("the output lacks %q:\n%s", want, got)
		}
	}
}

// TestCouncilErrorNames: an error is printed with the command's name
// once ("council: council: …" before), and a flag error names the flags.
func TestCouncilErrorNames(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-mixers", "6", "-q", "-out", filepath.Join(t.TempDir(), "r")}, &stdout, &stderr); code != 2 {
		t.Fatalf("exit %d", code)
	}
	if want := "council: -mixers 6: must be between 3 and 5: at least the threshold (-threshold 3) and at most the number of trustees (-trustees 5, its default), who are the mix servers\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}

// TestCouncilWeighted runs the example's weighted election (-weighted):
// the record verifies, its results carry the total weight and the
// unweighted counts, every decoded row its weight, and the flags that a
// weighted election cannot have are refused.
func TestCouncilWeighted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rec")
	var stdout, stderr bytes.Buffer
	args := []string{"-voters", "25", "-candidates", "20", "-seats", "4", "-trustees", "3", "-threshold", "2", "-weighted", "100", "-seed", "weighted", "-q", "-out", out}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "of total weight") || !strings.Contains(stdout.String(), "25 ballots cast, 0 challenged, 25 counted") {
		t.Errorf("output:\n%s", stdout.String())
	}
	rep, err := election.Verify(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("the record is invalid: %v", rep.Findings)
	}
	r, _ := election.Open(out)
	res, err := r.Results()
	if err != nil || !res.Weighted || res.Weight < 25 {
		t.Fatalf("results: %v, %+v", err, res)
	}
	rows, err := r.DecodedRows(0)
	if err != nil {
		t.Fatal(err)
	}
	var unweighted uint64
	for _, row := range rows {
		if !slices.Contains([]uint32{1, 5, 22, 100}, row.Weight) { // council.WeightBands(100)
			t.Errorf("row weight %d is not a band", row.Weight)
		}
	}
	for _, s := range res.Contests[0].Standings {
		unweighted += s.Unweighted
		if s.Count < s.Unweighted {
			t.Errorf("candidate %d: weighted %d < unweighted %d", s.Code, s.Count, s.Unweighted)
		}
	}
	if unweighted == 0 {
		t.Error("no unweighted counts")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-weighted", "10", "-challenged", "2"}, "-challenged 2 with -weighted"},
		{[]string{"-weighted", "10", "-voters", "1"}, "-voters 1 with -weighted"},
	} {
		stderr.Reset()
		if code := run(append(tc.args, "-q", "-out", filepath.Join(t.TempDir(), "r")), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, %q", tc.args, code, stderr.String())
		}
	}
}

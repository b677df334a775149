package apportion

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleInput is a small election with a threshold, preference votes and
// a seed-broken tie, under method m.
func sampleInput(m Method) *Input {
	in := &Input{Method: m, Seats: 3, Threshold: 500, Lists: []List{
		{Code: 1, Name: "Green & <Blue>", Votes: 250, Candidates: []Candidate{{Code: 11, Name: "Ava", Votes: 30}, {Code: 12, Name: "Bo", Votes: 70}, {Code: 13, Name: "Cy", Votes: 30}}},
		{Code: 2, Name: "Red", Votes: 100, Candidates: []Candidate{{Code: 21, Name: "Dee", Votes: 5}, {Code: 22, Name: "Eli", Votes: 6}}},
		{Code: 3, Name: "Yellow", Votes: 100, Candidates: []Candidate{{Code: 31, Name: "Fay", Votes: 1}}},
		{Code: 4, Name: "Tiny", Votes: 10, Candidates: []Candidate{{Code: 41, Name: "Gus"}}},
	}}
	return withSeed(in, 5)
}

// TestJSONGolden pins the JSON form of a D'Hondt and a Droop result to the
// bytes of testdata/result-*.json (docs/apportion.md quotes them).
func TestJSONGolden(t *testing.T) {
	for _, m := range []Method{DHondt, LargestRemainderDroop} {
		r := mustAllocate(t, sampleInput(m))
		got, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join("testdata", "result-"+string(m)+".json")
		if os.Getenv("APPORTION_UPDATE_GOLDEN") != "" {
			if err := os.WriteFile(name, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got)+"\n" != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", m, got, want)
		}
	}
}

// TestStrictDecoder: the decoder rejects what StrictJSON rejects and what
// the method forbids, naming the field.
func TestStrictDecoder(t *testing.T) {
	base, err := json.Marshal(mustAllocate(t, sampleInput(DHondt)))
	if err != nil {
		t.Fatal(err)
	}
	lr, err := json.Marshal(mustAllocate(t, sampleInput(LargestRemainderHare)))
	if err != nil {
		t.Fatal(err)
	}
	s := string(base)
	for _, c := range []struct {
		name, data, want string
	}{
		{"unknown member", strings.Replace(s, `"seats":3,`, `"seats":3,"seed":"00",`, 1), `"seed"`},
		{"duplicate member", strings.Replace(s, `"seats":3,`, `"seats":3,"seats":3,`, 1), "twice"},
		{"missing member", strings.Replace(s, `,"unfilled":0`, ``, 1), `"unfilled"`},
		{"null", strings.Replace(s, `"ties":[`, `"ties":null,"x":[`, 1), "null"},
		{"unknown method", strings.Replace(s, `"dhondt"`, `"hondt"`, 1), "method"},
		{"quota in a divisor method", strings.Replace(s, `"tieBreak"`, `"quota":"1/1","tieBreak"`, 1), "quota"},
		{"quota missing", strings.Replace(string(lr), `"quota":"`, `"x":"`, 1), `"x"`},
		{"not lowest terms", strings.Replace(s, `"thresholdVotes":"23/1"`, `"thresholdVotes":"46/2"`, 1), "lowest terms"},
		{"leading zero", strings.Replace(s, `"thresholdVotes":"23/1"`, `"thresholdVotes":"023/1"`, 1), "thresholdVotes"},
		{"zero denominator", strings.Replace(s, `"thresholdVotes":"23/1"`, `"thresholdVotes":"23/0"`, 1), "denominator"},
		{"sign", strings.Replace(s, `"thresholdVotes":"23/1"`, `"thresholdVotes":"-23/1"`, 1), "thresholdVotes"},
		{"no slash", strings.Replace(s, `"thresholdVotes":"23/1"`, `"thresholdVotes":"23"`, 1), "thresholdVotes"},
		{"unknown reason", strings.Replace(s, `"reason":"divisor"`, `"reason":"lot"`, 1), "allocation[0]"},
		{"next quotient of an unqualified list", strings.Replace(s, `"qualified":false,"seats":0,`, `"qualified":false,"seats":0,"nextQuotient":"1/1",`, 1), "nextQuotient"},
		{"remainder in a divisor method", strings.Replace(s, `"nextQuotient":`, `"quotaSeats":0,"remainder":"1/1","nextQuotient":`, 1), "quotaSeats"},
		{"elected and alternates", strings.Replace(s, `"alternates":[41]`, `"alternates":[]`, 1), "alternates"},
		{"seats", strings.Replace(s, `"seats":3,`, `"seats":0,`, 1), "seats"},
		{"negative", strings.Replace(s, `"undecided":0`, `"undecided":-1`, 1), "undecided"},
		{"trailing data", s + "{}", "after"},
	} {
		if c.data == s {
			t.Fatalf("%s: the test's replacement did not apply", c.name)
		}
		var r Result
		err := json.Unmarshal([]byte(c.data), &r)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %q", c.name, err, c.want)
		}
	}
}

// TestCheckNamesTampering: Check rejects a published result with any one
// field changed, naming that field.
func TestCheckNamesTampering(t *testing.T) {
	for _, m := range Methods {
		in := sampleInput(m)
		for _, c := range []struct {
			field  string
			tamper func(r *Result)
		}{
			{"seats", func(r *Result) { r.Seats++ }},
			{"validVotes", func(r *Result) { r.ValidVotes-- }},
			{"thresholdVotes", func(r *Result) { r.ThresholdVotes.SetInt64(1) }},
			{"lists[3].qualified", func(r *Result) { r.Lists[3].Qualified = true }},
			{"lists[0].seats", func(r *Result) { r.Lists[0].Seats-- }},
			{"lists[1].candidates[0].votes", func(r *Result) { r.Lists[1].Candidates[0].Votes++ }},
			{"lists[0].elected", func(r *Result) {
				r.Lists[0].Elected[0], r.Lists[0].Alternates[0] = r.Lists[0].Alternates[0], r.Lists[0].Elected[0]
			}},
			{"allocation[1].list", func(r *Result) { r.Allocation[1].List = 4 }},
			{"allocation[0].value", func(r *Result) { r.Allocation[0].Value.SetInt64(7) }},
			{"allocation (count)", func(r *Result) { r.Allocation = r.Allocation[:len(r.Allocation)-1] }},
			{"ties[0].broken", func(r *Result) { r.Ties[0].Broken = false }},
			{"unfilled", func(r *Result) { r.Unfilled = 1 }},
		} {
			r := mustAllocate(t, in)
			if len(r.Ties) == 0 && strings.HasPrefix(c.field, "ties") {
				continue
			}
			c.tamper(r)
			err := Check(in, r)
			var mm *Mismatch
			if !errors.As(err, &mm) || mm.Field != c.field {
				t.Errorf("%s: tampered %s: %v", m, c.field, err)
			}
		}
	}
	// Published for other votes: the difference is in the votes.
	in := sampleInput(DHondt)
	r := mustAllocate(t, in)
	in.Lists[2].Candidates[0].Votes++
	if err := Check(in, r); err == nil || !strings.Contains(err.Error(), "lists[2].candidates[0].votes") {
		t.Errorf("other votes: %v", err)
	}
}

// TestInputErrors: bad input gets an error naming the field, never a panic.
func TestInputErrors(t *testing.T) {
	ok := func() *Input { return sampleInput(DHondt) }
	for _, c := range []struct {
		name   string
		change func(in *Input)
		want   string
	}{
		{"method", func(in *Input) { in.Method = "imperiali" }, "field method"},
		{"seats", func(in *Input) { in.Seats = 0 }, "field seats"},
		{"too many seats", func(in *Input) { in.Seats = MaxSeats + 1 }, "field seats"},
		{"threshold", func(in *Input) { in.Threshold = 10001 }, "field threshold"},
		{"no lists", func(in *Input) { in.Lists = nil }, "field lists"},
		{"seed", func(in *Input) { in.TieBreak.Seed = nil }, "tieBreak.seed"},
		{"duplicate list", func(in *Input) { in.Lists[1].Code = 1 }, "list 1 (code 1): field code"},
		{"duplicate candidate", func(in *Input) { in.Lists[2].Candidates[0].Code = 11 }, "candidate 0 (code 11): field code"},
		{"votes", func(in *Input) { in.Lists[0].Votes = MaxVotes + 1 }, "list 0 (code 1): field votes"},
		{"sum of votes", func(in *Input) { in.Lists[0].Votes = MaxVotes - 150 }, "list 2 (code 3): field votes"},
		{"sum of votes 2^64", func(in *Input) { in.Lists[0].Votes, in.Lists[1].Votes = MaxVotes, MaxVotes }, "list 1 (code 2): field votes"},
		{"candidate votes", func(in *Input) { in.Lists[1].Candidates[1].Votes = MaxVotes + 1 }, "candidate 1 (code 22): field votes"},
		{"name", func(in *Input) { in.Lists[3].Name = "\xff" }, "list 3 (code 4): field name"},
		{"long name", func(in *Input) { in.Lists[3].Candidates[0].Name = strings.Repeat("x", MaxName+1) }, "candidate 0 (code 41): field name"},
	} {
		in := ok()
		c.change(in)
		_, err := Allocate(in)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "apportion: ") {
			t.Errorf("%s: %v, want an error naming %q", c.name, err, c.want)
		}
		if err := Check(in, &Result{}); err == nil {
			t.Errorf("%s: Check accepted bad input", c.name)
		}
	}
}

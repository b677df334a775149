package apportion

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// readJSON decodes testdata/name into v.
func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// staff gives every list n candidates (codes 1000·list code + 1…n, no
// preference votes), so that no list runs out of candidates.
func staff(lists []List, n int) []List {
	for i := range lists {
		lists[i].Candidates = make([]Candidate, n)
		for k := range lists[i].Candidates {
			lists[i].Candidates[k] = Candidate{Code: lists[i].Code*1000 + uint32(k) + 1}
		}
	}
	return lists
}

// seatsOf returns the seats of each list of r, in order.
func seatsOf(r *Result) []int {
	s := make([]int, len(r.Lists))
	for i := range r.Lists {
		s[i] = r.Lists[i].Seats
	}
	return s
}

// orderOf returns the list code of each seat of r in allocation order.
func orderOf(r *Result) []uint32 {
	o := make([]uint32, len(r.Allocation))
	for k, s := range r.Allocation {
		o[k] = s.List
	}
	return o
}

// mustAllocate is Allocate, failing t on error; it also checks that the
// result passes Check and survives its JSON form.
func mustAllocate(t testing.TB, in *Input) *Result {
	t.Helper()
	r, err := Allocate(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(in, r); err != nil {
		t.Fatalf("Check of Allocate's own result: %v", err)
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	if err := Check(in, &back); err != nil {
		t.Fatalf("Check after a JSON round trip: %v", err)
	}
	again, err := json.Marshal(&back)
	if err != nil || string(again) != string(data) {
		t.Fatalf("JSON not stable:\n%s\n%s (%v)", data, again, err)
	}
	return r
}

// allocate is Allocate, failing t on error or if Check rejects the result.
func allocate(t testing.TB, in *Input) *Result {
	t.Helper()
	r, err := Allocate(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(in, r); err != nil {
		t.Fatalf("Check of Allocate's own result: %v", err)
	}
	return r
}

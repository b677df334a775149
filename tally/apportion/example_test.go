package apportion_test

import (
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/tally/apportion"
)

// candidates returns n candidates with codes from first, without
// preference votes.
func candidates(first uint32, n int) []apportion.Candidate {
	c := make([]apportion.Candidate, n)
	for k := range c {
		c[k] = apportion.Candidate{Code: first + uint32(k)}
	}
	return c
}

// The D'Hondt example of Staatsrecht Honikel (testdata/worked-examples.json):
// three parties, ten seats.
func ExampleAllocate() {
	in := &apportion.Input{Method: apportion.DHondt, Seats: 10, Lists: []apportion.List{
		{Code: 1, Name: "A", Votes: 6100, Candidates: candidates(101, 10)},
		{Code: 2, Name: "B", Votes: 5000, Candidates: candidates(201, 10)},
		{Code: 3, Name: "C", Votes: 900, Candidates: candidates(301, 10)},
	}}
	r, err := apportion.Allocate(in)
	if err != nil {
		panic(err)
	}
	for _, s := range r.Allocation {
		fmt.Printf("seat %2d: list %s, %s round %d, quotient %s\n", s.Number, in.Lists[s.List-1].Name, s.Reason, s.Round, s.Value.FloatString(1))
	}
	for _, l := range r.Lists {
		fmt.Printf("%s: %d seats, next quotient %s\n", l.Name, l.Seats, l.NextQuotient)
	}
	// Output:
	// seat  1: list A, divisor round 1, quotient 6100.0
	// seat  2: list B, divisor round 1, quotient 5000.0
	// seat  3: list A, divisor round 2, quotient 3050.0
	// seat  4: list B, divisor round 2, quotient 2500.0
	// seat  5: list A, divisor round 3, quotient 2033.3
	// seat  6: list B, divisor round 3, quotient 1666.7
	// seat  7: list A, divisor round 4, quotient 1525.0
	// seat  8: list B, divisor round 4, quotient 1250.0
	// seat  9: list A, divisor round 5, quotient 1220.0
	// seat 10: list A, divisor round 6, quotient 1016.7
	// A: 6 seats, next quotient 6100/7
	// B: 4 seats, next quotient 1000/1
	// C: 0 seats, next quotient 900/1
}

// A tie for the last seat under the largest remainder method with the Droop
// quota, reported and left undecided without a tie-break seed; within each
// list, seats go by preference votes.
func ExampleAllocate_tie() {
	in := &apportion.Input{Method: apportion.LargestRemainderDroop, Seats: 2, Lists: []apportion.List{
		{Code: 1, Votes: 250, Candidates: []apportion.Candidate{{Code: 11, Votes: 3}, {Code: 12, Votes: 8}}},
		{Code: 2, Votes: 100, Candidates: candidates(21, 2)},
		{Code: 3, Votes: 100, Candidates: candidates(31, 2)},
	}}
	r, err := apportion.Allocate(in)
	if err != nil {
		panic(err)
	}
	fmt.Println("quota", r.Quota)
	for _, l := range r.Lists {
		fmt.Printf("list %d: %d by quota, remainder %s, elected %v, alternates %v\n", l.Code, l.QuotaSeats, l.Remainder, l.Elected, l.Alternates)
	}
	for _, t := range r.Ties {
		fmt.Printf("tie at remainder %s: lists %v for %d seat, broken %v; %d undecided\n", t.Value, t.Lists, t.Seats, t.Broken, r.Undecided)
	}
	// Output:
	// quota 151/1
	// list 1: 1 by quota, remainder 99/1, elected [12], alternates [11]
	// list 2: 0 by quota, remainder 100/1, elected [], alternates [21 22]
	// list 3: 0 by quota, remainder 100/1, elected [], alternates [31 32]
	// tie at remainder 100/1: lists [2 3] for 1 seat, broken false; 1 undecided
}

// Check recomputes a published result and names the first field that
// differs.
func ExampleCheck() {
	in := &apportion.Input{Method: apportion.SainteLague, Seats: 3, Lists: []apportion.List{
		{Code: 1, Votes: 500, Candidates: candidates(11, 3)},
		{Code: 2, Votes: 200, Candidates: candidates(21, 3)},
	}}
	r, _ := apportion.Allocate(in)
	data, _ := json.Marshal(r)
	var published apportion.Result
	if err := json.Unmarshal(data, &published); err != nil {
		panic(err)
	}
	fmt.Println(apportion.Check(in, &published))
	published.Allocation[2].List = 2
	fmt.Println(apportion.Check(in, &published))
	// Output:
	// <nil>
	// apportion: check: allocation[2].list: published 2, but the votes give 1
}

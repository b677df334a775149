package tally_test

import (
	"log"
	"os"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/tally"
)

// Print the results of a board election of 3 main members and 2
// alternates, where two candidates tie for the last main seat and the
// manifest has no tie-break seed: the tie appears at its place, between
// the main members and the alternates, and is left to the election's
// rules.
func ExampleResults_WriteText() {
	m := &ballot.Manifest{
		ElectionID: "coop-board-1404",
		Policy:     ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{{
			ID: "board", Kind: ballot.UpTo, Limit: 3, Seats: 3, Alternates: 2,
			Candidates: []ballot.Candidate{
				{Code: 11, Name: "Azadeh"}, {Code: 12, Name: "Bijan"}, {Code: 13, Name: "Cyrus"},
				{Code: 14, Name: "Darya"}, {Code: 15, Name: "Elham"}, {Code: 16, Name: "Farhad"},
				{Code: 17, Name: "Golnar"},
			},
		}},
	}
	totals := &tally.Totals{Ballots: 120, Contests: []tally.ContestTotals{{
		ID: "board",
		Selections: []tally.SelectionTotal{
			{Code: 11, Count: 96}, {Code: 12, Count: 41}, {Code: 13, Count: 88},
			{Code: 14, Count: 57}, {Code: 15, Count: 57}, {Code: 16, Count: 30}, {Code: 17, Count: 1},
		},
	}}}
	r, err := tally.NewResults(m, totals)
	if err != nil {
		log.Fatal(err)
	}
	if err := r.WriteText(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Results of coop-board-1404: 120 ballots counted
	//
	// Contest "board": 3 seats, 2 alternates
	//   Main members
	//     1.  96 votes  11  Azadeh
	//     2.  88 votes  13  Cyrus
	//   Tied at 57 votes for positions 3–4 (1 main seat, 1 alternate seat at stake), not broken: the manifest has no tie-break seed
	//     3.  57 votes  14  Darya
	//     4.  57 votes  15  Elham
	//   Alternates
	//     5.  41 votes  12  Bijan
	//   Not elected
	//     6.  30 votes  16  Farhad
	//     7.   1 vote   17  Golnar
}

// Print the results of a Persian board election for its readers: numbers
// in Persian digits, Persian names right-aligned in their column.
func ExampleResults_WriteTextOptions() {
	m := &ballot.Manifest{
		ElectionID: "taavoni-1404",
		Policy:     ballot.OneBallotPerCredential,
		Contests: []ballot.Contest{{
			ID: "board", Kind: ballot.UpTo, Limit: 2, Seats: 2, Alternates: 1,
			Candidates: []ballot.Candidate{
				{Code: 1, Name: "آزاده کریمی"}, {Code: 2, Name: "علی"}, {Code: 3, Name: "مهدی‌زاده"}, {Code: 4, Name: "Ana"},
			},
		}},
	}
	totals := &tally.Totals{Ballots: 75, Contests: []tally.ContestTotals{{
		ID:         "board",
		Selections: []tally.SelectionTotal{{Code: 1, Count: 61}, {Code: 2, Count: 48}, {Code: 3, Count: 9}, {Code: 4, Count: 12}},
	}}}
	r, err := tally.NewResults(m, totals)
	if err != nil {
		log.Fatal(err)
	}
	if err := r.WriteTextOptions(os.Stdout, tally.TextOptions{PersianDigits: true, RightAlignRTL: true}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Results of taavoni-1404: ۷۵ ballots counted
	//
	// Contest "board": ۲ seats, ۱ alternate
	//   Main members
	//     ۱.  ۶۱ votes  ۱  آزاده کریمی
	//     ۲.  ۴۸ votes  ۲          علی
	//   Alternates
	//     ۳.  ۱۲ votes  ۴  Ana
	//   Not elected
	//     ۴.   ۹ votes  ۳     مهدی‌زاده
}

package apportion

import (
	"encoding/binary"
	"encoding/json"
	"testing"
)

// FuzzResultJSON checks that the strict decoder never panics, and that
// whatever it accepts encodes back to a form it accepts again with the
// same encoding.
func FuzzResultJSON(f *testing.F) {
	for _, m := range Methods {
		data, err := json.Marshal(mustAllocate(f, sampleInput(m)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"method":"dhondt","seats":1,"threshold":0,"validVotes":0,"thresholdVotes":"0/1","qualifiedVotes":0,"tieBreak":false,"lists":[],"allocation":[],"ties":[],"undecided":0,"unfilled":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Result
		if err := r.UnmarshalJSON(data); err != nil {
			return
		}
		out, err := json.Marshal(&r)
		if err != nil {
			t.Fatalf("accepted, but does not encode: %v", err)
		}
		var back Result
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("its encoding %s is refused: %v", out, err)
		}
		again, err := json.Marshal(&back)
		if err != nil || string(again) != string(out) {
			t.Fatalf("encoding not stable: %s then %s", out, again)
		}
	})
}

// FuzzAllocate builds an input from the fuzzer's bytes (method, seats,
// threshold, seed, then 10 bytes a list: 8 of votes, one of candidates,
// one to choose small or huge counts) and checks that Allocate never
// panics, and that what it returns adds up, passes Check and survives its
// JSON form.
func FuzzAllocate(f *testing.F) {
	f.Add([]byte{0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x17, 0xd4, 5, 0, 0, 0, 0, 0, 0, 0x13, 0x88, 5, 0})
	f.Add([]byte{4, 29, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 40, 0, 0, 0, 0, 0, 0, 0, 0, 26, 40, 0, 0, 0, 0, 0, 0, 0, 0, 51, 40, 0})
	f.Add([]byte{2, 3, 0x13, 0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 5 || len(data) > 5+10*MaxLists {
			return
		}
		in := &Input{Method: Methods[int(data[0])%len(Methods)], Seats: 1 + int(data[1])%40,
			Threshold: uint32(data[2])<<8 | uint32(data[3])}
		if data[4]&1 == 1 {
			in.TieBreak = &TieBreak{Seed: []byte{data[4]}}
		}
		for k, rest := 0, data[5:]; len(rest) >= 10; k, rest = k+1, rest[10:] {
			l := List{Code: uint32(k), Votes: binary.BigEndian.Uint64(rest[:8])}
			if rest[9]&1 == 0 {
				l.Votes %= 1000
			}
			for c := range int(rest[8]) % 8 {
				l.Candidates = append(l.Candidates, Candidate{Code: uint32(100*k + c), Votes: uint64(c*int(rest[9])) % 5})
			}
			in.Lists = append(in.Lists, l)
		}
		r, err := Allocate(in)
		if err != nil {
			return
		}
		sum := 0
		for _, l := range r.Lists {
			sum += l.Seats
		}
		if sum+r.Undecided+r.Unfilled != in.Seats {
			t.Fatalf("%d + %d + %d seats, want %d", sum, r.Undecided, r.Unfilled, in.Seats)
		}
		mustAllocate(t, in)
	})
}

package apportion

import (
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

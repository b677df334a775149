package tally

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/group"
)

// TestJSONMembersRequired: the results, the encrypted tally and the decoded
// rows refuse a member twice and a required member left out, naming it and
// where it is. Before the strict decoder, results without "ties" and an
// encrypted contest without "selections" were read as empty lists, and
// the last of two members won.
func TestJSONMembersRequired(t *testing.T) {
	m := testManifest()
	r, err := NewResults(m, testTotals(m, board(90, 85, 80, 70, 60, 40, 30, 40, 20, 10, 5, 4, 40, 2, 1)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	// A contest of the encrypted tally without selections has the same
	// hash as one with an empty list, so only the decoder can tell.
	et := &EncryptedTally{Ballots: 0, Contests: []EncryptedContest{{ID: "empty"}}}
	tal, err := json.Marshal(et)
	if err != nil {
		t.Fatal(err)
	}
	row, err := json.Marshal(DecodedRow{Plaintexts: []*group.Element{group.NewGeneratorElement()}, Codes: []uint32{3, 7}})
	if err != nil {
		t.Fatal(err)
	}
	type decoder interface{ UnmarshalJSON([]byte) error }
	for _, tc := range []struct {
		name      string
		v         decoder
		data      string
		old, new_ string
		want      string
	}{
		{"results without ties", new(Results), string(res), `,"ties":[]`, ``, `tally: results JSON: contests[1]: missing member "ties"`},
		{"results without a count", new(Results), string(res), `"count":90,`, ``, `tally: results JSON: contests[0].standings[0]: missing member "count"`},
		{"results count twice", new(Results), string(res), `"count":90,`, `"count":90,"count":91,`, `tally: results JSON: contests[0].standings[0]: member "count" appears twice`},
		{"results seats twice", new(Results), string(res), `"seats":`, `"seats":0,"seats":`, `tally: results JSON: contests[0]: member "seats" appears twice`},
		{"results escaped name twice", new(Results), string(res), `"ballots":`, `"ballots":0,"b\u0061llots":`, `tally: results JSON: member "ballots" appears twice`},
		{"results ties null", new(Results), string(res), `"ties":[]`, `"ties":null`, `tally: results JSON: contests[1]: member "ties": got null`},
		{"tally without selections", new(EncryptedTally), string(tal), `,"selections":[]`, ``, `tally: encrypted tally JSON: contests[0]: missing member "selections"`},
		{"tally ballots twice", new(EncryptedTally), string(tal), `"ballots":0`, `"ballots":7,"ballots":0`, `tally: encrypted tally JSON: member "ballots" appears twice`},
		{"row codes twice", new(DecodedRow), string(row), `"codes":[3,7]`, `"codes":[3,7],"codes":[3,8]`, `tally: decoded row JSON: member "codes" appears twice`},
		{"results outcome empty", new(Results), string(res), `"outcome":"main"`, `"outcome":""`, `tally: results JSON: contests[0].standings[0]: member "outcome": the empty string`},
		{"row reason empty", new(DecodedRow), string(row), `"codes":[3,7]`, `"codes":[3,7],"reason":""`, `tally: decoded row JSON: member "reason": the empty string`},
		{"row without plaintexts", new(DecodedRow), string(row), `"plaintexts":[`, `"x":[`, `tally: decoded row JSON: unknown member "x"`},
	} {
		data := strings.Replace(tc.data, tc.old, tc.new_, 1)
		if data == tc.data {
			t.Fatalf("%s: %q not found in %s", tc.name, tc.old, tc.data)
		}
		err := tc.v.UnmarshalJSON([]byte(data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	// The unchanged forms decode.
	for _, v := range []struct {
		d    decoder
		data []byte
	}{{new(Results), res}, {new(EncryptedTally), tal}, {new(DecodedRow), row}} {
		if err := v.d.UnmarshalJSON(v.data); err != nil {
			t.Fatal(err)
		}
	}
}

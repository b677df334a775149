package ranked

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzCountJSON: whatever the decoder accepts re-encodes to bytes that
// decode to the same Count, and the encoding is stable.
func FuzzCountJSON(f *testing.F) {
	if b, err := readGolden(); err == nil {
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var k Count
		if err := k.UnmarshalJSON(data); err != nil {
			return
		}
		b, err := json.Marshal(&k)
		if err != nil {
			t.Fatalf("accepted but not encodable: %v", err)
		}
		var k2 Count
		if err := k2.UnmarshalJSON(b); err != nil {
			t.Fatalf("re-encoding rejected: %v\n%s", err, b)
		}
		b2, _ := json.Marshal(&k2)
		if !bytes.Equal(b, b2) {
			t.Fatalf("unstable:\n%s\n%s", b, b2)
		}
	})
}

// FuzzSchulzeJSON is FuzzCountJSON for SchulzeResult.
func FuzzSchulzeJSON(f *testing.F) {
	f.Add([]byte(`{"method":"schulze","candidates":2,"maxRanks":2,"valid":2,"invalid":0,"d":[[0,1],[1,0]],"p":[[0,0],[0,0]],"tiers":[[0,1]],"order":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r SchulzeResult
		if err := r.UnmarshalJSON(data); err != nil {
			return
		}
		b, err := json.Marshal(&r)
		if err != nil {
			t.Fatalf("accepted but not encodable: %v", err)
		}
		var r2 SchulzeResult
		if err := r2.UnmarshalJSON(b); err != nil {
			t.Fatalf("re-encoding rejected: %v\n%s", err, b)
		}
	})
}

// FuzzCountRows: any rows, valid or not, count without panic, and the
// counts keep their invariants.
func FuzzCountRows(f *testing.F) {
	f.Add([]byte{3, 1, 0, 1, 2, 0, 2, 1, 255, 2, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		n := 2 + int(data[0]%6)
		c := Contest{Candidates: n, MaxRanks: 1 + int(data[1])%n, Seats: 1 + int(data[1])%(n-1)}
		var rows []Ranking
		var r Ranking
		for _, x := range data[2:] {
			if x == 255 {
				rows = append(rows, r)
				r = nil
				continue
			}
			r = append(r, int(x%8)-1)
		}
		rows = append(rows, r)
		for _, count := range []func(Contest, []Ranking, *Lot) (*Count, error){CountSTV, CountIRV} {
			k, err := count(c, rows, &Lot{Seed: []byte{1}})
			if err != nil {
				continue
			}
			checkInvariants(t, k)
		}
		if _, err := Schulze(c, rows, nil); err != nil {
			t.Fatal(err)
		}
		k, err := CountMeek(c, rows, &Lot{Seed: []byte{1}})
		if err != nil {
			t.Fatal(err)
		}
		if k.Unresolved != nil || len(k.Elected) != c.Seats {
			t.Fatalf("meek: elected %v, unresolved %v", k.Elected, k.Unresolved)
		}
	})
}

// FuzzMeekJSON is FuzzCountJSON for MeekCount.
func FuzzMeekJSON(f *testing.F) {
	f.Add([]byte(`{"method":"meek","candidates":2,"maxRanks":2,"seats":1,"valid":1,"invalid":0,"rounds":[{"number":1,"iterations":1,"quota":"0.500000001","votes":["1.000000000","0.000000000"],"keepFactors":["1.000000000","1.000000000"],"surplus":"0.499999999","residual":"0.000000000","elected":[0],"excluded":-1,"ties":[],"lastVacancies":[]}],"elected":[0]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var k MeekCount
		if err := k.UnmarshalJSON(data); err != nil {
			return
		}
		b, err := json.Marshal(&k)
		if err != nil {
			t.Fatalf("accepted but not encodable: %v", err)
		}
		var k2 MeekCount
		if err := k2.UnmarshalJSON(b); err != nil {
			t.Fatalf("re-encoding rejected: %v\n%s", err, b)
		}
		if b2, _ := json.Marshal(&k2); !bytes.Equal(b, b2) {
			t.Fatalf("unstable")
		}
	})
}

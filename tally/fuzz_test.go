package tally

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// tallyVector returns the encrypted-tally known-answer vector's JSON and
// canonical encoding, to seed the fuzz targets.
func tallyVector(f *testing.F) (jsonForm, binary []byte) {
	data, err := os.ReadFile(filepath.Join("testdata", "encrypted-tally.json"))
	if err != nil {
		f.Fatal(err)
	}
	var v tallyVectorFile
	if err := json.Unmarshal(data, &v); err != nil {
		f.Fatal(err)
	}
	raw, err := hex.DecodeString(v.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	return v.Tally, raw
}

// FuzzEncryptedTallyBytes checks that SetCanonicalBytes never panics, and
// that whatever it accepts is canonical: Bytes gives back the input.
func FuzzEncryptedTallyBytes(f *testing.F) {
	_, raw := tallyVector(f)
	f.Add(raw)
	f.Add(raw[:len(raw)-1])
	f.Add(append(bytes.Clone(raw), 0))
	f.Add([]byte{})
	w := weightedIdentityTally().Bytes()
	f.Add(w)
	f.Add(w[:len(w)-64])
	f.Fuzz(func(t *testing.T, b []byte) {
		tl, err := new(EncryptedTally).SetCanonicalBytes(b)
		if err != nil {
			if tl != nil {
				t.Fatal("a tally returned with an error")
			}
			return
		}
		if !bytes.Equal(tl.Bytes(), b) {
			t.Fatal("accepted a non-canonical encoding")
		}
		tl.Ciphertexts()
		tl.Hash()
	})
}

// FuzzEncryptedTallyJSON checks that UnmarshalJSON never panics, and that
// what it accepts encodes back to an equal tally.
func FuzzEncryptedTallyJSON(f *testing.F) {
	js, _ := tallyVector(f)
	f.Add([]byte(js))
	f.Add([]byte(`{"baseHash":"","ballots":0,"contests":null,"hash":""}`))
	f.Add([]byte(`{}`))
	wj, _ := json.Marshal(weightedIdentityTally())
	f.Add(wj)
	f.Fuzz(func(t *testing.T, data []byte) {
		var tl EncryptedTally
		if err := json.Unmarshal(data, &tl); err != nil {
			return
		}
		out, err := json.Marshal(&tl)
		if err != nil {
			t.Fatal(err)
		}
		var back EncryptedTally
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-encoding not accepted: %v", err)
		}
		if err := back.Compare(&tl); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back.Bytes(), tl.Bytes()) {
			t.Fatal("the round trip changed the encoding")
		}
	})
}

// FuzzResultsJSON checks that UnmarshalJSON and CheckResults never panic on
// any results, and that decoded results survive a round trip.
func FuzzResultsJSON(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "tiebreak.json"))
	if err != nil {
		f.Fatal(err)
	}
	var v tieBreakFile
	if err := json.Unmarshal(data, &v); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(v.Results))
	m := testManifest()
	totals := testTotals(m, board(vectorResultsTotals...))
	full, err := NewResults(m, totals)
	if err != nil {
		f.Fatal(err)
	}
	fullJSON, _ := json.Marshal(full)
	f.Add(fullJSON)
	f.Add([]byte(`{"contests":[{"kind":"up-to","standings":[{}],"ties":[{"candidates":[1,2,3]}]}]}`))
	f.Add([]byte(`{"contests":[{"kind":"codes","invalid":2,"standings":[{"code":1,"count":3}],"ties":[]}]}`))
	if list, err := os.ReadFile("../election/testdata/list-sample/results.json"); err == nil {
		f.Add(list)
	}
	f.Add([]byte(`{"contests":[{"kind":"list","seats":2,"lists":[{"code":1,"votes":3,"seats":2,"candidates":1}],"standings":[{"code":11,"count":3}],"ties":[]}]}`))
	f.Add([]byte(`{"weight":7,"contests":[{"kind":"up-to","standings":[{"code":1,"count":7,"unweighted":2}],"ties":[]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Results
		if err := json.Unmarshal(data, &r); err != nil {
			return
		}
		CheckResults(m, totals, &r)
		out, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		var back Results
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-encoding not accepted: %v", err)
		}
		if !reflect.DeepEqual(&back, &r) && !emptyEquivalent(&back, &r) {
			t.Fatalf("round trip changed the results:\n%+v\n%+v", &back, &r)
		}
	})
}

// emptyEquivalent reports whether a and b differ only in nil versus empty
// slices, which have the same JSON form.
func emptyEquivalent(a, b *Results) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

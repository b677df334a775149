package ballot

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds returns valid encodings of the known-answer ballots.
func fuzzSeeds(f *testing.F) [][]byte {
	data, err := os.ReadFile(vectorsFile)
	if err != nil {
		f.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, vb := range []vectorBallot{v.CredentialBallot, v.DeviceBallot} {
		b, _ := hex.DecodeString(vb.Encoding)
		out = append(out, b)
	}
	// Ballots with a row of codes (layout 2).
	data, err = os.ReadFile(codesVectorsFile)
	if err != nil {
		f.Fatal(err)
	}
	var cv codesVectors
	if err := json.Unmarshal(data, &cv); err != nil {
		f.Fatal(err)
	}
	for _, vb := range []codesVectorBallot{cv.CredentialBallot, cv.DeviceBallot} {
		b, _ := hex.DecodeString(vb.Encoding)
		out = append(out, b)
	}
	// Ballots with list contests (contest-proof flag 2).
	data, err = os.ReadFile(listVectorsFile)
	if err != nil {
		f.Fatal(err)
	}
	var lv vectors
	if err := json.Unmarshal(data, &lv); err != nil {
		f.Fatal(err)
	}
	for _, vb := range []vectorBallot{lv.CredentialBallot, lv.DeviceBallot} {
		b, _ := hex.DecodeString(vb.Encoding)
		out = append(out, b)
	}
	return out
}

// FuzzParseBallot: the binary decoder never panics, and what it accepts
// is canonical: it re-encodes to the same bytes, and its JSON form decodes
// to the same ballot.
func FuzzParseBallot(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
		f.Add(s[:len(s)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBallot(data)
		if err != nil {
			if b != nil {
				t.Fatal("a ballot and an error")
			}
			return
		}
		if !bytes.Equal(b.Bytes(), data) {
			t.Fatal("accepted a non-canonical encoding")
		}
		j, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := marshalJSONReflect(b); !bytes.Equal(j, want) {
			t.Fatalf("MarshalJSON %s, encoding/json %s", j, want)
		}
		var b2 Ballot
		if err := b2.UnmarshalJSON(j); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b2.Bytes(), data) {
			t.Fatal("the JSON form decodes to another ballot")
		}
	})
}

// FuzzBallotJSON: the JSON decoder never panics, and what it accepts
// round-trips.
func FuzzBallotJSON(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		b, err := ParseBallot(s)
		if err != nil {
			f.Fatal(err)
		}
		j, _ := b.MarshalJSON()
		f.Add(j)
	}
	f.Add([]byte(`{"ballotId":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Ballot
		if err := b.UnmarshalJSON(data); err != nil {
			return
		}
		j, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var b2 Ballot
		if err := b2.UnmarshalJSON(j); err != nil || !bytes.Equal(b2.Bytes(), b.Bytes()) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzAccept submits arbitrary bytes to a ballot box of the fixed test
// election, whose devices have opened their chains: Accept never panics,
// refuses with a *Refusal, and whatever it accepts verifies.
func FuzzAccept(f *testing.F) {
	fx := newFixture(f, testManifest())
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	for i := range 3 {
		f.Add(fx.credentialBallot(f, "fuzz", i, testVote()).Bytes())
	}
	x, err := OpenBox(filepath.Join(f.TempDir(), "box.jsonl"), fx.e)
	if err != nil {
		f.Fatal(err)
	}
	defer x.Close()
	for _, id := range []string{"station-1", "station-2"} {
		_, o, _ := OpenDevice(fx.e, id, fx.deviceKeys[id], testTime)
		if err := x.AcceptOpening(o); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := x.Accept(data)
		if err != nil {
			var r *Refusal
			if !errors.As(err, &r) {
				t.Fatalf("not a refusal: %v", err)
			}
			return
		}
		if err := VerifyBallot(fx.e, b); err != nil {
			t.Fatalf("accepted a ballot that does not verify: %v", err)
		}
	})
}

// FuzzOpenBox: reading a damaged ballot-box file never panics.
func FuzzOpenBox(f *testing.F) {
	fx := newFixture(f, testManifest())
	dir := f.TempDir()
	path := filepath.Join(dir, "seed.jsonl")
	x, err := OpenBox(path, fx.e)
	if err != nil {
		f.Fatal(err)
	}
	_, o, _ := OpenDevice(fx.e, "station-1", fx.deviceKeys["station-1"], testTime)
	x.AcceptOpening(o)
	x.Accept(fx.credentialBallot(f, "box", 0, Vote{"budget": {1: 1}}).Bytes())
	x.Close()
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add(seed[:len(seed)-3])
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "box.jsonl")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if y, err := OpenBox(p, fx.e); err == nil {
			y.Close()
		}
	})
}

// FuzzParseManifest: the manifest decoder never panics, and what it
// accepts is valid and round-trips.
func FuzzParseManifest(f *testing.F) {
	j, _ := json.Marshal(testManifest())
	f.Add(j)
	j, _ = json.Marshal(boardManifest())
	f.Add(j)
	j, _ = json.Marshal(codeListManifest())
	f.Add(j)
	j, _ = json.Marshal(rankedManifest())
	f.Add(j)
	j, _ = json.Marshal(listVectorsManifest())
	f.Add(j)
	j, _ = json.Marshal(weightedManifest())
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(m)
		m2, err := ParseManifest(j)
		if err != nil || m2.Hash() != m.Hash() {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzDeviceOpeningJSON and FuzzCredentialListJSON: the small decoders
// never panic, and what they accept round-trips.
func FuzzDeviceOpeningJSON(f *testing.F) {
	fx := newFixture(f, testManifest())
	_, o, _ := OpenDevice(fx.e, "station-1", fx.deviceKeys["station-1"], testTime)
	j, _ := json.Marshal(o)
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		var o DeviceOpening
		if err := json.Unmarshal(data, &o); err != nil {
			return
		}
		j, _ := json.Marshal(&o)
		var o2 DeviceOpening
		if err := json.Unmarshal(j, &o2); err != nil || o2.ConfirmationCode() != o.ConfirmationCode() {
			t.Fatalf("round trip: %v", err)
		}
		o.Verify(fx.e)
	})
}

func FuzzCredentialListJSON(f *testing.F) {
	_, l, _ := GenerateCredentials(3)
	j, _ := json.Marshal(l)
	f.Add(j)
	wl, _ := NewWeightedCredentialList(l.Keys(), []uint32{3, 1, 1 << 31})
	j, _ = json.Marshal(wl)
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		var l CredentialList
		if err := json.Unmarshal(data, &l); err != nil {
			return
		}
		j, _ := json.Marshal(&l)
		var l2 CredentialList
		if err := json.Unmarshal(j, &l2); err != nil || l2.Hash() != l.Hash() || l2.Weighted() != l.Weighted() {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzParseElection: the election-parameters decoder never panics, and
// what it accepts round-trips to the same base hash.
func FuzzParseElection(f *testing.F) {
	fx := newFixture(f, testManifest())
	j, _ := json.Marshal(fx.e)
	f.Add(j)
	wl, _ := NewWeightedCredentialList(testKeys(2), []uint32{7, 1000})
	we, err := NewElection(Parameters{Manifest: weightedManifest(), PublicKey: fx.e.PublicKey(), VerificationKeys: fx.e.VerificationKeys(), Threshold: 2, Credentials: wl})
	if err != nil {
		f.Fatal(err)
	}
	j, _ = json.Marshal(we)
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseElection(data)
		if err != nil {
			return
		}
		j, _ := json.Marshal(e)
		e2, err := ParseElection(j)
		if err != nil || e2.BaseHash() != e.BaseHash() {
			t.Fatalf("round trip: %v", err)
		}
	})
}

package speccheck

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// FuzzParseBallotJSON: the checker's ballot decoder must never panic, and what
// it accepts must check its shape, proofs and signature without panicking.
func FuzzParseBallotJSON(f *testing.F) {
	file, err := os.Open(sampleRecord + "/ballots.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	s := bufio.NewScanner(file)
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		var bl struct {
			Ballot json.RawMessage `json:"ballot"`
		}
		if json.Unmarshal(s.Bytes(), &bl) == nil && bl.Ballot != nil {
			f.Add([]byte(bl.Ballot))
		}
	}
	var ef electionFileJSON
	readJSONf(f, sampleRecord+"/election.json", &ef)
	var devices []deviceJSON
	readJSONf(f, sampleRecord+"/devices.json", &devices)
	e, err := newElectionParams(ef.Manifest, ef.PublicKey, ef.Trustees, ef.Threshold, devices, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := parseBallotJSON(data)
		if err != nil {
			return
		}
		b.verifySignature(e)
		if b.checkShape(e) == nil && b.state == 1 {
			b.verifyProofs(e)
		}
	})
}

func readJSONf(f *testing.F, path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		f.Fatal(err)
	}
}

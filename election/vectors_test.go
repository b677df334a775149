package election

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/trustee"
)

var update = flag.Bool("update", false, "rewrite the known-answer files in testdata/")

// vectorScalar derives a fixed scalar from a label.
func vectorScalar(label string) *group.Scalar {
	return group.HashToScalar([]byte(label), []byte("sandogh-v1 record test vectors"))
}

// vectorSeed derives a fixed 32-byte seed from a label.
func vectorSeed(label string) []byte {
	h := sha256.Sum256([]byte("sandogh-v1 record test vectors: " + label))
	return h[:]
}

// vectorElection is the fixed election of testdata/parameters: a board
// contest and a yes/no question, a tie-break seed, three trustees with
// threshold 2, two stations, three credentials, every key derived from a
// label.
func vectorElection(t testing.TB) (*ballot.Election, *trustee.Result) {
	m := &ballot.Manifest{
		ElectionID: "record-vectors",
		Title:      "Record test vectors",
		Policy:     ballot.LastBallotCounts,
		// A public tie-break seed, fixed before voting.
		TieBreakSeed: ballot.TieBreakSeed("record vectors tie-break draw"),
		Contests: []ballot.Contest{
			{ID: "board", Title: "Board", Kind: ballot.UpTo, Limit: 2, Seats: 2, Alternates: 1, Candidates: []ballot.Candidate{{Code: 1, Name: "Ana"}, {Code: 2, Name: "Bahram"}, {Code: 3, Name: "Chenoa"}, {Code: 4, Name: "Dariush"}}},
			{ID: "bylaws", Title: "Adopt the new bylaws?", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "yes"}, {Code: 2, Name: "no"}}},
		},
	}
	keys := &trustee.Result{PublicKey: group.NewElement(), Threshold: 2}
	for j := 1; j <= 3; j++ {
		vk := group.NewElement().ScalarBaseMult(vectorScalar("trustee " + string(rune('0'+j))))
		keys.VerificationKeys = append(keys.VerificationKeys, vk)
		keys.PublicKey.Add(keys.PublicKey, vk)
	}
	pk, err := elgamal.NewPublicKey(keys.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var devices []ballot.RegisteredDevice
	for _, id := range []string{"station-b", "station-a"} {
		k := ed25519.NewKeyFromSeed(vectorSeed("device " + id))
		devices = append(devices, ballot.RegisteredDevice{ID: id, PublicKey: k.Public().(ed25519.PublicKey)})
	}
	var pubs []ed25519.PublicKey
	for _, label := range []string{"credential 1", "credential 2", "credential 3"} {
		c, err := ballot.NewCredential(vectorSeed(label))
		if err != nil {
			t.Fatal(err)
		}
		pubs = append(pubs, c.PublicKey())
	}
	list, err := ballot.NewCredentialList(pubs)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: keys.VerificationKeys, Threshold: keys.Threshold, Devices: devices, Credentials: list})
	if err != nil {
		t.Fatal(err)
	}
	return e, keys
}

// TestParameterVectors writes the parameter files of the fixed election
// with a Writer and compares them byte for byte with testdata/parameters
// (rewritten by -update). It then reads them back.
func TestParameterVectors(t *testing.T) {
	e, _ := vectorElection(t)
	dir := filepath.Join(t.TempDir(), "rec")
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Hand-made keys, no ceremony: the parameter files alone, without
	// WriteElection's checks against a recorded ceremony.
	if err := w.writeParameters(e); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("testdata", "parameters")
	files := []string{fileElection, fileDevices, fileCredentials, fileIndex}
	for _, name := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			os.MkdirAll(want, 0o755)
			if err := os.WriteFile(filepath.Join(want, name), got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		exp, err := os.ReadFile(filepath.Join(want, name))
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, exp) {
			t.Errorf("%s differs from testdata:\n%s\nwant:\n%s", name, got, exp)
		}
	}
	// The files decode to the same election.
	r, err := Open(want)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	if e2.BaseHash() != e.BaseHash() {
		t.Errorf("base hash %x, want %x", e2.BaseHash(), e.BaseHash())
	}
	// WriteElection's refusals of keys that are not the election's are in
	// TestWriteElectionRefusesOtherKeys.
}

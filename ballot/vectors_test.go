package ballot

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

var update = flag.Bool("update", false, "rewrite the known-answer vectors in testdata/")

const (
	vectorsFile = "testdata/ballot-vectors.json"
	// strictVectorsFile holds the same vectors for the manifest whose
	// exactly contest is strict (strictManifest): its contest proof is a
	// 0..0 range proof on S − k·G.
	strictVectorsFile = "testdata/strict-vectors.json"
	// listVectorsFile holds the vectors for the manifest with two list
	// contests (listVectorsManifest): an open, strict one and a
	// panachage one that allows ballots of candidates only.
	listVectorsFile = "testdata/list-vectors.json"
)

// listVectorsManifest is the test manifest with two list contests of three
// lists of three candidates, two preferences: "council" (open, strict,
// D'Hondt, 5% threshold) and "region" (panachage, candidates only
// allowed, Sainte-Laguë).
func listVectorsManifest() *Manifest {
	m := testManifest()
	open := listManifest(OpenList, false, true).Contests[0]
	pan := listManifest(Panachage, true, false).Contests[0]
	pan.ID, pan.Title, pan.Method, pan.Threshold = "region", "Regional assembly", SainteLague, 0
	m.Contests = append(m.Contests, open, pan)
	return m
}

// vectorVotes returns the votes of the credential ballot and of the device
// ballot of the vectors of manifest m.
func vectorVotes(m *Manifest) (cred, dev Vote) {
	cred = testVote()
	dev = Vote{"board": {102: 1, 115: 1}, "budget": {2: 1}, "projects": {11: 1}}
	if m.Contests[1].Strict {
		dev["inspectors"] = map[uint32]uint64{1: 1, 4: 1}
	}
	if len(m.Contests) > 4 {
		cred["council"] = map[uint32]uint64{2: 1, 21: 1, 23: 1}
		cred["region"] = map[uint32]uint64{3: 1, 11: 1}
		dev["council"] = map[uint32]uint64{1: 1}
		dev["region"] = map[uint32]uint64{22: 1, 33: 1}
	}
	return cred, dev
}

type vectorBallot struct {
	Vote      Vote             `json:"vote"`
	NonceSeed string           `json:"nonceSeed"`
	Encoding  string           `json:"encoding"`
	Code      ConfirmationCode `json:"code"`
	ShortCode string           `json:"shortCode"`
	JSON      json.RawMessage  `json:"json"`
}

type vectors struct {
	Comment            string             `json:"comment"`
	Manifest           *Manifest          `json:"manifest"`
	ManifestEncoding   string             `json:"manifestEncoding"`
	ManifestHash       string             `json:"manifestHash"`
	Generator          string             `json:"generator"`
	PublicKey          string             `json:"publicKey"`
	Trustees           []string           `json:"trustees"`
	Threshold          int                `json:"threshold"`
	Devices            []RegisteredDevice `json:"devices"`
	Credentials        *CredentialList    `json:"credentials"`
	CredentialListHash string             `json:"credentialListHash"`
	BaseHash           string             `json:"baseHash"`
	DeviceOpening      *DeviceOpening     `json:"deviceOpening"`
	CredentialBallot   vectorBallot       `json:"credentialBallot"`
	DeviceBallot       vectorBallot       `json:"deviceBallot"`
}

// makeVectors builds the known-answer vectors from the fixed fixture: a
// cast ballot signed by credential 0, and a device opening followed by the
// device's first ballot, challenged.
func makeVectors(t *testing.T, m *Manifest) *vectors {
	f := newFixture(t, m)
	e := f.e
	v := &vectors{
		Comment:          "sandogh-v1 ballot known-answer vectors: docs/spec.md §Ballots. Every key and seed derives from SHA-256(\"sandogh-v1 ballot test \" ‖ label), see ballot/helpers_test.go.",
		Manifest:         e.Manifest(),
		ManifestEncoding: hex.EncodeToString(e.manifest.Encode()),
		Generator:        "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
		PublicKey:        hex.EncodeToString(e.pk.Bytes()),
		Threshold:        e.Threshold(),
		Devices:          e.Devices(),
		Credentials:      e.Credentials(),
	}
	mh := e.ManifestHash()
	v.ManifestHash = hex.EncodeToString(mh[:])
	for _, tr := range e.verificationKeys {
		v.Trustees = append(v.Trustees, hex.EncodeToString(tr.Bytes()))
	}
	ch := e.credentials.Hash()
	v.CredentialListHash = hex.EncodeToString(ch[:])
	bh := e.BaseHash()
	v.BaseHash = hex.EncodeToString(bh[:])

	vb := func(b *Ballot, vote Vote, seed []byte) vectorBallot {
		j, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		return vectorBallot{Vote: vote, NonceSeed: hex.EncodeToString(seed), Encoding: hex.EncodeToString(b.Bytes()), Code: b.ConfirmationCode(), ShortCode: b.ConfirmationCode().Short(), JSON: j}
	}
	cv, dv := vectorVotes(m)
	seed := seedOf("kat credential ballot")
	pb, err := EncryptBallot(e, Header{BallotID: "remote-0001", Credential: f.credentials[0].PublicKey()}, cv, seed)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pb.Cast(f.credentials[0].PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	v.CredentialBallot = vb(b, cv, seed)

	_, o, err := OpenDevice(e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	v.DeviceOpening = o
	seed = seedOf("kat device ballot")
	pb, err = EncryptBallot(e, Header{BallotID: "station-1/1", Device: "station-1", Sequence: 1, Previous: o.ConfirmationCode()}, dv, seed)
	if err != nil {
		t.Fatal(err)
	}
	b, err = pb.Challenge(f.deviceKeys["station-1"])
	if err != nil {
		t.Fatal(err)
	}
	v.DeviceBallot = vb(b, dv, seed)
	return v
}

func TestVectors(t *testing.T) {
	for _, c := range []struct {
		file string
		m    *Manifest
	}{{vectorsFile, testManifest()}, {strictVectorsFile, strictManifest()}, {listVectorsFile, listVectorsManifest()}} {
		got, err := json.MarshalIndent(makeVectors(t, c.m), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		if *update {
			if err := os.MkdirAll(filepath.Dir(c.file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(c.file, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatalf("%v (run go test -run TestVectors -update to create it)", err)
		}
		if string(got) != string(want) {
			t.Fatalf("regenerated vectors differ from %s (run with -update if the change is intended)", c.file)
		}
	}
}

// TestVectorsVerify reads the vectors as an independent verifier would:
// it rebuilds the election from the published parameters, decodes the
// ballots from their encodings and checks them.
func TestVectorsVerify(t *testing.T) {
	for _, file := range []string{vectorsFile, strictVectorsFile, listVectorsFile} {
		t.Run(filepath.Base(file), func(t *testing.T) { verifyVectors(t, file) })
	}
}

func verifyVectors(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(v.Manifest.Encode()) != v.ManifestEncoding {
		t.Fatal("manifest encoding")
	}
	if mh := v.Manifest.Hash(); hex.EncodeToString(mh[:]) != v.ManifestHash {
		t.Fatal("manifest hash")
	}
	if ch := v.Credentials.Hash(); hex.EncodeToString(ch[:]) != v.CredentialListHash {
		t.Fatal("credential list hash")
	}
	pkBytes, _ := hex.DecodeString(v.PublicKey)
	pk, err := elgamal.ParsePublicKey(pkBytes)
	if err != nil {
		t.Fatal(err)
	}
	var trustees []*group.Element
	for _, h := range v.Trustees {
		b, _ := hex.DecodeString(h)
		tr, err := group.NewElement().SetCanonicalBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		trustees = append(trustees, tr)
	}
	e, err := NewElection(Parameters{Manifest: v.Manifest, PublicKey: pk, VerificationKeys: trustees, Threshold: v.Threshold, Devices: v.Devices, Credentials: v.Credentials})
	if err != nil {
		t.Fatal(err)
	}
	if bh := e.BaseHash(); hex.EncodeToString(bh[:]) != v.BaseHash {
		t.Fatal("base hash")
	}
	if err := v.DeviceOpening.Verify(e); err != nil {
		t.Fatal(err)
	}
	for name, vb := range map[string]vectorBallot{"credential": v.CredentialBallot, "device": v.DeviceBallot} {
		enc, _ := hex.DecodeString(vb.Encoding)
		b, err := ParseBallot(enc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.ConfirmationCode() != vb.Code || b.ConfirmationCode().Short() != vb.ShortCode {
			t.Fatalf("%s: code", name)
		}
		if err := VerifyBallot(e, b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var bj Ballot
		if err := json.Unmarshal(vb.JSON, &bj); err != nil || bj.ConfirmationCode() != vb.Code {
			t.Fatalf("%s: JSON form: %v", name, err)
		}
	}
	enc, _ := hex.DecodeString(v.DeviceBallot.Encoding)
	b, _ := ParseBallot(enc)
	if b.header.Previous != v.DeviceOpening.ConfirmationCode() {
		t.Fatal("the device ballot does not follow the opening")
	}
	vote, err := OpenChallenged(e, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(vote); string(got) != mustJSON(v.DeviceBallot.Vote) {
		t.Fatalf("opened %s", got)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

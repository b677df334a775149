package ballot

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"
)

const stationVectorsFile = "testdata/station-vectors.json"

type stationVectors struct {
	Comment          string             `json:"comment"`
	Manifest         *Manifest          `json:"manifest"`
	ManifestEncoding string             `json:"manifestEncoding"`
	ManifestHash     string             `json:"manifestHash"`
	PublicKey        string             `json:"publicKey"`
	Trustees         []string           `json:"trustees"`
	Threshold        int                `json:"threshold"`
	Devices          []RegisteredDevice `json:"devices"`
	Credentials      *CredentialList    `json:"credentials"`
	BaseHash         string             `json:"baseHash"`
	Opening          *DeviceOpening     `json:"opening"`
	Ballot           json.RawMessage    `json:"ballot"`
	Closing          *DeviceClosing     `json:"closing"`
	Replacement      *DeviceOpening     `json:"replacement"`
	LogStart         ConfirmationCode   `json:"logStart"`
	Incidents        []*Incident        `json:"incidents"`
}

// makeStationVectors builds the known-answer vectors of stations: a
// manifest with stations and officials, a device's opening, one cast
// ballot and its closing co-signed by two officials, the replacement of
// the other device, and two entries of the station's incident log.
func makeStationVectors(t *testing.T) *stationVectors {
	m := stationManifest()
	m.Stations[0].Devices = append(m.Stations[0].Devices, "station-2")
	m.Stations = m.Stations[:1]
	f := newFixture(t, m)
	e := f.e
	v := &stationVectors{
		Comment:          "sandogh-v1 station known-answer vectors: docs/spec.md §Ballots (\"Stations and officials\", \"Closing certificates\", \"Device replacement\", \"Incident logs\"). Keys derive from SHA-256(\"sandogh-v1 ballot test \" ‖ label), officials' from the label \"official <id>\"; see ballot/helpers_test.go and ballot/closing_test.go.",
		Manifest:         e.Manifest(),
		ManifestEncoding: hex.EncodeToString(e.manifest.Encode()),
		PublicKey:        hex.EncodeToString(e.pk.Bytes()),
		Threshold:        e.Threshold(),
		Devices:          e.Devices(),
		Credentials:      e.Credentials(),
	}
	mh, bh := e.ManifestHash(), e.BaseHash()
	v.ManifestHash, v.BaseHash = hex.EncodeToString(mh[:]), hex.EncodeToString(bh[:])
	for _, tr := range e.verificationKeys {
		v.Trustees = append(v.Trustees, hex.EncodeToString(tr.Bytes()))
	}
	_, o, err := OpenDevice(e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	v.Opening = o
	pb, err := EncryptBallot(e, Header{BallotID: "station-1/1", Device: "station-1", Sequence: 1, Previous: o.ConfirmationCode()}, Vote{"budget": {1: 1}}, seedOf("kat station ballot"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := pb.Cast(f.deviceKeys["station-1"])
	if err != nil {
		t.Fatal(err)
	}
	if v.Ballot, err = b.MarshalJSON(); err != nil {
		t.Fatal(err)
	}
	d, err := ResumeDevice(e, "station-1", f.deviceKeys["station-1"], 1, b.ConfirmationCode())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetCounts(ClosingCounts{Cast: 1}); err != nil {
		t.Fatal(err)
	}
	if v.Closing, err = d.Close(closeTime); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"cyrus", "amir"} {
		if err := v.Closing.Cosign(e, id, officialKey(id)); err != nil {
			t.Fatal(err)
		}
	}
	log, err := OpenIncidentLog(e, "school-12")
	if err != nil {
		t.Fatal(err)
	}
	v.LogStart = IncidentLogStart(e, "school-12")
	for _, r := range []struct {
		r   IncidentReport
		who string
	}{
		{IncidentReport{Kind: NetworkOutage, At: testTime.Add(90 * 60e9), Text: "قطع شبکه از ساعت ۹:۳۰ تا ۱۰:۱۵"}, "bahar"},
		{IncidentReport{Kind: DeviceReplaced, At: testTime.Add(2 * 3600e9), Device: "station-2", Replacement: "station-1", Text: "the screen of station-2 broke"}, "amir"},
	} {
		i, err := log.Record(r.r, r.who, officialKey(r.who))
		if err != nil {
			t.Fatal(err)
		}
		v.Incidents = append(v.Incidents, i)
	}
	// station-1 replaces station-2, which emitted no ballot (its chain
	// ends at its opening).
	_, o2, err := OpenDevice(e, "station-2", f.deviceKeys["station-2"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	_, v.Replacement, err = ReplaceDevice(e, "station-1", f.deviceKeys["station-1"], testTime.Add(2*3600e9), Replacement{Device: "station-2", Tip: o2.ConfirmationCode()})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestStationVectors regenerates testdata/station-vectors.json and
// compares it (-update rewrites it), and checks what it holds through the
// public API.
func TestStationVectors(t *testing.T) {
	got, err := json.MarshalIndent(makeStationVectors(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(stationVectorsFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(stationVectorsFile)
	if err != nil {
		t.Fatalf("%v (run go test -run TestStationVectors -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("regenerated vectors differ from %s (run with -update if the change is intended)", stationVectorsFile)
	}
	var v stationVectors
	if err := json.Unmarshal(want, &v); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, v.Manifest)
	if bh := f.e.BaseHash(); hex.EncodeToString(bh[:]) != v.BaseHash {
		t.Fatal("base hash")
	}
	for _, err := range []error{v.Opening.Verify(f.e), v.Closing.Verify(f.e), v.Replacement.Verify(f.e), v.Incidents[0].Verify(f.e), v.Incidents[1].Verify(f.e)} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

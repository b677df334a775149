package speccheck

import (
	"encoding/hex"
	"encoding/json"
	"testing"
)

// TestStationVectors checks ballot/testdata/station-vectors.json from the
// spec alone: the manifest's stations' block and the base hash, a device's
// opening and its closing co-signed by two officials (spec.md, Ballots,
// "Closing certificates"), a replacement's opening ("Device
// replacement") and two chained entries of the station's incident log
// ("Incident logs").
func TestStationVectors(t *testing.T) {
	var v struct {
		Manifest         manifestJSON    `json:"manifest"`
		ManifestEncoding string          `json:"manifestEncoding"`
		ManifestHash     string          `json:"manifestHash"`
		PublicKey        string          `json:"publicKey"`
		Trustees         []string        `json:"trustees"`
		Threshold        uint32          `json:"threshold"`
		Devices          []deviceJSON    `json:"devices"`
		Credentials      []string        `json:"credentials"`
		BaseHash         string          `json:"baseHash"`
		Opening          deviceOpening   `json:"opening"`
		Ballot           json.RawMessage `json:"ballot"`
		Closing          deviceClosing   `json:"closing"`
		Replacement      deviceOpening   `json:"replacement"`
		LogStart         string          `json:"logStart"`
		Incidents        []incidentEntry `json:"incidents"`
	}
	readJSON(t, "../../ballot/testdata/station-vectors.json", &v)
	menc, err := v.Manifest.encode()
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(menc) != v.ManifestEncoding || hex.EncodeToString(h256(menc)) != v.ManifestHash {
		t.Fatalf("manifest encoding or hash differs:\n got %x", menc)
	}
	e, err := newElectionParams(v.Manifest, v.PublicKey, v.Trustees, v.Threshold, v.Devices, v.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(e.baseHash) != v.BaseHash {
		t.Fatal("base hash differs")
	}
	st := &ruleState{e: e, tips: map[string]*tip{}, logs: map[string]*logTip{}}
	code, err := v.Opening.verify(e)
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseBallotJSON(v.Ballot)
	if err != nil {
		t.Fatal(err)
	}
	if *b.j.Previous != hex.EncodeToString(code) || b.verifySignature(e) != nil {
		t.Fatal("the ballot does not continue the opening, or its signature fails")
	}
	st.tips["station-1"] = &tip{seq: 1, code: b.code, cast: 1}
	if len(*v.Closing.Cosignatures) != 2 {
		t.Fatal("want two co-signatures")
	}
	if got := st.closing(&v.Closing); got.outcome != "accepted" {
		t.Fatalf("closing: %s: %s", got, got.why)
	}
	// One co-signature short of the station's two.
	short := v.Closing
	one := (*v.Closing.Cosignatures)[:1]
	short.Cosignatures = &one
	if got := st.closing(&short); got.step != "signature" {
		t.Fatalf("a closing with one co-signature: %s", got)
	}
	// The replacement: station-1 replaces station-2 at its opening.
	if _, err := v.Replacement.verify(e); err != nil {
		t.Fatal(err)
	}
	if v.Replacement.Replaces == nil || v.Replacement.Replaces.Device != "station-2" || v.Replacement.Replaces.Sequence != 0 {
		t.Fatal("the replacement does not name station-2's opening")
	}
	if hex.EncodeToString(logStart(e, "school-12")) != v.LogStart {
		t.Fatal("log start differs")
	}
	for k := range v.Incidents {
		if got := st.incident(&v.Incidents[k]); got.outcome != "accepted" {
			t.Fatalf("incident %d: %s: %s", k+1, got, got.why)
		}
	}
	if v.Incidents[0].Previous != v.LogStart || v.Incidents[1].Previous != v.Incidents[0].Code {
		t.Fatal("the entries are not chained")
	}
}

package ballot

import (
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
)

// replacementManifest has station school-12 with devices station-1 and
// station-2 (station-2 is the spare) and two officials.
func replacementManifest() *Manifest {
	m := testManifest()
	m.Stations = []Station{{ID: "school-12", Devices: []string{"station-1", "station-2"}}}
	for _, id := range []string{"amir", "bahar"} {
		m.Stations[0].Officials = append(m.Stations[0].Officials, Official{ID: id, PublicKey: officialKey(id).Public().(ed25519.PublicKey)})
	}
	return m
}

// TestBoxIncidents: a station's log is accepted in order, repeats are
// answered, and gaps, forks, reordered and forged entries are rejected.
func TestBoxIncidents(t *testing.T) {
	f := newFixture(t, replacementManifest())
	x, path := openTestBox(t, f)
	log, err := OpenIncidentLog(f.e, "school-12")
	if err != nil {
		t.Fatal(err)
	}
	var entries []*Incident
	for i, r := range []IncidentReport{
		{Kind: NetworkOutage, At: testTime, Text: "fibre cut from 10:00 to 12:30"},
		{Kind: AdmittedWithoutIdentifier, At: testTime, Text: "رأی‌دهنده بدون کارت ملی با تصمیم هیئت پذیرفته شد"},
		{Kind: VoterComplaint, At: testTime, Device: "station-1", Text: "the screen froze"},
	} {
		official := []string{"amir", "bahar", "amir"}[i]
		e, err := log.Record(r, official, officialKey(official))
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	// Out of order: entry 2 before entry 1 is a gap.
	wantRefusal(t, x.AcceptIncident(entries[1]), StepChainGap, -1, -1)
	for _, e := range entries[:2] {
		if err := x.AcceptIncident(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.AcceptIncident(entries[0]); err != nil {
		t.Fatalf("a repeated entry: %v", err)
	}
	// A fork: another entry 3.
	fork := *entries[2]
	fork.Text = "something else"
	fork.Signature = ed25519.Sign(officialKey("amir"), incidentMessage(fork.Code()))
	// Forged: the entry signed by the other official's key.
	forged := *entries[2]
	forged.Signature = ed25519.Sign(officialKey("bahar"), incidentMessage(forged.Code()))
	wantRefusal(t, x.AcceptIncident(&forged), StepSignature, -1, -1)
	// An entry that does not name the previous entry's code.
	broken := *entries[2]
	broken.Previous = entries[0].Code()
	broken.Signature = ed25519.Sign(officialKey("amir"), incidentMessage(broken.Code()))
	wantRefusal(t, x.AcceptIncident(&broken), StepChainFork, -1, -1)
	if err := x.AcceptIncident(&fork); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, x.AcceptIncident(entries[2]), StepChainFork, -1, -1)
	if seq, code, ok := x.IncidentTip("school-12"); !ok || seq != 3 || code != fork.Code() {
		t.Fatalf("IncidentTip = %d %s", seq, code)
	}
	x.Close()
	x, err = OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if seq, _, _ := x.IncidentTip("school-12"); seq != 3 {
		t.Fatalf("after reopening, the log is at %d", seq)
	}
	if err := x.AcceptIncident(entries[1]); err != nil {
		t.Fatalf("a repeated entry after reopening: %v", err)
	}
}

// TestIncidentRefusals: malformed entries are refused when recorded and
// when decoded.
func TestIncidentRefusals(t *testing.T) {
	f := newFixture(t, replacementManifest())
	log, _ := OpenIncidentLog(f.e, "school-12")
	for _, tc := range []struct {
		r    IncidentReport
		who  string
		want string
	}{
		{IncidentReport{Kind: "alien-landing", At: testTime}, "amir", "unknown kind"},
		{IncidentReport{Kind: DeviceReplaced, At: testTime, Device: "station-1"}, "amir", "names two different devices"},
		{IncidentReport{Kind: OtherIncident, At: testTime, Replacement: "station-2"}, "amir", "only a device-replaced incident"},
		{IncidentReport{Kind: OtherIncident, At: testTime, Text: "a\nb"}, "amir", "incident: text"},
		{IncidentReport{Kind: OtherIncident, At: testTime, Text: "x\u202eevil"}, "amir", "incident: text"},
		{IncidentReport{Kind: OtherIncident, At: testTime, Text: strings.Repeat("x", MaxIncidentText+1)}, "amir", "more than the maximum"},
		{IncidentReport{Kind: OtherIncident, At: testTime, Device: "station-9"}, "amir", "not a device of station"},
	} {
		_, err := log.Record(tc.r, tc.who, officialKey(tc.who))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.r.Kind, err, tc.want)
		}
	}
	if _, err := log.Record(IncidentReport{Kind: OtherIncident, At: testTime}, "amir", officialKey("bahar")); err == nil {
		t.Error("an official recorded with another's key")
	}
	if _, err := OpenIncidentLog(f.e, "school-99"); err == nil {
		t.Error("a log of a station that is not in the manifest")
	}
	if seq, _ := log.Tip(); seq != 0 {
		t.Fatalf("refused reports moved the log to %d", seq)
	}
	ok, err := log.Record(IncidentReport{Kind: SuspectedViolation, At: testTime, Text: "campaigning at the door"}, "bahar", officialKey("bahar"))
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.Marshal(ok)
	var back Incident
	if err := json.Unmarshal(j, &back); err != nil || back.Code() != ok.Code() {
		t.Fatalf("round trip: %v", err)
	}
	bad := strings.Replace(string(j), `"campaigning`, `"Campaigning`, 1)
	if err := json.Unmarshal([]byte(bad), &back); err == nil || !strings.Contains(err.Error(), "field code") {
		t.Fatalf("an entry whose code does not match: %v", err)
	}
}

// TestBoxDeviceReplacement: a device replaced mid-day; its chain ends
// where the replacement's opening says, and it gets no more ballots.
func TestBoxDeviceReplacement(t *testing.T) {
	f := newFixture(t, replacementManifest())
	x, path := openTestBox(t, f)
	old := f.openDevice(t, x, "station-1")
	b1 := castOn(t, old, Vote{"budget": {1: 1}})
	b2 := castOn(t, old, Vote{"budget": {2: 1}})
	accept(t, x, b1)
	key := f.deviceKeys["station-2"]
	// A replacement that names a ballot the box has not received yet.
	_, early, err := ReplaceDevice(f.e, "station-2", key, closeTime, Replacement{Device: "station-1", Sequence: 2, Tip: b2.ConfirmationCode()})
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, x.AcceptOpening(early), StepChainGap, -1, -1)
	// One that names an earlier place: the chain is already past it.
	accept(t, x, b2)
	_, behind, _ := ReplaceDevice(f.e, "station-2", key, closeTime, Replacement{Device: "station-1", Sequence: 1, Tip: b1.ConfirmationCode()})
	wantRefusal(t, x.AcceptOpening(behind), StepChainFork, -1, -1)
	// Not a device of the station, or itself.
	if _, _, err := ReplaceDevice(f.e, "station-2", key, closeTime, Replacement{Device: "station-2"}); err == nil {
		t.Error("a device replaced itself")
	}
	seq, tip, _ := x.Tip("station-1")
	d, o, err := ReplaceDevice(f.e, "station-2", key, closeTime, Replacement{Device: "station-1", Sequence: seq, Tip: tip})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.AcceptOpening(o); err != nil {
		t.Fatal(err)
	}
	if err := x.AcceptOpening(o); err != nil {
		t.Fatalf("a repeated replacement: %v", err)
	}
	accept(t, x, castOn(t, d, Vote{"budget": {1: 1}}))
	// The old device (its key stolen, or it came back to life) gets no
	// more ballots, and cannot close either.
	_, err = x.Accept(castOn(t, old, Vote{"budget": {1: 1}}).Bytes())
	wantRefusal(t, err, StepClosed, -1, -1)
	wantRecorded(t, err, false)
	c := f.signClosing(&DeviceClosing{BaseHash: f.e.BaseHash(), Device: "station-1", Sequence: 2, Tip: b2.ConfirmationCode(), Counts: ClosingCounts{Cast: 2}})
	wantRefusal(t, x.AcceptClosing(c), StepDuplicate, -1, -1)
	// The opening's JSON names the replaced device and its tip.
	j, _ := json.Marshal(o)
	if !strings.Contains(string(j), `"replaces":{"device":"station-1","sequence":2,"tip":"`+b2.ConfirmationCode().String()+`"}`) {
		t.Fatalf("opening JSON %s", j)
	}
	var back DeviceOpening
	if err := json.Unmarshal(j, &back); err != nil || back.ConfirmationCode() != o.ConfirmationCode() || back.Replaces == nil {
		t.Fatalf("round trip: %v", err)
	}
	x.Close()
	x, err = OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	_, err = x.Accept(castOn(t, old, Vote{"budget": {2: 1}}).Bytes())
	wantRefusal(t, err, StepClosed, -1, -1)
}

// FuzzIncidentJSON: the incident decoder never panics, and what it
// accepts round-trips.
func FuzzIncidentJSON(f *testing.F) {
	fx := newFixture(f, replacementManifest())
	log, _ := OpenIncidentLog(fx.e, "school-12")
	i, _ := log.Record(IncidentReport{Kind: DeviceReplaced, At: testTime, Device: "station-1", Replacement: "station-2", Text: "screen broken"}, "amir", officialKey("amir"))
	j, _ := json.Marshal(i)
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		var i Incident
		if err := json.Unmarshal(data, &i); err != nil {
			return
		}
		j, _ := json.Marshal(&i)
		var i2 Incident
		if err := json.Unmarshal(j, &i2); err != nil || i2.Code() != i.Code() {
			t.Fatalf("round trip: %v", err)
		}
		i.Verify(fx.e)
	})
}

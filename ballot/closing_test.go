package ballot

import (
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// stationManifest is testManifest with station-1 in a station of three
// officials, two of whom must co-sign its closing.
func stationManifest() *Manifest {
	m := testManifest()
	m.Stations = []Station{{ID: "school-12", Devices: []string{"station-1"}, ClosingCosignatures: 2}, {ID: "mosque-3", Devices: []string{"station-2"}}}
	for _, id := range []string{"amir", "bahar", "cyrus"} {
		m.Stations[0].Officials = append(m.Stations[0].Officials, Official{ID: id, PublicKey: officialKey(id).Public().(ed25519.PublicKey)})
	}
	m.Stations[1].Officials = []Official{{ID: "dina", PublicKey: officialKey("dina").Public().(ed25519.PublicKey)}}
	return m
}

func officialKey(id string) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(seedOf("official " + id))
}

var closeTime = testTime.Add(10 * time.Hour)

// signClosing returns c signed by device id of f (for forged closings).
func (f *fixture) signClosing(c *DeviceClosing) *DeviceClosing {
	c.Signature = ed25519.Sign(f.deviceKeys[c.Device], closingMessage(c.Code()))
	return c
}

// TestBoxClosing: a device casts, challenges and closes; the box accepts
// the closing once, answers a repeat, and rejects every later ballot of
// the device, before and after it is reopened.
func TestBoxClosing(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	d := f.openDevice(t, x, "station-2")
	accept(t, x, castOn(t, d, Vote{"budget": {1: 1}}))
	pb, err := d.EncryptBallot(Vote{"budget": {2: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := d.Challenge(pb)
	if err != nil {
		t.Fatal(err)
	}
	accept(t, x, ch)
	last := castOn(t, d, Vote{"budget": {1: 1}})
	// A closing before the last ballot arrived: ballots are still to come.
	c, err := d.Close(closeTime)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sequence != 3 || c.Tip != last.ConfirmationCode() || c.Counts != (ClosingCounts{Cast: 2, Challenged: 1}) {
		t.Fatalf("closing %+v", c)
	}
	err = x.AcceptClosing(c)
	wantRefusal(t, err, StepChainGap, -1, -1)
	wantRecorded(t, err, false)
	accept(t, x, last)
	if err := x.AcceptClosing(c); err != nil {
		t.Fatal(err)
	}
	if err := x.AcceptClosing(c); err != nil {
		t.Fatalf("a repeated closing: %v", err)
	}
	if _, err := d.EncryptBallot(Vote{}); err == nil {
		t.Fatal("a closed device encrypted a ballot")
	}
	// A ballot of the device after its closing (signed with its key by
	// another device object that resumes the chain) is rejected.
	d2, err := ResumeDevice(f.e, "station-2", f.deviceKeys["station-2"], 3, last.ConfirmationCode())
	if err != nil {
		t.Fatal(err)
	}
	after := castOn(t, d2, Vote{"budget": {1: 1}})
	_, err = x.Accept(after.Bytes())
	wantRefusal(t, err, StepClosed, -1, -1)
	wantRecorded(t, err, false)
	// A repeat of a ballot written before the closing is still answered.
	accept(t, x, last)
	// Another closing of a closed device is rejected.
	c2 := *c
	c2.ClosedAt++
	wantRefusal(t, x.AcceptClosing(f.signClosing(&c2)), StepDuplicate, -1, -1)
	x.Close()
	x, err = OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	_, err = x.Accept(after.Bytes())
	wantRefusal(t, err, StepClosed, -1, -1)
	if err := x.AcceptClosing(c); err != nil {
		t.Fatalf("a repeated closing after reopening: %v", err)
	}
}

// TestBoxClosingMismatch: closings that do not match the chain the box
// holds are rejected, with the step that says why.
func TestBoxClosingMismatch(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	c0 := &DeviceClosing{BaseHash: f.e.BaseHash(), Device: "station-2", ClosedAt: closeTime.Unix()}
	wantRefusal(t, x.AcceptClosing(f.signClosing(c0)), StepChainGap, -1, -1) // not opened
	d := f.openDevice(t, x, "station-2")
	b1 := castOn(t, d, Vote{"budget": {1: 1}})
	b2 := castOn(t, d, Vote{"budget": {2: 1}})
	accept(t, x, b1)
	accept(t, x, b2)
	good := DeviceClosing{BaseHash: f.e.BaseHash(), Device: "station-2", Sequence: 2, Tip: b2.ConfirmationCode(), Counts: ClosingCounts{Cast: 2}, ClosedAt: closeTime.Unix()}
	for _, tc := range []struct {
		name string
		edit func(c *DeviceClosing)
		step Step
	}{
		{"wrong counts", func(c *DeviceClosing) { c.Counts = ClosingCounts{Cast: 1, Challenged: 1} }, StepClosingCounts},
		{"counts that do not sum", func(c *DeviceClosing) { c.Counts = ClosingCounts{Cast: 3} }, StepDecoding},
		{"overflowing counts", func(c *DeviceClosing) { c.Counts = ClosingCounts{Cast: 1 << 63, Challenged: 1 << 63, Refused: 2} }, StepDecoding},
		{"an earlier place", func(c *DeviceClosing) { c.Sequence, c.Tip, c.Counts = 1, b1.ConfirmationCode(), ClosingCounts{Cast: 1} }, StepChainFork},
		{"another tip", func(c *DeviceClosing) { c.Tip = b1.ConfirmationCode() }, StepChainFork},
		{"a later place", func(c *DeviceClosing) { c.Sequence, c.Counts = 3, ClosingCounts{Cast: 3} }, StepChainGap},
		{"another election", func(c *DeviceClosing) { c.BaseHash[0] ^= 1 }, StepElection},
		{"an unregistered device", func(c *DeviceClosing) { c.Device = "station-9" }, StepEligibility},
	} {
		c := good
		tc.edit(&c)
		if c.Device == "station-9" {
			c.Signature = ed25519.Sign(f.deviceKeys["station-2"], closingMessage(c.Code()))
		} else {
			f.signClosing(&c)
		}
		err := x.AcceptClosing(&c)
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		wantRefusal(t, err, tc.step, -1, -1)
	}
	// The device's signature, and another device's.
	c := good
	f.signClosing(&c)
	c.Signature[0] ^= 1
	wantRefusal(t, x.AcceptClosing(&c), StepSignature, -1, -1)
	c = good
	c.Signature = ed25519.Sign(f.deviceKeys["station-1"], closingMessage(c.Code()))
	wantRefusal(t, x.AcceptClosing(&c), StepSignature, -1, -1)
	c = good
	if err := x.AcceptClosing(f.signClosing(&c)); err != nil {
		t.Fatal(err)
	}
}

// TestClosingRefusedCounts: a ballot refused at step 9 takes its place in
// the chain and is counted as refused; a device resumed with its counts
// closes with them.
func TestClosingRefusedCounts(t *testing.T) {
	f := newFixture(t, testManifest())
	x, _ := openTestBox(t, f)
	_, o, _ := OpenDevice(f.e, "station-2", f.deviceKeys["station-2"], testTime)
	if err := x.AcceptOpening(o); err != nil {
		t.Fatal(err)
	}
	key := f.deviceKeys["station-2"]
	d0, _ := ResumeDevice(f.e, "station-2", key, 0, o.ConfirmationCode())
	first := castOn(t, d0, Vote{"budget": {1: 1}})
	accept(t, x, first)
	// Ballot 2 replays ballot 1's ciphertexts: refused at step 9, in its
	// place in the chain.
	replay := resign(t, f.e, first, Header{BallotID: "station-2/2", Device: "station-2", Sequence: 2, Previous: first.ConfirmationCode()}, key)
	_, err := x.Accept(replay.Bytes())
	wantRefusal(t, err, StepDuplicate, 0, 0)
	wantRecorded(t, err, true)
	prev := replay.ConfirmationCode()
	if c, ok := x.Counts("station-2"); !ok || c != (ClosingCounts{Cast: 1, Refused: 1}) {
		t.Fatalf("Box.Counts = %+v, %v", c, ok)
	}
	d, err := ResumeDevice(f.e, "station-2", key, 2, prev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Close(closeTime); err == nil {
		t.Fatal("a device resumed without its counts closed")
	}
	if err := d.SetCounts(ClosingCounts{Cast: 1}); err == nil {
		t.Fatal("SetCounts accepted counts that do not sum to the sequence")
	}
	if err := d.SetCounts(ClosingCounts{Cast: 2}); err != nil {
		t.Fatal(err)
	}
	c, _ := d.Close(closeTime)
	wantRefusal(t, x.AcceptClosing(c), StepClosingCounts, -1, -1)
	d, _ = ResumeDevice(f.e, "station-2", key, 2, prev)
	if err := d.SetCounts(ClosingCounts{Cast: 1, Refused: 1}); err != nil {
		t.Fatal(err)
	}
	c, _ = d.Close(closeTime)
	if err := x.AcceptClosing(c); err != nil {
		t.Fatal(err)
	}
}

// TestDeviceRecordRefusal: the device counts a ballot the box refused as
// refused, once, and a fork not at all.
func TestDeviceRecordRefusal(t *testing.T) {
	f := newFixture(t, testManifest())
	d := f.openDevice(t, nil, "station-1")
	b := castOn(t, d, Vote{"budget": {1: 1}})
	castOn(t, d, Vote{"budget": {1: 1}})
	if _, err := d.EncryptBallot(Vote{}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Counts(); err == nil || !strings.Contains(err.Error(), "neither cast nor challenged") {
		t.Fatalf("Counts with an undecided ballot: %v", err)
	}
	d = f.openDevice(t, nil, "station-1")
	b = castOn(t, d, Vote{"budget": {1: 1}})
	castOn(t, d, Vote{"budget": {1: 1}})
	if err := d.RecordRefusal(b, &Refusal{Step: StepProof}); err == nil {
		t.Fatal("a refusal the box did not write was recorded")
	}
	for range 2 {
		if err := d.RecordRefusal(b, &Refusal{Step: StepProof, Recorded: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.RecordRefusal(b, &Refusal{Step: StepChainFork, Recorded: true}); err != nil {
		t.Fatal(err)
	}
	if c, err := d.Counts(); err != nil || c != (ClosingCounts{Cast: 1, Refused: 1}) {
		t.Fatalf("Counts = %+v, %v", c, err)
	}
}

// TestClosingCosignatures: the station requires two co-signatures of its
// own officials; fewer, a forged one, an official of another station and
// co-signatures out of order are rejected.
func TestClosingCosignatures(t *testing.T) {
	f := newFixture(t, stationManifest())
	x, _ := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	accept(t, x, castOn(t, d, Vote{"budget": {1: 1}}))
	c, err := d.Close(closeTime)
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, x.AcceptClosing(c), StepSignature, -1, -1) // no co-signature
	if err := c.Cosign(f.e, "cyrus", officialKey("cyrus")); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, x.AcceptClosing(c), StepSignature, -1, -1) // one of two
	if err := c.Cosign(f.e, "cyrus", officialKey("cyrus")); err == nil {
		t.Fatal("an official co-signed twice")
	}
	if err := c.Cosign(f.e, "dina", officialKey("dina")); err == nil {
		t.Fatal("an official of another station co-signed")
	}
	if err := c.Cosign(f.e, "amir", officialKey("bahar")); err == nil {
		t.Fatal("an official co-signed with another's key")
	}
	// A forged co-signature: amir's, made with bahar's key.
	forged := *c
	forged.Cosignatures = append([]Cosignature{{Official: "amir", Signature: ed25519.Sign(officialKey("bahar"), cosignatureMessage("amir", c.Code()))}}, c.Cosignatures...)
	wantRefusal(t, x.AcceptClosing(&forged), StepSignature, -1, -1)
	// dina's valid signature, but she is not of this station.
	other := *c
	other.Cosignatures = append(append([]Cosignature(nil), c.Cosignatures...), Cosignature{Official: "dina", Signature: ed25519.Sign(officialKey("dina"), cosignatureMessage("dina", c.Code()))})
	wantRefusal(t, x.AcceptClosing(&other), StepEligibility, -1, -1)
	if err := c.Cosign(f.e, "amir", officialKey("amir")); err != nil {
		t.Fatal(err)
	}
	if c.Cosignatures[0].Official != "amir" || c.Cosignatures[1].Official != "cyrus" {
		t.Fatalf("co-signatures out of order: %+v", c.Cosignatures)
	}
	swapped := *c
	swapped.Cosignatures = []Cosignature{c.Cosignatures[1], c.Cosignatures[0]}
	wantRefusal(t, x.AcceptClosing(&swapped), StepDecoding, -1, -1)
	// A co-signature over another closing's code.
	moved := *c
	moved.Cosignatures = []Cosignature{c.Cosignatures[0], {Official: "cyrus", Signature: ed25519.Sign(officialKey("cyrus"), cosignatureMessage("cyrus", ConfirmationCode{}))}}
	wantRefusal(t, x.AcceptClosing(&moved), StepSignature, -1, -1)
	if err := x.AcceptClosing(c); err != nil {
		t.Fatal(err)
	}
	// JSON round trip of the accepted closing.
	j, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back DeviceClosing
	if err := json.Unmarshal(j, &back); err != nil || !back.equal(c) {
		t.Fatalf("round trip: %v", err)
	}
	bad := strings.Replace(string(j), `"cast":1`, `"cast":2`, 1)
	if err := json.Unmarshal([]byte(bad), &back); err == nil || !strings.Contains(err.Error(), "field code") {
		t.Fatalf("a closing whose code does not match: %v", err)
	}
}

// TestManifestStations: stations enter the manifest's hash only when
// present, and invalid stations are refused by name.
func TestManifestStations(t *testing.T) {
	plain := testManifest()
	withEmpty := testManifest()
	withEmpty.Stations = []Station{}
	if plain.Hash() != withEmpty.Hash() {
		t.Fatal("an empty list of stations changed the manifest hash")
	}
	if plain.Hash() == stationManifest().Hash() {
		t.Fatal("stations do not enter the manifest hash")
	}
	k := stationManifest()
	k.Stations[0].ClosingCosignatures = 3
	if k.Hash() == stationManifest().Hash() {
		t.Fatal("the required co-signatures do not enter the manifest hash")
	}
	for _, tc := range []struct {
		edit func(m *Manifest)
		want string
	}{
		{func(m *Manifest) { m.Stations[1].ID = "school-12" }, "also the identifier of station 0"},
		{func(m *Manifest) { m.Stations[1].Devices = []string{"station-1"} }, "also a device of station"},
		{func(m *Manifest) { m.Stations[1].Officials[0].ID = "amir" }, "also an official of station"},
		{func(m *Manifest) { m.Stations[1].Officials[0].PublicKey = m.Stations[0].Officials[0].PublicKey }, "also the key of official"},
		{func(m *Manifest) { m.Stations[0].ClosingCosignatures = 4 }, "exceeds its 3 officials"},
		{func(m *Manifest) { m.Stations[0].Officials[0].PublicKey = m.Stations[0].Officials[0].PublicKey[:31] }, "31 bytes"},
	} {
		m := stationManifest()
		tc.edit(m)
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("got %v, want %q", err, tc.want)
		}
	}
	m := stationManifest()
	m.Stations[1].Devices = []string{"station-7"}
	f := newFixture(t, testManifest())
	_, err := NewElection(Parameters{Manifest: m, PublicKey: f.e.PublicKey(), VerificationKeys: f.e.VerificationKeys(), Threshold: 2, Devices: f.e.Devices(), Credentials: f.e.Credentials()})
	if err == nil || !strings.Contains(err.Error(), `device "station-7" is not a registered device`) {
		t.Fatalf("a station of an unregistered device: %v", err)
	}
	j, _ := json.Marshal(stationManifest())
	back, err := ParseManifest(j)
	if err != nil || back.Hash() != stationManifest().Hash() {
		t.Fatalf("manifest with stations: round trip: %v", err)
	}
}

// FuzzDeviceClosingJSON: the closing decoder never panics, and what it
// accepts round-trips.
func FuzzDeviceClosingJSON(f *testing.F) {
	fx := newFixture(f, stationManifest())
	d, _, _ := OpenDevice(fx.e, "station-1", fx.deviceKeys["station-1"], testTime)
	c, _ := d.Close(closeTime)
	c.Cosign(fx.e, "amir", officialKey("amir"))
	j, _ := json.Marshal(c)
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		var c DeviceClosing
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		j, _ := json.Marshal(&c)
		var c2 DeviceClosing
		if err := json.Unmarshal(j, &c2); err != nil || !c2.equal(&c) {
			t.Fatalf("round trip: %v", err)
		}
		c.Verify(fx.e)
	})
}

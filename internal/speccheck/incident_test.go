package speccheck

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// incidentEntry is an entry of a station's incident log (spec.md,
// Ballots, "Incident logs").
type incidentEntry struct {
	BaseHash    string  `json:"baseHash"`
	Station     string  `json:"station"`
	Sequence    uint64  `json:"sequence"`
	Previous    string  `json:"previous"`
	Kind        string  `json:"kind"`
	At          uint64  `json:"at"`
	Device      *string `json:"device,omitempty"`
	Replacement *string `json:"replacement,omitempty"`
	Text        string  `json:"text"`
	Official    string  `json:"official"`
	Signature   string  `json:"signature"`
	Code        string  `json:"code"`
}

// logStart is the code the first entry of station's log names.
func logStart(e *electionParams, station string) []byte {
	return h256(str(append(str(nil, "sandogh-v1/incident-log"), e.baseHash...), station))
}

// judge runs steps I1–I4 of an incident line and returns its code, or the
// verdict that rejects it.
func (i *incidentEntry) judge(e *electionParams) ([]byte, *verdict) {
	rej := func(step, format string, args ...any) ([]byte, *verdict) {
		v := rejected(step, format, args...)
		return nil, &v
	}
	dev, rep := "", ""
	if i.Device != nil {
		dev = *i.Device
	}
	if i.Replacement != nil {
		rep = *i.Replacement
	}
	bh, err1 := strictHex(i.BaseHash)
	prev, err2 := strictHex(i.Previous)
	known := map[string]bool{"device-replaced": true, "network-outage": true, "voter-complaint": true, "suspected-violation": true, "admitted-without-identifier": true, "other": true}
	switch {
	case err1 != nil || err2 != nil || len(bh) != 32 || len(prev) != 32 || i.Sequence == 0 || i.At >= 1<<63 || !known[i.Kind]:
		return rej("decoding", "malformed entry")
	case textRule(i.Station, false) != nil || textRule(i.Official, false) != nil,
		i.Device != nil && textRule(dev, false) != nil, i.Replacement != nil && textRule(rep, false) != nil,
		len(i.Text) > 2000 || !utf8.ValidString(i.Text) || (i.Text != "" && textRule(i.Text, true) != nil):
		return rej("decoding", "text rule")
	case i.Kind == "device-replaced" && (dev == "" || rep == "" || dev == rep), i.Kind != "device-replaced" && rep != "":
		return rej("decoding", "devices of the kind")
	}
	b := str(nil, "sandogh-v1/incident")
	b = append(b, bh...)
	b = str(b, i.Station)
	b = u64(b, i.Sequence)
	b = append(b, prev...)
	b = str(b, i.Kind)
	b = u64(b, i.At)
	b = str(str(str(str(b, dev), rep), i.Official), i.Text)
	code := h256(b)
	if hex.EncodeToString(code) != i.Code {
		return rej("decoding", "code does not match the record")
	}
	if !bytes.Equal(bh, e.baseHash) {
		return rej("election", "base hash")
	}
	var st *stationJSON
	for k := range e.manifest.Stations {
		if e.manifest.Stations[k].ID == i.Station {
			st = &e.manifest.Stations[k]
		}
	}
	if st == nil || e.stations.officialOf[i.Official] != st {
		return rej("eligibility", "station or official")
	}
	for _, d := range []string{dev, rep} {
		if d != "" && e.stations.ofDevice[d] != st {
			return rej("eligibility", "device %q is not of the station", d)
		}
	}
	sig, err := strictHex(i.Signature)
	if err != nil || !ed25519.Verify(e.stations.keyOf[i.Official], append(str(nil, "sandogh-v1/incident-signature"), code...), sig) {
		return rej("signature", "the official's signature does not verify")
	}
	return code, nil
}

// logTip is where a station's log stands.
type logTip struct {
	seq  uint64
	code []byte
}

// incident runs steps I1–I6 and, if the entry is accepted, advances the
// station's log.
func (st *ruleState) incident(i *incidentEntry) verdict {
	code, v := i.judge(st.e)
	if v != nil {
		return *v
	}
	t := st.logs[i.Station]
	if t == nil {
		t = &logTip{code: logStart(st.e, i.Station)}
	}
	switch {
	case i.Sequence > t.seq+1:
		return rejected("chain-gap", "entries %d..%d are missing", t.seq+1, i.Sequence-1)
	case i.Sequence <= t.seq || i.Previous != hex.EncodeToString(t.code):
		return rejected("chain-fork", "not the next entry of the log")
	}
	st.logs[i.Station] = &logTip{i.Sequence, code}
	return accepted()
}

// replacement is the replaces member of a device opening (spec.md,
// Ballots, "Device replacement").
type replacementJSON struct {
	Device   string `json:"device"`
	Sequence uint64 `json:"sequence"`
	Tip      string `json:"tip"`
}

// replaces runs the replacement steps of an opening (O3 for the station,
// O6) against the replaced device's tip.
func (st *ruleState) replaces(o *deviceOpening) *verdict {
	r := o.Replaces
	rej := func(step, format string, args ...any) *verdict {
		v := rejected(step, format, args...)
		return &v
	}
	s := st.e.stations.ofDevice[o.Device]
	if r.Device == o.Device || st.e.deviceKeys[r.Device] == nil || s == nil || st.e.stations.ofDevice[r.Device] != s {
		return rej("eligibility", "the replaced device is not another device of the station")
	}
	old := st.tips[r.Device]
	switch {
	case old == nil:
		return rej("chain-gap", "the replaced device has not opened")
	case old.closed || old.replacedBy != "":
		return rej("duplicate", "the replaced device has ended")
	case r.Sequence > old.seq:
		return rej("chain-gap", "ballots of the replaced device are still to come")
	case r.Sequence < old.seq || r.Tip != hex.EncodeToString(old.code):
		return rej("chain-fork", "not the replaced device's tip")
	}
	return nil
}

// signIncident recomputes an incident map's code and signs it with the
// key of official signer (the sample's officials' keys, see
// resignClosing).
func signIncident(t *testing.T, m map[string]any, signer string) {
	t.Helper()
	raw, _ := json.Marshal(m)
	var i incidentEntry
	if err := json.Unmarshal(raw, &i); err != nil {
		t.Fatal(err)
	}
	dev, rep := "", ""
	if i.Device != nil {
		dev = *i.Device
	}
	if i.Replacement != nil {
		rep = *i.Replacement
	}
	bh, _ := strictHex(i.BaseHash)
	prev, _ := strictHex(i.Previous)
	b := str(nil, "sandogh-v1/incident")
	b = append(b, bh...)
	b = str(b, i.Station)
	b = u64(b, i.Sequence)
	b = append(b, prev...)
	b = str(b, i.Kind)
	b = u64(b, i.At)
	b = str(str(str(str(b, dev), rep), i.Official), i.Text)
	code := h256(b)
	m["code"] = hex.EncodeToString(code)
	seed := sha256.Sum256([]byte("sandogh guild example official key\x00sample record\x00" + signer))
	m["signature"] = hex.EncodeToString(ed25519.Sign(ed25519.NewKeyFromSeed(seed[:]), append(str(nil, "sandogh-v1/incident-signature"), code...)))
}

// TestSampleIncidentsTampered: the sample's incident log, changed and
// signed again, fails check 22 for the right step.
func TestSampleIncidentsTampered(t *testing.T) {
	incidentLine := func(t *testing.T, dir string) int { return lineOf(t, dir, `{"incident":`) }
	// appendSecond appends a second, valid entry to hall-2's log.
	appendSecond := func(t *testing.T, dir string) {
		n := incidentLine(t, dir)
		var first map[string]any
		editLine(t, dir, "ballots.jsonl", n, func(m map[string]any) { first = m["incident"].(map[string]any) })
		second := map[string]any{}
		for k, v := range first {
			second[k] = v
		}
		second["sequence"] = json.Number("2")
		second["previous"] = first["code"]
		second["kind"] = "voter-complaint"
		delete(second, "device")
		second["text"] = "a voter complained about the queue"
		signIncident(t, second, "hall-2/chair")
		line, _ := json.Marshal(map[string]any{"incident": second})
		editFile(t, dir, "ballots.jsonl", func(b []byte) []byte { return append(b, append(line, '\n')...) })
	}
	for _, tc := range []struct {
		name  string
		edit  func(t *testing.T, dir string)
		wants []string
	}{
		{"a second entry (valid)", appendSecond, nil},
		{"signed by another official", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", incidentLine(t, dir), func(m map[string]any) {
				signIncident(t, m["incident"].(map[string]any), "hall-2/secretary")
			})
		}, []string{`check 22: ballots.jsonl line 20: incident 1 of "hall-2": the rule says rejected signature`}},
		{"text changed", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", incidentLine(t, dir), func(m map[string]any) {
				m["incident"].(map[string]any)["text"] = "nothing happened"
			})
		}, []string{`check 22: ballots.jsonl line 20: incident 1 of "hall-2": the rule says rejected decoding`}},
		{"a broken chain", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", incidentLine(t, dir), func(m map[string]any) {
				i := m["incident"].(map[string]any)
				i["previous"] = strings.Repeat("00", 32)
				signIncident(t, i, "hall-2/chair")
			})
		}, []string{`check 22: ballots.jsonl line 20: incident 1 of "hall-2": the rule says rejected chain-fork`}},
		{"reordered entries", func(t *testing.T, dir string) {
			appendSecond(t, dir)
			editFile(t, dir, "ballots.jsonl", func(b []byte) []byte {
				lines := strings.SplitAfter(string(b), "\n")
				n := len(lines) - 1 // the last element is empty
				lines[n-2], lines[n-1] = lines[n-1], lines[n-2]
				return []byte(strings.Join(lines, ""))
			})
		}, []string{`check 22: ballots.jsonl line 20: incident 2 of "hall-2": the rule says rejected chain-gap`}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyRecord(t)
			tc.edit(t, dir)
			findings := checkRecord(dir)
			if tc.wants == nil {
				for _, f := range findings {
					if !strings.HasPrefix(f, "check 15:") { // the index is not rewritten
						t.Errorf("finding %q", f)
					}
				}
			}
			for _, w := range tc.wants {
				if !slices.ContainsFunc(findings, func(f string) bool { return strings.HasPrefix(f, w) }) {
					t.Errorf("no finding starts with %q; findings:\n%s", w, strings.Join(findings, "\n"))
				}
			}
		})
	}
}

package speccheck

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// stationJSON is a station of the manifest (spec.md, Ballots, "Manifest",
// "Stations and officials").
type stationJSON struct {
	ID                  string         `json:"id"`
	Devices             []string       `json:"devices"`
	Officials           []officialJSON `json:"officials"`
	ClosingCosignatures uint32         `json:"closingCosignatures,omitempty"`
}

type officialJSON struct {
	ID        string `json:"id"`
	PublicKey string `json:"publicKey"`
}

// encodeStations appends the stations' block, present only when there is
// a station.
func encodeStations(b []byte, ss []stationJSON) ([]byte, error) {
	if len(ss) == 0 {
		return b, nil
	}
	b = u32(b, uint32(len(ss)))
	for _, s := range ss {
		b = str(b, s.ID)
		b = u32(b, uint32(len(s.Devices)))
		for _, d := range s.Devices {
			b = str(b, d)
		}
		b = u32(b, uint32(len(s.Officials)))
		for _, o := range s.Officials {
			k, err := strictHex(o.PublicKey)
			if err != nil || len(k) != 32 {
				return nil, fmt.Errorf("station %q: official %q: bad key", s.ID, o.ID)
			}
			b = str(b, o.ID)
			b = append(b, k...)
		}
		b = u32(b, s.ClosingCosignatures)
	}
	return b, nil
}

// stationIndex is what the rule needs of the stations: each device's
// station and each official's station and key.
type stationIndex struct {
	ofDevice   map[string]*stationJSON
	officialOf map[string]*stationJSON
	keyOf      map[string]ed25519.PublicKey
}

// indexStations checks the stations' rules (distinct identifiers, devices,
// officials and keys; registered devices; k at most the officials) and
// indexes them.
func indexStations(ss []stationJSON, devices map[string]ed25519.PublicKey) (*stationIndex, error) {
	x := &stationIndex{ofDevice: map[string]*stationJSON{}, officialOf: map[string]*stationJSON{}, keyOf: map[string]ed25519.PublicKey{}}
	ids, keys := map[string]bool{}, map[string]bool{}
	for i := range ss {
		s := &ss[i]
		if ids[s.ID] {
			return nil, fmt.Errorf("station %q twice", s.ID)
		}
		ids[s.ID] = true
		for _, d := range s.Devices {
			if devices[d] == nil || x.ofDevice[d] != nil {
				return nil, fmt.Errorf("station %q: device %q is not registered or of two stations", s.ID, d)
			}
			x.ofDevice[d] = s
		}
		for _, o := range s.Officials {
			k, _ := strictHex(o.PublicKey)
			if x.officialOf[o.ID] != nil || keys[string(k)] {
				return nil, fmt.Errorf("station %q: official %q or its key twice", s.ID, o.ID)
			}
			x.officialOf[o.ID], x.keyOf[o.ID], keys[string(k)] = s, k, true
		}
		if int(s.ClosingCosignatures) > len(s.Officials) {
			return nil, fmt.Errorf("station %q: k exceeds the officials", s.ID)
		}
	}
	return x, nil
}

// deviceClosing is a closing certificate (spec.md, Ballots, "Closing
// certificates").
type deviceClosing struct {
	BaseHash     string `json:"baseHash"`
	Device       string `json:"device"`
	Sequence     uint64 `json:"sequence"`
	Tip          string `json:"tip"`
	Cast         uint64 `json:"cast"`
	Challenged   uint64 `json:"challenged"`
	Refused      uint64 `json:"refused"`
	ClosedAt     uint64 `json:"closedAt"`
	Signature    string `json:"signature"`
	Cosignatures *[]struct {
		Official  string `json:"official"`
		Signature string `json:"signature"`
	} `json:"cosignatures"`
	Code string `json:"code"`
}

// judge runs steps C1–C4 of a closing line and returns its code, or the
// verdict that rejects it.
func (c *deviceClosing) judge(e *electionParams) ([]byte, *verdict) {
	rej := func(step, format string, args ...any) ([]byte, *verdict) {
		v := rejected(step, format, args...)
		return nil, &v
	}
	// C1: the form, the code, the counts' sum.
	bh, err1 := strictHex(c.BaseHash)
	tip, err2 := strictHex(c.Tip)
	if err1 != nil || err2 != nil || len(bh) != 32 || len(tip) != 32 || c.Cosignatures == nil || len(*c.Cosignatures) > 64 || textRule(c.Device, false) != nil || c.ClosedAt >= 1<<63 {
		return rej("decoding", "malformed closing")
	}
	b := str(nil, "sandogh-v1/device-closing")
	b = append(b, bh...)
	b = str(b, c.Device)
	b = u64(b, c.Sequence)
	b = append(b, tip...)
	b = u64(u64(u64(b, c.Cast), c.Challenged), c.Refused)
	b = u64(b, c.ClosedAt)
	code := h256(b)
	if hex.EncodeToString(code) != c.Code {
		return rej("decoding", "code does not match the record")
	}
	s1 := c.Cast + c.Challenged
	s2 := s1 + c.Refused
	if s1 < c.Cast || s2 < s1 || s2 != c.Sequence {
		return rej("decoding", "counts do not sum to the sequence")
	}
	// C2, C3, C4.
	if !bytes.Equal(bh, e.baseHash) {
		return rej("election", "base hash")
	}
	pk := e.deviceKeys[c.Device]
	if pk == nil {
		return rej("eligibility", "device %q is not registered", c.Device)
	}
	sig, err := strictHex(c.Signature)
	if err != nil || !ed25519.Verify(pk, append(str(nil, "sandogh-v1/device-closing-signature"), code...), sig) {
		return rej("signature", "the device's signature does not verify")
	}
	st := e.stations.ofDevice[c.Device]
	for i, cs := range *c.Cosignatures {
		if i > 0 && cs.Official <= (*c.Cosignatures)[i-1].Official {
			return rej("decoding", "co-signatures out of order")
		}
		if st == nil || e.stations.officialOf[cs.Official] != st {
			return rej("eligibility", "%q is not an official of the device's station", cs.Official)
		}
		sig, err := strictHex(cs.Signature)
		msg := append(str(str(nil, "sandogh-v1/device-closing-cosignature"), cs.Official), code...)
		if err != nil || !ed25519.Verify(e.stations.keyOf[cs.Official], msg, sig) {
			return rej("signature", "co-signature of %q does not verify", cs.Official)
		}
	}
	if st != nil && len(*c.Cosignatures) < int(st.ClosingCosignatures) {
		return rej("signature", "%d co-signatures, the station requires %d", len(*c.Cosignatures), st.ClosingCosignatures)
	}
	return code, nil
}

// closing runs steps C1–C9 on a closing line against the device's tip.
func (st *ruleState) closing(c *deviceClosing) verdict {
	if _, v := c.judge(st.e); v != nil {
		return *v
	}
	t := st.tips[c.Device]
	switch {
	case t == nil:
		return rejected("chain-gap", "the device has not opened")
	case t.closed || t.replacedBy != "":
		return rejected("duplicate", "the device has closed or was replaced")
	case c.Sequence > t.seq:
		return rejected("chain-gap", "ballots %d..%d are still to come", t.seq+1, c.Sequence)
	case c.Sequence < t.seq || c.Tip != hex.EncodeToString(t.code):
		return rejected("chain-fork", "not the chain's tip")
	case c.Cast != t.cast || c.Challenged != t.challenged || c.Refused != t.refused:
		return rejected("closing-counts", "counts %d/%d/%d, the chain's %d/%d/%d", c.Cast, c.Challenged, c.Refused, t.cast, t.challenged, t.refused)
	}
	return accepted()
}

// resignClosing recomputes a closing map's code and signs it again as the
// sample's station and officials would (their keys are the
// demonstration's, examples/election seeded with "sample record": the
// Ed25519 seed of official id is SHA-256("sandogh guild example official
// key" ‖ 0x00 ‖ "sample record" ‖ 0x00 ‖ id)), except the officials in
// skip.
func resignClosing(t *testing.T, c map[string]any, skip ...string) {
	t.Helper()
	raw, _ := json.Marshal(c)
	var dc deviceClosing
	if err := json.Unmarshal(raw, &dc); err != nil {
		t.Fatal(err)
	}
	bh, _ := strictHex(dc.BaseHash)
	tip, _ := strictHex(dc.Tip)
	b := str(nil, "sandogh-v1/device-closing")
	b = append(b, bh...)
	b = str(b, dc.Device)
	b = u64(b, dc.Sequence)
	b = append(b, tip...)
	b = u64(u64(u64(b, dc.Cast), dc.Challenged), dc.Refused)
	b = u64(b, dc.ClosedAt)
	code := h256(b)
	c["code"] = hex.EncodeToString(code)
	seed := sha256.Sum256([]byte("sandogh guild example station key\x00sample record\x00" + dc.Device))
	c["signature"] = hex.EncodeToString(ed25519.Sign(ed25519.NewKeyFromSeed(seed[:]), append(str(nil, "sandogh-v1/device-closing-signature"), code...)))
	for _, x := range c["cosignatures"].([]any) {
		cs := x.(map[string]any)
		id := cs["official"].(string)
		if slices.Contains(skip, id) {
			continue
		}
		seed := sha256.Sum256([]byte("sandogh guild example official key\x00sample record\x00" + id))
		cs["signature"] = hex.EncodeToString(ed25519.Sign(ed25519.NewKeyFromSeed(seed[:]), append(str(str(nil, "sandogh-v1/device-closing-cosignature"), id), code...)))
	}
}

// TestSampleClosingsTampered: the sample record's closing certificates,
// changed and signed again by the station (and its officials where they
// would sign), are rejected by check 21 for the right step.
func TestSampleClosingsTampered(t *testing.T) {
	closingLine := func(t *testing.T, dir, device string) int {
		return lineOf(t, dir, `{"closing":{"baseHash":"`+sampleBaseHash(t, dir)+`","device":"`+device+`"`)
	}
	for _, tc := range []struct {
		name  string
		edit  func(t *testing.T, dir string)
		wants []string
	}{
		{"counts", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", closingLine(t, dir, "station-2"), func(m map[string]any) {
				c := m["closing"].(map[string]any)
				c["cast"] = json.Number("5")
				c["challenged"] = json.Number("2")
				resignClosing(t, c)
			})
		}, []string{`check 21: ballots.jsonl line 19: closing of "station-2": the rule says rejected closing-counts`}},
		{"counts that do not sum", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", closingLine(t, dir, "station-2"), func(m map[string]any) {
				c := m["closing"].(map[string]any)
				c["cast"] = json.Number("7")
				resignClosing(t, c)
			})
		}, []string{`check 21: ballots.jsonl line 19: closing of "station-2": the rule says rejected decoding`}},
		{"an earlier tip", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", closingLine(t, dir, "station-1"), func(m map[string]any) {
				c := m["closing"].(map[string]any)
				c["sequence"] = json.Number("3")
				c["cast"] = json.Number("3")
				resignClosing(t, c)
			})
		}, []string{`check 21: ballots.jsonl line 18: closing of "station-1": the rule says rejected chain-fork`, `check 21: ballots.jsonl: device "station-1" opened and never closed`}},
		{"a forged co-signature", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", closingLine(t, dir, "station-1"), func(m map[string]any) {
				c := m["closing"].(map[string]any)
				cs := c["cosignatures"].([]any)[0].(map[string]any)
				resignClosing(t, c, cs["official"].(string))
				sig := cs["signature"].(string)
				cs["signature"] = flipHex(sig, 3)
			})
		}, []string{`check 21: ballots.jsonl line 18: closing of "station-1": the rule says rejected signature`}},
		{"too few co-signatures", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", closingLine(t, dir, "station-1"), func(m map[string]any) {
				c := m["closing"].(map[string]any)
				c["cosignatures"] = c["cosignatures"].([]any)[:1]
				resignClosing(t, c)
			})
		}, []string{`check 21: ballots.jsonl line 18: closing of "station-1": the rule says rejected signature`}},
		{"co-signatures out of order", func(t *testing.T, dir string) {
			editLine(t, dir, "ballots.jsonl", closingLine(t, dir, "station-1"), func(m map[string]any) {
				c := m["closing"].(map[string]any)
				cs := c["cosignatures"].([]any)
				cs[0], cs[1] = cs[1], cs[0]
			})
		}, []string{`check 21: ballots.jsonl line 18: closing of "station-1": the rule says rejected decoding`}},
		{"closing removed", func(t *testing.T, dir string) {
			editFile(t, dir, "ballots.jsonl", func(b []byte) []byte {
				lines := strings.SplitAfter(string(b), "\n")
				n := closingLine(t, dir, "station-1")
				return []byte(strings.Join(append(lines[:n-1:n-1], lines[n:]...), ""))
			})
		}, []string{`check 21: ballots.jsonl: device "station-1" opened and never closed`}},
		{"a ballot after the closing", func(t *testing.T, dir string) {
			n := closingLine(t, dir, "station-1")
			seq := int64(0)
			editLine(t, dir, "ballots.jsonl", n, func(m map[string]any) {
				seq, _ = m["closing"].(map[string]any)["sequence"].(json.Number).Int64()
			})
			last := lineOf(t, dir, `"ballotId":"station-1/`+strconv.FormatInt(seq, 10)+`"`)
			b, _ := os.ReadFile(filepath.Join(dir, "ballots.jsonl"))
			lines := strings.SplitAfter(string(b), "\n")
			var m map[string]any
			d := json.NewDecoder(strings.NewReader(lines[last-1]))
			d.UseNumber()
			d.Decode(&m)
			bm := m["ballot"].(map[string]any)
			bm["previous"] = bm["code"]
			bm["sequence"] = json.Number(strconv.FormatInt(seq+1, 10))
			bm["ballotId"] = "station-1/" + strconv.FormatInt(seq+1, 10)
			resign(t, bm)
			nb, _ := json.Marshal(m)
			os.WriteFile(filepath.Join(dir, "ballots.jsonl"), append(b, append(nb, '\n')...), 0o644)
		}, []string{fmt.Sprintf(`check 21: ballots.jsonl line %d: ballot "station-1/5": written accepted, the rule says rejected closed`, 21)}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyRecord(t)
			tc.edit(t, dir)
			findings := checkRecord(dir)
			for _, w := range tc.wants {
				if !slices.ContainsFunc(findings, func(f string) bool { return strings.HasPrefix(f, w) }) {
					t.Errorf("no finding starts with %q; findings:\n%s", w, strings.Join(findings, "\n"))
				}
			}
		})
	}
}

// sampleBaseHash is the base hash in the record's election.json.
func sampleBaseHash(t *testing.T, dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "election.json"))
	var ef struct {
		BaseHash string `json:"baseHash"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&ef); err != nil || ef.BaseHash == "" {
		t.Fatalf("election.json: %v", err)
	}
	return ef.BaseHash
}

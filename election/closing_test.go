package election_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
)

// closingOf returns the index in lines of device's closing line and the
// closing it holds.
func closingOf(t *testing.T, lines [][]byte, device string) (int, *ballot.DeviceClosing) {
	t.Helper()
	for i, l := range lines {
		if !bytes.HasPrefix(l, []byte(`{"closing":`)) {
			continue
		}
		var bl struct{ Closing *ballot.DeviceClosing }
		if err := json.Unmarshal(l, &bl); err != nil {
			t.Fatal(err)
		}
		if bl.Closing.Device == device {
			return i, bl.Closing
		}
	}
	t.Fatalf("no closing of %s", device)
	return 0, nil
}

// signClosing makes device's closing at its tip with counts, signed by the
// device and co-signed by the officials, with the test record's keys (a
// station and officials who sign what they like).
func signClosing(t *testing.T, e *ballot.Election, device string, seq uint64, tip ballot.ConfirmationCode, counts ballot.ClosingCounts, officials ...string) *ballot.DeviceClosing {
	t.Helper()
	d, err := ballot.ResumeDevice(e, device, guild.StationKey(testSeed, device), seq, tip)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetCounts(counts); err != nil {
		t.Fatal(err)
	}
	c, err := d.Close(time.Date(2025, 6, 12, 20, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range officials {
		if err := c.Cosign(e, o, guild.OfficialKey(testSeed, o)); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func closingLine(t *testing.T, c *ballot.DeviceClosing) []byte {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"closing": c})
	if err != nil {
		t.Fatal(err)
	}
	return append(raw, '\n')
}

// TestClosingTampering: the attacks on the stations' closing certificates
// that check 21 must catch, each signed by the keys of the station (and
// of its officials, where they would sign): counts that are not the
// chain's, a ballot after the closing, a forged co-signature, too few
// co-signatures, a closing removed.
func TestClosingTampering(t *testing.T) {
	r, err := election.Open(sharedRecord(t))
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, lines [][]byte) [][]byte
		want string // in the reason of a finding of check 21
	}{
		{"counts", func(t *testing.T, lines [][]byte) [][]byte {
			i, c := closingOf(t, lines, "station-2")
			n := c.Counts
			n.Cast, n.Challenged = n.Cast-1, n.Challenged+1
			lines[i] = closingLine(t, signClosing(t, e, c.Device, c.Sequence, c.Tip, n, "hall-2/chair"))
			return lines
		}, "counts cast"},
		{"a ballot after the closing", func(t *testing.T, lines [][]byte) [][]byte {
			_, c := closingOf(t, lines, "station-1")
			d, err := ballot.ResumeDevice(e, "station-1", guild.StationKey(testSeed, "station-1"), c.Sequence, c.Tip)
			if err != nil {
				t.Fatal(err)
			}
			p, err := d.EncryptBallot(ballot.Vote{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := d.Cast(p)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := b.MarshalJSON()
			return append(lines, append(append([]byte(`{"ballot":`), raw...), "}\n"...))
		}, "has closed its chain"},
		{"a forged co-signature", func(t *testing.T, lines [][]byte) [][]byte {
			i, c := closingOf(t, lines, "station-1")
			// The secretary's co-signature, made with the observer's key.
			for k := range c.Cosignatures {
				if c.Cosignatures[k].Official == "hall-1/secretary" {
					var msg []byte
					c.Cosignatures[k].Signature = ed25519.Sign(guild.OfficialKey(testSeed, "hall-1/observer"), append(msg, "forged"...))
				}
			}
			c.Cosignatures = slices.DeleteFunc(c.Cosignatures, func(s ballot.Cosignature) bool { return s.Official == "hall-1/observer" })
			lines[i] = closingLine(t, c)
			return lines
		}, `"hall-1/secretary": invalid signature`},
		{"too few co-signatures", func(t *testing.T, lines [][]byte) [][]byte {
			i, c := closingOf(t, lines, "station-1")
			lines[i] = closingLine(t, signClosing(t, e, c.Device, c.Sequence, c.Tip, c.Counts, "hall-1/chair"))
			return lines
		}, "requires 2"},
		{"a co-signature of another station's official", func(t *testing.T, lines [][]byte) [][]byte {
			i, c := closingOf(t, lines, "station-1")
			n := signClosing(t, e, c.Device, c.Sequence, c.Tip, c.Counts, "hall-1/chair", "hall-1/secretary")
			msg := n.Code()
			// hall-2/chair signs station-1's closing code (the message
			// as the spec defines it), but is not of its station.
			sig := ed25519.Sign(guild.OfficialKey(testSeed, "hall-2/chair"), cosignMessage("hall-2/chair", msg))
			n.Cosignatures = append(n.Cosignatures, ballot.Cosignature{Official: "hall-2/chair", Signature: sig})
			lines[i] = closingLine(t, n)
			return lines
		}, "is not an official of the device's station"},
		{"a closing removed", func(t *testing.T, lines [][]byte) [][]byte {
			i, _ := closingOf(t, lines, "station-1")
			return slices.Delete(lines, i, i+1)
		}, `device "station-1" opened its chain but never closed it`},
		{"a closing before the chain's last ballot", func(t *testing.T, lines [][]byte) [][]byte {
			i, _ := closingOf(t, lines, "station-2")
			l := lines[i]
			lines = slices.Delete(lines, i, i+1)
			for k, o := range lines {
				if bytes.HasPrefix(o, []byte(`{"opening":`)) && bytes.Contains(o, []byte(`"device":"station-2"`)) {
					return slices.Insert(lines, k+1, l) // right after the opening
				}
			}
			t.Fatal("no opening of station-2")
			return nil
		}, "still to come"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyRecord(t)
			p := filepath.Join(dir, "ballots.jsonl")
			writeLines(t, p, tc.edit(t, readLines(t, p)))
			rehash(t, dir)
			rep, err := election.Verify(dir, &election.Options{MaxFindings: -1})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid() || !slices.Contains(rep.Failed(), election.CheckClosings) {
				t.Fatalf("check 21 did not fail: %v", rep.Failed())
			}
			found := false
			for _, f := range rep.Findings {
				found = found || f.Check == election.CheckClosings && strings.Contains(f.Reason, tc.want)
			}
			if !found {
				t.Errorf("no finding of check 21 says %q: %v", tc.want, rep.Findings)
			}
		})
	}
}

// cosignMessage is the message an official co-signs (docs/spec.md,
// Ballots, "Closing certificates"): str("sandogh-v1/device-closing-
// cosignature") ‖ str(official) ‖ closing code.
func cosignMessage(official string, code ballot.ConfirmationCode) []byte {
	var b []byte
	for _, s := range []string{"sandogh-v1/device-closing-cosignature", official} {
		b = append(b, byte(len(s)>>24), byte(len(s)>>16), byte(len(s)>>8), byte(len(s)))
		b = append(b, s...)
	}
	return append(b, code[:]...)
}

// TestNoDecryptionBeforeEveryClosing: the trustees' partial verification
// refuses a record in which a station's device opened its chain and has not
// closed it: decrypting the tally then, and again once the device's late
// ballots are in, would reveal the sum of those ballots.
func TestNoDecryptionBeforeEveryClosing(t *testing.T) {
	src := sharedRecord(t)
	dir := beforeDecryption(t, src)
	p := filepath.Join(dir, "ballots.jsonl")
	lines := readLines(t, p)
	i, _ := closingOf(t, lines, "station-2")
	writeLines(t, p, slices.Delete(lines, i, i+1))
	rehash(t, dir)
	_, err := election.VerifyForDecryption(dir, boxDigest(t, dir), nil)
	var refused *election.RefusalError
	if !errors.As(err, &refused) || !slices.Contains(refused.Checks, election.CheckClosings) {
		t.Fatalf("a record with a device not closed: %v, want a refusal naming check 21", err)
	}
	if !strings.Contains(err.Error(), `"station-2" opened its chain but never closed it`) {
		t.Errorf("the refusal does not name the device: %v", err)
	}
}

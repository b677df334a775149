package election_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/election/guild"
	"github.com/sandogh/sandogh/tally"
)

// TestVerifyValidRecord: the example's election produces a record that the
// verifier accepts, with the counts it reported.
func TestVerifyValidRecord(t *testing.T) {
	dir := sharedRecord(t)
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		for _, f := range rep.Findings {
			t.Error(f)
		}
		t.Fatal("the example's record is not valid")
	}
	if len(rep.Checks) != election.NumChecks {
		t.Fatalf("%d checks, want %d", len(rep.Checks), election.NumChecks)
	}
	for _, c := range rep.Checks {
		// The guild election has no CodeList contest: checks 16 to 20
		// examine nothing.
		if c.Items == 0 && c.Check != election.CheckCredentials && c.Check < election.CheckMixInput {
			t.Errorf("check %d (%s) examined nothing", c.Check, c.Check)
		}
	}
	out := testRecord.out
	if got := rep.Ballots; got.Cast != int64(out.Cast) || got.Challenged != int64(out.Challenged) || got.Counted != int64(out.Counted) || got.Openings != 2 {
		t.Errorf("ballot counts %+v, the election reported %d cast, %d challenged, %d counted", got, out.Cast, out.Challenged, out.Counted)
	}
	// The revote replaced a ballot: one cast ballot does not count.
	if out.Counted != out.Cast-1 {
		t.Errorf("%d counted of %d cast, want one replaced by the revote", out.Counted, out.Cast)
	}
}

// ballotLines returns the numbers (0-based indices) of the lines of
// ballots.jsonl holding ballots that match pred.
func ballotLines(t testing.TB, lines [][]byte, pred func(b map[string]any) bool) []int {
	t.Helper()
	var out []int
	for i, l := range lines {
		m := obj(decodeJSON(t, l))
		if b, ok := m["ballot"]; ok && pred(obj(b)) {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		t.Fatal("no ballot line matches")
	}
	return out
}

func isDevice(id string, state string) func(map[string]any) bool {
	return func(b map[string]any) bool { return b["device"] == id && b["state"] == state }
}

// editBallot re-encodes the ballot on line i after edit changes its signed
// canonical encoding (a forger who changes bytes; the confirmation code
// follows, the signature does not).
func editBallot(t testing.TB, lines [][]byte, i int, edit func(b *ballot.Ballot, enc []byte) []byte) {
	t.Helper()
	var l struct{ Ballot json.RawMessage }
	if err := json.Unmarshal(lines[i], &l); err != nil {
		t.Fatal(err)
	}
	b := new(ballot.Ballot)
	if err := b.UnmarshalJSON(l.Ballot); err != nil {
		t.Fatal(err)
	}
	nb, err := ballot.ParseBallot(edit(b, b.Bytes()))
	if err != nil {
		t.Fatalf("the edited ballot does not decode: %v", err)
	}
	raw, err := nb.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	lines[i] = append(append([]byte(`{"ballot":`), raw...), "}\n"...)
}

// editLineJSON decodes line i, lets edit change it and encodes it again.
func editLineJSON(t testing.TB, lines [][]byte, i int, edit func(m map[string]any)) {
	t.Helper()
	m := obj(decodeJSON(t, lines[i]))
	edit(m)
	lines[i] = encodeJSONLine(t, m)
}

func flipHex(s string, at int) string {
	b := []byte(s)
	if b[at] == '0' {
		b[at] = '1'
	} else {
		b[at] = '0'
	}
	return string(b)
}

// swapCiphertexts exchanges the ciphertexts of the first two candidates in
// the signed encoding of b.
func swapCiphertexts(b *ballot.Ballot, enc []byte) {
	cts := b.Ciphertexts(0)
	c0, c1 := cts[0].Bytes(), cts[1].Bytes()
	k0, k1 := bytes.Index(enc, c0), bytes.Index(enc, c1)
	copy(enc[k0:], c1)
	copy(enc[k1:], c0)
}

// resign signs the ballot encoding enc (cast, or challenged with its
// seed) again with the key of station id, as a dishonest station would
// (docs/spec.md §Ballots: the signature covers
// str("sandogh-v1/ballot-signature") ‖ code ‖ u8(state) ‖ [seed]).
func resign(t testing.TB, id string, enc []byte) []byte {
	t.Helper()
	trailer := 65
	if enc[len(enc)-65] != byte(ballot.Cast) {
		trailer = 97
		if enc[len(enc)-97] != byte(ballot.Challenged) {
			t.Fatal("resign: neither cast nor challenged")
		}
	}
	code := sha512.Sum512_256(enc[:len(enc)-trailer])
	label := "sandogh-v1/ballot-signature"
	msg := binary.BigEndian.AppendUint32(nil, uint32(len(label)))
	msg = append(append(msg, label...), code[:]...)
	msg = append(msg, enc[len(enc)-trailer:len(enc)-64]...) // state and seed
	copy(enc[len(enc)-64:], ed25519.Sign(guild.StationKey(testSeed, id), msg))
	return enc
}

type tamper struct {
	name string
	want election.Check
	// keepIndex leaves SHA256SUMS as it was; otherwise the forger rehashes.
	keepIndex bool
	edit      func(t *testing.T, dir string)
}

func onFile(name string, f func(t *testing.T, path string)) func(*testing.T, string) {
	return func(t *testing.T, dir string) { f(t, filepath.Join(dir, filepath.FromSlash(name))) }
}

func onBallots(f func(t *testing.T, lines [][]byte) [][]byte) func(*testing.T, string) {
	return onFile("ballots.jsonl", func(t *testing.T, path string) {
		writeLines(t, path, f(t, readLines(t, path)))
	})
}

var tampers = []tamper{
	{"manifest limit", election.CheckParameters, false, onFile("election.json", func(t *testing.T, p string) {
		editJSONFile(t, p, func(v any) any {
			c := obj(arr(obj(obj(v)["manifest"])["contests"])[0])
			c["limit"] = json.Number("8")
			return v
		})
	})},
	{"candidate name", election.CheckParameters, false, onFile("election.json", func(t *testing.T, p string) {
		editJSONFile(t, p, func(v any) any {
			c := obj(arr(obj(arr(obj(obj(v)["manifest"])["contests"])[0])["candidates"])[3])
			c["name"] = "Someone Else"
			return v
		})
	})},
	{"base hash", election.CheckParameters, false, onFile("election.json", func(t *testing.T, p string) {
		editJSONFile(t, p, func(v any) any {
			obj(v)["baseHash"] = flipHex(obj(v)["baseHash"].(string), 10)
			return v
		})
	})},
	{"trustee commitment", election.CheckCeremony, false, onFile("trustees/commitments.jsonl", func(t *testing.T, p string) {
		lines := readLines(t, p)
		editLineJSON(t, lines, 1, func(m map[string]any) {
			cs := arr(m["coefficients"])
			cs[0], cs[1] = cs[1], cs[0]
		})
		writeLines(t, p, lines)
	})},
	{"ceremony share removed", election.CheckCeremony, false, onFile("trustees/shares.jsonl", func(t *testing.T, p string) {
		lines := readLines(t, p)
		writeLines(t, p, slices.Delete(lines, 3, 4))
	})},
	{"ceremony outcome", election.CheckCeremony, false, onFile("trustees/result.json", func(t *testing.T, p string) {
		editJSONFile(t, p, func(v any) any {
			keys := arr(obj(v)["verification_keys"])
			keys[0], keys[1] = keys[1], keys[0]
			return v
		})
	})},
	{"joint key", election.CheckKeys, false, onFile("election.json", func(t *testing.T, p string) {
		editJSONFile(t, p, func(v any) any {
			obj(v)["publicKey"] = arr(obj(v)["trustees"])[0]
			return v
		})
	})},
	{"trustee verification key", election.CheckKeys, false, onFile("election.json", func(t *testing.T, p string) {
		editJSONFile(t, p, func(v any) any {
			ks := arr(obj(v)["trustees"])
			ks[2], ks[3] = ks[3], ks[2]
			return v
		})
	})},
	{"device key", election.CheckDevices, false, onFile("devices.json", func(t *testing.T, p string) {
		editJSONFile(t, p, func(v any) any {
			ds := arr(v)
			obj(ds[0])["publicKey"], obj(ds[1])["publicKey"] = obj(ds[1])["publicKey"], obj(ds[0])["publicKey"]
			return v
		})
	})},
	{"device opening signature", election.CheckDevices, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		editLineJSON(t, lines, 1, func(m map[string]any) {
			o := obj(m["opening"])
			o["signature"] = flipHex(o["signature"].(string), 20)
		})
		return lines
	})},
	{"credential list", election.CheckCredentials, false, onFile("credentials.json", func(t *testing.T, p string) {
		editJSONFile(t, p, func(v any) any {
			keys := arr(obj(v)["keys"])
			obj(v)["keys"] = keys[1:]
			return v
		})
	})},
	{"ballot ciphertext, re-signed by its station", election.CheckBallots, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		i := ballotLines(t, lines, isDevice("station-1", "cast"))[4]
		editBallot(t, lines, i, func(b *ballot.Ballot, enc []byte) []byte {
			swapCiphertexts(b, enc)
			return resign(t, "station-1", enc)
		})
		return lines
	})},
	{"ballot ciphertext", election.CheckSignatures, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		i := ballotLines(t, lines, isDevice("station-1", "cast"))[5]
		editBallot(t, lines, i, func(b *ballot.Ballot, enc []byte) []byte {
			swapCiphertexts(b, enc)
			return enc
		})
		return lines
	})},
	{"proof response, re-signed by its station", election.CheckBallots, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		i := ballotLines(t, lines, isDevice("station-2", "cast"))[2]
		sel := obj(arr(obj(arr(obj(obj(decodeJSON(t, lines[i]))["ballot"])["contests"])[0])["selections"])[5])
		proofBytes, err := hex.DecodeString(sel["proof"].(string))
		if err != nil {
			t.Fatal(err)
		}
		editBallot(t, lines, i, func(_ *ballot.Ballot, enc []byte) []byte {
			k := bytes.Index(enc, proofBytes)
			enc[k+len(proofBytes)-32] ^= 1 // the low byte of the last response v_R
			return resign(t, "station-2", enc)
		})
		return lines
	})},
	{"confirmation code", election.CheckBallots, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		i := ballotLines(t, lines, isDevice("station-1", "cast"))[7]
		editLineJSON(t, lines, i, func(m map[string]any) {
			b := obj(m["ballot"])
			b["code"] = flipHex(b["code"].(string), 0)
		})
		return lines
	})},
	{"ballot signature", election.CheckSignatures, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		i := ballotLines(t, lines, isDevice("station-2", "cast"))[5]
		editBallot(t, lines, i, func(_ *ballot.Ballot, enc []byte) []byte {
			enc[len(enc)-10] ^= 1
			return enc
		})
		return lines
	})},
	{"duplicated ballot", election.CheckEligibility, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		i := ballotLines(t, lines, func(b map[string]any) bool { return b["credential"] != nil && b["state"] == "cast" })[0]
		return append(lines, lines[i])
	})},
	{"removed ballot", election.CheckChains, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		i := ballotLines(t, lines, isDevice("station-1", "cast"))[3]
		return slices.Delete(lines, i, i+1)
	})},
	{"chain order", election.CheckChains, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		is := ballotLines(t, lines, isDevice("station-2", "cast"))
		lines[is[6]], lines[is[7]] = lines[is[7]], lines[is[6]]
		return lines
	})},
	{"challenged ballot's seed, re-signed by its station", election.CheckChallenged, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		i := ballotLines(t, lines, func(b map[string]any) bool { return b["state"] == "challenged" && b["device"] != nil })[0]
		id := obj(obj(decodeJSON(t, lines[i]))["ballot"])["device"].(string)
		editBallot(t, lines, i, func(_ *ballot.Ballot, enc []byte) []byte {
			enc[len(enc)-64-32] ^= 1
			return resign(t, id, enc)
		})
		return lines
	})},
	{"challenged ballot's seed", election.CheckSignatures, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		i := ballotLines(t, lines, func(b map[string]any) bool { return b["state"] == "challenged" })[0]
		editBallot(t, lines, i, func(_ *ballot.Ballot, enc []byte) []byte {
			enc[len(enc)-64-32] ^= 1
			return enc
		})
		return lines
	})},
	{"challenged ballot's published vote", election.CheckChallenged, false, onFile("challenged.jsonl", func(t *testing.T, p string) {
		lines := readLines(t, p)
		editLineJSON(t, lines, 0, func(m map[string]any) {
			obj(m["vote"])["board"] = map[string]any{"109": 1}
		})
		writeLines(t, p, lines)
	})},
	{"challenged ballot unlisted", election.CheckChallenged, false, onFile("challenged.jsonl", func(t *testing.T, p string) {
		lines := readLines(t, p)
		writeLines(t, p, lines[1:])
	})},
	{"revote removed", election.CheckAggregation, false, onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		// The last ballot line is the late revote (the stations' closings
		// follow it); without it the first ballot of that credential
		// counts, and the published tally is wrong.
		for i := len(lines) - 1; i >= 0; i-- {
			if bytes.HasPrefix(lines[i], []byte(`{"ballot"`)) {
				return append(lines[:i:i], lines[i+1:]...)
			}
		}
		t.Fatal("no ballot line")
		return nil
	})},
	{"encrypted tally", election.CheckAggregation, false, onFile("tally/encrypted.json", func(t *testing.T, p string) {
		data, _ := os.ReadFile(p)
		et := new(tally.EncryptedTally)
		if err := et.UnmarshalJSON(data); err != nil {
			t.Fatal(err)
		}
		s := et.Contests[0].Selections
		s[0].Ciphertext, s[1].Ciphertext = s[1].Ciphertext, s[0].Ciphertext
		out, err := et.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(p, out, 0o644)
	})},
	// An election.json that states another threshold than the ceremony's,
	// with the base hash recomputed for it (so every ballot's proofs fail
	// too): check 3 names the threshold.
	{"threshold", election.CheckKeys, false, func(t *testing.T, dir string) { setThreshold(t, dir, 2, true) }},
	{"decryption share", election.CheckShares, false, onFile("tally/shares/1.json", func(t *testing.T, p string) {
		if _, err := os.Stat(p); err != nil {
			p = strings.Replace(p, "1.json", "2.json", 1) // trustee 1 was absent
		}
		editJSONFile(t, p, func(v any) any {
			ss := arr(obj(v)["shares"])
			obj(ss[2])["share"], obj(ss[3])["share"] = obj(ss[3])["share"], obj(ss[2])["share"]
			return v
		})
	})},
	{"too few share lists", election.CheckCombination, false, func(t *testing.T, dir string) {
		ents, err := os.ReadDir(filepath.Join(dir, "tally", "shares"))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents[:2] {
			os.Remove(filepath.Join(dir, "tally", "shares", e.Name()))
		}
	}},
	{"result count", election.CheckResults, false, onFile("results.json", func(t *testing.T, p string) {
		editResults(t, p, func(r *tally.Results) { r.Contests[0].Standings[0].Count++ })
	})},
	{"result outcome", election.CheckResults, false, onFile("results.json", func(t *testing.T, p string) {
		editResults(t, p, func(r *tally.Results) {
			s := r.Contests[0].Standings
			s[6].Outcome, s[7].Outcome = s[7].Outcome, s[6].Outcome
		})
	})},
	{"file changed, index not updated", election.CheckIndex, true, onFile("devices.json", func(t *testing.T, p string) {
		data, _ := os.ReadFile(p)
		os.WriteFile(p, append(data, '\n'), 0o644)
	})},
	{"truncated ballots", election.CheckIndex, true, onFile("ballots.jsonl", func(t *testing.T, p string) {
		data, _ := os.ReadFile(p)
		os.WriteFile(p, data[:len(data)-100], 0o644)
	})},
	{"extra file", election.CheckIndex, true, func(t *testing.T, dir string) {
		os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello\n"), 0o644)
	}},
	{"missing file", election.CheckIndex, false, func(t *testing.T, dir string) {
		os.Remove(filepath.Join(dir, "challenged.jsonl"))
	}},
}

// setThreshold writes threshold into the record's election.json and, if
// rehashBase, the base hash recomputed with it.
func setThreshold(t *testing.T, dir string, threshold int, rehashBase bool) {
	t.Helper()
	r, err := election.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	editJSONFile(t, filepath.Join(dir, "election.json"), func(v any) any {
		obj(v)["threshold"] = threshold
		if rehashBase {
			e2, err := ballot.NewElection(ballot.Parameters{Manifest: e.Manifest(), PublicKey: e.PublicKey(), VerificationKeys: e.VerificationKeys(),
				Threshold: threshold, Devices: e.Devices(), Credentials: e.Credentials()})
			if err != nil {
				t.Fatal(err)
			}
			bh := e2.BaseHash()
			obj(v)["baseHash"] = hex.EncodeToString(bh[:])
		}
		return v
	})
}

func editResults(t *testing.T, p string, edit func(*tally.Results)) {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	r := new(tally.Results)
	if err := r.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	edit(r)
	out, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, out, 0o644)
}

// verifyTampered verifies the record in dir, which a test has changed
// (and whose SHA256SUMS it rewrites first unless keepIndex, as a forger
// would), and checks that it is rejected with findings of check want, each
// with a reason. It returns the checks that failed.
func verifyTampered(t *testing.T, dir string, want election.Check, keepIndex bool) []election.Check {
	t.Helper()
	if !keepIndex {
		rehash(t, dir)
	}
	rep, err := election.Verify(dir, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Valid() {
		t.Fatal("the tampered record was accepted")
	}
	failed := rep.Failed()
	if !slices.Contains(failed, want) {
		t.Errorf("checks %v failed, want check %d (%s) among them", failed, want, want)
	}
	named := false
	for _, f := range rep.Findings {
		if f.Check == want {
			named = true
			if f.Reason == "" {
				t.Errorf("finding without a reason: %+v", f)
			}
			t.Logf("%s", f)
		}
	}
	if !named {
		t.Errorf("no finding of check %d", want)
	}
	// Every verdict is explained: a failed check by a finding, a check
	// not checked by what it could not do.
	for _, c := range rep.Checks {
		switch {
		case c.Verdict == election.Failed && !slices.ContainsFunc(rep.Findings, func(f election.Finding) bool { return f.Check == c.Check }):
			t.Errorf("check %d failed without a finding", c.Check)
		case c.Verdict == election.NotChecked && len(c.NotChecked) == 0:
			t.Errorf("check %d is not checked and does not say why", c.Check)
		}
	}
	return failed
}

// TestTampering makes one change to a copy of a valid record per case and
// checks that the verifier rejects it, naming the right check.
func TestTampering(t *testing.T) {
	sharedRecord(t)
	for _, tc := range tampers {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dir := copyRecord(t)
			tc.edit(t, dir)
			failed := verifyTampered(t, dir, tc.want, tc.keepIndex)
			if !tc.keepIndex && slices.Contains(failed, election.CheckIndex) && tc.want != election.CheckIndex {
				t.Errorf("the index check failed although the forger rehashed the files")
			}
		})
	}
	if len(tampers) < 20 {
		t.Errorf("only %d tamperings", len(tampers))
	}
}

// TestForgedBallotFindings: a ballot whose ciphertexts were swapped and not
// signed again is not attributable to its station (step 5 of the
// acceptance rule): a box would have written nothing of it. The verifier
// reports it under check 7, does not count it, and, since the rule leaves
// its device's chain where it was, reports every later ballot of that
// device under check 9 (a box would have rejected each as a gap).
func TestForgedBallotFindings(t *testing.T) {
	dir := copyRecord(t)
	var line int
	var later []int
	onBallots(func(t *testing.T, lines [][]byte) [][]byte {
		is := ballotLines(t, lines, func(b map[string]any) bool { return b["device"] == "station-1" })
		k := slices.Index(is, ballotLines(t, lines, isDevice("station-1", "cast"))[5])
		line = is[k] + 1
		for _, i := range is[k+1:] {
			later = append(later, i+1)
		}
		editBallot(t, lines, is[k], func(b *ballot.Ballot, enc []byte) []byte {
			swapCiphertexts(b, enc)
			return enc
		})
		return lines
	})(t, dir)
	rehash(t, dir)
	rep, err := election.Verify(dir, &election.Options{MaxFindings: -1})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]election.Finding{}
	for _, f := range rep.Findings {
		if f.File == "ballots.jsonl" {
			if _, dup := got[f.Line]; dup {
				t.Errorf("two findings on line %d", f.Line)
			}
			got[f.Line] = f
		}
	}
	if f := got[line]; f.Check != election.CheckSignatures || !strings.Contains(f.Reason, "invalid signature") {
		t.Errorf("finding on line %d: %+v", line, f)
	}
	if len(later) == 0 {
		t.Fatal("no later ballot of the device")
	}
	for _, l := range later {
		if f := got[l]; f.Check != election.CheckChains || f.Device != "station-1" || !strings.Contains(f.Reason, "missing") {
			t.Errorf("finding on line %d: %+v", l, f)
		}
	}
	// The station's closing names the tip its chain would have had:
	// ballots are still to come, and the station never closed (check 21,
	// on the closing's line and on no line).
	closing := 0
	for l, f := range got {
		if f.Check == election.CheckClosings {
			closing++
			want := "still to come"
			if l == 0 {
				want = "never closed"
			}
			if f.Device != "station-1" || !strings.Contains(f.Reason, want) {
				t.Errorf("finding on line %d: %+v", l, f)
			}
		}
	}
	if closing != 2 {
		t.Errorf("%d findings of check 21, want 2 about station-1", closing)
	}
	if len(got) != 3+len(later) {
		t.Errorf("%d findings in ballots.jsonl, want %d", len(got), 3+len(later))
	}
	if !slices.Contains(rep.Failed(), election.CheckAggregation) {
		t.Error("the forged ballot still counts: the published tally, which counted the original, matched")
	}
}

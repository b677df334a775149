package ballot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// jsonForms returns the JSON forms of a device ballot (cast, and with a
// large sequence number), a remote ballot and a challenged ballot of the
// test election, whose contests include one without a contest proof.
func jsonForms(t testing.TB) [][]byte {
	f := newFixture(t, testManifest())
	d, _, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	var bs []*Ballot
	for i := range 2 {
		p, err := d.EncryptBallot(testVote())
		if err != nil {
			t.Fatal(err)
		}
		var b *Ballot
		if i == 0 {
			b, err = d.Cast(p)
		} else {
			b, err = d.Challenge(p)
		}
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	bs = append(bs, f.credentialBallot(t, "remote \u00e9\u00e8", 1, Vote{}))
	h := Header{BallotID: "far", Device: "station-2", Sequence: 1<<64 - 1, Previous: bs[0].ConfirmationCode()}
	pb, err := EncryptBallot(f.e, h, testVote(), seedOf("far"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := pb.Cast(f.deviceKeys["station-2"])
	if err != nil {
		t.Fatal(err)
	}
	bs = append(bs, b)
	// A ballot with a row of codes.
	cf := newFixture(t, codeListManifest())
	bs = append(bs, cf.credentialBallot(t, "council", 2, codeListVote(3, 9)))
	// A ballot with list contests (statement proofs, flag 2).
	lf := newFixture(t, listVectorsManifest())
	lv, _ := vectorVotes(lf.e.manifest)
	bs = append(bs, lf.credentialBallot(t, "lists", 2, lv))
	var out [][]byte
	for _, b := range bs {
		j, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	return out
}

// sameAsGeneral checks that the direct scan of data, if it succeeds,
// agrees with the general decoder, and reports whether it succeeded.
func sameAsGeneral(t *testing.T, data []byte) bool {
	t.Helper()
	enc, code, ok := scanBallotJSON(data)
	if !ok {
		return false
	}
	genc, gcode, err := decodeBallotJSON(data)
	if err != nil {
		t.Fatalf("the scan accepted %q, which the general decoder refuses: %v", data, err)
	}
	if !bytes.Equal(enc, genc) || code != gcode {
		t.Fatalf("the scan and the general decoder build different encodings from %q", data)
	}
	return true
}

// TestScanBallotJSON: the scan takes every form MarshalJSON writes, and
// agrees with the general decoder on them and on thousands of mutations;
// forms other than MarshalJSON's fall back and still decode.
func TestScanBallotJSON(t *testing.T) {
	forms := jsonForms(t)
	for i, j := range forms {
		if !sameAsGeneral(t, j) {
			t.Fatalf("form %d: the scan does not take MarshalJSON's output", i)
		}
		var b Ballot
		if err := b.UnmarshalJSON(j); err != nil {
			t.Fatalf("form %d: %v", i, err)
		}
	}
	// Other spellings of the same ballot: the general decoder takes them.
	j := string(forms[0])
	for name, v := range map[string]string{
		"spaces":         strings.Replace(j, `"ballotId":`, `"ballotId" : `, 1),
		"trailing space": j + " ",
		"escape":         strings.Replace(j, `"state":"cast"`, `"state":"\u0063ast"`, 1),
		"order":          `{"state":"cast",` + strings.Replace(j[1:], `,"state":"cast"`, "", 1),
	} {
		if v == j {
			t.Fatalf("%s: no change", name)
		}
		if _, _, ok := scanBallotJSON([]byte(v)); ok {
			t.Errorf("%s: the scan took a form MarshalJSON does not write", name)
		}
		var b Ballot
		if err := b.UnmarshalJSON([]byte(v)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A member name in another case is another member, which the ballot
	// does not have (encoding/json would have matched it).
	var b Ballot
	if err := b.UnmarshalJSON([]byte(strings.Replace(j, `"ballotId":`, `"BallotID":`, 1))); err == nil || !strings.Contains(err.Error(), `unknown member "BallotID"`) {
		t.Errorf("other case: %v", err)
	}
	// Mutations: replaced bytes, deletions, insertions.
	rng := rand.New(rand.NewPCG(5, 6))
	n := 3000
	if testing.Short() {
		n = 300
	}
	taken := 0
	alphabet := []byte(`0123456789abcdefABCDEF"{}[],:\ -.e` + "\x00\x1f\x80\xff")
	for k := range n {
		src := forms[k%len(forms)]
		m := bytes.Clone(src)
		at := rng.IntN(len(m))
		c := alphabet[rng.IntN(len(alphabet))]
		switch k % 3 {
		case 0:
			m[at] = c
		case 1:
			m = append(m[:at], m[at+1:]...)
		case 2:
			m = append(m[:at], append([]byte{c}, m[at:]...)...)
		}
		if sameAsGeneral(t, m) {
			taken++
		}
	}
	t.Logf("the scan took %d of %d mutations", taken, n)
}

// jsonMembers splits a JSON object into its members' names and values, in
// order.
func jsonMembers(t testing.TB, data []byte) (names []string, values []json.RawMessage) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %v", err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		names, values = append(names, tok.(string)), append(values, v)
	}
	return names, values
}

// joinMembers is the inverse of jsonMembers, in MarshalJSON's compact form.
func joinMembers(names []string, values []json.RawMessage) []byte {
	out := []byte("{")
	for i := range names {
		if i > 0 {
			out = append(out, ',')
		}
		k, _ := json.Marshal(names[i])
		out = append(append(append(out, k...), ':'), values[i]...)
	}
	return append(out, '}')
}

// TestBallotJSONMembers: a ballot line with a member twice, or without a
// member its kind of ballot needs, is refused by the scan and by the
// general decoder, with an error that names the member (a missing
// sequence used to read as 0, and the last of two members used to win).
func TestBallotJSONMembers(t *testing.T) {
	for i, form := range jsonForms(t) {
		names, values := jsonMembers(t, form)
		for k, name := range names {
			// The member twice, with the same value and with another.
			for _, second := range []json.RawMessage{values[k], values[(k+1)%len(values)]} {
				n := slices.Insert(slices.Clone(names), k+1, name)
				v := slices.Insert(slices.Clone(values), k+1, second)
				checkRefused(t, fmt.Sprintf("form %d: %s twice", i, name), joinMembers(n, v), fmt.Sprintf("member %q appears twice", name))
			}
			// The member left out.
			n := slices.Delete(slices.Clone(names), k, k+1)
			v := slices.Delete(slices.Clone(values), k, k+1)
			checkRefused(t, fmt.Sprintf("form %d: without %s", i, name), joinMembers(n, v), fmt.Sprintf("%q", name))
		}
	}
	// Inside contests and selections, and a name written with an escape.
	j := string(jsonForms(t)[0])
	for name, tc := range map[string]struct{ data, want string }{
		"selection proof twice": {strings.Replace(j, `","proof":"`, `","proof":"00","proof":"`, 1), `contests[0].selections[0]: member "proof" appears twice`},
		"ciphertext renamed":    {strings.Replace(j, `{"ciphertext":"`, `{"x":"`, 1), `contests[0].selections[0]: unknown member "x"`},
		"ciphertext missing":    {regexp.MustCompile(`\{"ciphertext":"[0-9a-f]+",`).ReplaceAllLiteralString(j, `{`), `contests[0].selections[0]: missing member "ciphertext"`},
		"selections twice":      {strings.Replace(j, `{"selections":[`, `{"selections":[],"selections":[`, 1), `contests[0]: member "selections" appears twice`},
		"escaped sequence":      {strings.Replace(j, `"sequence":1,`, `"sequence":1,"sequ\u0065nce":2,`, 1), `member "sequence" appears twice`},
		"contest proof empty":   {regexp.MustCompile(`\],"proof":"[0-9a-f]+"`).ReplaceAllString(j, `],"proof":""`), `contests[0]: member "proof": the empty string`},
		"sequence null":         {strings.Replace(j, `"sequence":1,`, `"sequence":null,`, 1), `member "sequence": got null`},
		"sequence string":       {strings.Replace(j, `"sequence":1,`, `"sequence":"1",`, 1), `member "sequence": got a string`},
	} {
		if tc.data == j {
			t.Fatalf("%s: no change", name)
		}
		checkRefused(t, name, []byte(tc.data), tc.want)
	}
	// A remote ballot with a device member, and a cast ballot with a seed.
	r := string(jsonForms(t)[2])
	checkRefused(t, "remote with device", []byte(strings.Replace(r, `,"credential":`, `,"device":"station-1","credential":`, 1)), `member "device": present in a remote ballot`)
	checkRefused(t, "cast with seed", []byte(strings.Replace(r, `"state":"cast"`, `"state":"cast","nonceSeed":"00"`, 1)), `member "nonceSeed": present in a cast ballot`)
}

// checkRefused checks that the scan does not take data and that
// UnmarshalJSON refuses it with an error containing want.
func checkRefused(t *testing.T, name string, data []byte, want string) {
	t.Helper()
	if _, _, ok := scanBallotJSON(data); ok {
		t.Errorf("%s: the scan took %s", name, data)
	}
	var b Ballot
	err := b.UnmarshalJSON(data)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "ballot: ") {
		t.Errorf("%s: got %v, want an error containing %q", name, err, want)
	}
	if testing.Verbose() {
		t.Logf("%s: %v", name, err)
	}
}

// FuzzBallotJSONFast: whatever the direct scan accepts, the general
// decoder accepts too and turns into the same encoding.
func FuzzBallotJSONFast(f *testing.F) {
	for _, j := range jsonForms(f) {
		f.Add(j)
		// The scan must refuse a member twice or left out.
		f.Add(bytes.Replace(j, []byte(`,"sequence":`), []byte(`,"sequence":1,"sequence":`), 1))
		f.Add(regexp.MustCompile(`,"sequence":[0-9]+`).ReplaceAll(j, nil))
		f.Add(bytes.Replace(j, []byte(`,"contests":`), []byte(`,"contests":[],"contests":`), 1))
	}
	f.Add([]byte(`{"ballotId":"x","baseHash":"` + strings.Repeat("00", 32) + `","credential":"` + strings.Repeat("11", 32) + `","contests":[],"state":"cast","signature":"` + strings.Repeat("22", 64) + `","code":"` + strings.Repeat("33", 32) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsGeneral(t, data)
	})
}

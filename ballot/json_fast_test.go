package ballot

import (
	"bytes"
	"math/rand/v2"
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
		b, err := d.EncryptBallot(testVote())
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			err = d.Cast(b)
		} else {
			err = d.Challenge(b)
		}
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	bs = append(bs, f.credentialBallot(t, "remote \u00e9\u00e8", 1, Vote{}))
	h := Header{BallotID: "far", Device: "station-2", Sequence: 1<<64 - 1, Previous: bs[0].Code()}
	b, err := EncryptBallot(f.e, h, testVote(), seedOf("far"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Cast(f.deviceKeys["station-2"]); err != nil {
		t.Fatal(err)
	}
	bs = append(bs, b)
	// A ballot with a row of codes.
	cf := newFixture(t, codesManifest())
	bs = append(bs, cf.credentialBallot(t, "council", 2, codesVote(3, 9)))
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
		"other case":     strings.Replace(j, `"ballotId":`, `"BallotID":`, 1),
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

// FuzzBallotJSONFast: whatever the direct scan accepts, the general
// decoder accepts too and turns into the same encoding.
func FuzzBallotJSONFast(f *testing.F) {
	for _, j := range jsonForms(f) {
		f.Add(j)
	}
	f.Add([]byte(`{"ballotId":"x","baseHash":"` + strings.Repeat("00", 32) + `","credential":"` + strings.Repeat("11", 32) + `","contests":[],"state":"cast","signature":"` + strings.Repeat("22", 64) + `","code":"` + strings.Repeat("33", 32) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsGeneral(t, data)
	})
}

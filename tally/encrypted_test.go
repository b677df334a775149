package tally

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
)

func vectorTally(t *testing.T) (*EncryptedTally, []byte, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "encrypted-tally.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v tallyVectorFile
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	raw, _ := hex.DecodeString(v.Bytes)
	tl, err := new(EncryptedTally).SetCanonicalBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tl, raw, v.Tally
}

func TestEncryptedTallyBytesRejects(t *testing.T) {
	tl, raw, _ := vectorTally(t)
	labelEnd := 4 + len(tallyLabel)
	firstCT := labelEnd + 32 + 8 + 4 + 4 + len("board") + 4 + 4 // contest 0, selection 0, ciphertext
	set := func(off int, b ...byte) []byte {
		out := bytes.Clone(raw)
		copy(out[off:], b)
		return out
	}
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "field label length: truncated"},
		{"label", set(4, 'S'), "field label: got"},
		{"truncated", raw[:len(raw)-1], "contest 1: selections: 2 entries do not fit in the 139 bytes left"},
		{"trailing", append(bytes.Clone(raw), 0), "field end: 1 trailing bytes"},
		{"contest count", set(labelEnd+40, u32(ballot.MaxContests+1)...), "field contests: 1001 exceeds the maximum 1000"},
		{"contest count too big for input", set(labelEnd+40, u32(5)...), "contest 2: id length: truncated"},
		{"selection count", set(labelEnd+44+4+5, u32(1<<20)...), "contest 0: selections: 1048576 exceeds"},
		{"id length", set(labelEnd+44, u32(2000)...), "contest 0: id: length 2000 exceeds the maximum 1024"},
		{"id not UTF-8", set(labelEnd+48, 0xff), "contest 0: id: not valid UTF-8"},
		{"ciphertext A", set(firstCT, 0xff), "contest 0: selection 0: ciphertext: elgamal"},
		{"ciphertext B", set(firstCT+32+31, 0xff), "contest 0: selection 0: ciphertext: elgamal"},
	}
	for _, tc := range cases {
		var out EncryptedTally
		got, err := out.SetCanonicalBytes(tc.b)
		if err == nil || got != nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "tally: encrypted tally: offset ") {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
		if out.Contests != nil {
			t.Errorf("%s: receiver changed", tc.name)
		}
	}
	if !bytes.Equal(tl.Bytes(), raw) {
		t.Error("Bytes does not give back the canonical encoding")
	}
}

func TestEncryptedTallyJSONRejects(t *testing.T) {
	tl, _, js := vectorTally(t)
	var back EncryptedTally
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Compare(tl); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	var compact bytes.Buffer
	json.Compact(&compact, js)
	if !bytes.Equal(again, compact.Bytes()) {
		t.Errorf("MarshalJSON is not the vector's form:\n%s\n%s", again, compact.Bytes())
	}
	s := compact.String()
	ct := hex.EncodeToString(tl.Contests[0].Selections[0].Ciphertext.Bytes())
	other := hex.EncodeToString(tl.Contests[0].Selections[1].Ciphertext.Bytes())
	cases := map[string]struct{ data, want string }{
		"unknown member":   {strings.Replace(s, `"ballots"`, `"voters":3,"ballots"`, 1), `unknown member "voters"`},
		"trailing":         {s + " 1", "data after the end"},
		"uppercase":        {strings.Replace(s, ct, strings.ToUpper(ct), 1), "contest 0 (board): selection 0: field ciphertext: character at offset 2 is not lowercase"},
		"short ciphertext": {strings.Replace(s, ct, ct[:126], 1), "contest 0 (board): selection 0: field ciphertext: text is 126 characters"},
		"bad element":      {strings.Replace(s, ct, "ff"+ct[2:], 1), "contest 0 (board): selection 0: field ciphertext: elgamal"},
		"swapped":          {strings.Replace(s, ct, other, 1), "field hash: "},
		"ballots":          {strings.Replace(s, `"ballots":3`, `"ballots":4`, 1), "field hash: "},
		"code":             {strings.Replace(s, `"code":101`, `"code":100`, 1), "field hash: "},
		"base hash":        {strings.Replace(s, `"baseHash":"2e`, `"baseHash":"2f`, 1), "field hash: "},
		"bad base hash":    {strings.Replace(s, `"baseHash":"2e`, `"baseHash":"2`, 1), "field baseHash: text is 63 characters"},
	}
	for name, tc := range cases {
		var out EncryptedTally
		err := out.UnmarshalJSON([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "tally: encrypted tally") {
			t.Errorf("%s: got %v, want an error containing %q", name, err, tc.want)
		}
		if out.Contests != nil {
			t.Errorf("%s: receiver changed", name)
		}
	}
}

func TestEncryptedTallyValidate(t *testing.T) {
	f := newFixture(t, testManifest(), 5, 3)
	good := NewAggregator(f.e).Tally()
	if err := good.Validate(f.e); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		mod  func(*EncryptedTally)
		want string
	}{
		"base hash":         {func(t *EncryptedTally) { t.BaseHash[3] ^= 1 }, "base hash"},
		"contest missing":   {func(t *EncryptedTally) { t.Contests = t.Contests[1:] }, "3 contests, but the manifest has 4"},
		"contest id":        {func(t *EncryptedTally) { t.Contests[2].ID = "budget2" }, `contest 2: identifier "budget2"`},
		"selection missing": {func(t *EncryptedTally) { t.Contests[1].Selections = t.Contests[1].Selections[:3] }, "contest 1 (inspectors): 3 selections"},
		"code":              {func(t *EncryptedTally) { t.Contests[0].Selections[4].Code = 1 }, "contest 0 (board): selection 4: code 1"},
		"nil ciphertext":    {func(t *EncryptedTally) { t.Contests[3].Selections[2].Ciphertext = nil }, "contest 3 (projects): selection 2 (code 12): missing"},
	}
	for name, tc := range cases {
		tl := NewAggregator(f.e).Tally()
		tc.mod(tl)
		if err := tl.Validate(f.e); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
	// Locate maps positions of Ciphertexts to contests and selections.
	for i, want := range map[int][2]int{0: {0, 0}, 14: {0, 14}, 15: {1, 0}, 19: {2, 0}, 23: {3, 2}, 24: {-1, -1}, -1: {-1, -1}} {
		if c, s := good.Locate(i); c != want[0] || s != want[1] {
			t.Errorf("Locate(%d) = %d, %d, want %v", i, c, s, want)
		}
	}
	if n := len(good.Ciphertexts()); n != 24 {
		t.Errorf("%d ciphertexts, want 24", n)
	}
}

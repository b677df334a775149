package pollbook_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/pollbook"
)

func TestListFile(t *testing.T) {
	f := newFixture(t, 1, 5)
	data := f.list.Bytes()
	// The bytes of docs/spec.md (§The poll book), built by hand.
	str := func(s string) []byte { return append(binary.BigEndian.AppendUint32(nil, uint32(len(s))), s...) }
	var ps []pollbook.Pseudonym
	for i := range f.ids {
		ps = append(ps, f.pseudonym(t, i))
	}
	var sorted [][]byte
	for _, p := range ps {
		sorted = append(sorted, bytes.Clone(p[:]))
	}
	for i := range sorted { // insertion sort, independent of the package's
		for j := i; j > 0 && bytes.Compare(sorted[j-1], sorted[j]) > 0; j-- {
			sorted[j-1], sorted[j] = sorted[j], sorted[j-1]
		}
	}
	want := append(str("sandogh-v1/pollbook-list"), str("council-1405")...)
	want = append(want, 0)
	want = binary.BigEndian.AppendUint64(want, 5)
	want = append(want, bytes.Join(sorted, nil)...)
	if !bytes.Equal(data, want) {
		t.Fatalf("list file:\n%x\nwant\n%x", data, want)
	}
	if f.list.Hash() != sha256.Sum256(want) {
		t.Fatal("Hash is not the SHA-256 of the file")
	}
	l, err := pollbook.ParseList(data)
	if err != nil || l.Len() != 5 || l.ElectionID() != "council-1405" || !bytes.Equal(l.Bytes(), data) {
		t.Fatalf("ParseList: %v", err)
	}
	for _, p := range ps {
		if !l.Contains(p) {
			t.Fatal("a listed pseudonym is not found")
		}
	}
	if l.Contains(pollbook.Pseudonym{}) {
		t.Fatal("an unlisted pseudonym is found")
	}
	head := len(want) - 5*32
	for _, c := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"truncated", data[:len(data)-1], "field count"},
		{"trailing byte", append(bytes.Clone(data), 0), "field count"},
		{"weights (issue 13)", func() []byte { d := bytes.Clone(data); d[head-9] = 1; return d }(), "field entry format"},
		{"unsorted", func() []byte {
			d := bytes.Clone(data)
			copy(d[head:head+32], sorted[1])
			copy(d[head+32:head+64], sorted[0])
			return d
		}(), "entry 1 is not above entry 0"},
		{"repeated", func() []byte { d := bytes.Clone(data); copy(d[head+32:head+64], sorted[0]); return d }(), "entry 1 is not above"},
		{"label", append(str("sandogh-v1/pollbook-lisT"), data[4+24:]...), "field label"},
		{"huge count", func() []byte { d := bytes.Clone(data[:head]); binary.BigEndian.PutUint64(d[head-8:], 1<<62); return d }(), "field count"},
	} {
		if _, err := pollbook.ParseList(c.data); err == nil || !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), "pollbook: list file: ") {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.msg)
		}
	}
	if _, err := pollbook.NewList("council-1405", append(ps, ps[2])); err == nil {
		t.Fatal("NewList takes a pseudonym twice")
	}
}

func FuzzParseList(f *testing.F) {
	l, _ := pollbook.NewList("e", []pollbook.Pseudonym{{1}, {2}, {3}})
	f.Add(l.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := pollbook.ParseList(data)
		if err != nil {
			return
		}
		if !bytes.Equal(l.Bytes(), data) {
			t.Fatal("a list decodes from bytes other than its encoding")
		}
	})
}

func TestMarkJSON(t *testing.T) {
	f := newFixture(t, 1, 2)
	b := f.openBook(t, "station-1", nil)
	m, _ := b.Mark(f.pseudonym(t, 0))
	d, err := b.Admit("r-1", f.decision("station-1", "r-1", "chair", "secretary"))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []*pollbook.Mark{m, d} {
		data, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		y, err := pollbook.ParseMark(data)
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if again, _ := json.Marshal(y); !bytes.Equal(again, data) {
			t.Fatalf("round trip:\n%s\n%s", data, again)
		}
	}
	data, _ := json.Marshal(m)
	sig := strings.Repeat("00", 64)
	for _, c := range []struct{ from, to, msg string }{
		{`"sequence":1`, `"sequence":0`, "sequence 0"},
		{`"sequence":1`, `"sequence":1,"sequence":1`, "appears twice"},
		{`"sequence":1`, `"sequence":1,"time":3`, "unknown"},
		{`"pseudonym":"`, `"decision":{"reference":"x","signatures":[{"official":"a","signature":"` + sig + `"}]},"pseudonym":"`, "exactly one"},
		{`"station":"station-1",`, ``, `missing member "station"`},
		{`"signature":"`, `"signature":"AB`, "signature"},
		{`"station-1"`, `"station-1\u202e"`, "station"},
	} {
		bad := strings.Replace(string(data), c.from, c.to, 1)
		if _, err := pollbook.ParseMark([]byte(bad)); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want an error with %q", bad, err, c.msg)
		}
	}
	dd, _ := json.Marshal(d)
	for _, c := range []struct{ from, to, msg string }{
		{`"official":"chair"`, `"official":"zed"`, "ascending"},
		{`"signatures":[`, `"signatures":[],"x":[`, "unknown"},
		{`"reference":"r-1"`, `"reference":""`, "reference is empty"},
	} {
		bad := strings.Replace(string(dd), c.from, c.to, 1)
		if _, err := pollbook.ParseMark([]byte(bad)); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want an error with %q", bad, err, c.msg)
		}
	}
}

func FuzzParseMark(f *testing.F) {
	sig := strings.Repeat("01", 64)
	f.Add([]byte(`{"station":"s","sequence":1,"pseudonym":"` + strings.Repeat("ab", 32) + `","signature":"` + sig + `"}`))
	f.Add([]byte(`{"station":"s","sequence":2,"decision":{"reference":"r","signatures":[{"official":"a","signature":"` + sig + `"}]},"signature":"` + sig + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := pollbook.ParseMark(data)
		if err != nil {
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := pollbook.ParseMark(out)
		if err != nil {
			t.Fatalf("re-encoding does not decode: %v\n%s", err, out)
		}
		if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}

// A marks file of any content opens or fails with an error, never a
// panic or a hang; opened, it holds only the station's checked marks.
func FuzzMarksFile(f *testing.F) {
	fx := newFixture(f, 1, 3)
	path := filepath.Join(fx.dir, "seed.marks")
	params := pollbook.BookParams{Election: fx.e, Station: "station-1", DeviceKey: fx.keys["station-1"], Key: fx.key, List: fx.list, Committee: fx.committee}
	b, err := pollbook.OpenBook(path, params)
	if err != nil {
		f.Fatal(err)
	}
	b.Mark(fx.pseudonym(f, 0))
	b.Admit("r", fx.decision("station-1", "r", "chair", "observer"))
	b.Close()
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add(seed[:len(seed)-5])
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "m")
		os.WriteFile(p, data, 0o600)
		b, err := pollbook.OpenBook(p, params)
		if err != nil {
			return
		}
		defer b.Close()
		for i, m := range b.Marks(0) {
			if m.Station != "station-1" || m.Sequence != uint64(i+1) {
				t.Fatalf("mark %d: %+v", i, m)
			}
		}
	})
}

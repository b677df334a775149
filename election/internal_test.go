package election

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/trustee"
)

func TestIndexRoundTrip(t *testing.T) {
	x := index{
		"ballots.jsonl":        sha256.Sum256([]byte("b")),
		"election.json":        sha256.Sum256([]byte("e")),
		"tally/shares/10.json": sha256.Sum256([]byte("s10")),
		"tally/shares/2.json":  sha256.Sum256([]byte("s2")),
	}
	text := x.Bytes()
	want := fmt.Sprintf("%x  ballots.jsonl\n", x["ballots.jsonl"])
	if !strings.HasPrefix(string(text), want) {
		t.Errorf("index text starts %q, want %q", text[:len(want)], want)
	}
	y, err := parseIndex(text)
	if err != nil {
		t.Fatal(err)
	}
	if !maps_equal(x, y) {
		t.Errorf("round trip changed the index")
	}
	if y, err := parseIndex(nil); err != nil || len(y) != 0 {
		t.Errorf("empty index: %v %v", y, err)
	}
}

func maps_equal(a, b index) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestIndexRejects(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for name, text := range map[string]string{
		"no final newline": h + "  a.json",
		"one space":        h + " a.json\n",
		"short hash":       h[2:] + "  a.json\n",
		"uppercase":        strings.ToUpper(h) + "  a.json\n",
		"unsorted":         h + "  b.json\n" + h + "  a.json\n",
		"twice":            h + "  a.json\n" + h + "  a.json\n",
		"absolute":         h + "  /etc/passwd\n",
		"dot dot":          h + "  ../x\n",
		"unclean":          h + "  a//b\n",
		"space in name":    h + "  a b\n",
		"itself":           h + "  SHA256SUMS\n",
		"empty line":       h + "  a\n\n",
		"backslash":        h + "  a\\b\n",
	} {
		if _, err := parseIndex([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestShareListFileNames(t *testing.T) {
	for j := 1; j <= 1024; j *= 2 {
		if got, ok := parseShareListFile(shareListFile(j)); !ok || got != j {
			t.Errorf("%s: %d %v", shareListFile(j), got, ok)
		}
	}
	for _, bad := range []string{"tally/shares/0.json", "tally/shares/01.json", "tally/shares/.json", "tally/shares/1.JSON", "tally/shares/1", "tally/shares/-1.json", "tally/shares/+1.json", "tally/1.json", "tally/shares/99999.json"} {
		if _, ok := parseShareListFile(bad); ok {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestLineReader(t *testing.T) {
	long := bytes.Repeat([]byte("x"), maxLine+1)
	data := slices.Concat([]byte("a\n\nbc\n"), long, []byte("\nd\ntorn"))
	lr := newLineReader(bytes.NewReader(data))
	type got struct {
		num    int
		offset int64
		data   string
		err    bool
	}
	var lines []got
	for {
		l, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, got{l.num, l.offset, string(l.data), l.err != nil})
	}
	want := []got{{1, 0, "a", false}, {2, 2, "", true}, // an empty line is an error of its own
		{3, 3, "bc", false}, {4, 6, "", true}, {5, int64(6 + len(long) + 1), "d", false}, {6, int64(6 + len(long) + 3), "", true}}
	if !slices.Equal(lines, want) {
		t.Errorf("lines %v,\nwant %v", lines, want)
	}
	if lr.sum() != sha256.Sum256(data) {
		t.Error("the hash is not the file's")
	}
}

func TestPipelineOrder(t *testing.T) {
	var b bytes.Buffer
	for i := range 1000 {
		fmt.Fprintf(&b, "%d\n", i)
	}
	for _, workers := range []int{1, 2, 7} {
		next := 0
		err := pipeline(newLineReader(bytes.NewReader(b.Bytes())), workers, func(l rawLine) string {
			return string(l.data) + "!"
		}, func(l rawLine, s string) error {
			if want := fmt.Sprintf("%d!", next); s != want || l.num != next+1 {
				return fmt.Errorf("line %d: %q, want %q", l.num, s, want)
			}
			next++
			return nil
		})
		if err != nil || next != 1000 {
			t.Errorf("workers %d: %v after %d lines", workers, err, next)
		}
		// A sink error stops the pipeline and is returned.
		stop := errors.New("stop")
		n := 0
		err = pipeline(newLineReader(bytes.NewReader(b.Bytes())), workers, func(l rawLine) int { return l.num }, func(rawLine, int) error {
			if n++; n == 100 {
				return stop
			}
			return nil
		})
		if err != stop || n != 100 {
			t.Errorf("workers %d: stop: %v after %d lines", workers, err, n)
		}
	}
}

// TestDedup checks the external sort with runs spilled to disk: for every
// entry, finish reports the first earlier line that added its key (an
// opAbsentAdd entry), or 0, and nothing else.
func TestDedup(t *testing.T) {
	for _, spill := range []int{3, 16, 1 << 20} {
		d := newDedup(t.TempDir(), spill)
		type visit struct {
			line, added int64
		}
		var want []visit
		firstAdd := map[int]int64{}
		for line := int64(1); line <= 200; line++ {
			k := int(line*7919) % 150 // keys repeat
			op := uint8(opAbsent)
			if line%3 != 0 {
				op = opAbsentAdd
			}
			want = append(want, visit{line, firstAdd[k]})
			if _, ok := firstAdd[k]; !ok && op == opAbsentAdd {
				firstAdd[k] = line
			}
			if err := d.add(dupEntry{key: dupKey('a', []byte{byte(k), byte(k >> 8)}), line: line, kind: 'a', op: op}); err != nil {
				t.Fatal(err)
			}
		}
		got := map[int64]int64{}
		err := d.finish(func(e dupEntry, added int64) {
			got[e.line] = added
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("spill %d: %d entries visited, want %d", spill, len(got), len(want))
		}
		repeats := 0
		for _, w := range want {
			if got[w.line] != w.added {
				t.Errorf("spill %d: line %d: added by %d, want %d", spill, w.line, got[w.line], w.added)
			}
			if w.added != 0 {
				repeats++
			}
		}
		if repeats == 0 {
			t.Errorf("spill %d: no repeated key", spill)
		}
	}
}

// testBallot returns a cast ballot of a small election with two contests.
func testBallot(t testing.TB) (*ballot.Election, *ballot.Ballot) {
	m := &ballot.Manifest{ElectionID: "t", Policy: ballot.OneBallotPerCredential, Contests: []ballot.Contest{
		{ID: "a", Kind: ballot.UpTo, Limit: 2, Seats: 1, Candidates: []ballot.Candidate{{Code: 1, Name: "x"}, {Code: 2, Name: "y"}, {Code: 3, Name: "z"}}},
		{ID: "b", Kind: ballot.YesNo, Candidates: []ballot.Candidate{{Code: 1, Name: "yes"}, {Code: 2, Name: "no"}}},
	}}
	_, pk := elgamal.GenerateKey()
	cred, err := ballot.NewCredential(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	list, _ := ballot.NewCredentialList([]ed25519.PublicKey{cred.PublicKey()})
	e, err := ballot.NewElection(ballot.Parameters{Manifest: m, PublicKey: pk, VerificationKeys: []*group.Element{group.NewGeneratorElement()}, Threshold: 1, Credentials: list})
	if err != nil {
		t.Fatal(err)
	}
	pb, err := ballot.EncryptBallot(e, ballot.Header{BallotID: "x", Credential: cred.PublicKey()}, ballot.Vote{"a": {1: 1}}, bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	b, err := pb.Cast(cred.PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	return e, b
}

func TestWriterAppendOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir); err == nil {
		t.Error("Create accepted a folder that holds a record")
	}
	if err := w.addBytes("devices.json", []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.addBytes("devices.json", []byte("{}\n")); err != nil {
		t.Errorf("writing a file again with the same content: %v", err)
	}
	if err := w.addBytes("devices.json", []byte("[]\n")); err == nil {
		t.Error("a file was rewritten with other content")
	}
	for _, bad := range []string{"../x", "/abs", "a b", ""} {
		if err := w.addBytes(bad, nil); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
	x := readIndex(t, dir)
	if h, ok := x["devices.json"]; !ok || h != sha256.Sum256([]byte("{}\n")) {
		t.Errorf("index %v", x)
	}
	// A crash during a write leaves a temporary file, which is not part of
	// the record; OpenWriter removes it and keeps what was listed.
	if err := os.MkdirAll(filepath.Join(dir, "tally"), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tally", tmpPrefix+"0123-encrypted.json")
	os.WriteFile(tmp, []byte("partial"), 0o644)
	w2, err := OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Error("OpenWriter left the temporary file")
	}
	if err := w2.addBytes("devices.json", nil); err == nil {
		t.Error("a resumed writer rewrote a listed file")
	}
	// A crash after the rename but before the index: the file is there,
	// unlisted; writing it again with the same content lists it.
	os.WriteFile(filepath.Join(dir, "challenged.jsonl"), []byte("x\n"), 0o644)
	if err := w2.addBytes("challenged.jsonl", []byte("y\n")); err == nil {
		t.Error("an unlisted file was replaced with other content")
	}
	if err := w2.addBytes("challenged.jsonl", []byte("x\n")); err != nil {
		t.Error(err)
	}
	if err := w2.addBytes("tally/encrypted.json", []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	if x := readIndex(t, dir); len(x) != 3 {
		t.Errorf("index after resuming: %v", x)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, "tally")); len(ents) != 1 {
		t.Errorf("tally holds %d files", len(ents))
	}
}

func readIndex(t *testing.T, dir string) index {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, fileIndex))
	if err != nil {
		t.Fatal(err)
	}
	x, err := parseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// FuzzIndex: the index parser never panics, and what it accepts it
// re-encodes to the same bytes.
func FuzzIndex(f *testing.F) {
	f.Add([]byte(strings.Repeat("ab", 32) + "  election.json\n"))
	f.Add([]byte(""))
	f.Add([]byte(strings.Repeat("00", 32) + "  a\n" + strings.Repeat("00", 32) + "  b/c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := parseIndex(data)
		if err != nil {
			return
		}
		if !bytes.Equal(x.Bytes(), data) {
			t.Errorf("accepted %q, re-encodes to %q", data, x.Bytes())
		}
	})
}

// FuzzBoxLine: decoding a line of ballots.jsonl never panics, and a decoded
// ballot has a fingerprint for its identifier and one per ciphertext.
func FuzzBoxLine(f *testing.F) {
	_, b := testBallot(f)
	raw, err := b.MarshalJSON()
	if err != nil {
		f.Fatal(err)
	}
	line := slices.Concat([]byte(`{"ballot":`), raw, []byte("}"))
	f.Add(line)
	f.Add(line[:len(line)/2])
	f.Add(slices.Concat([]byte(`{"refused":{"step":"proof","contest":0,"selection":3,"ballot":`), raw, []byte("}}")))
	f.Add([]byte(`{"box":{"version":2,"electionId":"t","baseHash":"` + strings.Repeat("00", 32) + `"}}`))
	f.Add([]byte(`{"opening":{}}`))
	f.Add([]byte(`{"ballot":null}`))
	f.Add([]byte(`{"ballot":{}, "box":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ballot.ParseBoxLine(data)
		if err != nil || l.Ballot == nil {
			return
		}
		n := 1
		for i := range l.Ballot.NumContests() {
			n += len(l.Ballot.Ciphertexts(i))
		}
		if fps := l.Ballot.Fingerprints(); len(fps) != n {
			t.Errorf("a decoded ballot has %d fingerprints for %d ciphertexts", len(fps), n-1)
		}
	})
}

// FuzzSmallFiles: the decoders of election.json, devices.json,
// credentials.json and challenged.jsonl lines never panic.
func FuzzSmallFiles(f *testing.F) {
	e, _ := testBallot(f)
	el, _ := encodeElection(e)
	dv, _ := encodeDevices(e)
	cr, _ := encodeCredentials(e.Credentials())
	for _, s := range [][]byte{el, dv, cr, []byte(`[{"id":"a","publicKey":"00"}]`), []byte(`{"line":1,"ballotId":"x","code":"` + strings.Repeat("00", 32) + `","vote":{"a":{"1":1}}}`)} {
		f.Add(s)
		f.Add(s[:len(s)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := new(published)
		decodeElectionFile(data, p)
		decodeDevicesFile(data, p)
		decodeCredentialsFile(data, p)
		var j challengedJSON
		strictJSON(data, &j)
		if p.manifest != nil && p.publicKey != nil && p.credentials != nil {
			p.election()
		}
	})
}

// TestCounterSupersedes: the counter adds the accepted cast ballots and
// subtracts, at the end, those a revote superseded.
func TestCounterSupersedes(t *testing.T) {
	e, b := testBallot(t)
	c := newCounter(e)
	for _, v := range []struct {
		line int64
		v    ballot.Verdict
	}{
		{5, ballot.Verdict{Outcome: ballot.Accepted, Counted: true}},
		{7, ballot.Verdict{Outcome: ballot.Refused}},
		{9, ballot.Verdict{Outcome: ballot.Accepted, Counted: true, Supersedes: 5}},
	} {
		if err := c.count(v.line, b, v.v); err != nil {
			t.Fatal(err)
		}
	}
	if !c.remove[5] || len(c.remove) != 1 {
		t.Errorf("remove %v, want line 5", c.remove)
	}
}

// TestFinishBallotsDamaged: a damaged ballot box file is an error, and
// nothing is written.
func TestFinishBallotsDamaged(t *testing.T) {
	e, b := testBallot(t)
	// Records of the election's parameters alone (hand-made keys, no
	// ceremony), as WriteElection leaves them.
	create := func(name string) (*Writer, string) {
		dir := filepath.Join(t.TempDir(), name)
		w, err := Create(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.writeParameters(e); err != nil {
			t.Fatal(err)
		}
		return w, dir
	}
	w, dir := create("rec")
	box, err := w.OpenBox(e)
	if err != nil {
		t.Fatal(err)
	}
	if err := box.AcceptBallot(b); err != nil {
		t.Fatal(err)
	}
	box.Close()
	// A good box file finishes; its tally counts the ballot.
	w2, _ := create("rec2")
	data, _ := os.ReadFile(w.BallotsPath())
	os.WriteFile(w2.BallotsPath(), data, 0o644)
	et, err := w2.FinishBallots(e)
	if err != nil || et.Ballots != 1 {
		t.Fatalf("FinishBallots: %v, %v", et, err)
	}
	if et2, err := w2.FinishBallots(e); err != nil || et2.Compare(et) != nil {
		t.Errorf("FinishBallots run again: %v", err)
	}
	// A tamperer who can write the finished, read-only file.
	os.Chmod(w2.BallotsPath(), 0o644)
	if err := os.WriteFile(w2.BallotsPath(), append(data, data[len(data)-10:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := w2.FinishBallots(e); err == nil {
		t.Error("FinishBallots accepted a ballot file changed after it was listed")
	}
	// A damaged line is an error, and nothing is listed.
	before := readIndex(t, dir)
	data = bytes.Replace(data, []byte(`"state":"cast"`), []byte(`"state":"lost"`), 1)
	os.WriteFile(w.BallotsPath(), data, 0o644)
	if _, err := w.FinishBallots(e); err == nil {
		t.Fatal("a damaged box file was accepted")
	}
	if x := readIndex(t, dir); len(x) != len(before) {
		t.Errorf("index after a failed step: %v", x)
	}
	if fi, err := os.Stat(w.BallotsPath()); err != nil || fi.Mode().Perm()&0o200 == 0 {
		t.Errorf("a failed FinishBallots finished the box: %v, %v", fi.Mode(), err)
	}
}

// TestVerifyUnreadable: Verify returns an error, not a report, for a
// folder that is not a record or does not exist.
func TestVerifyUnreadable(t *testing.T) {
	if _, err := Verify(filepath.Join(t.TempDir(), "absent"), nil); err == nil {
		t.Error("a missing folder was verified")
	}
	if _, err := Verify(t.TempDir(), nil); !errors.Is(err, ErrNotRecord) {
		t.Errorf("an empty folder: %v, want ErrNotRecord", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := Verify(f, nil); err == nil {
		t.Error("a file was verified as a folder")
	}
}

// TestVerifyIncomplete: a record stopped after the election's parameters
// is read; every later check fails with a finding or is not checked, and
// progress is reported.
func TestVerifyIncomplete(t *testing.T) {
	e, _ := vectorElection(t)
	dir := filepath.Join(t.TempDir(), "rec")
	w, _ := Create(dir)
	// Hand-made keys, no ceremony: the parameter files alone, without
	// WriteElection's checks against a recorded ceremony.
	if err := w.writeParameters(e); err != nil {
		t.Fatal(err)
	}
	stages := map[string]bool{}
	rep, err := Verify(dir, &Options{Progress: func(stage string, done, total int64) { stages[stage] = true }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Valid() {
		t.Fatal("an incomplete record is valid")
	}
	for _, c := range rep.Checks {
		// The election has no CodeList or Ranked contest: checks 16 to
		// 20 and 24 have nothing to check. The checks that read a missing file fail (the
		// missing file is their finding), and those that need what these
		// checks would have decoded are not checked.
		var want Verdict
		switch c.Check {
		case CheckParameters, CheckCredentials:
			want = Passed
		case CheckCeremony, CheckBallots, CheckResults, CheckIndex:
			want = Failed
		default:
			want = NotChecked
		}
		if c.Check >= CheckMixInput && c.Check <= CheckRowResults || c.Check == CheckPollBook || c.Check == CheckRankedCounts || c.Check == CheckListAllocation {
			want = NotApplicable // no pollbook.json: an optional file
		}
		if c.Verdict != want {
			t.Errorf("check %d: %v, want %v (%v)", c.Check, c.Verdict, want, c.NotChecked)
		}
	}
	if !stages["parameters"] || !stages["index"] {
		t.Errorf("progress stages %v", stages)
	}
}

// dupKey is a fingerprint for the dedup tests.
func dupKey(kind byte, data []byte) [16]byte {
	h := sha256.Sum256(append([]byte{kind}, data...))
	return [16]byte(h[:16])
}

// FuzzLayout: the layout judge never panics, never accepts a path that is
// not a clean record path, and answers "unknown" only for what depends on
// the manifest or the roster.
func FuzzLayout(f *testing.F) {
	for _, s := range []string{"tally/shares/3.json", "tally/shares/03.json", "mixnet/0/stages/12.bin", "mixnet/1/shares/2.bin", "mixnet/0/decrypted.jsonl", "mixnet", "trustees", "../x", "a//b", ".tmp-x-results.json"} {
		f.Add(s, false, true, 3)
		f.Add(s, true, false, 0)
	}
	f.Fuzz(func(t *testing.T, name string, dir, codeListsKnown bool, trustees int) {
		l := &layout{codeListsKnown: codeListsKnown, trustees: max(0, trustees%20)}
		if codeListsKnown {
			l.codeLists = []int{0, 2}
		}
		why, unknown := l.judge(name, dir)
		if why == "" && unknown == "" && checkRelPath(name) != nil {
			t.Fatalf("%q (folder %v) accepted, but it is not a clean path", name, dir)
		}
		if unknown != "" && why != "" {
			t.Fatalf("%q: both a reason and an unknown", name)
		}
		if unknown == unknownCodeLists && codeListsKnown || unknown == unknownTrustees && l.trustees != 0 {
			t.Fatalf("%q: unknown %q although it is known", name, unknown)
		}
	})
}

// TestCompareCeremonyResults: the difference between a published and a
// recomputed ceremony outcome is named in prose, entry by entry, not in
// Go's slice syntax ("field qualified: [1 2], the ceremony qualifies [1
// 2 3]" before).
func TestCompareCeremonyResults(t *testing.T) {
	base := func() *trustee.Result {
		return &trustee.Result{Ceremony: []byte{1}, Threshold: 2, Qualified: []int{1, 2, 3},
			Excluded:  []trustee.Exclusion{},
			Judgments: []trustee.Judgment{{Complainant: 1, Dealer: 2, Outcome: trustee.ComplaintDismissed}},
			PublicKey: group.NewElement(), VerificationKeys: []*group.Element{group.NewElement(), group.NewElement(), group.NewElement()}}
	}
	for _, tt := range []struct {
		change func(r *trustee.Result)
		want   string
	}{
		{func(r *trustee.Result) { r.Qualified = []int{1, 2} }, "field qualified: dealers 1 and 2, but the ceremony qualifies dealers 1, 2 and 3"},
		{func(r *trustee.Result) {
			r.Qualified = []int{1, 2, 3}
			r.Excluded = []trustee.Exclusion{{Dealer: 4, Reason: trustee.MissingShare, Trustee: 1, Coefficient: -1}}
		}, "field excluded: entry 0: dealer 4: missing-share (trustee 1), which the ceremony does not have"},
		{func(r *trustee.Result) { r.Judgments = nil }, "field judgments: 0 entries, the ceremony also has entry 0: trustee 1 against dealer 2: dismissed"},
		{func(r *trustee.Result) { r.Judgments[0].Outcome = trustee.ComplaintUpheld },
			"field judgments: entry 0: trustee 1 against dealer 2: upheld, but the ceremony's is trustee 1 against dealer 2: dismissed"},
	} {
		pub := base()
		tt.change(pub)
		if got := compareCeremonyResults(base(), pub); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

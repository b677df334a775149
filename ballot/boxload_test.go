package ballot

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// withLoadBatch runs f with the box reading its file back in batches of n
// lines.
func withLoadBatch(n int, f func()) {
	defer func(old int) { loadBatchLines = old }(loadBatchLines)
	loadBatchLines = n
	f()
}

// TestBoxReloadChecksProofs: a line written as accepted whose proofs do
// not verify, or whose released seed does not open it, though its
// signature does (what a signer's forgery, or an edit of the file by
// someone holding a signing key, looks like), stops OpenBox with an error
// that names the line, in every batch size, even as the last line (which is
// not cut away as a torn write: it decodes).
func TestBoxReloadChecksProofs(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	b := f.credentialBallot(t, "p0", 0, testVote())
	accept(t, x, b)
	// A copied proof, signed by a voter: refused at step 11 and written so.
	forged := f.credentialBallot(t, "p1", 1, testVote())
	forged.contests[3].selections[0].proof = b.contests[3].selections[0].proof
	forged.contests[3].selections[0].proofBytes = nil
	forged = resign(t, f.e, forged, forged.header, f.credentials[1].PrivateKey())
	_, err := x.Accept(forged.Bytes())
	wantRefusal(t, err, StepProof, 3, 0)
	// A challenged ballot whose released seed does not open it.
	pbad, _ := d.EncryptBallot(testVote())
	pbad.nonces, _ = NewNoncesForTest(seedOf("wrong"))
	bad, _ := d.Challenge(pbad)
	_, err = x.Accept(bad.Bytes())
	wantRefusal(t, err, StepChallenge, -1, -1)
	accept(t, x, f.credentialBallot(t, "p2", 2, Vote{}))
	x.Close()
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(good, []byte("\n"))
	// header, opening, p0, p1 refused, bad refused, p2
	for _, c := range []struct {
		line int
		b    *Ballot
		want string
	}{
		{4, forged, "written as accepted, but the acceptance rule refuses it (proof, contest 3, selection 0): range proof does not verify"},
		{5, bad, "written as accepted, but the acceptance rule refuses it (challenge"},
	} {
		j, err := c.b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		edited := bytes.Replace(good, lines[c.line-1], []byte(`{"ballot":`+string(j)+"}\n"), 1)
		// The edited line in the middle, and as the last line: a line
		// that decodes is not a torn write.
		last := bytes.Join(bytes.SplitAfter(edited, []byte("\n"))[:c.line], nil)
		for _, file := range [][]byte{edited, last} {
			if err := os.WriteFile(path, file, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, batch := range []int{1, 2, 2048} {
				withLoadBatch(batch, func() {
					y, err := OpenBox(path, f.e)
					if err == nil {
						y.Close()
					}
					if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("line %d: ", c.line)) || !strings.Contains(err.Error(), c.want) {
						t.Fatalf("line %d (batches of %d lines): %v", c.line, batch, err)
					}
				})
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, file) {
				t.Fatal("OpenBox changed a file it refused")
			}
		}
	}
	// The file as written reads back, its refusals with them.
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	y, err := OpenBox(path, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	_, err = y.Accept(forged.Bytes())
	wantRefusal(t, err, StepProof, 3, 0)
	wantRecorded(t, err, true)
}

// TestBoxReloadProgress: OpenBoxProgress reports each batch read back, and
// last the whole file.
func TestBoxReloadProgress(t *testing.T) {
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	d := f.openDevice(t, x, "station-1")
	for range 5 {
		accept(t, x, castOn(t, d, Vote{}))
	}
	x.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	size := int64(len(data))
	for _, c := range []struct {
		batch int
		calls string
	}{
		// The header alone, then batches.
		{2, "1 3 5 7"},
		{3, "1 4 7"},
		{2048, "1 7"},
	} {
		withLoadBatch(c.batch, func() {
			var calls []string
			last := int64(0)
			y, err := OpenBoxProgress(path, f.e, func(lines, bytes, total int64) {
				calls = append(calls, fmt.Sprint(lines))
				if total != size || bytes <= last || bytes > total {
					t.Errorf("batches of %d: progress %d lines, %d of %d bytes after %d", c.batch, lines, bytes, total, last)
				}
				last = bytes
			})
			if err != nil {
				t.Fatal(err)
			}
			y.Close()
			if got := strings.Join(calls, " "); got != c.calls || last != size {
				t.Fatalf("batches of %d: progress after lines %s, want %s; last at byte %d of %d", c.batch, got, c.calls, last, size)
			}
		})
	}
}

// TestBoxTornLineBatches runs TestBoxTornLine with the file read back in
// batches of one and two lines, so that the torn or damaged last line
// falls at the end of a batch and inside one; and checks that a damaged
// line followed by an unterminated one is not taken for a torn write.
func TestBoxTornLineBatches(t *testing.T) {
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprint("lines=", n), func(t *testing.T) {
			withLoadBatch(n, func() { TestBoxTornLine(t) })
		})
	}
	f := newFixture(t, testManifest())
	x, path := openTestBox(t, f)
	accept(t, x, f.credentialBallot(t, "t1", 0, Vote{}))
	x.Close()
	good, _ := os.ReadFile(path)
	os.WriteFile(path, append(bytes.Clone(good), "{\"ballot\":{\"x\n{\"ballot\":"...), 0o644)
	for _, n := range []int{1, 2, 2048} {
		withLoadBatch(n, func() {
			if _, err := OpenBox(path, f.e); err == nil || !strings.Contains(err.Error(), "line 3: ") {
				t.Fatalf("batches of %d: a damaged line before a torn one: %v", n, err)
			}
		})
	}
}

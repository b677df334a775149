package boxserver_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
)

// TestSubmitAndLookup: a device opens and submits its chain; the answers
// are durable (the file holds them), the tip follows, a voter finds her
// ballot by its short code, and a repeated submission writes nothing.
func TestSubmitAndLookup(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	o, bs := w.chain(t, "station-1", 6, 1)
	c := w.client("station-1")
	a, err := c.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if a.Results[0].Outcome != boxserver.Accepted || !a.Tip.Opened || a.Tip.Sequence != 0 {
		t.Fatalf("opening answered %+v", a)
	}
	a, err = c.Submit(ctx, bs[:4])
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range a.Results {
		if r.Outcome != boxserver.Accepted || r.Sequence != uint64(i+1) {
			t.Fatalf("result %d: %+v", i, r)
		}
	}
	if a.Tip.Sequence != 4 || a.Tip.Code != bs[3].ConfirmationCode() {
		t.Fatalf("tip %+v", a.Tip)
	}
	data, _ := os.ReadFile(w.path)
	if n := bytes.Count(data, []byte("\n")); n != 1+1+4 {
		t.Fatalf("%d lines in the box after 4 acknowledged ballots", n)
	}
	// The same request again: the same answers, nothing written.
	again, err := c.Submit(ctx, bs[:4])
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Results {
		if again.Results[i] != a.Results[i] {
			t.Fatalf("repeat answered %+v, first %+v", again.Results[i], a.Results[i])
		}
	}
	// Out of order: ballot 6 before 5 is rejected, nothing written; then
	// 5 and 6 in order.
	a, err = c.Submit(ctx, bs[5:6])
	if err != nil {
		t.Fatal(err)
	}
	if r := a.Results[0]; r.Outcome != boxserver.Rejected || r.Step != ballot.StepChainGap || a.Tip.Sequence != 4 {
		t.Fatalf("ballot 6 before 5 answered %+v, tip %+v", r, a.Tip)
	}
	if _, err := c.Submit(ctx, bs[4:]); err != nil {
		t.Fatal(err)
	}
	data2, _ := os.ReadFile(w.path)
	if n := bytes.Count(data2, []byte("\n")); n != 1+1+6 {
		t.Fatalf("%d lines in the box, want 8", n)
	}
	tip, err := c.Tip(ctx)
	if err != nil || tip.Sequence != 6 || tip.Code != bs[5].ConfirmationCode() {
		t.Fatalf("Tip = %+v, %v", tip, err)
	}
	f, err := boxserver.Lookup(ctx, nil, w.http.URL, bs[2].ConfirmationCode().Short())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Ballots) != 1 || f.Ballots[0].Code != bs[2].ConfirmationCode() || f.Ballots[0].Outcome != boxserver.Accepted || f.Ballots[0].Line != 5 {
		t.Fatalf("Lookup = %+v", f)
	}
	if f.Ballots[0].State != "cast" {
		t.Fatalf("state %q", f.Ballots[0].State)
	}
	_, err = boxserver.Lookup(ctx, nil, w.http.URL, "not a code")
	var se *boxserver.StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadRequest {
		t.Fatalf("Lookup of a malformed code: %v", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.events) < 1+4+4+1+2 {
		t.Fatalf("%d events logged", len(w.events))
	}
}

// TestRequestAuthentication: every submission is signed by a registered
// device over its path, its chain position and its body; anything else is
// refused before the box sees it, and the box's file is unchanged.
func TestRequestAuthentication(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	o, bs := w.chain(t, "station-1", 2, 2)
	if _, err := w.client("station-1").Open(ctx, o); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(w.path)
	body := boxserver.EncodeBallotsForTest(bs[:1], nil)
	sign := func(device string, key []byte, path string, position uint64, body []byte) http.Header {
		h := http.Header{}
		boxserver.SignHeadersForTest(h, w.f.E.BaseHash(), device, key, path, position, body)
		return h
	}
	k1, k2 := w.f.Keys["station-1"], w.f.Keys["station-2"]
	oddHints := boxserver.EncodeBallotsForTest(bs[:1], [][]byte{make([]byte, 33)})
	longHints := boxserver.EncodeBallotsForTest(bs[:1], [][]byte{make([]byte, 32*(len(bs[0].Bytes())/32+1))})
	cases := []struct {
		name   string
		path   string
		header http.Header
		body   []byte
		status int
		says   string
	}{
		{"unsigned", "/v1/ballots", http.Header{}, body, 401, "Sandogh-Device is missing"},
		{"unregistered device", "/v1/ballots", sign("station-9", k1, "/v1/ballots", 1, body), body, 401, "not registered"},
		{"another device's key", "/v1/ballots", sign("station-1", k2, "/v1/ballots", 1, body), body, 401, "signature"},
		{"body changed", "/v1/ballots", sign("station-1", k1, "/v1/ballots", 1, body), append(bytes.Clone(body), 0), 401, "signature"},
		{"signed for another path", "/v1/ballots", sign("station-1", k1, "/v1/opening", 1, body), body, 401, "signature"},
		{"signed at another position", "/v1/ballots", repositioned(sign("station-1", k1, "/v1/ballots", 2, body), "1"), body, 401, "signature"},
		{"position not the first ballot's", "/v1/ballots", sign("station-1", k1, "/v1/ballots", 2, body2(w, bs)), body2(w, bs), 400, "first ballot's sequence number is 1"},
		{"another device's ballots", "/v1/ballots", sign("station-2", k2, "/v1/ballots", 1, body), body, 400, "is not a ballot of device"},
		{"not a ballot", "/v1/ballots", sign("station-1", k1, "/v1/ballots", 1, []byte{0, 0, 0, 3, 1, 2, 3}), []byte{0, 0, 0, 3, 1, 2, 3}, 400, "ballot 0"},
		{"length past the end", "/v1/ballots", sign("station-1", k1, "/v1/ballots", 1, []byte{0, 0, 1, 0, 1}), []byte{0, 0, 1, 0, 1}, 400, "longer than the rest"},
		{"empty", "/v1/ballots", sign("station-1", k1, "/v1/ballots", 1, nil), nil, 400, "no ballots"},
		{"hints not whole", "/v1/ballots", sign("station-1", k1, "/v1/ballots", 1, oddHints), oddHints, 400, "not a multiple of 32"},
		{"hints longer than the ballot", "/v1/ballots", sign("station-1", k1, "/v1/ballots", 1, longHints), longHints, 400, "decoding hints: length"},
		{"signature in uppercase", "/v1/ballots", uppercased(sign("station-1", k1, "/v1/ballots", 1, body)), body, 401, "lowercase hexadecimal"},
		{"position with a sign", "/v1/ballots", repositioned(sign("station-1", k1, "/v1/ballots", 1, body), "+1"), body, 401, "Sandogh-Position"},
		{"position with a leading zero", "/v1/ballots", repositioned(sign("station-1", k1, "/v1/ballots", 1, body), "01"), body, 401, "leading zeros"},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, w.http.URL+tc.path, bytes.NewReader(tc.body))
		for k, v := range tc.header {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(msg), tc.says) {
			t.Errorf("%s: %d %s, want %d saying %q", tc.name, resp.StatusCode, msg, tc.status, tc.says)
		}
	}
	after, _ := os.ReadFile(w.path)
	if !bytes.Equal(before, after) {
		t.Fatal("a refused request changed the box's file")
	}
	// A GET where a POST is due, and an unknown path.
	resp, _ := http.Get(w.http.URL + "/v1/ballots")
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/ballots: %d", resp.StatusCode)
	}
	resp.Body.Close()
	resp, _ = http.Get(w.http.URL + "/v2/anything")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /v2/anything: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

func body2(w *world, bs []*ballot.Ballot) []byte { return boxserver.EncodeBallotsForTest(bs[:1], nil) }

// TestHintsChangeNothing: ballots sent with their own decoding hints, with
// wrong ones, with too few and with none are decided alike, and the box
// writes each ballot's canonical encoding, hints or not.
func TestHintsChangeNothing(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	o, bs := w.chain(t, "station-1", 4, 0)
	c := w.client("station-1")
	if _, err := c.Open(ctx, o); err != nil {
		t.Fatal(err)
	}
	right := bs[0].DecodingHints()
	wrong := make([]byte, len(bs[1].DecodingHints()))
	rand.Read(wrong)
	short := bs[2].DecodingHints()[:64]
	for i, h := range [][]byte{right, wrong, short, nil} {
		a, err := c.SubmitHinted(ctx, bs[i:i+1], [][]byte{h})
		if err != nil {
			t.Fatalf("ballot %d: %v", i, err)
		}
		if r := a.Results[0]; r.Outcome != "accepted" {
			t.Fatalf("ballot %d: %+v", i, r)
		}
	}
	data, err := os.ReadFile(w.path)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range bs {
		line, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, line) {
			t.Fatalf("ballot %d: its canonical line is not in the box", i)
		}
	}
}

// TestPublicRecord: the record's files and the box's file are served
// read-only as they grow, with an index whose sums are those of the
// bytes served; nothing outside the index is served.
func TestPublicRecord(t *testing.T) {
	f := newWorld(t, 1)
	f.stop(t)
	os.WriteFile(f.dir+"/election.json", []byte("{\"x\":1}\n"), 0o644)
	os.WriteFile(f.dir+"/secret.txt", []byte("key\n"), 0o644)
	sum := sha256.Sum256([]byte("{\"x\":1}\n"))
	os.WriteFile(f.dir+"/SHA256SUMS", []byte(hex.EncodeToString(sum[:])+"  election.json\n"), 0o644)
	box, err := ballot.OpenBox(f.path, f.f.E)
	if err != nil {
		t.Fatal(err)
	}
	srv := boxserver.New(f.f.E, box, boxserver.Config{RecordDir: f.dir})
	defer func() { srv.Close(); box.Close() }()
	hs := newLoopback(t, srv)
	ctx := context.Background()
	o, bs := f.chain(t, "station-1", 3, 3)
	c := f.clientAt(hs, "station-1")
	if _, err := c.Open(ctx, o); err != nil {
		t.Fatal(err)
	}
	get := func(name string) (int, []byte) {
		resp, err := http.Get(hs + "/record/" + name)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, data
	}
	for step := range 2 {
		if step == 1 {
			if _, err := c.Submit(ctx, bs); err != nil {
				t.Fatal(err)
			}
		}
		_, index := get("SHA256SUMS")
		_, ballots := get("ballots.jsonl")
		bsum := sha256.Sum256(ballots)
		want := hex.EncodeToString(bsum[:]) + "  ballots.jsonl\n" + hex.EncodeToString(sum[:]) + "  election.json\n"
		if string(index) != want {
			t.Fatalf("step %d: index\n%s\nwant\n%s", step, index, want)
		}
		onDisk, _ := os.ReadFile(f.path)
		if !bytes.Equal(ballots, onDisk) {
			t.Fatalf("step %d: ballots.jsonl served is not the box's file", step)
		}
	}
	if st, data := get("election.json"); st != 200 || string(data) != "{\"x\":1}\n" {
		t.Fatalf("election.json: %d %q", st, data)
	}
	for _, name := range []string{"secret.txt", "../SHA256SUMS", "%2e%2e/etc/passwd"} {
		if st, _ := get(name); st != http.StatusNotFound {
			t.Errorf("%s served with status %d", name, st)
		}
	}
}

func repositioned(h http.Header, position string) http.Header {
	h.Set("Sandogh-Position", position)
	return h
}

func uppercased(h http.Header) http.Header {
	h.Set("Sandogh-Signature", strings.ToUpper(h.Get("Sandogh-Signature")))
	return h
}

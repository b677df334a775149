package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/council/council"
	"github.com/sandogh/sandogh/internal/digits"
	"github.com/sandogh/sandogh/internal/forge"
	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/tally"
)

// How the HTML report is tested. The page is written to be well-formed
// XML as well as HTML (closed void elements, quoted attributes, only XML's
// entities), so the tests parse it with encoding/xml in strict mode, the
// standard library's only full parser of markup, and look at the tree: a
// page that is not well-formed, or where a finding's text became markup,
// fails there. html/template's escaping is what guarantees that text from
// the record stays text; the tests check the outcome on hostile text (a
// finding holding "<script>", a device named "<b>…", a stray file named
// with an <img> tag and a right-to-left override). Then a real browser,
// Debian's headless Chromium, renders the page to a PNG, which the tests
// decode and check is not blank: more than one colour, a fair share of
// pixels that are not the background, and the colours of the chart's bars.

// A node is an element of the parsed page.
type node struct {
	name     string
	attrs    map[string]string
	children []*node
	text     strings.Builder // all the text inside, descendants' included
}

// parsePage parses page as XML and returns its root element (html).
func parsePage(t *testing.T, page []byte) *node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	root := &node{name: "#document"}
	stack := []*node{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page is not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attrs: make(map[string]string)}
			for _, a := range tok.Attr {
				key := a.Name.Local
				if a.Name.Space != "" {
					key = a.Name.Space + ":" + key
				}
				n.attrs[key] = a.Value
			}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			for _, n := range stack {
				n.text.Write(tok)
			}
		}
	}
	if len(root.children) != 1 || root.children[0].name != "html" {
		t.Fatalf("the page's root is not one html element")
	}
	return root.children[0]
}

// all returns the elements under n (n included) for which keep is true.
func (n *node) all(keep func(*node) bool) []*node {
	var out []*node
	if keep(n) {
		out = append(out, n)
	}
	for _, c := range n.children {
		out = append(out, c.all(keep)...)
	}
	return out
}

func (n *node) byID(id string) *node {
	if m := n.all(func(m *node) bool { return m.attrs["id"] == id }); len(m) == 1 {
		return m[0]
	}
	return nil
}

func (n *node) hasClass(c string) bool {
	return strings.Contains(" "+n.attrs["class"]+" ", " "+c+" ")
}

func (n *node) byClass(c string) []*node {
	return n.all(func(m *node) bool { return m.hasClass(c) })
}

func (n *node) byName(name string) []*node {
	return n.all(func(m *node) bool { return m.name == name })
}

// checkSelfContained checks that the page refers to nothing outside
// itself and runs nothing: no element that loads or runs anything, no
// attribute that names a URL other than a fragment (#…), no event
// handler, no inline style attribute, and a style sheet without @import
// or url(). It also checks that the text holds no control or
// bidirectional formatting character, which could reorder what the page
// shows.
func checkSelfContained(t *testing.T, page []byte, root *node) {
	t.Helper()
	forbidden := map[string]bool{"script": true, "link": true, "img": true, "iframe": true, "frame": true,
		"object": true, "embed": true, "audio": true, "video": true, "source": true, "track": true, "base": true,
		"form": true, "input": true, "image": true, "use": true, "foreignObject": true, "picture": true, "applet": true}
	urlAttrs := map[string]bool{"href": true, "src": true, "srcset": true, "action": true, "formaction": true,
		"poster": true, "data": true, "background": true, "ping": true, "cite": true, "manifest": true,
		"codebase": true, "longdesc": true, "xlink:href": true, "http://www.w3.org/1999/xlink:href": true}
	for _, n := range root.all(func(*node) bool { return true }) {
		if forbidden[n.name] {
			t.Errorf("the page has a <%s> element: %v", n.name, n.attrs)
		}
		for k, v := range n.attrs {
			switch {
			case urlAttrs[k] && !strings.HasPrefix(v, "#"):
				t.Errorf("<%s %s=%q> points outside the page", n.name, k, v)
			case strings.HasPrefix(strings.ToLower(k), "on"):
				t.Errorf("<%s> has an event handler %s=%q", n.name, k, v)
			case k == "style":
				t.Errorf("<%s> has a style attribute %q", n.name, v)
			case strings.Contains(strings.ToLower(v), "url("):
				t.Errorf("<%s %s=%q> holds a url()", n.name, k, v)
			}
		}
		if n.name == "meta" && strings.EqualFold(n.attrs["http-equiv"], "refresh") {
			t.Errorf("the page has a refresh: %v", n.attrs)
		}
	}
	styles := root.byName("style")
	if len(styles) != 1 {
		t.Errorf("%d style elements, want 1", len(styles))
	}
	for _, s := range styles {
		css := strings.ToLower(s.text.String())
		for _, bad := range []string{"@import", "url(", "@font-face", "http:", "https:", "//"} {
			if strings.Contains(css, bad) {
				t.Errorf("the style sheet holds %q", bad)
			}
		}
	}
	csp := root.all(func(n *node) bool { return n.name == "meta" && n.attrs["http-equiv"] == "Content-Security-Policy" })
	if len(csp) != 1 || !strings.HasPrefix(csp[0].attrs["content"], "default-src 'none';") {
		t.Errorf("the page has no Content-Security-Policy that forbids every fetch")
	}
	for i, r := range string(page) {
		if (safetext.IsControl(r) && r != '\n') || safetext.IsBidiControl(r) {
			t.Errorf("byte %d of the page is %U", i, r)
			break
		}
	}
}

// checkChecks checks that the page lists every numbered check with a
// verdict, and returns the rows by check number.
func checkChecks(t *testing.T, root *node) map[int]*node {
	t.Helper()
	rows := make(map[int]*node)
	for n := 1; n <= election.NumChecks; n++ {
		row := root.byID(fmt.Sprintf("check-%d", n))
		if row == nil || row.name != "tr" {
			t.Errorf("check %d is not on the page", n)
			continue
		}
		status := ""
		for _, s := range []string{"passed", "empty", "failed", "not-checked"} {
			if row.hasClass(s) {
				status = s
			}
		}
		verdict := row.byClass("status")
		if status == "" || len(verdict) != 1 || strings.TrimSpace(verdict[0].text.String()) == "" {
			t.Errorf("check %d has no verdict: %q", n, row.text.String())
		}
		if !strings.Contains(row.text.String(), election.Check(n).String()) {
			t.Errorf("check %d's row does not name it: %q", n, row.text.String())
		}
		rows[n] = row
	}
	return rows
}

// findings returns the texts of the findings listed under a check's row.
func findings(row *node) []string {
	var out []string
	for _, li := range row.byClass("finding") {
		out = append(out, li.text.String())
	}
	return out
}

// syntheticRecord writes a folder that election.Open accepts (it has a
// SHA256SUMS) holding only results.json, with Persian names, ties (one
// not broken, one broken by a seed), a codes contest with invalid rows and
// more candidates than the chart shows, and returns it with a report that
// has failed checks, findings of hostile text, checks not run and a
// cascade with a rejected stage.
func syntheticRecord(t *testing.T) (string, *election.Report) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "synthetic")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	persian := []string{"آزاده کریمی", "بیژن مرادی", "کوروش تهرانی", "دریا حسینی", "الهام رستمی",
		"فرهاد جعفری", "گلنار احمدی", "مهدی نیک\u200cزاد", "Omid شیرازی", "لاله بهرامی"}
	board := tally.ContestResult{ID: "board", Kind: ballot.UpTo, Seats: 3, Alternates: 2}
	counts := []uint64{91, 80, 70, 70, 52, 52, 40, 31, 7, 0}
	outcomes := []tally.Outcome{tally.Main, tally.Main, tally.Tied, tally.Tied, tally.Tied, tally.Tied,
		tally.NotElected, tally.NotElected, tally.NotElected, tally.NotElected}
	for k := range persian {
		board.Standings = append(board.Standings, tally.Standing{Position: k + 1, Code: uint32(101 + k),
			Name: persian[k], Count: counts[k], Outcome: outcomes[k]})
	}
	board.Ties = []tally.Tie{
		{Count: 70, First: 3, Last: 4, Candidates: []uint32{103, 104}, MainSeats: 1, AlternateSeats: 1},
		{Count: 52, First: 5, Last: 6, Candidates: []uint32{105, 106}, AlternateSeats: 1},
	}
	council := tally.ContestResult{ID: "council", Kind: ballot.CodeList, Seats: 3, Alternates: 1, Invalid: 4}
	for k := range 30 {
		o := tally.NotElected
		switch {
		case k < 3:
			o = tally.Main
		case k < 4:
			o = tally.Alternate
		}
		council.Standings = append(council.Standings, tally.Standing{Position: k + 1, Code: uint32(k + 1),
			Name: persian[k%len(persian)] + fmt.Sprint(" ", k+1), Count: uint64(60 - k), Outcome: o})
	}
	// Positions 3 and 4 tie at the boundary between the main members and
	// the alternates, broken by the seed.
	council.Standings[3].Count = council.Standings[2].Count
	council.Ties = []tally.Tie{{Count: council.Standings[2].Count, First: 3, Last: 4, Candidates: []uint32{3, 4}, MainSeats: 1, AlternateSeats: 1, Broken: true}}
	question := tally.ContestResult{ID: "referendum", Kind: ballot.YesNo,
		Standings: []tally.Standing{{Position: 1, Code: 1, Name: "بله", Count: 120}, {Position: 2, Code: 2, Name: "خیر", Count: 80}}}
	res := &tally.Results{ElectionID: "انتخابات-1404", Ballots: 200, Contests: []tally.ContestResult{board, council, question}}
	res.BaseHash[0], res.BaseHash[31] = 0xab, 0xcd
	data, err := res.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"results.json": data, "SHA256SUMS": nil} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	rep := &election.Report{Dir: dir, Findings: []election.Finding{
		{Check: election.CheckParameters, File: "election.json", Reason: "cannot be read"},
		{Check: election.CheckBallots, File: "ballots.jsonl", Line: 7, Ballot: "<script>alert(1)</script>", Reason: "proof fails"},
		{Check: election.CheckIndex, File: "notes\u202etxt.exe", Reason: "a file the index does not list"},
		{Check: election.CheckIndex, File: `"><img src=http://example.com/x onerror=alert(1)>`, Reason: "a file the index does not list"},
		{Check: election.CheckMixStages, File: "mixnet/1/stages/1.bin", Trustee: 2, Reason: "signature <b>does not</b> verify & more"},
	}, Ballots: election.BallotCounts{Openings: 2, Cast: 200, Challenged: 3, Refused: 1, Counted: 199},
		Cascades: []election.CascadeReport{{Contest: "council", Rows: 199, Required: 2, Complete: false, Stages: []election.StageVerdict{
			{Index: 0, File: "mixnet/1/stages/0.bin", Trustee: 1, Accepted: true},
			{Index: 1, File: "mixnet/1/stages/1.bin", Trustee: 2, Check: "signature", Reason: "the signature <b>does not</b> verify"},
		}}}}
	for k := range 7 {
		rep.Findings = append(rep.Findings, election.Finding{Check: election.CheckChains, File: "ballots.jsonl", Line: 10 + k, Device: "station-1", Reason: "a gap"})
	}
	for c := election.Check(1); c <= election.NumChecks; c++ {
		if c == election.CheckRowShares {
			rep.Checks = append(rep.Checks, election.CheckResult{Check: c, Verdict: election.NotChecked,
				NotChecked: []string{`the cascade of contest "council" is not complete (check 17)`}})
			continue
		}
		cr := election.CheckResult{Check: c, Verdict: election.Passed, Items: int64(c) * 10}
		for _, f := range rep.Findings {
			if f.Check == c {
				cr.Failures++
			}
		}
		if c == election.CheckIndex {
			cr.Failures += 40 // more than listed
		}
		if cr.Failures > 0 {
			cr.Verdict = election.Failed
		}
		rep.Checks = append(rep.Checks, cr)
	}
	return dir, rep
}

// TestHTMLPage writes the report of a synthetic record and checks its
// structure: every check with its verdict and findings, the findings'
// hostile text shown as text, nothing outside the page, the results as
// bars with main members, alternates, ties and invalid rows marked, Persian
// names isolated with dir="auto", the numbers in Persian digits with
// -digits fa, and the stages of the cascade. Then it looks at the page in
// a browser.
func TestHTMLPage(t *testing.T) {
	dir, rep := syntheticRecord(t)
	var b bytes.Buffer
	if err := writeHTML(&b, rep, dir, digitsPersian); err != nil {
		t.Fatal(err)
	}
	page := b.Bytes()
	root := parsePage(t, page)
	checkSelfContained(t, page, root)
	rows := checkChecks(t, root)

	// Verdicts: failed, not checked, passed.
	for n, want := range map[int]string{1: "failed", 6: "failed", 9: "failed", 15: "failed", 17: "failed", 18: "not-checked", 2: "passed"} {
		if row := rows[n]; row != nil && !row.hasClass(want) {
			t.Errorf("check %d: class %q, want %q", n, row.attrs["class"], want)
		}
	}
	if v := root.byID("verdict"); v == nil || !strings.Contains(v.text.String(), "INVALID") || !strings.Contains(v.text.String(), "checks ۱, ۶, ۹, ۱۵ and ۱۷ failed") {
		t.Errorf("verdict: %v", v)
	}
	// Findings: listed under their check, their text as text.
	if f := findings(rows[6]); len(f) != 1 || !strings.Contains(f[0], `ballot "<script>alert(1)</script>": proof fails`) {
		t.Errorf("check 6's findings: %q", f)
	}
	f15 := findings(rows[15])
	if len(f15) != 2 || !strings.Contains(f15[0], `"notes\u202etxt.exe"`) || !strings.Contains(f15[1], `"\"><img src=http://example.com/x onerror=alert(1)>"`) {
		t.Errorf("check 15's findings: %q", f15)
	}
	if more := rows[15].byClass("more"); len(more) != 1 || !strings.Contains(more[0].text.String(), "۴۰ more") {
		t.Errorf("check 15 does not count the findings it does not list")
	}
	if f := findings(rows[17]); len(f) != 1 || !strings.Contains(f[0], "signature <b>does not</b> verify & more") {
		t.Errorf("check 17's findings: %q", f)
	}
	// Check 9's findings: 5 shown, the 2 others folded.
	if f := findings(rows[9]); len(f) != 7 || !strings.HasPrefix(f[6], "ballots.jsonl line 16: ") {
		t.Errorf("check 9's findings: %q", f)
	}
	if folded := rows[9].byClass("folded"); len(folded) != 1 || len(folded[0].byClass("finding")) != 2 || !strings.Contains(folded[0].byName("summary")[0].text.String(), "the other ۲ findings") {
		t.Errorf("check 9's findings are not folded after the first 5")
	}
	if !bytes.Contains(page, []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
		t.Error("the page does not escape the finding's <script>")
	}

	// Results: the board contest's chart.
	charts := root.byClass("chart")
	if len(charts) != 3 {
		t.Fatalf("%d charts, want 3", len(charts))
	}
	bars := charts[0].byName("rect")
	if len(bars) != 10 {
		t.Fatalf("board: %d bars, want 10", len(bars))
	}
	for k, want := range []string{"main", "main", "tied", "tied", "tied", "tied", "not-elected"} {
		if !bars[k].hasClass(want) {
			t.Errorf("board: bar %d is %q, want %q", k+1, bars[k].attrs["class"], want)
		}
	}
	if bars[0].attrs["width"] != "1000" || bars[9].attrs["width"] != "0" || bars[2].attrs["width"] != bars[3].attrs["width"] {
		t.Errorf("board: bar widths %s, %s, %s", bars[0].attrs["width"], bars[2].attrs["width"], bars[9].attrs["width"])
	}
	names := charts[0].byClass("cand")
	if len(names) != 10 || names[0].attrs["dir"] != "auto" || names[0].name != "td" || names[0].text.String() != "آزاده کریمی" || names[7].text.String() != "مهدی نیک\u200cزاد" {
		t.Errorf("board: names are not isolated with dir=auto: %d", len(names))
	}
	ties := root.byClass("ties")
	if len(ties) != 2 || !strings.Contains(ties[0].text.String(), "Tied at ۷۰ votes for positions ۳–۴ (۱ main seat, ۱ alternate seat at stake), candidates ۱۰۳, ۱۰۴: not broken") {
		t.Errorf("ties: %d lists", len(ties))
	}
	// The codes contest: 20 bars in the chart, the invalid rows, the other
	// candidates in a table, the broken tie marked.
	cbars := charts[1].byName("rect")
	if len(cbars) != 21 || !cbars[20].hasClass("invalid") || cbars[20].attrs["width"] == "0" || !cbars[2].hasClass("broken") || !cbars[3].hasClass("alternate") {
		t.Errorf("council: %d bars", len(cbars))
	}
	if inv := charts[1].byClass("invalid"); len(inv) != 2 || !strings.Contains(inv[0].text.String(), "invalid rows۴") {
		t.Errorf("council: the invalid rows are not shown")
	}
	if d := root.byClass("contest")[1].byName("details"); len(d) != 1 || len(d[0].byName("tr")) != 11 {
		t.Errorf("council: the candidates after the chart are not listed")
	}
	// Persian digits: the counts, codes and positions of the chart.
	if cells := charts[0].byClass("num"); len(cells) < 20 || cells[3].text.String() != "۱" || !strings.Contains(charts[0].text.String(), "۹۱") || strings.ContainsAny(charts[0].text.String(), "0123456789") {
		t.Errorf("board: the numbers are not in Persian digits: %q", charts[0].text.String())
	}
	// The cascade.
	mix := root.byID("mixnet")
	stages := root.byClass("stages")
	if mix == nil || len(stages) != 1 || len(stages[0].byName("tr")) != 3 || !strings.Contains(stages[0].text.String(), "rejected by check signature: the signature <b>does not</b> verify") {
		t.Errorf("the cascade's stages are not shown")
	}
	if !strings.Contains(root.text.String(), "NOT complete") {
		t.Error("the cascade is not said to be incomplete")
	}
	// What could not be read is said.
	if d := root.byID("devices"); d == nil || !strings.Contains(root.text.String(), "The ballots are not counted by device") {
		t.Error("the page does not say why the ballots are not counted by device")
	}
	if id := root.byID("election-id"); id == nil || id.text.String() != "انتخابات-1404" {
		t.Error("the election's identifier from results.json is not shown as it is")
	}

	// A record without results.json: the page says so, and is whole.
	os.Remove(filepath.Join(dir, "results.json"))
	var b2 bytes.Buffer
	if err := writeHTML(&b2, rep, dir, digitsLatin); err != nil {
		t.Fatal(err)
	}
	root2 := parsePage(t, b2.Bytes())
	checkChecks(t, root2)
	if s := root2.text.String(); !strings.Contains(s, "The results cannot be read: results.json: open ") || root2.byID("election-id") != nil {
		t.Errorf("a record without results: %q", s)
	}

	inBrowser(t, page, "synthetic", []color.RGBA{{0x2b, 0x6c, 0xb0, 0xff}, {0xdd, 0x6b, 0x20, 0xff}, {0xc5, 0x30, 0x30, 0xff}, {0x38, 0xa1, 0x69, 0xff}})
}

// buildVerifier builds the command into a temporary folder and returns
// its path.
func buildVerifier(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "verifier")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runVerifier runs the command and returns its exit status and outputs.
func runVerifier(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a hang detector only
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// TestHTMLCommand runs the verifier with -html as a process: on a valid
// record (exit 0, a page whose facts are those of the record and of the
// text report), on one with hostile text (exit 1, the text shown as text),
// and with every bad -html and -digits (exit 2, the flag named, no file
// touched).
func TestHTMLCommand(t *testing.T) {
	bin := buildVerifier(t)
	valid := testRecord(t)
	out := t.TempDir()

	// A valid record: exit 0, the page, and the text report on stdout.
	page := filepath.Join(out, "report.html")
	code, stdout, stderr := runVerifier(t, bin, "-q", "-html", page, valid)
	if code != 0 || !strings.Contains(stdout, "VERDICT: the record is valid") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(page); fi.Mode().Perm() != 0o644 {
		t.Errorf("the page's mode is %v", fi.Mode())
	}
	root := parsePage(t, data)
	checkSelfContained(t, data, root)
	rows := checkChecks(t, root)
	for n := 1; n <= election.NumChecks; n++ {
		want := "passed"
		if n >= 16 && n <= 20 || n >= int(election.CheckPollBook) {
			want = "empty" // a board election has no codes, ranked or list contest, the record no poll book: n/a
		}
		if rows[n] != nil && (!rows[n].hasClass(want) || len(findings(rows[n])) != 0) {
			t.Errorf("check %d: %q", n, rows[n].text.String())
		}
	}
	if !strings.Contains(rows[17].text.String(), "n/a") {
		t.Errorf("check 17 of an election without codes contests is not n/a: %q", rows[17].text.String())
	}
	var res struct {
		ElectionID string `json:"electionId"`
		BaseHash   string `json:"baseHash"`
	}
	rdata, _ := os.ReadFile(filepath.Join(valid, "results.json"))
	if err := json.Unmarshal(rdata, &res); err != nil {
		t.Fatal(err)
	}
	if id := root.byID("election-id"); id == nil || id.text.String() != res.ElectionID {
		t.Errorf("the election's identifier is not %q", res.ElectionID)
	}
	if h := root.byID("base-hash"); h == nil || h.text.String() != res.BaseHash {
		t.Errorf("the base hash is not %s", res.BaseHash)
	}
	// The ballots by device add up to what the verifier counted.
	var cast, challenged, counted, openings, closings int
	if _, err := fmt.Sscanf(stdout[strings.Index(stdout, "Ballots:"):], "Ballots: %d cast, %d challenged, %d refused, %d counted; device openings: %d, closings: %d", &cast, &challenged, new(int), &counted, &openings, &closings); err != nil {
		t.Fatal(err)
	}
	devRows := root.byClass("devices")[0].byName("tr")
	total := devRows[len(devRows)-1]
	var cells []string
	for _, th := range total.byName("th") {
		cells = append(cells, th.text.String())
	}
	if want := []string{"all", fmt.Sprint(openings), fmt.Sprint(closings), fmt.Sprint(cast), fmt.Sprint(challenged), "0", fmt.Sprint(openings + closings + cast + challenged)}; fmt.Sprint(cells) != fmt.Sprint(want) {
		t.Errorf("the devices' total is %q, want %q", cells, want)
	}
	if len(devRows) != 4 || !strings.Contains(devRows[1].text.String(), "station-1") || !strings.Contains(devRows[2].text.String(), "station-2") {
		t.Errorf("the devices table has %d rows", len(devRows))
	}
	// The station's incident log is listed (hall-2's outage).
	if inc := root.byClass("incidents"); len(inc) != 1 || len(inc[0].byName("tr")) != 2 || !strings.Contains(inc[0].text.String(), "network-outage") || !strings.Contains(inc[0].text.String(), "station-2 lost its link") {
		t.Errorf("the incidents table: %v", inc)
	}
	if bars := root.byClass("chart")[0].byName("rect"); len(bars) != 15 || len(root.byClass("legend")) != 1 {
		t.Errorf("%d bars, want 15", len(bars))
	}

	// Run again with -digits fa: the earlier report is replaced, and its
	// numbers are in Persian digits.
	code, _, stderr = runVerifier(t, bin, "-q", "-digits", "fa", "-html", page, valid)
	if code != 0 {
		t.Fatalf("-digits fa over an earlier report: exit %d: %s", code, stderr)
	}
	fa, _ := os.ReadFile(page)
	root = parsePage(t, fa)
	devRows = root.byClass("devices")[0].byName("tr")
	if s := devRows[len(devRows)-1].text.String(); !strings.Contains(s, digits.Persian(fmt.Sprint(cast))) || strings.ContainsAny(s, "0123456789") {
		t.Errorf("-digits fa: the devices' total is %q", s)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 1 {
		t.Errorf("the report's folder holds %d files, want 1 (no temporary file left)", len(entries))
	}
	inBrowser(t, fa, "valid-fa", []color.RGBA{{0x2b, 0x6c, 0xb0, 0xff}, {0x38, 0xa1, 0x69, 0xff}})

	t.Run("hostile_text", func(t *testing.T) {
		dir := copyDir(t, valid)
		stray := `<img src=http:x onerror=alert(1)>` + "\u202e.txt"
		if err := os.WriteFile(filepath.Join(dir, stray), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		// A ballot of a device that devices.json does not register, whose
		// name and identifier are markup.
		r, err := election.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		e, err := r.Election()
		if err != nil {
			t.Fatal(err)
		}
		var src *ballot.Ballot
		for ent, err := range r.Ballots(e) {
			if err == nil && ent.Ballot != nil && ent.Refused == nil {
				src = ent.Ballot
				break
			}
		}
		h := src.Header()
		h.Device, h.BallotID = "<b>station</b>", "<script>alert(1)</script>"
		_, key, _ := ed25519.GenerateKey(nil)
		forged, err := forge.Reheader(e, src, h, key)
		if err != nil {
			t.Fatal(err)
		}
		line, _ := forged.MarshalJSON()
		f, err := os.OpenFile(filepath.Join(dir, "ballots.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "{\"ballot\":%s}\n", line)
		f.Close()
		page := filepath.Join(t.TempDir(), "hostile.html")
		code, stdout, stderr := runVerifier(t, bin, "-q", "-max-findings", "0", "-html", page, dir)
		if code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
		}
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		root := parsePage(t, data)
		checkSelfContained(t, data, root)
		rows := checkChecks(t, root)
		if f := findings(rows[15]); len(f) != 2 || !strings.Contains(f[0], `"<img src=http:x onerror=alert(1)>\u202e.txt": not a file`) {
			t.Errorf("check 15's findings: %q", f)
		}
		if f := findings(rows[8]); len(f) != 1 || !strings.Contains(f[0], `ballot "<script>alert(1)</script>": device "<b>station</b>"`) {
			t.Errorf("check 8's findings: %q", f)
		}
		devRows := root.byClass("devices")[0].byName("tr")
		if len(devRows) != 5 || !strings.Contains(devRows[3].text.String(), "unregistered devices") || devRows[3].byName("td")[3].text.String() != "1" {
			t.Errorf("the ballot of an unregistered device is not counted apart: %q", root.byClass("devices")[0].text.String())
		}
		if !rows[15].hasClass("failed") || root.byID("verdict") == nil || !strings.Contains(root.byID("verdict").text.String(), "INVALID") {
			t.Error("the page does not say the record is invalid")
		}
	})

	t.Run("council", func(t *testing.T) {
		// A codes contest through the mixnet: the invalid rows in the
		// chart, a verdict for every stage.
		dir := filepath.Join(t.TempDir(), "council")
		if _, err := council.Run(council.Config{Voters: 30, Candidates: 25, Seats: 4, Mixers: 2, Trustees: 3, Threshold: 2, Seed: "html", Out: dir}); err != nil {
			t.Fatal(err)
		}
		page := filepath.Join(t.TempDir(), "council.html")
		if code, stdout, stderr := runVerifier(t, bin, "-q", "-html", page, dir); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
		}
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		root := parsePage(t, data)
		checkSelfContained(t, data, root)
		rows := checkChecks(t, root)
		for n := 1; n <= election.NumChecks; n++ {
			if n == int(election.CheckIncidents) || n >= int(election.CheckPollBook) {
				continue // the council record has no incident, no poll book, no ranked or list contest: n/a
			}
			if rows[n] != nil && !rows[n].hasClass("passed") {
				t.Errorf("check %d: %q", n, rows[n].text.String())
			}
		}
		if a := rows[17].byName("a"); len(a) != 1 || a[0].attrs["href"] != "#mixnet" || root.byID("mixnet") == nil {
			t.Error("check 17 does not lead to the cascades")
		}
		stages := root.byClass("stages")
		if len(stages) != 1 || len(stages[0].byClass("accepted")) != 2 || len(stages[0].byClass("rejected")) != 0 {
			t.Errorf("the stages' verdicts: %q", root.text.String())
		}
		chart := root.byClass("chart")
		if len(chart) != 1 || len(chart[0].byClass("invalid")) != 2 || len(root.byClass("contest")[0].byName("details")) != 1 {
			t.Errorf("the codes contest's chart")
		}
		inBrowser(t, data, "council", []color.RGBA{{0x2b, 0x6c, 0xb0, 0xff}, {0x38, 0xa1, 0x69, 0xff}})
	})

	t.Run("bad_flags", func(t *testing.T) {
		dir := t.TempDir()
		notReport := filepath.Join(dir, "notes.html")
		os.WriteFile(notReport, []byte("<p>my own notes</p>\n"), 0o644)
		sub := filepath.Join(dir, "sub")
		os.Mkdir(sub, 0o755)
		link := filepath.Join(dir, "link.html")
		if err := os.Symlink(page, link); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			args []string
			want string // in stderr
		}{
			{"existing file", []string{"-html", notReport, valid}, "-html " + notReport + ": the file exists and is not a report of this verifier"},
			{"missing folder", []string{"-html", filepath.Join(dir, "no", "r.html"), valid}, "-html " + filepath.Join(dir, "no", "r.html") + ": the folder"},
			{"a folder", []string{"-html", sub, valid}, "-html " + sub + ": exists and is not a regular file"},
			{"a symbolic link", []string{"-html", link, valid}, "-html " + link + ": exists and is not a regular file"},
			{"empty name", []string{"-html", "", valid}, "-html: empty file name"},
			{"bad digits", []string{"-html", filepath.Join(dir, "r.html"), "-digits", "roman", valid}, `"roman" is not latin or fa`},
			{"unreadable record", []string{"-html", filepath.Join(dir, "r.html"), filepath.Join(dir, "nope")}, "verifier: election:"},
		} {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				code, stdout, stderr := runVerifier(t, bin, append([]string{"-q"}, tc.args...)...)
				if code != 2 || !strings.Contains(stderr, tc.want) {
					t.Errorf("exit %d, want 2 with %q\nstdout:\n%s\nstderr:\n%s", code, tc.want, stdout, stderr)
				}
				if stdout != "" {
					t.Errorf("stdout: %q", stdout)
				}
			})
		}
		if b, _ := os.ReadFile(notReport); string(b) != "<p>my own notes</p>\n" {
			t.Error("the existing file was changed")
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Error("the symbolic link was replaced")
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 3 {
			t.Errorf("the folder holds %d entries, want the 3 it had", len(entries))
		}
	})
}

// inBrowser looks at page in a browser, in a subtest of its own (named
// browser) that skips where no browser can be had: the page is rendered to
// a screenshot, which must not be blank and must show the colours of the
// chart's bars.
func inBrowser(t *testing.T, page []byte, name string, bars []color.RGBA) {
	t.Helper()
	t.Run("browser", func(t *testing.T) {
		lookAt(t, screenshot(t, page, name), bars)
	})
}

// screenshot renders page in headless Chromium (Debian's chromium
// package) into a PNG file in the test's temporary folder and returns it.
// It skips the test when no browser can be found. Set
// SANDOGH_HTML_SCREENSHOTS to a folder to keep a copy of the page and the
// screenshot there, to look at them.
func screenshot(t *testing.T, page []byte, name string) string {
	t.Helper()
	browser := os.Getenv("SANDOGH_CHROMIUM")
	if browser == "" {
		for _, b := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell"} {
			if p, err := exec.LookPath(b); err == nil {
				browser = p
				break
			}
		}
	}
	if browser == "" {
		t.Skip("no headless browser to look at the HTML report: install Debian's chromium (apt-get install chromium) or set SANDOGH_CHROMIUM to one")
	}
	dir := t.TempDir()
	html := filepath.Join(dir, name+".html")
	shot := filepath.Join(dir, name+".png")
	if err := os.WriteFile(html, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a hang detector only
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--screenshot="+shot, "--window-size=1200,2000", "file://"+filepath.ToSlash(html))
	cmd.Env = append(os.Environ(), "HOME="+dir) // the browser writes nothing to the real home
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, out)
	}
	if keep := os.Getenv("SANDOGH_HTML_SCREENSHOTS"); keep != "" {
		for _, f := range []string{html, shot} {
			if b, err := os.ReadFile(f); err == nil {
				os.WriteFile(filepath.Join(keep, filepath.Base(f)), b, 0o644)
			}
		}
	}
	t.Logf("screenshot: %s", shot)
	return shot
}

// lookAt decodes the screenshot and checks that it is not blank: more than
// one colour, at least 3% of the pixels not the background's (which must
// be white), and at least 200 pixels of each of the given colours of the
// chart's bars, so that the SVG was drawn.
func lookAt(t *testing.T, file string, bars []color.RGBA) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	b := img.Bounds()
	if b.Dx() < 1000 || b.Dy() < 1000 {
		t.Fatalf("the screenshot is %v", b)
	}
	counts := make(map[color.RGBA]int)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	var bg color.RGBA
	for c, n := range counts {
		if n > counts[bg] {
			bg = c
		}
	}
	total := b.Dx() * b.Dy()
	share := float64(total-counts[bg]) / float64(total)
	t.Logf("%d colours, background %v, %.1f%% other pixels", len(counts), bg, 100*share)
	if len(counts) < 2 {
		t.Fatal("the screenshot is one colour")
	}
	if bg != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
		t.Errorf("the background is %v, not white", bg)
	}
	if share < 0.03 {
		t.Errorf("only %.2f%% of the screenshot is not background", 100*share)
	}
	for _, want := range bars {
		n := 0
		for c, k := range counts {
			if near(c, want) {
				n += k
			}
		}
		if n < 200 {
			t.Errorf("only %d pixels of the colour %v of the bars", n, want)
		}
	}
}

func near(a, b color.RGBA) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) <= 6 && d(a.G, b.G) <= 6 && d(a.B, b.B) <= 6
}

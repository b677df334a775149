package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/internal/digits"
	"github.com/sandogh/sandogh/internal/prose"
	"github.com/sandogh/sandogh/internal/regular"
	"github.com/sandogh/sandogh/internal/safetext"
	"github.com/sandogh/sandogh/internal/version"
	"github.com/sandogh/sandogh/tally"
)

// The -html report is one self-contained page: inline CSS and inline SVG,
// no script, no link, no image, font or style sheet from anywhere, and a
// Content-Security-Policy that forbids the browser every fetch, so that
// opening it offline shows everything and opening it online tells nobody.
// Everything the record holds is untrusted text: html/template escapes it
// for its context; names and identifiers are isolated (dir="auto" on the
// table cell of a candidate's name, <bdi dir="auto"> elsewhere) so that a
// right-to-left name takes its own direction, and a Persian name is
// right-aligned, without reordering what is around it; and any text that breaks the record's rules for names and
// identifiers is shown with its invisible and control characters escaped
// (\u202e), as in the text report.
//
// The markup is written so that it is also well-formed XML (void elements
// closed with "/>", attributes quoted and valued, no named entities but
// XML's), which lets the tests parse it with encoding/xml.

// htmlGenerator marks the pages this command writes: -html replaces an
// existing file only if it holds this line, that is, only a report that
// an earlier run wrote.
const htmlGenerator = `<meta name="generator" content="sandogh verifier -html report" />`

// Digit systems of -digits.
const (
	digitsLatin   = "latin"
	digitsPersian = "fa"
)

// maxChartRows is the number of candidates a contest's chart shows at
// least (every elected, alternate or tied candidate is always shown, and
// a few after the last of them); the others are listed in a table under
// the chart.
const maxChartRows = 20

// shownFindings is the number of a check's findings shown at once; the
// others listed are folded (<details>), so that the page stays readable.
const shownFindings = 5

// checkDigits checks the value of -digits.
func checkDigits(d string) error {
	if d != digitsLatin && d != digitsPersian && d != "" {
		return fmt.Errorf("-digits %q: want %s (0123456789) or %s (Persian digits, ۰۱۲۳۴۵۶۷۸۹)", d, digitsLatin, digitsPersian)
	}
	return nil
}

// checkHTMLFlags checks -html and -digits before the record is verified,
// so that a report that cannot be written is known before a long run.
func checkHTMLFlags(fs *flag.FlagSet, path string) error {
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["html"] {
		return nil
	}
	return checkHTMLFile(path)
}

// checkHTMLFile checks, before the record is verified, that the report can
// be written to path: its folder exists, and path is either absent or a
// regular file that an earlier -html run wrote. The command never
// replaces a file it did not write.
func checkHTMLFile(path string) error {
	if path == "" {
		return errors.New("-html: empty file name")
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		dir := filepath.Dir(path)
		di, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("-html %s: the folder %s: %v", path, dir, errors.Unwrap(err))
		}
		if !di.IsDir() {
			return fmt.Errorf("-html %s: %s is not a folder", path, dir)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("-html %s: %v", path, errors.Unwrap(err))
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("-html %s: exists and is not a regular file (%s); choose another name", path, fi.Mode().Type())
	}
	f, err := regular.Open(path)
	if err != nil {
		return fmt.Errorf("-html %s: %v", path, err)
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("-html %s: %v", path, err)
	}
	if !bytes.Contains(head[:n], []byte(htmlGenerator)) {
		return fmt.Errorf("-html %s: the file exists and is not a report of this verifier; it is left as it is: remove it or choose another name", path)
	}
	return nil
}

// writeHTMLFile writes the HTML report of rep, the report of the record in
// folder dir, to the file path: to a new file in the same folder first,
// then renamed over path, so that a reader of path sees the old report or
// the new one, never part of one. It refuses, as checkHTMLFile does, to
// replace a file that is not an earlier report.
func writeHTMLFile(path string, rep *election.Report, dir, digitSystem string) error {
	if err := checkHTMLFile(path); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := writeHTML(&b, rep, dir, digitSystem); err != nil {
		return fmt.Errorf("-html %s: %v", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("-html %s: %v", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(b.Bytes())
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp) // the file this function created, never path
		return fmt.Errorf("-html %s: %v", path, err)
	}
	return nil
}

// writeHTML writes the report of the record in folder dir as one
// self-contained HTML page: the verdict, the election's identifier and
// base hash, the results of every contest as a bar chart (main members,
// alternates, ties and the invalid rows of a codes contest marked), the
// ballots of every device, every numbered check with its verdict and
// findings, and the verdict of every mix stage. The results, the
// identifier and the ballots by device are read from the record (as
// published: the checks say whether they hold); what cannot be read is
// said in its place. With digitSystem "fa" numbers are written in Persian
// digits; hashes, identifiers and findings are left as they are.
func writeHTML(w io.Writer, rep *election.Report, dir, digitSystem string) error {
	if err := checkDigits(digitSystem); err != nil {
		return err
	}
	p := &htmlPage{persian: digitSystem == digitsPersian, Version: version.String(), Dir: safetext.Escape(dir)}
	p.verdict(rep)
	p.cascades(rep)
	r, err := election.Open(dir)
	if err != nil {
		p.ParamsError = errText(err)
		p.ResultsError = p.ParamsError
		p.DevicesError = p.ParamsError
	} else {
		e, err := r.Election()
		if err != nil {
			p.ParamsError = errText(err)
		} else {
			m := e.Manifest()
			p.contestsRead = true
			for _, c := range m.Contests {
				if c.Mixed() {
					p.codes++
				}
			}
			p.ElectionID, p.ElectionTitle = identifier(m.ElectionID), name(m.Title)
			h := e.BaseHash()
			p.BaseHash = hex.EncodeToString(h[:])
		}
		p.results(r, e)
		p.devices(r, e)
	}
	p.checks(rep)
	p.pollBook(rep)
	return htmlTemplate.Execute(w, p)
}

// htmlPage is what the template shows. Every number is already formatted
// in the report's digits, and every text from the record is escaped where
// it breaks the rules for names or identifiers.
type htmlPage struct {
	persian bool

	Version, Dir              string
	ElectionID, ElectionTitle string
	BaseHash                  string
	ParamsError               string // election.json cannot be read

	Valid, Partial bool
	Verdict        string
	Counts         string // the ballots as Verify counted them

	Checks   []htmlCheck
	Cascades []htmlCascade

	Contests     []htmlContest
	codes        int  // the number of codes contests
	contestsRead bool // the manifest or the results were read
	ResultsError string
	Counted      string // ballots counted, as results.json says

	Devices      []htmlDevice
	DeviceTotal  htmlDevice
	DevicesError string

	// Incidents are the entries of the stations' incident logs in
	// ballots.jsonl, in file order, at most maxHTMLIncidents of them
	// (MoreIncidents counts the rest); check 22 says whether they verify.
	Incidents     []htmlIncident
	MoreIncidents string

	// PollBook is the poll book's summary (pollbook.json) as it decodes,
	// at most maxHTMLIncidents stations (MoreStations counts the rest),
	// and PollBookCheck what check 23 says of it.
	PollBook      []htmlPollBookRow
	PollBookTotal htmlPollBookRow
	MoreStations  string
	PollBookCheck string
}

// An htmlPollBookRow is one station's counts of the poll book's summary,
// or the totals.
type htmlPollBookRow struct {
	Station, Marks, Voters, Committee, DoubleVotes, NotListed, ReusedDecisions string
}

// maxHTMLIncidents bounds the incidents a page lists.
const maxHTMLIncidents = 1000

// An htmlIncident is one entry of a station's incident log, as the page
// shows it (html/template escapes every text; the record's rules keep
// control characters and unbalanced bidirectional marks out of it).
type htmlIncident struct {
	Station, Seq, Kind, At, Devices, Official, Text string
}

type htmlCheck struct {
	ID, Num, Name string
	Items         string
	// Status is the class of the verdict: passed, empty (passed, having
	// examined nothing), failed, or not-checked.
	Status, Verdict string
	// Findings are shown, Folded are the findings after the first
	// shownFindings, in a folded list; More counts those not listed.
	Findings, Folded []string
	FoldedCount      string
	More             string
	Mixnet           bool // check 17: the cascades' section follows
}

type htmlCascade struct {
	Contest, Rows, Required, State string
	Complete                       bool
	Stages                         []htmlStage
}

type htmlStage struct {
	Index, File, Server, Verdict string
	Accepted                     bool
}

type htmlContest struct {
	ID, Title, Kind, Seats string
	Unit                   string
	Bars                   []htmlBar // the chart
	Rest                   []htmlBar // the candidates after the chart
	Ties                   []string
	Invalid                *htmlBar // codes contests
	Outcomes               bool     // the contest has seats
	Legend                 []htmlKey
}

// An htmlKey is one entry of a chart's legend: the class of a bar and
// what it means.
type htmlKey struct{ Class, Label string }

// legend is every key a chart may need, in the order shown.
var legend = []htmlKey{
	{"main", "main member"}, {"alternate", "alternate"}, {"tied", "tied for a seat, not broken"},
	{"main broken", "place decided by the tie-break seed"}, {"not-elected", "not elected"},
	{"ranked", "ranked (no seats)"}, {"invalid", "invalid rows"},
}

type htmlBar struct {
	Pos, Code, Name, Count string
	// Class is main, alternate, tied, not-elected, ranked (no seats) or
	// invalid; Outcome says it in words.
	Class, Outcome string
	// Broken marks a candidate whose place the tie-break seed decided.
	Broken bool
	Width  string // of 1000
}

// An htmlDevice is a row of the ballots by device: a registered device
// (ID), or a row of its own (Label) for remote ballots, unregistered
// devices or lines that do not decode.
type htmlDevice struct {
	ID, Label, Note                                    string
	Openings, Closings, Cast, Challenged, Refused, All string
}

// errText returns the message of an error from package election for the
// page, without the package's name and with untrusted text escaped.
func errText(err error) string {
	return safetext.Escape(strings.TrimPrefix(err.Error(), "election: "))
}

// n formats an integer in the page's digits.
func (p *htmlPage) n(v any) string {
	s := fmt.Sprint(v)
	if p.persian {
		return digits.Persian(s)
	}
	return s
}

// pollBook fills in the poll book's summary, if the record has one that
// decodes.
func (p *htmlPage) pollBook(rep *election.Report) {
	s := rep.PollBook
	if s == nil {
		return
	}
	for k, st := range s.Stations {
		if k == maxHTMLIncidents {
			p.MoreStations = p.n(len(s.Stations) - k)
			break
		}
		p.PollBook = append(p.PollBook, htmlPollBookRow{Station: st.Station, Marks: p.n(st.Marks), Committee: p.n(st.Committee),
			DoubleVotes: p.n(st.DoubleVotes), NotListed: p.n(st.NotListed), ReusedDecisions: p.n(st.ReusedDecisions)})
	}
	p.PollBookTotal = htmlPollBookRow{Station: "all stations", Marks: p.n(s.Marks), Voters: p.n(s.Voters), Committee: p.n(s.Committee),
		DoubleVotes: p.n(s.DoubleVotes), NotListed: p.n(s.NotListed), ReusedDecisions: p.n(s.ReusedDecisions)}
	switch rep.Verdict(election.CheckPollBook) {
	case election.Passed:
		p.PollBookCheck = "Check 23 verified that it is this election's, that its counts agree and that every station is a registered device; the counts themselves are what the central poll book states."
	default:
		p.PollBookCheck = "Check 23 did not pass: these are what the record claims."
	}
}

// name returns a name from the record to show: as it is if it follows the
// rules of manifest names, with its invisible characters escaped if not.
func name(s string) string {
	if safetext.CheckName(s) == nil {
		return s
	}
	return safetext.Escape(s)
}

// identifier returns an identifier from the record to show: as it is if it
// follows the rules of identifiers, with its invisible characters escaped
// if not.
func identifier(s string) string {
	if safetext.CheckIdentifier(s) == nil {
		return s
	}
	return safetext.Escape(s)
}

func (p *htmlPage) verdict(rep *election.Report) {
	p.Valid, p.Partial = rep.Valid(), rep.Partial
	switch {
	case p.Valid:
		p.Verdict = "The record is valid: every check passed."
	case len(rep.Failed()) > 0:
		var nums []int
		for _, c := range rep.Failed() {
			nums = append(nums, int(c))
		}
		p.Verdict = "The record is INVALID: " + p.digitsIn(prose.Counted("check", nums)) + " failed."
	case rep.Partial:
		p.Verdict = "The record is not complete: a partial verification checks only part of it."
	default:
		var nums []int
		for _, c := range rep.NotChecked() {
			nums = append(nums, int(c))
		}
		p.Verdict = "No check failed, but the record is not valid: " + p.digitsIn(prose.Counted("check", nums)) + " not checked."
	}
	b := rep.Ballots
	p.Counts = fmt.Sprintf("%s cast, %s challenged, %s refused, %s counted; %s",
		p.n(b.Cast), p.n(b.Challenged), p.n(b.Refused), p.n(b.Counted), p.count(b.Openings, "device opening"))
}

// digitsIn returns s with its digits in the page's digits: for sentences
// the page makes from numbers (never for text from the record).
func (p *htmlPage) digitsIn(s string) string {
	if p.persian {
		return digits.Persian(s)
	}
	return s
}

func (p *htmlPage) count(n int64, noun string) string {
	return p.digitsIn(prose.Count(n, noun))
}

func (p *htmlPage) checks(rep *election.Report) {
	byCheck := make(map[election.Check][]election.Finding)
	for _, f := range rep.Findings {
		byCheck[f.Check] = append(byCheck[f.Check], f)
	}
	ran := make(map[election.Check]election.CheckResult)
	for _, c := range rep.Checks {
		ran[c.Check] = c
	}
	for c := election.Check(1); c <= election.NumChecks; c++ {
		hc := htmlCheck{ID: "check-" + strconv.Itoa(int(c)), Num: p.n(int(c)), Name: c.String(), Mixnet: c == election.CheckMixStages && len(rep.Cascades) > 0}
		res, ok := ran[c]
		switch {
		case !ok || res.Verdict == election.NotChecked:
			hc.Status, hc.Verdict, hc.Items = "not-checked", "not checked", "–"
		case res.Verdict == election.NotApplicable && c == election.CheckClosings:
			hc.Status, hc.Verdict, hc.Items = "empty", "n/a: the election has no station, and no device closed", "–"
		case res.Verdict == election.NotApplicable && c == election.CheckIncidents:
			hc.Status, hc.Verdict, hc.Items = "empty", "n/a: no incident was recorded and no device replaced", "–"
		case res.Verdict == election.NotApplicable && c == election.CheckPollBook:
			hc.Status, hc.Verdict, hc.Items = "empty", "n/a: the record has no poll book summary", "–"
		case res.Verdict == election.NotApplicable && c == election.CheckRankedCounts:
			hc.Status, hc.Verdict, hc.Items = "empty", "n/a: the election has no ranked contest", "–"
		case res.Verdict == election.NotApplicable && c == election.CheckListAllocation:
			hc.Status, hc.Verdict, hc.Items = "empty", "n/a: the election has no list contest", "–"
		case res.Verdict == election.NotApplicable:
			hc.Status, hc.Verdict, hc.Items = "empty", "n/a: the election has no codes contest", "–"
		case res.Verdict == election.Passed && res.Items == 0:
			hc.Status, hc.Verdict, hc.Items = "empty", "passed: nothing to check", p.n(0)
		case res.Verdict == election.Passed:
			hc.Status, hc.Verdict, hc.Items = "passed", "passed", p.n(res.Items)
		default:
			hc.Status, hc.Items = "failed", p.n(res.Items)
			hc.Verdict = "FAILED: " + p.count(res.Failures, "finding")
		}
		prefix := fmt.Sprintf("check %d (%s): ", int(c), c)
		fs := byCheck[c]
		for _, f := range fs {
			hc.Findings = append(hc.Findings, strings.TrimPrefix(f.String(), prefix))
		}
		for _, why := range res.NotChecked {
			hc.Findings = append(hc.Findings, "not checked: "+why) // escaped by the verifier
		}
		if len(hc.Findings) > shownFindings {
			hc.Findings, hc.Folded = hc.Findings[:shownFindings], hc.Findings[shownFindings:]
			hc.FoldedCount = p.n(len(hc.Folded))
		}
		if more := res.Failures - int64(len(fs)); ok && more > 0 {
			hc.More = "… and " + p.n(more) + " more, not listed (-max-findings)"
		}
		p.Checks = append(p.Checks, hc)
	}
}

func (p *htmlPage) cascades(rep *election.Report) {
	for _, c := range rep.Cascades {
		hc := htmlCascade{Contest: identifier(c.Contest), Rows: p.count(int64(c.Rows), "row"),
			Required: p.count(int64(c.Required), "accepted stage") + " required", Complete: c.Complete, State: "complete"}
		if !c.Complete {
			hc.State = "NOT complete"
		}
		for _, s := range c.Stages {
			hs := htmlStage{Index: p.n(s.Index), File: identifier(s.File), Accepted: s.Accepted, Server: "no trustee's key"}
			if s.Trustee != 0 {
				hs.Server = "trustee " + p.n(s.Trustee)
			}
			if s.Accepted {
				hs.Verdict = "accepted"
			} else {
				hs.Verdict = "rejected by check " + safetext.Escape(s.Check) + ": " + safetext.Escape(s.Reason)
			}
			hc.Stages = append(hc.Stages, hs)
		}
		p.Cascades = append(p.Cascades, hc)
	}
}

// results reads results.json and makes a chart of every contest. The
// manifest, if e is not nil, gives the contests' titles.
func (p *htmlPage) results(r *election.Reader, e *ballot.Election) {
	res, err := r.Results()
	if err != nil {
		p.ResultsError = errText(err)
		return
	}
	if !p.contestsRead {
		// election.json cannot be read: say what results.json says.
		p.ElectionID = identifier(res.ElectionID)
		p.BaseHash = hex.EncodeToString(res.BaseHash[:])
		p.contestsRead = true
		for _, c := range res.Contests {
			if c.Kind == ballot.CodeList || c.Kind == ballot.Ranked {
				p.codes++
			}
		}
	}
	p.Counted = p.count(int64(min(res.Ballots, 1<<62)), "ballot") + " counted"
	titles := make(map[string]string)
	if e != nil {
		for _, c := range e.Manifest().Contests {
			titles[c.ID] = name(c.Title)
		}
	}
	for i := range res.Contests {
		p.Contests = append(p.Contests, p.contest(&res.Contests[i], titles[res.Contests[i].ID]))
	}
}

func (p *htmlPage) contest(c *tally.ContestResult, title string) htmlContest {
	hc := htmlContest{ID: identifier(c.ID), Title: title, Kind: string(c.Kind), Unit: "votes", Outcomes: c.Seats > 0}
	switch c.Kind {
	case ballot.Score:
		hc.Unit = "points"
	case ballot.Ranked:
		hc.Unit = "first preferences"
	}
	if c.Seats > 0 {
		hc.Seats = p.count(int64(c.Seats), "seat")
		if c.Alternates > 0 {
			hc.Seats += ", " + p.count(int64(c.Alternates), "alternate")
		}
	} else if c.Kind != ballot.YesNo {
		hc.Seats = "no seats: a ranking that elects nobody"
	}
	var top uint64
	for _, s := range c.Standings {
		top = max(top, s.Count)
	}
	if c.Kind == ballot.CodeList || c.Kind == ballot.Ranked {
		top = max(top, c.Invalid)
	}
	width := func(v uint64) string {
		if top == 0 || v == 0 {
			return "0"
		}
		// At least 2 of 1000, so that a count of 1 shows.
		w := max(2, int(float64(v)/float64(top)*1000))
		return strconv.Itoa(w)
	}
	broken := make(map[int]bool) // positions in ties the seed broke
	for _, t := range c.Ties {
		if t.Broken {
			for k := t.First; k <= t.Last; k++ {
				broken[k] = true
			}
		}
		hc.Ties = append(hc.Ties, p.tie(&t, hc.Unit))
	}
	last := 0 // the last position with an outcome other than not elected
	for _, s := range c.Standings {
		if s.Outcome != tally.NotElected && s.Outcome != "" {
			last = max(last, s.Position)
		}
	}
	shown := min(len(c.Standings), max(maxChartRows, last+5))
	for k, s := range c.Standings {
		bar := htmlBar{Pos: p.n(s.Position), Code: p.n(s.Code), Name: name(s.Name), Count: p.n(s.Count),
			Width: width(s.Count), Broken: broken[s.Position]}
		switch s.Outcome {
		case tally.Main:
			bar.Class, bar.Outcome = "main", "main member"
		case tally.Alternate:
			bar.Class, bar.Outcome = "alternate", "alternate"
		case tally.Tied:
			bar.Class, bar.Outcome = "tied", "tied for a seat"
		case tally.NotElected:
			bar.Class, bar.Outcome = "not-elected", "not elected"
		default:
			bar.Class = "ranked"
		}
		if bar.Broken {
			bar.Outcome += " (tie broken by the seed)"
		}
		if k < shown {
			hc.Bars = append(hc.Bars, bar)
		} else {
			hc.Rest = append(hc.Rest, bar)
		}
	}
	if c.Kind == ballot.CodeList || c.Kind == ballot.Ranked {
		hc.Invalid = &htmlBar{Name: "invalid rows", Count: p.n(c.Invalid), Width: width(c.Invalid), Class: "invalid",
			Outcome: "mixed rows that are not a valid ballot"}
	}
	present := make(map[string]bool)
	for _, b := range slices.Concat(hc.Bars, hc.Rest) {
		present[b.Class] = true
		if b.Broken {
			present["main broken"] = true
		}
	}
	if hc.Invalid != nil {
		present["invalid"] = true
	}
	for _, k := range legend {
		if present[k.Class] {
			hc.Legend = append(hc.Legend, k)
		}
	}
	return hc
}

// tie says which seats a tie decides, as the text report does.
func (p *htmlPage) tie(t *tally.Tie, unit string) string {
	var seats []string
	if t.MainSeats > 0 {
		seats = append(seats, p.count(int64(t.MainSeats), "main seat"))
	}
	if t.AlternateSeats > 0 {
		seats = append(seats, p.count(int64(t.AlternateSeats), "alternate seat"))
	}
	codes := make([]string, len(t.Candidates))
	for k, code := range t.Candidates {
		codes[k] = p.n(code)
	}
	how := "not broken: the manifest has no tie-break seed"
	if t.Broken {
		how = "broken by the manifest's tie-break seed"
	}
	return fmt.Sprintf("Tied at %s %s for positions %s–%s (%s at stake), candidates %s: %s.",
		p.n(t.Count), unit, p.n(t.First), p.n(t.Last), strings.Join(seats, ", "), strings.Join(codes, ", "), how)
}

// A deviceCount counts the lines of ballots.jsonl of one device.
type deviceCount struct{ openings, closings, cast, challenged, refused int64 }

func (d *deviceCount) lines() int64 {
	return d.openings + d.closings + d.cast + d.challenged + d.refused
}

func (d *deviceCount) add(o *deviceCount) {
	d.openings += o.openings
	d.closings += o.closings
	d.cast += o.cast
	d.challenged += o.challenged
	d.refused += o.refused
}

// devices streams ballots.jsonl and counts, for every registered device,
// its openings and closings and the ballots it cast and challenged that the box
// accepted, and those the box refused. Remote ballots (signed by a voter
// credential), ballots and openings that name no registered device, and
// lines that do not decode are counted on rows of their own: the counts
// take memory for the registered devices only, whatever the file holds.
func (p *htmlPage) devices(r *election.Reader, e *ballot.Election) {
	if e == nil {
		p.DevicesError = "The ballots are not counted by device: election.json, devices.json or credentials.json cannot be read (check 1)"
		return
	}
	registered := e.Devices()
	counts := make(map[string]*deviceCount, len(registered))
	for _, d := range registered {
		counts[d.ID] = new(deviceCount)
	}
	var remote, unregistered deviceCount
	var undecodable, moreIncidents int64
	var readErr error
	for ent, err := range r.Ballots(e) {
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) || errors.Is(err, regular.ErrNotRegular) {
				readErr = err // the file cannot be read
				break
			}
			undecodable++
			continue
		}
		if i := ent.Incident; i != nil {
			// An entry of a station's log, of no device.
			if len(p.Incidents) >= maxHTMLIncidents {
				moreIncidents++
				continue
			}
			devs := i.Device
			if i.Replacement != "" {
				devs += " → " + i.Replacement
			}
			p.Incidents = append(p.Incidents, htmlIncident{Station: i.Station, Seq: p.n(i.Sequence), Kind: string(i.Kind),
				At: p.n(time.Unix(i.At, 0).UTC().Format("2006-01-02 15:04 UTC")), Devices: devs, Official: i.Official, Text: i.Text})
			continue
		}
		var dc *deviceCount
		var dev string
		switch {
		case ent.Opening != nil:
			dev = ent.Opening.Device
		case ent.Closing != nil:
			dev = ent.Closing.Device
		default:
			dev = ent.Ballot.Header().Device
		}
		switch c, ok := counts[dev]; {
		case ok:
			dc = c
		case dev == "" && ent.Ballot != nil:
			dc = &remote
		default:
			dc = &unregistered
		}
		switch {
		case ent.Opening != nil:
			dc.openings++
		case ent.Closing != nil:
			dc.closings++
		case ent.Refused != nil:
			dc.refused++
		case ent.Ballot.State() == ballot.Challenged:
			dc.challenged++
		default:
			dc.cast++
		}
	}
	if moreIncidents > 0 {
		p.MoreIncidents = p.n(moreIncidents)
	}
	if readErr != nil {
		p.DevicesError = "The ballots are not counted by device: " + errText(readErr)
		return
	}
	var total deviceCount
	row := func(id, label, note string, d *deviceCount) htmlDevice {
		total.add(d)
		return htmlDevice{ID: id, Label: label, Note: note, Openings: p.n(d.openings), Closings: p.n(d.closings), Cast: p.n(d.cast),
			Challenged: p.n(d.challenged), Refused: p.n(d.refused), All: p.n(d.lines())}
	}
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p.Devices = append(p.Devices, row(identifier(id), "", "", counts[id]))
	}
	if remote != (deviceCount{}) {
		p.Devices = append(p.Devices, row("", "remote ballots", "signed by voter credentials", &remote))
	}
	if unregistered != (deviceCount{}) {
		p.Devices = append(p.Devices, row("", "unregistered devices", "lines naming a device that devices.json does not register", &unregistered))
	}
	if undecodable > 0 {
		p.Devices = append(p.Devices, htmlDevice{Label: "lines that do not decode", Note: "see check 6",
			Openings: "–", Closings: "–", Cast: "–", Challenged: "–", Refused: "–", All: p.n(undecodable)})
	}
	p.DeviceTotal = htmlDevice{Label: "all", Openings: p.n(total.openings), Closings: p.n(total.closings), Cast: p.n(total.cast),
		Challenged: p.n(total.challenged), Refused: p.n(total.refused),
		All: p.n(total.lines() + undecodable)}
}

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// htmlSource is the page. Its markup is well-formed XML too (see the top
// of this file); its style sheet holds no "<" or "&".
const htmlSource = `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8" />
` + htmlGenerator + `
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Verification of {{if .ElectionID}}{{.ElectionID}}{{else}}an election record{{end}}</title>
<style>
body { font-family: system-ui, "DejaVu Sans", "Noto Sans", "Vazirmatn", Tahoma, sans-serif; margin: 1.5em auto; max-width: 72em; padding: 0 1em; color: #1a202c; background: #ffffff; line-height: 1.4; }
h1 { font-size: 1.6em; margin: 0 0 0.4em 0; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 2px solid #cbd5e0; padding-bottom: 0.2em; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.3em 0; }
.verdict { padding: 0.7em 1em; border-radius: 6px; font-weight: bold; font-size: 1.15em; margin: 0.6em 0 1em 0; }
.verdict.valid { background: #c6f6d5; color: #1c4532; border: 1px solid #38a169; }
.verdict.invalid { background: #fed7d7; color: #742a2a; border: 1px solid #e53e3e; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; margin: 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
.hash, .mono { font-family: "DejaVu Sans Mono", ui-monospace, monospace; word-break: break-all; }
.id { background: #edf2f7; border-radius: 3px; padding: 0 0.15em; }
table { border-collapse: collapse; margin: 0.3em 0 0.8em 0; }
table.checks { width: 100%; }
table.checks td.name { width: 100%; }
th, td { padding: 0.15em 0.6em; text-align: left; vertical-align: top; }
thead th { border-bottom: 1px solid #a0aec0; font-size: 0.9em; color: #4a5568; }
tbody tr { border-bottom: 1px solid #edf2f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.chart { width: 100%; }
table.chart td.barcell { width: 100%; min-width: 8em; }
table.chart td { white-space: nowrap; }
td.cand { text-align: start; }
svg.bar { display: block; width: 100%; height: 14px; }
svg.key { display: inline-block; width: 14px; height: 14px; vertical-align: -2px; margin: 0 0.3em 0 0.9em; }
rect.main { fill: #2b6cb0; }
rect.alternate { fill: #38a169; }
rect.tied { fill: #dd6b20; }
rect.not-elected, rect.ranked { fill: #a0aec0; }
rect.invalid { fill: #c53030; }
rect.broken { stroke: #1a202c; stroke-width: 3; stroke-dasharray: 12 6; }
tr.invalid td { border-top: 1px solid #a0aec0; font-style: italic; }
.legend { font-size: 0.9em; color: #4a5568; margin: 0.2em 0 0.4em 0; }
.ties li { margin: 0.1em 0; }
td.status { white-space: nowrap; font-weight: bold; }
tr.passed td.status { color: #276749; }
tr.empty td.status { color: #4a5568; }
tr.not-checked td.status { color: #744210; }
tr.failed td.status { color: #c53030; }
tr.failed { background: #fff5f5; }
ul.findings { margin: 0.2em 0 0.3em 0; padding-left: 1.3em; font-size: 0.9em; }
ul.findings li { word-break: break-word; }
li.folded { list-style: none; margin-left: -1.3em; }
li.folded summary { cursor: pointer; color: #4a5568; }
.rejected { color: #c53030; font-weight: bold; }
.accepted { color: #276749; }
.note { color: #4a5568; font-size: 0.9em; }
footer { margin-top: 2em; color: #718096; font-size: 0.85em; }
</style>
</head>
<body>
<h1>Verification of an election record</h1>
<p class="verdict {{if .Valid}}valid{{else}}invalid{{end}}" id="verdict">{{.Verdict}}</p>
<dl class="facts">
<dt>Election</dt><dd>{{if .ElectionID}}<bdi dir="auto" class="id" id="election-id">{{.ElectionID}}</bdi>{{if .ElectionTitle}}: <bdi dir="auto">{{.ElectionTitle}}</bdi>{{end}}{{else}}not readable{{end}}</dd>
<dt>Base hash</dt><dd>{{if .BaseHash}}<span class="hash" id="base-hash">{{.BaseHash}}</span>{{else}}not readable{{end}}</dd>
{{- if .ParamsError}}
<dt>election.json</dt><dd class="note">{{.ParamsError}}</dd>
{{- end}}
<dt>Record</dt><dd class="mono">{{.Dir}}</dd>
<dt>Ballots</dt><dd>{{.Counts}}</dd>
<dt>Verifier</dt><dd>{{.Version}}</dd>
</dl>

<h2 id="results">Results</h2>
{{- if .ResultsError}}
<p class="note">The results cannot be read: {{.ResultsError}}</p>
{{- else}}
<p class="note">As published in results.json ({{.Counted}}); checks 14 and 20 verify them against the decrypted totals.</p>
{{- range .Contests}}
<section class="contest">
<h3>Contest <bdi dir="auto" class="id">{{.ID}}</bdi>{{if .Title}}: <bdi dir="auto">{{.Title}}</bdi>{{end}}</h3>
<p class="note">{{.Kind}}{{if .Seats}}; {{.Seats}}{{end}}</p>
<p class="legend">
{{- range .Legend}}
<svg class="key" viewBox="0 0 20 20" aria-hidden="true"><rect class="{{.Class}}" x="0" y="0" width="20" height="20" /></svg>{{.Label}}
{{- end}}
</p>
<table class="chart">
<thead><tr><th class="num">#</th><th class="num">code</th><th>name</th><th></th><th class="num">{{.Unit}}</th>{{if .Outcomes}}<th>elected as</th>{{end}}</tr></thead>
<tbody>
{{- range .Bars}}
<tr class="{{.Class}}"><td class="num">{{.Pos}}</td><td class="num">{{.Code}}</td><td class="cand" dir="auto">{{.Name}}</td><td class="barcell"><svg class="bar" viewBox="0 0 1000 14" preserveAspectRatio="none" role="img" aria-label="{{.Count}}"><rect class="{{.Class}}{{if .Broken}} broken{{end}}" x="0" y="0" width="{{.Width}}" height="14" /></svg></td><td class="num">{{.Count}}</td>{{if .Outcome}}<td>{{.Outcome}}</td>{{end}}</tr>
{{- end}}
{{- with .Invalid}}
<tr class="invalid"><td></td><td></td><td>{{.Name}}</td><td class="barcell"><svg class="bar" viewBox="0 0 1000 14" preserveAspectRatio="none" role="img" aria-label="{{.Count}}"><rect class="invalid" x="0" y="0" width="{{.Width}}" height="14" /></svg></td><td class="num">{{.Count}}</td><td>{{.Outcome}}</td></tr>
{{- end}}
</tbody>
</table>
{{- if .Ties}}
<ul class="ties">
{{- range .Ties}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
{{- if .Rest}}
<details>
<summary>The other candidates</summary>
<table>
<thead><tr><th class="num">#</th><th class="num">code</th><th>name</th><th class="num">{{.Unit}}</th>{{if .Outcomes}}<th>elected as</th>{{end}}</tr></thead>
<tbody>
{{- range .Rest}}
<tr class="{{.Class}}"><td class="num">{{.Pos}}</td><td class="num">{{.Code}}</td><td class="cand" dir="auto">{{.Name}}</td><td class="num">{{.Count}}</td>{{if .Outcome}}<td>{{.Outcome}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</details>
{{- end}}
</section>
{{- end}}
{{- end}}

<h2 id="devices">Ballots by device</h2>
{{- if .DevicesError}}
<p class="note">{{.DevicesError}}</p>
{{- else}}
<p class="note">The lines of ballots.jsonl: device openings and closings, and the ballots the ballot box accepted as cast or challenged or wrote as refused.</p>
<table class="devices">
<thead><tr><th>device</th><th class="num">openings</th><th class="num">closings</th><th class="num">cast</th><th class="num">challenged</th><th class="num">refused</th><th class="num">lines</th></tr></thead>
<tbody>
{{- range .Devices}}
<tr><td>{{if .ID}}<bdi dir="auto" class="id">{{.ID}}</bdi>{{else}}{{.Label}}{{end}}{{if .Note}} <span class="note">({{.Note}})</span>{{end}}</td><td class="num">{{.Openings}}</td><td class="num">{{.Closings}}</td><td class="num">{{.Cast}}</td><td class="num">{{.Challenged}}</td><td class="num">{{.Refused}}</td><td class="num">{{.All}}</td></tr>
{{- end}}
<tr class="total"><th>{{.DeviceTotal.Label}}</th><th class="num">{{.DeviceTotal.Openings}}</th><th class="num">{{.DeviceTotal.Closings}}</th><th class="num">{{.DeviceTotal.Cast}}</th><th class="num">{{.DeviceTotal.Challenged}}</th><th class="num">{{.DeviceTotal.Refused}}</th><th class="num">{{.DeviceTotal.All}}</th></tr>
</tbody>
</table>
{{- end}}

{{- if .Incidents}}

<h2 id="incidents">Incidents</h2>
<p class="note">The entries of the stations' incident logs in ballots.jsonl, written and signed by the stations' officials; check 22 says whether their signatures and chains verify.</p>
<table class="incidents">
<thead><tr><th>station</th><th class="num">entry</th><th>kind</th><th>time</th><th>device</th><th>official</th><th>text</th></tr></thead>
<tbody>
{{- range .Incidents}}
<tr><td><bdi dir="auto" class="id">{{.Station}}</bdi></td><td class="num">{{.Seq}}</td><td>{{.Kind}}</td><td>{{.At}}</td><td><bdi dir="auto" class="id">{{.Devices}}</bdi></td><td><bdi dir="auto" class="id">{{.Official}}</bdi></td><td><bdi dir="auto">{{.Text}}</bdi></td></tr>
{{- end}}
</tbody>
</table>
{{- if .MoreIncidents}}
<p class="note">and {{.MoreIncidents}} more, not listed.</p>
{{- end}}
{{- end}}

{{- if .PollBookTotal.Station}}

<h2 id="pollbook">Poll book</h2>
<p class="note">The central poll book's summary (pollbook.json): counts of the voters marked at each station, never who. A double vote is a voter's mark beyond her first, at another station or the same one; each station counts its marks of a voter marked more than once. {{.PollBookCheck}}</p>
<table class="pollbook">
<thead><tr><th>station</th><th class="num">marks</th><th class="num">voters</th><th class="num">by committee</th><th class="num">double votes</th><th class="num">not on the list</th><th class="num">reused decisions</th></tr></thead>
<tbody>
{{- range .PollBook}}
<tr><td><bdi dir="auto" class="id">{{.Station}}</bdi></td><td class="num">{{.Marks}}</td><td class="num">{{.Voters}}</td><td class="num">{{.Committee}}</td><td class="num">{{.DoubleVotes}}</td><td class="num">{{.NotListed}}</td><td class="num">{{.ReusedDecisions}}</td></tr>
{{- end}}
<tr class="total"><th>{{.PollBookTotal.Station}}</th><th class="num">{{.PollBookTotal.Marks}}</th><th class="num">{{.PollBookTotal.Voters}}</th><th class="num">{{.PollBookTotal.Committee}}</th><th class="num">{{.PollBookTotal.DoubleVotes}}</th><th class="num">{{.PollBookTotal.NotListed}}</th><th class="num">{{.PollBookTotal.ReusedDecisions}}</th></tr>
</tbody>
</table>
{{- if .MoreStations}}
<p class="note">and {{.MoreStations}} more stations, not listed.</p>
{{- end}}
{{- end}}

<h2 id="checks">Checks</h2>
<p class="note">The numbered checks of docs/spec.md, section "Verification"; items is how many things a check examined.</p>
<table class="checks">
<thead><tr><th class="num">#</th><th>check</th><th class="num">items</th><th>verdict</th></tr></thead>
<tbody>
{{- range .Checks}}
<tr class="{{.Status}}" id="{{.ID}}"><td class="num">{{.Num}}</td><td class="name">{{.Name}}{{if .Mixnet}} <a href="#mixnet">(the stages)</a>{{end}}
{{- if or .Findings .More}}
<ul class="findings">
{{- range .Findings}}
<li class="finding">{{.}}</li>
{{- end}}
{{- if .Folded}}
<li class="folded"><details><summary>the other {{.FoldedCount}} findings listed</summary>
<ul class="findings">
{{- range .Folded}}
<li class="finding">{{.}}</li>
{{- end}}
</ul>
</details></li>
{{- end}}
{{- if .More}}
<li class="more">{{.More}}</li>
{{- end}}
</ul>
{{- end}}
</td><td class="num">{{.Items}}</td><td class="status">{{.Verdict}}</td></tr>
{{- end}}
</tbody>
</table>
{{- if .Cascades}}

<h2 id="mixnet">Mix cascades</h2>
{{- range .Cascades}}
<h3>Contest <bdi dir="auto" class="id">{{.Contest}}</bdi>: {{.Rows}}, {{.Required}}, <span class="{{if .Complete}}accepted{{else}}rejected{{end}}">{{.State}}</span></h3>
<table class="stages">
<thead><tr><th class="num">stage</th><th>file</th><th>mix server</th><th>verdict</th></tr></thead>
<tbody>
{{- range .Stages}}
<tr><td class="num">{{.Index}}</td><td class="mono">{{.File}}</td><td>{{.Server}}</td><td class="{{if .Accepted}}accepted{{else}}rejected{{end}}">{{.Verdict}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- end}}

<footer>Written by {{.Version}} (examples/verifier -html). This page loads nothing: no script, style sheet, font or image from anywhere.</footer>
</body>
</html>
`

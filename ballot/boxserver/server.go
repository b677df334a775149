package boxserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/pollbook"
)

// A Server serves a ballot.Box over HTTP (docs/spec.md §"The ballot box
// over HTTP"). Create it with New, serve it with any http.Server (it is an
// http.Handler), and Close it before closing the box.
//
// Submissions from many devices are gathered into batches: a worker takes
// the submissions waiting, has the box check all their ballots on all
// cores (their proofs in one batch verification) and decide their lines
// (ballot.Box.AcceptBallotsAsync), and goes on to the next batch while
// the box writes and syncs this one; each request is answered once its
// lines are on stable storage. So the box's durability costs one fsync
// per batch, not per ballot, the cores check ballots while the disk
// syncs, and no answer leaves before its line is durable.
type Server struct {
	e        *ballot.Election
	box      *ballot.Box
	pub      *public
	book     *pollbook.Central
	stations map[string]string // device → its station in the manifest
	log      func(Event)
	maxBatch int

	limit *refusalLimit

	posts map[string]func(device string, position uint64, body []byte) (any, error)
	gets  map[string]func(w http.ResponseWriter, r *http.Request)

	jobs    chan *job
	stop    chan struct{}
	workers sync.WaitGroup
	syncing sync.WaitGroup // the answers of decided batches, waiting for their sync
	once    sync.Once
}

// Config configures a Server. The zero value serves no record files and
// logs nothing.
type Config struct {
	// RecordDir, if set, is the folder of the election record being
	// written, whose files the server publishes read-only under /record/:
	// those listed in its SHA256SUMS, and BoxFile as ballots.jsonl.
	RecordDir string
	// BoxFile is the path of the box's file, published as ballots.jsonl
	// as it grows (default RecordDir/ballots.jsonl).
	BoxFile string
	// Log, if set, is called with each decision of the box, from the
	// server's goroutines (it must be safe for concurrent use).
	Log func(Event)
	// Workers is the number of batches checked at once (default 1: each
	// batch is checked on all cores, and one batch large enough to keep
	// them busy costs less than several small ones), and MaxBatch the
	// most ballots in one batch (default 256).
	Workers, MaxBatch int
	// MaxRefusedPerMinute is how many refused ballots a device may have
	// in a minute before its submissions are answered 429 (Too Many
	// Requests) for the rest of that minute: each refused ballot is a line
	// of the record, and a device with a stolen key must not fill it.
	// 0 means DefaultMaxRefusedPerMinute, a negative value no limit.
	MaxRefusedPerMinute int
	// PollBook, if set, is the central poll book that the server keeps
	// for the stations: their marks, their online checks, and the public
	// summary of counts.
	PollBook *pollbook.Central
}

// An Event is one decision of the box, for the Log of Config.
type Event struct {
	Time   time.Time
	Device string
	// Kind is "opening", "ballot" or "closing"; "incident" for an entry
	// of a station's incident log (Result.Reason its kind and device) or
	// an incident of the poll book (Result.Outcome its kind,
	// Result.Reason the marks); or "error" for a ballot the box
	// could not write (Result.Reason says why; the box refuses everything
	// until it is reopened).
	Kind string
	// Result is the answer (for an opening, Sequence 0 and the opening's
	// code).
	Result Result
}

// A job is one request's ballots waiting for a worker.
type job struct {
	ballots []*ballot.Ballot
	errs    []error
	done    chan struct{}
}

// New returns a server of box, which belongs to election e.
func New(e *ballot.Election, box *ballot.Box, cfg Config) *Server {
	s := &Server{
		e:        e,
		box:      box,
		log:      cfg.Log,
		maxBatch: cfg.MaxBatch,
		book:     cfg.PollBook,
		limit:    newRefusalLimit(cfg.MaxRefusedPerMinute),
		jobs:     make(chan *job, 1024),
		stop:     make(chan struct{}),
	}
	s.stations = make(map[string]string)
	for _, st := range e.Manifest().Stations {
		for _, d := range st.Devices {
			s.stations[d] = st.ID
		}
	}
	if s.maxBatch <= 0 {
		s.maxBatch = 256
	}
	s.posts = map[string]func(string, uint64, []byte) (any, error){
		"/v1/ballots":        s.ballots,
		"/v1/opening":        s.opening,
		"/v1/closing":        s.closing,
		"/v1/incidents":      s.incidents,
		"/v1/pollbook/marks": s.marks,
		"/v1/pollbook/check": s.check,
	}
	s.gets = map[string]func(http.ResponseWriter, *http.Request){
		"/v1/tip":              s.tip,
		"/v1/lookup":           s.lookup,
		"/v1/incidents/tip":    s.incidentTip,
		"/v1/pollbook/tip":     s.marksTip,
		"/v1/pollbook/summary": s.summary,
	}
	if cfg.RecordDir != "" {
		s.pub = newPublic(cfg.RecordDir, cfg.BoxFile, box)
	}
	workers := max(1, cfg.Workers)
	for range workers {
		s.workers.Add(1)
		go s.work()
	}
	return s
}

// Close stops the workers; requests still waiting are answered with an
// error, and those whose batch was decided are answered once it is synced.
// It does not close the box.
func (s *Server) Close() {
	s.once.Do(func() { close(s.stop) })
	s.workers.Wait()
	s.syncing.Wait()
}

var errStopped = errors.New("boxserver: the server is stopping")

// work takes the jobs waiting, up to maxBatch ballots, has the box decide
// them as one batch, and leaves the wait for their sync, and the answers,
// to a goroutine of its own.
func (s *Server) work() {
	defer s.workers.Done()
	for {
		var first *job
		select {
		case first = <-s.jobs:
		case <-s.stop:
			s.drain()
			return
		}
		batch := []*job{first}
		n := len(first.ballots)
	gather:
		for n < s.maxBatch {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
				n += len(j.ballots)
			default:
				break gather
			}
		}
		all := make([]*ballot.Ballot, 0, n)
		for _, j := range batch {
			all = append(all, j.ballots...)
		}
		wait := s.box.AcceptBallotsAsync(all)
		s.syncing.Add(1)
		go func() {
			defer s.syncing.Done()
			errs := wait()
			for _, j := range batch {
				j.errs, errs = errs[:len(j.ballots)], errs[len(j.ballots):]
				close(j.done)
			}
		}()
	}
}

// drain answers the jobs left when the server stops.
func (s *Server) drain() {
	for {
		select {
		case j := <-s.jobs:
			j.errs = make([]error, len(j.ballots))
			for i := range j.errs {
				j.errs[i] = errStopped
			}
			close(j.done)
		default:
			return
		}
	}
}

// ServeHTTP serves the API: the signed submissions of the devices and the
// public, read-only side.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := s.posts[r.URL.Path]; ok {
		s.post(w, r, h)
		return
	}
	if h, ok := s.gets[r.URL.Path]; ok {
		s.get(w, r, h)
		return
	}
	if s.pub != nil && strings.HasPrefix(r.URL.Path, "/record/") && len(r.URL.Path) > len("/record/") {
		s.get(w, r, s.pub.serve)
		return
	}
	httpError(w, http.StatusNotFound, fmt.Sprintf("boxserver: no such resource %q", r.URL.Path))
}

// An httpErr is an error with the HTTP status to answer it with.
type httpErr struct {
	status int
	err    error
}

func (e *httpErr) Error() string { return e.err.Error() }

func statusError(status int, format string, args ...any) error {
	return &httpErr{status, fmt.Errorf(format, args...)}
}

// problem is the JSON body of an error answer.
type problem struct {
	Error string `json:"error"`
}

func httpError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem{msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(data, '\n'))
}

// fail answers err with its status (500 if it has none).
func fail(w http.ResponseWriter, err error) {
	var he *httpErr
	var ae *authError
	switch {
	case errors.As(err, &he):
		httpError(w, he.status, he.Error())
	case errors.As(err, &ae):
		httpError(w, http.StatusUnauthorized, ae.Error())
	default:
		httpError(w, http.StatusServiceUnavailable, err.Error())
	}
}

// readBody reads a request's body, of at most maxBody bytes, into a buffer
// of its declared length when it has one.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	rd := http.MaxBytesReader(w, r.Body, maxBody)
	if n := r.ContentLength; n > 0 && n <= maxBody {
		buf := make([]byte, n)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(rd)
}

// post reads a signed submission and hands it to h.
func (s *Server) post(w http.ResponseWriter, r *http.Request, h func(device string, position uint64, body []byte) (any, error)) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		httpError(w, http.StatusMethodNotAllowed, "boxserver: "+r.URL.Path+" takes POST")
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("boxserver: a request body is at most %d bytes", maxBody))
			return
		}
		httpError(w, http.StatusBadRequest, "boxserver: reading the request: "+err.Error())
		return
	}
	device, position, err := verifyRequest(r, s.e, body)
	if err != nil {
		fail(w, err)
		return
	}
	v, err := h(device, position, body)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, v)
}

// get serves a read-only resource.
func (s *Server) get(w http.ResponseWriter, r *http.Request, h func(w http.ResponseWriter, r *http.Request)) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		httpError(w, http.StatusMethodNotAllowed, "boxserver: "+r.URL.Path+" takes GET")
		return
	}
	h(w, r)
}

// ballots decides a device's submission of ballots.
func (s *Server) ballots(device string, position uint64, body []byte) (any, error) {
	if ok, wait := s.limit.allow(device, time.Now()); !ok {
		return nil, statusError(http.StatusTooManyRequests, "boxserver: device %q had %d refused ballots in the last minute: it may submit again in %v", device, s.limit.max, wait.Round(time.Second))
	}
	bs, _, err := decodeBallots(body, device)
	if err != nil {
		return nil, &httpErr{http.StatusBadRequest, err}
	}
	if first := bs[0].Header().Sequence; first != position {
		return nil, statusError(http.StatusBadRequest, "boxserver: header %s is %d, but the first ballot's sequence number is %d", headerPosition, position, first)
	}
	j := &job{ballots: bs, done: make(chan struct{})}
	select {
	case s.jobs <- j:
	case <-s.stop:
		return nil, errStopped
	}
	<-j.done
	a := &Answer{Results: make([]Result, len(bs))}
	refused := 0
	defer func() { s.limit.note(device, refused, time.Now()) }()
	for i, b := range bs {
		res, err := result(b, j.errs[i])
		if err != nil {
			// The box cannot write: nothing of this request is
			// acknowledged.
			s.event(device, "error", Result{Sequence: b.Header().Sequence, Code: b.ConfirmationCode(), Outcome: "error", Reason: err.Error(), Contest: -1, Selection: -1})
			return nil, err
		}
		a.Results[i] = res
		if res.Outcome == Refused {
			refused++
		}
		s.event(device, "ballot", res)
	}
	if err := s.boxErr(); err != nil {
		return nil, err // the tip is not to be trusted
	}
	a.Tip = s.deviceTip(device)
	return a, nil
}

// opening decides a device's opening.
func (s *Server) opening(device string, position uint64, body []byte) (any, error) {
	if position != 0 {
		return nil, statusError(http.StatusBadRequest, "boxserver: header %s of an opening is %d, want 0", headerPosition, position)
	}
	o := new(ballot.DeviceOpening)
	if err := o.UnmarshalJSON(bytes.TrimSpace(body)); err != nil {
		return nil, &httpErr{http.StatusBadRequest, err}
	}
	if o.Device != device {
		return nil, statusError(http.StatusBadRequest, "boxserver: the opening is device %q's, the request is signed by device %q", o.Device, device)
	}
	return s.answerOne(device, "opening", Result{Code: o.ConfirmationCode()}, s.box.AcceptOpening(o))
}

// answerOne answers the submission of one record the box accepts or
// rejects (an opening, a closing): res is its result with its sequence
// number and code, err the box's answer.
func (s *Server) answerOne(device, kind string, res Result, err error) (any, error) {
	res.Outcome, res.Contest, res.Selection = Accepted, -1, -1
	if err != nil {
		var ref *ballot.Refusal
		if !errors.As(err, &ref) {
			return nil, err
		}
		res.Outcome, res.Step, res.Reason = Rejected, ref.Step, ref.Reason
	}
	s.event(device, kind, res)
	if err := s.boxErr(); err != nil {
		return nil, err
	}
	return &Answer{Tip: s.deviceTip(device), Results: []Result{res}}, nil
}

func (s *Server) event(device, kind string, r Result) {
	if s.log != nil {
		s.log(Event{Time: time.Now(), Device: device, Kind: kind, Result: r})
	}
}

// boxErr returns the box's error (Box.Err) as a 503 answer, or nil.
func (s *Server) boxErr() error {
	if err := s.box.Err(); err != nil {
		return &httpErr{http.StatusServiceUnavailable, err}
	}
	return nil
}

func (s *Server) deviceTip(device string) Tip {
	seq, code, ok := s.box.Tip(device)
	return Tip{Device: device, Opened: ok, Sequence: seq, Code: code}
}

// tip answers GET /v1/tip?device=ID.
func (s *Server) tip(w http.ResponseWriter, r *http.Request) {
	device := r.URL.Query().Get("device")
	if _, ok := s.e.DeviceVerifier(device); !ok {
		httpError(w, http.StatusNotFound, fmt.Sprintf("boxserver: parameter device: %q is not a registered device", device))
		return
	}
	if err := s.boxErr(); err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, s.deviceTip(device))
}

// A Found is the answer to a voter's lookup of her short code: what the
// box wrote of each ballot with that code (usually one, none if the box
// has not written it).
type Found struct {
	Code    string       `json:"code"`
	Ballots []FoundEntry `json:"ballots"`
}

// A FoundEntry is one ballot line of a Found.
type FoundEntry struct {
	Line       int64                   `json:"line"`
	Code       ballot.ConfirmationCode `json:"code"`
	State      string                  `json:"state"`
	Outcome    string                  `json:"outcome"`
	Step       ballot.Step             `json:"step,omitempty"`
	Superseded bool                    `json:"superseded"`
}

// lookup answers GET /v1/lookup?code=SHORT.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	code, err := ballot.ParseShortCode(r.URL.Query().Get("code"))
	if err != nil {
		httpError(w, http.StatusBadRequest, "boxserver: parameter code: "+err.Error())
		return
	}
	if err := s.boxErr(); err != nil {
		fail(w, err)
		return
	}
	f := Found{Code: code.String(), Ballots: []FoundEntry{}}
	for _, e := range s.box.Lookup(code) {
		fe := FoundEntry{Line: e.Line, Code: e.Code, State: e.State.String(), Outcome: Accepted, Superseded: e.Superseded}
		if e.Refusal != nil {
			fe.Outcome, fe.Step = Refused, e.Refusal.Step
		}
		f.Ballots = append(f.Ballots, fe)
	}
	writeJSON(w, f)
}

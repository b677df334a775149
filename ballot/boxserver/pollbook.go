package boxserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sandogh/sandogh/internal/wire"
	"github.com/sandogh/sandogh/pollbook"
)

// The poll book's side of the API (docs/spec.md §"The ballot box over
// HTTP", "The poll book"): the stations' marks and online checks, signed
// like submissions, and the public summary of counts.

// MaxMarks is the largest number of marks in one submission.
const MaxMarks = 4096

// A MarksAnswer is the central book's answer to a submission of marks:
// how many it took and how many repeated marks it had, the station's
// tip of marks on disk after them, and how many incidents they raised
// (double votes, voters not listed, reused committee decisions: the
// server logs them; the summary counts them).
type MarksAnswer struct {
	Station   string `json:"station"`
	Accepted  int    `json:"accepted"`
	Repeats   int    `json:"repeats"`
	Incidents int    `json:"incidents"`
	Tip       uint64 `json:"tip"`
}

type marksJSON struct {
	Marks []*pollbook.Mark `json:"marks"`
}

type checkJSON struct {
	Pseudonym pollbook.Pseudonym `json:"pseudonym"`
}

// StatusJSON is the answer to an online check.
type statusJSON struct {
	Listed   bool   `json:"listed"`
	Marked   bool   `json:"marked"`
	Station  string `json:"station,omitempty"`
	Sequence uint64 `json:"sequence,omitempty"`
}

// marks takes a station's marks into the central book.
func (s *Server) marks(device string, position uint64, body []byte) (any, error) {
	if s.book == nil {
		return nil, statusError(http.StatusNotFound, "boxserver: this server keeps no poll book")
	}
	var j marksJSON
	if err := wire.StrictJSON(body, &j); err != nil {
		return nil, statusError(http.StatusBadRequest, "boxserver: marks: %v", err)
	}
	err := checkBatch("mark", len(j.Marks), MaxMarks, position, strconv.Quote(device),
		func(i int) (string, uint64) { return j.Marks[i].Station, j.Marks[i].Sequence }, device)
	if err != nil {
		return nil, err
	}
	res, err := s.book.Merge(j.Marks)
	if err != nil {
		// The marks before the one that failed are taken: sent again,
		// they are repeats.
		switch {
		case errors.Is(err, pollbook.ErrGap):
			return nil, statusError(http.StatusConflict, "%v (send the marks after the tip, GET /v1/pollbook/tip)", err)
		case s.book.Err() != nil:
			return nil, err // 503: the book cannot write
		}
		return nil, statusError(http.StatusBadRequest, "%v", err)
	}
	for _, in := range res.Incidents {
		if s.log != nil {
			s.log(Event{Time: time.Now(), Device: device, Kind: "incident", Result: Result{Sequence: in.Sequence, Outcome: in.Kind.String(),
				Reason: fmt.Sprintf("%s: mark %d of %s, and mark %d of %s", in.Kind, in.Sequence, in.Station, in.OtherSequence, in.OtherStation), Contest: -1, Selection: -1}})
		}
	}
	return &MarksAnswer{Station: device, Accepted: res.Accepted, Repeats: res.Repeats, Incidents: len(res.Incidents), Tip: s.book.Tip(device)}, nil
}

// check answers a station's online check of a pseudonym.
func (s *Server) check(device string, position uint64, body []byte) (any, error) {
	if s.book == nil {
		return nil, statusError(http.StatusNotFound, "boxserver: this server keeps no poll book")
	}
	var j checkJSON
	if err := wire.StrictJSON(body, &j); err != nil {
		return nil, statusError(http.StatusBadRequest, "boxserver: check: %v", err)
	}
	st, err := s.book.Check(j.Pseudonym)
	if err != nil {
		return nil, err
	}
	return statusJSON{Listed: st.Listed, Marked: st.Marked, Station: st.Station, Sequence: st.Sequence}, nil
}

// marksTip answers GET /v1/pollbook/tip?station=ID.
func (s *Server) marksTip(w http.ResponseWriter, r *http.Request) {
	if s.book == nil {
		httpError(w, http.StatusNotFound, "boxserver: this server keeps no poll book")
		return
	}
	station := r.URL.Query().Get("station")
	if _, ok := s.e.DeviceVerifier(station); !ok {
		httpError(w, http.StatusNotFound, fmt.Sprintf("boxserver: parameter station: %q is not a registered device", station))
		return
	}
	writeJSON(w, MarksAnswer{Station: station, Tip: s.book.Tip(station)})
}

// summary answers GET /v1/pollbook/summary: counts only.
func (s *Server) summary(w http.ResponseWriter, r *http.Request) {
	if s.book == nil {
		httpError(w, http.StatusNotFound, "boxserver: this server keeps no poll book")
		return
	}
	data, err := s.book.Summary().MarshalJSON()
	if err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(data, '\n'))
}

// SubmitMarks sends the station's marks, in sequence order, to the
// central book.
func (c *Client) SubmitMarks(ctx context.Context, marks []*pollbook.Mark) (*MarksAnswer, error) {
	if len(marks) == 0 || len(marks) > MaxMarks {
		return nil, fmt.Errorf("boxserver: SubmitMarks of %d marks: between 1 and %d", len(marks), MaxMarks)
	}
	body, err := json.Marshal(marksJSON{Marks: marks})
	if err != nil {
		return nil, err
	}
	a := new(MarksAnswer)
	if err := c.post(ctx, "/v1/pollbook/marks", marks[0].Sequence, body, a); err != nil {
		return nil, err
	}
	return a, nil
}

// MarksTip asks the central book for the number of the station's marks it
// holds.
func (c *Client) MarksTip(ctx context.Context) (uint64, error) {
	a := new(MarksAnswer)
	if err := c.get(ctx, "/v1/pollbook/tip?station="+url.QueryEscape(c.Device), a); err != nil {
		return 0, err
	}
	return a.Tip, nil
}

// CheckOnline asks the central book whether a pseudonym is listed and
// marked: a Client is the pollbook.OnlineChecker of a station's Book.
func (c *Client) CheckOnline(ctx context.Context, p pollbook.Pseudonym) (pollbook.Status, error) {
	body, err := json.Marshal(checkJSON{Pseudonym: p})
	if err != nil {
		return pollbook.Status{}, err
	}
	var j statusJSON
	if err := c.post(ctx, "/v1/pollbook/check", 0, body, &j); err != nil {
		return pollbook.Status{}, err
	}
	return pollbook.Status{Listed: j.Listed, Marked: j.Marked, Station: j.Station, Sequence: j.Sequence}, nil
}

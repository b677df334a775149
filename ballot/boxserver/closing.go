package boxserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/wire"
)

// Closings and incident logs over HTTP (docs/spec.md §"The ballot box
// over HTTP", "Closings and incidents").

// MaxIncidents is the largest number of incident-log entries in one
// submission.
const MaxIncidents = 256

// An IncidentsAnswer is the box's answer to a submission of a station's
// incident-log entries: one Result per entry (Sequence is the entry's
// place in the log, Code its code) and the log's tip in the box after
// them.
type IncidentsAnswer struct {
	Station  string                  `json:"station"`
	Sequence uint64                  `json:"sequence"`
	Code     ballot.ConfirmationCode `json:"code"`
	Results  []Result                `json:"results"`
}

type incidentsJSON struct {
	Incidents []*ballot.Incident `json:"incidents"`
}

// checkBatch checks the n items of a submission of what (marks,
// incidents): 1 to max of them, each of the owner want (item i's owner and
// sequence number by item), the first at the signed position; signer names
// who signed the request.
func checkBatch(what string, n, max int, position uint64, signer string, item func(i int) (owner string, sequence uint64), want string) error {
	if n == 0 || n > max {
		return statusError(http.StatusBadRequest, "boxserver: %d %ss, want 1 to %d", n, what, max)
	}
	for i := range n {
		if owner, _ := item(i); owner != want {
			return statusError(http.StatusBadRequest, "boxserver: %s %d is station %q's, the request is signed by %s", what, i, owner, signer)
		}
	}
	if _, first := item(0); first != position {
		return statusError(http.StatusBadRequest, "boxserver: header %s is %d, but the first %s's sequence number is %d", headerPosition, position, what, first)
	}
	return nil
}

// closing decides a device's closing certificate.
func (s *Server) closing(device string, position uint64, body []byte) (any, error) {
	c := new(ballot.DeviceClosing)
	if err := c.UnmarshalJSON(bytes.TrimSpace(body)); err != nil {
		return nil, &httpErr{http.StatusBadRequest, err}
	}
	if c.Device != device {
		return nil, statusError(http.StatusBadRequest, "boxserver: the closing is device %q's, the request is signed by device %q", c.Device, device)
	}
	if c.Sequence != position {
		return nil, statusError(http.StatusBadRequest, "boxserver: header %s is %d, but the closing's sequence number is %d", headerPosition, position, c.Sequence)
	}
	return s.answerOne(device, "closing", Result{Sequence: c.Sequence, Code: c.Code()}, s.box.AcceptClosing(c))
}

// stationOf returns the manifest's station of device, or "".
func (s *Server) stationOf(device string) string { return s.stations[device] }

// incidents decides entries of the incident log of the signing device's
// station, in order.
func (s *Server) incidents(device string, position uint64, body []byte) (any, error) {
	station := s.stationOf(device)
	if station == "" {
		return nil, statusError(http.StatusBadRequest, "boxserver: device %q is not a device of a station of the manifest: it keeps no incident log", device)
	}
	var j incidentsJSON
	if err := wire.StrictJSON(body, &j); err != nil {
		return nil, statusError(http.StatusBadRequest, "boxserver: incidents: %v", err)
	}
	err := checkBatch("incident", len(j.Incidents), MaxIncidents, position, "a device of station "+strconv.Quote(station),
		func(i int) (string, uint64) { return j.Incidents[i].Station, j.Incidents[i].Sequence }, station)
	if err != nil {
		return nil, err
	}
	a := &IncidentsAnswer{Station: station}
	for _, in := range j.Incidents {
		res := Result{Sequence: in.Sequence, Code: in.Code(), Outcome: Accepted, Contest: -1, Selection: -1}
		if err := s.box.AcceptIncident(in); err != nil {
			var ref *ballot.Refusal
			if !errors.As(err, &ref) {
				return nil, err
			}
			res.Outcome, res.Step, res.Reason = Rejected, ref.Step, ref.Reason
		}
		s.event(device, "incident", Result{Sequence: res.Sequence, Code: res.Code, Outcome: res.Outcome, Step: res.Step,
			Reason: fmt.Sprintf("%s: %s %s", in.Kind, in.Device, res.Reason), Contest: -1, Selection: -1})
		a.Results = append(a.Results, res)
	}
	if err := s.boxErr(); err != nil {
		return nil, err
	}
	a.Sequence, a.Code, _ = s.box.IncidentTip(station)
	return a, nil
}

// incidentTip answers GET /v1/incidents/tip?station=ID.
func (s *Server) incidentTip(w http.ResponseWriter, r *http.Request) {
	station := r.URL.Query().Get("station")
	known := false
	for _, st := range s.stations {
		known = known || st == station
	}
	if !known {
		httpError(w, http.StatusNotFound, fmt.Sprintf("boxserver: parameter station: %q is not a station of the manifest", station))
		return
	}
	if err := s.boxErr(); err != nil {
		fail(w, err)
		return
	}
	seq, code, _ := s.box.IncidentTip(station)
	writeJSON(w, IncidentsAnswer{Station: station, Sequence: seq, Code: code, Results: []Result{}})
}

// Close submits the device's closing certificate. The box accepts it once
// it holds every ballot up to the closing (a closing ahead of the box is
// rejected as a gap: send the ballots first).
func (c *Client) Close(ctx context.Context, cl *ballot.DeviceClosing) (*Answer, error) {
	body, err := cl.MarshalJSON()
	if err != nil {
		return nil, err
	}
	a, err := c.submit(ctx, "/v1/closing", cl.Sequence, "application/json", body)
	if err != nil {
		return nil, err
	}
	if len(a.Results) != 1 || a.Results[0].Code != cl.Code() {
		return nil, errors.New("boxserver: the answer is not the closing's")
	}
	return a, nil
}

// SubmitIncidents submits entries of the incident log of the device's
// station, in order.
func (c *Client) SubmitIncidents(ctx context.Context, ins []*ballot.Incident) (*IncidentsAnswer, error) {
	if len(ins) == 0 || len(ins) > MaxIncidents {
		return nil, fmt.Errorf("boxserver: SubmitIncidents of %d entries: between 1 and %d", len(ins), MaxIncidents)
	}
	body, err := json.Marshal(incidentsJSON{Incidents: ins})
	if err != nil {
		return nil, err
	}
	a := new(IncidentsAnswer)
	if err := c.post(ctx, "/v1/incidents", ins[0].Sequence, body, a); err != nil {
		return nil, err
	}
	if len(a.Results) != len(ins) {
		return nil, fmt.Errorf("boxserver: %d entries sent, %d results in the answer", len(ins), len(a.Results))
	}
	return a, nil
}

// IncidentTip asks the box for the tip of a station's incident log.
func (c *Client) IncidentTip(ctx context.Context, station string) (*IncidentsAnswer, error) {
	a := new(IncidentsAnswer)
	if err := c.get(ctx, "/v1/incidents/tip?station="+url.QueryEscape(station), a); err != nil {
		return nil, err
	}
	return a, nil
}

// TipOf asks the box for the tip of another device's chain (the device a
// spare replaces).
func (c *Client) TipOf(ctx context.Context, device string) (*Tip, error) {
	t := new(Tip)
	if err := c.get(ctx, "/v1/tip?device="+url.QueryEscape(device), t); err != nil {
		return nil, err
	}
	return t, nil
}

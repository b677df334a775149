package station

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
)

// CloseChain ends the station's chain with its closing certificate
// (ballot.Device.Close) at time now: its last ballot and its counts by the
// box's verdicts. cosign, if not nil, has the station's officials co-sign
// it (ballot.DeviceClosing.Cosign) before it is logged. The station then
// encrypts no more ballots, and Sync sends the closing after its ballots.
//
// Because the counts are the box's verdicts, CloseChain needs every ballot
// acknowledged: sync first (an offline station closes when its link is
// back), and decide the ballot pending.
func (s *Station) CloseChain(now time.Time, cosign func(*ballot.DeviceClosing) error) (*ballot.DeviceClosing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.f == nil:
		return nil, errors.New("station: the station is closed")
	case s.closing != nil:
		return s.closing, nil
	case s.pending != nil:
		return nil, fmt.Errorf("station: ballot %s is pending: cast or challenge it first", s.pending.ID())
	case len(s.outbox) > 0 || !s.openAcked:
		return nil, fmt.Errorf("station: %d ballots are not acknowledged by the box: sync before closing (the closing states the box's verdicts)", len(s.outbox))
	case len(s.unverified) > 0:
		return nil, fmt.Errorf("station: the verdicts of %d ballots the box acknowledged are not known yet: sync before closing (the closing states the box's verdicts)", len(s.unverified))
	}
	d, err := ballot.ResumeDevice(s.e, s.id, s.key, s.seq, s.tip)
	if err != nil {
		return nil, err
	}
	if err := d.SetCounts(s.closingCounts()); err != nil {
		return nil, err
	}
	c, err := d.Close(now)
	if err != nil {
		return nil, err
	}
	if cosign != nil {
		if err := cosign(c); err != nil {
			return nil, err
		}
	}
	if err := s.append(logLine{Closing: c}); err != nil {
		return nil, err
	}
	s.closing = c
	s.notify()
	return c, nil
}

// closingCounts returns the chain's counts by the box's verdicts. s.mu is
// held and every ballot is acknowledged.
func (s *Station) closingCounts() ballot.ClosingCounts {
	return ballot.ClosingCounts{
		Cast:       s.counts.Cast - s.refusedCast,
		Challenged: s.counts.Challenged - s.refusedChallenged,
		Refused:    s.refusedCast + s.refusedChallenged,
	}
}

// Closed reports whether the station closed its chain, and whether the box
// accepted the closing.
func (s *Station) Closed() (closed, accepted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing != nil, s.closingAcked
}

// ResumeIncidents continues the station's incident log after its entry
// (sequence, code): for a device that replaces another, the tip of the
// log in the box (boxserver.Client.IncidentTip), before it records its
// first entry. A station whose log already has entries ignores it.
func (s *Station) ResumeIncidents(sequence uint64, code ballot.ConfirmationCode) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.station == "" {
		return fmt.Errorf("station: device %q is not a device of a station of the manifest: it keeps no incident log", s.id)
	}
	if len(s.incidents) > 0 {
		return nil
	}
	il, err := ballot.ResumeIncidentLog(s.e, s.station, sequence, code)
	if err != nil {
		return err
	}
	s.incidentLog, s.incidentAcked = il, sequence
	return nil
}

// RecordIncident records r in the station's incident log, signed by the
// official with key: the entry is logged durably and sent by Sync.
func (s *Station) RecordIncident(r ballot.IncidentReport, official string, key ed25519.PrivateKey) (*ballot.Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil, errors.New("station: the station is closed")
	}
	if s.station == "" {
		return nil, fmt.Errorf("station: device %q is not a device of a station of the manifest: it keeps no incident log", s.id)
	}
	if s.incidentLog == nil {
		il, err := ballot.OpenIncidentLog(s.e, s.station)
		if err != nil {
			return nil, err
		}
		s.incidentLog = il
	}
	in, err := s.incidentLog.Record(r, official, key)
	if err != nil {
		return nil, err
	}
	if err := s.append(logLine{Incident: in}); err != nil {
		return nil, err
	}
	s.incidents = append(s.incidents, in)
	s.notify()
	return in, nil
}

// notify wakes Run. s.mu is held.
func (s *Station) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// syncIncidents sends the box the entries of the station's incident log
// made here that it does not hold.
func (s *Station) syncIncidents(ctx context.Context, c *boxserver.Client) error {
	s.mu.Lock()
	station, all, acked := s.station, s.incidents, s.incidentAcked
	s.mu.Unlock()
	var todo []*ballot.Incident
	for _, in := range all {
		if in.Sequence > acked {
			todo = append(todo, in)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	tip, err := c.IncidentTip(ctx, station)
	if err != nil {
		return err
	}
	var send []*ballot.Incident
	for _, in := range todo {
		if in.Sequence > tip.Sequence {
			send = append(send, in)
		}
	}
	if len(send) > 0 {
		a, err := c.SubmitIncidents(ctx, send[:min(len(send), boxserver.MaxIncidents)])
		if err != nil {
			return err
		}
		for i, r := range a.Results {
			if r.Outcome != boxserver.Accepted {
				return &ChainError{send[i].Sequence, fmt.Sprintf("the box rejects incident %d of station %s (%s): %s", send[i].Sequence, station, r.Step, r.Reason)}
			}
		}
		tip.Sequence = a.Sequence
	}
	s.mu.Lock()
	s.incidentAcked = max(s.incidentAcked, tip.Sequence)
	s.mu.Unlock()
	return nil
}

// syncClosing sends the closing, once the box holds every ballot.
func (s *Station) syncClosing(ctx context.Context, c *boxserver.Client) error {
	s.mu.Lock()
	cl, done := s.closing, s.closingAcked
	s.mu.Unlock()
	if cl == nil || done {
		return nil
	}
	a, err := c.Close(ctx, cl)
	if err != nil {
		return err
	}
	if r := a.Results[0]; r.Outcome != boxserver.Accepted {
		return &ChainError{cl.Sequence, fmt.Sprintf("the box rejects the closing (%s): %s", r.Step, r.Reason)}
	}
	s.mu.Lock()
	s.closingAcked = true
	s.mu.Unlock()
	return nil
}

package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/ballot/station"
)

// replace opens this device as the replacement of the failed device
// c.replaces: it asks the box where that device's chain ends (retrying
// for up to -drain: the link must be up), opens its chain after it, and
// has the official record the replacement in the station's incident log,
// continuing the log as the box holds it.
func replace(c config, e *ballot.Election, key ed25519.PrivateKey, official string, officialKey ed25519.PrivateKey, stderr io.Writer) (*station.Station, error) {
	if official == "" {
		return nil, fmt.Errorf("-replaces %s: the device is not in a station of the manifest, whose official records the replacement", c.replaces)
	}
	cl := &boxserver.Client{URL: c.server, HTTP: &http.Client{Timeout: 10 * time.Second}, Device: c.device, Key: key, BaseHash: e.BaseHash()}
	ps := stationOf(e, c.device)
	ctx, cancel := context.WithTimeout(context.Background(), max(c.drain, 5*time.Second))
	defer cancel()
	var old *boxserver.Tip
	var log *boxserver.IncidentsAnswer
	for {
		var err error
		if old, err = cl.TipOf(ctx, c.replaces); err == nil {
			log, err = cl.IncidentTip(ctx, ps.ID)
		}
		if err == nil {
			break
		}
		fmt.Fprintf(stderr, "%s: asking the box where %s's chain ends: %v\n", c.device, c.replaces, err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("-replaces %s: the box did not answer: %v", c.replaces, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
	if !old.Opened {
		return nil, fmt.Errorf("-replaces %s: the box has no chain of that device", c.replaces)
	}
	now := time.Now()
	st, err := station.OpenReplacement(c.state, e, c.device, key, now, ballot.Replacement{Device: c.replaces, Sequence: old.Sequence, Tip: old.Code})
	if err != nil {
		return nil, err
	}
	if err := st.ResumeIncidents(log.Sequence, log.Code); err != nil {
		st.Close()
		return nil, err
	}
	_, err = st.RecordIncident(ballot.IncidentReport{Kind: ballot.DeviceReplaced, At: now, Device: c.replaces, Replacement: c.device,
		Text: fmt.Sprintf("device %s failed after ballot %d; replaced by %s", c.replaces, old.Sequence, c.device)}, official, officialKey)
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// closeDay closes the device's chain once every ballot is in the box,
// co-signed by the official, and waits (up to deadline) for the box to
// accept the closing, which Run sends.
func closeDay(ctx context.Context, st *station.Station, e *ballot.Election, official string, officialKey ed25519.PrivateKey, deadline time.Time) error {
	var cosign func(*ballot.DeviceClosing) error
	if official != "" {
		cosign = func(cl *ballot.DeviceClosing) error { return cl.Cosign(e, official, officialKey) }
	}
	if _, err := st.CloseChain(time.Now(), cosign); err != nil {
		return err
	}
	for ctx.Err() == nil && time.Now().Before(deadline) {
		if _, accepted := st.Closed(); accepted {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the box has not accepted the closing")
}

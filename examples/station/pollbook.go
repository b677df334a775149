package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/ballot/station"
	"github.com/sandogh/sandogh/examples/internal/demo"
	"github.com/sandogh/sandogh/pollbook"
)

// openPollBook opens the station's poll book: the list and key of the
// folder -pollbook, its marks in -state, online checks through the box's
// server.
func openPollBook(c config, e *ballot.Election, key ed25519.PrivateKey, client *boxserver.Client) (*pollbook.Book, error) {
	data, err := os.ReadFile(filepath.Join(c.book, "eligibility.list"))
	if err != nil {
		return nil, err
	}
	list, err := pollbook.ParseList(data)
	if err != nil {
		return nil, err
	}
	kdata, err := os.ReadFile(filepath.Join(c.book, "key"))
	if err != nil {
		return nil, err
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(kdata)))
	if err != nil {
		return nil, errors.New("-pollbook: key: not hexadecimal")
	}
	pk, err := pollbook.NewKey(secret, e.Manifest().ElectionID)
	if err != nil {
		return nil, err
	}
	return pollbook.OpenBook(filepath.Join(c.state, "marks.jsonl"), pollbook.BookParams{
		Election: e, Station: c.device, DeviceKey: key, Key: pk, List: list, Online: client, OnlineTimeout: 2 * time.Second,
		Committee: pollbook.Committees(e.Manifest())[c.device],
	})
}

// admitWithoutID has the station's committee admit voter i, who has no
// national identifier, by a signed decision (a quorum of the station's
// officials, keys from the seed), and records the decision in the
// station's incident log.
func admitWithoutID(c config, e *ballot.Election, book *pollbook.Book, st *station.Station, i int, official string, officialKey ed25519.PrivateKey) error {
	ps := stationOf(e, c.device)
	if ps == nil || len(ps.Officials) == 0 {
		return fmt.Errorf("device %s has no station committee to admit a voter without a national identifier", c.device)
	}
	ref := fmt.Sprintf("%s/decision-%d", c.device, i+1)
	var sigs []pollbook.OfficialSignature
	quorum := max(1, int(ps.ClosingCosignatures))
	for _, o := range ps.Officials[:min(quorum, len(ps.Officials))] {
		sigs = append(sigs, pollbook.SignDecision(e.BaseHash(), c.device, ref, o.ID, demo.Seeds{Tag: seedTag, Seed: c.seed}.OfficialKey(o.ID)))
	}
	if _, err := book.Admit(ref, sigs); err != nil {
		return err
	}
	_, err := st.RecordIncident(ballot.IncidentReport{Kind: ballot.AdmittedWithoutIdentifier, At: time.Now(), Device: c.device,
		Text: "committee decision " + ref + ": a voter without a national identifier admitted"}, official, officialKey)
	return err
}

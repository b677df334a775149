package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/ballot/boxserver"
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
	})
}

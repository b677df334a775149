package demo

import (
	"crypto/ed25519"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"time"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/fieldtest"
)

// StationKeys returns the signing keys of the polling stations ids and
// their registrations, in order. Each key draws ed25519.SeedSize bytes
// from r (so that the choices after it are the same either way) and, in a
// seeded run, is then s.StationKey(id) instead.
func StationKeys(s Seeds, r *mrand.Rand, ids []string) (map[string]ed25519.PrivateKey, []ballot.RegisteredDevice) {
	keys := make(map[string]ed25519.PrivateKey)
	var devices []ballot.RegisteredDevice
	for _, id := range ids {
		k := ed25519.NewKeyFromSeed(Bytes(r, ed25519.SeedSize))
		if s.Seed != "" {
			k = s.StationKey(id)
		}
		keys[id] = k
		devices = append(devices, ballot.RegisteredDevice{ID: id, PublicKey: k.Public().(ed25519.PublicKey)})
	}
	return keys, devices
}

// Challengers draws which n of the voters 0..voters-1 challenge a ballot
// before casting one.
func Challengers(r *mrand.Rand, voters, n int) map[int]bool {
	challengers := map[int]bool{}
	for _, k := range r.Perm(voters)[:n] {
		challengers[k] = true
	}
	return challengers
}

// A ChainTip is a station's position in its chain of confirmation codes:
// the sequence number and confirmation code of its last ballot (0 and the
// opening's at first), and the counts its closing certificate states.
type ChainTip struct {
	Seq    uint64
	Code   ballot.ConfirmationCode
	Counts ballot.ClosingCounts
}

// Add moves the tip to b, the station's next ballot, which the box is to
// accept.
func (t *ChainTip) Add(b *ballot.Ballot) {
	t.Seq, t.Code = b.Header().Sequence, b.ConfirmationCode()
	if b.State() == ballot.Challenged {
		t.Counts.Challenged++
	} else {
		t.Counts.Cast++
	}
}

// Next returns the header of station's next ballot, which continues the
// chain: identifier "<station>/<sequence>".
func (t *ChainTip) Next(station string) ballot.Header {
	return ballot.Header{BallotID: station + "/" + strconv.FormatUint(t.Seq+1, 10), Device: station, Sequence: t.Seq + 1, Previous: t.Code}
}

// OpenStations opens the stations ids at time day (ballot.OpenDevice),
// has box accept their openings, and returns their chain tips.
func OpenStations(e *ballot.Election, box *ballot.Box, ids []string, keys map[string]ed25519.PrivateKey, day time.Time) (map[string]*ChainTip, error) {
	tips := make(map[string]*ChainTip)
	for _, id := range ids {
		_, o, err := ballot.OpenDevice(e, id, keys[id], day)
		if err != nil {
			return nil, err
		}
		if err := box.AcceptOpening(o); err != nil {
			return nil, err
		}
		tips[id] = &ChainTip{Code: o.ConfirmationCode()}
	}
	return tips, nil
}

// NationalID returns the k-th voter's national identifier in the
// simulated civil registry of examples/ballotbox and examples/station: the
// test registry of internal/fieldtest (nine digits from k and the check
// digit that pollbook.NormalizeNationalID checks).
func NationalID(k int) string { return fieldtest.NationalID(k) }

// CloseStations closes the stations ids at time at: each signs its closing
// certificate at its tip (ballot.Device.Close), the officials in cosign
// (identifier → key) who are of the station's committee co-sign it, and
// box accepts it.
func CloseStations(e *ballot.Election, box *ballot.Box, ids []string, keys map[string]ed25519.PrivateKey, tips map[string]*ChainTip, cosign map[string]ed25519.PrivateKey, at time.Time) error {
	of := make(map[string]*ballot.Station)
	m := e.Manifest()
	for i := range m.Stations {
		for _, d := range m.Stations[i].Devices {
			of[d] = &m.Stations[i]
		}
	}
	for _, id := range ids {
		t := tips[id]
		d, err := ballot.ResumeDevice(e, id, keys[id], t.Seq, t.Code)
		if err != nil {
			return err
		}
		if err := d.SetCounts(t.Counts); err != nil {
			return err
		}
		c, err := d.Close(at)
		if err != nil {
			return err
		}
		if s := of[id]; s != nil {
			for _, o := range s.Officials {
				if k, ok := cosign[o.ID]; ok {
					if err := c.Cosign(e, o.ID, k); err != nil {
						return err
					}
				}
			}
		}
		if err := box.AcceptClosing(c); err != nil {
			return fmt.Errorf("the box refused the closing of %s: %v", id, err)
		}
	}
	return nil
}

package ballot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/internal/wire"
)

// A Station is a polling station of the manifest (docs/spec.md §Ballots,
// "Stations and officials"): the registered devices it runs and the
// officials of its committee, each with an Ed25519 key, who co-sign its
// devices' closing certificates and sign its incident log.
type Station struct {
	// ID identifies the station within the manifest.
	ID string `json:"id"`
	// Devices are the identifiers of the station's devices, each a device
	// registered in the election (Parameters.Devices) and of one station
	// only.
	Devices []string `json:"devices"`
	// Officials are the members of the station's committee.
	Officials []Official `json:"officials"`
	// ClosingCosignatures is k, the number of the station's officials who
	// must co-sign each closing certificate of its devices (0 for none,
	// at most the number of officials).
	ClosingCosignatures uint32 `json:"closingCosignatures,omitempty"`
}

// An Official is a member of a station's committee: an identifier, unique
// in the manifest, and an Ed25519 public key, unique in the manifest.
type Official struct {
	ID        string
	PublicKey ed25519.PublicKey
}

type officialJSON struct {
	ID        string `json:"id"`
	PublicKey string `json:"publicKey"`
}

// MarshalJSON encodes o as {"id": …, "publicKey": lowercase hex}.
func (o Official) MarshalJSON() ([]byte, error) {
	return json.Marshal(officialJSON{ID: o.ID, PublicKey: hex.EncodeToString(o.PublicKey)})
}

// UnmarshalJSON decodes the form of MarshalJSON, with a 32-byte key.
func (o *Official) UnmarshalJSON(data []byte) error {
	var j officialJSON
	if err := strictJSON("official", data, &j); err != nil {
		return err
	}
	k, err := decodeHex("official: publicKey", j.PublicKey, ed25519.PublicKeySize)
	if err != nil {
		return err
	}
	o.ID, o.PublicKey = j.ID, k
	return nil
}

// MaxStations is the largest number of stations in a manifest, and
// MaxOfficials the largest number of officials of a station.
const (
	MaxStations  = 100000
	MaxOfficials = 64
)

// validateStations checks the manifest's stations: identifiers, devices
// and officials distinct, keys of the right size and distinct, k at most
// the number of officials.
func validateStations(ss []Station) error {
	if len(ss) > MaxStations {
		return fmt.Errorf("ballot: manifest: %d stations exceed the maximum %d", len(ss), MaxStations)
	}
	ids := make(map[string]int, len(ss))
	devices := make(map[string]int)
	officials := make(map[string]int)
	keys := make(map[[ed25519.PublicKeySize]byte]string)
	for i := range ss {
		s := &ss[i]
		if err := checkText(fmt.Sprintf("manifest: station %d: identifier", i), s.ID, false); err != nil {
			return err
		}
		if j, ok := ids[s.ID]; ok {
			return fmt.Errorf("ballot: manifest: station %d: identifier %q is also the identifier of station %d", i, s.ID, j)
		}
		ids[s.ID] = i
		for _, d := range s.Devices {
			if err := checkText(fmt.Sprintf("manifest: station %q: device", s.ID), d, false); err != nil {
				return err
			}
			if j, ok := devices[d]; ok {
				return fmt.Errorf("ballot: manifest: station %q: device %q is also a device of station %q", s.ID, d, ss[j].ID)
			}
			devices[d] = i
		}
		if len(s.Officials) > MaxOfficials {
			return fmt.Errorf("ballot: manifest: station %q: %d officials exceed the maximum %d", s.ID, len(s.Officials), MaxOfficials)
		}
		for k, o := range s.Officials {
			if err := checkText(fmt.Sprintf("manifest: station %q: official %d: identifier", s.ID, k), o.ID, false); err != nil {
				return err
			}
			if j, ok := officials[o.ID]; ok {
				return fmt.Errorf("ballot: manifest: station %q: official %q is also an official of station %q", s.ID, o.ID, ss[j].ID)
			}
			officials[o.ID] = i
			if len(o.PublicKey) != ed25519.PublicKeySize {
				return fmt.Errorf("ballot: manifest: station %q: official %q: public key is %d bytes, want %d", s.ID, o.ID, len(o.PublicKey), ed25519.PublicKeySize)
			}
			key := [ed25519.PublicKeySize]byte(o.PublicKey)
			if other, ok := keys[key]; ok {
				return fmt.Errorf("ballot: manifest: station %q: official %q: public key is also the key of official %q", s.ID, o.ID, other)
			}
			keys[key] = o.ID
		}
		if uint64(s.ClosingCosignatures) > uint64(len(s.Officials)) {
			return fmt.Errorf("ballot: manifest: station %q: closingCosignatures %d exceeds its %d officials", s.ID, s.ClosingCosignatures, len(s.Officials))
		}
	}
	return nil
}

// encodeStations appends the stations' block of the manifest's encoding,
// which is present only when there are stations:
//
//	u32(#stations) ‖ (str(id) ‖ u32(#devices) ‖ str(device)… ‖
//	  u32(#officials) ‖ (str(official) ‖ key)… ‖ u32(k))…
func encodeStations(e *wire.Writer, ss []Station) {
	if len(ss) == 0 {
		return
	}
	e.U32(uint32(len(ss)))
	for i := range ss {
		s := &ss[i]
		e.Str(s.ID)
		e.U32(uint32(len(s.Devices)))
		for _, d := range s.Devices {
			e.Str(d)
		}
		e.U32(uint32(len(s.Officials)))
		for _, o := range s.Officials {
			e.Str(o.ID)
			e.Fixed(o.PublicKey)
		}
		e.U32(s.ClosingCosignatures)
	}
}

func cloneStations(ss []Station) []Station {
	if len(ss) == 0 {
		return nil
	}
	out := make([]Station, len(ss))
	for i, s := range ss {
		s.Devices = append([]string(nil), s.Devices...)
		os := make([]Official, len(s.Officials))
		for k, o := range s.Officials {
			os[k] = Official{ID: o.ID, PublicKey: bytes.Clone(o.PublicKey)}
		}
		s.Officials = os
		out[i] = s
	}
	return out
}

// A stationIndex is what an Election knows of its stations: for each
// device, its station, and for each official, the station and the key.
type stationIndex struct {
	ofDevice   map[string]*Station
	byID       map[string]*Station
	officialOf map[string]*Station
	keyOf      map[string]ed25519.PublicKey
}

func newStationIndex(ss []Station) *stationIndex {
	x := &stationIndex{ofDevice: map[string]*Station{}, byID: map[string]*Station{}, officialOf: map[string]*Station{}, keyOf: map[string]ed25519.PublicKey{}}
	for i := range ss {
		s := &ss[i]
		x.byID[s.ID] = s
		for _, d := range s.Devices {
			x.ofDevice[d] = s
		}
		for _, o := range s.Officials {
			x.officialOf[o.ID] = s
			x.keyOf[o.ID] = o.PublicKey
		}
	}
	return x
}

package pollbook

import (
	"crypto/ed25519"

	"github.com/sandogh/sandogh/ballot"
)

// Committees returns the committees of the stations of manifest m
// (ballot.Manifest.Stations), by device: each device of a station has
// that station's officials as its committee, with a quorum of the
// station's closing co-signatures (at least 1). Give it to
// CentralParams.Committees, and a device's entry to BookParams.Committee.
func Committees(m *ballot.Manifest) map[string]*Committee {
	out := make(map[string]*Committee)
	for _, st := range m.Stations {
		if len(st.Officials) == 0 {
			continue
		}
		c := &Committee{Officials: make(map[string]ed25519.PublicKey), Quorum: max(1, int(st.ClosingCosignatures))}
		for _, o := range st.Officials {
			c.Officials[o.ID] = o.PublicKey
		}
		for _, d := range st.Devices {
			out[d] = c
		}
	}
	return out
}

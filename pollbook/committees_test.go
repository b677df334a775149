package pollbook_test

import (
	"crypto/ed25519"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/pollbook"
)

// TestCommittees: each device of a manifest's station gets its station's
// officials, with the closing co-signatures as quorum (at least 1);
// stations without officials and devices of no station get none.
func TestCommittees(t *testing.T) {
	pub := func(b byte) ed25519.PublicKey {
		seed := make([]byte, ed25519.SeedSize)
		seed[0] = b
		return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	}
	m := &ballot.Manifest{Stations: []ballot.Station{
		{ID: "ps-1", Devices: []string{"d1", "d2"}, Officials: []ballot.Official{{ID: "o1", PublicKey: pub(1)}, {ID: "o2", PublicKey: pub(2)}}, ClosingCosignatures: 2},
		{ID: "ps-2", Devices: []string{"d3"}, Officials: []ballot.Official{{ID: "o3", PublicKey: pub(3)}}},
		{ID: "ps-3", Devices: []string{"d4"}},
	}}
	c := pollbook.Committees(m)
	if len(c) != 3 || c["d1"] != c["d2"] || c["d1"].Quorum != 2 || len(c["d1"].Officials) != 2 || !c["d1"].Officials["o2"].Equal(pub(2)) {
		t.Fatalf("committees %+v", c)
	}
	if c["d3"].Quorum != 1 || c["d4"] != nil {
		t.Fatalf("d3 %+v, d4 %+v", c["d3"], c["d4"])
	}
}

package ballot

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// marshalJSONReflect is the JSON form of b as encoding/json writes the
// ballotJSON struct, the oracle of MarshalJSON's direct appending.
func marshalJSONReflect(b *Ballot) ([]byte, error) {
	j := ballotJSON{
		BallotID:  b.header.BallotID,
		BaseHash:  b.baseHash,
		State:     b.state.String(),
		Signature: hex.EncodeToString(b.signature),
		Code:      b.code,
		Contests:  make([]contestJSON, len(b.contests)),
	}
	if b.state == Challenged {
		seed := hex.EncodeToString(b.seed)
		j.NonceSeed = &seed
	}
	if b.signerKind == signerCredential {
		cred := hex.EncodeToString(b.header.Credential)
		j.Credential = &cred
	} else {
		dev, seq, prev := b.header.Device, b.header.Sequence, b.header.Previous
		j.Device, j.Sequence, j.Previous = &dev, &seq, &prev
	}
	for i := range b.contests {
		c := &b.contests[i]
		if c.layout == layoutRow {
			row := make([]selectionJSON, len(c.row))
			for k := range c.row {
				row[k] = selectionJSON{Ciphertext: hex.EncodeToString(c.row[k].ctBytes), Proof: hex.EncodeToString(c.row[k].pokBytes)}
			}
			j.Contests[i] = contestJSON{Row: &row}
			continue
		}
		sels := make([]selectionJSON, len(c.selections))
		cj := contestJSON{Selections: &sels}
		for k := range c.selections {
			s := &c.selections[k]
			sels[k] = selectionJSON{Ciphertext: hex.EncodeToString(s.ctBytes), Proof: hex.EncodeToString(s.proofBytes)}
		}
		if c.sum != nil {
			p := hex.EncodeToString(c.sumBytes)
			cj.Proof = &p
		}
		if c.listProofs != nil {
			ps := make([]string, len(c.listProofBytes))
			for k, pb := range c.listProofBytes {
				ps[k] = hex.EncodeToString(pb)
			}
			cj.Proofs = &ps
		}
		j.Contests[i] = cj
	}
	return json.Marshal(j)
}

// sameJSON checks MarshalJSON against the reflection oracle.
func sameJSON(t *testing.T, b *Ballot) {
	t.Helper()
	got, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want, err := marshalJSONReflect(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("MarshalJSON\n%s\nencoding/json\n%s", got, want)
	}
}

// TestMarshalJSONIsEncodingJSON: the ballot's JSON, appended directly, is
// byte for byte what encoding/json writes for its form, for ballots of
// every layout and signer, cast and challenged, and for identifiers that
// encoding/json escapes.
func TestMarshalJSONIsEncodingJSON(t *testing.T) {
	for _, data := range fuzzSeeds(&testing.F{}) {
		b, err := ParseBallot(data)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, b)
		// Identifiers that the decoder would refuse, but that MarshalJSON
		// must still write as encoding/json does.
		for _, id := range []string{`a"b`, `a\b`, "<&>", "دستگاه", "a\x01b", "\xff", "a\u2028b"} {
			c := *b
			c.header.BallotID = id
			if c.signerKind == signerDevice {
				c.header.Device = id
			}
			sameJSON(t, &c)
		}
	}
	// A challenged ballot (its nonce seed released).
	f := newFixture(t, boardManifest())
	c := f.credentials[0]
	p, err := EncryptBallot(f.e, Header{BallotID: "challenged-1", Credential: c.PublicKey()}, boardVote(), seedOf("challenged"))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := p.Challenge(c.PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, ch)
}

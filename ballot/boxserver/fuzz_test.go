package boxserver

import (
	"encoding/binary"
	"testing"
)

// FuzzDecodeBallots: the body of a ballot submission never panics the
// decoder, and what it accepts encodes back to the same bytes.
func FuzzDecodeBallots(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 3, 1, 2, 3})
	f.Add(binary.BigEndian.AppendUint32(nil, 1<<31))
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, body []byte) {
		bs, hints, err := decodeBallots(body, "station-1")
		if err != nil {
			return
		}
		if got := encodeBallots(bs, hints); string(got) != string(body) {
			t.Fatalf("decoded %d ballots that encode to other bytes", len(bs))
		}
	})
}

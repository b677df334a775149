package trustee

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/par"
	"github.com/sandogh/sandogh/proof"
)

// MaxShareListSize is the largest number of entries SetCanonicalBytes and
// UnmarshalJSON accept.
const MaxShareListSize = 1 << 26

// Bytes returns the canonical encoding of the list:
//
//	u32(trustee) ‖ u64(count) ‖ count × (D ‖ Commitment1 ‖ Commitment2 ‖ Response)
//
// 12 + 128·count bytes.
func (l *ShareList) Bytes() []byte {
	b := make([]byte, 0, 12+shareEntrySize*len(l.entries))
	b = binary.BigEndian.AppendUint32(b, uint32(l.trustee))
	b = binary.BigEndian.AppendUint64(b, uint64(len(l.entries)))
	for i := range l.entries {
		b = append(b, l.entries[i].enc[:]...)
		b = append(b, l.entries[i].z.Bytes()...)
	}
	return b
}

// SetCanonicalBytes decodes the encoding of Bytes, on all cores. Every
// element and scalar must be canonical; errors name the entry and the field.
// It does not check the proofs (VerifyShareList does). On error the receiver
// is unchanged.
func (l *ShareList) SetCanonicalBytes(b []byte) (*ShareList, error) {
	r := &reader{what: "share list", b: b}
	j := r.index("trustee")
	n := r.u64("count")
	if r.err != nil {
		return nil, r.err
	}
	if n > MaxShareListSize || uint64(len(b)-12) != n*shareEntrySize {
		return nil, fmt.Errorf("trustee: share list: field count: %d entries, but %d bytes follow (want %d per entry, at most %d entries)",
			n, len(b)-12, shareEntrySize, MaxShareListSize)
	}
	entries := make([]shareEntry, n)
	var mu sync.Mutex
	firstBad, firstErr := int(n), error(nil)
	par.For(int(n), 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			off := 12 + i*shareEntrySize
			if err := decodeShareEntry(&entries[i], b[off:off+shareEntrySize]); err != nil {
				mu.Lock()
				if i < firstBad {
					firstBad, firstErr = i, err
				}
				mu.Unlock()
				return
			}
		}
	})
	if firstErr != nil {
		return nil, fmt.Errorf("trustee: share list of trustee %d: entry %d: %w", j, firstBad, firstErr)
	}
	l.trustee, l.entries = j, entries
	return l, nil
}

func decodeShareEntry(e *shareEntry, b []byte) error {
	if _, err := e.d.SetCanonicalBytes(b[0:32]); err != nil {
		return fmt.Errorf("field share: %w", err)
	}
	if _, err := e.a1.SetCanonicalBytes(b[32:64]); err != nil {
		return fmt.Errorf("field commitment1: %w", err)
	}
	if _, err := e.a2.SetCanonicalBytes(b[64:96]); err != nil {
		return fmt.Errorf("field commitment2: %w", err)
	}
	if _, err := e.z.SetCanonicalBytes(b[96:128]); err != nil {
		return fmt.Errorf("field response: %w", err)
	}
	copy(e.enc[:], b[:96])
	return nil
}

type shareJSON struct {
	Share string               `json:"share"`
	Proof *proof.ChaumPedersen `json:"proof"`
}

// MarshalJSON encodes the list as {"trustee": j, "shares": [{"share": hex,
// "proof": {"commitment1": hex, "commitment2": hex, "response": hex}}, …]}.
func (l *ShareList) MarshalJSON() ([]byte, error) {
	shares := make([]shareJSON, len(l.entries))
	for i := range l.entries {
		shares[i] = shareJSON{hexString(l.entries[i].enc[:32]), l.Proof(i)}
	}
	return marshalObject("trustee", l.trustee, "shares", shares)
}

// UnmarshalJSON decodes the form of MarshalJSON with the checks of
// SetCanonicalBytes. On error the receiver is unchanged.
func (l *ShareList) UnmarshalJSON(data []byte) error {
	const what = "share list"
	obj, err := jsonObject(data, what, "trustee", "shares")
	if err != nil {
		return err
	}
	j, err := jsonIndex(obj, what, "trustee")
	if err != nil {
		return err
	}
	var raws []json.RawMessage
	if err := jsonField(obj, what, "shares", &raws); err != nil {
		return err
	}
	if len(raws) > MaxShareListSize {
		return fmt.Errorf("trustee: share list: field shares: %d entries, more than %d", len(raws), MaxShareListSize)
	}
	entries := make([]shareEntry, len(raws))
	for i, raw := range raws {
		w := fmt.Sprintf("share list of trustee %d: entry %d", j, i)
		o, err := jsonObject(raw, w, "share", "proof")
		if err != nil {
			return err
		}
		var s string
		if err := jsonField(o, w, "share", &s); err != nil {
			return err
		}
		enc, err := parseHex(w, "share", s, group.ElementSize)
		if err != nil {
			return err
		}
		var p proof.ChaumPedersen
		if err := p.UnmarshalJSON(o["proof"]); err != nil {
			return fmt.Errorf("trustee: %s: field proof: %w", w, err)
		}
		var b [shareEntrySize]byte
		copy(b[:], enc)
		copy(b[32:], p.Bytes())
		if err := decodeShareEntry(&entries[i], b[:]); err != nil {
			return fmt.Errorf("trustee: %s: %w", w, err)
		}
	}
	l.trustee, l.entries = j, entries
	return nil
}

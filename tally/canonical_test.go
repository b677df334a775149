package tally_test

import (
	"fmt"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/tally"
)

// TestReceiptRows is the "receipts in codes rows" attack of issue 10: a
// vote buyer tells the voter in which order to pack her codes, or which of
// the free bits of the packed plaintext to set, and finds her row among
// the published ones. A valid row must be the canonical packing of its
// codes: ascending codes, and every plaintext the embedding that
// elgamal.Embed makes of its data (the smallest counter that gives an
// element; the other padding bits were already required to be zero). A row
// that deviates is invalid, counts for nobody, and gets the reason text of
// docs/spec.md (Tally, "Decoding the rows").
func TestReceiptRows(t *testing.T) {
	c := ballot.Contest{ID: "council", Kind: ballot.CodeList, Limit: 21, Seats: 21, MixStages: 3}
	for code := uint32(1); code <= 400; code++ {
		c.Candidates = append(c.Candidates, ballot.Candidate{Code: code, Name: fmt.Sprint("Candidate ", code)})
	}
	d, err := tally.NewRowDecoder(&c)
	if err != nil {
		t.Fatal(err)
	}
	pack := func(codes ...uint32) []*group.Element {
		// Every slot of the row, as a forger's device may fill it.
		els, err := elgamal.PackCodes(codes, 26, 400)
		if err != nil {
			t.Fatal(err)
		}
		return els
	}
	if r := d.Decode(pack(17, 203, 398)); r.Invalid != "" {
		t.Fatalf("the canonical row is invalid: %s", r.Reason)
	}
	// The order chosen by the buyer.
	r := d.Decode(pack(203, 17, 398))
	if r.Invalid != "unsorted-codes" || r.Reason != "code 17 (slot 1) follows the larger code 203 (slot 0)" {
		t.Errorf("codes out of order: verdict %q, reason %q", r.Invalid, r.Reason)
	}
	// The same codes, with padding bits chosen by the buyer: the counter
	// bits of the embedding set to another value that gives an element.
	canonical := pack(17, 203, 398)[0]
	E := [32]byte(canonical.Bytes())
	c0 := int(E[0]>>6)<<7 | int(E[31]&0x7f)
	tried := 0
	for ctr := c0 + 1; ctr < 512 && tried < 5; ctr++ {
		E[0] = E[0]&0x3f | byte(ctr>>7)<<6
		E[31] = byte(ctr & 0x7f)
		M, err := group.NewElement().SetCanonicalBytes(E[:])
		if err != nil {
			continue
		}
		tried++
		r := d.Decode([]*group.Element{M})
		want := fmt.Sprintf("element 0: counter %d is not canonical: the smaller counter %d also gives an element", ctr, c0)
		if r.Invalid != "packing" || r.Reason != want || r.Codes != nil {
			t.Errorf("padding bits set to counter %d: verdict %q, reason %q, codes %v; want \"packing\", %q", ctr, r.Invalid, r.Reason, r.Codes, want)
		}
	}
	if tried == 0 {
		t.Fatal("no other counter gives an element")
	}
}

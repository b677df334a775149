package trustee

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sandogh/sandogh/group"
)

// equivocatingCeremony runs a ceremony of six trustees with threshold two
// in which four dealers equivocate, each in its own way, with the extra
// messages published in an order that differs from the rule's:
//
//   - dealer 2 signs two shares for recipient 5, then two for recipient 3:
//     the exclusion names 3, the lowest recipient;
//   - dealer 3 signs two shares for recipient 4 and two responses to
//     complainant 1: it names 4, since round 2 comes before round 4;
//   - dealer 4 signs two round-1 messages and two shares for recipient 1:
//     it names 0, since round 1 comes first;
//   - dealer 5 signs two responses to complainant 4, then two to 2: it
//     names 2.
//
// Dealers 1 and 6 qualify.
func equivocatingCeremony(t *testing.T) *Ceremony {
	r, ts := testTrustees(t, 6, 2)
	other := func(label string) *group.Scalar { return seededScalar("equivocation " + label) }
	return runCeremony(t, r, ts, hooks{
		round1: func(c *Ceremony) {
			m := *c.Commitments[3]
			m.Coefficients = slices.Clone(m.Coefficients)
			m.Coefficients[1] = group.NewElement().ScalarBaseMult(other("commitment"))
			resign(ts[3], &m)
			c.Commitments = append(c.Commitments, &m)
		},
		round2: func(c *Ceremony) {
			c.Shares = append(c.Shares,
				forgeShare(t, ts[1], 5, other("2 to 5")),
				forgeShare(t, ts[1], 3, other("2 to 3")),
				forgeShare(t, ts[2], 4, other("3 to 4")),
				forgeShare(t, ts[3], 1, other("4 to 1")))
		},
		complain: func(c *Ceremony) {
			c.Complaints = append(c.Complaints,
				forgeComplaint(ts[0], 3, ShareInconsistent),
				forgeComplaint(ts[3], 5, ShareInconsistent),
				forgeComplaint(ts[1], 5, ShareMissing))
		},
		respond: func(c *Ceremony) {
			c.Responses = append(c.Responses,
				forgeResponse(ts[2], 1, other("3 to 1")),
				forgeResponse(ts[4], 4, other("5 to 4")),
				forgeResponse(ts[4], 2, other("5 to 2")))
		},
	})
}

var wantEquivocations = []Exclusion{
	{2, Equivocation, 3, -1},
	{3, Equivocation, 4, -1},
	{4, Equivocation, 0, -1},
	{5, Equivocation, 2, -1},
}

// reversed returns c with every round's messages in the reverse order.
func reversed(c *Ceremony) *Ceremony {
	out := &Ceremony{Roster: c.Roster,
		Commitments: slices.Clone(c.Commitments), Shares: slices.Clone(c.Shares),
		Complaints: slices.Clone(c.Complaints), Responses: slices.Clone(c.Responses)}
	slices.Reverse(out.Commitments)
	slices.Reverse(out.Shares)
	slices.Reverse(out.Complaints)
	slices.Reverse(out.Responses)
	return out
}

// TestEquivocationNamesSlot: a dealer who equivocates in several slots is
// excluded naming the slot the rule gives (docs/spec.md, "Judging the
// ceremony"), whatever the order of the published messages, so that two
// verifiers of one set of messages write the same result.
func TestEquivocationNamesSlot(t *testing.T) {
	c := equivocatingCeremony(t)
	for name, cc := range map[string]*Ceremony{"published order": c, "reversed": reversed(c)} {
		res, err := VerifyCeremony(cc)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Excluded, wantEquivocations) || !slices.Equal(res.Qualified, []int{1, 6}) {
			t.Errorf("%s: excluded %v, qualified %v; want %v", name, res.Excluded, res.Qualified, wantEquivocations)
		}
	}
}

// The equivocation vector, testdata/equivocation.json: the ceremony of
// equivocatingCeremony in the JSON forms of the election record (the
// roster, then each round's messages in the order published) and its
// outcome, for independent verifiers (internal/speccheck judges it from
// docs/spec.md). HPKE encryption is randomized, so -update writes a new
// ceremony; without it the test judges the stored one.
type equivocationVector struct {
	Comment     string            `json:"comment"`
	Roster      json.RawMessage   `json:"roster"`
	Commitments []json.RawMessage `json:"commitments"`
	Shares      []json.RawMessage `json:"shares"`
	Complaints  []json.RawMessage `json:"complaints"`
	Responses   []json.RawMessage `json:"responses"`
	Result      json.RawMessage   `json:"result"`
}

func marshalAll[T json.Marshaler](t *testing.T, ms []T) []json.RawMessage {
	out := make([]json.RawMessage, len(ms))
	for k, m := range ms {
		b, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out[k] = b
	}
	return out
}

func unmarshalAll[T any, PT interface {
	*T
	json.Unmarshaler
}](t *testing.T, raws []json.RawMessage) []*T {
	out := make([]*T, len(raws))
	for k, raw := range raws {
		out[k] = new(T)
		if err := PT(out[k]).UnmarshalJSON(raw); err != nil {
			t.Fatalf("message %d: %v", k, err)
		}
	}
	return out
}

func TestEquivocationVectors(t *testing.T) {
	path := filepath.Join("testdata", "equivocation.json")
	if *update {
		c := equivocatingCeremony(t)
		res, err := VerifyCeremony(c)
		if err != nil {
			t.Fatal(err)
		}
		v := equivocationVector{
			Comment:     "sandogh-v1 trustee ceremony with equivocations in several rounds; see docs/spec.md, Trustees, Judging the ceremony",
			Commitments: marshalAll(t, c.Commitments),
			Shares:      marshalAll(t, c.Shares),
			Complaints:  marshalAll(t, c.Complaints),
			Responses:   marshalAll(t, c.Responses),
		}
		if v.Roster, err = c.Roster.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
		if v.Result, err = res.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v equivocationVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	c := &Ceremony{Roster: new(Roster)}
	if err := c.Roster.UnmarshalJSON(v.Roster); err != nil {
		t.Fatal(err)
	}
	c.Commitments = unmarshalAll[Commitments](t, v.Commitments)
	c.Shares = unmarshalAll[EncryptedShare](t, v.Shares)
	c.Complaints = unmarshalAll[Complaint](t, v.Complaints)
	c.Responses = unmarshalAll[ComplaintResponse](t, v.Responses)
	for name, cc := range map[string]*Ceremony{"stored order": c, "reversed": reversed(c)} {
		res, err := VerifyCeremony(cc)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := res.MarshalJSON()
		var a, w bytes.Buffer
		json.Compact(&a, got)
		json.Compact(&w, v.Result)
		if a.String() != w.String() {
			t.Errorf("%s: result\n%s\nwant\n%s", name, got, v.Result)
		}
		if !slices.Equal(res.Excluded, wantEquivocations) {
			t.Errorf("%s: excluded %v, want %v", name, res.Excluded, wantEquivocations)
		}
	}
	if fmt.Sprint(len(c.Commitments), len(c.Shares), len(c.Complaints), len(c.Responses)) != "7 34 3 6" {
		t.Errorf("%d commitments, %d shares, %d complaints, %d responses", len(c.Commitments), len(c.Shares), len(c.Complaints), len(c.Responses))
	}
}

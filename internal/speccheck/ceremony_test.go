package speccheck

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"testing"

	r255 "github.com/gtank/ristretto255"
)

// The trustees' roster, ceremony messages and keys, from 40-trustee.md.

type rosterJSON struct {
	ElectionID string `json:"election_id"`
	Group      string `json:"group"`
	Suite      string `json:"suite"`
	Threshold  uint32 `json:"threshold"`
	Ceremony   string `json:"ceremony"`
	Trustees   []struct {
		Index         uint32 `json:"index"`
		Name          string `json:"name"`
		SigningKey    string `json:"signing_key"`
		EncryptionKey string `json:"encryption_key"`
	} `json:"trustees"`
}

func (r *rosterJSON) hash() ([]byte, error) {
	if r.Group != "ristretto255" || r.Suite != "DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305" {
		return nil, errors.New("roster: group or suite")
	}
	eid, err := strictHex(r.ElectionID)
	if err != nil {
		return nil, err
	}
	b := lbl(nil, "sandogh-v1 trustee roster")
	b = u32(b, uint32(len(eid)))
	b = append(b, eid...)
	b = lbl(b, "ristretto255")
	b = u16(u16(u16(b, 0x20), 1), 3)
	b = u32(b, uint32(len(r.Trustees)))
	b = u32(b, r.Threshold)
	for k, t := range r.Trustees {
		if t.Index != uint32(k+1) {
			return nil, fmt.Errorf("roster: member %d has index %d", k+1, t.Index)
		}
		b = u32(b, t.Index)
		b = lbl(b, t.Name)
		sk, err1 := strictHex(t.SigningKey)
		ek, err2 := strictHex(t.EncryptionKey)
		if err1 != nil || err2 != nil || len(sk) != 32 || len(ek) != 32 {
			return nil, fmt.Errorf("roster: member %d: keys", k+1)
		}
		b = append(append(b, sk...), ek...)
	}
	return h256(b), nil
}

type commitmentsJSON struct {
	Ceremony     string   `json:"ceremony"`
	Dealer       uint32   `json:"dealer"`
	Coefficients []string `json:"coefficients"`
	Proofs       []struct {
		Commitment string `json:"commitment"`
		Response   string `json:"response"`
	} `json:"proofs"`
	Signature string `json:"signature"`
}

type encryptedShareJSON struct {
	Ceremony   string `json:"ceremony"`
	Dealer     uint32 `json:"dealer"`
	Recipient  uint32 `json:"recipient"`
	Ciphertext string `json:"ciphertext"`
	Signature  string `json:"signature"`
}

type complaintJSON struct {
	Ceremony    string `json:"ceremony"`
	Complainant uint32 `json:"complainant"`
	Dealer      uint32 `json:"dealer"`
	Reason      string `json:"reason"`
	Signature   string `json:"signature"`
}

type responseJSON struct {
	Ceremony    string `json:"ceremony"`
	Dealer      uint32 `json:"dealer"`
	Complainant uint32 `json:"complainant"`
	Share       string `json:"share"`
	Signature   string `json:"signature"`
}

// ceremonyInput is every published message, decoded.
type ceremonyInput struct {
	roster      rosterJSON
	commitments []commitmentsJSON
	shares      []encryptedShareJSON
	complaints  []complaintJSON
	responses   []responseJSON
}

type ceremonyOutcome struct {
	hc        []byte
	qualified []uint32
	excluded  map[uint32]exclusion
	K         *r255.Element
	keys      []*r255.Element // K_1 … K_n
}

func verifyMessage(r *rosterJSON, signer uint32, label string, body []byte, sigHex string) error {
	if signer < 1 || int(signer) > len(r.Trustees) {
		return fmt.Errorf("signer %d is not in the roster", signer)
	}
	sig, err := strictHex(sigHex)
	if err != nil || len(sig) != 64 {
		return errors.New("signature is not 64 bytes")
	}
	msg := lbl(nil, label)
	msg = append(msg, body...)
	if !ed25519.Verify(mustHex(r.Trustees[signer-1].SigningKey), msg, sig) {
		return fmt.Errorf("signature of trustee %d does not verify (%s)", signer, label)
	}
	return nil
}

// polyEval is Σ_k j^k·C_k.
func polyEval(cs []*r255.Element, j uint32) *r255.Element {
	sum := r255.NewIdentityElement()
	pow := scalarUint(1)
	for _, c := range cs {
		sum.Add(sum, mul(pow, c))
		pow = smul(pow, scalarUint(uint64(j)))
	}
	return sum
}

// exclusion is why a dealer is left out: the reason's name, the other
// trustee concerned (or 0) and the coefficient (or −1), as result.json
// states them.
type exclusion struct {
	reason      string
	trustee     uint32
	coefficient int
}

// judgeCeremony checks the messages and computes the outcome (40-trustee.md,
// "Judging the ceremony"). Authenticity failures are errors; exclusions are
// part of the outcome. The outcome does not depend on the order of the
// messages.
func judgeCeremony(in *ceremonyInput) (*ceremonyOutcome, error) {
	r := &in.roster
	hc, err := r.hash()
	if err != nil {
		return nil, err
	}
	if r.Ceremony != fmt.Sprintf("%x", hc) {
		return nil, fmt.Errorf("roster: ceremony hash %s, recomputed %x", r.Ceremony, hc)
	}
	n, t := uint32(len(r.Trustees)), r.Threshold
	out := &ceremonyOutcome{hc: hc, excluded: map[uint32]exclusion{}}
	hcOK := func(s string) bool { return s == r.Ceremony }

	// Every message is authenticated, and grouped by slot: bodies that
	// differ in one slot are equivocation (rule 2).
	type slot = [2]uint32
	coeffs := map[uint32][]*r255.Element{}
	proofs := map[uint32][]*schnorrProof{}
	bodies := map[uint32][]byte{}
	eq1 := map[uint32]bool{}
	eq2, eq4 := map[uint32]uint32{}, map[uint32]uint32{}
	lowest := func(m map[uint32]uint32, i, j uint32) {
		if old, ok := m[i]; !ok || j < old {
			m[i] = j
		}
	}
	for _, c := range in.commitments {
		if !hcOK(c.Ceremony) || len(c.Coefficients) != len(c.Proofs) || len(c.Coefficients) == 0 {
			return nil, fmt.Errorf("commitments of dealer %d: malformed", c.Dealer)
		}
		body := append(append([]byte(nil), hc...), u32(u32(nil, c.Dealer), uint32(len(c.Coefficients)))...)
		var cs []*r255.Element
		for k, x := range c.Coefficients {
			e, err := elementHex(x)
			if err != nil {
				return nil, fmt.Errorf("commitments of dealer %d: coefficient %d: %w", c.Dealer, k, err)
			}
			cs = append(cs, e)
			body = append(body, mustHex(x)...)
		}
		var ps []*schnorrProof
		for k, p := range c.Proofs {
			a, err1 := strictHex(p.Commitment)
			z, err2 := strictHex(p.Response)
			if err1 != nil || err2 != nil || len(a) != 32 || len(z) != 32 {
				return nil, fmt.Errorf("commitments of dealer %d: proof %d: not 64 bytes of hex", c.Dealer, k)
			}
			body = append(append(body, a...), z...)
			sp, err := parseSchnorr(append(a, z...))
			if err != nil {
				return nil, fmt.Errorf("commitments of dealer %d: proof %d: %w", c.Dealer, k, err)
			}
			ps = append(ps, sp)
		}
		if err := verifyMessage(r, c.Dealer, "sandogh-v1 trustee commitments", body, c.Signature); err != nil {
			return nil, fmt.Errorf("commitments of dealer %d: %w", c.Dealer, err)
		}
		if prev, ok := bodies[c.Dealer]; ok {
			if !bytes.Equal(prev, body) {
				eq1[c.Dealer] = true
			}
			continue
		}
		bodies[c.Dealer], coeffs[c.Dealer], proofs[c.Dealer] = body, cs, ps
	}
	shareBodies := map[slot][]byte{}
	for _, s := range in.shares {
		ct, err := strictHex(s.Ciphertext)
		if !hcOK(s.Ceremony) || err != nil || len(ct) != 80 || s.Dealer == s.Recipient {
			return nil, fmt.Errorf("share of dealer %d for %d: malformed", s.Dealer, s.Recipient)
		}
		body := append(append([]byte(nil), hc...), u32(u32(nil, s.Dealer), s.Recipient)...)
		body = append(body, ct...)
		if err := verifyMessage(r, s.Dealer, "sandogh-v1 trustee encrypted share", body, s.Signature); err != nil {
			return nil, err
		}
		sl := slot{s.Dealer, s.Recipient}
		if prev, ok := shareBodies[sl]; ok && !bytes.Equal(prev, body) {
			lowest(eq2, s.Dealer, s.Recipient)
		}
		shareBodies[sl] = body
	}
	reasons := map[string]byte{"missing": 1, "undecryptable": 2, "inconsistent": 3}
	complained := map[slot]bool{}
	for _, c := range in.complaints {
		body := append(append([]byte(nil), hc...), u32(u32(nil, c.Complainant), c.Dealer)...)
		body = u8(body, reasons[c.Reason])
		if !hcOK(c.Ceremony) || reasons[c.Reason] == 0 {
			return nil, errors.New("complaint: malformed")
		}
		if err := verifyMessage(r, c.Complainant, "sandogh-v1 trustee complaint", body, c.Signature); err != nil {
			return nil, err
		}
		complained[slot{c.Dealer, c.Complainant}] = true
	}
	revealed := map[slot]*r255.Scalar{}
	responseBodies := map[slot][]byte{}
	for _, c := range in.responses {
		s, err := scalarHex(c.Share)
		if !hcOK(c.Ceremony) || err != nil {
			return nil, errors.New("complaint response: malformed")
		}
		body := append(append([]byte(nil), hc...), u32(u32(nil, c.Dealer), c.Complainant)...)
		body = append(body, encS(s)...)
		if err := verifyMessage(r, c.Dealer, "sandogh-v1 trustee complaint response", body, c.Signature); err != nil {
			return nil, err
		}
		sl := slot{c.Dealer, c.Complainant}
		if prev, ok := responseBodies[sl]; ok {
			if !bytes.Equal(prev, body) {
				lowest(eq4, c.Dealer, c.Complainant)
			}
			continue
		}
		responseBodies[sl], revealed[sl] = body, s
	}

	// Rules 1 to 7, the first that applies.
	judge := func(i uint32) *exclusion {
		cs, ok := coeffs[i]
		if !ok {
			return &exclusion{"no-commitments", 0, -1}
		}
		if eq1[i] {
			return &exclusion{"equivocation", 0, -1}
		}
		if j, ok := eq2[i]; ok {
			return &exclusion{"equivocation", j, -1}
		}
		if j, ok := eq4[i]; ok {
			return &exclusion{"equivocation", j, -1}
		}
		if uint32(len(cs)) != t {
			return &exclusion{"invalid-commitments", 0, min(len(cs), int(t))}
		}
		for k, e := range cs {
			if e.Equal(r255.NewIdentityElement()) == 1 {
				return &exclusion{"invalid-commitments", 0, k}
			}
		}
		for k, e := range cs {
			tr := newTranscript("sandogh-v1 trustee coefficient", hc)
			tr.integer("dealer", uint64(i))
			tr.integer("coefficient", uint64(k))
			if verifySchnorr(tr, gen(), e, proofs[i][k]) != nil {
				return &exclusion{"invalid-proof", 0, k}
			}
		}
		for j := uint32(1); j <= n; j++ {
			if j == i {
				continue
			}
			sl := slot{i, j}
			switch {
			case complained[sl] && revealed[sl] == nil:
				return &exclusion{"unanswered-complaint", j, -1}
			case complained[sl] && !eq(mulG(revealed[sl]), polyEval(cs, j)):
				return &exclusion{"invalid-response", j, -1}
			case !complained[sl] && shareBodies[sl] == nil:
				return &exclusion{"missing-share", j, -1}
			}
		}
		return nil
	}
	for i := uint32(1); i <= n; i++ {
		if x := judge(i); x != nil {
			out.excluded[i] = *x
		}
	}
	Cs := make([]*r255.Element, t)
	for k := range Cs {
		Cs[k] = r255.NewIdentityElement()
	}
	for i := uint32(1); i <= n; i++ {
		if _, ok := out.excluded[i]; ok {
			continue
		}
		out.qualified = append(out.qualified, i)
		for k := range Cs {
			Cs[k].Add(Cs[k], coeffs[i][k])
		}
	}
	sort.Slice(out.qualified, func(a, b int) bool { return out.qualified[a] < out.qualified[b] })
	if uint32(len(out.qualified)) < t {
		return nil, fmt.Errorf("ceremony fails: %d qualified dealers, threshold %d", len(out.qualified), t)
	}
	out.K = Cs[0]
	for j := uint32(1); j <= n; j++ {
		out.keys = append(out.keys, polyEval(Cs, j))
	}
	return out, nil
}

// TestEquivocationVectors judges the ceremony of
// trustee/testdata/equivocation.json, in which four dealers equivocate in
// several rounds, in the stored order of its messages and in the reverse
// order, and compares the outcome with the stored result: the qualified
// dealers and every exclusion with the trustee it names (40-trustee.md,
// "Judging the ceremony", rule 2).
func TestEquivocationVectors(t *testing.T) {
	var v struct {
		Comment     string
		Roster      rosterJSON
		Commitments []commitmentsJSON
		Shares      []encryptedShareJSON
		Complaints  []complaintJSON
		Responses   []responseJSON
		Result      struct {
			Qualified []uint32
			Excluded  []struct {
				Dealer      uint32
				Reason      string
				Trustee     uint32
				Coefficient int
			}
		}
	}
	readJSON(t, "../../trustee/testdata/equivocation.json", &v)
	want := map[uint32]exclusion{}
	for _, x := range v.Result.Excluded {
		want[x.Dealer] = exclusion{x.Reason, x.Trustee, x.Coefficient}
	}
	if len(want) != 4 {
		t.Fatalf("the vector excludes %d dealers, want 4", len(want))
	}
	in := ceremonyInput{roster: v.Roster, commitments: v.Commitments, shares: v.Shares, complaints: v.Complaints, responses: v.Responses}
	for _, order := range []string{"stored", "reversed"} {
		if order == "reversed" {
			slices.Reverse(in.commitments)
			slices.Reverse(in.shares)
			slices.Reverse(in.complaints)
			slices.Reverse(in.responses)
		}
		out, err := judgeCeremony(&in)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(out.excluded, want) || !slices.Equal(out.qualified, v.Result.Qualified) {
			t.Errorf("%s order: excluded %v, qualified %v; the result says %v, %v", order, out.excluded, out.qualified, want, v.Result.Qualified)
		}
	}
}

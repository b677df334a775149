package speccheck

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sort"

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
	excluded  map[uint32]string
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

// judgeCeremony checks the messages and computes the outcome (40-trustee.md,
// "Judging the ceremony"). Authenticity failures are errors; exclusions are
// part of the outcome.
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
	out := &ceremonyOutcome{hc: hc, excluded: map[uint32]string{}}
	hcOK := func(s string) bool { return s == r.Ceremony }

	coeffs := map[uint32][]*r255.Element{}
	bodies := map[uint32][]byte{}
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
		for k, p := range c.Proofs {
			a, err1 := strictHex(p.Commitment)
			z, err2 := strictHex(p.Response)
			if err1 != nil || err2 != nil || len(a) != 32 || len(z) != 32 {
				return nil, fmt.Errorf("commitments of dealer %d: proof %d: not 64 bytes of hex", c.Dealer, k)
			}
			body = append(append(body, a...), z...)
		}
		if err := verifyMessage(r, c.Dealer, "sandogh-v1 trustee commitments", body, c.Signature); err != nil {
			return nil, fmt.Errorf("commitments of dealer %d: %w", c.Dealer, err)
		}
		if prev, ok := bodies[c.Dealer]; ok && !bytes.Equal(prev, body) {
			out.excluded[c.Dealer] = "equivocation"
		}
		bodies[c.Dealer] = body
		if out.excluded[c.Dealer] != "" {
			continue
		}
		if uint32(len(cs)) != t {
			out.excluded[c.Dealer] = "invalid-commitments"
			continue
		}
		for k, e := range cs {
			if e.Equal(r255.NewIdentityElement()) == 1 {
				out.excluded[c.Dealer] = "invalid-commitments"
				break
			}
			tr := newTranscript("sandogh-v1 trustee coefficient", hc)
			tr.integer("dealer", uint64(c.Dealer))
			tr.integer("coefficient", uint64(k))
			p, err := parseSchnorr(append(mustHex(c.Proofs[k].Commitment), mustHex(c.Proofs[k].Response)...))
			if err != nil {
				return nil, fmt.Errorf("commitments of dealer %d: proof %d: %w", c.Dealer, k, err)
			}
			if verifySchnorr(tr, gen(), e, p) != nil {
				out.excluded[c.Dealer] = "invalid-proof"
				break
			}
		}
		coeffs[c.Dealer] = cs
	}
	hasShare := map[[2]uint32]bool{}
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
		hasShare[[2]uint32{s.Dealer, s.Recipient}] = true
	}
	reasons := map[string]byte{"missing": 1, "undecryptable": 2, "inconsistent": 3}
	complained := map[[2]uint32]bool{}
	for _, c := range in.complaints {
		body := append(append([]byte(nil), hc...), u32(u32(nil, c.Complainant), c.Dealer)...)
		body = u8(body, reasons[c.Reason])
		if !hcOK(c.Ceremony) || reasons[c.Reason] == 0 {
			return nil, errors.New("complaint: malformed")
		}
		if err := verifyMessage(r, c.Complainant, "sandogh-v1 trustee complaint", body, c.Signature); err != nil {
			return nil, err
		}
		complained[[2]uint32{c.Dealer, c.Complainant}] = true
	}
	revealed := map[[2]uint32]*r255.Scalar{}
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
		revealed[[2]uint32{c.Dealer, c.Complainant}] = s
	}
	for i := uint32(1); i <= n; i++ {
		if _, ok := bodies[i]; !ok {
			out.excluded[i] = "no-commitments"
		}
		if out.excluded[i] != "" {
			continue
		}
		for j := uint32(1); j <= n && out.excluded[i] == ""; j++ {
			if j == i {
				continue
			}
			slot := [2]uint32{i, j}
			switch {
			case complained[slot] && revealed[slot] == nil:
				out.excluded[i] = "unanswered-complaint"
			case complained[slot] && !eq(mulG(revealed[slot]), polyEval(coeffs[i], j)):
				out.excluded[i] = "invalid-response"
			case !complained[slot] && !hasShare[slot]:
				out.excluded[i] = "missing-share"
			}
		}
	}
	Cs := make([]*r255.Element, t)
	for k := range Cs {
		Cs[k] = r255.NewIdentityElement()
	}
	for i := uint32(1); i <= n; i++ {
		if out.excluded[i] != "" {
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

package trustee

import (
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/prose"
)

type exclusionJSON struct {
	Dealer      int    `json:"dealer"`
	Reason      string `json:"reason"`
	Trustee     int    `json:"trustee"`
	Coefficient int    `json:"coefficient"`
}

type judgmentJSON struct {
	Complainant int    `json:"complainant"`
	Dealer      int    `json:"dealer"`
	Outcome     string `json:"outcome"`
}

// MarshalJSON encodes the result as {"ceremony": hex, "threshold": t,
// "qualified": [i, …], "excluded": [{"dealer": i, "reason": name,
// "trustee": j, "coefficient": k}, …], "judgments": [{"complainant": j,
// "dealer": i, "outcome": name}, …], "public_key": hex,
// "verification_keys": [hex, …]}.
func (r *Result) MarshalJSON() ([]byte, error) {
	ex := make([]exclusionJSON, len(r.Excluded))
	for k, x := range r.Excluded {
		ex[k] = exclusionJSON{x.Dealer, x.Reason.String(), x.Trustee, x.Coefficient}
	}
	js := make([]judgmentJSON, len(r.Judgments))
	for k, j := range r.Judgments {
		js[k] = judgmentJSON{j.Complainant, j.Dealer, j.Outcome.String()}
	}
	vks := make([]string, len(r.VerificationKeys))
	for k, K := range r.VerificationKeys {
		vks[k] = hexString(K.Bytes())
	}
	q := r.Qualified
	if q == nil {
		q = []int{}
	}
	return marshalObject(
		"ceremony", hexString(r.Ceremony),
		"threshold", r.Threshold,
		"qualified", q,
		"excluded", ex,
		"judgments", js,
		"public_key", hexString(r.PublicKey.Bytes()),
		"verification_keys", vks,
	)
}

// UnmarshalJSON decodes the form of MarshalJSON. It checks the encodings and
// ranges, not that the keys follow from a ceremony: for that, run
// VerifyCeremony on the published messages and compare. On error the
// receiver is unchanged.
func (r *Result) UnmarshalJSON(data []byte) error {
	const what = "result"
	obj, err := jsonObject(data, what, "ceremony", "threshold", "qualified", "excluded", "judgments", "public_key", "verification_keys")
	if err != nil {
		return err
	}
	var q Result
	if q.Ceremony, err = jsonHex(obj, what, "ceremony", CeremonyHashSize); err != nil {
		return err
	}
	var vks []string
	if err := jsonField(obj, what, "verification_keys", &vks); err != nil {
		return err
	}
	n := len(vks)
	if n < 1 || n > MaxTrustees {
		return fmt.Errorf("trustee: result: field verification_keys: %d keys, want 1..%d", n, MaxTrustees)
	}
	var t int64
	if err := jsonField(obj, what, "threshold", &t); err != nil {
		return err
	}
	if t < 1 || t > int64(n) {
		return fmt.Errorf("trustee: result: field threshold: %d outside 1..%d", t, n)
	}
	q.Threshold = int(t)
	if err := jsonField(obj, what, "qualified", &q.Qualified); err != nil {
		return err
	}
	if len(q.Qualified) < q.Threshold {
		return fmt.Errorf("trustee: result: field qualified: %s, fewer than the threshold %d", prose.Count(len(q.Qualified), "dealer"), q.Threshold)
	}
	for k, i := range q.Qualified {
		if i < 1 || i > n || k > 0 && i <= q.Qualified[k-1] {
			return fmt.Errorf("trustee: result: field qualified: entry %d: %d is not an ascending index in 1..%d", k, i, n)
		}
	}
	var ex []exclusionJSON
	if err := jsonField(obj, what, "excluded", &ex); err != nil {
		return err
	}
	if len(ex) > n {
		return fmt.Errorf("trustee: result: field excluded: %s for %s", prose.Count(len(ex), "entry"), prose.Count(n, "trustee"))
	}
	for k, x := range ex {
		reason := ExclusionReason(0)
		for v, name := range exclusionNames {
			if name != "" && name == x.Reason {
				reason = ExclusionReason(v)
			}
		}
		if reason == 0 || x.Dealer < 1 || x.Dealer > n || x.Trustee < 0 || x.Trustee > n || x.Coefficient < -1 || x.Coefficient > n {
			return fmt.Errorf("trustee: result: field excluded: entry %d is out of range", k)
		}
		q.Excluded = append(q.Excluded, Exclusion{x.Dealer, reason, x.Trustee, x.Coefficient})
	}
	var js []judgmentJSON
	if err := jsonField(obj, what, "judgments", &js); err != nil {
		return err
	}
	if len(js) > n*n {
		return fmt.Errorf("trustee: result: field judgments: %s for %s", prose.Count(len(js), "entry"), prose.Count(n, "trustee"))
	}
	for k, j := range js {
		outcome := ComplaintOutcome(0)
		for v, name := range outcomeNames {
			if name != "" && name == j.Outcome {
				outcome = ComplaintOutcome(v)
			}
		}
		if outcome == 0 || j.Dealer < 1 || j.Dealer > n || j.Complainant < 1 || j.Complainant > n || j.Dealer == j.Complainant {
			return fmt.Errorf("trustee: result: field judgments: entry %d is out of range", k)
		}
		q.Judgments = append(q.Judgments, Judgment{j.Complainant, j.Dealer, outcome})
	}
	var pk string
	if err := jsonField(obj, what, "public_key", &pk); err != nil {
		return err
	}
	q.PublicKey = group.NewElement()
	if err := parseHexElement(what, "public_key", pk, q.PublicKey); err != nil {
		return err
	}
	if q.PublicKey.IsIdentity() == 1 {
		return fmt.Errorf("trustee: result: field public_key: the identity")
	}
	q.VerificationKeys = make([]*group.Element, n)
	for k, s := range vks {
		q.VerificationKeys[k] = group.NewElement()
		if err := parseHexElement(what, fmt.Sprintf("verification_keys[%d]", k), s, q.VerificationKeys[k]); err != nil {
			return err
		}
	}
	*r = q
	return nil
}

var _ json.Marshaler = (*Result)(nil)

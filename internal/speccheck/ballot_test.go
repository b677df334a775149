package speccheck

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"

	r255 "github.com/gtank/ristretto255"
)

// The manifest, the base hash, the ballot encoding, confirmation codes,
// signatures and the ballots' proofs, from 50-ballot.md.

type candidateJSON struct {
	Code uint32 `json:"code"`
	Name string `json:"name"`
}

type contestJSON struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	Kind       string          `json:"kind"`
	Limit      uint32          `json:"limit,omitempty"`
	MaxScore   uint32          `json:"maxScore,omitempty"`
	Seats      uint32          `json:"seats,omitempty"`
	Alternates uint32          `json:"alternates,omitempty"`
	MixStages  uint32          `json:"mixStages,omitempty"`
	Strict     bool            `json:"strict,omitempty"`
	Method     string          `json:"method,omitempty"`
	Candidates []candidateJSON `json:"candidates"`
	// A list contest's (list_test.go).
	Lists          []partyListJSON `json:"lists,omitempty"`
	ListRule       string          `json:"listRule,omitempty"`
	Preferences    uint32          `json:"preferences,omitempty"`
	CandidatesOnly bool            `json:"candidatesOnly,omitempty"`
	Threshold      uint32          `json:"threshold,omitempty"`
}

type manifestJSON struct {
	ElectionID       string        `json:"electionId"`
	Title            string        `json:"title"`
	CredentialPolicy string        `json:"credentialPolicy"`
	TieBreakSeed     *string       `json:"tieBreakSeed,omitempty"`
	Contests         []contestJSON `json:"contests"`
	Stations         []stationJSON `json:"stations,omitempty"`
	MaxWeight        uint32        `json:"maxWeight,omitempty"`
}

// seed is the manifest's tie-break seed: 1 to 64 bytes of lowercase
// hexadecimal, or nil when the member is left out (50-ballot.md, "Manifest").
func (m *manifestJSON) seed() ([]byte, error) {
	if m.TieBreakSeed == nil {
		return nil, nil
	}
	s, err := strictHex(*m.TieBreakSeed)
	if err != nil || len(s) == 0 || len(s) > 64 {
		return nil, fmt.Errorf("tieBreakSeed %q is not 1 to 64 bytes of lowercase hexadecimal", *m.TieBreakSeed)
	}
	return s, nil
}

func (m *manifestJSON) encode() ([]byte, error) {
	seed, err := m.seed()
	if err != nil {
		return nil, err
	}
	b := str(nil, "sandogh-v1/manifest")
	b = str(b, m.ElectionID)
	b = str(b, m.Title)
	b = str(b, m.CredentialPolicy)
	b = bytesField(b, seed)
	b = u32(b, uint32(len(m.Contests)))
	for i, c := range m.Contests {
		b = str(b, c.ID)
		b = str(b, c.Title)
		b = str(b, c.Kind)
		var p []byte
		switch c.Kind {
		case "up-to", "exactly":
			p = u32(u32(u32(nil, c.Limit), c.Seats), c.Alternates)
			if c.Strict {
				if c.Kind != "exactly" && c.Kind != "list" {
					return nil, fmt.Errorf("contest %d: strict, but of kind %q", i, c.Kind)
				}
				p = append(p, 1)
			}
		case "yes-no":
		case "score":
			p = u32(u32(u32(u32(nil, c.MaxScore), c.Limit), c.Seats), c.Alternates)
		case "codes":
			p = u32(u32(u32(u32(nil, c.Limit), c.Seats), c.Alternates), c.MixStages)
		case "ranked":
			// 50-ballot.md, "Manifest": the codes block and str(method).
			p = str(u32(u32(u32(u32(nil, c.Limit), c.Seats), c.Alternates), c.MixStages), c.Method)
		case "list":
			p = listParams(&c)
		default:
			return nil, fmt.Errorf("contest %d: unknown kind %q", i, c.Kind)
		}
		b = bytesField(b, p)
		b = u32(b, uint32(len(c.Candidates)))
		for _, k := range c.Candidates {
			b = u32(b, k.Code)
			b = str(b, k.Name)
		}
	}
	b, err = encodeStations(b, m.Stations)
	if err != nil || m.MaxWeight == 0 {
		return b, err
	}
	// The weights' block (50-ballot.md, "Manifest", "Weighted voters").
	b = u32(b, 0)
	b = str(b, "maxWeight")
	return u32(b, m.MaxWeight), nil
}

// mixedContest reports whether contest c goes through the mixnet: codes
// and ranked contests, and list contests with mixStages ≥ 1 (50-ballot.md,
// "Manifest", "Mixed list contests").
func mixedContest(c *contestJSON) bool {
	return c.Kind == "codes" || c.Kind == "ranked" || (c.Kind == "list" && c.MixStages > 0)
}

// rowLimit is N, the most codes of a row: limit, or for a list contest
// preferences + 1 (a list code and the candidate codes).
func rowLimit(c *contestJSON) int {
	if c.Kind == "list" {
		return int(c.Preferences) + 1
	}
	return int(c.Limit)
}

// maxCodeOf is the largest code of c: its candidates' and its lists'.
func maxCodeOf(c *contestJSON) uint32 {
	var m uint32
	for _, k := range c.Candidates {
		m = max(m, k.Code)
	}
	for _, l := range c.Lists {
		m = max(m, l.Code)
	}
	return m
}

// rangeMax is R_i: the range of each selection's proof.
func (c *contestJSON) rangeMax() int {
	if c.Kind == "score" {
		return int(c.MaxScore)
	}
	return 1
}

// sumRule returns the contest proof's rule and bound, or ok = false when the
// contest has none.
func (c *contestJSON) sumRule() (rule string, bound uint32, ok bool) {
	switch c.Kind {
	case "up-to":
		return "at-most", c.Limit, true
	case "yes-no":
		return "at-most", 1, true
	case "score":
		if c.Limit == 0 {
			return "", 0, false
		}
		return "at-most", c.Limit, true
	case "exactly":
		if c.Strict {
			return "exact", c.Limit, true
		}
		return "zero-or", c.Limit, true
	}
	return "", 0, false
}

func credentialListHash(keys [][]byte) []byte { return weightedCredentialListHash(keys, nil) }

// weightedCredentialListHash is the hash of the list of keys (sorted) with
// their weights, or of the unweighted list if weights is nil (50-ballot.md,
// "Weighted voters").
func weightedCredentialListHash(keys [][]byte, weights []uint32) []byte {
	label := "sandogh-v1/credential-list"
	if weights != nil {
		label = "sandogh-v1/weighted-credential-list"
	}
	b := str(nil, label)
	b = u32(b, uint32(len(keys)))
	for i, k := range keys {
		b = append(b, k...)
		if weights != nil {
			b = u32(b, weights[i])
		}
	}
	return h256(b)
}

type deviceJSON struct {
	ID        string `json:"id"`
	PublicKey string `json:"publicKey"`
}

// electionParams is what the base hash binds.
type electionParams struct {
	manifest     manifestJSON
	manifestHash []byte
	K            []byte   // joint key encoding
	trustees     [][]byte // verification keys, in trustee order
	threshold    uint32
	devices      []deviceJSON
	credentials  [][]byte
	weights      []uint32 // weights[i] of credentials[i]; nil when unweighted
	baseHash     []byte   // recomputed
	key          *r255.Element
	deviceKeys   map[string]ed25519.PublicKey
	stations     *stationIndex
}

func newElectionParams(m manifestJSON, K string, trustees []string, threshold uint32, devices []deviceJSON, creds []string) (*electionParams, error) {
	return newWeightedElectionParams(m, K, trustees, threshold, devices, creds, nil)
}

// newWeightedElectionParams is newElectionParams with the credentials'
// weights (nil for an unweighted list), checked against the manifest's
// maxWeight (50-ballot.md, "Weighted voters").
func newWeightedElectionParams(m manifestJSON, K string, trustees []string, threshold uint32, devices []deviceJSON, creds []string, weights []uint32) (*electionParams, error) {
	e := &electionParams{manifest: m, threshold: threshold, devices: devices, deviceKeys: map[string]ed25519.PublicKey{}, weights: weights}
	if err := checkWeights(m, devices, weights); err != nil {
		return nil, err
	}
	// t is 1..n, and every codes contest has t..n mix stages (50-ballot.md,
	// "Base hash", "Manifest").
	if threshold < 1 || int(threshold) > len(trustees) {
		return nil, fmt.Errorf("threshold %d is not in 1..%d", threshold, len(trustees))
	}
	for i, c := range m.Contests {
		if mixedContest(&c) && (c.MixStages < threshold || int(c.MixStages) > len(trustees)) {
			return nil, fmt.Errorf("contest %d: mixStages %d is not in %d..%d", i, c.MixStages, threshold, len(trustees))
		}
	}
	menc, err := m.encode()
	if err != nil {
		return nil, err
	}
	e.manifestHash = h256(menc)
	if e.key, err = elementHex(K); err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	e.K = mustHex(K)
	for i, s := range trustees {
		if _, err := elementHex(s); err != nil {
			return nil, fmt.Errorf("trustee %d: %w", i+1, err)
		}
		e.trustees = append(e.trustees, mustHex(s))
	}
	for _, s := range creds {
		e.credentials = append(e.credentials, mustHex(s))
	}
	b := str(nil, "sandogh-v1/base-hash")
	b = str(b, "ristretto255")
	b = append(b, enc(gen())...)
	b = append(b, e.manifestHash...)
	b = append(b, e.K...)
	b = u32(b, uint32(len(e.trustees)))
	for _, t := range e.trustees {
		b = append(b, t...)
	}
	b = u32(b, threshold)
	ds := append([]deviceJSON(nil), devices...)
	sort.Slice(ds, func(i, j int) bool { return ds[i].ID < ds[j].ID })
	b = u32(b, uint32(len(ds)))
	for _, d := range ds {
		b = str(b, d.ID)
		pk, err := strictHex(d.PublicKey)
		if err != nil || len(pk) != 32 {
			return nil, fmt.Errorf("device %q: bad key", d.ID)
		}
		b = append(b, pk...)
		e.deviceKeys[d.ID] = pk
	}
	b = append(b, weightedCredentialListHash(e.credentials, weights)...)
	e.baseHash = h256(b)
	if e.stations, err = indexStations(m.Stations, e.deviceKeys); err != nil {
		return nil, err
	}
	return e, nil
}

// ballotJSON is the ballot JSON of 50-ballot.md, "Ballot-box file".
type ballotJSON struct {
	BallotID   string  `json:"ballotId"`
	BaseHash   string  `json:"baseHash"`
	Device     *string `json:"device,omitempty"`
	Sequence   *uint64 `json:"sequence,omitempty"`
	Previous   *string `json:"previous,omitempty"`
	Credential *string `json:"credential,omitempty"`
	Contests   []struct {
		Selections []struct {
			Ciphertext string `json:"ciphertext"`
			Proof      string `json:"proof"`
		} `json:"selections,omitempty"`
		Proof  *string  `json:"proof,omitempty"`
		Proofs []string `json:"proofs,omitempty"`
		Row    []struct {
			Ciphertext string `json:"ciphertext"`
			Proof      string `json:"proof"`
		} `json:"row,omitempty"`
	} `json:"contests"`
	State     string  `json:"state"`
	NonceSeed *string `json:"nonceSeed,omitempty"`
	Signature string  `json:"signature"`
	Code      string  `json:"code"`
}

// ballot is a ballot rebuilt from its JSON: the signed encoding's parts.
type ballot struct {
	j        *ballotJSON
	baseHash []byte
	body     []byte
	code     []byte
	state    byte
	seed     []byte // challenged only
	sig      []byte
	contests []ballotContest
}

type ballotContest struct {
	layout     byte
	cts        [][]byte // 64-byte ciphertexts (selections or row columns)
	proofs     [][]byte // range proofs or Schnorr proofs
	sumProof   []byte   // nil when absent
	hasSumFlag bool
	listProofs [][]byte // a list contest's statement proofs (flag 2)
}

// parseBallotJSON rebuilds the body, code and signed parts of a ballot JSON
// and checks the published code.
func parseBallotJSON(data []byte) (*ballot, error) {
	b, err := buildBallot(data)
	if err != nil {
		return nil, err
	}
	if hex.EncodeToString(b.code) != b.j.Code {
		return nil, fmt.Errorf("field code: published %s, the body hashes to %x", b.j.Code, b.code)
	}
	return b, nil
}

// buildBallot rebuilds the body, code and signed parts of a ballot JSON.
func buildBallot(data []byte) (*ballot, error) {
	var j ballotJSON
	if err := decodeStrict(data, &j); err != nil {
		return nil, err
	}
	b := &ballot{j: &j}
	var err error
	if b.baseHash, err = strictHex(j.BaseHash); err != nil || len(b.baseHash) != 32 {
		return nil, fmt.Errorf("field baseHash: not 32 bytes of hex")
	}
	if j.BallotID == "" {
		return nil, errors.New("empty ballot identifier")
	}
	if err := textRule(j.BallotID, false); err != nil {
		return nil, fmt.Errorf("field ballotId: %w", err)
	}
	if j.Device != nil {
		if err := textRule(*j.Device, false); err != nil {
			return nil, fmt.Errorf("field device: %w", err)
		}
	}
	body := str(nil, "sandogh-v1/ballot")
	body = append(body, b.baseHash...)
	body = str(body, j.BallotID)
	switch {
	case j.Device != nil && j.Sequence != nil && j.Previous != nil && j.Credential == nil:
		prev, err := strictHex(*j.Previous)
		if err != nil || len(prev) != 32 {
			return nil, errors.New("field previous: not 32 bytes of hex")
		}
		body = u8(body, 1)
		body = str(body, *j.Device)
		body = u64(body, *j.Sequence)
		body = append(body, prev...)
	case j.Device == nil && j.Sequence == nil && j.Previous == nil && j.Credential != nil:
		cred, err := strictHex(*j.Credential)
		if err != nil || len(cred) != 32 {
			return nil, errors.New("field credential: not 32 bytes of hex")
		}
		body = u8(body, 2)
		body = append(body, cred...)
	default:
		return nil, errors.New("neither a device ballot nor a credential ballot")
	}
	body = u32(body, uint32(len(j.Contests)))
	for i, c := range j.Contests {
		var bc ballotContest
		ctOf := func(s string, where string) ([]byte, error) {
			ct, err := strictHex(s)
			if err != nil || len(ct) != 64 {
				return nil, fmt.Errorf("contest %d: %s: ciphertext is not 64 bytes of hex", i, where)
			}
			A, err := element(ct[:32])
			if err != nil {
				return nil, fmt.Errorf("contest %d: %s: component A: %w", i, where, err)
			}
			if A.Equal(r255.NewIdentityElement()) == 1 {
				return nil, fmt.Errorf("contest %d: %s: component A is the identity", i, where)
			}
			if _, err := element(ct[32:]); err != nil {
				return nil, fmt.Errorf("contest %d: %s: component B: %w", i, where, err)
			}
			return ct, nil
		}
		switch {
		case c.Row == nil && c.Selections != nil:
			bc.layout = 1
			body = u8(body, 1)
			body = u32(body, uint32(len(c.Selections)))
			for k, s := range c.Selections {
				ct, err := ctOf(s.Ciphertext, fmt.Sprintf("selection %d", k))
				if err != nil {
					return nil, err
				}
				p, err := strictHex(s.Proof)
				if err != nil {
					return nil, fmt.Errorf("contest %d: selection %d: proof: %w", i, k, err)
				}
				if _, err := parseRange(p); err != nil {
					return nil, fmt.Errorf("contest %d: selection %d: %w", i, k, err)
				}
				body = append(body, ct...)
				body = bytesField(body, p)
				bc.cts = append(bc.cts, ct)
				bc.proofs = append(bc.proofs, p)
			}
			if c.Proofs != nil {
				if c.Proof != nil {
					return nil, fmt.Errorf("contest %d: both proof and proofs", i)
				}
				body = u8(body, 2)
				body = u32(body, uint32(len(c.Proofs)))
				for k, ph := range c.Proofs {
					p, err := strictHex(ph)
					if err != nil {
						return nil, fmt.Errorf("contest %d: proofs %d: %w", i, k, err)
					}
					if _, err := parseRange(p); err != nil {
						return nil, fmt.Errorf("contest %d: proofs %d: %w", i, k, err)
					}
					body = bytesField(body, p)
					bc.listProofs = append(bc.listProofs, p)
				}
			} else if c.Proof == nil {
				body = u8(body, 0)
			} else {
				p, err := strictHex(*c.Proof)
				if err != nil {
					return nil, fmt.Errorf("contest %d: proof: %w", i, err)
				}
				if _, err := parseRange(p); err != nil {
					return nil, fmt.Errorf("contest %d: contest proof: %w", i, err)
				}
				body = u8(body, 1)
				body = bytesField(body, p)
				bc.sumProof = p
			}
		case c.Row != nil && c.Selections == nil && c.Proof == nil && c.Proofs == nil:
			bc.layout = 2
			body = u8(body, 2)
			body = u32(body, uint32(len(c.Row)))
			for k, s := range c.Row {
				ct, err := ctOf(s.Ciphertext, fmt.Sprintf("column %d", k))
				if err != nil {
					return nil, err
				}
				p, err := strictHex(s.Proof)
				if err != nil {
					return nil, fmt.Errorf("contest %d: column %d: proof: %w", i, k, err)
				}
				if _, err := parseSchnorr(p); err != nil {
					return nil, fmt.Errorf("contest %d: column %d: %w", i, k, err)
				}
				body = append(body, ct...)
				body = append(body, p...)
				bc.cts = append(bc.cts, ct)
				bc.proofs = append(bc.proofs, p)
			}
		default:
			return nil, fmt.Errorf("contest %d: not one of the two layouts", i)
		}
		b.contests = append(b.contests, bc)
	}
	b.body = body
	b.code = h256(body)
	switch j.State {
	case "cast":
		b.state = 1
		if j.NonceSeed != nil {
			return nil, errors.New("a cast ballot with a nonce seed")
		}
	case "challenged":
		b.state = 2
		if j.NonceSeed == nil {
			return nil, errors.New("a challenged ballot without a nonce seed")
		}
		if b.seed, err = strictHex(*j.NonceSeed); err != nil || len(b.seed) != 32 {
			return nil, errors.New("field nonceSeed: not 32 bytes of hex")
		}
	default:
		return nil, fmt.Errorf("unknown state %q", j.State)
	}
	if b.sig, err = strictHex(j.Signature); err != nil || len(b.sig) != 64 {
		return nil, errors.New("field signature: not 64 bytes of hex")
	}
	return b, nil
}

// signed is the signed ballot: body ‖ u8(state) ‖ [seed] ‖ signature.
func (b *ballot) signed() []byte {
	s := append(append([]byte(nil), b.body...), b.state)
	s = append(s, b.seed...)
	return append(s, b.sig...)
}

func (b *ballot) signedMessage() []byte {
	m := str(nil, "sandogh-v1/ballot-signature")
	m = append(m, b.code...)
	m = append(m, b.state)
	return append(m, b.seed...)
}

// signerKey returns the key that must sign the ballot (acceptance rule,
// step 4), or an error if its device is not registered or its credential
// not listed.
func (b *ballot) signerKey(e *electionParams) (ed25519.PublicKey, error) {
	if b.j.Credential != nil {
		pk := ed25519.PublicKey(mustHex(*b.j.Credential))
		for _, c := range e.credentials {
			if bytes.Equal(c, pk) {
				return pk, nil
			}
		}
		return nil, errors.New("credential is not on the list")
	}
	pk, ok := e.deviceKeys[*b.j.Device]
	if !ok {
		return nil, fmt.Errorf("device %q is not registered", *b.j.Device)
	}
	return pk, nil
}

func (b *ballot) verifySignature(e *electionParams) error {
	pk, err := b.signerKey(e)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pk, b.signedMessage(), b.sig) {
		return errors.New("signature does not verify")
	}
	return nil
}

// A placed error is a failure at a place of the ballot: contest and
// selection (or column), −1 when it names none (the acceptance rule's
// places).
type placed struct {
	contest, selection int
	err                error
}

func (p *placed) Error() string {
	return fmt.Sprintf("contest %d: selection %d: %v", p.contest, p.selection, p.err)
}

func placedf(i, j int, format string, args ...any) *placed {
	return &placed{i, j, fmt.Errorf(format, args...)}
}

// context is the ballot's transcript context for contest i.
func (b *ballot) context(i int) *transcript {
	tr := b.headerContext()
	tr.integer("contest", uint64(i))
	return tr
}

// boundSeed is the ballot's nonce seed bound to its header context
// (50-ballot.md, "Encryption and nonces"): every encryption nonce derives
// from it.
func (b *ballot) boundSeed(seed []byte) []byte {
	hd := sha512.Sum512(b.headerContext().stream)
	return bindSeed(seed, hd[:])
}

// headerContext is the ballot's transcript context up to its signer: the
// transcript to which its nonce seed is bound (50-ballot.md, "Encryption
// and nonces").
func (b *ballot) headerContext() *transcript {
	tr := newTranscript("sandogh-v1/ballot", b.baseHash)
	tr.bytes("ballot-id", []byte(b.j.BallotID))
	if b.j.Credential != nil {
		tr.bytes("credential", mustHex(*b.j.Credential))
	} else {
		tr.bytes("device", []byte(*b.j.Device))
		tr.integer("sequence", *b.j.Sequence)
		tr.bytes("previous", mustHex(*b.j.Previous))
	}
	return tr
}

// checkShape compares the ballot with the manifest: its base hash (step 2
// of the acceptance rule), then its shape (step 8), in the order of the
// spec, with the place of the first failure (a *placed error).
func (b *ballot) checkShape(e *electionParams) error {
	if !bytes.Equal(b.baseHash, e.baseHash) {
		return errors.New("base hash is not the election's")
	}
	if len(b.contests) != len(e.manifest.Contests) {
		return placedf(-1, -1, "%d contests, the manifest has %d", len(b.contests), len(e.manifest.Contests))
	}
	for i, c := range b.contests {
		mc := &e.manifest.Contests[i]
		if mixedContest(mc) {
			if c.layout != 2 {
				return placedf(i, -1, "layout %d for a codes contest", c.layout)
			}
			if len(c.cts) != packedWidth(mc) {
				return placedf(i, -1, "row of %d columns, want %d", len(c.cts), packedWidth(mc))
			}
			continue
		}
		if c.layout != 1 {
			return placedf(i, -1, "layout %d", c.layout)
		}
		if mc.Kind == "list" {
			if err := checkListShape(i, &c, mc); err != nil {
				return err
			}
			continue
		}
		if c.listProofs != nil {
			return placedf(i, -1, "contest-proof flag 2 in a %s contest", mc.Kind)
		}
		if len(c.cts) != len(mc.Candidates) {
			return placedf(i, -1, "%d selections for %d candidates", len(c.cts), len(mc.Candidates))
		}
		for k, p := range c.proofs {
			rp, _ := parseRange(p)
			if rp.R != mc.rangeMax() {
				return placedf(i, k, "R = %d", rp.R)
			}
		}
		rule, bound, ok := mc.sumRule()
		if ok != (c.sumProof != nil) {
			return placedf(i, -1, "contest proof presence")
		}
		if ok {
			rp, _ := parseRange(c.sumProof)
			want := int(bound)
			switch rule {
			case "zero-or":
				want = 1
			case "exact":
				want = 0
			}
			if rp.R != want {
				return placedf(i, -1, "contest proof R = %d, want %d", rp.R, want)
			}
		}
	}
	return nil
}

// packedWidth is w = ⌈N / ⌊240 / bitlen(maxCode)⌋⌉ (20-elgamal.md).
func packedWidth(c *contestJSON) int {
	maxCode := maxCodeOf(c)
	bits := 0
	for x := maxCode; x > 0; x >>= 1 {
		bits++
	}
	if bits == 0 || bits > 240 {
		return 0
	}
	k := 240 / bits
	return (rowLimit(c) + k - 1) / k
}

// sumCiphertext returns S_i (scaled by k⁻¹ for an exactly contest) as 64 bytes.
func sumCiphertext(cts [][]byte, exactlyK uint32) []byte {
	A, B := r255.NewIdentityElement(), r255.NewIdentityElement()
	for _, ct := range cts {
		a, _ := element(ct[:32])
		b, _ := element(ct[32:])
		A.Add(A, a)
		B.Add(B, b)
	}
	if exactlyK != 0 {
		inv := r255.NewScalar().Invert(scalarUint(uint64(exactlyK)))
		A, B = mul(inv, A), mul(inv, B)
	}
	return append(enc(A), enc(B)...)
}

// shiftedSum returns S_i − k·(0, G) as 64 bytes: for a strict exactly
// contest, an encryption of 0 when the sum is k.
func shiftedSum(cts [][]byte, k uint32) []byte {
	S := sumCiphertext(cts, 0)
	A, _ := element(S[:32])
	B, _ := element(S[32:])
	B = sub(B, mulG(scalarUint(uint64(k))))
	return append(enc(A), enc(B)...)
}

func sumContext(tr *transcript, cts [][]byte, rule string, bound uint32) {
	var all []byte
	for _, ct := range cts {
		all = append(all, ct...)
	}
	tr.bytes("selections", all)
	tr.bytes("sum-rule", []byte(rule))
	tr.integer("sum-bound", uint64(bound))
}

// verifyProofs checks every proof of the ballot (range proofs, contest proofs,
// proofs of knowledge of a row's nonces) and returns every failure.
func (b *ballot) verifyProofs(e *electionParams) []error {
	var errs []error
	for i, c := range b.contests {
		mc := &e.manifest.Contests[i]
		if c.layout == 2 {
			for k, ct := range c.cts {
				tr := b.context(i)
				tr.integer("column", uint64(k))
				tr.bytes("ciphertext", ct)
				A, _ := element(ct[:32])
				p, _ := parseSchnorr(c.proofs[k])
				if err := verifySchnorr(tr, gen(), A, p); err != nil {
					errs = append(errs, &placed{i, k, err})
				}
			}
			continue
		}
		_, listRanges := listSelections(mc)
		for k, ct := range c.cts {
			tr := b.context(i)
			tr.integer("selection", uint64(k))
			p, _ := parseRange(c.proofs[k])
			R := mc.rangeMax()
			if mc.Kind == "list" {
				R = listRanges[k]
			}
			if err := verifyRange(tr, e.K, ct, R, p); err != nil {
				errs = append(errs, &placed{i, k, err})
			}
		}
		if mc.Kind == "list" {
			errs = append(errs, b.verifyListProofs(e, i, &c, mc)...)
			continue
		}
		rule, bound, ok := mc.sumRule()
		if !ok {
			continue
		}
		tr := b.context(i)
		sumContext(tr, c.cts, rule, bound)
		var S []byte
		R := int(bound)
		switch rule {
		case "zero-or":
			S, R = sumCiphertext(c.cts, bound), 1
		case "exact":
			S, R = shiftedSum(c.cts, bound), 0
		default:
			S = sumCiphertext(c.cts, 0)
		}
		p, _ := parseRange(c.sumProof)
		if err := verifyRange(tr, e.K, S, R, p); err != nil {
			errs = append(errs, &placed{i, -1, fmt.Errorf("contest proof: %w", err)})
		}
	}
	return errs
}

// openChallenged opens a challenged ballot from its seed (50-ballot.md, "Cast
// or challenge"): it derives every nonce, reads every value, encrypts the vote
// again with the same header and seed and requires the same body. It returns
// the vote as contest id → candidate code → value (marked candidates only).
func (b *ballot) openChallenged(e *electionParams) (map[string]map[uint32]uint64, error) {
	if b.state != 2 {
		return nil, errors.New("not a challenged ballot")
	}
	return b.openWithSeed(e, b.seed)
}

// openWithSeed opens any ballot with a given nonce seed (the known-answer
// vectors give the seed of a cast ballot too).
func (b *ballot) openWithSeed(e *electionParams, seed []byte) (map[string]map[uint32]uint64, error) {
	vote := map[string]map[uint32]uint64{}
	var again [][]byte // re-encrypted contests' encodings, to compare
	seedB := b.boundSeed(seed)
	for i, c := range b.contests {
		mc := &e.manifest.Contests[i]
		seedI := nonceChild(seedB, "contest", uint64(i))
		if c.layout == 2 {
			v, enc, err := b.openCodes(e, i, seedI)
			if err != nil {
				return nil, err
			}
			if len(v) > 0 {
				vote[mc.ID] = v
			}
			again = append(again, enc)
			continue
		}
		R := mc.rangeMax()
		codes := make([]uint32, len(mc.Candidates))
		for j, k := range mc.Candidates {
			codes[j] = k.Code
		}
		var listRanges []int
		if mc.Kind == "list" {
			codes, listRanges = listSelections(mc)
		}
		var ms []uint64
		var rs []*r255.Scalar
		for j, ct := range c.cts {
			if listRanges != nil {
				R = listRanges[j]
			}
			seedIJ := nonceChild(seedI, "selection", uint64(j))
			r := nonceScalar(seedIJ, "encryption", 0)
			A, _ := element(ct[:32])
			B, _ := element(ct[32:])
			if !eq(A, mulG(r)) {
				return nil, fmt.Errorf("contest %d: selection %d: A ≠ r·G", i, j)
			}
			M := sub(B, mul(r, e.key))
			m := -1
			for v := 0; v <= R; v++ {
				if eq(M, mulG(scalarUint(uint64(v)))) {
					m = v
				}
			}
			if m < 0 {
				return nil, fmt.Errorf("contest %d: selection %d: no value in 0..%d", i, j, R)
			}
			additional := listRanges != nil && mc.ListRule == "panachage" && j >= len(mc.Lists) && j < 2*len(mc.Lists)
			if m > 0 && !additional {
				if vote[mc.ID] == nil {
					vote[mc.ID] = map[uint32]uint64{}
				}
				vote[mc.ID][codes[j]] = uint64(m)
			}
			ms = append(ms, uint64(m))
			rs = append(rs, r)
		}
		// Encrypt again.
		enc := u8(nil, 1)
		enc = u32(enc, uint32(len(c.cts)))
		var cts [][]byte
		for j := range c.cts {
			seedIJ := nonceChild(seedI, "selection", uint64(j))
			tr := b.context(i)
			tr.integer("selection", uint64(j))
			if listRanges != nil {
				R = listRanges[j]
			}
			ct, proof := encryptWithRangeProof(tr, seedIJ, e.key, ms[j], R)
			enc = append(enc, ct...)
			enc = bytesField(enc, proof)
			cts = append(cts, ct)
		}
		rule, bound, ok := mc.sumRule()
		if mc.Kind == "list" {
			enc = append(enc, b.reproveList(e, i, mc, cts, ms, rs, seedI)...)
		} else if !ok {
			enc = u8(enc, 0)
		} else {
			var s uint64
			rho := r255.NewScalar()
			for j := range ms {
				s += ms[j]
				rho.Add(rho, rs[j])
			}
			tr := b.context(i)
			sumContext(tr, cts, rule, bound)
			var S []byte
			var proof []byte
			seedSum := nonceChild(seedI, "sum", 0)
			if rule == "zero-or" {
				S = sumCiphertext(cts, bound)
				inv := r255.NewScalar().Invert(scalarUint(uint64(bound)))
				proof = proveRange(tr, seedSum, e.key, S, s/uint64(bound), smul(rho, inv), 1)
			} else if rule == "exact" {
				S = shiftedSum(cts, bound)
				proof = proveRange(tr, seedSum, e.key, S, 0, rho, 0)
			} else {
				S = sumCiphertext(cts, 0)
				proof = proveRange(tr, seedSum, e.key, S, s, rho, int(bound))
			}
			enc = u8(enc, 1)
			enc = bytesField(enc, proof)
		}
		again = append(again, enc)
	}
	// Rebuild the body from the header and the re-encrypted contests.
	body := str(nil, "sandogh-v1/ballot")
	body = append(body, b.baseHash...)
	body = str(body, b.j.BallotID)
	if b.j.Credential != nil {
		body = append(u8(body, 2), mustHex(*b.j.Credential)...)
	} else {
		body = str(u8(body, 1), *b.j.Device)
		body = u64(body, *b.j.Sequence)
		body = append(body, mustHex(*b.j.Previous)...)
	}
	body = u32(body, uint32(len(again)))
	for _, c := range again {
		body = append(body, c...)
	}
	if !bytes.Equal(body, b.body) {
		return nil, errors.New("encrypting the opened vote again with the seed does not give the ballot's body")
	}
	return vote, nil
}

// deviceOpening is the device-opening record of 50-ballot.md, "Device chains".
type deviceOpening struct {
	BaseHash  string           `json:"baseHash"`
	Device    string           `json:"device"`
	OpenedAt  uint64           `json:"openedAt"`
	Replaces  *replacementJSON `json:"replaces,omitempty"`
	Signature string           `json:"signature"`
	Code      string           `json:"code"`
}

func (o *deviceOpening) verify(e *electionParams) ([]byte, error) {
	bh, err := strictHex(o.BaseHash)
	if err != nil || !bytes.Equal(bh, e.baseHash) {
		return nil, errors.New("opening: base hash is not the election's")
	}
	b := str(nil, "sandogh-v1/device-opening")
	b = append(b, bh...)
	b = str(b, o.Device)
	b = u64(b, o.OpenedAt)
	if r := o.Replaces; r != nil {
		tip, err := strictHex(r.Tip)
		if err != nil || len(tip) != 32 || r.Device == "" {
			return nil, errors.New("opening: malformed replaces")
		}
		b = u64(str(b, r.Device), r.Sequence)
		b = append(b, tip...)
	}
	code := h256(b)
	if hex.EncodeToString(code) != o.Code {
		return nil, errors.New("opening: code does not match the record")
	}
	pk, ok := e.deviceKeys[o.Device]
	if !ok {
		return nil, fmt.Errorf("opening: device %q is not registered", o.Device)
	}
	sig, err := strictHex(o.Signature)
	if err != nil || !ed25519.Verify(pk, append(str(nil, "sandogh-v1/device-opening-signature"), code...), sig) {
		return nil, errors.New("opening: signature does not verify")
	}
	return code, nil
}

// checkWeights applies the rules of 50-ballot.md, "Weighted voters": a
// weighted manifest has a weighted list with weights 1 … maxWeight, no
// devices, no stations, a total weight W with W × (largest value of a
// selection) ≤ 2^48 − 1, and, if it has a codes contest, no weight held by
// one credential only; an unweighted manifest has an unweighted list.
func checkWeights(m manifestJSON, devices []deviceJSON, weights []uint32) error {
	if m.MaxWeight == 0 {
		if weights != nil {
			return errors.New("a weighted credential list in an unweighted election")
		}
		return nil
	}
	if weights == nil || len(devices) > 0 || len(m.Stations) > 0 {
		return errors.New("a weighted election needs a weighted list and has no devices or stations")
	}
	var total uint64
	for i, w := range weights {
		if w < 1 || w > m.MaxWeight {
			return fmt.Errorf("credential %d: weight %d is not in 1..%d", i, w, m.MaxWeight)
		}
		total += uint64(w)
	}
	holders := map[uint32]int{}
	for _, w := range weights {
		holders[w]++
	}
	for i, c := range m.Contests {
		v := uint64(1)
		switch c.Kind {
		case "ranked":
			return fmt.Errorf("contest %d: a %s contest in a weighted election", i, c.Kind)
		case "codes":
			for k, w := range weights {
				if holders[w] == 1 {
					return fmt.Errorf("contest %d is a codes contest, and credential %d is the only one of weight %d", i, k, w)
				}
			}
		case "score":
			v = uint64(c.MaxScore)
		}
		if total > (1<<48-1)/v {
			return fmt.Errorf("contest %d: total weight %d × %d exceeds 2^48 − 1", i, total, v)
		}
	}
	return nil
}

package speccheck

import (
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

type ballotVector struct {
	Vote       map[string]map[string]uint64 `json:"vote"`
	NonceSeed  string                       `json:"nonceSeed"`
	Encoding   string                       `json:"encoding"`
	Code       string                       `json:"code"`
	ShortCode  string                       `json:"shortCode"`
	JSON       json.RawMessage              `json:"json"`
	Plaintexts []string                     `json:"plaintexts"`
	Nonces     []string                     `json:"nonces"`
}

type ballotVectors struct {
	Manifest           manifestJSON  `json:"manifest"`
	ManifestEncoding   string        `json:"manifestEncoding"`
	ManifestHash       string        `json:"manifestHash"`
	Generator          string        `json:"generator"`
	PublicKey          string        `json:"publicKey"`
	SecretKey          string        `json:"secretKey"`
	Trustees           []string      `json:"trustees"`
	Threshold          uint32        `json:"threshold"`
	Devices            []deviceJSON  `json:"devices"`
	Credentials        []string      `json:"credentials"`
	CredentialListHash string        `json:"credentialListHash"`
	BaseHash           string        `json:"baseHash"`
	DeviceOpening      deviceOpening `json:"deviceOpening"`
	CredentialBallot   ballotVector  `json:"credentialBallot"`
	DeviceBallot       ballotVector  `json:"deviceBallot"`
}

// shortCode is the first 10 bytes of the code in base32, in groups of four.
func shortCode(code []byte) string {
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(code[:10])
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

func voteKeys(v map[string]map[uint32]uint64) map[string]map[string]uint64 {
	out := map[string]map[string]uint64{}
	for c, m := range v {
		out[c] = map[string]uint64{}
		for k, x := range m {
			out[c][jsonUint(uint64(k))] = x
		}
	}
	return out
}

func jsonUint(v uint64) string { b, _ := json.Marshal(v); return string(b) }

func sameVote(a, b map[string]map[string]uint64) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// TestBallotVectors checks the ballot vectors, and those of the manifest
// whose exactly contest is strict (a 0..0 contest proof on S − k·G).
func TestBallotVectors(t *testing.T) {
	for _, file := range []string{"ballot-vectors.json", "strict-vectors.json", "list-vectors.json"} {
		t.Run(file, func(t *testing.T) { checkBallotVectors(t, "../../ballot/testdata/"+file) })
	}
}

func checkBallotVectors(t *testing.T, file string) {
	var v ballotVectors
	readJSON(t, file, &v)
	menc, err := v.Manifest.encode()
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(menc) != v.ManifestEncoding {
		t.Errorf("manifest encoding differs:\n got %x\nwant %s", menc, v.ManifestEncoding)
	}
	if hex.EncodeToString(h256(menc)) != v.ManifestHash {
		t.Error("manifest hash differs")
	}
	if v.Generator != hex.EncodeToString(enc(gen())) {
		t.Error("generator differs")
	}
	e, err := newElectionParams(v.Manifest, v.PublicKey, v.Trustees, v.Threshold, v.Devices, v.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(credentialListHash(e.credentials)) != v.CredentialListHash {
		t.Error("credential list hash differs")
	}
	if hex.EncodeToString(e.baseHash) != v.BaseHash {
		t.Fatalf("base hash differs: got %x, want %s", e.baseHash, v.BaseHash)
	}
	openCode, err := v.DeviceOpening.verify(e)
	if err != nil {
		t.Error(err)
	}
	for _, bv := range []struct {
		name string
		v    ballotVector
	}{{"credentialBallot", v.CredentialBallot}, {"deviceBallot", v.DeviceBallot}} {
		b, err := parseBallotJSON(bv.v.JSON)
		if err != nil {
			t.Errorf("%s: %v", bv.name, err)
			continue
		}
		if got := hex.EncodeToString(b.signed()); got != bv.v.Encoding {
			t.Errorf("%s: signed encoding differs (body equal: %v)", bv.name, strings.HasPrefix(bv.v.Encoding, hex.EncodeToString(b.body)))
		}
		if hex.EncodeToString(b.code) != bv.v.Code || shortCode(b.code) != bv.v.ShortCode {
			t.Errorf("%s: code or short code differs: %s", bv.name, shortCode(b.code))
		}
		if err := b.verifySignature(e); err != nil {
			t.Errorf("%s: %v", bv.name, err)
		}
		if err := b.checkShape(e); err != nil {
			t.Errorf("%s: %v", bv.name, err)
		}
		if errs := b.verifyProofs(e); len(errs) > 0 {
			t.Errorf("%s: %s", bv.name, joinErrs(errs))
		}
		if b.j.Device != nil && hex.EncodeToString(openCode) != *b.j.Previous {
			t.Errorf("%s: the first ballot of the chain does not name the opening's code", bv.name)
		}
		vote, err := b.openWithSeed(e, mustHex(bv.v.NonceSeed))
		if err != nil {
			t.Errorf("%s: %v", bv.name, err)
		} else if !sameVote(voteKeys(vote), bv.v.Vote) {
			t.Errorf("%s: opened vote %v, want %v", bv.name, voteKeys(vote), bv.v.Vote)
		}
		// Tampering: a proof's response, a ciphertext (the code then
		// differs), the signature, the seed.
		var raw map[string]any
		json.Unmarshal(bv.v.JSON, &raw)
		contests := raw["contests"].([]any)
		sel := contests[len(contests)-1].(map[string]any)["selections"].([]any)[0].(map[string]any)
		p := sel["proof"].(string)
		sel["proof"] = flipHex(p, len(p)/2-5)
		tb, _ := json.Marshal(raw)
		if _, err := parseBallotJSON(tb); err == nil {
			t.Errorf("%s: a changed proof kept the published code", bv.name)
		}
		raw["code"] = hex.EncodeToString(h256(mustBody(t, tb)))
		tb, _ = json.Marshal(raw)
		if tbb, err := parseBallotJSON(tb); err != nil {
			t.Errorf("%s: %v", bv.name, err)
		} else if errs := tbb.verifyProofs(e); len(errs) == 0 {
			t.Errorf("%s: a tampered proof response verifies", bv.name)
		} else if err := tbb.verifySignature(e); err == nil {
			t.Errorf("%s: the signature covers no code", bv.name)
		}
		b.sig[3] ^= 1
		if b.verifySignature(e) == nil {
			t.Errorf("%s: a tampered signature verifies", bv.name)
		}
		seed := mustHex(bv.v.NonceSeed)
		seed[0] ^= 1
		if _, err := b.openWithSeed(e, seed); err == nil {
			t.Errorf("%s: opened with a wrong seed", bv.name)
		}
	}
}

// mustBody recomputes the body of a ballot JSON whose code is stale.
func mustBody(t *testing.T, data []byte) []byte {
	b, err := buildBallot(data)
	if err != nil {
		t.Fatal(err)
	}
	return b.body
}

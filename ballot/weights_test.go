package ballot

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// weightedManifest is testManifest with voter weights up to 1000.
func weightedManifest() *Manifest {
	m := testManifest()
	m.MaxWeight = 1000
	return m
}

// specStr and specU32 are the encoding primitives of docs/spec.md
// ("Encoding primitives"), written here from the text.
func specStr(s string) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(s))), s...)
}
func specU32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// TestManifestMaxWeightEncoding: a manifest without maxWeight keeps its
// bytes (the known-answer vectors check that too), and one with it is the
// same bytes followed by u32(0) ‖ str("maxWeight") ‖ u32(maxWeight), as
// docs/spec.md says.
func TestManifestMaxWeightEncoding(t *testing.T) {
	m := testManifest()
	plain := m.Encode()
	w := weightedManifest()
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	want := append(append(append(bytes.Clone(plain), specU32(0)...), specStr("maxWeight")...), specU32(1000)...)
	if got := w.Encode(); !bytes.Equal(got, want) {
		t.Fatalf("weighted manifest encoding:\n got %x\nwant %x", got, want)
	}
	if w.Hash() == m.Hash() {
		t.Fatal("maxWeight does not change the manifest hash")
	}
	j, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(j, []byte(`"maxWeight":1000`)) {
		t.Fatalf("JSON form lacks maxWeight: %s", j)
	}
	back, err := ParseManifest(j)
	if err != nil || back.Hash() != w.Hash() {
		t.Fatalf("round trip: %v", err)
	}
	if j, _ := json.Marshal(m); bytes.Contains(j, []byte("maxWeight")) {
		t.Fatalf("an unweighted manifest writes maxWeight: %s", j)
	}
}

func TestManifestMaxWeightRefusals(t *testing.T) {
	// A codes contest is allowed: its rows carry the weight column
	// (package tally); NewElection refuses a weight held by one credential
	// only (TestNewElectionWeightsCodes).
	codes := weightedManifest()
	codes.Contests = append(codes.Contests, Contest{ID: "council", Title: "Council", Kind: CodeList, Limit: 1, Seats: 1, MixStages: 1, Candidates: []Candidate{{1, "A"}, {2, "B"}}})
	if err := codes.Validate(); err != nil {
		t.Fatalf("codes contest in a weighted manifest: %v", err)
	}
	st := weightedManifest()
	st.Stations = []Station{{ID: "school-1", Devices: []string{"station-1"}}}
	if err := st.Validate(); err == nil || !strings.Contains(err.Error(), "remote voters only") {
		t.Fatalf("stations in a weighted manifest: %v", err)
	}
}

// TestNewElectionWeightsCodes: in a weighted election with a codes contest,
// whose decrypted rows show their weights, a weight held by one credential
// only is refused, naming the first such credential in list order; every
// weight held by two or more is accepted; without a codes contest a unique
// weight is accepted.
func TestNewElectionWeightsCodes(t *testing.T) {
	f := newFixture(t, testManifest())
	m := weightedManifest()
	m.Contests = append(m.Contests, Contest{ID: "council", Title: "Council", Kind: CodeList, Limit: 1, Seats: 1, MixStages: 2, Candidates: []Candidate{{1, "A"}, {2, "B"}}})
	p := Parameters{Manifest: m, PublicKey: f.e.PublicKey(), VerificationKeys: f.e.VerificationKeys(), Threshold: 2}
	keys := testKeys(5)
	for _, tc := range []struct {
		weights []uint32
		unique  []uint32 // the weights held once, one of which is named
	}{
		{[]uint32{10, 10, 1, 1, 1}, nil},
		{[]uint32{7, 7, 7, 7, 7}, nil},
		{[]uint32{10, 10, 1, 1, 40}, []uint32{40}},
		{[]uint32{10, 2, 1, 1, 3}, []uint32{10, 2, 3}},
	} {
		list, err := NewWeightedCredentialList(keys, tc.weights)
		if err != nil {
			t.Fatal(err)
		}
		// The first credential, in list order (sorted keys), whose
		// weight is held once.
		want := ""
		for i, w := range list.Weights() {
			if slices.Contains(tc.unique, w) {
				want = fmt.Sprintf("credential %d (%s) is the only one of weight %d, and contest 4 (\"council\") is a codes contest", i, hexKey(list.Keys()[i]), w)
				break
			}
		}
		p.Credentials = list
		_, err = NewElection(p)
		switch {
		case want == "" && err != nil:
			t.Errorf("weights %v: %v", tc.weights, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("weights %v: %v, want an error with %q", tc.weights, err, want)
		}
		q := p
		q.Manifest = weightedManifest()
		if _, err := NewElection(q); err != nil {
			t.Errorf("weights %v without a codes contest: %v", tc.weights, err)
		}
	}
}

func hexKey(k ed25519.PublicKey) string { return fmt.Sprintf("%x", []byte(k)) }

func testKeys(n int) []ed25519.PublicKey {
	out := make([]ed25519.PublicKey, n)
	for i := range out {
		c, _ := NewCredential(seedOf("weighted credential " + string(rune('a'+i))))
		out[i] = c.PublicKey()
	}
	return out
}

// TestWeightedCredentialListHash recomputes the hash from the spec's text:
// H(str("sandogh-v1/weighted-credential-list") ‖ u32(n) ‖ (key ‖ u32(w))…),
// keys sorted bytewise, whatever the input order.
func TestWeightedCredentialListHash(t *testing.T) {
	keys := testKeys(4)
	weights := []uint32{5, 1, 1000, 7}
	l, err := NewWeightedCredentialList(keys, weights)
	if err != nil {
		t.Fatal(err)
	}
	type kw struct {
		k ed25519.PublicKey
		w uint32
	}
	var s []kw
	for i := range keys {
		s = append(s, kw{keys[i], weights[i]})
	}
	for i := range s { // insertion sort: independent of the package's sort
		for j := i; j > 0 && bytes.Compare(s[j].k, s[j-1].k) < 0; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	enc := append(specStr("sandogh-v1/weighted-credential-list"), specU32(4)...)
	for _, e := range s {
		enc = append(append(enc, e.k...), specU32(e.w)...)
	}
	if got, want := l.Hash(), sha512.Sum512_256(enc); got != want {
		t.Fatalf("hash %x, want %x", got, want)
	}
	for i, e := range s {
		if l.Weights()[i] != e.w || l.Weight(e.k) != e.w {
			t.Fatalf("weight %d: %d, want %d", i, l.Weights()[i], e.w)
		}
	}
	if l.TotalWeight() != 1013 || !l.Weighted() {
		t.Fatalf("total weight %d", l.TotalWeight())
	}
	// The same keys with weight 1 everywhere are not the unweighted list:
	// the label differs, so a list's weights cannot be read two ways.
	ones, _ := NewWeightedCredentialList(keys, []uint32{1, 1, 1, 1})
	plain, _ := NewCredentialList(keys)
	if ones.Hash() == plain.Hash() {
		t.Fatal("weighted and unweighted lists have the same hash")
	}
	if plain.Weight(keys[0]) != 1 || plain.Weight(make([]byte, 32)) != 0 || plain.Weighted() {
		t.Fatal("unweighted list weights")
	}
	// Changing one weight changes the hash, and so the base hash.
	weights[2] = 999
	l2, _ := NewWeightedCredentialList(keys, weights)
	if l2.Hash() == l.Hash() {
		t.Fatal("a changed weight keeps the hash")
	}
	if _, err := NewWeightedCredentialList(keys, []uint32{1, 0, 1, 1}); err == nil || !strings.Contains(err.Error(), "weight is 0") {
		t.Fatalf("zero weight: %v", err)
	}
	if _, err := NewWeightedCredentialList(keys, []uint32{1}); err == nil {
		t.Fatal("fewer weights than keys accepted")
	}
}

func TestWeightedCredentialListJSON(t *testing.T) {
	keys := testKeys(3)
	l, _ := NewWeightedCredentialList(keys, []uint32{2, 3, 4})
	j, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back CredentialList
	if err := json.Unmarshal(j, &back); err != nil || back.Hash() != l.Hash() {
		t.Fatalf("round trip: %v", err)
	}
	ks := l.Keys()
	for _, bad := range []string{
		`[{"key":"` + hexOf(ks[0]) + `"}]`,                                                      // no weight
		`[{"key":"` + hexOf(ks[0]) + `","weight":0}]`,                                           // zero weight
		`[{"key":"` + hexOf(ks[0]) + `","weight":1,"weight":2}]`,                                // duplicate member
		`[{"key":"` + hexOf(ks[0]) + `","weight":1,"extra":2}]`,                                 // unknown member
		`[{"key":"` + hexOf(ks[0]) + `","weight":4294967296}]`,                                  // above u32
		`[{"key":"` + hexOf(ks[0]) + `","weight":1},"` + hexOf(ks[1]) + `"]`,                    // mixed forms
		`["` + hexOf(ks[0]) + `",{"key":"` + hexOf(ks[1]) + `","weight":1}]`,                    // mixed forms
		`[{"key":"` + hexOf(ks[1]) + `","weight":1},{"key":"` + hexOf(ks[0]) + `","weight":1}]`, // order
	} {
		var x CredentialList
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

func TestNewElectionWeights(t *testing.T) {
	f := newFixture(t, testManifest())
	base := Parameters{Manifest: weightedManifest(), PublicKey: f.e.PublicKey(), VerificationKeys: f.e.VerificationKeys(), Threshold: 2}
	keys := testKeys(3)
	weighted, _ := NewWeightedCredentialList(keys, []uint32{1, 10, 1000})
	plain, _ := NewCredentialList(keys)

	p := base
	p.Credentials = weighted
	e, err := NewElection(p)
	if err != nil {
		t.Fatal(err)
	}
	if e.Credentials().Weight(keys[2]) != 1000 {
		t.Fatal("weight lost")
	}
	// The published form carries the weights and gives the same base hash.
	j, _ := json.Marshal(e)
	back, err := ParseElection(j)
	if err != nil || back.BaseHash() != e.BaseHash() {
		t.Fatalf("ParseElection: %v", err)
	}
	// A changed weight is another base hash.
	w2, _ := NewWeightedCredentialList(keys, []uint32{1, 11, 1000})
	p.Credentials = w2
	if e2, err := NewElection(p); err != nil || e2.BaseHash() == e.BaseHash() {
		t.Fatalf("changed weight: %v", err)
	}

	for _, tc := range []struct {
		name string
		p    func(*Parameters)
		want string
	}{
		{"unweighted list", func(p *Parameters) { p.Credentials = plain }, "has no weights"},
		{"no list", func(p *Parameters) { p.Credentials = nil }, "has no weights"},
		{"weight above maxWeight", func(p *Parameters) {
			p.Credentials, _ = NewWeightedCredentialList(keys, []uint32{1, 1001, 1})
		}, "exceeds the manifest's maxWeight 1000"},
		{"devices", func(p *Parameters) {
			p.Credentials = weighted
			p.Devices = f.e.Devices()
		}, "remote voters only"},
		{"weighted list, unweighted manifest", func(p *Parameters) {
			p.Manifest = testManifest()
			p.Credentials = weighted
		}, "no maxWeight"},
		{"total weight too large to decrypt", func(p *Parameters) {
			m := weightedManifest()
			m.MaxWeight = MaxVoterWeight
			p.Manifest = m
			// 30,000 × (2^32 − 1) × maxScore 3 > 2^48 − 1. The keys need
			// not be Ed25519 keys to be listed.
			big := make([]ed25519.PublicKey, 30000)
			ws := make([]uint32, len(big))
			for i := range big {
				big[i] = binary.BigEndian.AppendUint32(make([]byte, 28), uint32(i))
				ws[i] = MaxVoterWeight
			}
			p.Credentials, _ = NewWeightedCredentialList(big, ws)
		}, "largest total that can be decrypted"},
	} {
		p := base
		tc.p(&p)
		if _, err := NewElection(p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

package ballot

import (
	"crypto/ed25519"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

func (f *fixture) params() Parameters {
	return Parameters{
		Manifest:         f.e.Manifest(),
		PublicKey:        f.e.PublicKey(),
		VerificationKeys: slices.Clone(f.e.verificationKeys),
		Threshold:        f.e.Threshold(),
		Devices:          f.e.Devices(),
		Credentials:      f.e.Credentials(),
	}
}

// TestBaseHashCoversEveryInput changes each input of the base hash.
func TestBaseHashCoversEveryInput(t *testing.T) {
	f := newFixture(t, testManifest())
	base := f.e.BaseHash()
	again, err := NewElection(f.params())
	if err != nil {
		t.Fatal(err)
	}
	if again.BaseHash() != base {
		t.Fatal("base hash is not deterministic")
	}
	_, otherPK := elgamal.GenerateKey()
	otherCreds, _ := NewCredentialList(f.e.Credentials().Keys()[:2])
	mutations := map[string]func(p *Parameters){
		"manifest":   func(p *Parameters) { p.Manifest.Title = "other" },
		"public key": func(p *Parameters) { p.PublicKey = otherPK },
		"trustee order": func(p *Parameters) {
			p.VerificationKeys[0], p.VerificationKeys[1] = p.VerificationKeys[1], p.VerificationKeys[0]
		},
		"trustee missing": func(p *Parameters) { p.VerificationKeys = p.VerificationKeys[:2] },
		"threshold":       func(p *Parameters) { p.Threshold = 3 },
		"threshold 1":     func(p *Parameters) { p.Threshold = 1 },
		"device id":       func(p *Parameters) { p.Devices[0].ID = "station-0" },
		"device key": func(p *Parameters) {
			p.Devices[0].PublicKey = ed25519.NewKeyFromSeed(seedOf("x")).Public().(ed25519.PublicKey)
		},
		"device missing": func(p *Parameters) { p.Devices = p.Devices[1:] },
		"credentials":    func(p *Parameters) { p.Credentials = otherCreds },
		"no credentials": func(p *Parameters) { p.Credentials = nil },
	}
	seen := map[[HashSize]byte]string{base: "base"}
	for name, mutate := range mutations {
		p := f.params()
		mutate(&p)
		e, err := NewElection(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if other, ok := seen[e.BaseHash()]; ok {
			t.Errorf("%s: same base hash as %s", name, other)
		}
		seen[e.BaseHash()] = name
	}
	// Device order does not matter: devices are sorted by identifier.
	p := f.params()
	slices.Reverse(p.Devices)
	if e, err := NewElection(p); err != nil || e.BaseHash() != base {
		t.Errorf("device order changed the base hash (err %v)", err)
	}
}

func TestNewElectionRefuses(t *testing.T) {
	f := newFixture(t, testManifest())
	cases := map[string]struct {
		mutate func(p *Parameters)
		want   string
	}{
		"no manifest":       {func(p *Parameters) { p.Manifest = nil }, "no manifest"},
		"no key":            {func(p *Parameters) { p.PublicKey = nil }, "no joint public key"},
		"identity trustee":  {func(p *Parameters) { p.VerificationKeys[1] = group.NewElement() }, "the verification key of trustee 2 is missing or the identity"},
		"nil trustee":       {func(p *Parameters) { p.VerificationKeys[2] = nil }, "the verification key of trustee 3 is missing"},
		"duplicate device":  {func(p *Parameters) { p.Devices[1].ID = p.Devices[0].ID }, "registered twice"},
		"shared device key": {func(p *Parameters) { p.Devices[1].PublicKey = p.Devices[0].PublicKey }, "is also the key of device"},
		"short device key":  {func(p *Parameters) { p.Devices[0].PublicKey = p.Devices[0].PublicKey[:31] }, "public key is 31 bytes"},
		"empty device id":   {func(p *Parameters) { p.Devices[0].ID = "" }, "device 0: identifier is empty"},
		"no threshold":      {func(p *Parameters) { p.Threshold = 0 }, "threshold 0 is outside 1..3"},
		"threshold above n": {func(p *Parameters) { p.Threshold = 4 }, "threshold 4 is outside 1..3"},
		"no trustees":       {func(p *Parameters) { p.VerificationKeys = nil }, "threshold 2 is outside 1..0"},
	}
	for name, c := range cases {
		p := f.params()
		c.mutate(&p)
		if _, err := NewElection(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, c.want)
		}
	}
}

func TestCredentials(t *testing.T) {
	creds, list, err := GenerateCredentials(20)
	if err != nil {
		t.Fatal(err)
	}
	if list.Len() != 20 {
		t.Fatalf("Len = %d", list.Len())
	}
	keys := make([]ed25519.PublicKey, len(creds))
	for i, c := range creds {
		if !list.Contains(c.PublicKey()) {
			t.Fatalf("credential %d not on the list", i)
		}
		c2, err := NewCredential(c.Seed())
		if err != nil || !c2.PublicKey().Equal(c.PublicKey()) {
			t.Fatal("a credential does not round-trip through its seed")
		}
		keys[i] = c.PublicKey()
	}
	if list.Contains(ed25519.NewKeyFromSeed(seedOf("outsider")).Public().(ed25519.PublicKey)) || list.Contains(nil) {
		t.Fatal("Contains accepts a key not on the list")
	}
	// The hash does not depend on the order of the keys.
	slices.Reverse(keys)
	l2, err := NewCredentialList(keys)
	if err != nil || l2.Hash() != list.Hash() {
		t.Fatal("the list's hash depends on the order of the keys")
	}
	if _, err := NewCredentialList(append(keys, keys[3])); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Fatalf("duplicate key: %v", err)
	}
	if _, err := NewCredentialList([]ed25519.PublicKey{keys[0][:5]}); err == nil {
		t.Fatal("short key accepted")
	}
	if _, err := NewCredential(make([]byte, 31)); err == nil {
		t.Fatal("short seed accepted")
	}
	if (&CredentialList{}).Hash() != (func() [HashSize]byte { l, _ := NewCredentialList(nil); return l.Hash() })() {
		t.Fatal("the zero list and the empty list differ")
	}

	// JSON round trip, and the canonical order is required.
	data, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	var back CredentialList
	if err := json.Unmarshal(data, &back); err != nil || back.Hash() != list.Hash() {
		t.Fatalf("JSON round trip: %v", err)
	}
	var hexKeys []string
	json.Unmarshal(data, &hexKeys)
	hexKeys[0], hexKeys[1] = hexKeys[1], hexKeys[0]
	swapped, _ := json.Marshal(hexKeys)
	if err := json.Unmarshal(swapped, &back); err == nil || !strings.Contains(err.Error(), "canonical order") {
		t.Fatalf("out-of-order list: %v", err)
	}
	hexKeys[0] = strings.ToUpper(hexKeys[0])
	upper, _ := json.Marshal(hexKeys)
	if err := json.Unmarshal(upper, &back); err == nil {
		t.Fatal("uppercase hexadecimal accepted")
	}
}

func TestConfirmationCode(t *testing.T) {
	var c ConfirmationCode
	for i := range c {
		c[i] = byte(i * 7)
	}
	s := c.Short()
	if len(s) != 19 || strings.Count(s, "-") != 3 {
		t.Fatalf("Short = %q", s)
	}
	if !c.MatchesShort(s) || !c.MatchesShort(strings.ToLower(strings.ReplaceAll(s, "-", " "))) {
		t.Fatal("MatchesShort refuses the short form")
	}
	d := c
	d[9] ^= 1
	if d.MatchesShort(s) {
		t.Fatal("MatchesShort accepts another code")
	}
	d = c
	d[10] ^= 1 // beyond the short form
	if d.Short() != s {
		t.Fatal("Short depends on more than 10 bytes")
	}
	back, err := ParseConfirmationCode(c.String())
	if err != nil || back != c {
		t.Fatalf("ParseConfirmationCode: %v", err)
	}
	for _, bad := range []string{c.String()[:63], strings.ToUpper(c.String()), c.String() + "00", "zz" + c.String()[2:]} {
		if _, err := ParseConfirmationCode(bad); err == nil {
			t.Errorf("ParseConfirmationCode(%q) accepted", bad)
		}
	}
}

func TestElectionJSON(t *testing.T) {
	f := newFixture(t, testManifest())
	data, err := json.Marshal(f.e)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ParseElection(data)
	if err != nil {
		t.Fatal(err)
	}
	if e.BaseHash() != f.e.BaseHash() {
		t.Fatal("JSON round trip changed the base hash")
	}
	again, _ := json.Marshal(e)
	if string(again) != string(data) {
		t.Fatal("the JSON form is not stable")
	}
	var obj map[string]any
	json.Unmarshal(data, &obj)
	for name, mutate := range map[string]func(m map[string]any){
		"base hash":        func(m map[string]any) { m["baseHash"] = strings.Repeat("ab", 32) },
		"manifest hash":    func(m map[string]any) { m["manifestHash"] = strings.Repeat("ab", 32) },
		"trustee":          func(m map[string]any) { m["trustees"].([]any)[0] = m["trustees"].([]any)[1] },
		"unknown member":   func(m map[string]any) { m["extra"] = true },
		"no credentials":   func(m map[string]any) { delete(m, "credentials") },
		"identity trustee": func(m map[string]any) { m["trustees"].([]any)[0] = strings.Repeat("00", 32) },
		"bad key":          func(m map[string]any) { m["publicKey"] = strings.Repeat("ff", 32) },
		"threshold":        func(m map[string]any) { m["threshold"] = 3 },
		"no threshold":     func(m map[string]any) { delete(m, "threshold") },
		"tie-break seed":   func(m map[string]any) { m["manifest"].(map[string]any)["tieBreakSeed"] = "00" },
	} {
		var m map[string]any
		json.Unmarshal(data, &m)
		mutate(m)
		bad, _ := json.Marshal(m)
		if _, err := ParseElection(bad); err == nil || !strings.HasPrefix(err.Error(), "ballot: ") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

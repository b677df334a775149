package ballot

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestParametersJSONStrict: the election parameters, the manifest, the
// credential list and device openings refuse a member twice (of which
// encoding/json would keep the last), a required member left out (which
// it would read as zero), a member name in another case (which it would
// match) and null, naming the member and its place.
func TestParametersJSONStrict(t *testing.T) {
	f := newFixture(t, testManifest())
	el, err := json.Marshal(f.e)
	if err != nil {
		t.Fatal(err)
	}
	pk, _ := json.Marshal(f.e.PublicKey())
	otherKey := `"e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"` // G, a valid key
	man, err := json.Marshal(testManifest())
	if err != nil {
		t.Fatal(err)
	}
	_, o, err := OpenDevice(f.e, "station-1", f.deviceKeys["station-1"], testTime)
	if err != nil {
		t.Fatal(err)
	}
	op, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	parseElection := func(b []byte) error { _, err := ParseElection(b); return err }
	parseManifest := func(b []byte) error { _, err := ParseManifest(b); return err }
	parseOpening := func(b []byte) error { return new(DeviceOpening).UnmarshalJSON(b) }
	for _, tc := range []struct {
		name     string
		parse    func([]byte) error
		data     []byte
		old, new string
		want     string
	}{
		{"publicKey twice", parseElection, el, `"publicKey":` + string(pk), `"publicKey":` + otherKey + `,"publicKey":` + string(pk), `ballot: election JSON: member "publicKey" appears twice`},
		{"publicKey twice, escaped", parseElection, el, `"publicKey":` + string(pk), `"publicKey":` + otherKey + `,"p\u0075blicKey":` + string(pk), `ballot: election JSON: member "publicKey" appears twice`},
		{"publicKey in another case", parseElection, el, `"publicKey":`, `"PublicKey":`, `ballot: election JSON: unknown member "PublicKey"`},
		{"publicKey missing", parseElection, el, `"publicKey":` + string(pk) + `,`, ``, `ballot: election JSON: missing member "publicKey"`},
		{"publicKey null", parseElection, el, `"publicKey":` + string(pk), `"publicKey":null`, `ballot: election JSON: member "publicKey": got null`},
		{"devices missing", parseElection, el, `"devices":[`, `"x":[`, `ballot: election JSON: unknown member "x"`},
		{"device key twice", parseElection, el, `{"id":"station-1","publicKey":`, `{"id":"station-1","publicKey":"00","publicKey":`, `devices[0]: member "publicKey" appears twice`},
		{"credential null", parseElection, el, `"credentials":["`, `"credentials":[null,"`, `ballot: election JSON: credentials[0]: null is not a value`},
		{"limit twice", parseManifest, man, `"limit":7`, `"limit":1,"limit":7`, `ballot: manifest JSON: contests[0]: member "limit" appears twice`},
		{"title missing", parseManifest, man, `"title":"Board`, `"x":"Board`, `ballot: manifest JSON: contests[0]: unknown member "x"`},
		{"candidate code missing", parseManifest, man, `{"code":101,`, `{`, `ballot: manifest JSON: contests[0].candidates[0]: missing member "code"`},
		{"candidate code twice", parseManifest, man, `{"code":101,`, `{"code":102,"code":101,`, `ballot: manifest JSON: contests[0].candidates[0]: member "code" appears twice`},
		{"code as a fraction", parseManifest, man, `{"code":101,`, `{"code":101.0,`, `contests[0].candidates[0]: member "code": number 101.0 is not an integer`},
		{"openedAt twice", parseOpening, op, `"openedAt":`, `"openedAt":1,"openedAt":`, `ballot: device opening JSON: member "openedAt" appears twice`},
		{"openedAt missing", parseOpening, op, `"openedAt":`, `"opened":`, `ballot: device opening JSON: unknown member "opened"`},
	} {
		data := strings.Replace(string(tc.data), tc.old, tc.new, 1)
		if data == string(tc.data) {
			t.Fatalf("%s: %q is not in %s", tc.name, tc.old, tc.data)
		}
		if err := tc.parse([]byte(data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	for _, ok := range []struct {
		parse func([]byte) error
		data  []byte
	}{{parseElection, el}, {parseManifest, man}, {parseOpening, op}} {
		if err := ok.parse(ok.data); err != nil {
			t.Fatal(err)
		}
	}
}

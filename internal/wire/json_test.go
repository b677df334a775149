package wire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// hexKey is a type with an UnmarshalText method, as the hashes of the
// record formats are.
type hexKey [4]byte

func (k *hexKey) UnmarshalText(text []byte) error {
	b, err := DecodeHex("key", string(text), 4)
	if err != nil {
		return err
	}
	copy(k[:], b)
	return nil
}

func (k hexKey) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(k[:])), nil }

type testInner struct {
	X uint32 `json:"x"`
	Y string `json:"y,omitempty"`
}

type testOuter struct {
	A          int                  `json:"a"`
	B          []testInner          `json:"b"`
	M          map[uint32]uint64    `json:"m"`
	S          map[string]testInner `json:"s"`
	P          *testInner           `json:"p,omitempty"`
	K          hexKey               `json:"k"`
	R          json.RawMessage      `json:"r,omitempty"`
	F          bool                 `json:"f,omitempty"`
	I8         int8                 `json:"i8,omitempty"`
	U          [2]uint16            `json:"u,omitempty"`
	Q          string               `json:"q,omitempty"`
	SP         *string              `json:"sp,omitempty"`
	unexported int
}

const validOuter = `{"a": -3, "b": [{"x": 1}, {"x": 2, "y": "two"}], "m": {"0": 5, "101": 7},
	"s": {"k": {"x": 0}}, "p": {"x": 9}, "k": "00ff10aa", "r": {"any": [1, "x", true, {"n": 2}]},
	"f": true, "i8": -128, "u": [1, 65535], "q": "a\u00e9\ud83d\ude00\n\/"}`

// TestStrictJSONValid: a value that uses every kind decodes as
// encoding/json decodes it.
func TestStrictJSONValid(t *testing.T) {
	var got, want testOuter
	if err := StrictJSON([]byte(validOuter), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(validOuter), &want); err != nil {
		t.Fatal(err)
	}
	// encoding/json keeps the raw value as it is; so does StrictJSON.
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("StrictJSON gave %+v, encoding/json %+v", got, want)
	}
	if got.Q != "aé😀\n/" || got.M[101] != 7 || got.K != (hexKey{0, 0xff, 0x10, 0xaa}) || got.I8 != -128 {
		t.Fatalf("unexpected value %+v", got)
	}
	// Optional members left out take their zero value; empty arrays and
	// objects give empty, non-nil slices and maps.
	var min testOuter
	if err := StrictJSON([]byte(`{"a":0,"b":[],"m":{},"s":{},"k":"00000000"}`), &min); err != nil {
		t.Fatal(err)
	}
	if min.B == nil || min.M == nil || min.S == nil || min.P != nil || min.R != nil {
		t.Fatalf("empty members: %+v", min)
	}
}

// TestStrictJSONRejects: each rule of StrictJSON, with the error that
// names the member and its place.
func TestStrictJSONRejects(t *testing.T) {
	base := `"b":[{"x":1}],"m":{"1":1},"s":{"k":{"x":0}},"k":"00000000"`
	cases := []struct{ name, data, want string }{
		// Rule 4: duplicate members, after unescaping, at any depth.
		{"duplicate", `{"a":1,"a":2,` + base + `}`, `member "a" appears twice`},
		{"duplicate escaped", `{"a":1,"\u0061":2,` + base + `}`, `member "a" appears twice`},
		{"duplicate escaped slash", `{"a":1,` + base + `,"q":"x","\u0071":"y"}`, `member "q" appears twice`},
		{"duplicate nested", `{"a":1,"b":[{"x":1},{"x":1,"x":2}],"m":{},"s":{},"k":"00000000"}`, `b[1]: member "x" appears twice`},
		{"duplicate optional", `{"a":1,` + base + `,"p":{"x":1},"p":{"x":2}}`, `member "p" appears twice`},
		{"duplicate map key", `{"a":1,"b":[],"m":{},"s":{"k":{"x":0},"k":{"x":1}},"k":"00000000"}`, `s: member "k" appears twice`},
		{"duplicate integer key", `{"a":1,"b":[],"m":{"7":1,"7":2},"s":{},"k":"00000000"}`, `m: member "7" appears twice`},
		{"duplicate in raw value", `{"a":1,` + base + `,"r":{"z":[{"w":1,"w":1}]}}`, `r.z[0]: member "w" appears twice`},
		// Rule 5: unknown and missing members, names compared exactly.
		{"unknown", `{"a":1,` + base + `,"extra":1}`, `unknown member "extra"`},
		{"other case", `{"A":1,` + base + `}`, `unknown member "A"`},
		{"unexported", `{"a":1,` + base + `,"unexported":1}`, `unknown member "unexported"`},
		{"missing", `{` + base + `}`, `missing member "a"`},
		{"missing nested", `{"a":1,"b":[{"x":1},{"y":"z"}],"m":{},"s":{},"k":"00000000"}`, `b[1]: missing member "x"`},
		{"missing in map value", `{"a":1,"b":[],"m":{},"s":{"k":{}},"k":"00000000"}`, `s["k"]: missing member "x"`},
		{"missing in pointer", `{"a":1,` + base + `,"p":{}}`, `p: missing member "x"`},
		{"optional string empty", `{"a":1,` + base + `,"q":""}`, `member "q": the empty string`},
		{"optional string pointer empty", `{"a":1,` + base + `,"sp":""}`, `member "sp": the empty string`},
		{"optional string empty nested", `{"a":1,"b":[{"x":1,"y":""}],"m":{},"s":{},"k":"00000000"}`, `b[0]: member "y": the empty string`},
		// Rule 3: null.
		{"null", `{"a":null,` + base + `}`, `member "a": got null, want an integer`},
		{"null slice", `{"a":1,"b":null,"m":{},"s":{},"k":"00000000"}`, `member "b": got null, want an array`},
		{"null optional", `{"a":1,` + base + `,"p":null}`, `member "p": got null, want an object`},
		{"null element", `{"a":1,"b":[null],"m":{},"s":{},"k":"00000000"}`, `b[0]: got null, want an object`},
		{"null in raw value", `{"a":1,` + base + `,"r":[1,null]}`, `r[1]: null is not a value in this format`},
		{"null top", `null`, `got null, want an object`},
		// Rule 6: integer keys in canonical decimal.
		{"key leading zero", `{"a":1,"b":[],"m":{"0101":1},"s":{},"k":"00000000"}`, `m: member "0101": not an integer in canonical decimal`},
		{"key plus", `{"a":1,"b":[],"m":{"+1":1},"s":{},"k":"00000000"}`, `m: member "+1": not an integer`},
		{"key minus", `{"a":1,"b":[],"m":{"-1":1},"s":{},"k":"00000000"}`, `m: member "-1": not an integer`},
		{"key exponent", `{"a":1,"b":[],"m":{"1e2":1},"s":{},"k":"00000000"}`, `m: member "1e2": not an integer`},
		{"key space", `{"a":1,"b":[],"m":{" 1":1},"s":{},"k":"00000000"}`, `m: member " 1": not an integer`},
		{"key empty", `{"a":1,"b":[],"m":{"":1},"s":{},"k":"00000000"}`, `m: member "": not an integer`},
		{"key range", `{"a":1,"b":[],"m":{"4294967296":1},"s":{},"k":"00000000"}`, `m: member "4294967296": out of the range`},
		{"key escaped", `{"a":1,"b":[],"m":{"\u0030\u0031":1},"s":{},"k":"00000000"}`, `m: member "01": not an integer`},
		// Rule 7: integers.
		{"fraction", `{"a":1.0,` + base + `}`, `member "a": number 1.0 is not an integer`},
		{"exponent", `{"a":1e2,` + base + `}`, `member "a": number 1e2 is not an integer`},
		{"minus zero", `{"a":-0,` + base + `}`, `member "a": number -0: -0`},
		{"negative unsigned", `{"a":1,"b":[{"x":-1}],"m":{},"s":{},"k":"00000000"}`, `b[0]: member "x": number -1 is negative`},
		{"range", `{"a":1,` + base + `,"i8":128}`, `member "i8": number 128 is out of the range of int8`},
		{"range negative", `{"a":1,` + base + `,"i8":-129}`, `member "i8": number -129 is out of the range of int8`},
		{"range uint32", `{"a":1,"b":[{"x":4294967296}],"m":{},"s":{},"k":"00000000"}`, `b[0]: member "x": number 4294967296 is out of the range of uint32`},
		{"huge", `{"a":123456789012345678901234567890,` + base + `}`, `member "a": number 123456789012345678901234567890 is out of the range of int`},
		{"leading zero", `{"a":01,` + base + `}`, `number with a leading zero`},
		// Kinds.
		{"string for integer", `{"a":"1",` + base + `}`, `member "a": got a string, want an integer`},
		{"integer for string", `{"a":1,` + base + `,"q":1}`, `member "q": got a number, want a string`},
		{"object for array", `{"a":1,"b":{},"m":{},"s":{},"k":"00000000"}`, `member "b": got an object, want an array`},
		{"array length", `{"a":1,` + base + `,"u":[1]}`, `member "u": 1 element, want 2`},
		{"array too long", `{"a":1,` + base + `,"u":[1,2,3]}`, `member "u": more than 2 elements`},
		{"text method", `{"a":1,"b":[],"m":{},"s":{},"k":"00"}`, `member "k": field key: text is 2 characters`},
		{"boolean", `{"a":1,` + base + `,"f":1}`, `member "f": got a number, want a boolean`},
		// Rules 1 and 2: syntax, strings.
		{"trailing", `{"a":1,` + base + `} {}`, `data after the end of the value`},
		{"trailing comma", `{"a":1,` + base + `,}`, `want a member name`},
		{"missing comma", `{"a":1 ` + base + `}`, `want ',' or '}' after a member`},
		{"unterminated", `{"a":1,` + base, `want ',' or '}'`},
		{"empty", ``, `invalid JSON at offset 0: want a value`},
		{"invalid UTF-8", `{"a":1,` + base + ",\"q\":\"\xff\"}", `invalid UTF-8 in a string`},
		{"invalid UTF-8 after escape", `{"a":1,` + base + ",\"q\":\"\\n\xc3\"}", `invalid UTF-8 in a string`},
		{"invalid UTF-8 in a name", `{"a":1,` + base + ",\"\xe9\":1}", `invalid UTF-8 in a string`},
		{"lone high surrogate", `{"a":1,` + base + `,"q":"\ud800"}`, `lone surrogate`},
		{"lone low surrogate", `{"a":1,` + base + `,"q":"\udc00x"}`, `lone surrogate`},
		{"reversed pair", `{"a":1,` + base + `,"q":"\ude00\ud83d"}`, `lone surrogate`},
		{"control character", "{\"a\":1," + base + ",\"q\":\"\t\"}", `control character`},
		{"bad escape", `{"a":1,` + base + `,"q":"\x"}`, `unknown escape`},
		{"short escape", `{"a":1,` + base + `,"q":"\u12"}`, `malformed \u escape`},
		{"raw syntax", `{"a":1,` + base + `,"r":[1,]}`, `want a value`},
		{"bad literal", `{"a":nope,` + base + `}`, `member "a": invalid JSON at offset 5: want a value`},
		{"bad literal string", `{"a":1,` + base + `,"q":nul}`, `member "q": invalid JSON`},
		{"raw literal", `{"a":1,` + base + `,"r":nul}`, `want a value`},
		{"deep raw", `{"a":1,` + base + `,"r":` + strings.Repeat("[", 100000) + `}`, `nesting deeper than 512`},
	}
	for _, tc := range cases {
		var v testOuter
		v.A = 42
		err := StrictJSON([]byte(tc.data), &v)
		if err == nil {
			t.Errorf("%s: accepted %q", tc.name, tc.data)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %q, want an error containing %q", tc.name, err, tc.want)
		}
		if v.A != 42 || v.B != nil {
			t.Errorf("%s: the receiver changed on error", tc.name)
		}
	}
}

// errMethod is returned by the UnmarshalJSON method of failing.
var errMethod = errors.New("the method refuses")

type failing struct{}

func (*failing) UnmarshalJSON([]byte) error { return errMethod }

// TestStrictJSONMethodErrors: the error of an UnmarshalJSON method keeps
// its identity and gets the place.
func TestStrictJSONMethodErrors(t *testing.T) {
	var v struct {
		L []failing `json:"l"`
	}
	err := StrictJSON([]byte(`{"l":[{"x":1}]}`), &v)
	if !errors.Is(err, errMethod) || err.Error() != "l[0]: the method refuses" {
		t.Fatalf("got %v", err)
	}
}

// TestStrictJSONProgrammerErrors: types that StrictJSON cannot decode
// panic, whatever the input.
func TestStrictJSONProgrammerErrors(t *testing.T) {
	type embedded struct{ A int }
	for name, v := range map[string]any{
		"not a pointer": struct{}{},
		"float":         new(float64),
		"interface":     new(any),
		"embedded":      new(struct{ embedded }),
		"string option": new(struct {
			A int `json:"a,string"`
		}),
		"bool keys": new(map[bool]int),
		"same name": reflect.New(reflect.StructOf([]reflect.StructField{
			{Name: "A", Type: reflect.TypeFor[int](), Tag: `json:"x"`},
			{Name: "B", Type: reflect.TypeFor[int](), Tag: `json:"x"`},
		})).Interface(),
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			StrictJSON([]byte(`{}`), v)
		}()
	}
}

func TestStrictJSONObject(t *testing.T) {
	obj, err := StrictJSONObject([]byte(` {"a": [1, {"b": 2}], "c": "x"} `), "a", "c")
	if err != nil {
		t.Fatal(err)
	}
	if string(obj["a"]) != `[1, {"b": 2}]` || string(obj["c"]) != `"x"` {
		t.Fatalf("members %q", obj)
	}
	for data, want := range map[string]string{
		`{"a":1,"c":2,"a":3}`:         `member "a" appears twice`,
		`{"a":1,"\u0063":2,"c":3}`:    `member "c" appears twice`,
		`{"a":1}`:                     `missing member "c"`,
		`{"a":1,"c":2,"d":3}`:         `unknown member "d"`,
		`{"a":[{"x":1,"x":1}],"c":2}`: `a[0]: member "x" appears twice`,
		`{"a":null,"c":2}`:            `member "a": null is not a value`,
		`{"a":1,"c":2} 3`:             `data after the end of the value`,
		`[]`:                          `got an array, want an object`,
	} {
		if _, err := StrictJSONObject([]byte(data), "a", "c"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", data, err, want)
		}
	}
}

// tokenCheck is an independent check of rules 1–4 on data, built on
// encoding/json's tokenizer: it reports a duplicate member name (after
// unescaping) or a null anywhere.
func tokenCheck(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		names  map[string]bool
		key    bool // the next token of an object is a name
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
				if n > 1 && stack[n-2].object {
					stack[n-2].key = true
				}
				continue
			}
			name := tok.(string)
			if stack[n-1].names[name] {
				return fmt.Errorf("duplicate %q", name)
			}
			stack[n-1].names[name] = true
			stack[n-1].key = false
			continue
		}
		switch tok := tok.(type) {
		case nil:
			return errors.New("null")
		case json.Delim:
			switch tok {
			case '{':
				stack = append(stack, &frame{object: true, names: map[string]bool{}, key: true})
				continue
			case '[':
				stack = append(stack, &frame{})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].key = true
		}
	}
}

// FuzzStrictJSON: nothing panics; whatever StrictJSON accepts,
// encoding/json decodes to the same value, an independent tokenizer finds
// no duplicate member and no null in it, and encoding it again gives a
// text that StrictJSON decodes to the same value.
func FuzzStrictJSON(f *testing.F) {
	f.Add([]byte(validOuter))
	f.Add([]byte(`{"a":1,"b":[{"x":1}],"m":{"1":1},"s":{"k":{"x":0}},"k":"00000000"}`))
	f.Add([]byte(`{"a":1,"\u0061":2,"b":[],"m":{},"s":{},"k":"00000000"}`))
	f.Add([]byte(`{"a":1,"b":[],"m":{"0101":1},"s":{},"k":"00000000","r":{"x":{"y":[1,{"z":2,"z":3}]}}}`))
	f.Add([]byte(`{"a":1,"b":[],"m":{},"s":{"\ud83d\ude00":{"x":1}},"k":"00000000","q":"\u0000"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v testOuter
		if err := StrictJSON(data, &v); err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		var w testOuter
		if err := json.Unmarshal(data, &w); err != nil {
			t.Fatalf("StrictJSON accepted %q, encoding/json refuses it: %v", data, err)
		}
		if !reflect.DeepEqual(v, w) {
			t.Fatalf("StrictJSON and encoding/json read %q differently:\n%+v\n%+v", data, v, w)
		}
		if err := tokenCheck(data); err != nil {
			t.Fatalf("StrictJSON accepted %q: %v", data, err)
		}
		again, err := json.Marshal(&v)
		if err != nil {
			t.Fatal(err)
		}
		var u testOuter
		if err := StrictJSON(again, &u); err != nil {
			t.Fatalf("StrictJSON refuses its own value's encoding %q: %v", again, err)
		}
		if v.R != nil { // json.Marshal compacts a raw value
			var c bytes.Buffer
			json.Compact(&c, v.R)
			v.R = c.Bytes()
		}
		if !reflect.DeepEqual(u, v) {
			t.Fatalf("round trip of %q changed the value", data)
		}
	})
}

// BenchmarkStrictJSON decodes a value with every kind, against
// encoding/json's decoder of the same value.
func BenchmarkStrictJSON(b *testing.B) {
	data := []byte(validOuter)
	b.Run("strict", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var v testOuter
			if err := StrictJSON(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var v testOuter
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

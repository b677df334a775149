package speccheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The JSON rules of 80-record.md, "Conventions" ("Reading JSON"), written
// from the text alone: every JSON value of the record is read by
// decodeStrict. It checks the rules on encoding/json's token stream against
// the Go type it decodes into, then decodes with encoding/json, whose
// laxities (the last of two members wins, names match in any case, a
// missing member or null leaves the zero value, "0101" is a map key 101)
// the checks have already ruled out. A struct field is a required member
// unless its tag says omitempty: the structs of this package mark exactly
// the members that the spec lists as optional.
func decodeStrict(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("the line is empty (no JSON value)")
	}
	if err := checkText(data); err != nil {
		return err
	}
	tokens := json.NewDecoder(bytes.NewReader(data))
	tokens.UseNumber()
	if err := checkValue(tokens, reflect.TypeOf(v).Elem(), "value"); err != nil {
		return err
	}
	if _, err := tokens.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// checkText checks rule 2 on the raw text: UTF-8, and every \u escape of a
// surrogate is one half of a pair (encoding/json would turn a lone one
// into U+FFFD).
func checkText(data []byte) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8")
	}
	surrogate := func(i int) (rune, bool) { // the \uXXXX at i, if any
		if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
			return 0, false
		}
		r, err := strconv.ParseUint(string(data[i+2:i+6]), 16, 32)
		return rune(r), err == nil
	}
	in := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case !in:
			in = c == '"'
		case c == '"':
			in = false
		case c == '\\' && i+1 < len(data) && data[i+1] == 'u':
			r, _ := surrogate(i)
			switch {
			case 0xd800 <= r && r < 0xdc00:
				low, ok := surrogate(i + 6)
				if !ok || low < 0xdc00 || low > 0xdfff {
					return fmt.Errorf("lone surrogate \\u%04x", r)
				}
				i += 11
			case 0xdc00 <= r && r <= 0xdfff:
				return fmt.Errorf("lone surrogate \\u%04x", r)
			default:
				i += 5
			}
		case c == '\\':
			i++
		}
	}
	return nil
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// checkValue reads one value from the token stream and checks rules 3–8
// against t; where names the value in errors.
func checkValue(dec *json.Decoder, t reflect.Type, where string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: %v", where, err)
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return checkAny(dec, tok, where) // json.RawMessage: rules 3 and 4 only
	}
	switch tok := tok.(type) {
	case nil:
		return fmt.Errorf("%s: null", where)
	case json.Number:
		s := string(tok)
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if strings.ContainsAny(s, ".eE") || s == "-0" {
				return fmt.Errorf("%s: %s is not an integer in decimal", where, s)
			}
		}
	case json.Delim:
		switch {
		case tok == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
			for k := 0; dec.More(); k++ {
				if err := checkValue(dec, t.Elem(), fmt.Sprintf("%s[%d]", where, k)); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			return err
		case tok == '{' && t.Kind() == reflect.Struct:
			return checkStruct(dec, t, where)
		case tok == '{' && t.Kind() == reflect.Map:
			return checkMap(dec, t, where)
		}
		return fmt.Errorf("%s: a JSON %c for a %s", where, tok, t)
	}
	return nil
}

// jsonField is one member of a struct's form.
type jsonField struct {
	t        reflect.Type
	optional bool
}

func structFields(t reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{f.Type, strings.Contains(opts, "omitempty")}
	}
	return out
}

// checkStruct checks the members of an object (after its '{') against the
// struct t: rules 4, 5 and 8.
func checkStruct(dec *json.Decoder, t reflect.Type, where string) error {
	fields := structFields(t)
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name := tok.(string)
		f, ok := fields[name]
		switch {
		case !ok:
			return fmt.Errorf("%s: unknown member %q", where, name)
		case seen[name]:
			return fmt.Errorf("%s: member %q twice", where, name)
		}
		seen[name] = true
		if f.optional && (f.t.Kind() == reflect.String || f.t.Kind() == reflect.Pointer && f.t.Elem().Kind() == reflect.String) {
			// Rule 8: an optional string is left out, never "".
			var s json.RawMessage
			if err := dec.Decode(&s); err != nil {
				return err
			}
			if string(s) == `""` {
				return fmt.Errorf("%s: optional member %q is empty", where, name)
			}
			if err := checkValue(json.NewDecoder(bytes.NewReader(s)), f.t, where+"."+name); err != nil {
				return err
			}
			continue
		}
		if err := checkValue(dec, f.t, where+"."+name); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	for name, f := range fields {
		if !f.optional && !seen[name] {
			return fmt.Errorf("%s: required member %q is missing", where, name)
		}
	}
	return nil
}

// checkMap checks the members of an object (after its '{') decoded into
// the map t: rule 4, and rule 7 for integer keys.
func checkMap(dec *json.Decoder, t reflect.Type, where string) error {
	integer := t.Key().Kind() != reflect.String
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name := tok.(string)
		if seen[name] {
			return fmt.Errorf("%s: member %q twice", where, name)
		}
		seen[name] = true
		if integer {
			if _, err := strconv.ParseUint(name, 10, 32); err != nil || name != strconv.FormatUint(mustUint(name), 10) {
				return fmt.Errorf("%s: key %q is not a u32 in canonical decimal", where, name)
			}
		}
		if err := checkValue(dec, t.Elem(), where+"["+strconv.Quote(name)+"]"); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

func mustUint(s string) uint64 { v, _ := strconv.ParseUint(s, 10, 64); return v }

// checkAny checks rules 3 and 4 in a value of any form, whose first token
// is tok.
func checkAny(dec *json.Decoder, tok json.Token, where string) error {
	switch tok := tok.(type) {
	case nil:
		return fmt.Errorf("%s: null", where)
	case json.Delim:
		seen := map[string]bool{}
		for k := 0; dec.More(); k++ {
			w := fmt.Sprintf("%s[%d]", where, k)
			if tok == '{' {
				nt, err := dec.Token()
				if err != nil {
					return err
				}
				name := nt.(string)
				if seen[name] {
					return fmt.Errorf("%s: member %q twice", where, name)
				}
				seen[name] = true
				w = where + "." + name
			}
			next, err := dec.Token()
			if err != nil {
				return err
			}
			if err := checkAny(dec, next, w); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	return nil
}

// TestDecodeStrict: the rules of "Reading JSON", each broken once.
func TestDecodeStrict(t *testing.T) {
	type inner struct {
		X uint32 `json:"x"`
		Y string `json:"y,omitempty"`
	}
	type outer struct {
		A int                          `json:"a"`
		B []inner                      `json:"b"`
		V map[string]map[uint32]uint64 `json:"v"`
		R json.RawMessage              `json:"r,omitempty"`
		P *inner                       `json:"p,omitempty"`
	}
	good := `{"a":-1,"b":[{"x":1,"y":"\ud83d\ude00"}],"v":{"board":{"0":1,"101":2}},"r":{"k":[1,{"m":2}]},"p":{"x":3}}`
	var o outer
	if err := decodeStrict([]byte(good), &o); err != nil || o.V["board"][101] != 2 || o.B[0].Y != "😀" {
		t.Fatalf("%+v, %v", o, err)
	}
	for name, bad := range map[string]string{
		"member twice":         `{"a":1,"a":2,"b":[],"v":{}}`,
		"member twice escaped": `{"a":1,"\u0061":2,"b":[],"v":{}}`,
		"nested twice":         `{"a":1,"b":[{"x":1,"x":1}],"v":{}}`,
		"raw twice":            `{"a":1,"b":[],"v":{},"r":[{"k":1,"k":2}]}`,
		"key twice":            `{"a":1,"b":[],"v":{"c":{"1":1,"1":2}}}`,
		"missing":              `{"b":[],"v":{}}`,
		"missing nested":       `{"a":1,"b":[{"y":"z"}],"v":{}}`,
		"other case":           `{"A":1,"b":[],"v":{}}`,
		"unknown":              `{"a":1,"b":[],"v":{},"z":1}`,
		"null":                 `{"a":1,"b":null,"v":{}}`,
		"null optional":        `{"a":1,"b":[],"v":{},"p":null}`,
		"null in raw":          `{"a":1,"b":[],"v":{},"r":[null]}`,
		"key 0101":             `{"a":1,"b":[],"v":{"c":{"0101":1}}}`,
		"key +1":               `{"a":1,"b":[],"v":{"c":{"+1":1}}}`,
		"key 1e2":              `{"a":1,"b":[],"v":{"c":{"1e2":1}}}`,
		"key too large":        `{"a":1,"b":[],"v":{"c":{"4294967296":1}}}`,
		"fraction":             `{"a":1.0,"b":[],"v":{}}`,
		"minus zero":           `{"a":-0,"b":[],"v":{}}`,
		"empty optional":       `{"a":1,"b":[{"x":1,"y":""}],"v":{}}`,
		"lone surrogate":       `{"a":1,"b":[{"x":1,"y":"\ud800"}],"v":{}}`,
		"bad UTF-8":            "{\"a\":1,\"b\":[{\"x\":1,\"y\":\"\xff\"}],\"v\":{}}",
		"trailing":             `{"a":1,"b":[],"v":{}} }`,
	} {
		if err := decodeStrict([]byte(bad), new(outer)); err == nil {
			t.Errorf("%s: accepted %s", name, bad)
		}
	}
}

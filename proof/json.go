package proof

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/sandogh/sandogh/group"
)

// jsonValue is a JSON string or an array of JSON strings.
type jsonValue struct {
	str    string
	list   []string
	isList bool
}

// readJSONObject reads one JSON object whose members are strings or arrays of
// strings, and checks that its keys are exactly want. It rejects duplicate,
// unknown and missing members, other value types and trailing data, so that
// an object has one meaning only. what names the object in errors.
func readJSONObject(data []byte, what string, want ...string) (map[string]jsonValue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	fail := func(format string, args ...any) error {
		return fmt.Errorf("proof: %s JSON: %s", what, fmt.Sprintf(format, args...))
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, fail("%v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fail("not an object")
	}
	out := make(map[string]jsonValue, len(want))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fail("%v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fail("member name is not a string")
		}
		known := false
		for _, w := range want {
			known = known || w == key
		}
		if !known {
			return nil, fail("unknown field %q", key)
		}
		if _, dup := out[key]; dup {
			return nil, fail("field %s appears twice", key)
		}
		v, err := readJSONValue(dec)
		if err != nil {
			return nil, fail("field %s: %v", key, err)
		}
		out[key] = v
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fail("%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail("trailing data after the object")
	}
	for _, w := range want {
		if _, ok := out[w]; !ok {
			return nil, fail("field %s is missing", w)
		}
	}
	return out, nil
}

func readJSONValue(dec *json.Decoder) (jsonValue, error) {
	tok, err := dec.Token()
	if err != nil {
		return jsonValue{}, err
	}
	switch t := tok.(type) {
	case string:
		return jsonValue{str: t}, nil
	case json.Delim:
		if t != '[' {
			return jsonValue{}, errors.New("value is not a string or an array of strings")
		}
		v := jsonValue{isList: true, list: []string{}}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return jsonValue{}, err
			}
			s, ok := tok.(string)
			if !ok {
				return jsonValue{}, errors.New("array item is not a string")
			}
			v.list = append(v.list, s)
		}
		if _, err := dec.Token(); err != nil { // the closing bracket
			return jsonValue{}, err
		}
		return v, nil
	default:
		return jsonValue{}, errors.New("value is not a string or an array of strings")
	}
}

// jsonString returns the string member key of an object read by
// readJSONObject.
func jsonString(obj map[string]jsonValue, what, key string) (string, error) {
	v := obj[key]
	if v.isList {
		return "", fmt.Errorf("proof: %s JSON: field %s is an array, want a string", what, key)
	}
	return v.str, nil
}

// jsonList returns the array member key of an object read by readJSONObject.
func jsonList(obj map[string]jsonValue, what, key string) ([]string, error) {
	v := obj[key]
	if !v.isList {
		return nil, fmt.Errorf("proof: %s JSON: field %s is a string, want an array", what, key)
	}
	return v.list, nil
}

// jsonField is one member of an object written by marshalJSONFields: a
// string, or an array of strings.
type jsonField struct {
	key   string
	value any // string or []string
}

func marshalJSONFields(fields []jsonField) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// jsonElement decodes the element member key into e.
func jsonElement(obj map[string]jsonValue, what, key string, e *group.Element) error {
	s, err := jsonString(obj, what, key)
	if err != nil {
		return err
	}
	if err := e.UnmarshalText([]byte(s)); err != nil {
		return fmt.Errorf("proof: %s JSON: field %s: %w", what, key, err)
	}
	return nil
}

// jsonScalar decodes the scalar member key into s.
func jsonScalar(obj map[string]jsonValue, what, key string, s *group.Scalar) error {
	str, err := jsonString(obj, what, key)
	if err != nil {
		return err
	}
	if err := s.UnmarshalText([]byte(str)); err != nil {
		return fmt.Errorf("proof: %s JSON: field %s: %w", what, key, err)
	}
	return nil
}

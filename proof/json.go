package proof

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/internal/wire"
)

// jsonValue is a JSON string or an array of JSON strings.
type jsonValue struct {
	str    string
	list   []string
	isList bool
}

// readJSONObject reads one JSON object whose members are strings or arrays of
// strings, and checks that its keys are exactly want. It rejects duplicate,
// unknown and missing members, other value types and trailing data, with
// the strict rules of every sandogh JSON form (wire.StrictJSONObject), so
// that an object has one meaning only. what names the object in errors.
func readJSONObject(data []byte, what string, want ...string) (map[string]jsonValue, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("proof: %s JSON: %s", what, fmt.Sprintf(format, args...))
	}
	raw, err := wire.StrictJSONObject(data, want...)
	if err != nil {
		return nil, fail("%v", err)
	}
	out := make(map[string]jsonValue, len(want))
	for _, key := range want {
		var v jsonValue
		var err error
		if r := raw[key]; len(r) > 0 && r[0] == '[' {
			v.isList = true
			err = wire.StrictJSON(r, &v.list)
		} else {
			err = wire.StrictJSON(r, &v.str)
		}
		if err != nil {
			return nil, fail("field %s: %v", key, err)
		}
		out[key] = v
	}
	return out, nil
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

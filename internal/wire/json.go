package wire

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sandogh/sandogh/internal/prose"
)

// StrictJSON is the one JSON decoder of every sandogh format: each package
// decodes its JSON forms with it (or with StrictJSONObject, its reader of
// objects with fixed member names), so that two readers of a record cannot
// give one file two meanings (docs/spec.md, "Conventions" of the election
// record). It is written here rather than taken from encoding/json, whose
// decoder keeps the last of two members with the same name, matches member
// names without regard to case, replaces invalid UTF-8 and lone surrogates,
// reads null as "leave unchanged", leaves missing members at their zero
// value and reads integer map keys such as "0101" or "+1".
//
// The rules, for data and for every value inside it at any depth:
//
//  1. data is one JSON value (RFC 8259) with optional whitespace around it
//     and nothing else.
//  2. Strings are UTF-8 and their escapes are RFC 8259's; a \u escape of a
//     UTF-16 surrogate must be one half of a pair. Control characters
//     (below U+0020) appear only escaped.
//  3. null is never a value: no member or element of any sandogh format is
//     null.
//  4. No object has two members with the same name, names compared after
//     unescaping ("sequence" and "sequ\u0065nce" are the same member).
//  5. An object decoded into a struct has only members named exactly
//     (case included) like the struct's fields, by their json tag or else
//     their Go name. A member is required unless its field's tag has the
//     option omitempty (or omitzero): every field without it must have its
//     member, in nested structs, slices and maps as at the top. A member
//     left out takes its field's zero value, and the type's own decoder
//     checks whatever rule it has for it (for example a member required in
//     one case and forbidden in another). An optional member of a string
//     type (or a pointer to one) is not the empty string: empty, it is left
//     out, so that it has one form.
//  6. An object decoded into a map takes any member names, unless the map
//     has integer keys: then each name is an integer in canonical decimal,
//     "0" or a nonzero digit followed by digits, without sign, leading
//     zero, fraction, exponent or space, within the key type's range.
//  7. A number decoded into an integer is written without fraction or
//     exponent, is within the type's range and is not -0; a negative
//     number goes only into a signed integer.
//  8. A value of a type with an UnmarshalJSON method is checked against
//     rules 1–4 and handed over as it is (that method decodes it, itself
//     with StrictJSON); a type with an UnmarshalText method takes a JSON
//     string, unescaped.
//
// The Go types it decodes into are bool, strings, integers, pointers,
// structs, slices, arrays (of exactly their length), maps with string or
// integer keys, and the types with UnmarshalJSON or UnmarshalText methods;
// any other type, an embedded struct field or the tag option "string" is a
// programmer error and panics. An empty JSON array or object gives an empty
// (not nil) slice or map.
//
// v must be a non-nil pointer; on success *v is replaced by the decoded
// value, and on error *v is unchanged. Errors carry no package name (the
// caller adds one and says which object it decodes) and name the member
// and where it is, e.g.
//
//	member "sequence" appears twice
//	contests[1]: missing member "selections"
//	vote["board"]: member "0101": not an integer in canonical decimal
//	contests[0].selections[2]: member "ciphertext": got a number, want a string
func StrictJSON(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic(fmt.Sprintf("wire: StrictJSON needs a non-nil pointer, not %T", v))
	}
	p := planOf(rv.Type().Elem())
	out := reflect.New(p.t).Elem()
	d := jsonDecoder{data: data}
	d.space()
	if err := d.value(out, p); err != nil {
		return err
	}
	d.space()
	if d.off != len(d.data) {
		return trailingData()
	}
	rv.Elem().Set(out)
	return nil
}

// StrictJSONObject decodes data, under the rules of StrictJSON, as one JSON
// object whose members are exactly names, each required, and returns the
// bytes of each member's value (slices of data) by name. It is for
// decoders that read an object member by member.
func StrictJSONObject(data []byte, names ...string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(names))
	d := jsonDecoder{data: data}
	d.space()
	err := d.members(func(name []byte) *jsonError {
		known := false
		for _, n := range names {
			known = known || n == string(name)
		}
		if !known {
			return membersErrorf("unknown member %s", quote(name))
		}
		if _, dup := out[string(name)]; dup {
			return membersErrorf("member %s appears twice", quote(name))
		}
		start := d.off
		if err := d.skip(); err != nil {
			return err.in(member(string(name)))
		}
		out[string(name)] = data[start:d.off]
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.space()
	if d.off != len(d.data) {
		return nil, trailingData()
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, membersErrorf("missing member %s", strconv.Quote(n))
		}
	}
	return out, nil
}

// trailingData is the error for data after the value.
func trailingData() *jsonError { return &jsonError{msg: "data after the end of the value"} }

// maxJSONDepth bounds the nesting of arrays and objects (no sandogh format
// nests more than a few levels), so that no input exhausts the stack.
const maxJSONDepth = 512

// A jsonError is a failure at a place in the value: path holds the
// members, elements and keys from the failing value up to the top
// (innermost first). inside says that msg is about the members of the
// innermost place (a member twice, missing or unknown), not about its
// value.
type jsonError struct {
	path   []pathElem
	msg    string
	inside bool
	cause  error // the error of an UnmarshalJSON or UnmarshalText method
}

type pathElem struct {
	kind  uint8  // elemMember, elemIndex or elemKey
	name  string // a struct member or a map key
	index int    // an array element
}

const (
	elemMember = iota
	elemIndex
	elemKey
)

func member(name string) pathElem { return pathElem{kind: elemMember, name: name} }
func index(i int) pathElem        { return pathElem{kind: elemIndex, index: i} }
func key(name string) pathElem    { return pathElem{kind: elemKey, name: name} }

func jsonErrorf(format string, args ...any) *jsonError {
	return &jsonError{msg: fmt.Sprintf(format, args...)}
}

// membersErrorf is a failure about the members of an object: one twice,
// missing or unknown.
func membersErrorf(format string, args ...any) *jsonError {
	return &jsonError{msg: fmt.Sprintf(format, args...), inside: true}
}

// in adds the place p to the path of the error.
func (e *jsonError) in(p pathElem) *jsonError {
	e.path = append(e.path, p)
	return e
}

func (e *jsonError) Unwrap() error { return e.cause }

// Error names the place as a path of members, [index] and ["key"], and a
// member whose value is wrong as member "name": for example
// contests[0].selections[2]: member "ciphertext": got a number, want a
// string.
func (e *jsonError) Error() string {
	outer, last := e.path, false
	if len(outer) > 0 && !e.inside && outer[0].kind == elemMember {
		outer, last = outer[1:], true
	}
	var b strings.Builder
	for i := len(outer) - 1; i >= 0; i-- {
		switch p := outer[i]; p.kind {
		case elemKey:
			b.WriteString("[" + strconv.Quote(p.name) + "]")
		case elemIndex:
			b.WriteString("[" + strconv.Itoa(p.index) + "]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p.name)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if last {
		b.WriteString("member " + strconv.Quote(e.path[0].name) + ": ")
	}
	b.WriteString(e.msg)
	return b.String()
}

// quote quotes a member name for an error message.
func quote(name []byte) string { return strconv.Quote(string(name)) }

// A plan says how to decode JSON into one Go type.
type plan struct {
	kind   planKind
	t      reflect.Type
	elem   *plan // pointer, slice, array, map value
	keyInt bool  // map: integer keys
	fields []fieldPlan
	length int // array
}

type planKind uint8

const (
	planUnmarshaler planKind = iota + 1
	planText
	planBool
	planString
	planInt
	planUint
	planPointer
	planStruct
	planSlice
	planArray
	planMap
)

type fieldPlan struct {
	name     string
	index    int
	required bool
	plan     *plan
}

var (
	plans           sync.Map // reflect.Type → *plan
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// planOf returns the plan of t, building and caching it on first use. A
// type that StrictJSON cannot decode panics here, whatever the input.
func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	building := map[reflect.Type]*plan{}
	p := buildPlan(t, building)
	for bt, bp := range building {
		plans.LoadOrStore(bt, bp)
	}
	return p
}

func buildPlan(t reflect.Type, building map[reflect.Type]*plan) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	if p, ok := building[t]; ok {
		return p // a recursive type: filled in by the caller up the stack
	}
	p := &plan{t: t}
	building[t] = p
	pt := reflect.PointerTo(t)
	switch {
	case t.Kind() != reflect.Pointer && pt.Implements(unmarshalerType):
		p.kind = planUnmarshaler
		return p
	case t.Kind() != reflect.Pointer && pt.Implements(textType):
		p.kind = planText
		return p
	}
	switch t.Kind() {
	case reflect.Bool:
		p.kind = planBool
	case reflect.String:
		p.kind = planString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.kind = planInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		p.kind = planUint
	case reflect.Pointer:
		p.kind = planPointer
		p.elem = buildPlan(t.Elem(), building)
	case reflect.Slice:
		p.kind = planSlice
		p.elem = buildPlan(t.Elem(), building)
	case reflect.Array:
		p.kind = planArray
		p.length = t.Len()
		p.elem = buildPlan(t.Elem(), building)
	case reflect.Map:
		p.kind = planMap
		switch t.Key().Kind() {
		case reflect.String:
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			p.keyInt = true
		default:
			panic("wire: StrictJSON cannot decode maps with keys of type " + t.Key().String())
		}
		if reflect.PointerTo(t.Key()).Implements(textType) {
			panic("wire: StrictJSON cannot decode maps with keys of type " + t.Key().String() + ", which has an UnmarshalText method")
		}
		p.elem = buildPlan(t.Elem(), building)
	case reflect.Struct:
		p.kind = planStruct
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				panic("wire: StrictJSON cannot decode the embedded field " + f.Name + " of " + t.String())
			}
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			required := true
			for _, o := range strings.Split(opts, ",") {
				switch o {
				case "omitempty", "omitzero":
					required = false
				case "string":
					panic("wire: StrictJSON cannot decode the tag option \"string\" of " + t.String() + "." + f.Name)
				}
			}
			for _, g := range p.fields {
				if g.name == name {
					panic("wire: two fields of " + t.String() + " have the JSON name " + name)
				}
			}
			p.fields = append(p.fields, fieldPlan{name: name, index: i, required: required, plan: buildPlan(f.Type, building)})
		}
	default:
		panic("wire: StrictJSON cannot decode into the type " + t.String())
	}
	return p
}

// jsonDecoder reads data from off on.
type jsonDecoder struct {
	data  []byte
	off   int
	depth int
}

func (d *jsonDecoder) syntax(format string, args ...any) *jsonError {
	return jsonErrorf("invalid JSON at offset %d: %s", d.off, fmt.Sprintf(format, args...))
}

// space skips whitespace.
func (d *jsonDecoder) space() {
	for d.off < len(d.data) {
		switch d.data[d.off] {
		case ' ', '\t', '\n', '\r':
			d.off++
		default:
			return
		}
	}
}

// kindAt names the kind of the JSON value that starts at off, for errors.
func (d *jsonDecoder) kindAt() string {
	if d.off >= len(d.data) {
		return "the end of the input"
	}
	switch c := d.data[d.off]; {
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || '0' <= c && c <= '9':
		return "a number"
	default:
		return fmt.Sprintf("the character %q", c)
	}
}

// mismatch is the error for a value of the wrong kind at off. It checks the
// value's syntax first, so that malformed input is reported as such.
func (d *jsonDecoder) mismatch(want string) *jsonError {
	start := d.off
	if d.literal("null") {
		d.off = start
		return jsonErrorf("got null, want %s", want)
	}
	got := d.kindAt()
	if err := d.skip(); err != nil {
		return err
	}
	d.off = start
	return jsonErrorf("got %s, want %s", got, want)
}

// value decodes the value at off into v, which is addressable and of the
// type of p. off is at the value's first byte.
func (d *jsonDecoder) value(v reflect.Value, p *plan) *jsonError {
	if d.off < len(d.data) && d.data[d.off] == 'n' {
		return d.mismatch(wantOf(p))
	}
	switch p.kind {
	case planUnmarshaler:
		start := d.off
		if err := d.skip(); err != nil {
			return err
		}
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(d.data[start:d.off]); err != nil {
			return &jsonError{msg: err.Error(), cause: err}
		}
		return nil
	case planText:
		s, err := d.str()
		if err != nil {
			return err
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(s); err != nil {
			return &jsonError{msg: err.Error(), cause: err}
		}
		return nil
	case planString:
		s, err := d.str()
		if err != nil {
			return err
		}
		v.SetString(string(s))
		return nil
	case planBool:
		switch {
		case d.literal("true"):
			v.SetBool(true)
		case d.literal("false"):
			v.SetBool(false)
		default:
			return d.mismatch("a boolean")
		}
		return nil
	case planInt, planUint:
		return d.integer(v, p)
	case planPointer:
		nv := reflect.New(p.elem.t)
		if err := d.value(nv.Elem(), p.elem); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	case planStruct:
		return d.object(v, p)
	case planMap:
		return d.mapValue(v, p)
	case planSlice, planArray:
		return d.array(v, p)
	}
	panic("wire: unreachable")
}

// wantOf names the JSON kind that plan p takes, for errors.
func wantOf(p *plan) string {
	switch p.kind {
	case planUnmarshaler:
		return "a value"
	case planText, planString:
		return "a string"
	case planBool:
		return "a boolean"
	case planInt:
		return "an integer"
	case planUint:
		return "a non-negative integer"
	case planPointer:
		return wantOf(p.elem)
	case planStruct, planMap:
		return "an object"
	default:
		return "an array"
	}
}

func (d *jsonDecoder) literal(l string) bool {
	if len(d.data)-d.off >= len(l) && string(d.data[d.off:d.off+len(l)]) == l {
		d.off += len(l)
		return true
	}
	return false
}

// enter and leave track the nesting depth.
func (d *jsonDecoder) enter() *jsonError {
	d.depth++
	if d.depth > maxJSONDepth {
		return d.syntax("nesting deeper than %d", maxJSONDepth)
	}
	return nil
}

func (d *jsonDecoder) leave() { d.depth-- }

// expectObject consumes the '{' that opens an object.
func (d *jsonDecoder) expectObject() *jsonError {
	if d.off >= len(d.data) || d.data[d.off] != '{' {
		return d.mismatch("an object")
	}
	d.off++
	return nil
}

// nextMember is called after a member's value: it consumes ',' (there is
// another member) or '}' (end).
func (d *jsonDecoder) nextMember() (end bool, err *jsonError) {
	d.space()
	if d.off < len(d.data) {
		switch d.data[d.off] {
		case ',':
			d.off++
			return false, nil
		case '}':
			d.off++
			return true, nil
		}
	}
	return false, d.syntax("want ',' or '}' after a member")
}

// members runs f on each member of the object at off, with off at the
// member's value; f must consume the value.
func (d *jsonDecoder) members(f func(name []byte) *jsonError) *jsonError {
	if err := d.expectObject(); err != nil {
		return err
	}
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	d.space()
	if d.off < len(d.data) && d.data[d.off] == '}' {
		d.off++
		return nil
	}
	for {
		d.space()
		if d.off >= len(d.data) || d.data[d.off] != '"' {
			return d.syntax("want a member name")
		}
		name, err := d.str()
		if err != nil {
			return err
		}
		d.space()
		if d.off >= len(d.data) || d.data[d.off] != ':' {
			return d.syntax("want ':' after the member name %s", quote(name))
		}
		d.off++
		d.space()
		if err := f(name); err != nil {
			return err
		}
		end, err := d.nextMember()
		if err != nil || end {
			return err
		}
	}
}

// elements runs f on each element of the array whose '[' is at off (the
// caller has checked it), with off at the element and n its index; f must
// consume the element.
func (d *jsonDecoder) elements(f func(n int) *jsonError) *jsonError {
	d.off++
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	d.space()
	if d.off < len(d.data) && d.data[d.off] == ']' {
		d.off++
		return nil
	}
	for n := 0; ; n++ {
		d.space()
		if err := f(n); err != nil {
			return err
		}
		d.space()
		if d.off < len(d.data) && d.data[d.off] == ',' {
			d.off++
			continue
		}
		if d.off < len(d.data) && d.data[d.off] == ']' {
			d.off++
			return nil
		}
		return d.syntax("want ',' or ']' after an element")
	}
}

// object decodes an object into the struct v.
func (d *jsonDecoder) object(v reflect.Value, p *plan) *jsonError {
	var seenSmall uint64
	var seenLarge []bool
	if len(p.fields) > 64 {
		seenLarge = make([]bool, len(p.fields))
	}
	err := d.members(func(name []byte) *jsonError {
		k := -1
		for i := range p.fields {
			if p.fields[i].name == string(name) {
				k = i
				break
			}
		}
		if k < 0 {
			return membersErrorf("unknown member %s", quote(name))
		}
		if seenLarge != nil {
			if seenLarge[k] {
				return membersErrorf("member %s appears twice", quote(name))
			}
			seenLarge[k] = true
		} else {
			if seenSmall&(1<<k) != 0 {
				return membersErrorf("member %s appears twice", quote(name))
			}
			seenSmall |= 1 << k
		}
		f := &p.fields[k]
		fv := v.Field(f.index)
		if err := d.value(fv, f.plan); err != nil {
			return err.in(member(f.name))
		}
		if !f.required && emptyString(fv) {
			return jsonErrorf("the empty string (an optional string member is left out rather than empty)").in(member(f.name))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k := range p.fields {
		seen := seenLarge != nil && seenLarge[k] || seenLarge == nil && seenSmall&(1<<k) != 0
		if p.fields[k].required && !seen {
			return membersErrorf("missing member %s", strconv.Quote(p.fields[k].name))
		}
	}
	return nil
}

// emptyString reports whether v is an empty string or a pointer to one.
func emptyString(v reflect.Value) bool {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	return v.Kind() == reflect.String && v.Len() == 0
}

// mapValue decodes an object into the map v.
func (d *jsonDecoder) mapValue(v reflect.Value, p *plan) *jsonError {
	m := reflect.MakeMap(p.t)
	kt := p.t.Key()
	err := d.members(func(name []byte) *jsonError {
		k := reflect.New(kt).Elem()
		if p.keyInt {
			if err := setIntegerKey(k, name); err != nil {
				return err.in(member(string(name)))
			}
		} else {
			k.SetString(string(name))
		}
		if m.MapIndex(k).IsValid() {
			return membersErrorf("member %s appears twice", quote(name))
		}
		e := reflect.New(p.elem.t).Elem()
		if err := d.value(e, p.elem); err != nil {
			return err.in(key(string(name)))
		}
		m.SetMapIndex(k, e)
		return nil
	})
	if err != nil {
		return err
	}
	v.Set(m)
	return nil
}

// setIntegerKey sets k, of an integer type, to the value of the member name
// name, which must be in canonical decimal.
func setIntegerKey(k reflect.Value, name []byte) *jsonError {
	if !canonicalDecimal(name) {
		return jsonErrorf("not an integer in canonical decimal (digits without sign or leading zero)")
	}
	u, err := strconv.ParseUint(string(name), 10, 64)
	if err == nil {
		switch k.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if u <= 1<<63-1 && !k.OverflowInt(int64(u)) {
				k.SetInt(int64(u))
				return nil
			}
		default:
			if !k.OverflowUint(u) {
				k.SetUint(u)
				return nil
			}
		}
	}
	return jsonErrorf("out of the range of a key of type %s", k.Type())
}

// canonicalDecimal reports whether s is "0" or a nonzero digit followed by
// digits.
func canonicalDecimal(s []byte) bool {
	if len(s) == 0 || s[0] == '0' && len(s) > 1 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// array decodes an array into the slice or array v.
func (d *jsonDecoder) array(v reflect.Value, p *plan) *jsonError {
	if d.off >= len(d.data) || d.data[d.off] != '[' {
		return d.mismatch("an array")
	}
	if p.kind == planSlice {
		v.Set(reflect.MakeSlice(p.t, 0, 0))
	}
	n := 0
	err := d.elements(func(i int) *jsonError {
		if p.kind == planSlice {
			if i == v.Cap() {
				v.Grow(1)
			}
			v.SetLen(i + 1)
		} else if i == p.length {
			return jsonErrorf("more than %s", prose.Count(p.length, "element"))
		}
		if err := d.value(v.Index(i), p.elem); err != nil {
			return err.in(index(i))
		}
		n = i + 1
		return nil
	})
	if err != nil {
		return err
	}
	if p.kind == planArray && n != p.length {
		return jsonErrorf("%s, want %d", prose.Count(n, "element"), p.length)
	}
	return nil
}

// integer decodes a number into the integer v.
func (d *jsonDecoder) integer(v reflect.Value, p *plan) *jsonError {
	start := d.off
	if err := d.number(); err != nil {
		if d.off == start {
			return d.mismatch(wantOf(p))
		}
		return err
	}
	text := d.data[start:d.off]
	neg := text[0] == '-'
	digits := text
	if neg {
		digits = text[1:]
	}
	if !canonicalDecimal(digits) {
		return jsonErrorf("number %s is not an integer (a fraction or an exponent)", text)
	}
	u, err := strconv.ParseUint(string(digits), 10, 64)
	if err != nil {
		return jsonErrorf("number %s is out of the range of %s", text, p.t)
	}
	switch {
	case neg && (p.kind == planUint || u == 0):
		if u == 0 {
			return jsonErrorf("number %s: -0 is not the integer 0's form", text)
		}
		return jsonErrorf("number %s is negative, want a non-negative integer", text)
	case p.kind == planUint:
		if v.OverflowUint(u) {
			return jsonErrorf("number %s is out of the range of %s", text, p.t)
		}
		v.SetUint(u)
	default:
		var x int64
		switch {
		case !neg && u <= 1<<63-1:
			x = int64(u)
		case neg && u <= 1<<63:
			x = -int64(u-1) - 1
		default:
			return jsonErrorf("number %s is out of the range of %s", text, p.t)
		}
		if v.OverflowInt(x) {
			return jsonErrorf("number %s is out of the range of %s", text, p.t)
		}
		v.SetInt(x)
	}
	return nil
}

// number consumes a JSON number (RFC 8259: -? int frac? exp?). On failure
// off is where the syntax breaks (still at the start if no number starts
// there).
func (d *jsonDecoder) number() *jsonError {
	start := d.off
	if d.off < len(d.data) && d.data[d.off] == '-' {
		d.off++
	}
	digits := func() int {
		n := 0
		for d.off < len(d.data) && '0' <= d.data[d.off] && d.data[d.off] <= '9' {
			d.off++
			n++
		}
		return n
	}
	intStart := d.off
	switch n := digits(); {
	case n == 0:
		if d.off == start {
			return d.syntax("want a value")
		}
		return d.syntax("want a digit")
	case n > 1 && d.data[intStart] == '0':
		d.off = intStart
		return d.syntax("number with a leading zero")
	}
	if d.off < len(d.data) && d.data[d.off] == '.' {
		d.off++
		if digits() == 0 {
			return d.syntax("want a digit after '.'")
		}
	}
	if d.off < len(d.data) && (d.data[d.off] == 'e' || d.data[d.off] == 'E') {
		d.off++
		if d.off < len(d.data) && (d.data[d.off] == '+' || d.data[d.off] == '-') {
			d.off++
		}
		if digits() == 0 {
			return d.syntax("want a digit in the exponent")
		}
	}
	return nil
}

// str consumes a JSON string and returns its value, unescaped: a slice of
// data when the string has no escapes, else a fresh slice.
func (d *jsonDecoder) str() ([]byte, *jsonError) {
	if d.off >= len(d.data) || d.data[d.off] != '"' {
		return nil, d.mismatch("a string")
	}
	d.off++
	start := d.off
	ascii := true
	for d.off < len(d.data) {
		c := d.data[d.off]
		switch {
		case c == '"':
			s := d.data[start:d.off]
			if !ascii && !utf8.Valid(s) {
				return nil, d.badUTF8(start)
			}
			d.off++
			return s, nil
		case c == '\\':
			return d.unescape(start)
		case c < 0x20:
			return nil, d.syntax("control character %#02x in a string", c)
		case c >= 0x80:
			ascii = false
		}
		d.off++
	}
	return nil, d.syntax("unterminated string")
}

// badUTF8 reports the first invalid UTF-8 sequence of the string that
// starts at start.
func (d *jsonDecoder) badUTF8(start int) *jsonError {
	d.off = start
	for d.off < len(d.data) {
		r, n := utf8.DecodeRune(d.data[d.off:])
		if r == utf8.RuneError && n <= 1 {
			return d.syntax("invalid UTF-8 in a string")
		}
		d.off += n
	}
	return d.syntax("invalid UTF-8 in a string")
}

// unescape finishes reading a string that has escapes, from off at the
// first backslash; start is where the string's contents start.
func (d *jsonDecoder) unescape(start int) ([]byte, *jsonError) {
	out := make([]byte, 0, d.off-start+16)
	out = append(out, d.data[start:d.off]...)
	if !utf8.Valid(out) {
		return nil, d.badUTF8(start)
	}
	for d.off < len(d.data) {
		c := d.data[d.off]
		switch {
		case c == '"':
			d.off++
			return out, nil
		case c < 0x20:
			return nil, d.syntax("control character %#02x in a string", c)
		case c == '\\':
			if d.off+1 >= len(d.data) {
				return nil, d.syntax("unterminated string")
			}
			e := d.data[d.off+1]
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := d.hex4(d.off + 2)
				if !ok {
					return nil, d.syntax("malformed \\u escape")
				}
				switch {
				case utf16.IsSurrogate(r) && r < 0xdc00:
					r2, ok := d.hex4(d.off + 8)
					if !ok || d.data[d.off+6] != '\\' || d.data[d.off+7] != 'u' || r2 < 0xdc00 || r2 > 0xdfff {
						return nil, d.syntax("\\u escape of a lone surrogate")
					}
					r = utf16.DecodeRune(r, r2)
					d.off += 6
				case utf16.IsSurrogate(r):
					return nil, d.syntax("\\u escape of a lone surrogate")
				}
				out = utf8.AppendRune(out, r)
				d.off += 4
			default:
				return nil, d.syntax("unknown escape \\%c", e)
			}
			d.off += 2
		default:
			// A run of plain bytes, valid UTF-8.
			runStart := d.off
			for d.off < len(d.data) && d.data[d.off] != '"' && d.data[d.off] != '\\' && d.data[d.off] >= 0x20 {
				d.off++
			}
			if !utf8.Valid(d.data[runStart:d.off]) {
				return nil, d.badUTF8(runStart)
			}
			out = append(out, d.data[runStart:d.off]...)
		}
	}
	return nil, d.syntax("unterminated string")
}

// hex4 reads four hexadecimal digits (either case) at i.
func (d *jsonDecoder) hex4(i int) (rune, bool) {
	if i+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[i : i+4] {
		var v byte
		switch {
		case '0' <= c && c <= '9':
			v = c - '0'
		case 'a' <= c && c <= 'f':
			v = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

// skip consumes one value of any kind, checking rules 1–4 of StrictJSON in
// it: syntax, UTF-8 and escapes, no null, no two members of one object with
// the same name.
func (d *jsonDecoder) skip() *jsonError {
	if d.off >= len(d.data) {
		return d.syntax("want a value")
	}
	switch c := d.data[d.off]; {
	case c == '{':
		var names nameSet
		return d.members(func(name []byte) *jsonError {
			if names.add(name) {
				return membersErrorf("member %s appears twice", quote(name))
			}
			if err := d.skip(); err != nil {
				return err.in(member(string(name)))
			}
			return nil
		})
	case c == '[':
		return d.elements(func(n int) *jsonError {
			if err := d.skip(); err != nil {
				return err.in(index(n))
			}
			return nil
		})
	case c == '"':
		_, err := d.str()
		return err
	case c == 't':
		if d.literal("true") {
			return nil
		}
	case c == 'f':
		if d.literal("false") {
			return nil
		}
	case c == 'n':
		if d.literal("null") {
			d.off -= 4
			return jsonErrorf("null is not a value in this format")
		}
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	}
	return d.syntax("want a value")
}

// nameSet holds the member names of one object, to find a name twice.
type nameSet struct {
	small []string
	large map[string]struct{}
}

// add adds name and reports whether it was there already.
func (s *nameSet) add(name []byte) bool {
	if s.large != nil {
		if _, ok := s.large[string(name)]; ok {
			return true
		}
		s.large[string(name)] = struct{}{}
		return false
	}
	for _, n := range s.small {
		if n == string(name) {
			return true
		}
	}
	if len(s.small) < 16 {
		s.small = append(s.small, string(name))
		return false
	}
	s.large = make(map[string]struct{}, 2*len(s.small))
	for _, n := range s.small {
		s.large[n] = struct{}{}
	}
	s.large[string(name)] = struct{}{}
	return false
}

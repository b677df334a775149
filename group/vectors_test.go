package group

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/edwards25519/field"
)

// This file checks the package against the test vectors of RFC 9496,
// Appendix A, and RFC 9380, Appendix K.3, stored in testdata/ (see
// testdata/README.md for their provenance).

// hexBytes is a byte string that is hexadecimal in JSON.
type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d, err := hex.DecodeString(s)
	*h = d
	return err
}

func (h hexBytes) MarshalJSON() ([]byte, error) {
	return json.Marshal(hex.EncodeToString(h))
}

// readJSON decodes testdata/name into v, strictly.
func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

type multipleVector struct {
	Multiple uint64   `json:"multiple"`
	Encoding hexBytes `json:"encoding"`
}

func rfcMultiples(t testing.TB) []multipleVector {
	var vs []multipleVector
	readJSON(t, "rfc9496_a1_multiples.json", &vs)
	if len(vs) != 16 {
		t.Fatalf("rfc9496_a1_multiples.json: %d vectors, want 16", len(vs))
	}
	return vs
}

type invalidVector struct {
	Category string   `json:"category"`
	Encoding hexBytes `json:"encoding"`
}

func rfcInvalid(t testing.TB) []invalidVector {
	var vs []invalidVector
	readJSON(t, "rfc9496_a2_invalid.json", &vs)
	if len(vs) != 29 {
		t.Fatalf("rfc9496_a2_invalid.json: %d vectors, want 29", len(vs))
	}
	return vs
}

func rfcInvalidEncodings(t testing.TB) [][]byte {
	var out [][]byte
	for _, v := range rfcInvalid(t) {
		out = append(out, v.Encoding)
	}
	return out
}

type uniformVector struct {
	Label  string   `json:"label"`
	Input  hexBytes `json:"input"`
	Output hexBytes `json:"output"`
}

func rfcUniform(t testing.TB) []uniformVector {
	var vs []uniformVector
	readJSON(t, "rfc9496_a3_uniform.json", &vs)
	if len(vs) != 11 {
		t.Fatalf("rfc9496_a3_uniform.json: %d vectors, want 11", len(vs))
	}
	return vs
}

// TestRFC9496Multiples checks Appendix A.1: the encodings of 0·G to 15·G,
// computed by repeated addition, by both scalar multiplications, by
// doubling, and decoded back.
func TestRFC9496Multiples(t *testing.T) {
	vs := rfcMultiples(t)
	G := NewGeneratorElement()
	acc := NewElement()
	for i, v := range vs {
		if v.Multiple != uint64(i) {
			t.Fatalf("vector %d is for multiple %d", i, v.Multiple)
		}
		k := NewScalar().SetUint64(v.Multiple)
		for name, e := range map[string]*Element{
			"repeated addition":           acc,
			"ScalarBaseMult":              NewElement().ScalarBaseMult(k),
			"ScalarMult":                  NewElement().ScalarMult(k, G),
			"VarTimeDoubleScalarBaseMult": NewElement().VarTimeDoubleScalarBaseMult(NewScalar(), G, k),
		} {
			if got := e.Bytes(); !bytes.Equal(got, v.Encoding) {
				t.Errorf("%d·G by %s encodes to %x, want %x", i, name, got, v.Encoding)
			}
		}
		if i < 8 {
			twice := NewElement().Double(acc)
			if got := twice.Bytes(); !bytes.Equal(got, vs[2*i].Encoding) {
				t.Errorf("Double(%d·G) encodes to %x, want %x", i, got, vs[2*i].Encoding)
			}
		}
		dec, err := NewElement().SetCanonicalBytes(v.Encoding)
		if err != nil {
			t.Fatalf("%d·G: %v", i, err)
		}
		if dec.Equal(acc) != 1 || !bytes.Equal(dec.Bytes(), v.Encoding) {
			t.Errorf("%d·G does not decode to itself", i)
		}
		if got, want := dec.IsIdentity(), b2i(i == 0); got != want {
			t.Errorf("%d·G: IsIdentity = %d, want %d", i, got, want)
		}
		var x [ElementSize]byte
		copy(x[:], v.Encoding)
		if ok := NewElement().TrySetCanonicalBytes(&x); ok != 1 {
			t.Errorf("%d·G: TrySetCanonicalBytes rejected it", i)
		}
		txt, _ := dec.MarshalText()
		if string(txt) != hex.EncodeToString(v.Encoding) {
			t.Errorf("%d·G: MarshalText = %s", i, txt)
		}
		acc.Add(acc, G)
	}
	if got := NewGeneratorElement().Bytes(); !bytes.Equal(got, vs[1].Encoding) {
		t.Errorf("NewGeneratorElement encodes to %x", got)
	}
	if got := NewElement().Base().Bytes(); !bytes.Equal(got, vs[1].Encoding) {
		t.Errorf("Base encodes to %x", got)
	}
	if got := NewGeneratorElement().Zero().Bytes(); !bytes.Equal(got, vs[0].Encoding) {
		t.Errorf("Zero encodes to %x", got)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRFC9496Invalid checks Appendix A.2: every invalid encoding is
// rejected by every decoder, with the reason that matches its category,
// and the receiver is left unchanged.
func TestRFC9496Invalid(t *testing.T) {
	reasons := map[string][]string{
		"Non-canonical field encodings": {"the top bit is set", "s is not a canonical field element (s ≥ p)"},
		"Negative field elements":       {"s is negative"},
		"Non-square x^2":                {"not a point of the group (v·u2² is not a square)"},
		"Negative xy value":             {"t is negative"},
		"s = -1, which causes y = 0":    {"y is zero"},
	}
	seen := map[string]int{}
	for _, v := range rfcInvalid(t) {
		want, ok := reasons[v.Category]
		if !ok {
			t.Fatalf("unknown category %q", v.Category)
		}
		seen[v.Category]++
		e := NewGeneratorElement()
		out, err := e.SetCanonicalBytes(v.Encoding)
		if err == nil || out != nil {
			t.Errorf("%x (%s): accepted", []byte(v.Encoding), v.Category)
			continue
		}
		if !matchesReason(err.Error(), want) {
			t.Errorf("%x (%s): error %q does not give the reason %q", []byte(v.Encoding), v.Category, err, want)
		}
		if e.Equal(NewGeneratorElement()) != 1 {
			t.Errorf("%x: receiver changed on error", []byte(v.Encoding))
		}
		if err := e.UnmarshalText([]byte(hex.EncodeToString(v.Encoding))); err == nil {
			t.Errorf("%x: UnmarshalText accepted it", []byte(v.Encoding))
		}
		var x [ElementSize]byte
		copy(x[:], v.Encoding)
		if NewElement().TrySetCanonicalBytes(&x) != 0 {
			t.Errorf("%x: TrySetCanonicalBytes accepted it", x)
		}
	}
	for c := range reasons {
		if seen[c] == 0 {
			t.Errorf("no vector for category %q", c)
		}
	}
}

func matchesReason(msg string, reasons []string) bool {
	for _, r := range reasons {
		if msg == "group: invalid element encoding: "+r {
			return true
		}
	}
	return false
}

// TestRFC9496Uniform checks Appendix A.3: the element derivation function
// (SetUniformBytes) on the RFC's 64-byte inputs, which are the SHA-512
// digests of the labels, and on four inputs that exercise the masking of
// the top bit and the reduction modulo p.
func TestRFC9496Uniform(t *testing.T) {
	for i, v := range rfcUniform(t) {
		if v.Label != "" {
			if d := sha512.Sum512([]byte(v.Label)); !bytes.Equal(d[:], v.Input) {
				t.Errorf("vector %d: input is not SHA-512(%q)", i, v.Label)
			}
		}
		e := NewGeneratorElement()
		if _, err := e.SetUniformBytes(v.Input); err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		if got := e.Bytes(); !bytes.Equal(got, v.Output) {
			t.Errorf("vector %d: SetUniformBytes(%x) = %x, want %x", i, []byte(v.Input), got, v.Output)
		}
	}
}

type sqrtRatioVector struct {
	U         hexBytes `json:"u"`
	V         hexBytes `json:"v"`
	WasSquare bool     `json:"was_square"`
	R         hexBytes `json:"r"`
}

// TestRFC9496SqrtRatio checks Appendix A.4 against the SQRT_RATIO_M1 of
// filippo.io/edwards25519/field, on which decoding and the map rest.
func TestRFC9496SqrtRatio(t *testing.T) {
	var vs []sqrtRatioVector
	readJSON(t, "rfc9496_a4_sqrt_ratio.json", &vs)
	if len(vs) != 6 {
		t.Fatalf("%d vectors, want 6", len(vs))
	}
	for i, v := range vs {
		u, err := new(field.Element).SetBytes(v.U)
		if err != nil {
			t.Fatal(err)
		}
		w, err := new(field.Element).SetBytes(v.V)
		if err != nil {
			t.Fatal(err)
		}
		r, wasSquare := new(field.Element).SqrtRatio(u, w)
		if wasSquare != b2i(v.WasSquare) || !bytes.Equal(r.Bytes(), v.R) {
			t.Errorf("vector %d: SQRT_RATIO_M1 = (%d, %x), want (%v, %x)", i, wasSquare, r.Bytes(), v.WasSquare, []byte(v.R))
		}
	}
}

// TestRFC9496Constants checks the field constants of ristretto.go against
// the decimal values of RFC 9496, Section 4.1, and against their defining
// equations, computed with math/big.
func TestRFC9496Constants(t *testing.T) {
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	dec := func(s string) *big.Int {
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			t.Fatalf("bad decimal %s", s)
		}
		return n
	}
	toBig := func(fe *field.Element) *big.Int {
		b := fe.Bytes()
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		return new(big.Int).SetBytes(b)
	}
	mod := func(x *big.Int) *big.Int { return x.Mod(x, p) }
	D := dec("37095705934669439343138083508754565189542113879843219016388785533085940283555")
	for _, c := range []struct {
		name string
		fe   *field.Element
		rfc  string
		eq   *big.Int // the defining equation's value, or nil
	}{
		{"D", feD, "37095705934669439343138083508754565189542113879843219016388785533085940283555",
			// d = -121665/121666
			mod(new(big.Int).Mul(big.NewInt(-121665), new(big.Int).ModInverse(big.NewInt(121666), p)))},
		{"SQRT_M1", sqrtM1, "19681161376707505956807079304988542015446066515923890162744021073123829784752", nil},
		{"SQRT_AD_MINUS_ONE", sqrtADMinusOne, "25063068953384623474111414158702152701244531502492656460079210482610430750235", nil},
		{"INVSQRT_A_MINUS_D", invSqrtAMinusD, "54469307008909316920995813868745141605393597292927456921205312896311721017578", nil},
		{"ONE_MINUS_D_SQ", oneMinusDSq, "1159843021668779879193775521855586647937357759715417654439879720876111806838",
			mod(new(big.Int).Sub(big.NewInt(1), new(big.Int).Mul(D, D)))},
		{"D_MINUS_ONE_SQ", dMinusOneSq, "40440834346308536858101042469323190826248399146238708352240133220865137265952",
			mod(new(big.Int).Exp(new(big.Int).Sub(D, big.NewInt(1)), big.NewInt(2), p))},
	} {
		got := toBig(c.fe)
		if got.Cmp(dec(c.rfc)) != 0 {
			t.Errorf("%s = %v, RFC 9496 says %s", c.name, got, c.rfc)
		}
		if c.eq != nil && got.Cmp(c.eq) != 0 {
			t.Errorf("%s = %v, its definition gives %v", c.name, got, c.eq)
		}
	}
	// The square roots: SQRT_M1² = -1, SQRT_AD_MINUS_ONE² = a·d - 1 with
	// a = -1, INVSQRT_A_MINUS_D² · (a - d) = 1. (Which of the two roots
	// is meant is fixed by the decimal values above.)
	sq := func(x *big.Int) *big.Int { return new(big.Int).Exp(x, big.NewInt(2), p) }
	minusOne := mod(big.NewInt(-1))
	if sq(toBig(sqrtM1)).Cmp(minusOne) != 0 {
		t.Error("SQRT_M1² ≠ -1")
	}
	if sq(toBig(sqrtADMinusOne)).Cmp(mod(new(big.Int).Sub(new(big.Int).Neg(D), big.NewInt(1)))) != 0 {
		t.Error("SQRT_AD_MINUS_ONE² ≠ -d - 1")
	}
	if mod(new(big.Int).Mul(sq(toBig(invSqrtAMinusD)), mod(new(big.Int).Sub(minusOne, D)))).Cmp(big.NewInt(1)) != 0 {
		t.Error("INVSQRT_A_MINUS_D² · (-1 - d) ≠ 1")
	}

}

type xmdVectors struct {
	DST   string `json:"DST"`
	Hash  string `json:"hash"`
	Tests []struct {
		Msg          string   `json:"msg"`
		LenInBytes   int      `json:"len_in_bytes"`
		UniformBytes hexBytes `json:"uniform_bytes"`
	} `json:"tests"`
}

// TestRFC9380ExpandMessageXMD checks ExpandMessageXMD against RFC 9380,
// Appendix K.3 (expand_message_xmd with SHA-512), and against the
// independent implementation in this test file.
func TestRFC9380ExpandMessageXMD(t *testing.T) {
	var vs xmdVectors
	readJSON(t, "rfc9380_k3_expand_message_xmd_sha512.json", &vs)
	if vs.Hash != "SHA-512" || len(vs.Tests) != 10 {
		t.Fatalf("unexpected vector file: hash %s, %d tests", vs.Hash, len(vs.Tests))
	}
	for i, v := range vs.Tests {
		got := ExpandMessageXMD([]byte(v.Msg), []byte(vs.DST), v.LenInBytes)
		if !bytes.Equal(got, v.UniformBytes) {
			t.Errorf("vector %d (msg %.20q, %d bytes): got %x, want %x", i, v.Msg, v.LenInBytes, got, []byte(v.UniformBytes))
		}
		if ref := referenceExpandXMD([]byte(v.Msg), []byte(vs.DST), v.LenInBytes); !bytes.Equal(ref, v.UniformBytes) {
			t.Errorf("vector %d: the reference implementation disagrees with the RFC", i)
		}
	}
}

// referenceExpandXMD is a direct transcription of RFC 9380, Section 5.3.1,
// with SHA-512 (b_in_bytes = 64, s_in_bytes = 128), written independently of
// github.com/cloudflare/circl/expander to cross-check it.
func referenceExpandXMD(msg, dst []byte, n int) []byte {
	const b, s = 64, 128
	orderL := (n + b - 1) / b
	if orderL > 255 || n > 65535 || len(dst) > 255 {
		panic("referenceExpandXMD: bad parameters")
	}
	dstPrime := append(append([]byte{}, dst...), byte(len(dst)))
	h := sha512.New()
	h.Write(make([]byte, s)) // Z_pad
	h.Write(msg)
	h.Write([]byte{byte(n >> 8), byte(n), 0}) // l_i_b_str ‖ I2OSP(0, 1)
	h.Write(dstPrime)
	b0 := h.Sum(nil)
	h.Reset()
	h.Write(b0)
	h.Write([]byte{1})
	h.Write(dstPrime)
	bi := h.Sum(nil)
	out := append([]byte{}, bi...)
	for i := 2; i <= orderL; i++ {
		x := make([]byte, b)
		for j := range x {
			x[j] = b0[j] ^ bi[j]
		}
		h.Reset()
		h.Write(x)
		h.Write([]byte{byte(i)})
		h.Write(dstPrime)
		bi = h.Sum(nil)
		out = append(out, bi...)
	}
	return out[:n]
}

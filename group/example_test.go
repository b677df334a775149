package group_test

import (
	"encoding/hex"
	"fmt"

	"github.com/sandogh/sandogh/group"
)

// The encoding of 2·G, the third entry of RFC 9496, Appendix A.1.
func Example() {
	two := group.NewScalar().SetUint64(2)
	P := group.NewElement().ScalarBaseMult(two)
	fmt.Printf("%x\n", P.Bytes())

	Q := group.NewGeneratorElement()
	Q.Add(Q, Q) // receivers may alias arguments
	fmt.Println(P.Equal(Q))
	// Output:
	// 6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919
	// 1
}

// Decoding reports which check of RFC 9496, Section 4.3.1, failed; the
// caller adds where the bytes came from.
func ExampleElement_SetCanonicalBytes() {
	for _, h := range []string{
		"e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76", // G
		"0100000000000000000000000000000000000000000000000000000000000000", // s = 1 is odd
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // s = -1
	} {
		b, _ := hex.DecodeString(h)
		if _, err := group.NewElement().SetCanonicalBytes(b); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println("ok")
	}
	// Output:
	// ok
	// group: invalid element encoding: s is negative
	// group: invalid element encoding: y is zero
}

// TrySetCanonicalBytes is the decoder for secret strings: it never branches
// on them and leaves the identity when they are not an encoding.
func ExampleElement_TrySetCanonicalBytes() {
	var x [group.ElementSize]byte
	x[0] = 1 // s = 1 is odd, so not a valid encoding
	e := group.NewGeneratorElement()
	ok := e.TrySetCanonicalBytes(&x)
	fmt.Println(ok, e.IsIdentity())
	// Output:
	// 0 1
}

func ExampleHashToElement() {
	dst := []byte("QUUX-V01-CS02-with-ristretto255_XMD:SHA-512_R255MAP_RO_")
	e := group.HashToElement([]byte("abc"), dst)
	s := group.HashToScalar([]byte("abc"), dst)
	fmt.Printf("%x\n%x\n", e.Bytes(), s.Bytes())
	// Output:
	// 627b997b104ee62543358e22576c75a98dff9dc5f348d5ab228689735d77b258
	// 8f8b308d38917d2022a9ec4d3faf1dccc8fe71fd48b6efd03660ce1d490b230b
}

func ExampleGenerator() {
	H := group.Generator("pedersen-h", []byte("sandogh-test-election-2025"), 0)
	text, _ := H.MarshalText()
	fmt.Println(string(text))
	// Output:
	// 30889332f6321efbfe08f13d6ce23e96ab75be7e1adac86be5ae4fa561253503
}

func ExampleScalar_SetInt64() {
	minusOne := group.NewScalar().SetInt64(-1) // ℓ - 1
	text, _ := minusOne.MarshalText()
	fmt.Println(string(text))
	// Output:
	// ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010
}

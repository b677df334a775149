package proof

import (
	"bytes"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
)

func TestPublicKeyBytesCache(t *testing.T) {
	_, pk1 := elgamal.GenerateKey()
	_, pk2 := elgamal.GenerateKey()
	for range 2 {
		for _, pk := range []*elgamal.PublicKey{pk1, pk1, pk2, pk1} {
			K, enc := publicKeyBytes(pk)
			if !bytes.Equal(enc, pk.Bytes()) || K.Equal(pk.Element()) != 1 {
				t.Fatal("cached encoding of another key")
			}
		}
	}
	// A key changed in place is encoded afresh.
	pk := new(elgamal.PublicKey)
	if err := pk.UnmarshalText([]byte(hexOf(pk1.Bytes()))); err != nil {
		t.Fatal(err)
	}
	publicKeyBytes(pk)
	if err := pk.UnmarshalText([]byte(hexOf(pk2.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if _, enc := publicKeyBytes(pk); !bytes.Equal(enc, pk2.Bytes()) {
		t.Fatal("stale encoding after the key changed")
	}
}

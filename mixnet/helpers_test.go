package mixnet

import (
	"crypto/sha512"
	"encoding/binary"
	"hash"
	"testing"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/proof"
)

// testScalar returns a scalar derived from a label and an index, for
// reproducible test inputs.
func testScalar(label string, i uint64) *group.Scalar {
	var in []byte
	in = append(in, label...)
	in = binary.BigEndian.AppendUint64(in, i)
	d := sha512.Sum512(in)
	s, err := group.NewScalar().SetUniformBytes(d[:])
	if err != nil {
		panic(err)
	}
	return s
}

// testKey returns a fixed key pair.
func testKey(t testing.TB) (*elgamal.SecretKey, *elgamal.PublicKey) {
	sk, err := elgamal.NewSecretKey(testScalar("mixnet test key", 0))
	if err != nil {
		t.Fatal(err)
	}
	return sk, sk.PublicKey()
}

func testParams(t testing.TB) (*Params, *elgamal.SecretKey) {
	sk, pk := testKey(t)
	bh := sha512.Sum512_256([]byte("mixnet test election"))
	return &Params{BaseHash: bh[:], Cascade: CascadeID(0, "council"), PublicKey: pk}, sk
}

// testRows returns n rows of width w; row i column k encrypts the exponent
// 1000·i + k, so that decryptions identify the row.
func testRows(t testing.TB, pk *elgamal.PublicKey, n, w int) *Rows {
	rows := make([][]*elgamal.Ciphertext, n)
	for i := range rows {
		rows[i] = make([]*elgamal.Ciphertext, w)
		for k := range rows[i] {
			m := group.NewScalar().SetUint64(uint64(1000*i + k))
			rows[i][k] = pk.Encrypt(m, testScalar("mixnet test nonce", uint64(i*w+k)))
		}
	}
	r, err := NewRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testNonces(t testing.TB, label string) *proof.Nonces {
	seed := sha512.Sum512_256([]byte(label))
	n, err := proof.NewNonces(seed[:])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func newSHA512() hash.Hash { return sha512.New() }

func elgamalScalar(v uint64) *group.Scalar { return group.NewScalar().SetUint64(v) }

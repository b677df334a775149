package elgamal_test

import (
	"fmt"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
)

// A yes/no question: each voter encrypts 0 or 1, the ciphertexts are added,
// and only the sum is decrypted.
func Example() {
	sk, pk := elgamal.GenerateKey()

	tally := elgamal.NewCiphertext()
	for _, vote := range []uint64{1, 0, 1, 1, 0} {
		m := new(group.Scalar).SetUint64(vote)
		tally.Add(tally, pk.Encrypt(m, group.RandomScalar()))
	}

	table := elgamal.NewDLogTable(1000) // at most 1000 voters
	yes, err := table.VarTimeSolve(sk.Decrypt(tally))
	fmt.Println(yes, err)
	// Output: 3 <nil>
}

// A council ballot of candidate codes on the mixnet path: packed into a
// fixed number of elements, encrypted, re-encrypted by a mix server,
// decrypted and unpacked.
func ExamplePackCodes() {
	sk, pk := elgamal.GenerateKey()
	const maxCodes, maxCode = 21, 400 // up to 21 codes out of 400 candidates

	plain, err := elgamal.PackCodes([]uint32{17, 204, 3}, maxCodes, maxCode)
	if err != nil {
		panic(err)
	}
	row := make([]*elgamal.Ciphertext, len(plain))
	for i, M := range plain {
		row[i] = pk.EncryptElement(M, group.RandomScalar())
	}
	for i := range row { // one mix server
		row[i] = pk.ReEncrypt(row[i], group.RandomScalar())
	}
	decrypted := make([]*group.Element, len(row))
	for i, c := range row {
		decrypted[i] = sk.Decrypt(c)
	}
	codes, err := elgamal.UnpackCodes(decrypted, maxCodes, maxCode)
	fmt.Println(elgamal.PackedWidth(maxCodes, maxCode), codes, err)
	// Output: 1 [17 204 3] <nil>
}

func ExampleEmbed() {
	M, err := elgamal.Embed([]byte("Ada Lovelace"))
	if err != nil {
		panic(err)
	}
	data, err := elgamal.Extract(M)
	fmt.Printf("%s %v\n", data, err)
	// Output: Ada Lovelace <nil>
}

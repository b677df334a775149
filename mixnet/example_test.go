package mixnet_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/sandogh/sandogh/elgamal"
	"github.com/sandogh/sandogh/group"
	"github.com/sandogh/sandogh/mixnet"
	"github.com/sandogh/sandogh/proof"
)

// A cascade of two mix servers shuffles five ballots of width 2; a
// verifier checks every stage from the published bytes, and the election
// key holder decrypts the final rows.
func Example() {
	sk, pk := elgamal.GenerateKey()
	baseHash := sha256.Sum256([]byte("an election's base hash"))
	// The cascade that mixes contest 0, "council", of the election.
	p := &mixnet.Params{BaseHash: baseHash[:], Cascade: mixnet.CascadeID(0, "council"), PublicKey: pk}

	// Five ballots, each a row of two ciphertexts (two packed plaintexts).
	var ballots [][]*elgamal.Ciphertext
	for i := uint64(1); i <= 5; i++ {
		ballots = append(ballots, []*elgamal.Ciphertext{
			pk.Encrypt(group.NewScalar().SetUint64(i), group.RandomScalar()),
			pk.Encrypt(group.NewScalar().SetUint64(10*i), group.RandomScalar()),
		})
	}
	input, err := mixnet.NewRows(ballots)
	if err != nil {
		panic(err)
	}

	// Two mix servers, each with an Ed25519 key.
	_, key1, _ := ed25519.GenerateKey(nil)
	_, key2, _ := ed25519.GenerateKey(nil)
	servers := []ed25519.PublicKey{key1.Public().(ed25519.PublicKey), key2.Public().(ed25519.PublicKey)}
	cascade, err := mixnet.NewCascade(p, servers, 2, input)
	if err != nil {
		panic(err)
	}
	var published [][]byte
	for _, key := range []ed25519.PrivateKey{key1, key2} {
		index, in := cascade.Next()
		stage, err := mixnet.Mix(p, index, key, in, proof.RandomNonces())
		if err != nil {
			panic(err)
		}
		fmt.Println(cascade.Add(stage))
		published = append(published, stage.Bytes())
	}

	// An independent verifier reads the stages back and checks them.
	var stages []*mixnet.Stage
	for _, b := range published {
		s, err := mixnet.ParseStage(b)
		if err != nil {
			panic(err)
		}
		stages = append(stages, s)
	}
	output, verdicts, err := mixnet.VerifyCascade(p, servers, 2, input, stages)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(verdicts), "stages verified")

	// Decrypting the final rows gives the ballots back, each row whole.
	table := elgamal.NewDLogTable(100)
	var rows []string
	for i := 0; i < output.Len(); i++ {
		var vals []uint64
		for _, ct := range output.Row(i) {
			m, _ := table.VarTimeSolve(sk.Decrypt(ct))
			vals = append(vals, m)
		}
		rows = append(rows, fmt.Sprint(vals))
	}
	slices.Sort(rows)
	fmt.Println(rows)
	// Output:
	// stage 0: accepted
	// stage 1: accepted
	// 2 stages verified
	// [[1 10] [2 20] [3 30] [4 40] [5 50]]
}

package election_test

import (
	"crypto/ed25519"
	"testing"

	"github.com/sandogh/sandogh/ballot"
	"github.com/sandogh/sandogh/internal/forge"
)

// Test wrappers of package forge: what an adversary who holds a signing
// key can submit to a ballot box.

// must returns x, and panics on err: forging a ballot fails only on a
// mistake of the test.
func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}

func reheader(t testing.TB, e *ballot.Election, src *ballot.Ballot, h ballot.Header, key ed25519.PrivateKey) *ballot.Ballot {
	return must(forge.Reheader(e, src, h, key))
}

// sameCiphertextTwice forges, for the rule tests' manifest (contest 0: up
// to 2 of 3; contest 1: yes or no), a cast ballot whose first two
// selections of contest 0 hold the same ciphertext, each with its own
// valid range proof (its voter knows the nonce), and signs it with key:
// attack 1 of issue 10.
func sameCiphertextTwice(t testing.TB, e *ballot.Election, h ballot.Header, key ed25519.PrivateKey) *ballot.Ballot {
	one := forge.Encrypt(e, 1, h.BallotID+" twice")
	return forgeBallot(t, e, h, key, []forge.Selection{one, one, forge.Encrypt(e, 0, h.BallotID+" third")})
}

// forgeBallot forges a cast ballot of the rule tests' manifest whose
// contest 0 holds board, and contest 1 a "no".
func forgeBallot(t testing.TB, e *ballot.Election, h ballot.Header, key ed25519.PrivateKey, board []forge.Selection) *ballot.Ballot {
	t.Helper()
	c0 := must(forge.UpTo(e, h, 0, 2, board, h.BallotID+" 0"))
	c1 := must(forge.UpTo(e, h, 1, 1, []forge.Selection{forge.Encrypt(e, 0, h.BallotID+" yes"), forge.Encrypt(e, 1, h.BallotID+" no")}, h.BallotID+" 1"))
	return must(forge.Sign(e.BaseHash(), h, forge.Ballot(c0, c1), ballot.Cast, nil, key))
}

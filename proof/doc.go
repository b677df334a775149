// Package proof implements the zero-knowledge proofs of sandogh and the one
// Fiat–Shamir transcript they share: a Schnorr proof of knowledge of a
// discrete logarithm, a Chaum–Pedersen proof of equal discrete logarithms,
// a disjunctive Chaum–Pedersen proof that an exponential ElGamal ciphertext
// encrypts a value in 0..R, and a batch verifier that checks many proofs with
// one variable-time multi-scalar multiplication.
//
// Every challenge is strong Fiat–Shamir (Bernhard, Pereira, Warinschi 2012):
// the transcript hashes a protocol label, the election's base hash, the
// caller's context, the whole statement and every commitment, each field
// typed, named and length-prefixed so that the encoding is injective. Proofs
// are in the batchable form (commitments and responses). Prover randomness
// comes from Nonces, a keyed hash of a 32-byte seed, so that a challenged
// ballot can be opened by releasing its seed.
//
// The byte-level specification (transcript encoding, nonce derivation, every
// proof's fields and equations, the encodings and the batch verification) is
// in docs/spec.md, section "Proofs";
// the known-answer vectors are in testdata/.
//
// Provers handle secrets (keys, nonces, plaintext votes) only with constant
// time code. Verifiers and the batch verifier handle public data only.
//
// This package is not a general-purpose proof system or signature scheme:
// it proves exactly the statements above, over ristretto255, inside a
// sandogh transcript. To sign messages use crypto/ed25519. Its proofs are not
// meant to be verified without the transcript context that the caller adds
// (ballot identifier, indices, trustee), which binds each proof to its place.
package proof

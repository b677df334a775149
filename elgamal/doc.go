// Package elgamal implements ElGamal encryption over the ristretto255 group
// of package group: key pairs, ciphertexts and their byte and text
// encodings, exponential encryption Enc(m; r) = (rG, mG + rK), the
// homomorphic operations, re-encryption, decryption, a bounded discrete
// logarithm for tallies, the embedding of short byte strings into elements,
// and the packing of candidate codes into embedded plaintexts.
//
// The byte-level specification is in docs/spec.md, section "ElGamal"
// (written from docs/spec-parts/20-elgamal.md); the known-answer vectors are
// in testdata/.
//
// Operations on keys, nonces and plaintexts run in constant time. Functions
// whose name contains VarTime take public data only.
//
// This package is not a general-purpose public-key encryption scheme: it
// has no authentication and its ciphertexts are malleable by design, so that
// they can be added and re-encrypted. Ciphertexts are only meaningful
// together with the zero-knowledge proofs of package proof. To encrypt
// messages between parties use HPKE (RFC 9180) instead.
package elgamal

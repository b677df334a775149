// Package mixnet implements the verifiable re-encryption mixnet of sandogh:
// a shuffle of rows of w ElGamal ciphertexts (one secret permutation for all
// columns, every ciphertext re-encrypted) with a Terelius–Wikström proof of
// shuffle, and cascades of mix servers that each shuffle the previous
// stage's output, prove it and sign it with their Ed25519 key.
//
// The proof follows Haenni, Locher, Koenig and Dubuis, "Pseudo-code
// algorithms for verifiable re-encryption mix-nets" (FC 2017 workshops),
// extended to rows of width w as in Verificatum. Its commitment generators
// are derived from the election's base hash and the stage index by package
// group and re-derived by the verifier; a proof never carries them. Its
// Fiat–Shamir transcript (package proof) hashes the base hash, the
// cascade's identifier, the stage, the public key, the digests of the input
// and output lists and every commitment. The byte-level specification — encodings, transcript,
// equations, the stage signature and the cascade rules — is docs/spec.md,
// section "Mixnet"; the
// known-answer vectors are in testdata/.
//
// The flow of an election: the ballot layer builds the input list with
// NewRows (a council ballot is one row of packed codes, see
// elgamal.PackCodes); Params name the election and the cascade (CascadeID:
// one per contest, so that a stage signed for one contest is refused in
// another); NewCascade fixes the authorised servers; each server
// takes Cascade.Next, runs Mix and publishes the Stage; Cascade.Add (or
// VerifyCascade on a record) checks it and returns a Verdict naming the
// check that failed; Cascade.Output is the list the trustees decrypt. A
// rejected stage is skipped and the cascade continues from its input.
//
// Shuffle and Mix handle the permutation, the re-encryption nonces and the
// proof's secrets with constant-time arithmetic; applying the permutation
// reads rows at secret positions, as every mixnet does, so a mix server must
// not share its machine with untrusted code. VerifyShuffle and the cascade
// checks handle public data only and use variable-time multi-scalar
// multiplication. Both run on all cores.
//
// This package is not a general-purpose shuffle or anonymity network: it
// proves shuffles of sandogh ciphertexts under one election key, bound to
// one election's base hash. It does not decrypt, unpack or judge the mixed
// ballots; that is the work of the trustee and tally packages.
package mixnet

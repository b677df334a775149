// Package elgamal implements ElGamal encryption over the ristretto255 group
// of package group, as used by sandogh elections: key pairs, ciphertexts and
// their encodings, exponential encryption Enc(m; r) = (rG, mG + rK), the
// homomorphic operations, re-encryption, decryption, a bounded discrete
// logarithm for tallies, the embedding of short byte strings into elements,
// and the packing of candidate codes into embedded plaintexts.
//
// The byte-level specification is docs/spec.md, section "ElGamal":
// the 64-byte ciphertext encoding A ‖ B
// and its text form, the embedding layout, the packing of codes, and the
// known-answer vectors in testdata/vectors.json.
//
// Two paths use it. On the homomorphic path a selection is encrypted with
// PublicKey.Encrypt, ciphertexts are added with Ciphertext.Add, the sum is
// decrypted (by trustees, in package trustee) and its count found with
// DLogTable.VarTimeSolve. On the mixnet path a ballot's candidate codes are
// packed with PackCodes into PackedWidth elements, each encrypted with
// PublicKey.EncryptElement, shuffled and re-encrypted with
// PublicKey.ReEncrypt, decrypted, and read back with UnpackCodes (with
// VarTimeEmbeddingCounter telling whether each plaintext is the canonical
// embedding of its data); a write-in of up to MaxEmbedSize bytes goes
// through Embed and Extract.
//
// Keys, nonces and plaintexts meet only constant-time code. Functions whose
// name contains VarTime take public data only. Decoders of untrusted input
// (Ciphertext.SetCanonicalBytes, UnmarshalText, Extract, UnpackCodes) return
// errors that name the field and place; they never panic.
//
// This package is not a general-purpose public-key encryption scheme. Its
// ciphertexts are malleable by design, so that they can be added and
// re-encrypted, and carry no authentication: they are meaningful only
// together with the zero-knowledge proofs of package proof. To encrypt
// messages between parties, use HPKE (RFC 9180). It does not judge ballots
// either: whether codes repeat or name real candidates is for packages
// ballot and tally.
package elgamal

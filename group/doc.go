// Package group implements ristretto255, the prime-order group of RFC 9496,
// for sandogh's ElGamal encryption, zero-knowledge proofs and mixnet.
//
// It provides Scalar (integers modulo the group order ℓ) and Element (group
// elements), with their strict encodings; hashing to elements and scalars
// with expand_message_xmd of RFC 9380 (the suite
// ristretto255_XMD:SHA-512_R255MAP_RO_ of RFC 9380, Appendix B);
// independent generators derived from public data; multi-scalar
// multiplication; fixed-base tables; and batch encoding. Arithmetic comes
// from filippo.io/edwards25519; the ristretto255 encoding, decoding and
// one-way map are written here on its field package. The variable-time code
// whose speed matters most (the bucket method's windows, decoding with
// hints, Ed25519 verification) computes on the four-limb field arithmetic of
// github.com/cloudflare/circl/math/fp25519.
//
// It also verifies Ed25519 signatures (Ed25519PublicKey, VarTimeVerifyEd25519)
// with exactly the acceptance rule of crypto/ed25519.Verify, faster for a
// key decoded once, for the ballot box and the verifier, which check one
// signature per ballot by a few registered keys.
//
// The byte-level specification is the section "The group" of docs/spec.md.
// Test vectors are in testdata/: those of
// RFC 9496, Appendix A, of RFC 9380, Appendix K.3, and this package's own
// known answers for Generator, HashToElement, HashToScalar, the multi-scalar
// multiplications, fixed-base tables and DoubleAndEncodeBatch.
//
// # Encodings
//
// An element is encoded as the 32 bytes of RFC 9496, Section 4.3.2; a scalar
// as 32 little-endian bytes of a value below ℓ; the text form of both
// (MarshalText) is the lowercase hexadecimal of those bytes. The decoders
// SetCanonicalBytes and UnmarshalText accept exactly the canonical encodings
// and return an error saying which check failed otherwise, leaving the
// receiver unchanged. Element decoding accepts the identity (32 zero bytes);
// protocols that must refuse it check IsIdentity.
//
// # Constant time
//
// Every operation runs in time independent of the values of its inputs,
// except those whose name contains VarTime, which take public data only and
// say so. Equality and tests return an int (1 or 0), like crypto/subtle. The
// only decoder for secret strings is TrySetCanonicalBytes: SetCanonicalBytes
// computes in constant time but reveals by its result and its timing whether
// the input was valid.
//
// # Values and receivers
//
// The zero Scalar is a valid zero. The zero Element is NOT valid, and may be
// used only as a receiver: create elements with NewElement (the identity) or
// NewGeneratorElement (the generator G). Methods follow math/big: the receiver
// is set to the result and returned, and all arguments and receivers may
// alias, as in x.Add(x, x).
//
// Panics are reserved for programmer errors (an empty domain separation tag,
// slices of different lengths); untrusted bytes always yield an error.
//
// # What this package is not for
//
// It is not a general-purpose elliptic curve library. It exposes no Edwards
// points, no cofactor, no X25519 and no signing: Ed25519 signers want
// crypto/ed25519, key agreement wants crypto/ecdh, and other prime-order
// group protocols may prefer github.com/gtank/ristretto255. The scalar and
// element types are sandogh's, shaped for its protocols.
package group

// Package wire holds the byte-level encoding primitives that packages ballot
// and tally share: a Writer of big-endian fixed-width integers and
// length-prefixed strings, a strict Reader of the same from untrusted input,
// and strict decoders of lowercase hexadecimal and of JSON values.
//
// StrictJSON (and StrictJSONObject) is the one JSON decoder of every
// package: ballot, tally, election, trustee and proof decode their JSON
// forms with it, so that the rules of docs/spec.md, "The election record",
// "Conventions" (no member twice, none unknown, required members present,
// no null, canonical integer keys) are written once; see StrictJSON for
// the rules and for which members are required.
//
// The primitives are specified in docs/spec.md §Ballots, "Encoding
// primitives":
//
//	u8, u32, u64     fixed-width unsigned integers, big-endian
//	str(s), bytes(b) u32(len) ‖ the bytes
//	fixed(b)         the bytes themselves, for fields of fixed length
//
// The binary primitives are not for the encodings of group elements,
// scalars or proofs (see packages group, elgamal and proof), and not for
// the trustee messages, whose labels are u16-prefixed (docs/spec.md
// §Trustees). The package hashes nothing and knows no labels: each caller
// writes its own.
package wire

// Package speccheck is an independent verifier of sandogh's election records,
// written from the specification (docs/spec.md)
// alone, to test the promise that a researcher can implement a
// verifier from that document without reading sandogh's code.
//
// The package has no API: everything is in its tests. They import no sandogh
// package, except tally/apportion and tally/ranked, each as the
// implementation under test of differential tests (their rules are
// re-implemented here, not called); the group is github.com/gtank/ristretto255, expand_message_xmd is
// github.com/cloudflare/circl/expander, and everything else (SHA-512,
// SHA-512/256, SHA-256, Ed25519, JSON) is the standard library. The tests
// re-check, byte for byte, the Fiat–Shamir transcripts and nonces against
// proof/testdata, the Schnorr, Chaum–Pedersen and range proofs, the ballots
// of ballot/testdata and of the sample record in election/testdata/sample
// (manifest and base hash, ballot encoding, confirmation codes, signatures,
// device chains, proofs, challenged ballots opened from their seeds), the key
// ceremony (roster hash, signatures, Schnorr proofs, joint and verification
// keys), the encrypted tally, the trustees' decryption shares, their Lagrange
// combination, and the results with their seat allocation; and the mixnet
// path of council records (mixnet/testdata vectors, the input list rebuilt
// from the ballots, each stage's signature, input link, commitment
// generators, transcript and Terelius–Wikström equations, the shares of the
// final rows and their combination, the decoded rows and the codes results),
// weighted records (the weighted credential list and manifest in the base
// hash, the weighted sums Σ w·C of the counted ballots, both halves of the
// decrypted list and the weighted and unweighted counts of the results;
// on the mixnet path the weight column of every input row, rebuilt from
// the confirmation code and the credential's weight, the weight decoded
// from each mixed row and the rows counted with their weights),
// the poll book's summary of counts when the record has one (check 23), the record's layout
// (nothing but its files, each a regular file opened without blocking or
// following links), the text rule for identifiers and names, and the name key
// that refuses two candidates of one contest whose names voters cannot tell
// apart; the seat allocation to party lists of tally/apportion (its worked
// examples, the Norwegian results, the JSON bytes, and random inputs compared
// with the package); and the ranked counting methods of tally/ranked (the
// validation of rankings, Scottish STV, Meek STV, instant-runoff and
// Schulze: the reference counts of its testdata, the JSON bytes, and random
// small elections compared with the package), and the ranked contest kind
// of council records (the manifest's method block, rankings packed in the
// voter's order and opened as ranks, the decoding without the ascending
// rule, the rows as rankings, counts/<i>.json recounted by the rules of
// ranked_test.go, and the results by the count's order: check 24). Every check
// is also run on tampered input and must fail there.
//
// It is not a verifier for production use (examples/verifier is), and it
// checks nothing the specification does not describe; where the specification
// was found ambiguous or wrong, the finding is recorded in the commit history
// and the specification was corrected.
package speccheck

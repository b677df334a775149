// Package ballot holds everything between a voter's choice and an accepted
// encrypted ballot: the election manifest and its base hash, ballot
// encryption with validity proofs, confirmation codes and per-device
// chains, cast-or-challenge (Benaloh), voter credentials for remote voting,
// and the ballot box that accepts ballots durably.
//
// The byte-level specification (manifest and base hash encodings, ballot
// encoding, proof transcripts, confirmation codes, signatures, device
// chains, acceptance rules and the ballot-box file) is in docs/spec.md,
// section "Ballots"; the
// known-answer vectors are in testdata/ballot-vectors.json, and those of
// ballots with a Codes contest in testdata/codes-vectors.json.
//
// An election is described by a Manifest and made concrete by NewElection,
// which binds the group, the manifest, the joint public key, the trustees'
// keys, the registered devices and the credential list into one base hash.
// A polling-station Device or a remote voter's software encrypts a Vote
// with EncryptBallot: one exponential ElGamal ciphertext per candidate with
// a range proof, and one proof per contest that the sum respects the
// contest's limit. A contest of kind Codes ("write up to N candidate codes
// from a list of M", for council elections with hundreds or thousands of
// candidates) is instead one row of ciphertexts of the voter's codes,
// packed by elgamal.PackCodes, each with a Schnorr proof of knowledge of
// its nonce; its rows are mixed and decrypted one by one (packages mixnet
// and tally) rather than added, and a ballot may hold contests of both
// kinds. All nonces derive from one 32-byte seed per ballot, and
// every proof's transcript starts with the base hash, the ballot identifier
// and its signer, so that nothing can be copied from one ballot into
// another. The voter then casts the ballot or challenges it; a challenged
// ballot releases its seed and OpenChallenged shows what it encrypts. A Box
// checks each submitted ballot (VerifyBallot plus replays, credential
// policy and device chains), refuses with a *Refusal that names the check
// and the place, and appends accepted ballots to a file that survives
// crashes.
//
// A remote voter signs with a Credential, an Ed25519 key. Each voter's
// device makes its own (GenerateCredential), or her smart card does (a
// crypto.Signer, Ballot.Cast), and only public keys reach the
// CredentialList, so that nobody else can sign her ballot.
// GenerateCredentials, which makes every voter's key in one place, trusts
// whoever runs it with every remote vote: with a copy it can vote for the
// voters who abstain and replace ballots (docs/spec.md, Ballots,
// "Credentials and the credential list").
//
// A verifier of a whole ballot box checks the ballots in batches with
// VerifyBallots, which verifies the proofs of many ballots in one
// multi-scalar multiplication and reports every independent check a ballot
// fails (Refusals), and checks the replay rule across the box with each
// ballot's Fingerprints.
//
// Encryption runs in constant time in the vote and the nonces; the checks
// of a vote against the manifest, which reject overvotes before
// encryption, run on the voter's own device. Verification handles public
// data only.
//
// This package is not a tally or a verifier of a whole election record:
// it accepts or refuses ballots one by one. Aggregation and decryption of
// the accepted ballots are in package tally, the key ceremony is in package
// trustee, and the shuffle of the rows of Codes contests in package mixnet;
// the proof of knowledge of a row's nonces makes a row non-malleable, but
// whether the codes it holds are a valid ballot is only known after mixing
// and decryption (tally.RowDecoder). It does not authenticate voters either: eligibility is
// the registration of devices and the credential list, which the
// election's officials establish outside this package.
package ballot

// Package ballot holds everything between a voter's choice and an accepted
// encrypted ballot: the election manifest and its base hash, ballot
// encryption with validity proofs, confirmation codes and per-device
// chains, cast-or-challenge (Benaloh), voter credentials for remote voting,
// and the ballot box that accepts ballots durably.
//
// The byte-level specification (manifest and base hash encodings, ballot
// encoding, proof transcripts, confirmation codes, signatures, device
// chains, the acceptance rule and the ballot-box file) is in docs/spec.md,
// section "Ballots"; the known-answer vectors are in
// testdata/ballot-vectors.json, those of ballots with a CodeList
// contest in testdata/codes-vectors.json, and those of ballots with
// ProportionalList contests in testdata/list-vectors.json.
//
// An election is described by a Manifest and made concrete by NewElection,
// which binds the group, the manifest, the joint public key, the trustees'
// verification keys (Parameters.VerificationKeys), the registered devices and
// the credential list into one base hash. A polling-station Device or a remote
// voter's software encrypts a Vote with EncryptBallot: one exponential ElGamal
// ciphertext per candidate with a range proof, and one proof per contest that
// the sum respects the contest's limit. A contest of kind CodeList ("write up
// to N candidate codes from a list of M", for council elections with hundreds
// or thousands of candidates) is instead one row of ciphertexts of the voter's
// candidate codes, packed by elgamal.PackCodes, each with a Schnorr proof of
// knowledge of its nonce; its rows are mixed and decrypted one by one
// (packages mixnet and tally) rather than added, and a ballot may hold
// contests of both kinds. A contest of kind Ranked ("rank up to N
// candidates", counted by the manifest's CountingMethod: Scottish or Meek
// STV, instant-runoff or Schulze) is a CodeList contest whose row keeps
// the voter's order of preference (Vote.SetRanking). A ProportionalList contest (kind "list":
// proportional representation by party lists, open or panachage) is one
// ciphertext per list, per list's additional votes under panachage, and per
// candidate, with range proofs on integer combinations of them that show
// the list rule (docs/spec.md, "List contests"). All nonces derive from one 32-byte seed per ballot,
// and every proof's transcript starts with the base hash, the ballot
// identifier and its signer, so that nothing can be copied from one ballot
// into another.
//
// Each ballot has a ConfirmationCode, the hash of its signed body, which
// the device shows the voter (its Short form) and which the voter later
// finds in the published record (ParseShortCode reads a short code as
// voters type it: any case, Persian or Arabic-Indic digits, any
// separators); a device's ballots form a chain, each
// naming the confirmation code of the one before (Header.Previous). The
// word "code" alone in this package's names means a candidate code
// (Candidate.Code, Contest.MaxCode, Vote.SetCodes), never a confirmation
// code. EncryptBallot returns a Pending: encrypted, not yet signed, with no
// encoding, so that it cannot reach a box. The voter then casts the ballot
// or challenges it (Pending.Cast, Pending.Challenge, or the Device's Cast
// and Challenge), which signs it and returns the Ballot: a Ballot is always
// cast or challenged, and its Bytes are what a box accepts. A challenged
// ballot releases its seed and OpenChallenged shows what it encrypts.
//
// Which ballots are accepted, refused or rejected, and which count, is
// decided by one rule (docs/spec.md, "The acceptance rule"), written once
// as the state machine Rule: CheckBallots runs the steps that depend on
// one ballot alone (signature, shape, proofs, batched into one multi-scalar
// multiplication), and Rule the steps that depend on the earlier lines
// (identifiers, device chains, the uniqueness of nonces, the credential
// policy, revotes). A Box runs it on each submission, writes accepted and
// refused ballots durably to a file that survives crashes (ParseBoxLine
// reads its lines; concurrent submissions share one fsync, and none is
// answered before its line is synced; OpenBox checks every line again,
// proofs included), answers with a *Refusal that names the rule's Step
// (StepProof, StepChainFork, …) and the place, and answers a repeated
// upload as the first time; the verifier of
// an election record (package election) runs the same Rule over that file.
// VerifyBallot runs the steps of one ballot alone, without a box. One file
// has one box: OpenBox locks the file until Close, and a second OpenBox
// of it, in this process or another, fails at once. Once the record's
// writer has finished the box (election.Writer.FinishBallots), its file
// is read-only and never opens again, so no ballot reaches it after its
// tally was taken.
//
// Polling stations are declared in the manifest (Manifest.Stations), each
// with its devices and the officials of its committee, who hold their own
// Ed25519 keys. A device ends its chain with a signed closing certificate
// (Device.Close, DeviceClosing.Cosign by k officials, Box.AcceptClosing),
// after which the rule rejects its ballots; a failed device is replaced by
// another of its station whose opening names the old device's last ballot
// (ReplaceDevice); and each station keeps a signed, hash-chained incident
// log (IncidentLog, Box.AcceptIncident). All three are lines of the box's
// file, run through the same Rule (docs/spec.md, "Closing certificates",
// "Device replacement", "Incident logs").
//
// A Contest's Seats say how many candidates it elects: an UpTo or
// CodeList contest needs at least one (Seats: 1 for a single winner), and
// Validate refuses one written without; an Exactly or Score contest
// without seats ranks its candidates and elects nobody.
//
// Encryption runs in constant time in the vote and the nonces; the checks
// of a vote against the manifest, which reject overvotes before
// encryption, run on the voter's own device. Verification handles public
// data only.
//
// This package is not a tally or a verifier of a whole election record:
// it accepts or refuses ballots one by one. Aggregation and decryption of
// the accepted ballots are in package tally, the key ceremony is in package
// trustee, and the shuffle of the rows of CodeList contests in package mixnet;
// the proof of knowledge of a row's nonces makes a row non-malleable, but
// whether the candidate codes it holds are a valid ballot is only known
// after mixing and decryption (tally.RowDecoder). It does not authenticate
// voters either: eligibility is the registration of devices and the
// credential list, which the election's officials establish outside this
// package.
package ballot

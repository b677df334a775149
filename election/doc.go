// Package election writes, reads and verifies the election record of a
// sandogh election: the folder of files that documents every step, from
// the key ceremony to the results, so that anyone can check the election.
//
// # Layout
//
// A record is a folder (docs/spec.md, section "The election record"):
//
//	SHA256SUMS                  SHA-256 of every other file (sha256sum format)
//	trustees/roster.json        the trustees, their keys and the threshold
//	trustees/commitments.jsonl  the key ceremony's messages, one per line,
//	trustees/shares.jsonl         one file per round
//	trustees/complaints.jsonl
//	trustees/responses.jsonl
//	trustees/result.json        the ceremony's outcome: joint key, verification keys
//	election.json               manifest, joint key, trustees' keys, hashes, base hash
//	devices.json                registered polling-station devices
//	credentials.json            the public list of voter credentials
//	ballots.jsonl               the ballot box's file: openings, accepted and refused ballots, closings, incidents
//	challenged.jsonl            the accepted challenged ballots and the votes they open to
//	tally/encrypted.json        the homomorphic sum of the ballots that count
//	tally/shares/<j>.json       trustee j's decryption shares with proofs
//	mixnet/<i>/stages/<t>.bin   for each CodeList or Ranked contest i: stage t of its cascade
//	mixnet/<i>/shares/<j>.bin   trustee j's decryption shares of the final rows
//	mixnet/<i>/decrypted.jsonl  the decoded rows: plaintexts, codes, valid or why not
//	counts/<i>.json             for each Ranked contest i: its count, every stage;
//	                            for each list contest i: its seat allocation
//	results.json                the results: counts, main members, alternates, ties
//
// Nothing else may be in the folder, and every file is a regular file:
// the Reader, the Writer and Verify open files without blocking and
// without following symbolic links, so that a named pipe or a link in a
// downloaded record is a finding, never a hang.
//
// A Writer writes it step by step, append-only and crash-safe; a Reader
// decodes its parts, streaming the ballots; Verify checks all of it.
//
// # Writing
//
// The Writer's steps are, in order: WriteCeremony, WriteElection, OpenBox
// (voting, until the box is closed), FinishBallots, WriteShareList for
// each trustee present, the mixnet path of each CodeList or Ranked contest
// (MixInput, WriteStage, WriteRowShareList, WriteDecodedRows, and for a
// Ranked contest WriteRankedCount), and
// WriteResults, the last file (see Writer and ExampleWriter). The Writer
// knows from its index which steps are done, and each method refuses, with
// an error naming the missing step, to run out of order; OpenWriter
// resumes with the same knowledge after a crash or in another process.
// Where two steps meet, what they bring must agree: WriteElection refuses
// a ceremony run for another election (trustee.Result.ElectionID against
// the manifest's ElectionID), FinishBallots refuses a box that is still
// open and then finishes it for good, and WriteDecodedRows and
// WriteResults decrypt from the share lists in the record and refuse rows
// or results that do not follow from them. So a mistake in the sequence
// fails at the step that makes it, not in the verification of the
// finished record.
//
// Which of the three ways to a ceremony's outcome (trustee.Result) to use:
// the coordinator who writes the record takes the one WriteCeremony
// returns; a trustee's tool uses trustee.Trustee.Finish, which also
// computes its key share; a verifier judges the published messages with
// trustee.VerifyCeremony (Verify does, in check 2). The outcome decoded
// from trustees/result.json (Reader.CeremonyResult) names no election, and
// the Writer and package tally refuse it.
//
// # Verification
//
// Verify runs twenty-five numbered checks, in the manner of the verification steps
// of ElectionGuard (docs/spec.md, section "Verification", describes each under
// its number): parameters and base hash, the key ceremony, the joint key,
// device openings, the credential list, every ballot's proofs, signatures,
// eligibility and uniqueness, device chains, challenged ballots, the
// aggregation, every decryption share, their combination, the results, the
// index of file hashes, and for the mixnet path of CodeList and Ranked contests the mix
// input, every stage of the cascade (with a verdict per stage, in
// Report.Cascades), the decryption and the decoding of the mixed rows, and
// their results; then the devices' closing certificates (every device of a
// station closed or was replaced, at its chain's tip, with its chain's
// counts), the stations' incident logs (signatures, chains, and a
// device-replaced incident for every replacement), and the poll book's
// summary of counts, if the record has one (pollbook.json: this
// election's, counts that agree, stations that are registered devices),
// for each Ranked contest its count (counts/<i>.json, recomputed
// stage by stage from the decrypted rows) and its results, and for each
// ProportionalList contest its seat allocation (counts/<i>.json,
// recomputed from the decrypted totals) and its elected. Checks 4 and 6
// to 11 run the ballot box's acceptance rule
// (ballot.Rule, the same implementation as the box's) over ballots.jsonl:
// every line must get the verdict it was written with, and the ballots the
// rule accepts and does not supersede are the ones that count; a line that
// gets another verdict is a finding of the check that the rule's step
// (ballot.Step) belongs to (docs/spec.md, Verification, "Checks 4 and 6 to 11
// run the acceptance rule"). Each Finding names its check, file, line and the
// ballot, device, contest, candidate or trustee concerned, and prints them
// quoted, so that no text of the record can reorder or break a report. Ballots
// are verified on all cores, and memory does not grow with their number except
// for the rows of CodeList and Ranked contests, which the verifier rebuilds
// into a cascade's input list, and the rankings of a Ranked contest, which
// its count needs whole; stages are verified one at a time, each on all
// cores.
//
// Each check gets a Verdict: Passed, Failed (with findings), NotChecked (an
// input it needs is unavailable, and it says which), or NotApplicable (the
// mixnet checks in an election without CodeList contests, the closings in
// an election without stations or closings, the incident logs without
// incidents or replacements, the poll book's summary in a record without
// one, the ranked counts without Ranked contests); the record is
// Valid if every check passed or does not apply. The Report also says what
// was verified: the record's format, the election, its base hash and the
// results. Observers who download a record while the election runs verify
// each snapshot with Options.Snapshot, which reports the checks that need
// files not written yet as not checked, and VerifyAppendOnly, which checks
// that the snapshot only appends to an earlier one (docs/spec.md,
// Verification, "Snapshots").
//
// Everything in a record is public. The verifier handles public data only,
// and uses the variable-time batch verification of package proof.
//
// # The voter's lookup
//
// LookUp answers a voter's "is my ballot in?" from the short confirmation
// code she took home (ballot.ParseShortCode reads it as she types it): it
// finds the ballot in ballots.jsonl as a stream, says what became of it
// (counted, superseded by a later ballot of its credential, challenged and
// opened, or refused, at which step and why), and runs on that ballot the
// checks that one ballot allows: its signature, its proofs or opening, and
// its link in its device's chain. Whether it counts is decided by Verify.
//
// # Decryption
//
// A trustee decrypts only what it has verified itself (docs/spec.md,
// Trustees, "What a trustee decrypts"): VerifyForDecryption runs the
// partial verification of a record that is not decrypted yet
// (Options.Partial: checks 1 to 11, 16, 17, 21 and 22), checks that ballots.jsonl
// is the file published when the ballot box closed, and returns a
// VerifiedRecord, whose TallyShares and RowShares make the trustee's
// shares of the encrypted tally it recomputed and of the final list of a
// cascade it verified complete, and of nothing else. A coordinator who
// hands the trustee a forged tally, one ballot's ciphertexts or an
// unfinished cascade gets an error and no shares. A mix server takes the
// list it mixes from the same verification (VerifiedRecord.NextStage,
// docs/spec.md, Trustees, "What a mix server mixes"): the cascade's
// current list as the record holds it, and no list someone hands it.
// examples/trustee is a trustee's command built on these steps.
//
// This package is not a bulletin board or a transport: it reads and writes
// a local folder, and publishing it (and making sure everyone sees the same
// record) is the election authority's job. It is not a trustee tool either:
// it keeps no secret key (VerifiedRecord uses the key share it is given),
// and its Writer records what the ballot box, the trustees and package
// tally produced.
package election
